"""Checking in with a session's code: the window around the session (across a DST change),
repeats, wrong codes, a set completed exactly once (also under concurrency), and the attendance
page a participant sees. Staff marking people present: test_attendance_staff.py."""

import re
import threading
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from core import page_cache
from practicums.models import Attendance, SetCompletion
from practicums.services import (
    AttendanceError,
    attendance_correct,
    attendance_record,
)
from practicums.signals import set_completed

from .factories import PracticumFactory, make_session, register

LA = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


@pytest.fixture
def dst_session(db):
    """A session on the Sunday US daylight saving ends (Nov 1, 2026): 00:30–01:30 PDT; the
    grace period (2 h) runs across the change, when 01:00–02:00 happens twice."""
    practicum = PracticumFactory(
        time_zone="America/Los_Angeles", starts_on=date(2026, 10, 31), ends_on=date(2026, 11, 1)
    )
    start = datetime(2026, 11, 1, 0, 30, tzinfo=LA)  # 07:30 UTC
    end = datetime(2026, 11, 1, 1, 30, tzinfo=LA, fold=0)  # 08:30 UTC (first 01:30, still PDT)
    session = make_session(practicum, "Night session", start, end)
    user = UserFactory()
    register(user, practicum)
    return session, user


def test_dst_fixture_instants_are_what_we_think(dst_session):
    session, _ = dst_session
    session.refresh_from_db()  # as stored: UTC (an ambiguous local time never compares equal)
    assert session.starts_at == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
    assert session.ends_at == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "accepted"),
    [
        (datetime(2026, 11, 1, 7, 29, 59, tzinfo=UTC), False),  # one second before the start
        (datetime(2026, 11, 1, 7, 30, tzinfo=UTC), True),  # at the start
        (datetime(2026, 11, 1, 9, 45, tzinfo=UTC), True),  # 01:45 PST, during the grace, after the change
        (datetime(2026, 11, 1, 10, 30, tzinfo=UTC), True),  # exactly 2 h after the end
        (datetime(2026, 11, 1, 10, 30, 1, tzinfo=UTC), False),  # one second past the grace
    ],
)
def test_code_window_edges_across_dst_change(dst_session, at, accepted):
    session, user = dst_session
    if accepted:
        assert attendance_record(user=user, code=session.code.lower(), now=at).created
    else:
        with pytest.raises(AttendanceError, match=r"opens when the session starts|closed at"):
            attendance_record(user=user, code=session.code, now=at)
        assert not Attendance.objects.exists()


def test_closed_message_names_local_time_after_the_change(dst_session):
    session, user = dst_session
    with pytest.raises(AttendanceError, match=r"closed at 02:30 on November 1 \(America/Los_Angeles\)"):
        attendance_record(user=user, code=session.code, now=datetime(2026, 11, 1, 12, tzinfo=UTC))


def test_unregistered_person_is_refused(dst_session):
    session, _ = dst_session
    with pytest.raises(AttendanceError, match="You are not registered"):
        attendance_record(user=UserFactory(), code=session.code, now=session.starts_at)


def test_repeat_entry_is_harmless(dst_session):
    session, user = dst_session
    first = attendance_record(user=user, code=session.code, now=session.starts_at)
    again = attendance_record(
        user=user, code=f" {session.code[:3]}-{session.code[3:]} ", now=session.starts_at
    )
    assert first.created
    assert not again.created
    assert Attendance.objects.count() == 1


def test_repeat_entry_writes_nothing_and_keeps_the_first_time(dst_session):
    """A second tap changes nothing: not the time recorded, not the person's cached pages. A
    person whose place was cancelled after attending still hears that it is recorded (it is)."""
    session, user = dst_session
    attendance_record(user=user, code=session.code, now=session.starts_at)
    pages = [page_cache.person(user.pk)]
    later = session.starts_at + timedelta(minutes=5)
    for cancelled in (False, True):
        if cancelled:
            user.registrations.update(status="cancelled")
        before = page_cache.versions_and_entry(pages, "data:probe")[0]
        assert not attendance_record(user=user, code=session.code, now=later).created
        assert page_cache.versions_and_entry(pages, "data:probe")[0] == before
    assert list(Attendance.objects.values_list("recorded_at", flat=True)) == [session.starts_at]


