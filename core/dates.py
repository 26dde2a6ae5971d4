"""Business days and local dates: the one place that turns instants into a program's calendar."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@lru_cache(maxsize=16)
def _us_federal(year: int) -> holidays.HolidayBase:
    return holidays.US(years=year, categories=(holidays.PUBLIC,))


def is_business_day(day: date) -> bool:
    """Monday to Friday, and not a US federal holiday (as observed)."""
    return day.weekday() < 5 and day not in _us_federal(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (0: `start` itself, whatever day it is)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar day an instant falls on in a zone ("the day of completion" and the like)."""
    return instant.astimezone(zone).date()


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def access_opens_at(registered_at: datetime, *, delay_business_days: int, zone: ZoneInfo) -> datetime:
    """When modules open: at registration for a delay of 0, otherwise at the start of the day that
    is `delay` business days after the registration's local date."""
    if delay_business_days == 0:
        return registered_at
    day = add_business_days(local_date(registered_at, zone), delay_business_days)
    return start_of_day(day, zone)


def date_range(start: date, end: date) -> str:
    """ "June 3–6, 2027", "June 30 – July 2, 2027", "June 3, 2027"."""
    if start == end:
        return f"{start:%B} {start.day}, {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B} {start.day}–{end.day}, {end.year}"
    if start.year == end.year:
        return f"{start:%B} {start.day} – {end:%B} {end.day}, {end.year}"
    return f"{start:%B} {start.day}, {start.year} – {end:%B} {end.day}, {end.year}"
