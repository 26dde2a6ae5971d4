"""Scheduling: copying a practicum to next month, calendar revisions, personal feed tokens."""

import secrets
from datetime import date, datetime, timedelta

from django.db import transaction

from accounts.models import User

from ..models import CalendarFeed, Practicum, Session


def same_weekday_next_month(day: date) -> date:
    """The same weekday in the same week of next month (2nd Tuesday → 2nd Tuesday); a 5th
    weekday that next month lacks becomes its last one."""
    week = (day.day - 1) // 7
    first = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    candidate = first + timedelta(days=(day.weekday() - first.weekday()) % 7 + 7 * week)
    if candidate.month != first.month:
        candidate -= timedelta(days=7)
    return candidate


def practicum_copy_to_next_month(*, practicum: Practicum) -> Practicum:
    """A copy for next month's run: same pattern of days, same local clock times (whatever
    daylight saving does in between), new attendance codes and calendar UIDs, empty roster."""
    zone = practicum.zone
    start = same_weekday_next_month(practicum.starts_on)
    shift = start - practicum.starts_on
    old_label = f"{practicum.starts_on:%B %Y}"
    with transaction.atomic():
        copy = Practicum.objects.get(pk=practicum.pk)
        instructors = list(practicum.instructors.all())
        copy.pk = None
        copy.id = None
        copy.starts_on = start
        copy.ends_on = practicum.ends_on + shift
        copy.title = practicum.title.replace(old_label, f"{start:%B %Y}")
        copy.save()
        copy.instructors.set(instructors)
        for session in practicum.sessions.filter(status=Session.Status.SCHEDULED):
            local_start = session.starts_at.astimezone(zone)
            local_end = session.ends_at.astimezone(zone)
            Session.objects.create(
                practicum=copy,
                title=session.title,
                starts_at=datetime.combine(local_start.date() + shift, local_start.time(), tzinfo=zone),
                ends_at=datetime.combine(local_end.date() + shift, local_end.time(), tzinfo=zone),
            )
    return copy


def session_touch(*, session: Session, previous: Session | None) -> None:
    """Bump the calendar SEQUENCE when a session moves or is cancelled, so subscribed calendars
    replace their copy instead of keeping the old time."""
    if previous is None:
        return
    if (previous.starts_at, previous.ends_at, previous.status, previous.title) != (
        session.starts_at,
        session.ends_at,
        session.status,
        session.title,
    ):
        Session.objects.filter(pk=session.pk).update(sequence=previous.sequence + 1)


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return feed


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new private address; the old one stops working at once."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    return feed
