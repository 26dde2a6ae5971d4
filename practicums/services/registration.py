"""Registration: the seat race, moves between practicums, bulk enrollment (the waitlist
is in `waitlist`)."""

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from core.dates import local_date
from core.mail import email_queue
from programs.models import Enrollment, Program
from programs.services import AlreadyEnrolled, email_render, enrollment_create

from ..models import Practicum, Registration, RegistrationMove
from .seats import RegistrationError, _locked, _seats_taken
from .waitlist import waitlist_promote

logger = logging.getLogger(__name__)


def _check_open(practicum: Practicum, program: Program, now: datetime) -> None:
    if practicum.program_id != program.pk or not practicum.is_published:
        raise RegistrationError("That practicum is not offered for this program.")
    if practicum.status != Practicum.Status.SCHEDULED:
        raise RegistrationError(f"{practicum.title} has been cancelled. Please choose another.")
    if practicum.starts_on <= local_date(now, practicum.zone):
        raise RegistrationError(f"{practicum.title} has already started. Please choose another.")


def _check_kind(practicum: Practicum, kind: str) -> None:
    """Registration picks a certification's practicum or a series' live-event sets; CE events are
    taken only through their one-click path (decision 0010)."""
    if practicum.kind == kind:
        return
    if practicum.kind == Practicum.Kind.CE_EVENT:
        raise RegistrationError(
            f"{practicum.title} is a continuing-education event, not a practicum. Credential holders "
            "register for it in one click from their continuing-education page."
        )
    if kind == Practicum.Kind.CE_EVENT:
        raise RegistrationError(f"{practicum.title} is not a continuing-education event.")
    if practicum.kind == Practicum.Kind.LIVE_SET:
        raise RegistrationError(f"{practicum.title} is a series' live event, not a certification practicum.")
    raise RegistrationError(f"{practicum.title} is a certification practicum, not a series' live event.")


def _check_choice(program: Program, practicums: list[Practicum]) -> None:
    if program.kind == Program.Kind.CERTIFICATION:
        if len(practicums) != 1:
            raise RegistrationError("Please choose one practicum.")
        return
    _check_series_tracks(practicums)


def _check_series_tracks(practicums: list[Practicum], taken: dict[int, str] | None = None) -> None:
    """A series: at least one track, each a live-event set in a season's group of alternatives,
    one per season, and none for a season the person already has a track in (`taken`: group id
    to the title of the track they hold)."""
    taken = taken or {}
    if not practicums:
        raise RegistrationError("Please choose a track for at least one season.")
    groups = [p.group_id for p in practicums]
    if any(p.kind != Practicum.Kind.LIVE_SET or p.group is None for p in practicums):
        raise RegistrationError("That live event is not offered for this series.")
    if len(set(groups)) != len(groups):
        raise RegistrationError("Please choose one track in each season.")
    for practicum in practicums:
        if practicum.group is not None and practicum.group_id in taken:
            season = practicum.group.season or practicum.group
            raise RegistrationError(
                f"You already have a track for {season}: {taken[practicum.group_id]}. One track per "
                "season: to change it, use “Change” next to it on your dashboard."
            )


def _take_seats(
    *,
    user: User,
    enrollment: Enrollment,
    program: Program,
    practicums: list[Practicum],
    join_waitlist: bool,
    now: datetime,
    subject: str,
) -> list[Registration]:
    """A seat (or a waitlist place, when asked for) in each of the locked practicums, confirmed
    by one email with `subject`."""
    registrations = []
    for practicum in practicums:
        _check_open(practicum, program, now)
        if _seats_taken(practicum) < practicum.capacity:
            status = Registration.Status.CONFIRMED
        elif join_waitlist:
            status = Registration.Status.WAITLISTED
        else:
            raise RegistrationError(
                f"{practicum.title} is full. Choose another, or tick “put me on the waitlist”."
            )
        registrations.append(
            Registration.objects.create(user=user, practicum=practicum, enrollment=enrollment, status=status)
        )
    context = {"user": user, "program": program, "enrollment": enrollment, "registrations": registrations}
    email_queue(
        message=email_render(
            template="practicums/email/registered", context=context, subject=subject, to=[user.email]
        )
    )
    return registrations


