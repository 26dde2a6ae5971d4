import hashlib
import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.admin import SAMPLE
from certificates.models import Certificate, CertificateDesign, CertificateEvent
from certificates.rendering import CertificateValues, DesignError, DesignRenderer, url_fetcher
from certificates.services import certificate_reissue, certificate_revoke, design_values_of
from modules.services import module_complete
from modules.tests.factories import ModuleFactory
from programs.tests.factories import ProgramFactory

from .factories import issue


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def stored(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_pdf_has_real_text_with_name_title_hours_and_code():
    certificate = issue(UserFactory(full_name="Casey Candidate"), hours="2.5")
    text = pdf_text(stored(certificate))
    for expected in (
        "Casey Candidate",
        "Writing learning objectives",
        "2.5",
        certificate.display_code,
        "November 20, 2026",
    ):
        assert expected in text
    assert hashlib.sha256(stored(certificate)).hexdigest() == certificate.pdf_sha256


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Zoë Łukasz Nguyễn", "王芳"])
def test_non_latin_names_render_as_text(name):
    certificate = issue(UserFactory(full_name=name))
    assert name in pdf_text(stored(certificate))


@pytest.mark.django_db
def test_long_name_gets_smaller_class_and_stays_on_the_page():
    name = "Maximiliana Alexandrina Kristiansen-Oyelaran de la Fuente"
    values = CertificateValues(name, "T", "K", "P", "O", "1", "D", "C", "https://x/")
    assert values.name_class == "name-xl"
    certificate = issue(UserFactory(full_name=name))
    reader = PdfReader(io.BytesIO(stored(certificate)))
    assert len(reader.pages) == 1
    assert name in pdf_text(stored(certificate))


@pytest.mark.django_db
def test_issue_is_idempotent_per_person_and_thing():
    user = UserFactory()
    program = ProgramFactory()
    first = issue(user, program)
    again = issue(user, program)
    assert first.pk == again.pk
    assert Certificate.objects.count() == 1
    assert list(first.events.values_list("action", flat=True)) == ["issued"]


@pytest.mark.django_db
def test_on_demand_module_completion_issues_certificate_once(django_capture_on_commit_callbacks):
    user = UserFactory(full_name="Taylor Teacher")
    module = ModuleFactory(is_on_demand=True, title="Instructional Module 1")
    plain = ModuleFactory(is_on_demand=False, program=module.program)
    with django_capture_on_commit_callbacks(execute=True):
        module_complete(user=user, module=module)
        module_complete(user=user, module=module)
        module_complete(user=user, module=plain)
    certificate = Certificate.objects.get()
    assert (certificate.title, certificate.source_key, certificate.kind) == (
        "Instructional Module 1",
        f"module:{module.pk}",
        "module",
    )
    assert certificate.appraised_hours == module.appraised_hours


@pytest.mark.django_db
def test_issued_pdf_never_changes_reissue_makes_new_version(django_capture_on_commit_callbacks):
    user = UserFactory(full_name="Old Name")
    certificate = issue(user)
    original = stored(certificate)
    user.full_name = "New Name"
    user.save()
    design = CertificateDesign.objects.create(program=certificate.program, primary_color="#aa0000")
    assert stored(Certificate.objects.get(pk=certificate.pk)) == original  # edits do not touch an issued PDF
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):  # the new version's PDF task runs
        new = certificate_reissue(certificate=certificate, by=staff, reason="Name corrected")
    certificate.refresh_from_db()
    new.refresh_from_db()
    assert certificate.status == "superseded"
    assert (new.version, new.supersedes_id, new.status) == (2, certificate.pk, "live")
    assert "New Name" in pdf_text(stored(new))
    assert new.verification_code != certificate.verification_code
    assert list(CertificateEvent.objects.filter(by=staff).values_list("action", "reason")) in (
        [("reissued", "Name corrected"), ("superseded", "Name corrected")],
        [("superseded", "Name corrected"), ("reissued", "Name corrected")],
    )
    assert design.pk


@pytest.mark.django_db
def test_my_certificates_lists_own_and_downloads(client):
    user = UserFactory()
    mine = [issue(user, key=f"module:{i}", title=f"Module {i}", hours="2") for i in range(2)]
    other = issue(UserFactory())
    client.force_login(user)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert "Module 0" in html
    assert "Module 1" in html
    assert "<strong>4</strong> appraised hours" in html
    response = client.get(reverse("certificates:pdf", args=[mine[0].pk]))
    assert b"".join(response.streaming_content) == stored(mine[0])
    assert client.get(reverse("certificates:pdf", args=[other.pk])).status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("certificates:zip")).content))
    assert len(archive.namelist()) == 2


@pytest.mark.django_db
def test_verify_page_states(client):
    certificate = issue(UserFactory(full_name="Ana Example", email="ana@example.org"))
    url = certificate.get_verify_url()
    html = client.get(url).content.decode()
    assert "<strong>Valid.</strong>" in html
    assert "Ana Example" in html
    assert "ana@example.org" not in html  # nothing personal beyond what is printed
    certificate_revoke(certificate=certificate, by=StaffFactory(), reason="Issued in error")
    html = client.get(url).content.decode()
    assert "<strong>Revoked.</strong>" in html
    assert "Issued in error" in html
    response = client.get(reverse("certificates:verify", args=["NOTAREALCODE"]))
    assert response.status_code == 404
    assert "We have not issued a certificate" in response.content.decode()
    assert (
        client.get(reverse("certificates:verify", args=[certificate.display_code.lower()])).status_code == 200
    )


