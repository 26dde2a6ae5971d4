"""Reads for modules: access, progress and what an attempt may do next."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import staff_may
from core import page_cache
from core.db import SubqueryCount
from programs.models import Enrollment

from .models import (
    AidSubmission,
    Assessment,
    Attempt,
    Choice,
    JobAid,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    Question,
)
from .scoring import key_of, question_credit


@dataclass(frozen=True)
class ModuleAccess:
    module: Module
    enrollment: Enrollment
    is_open: bool


def _enrollment_for(user: User, module: Module) -> Enrollment | None:
    qs = Enrollment.objects.filter(user=user, program_id=module.program_id).exclude(
        status=Enrollment.Status.WITHDRAWN
    )
    if module.school_year_id:
        qs = qs.filter(Q(school_year_id=module.school_year_id) | Q(school_year__isnull=True))
    return qs.first()


def module_get_for_user(*, user: User, pk: int, now: datetime | None = None) -> ModuleAccess:
    """The module if the person is enrolled in its program (404 otherwise: no hint it exists);
    `is_open` says whether their access date has come."""
    now = now or timezone.now()
    if not user.is_authenticated:
        raise Http404("No such module.")
    found = page_cache.remember(
        f"module-access:{user.pk}:{pk}",
        scopes=[page_cache.person(user.pk), page_cache.CONTENT],
        compute=lambda: _module_and_enrollment(user, pk),
    )
    if found is None:
        raise Http404("No such module.")
    module, enrollment = found
    page_cache.changes_at(enrollment.access_opens_at)
    return ModuleAccess(module=module, enrollment=enrollment, is_open=enrollment.access_opens_at <= now)


def _module_and_enrollment(user: User, pk: int) -> tuple[Module, Enrollment] | None:
    module = (
        Module.objects.filter(pk=pk, is_published=True)
        .select_related("program", "assessment", "season")
        .first()
    )
    enrollment = _enrollment_for(user, module) if module else None
    return (module, enrollment) if module and enrollment else None


def lessons_with_progress(*, user: User, module: Module) -> list[Lesson]:
    done = LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"))
    return list(module.lessons.annotate(done=Exists(done)).order_by("order", "id"))


def job_aids_with_submissions(*, user: User, module: Module) -> list[JobAid]:
    mine = AidSubmission.objects.filter(user=user).order_by("-uploaded_at")
    return list(module.job_aids.prefetch_related(Prefetch("submissions", queryset=mine, to_attr="mine")))


def attempts_for_user(*, user: User, assessment: Assessment) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user, assessment=assessment).order_by("-number")


def attempt_open_for_user(*, user: User, assessment: Assessment) -> Attempt | None:
    """The person's attempt in progress at this assessment, if any."""
    return Attempt.objects.filter(user=user, assessment=assessment, state=Attempt.State.IN_PROGRESS).first()


def lesson_get_in_module(*, module: Module, pk: int, with_attachment: bool = False) -> Lesson:
    """A lesson of this (already access-checked) module; 404 for any other lesson, or, with
    `with_attachment`, for one without a file."""
    lessons = module.lessons.all()
    if with_attachment:
        lessons = lessons.exclude(attachment="")
    lesson = lessons.filter(pk=pk).first()
    if lesson is None:
        raise Http404("No such attachment." if with_attachment else "No such lesson.")
    return lesson


def lesson_ids_in_order(*, module: Module) -> list[int]:
    return list(module.lessons.order_by("order", "id").values_list("pk", flat=True))


def job_aid_get_in_module(*, module: Module, pk: int, with_worksheet: bool = False) -> JobAid:
    """A job aid of this (already access-checked) module; 404 for any other, or, with
    `with_worksheet`, for one without a worksheet."""
    aids = module.job_aids.all()
    if with_worksheet:
        aids = aids.exclude(worksheet="")
    job_aid = aids.filter(pk=pk).first()
    if job_aid is None:
        raise Http404("No such worksheet." if with_worksheet else "No such job aid.")
    return job_aid


def attempt_get_for_user(*, user: User, pk: int) -> Attempt:
    attempt = Attempt.objects.filter(pk=pk, user=user).select_related("assessment").first()
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def submission_get_for_user(*, user: User, pk: int) -> AidSubmission:
    """A completed job aid: its owner, and staff with the permission in a TOTP-verified session,
    may download it; anyone else (staff without both included) gets 404."""
    qs = AidSubmission.objects.select_related("job_aid")
    if not staff_may(user=user, perm="modules.view_aidsubmission"):
        qs = qs.filter(user=user)
    submission = qs.filter(pk=pk).first()
    if submission is None:
        raise Http404("No such file.")
    return submission


