"""The JSON documents of Open Badges 3.0 (1EdTech OB 3.0, "Data Model"), built from our rows.

Pure functions: no writes. URLs are absolute on settings.SITE_URL (https in production), so
the ids below are stable public addresses that answer with the same JSON (badges/views.py)."""

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from certificates.models import Certificate
from modules.models import Module
from practicums.models import Practicum, TrackGroup
from programs.models import Program

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

# OB 3.0 AchievementType (an extensible vocabulary; these are its CTDL terms).
ACHIEVEMENT_TYPES: dict[str, str] = {
    Certificate.Kind.MODULE: "CertificateOfCompletion",
    Certificate.Kind.SET: "CertificateOfCompletion",
    Certificate.Kind.CERTIFICATION: "Certification",
    Certificate.Kind.RECERTIFICATION: "Certification",
}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def issuer_id() -> str:
    return absolute(reverse("badges:issuer"))


def issuer_profile() -> dict:
    """OB 3.0 Profile: the organisation, at its stable URL (id, type required; name, url, email)."""
    profile = {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": settings.CREDO_SITE_NAME,
        "url": absolute("/"),
    }
    if settings.CREDO_SUPPORT_EMAIL:
        profile["email"] = settings.CREDO_SUPPORT_EMAIL
    return profile


def achievement_key(certificate: Certificate) -> str:
    """What the achievement is, as it appears in its URL: a certification is one achievement per
    program (every period and renewal); a module or a live-event set (or its group) is its own."""
    if certificate.kind in (Certificate.Kind.CERTIFICATION, Certificate.Kind.RECERTIFICATION):
        return f"program-{certificate.program.slug}"
    return certificate.source_key.replace(":", "-")


def _as_float(hours: Decimal) -> float:
    return float(hours)


def achievement(
    key: str, *, hours: Decimal | None = None, certificate: Certificate | None = None
) -> dict | None:
    """OB 3.0 Achievement for `key` (id, type, name, description, criteria required), or None.
    With `certificate`, a key whose catalogue row is gone is described from the certificate."""
    kind, _, ref = key.partition("-")
    found = _achievement_parts(kind, ref)
    if found is None and certificate is not None:
        title = certificate.title
        found = (
            certificate.program,
            title,
            title,
            f"Earned “{title}”.",
            ACHIEVEMENT_TYPES[certificate.kind],
            None,
        )
    if found is None:
        return None
    program, name, description, narrative, achievement_type, catalogue_hours = found
    document = {
        "id": absolute(reverse("badges:achievement", kwargs={"key": key})),
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": name,
        "description": description or name,
        "criteria": {"narrative": narrative},
        "image": {
            "id": absolute(reverse("badges:image", kwargs={"slug": program.slug})),
            "type": "Image",
            "caption": f"{program.title} badge",
        },
        "creator": issuer_profile(),
    }
    credits = hours if hours is not None else catalogue_hours
    if credits is not None:
        document["creditsAvailable"] = _as_float(credits)
    return document


def _achievement_parts(kind: str, ref: str):
    if kind == "program":
        program = Program.objects.filter(slug=ref).first()
        if program is None:
            return None
        narrative = (
            f"Passed the {program.title} certification exam; certified for {program.validity_years} years."
        )
        return program, f"{program.title} certification", program.summary, narrative, "Certification", None
    if not ref.isdigit():
        return None
    if kind == "module":
        module = Module.objects.filter(pk=int(ref)).select_related("program").first()
        if module is None:
            return None
        narrative = f"Completed the on-demand module “{module.title}”, its lessons and its assessment."
        return (
            module.program,
            module.title,
            module.summary,
            narrative,
            "CertificateOfCompletion",
            module.appraised_hours,
        )
    if kind == "set":
        practicum = Practicum.objects.filter(pk=int(ref)).select_related("program").first()
        if practicum is None:
            return None
        title, hours = practicum.title, practicum.appraised_hours
        return practicum.program, title, title, _set_narrative(title), "CertificateOfCompletion", hours
    if kind == "group":
        group = TrackGroup.objects.filter(pk=int(ref)).select_related("program").first()
        if group is None:
            return None
        first = group.practicums.order_by("pk").first()
        hours = first.appraised_hours if first else None
        return (
            group.program,
            group.name,
            group.name,
            _set_narrative(group.name),
            "CertificateOfCompletion",
            hours,
        )
    return None


def _set_narrative(title: str) -> str:
    return f"Attended every session of the live-event set “{title}”, checked in with each session's code."


def valid_until(certificate: Certificate, last_day: date | None) -> datetime | None:
    """The end of a certification's last valid day, in the program's zone (then UTC)."""
    if last_day is None:
        return None
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=certificate.program.zone)
    return end.astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def email_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash: "sha256$" + hex of SHA-256 over the identifier then the salt (UTF-8)."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def open_badge_credential(
    *,
    certificate: Certificate,
    credential_id: str,
    subject_id: str,
    email: str,
    salt: str,
    status: dict,
    last_day: date | None,
) -> dict:
    """The OpenBadgeCredential of one certificate (OB 3.0 AchievementCredential, VC Data Model 2.0)."""
    issued = certificate.issued_at.replace(microsecond=0)
    document = {
        "@context": OB_CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": iso(issued),
        "awardedDate": iso(issued),
        "name": certificate.title,
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "achievement": achievement(
                achievement_key(certificate), hours=certificate.appraised_hours, certificate=certificate
            ),
            "creditsEarned": _as_float(certificate.appraised_hours),
            "activityEndDate": iso(datetime.combine(certificate.earned_on, time.min, tzinfo=UTC)),
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": email_hash(email, salt),
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.name_on_certificate,
                },
            ],
        },
        "credentialStatus": status,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    until = valid_until(certificate, last_day)
    if until is not None:
        document["validUntil"] = iso(until)
    return document
