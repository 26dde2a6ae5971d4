"""People who need a nudge (issue #20), by reason, each list one bounded query: candidates behind
the recommended pace for their practicum (the rule the participant dashboard uses,
programs.selectors.pace_status), people whose modules opened but who never began one, people who
attended part of a set and missed a session, and credential holders short of CE hours within 90
days of expiry. Each person says when they were last nudged for the reason: nobody is nudged
twice for the same reason within a week."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse

from accounts.models import User
from core.dates import local_date, start_of_day
from core.numbers import hours_text
from modules.models import Module
from practicums.models import Attendance, Practicum, Registration, Session, SetCompletion
from programs.models import Enrollment, Program
from programs.selectors import Pace, pace_status
from recertification.models import Credential

from .models import Nudge, Reason

AGAIN_AFTER = timedelta(days=7)
SHOWN = 200  # people a list shows (the dashboard says how many there are)
MISSED_WITHIN = timedelta(days=60)  # sets with a session ended this recently
CE_WITHIN = timedelta(days=90)
NEVER_OPENED_WITHIN = timedelta(days=365)  # modules opened this recently: older enrollments are not nudged


@dataclass
class Candidate:
    user_id: int
    name: str
    email: str
    detail: str
    link: str
    last_nudged: datetime | None = None

    @property
    def nudged_recently(self) -> bool:
        return self.last_nudged is not None


def _link(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def behind_pace(program: Program, now: datetime) -> list[Candidate]:
    """Candidates with a confirmed place in an upcoming practicum, behind the pace that finishes
    their modules before it starts: the first SHOWN by practicum date, then by name. The people's
    names are read for those only (thousands are registered ahead at a large organisation)."""
    found, rule = [], PaceRule(program, now)
    for user_id, starts_on, zone, opens, passed, year in (
        _upcoming(program, now).order_by("practicum__starts_on", "pk").values_list("user_id", *PACE_FIELDS)
    ):
        pace = rule(starts_on, zone, opens, passed, year)
        if pace is not None and pace.behind:
            detail = (
                f"{passed} of {pace.total} modules passed, {int(pace.expected)} expected by now; "
                f"practicum {starts_on:%b %-d}"
            )
            found.append((starts_on, user_id, detail))
            if len(found) == SHOWN:
                break
    people = _names({user_id for _, user_id, _ in found})
    link = _link("dashboard")
    found.sort(key=lambda row: (row[0], people[row[1]][0]))
    return [Candidate(user_id, *people[user_id], detail, link) for _, user_id, detail in found]


def _names(user_ids: set[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (name, email)
        for pk, name, email in User.objects.filter(pk__in=user_ids).values_list("pk", "full_name", "email")
    }


# What a candidate's pace depends on: people who share these share a pace.
PACE_FIELDS = (
    "practicum__starts_on",
    "practicum__time_zone",
    "enrollment__access_opens_at",
    "enrollment__modules_passed",
    "enrollment__school_year_id",
)


def _upcoming(program: Program, now: datetime):
    return Registration.objects.filter(
        practicum__program=program,
        practicum__kind=Practicum.Kind.PRACTICUM,
        practicum__starts_on__gt=local_date(now, program.zone),
        status=Registration.Status.CONFIRMED,
    )


def _modules_per_year(program: Program) -> dict[int | None, int]:
    return dict(
        Module.objects.filter(program=program, is_published=True)
        .order_by()
        .values("school_year_id")
        .annotate(n=Count("pk"))
        .values_list("school_year_id", "n")
    )


class PaceRule:
    """The pace rule (programs.selectors.pace_status) for one program at one moment, each
    combination of PACE_FIELDS worked out once: people who share them share a pace."""

    def __init__(self, program: Program, now: datetime) -> None:
        self.now = now
        self.per_year = _modules_per_year(program)
        self.known: dict[tuple, Pace | None] = {}

    def __call__(self, starts_on, zone: str, opens: datetime, passed: int, year: int | None) -> Pace | None:
        key = (starts_on, zone, opens, passed, year)
        if key not in self.known:
            total = self.per_year.get(None, 0) + (
                self.per_year.get(year, 0) if year else sum(n for y, n in self.per_year.items() if y)
            )
            self.known[key] = pace_status(
                access_opens_at=opens,
                practicum_starts_at=start_of_day(starts_on, ZoneInfo(zone)),
                modules_total=total,
                modules_passed=passed,
                now=self.now,
            )
        return self.known[key]


def pace_counts(program: Program, now: datetime) -> tuple[int, int]:
    """(on pace, behind) among the candidates with a confirmed place in an upcoming practicum
    (whose modules are open): one grouped query, each group's pace worked out once."""
    on_pace = behind = 0
    rule = PaceRule(program, now)
    groups = _upcoming(program, now).values(*PACE_FIELDS).annotate(n=Count("pk"))
    for row in groups.values_list(*PACE_FIELDS, "n"):
        pace = rule(*row[:5])
        if pace is not None:
            if pace.behind:
                behind += row[5]
            else:
                on_pace += row[5]
    return on_pace, behind


def _never_opened(program: Program, now: datetime):
    return Enrollment.objects.filter(
        program=program,
        status=Enrollment.Status.ACTIVE,
        access_opens_at__lte=now,
        access_opens_at__gt=now - NEVER_OPENED_WITHIN,
        opened_at__isnull=True,
    )


def never_opened(program: Program, now: datetime) -> list[Candidate]:
    """Enrolled, modules open in the last year, not one lesson done or assessment started."""
    rows = (
        _never_opened(program, now)
        .order_by("access_opens_at", "pk")
        .values_list("user_id", "user__full_name", "user__email", "access_opens_at")[:SHOWN]
    )
    zone, link = program.zone, _link("dashboard")
    return [
        Candidate(uid, name, email, f"Modules open since {local_date(opens, zone):%b %-d, %Y}", link)
        for uid, name, email, opens in rows
    ]


