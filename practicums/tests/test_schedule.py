from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from accounts.tests.factories import StaffFactory, UserFactory
from practicums.models import CalendarFeed, Practicum, Session
from practicums.services import calendar_feed_get_or_create, practicum_copy_to_next_month
from practicums.services.scheduling import same_weekday_next_month
from programs.tests.factories import InstructorFactory, ProgramFactory

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


@pytest.fixture
def instructor(db):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name="Instructors"))
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.mark.django_db
def test_instructor_sees_own_session_code_qr_and_count(client, instructor):
    practicum = PracticumFactory()
    InstructorFactory(user=instructor).practicums.add(practicum)
    start = datetime.now(UTC) - timedelta(minutes=30)
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=2))
    other = make_session(PracticumFactory(), "Day 1", start, start + timedelta(hours=2))
    client.force_login(instructor)
    assert "Day 1" in client.get(reverse("practicums:instructor")).content.decode()
    html = client.get(reverse("practicums:instructor_code", args=[session.pk])).content.decode()
    assert f'<p class="code" aria-label="Attendance code {" ".join(session.code)}">{session.code}</p>' in html
    svg = client.get(reverse("practicums:instructor_qr", args=[session.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml")
    assert b'xmlns="http://www.w3.org/2000/svg"' in svg.content
    assert client.get(reverse("practicums:instructor_checkins", args=[session.pk])).json() == {
        "checked_in": 0,
        "registered": 0,
    }
    assert client.get(reverse("practicums:instructor_code", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_participants_cannot_open_instructor_pages(client):
    client.force_login(UserFactory())
    assert client.get(reverse("practicums:instructor")).status_code == 403


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def practicum_form(program, sessions: list[tuple[str, str, str]], **extra) -> dict:
    data = {
        "program": program.pk, "kind": "practicum", "title": "March practicum", "format": "in_person",
        "city": "Denver",
        "starts_on": "2027-03-09", "ends_on": "2027-03-11", "time_zone": "America/Denver",
        "capacity": "20", "appraised_hours": "21", "status": "scheduled", "is_published": "on",
        "sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0", "sessions-MAX_NUM_FORMS": "1000",
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, (day, start, end) in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-title": f"Day {i + 1}",
                f"sessions-{i}-day": day,
                f"sessions-{i}-start_time": start,
                f"sessions-{i}-end_time": end,
                f"sessions-{i}-status": "scheduled",
            }
        )
    data.update(extra)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ([("2027-03-09", "17:00", "09:00")], "The session must end after it starts."),
        ([("2027-03-12", "09:00", "17:00")], "Sessions must fall within the practicum"),
        (
            [("2027-03-09", "09:00", "13:00"), ("2027-03-09", "12:00", "17:00")],
            "This session overlaps the one before it.",
        ),
    ],
)
def test_admin_session_validation_errors(staff_client, sessions, message):
    program = ProgramFactory()
    response = staff_client.post(reverse("admin:practicums_practicum_add"), practicum_form(program, sessions))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Practicum.objects.exists()


@pytest.mark.django_db
def test_admin_sessions_entered_in_practicum_zone(staff_client):
    program = ProgramFactory()
    response = staff_client.post(
        reverse("admin:practicums_practicum_add"),
        practicum_form(program, [("2027-03-09", "09:00", "17:00"), ("2027-03-10", "09:00", "17:00")]),
    )
    assert response.status_code == 302
    sessions = list(Session.objects.order_by("starts_at"))
    assert [s.starts_at for s in sessions] == [
        datetime(2027, 3, 9, 16, tzinfo=UTC),
        datetime(2027, 3, 10, 16, tzinfo=UTC),
    ]
    assert len({s.code for s in sessions}) == 2


@pytest.mark.django_db
def test_admin_attendance_view_corrects_with_reason(staff_client):
    practicum = PracticumFactory()
    start = datetime(2026, 3, 1, 17, tzinfo=UTC)  # a session that has happened: it can be marked
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    registration = register(UserFactory(full_name="Ana Example"), practicum)
    url = reverse("admin:practicums_practicum_attendance", args=[practicum.pk])
    html = staff_client.get(url).content.decode()
    assert "Ana Example" in html
    assert "— absent" in html
    staff_client.post(
        url, {"session": session.pk, "registration": registration.pk, "present": "1", "reason": "Paper sheet"}
    )
    html = staff_client.get(url).content.decode()
    assert "✓ present" in html
    assert "Paper sheet" in html
    sheet = staff_client.get(
        reverse("admin:practicums_practicum_sheet", args=[practicum.pk])
    ).content.decode()
    assert "Ana Example" in sheet


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


def test_admin_practicum_season_choices_are_the_programs_and_another_programs_is_refused(db, client):
    from programs.tests.factories import SchoolYearFactory, SeasonFactory

    ours = SchoolYearFactory(name="2027–28", program=ProgramFactory(title="Foundations"))
    theirs = SchoolYearFactory(name="2027–28", program=ProgramFactory(title="Other series"))
    summer = SeasonFactory(school_year=ours, name="Summer", order=0)
    fall = SeasonFactory(school_year=ours, name="Fall", order=1)
    foreign = SeasonFactory(school_year=theirs, name="Winter", order=0)
    practicum = PracticumFactory(program=ours.program, season=summer)
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    page = client.get(reverse("admin:practicums_practicum_change", args=[practicum.pk]))
    assert list(page.context["adminform"].form.fields["season"].queryset) == [summer, fall]

    add = client.get(reverse("admin:practicums_practicum_add"))
    assert sorted(c[1] for c in add.context["adminform"].form.fields["season"].choices if c[0]) == [
        "Fall 2027–28 (Foundations)",
        "Summer 2027–28 (Foundations)",
        "Winter 2027–28 (Other series)",
    ]
    data = {
        "program": ours.program.pk, "season": foreign.pk, "kind": "live_set", "title": "Days 1–3",
        "format": "in_person", "starts_on": "2027-07-13", "ends_on": "2027-07-15",
        "time_zone": "America/Denver", "capacity": "20", "appraised_hours": "18", "status": "scheduled",
        "sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0",
    }  # fmt: skip
    refused = client.post(reverse("admin:practicums_practicum_add"), data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["season"] == [
        "Winter 2027–28 is a season of another program, not of Foundations."
    ]
    assert not Practicum.objects.filter(title="Days 1–3").exists()
