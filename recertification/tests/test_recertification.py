"""Credentials after the exam: their periods, CE hours logged, reviewed and credited from CE
events, recertifying, and the reminders before a credential lapses. The exam itself:
test_exam.py."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.models import Certificate
from modules.tests.factories import enroll
from practicums.services import attendance_record
from practicums.tests.factories import PracticumFactory, make_session
from recertification.forms import CEActivityForm
from recertification.models import CEActivity, ReminderSent
from recertification.services import (
    RecertificationError,
    ce_activity_log,
    ce_activity_review,
    ce_event_register,
    ce_hours_counting,
    credential_grant,
    credential_recertify,
    credential_reminders_send,
    period_after,
)

from .factories import certification

UTC = ZoneInfo("UTC")


def test_credential_periods_including_leap_day():
    assert period_after(date(2026, 11, 22), 2) == date(2028, 11, 21)
    assert period_after(date(2028, 2, 29), 2) == date(2030, 2, 28)
    assert period_after(date(2028, 2, 29), 4) == date(
        2032, 2, 28
    )  # 2032 is a leap year: the day before Feb 29
    assert period_after(date(2028, 3, 1), 2) == date(2030, 2, 28)


@pytest.mark.django_db
def test_leap_day_credential():
    program = certification()
    credential = credential_grant(user=UserFactory(), program=program, passed_on=date(2028, 2, 29))
    assert credential.valid_until == date(2030, 2, 28)


def holder(**kwargs):
    program = certification(**kwargs)
    user = UserFactory()
    enroll(user, program)
    credential = credential_grant(user=user, program=program, passed_on=date(2026, 1, 10))
    return user, program, credential


def log(user, program, day, hours, **kwargs):
    title = kwargs.get("title", "Conference")
    return ce_activity_log(
        user=user,
        program=program,
        kind="conference",
        title=title,
        provider="ATD",
        day=day,
        hours=Decimal(hours),
        notes="",
    )


@pytest.mark.django_db
def test_ce_hours_outside_the_period_are_ignored_and_only_approved_count():
    user, program, credential = holder()
    staff = StaffFactory()
    inside = log(user, program, date(2026, 6, 1), "10")
    before = log(user, program, date(2026, 1, 9), "8")  # the day before the period
    after = log(user, program, date(2028, 1, 10), "8")  # the day after its last day
    pending = log(user, program, date(2027, 6, 1), "5")
    for activity in (inside, before, after):
        ce_activity_review(activity=activity, by=staff, approve=True)
    assert pending.status == "pending"
    assert ce_hours_counting(credential=credential) == Decimal("10")
    with pytest.raises(RecertificationError, match="Give the reason"):
        ce_activity_review(activity=pending, by=staff, approve=False, reason="")
    ce_activity_review(activity=pending, by=staff, approve=False, reason="Not related to training")
    assert ce_hours_counting(credential=credential) == Decimal("10")
    with pytest.raises(RecertificationError, match="quarter-hour"):
        log(user, program, date(2026, 6, 2), "1.1")


@pytest.mark.django_db
def test_attending_a_ce_event_credits_hours_automatically_once(django_capture_on_commit_callbacks):
    user, program, credential = holder()
    webinar = PracticumFactory(
        program=program,
        title="Webinar: feedback that works",
        kind="ce_event",
        ce_kind="webinar",
        appraised_hours=Decimal("1.5"),
        starts_on=date.today() + timedelta(days=3),
    )
    start = datetime(2026, 6, 2, 17, tzinfo=UTC)
    session = make_session(webinar, "Webinar", start, start + timedelta(hours=1, minutes=30))
    with pytest.raises(Exception, match="not registered"):
        attendance_record(user=user, code=session.code, now=start)
    ce_event_register(user=user, practicum=webinar)
    ce_event_register(user=user, practicum=webinar)  # one click twice: harmless
    with django_capture_on_commit_callbacks(execute=True):
        attendance_record(user=user, code=session.code, now=start + timedelta(minutes=80))
    activity = CEActivity.objects.get()
    assert (activity.status, activity.hours, activity.kind, activity.date) == (
        "approved",
        Decimal("1.5"),
        "webinar",
        date(2026, 6, 2),
    )
    assert ce_hours_counting(credential=credential) == Decimal("1.5")


@pytest.mark.django_db
def test_recertification_starts_at_old_expiry_and_hours_never_count_twice():
    user, program, credential = holder()
    staff = StaffFactory()
    with pytest.raises(RecertificationError, match="You have 0 of the 24 approved CE hours"):
        credential_recertify(credential=credential, today=date(2027, 3, 1))
    for day, hours in ((date(2026, 5, 1), "12"), (date(2027, 4, 1), "12.5")):
        ce_activity_review(activity=log(user, program, day, hours), by=staff, approve=True)
    renewal = credential_recertify(credential=credential, today=date(2027, 6, 15))
    assert (renewal.valid_from, renewal.valid_until) == (
        date(2028, 1, 10),
        date(2030, 1, 9),
    )  # not from the click
    assert renewal.number == credential.number
    assert renewal.certificate.kind == Certificate.Kind.RECERTIFICATION
    assert ce_hours_counting(credential=credential) == 0  # used
    assert ce_hours_counting(credential=renewal) == 0  # and never for the next period
    late = log(user, program, date(2028, 2, 1), "3")
    ce_activity_review(activity=late, by=staff, approve=True)
    assert ce_hours_counting(credential=renewal) == Decimal("3")
    with pytest.raises(RecertificationError, match="already been renewed"):
        credential_recertify(credential=credential, today=date(2027, 7, 1))


@pytest.mark.django_db
def test_each_reminder_once_and_a_lapse_notice(django_capture_on_commit_callbacks):
    _, _, credential = holder()  # valid until 2028-01-09
    expiry = credential.valid_until
    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            credential_reminders_send(today=expiry - timedelta(days=d))
            for d in (200, 180, 179, 90, 90, 30, 7, 6)
        ]
        lapsed = [credential_reminders_send(today=expiry + timedelta(days=d)) for d in (1, 2)]
    assert sent == [0, 1, 0, 1, 0, 1, 1, 0]
    assert lapsed == [1, 0]
    assert sorted(ReminderSent.objects.values_list("days_before", flat=True)) == [0, 7, 30, 90, 180]
    assert len(mail.outbox) == 5
    assert "expires in 180 days" in mail.outbox[0].subject
    assert "has lapsed" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_no_reminder_when_hours_are_enough(django_capture_on_commit_callbacks):
    user, program, credential = holder()
    ce_activity_review(activity=log(user, program, date(2026, 5, 1), "24"), by=StaffFactory(), approve=True)
    assert credential_reminders_send(today=credential.valid_until - timedelta(days=90)) == 0


@pytest.mark.django_db
def test_ce_page_shows_progress_and_logs_with_errors_next_to_fields(client):
    user, _, _ = holder()
    client.force_login(user)
    with time_machine.travel(datetime(2026, 6, 1, 18, tzinfo=UTC)):
        html = client.get(reverse("recertification:ce")).content.decode()
        assert "Approved CE hours this period: 0 of 24" in html
        response = client.post(
            reverse("recertification:ce"),
            {"kind": "conference", "title": "", "date": "2026-05-01", "hours": "1.1"},
        )
        assert response.status_code == 400
        assert "This field is required." in response.content.decode()
        response = client.post(
            reverse("recertification:ce"),
            {"kind": "conference", "title": "ATD conference", "date": "2026-05-01", "hours": "6.5"},
        )
        assert response.status_code == 302
    assert CEActivity.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("hours", "error"),
    [("1E309", "less than or equal to 100"), ("1.3", "quarter-hour steps"), ("0", "greater than or equal")],
)
def test_ce_form_refuses_bad_hours_with_a_message(hours, error):
    form = CEActivityForm(
        data={"kind": CEActivity.Kind.COURSE, "title": "Course", "date": "2026-11-01", "hours": hours},
    )
    assert not form.is_valid()
    assert error in " ".join(form.errors["hours"])
