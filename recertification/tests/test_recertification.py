from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.models import Certificate
from modules.models import Attempt, ModuleCompletion
from modules.services import attempt_save_answers, attempt_start
from modules.tests.factories import AssessmentFactory, ModuleFactory, add_question, enroll
from practicums.models import Attendance
from practicums.services import attendance_record
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.tests.factories import ProgramFactory
from recertification.forms import CEActivityForm
from recertification.models import CEActivity, Credential, Exam, ExamInvitation, ReminderSent
from recertification.services import (
    RecertificationError,
    ce_activity_log,
    ce_activity_review,
    ce_event_register,
    ce_hours_counting,
    credential_grant,
    credential_recertify,
    credential_reminders_send,
    exam_attempts_close_overdue,
    exam_invitations_issue,
    exam_missing,
    exam_submit,
    period_after,
)

UTC = ZoneInfo("UTC")
LA = ZoneInfo("America/Los_Angeles")


def certification(**kwargs):
    program = ProgramFactory(
        slug="certified-learning-practitioner", title="Certified Learning Practitioner", **kwargs
    )
    assessment = AssessmentFactory(title="Exam", pass_mark_percent=70, time_limit_minutes=60, max_attempts=3)
    for i in range(3):
        add_question(assessment, "single", [("right", True), ("wrong", False)], f"Exam question {i}?")
    Exam.objects.create(program=program, assessment=assessment)
    return program


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "before", "at"),
    [
        ("Asia/Tokyo", datetime(2026, 11, 21, 14, 59, tzinfo=UTC), datetime(2026, 11, 21, 15, 0, tzinfo=UTC)),
        (
            "America/Los_Angeles",
            datetime(2026, 11, 22, 7, 59, tzinfo=UTC),
            datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        ),
        (
            "Pacific/Honolulu",
            datetime(2026, 11, 22, 9, 59, tzinfo=UTC),
            datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        ),
    ],
)
def test_invitation_on_the_last_day_in_the_practicums_zone_once(
    zone, before, at, django_capture_on_commit_callbacks
):
    program = certification()
    practicum = PracticumFactory(
        program=program, time_zone=zone, starts_on=date(2026, 11, 19), ends_on=date(2026, 11, 22)
    )
    people = [UserFactory() for _ in range(2)]
    for person in people:
        register(person, practicum)
    with django_capture_on_commit_callbacks(execute=True):
        assert exam_invitations_issue(now=before) == 0  # still the day before, there
        assert exam_invitations_issue(now=at) == 2
        assert exam_invitations_issue(now=at + timedelta(minutes=15)) == 0  # once only
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert "/exam/" in mail.outbox[0].body
    invitation = ExamInvitation.objects.first()
    assert invitation.expires_at == at + timedelta(days=30)


@pytest.mark.django_db
def test_invitation_comes_from_the_practicum_never_from_a_ce_event_or_a_live_set(
    django_capture_on_commit_callbacks,
):
    program = certification()
    candidate = UserFactory()
    register(
        candidate, PracticumFactory(program=program, starts_on=date(2027, 1, 12), ends_on=date(2027, 1, 15))
    )
    webinar = PracticumFactory(
        program=program,
        kind="ce_event",
        ce_kind="webinar",
        starts_on=date(2026, 11, 22),
        ends_on=date(2026, 11, 22),
    )
    register(candidate, webinar)
    stray = PracticumFactory(
        program=program, kind="live_set", starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 22)
    )
    register(UserFactory(), stray)  # a live-event set wrongly left on a certification: no exam either
    with django_capture_on_commit_callbacks(execute=True):
        assert exam_invitations_issue(now=datetime(2026, 11, 22, 20, tzinfo=UTC)) == 0
        assert exam_invitations_issue(now=datetime(2027, 1, 15, 20, tzinfo=UTC)) == 1
    assert list(ExamInvitation.objects.values_list("user", "practicum__kind")) == [
        (candidate.pk, "practicum")
    ]