def _missed(program: Program, now: datetime) -> list[tuple[int, int, int, int]]:
    """(person, event, sessions attended, sessions ended) of the people confirmed in a practicum
    or set with a session ended in the last 60 days who attended at least one of its ended
    sessions, missed at least one and are not complete; by event date. Grouped counts over the
    recent events only, joined here."""
    recent = list(
        Practicum.objects.filter(
            program=program,
            kind__in=[Practicum.Kind.PRACTICUM, Practicum.Kind.LIVE_SET],
            sessions__status=Session.Status.SCHEDULED,
            sessions__ends_at__gt=now - MISSED_WITHIN,
            sessions__ends_at__lte=now,
        )
        .order_by("starts_on", "pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    ended = dict(
        Session.objects.filter(practicum_id__in=recent, status=Session.Status.SCHEDULED, ends_at__lte=now)
        .order_by()
        .values("practicum_id")
        .annotate(n=Count("pk"))
        .values_list("practicum_id", "n")
    )
    attended = {
        (user_id, practicum_id): n
        for user_id, practicum_id, n in Attendance.objects.filter(
            session__practicum_id__in=recent, session__ends_at__lte=now
        )
        .order_by()
        .values("user_id", "session__practicum_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "session__practicum_id", "n")
    }
    complete = set(
        SetCompletion.objects.filter(practicum_id__in=recent).values_list("user_id", "practicum_id")
    )
    place = {pk: i for i, pk in enumerate(recent)}
    out = []
    for user_id, practicum_id in Registration.objects.filter(
        practicum_id__in=recent, status=Registration.Status.CONFIRMED
    ).values_list("user_id", "practicum_id"):
        went, held = attended.get((user_id, practicum_id), 0), ended.get(practicum_id, 0)
        if 1 <= went < held and (user_id, practicum_id) not in complete:
            out.append((user_id, practicum_id, went, held))
    out.sort(key=lambda row: (place[row[1]], row[0]))
    return out


def missed_session(program: Program, now: datetime) -> list[Candidate]:
    """Confirmed in a practicum or set with a session ended in the last 60 days: attended at
    least one of its ended sessions, missed at least one, and not complete."""
    rows = _missed(program, now)[:SHOWN]
    people = _names({r[0] for r in rows})
    titles = dict(Practicum.objects.filter(pk__in={r[1] for r in rows}).values_list("pk", "title"))
    link = _link("dashboard")
    # By event date (the rows' order), then name.
    order = {pid: i for i, pid in enumerate(dict.fromkeys(r[1] for r in rows))}
    rows.sort(key=lambda r: (order[r[1]], people[r[0]][0]))
    return [
        Candidate(uid, *people[uid], f"{titles[pid]}: {went} of {held} sessions so far", link)
        for uid, pid, went, held in rows
    ]


def _ce_short(program: Program, now: datetime):
    today = local_date(now, program.zone)
    return Credential.objects.filter(
        program=program,
        renewal__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + CE_WITHIN,
        ce_hours__lt=program.ce_hours_required,
    )


def ce_short(program: Program, now: datetime) -> list[Candidate]:
    """Holders whose credential (not renewed) expires within 90 days, short of the hours."""
    required = program.ce_hours_required
    rows = (
        _ce_short(program, now)
        .order_by("valid_until", "pk")
        .values_list("user_id", "user__full_name", "user__email", "ce_hours", "valid_until")[:SHOWN]
    )
    link = _link("recertification:ce")
    return [
        Candidate(
            uid,
            name,
            email,
            f"{hours_text(hours)} of {hours_text(required)} CE hours; expires {until:%b %-d, %Y}",
            link,
        )
        for uid, name, email, hours, until in rows
    ]


FINDERS = {
    Reason.BEHIND_PACE: behind_pace,
    Reason.NEVER_OPENED: never_opened,
    Reason.MISSED_SESSION: missed_session,
    Reason.CE_SHORT: ce_short,
}


def reasons_for(program: Program) -> list[Reason]:
    """The lists that apply to the program's kind (a series has no pace or credentials)."""
    if program.is_certification:
        return list(Reason)
    return [Reason.NEVER_OPENED, Reason.MISSED_SESSION]


def list_sizes(program: Program, now: datetime) -> dict[Reason, int]:
    """How many people are on each list that applies to the program (behind pace: see
    pace_counts), each counted in the database, none listed."""
    counted = {
        Reason.NEVER_OPENED: lambda: _never_opened(program, now).count(),
        Reason.MISSED_SESSION: lambda: len(_missed(program, now)),
        Reason.CE_SHORT: lambda: _ce_short(program, now).count(),
    }
    return {reason: counted[reason]() for reason in reasons_for(program) if reason in counted}


def nudge_candidates(
    program: Program, reason: str, now: datetime, found: list[Candidate] | None = None
) -> list[Candidate]:
    """The people on one list (`found`: as the worker kept it), each with when they were last
    nudged for it this week."""
    found = FINDERS[Reason(reason)](program, now)[:SHOWN] if found is None else found
    recent = dict(
        Nudge.objects.filter(
            program=program,
            reason=reason,
            user_id__in=[c.user_id for c in found],
            sent_at__gt=now - AGAIN_AFTER,
        )
        .order_by()
        .values("user_id")
        .annotate(last=Max("sent_at"))
        .values_list("user_id", "last")
    )
    for candidate in found:
        candidate.last_nudged = recent.get(candidate.user_id)
    return found
