"""Reads for practicums."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core import page_cache
from core.dates import local_date
from core.db import SubqueryCount
from programs.models import Instructor, Program

from .models import Attendance, Practicum, Registration, Session, SetCompletion, TrackGroup


def seats_taken() -> SubqueryCount:
    """A practicum's seats taken (places and held offers), counted per practicum in a subquery:
    a page of 25 events counts 25 events' registrations, not the whole table's."""
    return SubqueryCount(
        Registration.objects.filter(practicum=OuterRef("pk"), status__in=Registration.SEAT_STATUSES)
    )


def practicum_list_with_seats() -> QuerySet[Practicum]:
    """Practicums annotated with seats_taken and seats_left (confirmed places and held offers),
    with their instructors and scheduled sessions."""
    return (
        Practicum.objects.annotate(seats_taken=seats_taken())
        .annotate(seats_left=F("capacity") - F("seats_taken"))
        .select_related("program", "season", "group")
        .prefetch_related(
            Prefetch("instructors", queryset=Instructor.objects.order_by("order", "name")),
            _scheduled_sessions(),
        )
    )


def _scheduled_sessions() -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=Session.objects.filter(status=Session.Status.SCHEDULED).order_by("starts_at"),
        to_attr="scheduled_sessions",
    )


def _upcoming(today: date | None) -> Q:
    """Published, scheduled live events of a published program that have not started yet (by the
    UTC date, a day's margin either way is settled by the registration rules)."""
    return Q(
        is_published=True,
        status=Practicum.Status.SCHEDULED,
        starts_on__gt=today or local_date(timezone.now(), timezone.get_current_timezone()),
        program__status=Program.Status.PUBLISHED,
    )


def practicum_list_upcoming(
    *, program: Program | None = None, kind: str = "", today: date | None = None
) -> QuerySet[Practicum]:
    """The upcoming events (`_upcoming`) with their seats, of one kind when `kind` is given."""
    qs = practicum_list_with_seats().filter(_upcoming(today))
    if program is not None:
        qs = qs.filter(program=program)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("starts_on", "title")


def practicum_list_offered(*, program: Program, today: date | None = None) -> QuerySet[Practicum]:
    """What registration offers: a certification's upcoming practicums, a series' upcoming
    live-event sets; never its CE events (decision 0010)."""
    return practicum_list_upcoming(program=program, kind=Practicum.kind_offered_by(program), today=today)


def track_groups_for_program(*, program: Program, today: date | None = None) -> list[TrackGroup]:
    """A series' groups of alternatives, each with its upcoming live-event sets (seats annotated)."""
    upcoming = practicum_list_upcoming(program=program, kind=Practicum.Kind.LIVE_SET, today=today)
    return list(
        TrackGroup.objects.filter(program=program)
        .select_related("season")
        .prefetch_related(Prefetch("practicums", queryset=upcoming, to_attr="upcoming"))
        .order_by("season__school_year__starts_on", "season__order", "order")
    )


def series_tracks_for_user(*, user, program: Program) -> list[Registration]:
    """The tracks a person holds in a series (one per season's group), in date order."""
    return list(
        registration_list_for_user(user=user)
        .filter(practicum__program=program, practicum__group__isnull=False)
        .select_related("practicum__group__season__school_year")
    )


def series_with_open_seasons(*, user, program_ids: list[int], today: date | None = None) -> set[int]:
    """Of these series, the ones with a season the person could still add: a group with an
    upcoming live-event set and none of the person's (uncancelled) registrations. One query."""
    if not program_ids:
        return set()
    today = today or local_date(timezone.now(), timezone.get_current_timezone())
    held = Registration.objects.filter(user=user, practicum__group=OuterRef("pk")).exclude(
        status=Registration.Status.CANCELLED
    )
    open_sets = Practicum.objects.filter(
        group=OuterRef("pk"),
        kind=Practicum.Kind.LIVE_SET,
        is_published=True,
        status=Practicum.Status.SCHEDULED,
        starts_on__gt=today,
    )
    return set(
        TrackGroup.objects.filter(program_id__in=program_ids, program__kind=Program.Kind.SERIES)
        .filter(Exists(open_sets), ~Exists(held))
        .values_list("program_id", flat=True)
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
    """Where a registration may move: upcoming events of the same program and kind (and, for a
    series, the same group of alternatives) with a seat left."""
    practicum = registration.practicum
    qs = practicum_list_upcoming(program=practicum.program, kind=practicum.kind, today=today).exclude(
        pk=practicum.pk
    )
    if practicum.group_id:
        qs = qs.filter(group_id=practicum.group_id)
    return qs.filter(seats_left__gt=0)  # type: ignore[misc]  # seats_left is an annotation the stubs cannot see


def live_options_by_season(*, program: Program) -> dict[int, list[str]]:
    """For the progression table: per season, each group's alternatives ("Virtual Sessions 1–6
    or Days 1–3"), from the titles of the sets scheduled in it."""
    rows = (
        Practicum.objects.filter(
            program=program, kind=Practicum.Kind.LIVE_SET, season__isnull=False, is_published=True
        )
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


VIRTUAL_LOCATION = "virtual"


def schedule_filter_choices(*, today: date | None = None) -> tuple[list[date], list[tuple[str, str]]]:
    """The schedule's month and location choices: the months with an upcoming event, and the
    distinct (city, state) pairs of upcoming in-person events. One query over the upcoming
    events (index practicums_upcoming), without the schedule's annotations."""
    rows = (
        Practicum.objects.filter(_upcoming(today))
        .annotate(month=TruncMonth("starts_on"))
        .order_by()  # the model's ordering would join the DISTINCT: a row an event, not a row a choice
        .values_list("month", "format", "city", "state")
        .distinct()
    )
    months, places = set(), set()
    for month, format, city, state in rows:
        months.add(month)
        if format == Practicum.Format.IN_PERSON and city:
            places.add((city, state))
    return sorted(months), sorted(places, key=lambda place: (place[1], place[0]))


def schedule_filtered(
    *,
    program_slug: str = "",
    kind: str = "",
    format: str = "",
    month: str = "",
    location: tuple[str, str] | str = "",
) -> QuerySet[Practicum]:
    """The public schedule, filtered by program, kind (practicum, live-event set, CE event), format,
    month ("2027-01") and location (a (city, state) pair of in-person events, or VIRTUAL_LOCATION)."""
    # What the schedule shows and nothing more: its program and scheduled sessions, not the
    # instructors, season and group (a query and three joined rows an event).
    qs = (
        practicum_list_upcoming(kind=kind)
        .select_related(None)
        .select_related("program")
        .prefetch_related(None)
        .prefetch_related(_scheduled_sessions())
    )
    if location == VIRTUAL_LOCATION:
        qs = qs.filter(format=Practicum.Format.VIRTUAL)
    elif isinstance(location, tuple):
        city, state = location
        qs = qs.filter(format=Practicum.Format.IN_PERSON, city=city, state=state)
    if program_slug:
        qs = qs.filter(program__slug=program_slug)
    if format:
        qs = qs.filter(format=format)
    if month:
        year, _, number = month.partition("-")
        if year.isdigit() and number.isdigit():
            qs = qs.filter(starts_on__year=int(year), starts_on__month=int(number))
    return qs


@dataclass
class SetProgress:
    """One confirmed registration's part of a person's record: the event, its scheduled
    sessions (each with whether the person attended) and whether the set is complete."""

    practicum: Practicum
    sessions: list[tuple[Session, bool]]
    done: bool


def set_progress_for_user(*, user: User, program_ids: list[int]) -> list[SetProgress]:
    """The person's confirmed live events in these programs, by start date, with attendance.
    Four queries whatever the number of events."""
    registrations = list(
        Registration.objects.filter(
            user=user, practicum__program_id__in=program_ids, status=Registration.Status.CONFIRMED
        )
        .select_related("practicum__season__school_year")
        .order_by("practicum__starts_on")
    )
    practicum_ids = [r.practicum_id for r in registrations]
    sessions_by_practicum: dict[int, list[Session]] = defaultdict(list)
    scheduled = Session.objects.filter(practicum_id__in=practicum_ids, status=Session.Status.SCHEDULED)
    for session in scheduled.order_by("starts_at"):
        sessions_by_practicum[session.practicum_id].append(session)
    attended = set(
        Attendance.objects.filter(user=user, session__practicum_id__in=practicum_ids).values_list(
            "session_id", flat=True
        )
    )
    sets_done = set(
        SetCompletion.objects.filter(user=user, practicum_id__in=practicum_ids).values_list(
            "practicum_id", flat=True
        )
    )
    return [
        SetProgress(
            practicum=r.practicum,
            sessions=[(s, s.pk in attended) for s in sessions_by_practicum[r.practicum_id]],
            done=r.practicum_id in sets_done,
        )
        for r in registrations
    ]


def attendance_closes_at(session: Session) -> datetime:
    """The last moment a session's code is accepted: its end plus the grace period."""
    return session.ends_at + timedelta(minutes=settings.CREDO_ATTENDANCE_GRACE_MINUTES)


def attendance_state(*, session: Session, attended: bool, now: datetime) -> str:
    """A person's attendance of a session now: "attended", "upcoming" (its code is not accepted
    yet), "open" (accepted from its start until the grace after its end) or "missed"."""
    if attended:
        return "attended"
    page_cache.changes_at(session.starts_at, attendance_closes_at(session))  # the next state's start
    if now < session.starts_at:
        return "upcoming"
    if now <= attendance_closes_at(session):
        return "open"
    return "missed"


def my_sessions(*, user, now: datetime | None = None) -> list[Registration]:
    """The person's confirmed registrations, each with its sessions marked with their
    `attendance_state` and `closes_at` (when the code stops being accepted)."""
    now = now or timezone.now()
    registrations = list(
        Registration.objects.filter(user=user, status=Registration.Status.CONFIRMED)
        .select_related("practicum", "practicum__program")
        .prefetch_related(
            Prefetch(
                "practicum__sessions",
                queryset=Session.objects.filter(status=Session.Status.SCHEDULED).order_by("starts_at"),
                to_attr="scheduled_sessions",
            )
        )
        .order_by("practicum__starts_on")
    )
    attended = set(Attendance.objects.filter(user=user).values_list("session_id", flat=True))
    for registration in registrations:
        for session in registration.practicum.scheduled_sessions:  # type: ignore[attr-defined]  # Prefetch to_attr
            session.attended = session.pk in attended
            session.closes_at = attendance_closes_at(session)
            session.attendance_state = attendance_state(session=session, attended=session.attended, now=now)
    return registrations


def session_list_for_instructor(*, user, day_start, day_end) -> QuerySet[Session]:
    """Sessions overlapping [day_start, day_end): all of them for superusers, otherwise those of
    the practicums the person teaches. Each with its live check-in count."""
    qs = Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__lt=day_end, ends_at__gte=day_start
    )
    if not user.is_superuser:
        qs = qs.filter(practicum__instructors__user=user)
    return qs.select_related("practicum").annotate(checked_in=Count("attendances")).order_by("starts_at")


def session_get_for_instructor(*, user, pk: int) -> Session:
    qs = Session.objects.select_related("practicum")
    if not user.is_superuser:
        qs = qs.filter(practicum__instructors__user=user)
    session = qs.filter(pk=pk).first()
    if session is None:
        raise Http404("No such session.")
    return session


@dataclass
class RosterRow:
    registration: Registration
    user: object
    status: str
    cells: list[tuple[Session, bool]]  # each scheduled session, and whether they attended it

    @property
    def attended_count(self) -> int:
        return sum(1 for _, present in self.cells if present)


@dataclass
class Roster:
    sessions: list[Session]
    rows: list[RosterRow]


def roster_for_practicum(*, practicum: Practicum) -> Roster:
    """Everyone with a confirmed place, and which scheduled sessions they attended (3 queries)."""
    sessions = list(practicum.sessions.filter(status=Session.Status.SCHEDULED).order_by("starts_at"))
    registrations = list(
        Registration.objects.filter(practicum=practicum, status=Registration.Status.CONFIRMED)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    attended = set(Attendance.objects.filter(session__in=sessions).values_list("user_id", "session_id"))
    rows = [
        RosterRow(
            registration=r,
            user=r.user,
            status=r.get_status_display(),
            cells=[(s, (r.user_id, s.pk) in attended) for s in sessions],
        )
        for r in registrations
    ]
    return Roster(sessions=sessions, rows=rows)
