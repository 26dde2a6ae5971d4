"""The dashboard's "Next": for each enrollment, the one thing the person should do now.

`enrollment_facts` (in `config.enrollment_facts`) gathers what every app knows about a person's
enrollments through their selectors; `next_step` is a
plain function of those facts and the time, so every stage can be tested on its own:

certification: access date → modules → practicum (attendance) → exam → credential and CE,
series: access date → the next live event (or the code to enter now) → modules → certificates,

and what to do when something went wrong (a missed practicum day, the exam's attempts used up,
an expired exam link, a lapsed credential)."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from core.dates import date_range, local_date
from core.numbers import hours_text
from modules.selectors import ModuleStatus
from practicums.models import Registration, Session
from recertification.models import Credential, ExamInvitation

from .enrollment_facts import EnrollmentFacts, enrollment_facts

__all__ = [
    "ACTION",
    "GOOD",
    "INFO",
    "PROBLEM",
    "WARNING",
    "EnrollmentFacts",
    "NextStep",
    "enrollment_facts",
    "next_step",
]

INFO, ACTION, GOOD, WARNING, PROBLEM = "info", "action", "good", "warning", "problem"


@dataclass(frozen=True)
class NextStep:
    headline: str
    text: str = ""
    link: str = ""
    link_text: str = ""
    tone: str = INFO  # info, action, good, warning or problem


def _day(day) -> str:
    return date_range(day, day)


def _when(instant: datetime, zone) -> str:
    local = timezone.localtime(instant, zone)
    return f"{local:%A}, {local:%B} {local.day} at {local:%H:%M}"


def _contact() -> str:
    return reverse("programs:contact")


def _module_step(facts: EnrollmentFacts, module: ModuleStatus, *, before: str = "") -> NextStep:
    done = f"{facts.modules_passed} of {len(facts.modules)} modules complete"
    behind = facts.pace is not None and facts.pace.behind
    return NextStep(
        headline=f"Continue with {module.module.title}",
        text=f"{done}{before}.",  # the card explains the pace beside it
        link=reverse("modules:detail", args=[module.module.pk]),
        link_text="Open the module",
        tone=WARNING if behind else ACTION,
    )


def _offered(facts: EnrollmentFacts) -> NextStep | None:
    for r in facts.registrations:
        if r.status == Registration.Status.OFFERED:
            return NextStep(
                headline=f"A seat in {r.practicum.title} is yours if you confirm it",
                text=f"The offer holds until {_when(r.offer_expires_at, facts.person_zone)}."
                if r.offer_expires_at
                else "",
                tone=ACTION,
            )
    return None


def next_step(facts: EnrollmentFacts, *, now: datetime) -> NextStep:
    """The person's next step in one enrollment."""
    step = _offered(facts)
    if step is not None:
        return step
    if facts.program.is_certification:
        return _certification_step(facts, now)
    return _series_step(facts, now)


def _access_step(facts: EnrollmentFacts) -> NextStep:
    opens = local_date(facts.enrollment.access_opens_at, facts.program.zone)
    return NextStep(
        headline=f"Your modules open on {opens:%A}, {opens:%B} {opens.day}",
        text="We will email you that day.",
        tone=INFO,
    )


def _missed(sessions: list[Session]) -> list[Session]:
    return [s for s in sessions if s.attendance_state == "missed"]  # type: ignore[attr-defined]  # set by my_sessions


def _open_now(sessions: list[Session]) -> Session | None:
    return next((s for s in sessions if s.attendance_state == "open"), None)  # type: ignore[attr-defined]


