"""Reads for certificates."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import staff_may
from core import page_cache
from core.dates import date_range
from modules.selectors import ModuleProgress, module_progress_for_user
from practicums.models import Practicum
from practicums.selectors import SetProgress, set_progress_for_user
from programs.models import Program
from programs.selectors import enrollments_for_record

from .models import Certificate, ShareLink
from .signals import certificate_expiry


def certificate_list_for_user(*, user: User) -> QuerySet[Certificate]:
    """A person's certificates, newest first: valid ones, and revoked ones so they know."""
    return (
        Certificate.objects.filter(user=user)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .select_related("program")
        .order_by("-earned_on", "-issued_at")
    )


def certificate_expiry_dates(*, certificates: list[Certificate]) -> dict[int, date]:
    """{certificate id: the last day it is valid} for those that expire (certifications: the
    apps to the right answer, `signals.certificate_expiry`)."""
    dates: dict[int, date] = {}
    if certificates:
        for _receiver, answer in certificate_expiry.send(sender=Certificate, certificates=certificates):
            if isinstance(answer, dict):  # a receiver with nothing to say returns None
                dates |= answer
    return dates


def certificate_hours_total(*, user: User) -> Decimal:
    total = Certificate.objects.filter(user=user, status=Certificate.Status.LIVE).aggregate(
        h=Sum("appraised_hours")
    )["h"]
    return total or Decimal(0)


def certificate_get_for_user(*, user: User, pk: int) -> Certificate:
    """The person's own certificate (or anyone's for staff with the permission in a TOTP-verified
    session), or 404 for anyone else's. Its PDF may not be rendered yet (`pdf` empty)."""
    certificates = Certificate.objects.filter(pk=pk).select_related("program")
    if not staff_may(user=user, perm="certificates.view_certificate"):
        certificates = certificates.filter(user=user)
    certificate = certificates.first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificate_get_by_code(*, code: str) -> Certificate | None:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return (
        Certificate.objects.filter(verification_code=normalized)
        .select_related("program", "superseded_by", "supersedes")
        .first()
    )


def certificate_find_by_pdf_hash(*, sha256: str) -> Certificate | None:
    return Certificate.objects.filter(pdf_sha256=sha256).select_related("program").first()


@dataclass
class Queue:
    """Tonight's queue: how many people and certificates, and the first people by name, each
    with their certificates (a night can have 20,000 people: the console shows a page of them
    and links to the full list)."""

    people: int
    certificates: int
    first: list[tuple]  # [(user, [certificates])]


def tonight_queue(*, show: int = 50) -> Queue:
    """What the next batch sends (live, pending, not held), per person."""
    pending = Certificate.objects.filter(
        status=Certificate.Status.LIVE, held=False, email_state=Certificate.Email.PENDING
    )
    # The first people by name: walked along the people's name index, each checked for a
    # pending certificate (20,000 due among 200,000 people: a few hundred read, not a sort).
    shown = list(
        User.objects.filter(Exists(pending.filter(user=OuterRef("pk"))))
        .order_by("full_name", "email")
        .values_list("pk", flat=True)[:show]
    )
    certificates: dict[int, list[Certificate]] = {pk: [] for pk in shown}
    people: dict[int, User] = {}
    for certificate in (
        pending.filter(user_id__in=shown).select_related("user", "program").order_by("earned_on")
    ):
        people[certificate.user_id] = certificate.user
        certificates[certificate.user_id].append(certificate)
    # Both counts in one pass over the queue's own partial index (its people's ids, nothing else).
    counts = pending.aggregate(people=Count("user_id", distinct=True), certificates=Count("pk"))
    first = [(people[pk], certificates[pk]) for pk in shown if pk in people]
    return Queue(people=counts["people"], certificates=counts["certificates"], first=first)


def certificates_held() -> QuerySet[Certificate]:
    return Certificate.objects.filter(status=Certificate.Status.LIVE, held=True).select_related(
        "user", "program"
    )


def certificates_refused() -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        status=Certificate.Status.LIVE, email_state=Certificate.Email.REFUSED
    ).select_related("user", "program")


def certificates_for_program_export(*, program_id: int) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(program_id=program_id, status=Certificate.Status.LIVE)
        .exclude(pdf="")
        .select_related("user")
        .order_by("earned_on", "pk")
    )


# --- My PL Record ------------------------------------------------------------------------------
# Built from a fixed number of queries whatever the number of programs, sets, sessions, modules
# and certificates (one per kind of row), then arranged in Python.


NOT_STARTED, IN_PROGRESS, COMPLETE = "Not started", "In progress", "Complete"