def registration_create(
    *,
    user: User,
    program: Program,
    practicum_ids: list[int],
    join_waitlist: bool = False,
    source: str = "web",
    now: datetime | None = None,
) -> tuple[Enrollment, list[Registration]]:
    """Enroll a person in a program and register them in their chosen practicum(s).

    Each practicum's row is locked while its seats are counted, so two people racing for the
    last seat cannot both get it. A full practicum takes the person onto its waitlist only when
    they asked for that; otherwise nothing is saved and the error says which one filled up.
    """
    now = now or timezone.now()
    with transaction.atomic():
        enrollment = enrollment_create(user=user, program=program, source=source, now=now)
        practicums = [_locked(pk) for pk in sorted(set(practicum_ids))]  # id order: no deadlocks
        for practicum in practicums:
            _check_kind(practicum, Practicum.kind_offered_by(program))
        _check_choice(program, practicums)
        registrations = _take_seats(
            user=user,
            enrollment=enrollment,
            program=program,
            practicums=practicums,
            join_waitlist=join_waitlist,
            now=now,
            subject=f"You are registered for {program.title}",
        )
    return enrollment, registrations


def registration_add_tracks(
    *,
    user: User,
    program: Program,
    practicum_ids: list[int],
    join_waitlist: bool = False,
    now: datetime | None = None,
) -> list[Registration]:
    """A teacher already enrolled in a series picks a track for a season they have none in
    (registration may cover only the season at hand; later seasons are added as they open).

    The enrollment's row is locked first, so two submissions at once cannot both add a track
    for the same season; a season already covered is refused and nothing is saved.
    """
    now = now or timezone.now()
    if program.kind != Program.Kind.SERIES:
        raise RegistrationError("Only a series has seasons to add.")
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update()
            .filter(user=user, program=program)
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .first()
        )
        if enrollment is None:
            raise RegistrationError(f"Please register for {program.title} first.")
        taken = dict(
            Registration.objects.filter(user=user, practicum__program=program, practicum__group__isnull=False)
            .exclude(status=Registration.Status.CANCELLED)
            .values_list("practicum__group_id", "practicum__title")
        )
        practicums = [_locked(pk) for pk in sorted(set(practicum_ids))]  # id order: no deadlocks
        _check_series_tracks(practicums, taken)
        return _take_seats(
            user=user,
            enrollment=enrollment,
            program=program,
            practicums=practicums,
            join_waitlist=join_waitlist,
            now=now,
            subject=f"Your new live events in {program.title}",
        )


