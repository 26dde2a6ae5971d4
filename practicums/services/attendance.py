"""Attendance codes: correct under a burst of check-ins, idempotent, rate limited per person."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from core import page_cache
from core.dates import local_date
from programs.milestones import enrollment_milestone

from ..models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Attendance,
    AttendanceCorrection,
    Practicum,
    Registration,
    Session,
    SetCompletion,
)
from ..selectors import attendance_closes_at
from ..signals import set_completed

_CODE_SHAPE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


class AttendanceError(Exception):
    """A person-facing reason a code was not accepted."""


@dataclass(frozen=True)
class AttendanceResult:
    session: Session
    created: bool  # False: it was already recorded (a harmless repeat)
    set_completion: SetCompletion | None  # the set this check-in completed, if any


def normalize_code(raw: str) -> str:
    """Case-insensitive, and forgiving of spaces and dashes people type from a projector."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def _wrong_key(user: User) -> str:
    return f"attendance:wrong:{user.pk}"


def _count_wrong(user: User) -> int:
    key = _wrong_key(user)
    cache.add(key, 0, timeout=settings.CREDO_ATTENDANCE_WRONG_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.CREDO_ATTENDANCE_WRONG_WINDOW_SECONDS)
        return 1


def _local(instant: datetime, session: Session) -> str:
    moment = instant.astimezone(session.practicum.zone)
    return f"{moment:%H:%M} on {moment:%B} {moment.day} ({session.practicum.time_zone})"


def attendance_record(*, user: User, code: str, now: datetime | None = None) -> AttendanceResult:
    """Record that `user` attended the session whose code they entered.

    Accepted from the session's start until the grace period after its end, only for people
    with a confirmed place in its practicum. Entering it again is harmless. Wrong codes are
    limited per person, never per address (a whole venue shares one).
    """
    now = now or timezone.now()
    limit = settings.CREDO_ATTENDANCE_MAX_WRONG
    if (cache.get(_wrong_key(user)) or 0) >= limit:
        minutes = settings.CREDO_ATTENDANCE_WRONG_WINDOW_SECONDS // 60
        raise AttendanceError(
            f"Too many wrong codes. Please wait {minutes} minutes and try again, "
            "or ask your instructor to mark you present."
        )
    normalized = normalize_code(code)
    session = None
    if _CODE_SHAPE.match(normalized):
        session = page_cache.remember(  # a burst of check-ins asks for the same few codes
            f"session-code:{normalized}",
            scopes=[page_cache.CONTENT],
            compute=lambda: (
                Session.objects.select_related("practicum__program")
                .filter(code=normalized, status=Session.Status.SCHEDULED)
                .first()
            ),
        )
    if session is None:
        wrong = _count_wrong(user)
        left = max(0, limit - wrong)
        raise AttendanceError(
            f"That code is not right: it has {CODE_LENGTH} letters and digits, shown by your instructor. "
            f"{left} more tr{'y' if left == 1 else 'ies'} before a short pause."
        )
    if now < session.starts_at:
        raise AttendanceError(
            f"This code opens when the session starts, at {_local(session.starts_at, session)}."
        )
    closes = attendance_closes_at(session)
    if now > closes:
        raise AttendanceError(
            f"This code closed at {_local(closes, session)}. "
            "Ask your instructor or our staff to mark you present."
        )
    with transaction.atomic():
        if Registration.Status.CONFIRMED not in _lock_registrations(user, session.practicum):
            if Attendance.objects.filter(user=user, session=session).exists():
                # Recorded while they had a place, which was cancelled since: it still counts.
                return AttendanceResult(session=session, created=False, set_completion=None)
            raise AttendanceError(
                f"You are not registered for {session.practicum.title}, so this code is not for you."
            )
        # Inserted straight away: a conflict is a repeat (a second tap, a reload, a QR code
        # scanned twice), which writes nothing (decision 0029).
        created = (
            Attendance.objects.create_if_absent(
                user=user, session=session, recorded_at=now, source=Attendance.Source.CODE
            )
            is not None
        )
        completion = (
            set_complete_if_done(user=user, practicum=session.practicum, now=now) if created else None
        )
    return AttendanceResult(session=session, created=created, set_completion=completion)


def _lock_registrations(user: User, practicum: Practicum) -> list[str]:
    """Lock the person's registrations for the practicum and return their statuses. One lock
    per person and practicum, taken by check-ins and staff marks alike: their own attendance
    changes queue (so the last one sees every session and completes the set), everyone else's
    don't. Call inside a transaction. Written out, like _ATTENDED_SQL: every check-in asks."""
    sql = _LOCK_SQL + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, practicum.pk])
        return [status for (status,) in cursor.fetchall()]