@pytest.mark.django_db
def test_verify_by_pdf_upload_detects_edits(client):
    certificate = issue()
    genuine = stored(certificate)
    response = client.post(reverse("certificates:verify_form"), {"pdf": SimpleUploadedFile("c.pdf", genuine)})
    assert "Genuine file." in response.content.decode()
    edited = genuine[:200] + bytes([genuine[200] ^ 1]) + genuine[201:]  # one bit changed
    response = client.post(reverse("certificates:verify_form"), {"pdf": SimpleUploadedFile("c.pdf", edited)})
    assert "Not a file we issued." in response.content.decode()
    response = client.post(reverse("certificates:verify_form"), {})
    assert "Enter a certificate code or choose a certificate PDF." in response.content.decode()


def test_templates_cannot_fetch_files_or_network():
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/x.png",
        "media:../../etc/passwd",
    ):
        with pytest.raises(ValueError, match=r"only use the project's own files|disallowed"):
            url_fetcher(url)
    assert url_fetcher("static:certificates/fonts/Lato-Regular.ttf").read()[:4] == b"\x00\x01\x00\x00"


@pytest.mark.django_db
def test_broken_design_is_refused_in_admin_and_never_breaks_issuing(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    program = ProgramFactory()
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    data = {
        "program": program.pk, "page_size": "letter", "primary_color": "#17406d", "accent_color": "#b8892b",
        "signer_name": "A", "signer_title": "", "html": "{% if %}", "css": "body { color: red }",
    }  # fmt: skip
    response = client.post(reverse("admin:certificates_certificatedesign_add"), data)
    assert response.status_code == 200
    assert "This design cannot be saved: The certificate HTML does not render" in response.content.decode()
    assert not CertificateDesign.objects.exists()
    CertificateDesign.objects.create(
        program=program, html="{% if %}"
    )  # saved around the form, e.g. by a script
    with pytest.raises(DesignError, match="HTML does not render"):
        DesignRenderer(design_values_of(CertificateDesign.objects.get())).render(SAMPLE)
    certificate = issue(program=program)  # falls back to the default design
    assert certificate.display_code in pdf_text(stored(certificate))


@pytest.mark.django_db
def test_design_preview_png(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    design = CertificateDesign.objects.create(program=ProgramFactory())
    response = client.get(reverse("admin:certificates_design_preview", args=[design.pk]))
    assert response["Content-Type"] in ("image/png", "application/pdf")
    assert response.content[:4] in (b"\x89PNG", b"%PDF")


def test_earned_on_date_is_what_prints():
    values = CertificateValues(
        "A", "T", "K", "P", "O", "1", f"{date(2027, 2, 28):%B} 28, 2027", "C", "https://x/"
    )
    assert values.date == "February 28, 2027"


def fonts_of(data: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    return {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


@pytest.mark.django_db
def test_latin_names_are_stamped_onto_the_design_and_cjk_names_rendered_whole():
    latin = stored(issue(UserFactory(full_name="Zoë Łukasz Nguyễn"), key="module:1"))
    assert any("GentiumPlus" in font for font in fonts_of(latin))  # drawn by the stamp
    cjk = stored(issue(UserFactory(full_name="王芳"), key="module:2"))
    assert not any("GentiumPlus" in font for font in fonts_of(cjk))  # the whole page by WeasyPrint
    assert any("CJK" in font for font in fonts_of(cjk))
    for data in (latin, cjk):
        assert len(PdfReader(io.BytesIO(data)).pages) == 1


@pytest.mark.django_db
def test_design_without_field_markers_is_rendered_whole():
    program = ProgramFactory()
    CertificateDesign.objects.create(
        program=program,
        html="<h1>{{ name }}</h1><p>{{ title }} · {{ hours }} h · {{ date }} · {{ code }}</p>",
        css="h1 { color: {{ primary_color }} }",
    )
    certificate = issue(UserFactory(full_name="Casey Candidate"), program=program)
    text = pdf_text(stored(certificate))
    assert "Casey Candidate" in text
    assert certificate.display_code in text


@pytest.mark.django_db
def test_issuance_console_queue_hold_and_export(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    certificate = issue(UserFactory(full_name="Ana Example"))
    url = reverse("admin:certificates_console")
    html = client.get(url).content.decode()
    assert "Tonight's queue (20:00 Pacific): 1 person" in html
    assert "Ana Example" in html
    client.post(url, {"certificate": certificate.pk, "action": "hold"})
    certificate.refresh_from_db()
    assert certificate.held
    assert "Tonight's queue (20:00 Pacific): 0 people" in client.get(url).content.decode()
    archive = zipfile.ZipFile(io.BytesIO(client.get(url, {"export": certificate.program_id}).content))
    assert [n.endswith(f"{certificate.display_code}.pdf") for n in archive.namelist()] == [True]


@pytest.mark.django_db
def test_issuance_console_shows_the_first_people_of_a_long_queue_and_links_to_all(client, monkeypatch):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from certificates import admin as certificates_admin

    monkeypatch.setattr(certificates_admin, "CONSOLE_ROWS", 2)
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    for name in ("Cy Last", "Ana First", "Bo Second"):
        issue(UserFactory(full_name=name))
    html = client.get(reverse("admin:certificates_console")).content.decode()
    assert "Tonight's queue (20:00 Pacific): 3 people" in html
    assert "3 certificates to send." in html
    assert "Ana First" in html
    assert "Bo Second" in html
    assert "Cy Last" not in html  # the third by name: in the full list, linked
    assert "?status__exact=live&amp;held__exact=0&amp;email_state__exact=pending" in html