def registration_cancel(*, registration: Registration, reason: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        Registration.objects.filter(pk=registration.pk).exclude(status=Registration.Status.CANCELLED).update(
            status=Registration.Status.CANCELLED, cancelled_at=now, cancel_reason=reason[:200]
        )
        transaction.on_commit(lambda: waitlist_promote(practicum_id=registration.practicum_id))


def move_deadline(practicum: Practicum) -> date:
    return practicum.starts_on - timedelta(days=practicum.program.move_cutoff_days)


def registration_move(
    *,
    registration: Registration,
    to_practicum_id: int,
    by: User,
    reason: str = "",
    now: datetime | None = None,
) -> Registration:
    """Move a confirmed registration to another practicum of the same program (and group),
    until the program's cut-off before the current one starts, seats permitting."""
    now = now or timezone.now()
    with transaction.atomic():
        source_id, target_id = registration.practicum_id, to_practicum_id
        locked = {pk: _locked(pk) for pk in sorted({source_id, target_id})}
        source, target = locked[source_id], locked[target_id]
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status != Registration.Status.CONFIRMED:
            raise RegistrationError("Only a confirmed place can be moved.")
        if source_id == target_id:
            raise RegistrationError("You are already registered in that practicum.")
        if local_date(now, source.zone) > move_deadline(source):
            raise RegistrationError(
                f"Moves close {source.program.move_cutoff_days} days before the practicum starts "
                f"({move_deadline(source):%B %-d}). Please contact us."
            )
        if target.group_id != source.group_id or target.kind != source.kind:
            raise RegistrationError("You can only move to another date of the same event.")
        _check_open(target, source.program, now)
        if _seats_taken(target) >= target.capacity:
            raise RegistrationError(f"{target.title} is full. Please choose another.")
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = now
        current.cancel_reason = f"Moved to {target.title}"
        current.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        try:
            new = Registration.objects.create(
                user=current.user,
                practicum=target,
                enrollment=current.enrollment,
                status=Registration.Status.CONFIRMED,
            )
        except IntegrityError as exc:
            raise RegistrationError("You already have a place in that practicum.") from exc
        RegistrationMove.objects.create(
            user=current.user, from_practicum=source, to_practicum=target, moved_by=by, reason=reason[:300]
        )
        transaction.on_commit(lambda: waitlist_promote(practicum_id=source_id))
    return new


@dataclass
class ImportResult:
    enrolled: list[str] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _invite(user: User, program: Program) -> None:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    email_queue(
        message=email_render(
            template="practicums/email/invitation",
            context={"user": user, "program": program, "set_password_url": settings.SITE_URL + path},
            subject=f"You are enrolled in {program.title}: set your password",
            to=[user.email],
        )
    )


def enrollment_import_csv(
    *, program: Program, csv_text: str, practicum: Practicum | None = None, now: datetime | None = None
) -> ImportResult:
    """Enroll people from `name,email` rows. Unknown people get an account and an invitation
    to set their password. A bad row is reported by its line number; every other row is kept."""
    result = ImportResult()
    rows = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    for line, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if line == 1 and [c.lower() for c in cells[:2]] == ["name", "email"]:
            continue
        if len(cells) < 2 or not cells[0]:
            result.errors.append((line, "expected two columns: name,email"))
            continue
        name, email = cells[0], cells[1].lower()
        try:
            validate_email(email)
        except ValidationError:
            result.errors.append((line, f"“{email}” is not a valid email address"))
            continue
        try:
            with transaction.atomic():
                existing = User.objects.filter(email__iexact=email).first()
                created = existing is None
                user = existing or user_create(
                    email=email, password=None, full_name=name, email_verified=True
                )
                if practicum is not None:
                    registration_create(
                        user=user, program=program, practicum_ids=[practicum.pk], source="csv", now=now
                    )
                else:
                    enrollment_create(user=user, program=program, source="csv", now=now)
                if created:
                    _invite(user, program)
        except AlreadyEnrolled:
            result.errors.append((line, f"{email} is already enrolled in {program.title}"))
            continue
        except RegistrationError as exc:
            result.errors.append((line, " ".join(exc.messages)))
            continue
        (result.invited if created else result.enrolled).append(email)
    return result


def registration_take_free_place(
    *, user: User, practicum: Practicum, enrollment: Enrollment, now: datetime | None = None
) -> Registration:
    """A confirmed place at an open practicum with seats left, for callers that picked and
    checked the practicum themselves (CE events: recertification.services.ce_event_register).
    Locks the practicum's row; a place the person already holds (not cancelled) is returned as is."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(practicum.pk)
        existing = Registration.objects.filter(user=user, practicum=locked).exclude(
            status=Registration.Status.CANCELLED
        )
        if existing.exists():
            return existing.get()
        _check_open(locked, locked.program, now)
        if _seats_taken(locked) >= locked.capacity:
            raise RegistrationError(f"{locked.title} is full.")
        return Registration.objects.create(
            user=user, practicum=locked, enrollment=enrollment, status=Registration.Status.CONFIRMED
        )
