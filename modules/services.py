"""Writes for modules: lesson progress, job-aid uploads, attempts and module completion."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, JSONField, Q, Value
from django.utils import timezone

from accounts.models import User
from core import page_cache
from core.dates import local_date
from core.db import JSONMerge
from programs.milestones import enrollment_modules_passed
from programs.models import Enrollment

from .models import (
    AidSubmission,
    Assessment,
    Attempt,
    JobAid,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    Question,
)
from .scoring import QuestionKey, key_of, passes, score_percent
from .selectors import attempt_eligibility, modules_open_to
from .signals import module_completed
from .uploads import validate_upload

_random = random.SystemRandom()
# A submission that arrives this long after the deadline (network, a slow click) still counts.
SUBMIT_GRACE = timedelta(seconds=30)


class AttemptError(Exception):
    """A person-facing reason an attempt cannot start, be saved or be submitted."""


def lesson_mark_done(*, user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    progress, created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"completed_at": now or timezone.now()}
    )
    if created:
        _opened(user, Q(program__modules__lessons=lesson), progress.completed_at)
    return progress


def _opened(user: User, modules: Q, at: datetime) -> None:
    """The person's first activity in a module of the program (a milestone, programs.milestones)."""
    Enrollment.objects.filter(modules, user=user, opened_at__isnull=True).update(opened_at=at)


def aid_submission_create(*, user: User, job_aid: JobAid, upload: UploadedFile) -> AidSubmission:
    """Store a completed job aid after checking its real type and size (ValidationError if not)."""
    content_type = validate_upload(upload)
    return AidSubmission.objects.create(
        user=user,
        job_aid=job_aid,
        file=upload,
        original_name=(upload.name or "upload")[:255],
        content_type=content_type,
        size=upload.size or 0,
    )


def attempt_start(*, user: User, assessment: Assessment, now: datetime | None = None) -> Attempt:
    """Resume the open attempt, or start a new one when the limits allow. Questions are drawn
    from the bank and shuffled once; the order is stored, so a reload shows the same page."""
    now = now or timezone.now()
    with transaction.atomic():
        open_attempt = Attempt.objects.filter(
            user=user, assessment=assessment, state=Attempt.State.IN_PROGRESS
        ).first()
        if open_attempt is not None:
            return open_attempt
        eligibility = attempt_eligibility(user=user, assessment=assessment, now=now)
        if not eligibility.can_start:
            raise AttemptError(eligibility.reason)
        questions = list(assessment.questions.prefetch_related("choices"))
        if not questions:
            raise AttemptError("This assessment has no questions yet. Please contact us.")
        if assessment.questions_per_attempt and assessment.questions_per_attempt < len(questions):
            questions = _random.sample(questions, assessment.questions_per_attempt)
        elif assessment.shuffle:
            _random.shuffle(questions)
        choice_order = {}
        for question in questions:
            ids = [choice.pk for choice in question.choices.all()]
            if assessment.shuffle and question.kind != "true_false":
                _random.shuffle(ids)
            choice_order[str(question.pk)] = ids
        deadline = (
            now + timedelta(minutes=assessment.time_limit_minutes) if assessment.time_limit_minutes else None
        )
        try:
            attempt = Attempt.objects.create(
                user=user,
                assessment=assessment,
                number=eligibility.attempts_used + 1,
                started_at=now,
                deadline=deadline,
                question_ids=[q.pk for q in questions],
                choice_order=choice_order,
            )
            _opened(user, Q(program__modules__assessment=assessment), now)  # the exam opens no module
            return attempt
        except IntegrityError:  # a double click started it in parallel: resume that one
            pass
    return Attempt.objects.get(user=user, assessment=assessment, state=Attempt.State.IN_PROGRESS)


def _clean_answers(attempt: Attempt, raw: dict[str, list[str]]) -> dict[str, list[int]]:
    """Keep only questions of this attempt and choices of those questions."""
    cleaned = {}
    for qid, choice_ids in raw.items():
        allowed = attempt.choice_order.get(str(qid))
        if allowed is None:
            continue
        picked = []
        for value in choice_ids:
            try:
                choice_id = int(value)
            except (TypeError, ValueError):
                continue
            if choice_id in allowed and choice_id not in picked:
                picked.append(choice_id)
        cleaned[str(qid)] = picked
    return cleaned


def _in_time(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is None or now <= attempt.deadline + SUBMIT_GRACE


def attempt_save_answers(
    *, attempt: Attempt, answers: dict[str, list[str]], now: datetime | None = None
) -> None:
    """Save answers as they are given, so that a reload loses nothing: one statement, as it
    runs every few seconds while someone answers. What cleaning and the time limit need (the
    attempt's questions, choices and deadline) never changes once an attempt starts; the answers
    are merged in by one UPDATE that matches only while the attempt is still in progress (a
    submission holds the row until it has scored, and a save after it changes nothing)."""
    now = now or timezone.now()
    if not _in_time(attempt, now):
        raise AttemptError("Time is up for this attempt; answers can no longer be changed.")
    merged = JSONMerge(F("answers"), Value(_clean_answers(attempt, answers), output_field=JSONField()))
    if not Attempt.objects.filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS).update(answers=merged):
        raise AttemptError("This attempt has already been submitted.")


