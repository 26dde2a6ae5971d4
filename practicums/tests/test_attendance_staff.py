"""Staff marking attendance: one person with a reason (audited), everyone at once, never before
the session starts, and the admin's attendance page that does both."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from practicums.models import Attendance, AttendanceCorrection, SetCompletion
from practicums.services import (
    AttendanceError,
    attendance_correct,
    attendance_mark_all_present,
    attendance_record,
)

from .factories import PracticumFactory, make_session, register

UTC = ZoneInfo("UTC")


def test_manual_correction_is_audited_and_can_complete_a_set(db):
    practicum = PracticumFactory()
    start = datetime(2027, 3, 1, 17, tzinfo=UTC)
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    user, staff = UserFactory(), StaffFactory()
    register(user, practicum)
    now = start + timedelta(hours=9)
    with pytest.raises(AttendanceError, match="Please give a reason"):
        attendance_correct(by=staff, attendee=user, session=session, present=True, reason="  ", now=now)
    attendance_correct(
        by=staff, attendee=user, session=session, present=True, reason="Signed paper sheet", now=now
    )
    assert Attendance.objects.get().source == "staff"
    assert SetCompletion.objects.filter(user=user, practicum=practicum).exists()
    attendance_correct(
        by=staff, attendee=user, session=session, present=False, reason="Left at noon", now=now
    )
    assert not Attendance.objects.exists()
    assert list(
        AttendanceCorrection.objects.order_by("corrected_at").values_list("action", "reason", "corrected_by")
    ) == [
        ("mark", "Signed paper sheet", staff.pk),
        ("unmark", "Left at noon", staff.pk),
    ]


def test_staff_cannot_mark_present_before_the_session_starts(db):
    practicum = PracticumFactory(time_zone="America/Denver")
    start = datetime(2027, 3, 1, 16, tzinfo=UTC)
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    user, staff = UserFactory(), StaffFactory()
    register(user, practicum)
    with pytest.raises(AttendanceError) as refused:
        attendance_correct(
            by=staff,
            attendee=user,
            session=session,
            present=True,
            reason="Sheet",
            now=start - timedelta(days=90),
        )
    assert str(refused.value) == (
        "Day 1 has not started yet: nobody can be marked present before it starts, "
        "at 09:00 on March 1 (America/Denver)."
    )
    assert not Attendance.objects.exists()
    assert not AttendanceCorrection.objects.exists()
    attendance_correct(by=staff, attendee=user, session=session, present=True, reason="Sheet", now=start)
    assert Attendance.objects.get().user == user


def test_mark_all_present_marks_each_confirmed_person_once_with_the_reason(db):
    practicum = PracticumFactory()
    start = datetime(2027, 3, 1, 16, tzinfo=UTC)
    day1 = make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    make_session(practicum, "Day 2", start + timedelta(days=1), start + timedelta(days=1, hours=8))
    staff = StaffFactory()
    ana, ben, cy = UserFactory(), UserFactory(), UserFactory()
    for user in (ana, ben, cy):
        register(user, practicum)
    cy.registrations.update(status="cancelled")
    stranger = UserFactory()
    now = start + timedelta(hours=2)
    attendance_record(user=ana, code=day1.code, now=now)

    corrections = attendance_mark_all_present(by=staff, session=day1, reason=" Paper sheet ", now=now)

    assert [c.attendee_id for c in corrections] == [ben.pk]
    assert sorted(Attendance.objects.filter(session=day1).values_list("user_id", "source")) == [
        (ana.pk, "code"),
        (ben.pk, "staff"),
    ]
    assert list(AttendanceCorrection.objects.values_list("attendee", "action", "reason", "corrected_by")) == [
        (ben.pk, "mark", "Paper sheet", staff.pk)
    ]
    assert not Attendance.objects.filter(user__in=[cy, stranger]).exists()
    assert attendance_mark_all_present(by=staff, session=day1, reason="again", now=now) == []


def test_mark_all_present_completes_sets_and_refuses_future_sessions_or_no_reason(db):
    practicum = PracticumFactory()
    start = datetime(2027, 3, 1, 16, tzinfo=UTC)
    day1 = make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    user, staff = UserFactory(), StaffFactory()
    register(user, practicum)
    with pytest.raises(AttendanceError, match=r"^Day 1 has not started yet"):
        attendance_mark_all_present(by=staff, session=day1, reason="Sheet", now=start - timedelta(minutes=1))
    with pytest.raises(AttendanceError, match=r"^Please give a reason"):
        attendance_mark_all_present(by=staff, session=day1, reason=" ", now=start)
    assert not Attendance.objects.exists()
    attendance_mark_all_present(by=staff, session=day1, reason="Sheet", now=start)
    assert SetCompletion.objects.filter(user=user, practicum=practicum).count() == 1


def test_admin_attendance_page_marks_all_and_says_why_a_future_session_is_refused(db, client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    practicum = PracticumFactory(time_zone="UTC")
    now = timezone.now().replace(microsecond=0)
    started = make_session(practicum, "Day 1", now - timedelta(hours=1), now + timedelta(hours=1))
    later = datetime(2099, 3, 1, 9, tzinfo=UTC)
    future = make_session(practicum, "Day 2", later, later + timedelta(hours=8))
    user = UserFactory()
    register(user, practicum)
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    url = reverse("admin:practicums_practicum_attendance", args=[practicum.pk])
    page = client.get(url)
    html = page.content.decode()
    assert html.count("Mark all present") == 1  # Day 2 has not started: no buttons offered
    assert html.count("not started yet") == 2  # its heading and its one cell

    # a form posted anyway (an old tab, a crafted request) is refused by the service
    refused = client.post(url, {"session": future.pk, "everyone": "1", "reason": "Paper sheet"}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Day 2 has not started yet: nobody can be marked present before it starts, at 09:00 on March 1 (UTC)."
    ]
    single = {
        "session": future.pk,
        "registration": user.registrations.get().pk,
        "present": "1",
        "reason": "r",
    }
    assert [str(m) for m in client.post(url, single, follow=True).context["messages"]] == [
        "Day 2 has not started yet: nobody can be marked present before it starts, at 09:00 on March 1 (UTC)."
    ]
    assert not Attendance.objects.exists()

    done = client.post(url, {"session": started.pk, "everyone": "1", "reason": "Paper sheet"}, follow=True)
    assert [str(m) for m in done.context["messages"]] == [
        "1 marked present at Day 1 (everyone else with a place was already present)."
    ]
    assert list(Attendance.objects.values_list("user", "session")) == [(user.pk, started.pk)]
    assert client.post(url, {"session": "x", "everyone": "1", "reason": "r"}).status_code == 404
