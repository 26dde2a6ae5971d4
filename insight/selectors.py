"""A program at a glance (issue #20): the figures of the program dashboard, each section in a
fixed number of queries whatever the size of the history. Time series and fill are by the
event's date, the funnel by registration date (insight.funnel); all in the program's zone."""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Q
from django.db.models.functions import TruncMonth, TruncWeek

from certificates.models import EmailBatch
from core.dates import local_date
from core.db import SubqueryCount
from modules.models import Attempt, Module, Question
from modules.results import QuestionStat, question_stats
from practicums.models import Attendance, Practicum, Registration, Session
from practicums.selectors import seats_taken
from programs.models import Enrollment, Program
from recertification.models import Credential

from .funnel import Step, certification_funnel, series_funnel
from .models import Reason
from .nudges import list_sizes, pace_counts
from .period import Period

FILL_SHOWN = 12  # upcoming events in the fill table
HARDEST_SAMPLE = 500  # the latest attempts the hardest questions are drawn from
LOW_ATTENDANCE_POINTS = 20  # "unusually low": this many points under the period's median
LOW_SHOWN = 10
EXPIRING_DAYS = 90
BATCHES_SHOWN = 14


@dataclass
class Bucket:
    label: str
    count: int


@dataclass
class Fill:
    practicum: Practicum
    taken: int
    waitlist: int

    @property
    def percent(self) -> float:
        return 100 * self.taken / self.practicum.capacity if self.practicum.capacity else 0.0


@dataclass
class ModuleFigures:
    module: Module
    people: int
    attempts: int
    passed: int

    @property
    def pass_rate(self) -> float | None:
        return 100 * self.passed / self.people if self.people else None

    @property
    def average_attempts(self) -> float | None:
        return self.attempts / self.people if self.people else None


@dataclass
class SessionFigures:
    session_id: int
    title: str
    starts_at: datetime
    practicum_id: int
    event: str  # its practicum's title
    zone: str  # its practicum's time zone
    expected: int = 0  # confirmed places in its event
    codes: int = 0  # attendance codes entered
    marked: int = 0  # marked present by staff

    @property
    def rate(self) -> float | None:
        return 100 * (self.codes + self.marked) / self.expected if self.expected else None


@dataclass
class AttendanceFigures:
    sessions: list[SessionFigures]  # every one (the CSV); not kept with the figures (insight.snapshots)
    median_rate: float | None
    low: list[SessionFigures]
    distribution: list[Bucket]
    held: int = 0
    codes: int = 0


@dataclass
class CredentialFigures:
    active: int = 0
    expiring: int = 0
    lapsed: int = 0
    hours: list[Bucket] = field(default_factory=list)  # CE hours of the active, toward the requirement


@dataclass
class Dashboard:
    program: Program
    period: Period
    today: date
    funnel: list[Step]
    registrations: list[Bucket]
    registrations_by: str  # "week" or "month"
    fill: list[Fill]
    modules: list[ModuleFigures]
    hardest: list[QuestionStat]
    attendance: AttendanceFigures
    credentials: CredentialFigures | None
    batches: list[EmailBatch]
    on_pace: tuple[int, int] | None = None  # (on pace, behind) of the candidates with a practicum ahead
    nudges: list[tuple[str, str, int]] = field(default_factory=list)  # (reason, label, people)
    computed_at: datetime | None = None  # when these figures were computed (insight.snapshots)


def registrations_over_time(program: Program, period: Period) -> tuple[list[Bucket], str]:
    """Registrations a week (a month when the period is longer than four months), every week or
    month of the period shown, empty ones too."""
    by = "week" if period.days <= 120 else "month"
    trunc = (TruncWeek if by == "week" else TruncMonth)("registered_at", tzinfo=period.zone)
    counts = dict(
        Enrollment.objects.filter(
            program=program, registered_at__gte=period.starts_at, registered_at__lt=period.ends_at
        )
        .order_by()
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )
    counts = {(b.date() if hasattr(b, "date") else b): n for b, n in counts.items()}
    buckets = []
    if by == "week":
        day = period.first - timedelta(days=period.first.weekday())
        while day <= period.last:
            buckets.append(Bucket(f"{day:%b} {day.day}, {day.year}", counts.get(day, 0)))
            day += timedelta(days=7)
    else:
        day = period.first.replace(day=1)
        while day <= period.last:
            buckets.append(Bucket(f"{day:%B %Y}", counts.get(day, 0)))
            day = (day + timedelta(days=32)).replace(day=1)
    return buckets, by


