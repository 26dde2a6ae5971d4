"""Writes for the exam, credentials and continuing education (the last in `ce`, re-exported here)."""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate
from certificates.services import certificate_issue
from core.dates import date_range, local_date
from core.mail import email_queue
from modules.models import Attempt, Module
from modules.services import SUBMIT_GRACE, SubmitResult, attempt_close_if_overdue, attempt_submit
from practicums.models import Practicum, Registration
from programs.milestones import enrollment_milestone
from programs.models import Program
from programs.services import email_render

from ..models import CEActivity, Credential, Exam, ExamInvitation, InvitationEvent, ReminderSent
from ..tally import credential_ce_refresh
from .ce import (  # noqa: F401  (re-exported: callers import them from recertification.services)
    ce_activity_log,
    ce_activity_review,
    ce_credit_event,
    ce_event_register,
)
from .errors import RecertificationError

logger = logging.getLogger(__name__)

REMINDER_DAYS = (180, 90, 30, 7)
EXPIRING_SOON_DAYS = 90


# --- Dates ----------------------------------------------------------------------------------------


def _day(day: date) -> str:
    return date_range(day, day)


def period_after(start: date, years: int) -> date:
    """The last valid day of a period that starts on `start`: the day before its anniversary.
    A period from 29 February ends on 28 February (its anniversary in a common year is 1 March)."""
    anniversary = start + relativedelta(years=years)
    if (start.month, start.day) == (2, 29) and anniversary.day == 28:
        anniversary += timedelta(days=1)
    return anniversary - timedelta(days=1)


def credential_status(credential: Credential, today: date) -> str:
    if (
        hasattr(credential, "renewal")
        and credential.renewal is not None
        and credential.renewal.valid_from <= today
    ):
        return "renewed"
    if today > credential.valid_until:
        return "lapsed"
    if (credential.valid_until - today).days <= EXPIRING_SOON_DAYS:
        return "expiring"
    return "active"


# --- Exam invitations -------------------------------------------------------------------------------


def _email_invitation(invitation: ExamInvitation) -> None:
    email_queue(
        message=email_render(
            template="recertification/email/invitation",
            context={"invitation": invitation, "url": settings.SITE_URL + invitation.get_absolute_url()},
            subject=f"Your {invitation.exam.program.title} exam link",
            to=[invitation.user.email],
        )
    )


def exam_invitations_issue(*, now: datetime | None = None) -> int:
    """On the last day of each practicum (in its own zone) invite every candidate registered in
    it, once. Runs every 15 minutes; also catches up two days back if beat was down."""
    now = now or timezone.now()
    issued = 0
    candidates = Practicum.objects.filter(
        status=Practicum.Status.SCHEDULED,
        program__kind=Program.Kind.CERTIFICATION,
        program__exam__isnull=False,
        kind=Practicum.Kind.PRACTICUM,
        ends_on__lte=now.date() + timedelta(days=1),
        ends_on__gte=now.date() - timedelta(days=3),
    ).select_related("program__exam")
    for practicum in candidates:
        today = local_date(now, practicum.zone)
        if not (today - timedelta(days=2) <= practicum.ends_on <= today):
            continue
        exam = practicum.program.exam
        registrations = Registration.objects.filter(
            practicum=practicum, status=Registration.Status.CONFIRMED
        ).exclude(user__exam_invitations__practicum=practicum)
        for registration in registrations.select_related("user"):
            try:
                with transaction.atomic():
                    invitation = ExamInvitation.objects.create(
                        user=registration.user,
                        exam=exam,
                        practicum=practicum,
                        issued_at=now,
                        expires_at=now + timedelta(days=exam.invitation_days),
                        emailed_at=now,
                    )
                    InvitationEvent.objects.create(
                        invitation=invitation, action=InvitationEvent.Action.ISSUED
                    )
                    _email_invitation(invitation)
            except IntegrityError:  # issued by an overlapping run
                continue
            issued += 1
    return issued


def exam_invitation_resend(*, invitation: ExamInvitation, by: User | None) -> None:
    with transaction.atomic():
        ExamInvitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())
        InvitationEvent.objects.create(invitation=invitation, action=InvitationEvent.Action.RESENT, by=by)
        _email_invitation(invitation)


def exam_invitation_extend(*, invitation: ExamInvitation, by: User | None, days: int) -> ExamInvitation:
    with transaction.atomic():
        base = max(invitation.expires_at, timezone.now())
        invitation.expires_at = base + timedelta(days=days)
        invitation.save(update_fields=["expires_at"])
        InvitationEvent.objects.create(
            invitation=invitation, action=InvitationEvent.Action.EXTENDED, by=by, note=f"+{days} days"
        )
    return invitation