def test_wrong_codes_rate_limited_per_person(dst_session, settings):
    session, user = dst_session
    settings.CREDO_ATTENDANCE_MAX_WRONG = 3
    for _ in range(3):
        with pytest.raises(AttendanceError, match="That code is not right"):
            attendance_record(user=user, code="XXXXXX", now=session.starts_at)
    with pytest.raises(AttendanceError, match="Too many wrong codes"):
        attendance_record(user=user, code=session.code, now=session.starts_at)  # even the right one, for now
    neighbour = UserFactory()  # same venue, same IP: not affected
    register(neighbour, session.practicum)
    assert attendance_record(user=neighbour, code=session.code, now=session.starts_at).created


def test_set_completion_recorded_once_with_local_date(db, django_capture_on_commit_callbacks):
    practicum = PracticumFactory(program__home_time_zone="America/Los_Angeles")
    day = datetime(2027, 1, 12, 17, tzinfo=UTC)
    sessions = [
        make_session(practicum, f"Day {i + 1}", day + timedelta(days=i), day + timedelta(days=i, hours=8))
        for i in range(3)
    ]
    user = UserFactory()
    register(user, practicum)
    heard = []
    set_completed.connect(
        lambda sender, completion, **kw: heard.append(completion.pk), weak=False, dispatch_uid="t5"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            results = [
                attendance_record(user=user, code=s.code, now=s.ends_at + timedelta(hours=1))
                for s in sessions
            ]
            attendance_record(
                user=user, code=sessions[-1].code, now=sessions[-1].ends_at + timedelta(hours=1)
            )
    finally:
        set_completed.disconnect(dispatch_uid="t5")
    assert [r.set_completion is not None for r in results] == [False, False, True]
    completion = SetCompletion.objects.get()
    assert heard == [completion.pk]
    # The last check-in was at 02:00 UTC on Jan 15 = Jan 14 evening in Los Angeles.
    assert completion.completed_on == date(2027, 1, 14)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_set_completion_exactly_once_when_last_two_codes_arrive_together():
    assert connection.vendor == "postgresql"
    for _ in range(5):  # several rounds: a race that passes once by luck must pass every time
        practicum = PracticumFactory()
        start = datetime(2027, 3, 1, 17, tzinfo=UTC)
        sessions = [
            make_session(
                practicum, f"S{i}", start + timedelta(minutes=10 * i), start + timedelta(minutes=10 * i + 5)
            )
            for i in range(3)
        ]
        now = start + timedelta(minutes=40)  # all three ended, all within the grace period
        user = UserFactory()
        register(user, practicum)
        attendance_record(user=user, code=sessions[0].code, now=now)
        barrier = threading.Barrier(2)
        results = []

        def check_in(code, user=user, now=now, barrier=barrier, results=results):
            barrier.wait()
            try:
                results.append(attendance_record(user=user, code=code, now=now))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=check_in, args=(s.code,)) for s in sessions[1:]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert SetCompletion.objects.filter(user=user, practicum=practicum).count() == 1
        assert sum(1 for r in results if r.set_completion is not None) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_set_completed_when_a_code_and_a_staff_mark_arrive_together():
    """The last two sessions: one by code, one marked by staff at the same moment. Both take
    the person's registration lock, so the second sees both and records the set once."""
    assert connection.vendor == "postgresql"
    staff = StaffFactory()
    for _ in range(10):  # several rounds: a race that passes once by luck must pass every time
        practicum = PracticumFactory()
        start = datetime(2027, 3, 1, 17, tzinfo=UTC)
        first, by_code, by_staff = (
            make_session(
                practicum, f"S{i}", start + timedelta(minutes=10 * i), start + timedelta(minutes=10 * i + 5)
            )
            for i in range(3)
        )
        now = start + timedelta(minutes=40)
        user = UserFactory()
        register(user, practicum)
        attendance_record(user=user, code=first.code, now=now)
        barrier = threading.Barrier(2)

        def run(action, barrier=barrier):
            barrier.wait()
            try:
                action()
            finally:
                connections.close_all()

        by_code_entered = partial(attendance_record, user=user, code=by_code.code, now=now)
        by_staff_marked = partial(
            attendance_correct,
            by=staff,
            attendee=user,
            session=by_staff,
            present=True,
            reason="Sheet",
            now=now,
        )
        threads = [
            threading.Thread(target=run, args=(action,)) for action in (by_code_entered, by_staff_marked)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert Attendance.objects.filter(user=user).count() == 3
        assert SetCompletion.objects.filter(user=user, practicum=practicum).count() == 1


def test_attendance_page_prefills_code_and_records(client, dst_session):
    session, user = dst_session
    client.force_login(user)
    response = client.get(reverse("practicums:attendance") + f"?code={session.code}")
    assert f'value="{session.code}"' in response.content.decode()
    import time_machine

    with time_machine.travel(session.starts_at + timedelta(minutes=5), tick=False):
        response = client.post(reverse("practicums:attendance"), {"code": session.code})
        assert response.status_code == 302
        html = client.get(reverse("practicums:attendance")).content.decode()
    assert "You are checked in" in html
    assert "✓ Attended" in html


def test_attendance_page_wrong_code_shows_error_next_to_field(client, dst_session):
    _, user = dst_session
    client.force_login(user)
    response = client.post(reverse("practicums:attendance"), {"code": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field field-invalid' in html
    assert "That code is not right" in html


def test_attendance_page_needs_login_and_keeps_the_code(client):
    response = client.get(reverse("practicums:attendance") + "?code=ACDEFG")
    assert response.status_code == 302
    assert "next=/attendance/%3Fcode%3DACDEFG" in response["Location"]


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (datetime(2026, 11, 1, 7, 29, tzinfo=UTC), "Upcoming"),  # a minute before the start
        (datetime(2026, 11, 1, 7, 45, tzinfo=UTC), "Open now"),  # in progress
        (datetime(2026, 11, 1, 10, 0, tzinfo=UTC), "Open now"),  # ended, within the grace (until 02:30 PST)
        (datetime(2026, 11, 1, 10, 31, tzinfo=UTC), "Missed"),  # the code is no longer accepted
    ],
)
def test_attendance_page_says_upcoming_open_or_missed_as_the_code_is(client, dst_session, at, state):
    import time_machine

    _, user = dst_session
    client.force_login(user)
    with time_machine.travel(at, tick=False):
        html = client.get(reverse("practicums:attendance")).content.decode()
    shown = re.search(r'<ul class="plain sessions">\s*<li>(.*?)<strong>', html, re.S).group(1)
    expected = {
        "Upcoming": '<span class="meta">Upcoming</span> ',
        "Open now": (
            '<span class="status-open">Open now</span> <span class="meta">(code accepted until 02:30)</span> '
        ),
        "Missed": '<span class="status-missed">Missed</span> ',
    }[state]
    assert shown == expected


def test_attendance_page_says_until_when_in_the_persons_zone(client, dst_session):
    import time_machine

    session, user = dst_session
    user.time_zone = "America/New_York"
    user.save()
    client.force_login(user)
    with time_machine.travel(session.starts_at + timedelta(minutes=5), tick=False):
        html = client.get(reverse("practicums:attendance")).content.decode()
    assert "(code accepted until 05:30 your time)" in html  # 10:30 UTC, EDT has ended: UTC-5


@pytest.mark.django_db
def test_a_set_completes_with_the_persons_own_check_ins_of_every_scheduled_session():
    """Someone else's attendance counts for nothing; a cancelled session is not needed."""
    practicum = PracticumFactory()
    start = datetime(2027, 7, 13, 16, 0, tzinfo=UTC)
    first, second, dropped = (
        make_session(practicum, f"Day {n}", start + timedelta(days=n), start + timedelta(days=n, hours=6))
        for n in (1, 2, 3)
    )
    dropped.status = "cancelled"
    dropped.save()
    me, other = UserFactory(), UserFactory()
    for person in (me, other):
        register(person, practicum)
    for session in (first, second):
        attendance_record(user=other, code=session.code, now=session.ends_at)
    assert attendance_record(user=me, code=first.code, now=first.ends_at).set_completion is None
    done = attendance_record(user=me, code=second.code, now=second.ends_at).set_completion
    assert done is not None
    assert done.user == me
    assert SetCompletion.objects.filter(practicum=practicum).count() == 2
