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
from django.db.models import Count, Exists, F, Max, OuterRef
from django.urls import reverse

from core.dates import local_date, start_of_day
from core.db import SubqueryCount
from core.numbers import hours_text
from modules.models import Module
from practicums.models import Attendance, Practicum, Registration, Session, SetCompletion
from programs.models import Enrollment, Program
from programs.selectors import pace_status
from recertification.models import Credential

from .models import Nudge, Reason

AGAIN_AFTER = timedelta(days=7)
SHOWN = 500  # people a list shows (its count says how many there are)
MISSED_WITHIN = timedelta(days=60)  # sets with a session ended this recently
CE_WITHIN = timedelta(days=90)


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
    their modules before it starts."""
    return [candidate for candidate, behind in paced(program, now) if behind]


def paced(program: Program, now: datetime) -> list[tuple[Candidate, bool]]:
    """Every candidate with a confirmed place in an upcoming practicum (whose modules are open),
    and whether they are behind the pace."""
    today = local_date(now, program.zone)
    per_year = dict(
        Module.objects.filter(program=program, is_published=True)
        .order_by()
        .values("school_year_id")
        .annotate(n=Count("pk"))
        .values_list("school_year_id", "n")
    )
    rows = (
        Registration.objects.filter(
            practicum__program=program,
            practicum__kind=Practicum.Kind.PRACTICUM,
            practicum__starts_on__gt=today,
            status=Registration.Status.CONFIRMED,
        )
        .order_by("practicum__starts_on", "user__full_name")
        .values_list(
            "user_id",
            "user__full_name",
            "user__email",
            "practicum__starts_on",
            "practicum__time_zone",
            "enrollment__access_opens_at",
            "enrollment__modules_passed",
            "enrollment__school_year_id",
        )
    )
    out = []
    link = _link("dashboard")
    for user_id, name, email, starts_on, zone, opens, passed, year in rows:
        total = per_year.get(None, 0) + (
            per_year.get(year, 0) if year else sum(n for y, n in per_year.items() if y)
        )
        pace = pace_status(
            access_opens_at=opens,
            practicum_starts_at=start_of_day(starts_on, ZoneInfo(zone)),
            modules_total=total,
            modules_passed=passed,
            now=now,
        )
        if pace is None:
            continue
        when = f"{starts_on:%b %-d}"
        detail = f"{passed} of {total} modules passed, {int(pace.expected)} expected by now; practicum {when}"
        out.append((Candidate(user_id, name, email, detail, link), pace.behind))
    return out


def never_opened(program: Program, now: datetime) -> list[Candidate]:
    """Enrolled, modules open, not one lesson done or assessment started."""
    rows = (
        Enrollment.objects.filter(
            program=program,
            status=Enrollment.Status.ACTIVE,
            access_opens_at__lte=now,
            opened_at__isnull=True,
        )
        .order_by("access_opens_at", "pk")
        .values_list("user_id", "user__full_name", "user__email", "access_opens_at")[:SHOWN]
    )
    zone, link = program.zone, _link("dashboard")
    return [
        Candidate(uid, name, email, f"Modules open since {local_date(opens, zone):%b %-d, %Y}", link)
        for uid, name, email, opens in rows
    ]


def missed_session(program: Program, now: datetime) -> list[Candidate]:
    """Confirmed in a practicum or set with a session ended in the last 60 days: attended at
    least one of its ended sessions, missed at least one, and not complete."""
    recent = Session.objects.filter(
        practicum__program=program,
        status=Session.Status.SCHEDULED,
        ends_at__gt=now - MISSED_WITHIN,
        ends_at__lte=now,
    ).values("practicum_id")
    ended = Session.objects.filter(
        practicum=OuterRef("practicum_id"), status=Session.Status.SCHEDULED, ends_at__lte=now
    )
    attended = Attendance.objects.filter(
        user=OuterRef("user_id"), session__practicum=OuterRef("practicum_id"), session__ends_at__lte=now
    )
    complete = SetCompletion.objects.filter(user=OuterRef("user_id"), practicum=OuterRef("practicum_id"))
    rows = (
        Registration.objects.filter(
            practicum_id__in=recent,
            practicum__kind__in=[Practicum.Kind.PRACTICUM, Practicum.Kind.LIVE_SET],
            status=Registration.Status.CONFIRMED,
        )
        .annotate(ended=SubqueryCount(ended), attended=SubqueryCount(attended), complete=Exists(complete))
        .filter(attended__gte=1, attended__lt=F("ended"), complete=False)
        .order_by("practicum__starts_on", "user__full_name")
        .values_list("user_id", "user__full_name", "user__email", "practicum__title", "attended", "ended")[
            :SHOWN
        ]
    )
    link = _link("dashboard")
    return [
        Candidate(uid, name, email, f"{title}: {went} of {held} sessions so far", link)
        for uid, name, email, title, went, held in rows
    ]


def ce_short(program: Program, now: datetime) -> list[Candidate]:
    """Holders whose credential (not renewed) expires within 90 days, short of the hours."""
    today = local_date(now, program.zone)
    required = program.ce_hours_required
    rows = (
        Credential.objects.filter(
            program=program,
            renewal__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + CE_WITHIN,
            ce_hours__lt=required,
        )
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


def nudge_candidates(program: Program, reason: str, now: datetime) -> list[Candidate]:
    """The people on one list, each with when they were last nudged for it this week."""
    found = FINDERS[Reason(reason)](program, now)[:SHOWN]
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