@dataclass
class Activity:
    label: str
    detail: str = ""
    state: str = ""  # "attended", "missed", "upcoming", "done", "todo", "passed", "failed", "submitted"


@dataclass
class RecordItem:
    key: str  # "set-12" or "module-7": used in URLs for printing one item
    kind: str  # "Live event set", "Practicum", "Webinar (CE)"… or "On-demand module" / "Module"
    title: str
    subtitle: str
    hours: Decimal
    status: str
    activities: list[Activity]
    certificate: Certificate | None = None

    @property
    def hours_earned(self) -> Decimal:
        return self.hours if self.status == COMPLETE else Decimal(0)


@dataclass
class RecordGroup:
    heading: str  # "Summer 2027–28", "Throughout the year", or "" for a certification
    items: list[RecordItem] = field(default_factory=list)

    @property
    def hours_earned(self) -> Decimal:
        return sum((i.hours_earned for i in self.items), Decimal(0))

    @property
    def hours_total(self) -> Decimal:
        return sum((i.hours for i in self.items), Decimal(0))

    @property
    def items_started(self) -> list[RecordItem]:
        """Completed and in-progress items, in their order: shown first, open."""
        return [i for i in self.items if i.status != NOT_STARTED]

    @property
    def items_not_started(self) -> list[RecordItem]:
        return [i for i in self.items if i.status == NOT_STARTED]

    @property
    def items_complete(self) -> list[RecordItem]:
        return [i for i in self.items if i.status == COMPLETE]


@dataclass
class RecordProgram:
    program: Program
    groups: list[RecordGroup]

    @property
    def hours_earned(self) -> Decimal:
        return sum((g.hours_earned for g in self.groups), Decimal(0))

    @property
    def hours_total(self) -> Decimal:
        return sum((g.hours_total for g in self.groups), Decimal(0))

    @property
    def items_complete_count(self) -> int:
        return sum(len(g.items_complete) for g in self.groups)

    @property
    def items_count(self) -> int:
        return sum(len(g.items) for g in self.groups)


def record_for_user(
    *, user: User, program_ids: list[int] | None = None, private: bool = True
) -> list[RecordProgram]:
    """Every program the person is enrolled in (or those listed), each with its live event sets
    and modules, their activities and certificates. `private=False` is the shared view: no file
    names of uploads (only that an aid was handed in).

    The assembler: programs, practicums and modules each answer for their own part (a fixed
    number of queries each), certificates adds its own, and this arranges them."""
    now = timezone.now()
    enrollments = enrollments_for_record(user=user, program_ids=program_ids)
    pids = [e.program_id for e in enrollments]
    sets = set_progress_for_user(user=user, program_ids=pids)
    modules = module_progress_for_user(user=user, enrollments=enrollments)
    certificates = {
        c.source_key: c
        for c in Certificate.objects.filter(user=user, program_id__in=pids, status=Certificate.Status.LIVE)
    }

    result = []
    for enrollment in enrollments:
        program = enrollment.program
        groups: dict[str, RecordGroup] = {}
        order: dict[str, tuple] = {}

        def group_for(season, *, program=program, groups=groups, order=order) -> RecordGroup:
            rank: tuple[int, ...]
            if program.kind != Program.Kind.SERIES:
                heading, rank = "", (0,)
            elif season is None:
                heading, rank = "Throughout the year", (10**9,)
            else:
                heading, rank = str(season), (season.school_year.starts_on.toordinal(), season.order)
            order.setdefault(heading, rank)
            return groups.setdefault(heading, RecordGroup(heading=heading))

        for progress in (p for p in sets if p.practicum.program_id == program.pk):
            group_for(progress.practicum.season).items.append(_set_item(progress, certificates, now))
        for module_progress in (m for m in modules if m.module.program_id == program.pk):
            group_for(module_progress.module.season).items.append(
                _module_item(module_progress, certificates, private)
            )
        result.append(
            RecordProgram(program=program, groups=sorted(groups.values(), key=lambda g: order[g.heading]))
        )
    return result


