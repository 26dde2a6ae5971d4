"""Reads for the calendar feeds: the public schedule's sessions and a person's private feed."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from .models import CalendarFeed, Registration, Session


def sessions_for_public_feed() -> QuerySet[Session]:
    """Sessions of published practicums from a month ago on (cancelled ones too, so that
    calendars that subscribed earlier learn of the cancellation)."""
    since = timezone.now() - timedelta(days=31)
    return (
        Session.objects.filter(practicum__is_published=True, ends_at__gte=since)
        .select_related("practicum")
        .order_by("starts_at")
    )


def calendar_feed_for_user(*, user: User) -> CalendarFeed | None:
    """The person's private calendar feed, or None until they ask for one."""
    return CalendarFeed.objects.filter(user=user).first()


def sessions_for_user_feed(*, token: str) -> tuple[CalendarFeed | None, QuerySet[Session]]:
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first() if token else None
    if feed is None:
        return None, Session.objects.none()
    practicum_ids = Registration.objects.filter(user=feed.user, status=Registration.Status.CONFIRMED).values(
        "practicum_id"
    )
    since = timezone.now() - timedelta(days=31)
    sessions = (
        Session.objects.filter(practicum_id__in=practicum_ids, ends_at__gte=since)
        .select_related("practicum")
        .order_by("starts_at")
    )
    return feed, sessions
