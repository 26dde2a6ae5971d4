"""What /verify/ says about a badge (badges.selectors.jws_check), the public documents a
verifier dereferences, the holder's downloads and key rotation."""

import base64
import gzip
import json
from datetime import date

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from badges.keys import KeyProblem, private_key_from_file
from badges.models import BadgeCredential, SigningKey
from badges.selectors import Verdict, badge_check, jws_check
from badges.services import badge_png, credential_jws
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_reissue, certificate_revoke
from certificates.tests.factories import issue
from programs.tests.factories import ProgramFactory
from recertification.models import Credential

from .conftest import write_key

pytestmark = pytest.mark.django_db


def test_a_fresh_badge_is_valid_and_says_who_what_and_which_key():
    certificate = issue(UserFactory(full_name="Ana Lima"))
    check = jws_check(token=credential_jws(certificate=certificate))
    assert (check.verdict, check.problem) == (Verdict.VALID, "")
    assert (check.subject_name, check.achievement_name, check.issuer_name) == (
        "Ana Lima",
        "Writing learning objectives",
        "Credo",
    )
    assert (check.certificate, check.key) == (certificate, SigningKey.objects.get())


def test_revoked_superseded_and_expired_badges_say_so():
    revoked, superseded = issue(key="module:1"), issue(key="module:2")
    tokens = [credential_jws(certificate=c) for c in (revoked, superseded)]
    certificate_revoke(certificate=revoked, by=StaffFactory(), reason="Issued in error")
    certificate_reissue(certificate=superseded, by=StaffFactory(), reason="Name corrected")
    assert [jws_check(token=t).verdict for t in tokens] == [Verdict.REVOKED, Verdict.SUPERSEDED]
    user, program = UserFactory(), ProgramFactory()
    credential = Credential.objects.create(
        user=user, program=program, number="C-1", valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31)
    )
    certification = certificate_issue(
        user=user,
        program=program,
        kind=Certificate.Kind.CERTIFICATION,
        source_key=Certificate.source_key_for_credential(credential.pk),
        title="Certified",
        hours=0,
        earned_on=date(2026, 1, 1),
    )
    token = credential_jws(certificate=certification)
    with time_machine.travel("2028-01-02T00:00:00Z"):
        assert jws_check(token=token).verdict == Verdict.EXPIRED


def test_a_changed_badge_or_a_foreign_key_fails():
    token = credential_jws(certificate=issue())
    header, payload, signature = token.split(".")
    document = json.loads(base64.urlsafe_b64decode(payload + "=="))
    document["name"] = "Doctorate"
    forged = base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    assert jws_check(token=f"{header}.{forged}.{signature}").verdict == Verdict.SIGNATURE_INVALID
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    foreign = jwt.encode(document, stranger, algorithm="RS256", headers={"kid": "https://evil.example/k"})
    assert jws_check(token=foreign).verdict == Verdict.NOT_OURS
    ours_by_name = jwt.encode(
        document,
        stranger,
        algorithm="RS256",
        headers={"kid": json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]},
    )
    assert jws_check(token=ours_by_name).verdict == Verdict.SIGNATURE_INVALID
    assert jws_check(token="hello").verdict == Verdict.UNREADABLE
    assert badge_check(png=b"\x89PNG\r\n\x1a\nnothing").verdict == Verdict.UNREADABLE


def test_after_a_rotation_old_badges_stay_valid_and_the_old_kid_answers(settings, client, badge_key_files):
    old_token = credential_jws(certificate=issue())
    old_key = SigningKey.objects.get()
    settings.CREDO_BADGE_KEY_FILE = badge_key_files[1]
    new_token = credential_jws(certificate=issue())
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert [jws_check(token=t).verdict for t in (old_token, new_token)] == [Verdict.VALID, Verdict.VALID]
    jwk = client.get(reverse("badges:key", args=[old_key.kid])).json()
    assert jwk == {
        **old_key.public_jwk,
        "kid": f"https://credo.example/badges/keys/{old_key.kid}",
        "alg": "RS256",
        "use": "sig",
    }
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)
    did = client.get("/.well-known/did.json").json()
    assert did["id"] == "did:web:credo.example"
    assert [m["publicKeyJwk"] for m in did["verificationMethod"]] == [
        k.public_jwk for k in SigningKey.objects.order_by("created_at")
    ]


