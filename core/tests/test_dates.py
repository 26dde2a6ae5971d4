from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.dates import access_opens_at, add_business_days, date_range, is_business_day
from core.numbers import duration_text

LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 16), 2, date(2026, 11, 18)),  # Monday -> Wednesday
        (date(2026, 11, 20), 2, date(2026, 11, 24)),  # Friday -> Tuesday (weekend skipped)
        (date(2026, 11, 21), 2, date(2026, 11, 24)),  # Saturday -> Tuesday
        (
            date(2026, 11, 25),
            2,
            date(2026, 11, 30),
        ),  # Wed before Thanksgiving: Thu holiday, Fri, weekend -> Mon
        (date(2026, 11, 25), 1, date(2026, 11, 27)),  # the Friday after Thanksgiving is a business day
        (date(2026, 12, 30), 2, date(2027, 1, 4)),  # Dec 31 Thu, Jan 1 holiday (Fri), weekend -> Mon Jan 4
        (date(2027, 12, 30), 2, date(2028, 1, 4)),  # Fri Dec 31 is New Year 2028 observed -> Mon 3, Tue 4
        (date(2026, 11, 21), 0, date(2026, 11, 21)),  # delay 0: the same day, even a Saturday
    ],
)
def test_add_business_days(start, days, expected):
    assert add_business_days(start, days) == expected


def test_federal_holidays_are_not_business_days():
    assert not is_business_day(date(2026, 11, 26))  # Thanksgiving
    assert not is_business_day(date(2026, 12, 25))  # Christmas
    assert not is_business_day(date(2027, 7, 5))  # Independence Day observed (July 4 is a Sunday)
    assert is_business_day(date(2026, 11, 27))


def test_access_opens_at_start_of_local_day():
    # Friday 23:30 in Los Angeles is already Saturday in UTC: the local date decides.
    registered = datetime(2026, 11, 21, 7, 30, tzinfo=ZoneInfo("UTC"))
    opens = access_opens_at(registered, delay_business_days=2, zone=LA)
    assert opens == datetime(2026, 11, 24, 0, 0, tzinfo=LA)


def test_access_delay_zero_opens_at_registration():
    registered = datetime(2026, 11, 21, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert access_opens_at(registered, delay_business_days=0, zone=LA) == registered


def test_date_range_formats():
    assert date_range(date(2027, 6, 3), date(2027, 6, 6)) == "June 3–6, 2027"
    assert date_range(date(2027, 6, 30), date(2027, 7, 2)) == "June 30 – July 2, 2027"
    assert date_range(date(2027, 12, 30), date(2028, 1, 2)) == "December 30, 2027 – January 2, 2028"
    assert date_range(date(2027, 6, 3), date(2027, 6, 3)) == "June 3, 2027"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (90, "90 minutes"),
        (120, "2 hours"),
        (1440, "1 day"),
        (2880, "2 days"),
        (1500, "25 hours"),
    ],
)
def test_duration_text_says_whole_days_and_hours(minutes, text):
    assert duration_text(minutes) == text
