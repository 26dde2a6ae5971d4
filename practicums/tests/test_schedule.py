"""The public schedule (filters, zones, constant queries), the join link around a session, and
copying a practicum to the next month."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from practicums.services import practicum_copy_to_next_month
from practicums.services.scheduling import same_weekday_next_month
from programs.tests.factories import ProgramFactory

from .factories import PracticumFactory, make_session, register

UTC = ZoneInfo("UTC")


def test_same_weekday_next_month():
    assert same_weekday_next_month(date(2026, 10, 13)) == date(2026, 11, 10)  # 2nd Tuesday
    assert same_weekday_next_month(date(2026, 12, 29)) == date(2027, 1, 26)  # 5th Tuesday -> last
    assert same_weekday_next_month(date(2027, 1, 5)) == date(2027, 2, 2)


@pytest.mark.django_db
def test_copy_to_next_month_keeps_local_times_across_dst_with_new_codes():
    practicum = PracticumFactory(
        title="Practicum — Denver, October 2026", time_zone="America/Denver",
        starts_on=date(2026, 10, 27), ends_on=date(2026, 10, 28), capacity=20,
    )  # fmt: skip
    denver = ZoneInfo("America/Denver")
    sessions = [
        make_session(
            practicum,
            "Day 1",
            datetime(2026, 10, 27, 9, tzinfo=denver),
            datetime(2026, 10, 27, 17, tzinfo=denver),
        ),
        make_session(
            practicum,
            "Day 2",
            datetime(2026, 10, 28, 9, tzinfo=denver),
            datetime(2026, 10, 28, 17, tzinfo=denver),
        ),
    ]
    register(UserFactory(), practicum)
    copy = practicum_copy_to_next_month(practicum=practicum)
    assert (copy.title, copy.starts_on, copy.ends_on) == (
        "Practicum — Denver, November 2026",
        date(2026, 11, 24),
        date(2026, 11, 25),
    )
    new = list(copy.sessions.order_by("starts_at"))
    assert [s.starts_at.astimezone(denver).strftime("%m-%d %H:%M") for s in new] == [
        "11-24 09:00",
        "11-25 09:00",
    ]
    assert new[0].starts_at.astimezone(UTC).hour == 16  # MST (UTC-7), where October's 09:00 was 15:00 UTC
    assert {s.code for s in new}.isdisjoint({s.code for s in sessions})
    assert copy.registrations.count() == 0


@pytest.mark.django_db
def test_schedule_filters_and_constant_queries(client):
    cert = ProgramFactory(slug="cert")
    series = ProgramFactory(slug="series")

    def count(params=None) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("practicums:schedule"), params or {})
        return len(ctx.captured_queries), response.content.decode()

    for i in range(2):
        p = PracticumFactory(
            program=cert, title=f"Cert in person {i}", starts_on=date.today() + timedelta(days=40)
        )
        make_session(
            p,
            "Day 1",
            datetime.now(UTC) + timedelta(days=40),
            datetime.now(UTC) + timedelta(days=40, hours=8),
        )
    small, _ = count()
    for i in range(20):
        p = PracticumFactory(
            program=series,
            title=f"Series virtual {i}",
            format="virtual",
            starts_on=date.today() + timedelta(days=70),
        )
        make_session(
            p, "S1", datetime.now(UTC) + timedelta(days=70), datetime.now(UTC) + timedelta(days=70, hours=2)
        )
    large, html = count()
    assert small == large
    assert "Cert in person 0" in html
    assert "Series virtual 19" in html
    _, html = count({"program": "cert"})
    assert "Cert in person 0" in html
    assert "Series virtual" not in html
    _, html = count({"format": "virtual"})
    assert "Cert in person" not in html
    month = (date.today() + timedelta(days=40)).strftime("%Y-%m")
    _, html = count({"month": month})
    assert "Cert in person 0" in html


@pytest.mark.django_db
def test_schedule_shows_event_zone_and_viewers_zone(client):
    practicum = PracticumFactory(time_zone="America/New_York", title="East")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=40)
    make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    html = client.get(reverse("practicums:schedule")).content.decode()
    assert "America/New_York" in html
    assert "your time" not in html  # anonymous: the event's own zone only
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))
    html = client.get(reverse("practicums:schedule")).content.decode()
    assert "(your time: " in html


@pytest.mark.django_db
def test_join_link_only_for_registered_people_around_the_session(client):
    practicum = PracticumFactory(format="virtual", join_url="https://meet.example.org/secret-room")
    start = datetime(2027, 3, 1, 17, tzinfo=UTC)
    make_session(practicum, "Session 1", start, start + timedelta(hours=2))
    user = UserFactory()
    register(user, practicum)
    url = practicum.get_absolute_url()
    with time_machine.travel(start - timedelta(minutes=10)):
        assert "secret-room" not in client.get(url).content.decode()  # anonymous
        client.force_login(UserFactory())
        assert "secret-room" not in client.get(url).content.decode()  # someone else
        client.force_login(user)
        assert "secret-room" in client.get(url).content.decode()
    with time_machine.travel(start - timedelta(minutes=31)):
        assert "secret-room" not in client.get(url).content.decode()
    with time_machine.travel(start + timedelta(hours=2, minutes=1)):
        assert "secret-room" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_schedule_location_filter_lists_places_and_combines_with_other_filters(client):
    cert = ProgramFactory(slug="cert")
    series = ProgramFactory(slug="series")
    soon = date.today() + timedelta(days=40)

    def get(params=None) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("practicums:schedule"), params or {})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    PracticumFactory(program=cert, title="Denver cert", city="Denver", state="CO", starts_on=soon)
    PracticumFactory(program=series, title="Denver series", city="Denver", state="CO", starts_on=soon)
    PracticumFactory(program=cert, title="Portland OR", city="Portland", state="OR", starts_on=soon)
    PracticumFactory(program=cert, title="Portland ME", city="Portland", state="ME", starts_on=soon)
    PracticumFactory(program=cert, title="Online one", format="virtual", city="", starts_on=soon)
    PracticumFactory(program=cert, title="Past Boise", city="Boise", state="ID", starts_on=date.today())
    small, html = get({"location": "Denver, CO"})
    assert (
        '<select name="location" id="id_location">'
        '\n  <option value="">Any location</option>'
        '\n\n  <option value="virtual">Virtual</option>'
        '\n\n  <option value="Denver, CO" selected>Denver, CO</option>'
        '\n\n  <option value="Portland, ME">Portland, ME</option>'
        '\n\n  <option value="Portland, OR">Portland, OR</option>'
        "\n\n</select>"
    ) in html  # past events (Boise) and virtual ones offer no place
    assert ("Denver cert<" in html, "Denver series<" in html, "Portland OR<" in html) == (True, True, False)
    assert "In person, Denver, CO" in html
    for i in range(20):
        PracticumFactory(program=cert, title=f"More Denver {i}", city="Denver", state="CO", starts_on=soon)
    large, html = get({"location": "Denver, CO"})
    assert small == large
    assert "More Denver 19" in html
    _, html = get({"location": "Denver, CO", "program": "series"})
    assert ("Denver cert<" in html, "Denver series<" in html) == (False, True)
    _, html = get({"location": "Portland, ME"})
    assert ("Portland ME<" in html, "Portland OR<" in html) == (True, False)
    _, html = get({"location": "virtual"})
    assert ("Online one<" in html, "Denver cert<" in html) == (True, False)
    _, html = get({"location": "virtual", "format": "in_person"})
    assert "No events match." in html
    _, html = get({"location": "Atlantis, XX"})  # not a choice: the form is invalid, nothing filtered
    assert ("Online one" in html, "Denver cert" in html) == (True, True)


@pytest.mark.django_db
def test_schedule_lists_25_events_a_page_keeping_the_filters(client):
    cert = ProgramFactory(slug="cert")
    for i in range(30):
        PracticumFactory(program=cert, title=f"Event {i:02d}", format="virtual",
                         starts_on=date.today() + timedelta(days=10 + i))  # fmt: skip
    PracticumFactory(
        program=cert, title="Held in a room", format="in_person", starts_on=date.today() + timedelta(days=5)
    )

    def page(params) -> str:
        response = client.get(reverse("practicums:schedule"), params)
        assert response.status_code == 200
        return response.content.decode()

    first = page({"format": "virtual"})
    assert "Event 00" in first
    assert "Event 24" in first
    assert "Event 25" not in first
    assert "Held in a room" not in first
    assert "Events 1–25 of 30" in first
    assert 'href="?format=virtual&amp;page=2" rel="next"' in first
    second = page({"format": "virtual", "page": "2"})
    assert "Event 25" in second
    assert "Event 29" in second
    assert "Event 24" not in second
    assert 'aria-current="page">Page 2 of 2<' in second
    # A page that is not a number, or past the end: the first or the last page, never an error.
    assert "Event 00" in page({"format": "virtual", "page": "abc"})
    assert "Event 29" in page({"format": "virtual", "page": "99"})
    # The page's queries do not grow with the schedule.
    with CaptureQueriesContext(connection) as thirty:
        page({"format": "virtual"})
    for i in range(30):
        PracticumFactory(
            program=cert, title=f"Later {i}", format="virtual", starts_on=date.today() + timedelta(days=90)
        )
    with CaptureQueriesContext(connection) as sixty:
        page({"format": "virtual", "page": "3"})
    assert len(thirty.captured_queries) == len(sixty.captured_queries)


@pytest.mark.django_db
def test_a_schedule_that_fits_one_page_is_not_counted_and_a_longer_one_is(client):
    """One event more than a page is where COUNT starts: a short list is its own count."""
    program = ProgramFactory(slug="cert")
    for i in range(25):
        PracticumFactory(program=program, title=f"Event {i:02d}", starts_on=date.today() + timedelta(days=30))

    def get(params) -> tuple[list[str], str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("practicums:schedule"), params)
        assert response.status_code == 200
        return [q["sql"] for q in ctx.captured_queries], response.content.decode()

    queries, html = get({})
    assert not any(sql.startswith("SELECT COUNT(") for sql in queries)
    assert "Event 00" in html
    assert "Event 24" in html
    assert "Page 1 of" not in html  # one page: no pagination
    PracticumFactory(program=program, title="Event 25", starts_on=date.today() + timedelta(days=80))
    queries, html = get({})
    assert sum(sql.startswith("SELECT COUNT(") for sql in queries) == 1
    assert "Events 1–25 of 26" in html
    assert "Event 25" not in html
    _, html = get({"page": "2"})
    assert "Event 25" in html
    assert "Event 24" not in html


@pytest.mark.django_db
def test_filter_choices_are_one_query_of_distinct_choices_not_a_row_an_event():
    from practicums.selectors import schedule_filter_choices

    program = ProgramFactory()
    later = (date.today().replace(day=1) + timedelta(days=62)).replace(day=1)
    for i in range(6):  # six days of one month
        day = later + timedelta(days=i)
        PracticumFactory(program=program, title=f"Denver {i}", city="Denver", state="CO", starts_on=day)
    PracticumFactory(program=program, title="Online", format="virtual", city="", starts_on=later)
    with CaptureQueriesContext(connection) as ctx:
        months, places = schedule_filter_choices()
    assert months == [later]
    assert places == [("Denver", "CO")]
    assert len(ctx.captured_queries) == 1
    with connection.cursor() as cursor:  # the query itself returns one row a choice
        cursor.execute(ctx.captured_queries[0]["sql"])
        assert len(cursor.fetchall()) == 2  # (month, in person, Denver) and (month, virtual)
