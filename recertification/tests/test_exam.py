"""The certification exam: the invitation on the practicum's last day, what the exam page asks
first, passing (a credential and its certificate), and time running out."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from modules.models import Attempt, ModuleCompletion
from modules.services import attempt_save_answers, attempt_start
from modules.tests.factories import AssessmentFactory, ModuleFactory, add_question, enroll
from practicums.models import Attendance
from practicums.tests.factories import PracticumFactory, make_session, register
from recertification.models import Credential, ExamInvitation
from recertification.services import (
    exam_attempts_close_overdue,
    exam_invitations_issue,
    exam_missing,
    exam_submit,
)

from .factories import certification

UTC = ZoneInfo("UTC")
LA = ZoneInfo("America/Los_Angeles")


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
