"""Telling registered people when things happen: reminders before their sessions, and a notice
when staff move, re-time or cancel a practicum or a session.

Reminders (beat runs `practicums.send_session_reminders` every 5 minutes): an in-person session
is due from 24 hours before its start, a virtual one from one hour before, and neither once it
has begun; whatever run first finds a session due sends it. Each (person, session, kind) is
claimed by inserting its SessionReminder row, whose unique constraint makes a second run, or two
overlapping runs, send nothing twice. People who turned reminders off in their profile, cancelled
sessions and practicums, and registrations that are not confirmed get none.

Change notices: the admin snapshots the practicum and its sessions before saving and calls
`practicum_changes_notify` after; everyone confirmed gets one email listing what changed (old →
new, in their zone and the event's) with the updated calendar file, and a re-timed session's
reminders are forgotten so that one goes out for its new time. A change of title alone, or of a
session that is over, emails nobody (the calendar feeds still carry it).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from core.mail import email_queue
from programs.services import email_render

from ..calendar import sessions_to_ics
from ..models import Practicum, Registration, Session, SessionReminder

REMINDER_RULES: dict[str, tuple[str, timedelta]] = {
    Practicum.Format.IN_PERSON: (SessionReminder.Kind.DAY_BEFORE, timedelta(hours=24)),
    Practicum.Format.VIRTUAL: (SessionReminder.Kind.HOUR_BEFORE, timedelta(hours=1)),
}


def _ics_attachment(sessions: list[Session], *, name: str) -> tuple[str, bytes, str]:
    return (
        ("session.ics" if len(sessions) == 1 else "sessions.ics"),
        sessions_to_ics(sessions, name=name),
        "text/calendar",
    )


def session_reminders_send(*, now: datetime | None = None) -> int:
    """Send the reminders that are due (see the module's docstring); returns how many."""
    now = now or timezone.now()
    sent = 0
    for practicum_format, (kind, lead) in REMINDER_RULES.items():
        sessions = Session.objects.filter(
            status=Session.Status.SCHEDULED,
            practicum__status=Practicum.Status.SCHEDULED,
            practicum__format=practicum_format,
            starts_at__gt=now,
            starts_at__lte=now + lead,
        ).select_related("practicum")
        for session in sessions:
            registrations = (
                Registration.objects.filter(
                    practicum_id=session.practicum_id,
                    status=Registration.Status.CONFIRMED,
                    user__is_active=True,
                    user__session_reminders=True,
                )
                .exclude(
                    Exists(
                        SessionReminder.objects.filter(user=OuterRef("user_id"), session=session, kind=kind)
                    )
                )
                .select_related("user")
            )
            for registration in registrations:
                sent += _reminder_send(registration=registration, session=session, kind=kind, now=now)
    return sent


def _reminder_send(*, registration: Registration, session: Session, kind: str, now: datetime) -> int:
    user = registration.user
    practicum = session.practicum
    try:
        with transaction.atomic():
            SessionReminder.objects.create(user=user, session=session, kind=kind, sent_at=now)
            start = session.starts_at.astimezone(ZoneInfo(user.time_zone))
            message = email_render(
                template="practicums/email/reminder",
                context={
                    "user": user,
                    "session": session,
                    "practicum": practicum,
                    "join_url": practicum.join_url if practicum.format == Practicum.Format.VIRTUAL else "",
                    "detail_url": settings.SITE_URL + practicum.get_absolute_url(),
                    "profile_url": settings.SITE_URL + reverse("accounts:profile"),
                },
                subject=f"Reminder: {practicum.title}, {session.title}, {start:%a %b %-d at %H:%M} "
                f"({user.time_zone})",
                to=[user.email],
            )
            message.attach(*_ics_attachment([session], name=practicum.title))
            email_queue(message=message)
    except IntegrityError:  # another run claimed this reminder first
        return 0
    return 1


@dataclass(frozen=True)
class SessionState:
    pk: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str


@dataclass(frozen=True)
class ScheduleSnapshot:
    """What registered people are shown of a practicum: its status, where, and its sessions."""

    status: str
    title: str
    where: str
    join_url: str
    sessions: dict[int, SessionState] = field(default_factory=dict)


def _where(practicum: Practicum) -> str:
    if practicum.format == Practicum.Format.VIRTUAL:
        return "Online"
    parts = (practicum.venue_name, practicum.address, practicum.city, practicum.state)
    return ", ".join(p for p in parts if p)


def schedule_snapshot(*, practicum_id: int) -> ScheduleSnapshot:
    """The practicum and its sessions as stored now (taken before a save, compared after)."""
    practicum = Practicum.objects.get(pk=practicum_id)
    return ScheduleSnapshot(
        status=practicum.status,
        title=practicum.title,
        where=_where(practicum),
        join_url=practicum.join_url,
        sessions={
            s.pk: SessionState(
                pk=s.pk, title=s.title, starts_at=s.starts_at, ends_at=s.ends_at, status=s.status
            )
            for s in Session.objects.filter(practicum_id=practicum_id)
        },
    )


@dataclass(frozen=True)
class SessionChange:
    kind: str  # "moved", "cancelled", "added", "removed", "reinstated"
    title: str
    old: SessionState | None
    new: SessionState | None


@dataclass
class ScheduleChanges:
    cancelled: bool = False
    reinstated: bool = False
    where: tuple[str, str] | None = None
    join_url_changed: bool = False
    sessions: list[SessionChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.cancelled or self.reinstated or self.where or self.join_url_changed or self.sessions)


def schedule_changes(*, before: ScheduleSnapshot, after: ScheduleSnapshot, now: datetime) -> ScheduleChanges:
    """What a registered person needs to hear about: the practicum cancelled or back on, a new
    place or join link, and sessions moved, cancelled, added or removed (those not yet over)."""
    scheduled = Session.Status.SCHEDULED
    changes = ScheduleChanges()
    if before.status != after.status:
        changes.cancelled = after.status == Practicum.Status.CANCELLED
        changes.reinstated = not changes.cancelled
    if before.where != after.where:
        changes.where = (before.where, after.where)
    changes.join_url_changed = before.join_url != after.join_url and after.where == "Online"
    for pk in sorted(before.sessions.keys() | after.sessions.keys()):
        old, new = before.sessions.get(pk), after.sessions.get(pk)
        if max(s.ends_at for s in (old, new) if s) <= now:
            continue  # over: nobody needs an email about it
        kind = ""
        if old is None and new is not None:
            kind = "added" if new.status == scheduled else ""
        elif new is None and old is not None:
            kind = "removed" if old.status == scheduled else ""
        elif old is not None and new is not None:
            if old.status != new.status:
                kind = "cancelled" if new.status != scheduled else "reinstated"
            elif new.status == scheduled and (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at):
                kind = "moved"
        if kind:
            title = (new or old).title  # type: ignore[union-attr]  # one of them exists (pk came from one)
            changes.sessions.append(SessionChange(kind=kind, title=title, old=old, new=new))
    changes.sessions.sort(key=lambda c: (c.new or c.old).starts_at)  # type: ignore[union-attr]  # as above
    return changes


def practicum_changes_notify(
    *, practicum_id: int, before: ScheduleSnapshot, now: datetime | None = None
) -> int:
    """After staff saved a practicum: bump the calendar revision of all its sessions if what a
    calendar shows of the practicum changed (its title, place or status), then email everyone
    confirmed once with the changes and the updated calendar file. Returns how many emails."""
    now = now or timezone.now()
    with transaction.atomic():
        after = schedule_snapshot(practicum_id=practicum_id)
        if (before.status, before.where, before.title) != (after.status, after.where, after.title):
            Session.objects.filter(practicum_id=practicum_id).update(sequence=F("sequence") + 1)
        changes = schedule_changes(before=before, after=after, now=now)
        if not changes:
            return 0
        # A session at a new time deserves a reminder for the new time.
        retimed = [c.new.pk for c in changes.sessions if c.new and c.kind in ("moved", "reinstated")]
        SessionReminder.objects.filter(session_id__in=retimed).delete()
        return _changes_email(practicum_id=practicum_id, changes=changes)


def _changes_email(*, practicum_id: int, changes: ScheduleChanges) -> int:
    practicum = Practicum.objects.get(pk=practicum_id)
    sessions = list(Session.objects.filter(practicum=practicum).order_by("starts_at"))
    for session in sessions:
        session.practicum = practicum
    registrations = Registration.objects.filter(
        practicum=practicum, status=Registration.Status.CONFIRMED, user__is_active=True
    ).select_related("user")
    subject = f"Cancelled: {practicum.title}" if changes.cancelled else f"Schedule change: {practicum.title}"
    sent = 0
    for registration in registrations:
        message = email_render(
            template="practicums/email/changed",
            context={
                "user": registration.user,
                "practicum": practicum,
                "changes": changes,
                "detail_url": settings.SITE_URL + practicum.get_absolute_url(),
                "support_email": settings.CREDO_SUPPORT_EMAIL,
            },
            subject=subject,
            to=[registration.user.email],
        )
        if sessions:
            message.attach(*_ics_attachment(sessions, name=practicum.title))
        email_queue(message=message)
        sent += 1
    return sent
