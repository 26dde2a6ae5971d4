"""Calendar feeds: the public one and each person's private one (iCalendar, zones, stable UIDs,
sequence on change), and the page where a person makes or resets their link."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from icalendar import Calendar

from accounts.tests.factories import UserFactory
from practicums.models import CalendarFeed, Session
from practicums.services import calendar_feed_get_or_create

from .factories import PracticumFactory, make_session, register

UTC = ZoneInfo("UTC")
NY = ZoneInfo("America/New_York")


def parse(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@pytest.mark.django_db
def test_public_calendar_has_one_event_per_session_with_zone_and_uid(client):
    practicum = PracticumFactory(time_zone="America/New_York", title="Practicum — Chicago")
    day1 = make_session(
        practicum, "Day 1", datetime(2027, 3, 13, 9, tzinfo=NY), datetime(2027, 3, 13, 17, tzinfo=NY)
    )
    day2 = make_session(
        practicum, "Day 2", datetime(2027, 3, 14, 9, tzinfo=NY), datetime(2027, 3, 14, 17, tzinfo=NY)
    )
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        calendar = parse(client.get(reverse("practicums:calendar")))
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == ["Practicum — Chicago: Day 1", "Practicum — Chicago: Day 2"]
    # The DST change (March 14, 2027) falls between the days: 9:00 local is 14:00 then 13:00 UTC.
    assert [e.decoded("dtstart").astimezone(UTC) for e in events] == [
        datetime(2027, 3, 13, 14, tzinfo=UTC),
        datetime(2027, 3, 14, 13, tzinfo=UTC),
    ]
    assert events[0]["dtstart"].params["TZID"] == "America/New_York"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert [str(e["uid"]) for e in events] == [f"{day1.uid}@credo", f"{day2.uid}@credo"]
    assert [int(e["sequence"]) for e in events] == [0, 0]


@pytest.mark.django_db
def test_moved_and_cancelled_sessions_bump_sequence_and_keep_uid(client):
    from practicums.services import session_touch

    practicum = PracticumFactory()
    session = make_session(
        practicum, "Day 1", datetime(2027, 3, 13, 16, tzinfo=UTC), datetime(2027, 3, 13, 23, tzinfo=UTC)
    )
    previous = Session.objects.get(pk=session.pk)
    session.starts_at += timedelta(hours=1)
    session.save()
    session_touch(session=session, previous=previous)
    previous = Session.objects.get(pk=session.pk)
    session.status = Session.Status.CANCELLED
    session.save()
    session_touch(session=session, previous=previous)
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        [event] = parse(client.get(reverse("practicums:calendar"))).walk("VEVENT")
    assert (str(event["uid"]), int(event["sequence"]), str(event["status"])) == (
        f"{session.uid}@credo",
        2,
        "CANCELLED",
    )


@pytest.mark.django_db
def test_personal_feed_has_only_own_sessions_and_needs_the_token(client):
    mine, other = PracticumFactory(title="Mine"), PracticumFactory(title="Other")
    start = datetime(2027, 3, 13, 16, tzinfo=UTC)
    make_session(mine, "Day 1", start, start + timedelta(hours=7))
    make_session(other, "Day 1", start, start + timedelta(hours=7))
    user = UserFactory()
    register(user, mine)
    feed = calendar_feed_get_or_create(user=user)
    url = reverse("practicums:my_calendar_feed")
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        events = parse(client.get(url, {"token": feed.token})).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Mine: Day 1"]
    assert client.get(url, {"token": "made-up"}).status_code == 404
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_personal_feed_reset_invalidates_old_link(client):
    user = UserFactory()
    old = calendar_feed_get_or_create(user=user).token
    client.force_login(user)
    client.post(reverse("practicums:my_calendar_reset"))
    assert client.get(reverse("practicums:my_calendar_feed"), {"token": old}).status_code == 404


@pytest.mark.django_db
def test_my_calendar_page_get_creates_no_feed(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("practicums:my_calendar"))
    assert response.status_code == 200
    assert "Create my calendar link" in response.content.decode()
    assert CalendarFeed.objects.count() == 0


@pytest.mark.django_db
def test_my_calendar_post_creates_one_feed_shown_on_the_page(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("practicums:my_calendar"))
    assert response.status_code == 302
    assert response["Location"] == reverse("practicums:my_calendar")
    client.post(reverse("practicums:my_calendar"))
    feed = CalendarFeed.objects.get(user=user)
    assert CalendarFeed.objects.count() == 1
    page = client.get(reverse("practicums:my_calendar")).content.decode()
    assert f"?token={feed.token}" in page
    assert "Create my calendar link" not in page


@pytest.mark.django_db
def test_feed_text_with_commas_semicolons_backslashes_and_long_accented_lines_reads_back_unchanged(client):
    """The VEVENTs are written by hand (decision 0017): what icalendar reads back is what was stored."""
    title = "Practicum; Café — Zürich, Ünïcødé \\ day " + "é" * 60
    practicum = PracticumFactory(
        time_zone="Europe/Zurich", title=title, format="in_person",
        venue_name="Hall A, 2nd floor; east", address="Line 1\nLine 2", city="Zürich", state="",
    )  # fmt: skip
    make_session(
        practicum,
        "Day 1, morning",
        datetime(2027, 3, 13, 9, tzinfo=UTC),
        datetime(2027, 3, 13, 12, tzinfo=UTC),
    )
    utc_event = PracticumFactory(time_zone="UTC", title="UTC event", format="virtual")
    make_session(
        utc_event, "Only", datetime(2027, 3, 14, 9, tzinfo=UTC), datetime(2027, 3, 14, 10, tzinfo=UTC)
    )
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        response = client.get(reverse("practicums:calendar"))
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    events = {str(e["summary"]): e for e in parse(response).walk("VEVENT")}
    zurich = events[f"{title}: Day 1, morning"]
    assert str(zurich["location"]) == "Hall A, 2nd floor; east, Line 1\nLine 2, Zürich"
    assert zurich.decoded("dtstart") == datetime(2027, 3, 13, 9, tzinfo=UTC)
    assert zurich["dtstart"].params["TZID"] == "Europe/Zurich"
    assert str(zurich["url"]).endswith(f"/practicums/{practicum.pk}/")
    assert str(zurich["status"]) == "CONFIRMED"
    assert events["UTC event: Only"].decoded("dtstart") == datetime(2027, 3, 14, 9, tzinfo=UTC)
    assert [str(tz["tzid"]) for tz in parse(response).walk("VTIMEZONE")] == ["Europe/Zurich"]


@pytest.mark.django_db(transaction=True)
def test_public_feed_is_published_after_a_change_and_served_from_storage(client):
    """Decision 0018: a change queues one publication (eager in tests: run at the commit), the
    feed is served from the stored file, and beat publishes it nightly too."""
    from django.conf import settings as django_settings
    from django.core.files.storage import default_storage

    from practicums.services.public_feed import FEED_PATH

    url = reverse("practicums:calendar")
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        practicum = PracticumFactory(title="Published practicum")
        make_session(
            practicum, "Day 1", datetime(2027, 3, 13, 16, tzinfo=UTC), datetime(2027, 3, 13, 23, tzinfo=UTC)
        )
        assert default_storage.exists(FEED_PATH)
        assert b"Published practicum: Day 1" in default_storage.open(FEED_PATH).read()
        # Served from the file: a change to the stored copy shows (nothing renders per request).
        default_storage.delete(FEED_PATH)
        default_storage.save(
            FEED_PATH, ContentFile(default_storage_body := b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        )
        assert client.get(url).content == default_storage_body
        # The next change publishes again.
        make_session(
            practicum, "Day 2", datetime(2027, 3, 14, 16, tzinfo=UTC), datetime(2027, 3, 14, 23, tzinfo=UTC)
        )
        summaries = {str(e["summary"]) for e in parse(client.get(url)).walk("VEVENT")}
    assert summaries == {"Published practicum: Day 1", "Published practicum: Day 2"}
    schedule = django_settings.CELERY_BEAT_SCHEDULE["publish-public-feed"]
    assert schedule["task"] == "practicums.publish_public_feed"


@pytest.mark.django_db
def test_public_feed_is_rendered_by_the_request_until_one_is_stored(client):
    practicum = PracticumFactory(title="Not yet published")
    make_session(
        practicum, "Day 1", datetime(2027, 3, 13, 16, tzinfo=UTC), datetime(2027, 3, 13, 23, tzinfo=UTC)
    )
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        events = parse(client.get(reverse("practicums:calendar"))).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Not yet published: Day 1"]


@pytest.mark.django_db(transaction=True)
def test_a_moved_session_reaches_the_published_feed_with_its_new_sequence(client):
    from practicums.services import session_touch

    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        session = make_session(
            PracticumFactory(),
            "Day 1",
            datetime(2027, 3, 13, 16, tzinfo=UTC),
            datetime(2027, 3, 13, 23, tzinfo=UTC),
        )
        previous = Session.objects.get(pk=session.pk)
        session.starts_at += timedelta(hours=1)
        session.save()
        session_touch(session=session, previous=previous)  # a bulk update of SEQUENCE: no post_save
        [event] = parse(client.get(reverse("practicums:calendar"))).walk("VEVENT")
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == datetime(2027, 3, 13, 17, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_a_deleted_practicum_leaves_the_published_feed(client):
    """Deleting a practicum cascades to its sessions (no post_delete: Django's fast delete stays);
    the feed is published again all the same."""
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        kept, dropped = PracticumFactory(title="Kept"), PracticumFactory(title="Dropped")
        for practicum in (kept, dropped):
            make_session(
                practicum,
                "Day 1",
                datetime(2027, 3, 13, 16, tzinfo=UTC),
                datetime(2027, 3, 13, 23, tzinfo=UTC),
            )
        dropped.delete()
        summaries = [
            str(e["summary"]) for e in parse(client.get(reverse("practicums:calendar"))).walk("VEVENT")
        ]
    assert summaries == ["Kept: Day 1"]