def _set_item(progress: SetProgress, certificates: dict[str, Certificate], now: datetime) -> RecordItem:
    practicum = progress.practicum
    activities = []
    for session, was_there in progress.sessions:
        local = session.starts_at.astimezone(practicum.zone)
        state = "attended" if was_there else ("missed" if session.ends_at < now else "upcoming")
        if not was_there:
            page_cache.changes_at(session.ends_at)
        activities.append(
            Activity(
                session.title,
                f"{local:%a %b} {local.day}, {local:%H:%M} ({practicum.time_zone})",
                state,
            )
        )
    status = (
        COMPLETE
        if progress.done
        else (IN_PROGRESS if any(a.state == "attended" for a in activities) else NOT_STARTED)
    )
    is_set = practicum.kind == Practicum.Kind.LIVE_SET
    return RecordItem(
        key=f"set-{practicum.pk}",
        kind="Live event set" if is_set else practicum.kind_label,
        title=practicum.title,
        subtitle=" · ".join(
            part
            for part in (
                practicum.get_format_display(),
                practicum.city,
                date_range(practicum.starts_on, practicum.ends_on),
            )
            if part
        ),
        hours=practicum.appraised_hours,
        status=status,
        activities=activities,
        certificate=certificates.get(Certificate.source_key_for_set(practicum)),
    )


def _module_item(progress: ModuleProgress, certificates: dict[str, Certificate], private: bool) -> RecordItem:
    module = progress.module
    activities = [
        Activity(f"Lesson: {lesson.title}", "", "done" if done else "todo")
        for lesson, done in progress.lessons
    ]
    for aid, handed_in in progress.aids:
        detail = (
            (", ".join(s.original_name for s in handed_in) if private else "handed in") if handed_in else ""
        )
        activities.append(
            Activity(f"On-the-job aid: {aid.title}", detail, "submitted" if handed_in else "todo")
        )
    attempt = progress.best_attempt
    if module.assessment_id:
        activities.append(
            Activity(
                "Assessment",
                f"best score {attempt.score_percent:.0f}%" if attempt else "not taken",
                ("passed" if attempt.passed else "failed") if attempt else "todo",
            )
        )
    completion = progress.completion
    started = any(a.state in ("done", "submitted") for a in activities) or attempt is not None
    return RecordItem(
        key=f"module-{module.pk}",
        kind="On-demand module" if module.is_on_demand else "Module",
        title=module.title,
        subtitle=f"completed {date_range(completion.completed_on, completion.completed_on)}"
        if completion
        else "",
        hours=module.appraised_hours,
        status=COMPLETE if completion else (IN_PROGRESS if started else NOT_STARTED),
        activities=activities,
        certificate=certificates.get(Certificate.source_key_for_module(module.pk)),
    )


def record_item_for_user(
    *, user: User, key: str, private: bool = True, program_ids: list[int] | None = None
) -> tuple[RecordProgram, RecordItem] | None:
    """One item of the person's record ("module-7", "set-12") with its program, or None when
    the record has no such item (someone else's, withdrawn, unpublished, made up)."""
    for program in record_for_user(user=user, program_ids=program_ids, private=private):
        for group in program.groups:
            for item in group.items:
                if item.key == key:
                    return program, item
    return None


def share_link_for_token(*, token: str, details: bool = True) -> ShareLink | None:
    """The link a token opens, from the database on every open, never from the cache: a revoked
    link stops at once even if the cache could not be told (docs/decisions/0013). Without
    `details`, only what decides whether it opens (owner, revoked, expiry): one small query
    for a shared record served from the page cache."""
    links = ShareLink.objects.filter(token_hash=hashlib.sha256(token.encode()).hexdigest())
    if not details:
        return links.only("user_id", "revoked_at", "expires_at").first()
    return links.select_related("user", "module", "practicum").prefetch_related("programs").first()


def certificate_in_shared_record(*, link: ShareLink, pk: int) -> Certificate | None:
    """A live certificate with its PDF in a whole-record share link (limited to the link's
    programs, if it names any); None for anything else. `link.programs` is prefetched."""
    certificates = Certificate.objects.filter(user=link.user, pk=pk, status=Certificate.Status.LIVE).exclude(
        pdf=""
    )
    program_ids = [p.pk for p in link.programs.all()]
    if program_ids:
        certificates = certificates.filter(program_id__in=program_ids)
    return certificates.first()


def share_links_for_user(*, user: User) -> list[ShareLink]:
    """The person's links, newest first. A page listing them shows each as expired from its
    expiry, and its open count (a quiet field: share_link_opened) within a minute of an open."""
    links = list(
        ShareLink.objects.filter(user=user)
        .select_related("module", "practicum")
        .prefetch_related("programs")
        .order_by("-created_at")
    )
    within = ShareLink.OPENS_SHOWN_WITHIN
    for link in links:
        page_cache.changes_at(link.expires_at, link.last_opened_at and link.last_opened_at + within)
    return links


def share_link_get_for_user(*, user: User, pk: int) -> ShareLink:
    link = ShareLink.objects.filter(user=user, pk=pk).first()
    if link is None:
        raise Http404("No such link.")
    return link
