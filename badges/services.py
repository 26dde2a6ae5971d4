"""Writes and signing for Open Badges 3.0 (decision 0016).

- `credential_jws`: a certificate's OpenBadgeCredential signed as OB 3.0 "JSON Web Token Proof
  Format" (VC-JWT): the payload is the credential plus iss, jti, nbf, sub (and exp where it has a
  validUntil; iat, the signing time, is an allowed extra claim); header alg RS256, kid = the URL
  of the public JWK, typ JWT.
- `badge_png`: OB 3.0 "Baked Badge" / PNG: one uncompressed iTXt chunk `openbadgecredential`
  holding the compact JWS.
- `status_list_jws`: the W3C BitstringStatusListCredential (revocation), signed the same way.
  Built from the certificates' status on each request: a revocation (certificates'
  `certificate_revoke`) needs no write here, and answers within the response's max-age.
"""

import gzip
import io
from base64 import urlsafe_b64encode
from datetime import UTC, datetime

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from accounts.models import User
from certificates.badge_images import badge_image_png
from certificates.models import Certificate
from recertification.selectors import credential_valid_until_for_certificate

from . import keys
from .credentials import absolute, iso, issuer_id, open_badge_credential
from .models import BadgeCredential, BadgeSubject, SigningKey, StatusList

BAKED_KEYWORD = "openbadgecredential"


def kid_url(signing_key: SigningKey) -> str:
    return absolute(reverse("badges:key", kwargs={"kid": signing_key.kid}))


def status_list_url(status_list_id: int) -> str:
    return absolute(reverse("badges:status_list", kwargs={"pk": status_list_id}))


def signing_key_current() -> tuple[rsa.RSAPrivateKey, SigningKey]:
    """The configured private key and its public row. A key seen for the first time is recorded
    and retires the one before it (its URL keeps answering; its signatures stay valid)."""
    private = keys.signing_key(
        key_file=settings.CREDO_BADGE_KEY_FILE,
        passphrase=settings.CREDO_BADGE_KEY_PASSPHRASE,
        demo_file=settings.CREDO_BADGE_DEMO_KEY,
    )
    jwk = keys.public_jwk(private)
    kid = keys.thumbprint(jwk)
    row = SigningKey.objects.filter(kid=kid).first()
    if row is None:
        with transaction.atomic():
            row, created = SigningKey.objects.get_or_create(kid=kid, defaults={"public_jwk": jwk})
            if created:
                SigningKey.objects.filter(retired_at=None).exclude(pk=row.pk).update(
                    retired_at=timezone.now()
                )
    return private, row


def _sign(payload: dict) -> str:
    private, row = signing_key_current()
    return jwt.encode(payload, private, algorithm="RS256", headers={"kid": kid_url(row), "typ": "JWT"})


def badge_subject_get_or_create(*, user: User) -> BadgeSubject:
    subject, _ = BadgeSubject.objects.get_or_create(user=user)
    return subject


def badge_credential_get_or_create(*, certificate: Certificate) -> BadgeCredential:
    """The certificate's badge row: a credential id and the next free index of a status list
    (a new list when the last is full). Made once; a concurrent second call gets the same row."""
    existing = BadgeCredential.objects.filter(certificate=certificate).select_related("status_list").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            status_list = (
                StatusList.objects.select_for_update().filter(next_index__lt=F("size")).order_by("pk").first()
            )
            if status_list is None:
                status_list = StatusList.objects.create()
            index = status_list.next_index
            StatusList.objects.filter(pk=status_list.pk).update(next_index=index + 1)
            return BadgeCredential.objects.create(
                certificate=certificate, status_list=status_list, status_index=index
            )
    except IntegrityError:  # made by a concurrent request: keep that one
        return BadgeCredential.objects.select_related("status_list").get(certificate=certificate)


def credential_document(*, certificate: Certificate) -> dict:
    """The certificate's OpenBadgeCredential (unsigned), with its stable ids."""
    badge = badge_credential_get_or_create(certificate=certificate)
    subject = badge_subject_get_or_create(user=certificate.user)
    list_url = status_list_url(badge.status_list_id)
    status = {
        "id": f"{list_url}#{badge.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(badge.status_index),
        "statusListCredential": list_url,
    }
    return open_badge_credential(
        certificate=certificate,
        credential_id=f"urn:uuid:{badge.credential_id}",
        subject_id=f"urn:uuid:{subject.subject_id}",
        email=certificate.user.email,
        salt=badge.email_salt,
        status=status,
        last_day=credential_valid_until_for_certificate(certificate=certificate),
    )


def _numeric(value: str) -> int:
    return int(datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def credential_jws(*, certificate: Certificate) -> str:
    """The certificate's OpenBadgeCredential as a compact JWS (OB 3.0 VC-JWT)."""
    document = credential_document(certificate=certificate)
    claims = {
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": _numeric(document["validFrom"]),
        "sub": document["credentialSubject"]["id"],
        "iat": int(timezone.now().timestamp()),
    }
    if "validUntil" in document:
        claims["exp"] = _numeric(document["validUntil"])
    return _sign({**document, **claims})


def badge_png(*, certificate: Certificate) -> bytes:
    """The program's badge image with the credential baked in (OB 3.0 "Baked Badge", PNG)."""
    token = credential_jws(certificate=certificate)
    image = Image.open(io.BytesIO(badge_image_png(program=certificate.program)))
    info = PngInfo()
    for keyword, value in getattr(image, "text", {}).items():  # keep the image's own text, never a credential
        if keyword != BAKED_KEYWORD:
            info.add_text(keyword, value)
    info.add_itxt(BAKED_KEYWORD, token, lang="", tkey="", zip=False)  # "Compression MUST NOT be used"
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def encoded_list(revoked: list[int], size: int) -> str:
    """Bitstring Status List §2.2: index 0 is the left-most bit; GZIP; multibase base64url ("u")."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_jws(*, status_list: StatusList) -> str:
    """The BitstringStatusListCredential for one list, as of now, signed (VC-JWT, same key)."""
    revoked = list(
        BadgeCredential.objects.filter(
            status_list=status_list, certificate__status=Certificate.Status.REVOKED
        ).values_list("status_index", flat=True)
    )
    url = status_list_url(status_list.pk)
    now = timezone.now()
    document: dict = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked, status_list.size),
            "ttl": settings.CREDO_BADGE_STATUS_MAX_AGE * 1000,  # §2.2: aligned with Cache-Control
        },
    }
    claims = {
        "iss": document["issuer"],
        "jti": url,
        "nbf": _numeric(document["validFrom"]),
        "iat": int(now.timestamp()),
    }
    return _sign({**document, **claims})
