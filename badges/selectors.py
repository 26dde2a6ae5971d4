"""Reads for Open Badges 3.0: what a badge (compact JWS or baked PNG) proves, and the public
documents' rows. Verification follows OB 3.0 "Verify a Credential" and "Verify a Credential
VC-JWT Signature"; the status is read from our own rows (the same data the status list shows)."""

import struct
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jwt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate

from .models import BadgeCredential, SigningKey, StatusList

BAKED_KEYWORD = b"openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TOKEN_CHARS = 100_000


class Verdict:
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    SIGNATURE_INVALID = "signature invalid"
    NOT_OURS = "not ours"
    UNREADABLE = "unreadable"


@dataclass
class JwsCheck:
    """What a badge proves. `verdict` is one of Verdict; `problem` says why when it is not valid."""

    verdict: str
    problem: str = ""
    credential: dict = field(default_factory=dict)
    certificate: Certificate | None = None
    key: SigningKey | None = None
    signed_at: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @property
    def signature_ok(self) -> bool:
        return self.verdict not in (Verdict.SIGNATURE_INVALID, Verdict.NOT_OURS, Verdict.UNREADABLE)

    @property
    def subject_name(self) -> str:
        identifiers = self.credential.get("credentialSubject", {}).get("identifier", [])
        return next((i.get("identityHash", "") for i in identifiers if i.get("identityType") == "name"), "")

    @property
    def achievement_name(self) -> str:
        return self.credential.get("credentialSubject", {}).get("achievement", {}).get("name", "")

    @property
    def issuer_name(self) -> str:
        return self.credential.get("issuer", {}).get("name", "")


def signing_key_get(*, kid: str) -> SigningKey | None:
    return SigningKey.objects.filter(kid=kid).first()


def signing_keys_all() -> list[SigningKey]:
    return list(SigningKey.objects.order_by("created_at"))


def status_list_get(*, pk: int) -> StatusList | None:
    return StatusList.objects.filter(pk=pk).first()


def badge_token_from_png(*, data: bytes) -> str | None:
    """OB 3.0 "Extracting" (PNG): the text of the first iTXt chunk with keyword
    `openbadgecredential`, read chunk by chunk (no pixels decoded); None if there is none."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IEND" or len(body) < length:
            return None
        if kind != b"iTXt":
            continue
        keyword, _, rest = body.partition(b"\0")
        if keyword != BAKED_KEYWORD or len(rest) < 2:
            continue
        compressed = rest[0]
        _lang, _, rest = rest[2:].partition(b"\0")
        _translated, _, text = rest.partition(b"\0")
        try:
            return (zlib.decompress(text) if compressed else text).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):
            return None
    return None


def _our_kid(kid: object) -> str | None:
    """The thumbprint in a `kid` that is one of our key URLs, else None."""
    if not isinstance(kid, str):
        return None
    prefix = f"{settings.SITE_URL}{reverse('badges:key', kwargs={'kid': 'KID'})}".split("KID")[0]
    rest = kid.removeprefix(prefix)
    return rest.rstrip("/") if rest != kid and rest.rstrip("/") else None


def _moment(value: object) -> datetime | None:
    if isinstance(value, str):
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def jws_check(*, token: str) -> JwsCheck:
    """Verify a compact JWS badge: our key (by `kid`), the RS256 signature, the claims against
    the credential, then the certificate's status now (revoked, superseded, expired or valid)."""
    token = "".join(token.split())
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        return JwsCheck(Verdict.UNREADABLE, "This is not a badge: a badge is a signed text of three parts.")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return JwsCheck(Verdict.UNREADABLE, "This is not a badge we can read: its parts are not valid JSON.")
    kid = _our_kid(header.get("kid"))
    key = signing_key_get(kid=kid) if kid else None
    if key is None or header.get("alg") != "RS256":
        return JwsCheck(Verdict.NOT_OURS, "It was not signed with one of our keys.", credential=unverified)
    try:
        payload = jwt.decode(
            token,
            jwt.PyJWK(key.public_jwk, algorithm="RS256").key,
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
        )
    except jwt.PyJWTError:
        return JwsCheck(
            Verdict.SIGNATURE_INVALID,
            "The signature does not match: changed after signing.",
            key=key,
        )
    return _check_claims(payload, key)


def _check_claims(payload: dict, key: SigningKey) -> JwsCheck:
    valid_from, valid_until = _moment(payload.get("validFrom")), _moment(payload.get("validUntil"))
    signed_at = _moment(payload.get("iat"))
    subject = payload.get("credentialSubject") or {}
    issuer = payload.get("issuer") or {}
    mismatched = [
        name
        for name, ok in (
            ("iss", payload.get("iss") == (issuer.get("id") if isinstance(issuer, dict) else issuer)),
            ("jti", payload.get("jti") == payload.get("id")),
            ("sub", isinstance(subject, dict) and payload.get("sub") == subject.get("id")),
            ("nbf", valid_from is not None and _moment(payload.get("nbf")) == valid_from),
            ("exp", _moment(payload.get("exp")) == valid_until),
        )
        if not ok
    ]
    result = JwsCheck(
        Verdict.VALID,
        credential=payload,
        key=key,
        signed_at=signed_at,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if mismatched:
        result.verdict = Verdict.SIGNATURE_INVALID
        result.problem = f"Signed by us, but its claims contradict the credential ({', '.join(mismatched)})."
        return result
    if key.retired_at and (signed_at is None or signed_at >= key.retired_at):
        result.verdict = Verdict.SIGNATURE_INVALID
        result.problem = "Signed with a key after we retired it."
        return result
    badge = (
        BadgeCredential.objects.filter(credential_id=str(payload.get("id", "")).removeprefix("urn:uuid:"))
        .select_related("certificate__program", "certificate__superseded_by")
        .first()
        if _is_uuid_urn(payload.get("id"))
        else None
    )
    if badge is None:
        result.verdict = Verdict.NOT_OURS
        result.problem = "Signed with our key, but we have no record of this credential."
        return result
    certificate = result.certificate = badge.certificate
    now = timezone.now()
    if certificate.status == Certificate.Status.REVOKED:
        result.verdict, result.problem = Verdict.REVOKED, "We revoked this certificate."
    elif valid_until is not None and valid_until <= now:
        result.verdict, result.problem = Verdict.EXPIRED, "This certification has expired."
    elif certificate.status == Certificate.Status.SUPERSEDED:
        result.verdict = Verdict.SUPERSEDED
        result.problem = "A newer version of this certificate replaced it; it remains a true record."
    elif valid_from is not None and valid_from > now:
        result.verdict, result.problem = Verdict.EXPIRED, "This credential is not valid yet."
    return result


def _is_uuid_urn(value: object) -> bool:
    if not isinstance(value, str) or not value.startswith("urn:uuid:"):
        return False
    try:
        uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        return False
    return True


def badge_check(*, token: str = "", png: bytes | None = None) -> JwsCheck:
    """A pasted JWS or an uploaded baked PNG, checked with `jws_check`."""
    if png is not None:
        baked = badge_token_from_png(data=png)
        if baked is None:
            return JwsCheck(Verdict.UNREADABLE, "This image holds no Open Badges credential.")
        token = baked
    return jws_check(token=token)
