"""Enrollment milestones (programs.milestones, decision 0023): set by the services as a candidate
goes, the first time only; and the same figures filled from history for older data."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps

from accounts.tests.factories import UserFactory
from insight.fill import milestones_fill
from modules.services import attempt_start, attempt_submit, lesson_mark_done
from modules.tests.factories import LessonFactory, ModuleFactory, add_question, enroll
from practicums.services import attendance_record
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.milestones import enrollment_milestone
from programs.models import Enrollment
from recertification.models import ExamInvitation
from recertification.services import exam_invitations_issue, exam_submit
from recertification.tests.factories import certification

T0 = datetime(2027, 1, 4, 17, tzinfo=UTC)
MILESTONES = ("opened_at", "modules_passed", "modules_passed_at", "practicum_attended_at", "exam_passed_at",
              "certified_at")  # fmt: skip


def right_answers(assessment) -> dict[str, list[str]]:
    return {str(q.pk): [str(q.choices.get(is_correct=True).pk)] for q in assessment.questions.all()}


def pass_assessment(user, assessment, at):
    attempt = attempt_start(user=user, assessment=assessment, now=at)
    return attempt_submit(attempt=attempt, answers=right_answers(assessment), now=at + timedelta(minutes=20))


def milestones(enrollment) -> tuple:
    enrollment.refresh_from_db()
    return tuple(getattr(enrollment, name) for name in MILESTONES)


@pytest.mark.django_db
def test_a_candidates_milestones_are_noted_as_they_happen_and_filled_the_same_from_history():
    program = certification()
    modules = [ModuleFactory(program=program, title=f"Module {i}") for i in range(2)]
    for module in modules:
        add_question(module.assessment, "single", [("right", True), ("wrong", False)])
    lesson = LessonFactory(module=modules[0])
    practicum = PracticumFactory(program=program, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 2))
    sessions = [make_session(practicum, f"Day {d}", datetime(2027, 2, d, 16, tzinfo=UTC),
                             datetime(2027, 2, d, 23, tzinfo=UTC)) for d in (1, 2)]  # fmt: skip
    user = UserFactory()
    enrollment = enroll(user, program)
    register(user, practicum)
    assert milestones(enrollment) == (None, 0, None, None, None, None)

    lesson_mark_done(user=user, lesson=lesson, now=T0)
    lesson_mark_done(user=user, lesson=LessonFactory(module=modules[0]), now=T0 + timedelta(days=1))
    pass_assessment(user, modules[0].assessment, T0 + timedelta(days=2))
    assert milestones(enrollment) == (T0, 1, None, None, None, None)  # the first activity only

    passed_all = T0 + timedelta(days=9, minutes=20)
    pass_assessment(user, modules[1].assessment, T0 + timedelta(days=9))
    assert milestones(enrollment)[1:3] == (2, passed_all)

    attendance_record(user=user, code=sessions[0].code, now=sessions[0].starts_at + timedelta(hours=6))
    assert enrollment.practicum_attended_at is None  # one day of two
    attended = sessions[1].starts_at + timedelta(hours=6)
    attendance_record(user=user, code=sessions[1].code, now=attended)
    assert milestones(enrollment)[3] == attended

    exam_invitations_issue(now=datetime(2027, 2, 2, 20, tzinfo=UTC))
    invitation = ExamInvitation.objects.get(user=user)
    assessment = invitation.exam.assessment
    attempt = attempt_start(user=user, assessment=assessment, now=datetime(2027, 2, 3, 17, tzinfo=UTC))
    exam_submit(invitation=invitation, attempt=attempt, answers=right_answers(assessment),
                now=datetime(2027, 2, 3, 17, 40, tzinfo=UTC))  # fmt: skip
    noted = milestones(enrollment)
    assert noted[4] == datetime(2027, 2, 3, 17, 40, tzinfo=UTC)
    assert noted[5] is not None  # the credential's own time

    # Older data: the same figures, filled from the history alone.
    Enrollment.objects.update(**dict.fromkeys(MILESTONES, None) | {"modules_passed": 0})
    milestones_fill(apps)
    assert milestones(enrollment) == noted


@pytest.mark.django_db
def test_an_assessment_started_before_any_lesson_is_the_first_activity_and_a_live_set_no_practicum():
    program = certification()
    module = ModuleFactory(program=program)
    add_question(module.assessment, "single", [("right", True), ("wrong", False)])
    live_set = PracticumFactory(program=program, kind="live_set")
    user = UserFactory()
    enrollment = enroll(user, program)
    attempt_start(user=user, assessment=module.assessment, now=T0)
    lesson_mark_done(user=user, lesson=LessonFactory(module=module), now=T0 + timedelta(days=1))
    session = make_session(live_set, "Only", T0, T0 + timedelta(hours=2))
    register(user, live_set)
    attendance_record(user=user, code=session.code, now=T0 + timedelta(hours=1))
    assert milestones(enrollment)[0] == T0
    assert enrollment.practicum_attended_at is None  # a live-event set is not the practicum

    Enrollment.objects.update(opened_at=None)
    milestones_fill(apps)
    assert milestones(enrollment)[0] == T0
    assert enrollment.practicum_attended_at is None


@pytest.mark.django_db
def test_a_milestone_is_kept_from_the_first_time_and_only_milestones_are_set():
    enrollment = enroll(UserFactory())
    first = enrollment.registered_at + timedelta(days=1)
    for at in (first, first + timedelta(days=5)):
        ids = {"user_id": enrollment.user_id, "program_id": enrollment.program_id}
        enrollment_milestone(**ids, milestone="certified_at", at=at)
    enrollment.refresh_from_db()
    assert enrollment.certified_at == first
    with pytest.raises(ValueError, match="Not a milestone"):
        enrollment_milestone(user_id=1, program_id=1, milestone="status", at=first)
