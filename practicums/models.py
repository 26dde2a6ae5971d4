import secrets
import uuid
import zoneinfo
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import NOT_SHOWN, CachedModel, owned_by
from programs.models import Enrollment, Instructor, Program, Season, zone_choices


class TrackGroup(CachedModel):
    """Alternative live event sets that earn the same certificate; a person takes one of them
    (e.g. "Summer live events": Virtual Sessions 1–6 or in-person Days 1–3)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="track_groups")
    season = models.ForeignKey(
        Season, on_delete=models.CASCADE, null=True, blank=True, related_name="track_groups"
    )
    name = models.CharField(max_length=150)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Practicum(CachedModel):
    """A live event with sessions and attendance codes. Three kinds share this model (decision
    0010): a certification's practicum (the one a candidate picks at registration and that leads
    to the exam), a series' live-event set (earns a certificate of completion), and a CE event
    (the program's own webinar or roundtable, credited as continuing education)."""

    class Kind(models.TextChoices):
        PRACTICUM = "practicum", "Practicum"
        LIVE_SET = "live_set", "Live-event set"
        CE_EVENT = "ce_event", "CE event (webinar or roundtable)"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="practicums")
    season = models.ForeignKey(
        Season, on_delete=models.PROTECT, null=True, blank=True, related_name="practicums"
    )
    group = models.ForeignKey(
        TrackGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practicums",
        help_text="For a series: the alternatives a person chooses between.",
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.PRACTICUM,
        help_text="Practicum: a certification's live practicum (leads to the exam). Live-event set: a "
        "series' set of sessions. CE event: a webinar or roundtable credited as continuing education.",
    )
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=Format.choices)
    venue_name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(
        "state or region",
        max_length=60,
        blank=True,
        help_text="In person: e.g. CO (the schedule filters by it).",
    )
    join_url = models.URLField("join link", blank=True, help_text="Virtual only; shown to registered people.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    time_zone = models.CharField(max_length=64, choices=zone_choices, default="America/Los_Angeles")
    capacity = models.PositiveIntegerField()
    appraised_hours = models.DecimalField(max_digits=5, decimal_places=2)
    instructors = models.ManyToManyField(Instructor, blank=True, related_name="practicums")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    is_published = models.BooleanField(default=True)
    ce_kind = models.CharField(
        "continuing-education event",
        max_length=12,
        blank=True,
        choices=[("webinar", "Webinar"), ("roundtable", "Roundtable")],
        help_text="CE events only: a webinar or a roundtable. Credential holders register in one click, "
        "and attending credits their CE hours.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="practicums_ends_after_start"
            ),
            # A CE event says whether it is a webinar or a roundtable; nothing else may.
            models.CheckConstraint(
                condition=(models.Q(kind="ce_event") & ~models.Q(ce_kind=""))
                | (~models.Q(kind="ce_event") & models.Q(ce_kind="")),
                name="practicums_ce_kind_only_on_ce_events",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "kind", "starts_on"]),
            # The admin's list in its full order (Django adds -id), and its month and year links.
            models.Index(fields=["starts_on", "title", "-id"], name="practicums_starts_title_id"),
            # Its filters, each in that order (15,000 practicums in four years: no filter reads them all).
            *(
                models.Index(fields=[field, "starts_on", "title", "-id"], name=f"practicums_{field}_starts")
                for field in ("kind", "format", "status", "ce_kind")
            ),
            # The public schedule: what is published and scheduled, from tomorrow on.
            models.Index(
                fields=["starts_on"],
                name="practicums_upcoming",
                condition=models.Q(is_published=True, status="scheduled"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%b %-d, %Y})"

    def get_absolute_url(self) -> str:
        return reverse("practicums:detail", kwargs={"pk": self.pk})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def place(self) -> str:
        where = ", ".join(p for p in (self.city, self.state) if p) or self.venue_name
        return "Virtual" if self.format == self.Format.VIRTUAL else where

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def is_ce_event(self) -> bool:
        return self.kind == self.Kind.CE_EVENT

    @property
    def earns_certificate(self) -> bool:  # a series' set of live events, once complete
        return self.kind == self.Kind.LIVE_SET

    @property
    def kind_label(self) -> str:
        """What a person reads next to the title: "Practicum", "Live event", "Webinar (CE)"."""
        if self.kind == self.Kind.CE_EVENT:
            return f"{self.get_ce_kind_display()} (CE)"
        return "Live event" if self.kind == self.Kind.LIVE_SET else "Practicum"

    @classmethod
    def kind_offered_by(cls, program: Program) -> str:
        """The kind a person picks when registering for the program (decision 0010): a
        certification's practicum, or a series' live-event sets. CE events are never picked there."""
        return cls.Kind.PRACTICUM if program.kind == Program.Kind.CERTIFICATION else cls.Kind.LIVE_SET

    def starts_before(self, day: date) -> bool:
        return self.starts_on < day


