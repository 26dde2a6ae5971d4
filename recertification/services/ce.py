"""Writes for continuing education: self-reported activities and their review, CE events
(registering, and crediting attendance automatically)."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from accounts.models import User
from core.numbers import is_quarter_hours
from modules.uploads import validate_upload
from practicums.models import Practicum, Registration
from practicums.services import RegistrationError, registration_take_free_place
from programs.models import Enrollment, Program

from ..models import CEActivity
from .errors import RecertificationError


def ce_activity_log(
    *, user: User, program: Program, kind: str, title: str, provider: str, day: date, hours: Decimal,
    notes: str, evidence: UploadedFile | None = None,
) -> CEActivity:  # fmt: skip
    """Self-reported CE: waits for staff review. Evidence is checked by content and size."""
    if hours <= 0 or not is_quarter_hours(hours):
        raise RecertificationError("Hours go in quarter-hour steps, e.g. 1.25 or 3.5.")
    evidence_type = validate_upload(evidence) if evidence is not None else ""
    return CEActivity.objects.create(
        user=user, program=program, kind=kind, title=title, provider=provider, date=day, hours=hours,
        notes=notes, evidence=evidence or "", evidence_name=((evidence and evidence.name) or "")[:255],
        evidence_type=evidence_type,
    )  # fmt: skip


def ce_activity_review(*, activity: CEActivity, by: User, approve: bool, reason: str = "") -> CEActivity:
    if not approve and not reason.strip():
        raise RecertificationError("Give the reason the holder will see.")
    activity.status = CEActivity.Status.APPROVED if approve else CEActivity.Status.REJECTED
    activity.review_reason = reason.strip()[:300]
    activity.reviewed_by = by
    activity.save(update_fields=["status", "review_reason", "reviewed_by"])
    return activity


def ce_event_register(*, user: User, practicum: Practicum, now: datetime | None = None) -> Registration:
    """One click: a credential holder takes a free place at one of the program's CE events,
    which makes its attendance codes valid for them. Registering again is harmless. The seat
    itself is practicums' business (registration_take_free_place); this decides who may."""
    if practicum.kind != Practicum.Kind.CE_EVENT:
        raise RegistrationError(f"{practicum.title} is not a continuing-education event.")
    enrollments = Enrollment.objects.filter(user=user, program=practicum.program)
    enrollment = enrollments.exclude(status=Enrollment.Status.WITHDRAWN).first()
    if enrollment is None:
        raise RegistrationError("CE events are open to the program's certified members.")
    return registration_take_free_place(user=user, practicum=practicum, enrollment=enrollment, now=now)


def ce_credit_event(*, user: User, practicum: Practicum, day: date) -> CEActivity | None:
    """The program's own webinars and roundtables count automatically when attended (once)."""
    if not practicum.is_ce_event:
        return None
    try:
        with transaction.atomic():
            return CEActivity.objects.create(
                user=user, program=practicum.program, kind=practicum.ce_kind, title=practicum.title,
                provider=settings.CREDO_SITE_NAME, date=day, hours=practicum.appraised_hours,
                status=CEActivity.Status.APPROVED, practicum=practicum,
                review_reason="Attended (credited automatically)",
            )  # fmt: skip
    except IntegrityError:
        return None
