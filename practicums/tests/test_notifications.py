from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from icalendar import Calendar

from accounts.tests.factories import StaffFactory, UserFactory
from practicums.models import Practicum, Registration, Session, SessionReminder
from practicums.services import session_reminders_send
from practicums.services.notifications import _reminder_send
from practicums.tasks import send_session_reminders

from .factories import PracticumFactory, make_session, register

UTC = ZoneInfo("UTC")
DENVER = ZoneInfo("America/Denver")
START = datetime(2027, 3, 9, 9, tzinfo=DENVER)  # 16:00 UTC


def in_person_session(**practicum):
    practicum = PracticumFactory(
        title="March practicum",
        venue_name="Mile High Center",
        address="1701 Market St",
        city="Denver",
        state="CO",
        **practicum,
    )
    return make_session(practicum, "Day 1", START, START + timedelta(hours=8))


def virtual_session():
    practicum = PracticumFactory(
        title="Virtual set", format="virtual", join_url="https://meet.example.org/room-42"
    )
    return make_session(practicum, "Session 1", START, START + timedelta(hours=2))


def run_at(moment: datetime, django_capture_on_commit_callbacks) -> int:
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        return send_session_reminders.delay().get()


@pytest.mark.django_db
def test_in_person_reminder_due_from_24_hours_before_and_sent_once(django_capture_on_commit_callbacks):
    session = in_person_session()
    user = UserFactory(email="ana@example.org", time_zone="America/Denver")
    register(user, session.practicum)
    assert run_at(START - timedelta(hours=24, seconds=1), django_capture_on_commit_callbacks) == 0
    assert run_at(START - timedelta(hours=24), django_capture_on_commit_callbacks) == 1
    assert run_at(START - timedelta(hours=23, minutes=55), django_capture_on_commit_callbacks) == 0
    assert run_at(START - timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == (
        f"[{settings.CREDO_SITE_NAME}] Reminder: March practicum, Day 1, Tue Mar 9 at 09:00 (America/Denver)"
    )
    assert "Tuesday, March 9, 2027, 09:00–17:00 (America/Denver)\n" in message.body
    assert "Where: Mile High Center, 1701 Market St, Denver, CO" in message.body
    assert "Join online" not in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("session.ics", "text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert (str(event["uid"]), str(event["status"])) == (f"{session.uid}@credo", "CONFIRMED")
    assert list(SessionReminder.objects.values_list("user__email", "session", "kind")) == [
        ("ana@example.org", session.pk, "day_before")
    ]


@pytest.mark.django_db
def test_virtual_reminder_an_hour_before_with_join_link_and_both_zones(django_capture_on_commit_callbacks):
    session = virtual_session()
    register(UserFactory(email="ken@example.org", time_zone="Asia/Tokyo"), session.practicum)
    assert run_at(START - timedelta(hours=24), django_capture_on_commit_callbacks) == 0
    assert run_at(START - timedelta(minutes=61), django_capture_on_commit_callbacks) == 0
    assert run_at(START - timedelta(minutes=60), django_capture_on_commit_callbacks) == 1
    [message] = mail.outbox
    assert message.subject.endswith("Reminder: Virtual set, Session 1, Wed Mar 10 at 01:00 (Asia/Tokyo)")
    assert (
        "Wednesday, March 10, 2027, 01:00–03:00 (Asia/Tokyo); event time Tue, Mar 9, 09:00–11:00 "
        "(America/Denver)" in message.body
    )
    assert "Join online: https://meet.example.org/room-42" in message.body
    html = message.alternatives[0][0]
    assert 'href="https://meet.example.org/room-42"' in html
    assert "event time Tue, Mar 9, 09:00–11:00 (America/Denver)" in html


@pytest.mark.django_db
def test_no_reminder_once_the_session_has_started(django_capture_on_commit_callbacks):
    session = virtual_session()
    register(UserFactory(), session.practicum)
    assert run_at(START, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_reminders_skip_opt_out_cancelled_and_waitlisted(django_capture_on_commit_callbacks):
    session = in_person_session()
    register(UserFactory(email="wants@example.org"), session.practicum)
    register(UserFactory(email="optout@example.org", session_reminders=False), session.practicum)
    cancelled = register(UserFactory(email="cancelled@example.org"), session.practicum)
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)
    waiting = register(UserFactory(email="waiting@example.org"), session.practicum)
    Registration.objects.filter(pk=waiting.pk).update(status=Registration.Status.WAITLISTED)
    cancelled_session = make_session(
        session.practicum, "Day 2", START + timedelta(hours=9), START + timedelta(hours=10)
    )
    Session.objects.filter(pk=cancelled_session.pk).update(status=Session.Status.CANCELLED)
    cancelled_practicum = in_person_session(status=Practicum.Status.CANCELLED)
    register(UserFactory(email="other@example.org"), cancelled_practicum.practicum)
    assert run_at(START - timedelta(hours=12), django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [["wants@example.org"]]


@pytest.mark.django_db
def test_reminder_claimed_by_another_run_is_not_sent_again(django_capture_on_commit_callbacks):
    session = in_person_session()
    registration = register(UserFactory(), session.practicum)
    now = START - timedelta(hours=20)
    SessionReminder.objects.create(user=registration.user, session=session, kind="day_before", sent_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        # As if this run had read the registration before the other run's claim committed.
        assert _reminder_send(registration=registration, session=session, kind="day_before", now=now) == 0
        assert session_reminders_send(now=now) == 0
    assert mail.outbox == []
    with pytest.raises(IntegrityError):
        SessionReminder.objects.create(
            user=registration.user, session=session, kind="day_before", sent_at=now
        )


def test_session_reminders_are_on_the_beat_schedule():
    assert settings.CELERY_BEAT_SCHEDULE["session-reminders"] == {
        "task": "practicums.send_session_reminders",
        "schedule": 5 * 60,
    }


@pytest.fixture
def march_1():
    """The admin tests run a week before the practicum (and log in then, so the login holds)."""
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        yield


@pytest.fixture
def staff_client(march_1, client):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def change_form(practicum: Practicum, sessions: list[tuple[Session, str, str, str, str]], **extra) -> dict:
    """The admin change form of `practicum` as posted: each session with its day, times and status."""
    registrations = list(practicum.registrations.order_by("created_at", "id"))
    data = {
        "program": practicum.program_id, "kind": practicum.kind, "title": practicum.title,
        "format": practicum.format, "venue_name": practicum.venue_name, "address": practicum.address,
        "city": practicum.city, "state": practicum.state, "join_url": practicum.join_url,
        "starts_on": "2027-03-09", "ends_on": "2027-03-11", "time_zone": practicum.time_zone,
        "capacity": "20", "appraised_hours": "28", "status": practicum.status, "is_published": "on",
        "sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": str(len(sessions)),
        "sessions-MIN_NUM_FORMS": "0", "sessions-MAX_NUM_FORMS": "1000",
        "registrations-TOTAL_FORMS": str(len(registrations)),
        "registrations-INITIAL_FORMS": str(len(registrations)),
        "registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, (session, day, start, end, status) in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-id": session.pk,
                f"sessions-{i}-practicum": practicum.pk,
                f"sessions-{i}-title": session.title,
                f"sessions-{i}-day": day,
                f"sessions-{i}-start_time": start,
                f"sessions-{i}-end_time": end,
                f"sessions-{i}-status": status,
            }
        )
    for i, registration in enumerate(registrations):
        data.update({f"registrations-{i}-id": registration.pk, f"registrations-{i}-practicum": practicum.pk})
    data.update(extra)
    return data


@pytest.fixture
def practicum_with_people(db):
    session = in_person_session()
    practicum = session.practicum
    day2 = make_session(practicum, "Day 2", START + timedelta(days=1), START + timedelta(days=1, hours=8))
    register(UserFactory(email="ana@example.org", time_zone="Europe/Paris"), practicum)
    register(UserFactory(email="bo@example.org", time_zone="America/Denver"), practicum)
    gone = register(UserFactory(email="gone@example.org"), practicum)
    Registration.objects.filter(pk=gone.pk).update(status=Registration.Status.CANCELLED)
    return practicum, session, day2


def post_change(staff_client, practicum, data, django_capture_on_commit_callbacks):
    url = reverse("admin:practicums_practicum_change", args=[practicum.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.mark.django_db
def test_admin_moving_a_session_emails_each_confirmed_person_old_and_new(
    staff_client, practicum_with_people, django_capture_on_commit_callbacks
):
    practicum, day1, day2 = practicum_with_people
    for session in (day1, day2):  # as if reminded already: the moved session's reminder is owed again
        SessionReminder.objects.create(
            user=practicum.registrations.first().user, session=session, kind="day_before", sent_at=START
        )
    data = change_form(
        practicum,
        [
            (day1, "2027-03-09", "10:00", "18:00", "scheduled"),
            (day2, "2027-03-10", "09:00", "17:00", "scheduled"),
        ],
    )
    post_change(staff_client, practicum, data, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]
    ana = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert ana.subject == f"[{settings.CREDO_SITE_NAME}] Schedule change: March practicum"
    assert (
        "- Day 1 moved\n"
        "  was: Tuesday, March 9, 2027, 17:00–01:00 (Europe/Paris); event time Tue, Mar 9, 09:00–17:00 "
        "(America/Denver)\n"
        "  now: Tuesday, March 9, 2027, 18:00–02:00 (Europe/Paris); event time Tue, Mar 9, 10:00–18:00 "
        "(America/Denver)\n"
    ) in ana.body
    assert "Day 2" not in ana.body
    assert list(SessionReminder.objects.values_list("session", flat=True)) == [day2.pk]
    [(name, content, _)] = ana.attachments
    events = {str(e["summary"]): e for e in Calendar.from_ical(content).walk("VEVENT")}
    assert name == "sessions.ics"
    assert int(events["March practicum: Day 1"]["sequence"]) == 1
    assert int(events["March practicum: Day 2"]["sequence"]) == 0
    assert events["March practicum: Day 1"].decoded("dtstart").astimezone(UTC) == datetime(
        2027, 3, 9, 17, tzinfo=UTC
    )


@pytest.mark.django_db
def test_admin_cancelling_a_session_or_the_practicum_says_cancelled(
    staff_client, practicum_with_people, django_capture_on_commit_callbacks
):
    practicum, day1, day2 = practicum_with_people
    sessions = [
        (day1, "2027-03-09", "09:00", "17:00", "scheduled"),
        (day2, "2027-03-10", "09:00", "17:00", "cancelled"),
    ]
    post_change(staff_client, practicum, change_form(practicum, sessions), django_capture_on_commit_callbacks)
    bo = next(m for m in mail.outbox if m.to == ["bo@example.org"])
    assert "- Day 2 cancelled\n  was: Wednesday, March 10, 2027, 09:00–17:00 (America/Denver)\n" in bo.body
    mail.outbox.clear()
    data = change_form(practicum, sessions, status="cancelled")
    post_change(staff_client, practicum, data, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]
    assert mail.outbox[0].subject == f"[{settings.CREDO_SITE_NAME}] Cancelled: March practicum"
    assert "March practicum has been cancelled." in mail.outbox[0].body
    events = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")
    assert [(str(e["status"]), int(e["sequence"])) for e in events] == [("CANCELLED", 1), ("CANCELLED", 2)]


@pytest.mark.django_db
def test_admin_title_only_or_no_change_emails_nobody(
    staff_client, practicum_with_people, django_capture_on_commit_callbacks
):
    practicum, day1, day2 = practicum_with_people
    sessions = [
        (day1, "2027-03-09", "09:00", "17:00", "scheduled"),
        (day2, "2027-03-10", "09:00", "17:00", "scheduled"),
    ]
    post_change(staff_client, practicum, change_form(practicum, sessions), django_capture_on_commit_callbacks)
    data = change_form(practicum, sessions, title="March practicum (Denver)", capacity="30")
    post_change(staff_client, practicum, data, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # The calendar still learns the new title: every session's revision moves on.
    assert sorted(Session.objects.values_list("sequence", flat=True)) == [1, 1]


@pytest.mark.django_db
def test_admin_new_place_is_announced(
    staff_client, practicum_with_people, django_capture_on_commit_callbacks
):
    practicum, day1, day2 = practicum_with_people
    sessions = [
        (day1, "2027-03-09", "09:00", "17:00", "scheduled"),
        (day2, "2027-03-10", "09:00", "17:00", "scheduled"),
    ]
    data = change_form(practicum, sessions, venue_name="Union Hall", address="1 Main St", city="Boulder")
    post_change(staff_client, practicum, data, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert (
        "- Place: Mile High Center, 1701 Market St, Denver, CO → Union Hall, 1 Main St, Boulder, CO"
        in mail.outbox[0].body
    )