class Registration(CachedModel):
    """A person's place in one practicum: a seat, a place on its waitlist, or a held offer."""

    cache_scope = owned_by("user_id")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        OFFERED = "offered", "Seat offered"
        CANCELLED = "cancelled", "Cancelled"

    SEAT_STATUSES = (Status.CONFIRMED, Status.OFFERED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    practicum = models.ForeignKey(Practicum, on_delete=models.PROTECT, related_name="registrations")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "practicum"],
                condition=~models.Q(status="cancelled"),
                name="practicums_one_live_registration",
            )
        ]
        indexes = [
            models.Index(fields=["practicum", "status"]),
            models.Index(fields=["created_at", "id"], name="practicums_reg_created"),
            models.Index(fields=["status", "created_at"], name="practicums_reg_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.practicum} ({self.get_status_display()})"


class RegistrationMove(CachedModel):
    """A candidate (or staff) moved a registration from one practicum to another."""

    cache_scope = owned_by("user_id")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practicum_moves"
    )
    from_practicum = models.ForeignKey(Practicum, on_delete=models.PROTECT, related_name="moves_out")
    to_practicum = models.ForeignKey(Practicum, on_delete=models.PROTECT, related_name="moves_in")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="practicum_moves_made"
    )
    reason = models.CharField(max_length=300, blank=True)
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.from_practicum} → {self.to_practicum}"


# Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3479"
CODE_LENGTH = 6


def new_attendance_code() -> str:
    """A random code no other session has (the unique constraint stays the last guard)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Session.objects.filter(code=code).exists():
            return code


class Session(CachedModel):
    """One scheduled block of a practicum (a day, or a virtual session), with its own code."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    practicum = models.ForeignKey(Practicum, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=120, help_text="e.g. Day 1, Virtual Session 3")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_attendance_code, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="Stable calendar UID.")
    sequence = models.PositiveIntegerField(default=0, editable=False, help_text="Calendar revision number.")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="practicums_session_ends_after_start",
            )
        ]
        # The calendar feeds: sessions from a month ago on, of years of events; the program
        # dashboard: the sessions held in a period.
        indexes = [
            models.Index(fields=["ends_at"], name="practicums_session_ends"),
            models.Index(fields=["starts_at"], name="practicums_session_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.practicum.title}: {self.title}"


class SessionReminder(CachedModel):
    """A reminder email sent to one person for one session: the claim that makes it go out once."""

    cache_scope = NOT_SHOWN

    class Kind(models.TextChoices):
        DAY_BEFORE = "day_before", "The day before (in person)"
        HOUR_BEFORE = "hour_before", "An hour before (virtual)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_reminders_sent"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "session", "kind"], name="practicums_reminded_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.user} for {self.session}"


class Attendance(CachedModel):
    cache_scope = owned_by("user_id")

    class Source(models.TextChoices):
        CODE = "code", "Attendance code"
        STAFF = "staff", "Marked by staff"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CODE)

    class Meta:
        ordering = ["recorded_at"]
        indexes = [
            models.Index(fields=["recorded_at"], name="practicums_att_recorded"),
            models.Index(fields=["source", "recorded_at"], name="practicums_att_source"),
        ]
        constraints = [models.UniqueConstraint(fields=["user", "session"], name="practicums_attended_once")]

    def __str__(self) -> str:
        return f"{self.user} attended {self.session}"


class AttendanceCorrection(CachedModel):
    """Staff marked or unmarked someone's attendance by hand: who, what, why."""

    cache_scope = owned_by("attendee_id")

    class Action(models.TextChoices):
        MARK = "mark", "Marked present"
        UNMARK = "unmark", "Marked absent"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="corrections")
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance_corrections"
    )
    action = models.CharField(max_length=6, choices=Action.choices)
    reason = models.CharField(max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendance_corrections_made"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-corrected_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.attendee} at {self.session}"


class SetCompletion(CachedModel):
    """Every session of a practicum (a live event set) attended: recorded once."""

    cache_scope = owned_by("user_id")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="set_completions"
    )
    practicum = models.ForeignKey(Practicum, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField()
    completed_on = models.DateField(help_text="The calendar day in the program's time zone.")

    class Meta:
        ordering = ["-completed_at"]
        indexes = [
            models.Index(fields=["-completed_at"], name="practicums_setdone_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "practicum"], name="practicums_set_completed_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.practicum}"


class CalendarFeed(CachedModel):
    """A person's private calendar subscription: /me/calendar.ics?token=…"""

    cache_scope = owned_by("user_id")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