def completion_for(*, user: User, module: Module) -> ModuleCompletion | None:
    return ModuleCompletion.objects.filter(user=user, module=module).first()


@dataclass(frozen=True)
class Eligibility:
    can_start: bool
    reason: str
    attempts_used: int
    attempts_left: int | None
    next_allowed_at: datetime | None


def attempt_eligibility(*, user: User, assessment: Assessment, now: datetime | None = None) -> Eligibility:
    now = now or timezone.now()
    finished = list(
        Attempt.objects.filter(user=user, assessment=assessment)
        .exclude(state=Attempt.State.IN_PROGRESS)
        .values_list("passed", "submitted_at")
    )
    used = len(finished)
    left = None if assessment.max_attempts is None else max(0, assessment.max_attempts - used)
    if any(passed for passed, _ in finished):
        return Eligibility(False, "You have passed this assessment.", used, left, None)
    if left == 0:
        return Eligibility(
            False,
            f"You have used all {assessment.max_attempts} attempts. Please contact us to discuss a retake.",
            used,
            left,
            None,
        )
    if assessment.wait_minutes and finished:
        last = max(submitted for _, submitted in finished if submitted)
        allowed = last + timedelta(minutes=assessment.wait_minutes)
        if now < allowed:
            page_cache.changes_at(allowed)
            local = timezone.localtime(allowed)
            return Eligibility(
                False,
                f"You can start your next attempt at {local:%H:%M} on {local:%B} {local.day}.",
                used,
                left,
                allowed,
            )
    return Eligibility(True, "", used, left, None)


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    lessons_total: int
    lessons_done: int
    completed: bool

    @property
    def percent(self) -> int:
        """A completed module is 100 %, whichever lessons were opened; otherwise lessons done
        out of lessons plus the assessment (which counts as the last step)."""
        if self.completed:
            return 100
        parts = self.lessons_total + 1
        done = self.lessons_done + (1 if self.completed else 0)
        return round(100 * done / parts)


def modules_open_to(enrollments: Iterable[Enrollment]) -> Q:
    """The published modules these enrollments open, by the module page's own rule
    (`_enrollment_for`): a module of a school year belongs to an enrollment in that year or
    with no year; a module with no year to every enrollment in its program. So a person sees
    their own year's modules, not every year the program has run."""
    opened = Q(pk__in=[])
    for enrollment in enrollments:
        mine = Q(program_id=enrollment.program_id)
        if enrollment.school_year_id:
            mine &= Q(school_year_id=enrollment.school_year_id) | Q(school_year__isnull=True)
        opened |= mine
    return opened & Q(is_published=True)


def _opens(enrollment: Enrollment, module: Module) -> bool:
    return module.program_id == enrollment.program_id and (
        not enrollment.school_year_id or module.school_year_id in (None, enrollment.school_year_id)
    )


def modules_status_for_user(*, user: User, enrollments: list[Enrollment]) -> dict[int, list[ModuleStatus]]:
    """Per enrollment (by its pk): each module it opens, with lessons done and whether it is
    complete (one query, whatever the number of modules or the length of the program's history).
    Lessons are counted in correlated subqueries: a join through every person's lesson progress
    would read millions of rows to keep a handful."""
    modules = (
        Module.objects.filter(modules_open_to(enrollments))
        .annotate(
            lessons_total=SubqueryCount(Lesson.objects.filter(module=OuterRef("pk"))),
            lessons_done=SubqueryCount(
                LessonProgress.objects.filter(user=user, lesson__module=OuterRef("pk"))
            ),
            completed=Exists(ModuleCompletion.objects.filter(user=user, module=OuterRef("pk"))),
        )
        .order_by("program_id", "order", "id")
    )
    result: dict[int, list[ModuleStatus]] = {e.pk: [] for e in enrollments}
    for m in modules:
        status = ModuleStatus(
            module=m, lessons_total=m.lessons_total, lessons_done=m.lessons_done, completed=m.completed
        )
        for enrollment in enrollments:
            if _opens(enrollment, m):
                result[enrollment.pk].append(status)
    return result


