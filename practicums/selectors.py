"""Reads for practicums."""

from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from programs.dates import local_date
from programs.models import Instructor, Program

from .models import Practicum, Registration, TrackGroup

SEAT_FILTER = Q(registrations__status__in=Registration.SEAT_STATUSES)


def practicum_list_with_seats() -> QuerySet[Practicum]:
    """Practicums annotated with seats_taken and seats_left (confirmed places and held offers)."""
    return (
        Practicum.objects.annotate(seats_taken=Count("registrations", filter=SEAT_FILTER))
        .annotate(seats_left=F("capacity") - F("seats_taken"))
        .select_related("program", "season", "group")
        .prefetch_related(Prefetch("instructors", queryset=Instructor.objects.order_by("order", "name")))
    )


def practicum_list_upcoming(
    *, program: Program | None = None, today: date | None = None
) -> QuerySet[Practicum]:
    """Published, scheduled practicums that have not started yet (by the UTC date, a day's margin
    either way is settled by the registration rules)."""
    today = today or local_date(timezone.now(), timezone.get_current_timezone())
    qs = practicum_list_with_seats().filter(
        is_published=True,
        status=Practicum.Status.SCHEDULED,
        starts_on__gt=today,
        program__status=Program.Status.PUBLISHED,
    )
    if program is not None:
        qs = qs.filter(program=program)
    return qs.order_by("starts_on", "title")


def track_groups_for_program(*, program: Program, today: date | None = None) -> list[TrackGroup]:
    """A series' groups of alternatives, each with its upcoming practicums (seats annotated)."""
    upcoming = practicum_list_upcoming(program=program, today=today)
    return list(
        TrackGroup.objects.filter(program=program)
        .select_related("season")
        .prefetch_related(Prefetch("practicums", queryset=upcoming, to_attr="upcoming"))
        .order_by("season__school_year__starts_on", "season__order", "order")
    )


def practicum_get_public(*, pk: int) -> Practicum:
    practicum = practicum_list_with_seats().filter(pk=pk, is_published=True).first()
    if practicum is None:
        raise Http404("No such practicum.")
    return practicum


def registration_list_for_user(*, user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("practicum", "practicum__program", "practicum__group", "enrollment")
        .order_by("practicum__starts_on")
    )


def registration_get_for_user(*, user, pk: int) -> Registration:
    registration = registration_list_for_user(user=user).filter(pk=pk).first()
    if registration is None:
        raise Http404("No such registration.")
    return registration


def move_targets(*, registration: Registration, today: date) -> QuerySet[Practicum]:
    """Where a registration may move: upcoming practicums of the same program (and, for a
    series, the same group of alternatives) with a seat left."""
    practicum = registration.practicum
    qs = practicum_list_upcoming(program=practicum.program, today=today).exclude(pk=practicum.pk)
    if practicum.group_id:
        qs = qs.filter(group_id=practicum.group_id)
    return qs.filter(seats_left__gt=0)  # type: ignore[misc]  # seats_left is an annotation the stubs cannot see


def live_options_by_season(*, program: Program) -> dict[int, list[str]]:
    """For the progression table: per season, each group's alternatives ("Virtual Sessions 1–6
    or Days 1–3"), from the titles of the sets scheduled in it."""
    rows = (
        Practicum.objects.filter(program=program, season__isnull=False, is_published=True)
        .exclude(status=Practicum.Status.CANCELLED)
        .values_list("season_id", "group_id", "title")
        .order_by("season_id", "group__order", "group_id", "format", "title")
        .distinct()
    )
    grouped: dict[int, dict[int | None, list[str]]] = {}
    for season_id, group_id, title in rows:
        titles = grouped.setdefault(season_id, {}).setdefault(group_id, [])
        if title not in titles:
            titles.append(title)
    return {
        season_id: [" or ".join(titles) for titles in groups.values()]
        for season_id, groups in grouped.items()
    }
