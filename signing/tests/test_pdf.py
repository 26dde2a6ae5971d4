import datetime

import pytest
from django.utils import timezone

from signing.models import SigningCertificate
from signing.pdf import Outcome, pdf_sign, pdf_signature_check

from .fixtures import keys_make, one_byte_changed, signing_use, simple_pdf

pytestmark = pytest.mark.django_db


def test_signing_off_returns_the_pdf_unchanged(settings):
    settings.CREDO_SIGNING = {**settings.CREDO_SIGNING, "ENABLED": False}
    data = simple_pdf()
    assert pdf_sign(data=data) is data
    assert pdf_signature_check(data=data).outcome == Outcome.UNSIGNED


def test_a_signed_pdf_names_the_organisation_and_validates(signing_on):
    data = simple_pdf()
    signed = pdf_sign(data=data)
    assert signed.startswith(data)  # an incremental update: the original bytes stay
    report = pdf_signature_check(data=signed)
    registered = SigningCertificate.objects.get()
    assert report.outcome == Outcome.VALID
    assert report.signed_by == registered
    assert report.subject == "Organization: Credo Test, Common Name: Credo Test (demo)"
    assert report.fingerprint == registered.sha256
    assert report.intact is True
    assert report.valid_when_signed is True
    assert "PRIVATE" not in registered.pem
    assert registered.pem.startswith("-----BEGIN CERTIFICATE-----")


def test_the_fast_path_is_the_same_signature_pyhanko_makes(signing_on):
    """The second PDF uses the CMS template built from the first: both validate."""
    first, second = pdf_sign(data=simple_pdf("one")), pdf_sign(data=simple_pdf("two"))
    assert [pdf_signature_check(data=d).outcome for d in (first, second)] == [Outcome.VALID, Outcome.VALID]


def test_an_ecdsa_key_signs_too(settings, tmp_path):
    signing_use(settings, keys_make(tmp_path, label="ec", key_type="ec"))
    signed = [pdf_sign(data=simple_pdf(str(i))) for i in range(4)]
    assert {pdf_signature_check(data=d).outcome for d in signed} == {Outcome.VALID}


def test_one_changed_byte_breaks_the_signature(signing_on):
    signed = pdf_sign(data=simple_pdf())
    assert pdf_signature_check(data=one_byte_changed(signed)).outcome == Outcome.BROKEN


def test_bytes_added_after_signing_break_it(signing_on):
    signed = pdf_sign(data=simple_pdf())
    assert pdf_signature_check(data=signed + b"\n% appended\n").outcome == Outcome.BROKEN


def test_a_key_we_never_registered_is_not_ours(signing_on):
    signed = pdf_sign(data=simple_pdf())
    SigningCertificate.objects.all().delete()
    report = pdf_signature_check(data=signed)
    assert (report.outcome, report.signed_by, report.intact) == (Outcome.NOT_OURS, None, True)


def test_not_a_pdf_is_unsigned():
    assert pdf_signature_check(data=b"hello").outcome == Outcome.UNSIGNED


def test_files_signed_with_an_earlier_key_stay_valid_after_rotation(settings, signing_on, tmp_path):
    old = pdf_sign(data=simple_pdf())
    key_a = SigningCertificate.objects.get()
    signing_use(settings, keys_make(tmp_path, label="second"))
    new = pdf_sign(data=simple_pdf())
    key_b = SigningCertificate.objects.exclude(pk=key_a.pk).get()
    assert [(r.outcome, r.signed_by) for r in (pdf_signature_check(data=d) for d in (old, new))] == [
        (Outcome.VALID, key_a),
        (Outcome.VALID, key_b),
    ]


def test_a_file_signed_after_its_key_was_retired_is_not_accepted(signing_on):
    signed = pdf_sign(data=simple_pdf())
    SigningCertificate.objects.update(retired_at=timezone.now() - datetime.timedelta(minutes=1))
    report = pdf_signature_check(data=signed)
    assert (report.outcome, report.valid_when_signed, report.intact) == (Outcome.KEY_NOT_VALID, False, True)


def test_a_file_signed_before_retirement_stays_valid(signing_on):
    signed = pdf_sign(data=simple_pdf())
    SigningCertificate.objects.update(retired_at=timezone.now() + datetime.timedelta(minutes=1))
    assert pdf_signature_check(data=signed).outcome == Outcome.VALID
