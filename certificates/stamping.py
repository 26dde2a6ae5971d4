"""The fast path: render a design once, then stamp each person's values onto it.

WeasyPrint lays out the design with the per-person fields (elements marked `data-field`)
hidden; their boxes — position, size, font, colour, alignment — are read from its layout. Each
certificate is then the values drawn as real text (ReportLab, embedded TrueType subsets, so the
text is selectable and searchable) at those positions, with the design's page and the QR code
added to ReportLab's file as bytes (assembly.py). A long name is set smaller to fit its box. When
a value has a character the stamp font lacks (a Chinese name, say), or a design has no field
markers, the caller renders the whole certificate with WeasyPrint instead. Measurements: docs/PERFORMANCE.md.
"""

import io
import threading
from dataclasses import dataclass, replace

import segno
from django.contrib.staticfiles import finders
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from weasyprint import CSS, HTML

from .assembly import Background, QrPlacement, assemble, background_from
from .rendering import CertificateValues, DesignRenderer, render_body, url_fetcher

TEXT_FIELDS = ("name", "title", "hours", "date", "code", "verify_url")
FIELDS = (*TEXT_FIELDS, "qr")
# The design's font families that the stamp can draw, and the TrueType file it draws them with.
STAMP_FONTS = {
    "Credo Serif": "certificates/fonts/GentiumPlus-Regular.ttf",
    "Credo Sans": "certificates/fonts/Lato-Regular.ttf",
    "Credo Mono": "certificates/fonts/DejaVuSansMono.ttf",
}
PX_TO_PT = 0.75
MIN_SHRINK = 0.45  # a name may be set down to 45 % of the design's size before we render it whole

_hide = CSS(string="[data-field] { visibility: hidden !important; }")
_fonts_lock = threading.Lock()
_glyphs: dict[str, set[int]] = {}


def _font(family: str) -> str | None:
    """The ReportLab name of a design family, registered on first use; None if unsupported."""
    path = STAMP_FONTS.get(family)
    if path is None:
        return None
    with _fonts_lock:
        if family not in _glyphs:
            font = TTFont(family, finders.find(path))
            pdfmetrics.registerFont(font)
            _glyphs[family] = set(font.face.charToGlyph)
    return family


@dataclass(frozen=True)
class FieldBox:
    left: float  # points, from the page's left edge
    width: float
    bottom: float  # points, PDF coordinates (from the page's bottom edge)
    height: float
    baseline: float  # PDF y of the first line's baseline
    font_size: float  # points
    family: str
    color: tuple[float, float, float]
    align: str  # "left", "center" or "right"


@dataclass
class StampTemplate:
    background: Background
    width: float
    height: float
    fields: dict[str, FieldBox]


def _walk(box):
    yield box
    inner = getattr(box, "_box", None)  # absolutely positioned boxes sit behind a placeholder
    if inner is not None:
        yield from _walk(inner)
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def _fields(page) -> dict[str, FieldBox]:
    height_pt = page.height * PX_TO_PT
    blocks, baselines = {}, {}
    for box in _walk(page._page_box):
        element = getattr(box, "element", None)
        name = element.get("data-field") if element is not None else None
        if name not in FIELDS or type(box).__name__ == "AbsolutePlaceholder":
            continue
        kind = type(box).__name__
        if name not in blocks and (kind.startswith("Block") or kind.endswith("ReplacedBox")):
            blocks[name] = box
        if kind == "LineBox" and name not in baselines:
            baselines[name] = box.position_y + box.baseline
    result = {}
    for name, box in blocks.items():
        style = box.style
        coords = tuple(getattr(style["color"], "coordinates", (0, 0, 0)))[:3]
        align = str(style["text_align_all"])
        top = box.content_box_y()
        result[name] = FieldBox(
            left=box.content_box_x() * PX_TO_PT,
            width=box.width * PX_TO_PT,
            bottom=height_pt - (top + box.height) * PX_TO_PT,
            height=box.height * PX_TO_PT,
            baseline=height_pt - baselines.get(name, top + box.height * 0.8) * PX_TO_PT,
            font_size=style["font_size"] * PX_TO_PT,
            family=style["font_family"][0],
            color=(float(coords[0]), float(coords[1]), float(coords[2])),
            align={"start": "left", "end": "right", "justify": "left"}.get(align, align),
        )
    return result