def _certification_step(facts: EnrollmentFacts, now: datetime) -> NextStep:
    program = facts.program
    credential = facts.credential
    if credential is not None:
        return _credential_step(facts, credential)
    if facts.invitation is not None:
        return _exam_step(facts, facts.invitation, now)
    if facts.enrollment.access_opens_at > now:
        return _access_step(facts)
    practicum = facts.practicum
    if practicum is None:
        waiting = next((r for r in facts.registrations if r.status == Registration.Status.WAITLISTED), None)
        if waiting is not None:
            return NextStep(
                headline=f"You are on the waitlist for {waiting.practicum.title}",
                text="We will email you when a seat frees up. You can also choose another practicum.",
                link=reverse("practicums:schedule"),
                link_text="See the practicum schedule",
                tone=INFO,
            )
        return NextStep(
            headline="Choose your practicum",
            text="Your certification needs one practicum, attended in full.",
            link=reverse("practicums:register", args=[program.slug]),
            link_text="Choose a practicum",
            tone=ACTION,
        )
    sessions = facts.sessions.get(practicum.pk, [])
    missed = _missed(sessions)
    if missed:
        days = ", ".join(s.title for s in missed)
        return NextStep(
            headline=f"You missed {days} of {practicum.title}",
            text=(
                "Every scheduled hour of the practicum counts toward the certification. If you were "
                "there, ask our staff to correct your attendance; if not, ask them to move you to a "
                "later practicum."
            ),
            link=_contact(),
            link_text="Contact our staff",
            tone=PROBLEM,
        )
    open_session = _open_now(sessions)
    if open_session is not None:
        return NextStep(
            headline=f"Enter the attendance code for {open_session.title}",
            text=f"Your instructor shows it at the end of the session; it is accepted until "
            f"{_when(open_session.closes_at, practicum.zone)} ({practicum.time_zone}).",  # type: ignore[attr-defined]
            link=reverse("practicums:attendance"),
            link_text="Enter the code",
            tone=ACTION,
        )
    today = local_date(now, practicum.zone)
    if facts.next_module is not None:
        before = f", finish them before your practicum starts on {_day(practicum.starts_on)}"
        return _module_step(facts, facts.next_module, before=before if today < practicum.starts_on else "")
    if today < practicum.starts_on:
        return NextStep(
            headline=f"Your practicum starts on {practicum.starts_on:%A}, {practicum.starts_on:%B} "
            f"{practicum.starts_on.day}",
            text=f"All modules are complete. {practicum.title}, {practicum.place}.",
            link=practicum.get_absolute_url(),
            link_text="Practicum details",
            tone=GOOD,
        )
    upcoming = next((s for s in sessions if s.attendance_state == "upcoming"), None)  # type: ignore[attr-defined]
    if upcoming is not None:
        return NextStep(
            headline=f"Your practicum is under way: next, {upcoming.title}",
            text=f"{_when(upcoming.starts_at, practicum.zone)} ({practicum.time_zone}).",
            link=practicum.get_absolute_url(),
            link_text="Practicum details",
            tone=INFO,
        )
    return NextStep(
        headline="Your exam link is on its way",
        text="It is issued by email and here on the last day of your practicum.",
        tone=INFO,
    )


def _exam_step(facts: EnrollmentFacts, invitation: ExamInvitation, now: datetime) -> NextStep:
    eligibility = facts.eligibility
    zone = facts.person_zone
    exam_url = invitation.get_absolute_url()
    if eligibility is not None and eligibility.attempts_left == 0:
        return NextStep(
            headline="You have used all your exam attempts",
            text="Please contact our staff to discuss a retake.",
            link=_contact(),
            link_text="Contact our staff",
            tone=PROBLEM,
        )
    if invitation.expires_at <= now:
        return NextStep(
            headline=f"Your exam link expired on {_day(local_date(invitation.expires_at, zone))}",
            text="Ask our staff for a new link.",
            link=_contact(),
            link_text="Contact our staff",
            tone=PROBLEM,
        )
    until = _day(local_date(invitation.expires_at, zone))
    practicum_sessions = facts.sessions.get(invitation.practicum_id, [])
    missed = _missed(practicum_sessions)
    if missed:
        return NextStep(
            headline=f"Before the exam: you missed {', '.join(s.title for s in missed)} of your practicum",
            text="If you were there, ask our staff to correct your attendance; if not, ask them about "
            "a later practicum.",
            link=_contact(),
            link_text="Contact our staff",
            tone=PROBLEM,
        )
    if facts.next_module is not None:
        return _module_step(
            facts, facts.next_module, before=f", the exam needs all of them (the link works until {until})"
        )
    if eligibility is not None and eligibility.next_allowed_at is not None:
        return NextStep(
            headline=f"Your next exam attempt opens on {_when(eligibility.next_allowed_at, zone)}",
            text=f"{eligibility.attempts_used} attempt{'s' if eligibility.attempts_used != 1 else ''} used"
            + (f", {eligibility.attempts_left} left." if eligibility.attempts_left is not None else "."),
            link=exam_url,
            link_text="The exam page",
            tone=WARNING,
        )
    if eligibility is not None and eligibility.attempts_used:
        left = eligibility.attempts_left
        return NextStep(
            headline="Take the exam again",
            text=(f"{left} attempt{'s' if left != 1 else ''} left. " if left is not None else "")
            + f"The link works until {until}.",
            link=exam_url,
            link_text="Go to the exam",
            tone=WARNING,
        )
    return NextStep(
        headline="Take your certification exam",
        text=f"The link works until {until}.",
        link=exam_url,
        link_text="Go to the exam",
        tone=ACTION,
    )


