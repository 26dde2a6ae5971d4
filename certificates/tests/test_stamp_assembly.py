"""The stamped certificate's file (certificates/assembly.py, decision 0030): one page that every
reader opens, with the design, the values as text and a QR code that scans to the verify page."""

import io
import subprocess  # nosec B404 (poppler's pdftoppm on our temporary file)
from dataclasses import replace

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from certificates.default_design import DEFAULT_CSS, DEFAULT_HTML
from certificates.rendering import CertificateValues, DesignValues, renderer_for
from certificates.stamping import stamp, template_for
from signing.tests.fixtures import run, tool

DESIGN = DesignValues(
    DEFAULT_HTML, DEFAULT_CSS, "#17406d", "#b8892b", "letter", "Alex Admin", "Program Director", "", ""
)


def values(name: str, code: str) -> CertificateValues:
    return CertificateValues(
        name=name, title="Instructional Module 2", kind_label="Certificate of Completion",
        program="Foundations for Implementation", organization="Credo", hours="2", date="November 22, 2026",
        code=f"ACDE-FGHJ-{code}", verify_url=f"https://credo.example/verify/ACDEFGHJ{code}/",
    )  # fmt: skip


def stamped(name: str, code: str) -> bytes:
    renderer = renderer_for(DESIGN)
    first = values(name, code)
    data = stamp(template_for(renderer, first), first)
    assert data is not None
    return data


def test_every_reader_sees_one_page_with_the_design_and_the_values(tmp_path):
    data = stamped("Zoë Łukasz Nguyễn", "42")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for printed in ("Certificate of Completion", "Zoë Łukasz Nguyễn", "Module 2", "ACDE-FGHJ-42"):
        assert printed in text
    assert reader.metadata is not None
    assert reader.metadata.title == "Certificate of Completion: Instructional Module 2"  # what a viewer shows
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    poppler = " ".join(run("pdftotext", str(path), "-").split())  # a second reader, with its own parser
    assert "Zoë Łukasz Nguyễn" in poppler
    assert "Foundations for Implementation" in poppler
    assert "Syntax Error" not in run("pdfinfo", str(path))


@pytest.mark.parametrize("code", ["0001", "9876"])
def test_the_qr_code_scans_to_the_certificates_verify_page(tmp_path, code):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(stamped("Casey Candidate", code))
    subprocess.run(  # noqa: S603  # nosec B603
        [tool("pdftoppm"), "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [result.text for result in found] == [f"https://credo.example/verify/ACDEFGHJ{code}/"]


def test_two_certificates_of_one_design_share_nothing_but_the_design():
    first, second = stamped("Casey Candidate", "1111"), stamped("Taylor Teacher", "2222")
    first_text = PdfReader(io.BytesIO(first)).pages[0].extract_text()
    second_text = PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert "Casey Candidate" in first_text
    assert "Taylor Teacher" not in first_text
    assert "Taylor Teacher" in second_text
    assert "ACDE-FGHJ-2222" in second_text


def test_a_design_with_a_link_is_rendered_whole_so_the_link_survives():
    link = '<a href="https://credo.example/">{{ organization }}</a>'
    html = DEFAULT_HTML.replace("{{ organization }}", link, 1)
    assert html != DEFAULT_HTML
    renderer = renderer_for(replace(DESIGN, html=html))
    assert template_for(renderer, values("Casey Candidate", "3333")) is None  # the caller renders it whole