def build_template(renderer: DesignRenderer, sample: CertificateValues) -> StampTemplate | None:
    """Lay out and render the design once with the fields hidden. None if it cannot be stamped."""
    body = render_body(renderer.design, sample)
    html = HTML(string=f"<!DOCTYPE html><html><body>{body}</body></html>", url_fetcher=url_fetcher)
    document = html.render(stylesheets=[renderer.stylesheet, _hide], font_config=renderer.font_config)
    if len(document.pages) != 1:
        return None
    fields = _fields(document.pages[0])
    if set(fields) != set(FIELDS) or any(_font(fields[name].family) is None for name in TEXT_FIELDS):
        return None
    pdf = document.write_pdf()
    page = document.pages[0]
    rendered = PdfReader(io.BytesIO(pdf)).pages[0]
    if "/Annots" in rendered:  # a link: the stamp draws the design as a form, which has none
        return None
    return StampTemplate(
        background=background_from(rendered),
        width=page.width * PX_TO_PT,
        height=page.height * PX_TO_PT,
        fields=fields,
    )


def _draw_text(pdf: canvas.Canvas, box: FieldBox, text: str) -> bool:
    if not set(map(ord, text)) <= _glyphs[box.family]:
        return False
    size = box.font_size
    width = pdfmetrics.stringWidth(text, box.family, size)
    if width > box.width:
        size = size * box.width / width
        if size < box.font_size * MIN_SHRINK:
            return False
        width = pdfmetrics.stringWidth(text, box.family, size)
    offsets = {"left": 0, "center": (box.width - width) / 2, "right": box.width - width}
    x = box.left + offsets.get(box.align, 0)
    # A smaller size sits on a baseline raised by half the difference, so it stays centred on the line.
    y = box.baseline + (box.font_size - size) * 0.35
    pdf.setFont(box.family, size)
    pdf.setFillColorRGB(*box.color)
    pdf.drawString(x, y, text)
    return True


QR_COLOR = (0x1B / 255, 0x24 / 255, 0x30 / 255)


def _qr(box: FieldBox, url: str) -> QrPlacement:
    """The QR code of `url`, as large as fits the box, at its top left."""
    side = min(box.width, box.height)
    matrix = segno.make(url, error="m").matrix
    return QrPlacement(box.left, box.bottom + box.height - side, side, matrix, QR_COLOR)


def stamp(template: StampTemplate, values: CertificateValues) -> bytes | None:
    """The certificate for `values`, or None when the stamp cannot draw it faithfully."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(
        buffer,
        pagesize=(template.width, template.height),
        pageCompression=1,
        initialFontName=_font("Credo Sans"),  # no stray reference to an unembedded Helvetica
    )
    pdf.setTitle(f"{values.kind_label}: {values.title}")
    pdf.setAuthor(values.organization)
    pdf.setCreator(values.organization)
    pdf.setSubject(values.program)
    for name in TEXT_FIELDS:
        if not _draw_text(pdf, template.fields[name], getattr(values, name)):
            return None
    pdf.showPage()
    pdf.save()
    return assemble(template.background, buffer.getvalue(), _qr(template.fields["qr"], values.verify_url))


_templates: dict[tuple, StampTemplate | None] = {}
_templates_lock = threading.Lock()


def template_for(renderer: DesignRenderer, values: CertificateValues) -> StampTemplate | None:
    """One background per design and per what is printed the same on every certificate of it
    (kind, program, organization)."""
    key = (renderer.design, values.kind_label, values.program, values.organization)
    with _templates_lock:
        if key not in _templates:
            if len(_templates) > 64:
                _templates.clear()
            sample = replace(values, name="Casey Candidate")
            _templates[key] = build_template(renderer, sample)
        return _templates[key]