def set_complete_if_done(
    *, user: User, practicum: Practicum, now: datetime | None = None
) -> SetCompletion | None:
    """Record the set as complete once every scheduled session is attended (once only);
    `set_completed` is sent in it (its receivers write or queue work there). Call inside the
    caller's transaction."""
    now = now or timezone.now()
    total, attended = _sessions_attended(user_id=user.pk, practicum_id=practicum.pk)
    if total == 0 or attended < total:
        return None
    completion = SetCompletion.objects.create_if_absent(
        user=user, practicum=practicum, completed_at=now, completed_on=local_date(now, practicum.program.zone)
    )
    if completion is None:  # completed already (staff marked a session again, say)
        return None
    if practicum.kind == Practicum.Kind.PRACTICUM:
        enrollment_milestone(
            user_id=user.pk, program_id=practicum.program_id, milestone="practicum_attended_at", at=now
        )
    set_completed.send(sender=Practicum, completion=completion)
    return completion


# Every check-in asks this; compiling it with the ORM (an aggregate with a filter) cost five times
# running it (0.65 ms of CPU against 0.10), so it is written out. One attendance per person and
# session (a unique constraint), so COUNT(*) counts sessions.
_SESSION, _ATTENDANCE = Session._meta.db_table, Attendance._meta.db_table
_ATTENDED_SQL = (  # table names from the models, never input:
    f"SELECT COUNT(*), COUNT(a.id) FROM {_SESSION} s LEFT JOIN {_ATTENDANCE} a"  # noqa: S608  # nosec B608
    " ON a.session_id = s.id AND a.user_id = %s WHERE s.practicum_id = %s AND s.status = %s"
)


_LOCK_SQL = (  # the table name from the model, never input:
    f"SELECT status FROM {Registration._meta.db_table}"  # noqa: S608  # nosec B608
    " WHERE user_id = %s AND practicum_id = %s ORDER BY id"
)


def _sessions_attended(*, user_id: int, practicum_id: int) -> tuple[int, int]:
    """How many scheduled sessions the practicum has, and how many of them the person attended."""
    with connection.cursor() as cursor:
        cursor.execute(_ATTENDED_SQL, [user_id, practicum_id, Session.Status.SCHEDULED])
        total, attended = cursor.fetchone()
    return total, attended


def _correction_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise AttendanceError("Please give a reason: corrections are recorded with who made them and why.")
    return reason[:300]


def _refuse_before_start(session: Session, now: datetime) -> None:
    if now < session.starts_at:
        raise AttendanceError(
            f"{session.title} has not started yet: nobody can be marked present before it starts, "
            f"at {_local(session.starts_at, session)}."
        )


def attendance_correct(
    *, by: User, attendee: User, session: Session, present: bool, reason: str, now: datetime | None = None
) -> AttendanceCorrection:
    """Staff mark someone present or absent by hand; every correction records who and why.

    Nobody can be marked present before the session starts (a slip of the mouse on a session
    months ahead would otherwise count)."""
    now = now or timezone.now()
    reason = _correction_reason(reason)
    if present:
        _refuse_before_start(session, now)
    with transaction.atomic():
        _lock_registrations(attendee, session.practicum)
        if present:
            Attendance.objects.get_or_create(
                user=attendee,
                session=session,
                defaults={"recorded_at": now, "source": Attendance.Source.STAFF},
            )
        else:
            Attendance.objects.filter(user=attendee, session=session).delete()
        correction = AttendanceCorrection.objects.create(
            session=session,
            attendee=attendee,
            action=AttendanceCorrection.Action.MARK if present else AttendanceCorrection.Action.UNMARK,
            reason=reason,
            corrected_by=by,
        )
        if present:
            set_complete_if_done(user=attendee, practicum=session.practicum, now=now)
    return correction


def attendance_mark_all_present(
    *, by: User, session: Session, reason: str, now: datetime | None = None
) -> list[AttendanceCorrection]:
    """Staff mark everyone with a confirmed place present at a session (a paper sheet, a code
    that nobody could enter): one correction per person not already present, each with the
    reason. Refused before the session starts, like a single mark."""
    now = now or timezone.now()
    reason = _correction_reason(reason)
    _refuse_before_start(session, now)
    practicum = session.practicum
    corrections = []
    with transaction.atomic():
        attendee_ids = list(
            Registration.objects.select_for_update()
            .filter(practicum=practicum, status=Registration.Status.CONFIRMED)
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
        already = set(
            Attendance.objects.filter(session=session, user_id__in=attendee_ids).values_list(
                "user_id", flat=True
            )
        )
        missing = [pk for pk in attendee_ids if pk not in already]
        Attendance.objects.bulk_create(
            [
                Attendance(user_id=pk, session=session, recorded_at=now, source=Attendance.Source.STAFF)
                for pk in missing
            ],
            ignore_conflicts=True,
        )
        corrections = AttendanceCorrection.objects.bulk_create(
            [
                AttendanceCorrection(
                    session=session,
                    attendee_id=pk,
                    action=AttendanceCorrection.Action.MARK,
                    reason=reason,
                    corrected_by=by,
                )
                for pk in missing
            ]
        )
        for attendee in User.objects.filter(pk__in=missing).order_by("pk"):
            set_complete_if_done(user=attendee, practicum=practicum, now=now)
    return corrections
