"""The stamped certificate's file, assembled as bytes (decision 0030).

ReportLab writes the per-person layer: the values as text, with their font subsets. The design's
page, rendered once by WeasyPrint, becomes a form XObject whose objects are serialised once per
design, numbered to follow ReportLab's. Each certificate is then ReportLab's file with one
incremental update appended: those objects, the QR code as a one-bit image mask, a short
content stream that draws the design and the QR code, and the page again with both added to
its resources and contents. Nothing is parsed and written again per certificate; only
ReportLab's small page tree is read, to find what the new page points at.
"""

import io
import re
import threading
import zlib
from dataclasses import dataclass, field
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

BACKGROUND = "/CredoDesign"
QR = "/CredoQR"
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


@dataclass
class QrPlacement:
    """Where the QR code goes (points, PDF coordinates), its modules and its colour."""

    left: float
    bottom: float
    side: float
    matrix: tuple[bytearray, ...]  # rows of 0/1, 1 is dark
    color: tuple[float, float, float]


@dataclass
class Background:
    """The design's page as a form XObject, its objects serialised per first object number."""

    boxes: dict[NameObject, ArrayObject]  # /TrimBox, /BleedBox as the design had them
    _writer: PdfWriter
    _own: int  # the writer's own objects (its info, page tree and catalog) come first; not ours
    _form: IndirectObject
    _blocks: dict[int, tuple[bytes, list[int], int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def block(self, first: int) -> tuple[bytes, list[int], int, int]:
        """The form's objects numbered from `first`: their bytes, each one's offset in them, the
        form's number and the number after the last."""
        with self._lock:
            if first not in self._blocks:
                self._blocks[first] = self._serialise(first)
            return self._blocks[first]

    def _serialise(self, first: int) -> tuple[bytes, list[int], int, int]:
        shift = first - 1 - self._own
        objects = self._writer._objects[self._own :]
        out, offsets = io.BytesIO(), []
        for number, obj in enumerate(objects, start=first):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number)
            _renumbered(obj, shift, self._writer).write_to_stream(out)
            out.write(b"\nendobj\n")
        return out.getvalue(), offsets, self._form.idnum + shift, first + len(objects)


def _renumbered(obj: PdfObject | None, shift: int, writer: PdfWriter):
    """A copy of `obj` whose references point `shift` numbers further on."""
    if isinstance(obj, IndirectObject):
        return IndirectObject(obj.idnum + shift, 0, writer)
    if isinstance(obj, StreamObject):
        copy = StreamObject()
        copy._data = obj._data  # as stored, encoded; its /Filter is copied below
        for key, value in obj.items():
            copy[key] = _renumbered(value, shift, writer)
        return copy
    if isinstance(obj, DictionaryObject):
        return DictionaryObject({key: _renumbered(value, shift, writer) for key, value in obj.items()})
    if isinstance(obj, ArrayObject):
        return ArrayObject(_renumbered(value, shift, writer) for value in obj)
    return obj


def background_from(page: PageObject) -> Background:
    """The design's rendered page as a form XObject in a writer of its own (once per design)."""
    writer = PdfWriter()
    own = len(writer._objects)
    box = page.mediabox
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())  # type: ignore[union-attr]
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(list(box)),
            NameObject("/Resources"): cast(DictionaryObject, page["/Resources"].get_object()).clone(writer),
        }
    )
    reference = writer._add_object(form.flate_encode())
    boxes = {NameObject(n): cast(ArrayObject, page[n]) for n in ("/TrimBox", "/BleedBox") if n in page}
    return Background(boxes, writer, own, reference)


def _qr_image(qr: QrPlacement) -> bytes:
    """A one-bit image mask of the QR code (dark modules painted in the fill colour)."""
    size = len(qr.matrix)
    rows = bytearray()
    for row in qr.matrix:
        bits = int("".join("1" if v else "0" for v in row), 2) << ((-size) % 8)
        rows += bits.to_bytes((size + 7) // 8, "big")
    data = zlib.compress(bytes(rows))
    head = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ImageMask true /BitsPerComponent 1 "
        b"/Decode [ 1 0 ] /Filter /FlateDecode /Length %d >>\nstream\n" % (size, size, len(data))
    )
    return head + data + b"\nendstream"


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


def _draw(qr: QrPlacement) -> bytes:
    r, g, b = qr.color
    return b"q %s Do Q\nq %.4f %.4f %.4f rg %.3f 0 0 %.3f %.3f %.3f cm %s Do Q\n" % (
        BACKGROUND.encode(),
        r,
        g,
        b,
        qr.side,
        qr.side,
        qr.left,
        qr.bottom,
        QR.encode(),
    )


def _raw(obj: PdfObject) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def assemble(background: Background, overlay: bytes, qr: QrPlacement) -> bytes:
    """ReportLab's one-page file `overlay` with the design under its text and the QR code on it."""
    reader = PdfReader(io.BytesIO(overlay))
    trailer = reader.trailer
    page = reader.pages[0]
    page_ref = cast(IndirectObject, page.indirect_reference)
    size = int(cast(int, trailer["/Size"]))
    block, offsets, form_number, after = background.block(size)
    qr_number, draw_number = after, after + 1

    resources = DictionaryObject(
        {k: v for k, v in cast(DictionaryObject, page["/Resources"].get_object()).items() if k != "/XObject"}
    )
    resources[NameObject("/XObject")] = DictionaryObject(
        {
            NameObject(BACKGROUND): IndirectObject(form_number, 0, reader),
            NameObject(QR): IndirectObject(qr_number, 0, reader),
        }
    )
    new_page = DictionaryObject(
        {k: v for k, v in page.items() if k in ("/Type", "/Parent", "/MediaBox", "/Rotate")}
    )
    new_page.update(background.boxes)
    new_page[NameObject("/Resources")] = resources
    own = page.raw_get("/Contents")
    new_page[NameObject("/Contents")] = ArrayObject(
        [IndirectObject(draw_number, 0, reader), *(own if isinstance(own, ArrayObject) else [own])]
    )

    out = io.BytesIO(overlay)
    out.seek(0, io.SEEK_END)
    if not overlay.endswith(b"\n"):
        out.write(b"\n")
    start = out.tell()
    out.write(block)
    positions = {size + i: start + offset for i, offset in enumerate(offsets)}
    added = ((qr_number, _qr_image(qr)), (draw_number, _stream(_draw(qr))), (page_ref.idnum, _raw(new_page)))
    for number, body in added:
        positions[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n%d 1\n%010d 00000 n \n" % (page_ref.idnum, positions[page_ref.idnum]))
    out.write(b"%d %d\n" % (size, draw_number + 1 - size))
    out.write(b"".join(b"%010d 00000 n \n" % positions[n] for n in range(size, draw_number + 1)))
    new_trailer = DictionaryObject({k: v for k, v in trailer.items() if k in ("/Root", "/Info", "/ID")})
    new_trailer[NameObject("/Size")] = NumberObject(draw_number + 1)
    new_trailer[NameObject("/Prev")] = NumberObject(int(_STARTXREF.search(overlay[-64:]).group(1)))  # type: ignore[union-attr]
    out.write(b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (_raw(new_trailer), xref))
    return out.getvalue()