def _credential_step(facts: EnrollmentFacts, credential: Credential) -> NextStep:
    program = facts.program
    status = facts.credential_status
    until = _day(credential.valid_until)
    required = hours_text(program.ce_hours_required)
    hours = f"{hours_text(facts.ce_hours)} of {required} continuing-education hours"
    if status == "lapsed":
        return NextStep(
            headline=f"Your certification lapsed on {until}",
            text="Contact our staff to regain it.",
            link=_contact(),
            link_text="Contact our staff",
            tone=PROBLEM,
        )
    if status == "renewed":
        return NextStep(
            headline=f"Recertified: valid until {_day(credential.renewal.valid_until)}",  # type: ignore[union-attr]
            text="Log your continuing education for the new period as you go.",
            link=reverse("recertification:ce"),
            link_text="Continuing education",
            tone=GOOD,
        )
    if status == "expiring":
        return NextStep(
            headline=f"Your certification expires on {until}",
            text=f"{hours} logged toward recertification.",
            link=reverse("recertification:ce"),
            link_text="Log CE hours and recertify",
            tone=WARNING,
        )
    return NextStep(
        headline=f"Certified until {until}",
        text=f"{hours} logged toward recertification.",
        link=reverse("recertification:ce"),
        link_text="Continuing education",
        tone=GOOD,
    )


def _series_step(facts: EnrollmentFacts, now: datetime) -> NextStep:
    sets = facts.live_sets
    for practicum in sets:
        open_session = _open_now(facts.sessions.get(practicum.pk, []))
        if open_session is not None:
            return NextStep(
                headline=f"Enter the attendance code for {practicum.title}, {open_session.title}",
                text="Your presenter shows it at the end of the session; it is accepted until "
                f"{_when(open_session.closes_at, practicum.zone)} ({practicum.time_zone}).",  # type: ignore[attr-defined]
                link=reverse("practicums:attendance"),
                link_text="Enter the code",
                tone=ACTION,
            )
    for practicum in sets:
        missed = _missed(facts.sessions.get(practicum.pk, []))
        if missed:
            return NextStep(
                headline=f"You missed {', '.join(s.title for s in missed)} of {practicum.title}",
                text="Its certificate needs the code of every session. If you were there, ask our "
                "staff to correct your attendance.",
                link=_contact(),
                link_text="Contact our staff",
                tone=WARNING,
            )
    upcoming = sorted(
        (
            (s.starts_at, practicum, s)
            for practicum in sets
            for s in facts.sessions.get(practicum.pk, [])
            if s.attendance_state == "upcoming"  # type: ignore[attr-defined]
        ),
        key=lambda row: row[0],
    )
    unscheduled = [p for p in sets if not facts.sessions.get(p.pk) and p.starts_on >= local_date(now, p.zone)]
    if facts.enrollment.access_opens_at > now and not upcoming and not unscheduled:
        return _access_step(facts)
    if upcoming:
        _, practicum, session = upcoming[0]
        return NextStep(
            headline=f"Attend {practicum.title}, {session.title}",
            text=f"{_when(session.starts_at, practicum.zone)} ({practicum.time_zone}), {practicum.place}.",
            link=practicum.get_absolute_url(),
            link_text="Event details",
            tone=INFO,
        )
    if unscheduled:
        practicum = min(unscheduled, key=lambda p: p.starts_on)
        return NextStep(
            headline=f"Attend {practicum.title}",
            text=f"{date_range(practicum.starts_on, practicum.ends_on)}, {practicum.place}.",
            link=practicum.get_absolute_url(),
            link_text="Event details",
            tone=INFO,
        )
    if facts.enrollment.access_opens_at > now:
        return _access_step(facts)
    if facts.next_module is not None:
        return _module_step(facts, facts.next_module)
    return NextStep(
        headline="All done for now",
        text="Every live event and module you enrolled in is complete.",
        link=reverse("certificates:mine"),
        link_text="My certificates",
        tone=GOOD,
    )
