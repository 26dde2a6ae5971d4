from django import template
from django.utils.safestring import mark_safe

from core.dates import date_range
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