@dataclass
class ModuleProgress:
    """One published module's part of a person's record: its lessons (each with whether done),
    its job aids with what the person handed in, their best scored attempt and completion."""

    module: Module
    lessons: list[tuple[Lesson, bool]]
    aids: list[tuple[JobAid, list[AidSubmission]]]
    best_attempt: Attempt | None
    completion: ModuleCompletion | None


def module_progress_for_user(*, user: User, enrollments: list[Enrollment]) -> list[ModuleProgress]:
    """The modules these enrollments open (`modules_open_to`) in their order, with the person's
    progress. Seven queries whatever the number of modules."""
    modules = list(
        Module.objects.filter(modules_open_to(enrollments))
        .select_related("season__school_year")
        .order_by("order", "id")
    )
    module_ids = [m.pk for m in modules]
    lessons_by_module: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in Lesson.objects.filter(module_id__in=module_ids).order_by("order", "id"):
        lessons_by_module[lesson.module_id].append(lesson)
    lessons_done = set(
        LessonProgress.objects.filter(user=user, lesson__module_id__in=module_ids).values_list(
            "lesson_id", flat=True
        )
    )
    aids_by_module: dict[int, list[JobAid]] = defaultdict(list)
    for aid in JobAid.objects.filter(module_id__in=module_ids).order_by("order", "id"):
        aids_by_module[aid.module_id].append(aid)
    submissions: dict[int, list[AidSubmission]] = defaultdict(list)
    for submission in AidSubmission.objects.filter(user=user, job_aid__module_id__in=module_ids).order_by(
        "uploaded_at"
    ):
        submissions[submission.job_aid_id].append(submission)
    best_attempt: dict[int, Attempt] = {}
    for scored in Attempt.objects.filter(user=user, assessment__module__in=module_ids).exclude(
        state=Attempt.State.IN_PROGRESS
    ):
        previous = best_attempt.get(scored.assessment_id)
        if previous is None or (scored.score_percent or 0) > (previous.score_percent or 0):
            best_attempt[scored.assessment_id] = scored
    modules_done = {
        c.module_id: c for c in ModuleCompletion.objects.filter(user=user, module_id__in=module_ids)
    }
    return [
        ModuleProgress(
            module=module,
            lessons=[(lesson, lesson.pk in lessons_done) for lesson in lessons_by_module[module.pk]],
            aids=[(aid, submissions[aid.pk]) for aid in aids_by_module[module.pk]],
            best_attempt=best_attempt.get(module.assessment_id) if module.assessment_id else None,
            completion=modules_done.get(module.pk),
        )
        for module in modules
    ]


def on_demand_titles_by_season(*, program) -> dict[int | None, list[str]]:
    """For the progression table: on-demand module titles per season (None: the whole year)."""
    result: dict[int | None, list[str]] = {}
    rows = (
        Module.objects.filter(program=program, is_published=True)
        .order_by("order", "id")
        .values_list("season_id", "title")
    )
    for season_id, title in rows:
        result.setdefault(season_id, []).append(title)
    return result


def attempt_questions(*, attempt: Attempt) -> list[Question]:
    """The attempt's questions and choices in the order this person sees them, each choice
    marked `chosen` (two queries, whatever the number of questions)."""
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    choices = {c.pk: c for c in Choice.objects.filter(question_id__in=attempt.question_ids)}
    ordered = []
    for qid in attempt.question_ids:
        question = questions.get(qid)
        if question is None:
            continue
        chosen = {int(c) for c in attempt.answers.get(str(qid), [])}
        shown = [choices[cid] for cid in attempt.choice_order.get(str(qid), []) if cid in choices]
        for choice in shown:
            choice.chosen = choice.pk in chosen  # type: ignore[attr-defined]
        question.shown_choices = shown  # type: ignore[attr-defined]
        ordered.append(question)
    return ordered


def attempt_review(*, attempt: Attempt) -> list[Question]:
    """The questions of a submitted attempt, each with `result`: right, partial or wrong."""
    questions = attempt_questions(attempt=attempt)
    for question in questions:
        shown = question.shown_choices  # type: ignore[attr-defined]
        credit = question_credit(key_of(question.kind, shown), {c.pk for c in shown if c.chosen})
        question.result = (  # type: ignore[attr-defined]
            "right" if credit == 1 else ("partial" if credit > 0 else "wrong")
        )
    return questions