# --- The exam -----------------------------------------------------------------------------------------


def exam_missing(*, user: User, invitation: ExamInvitation) -> list[str]:
    """What still stands between the candidate and the exam (empty: they may start)."""
    from modules.models import ModuleCompletion
    from practicums.models import Attendance, Session

    program = invitation.exam.program
    missing = []
    passed = set(
        ModuleCompletion.objects.filter(user=user, module__program=program).values_list(
            "module_id", flat=True
        )
    )
    for module in Module.objects.filter(program=program, is_published=True).order_by("order", "id"):
        if module.pk not in passed:
            missing.append(f"Pass the assessment of “{module.title}”.")
    attended = set(
        Attendance.objects.filter(user=user, session__practicum=invitation.practicum).values_list(
            "session_id", flat=True
        )
    )
    for session in Session.objects.filter(
        practicum=invitation.practicum, status=Session.Status.SCHEDULED
    ).order_by("starts_at"):
        if session.pk not in attended:
            local = session.starts_at.astimezone(invitation.practicum.zone)
            missing.append(
                f"Attend {session.title} of {invitation.practicum.title} ({local:%B} {local.day}) — "
                "ask our staff if you were there."
            )
    return missing


def exam_submit(
    *, invitation: ExamInvitation, attempt: Attempt, answers: dict, now: datetime | None = None
) -> SubmitResult:
    """Score the exam attempt (the modules' engine, server-side timer) and grant the
    certification when it passes."""
    result = attempt_submit(attempt=attempt, answers=answers, now=now)
    return _exam_scored(result, invitation.exam.program)


def _exam_scored(result: SubmitResult, program: Program) -> SubmitResult:
    """The certification for a pass, dated the day the attempt ended (its deadline if time ran out)."""
    attempt = result.attempt
    if result.scored_now and attempt.passed and attempt.submitted_at is not None:
        enrollment_milestone(
            user_id=attempt.user_id,
            program_id=program.pk,
            milestone="exam_passed_at",
            at=attempt.submitted_at,
        )
        credential_grant(
            user=attempt.user, program=program, passed_on=local_date(attempt.submitted_at, program.zone)
        )
    return result


def exam_attempt_close_if_overdue(*, attempt: Attempt, now: datetime | None = None) -> SubmitResult | None:
    """An exam attempt whose time ran out without "Submit" is scored as saved in time (and
    certifies when that passes); None while it may still be answered."""
    result = attempt_close_if_overdue(attempt=attempt, now=now)
    if result is None:
        return None
    exam = Exam.objects.select_related("program").get(assessment_id=attempt.assessment_id)
    return _exam_scored(result, exam.program)


def exam_attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Close every overdue exam attempt (the periodic sweep). Safe to run twice: scoring locks
    the row and skips an attempt that is no longer in progress."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS, deadline__lt=now - SUBMIT_GRACE, assessment__exam__isnull=False
    ).select_related("assessment__exam__program")
    closed = 0
    for attempt in overdue:
        result = _exam_scored(attempt_submit(attempt=attempt, now=now), attempt.assessment.exam.program)
        closed += result.scored_now
    return closed


# --- Credentials --------------------------------------------------------------------------------------


def _hours_of_program(user: User, program: Program) -> Decimal:
    modules = (
        Module.objects.filter(program=program, is_published=True).aggregate(h=Sum("appraised_hours"))["h"]
        or 0
    )
    practicum = (
        Registration.objects.filter(
            user=user,
            practicum__program=program,
            practicum__kind=Practicum.Kind.PRACTICUM,
            status=Registration.Status.CONFIRMED,
        ).aggregate(h=Sum("practicum__appraised_hours"))["h"]
        or 0
    )
    return Decimal(modules) + Decimal(practicum)


def credential_grant(*, user: User, program: Program, passed_on: date) -> Credential:
    """The certification, valid from the pass date for the program's validity, with its
    certificate. Granting again for the same pass date returns the same credential."""
    with transaction.atomic():
        existing = Credential.objects.filter(user=user, program=program, valid_from=passed_on).first()
        if existing is not None:
            return existing
        prefix = "".join(word[0] for word in program.slug.split("-") if word)[:4].upper() or "CR"
        credential = Credential.objects.create(
            user=user,
            program=program,
            number=f"{prefix}-{passed_on.year}-{user.pk:06d}",
            valid_from=passed_on,
            valid_until=period_after(passed_on, program.validity_years),
        )
        enrollment_milestone(
            user_id=user.pk, program_id=program.pk, milestone="certified_at", at=credential.created_at
        )
        credential.certificate = certificate_issue(
            user=user,
            program=program,
            kind=Certificate.Kind.CERTIFICATION,
            source_key=Certificate.source_key_for_credential(credential.pk),
            # The program's name is printed beside the title (certificate, email, verify page).
            title=f"Certification requirements, valid until {_day(credential.valid_until)}",
            hours=_hours_of_program(user, program),
            earned_on=passed_on,
        )
        credential.save(update_fields=["certificate"])
    return credential


