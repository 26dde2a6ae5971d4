"""The program dashboard's funnel: a cohort (the people who registered in the period) followed to
wherever they are now. A certification reads each person's milestones from their enrollment
(programs.milestones, decision 0023): one query whatever the length of the history. A series
counts, per season, who completed its live-event set and its on-demand modules."""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from modules.models import Module, ModuleCompletion
from practicums.models import Practicum, SetCompletion
from programs.models import Enrollment, Program, Season

from .period import Period

CERTIFICATION_STEPS = (
    ("registered_at", "Registered"),
    ("opened_at", "Opened a module"),
    ("modules_passed_at", "Passed every module"),
    ("practicum_attended_at", "Attended the practicum"),
    ("exam_passed_at", "Passed the exam"),
    ("certified_at", "Certified"),
)


@dataclass
class Step:
    label: str
    people: int
    conversion: float | None = None  # percent of the step before (of those registered, for a series)
    median_days: float | None = None  # from the step before, among the people at this step


def cohort(program: Program, period: Period) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(
        program=program, registered_at__gte=period.starts_at, registered_at__lt=period.ends_at
    )


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 86400


def certification_funnel(program: Program, period: Period) -> list[Step]:
    """Each step counts the people who reached it and every step before it; the median days are
    between that step and the one before, for those people."""
    fields = [name for name, _ in CERTIFICATION_STEPS]
    rows = list(cohort(program, period).order_by().values_list(*fields))
    steps: list[Step] = []
    reached = rows
    for index, (_, label) in enumerate(CERTIFICATION_STEPS):
        reached = [row for row in reached if row[index] is not None]
        step = Step(label=label, people=len(reached))
        if index:
            before = steps[-1].people
            step.conversion = 100 * step.people / before if before else None
            gaps = [_days(row[index], row[index - 1]) for row in reached]
            step.median_days = statistics.median(gaps) if gaps else None
        steps.append(step)
    return steps


def series_funnel(program: Program, period: Period) -> list[Step]:
    """Registered, then for each season of the cohort's school years: who completed a live-event
    set of that season, and who completed every on-demand module of it (each as a share of those
    registered in that school year)."""
    people = list(cohort(program, period).order_by().values_list("user_id", "school_year_id"))
    users = cohort(program, period).values("user_id")
    sets_done = set(
        SetCompletion.objects.filter(
            user_id__in=users, practicum__program=program, practicum__kind=Practicum.Kind.LIVE_SET
        )
        .order_by()
        .values_list("user_id", "practicum__season_id")
        .distinct()
    )
    on_demand = list(
        Module.objects.filter(program=program, is_on_demand=True, is_published=True, season__isnull=False)
        .order_by()
        .values_list("pk", "season_id")
    )
    modules_of: dict[int, set[int]] = defaultdict(set)
    for module_id, season_id in on_demand:
        modules_of[season_id].add(module_id)
    completed: dict[int, set[int]] = defaultdict(set)
    for user_id, module_id in ModuleCompletion.objects.filter(
        user_id__in=users, module_id__in=[pk for pk, _ in on_demand]
    ).values_list("user_id", "module_id"):
        completed[user_id].add(module_id)
    seasons = _seasons(program, {year for _, year in people if year})
    steps = [Step(label="Registered", people=len(people))]
    for label, season_ids in seasons:
        registered = [user for user, year in people if year in season_ids]
        sets = sum(1 for user, year in people if (user, season_ids.get(year)) in sets_done)
        modules = sum(
            1
            for user, year in people
            if year in season_ids
            and modules_of[season_ids[year]]
            and modules_of[season_ids[year]] <= completed[user]
        )
        for what, count in (
            (f"{label}: live-event set complete", sets),
            (f"{label}: on-demand modules complete", modules),
        ):
            steps.append(
                Step(
                    label=what, people=count, conversion=100 * count / len(registered) if registered else None
                )
            )
    return steps


def _seasons(program: Program, school_year_ids: set[int]) -> list[tuple[str, dict[int, int]]]:
    """The seasons of these school years by their place in the year ("Summer", "Fall"…): each
    with the season's id in every one of the years."""
    by_place: dict[tuple[int, str], dict[int, int]] = {}
    for season_id, year_id, order, name in (
        Season.objects.filter(school_year_id__in=school_year_ids, school_year__program=program)
        .order_by("order", "school_year__starts_on")
        .values_list("pk", "school_year_id", "order", "name")
    ):
        by_place.setdefault((order, name), {})[year_id] = season_id
    return [(name, years) for (_, name), years in sorted(by_place.items())]
