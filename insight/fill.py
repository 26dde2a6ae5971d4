"""Enrollment milestones (programs.milestones, decision 0023) from history: for the data written
before the services kept them (insight's first migration) and for the scale benchmark's
generated years. Here, not in programs: it reads lessons, attempts, completions, attendance and
credentials, which programs may not know of."""

from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce


def _first(rows: QuerySet, column: str) -> Subquery:
    return Subquery(rows.order_by().values("user_id").annotate(first=Min(column)).values("first")[:1])


def _count(rows: QuerySet, by: str) -> Coalesce:
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def milestones_fill(apps) -> None:
    """Every milestone from history, in a few set-based UPDATEs (`apps`: a migration's app
    registry, or django.apps.apps). Only milestones not yet set are written."""
    enrollment = apps.get_model("programs", "Enrollment")
    lesson_progress = apps.get_model("modules", "LessonProgress")
    attempt = apps.get_model("modules", "Attempt")
    module = apps.get_model("modules", "Module")
    completion = apps.get_model("modules", "ModuleCompletion")
    set_completion = apps.get_model("practicums", "SetCompletion")
    exam = apps.get_model("recertification", "Exam")
    credential = apps.get_model("recertification", "Credential")
    mine = {"user_id": OuterRef("user_id")}
    program = OuterRef("program_id")

    lessons = _first(
        lesson_progress.objects.filter(**mine, lesson__module__program_id=program), "completed_at"
    )
    attempts = _first(attempt.objects.filter(**mine, assessment__module__program_id=program), "started_at")
    enrollment.objects.filter(opened_at__isnull=True).update(opened_at=lessons)
    enrollment.objects.filter(opened_at__isnull=True).update(opened_at=attempts)
    # An assessment started before any lesson was done: that was the first activity.
    enrollment.objects.filter(opened_at__gt=attempts).update(opened_at=attempts)

    # The modules an enrollment opens (modules.selectors.modules_open_to): its program's published
    # modules of its school year or of none; every year's when the enrollment has none.
    for has_year in (True, False):
        year = Q(school_year_id=OuterRef("school_year_id")) | Q(school_year__isnull=True) if has_year else Q()
        modules = module.objects.filter(year, program_id=program, is_published=True)
        done = completion.objects.filter(
            Q(module__school_year_id=OuterRef("school_year_id")) | Q(module__school_year__isnull=True)
            if has_year
            else Q(),
            **mine,
            module__program_id=program,
            module__is_published=True,
        )
        rows = enrollment.objects.filter(school_year__isnull=not has_year)
        rows.update(modules_passed=_count(done, "user_id"))
        rows.filter(
            modules_passed_at__isnull=True,
            modules_passed__gt=0,
            modules_passed__gte=_count(modules, "program_id"),
        ).update(modules_passed_at=Subquery(done.order_by("-completed_at").values("completed_at")[:1]))

    practicums = set_completion.objects.filter(
        **mine, practicum__program_id=program, practicum__kind="practicum"
    )
    enrollment.objects.filter(practicum_attended_at__isnull=True).update(
        practicum_attended_at=_first(practicums, "completed_at")
    )
    exams = exam.objects.filter(program_id=OuterRef(program)).values("assessment_id")
    passes = attempt.objects.filter(**mine, assessment_id__in=exams, passed=True)
    enrollment.objects.filter(exam_passed_at__isnull=True).update(
        exam_passed_at=_first(passes, "submitted_at")
    )
    granted = credential.objects.filter(**mine, program_id=program)
    enrollment.objects.filter(certified_at__isnull=True).update(certified_at=_first(granted, "created_at"))
