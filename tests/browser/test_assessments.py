"""Assessments and the exam in a real browser, as a person relies on them (see conftest.py):
answers are saved as they are given and survive a reload, and when the time runs out without
"Submit" the answers saved in time are scored: on the open page at zero, or on coming back."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from modules.models import Attempt, ModuleCompletion
from modules.tests.factories import AssessmentFactory, ModuleFactory, add_question, enroll

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def two_questions(assessment):
    return [
        add_question(assessment, "single", [("Observable", True), ("A feeling", False)], "Objectives describe?"),
        add_question(assessment, "multiple", [("Practice", True), ("Feedback", True), ("Seat time", False)], "What helps?"),
    ]  # fmt: skip


def right(question):
    return question.choices.filter(is_correct=True).order_by("pk")


def test_answers_saved_as_given_are_there_after_a_reload(journey):
    module = ModuleFactory(
        title="Writing objectives", assessment=AssessmentFactory(title="Check your understanding")
    )
    single, multiple = two_questions(module.assessment)
    user = UserFactory(email="reader@example.org")
    enroll(user, module.program)

    j = journey()
    page = j.go(f"/modules/{module.pk}/assessment/")
    j.log_in("reader@example.org")
    page.click("button:has-text('Start attempt')")
    status = page.locator(".autosave-status")
    page.check(f"#c{right(single)[0].pk}")
    expect(status).to_have_text("Answers saved.")
    j.axe()
    j.shot("saved")
    page.reload()
    expect(page.locator(f"#c{right(single)[0].pk}")).to_be_checked()
    expect(status).to_have_text("")
    for choice in right(multiple):
        page.check(f"#c{choice.pk}")
    expect(status).to_have_text("Answers saved.")
    page.reload()
    expect(page.locator(f"#c{right(single)[0].pk}")).to_be_checked()
    for choice in multiple.choices.all():
        expect(page.locator(f"#c{choice.pk}")).to_be_checked(checked=choice.is_correct)
    attempt = Attempt.objects.get()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert {qid: sorted(ids) for qid, ids in attempt.answers.items()} == {
        str(single.pk): [right(single)[0].pk],
        str(multiple.pk): [c.pk for c in right(multiple)],
    }
    for choice in right(multiple):  # a change of mind: no box ticked at all
        page.uncheck(f"#c{choice.pk}")
    expect(status).to_have_text("Answers saved.")
    page.reload()
    expect(page.locator(f"#c{right(single)[0].pk}")).to_be_checked()
    expect(page.locator(f"input[name=q{multiple.pk}]:checked")).to_have_count(0)
    attempt.refresh_from_db()
    assert attempt.answers == {str(single.pk): [right(single)[0].pk], str(multiple.pk): []}


def test_a_timed_assessment_left_open_is_scored_from_the_saved_answers_at_zero(journey):
    module = ModuleFactory(
        title="Writing objectives",
        assessment=AssessmentFactory(title="Timed check", time_limit_minutes=1, pass_mark_percent=50),
    )
    single, _ = two_questions(module.assessment)
    user = UserFactory(email="timed@example.org")
    enroll(user, module.program)

    j = journey()
    page = j.page
    page.clock.install()  # the page's timers run on a clock the test can move forward
    j.go(f"/modules/{module.pk}/assessment/")
    j.log_in("timed@example.org")
    page.click("button:has-text('Start attempt')")
    expect(page.locator(".countdown")).to_contain_text("Time left 0:")
    page.check(f"#c{right(single)[0].pk}")
    expect(page.locator(".autosave-status")).to_have_text("Answers saved.")
    attempt = Attempt.objects.get()
    assert attempt.answers[str(single.pk)] == [right(single)[0].pk]

    # The server's clock passes the deadline (and its grace); then the page's reaches zero,
    # without anyone pressing "Submit".
    with time_machine.travel(attempt.deadline + timedelta(seconds=40), tick=True):
        page.clock.fast_forward("01:05")
        expect(page.locator("h1")).to_have_text("Attempt 1: 50%")
        expect(page.locator("main")).to_contain_text(
            "Time ran out. We scored the answers you had saved before the time limit."
        )
        expect(page.locator("main")).to_contain_text("You passed")
        j.axe()
        j.shot("time-ran-out")
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score_percent, attempt.passed) == (Attempt.State.EXPIRED, 50, True)
    assert attempt.submitted_at == attempt.deadline
    assert ModuleCompletion.objects.get(user=user).attempt == attempt


def test_an_exam_left_when_time_runs_out_is_scored_from_the_saved_answers_on_coming_back(journey):
    from practicums.tests.factories import PracticumFactory, register
    from programs.tests.factories import ProgramFactory
    from recertification.models import Credential, Exam, ExamInvitation

    program = ProgramFactory(title="Certified Learning Practitioner", slug="clp")
    assessment = AssessmentFactory(title="Exam", time_limit_minutes=30, pass_mark_percent=50, max_attempts=3)
    _, multiple = two_questions(assessment)
    exam = Exam.objects.create(program=program, assessment=assessment)
    practicum = PracticumFactory(program=program)
    user = UserFactory(email="casey@example.org")
    register(user, practicum)
    now = timezone.now()
    invitation = ExamInvitation.objects.create(
        user=user, exam=exam, practicum=practicum, issued_at=now, expires_at=now + timedelta(days=10)
    )
    link = invitation.get_absolute_url()

    j = journey()
    page = j.go(link)
    j.log_in("casey@example.org")
    page.click("button:has-text('Start the exam')")
    for choice in right(multiple):
        page.check(f"#c{choice.pk}")
    expect(page.locator(".autosave-status")).to_have_text("Answers saved.")
    j.shot("exam-saved")
    page.goto("about:blank")  # the candidate leaves without "Submit"
    attempt = Attempt.objects.get()
    assert sorted(attempt.answers[str(multiple.pk)]) == [c.pk for c in right(multiple)]

    with time_machine.travel(attempt.deadline + timedelta(hours=2), tick=True):
        page = j.go(link)
        expect(page.locator(".message").first).to_have_text(
            "Time ran out, and the answers you had saved pass the exam. "
            "Your certification and its certificate are on your dashboard."
        )
        expect(page.locator("main")).to_contain_text("Attempt 1: 50% — passed (time ran out)")
        j.axe()
        j.shot("exam-time-ran-out")
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score_percent, attempt.passed) == (Attempt.State.EXPIRED, 50, True)
    credential = Credential.objects.get(user=user)
    assert credential.valid_from == timezone.localtime(attempt.deadline, program.zone).date()