def upcoming_fill(program: Program, today: date) -> list[Fill]:
    """The next events a person registers for (practicums, or a series' live-event sets; not CE
    events): seats taken (confirmed and offered) of capacity, and the waitlist."""
    events = (
        Practicum.objects.filter(
            program=program,
            kind=Practicum.kind_offered_by(program),
            status=Practicum.Status.SCHEDULED,
            starts_on__gte=today,
        )
        .annotate(
            taken=seats_taken(),
            waitlist=SubqueryCount(
                Registration.objects.filter(practicum=OuterRef("pk"), status=Registration.Status.WAITLISTED)
            ),
        )
        .order_by("starts_on", "pk")[:FILL_SHOWN]
    )
    return [Fill(practicum=p, taken=p.taken, waitlist=p.waitlist) for p in events]


def assessment_figures(program: Program, period: Period) -> tuple[list[ModuleFigures], list[QuestionStat]]:
    """Per module, over the attempts started in the period (and finished): people, attempts,
    people who passed. The five hardest questions, from the period's latest attempts."""
    modules = list(
        Module.objects.filter(program=program, is_published=True, assessment__isnull=False).order_by(
            "order", "pk"
        )
    )
    finished = Attempt.objects.filter(
        assessment_id__in=[m.assessment_id for m in modules],
        started_at__gte=period.starts_at,
        started_at__lt=period.ends_at,
    ).exclude(state=Attempt.State.IN_PROGRESS)
    totals = {
        row["assessment_id"]: row
        for row in finished.order_by()
        .values("assessment_id")
        .annotate(
            attempts=Count("pk"),
            people=Count("user_id", distinct=True),
            passed=Count("user_id", filter=Q(passed=True), distinct=True),
        )
    }
    # The modules someone attempted in the period (a program keeps every school year's modules).
    figures = [
        ModuleFigures(
            module=m,
            people=totals.get(m.assessment_id, {}).get("people", 0),
            attempts=totals.get(m.assessment_id, {}).get("attempts", 0),
            passed=totals.get(m.assessment_id, {}).get("passed", 0),
        )
        for m in modules
        if m.assessment_id in totals
    ]
    latest = list(finished.order_by("-started_at").values_list("question_ids", "answers")[:HARDEST_SAMPLE])
    # Only the questions those attempts asked (a program keeps every school year's banks).
    asked = {qid for question_ids, _ in latest for qid in question_ids}
    questions = list(
        Question.objects.filter(pk__in=asked, assessment_id__in=[m.assessment_id for m in modules])
        .select_related("assessment__module")
        .prefetch_related("choices")
    )
    stats = question_stats(questions=questions, answered=latest)
    hardest = sorted((s for s in stats if s.asked), key=lambda s: (s.percent_right, -s.asked))[:5]
    return figures, hardest


