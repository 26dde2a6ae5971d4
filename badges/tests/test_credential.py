"""The OpenBadgeCredential and its VC-JWT proof: the OB 3.0 required fields, stable ids."""

import hashlib
import io
import uuid
from datetime import date

import jwt
import pytest
from PIL import Image

from accounts.tests.factories import UserFactory
from badges.models import BadgeCredential, SigningKey, StatusList
from badges.services import badge_credential_get_or_create, badge_png, credential_jws
from certificates.models import Certificate
from certificates.services import certificate_issue
from certificates.tests.factories import issue
from programs.tests.factories import ProgramFactory
from recertification.models import Credential

pytestmark = pytest.mark.django_db


def decoded(token: str) -> tuple[dict, dict]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def test_credential_has_the_ob30_required_fields_and_vc_jwt_claims():
    user = UserFactory(email="Ana@Example.org", full_name="Ana Lima")
    certificate = issue(user, ProgramFactory(title="Certified Learning Practitioner", slug="clp"), hours="3")
    header, payload = decoded(credential_jws(certificate=certificate))
    badge = BadgeCredential.objects.get(certificate=certificate)
    key = SigningKey.objects.get()
    assert header == {"alg": "RS256", "kid": f"https://credo.example/badges/keys/{key.kid}", "typ": "JWT"}
    assert payload["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["id"] == f"urn:uuid:{badge.credential_id}"
    assert payload["issuer"] == {
        "id": "https://credo.example/badges/issuer",
        "type": ["Profile"],
        "name": "Credo",
        "url": "https://credo.example/",
        "email": "support@credo.example",
    }
    assert payload["validFrom"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "validUntil" not in payload
    assert "exp" not in payload
    assert payload["name"] == "Writing learning objectives"
    subject = payload["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["id"].startswith("urn:uuid:")
    assert uuid.UUID(subject["id"][9:])
    achievement = subject["achievement"]
    assert achievement["id"] == "https://credo.example/badges/achievements/module-1"
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["creditsAvailable"] == 3.0
    assert achievement["image"]["id"] == "https://credo.example/badges/images/clp.png"
    assert achievement["name"]
    assert achievement["description"]
    assert achievement["criteria"]["narrative"]
    email, name = subject["identifier"]
    salt = badge.email_salt
    assert email == {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": "sha256$" + hashlib.sha256(f"ana@example.org{salt}".encode()).hexdigest(),
        "salt": salt,
    }
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Ana Lima",
    }
    assert payload["credentialStatus"] == {
        "id": f"https://credo.example/badges/status/{badge.status_list_id}#0",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "0",
        "statusListCredential": f"https://credo.example/badges/status/{badge.status_list_id}",
    }
    # OB 3.0 "JWT Payload Format": iss, jti, nbf, sub from the credential.
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"]
    assert payload["sub"] == subject["id"]
    assert payload["nbf"] == int(certificate.issued_at.replace(microsecond=0).timestamp())


def test_ids_are_stable_and_the_subject_is_the_same_person_across_certificates():
    user = UserFactory()
    first = issue(user, key="module:1")
    second = issue(user, first.program, key="module:2")
    a1, a2 = decoded(credential_jws(certificate=first))[1], decoded(credential_jws(certificate=first))[1]
    b = decoded(credential_jws(certificate=second))[1]
    assert a1["id"] == a2["id"] != b["id"]
    assert a1["sub"] == b["sub"] != decoded(credential_jws(certificate=issue()))[1]["sub"]
    assert [a1["credentialStatus"]["statusListIndex"], b["credentialStatus"]["statusListIndex"]] == ["0", "1"]


def test_a_certification_expires_at_the_end_of_its_last_day_in_the_programs_zone():
    user, program = UserFactory(), ProgramFactory(home_time_zone="America/Los_Angeles")
    credential = Credential.objects.create(
        user=user, program=program, number="C-1", valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31)
    )
    certificate = certificate_issue(
        user=user,
        program=program,
        kind=Certificate.Kind.CERTIFICATION,
        source_key=Certificate.source_key_for_credential(credential.pk),
        title="Certified",
        hours=0,
        earned_on=date(2026, 1, 1),
    )
    payload = decoded(credential_jws(certificate=certificate))[1]
    assert payload["validUntil"] == "2028-01-01T08:00:00Z"
    assert payload["exp"] == 1830326400
    assert payload["credentialSubject"]["achievement"]["achievementType"] == "Certification"
    assert payload["credentialSubject"]["achievement"]["id"] == (
        f"https://credo.example/badges/achievements/program-{program.slug}"
    )


def test_a_full_status_list_starts_a_new_one():
    StatusList.objects.create(size=2, next_index=2)
    badge = badge_credential_get_or_create(certificate=issue())
    assert (badge.status_list.size, badge.status_index, StatusList.objects.count()) == (131_072, 0, 2)


def test_baked_png_holds_the_jws_in_one_uncompressed_itxt_chunk():
    certificate = issue()
    data = badge_png(certificate=certificate)
    image = Image.open(io.BytesIO(data))
    token = image.text["openbadgecredential"]
    assert decoded(token)[1]["id"] == f"urn:uuid:{certificate.badge.credential_id}"
    assert data.count(b"iTXtopenbadgecredential\x00\x00\x00") == 1  # compression flag 0, method 0
