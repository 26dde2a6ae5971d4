import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from modules.models import Attempt, ModuleCompletion
from modules.services import (
    AttemptError,
    attempt_close_if_overdue,
    attempt_save_answers,
    attempt_save_open_answers,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from modules.signals import module_completed

from .factories import AssessmentFactory, LessonFactory, ModuleFactory, add_question, enroll


def make_module(n_questions: int = 5, **assessment):
    module = ModuleFactory(assessment=AssessmentFactory(**assessment))
    questions = [
        add_question(
            module.assessment, "single", [("right", True), ("wrong", False), ("also wrong", False)], f"Q{i}"
        )
        for i in range(n_questions)
    ]
    user = UserFactory()
    enroll(user, module.program)
    return module, questions, user


def right_answers(attempt: Attempt, questions) -> dict[str, list[str]]:
    return {
        str(q.pk): [str(c.pk) for c in q.choices.all() if c.is_correct]
        for q in questions
        if q.pk in attempt.question_ids
    }


@pytest.mark.django_db
def test_passing_completes_module_once_and_signals_once(django_capture_on_commit_callbacks):
    module, questions, user = make_module()
    heard = []
    module_completed.connect(
        lambda sender, completion, **kw: heard.append(completion.pk), weak=False, dispatch_uid="t"
    )
    try:
        attempt = attempt_start(user=user, assessment=module.assessment)
        with django_capture_on_commit_callbacks(execute=True):
            first = attempt_submit(attempt=attempt, answers=right_answers(attempt, questions))
            second = attempt_submit(attempt=attempt, answers={})  # double submit
    finally:
        module_completed.disconnect(dispatch_uid="t")
    assert first.scored_now
    assert not second.scored_now
    assert second.attempt.score_percent == 100
    assert ModuleCompletion.objects.filter(user=user, module=module).count() == 1
    completion = ModuleCompletion.objects.get()
    assert heard == [completion.pk]
    assert completion.completed_on == timezone.localtime(completion.completed_at, module.program.zone).date()


@pytest.mark.django_db
def test_attempt_limit_and_wait_between_attempts():
    module, _, user = make_module(max_attempts=2, wait_minutes=60)
    now = timezone.now()
    attempt = attempt_start(user=user, assessment=module.assessment, now=now)
    attempt_submit(attempt=attempt, answers={}, now=now)
    with pytest.raises(AttemptError, match="You can start your next attempt at"):
        attempt_start(user=user, assessment=module.assessment, now=now + timedelta(minutes=59))
    second = attempt_start(user=user, assessment=module.assessment, now=now + timedelta(minutes=61))
    assert second.number == 2
    attempt_submit(attempt=second, answers={}, now=now + timedelta(minutes=62))
    with pytest.raises(AttemptError, match="You have used all 2 attempts"):
        attempt_start(user=user, assessment=module.assessment, now=now + timedelta(days=1))


@pytest.mark.django_db
def test_questions_drawn_from_bank_and_order_stable_within_attempt(client):
    module, _, user = make_module(n_questions=12, questions_per_attempt=5)
    client.force_login(user)
    url = reverse("modules:assessment", args=[module.pk])
    client.post(url, {"action": "start"})
    attempt = Attempt.objects.get()
    assert len(attempt.question_ids) == 5
    pages = [client.get(url).content.decode() for _ in range(3)]
    orders = [re.findall(r'name="q(\d+)" id="c(\d+)"', page) for page in pages]
    assert orders[0] == orders[1] == orders[2]
    assert [int(q) for q in dict.fromkeys(q for q, _ in orders[0])] == attempt.question_ids


@pytest.mark.django_db
def test_shuffling_differs_between_attempts():
    module, _, user = make_module(n_questions=10)
    seen = set()
    for _ in range(4):
        attempt = attempt_start(user=user, assessment=module.assessment)
        seen.add(tuple(attempt.question_ids))
        attempt_submit(attempt=attempt, answers={})
    assert len(seen) > 1


@pytest.mark.django_db
def test_correct_answers_never_reach_the_page_before_submission(client):
    module, _, user = make_module()
    client.force_login(user)
    url = reverse("modules:assessment", args=[module.pk])
    client.post(url, {"action": "start"})
    html = client.get(url).content.decode()
    assert html.count('type="radio"') == 15
    for marker in ("is_correct", "right answer", "correct", "Because Q"):
        assert marker not in html


@pytest.mark.django_db
def test_answers_saved_as_taken_survive_a_reload(client):
    module, questions, user = make_module()
    client.force_login(user)
    url = reverse("modules:assessment", args=[module.pk])
    client.post(url, {"action": "start"})
    attempt = Attempt.objects.get()
    question = questions[0]
    choice = question.choices.get(text="wrong")
    response = client.post(
        url, {"action": "save", f"q{question.pk}": str(choice.pk)}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 204
    attempt.refresh_from_db()
    assert attempt.answers == {str(question.pk): [choice.pk]}
    assert f'id="c{choice.pk}" value="{choice.pk}" checked' in client.get(url).content.decode()


@pytest.mark.django_db
def test_autosave_keeps_only_this_attempts_questions_and_stops_after_submission(client):
    module, questions, user = make_module()
    _, other_questions, _ = make_module()
    client.force_login(user)
    url = reverse("modules:assessment", args=[module.pk])
    client.post(url, {"action": "start"})
    attempt = Attempt.objects.get(user=user)
    mine, foreign = questions[0], other_questions[0]
    choice = mine.choices.get(text="right")
    posted = {
        "action": "save",
        f"q{mine.pk}": str(choice.pk),
        f"q{foreign.pk}": str(foreign.choices.first().pk),  # another assessment's question
        "qx": "1",
        f"q{mine.pk}x": "2",
    }
    assert client.post(url, posted, HTTP_X_REQUESTED_WITH="fetch").status_code == 204
    attempt.refresh_from_db()
    assert attempt.answers == {str(mine.pk): [choice.pk]}
    attempt_submit(attempt=attempt)
    late = client.post(url, {"action": "save", f"q{mine.pk}": str(choice.pk)}, HTTP_X_REQUESTED_WITH="fetch")
    assert late.status_code == 409
    assert "already been submitted" in late.content.decode()


@pytest.mark.django_db
def test_autosave_merges_in_one_statement_and_never_writes_to_a_closed_attempt():
    module, questions, user = make_module()
    attempt = attempt_start(user=user, assessment=module.assessment)
    first, second = questions[0], questions[1]
    a, b = first.choices.get(text="right"), first.choices.exclude(text="right").first()
    c = second.choices.first()
    save = attempt_save_open_answers
    save(user=user, assessment=module.assessment, answers={str(first.pk): [str(a.pk)]})
    with CaptureQueriesContext(connection) as ctx:  # the attempt's shape now comes from the cache
        save(
            user=user,
            assessment=module.assessment,
            answers={str(second.pk): [str(c.pk)]},
        )
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["UPDATE"], ctx.captured_queries
    save(user=user, assessment=module.assessment, answers={str(first.pk): [str(b.pk)]})  # a changed mind
    attempt.refresh_from_db()
    assert attempt.answers == {str(first.pk): [b.pk], str(second.pk): [c.pk]}
    # Closed behind the cache's back (no save signal): the autosave still writes nothing.
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.SUBMITTED)
    with pytest.raises(AttemptError, match="already been submitted"):
        save(user=user, assessment=module.assessment, answers={str(first.pk): [str(a.pk)]})
    attempt.refresh_from_db()
    assert attempt.answers[str(first.pk)] == [b.pk]


@pytest.mark.django_db
def test_autosave_after_the_time_limit_is_refused():
    module, questions, user = make_module(time_limit_minutes=10)
    started = timezone.now()
    attempt_start(user=user, assessment=module.assessment, now=started)
    late = started + timedelta(minutes=11)
    with pytest.raises(AttemptError, match="Time is up"):
        attempt_save_open_answers(
            user=user, assessment=module.assessment, answers={str(questions[0].pk): ["1"]}, now=late
        )


@pytest.mark.django_db
def test_feedback_after_failure_hides_right_answers_while_attempts_remain(client):
    module, _, user = make_module(max_attempts=2)
    client.force_login(user)
    url = reverse("modules:assessment", args=[module.pk])
    client.post(url, {"action": "start"})
    response = client.post(url, {"action": "submit"})
    attempt = Attempt.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert "Not passed this time" in html
    assert "Because Q0" in html  # the explanation is shown
    assert "right answer" not in html  # but not the answer itself
    client.post(url, {"action": "start"})
    client.post(url, {"action": "submit"})
    last = Attempt.objects.exclude(pk=attempt.pk).get()
    html = client.get(reverse("modules:attempt", args=[module.pk, last.pk])).content.decode()
    assert html.count("right answer") == 5  # no attempts left: now it may be shown


@pytest.mark.django_db
def test_time_limit_enforced_on_server():
    module, questions, user = make_module(time_limit_minutes=10)
    now = timezone.now()
    attempt = attempt_start(user=user, assessment=module.assessment, now=now)
    late = now + timedelta(minutes=11)
    with pytest.raises(AttemptError, match="Time is up"):
        attempt_save_answers(attempt=attempt, answers=right_answers(attempt, questions), now=late)
    result = attempt_submit(attempt=attempt, answers=right_answers(attempt, questions), now=late)
    assert result.attempt.state == Attempt.State.EXPIRED
    assert result.attempt.score_percent == 0  # the late answers were not scored
    assert not ModuleCompletion.objects.exists()


@pytest.mark.django_db
def test_attempt_left_past_its_time_limit_scores_the_answers_saved_in_time():
    module, questions, user = make_module(n_questions=4, time_limit_minutes=10, pass_mark_percent=50)
    started = timezone.now()
    attempt = attempt_start(user=user, assessment=module.assessment, now=started)
    right = right_answers(attempt, questions)
    in_time = dict(list(right.items())[:3])  # three of four answered before the limit
    attempt_save_answers(attempt=attempt, answers=in_time, now=started + timedelta(minutes=9))
    assert attempt_close_if_overdue(attempt=attempt, now=started + timedelta(minutes=10)) is None  # grace
    with pytest.raises(AttemptError, match="Time is up"):
        attempt_save_answers(attempt=attempt, answers=right, now=started + timedelta(minutes=11))
    result = attempt_close_if_overdue(attempt=attempt, now=started + timedelta(hours=5))
    assert result is not None
    closed = Attempt.objects.get()
    assert (closed.state, closed.score_percent, closed.passed) == (Attempt.State.EXPIRED, 75, True)
    assert closed.submitted_at == started + timedelta(minutes=10)  # it ended at its deadline
    assert ModuleCompletion.objects.get().completed_at == started + timedelta(minutes=10)
    assert attempt_close_if_overdue(attempt=closed, now=started + timedelta(hours=6)) is None


@pytest.mark.django_db
def test_overdue_attempts_closed_by_the_sweep_once_exams_left_to_their_app():
    overdue_module, questions, user = make_module(time_limit_minutes=10)
    open_module, _, other = make_module(time_limit_minutes=10)
    untimed_module, _, third = make_module()
    exam_assessment = AssessmentFactory(time_limit_minutes=10)  # no module: the exam's
    add_question(exam_assessment, "single", [("right", True), ("wrong", False)])
    started = timezone.now() - timedelta(minutes=20)
    overdue = attempt_start(user=user, assessment=overdue_module.assessment, now=started)
    attempt_save_answers(attempt=overdue, answers=right_answers(overdue, questions), now=started)
    attempt_start(user=other, assessment=open_module.assessment)
    attempt_start(user=third, assessment=untimed_module.assessment, now=started)
    exam_attempt = attempt_start(user=user, assessment=exam_assessment, now=started)
    assert attempts_close_overdue() == 1
    assert attempts_close_overdue() == 0
    overdue.refresh_from_db()
    assert (overdue.state, overdue.score_percent) == (Attempt.State.EXPIRED, 100)
    assert set(Attempt.objects.filter(state=Attempt.State.IN_PROGRESS).values_list("user", flat=True)) == {
        other.pk,
        third.pk,
        exam_attempt.user_id,
    }


@pytest.mark.django_db
def test_coming_back_after_the_time_limit_shows_the_saved_answers_scored(client):
    module, questions, user = make_module(n_questions=2, time_limit_minutes=10, pass_mark_percent=50)
    client.force_login(user)
    url = reverse("modules:assessment", args=[module.pk])
    client.post(url, {"action": "start"})
    attempt = Attempt.objects.get()
    first = questions[0]
    right = first.choices.get(is_correct=True)
    saved = client.post(url, {"action": "save", f"q{first.pk}": str(right.pk)}, HTTP_X_REQUESTED_WITH="fetch")
    assert saved.status_code == 204
    with time_machine.travel(attempt.deadline + timedelta(minutes=1)):
        response = client.get(url)
        assert response["Location"] == reverse("modules:attempt", args=[module.pk, attempt.pk])
        html = client.get(response["Location"]).content.decode()
    assert "Attempt 1: 50%" in html
    assert "Time ran out. We scored the answers you had saved before the time limit." in html
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score_percent, attempt.passed) == (Attempt.State.EXPIRED, 50, True)


