"""What every app knows about a person's enrollments, gathered through their selectors in a
fixed number of queries (whatever the number of enrollments), for the dashboard's "Next"
(`config.next_step`) and its cards."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from core import page_cache
from core.dates import local_date, start_of_day
from modules.selectors import Eligibility, ModuleStatus, attempt_eligibility, modules_status_for_user
from practicums.models import Practicum, Registration, Session
from practicums.selectors import my_sessions, registration_list_for_user
from practicums.services import move_deadline
from programs.models import Enrollment, Program
from programs.selectors import Pace, enrollment_list_for_user, pace_status
from recertification.models import Credential, ExamInvitation
from recertification.selectors import credentials_current_for_user, invitations_for_user
from recertification.services import ce_hours_counting, credential_status


@dataclass
class EnrollmentFacts:
    enrollment: Enrollment
    registrations: list[Registration]  # not cancelled, each with `can_move`
    modules: list[ModuleStatus]
    sessions: dict[int, list[Session]] = field(default_factory=dict)  # by practicum, confirmed only
    invitation: ExamInvitation | None = None  # the latest for the program
    eligibility: Eligibility | None = None  # for the invitation's exam
    credential: Credential | None = None
    credential_status: str = ""
    ce_hours: Decimal = Decimal(0)
    pace: Pace | None = None
    zone: ZoneInfo | None = None  # the person's; the program's when unknown

    @property
    def person_zone(self) -> ZoneInfo:
        return self.zone or self.program.zone

    @property
    def program(self) -> Program:
        return self.enrollment.program

    @property
    def modules_passed(self) -> int:
        return sum(1 for m in self.modules if m.completed)

    @property
    def next_module(self) -> ModuleStatus | None:
        return next((m for m in self.modules if not m.completed), None)

    @property
    def practicum(self) -> Practicum | None:
        """The candidate's practicum: their confirmed registration of the practicum kind."""
        return next(
            (
                r.practicum
                for r in self.registrations
                if r.status == Registration.Status.CONFIRMED and r.practicum.kind == Practicum.Kind.PRACTICUM
            ),
            None,
        )

    @property
    def live_sets(self) -> list[Practicum]:
        return [
            r.practicum
            for r in self.registrations
            if r.status == Registration.Status.CONFIRMED and r.practicum.kind == Practicum.Kind.LIVE_SET
        ]


def enrollment_facts(*, user, now: datetime | None = None) -> list[EnrollmentFacts]:
    """Everything `next_step` and the dashboard's cards need, per enrollment."""
    now = now or timezone.now()
    enrollments = list(enrollment_list_for_user(user=user))
    registrations = list(registration_list_for_user(user=user))
    sessions = {
        r.practicum_id: r.practicum.scheduled_sessions  # type: ignore[attr-defined]  # Prefetch to_attr
        for r in my_sessions(user=user, now=now)
    }
    statuses = modules_status_for_user(user=user, enrollments=enrollments)
    invitations: dict[int, ExamInvitation] = {}
    for issued in invitations_for_user(user=user):  # newest first
        invitations.setdefault(issued.exam.program_id, issued)
    credentials = {c.program_id: c for c in credentials_current_for_user(user=user)}
    result = []
    person_zone = ZoneInfo(user.time_zone)
    page_cache.changes_at_midnight(person_zone)
    for enrollment in enrollments:
        program = enrollment.program
        regs = [r for r in registrations if r.enrollment_id == enrollment.pk]
        # What `next_step` and the cards compare with the time: dates (today in the program's and
        # each practicum's zone), the access date, offers and exam links running out.
        page_cache.changes_at_midnight(program.zone, *(r.practicum.zone for r in regs))
        page_cache.changes_at(enrollment.access_opens_at, *(r.offer_expires_at for r in regs))
        for r in regs:
            r.can_move = (  # type: ignore[attr-defined]  # for the template
                r.status == Registration.Status.CONFIRMED
                and local_date(now, r.practicum.zone) <= move_deadline(r.practicum)
            )
        facts = EnrollmentFacts(
            enrollment=enrollment,
            registrations=regs,
            modules=statuses[enrollment.pk],
            sessions={r.practicum_id: sessions[r.practicum_id] for r in regs if r.practicum_id in sessions},
            zone=person_zone,
        )
        credential = credentials.get(program.pk)
        invitation = invitations.get(program.pk)
        if credential is not None:  # a handful of people hold one; one query each
            facts.credential = credential
            facts.credential_status = credential_status(credential, local_date(now, program.zone))
            facts.ce_hours = ce_hours_counting(credential=credential)
        elif invitation is not None:
            page_cache.changes_at(invitation.expires_at)
            facts.invitation = invitation
            facts.eligibility = attempt_eligibility(user=user, assessment=invitation.exam.assessment, now=now)
        practicum = facts.practicum
        if practicum is not None and program.is_certification:
            facts.pace = pace_status(
                access_opens_at=enrollment.access_opens_at,
                practicum_starts_at=start_of_day(practicum.starts_on, practicum.zone),
                modules_total=len(facts.modules),
                modules_passed=facts.modules_passed,
                now=now,
            )
        result.append(facts)
    return result
