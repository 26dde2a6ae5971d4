"""iCalendar feeds: one VEVENT per session, in the practicum's own zone with its VTIMEZONE,
stable UIDs and SEQUENCE numbers so that moved or cancelled sessions update in calendars (a
cancelled practicum cancels all its sessions)."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Session


def sessions_to_ics(sessions: Iterable[Session], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CREDO_SITE_NAME}//Practicums//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for session in sessions:
        practicum = session.practicum
        zone = practicum.zone
        event = Event()
        event.add("uid", f"{session.uid}@credo")
        event.add("dtstamp", stamp)
        event.add("sequence", session.sequence)
        event.add("summary", f"{practicum.title}: {session.title}")
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        if practicum.format == practicum.Format.IN_PERSON:
            event.add(
                "location",
                ", ".join(
                    p for p in (practicum.venue_name, practicum.address, practicum.city, practicum.state) if p
                ),
            )
        else:
            event.add("location", "Online (the join link is on your dashboard)")
        event.add("url", settings.SITE_URL + practicum.get_absolute_url())
        cancelled = (
            session.status == Session.Status.CANCELLED or practicum.status == practicum.Status.CANCELLED
        )
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
