import datetime
import functools
import zoneinfo

from django import template
from django.urls import reverse
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.dates import date_range
from core.html import format_html
from core.markup import render_markdown, render_markdown_under_title
from core.numbers import duration_text, hours_text

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 (sanitised by nh3 in render_markdown)  # nosec B308 B703


@register.filter
def markdown_under(text: str, title: str) -> str:
    """{{ lesson.body|markdown_under:lesson.title }}: Markdown under an h1 that already says the title."""
    html = render_markdown_under_title(text, title=title)
    return mark_safe(html)  # noqa: S308 (sanitised by nh3 in render_markdown)  # nosec B308 B703


@register.filter
def hours(value) -> str:
    """2.50 -> "2.5", 3.00 -> "3"."""
    return "" if value is None else hours_text(value)


@register.filter
def duration(minutes) -> str:
    """1440 -> "1 day", 120 -> "2 hours", 90 -> "90 minutes"."""
    return "" if minutes is None else duration_text(int(minutes))


@register.simple_tag
def daterange(start, end) -> str:
    return date_range(start, end)


@register.filter
def field(form, name: str):
    """A form's bound field by a name known only at run time: {{ form|field:group.field_name }}."""
    return form[name]


@functools.lru_cache(maxsize=16)
def _names(language: str | None) -> tuple[list[str], dict[int, str]]:
    """The weekday and month abbreviations in `language` (the active one), translated once: each
    lazy name costs a translation lookup when it is formatted."""
    return [str(WEEKDAYS_ABBR[i]) for i in range(7)], {m: str(name).title() for m, name in MONTHS_3.items()}


def _times(starts: datetime.datetime, ends: datetime.datetime, zone: str) -> str:
    """ "Mon, Mar 9 · 19:30–21:05" in `zone`: the `date` filter's "D, M j · H:i" and "H:i",
    written directly (the schedule formats two hundred times a page)."""
    tz = zoneinfo.ZoneInfo(zone)
    start, end = starts.astimezone(tz), ends.astimezone(tz)
    weekdays, months = _names(get_language())
    return (
        f"{weekdays[start.weekday()]}, {months[start.month]} {start.day} · "
        f"{start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d}"
    )


@register.simple_tag(takes_context=True)
def session_time(context, session) -> SafeString:
    """{% session_time session %}: when a session runs, in its event's zone, and in the viewer's
    when theirs differs. A tag, not an include: the schedule lists a hundred sessions a page."""
    zone = session.practicum.time_zone
    user = context.get("user")
    yours = ""
    if user is not None and user.is_authenticated and user.time_zone != zone:
        yours = format_html(
            ' <span class="meta your-time">(your time: {})</span>',
            _times(session.starts_at, session.ends_at, user.time_zone),
        )
    return format_html(
        '<span class="session-time"><time datetime="{}">{}</time> <span class="meta">{}</span>{}</span>',
        session.starts_at.astimezone(datetime.UTC).isoformat(),
        _times(session.starts_at, session.ends_at, zone),
        zone,
        yours,
    )


_PK = 987654321  # reversed once a render; each event's address is this with its own pk in place


def _detail_url(context, pk: int) -> str:
    """Practicum.get_absolute_url() for each event of a page, resolved once per render."""
    pattern = context.render_context.get("practicum_detail_url")
    if pattern is None:
        pattern = reverse("practicums:detail", kwargs={"pk": _PK})
        context.render_context["practicum_detail_url"] = pattern
    return pattern.replace(str(_PK), str(pk))


@register.simple_tag(takes_context=True)
def schedule_event(context, practicum) -> SafeString:
    """{% schedule_event practicum %}: the inside of one event's <li> on the public schedule (its
    title, tags, dates, place, seats and sessions), byte for byte the markup it replaced (kept in
    its test). A tag: the schedule lists 25 events a page, and the template engine's lookups
    were most of the page's time."""
    seats = practicum.seats_left
    seats_text = (f"{seats} seat{'' if seats == 1 else 's'} left") if seats > 0 else "full — waitlist open"
    place = format_html(", {}", practicum.place) if practicum.format == "in_person" else ""
    sessions = ""
    if practicum.scheduled_sessions:
        items = "".join(
            format_html("<li><strong>{}</strong> {}</li>", session.title, session_time(context, session))
            for session in practicum.scheduled_sessions
        )
        sessions = format_html('\n          <ul class="plain sessions">{}</ul>\n        ', mark_safe(items))  # noqa: S308  # nosec B308 B703
    return format_html(
        '\n        <div class="schedule-head">\n          <h2><a href="{}">{}</a></h2>\n'
        '          <span class="tags"><span class="tag{}">{}</span> <span class="tag">{}</span></span>\n'
        '        </div>\n        <p class="meta">{} · {}{} · {}</p>\n        {}\n      ',
        _detail_url(context, practicum.pk), practicum.title, " tag-ce" if practicum.is_ce_event else "",
        practicum.kind_label, practicum.program.title, date_range(practicum.starts_on, practicum.ends_on),
        practicum.get_format_display(), place, seats_text, sessions,
    )  # fmt: skip