def test_status_list_is_signed_gzip_multibase_and_cached_a_minute_at_most(client):
    certificate = issue()
    credential_jws(certificate=certificate)
    certificate_revoke(certificate=certificate, by=None, reason="Fraud")
    badge = BadgeCredential.objects.get()
    response = client.get(reverse("badges:status_list", args=[badge.status_list_id]))
    assert response["Cache-Control"] == "public, max-age=60"
    token = response.content.decode()
    public = jwt.PyJWK(SigningKey.objects.get().public_jwk, algorithm="RS256").key
    document = jwt.decode(token, public, algorithms=["RS256"])
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = document["credentialSubject"]
    bits = gzip.decompress(base64.urlsafe_b64decode(subject["encodedList"][1:] + "=="))
    assert (len(bits) * 8, bits[0], subject["statusPurpose"]) == (131_072, 0x80, "revocation")


def test_public_documents_answer_json(client):
    program = ProgramFactory(slug="clp", title="CLP")
    assert client.get(reverse("badges:issuer")).json()["type"] == ["Profile"]
    achievement = client.get(reverse("badges:achievement", args=["program-clp"])).json()
    assert (achievement["name"], achievement["achievementType"]) == ("CLP certification", "Certification")
    assert client.get(reverse("badges:achievement", args=["module-999"])).status_code == 404
    assert client.get(reverse("badges:image", args=[program.slug]))["Content-Type"] == "image/png"
    assert client.get(reverse("badges:key", args=["nope"])).status_code == 404


def test_downloads_are_for_the_holder_only(client):
    certificate = issue()
    client.force_login(certificate.user)
    response = client.get(reverse("badges:download_jwt", args=[certificate.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="badge-{certificate.display_code}.jwt"'
    assert jws_check(token=response.content.decode()).verdict == Verdict.VALID
    client.force_login(UserFactory())
    assert client.get(reverse("badges:download_jwt", args=[certificate.pk])).status_code == 404
    assert client.get(reverse("badges:download_png", args=[certificate.pk])).status_code == 404


def test_my_certificates_offers_both_downloads(client):
    certificate = issue()
    client.force_login(certificate.user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert reverse("badges:download_png", args=[certificate.pk]) in page
    assert reverse("badges:download_jwt", args=[certificate.pk]) in page


def test_verify_page_checks_a_pasted_jwt_and_a_baked_png(client):
    certificate = issue(UserFactory(full_name="Ana Lima"))
    pasted = client.post(
        reverse("certificates:verify_form"), {"badge_text": credential_jws(certificate=certificate)}
    )
    assert "Valid badge." in pasted.content.decode()
    assert "Ana Lima" in pasted.content.decode()
    image = SimpleUploadedFile("badge.png", badge_png(certificate=certificate), content_type="image/png")
    uploaded = client.post(reverse("certificates:verify_form"), {"badge": image})
    assert "Valid badge." in uploaded.content.decode()
    certificate_revoke(certificate=certificate, by=None, reason="Fraud")
    again = client.post(
        reverse("certificates:verify_form"), {"badge_text": credential_jws(certificate=certificate)}
    )
    assert "Revoked badge." in again.content.decode()
    plain = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    bad = client.post(reverse("certificates:verify_form"), {"badge": plain})
    assert bad.status_code == 200
    assert "This image holds no Open Badges credential." in bad.content.decode()


def test_a_small_or_missing_key_is_refused(tmp_path):
    with pytest.raises(KeyProblem, match="has 1024 bits; use 2048 or more"):
        private_key_from_file(write_key(tmp_path / "small.pem", bits=1024))
    with pytest.raises(KeyProblem, match="cannot read the badge key file"):
        private_key_from_file(str(tmp_path / "missing.pem"))
