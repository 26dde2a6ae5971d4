"""Reads for programs."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from core import page_cache

from .models import (
    Enrollment,
    FAQEntry,
    GuideRequest,
    Instructor,
    Program,
    RecordedWebinar,
    Resource,
    SchoolYear,
    Season,
)


def program_list_published() -> QuerySet[Program]:
    return Program.objects.filter(status=Program.Status.PUBLISHED).order_by("order", "title")


def program_get_published(*, slug: str) -> Program:
    program = (
        program_list_published()
        .prefetch_related(
            Prefetch("faq", queryset=FAQEntry.objects.order_by("order", "id")),
            Prefetch("resources", queryset=Resource.objects.order_by("order", "id")),
            Prefetch("instructors", queryset=Instructor.objects.order_by("order", "name")),
        )
        .filter(slug=slug)
        .first()
    )
    if program is None:
        raise Http404("No such program.")
    return program


GUIDE_SALT = "programs.guide"
GUIDE_LINK_WORKS = timedelta(days=7)


def guide_for_program(*, program: Program) -> Resource | None:
    """The program's candidate's guide (a file), from the prefetched resources."""
    return next((r for r in program.resources.all() if r.kind == Resource.Kind.GUIDE and r.file), None)


def guide_request_token(*, request: GuideRequest) -> str:
    """The signed part of the guide's download address, given to whoever filled in the form."""
    return signing.dumps({"program": request.program_id, "request": request.pk}, salt=GUIDE_SALT)


def guide_token_is_valid(*, program: Program, token: str) -> bool:
    """A token made for this program's form within GUIDE_LINK_WORKS."""
    try:
        data = signing.loads(token, salt=GUIDE_SALT, max_age=GUIDE_LINK_WORKS)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return isinstance(data, dict) and data.get("program") == program.pk


def program_school_years(*, program: Program) -> list[SchoolYear]:
    return list(
        program.school_years.prefetch_related(Prefetch("seasons", queryset=Season.objects.order_by("order")))
    )


def instructor_list() -> QuerySet[Instructor]:
    return Instructor.objects.prefetch_related(
        Prefetch("programs", queryset=Program.objects.filter(status=Program.Status.PUBLISHED))
    ).order_by("order", "name")


def webinar_list() -> QuerySet[RecordedWebinar]:
    return RecordedWebinar.objects.select_related("program").order_by("-recorded_on", "title")


def enrollment_list_for_user(*, user) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(user=user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("program", "school_year")
        .order_by("-registered_at")
    )


def enrollments_for_record(*, user, program_ids: list[int] | None = None) -> list[Enrollment]:
    """The person's current enrollments (or those in the listed programs) in catalogue order:
    the programs of their record."""
    wanted = enrollment_list_for_user(user=user)
    if program_ids is not None:
        wanted = wanted.filter(program_id__in=program_ids)
    return list(wanted.order_by("program__order", "program__title"))


def enrollment_get_for_user(*, user, program: Program) -> Enrollment | None:
    return enrollment_list_for_user(user=user).filter(program=program).first()


@dataclass(frozen=True)
class Pace:
    expected: float
    passed: int
    total: int
    behind: bool


def pace_status(
    *,
    access_opens_at: datetime,
    practicum_starts_at: datetime,
    modules_total: int,
    modules_passed: int,
    now: datetime,
) -> Pace | None:
    """Behind pace when modules passed < total × the share of time elapsed between access and
    the practicum (the program's rule), counted in whole modules: nobody is "behind" on the
    first morning. None before access opens or without modules."""
    if modules_total == 0 or now < access_opens_at or practicum_starts_at <= access_opens_at:
        return None
    # In UTC: two times of one zone subtract as wall clocks, an hour off across a DST change.
    access_opens_at = access_opens_at.astimezone(UTC)
    practicum_starts_at = practicum_starts_at.astimezone(UTC)
    span = practicum_starts_at - access_opens_at
    share = min(1.0, (now - access_opens_at) / span)
    expected = modules_total * share
    # It reads differently from the next half module expected (a whole one behind, or the
    # rounded figure shown): a page showing it is not kept past then.
    next_half = (math.floor(expected * 2) + 1) / 2
    if next_half <= modules_total:
        page_cache.changes_at(access_opens_at + span * (next_half / modules_total))
    return Pace(
        expected=expected,
        passed=modules_passed,
        total=modules_total,
        behind=modules_passed < math.floor(expected),
    )