def ce_hours_counting(*, credential: Credential) -> Decimal:
    """Approved hours dated inside the period and not already used to renew another one."""
    total = (
        CEActivity.objects.filter(
            user=credential.user,
            program=credential.program,
            status=CEActivity.Status.APPROVED,
            date__gte=credential.valid_from,
            date__lte=credential.valid_until,
        )
        .filter(counted_for__isnull=True)
        .aggregate(h=Sum("hours"))["h"]
    )
    return total or Decimal(0)


def credential_recertify(
    *, credential: Credential, by: User | None = None, today: date | None = None
) -> Credential:
    """Renew: the new period starts where the old one ends (not at the click), the hours used
    are marked as counted for it, and a recertification certificate is issued."""
    program = credential.program
    today = today or local_date(timezone.now(), program.zone)
    with transaction.atomic():
        locked = Credential.objects.select_for_update().get(pk=credential.pk)
        if Credential.objects.filter(previous=locked).exists():
            raise RecertificationError("This certification has already been renewed.")
        if today > locked.valid_until:
            raise RecertificationError("This certification has lapsed. Contact us to regain it.")
        hours = ce_hours_counting(credential=locked)
        if hours < program.ce_hours_required:
            raise RecertificationError(
                f"You have {hours:g} of the {program.ce_hours_required:g} approved CE hours "
                "needed to recertify."
            )
        start = locked.valid_until + timedelta(days=1)
        renewal = Credential.objects.create(
            user=locked.user,
            program=program,
            number=locked.number,
            valid_from=start,
            valid_until=period_after(start, program.validity_years),
            previous=locked,
        )
        CEActivity.objects.filter(
            user=locked.user,
            program=program,
            status=CEActivity.Status.APPROVED,
            date__gte=locked.valid_from,
            date__lte=locked.valid_until,
            counted_for__isnull=True,
        ).update(counted_for=locked)
        credential_ce_refresh(user_id=locked.user_id, program_id=program.pk)  # a bulk update: no signal
        renewal.certificate = certificate_issue(
            user=locked.user,
            program=program,
            kind=Certificate.Kind.RECERTIFICATION,
            source_key=Certificate.source_key_for_credential(renewal.pk),
            title=f"Recertification requirements, valid until {_day(renewal.valid_until)}",
            hours=hours,
            earned_on=today,
        )
        renewal.save(update_fields=["certificate"])
    return renewal


# --- Reminders ------------------------------------------------------------------------------------------


def credential_reminders_send(*, today: date | None = None) -> int:
    """180, 90, 30 and 7 days before expiry while hours are short (each once; a credential that
    enters the window late gets only the nearest one), and once when it lapses."""
    sent = 0
    for credential in (
        Credential.objects.filter(renewal__isnull=True)
        .select_related("user", "program")
        .prefetch_related("reminders")
    ):
        day = today or local_date(timezone.now(), credential.program.zone)
        days_left = (credential.valid_until - day).days
        done = {reminder.days_before for reminder in credential.reminders.all()}
        if days_left < 0:
            if 0 not in done:
                ReminderSent.objects.create(credential=credential, days_before=0)
                _email_reminder(credential, days_left, lapsed=True)
                sent += 1
            continue
        due = [d for d in REMINDER_DAYS if days_left <= d and d not in done]
        if not due:
            continue
        hours = ce_hours_counting(credential=credential)
        if hours >= credential.program.ce_hours_required:
            continue
        with transaction.atomic():
            for threshold in due:
                ReminderSent.objects.create(credential=credential, days_before=threshold)
            _email_reminder(credential, days_left, lapsed=False, hours=hours)
        sent += 1
    return sent


def _email_reminder(
    credential: Credential, days_left: int, *, lapsed: bool, hours: Decimal = Decimal(0)
) -> None:
    email_queue(
        message=email_render(
            template="recertification/email/reminder",
            context={
                "credential": credential, "days_left": days_left, "lapsed": lapsed, "hours": hours,
                "required": credential.program.ce_hours_required, "ce_url": settings.SITE_URL + "/me/ce/",
            },
            subject=(
                f"Your {credential.program.title} certification has lapsed"
                if lapsed
                else f"Your {credential.program.title} certification expires in {days_left} days"
            ),
            to=[credential.user.email],
        )
    )  # fmt: skip