def attendance_figures(program: Program, period: Period, now) -> AttendanceFigures:
    """The period's sessions that have started: confirmed places in their event, codes entered
    and staff marks; the ones unusually low (well under the period's median)."""
    held = Session.objects.filter(
        practicum__program=program,
        status=Session.Status.SCHEDULED,
        starts_at__gte=period.starts_at,
        starts_at__lt=min(period.ends_at, now),
    )
    # Rows as tuples and the counts grouped by session and by event: a year has thousands of
    # sessions, too many for model instances and a correlated count each.
    figures = [
        SessionFigures(*row)
        for row in held.order_by("starts_at", "pk").values_list(
            "pk", "title", "starts_at", "practicum_id", "practicum__title", "practicum__time_zone"
        )
    ]
    by_session = {f.session_id: f for f in figures}
    for session_id, source, n in (
        Attendance.objects.filter(session__in=held.values("pk"))
        .order_by()
        .values("session_id", "source")
        .annotate(n=Count("pk"))
        .values_list("session_id", "source", "n")
    ):
        if source == Attendance.Source.CODE:
            by_session[session_id].codes = n
        else:
            by_session[session_id].marked += n
    places = dict(
        Registration.objects.filter(
            practicum_id__in=held.values("practicum_id"), status=Registration.Status.CONFIRMED
        )
        .order_by()
        .values("practicum_id")
        .annotate(n=Count("pk"))
        .values_list("practicum_id", "n")
    )
    for f in figures:
        f.expected = places.get(f.practicum_id, 0)
    rates = [f.rate for f in figures if f.rate is not None]
    median = statistics.median(rates) if rates else None
    low = sorted(
        (
            f
            for f in figures
            if f.rate is not None and median is not None and f.rate < median - LOW_ATTENDANCE_POINTS
        ),
        key=lambda f: f.rate or 0,
    )[:LOW_SHOWN]
    bands = ((0, "Under 50 %"), (50, "50–69 %"), (70, "70–79 %"), (80, "80–89 %"), (90, "90 % or more"))
    distribution = [
        Bucket(label, sum(1 for r in rates if edge <= r and (i + 1 == len(bands) or r < bands[i + 1][0])))
        for i, (edge, label) in enumerate(bands)
    ]
    return AttendanceFigures(
        sessions=figures,
        median_rate=median,
        low=low,
        distribution=distribution,
        held=len(figures),
        codes=sum(f.codes for f in figures),
    )


def credential_figures(program: Program, today: date) -> CredentialFigures:
    """Each holder's latest credential (not renewed): active, expiring within 90 days, lapsed;
    and the CE hours the current ones count toward the requirement (kept on the credential,
    recertification.tally), in bands. One query."""
    soon = today + timedelta(days=EXPIRING_DAYS)
    required = program.ce_hours_required or Decimal(24)
    edges = [required * i / 4 for i in range(5)]  # 0, 6, 12, 18, 24 for 24 required
    current = Q(valid_until__gte=today)
    bands = {
        f"band{i}": Count("pk", filter=current & Q(ce_hours__gte=edges[i]) & Q(ce_hours__lt=edges[i + 1]))
        for i in range(4)
    }
    counts = Credential.objects.filter(program=program, renewal__isnull=True).aggregate(
        active=Count("pk", filter=Q(valid_until__gt=soon)),
        expiring=Count("pk", filter=Q(valid_until__gte=today, valid_until__lte=soon)),
        lapsed=Count("pk", filter=Q(valid_until__lt=today)),
        band4=Count("pk", filter=current & Q(ce_hours__gte=required)),
        **bands,
    )
    labels = [f"{_h(edges[i])}–{_h(edges[i + 1])} h" for i in range(4)] + [f"{_h(required)} h or more"]
    return CredentialFigures(
        active=counts["active"],
        expiring=counts["expiring"],
        lapsed=counts["lapsed"],
        hours=[Bucket(label, counts[f"band{i}"]) for i, label in enumerate(labels)],
    )


def _h(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def program_dashboard(program: Program, period: Period, *, now) -> Dashboard:
    today = local_date(now, program.zone)
    registrations, by = registrations_over_time(program, period)
    modules, hardest = assessment_figures(program, period)
    return Dashboard(
        program=program,
        period=period,
        today=today,
        funnel=certification_funnel(program, period)
        if program.is_certification
        else series_funnel(program, period),
        registrations=registrations,
        registrations_by=by,
        fill=upcoming_fill(program, today),
        modules=modules,
        hardest=hardest,
        attendance=attendance_figures(program, period, now),
        credentials=credential_figures(program, today) if program.is_certification else None,
        batches=list(EmailBatch.objects.order_by("-started_at")[:BATCHES_SHOWN]),
        computed_at=now,
        **nudge_counts(program, now),
    )


def nudge_counts(program: Program, now) -> dict:
    """How many are on each list of people who need a nudge (the lists that apply to the
    program's kind), and how many candidates are on pace."""
    sizes = list_sizes(program, now)
    on_pace = None
    if program.is_certification:
        on_pace = pace_counts(program, now)
        sizes[Reason.BEHIND_PACE] = on_pace[1]
    counts = [(reason.value, reason.label, sizes[reason]) for reason in Reason if reason in sizes]
    return {"on_pace": on_pace, "nudges": counts}