@pytest.mark.django_db
def test_module_closed_before_access_date(client):
    module = ModuleFactory()
    LessonFactory(module=module, title="Secret lesson")
    user = UserFactory()
    enroll(user, module.program, opens=timezone.now() + timedelta(days=2))
    client.force_login(user)
    response = client.get(module.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your modules open on" in html
    assert "Secret lesson" not in html
    assert client.get(reverse("modules:assessment", args=[module.pk])).status_code == 200
    assert (
        "Your modules open on" in client.get(reverse("modules:assessment", args=[module.pk])).content.decode()
    )


@pytest.mark.django_db
def test_module_without_enrollment_is_404(client):
    module = ModuleFactory()
    client.force_login(UserFactory())
    assert client.get(module.get_absolute_url()).status_code == 404
    assert client.get(reverse("modules:assessment", args=[module.pk])).status_code == 404


@pytest.mark.django_db
def test_someone_elses_attempt_is_404(client):
    module, _, owner = make_module()
    attempt = attempt_start(user=owner, assessment=module.assessment)
    attempt_submit(attempt=attempt, answers={})
    other = UserFactory()
    enroll(other, module.program)
    client.force_login(other)
    assert client.get(reverse("modules:attempt", args=[module.pk, attempt.pk])).status_code == 404


@pytest.mark.django_db
def test_lessons_marked_done_in_order(client):
    module = ModuleFactory()
    first, second = LessonFactory(module=module), LessonFactory(module=module)
    user = UserFactory()
    enroll(user, module.program)
    client.force_login(user)
    response = client.post(reverse("modules:lesson_done", args=[module.pk, first.pk]))
    assert response["Location"] == reverse("modules:lesson", args=[module.pk, second.pk])
    client.post(reverse("modules:lesson_done", args=[module.pk, first.pk]))  # repeat: harmless
    response = client.post(reverse("modules:lesson_done", args=[module.pk, second.pk]))
    assert response["Location"] == module.get_absolute_url()
    assert "Lessons done: 2 of 2" in client.get(module.get_absolute_url()).content.decode()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_module_and_assessment_pages_constant_queries(client):
    counts = []
    for size in (2, 30):
        module, _, user = make_module(n_questions=size)
        LessonFactory.create_batch(size, module=module)
        client.force_login(user)
        module_url = module.get_absolute_url()
        assessment_url = reverse("modules:assessment", args=[module.pk])
        before = _count(client, assessment_url)
        client.post(assessment_url, {"action": "start"})
        counts.append((_count(client, module_url), before, _count(client, assessment_url)))
    assert counts[0] == counts[1]
