"""What changes with time alone on a cached page (docs/decisions/0020): the page is kept across
minutes while nothing changes, and is built again from the instant something it shows does
(a session opening for codes, an access date, an exam link or a share link running out, the
next attempt allowed, midnight, falling behind pace), not up to a minute later.

Each test looks at a page just before an edge (the kept copy is served: no query), then just
after it (built again, and right)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.services import share_link_create, share_link_opened
from config.tests.test_next_step import NOW, TODAY, Person, certification, series
from core import page_cache
from core.dates import start_of_day
from programs.selectors import pace_status

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


def look(client: Client, url: str, at: datetime) -> tuple[str, int]:
    """The page at `url` at instant `at`, and the number of queries it took."""
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def signed_in(person: Person) -> Client:
    client = Client()
    with time_machine.travel(NOW - timedelta(days=1), tick=False):  # signed in the day before
        client.force_login(person.user)
    return client


def test_a_page_is_kept_for_minutes_while_nothing_changes():
    person = Person(certification(), passed=2).register(starts_in_days=30)
    client, url = signed_in(person), reverse("dashboard")
    assert "Continue with Module 3" in look(client, url, NOW)[0]
    again, queries = look(client, url, NOW + timedelta(minutes=3))
    assert queries == 0  # served as kept
    assert "Continue with Module 3" in again
    _, queries = look(client, url, NOW + timedelta(minutes=5, seconds=1))
    assert queries > 0  # and never longer than about five minutes


def test_pages_are_not_all_built_again_together():
    keys = [page_cache.page_key(viewer, f"/modules/{n}/", {}) for viewer in range(20) for n in range(10)]
    start = 1_800_000_000.0
    until = [page_cache._longest(key, start) - start for key in keys]
    assert all(page_cache.LONGEST - 60 < seconds <= page_cache.LONGEST for seconds in until)
    assert len({int(seconds) for seconds in until}) > 30  # spread over the last minute


def test_modules_open_at_the_access_date():
    person = Person(certification(), access_in_days=2).register()
    client, url = signed_in(person), reverse("dashboard")
    opens = person.enrollment.access_opens_at
    assert "Your modules open on" in look(client, url, opens - timedelta(minutes=3))[0]
    assert look(client, url, opens - SECOND)[1] == 0
    html, _ = look(client, url, opens + SECOND)
    assert "Your modules open on" not in html
    assert "Continue with Module 1" in html


def test_the_code_is_asked_for_from_the_session_start_until_its_grace_ends():
    person = Person(certification(), passed=3).register(starts_in_days=1, days=1)
    client, url = signed_in(person), reverse("dashboard")
    session = person.sessions[0]
    assert "Enter the attendance code" not in look(client, url, session.starts_at - timedelta(minutes=2))[0]
    assert look(client, url, session.starts_at - SECOND)[1] == 0
    assert "Enter the attendance code for Day 1" in look(client, url, session.starts_at + SECOND)[0]
    from practicums.selectors import attendance_closes_at

    closes = attendance_closes_at(session)
    look(client, url, closes - timedelta(minutes=2))
    assert look(client, url, closes - SECOND)[1] == 0
    assert "You missed Day 1" in look(client, url, closes + SECOND)[0]


def test_an_exam_link_expires_on_the_dashboard_when_it_runs_out():
    person = (
        Person(certification(), passed=3)
        .register(starts_in_days=-3)
        .attend(1, 2, 3)
        .invite(expires_in_days=1)
    )
    client, url = signed_in(person), reverse("dashboard")
    expires = person.invitation.expires_at
    assert "expired" not in look(client, url, expires - timedelta(minutes=2))[0]
    assert "Your exam link expired" in look(client, url, expires + SECOND)[0]


def test_the_next_exam_attempt_opens_when_the_wait_ends():
    person = (
        Person(certification(), passed=3)
        .register(starts_in_days=-3)
        .attend(1, 2, 3)
        .invite(failed=1, wait_minutes=180)
    )
    client, url = signed_in(person), reverse("dashboard")
    allowed = NOW + timedelta(hours=1)  # the failed attempt was submitted two hours before NOW
    assert "Your next exam attempt opens on" in look(client, url, allowed - timedelta(minutes=2))[0]
    assert "Your next exam attempt opens on" not in look(client, url, allowed + SECOND)[0]


def test_falling_behind_pace_shows_from_the_instant_it_happens():
    person = Person(certification(), passed=1, access_in_days=-30).register(starts_in_days=30)
    client, url = signed_in(person), reverse("dashboard")
    access = person.enrollment.access_opens_at.astimezone(UTC)  # across a DST change: in UTC
    starts = start_of_day(person.practicum.starts_on, person.practicum.zone).astimezone(UTC)
    behind_from = access + (starts - access) * 2 / 3  # two of three modules expected
    assert pace_status(
        access_opens_at=access,
        practicum_starts_at=starts,
        modules_total=3,
        modules_passed=1,
        now=behind_from + SECOND,
    ).behind
    assert "behind the recommended pace" not in look(client, url, behind_from - timedelta(minutes=2))[0]
    assert "behind the recommended pace" in look(client, url, behind_from + SECOND)[0]


def test_a_live_event_shows_as_missed_on_the_record_when_it_ends():
    person = Person(series(), modules=0).register(kind="live_set", starts_in_days=1, days=1)
    client, url = signed_in(person), reverse("certificates:record")
    ends = person.sessions[0].ends_at
    assert "(upcoming)" in look(client, url, ends - timedelta(minutes=2))[0]
    assert look(client, url, ends - SECOND)[1] == 0
    html, _ = look(client, url, ends + SECOND)
    assert "(missed)" in html
    assert "(upcoming)" not in html


def test_the_record_is_printed_with_the_new_date_from_midnight():
    person = Person(certification(), passed=1).register()
    zone = ZoneInfo(person.user.time_zone)
    midnight = datetime.combine(TODAY + timedelta(days=1), time.min, tzinfo=zone)
    client, url = signed_in(person), reverse("certificates:record")
    before, _ = look(client, url, midnight - timedelta(minutes=2))
    after, _ = look(client, url, midnight + SECOND)
    assert f"{midnight - timedelta(minutes=2):%B} {(midnight - timedelta(minutes=2)).day}" in before
    assert _printed(midnight.date()) in after
    assert _printed(midnight.date()) not in before


def _printed(day: date) -> str:
    return f"printed {day:%B} {day.day}, {day.year}"


def test_a_share_link_shows_as_expired_from_its_expiry_and_its_opens_within_a_minute():
    person = Person(certification(), passed=1).register()
    client, url = signed_in(person), reverse("certificates:record")
    with time_machine.travel(NOW, tick=False):
        link, _ = share_link_create(
            user=person.user, label="For the principal", valid_through=TODAY, program_ids=[]
        )
    html, _ = look(client, url, NOW)
    revoke = reverse("certificates:link_revoke", args=[link.pk])
    assert revoke in html
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        share_link_opened(link=type(link).objects.get(pk=link.pk))  # renews: the first open in a minute
    assert "1 time" in look(client, url, NOW + timedelta(minutes=1, seconds=10))[0]
    with time_machine.travel(NOW + timedelta(minutes=1, seconds=20), tick=False):
        share_link_opened(link=type(link).objects.get(pk=link.pk))  # quiet: a second open within it
    assert "1 time" in look(client, url, NOW + timedelta(minutes=1, seconds=50))[0]
    assert "2 times" in look(client, url, NOW + timedelta(minutes=2, seconds=1))[0]  # within its minute
    expires = link.expires_at
    assert revoke in look(client, url, expires - timedelta(minutes=2))[0]
    html, _ = look(client, url, expires + SECOND)
    assert "Expired" in html
    assert revoke not in html


def test_the_attendance_page_says_open_now_from_the_session_start():
    person = Person(certification(), passed=3).register(starts_in_days=1, days=1)
    client, url = signed_in(person), reverse("practicums:attendance")
    starts = person.sessions[0].starts_at
    assert "Open now" not in look(client, url, starts - timedelta(minutes=2))[0]
    assert look(client, url, starts - SECOND)[1] == 0
    assert "Open now" in look(client, url, starts + SECOND)[0]