@pytest.mark.django_db
def test_exam_page_lists_whats_missing_then_lets_the_candidate_start(client):
    program = certification()
    module = ModuleFactory(program=program, title="Writing learning objectives")
    practicum = PracticumFactory(program=program)
    start = datetime(2026, 11, 19, 16, tzinfo=UTC)
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    user = UserFactory()
    enroll(user, program)
    register(user, practicum)
    exam_invitations_issue(
        now=datetime.combine(practicum.ends_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    )
    invitation = ExamInvitation.objects.get()
    client.force_login(user)
    html = client.get(invitation.get_absolute_url()).content.decode()
    assert "Before you can start the exam:" in html
    assert "Pass the assessment of “Writing learning objectives”." in html
    assert "Attend Day 1 of" in html
    assert "Start the exam" not in html
    ModuleCompletion.objects.create(user=user, module=module, completed_at=start, completed_on=start.date())
    Attendance.objects.create(user=user, session=session, recorded_at=start)
    assert exam_missing(user=user, invitation=invitation) == []
    html = client.get(invitation.get_absolute_url()).content.decode()
    assert "Start the exam" in html
    client.force_login(UserFactory())
    assert client.get(invitation.get_absolute_url()).status_code == 404  # useless to anyone else


@pytest.mark.django_db
def test_passing_grants_credential_and_certificate_late_submission_does_not(
    django_capture_on_commit_callbacks,
):
    program = certification(home_time_zone="America/Los_Angeles")
    practicum = PracticumFactory(program=program)
    user = UserFactory()
    register(user, practicum)
    exam_invitations_issue(
        now=datetime.combine(practicum.ends_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
    )
    invitation = ExamInvitation.objects.get()
    assessment = invitation.exam.assessment
    now = datetime(2026, 11, 22, 18, tzinfo=UTC)
    attempt = attempt_start(user=user, assessment=assessment, now=now)
    right = {str(q.pk): [str(q.choices.get(is_correct=True).pk)] for q in assessment.questions.all()}
    late = exam_submit(invitation=invitation, attempt=attempt, answers=right, now=now + timedelta(minutes=61))
    assert late.attempt.state == Attempt.State.EXPIRED
    assert not Credential.objects.exists()  # the late answers were not scored
    attempt = attempt_start(user=user, assessment=assessment, now=now + timedelta(hours=1))
    result = exam_submit(
        invitation=invitation, attempt=attempt, answers=right, now=now + timedelta(hours=1, minutes=30)
    )
    assert result.attempt.passed
    credential = Credential.objects.get()
    assert (credential.valid_from, credential.valid_until) == (date(2026, 11, 22), date(2028, 11, 21))
    assert credential.certificate.kind == Certificate.Kind.CERTIFICATION
    assert credential.number == f"CLP-2026-{user.pk:06d}"


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


@pytest.mark.django_db
def test_expired_exam_link_says_so(client):
    program = certification()
    practicum = PracticumFactory(program=program)
    user = UserFactory()
    register(user, practicum)
    exam_invitations_issue(
        now=datetime.combine(practicum.ends_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
    )
    invitation = ExamInvitation.objects.get()
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        client.force_login(user)
        response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert "This exam link has expired" in response.content.decode()


def exam_candidate():
    program = certification(home_time_zone="America/Los_Angeles")
    practicum = PracticumFactory(program=program)
    user = UserFactory()
    register(user, practicum)
    exam_invitations_issue(
        now=datetime.combine(practicum.ends_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
    )
    invitation = ExamInvitation.objects.get()
    ExamInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=5))
    return invitation


@pytest.mark.django_db
def test_exam_left_past_its_time_limit_scores_the_saved_answers_and_certifies(client):
    invitation = exam_candidate()
    user, assessment = invitation.user, invitation.exam.assessment
    client.force_login(user)
    url = invitation.get_absolute_url()
    client.post(url, {"action": "start"})
    attempt = Attempt.objects.get()
    posted = {f"q{q.pk}": str(q.choices.get(is_correct=True).pk) for q in assessment.questions.all()}
    saved = client.post(url, {"action": "save", **posted}, HTTP_X_REQUESTED_WITH="fetch")
    assert saved.status_code == 204
    with time_machine.travel(attempt.deadline + timedelta(days=1)):
        response = client.get(url)
        assert response["Location"] == url
        html = client.get(url).content.decode()
    assert "Time ran out, and the answers you had saved pass the exam." in html
    assert "Attempt 1: 100% — passed (time ran out)" in html
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score_percent, attempt.submitted_at) == (
        Attempt.State.EXPIRED,
        100,
        attempt.deadline,
    )
    credential = Credential.objects.get(user=user)
    assert credential.valid_from == timezone.localtime(attempt.deadline, LA).date()  # the day time ran out


@pytest.mark.django_db
def test_overdue_exam_attempts_closed_by_the_sweep_once():
    invitation = exam_candidate()
    assessment = invitation.exam.assessment
    started = timezone.now() - timedelta(minutes=90)
    attempt = attempt_start(user=invitation.user, assessment=assessment, now=started)
    wrong = {str(q.pk): [str(q.choices.get(is_correct=False).pk)] for q in assessment.questions.all()}
    attempt_save_answers(attempt=attempt, answers=wrong, now=started + timedelta(minutes=1))
    still_open = attempt_start(user=UserFactory(), assessment=assessment)
    module = ModuleFactory(assessment=AssessmentFactory(time_limit_minutes=1))
    add_question(module.assessment, "single", [("right", True)])
    module_attempt = attempt_start(user=invitation.user, assessment=module.assessment, now=started)
    assert exam_attempts_close_overdue() == 1
    assert exam_attempts_close_overdue() == 0
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score_percent, attempt.passed) == (Attempt.State.EXPIRED, 0, False)
    assert not Credential.objects.exists()
    assert set(Attempt.objects.filter(state=Attempt.State.IN_PROGRESS)) == {still_open, module_attempt}


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
