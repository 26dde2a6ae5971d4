"""Signed certificate PDFs (#18): checked by pyHanko (our verify page) and by poppler's pdfsig,
a separate implementation, trusting the demo CA; the verify page's four outcomes; rotation; the
command that signs existing certificates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from certificates.models import Certificate, CertificateEvent
from signing.models import SigningCertificate
from signing.pdf import Outcome, pdf_is_signed, pdf_sign, pdf_signature_check
from signing.tests.fixtures import keys_make, one_byte_changed, pdfsig, signing_use, simple_pdf

from .factories import issue

pytestmark = pytest.mark.django_db


def stored(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def verify_page(client, data: bytes) -> str:
    response = client.post(reverse("certificates:verify_form"), {"pdf": SimpleUploadedFile("c.pdf", data)})
    assert response.status_code == 200
    return response.content.decode()


def test_pdfsig_shows_a_valid_trusted_signature_and_a_broken_one_after_one_byte(signing_on, tmp_path, client):
    certificate = issue()
    signed = stored(certificate)
    report = pdfsig(signed, ca=signing_on.ca, directory=tmp_path)
    assert "Signer Certificate Common Name: Credo Test (demo)" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Total document signed" in report
    changed = one_byte_changed(signed)
    assert "Signature Validation: Digest Mismatch." in pdfsig(changed, ca=signing_on.ca, directory=tmp_path)
    assert "Changed after signing." in verify_page(client, changed)


def test_the_verify_page_says_genuine_and_unchanged_and_names_the_key(signing_on, client):
    certificate = issue()
    page = verify_page(client, stored(certificate))
    key = SigningCertificate.objects.get()
    assert "Genuine file, unchanged since we signed it." in page
    assert key.sha256 in page
    assert "Organization: Credo Test, Common Name: Credo Test (demo)" in page
    assert "yes, valid when it signed" in page


def test_signed_by_us_but_not_a_file_we_issued(signing_on, client):
    assert "Signed by us, but not a file we issued." in verify_page(client, pdf_sign(data=simple_pdf()))


def test_not_signed_by_us(signing_on, settings, tmp_path, client):
    page = verify_page(client, simple_pdf())
    assert "Not a file we issued." in page
    assert "Signed by" not in page
    stranger = keys_make(tmp_path, label="stranger")
    signing_use(settings, stranger)
    foreign = pdf_sign(data=simple_pdf())
    SigningCertificate.objects.filter(subject__contains="stranger").delete()  # a key we never had
    page = verify_page(client, foreign)
    assert "Not a file we issued." in page
    assert "its signature is not one of ours" in page


def test_after_rotation_the_verify_page_names_the_earlier_key(signing_on, settings, tmp_path, client):
    old = issue(key="module:1")
    key_a = SigningCertificate.objects.get()
    signing_use(settings, keys_make(tmp_path, label="second"))
    new = issue(key="module:2")
    old_page, new_page = verify_page(client, stored(old)), verify_page(client, stored(new))
    assert "Genuine file, unchanged since we signed it." in old_page
    assert key_a.sha256 in old_page
    assert "Credo Test (second)" in new_page
    assert key_a.sha256 not in new_page


def test_the_record_pdf_is_signed(signing_on, client):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("certificates:record_pdf"))
    assert pdf_signature_check(data=response.content).outcome == Outcome.VALID


def test_signing_existing_certificates_makes_signed_versions_and_the_old_file_still_verifies(
    settings, demo_keys, client, capsys, django_capture_on_commit_callbacks
):
    unsigned = issue()  # issued before signing was switched on
    old_file = stored(unsigned)
    assert pdf_is_signed(data=old_file) is False
    revoked = issue(key="module:2")
    revoked.status = Certificate.Status.REVOKED
    revoked.save()
    signing_use(settings, demo_keys)
    with django_capture_on_commit_callbacks(execute=True):  # the signed versions' render tasks run
        call_command("certificates_sign_existing", batch_size=1)
    assert capsys.readouterr().out == (
        "Signed 1 certificates as new versions; 0 were already signed, 0 have no file, 0 changed meanwhile.\n"
    )
    unsigned.refresh_from_db()
    signed = Certificate.objects.get(supersedes=unsigned)
    assert (unsigned.status, signed.status, signed.version) == ("superseded", "live", 2)
    assert CertificateEvent.objects.filter(certificate=signed, reason="signed").count() == 1
    assert pdf_signature_check(data=stored(signed)).outcome == Outcome.VALID
    page = verify_page(client, old_file)
    assert "Genuine, replaced by a signed copy." in page
    assert signed.display_code in page
    call_command("certificates_sign_existing")  # again: nothing to sign
    assert capsys.readouterr().out.startswith("Signed 0 certificates as new versions; 1 were already signed")


def test_signing_existing_certificates_refuses_while_signing_is_off(settings):
    from django.core.management.base import CommandError

    settings.CREDO_SIGNING = {**settings.CREDO_SIGNING, "ENABLED": False}
    with pytest.raises(CommandError, match="Signing is off"):
        call_command("certificates_sign_existing")