def attempt_save_open_answers(
    *, user: User, assessment: Assessment, answers: dict[str, list[str]], now: datetime | None = None
) -> None:
    """The same for the person's open attempt at this assessment (the module page's autosave),
    its fixed parts read through the cache."""
    attempt = page_cache.remember(
        f"open-attempt:{user.pk}:{assessment.pk}",
        scopes=[page_cache.person(user.pk)],  # starting or submitting an attempt renews it
        compute=lambda: (
            Attempt.objects.filter(user=user, assessment=assessment, state=Attempt.State.IN_PROGRESS)
            .only("pk", "deadline", "choice_order")
            .first()
        ),
    )
    if attempt is None:
        raise AttemptError("This attempt has already been submitted.")
    attempt_save_answers(attempt=attempt, answers=answers, now=now)


def _keys(attempt: Attempt) -> dict[int, QuestionKey]:
    questions = Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
    return {question.pk: key_of(question.kind, question.choices.all()) for question in questions}


@dataclass(frozen=True)
class SubmitResult:
    attempt: Attempt
    scored_now: bool  # False when this was a repeat of a submission already scored


def attempt_submit(
    *, attempt: Attempt, answers: dict[str, list[str]] | None = None, now: datetime | None = None
) -> SubmitResult:
    """Score an attempt once. A repeat (double click, second tab) returns the first result.
    After the time limit, answers sent with the submission are ignored: only those saved in
    time are scored, and the attempt is marked as expired, ended at its deadline (the wait
    before the next attempt and a pass's date count from there, not from the late click)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("assessment").get(pk=attempt.pk)
        if locked.state != Attempt.State.IN_PROGRESS:
            return SubmitResult(attempt=locked, scored_now=False)
        in_time = _in_time(locked, now)
        if in_time and answers:
            locked.answers = {**locked.answers, **_clean_answers(locked, answers)}
        given = {int(qid): set(ids) for qid, ids in locked.answers.items()}
        locked.score_percent = score_percent(_keys(locked), given)
        locked.passed = passes(locked.score_percent, locked.assessment.pass_mark_percent)
        locked.state = Attempt.State.SUBMITTED if in_time else Attempt.State.EXPIRED
        locked.submitted_at = now if in_time or locked.deadline is None else locked.deadline
        locked.save(update_fields=["answers", "score_percent", "passed", "state", "submitted_at"])
        module = Module.objects.filter(assessment=locked.assessment).select_related("program").first()
        if locked.passed and module is not None:
            module_complete(user=locked.user, module=module, attempt=locked, now=locked.submitted_at)
    return SubmitResult(attempt=locked, scored_now=True)


def attempt_is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """Still open, though its time limit (and the grace after it) has passed."""
    return attempt.state == Attempt.State.IN_PROGRESS and not _in_time(attempt, now or timezone.now())


def attempt_close_if_overdue(*, attempt: Attempt, now: datetime | None = None) -> SubmitResult | None:
    """An attempt whose time ran out without "Submit" (the person closed the page, or came back
    later) is scored as it was saved in time; None while it may still be answered."""
    now = now or timezone.now()
    if not attempt_is_overdue(attempt, now):
        return None
    return attempt_submit(attempt=attempt, now=now)


def attempts_close_overdue(*, now: datetime | None = None) -> int:
    """Close every module assessment's overdue attempt (the periodic sweep; the exam's are
    closed by `recertification`, which also grants the certification). Safe to run twice:
    scoring locks the row and skips an attempt that is no longer in progress."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS,
        deadline__lt=now - SUBMIT_GRACE,
        assessment__module__isnull=False,
    ).only("pk")
    return sum(1 for attempt in overdue if attempt_submit(attempt=attempt, now=now).scored_now)


def module_complete(
    *, user: User, module: Module, attempt: Attempt | None = None, now: datetime | None = None
) -> ModuleCompletion:
    """Record a module as complete, once. Other apps hear of it through `module_completed`,
    sent inside the transaction (certificates queue one for an on-demand module)."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = ModuleCompletion.objects.filter(user=user, module=module).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                completion = ModuleCompletion.objects.create(
                    user=user,
                    module=module,
                    attempt=attempt,
                    completed_at=now,
                    completed_on=local_date(now, module.program.zone),
                )
        except IntegrityError:
            return ModuleCompletion.objects.get(user=user, module=module)
        _modules_passed(user, module.program_id, now)
        module_completed.send(sender=Module, completion=completion)
    return completion


def _modules_passed(user: User, program_id: int, now: datetime) -> None:
    """Each of the person's enrollments in the program: how many of the modules it opens are
    passed, and when all first were (milestones, programs.milestones)."""
    for enrollment in Enrollment.objects.filter(user=user, program_id=program_id):
        opened = Module.objects.filter(modules_open_to([enrollment]))
        passed = ModuleCompletion.objects.filter(user=user, module__in=opened).count()
        enrollment_modules_passed(enrollment_id=enrollment.pk, passed=passed, total=opened.count(), at=now)
