import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from certificates.models import Certificate
from core.models import NOT_SHOWN, CachedModel, owned_by
from modules.models import Assessment
from practicums.models import Practicum
from programs.models import Program


class Exam(CachedModel):
    """The certification exam of a program: an assessment (larger bank, time limit, attempts)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="exam")
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="exam")
    invitation_days = models.PositiveSmallIntegerField(default=30, help_text="How long an exam link works.")

    def __str__(self) -> str:
        return f"Exam: {self.program}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ExamInvitation(CachedModel):
    """A candidate's personal exam link, issued on the last day of their practicum."""

    cache_scope = owned_by("user_id")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_invitations"
    )
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="invitations")
    practicum = models.ForeignKey(Practicum, on_delete=models.PROTECT, related_name="exam_invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["-issued_at"], name="recert_invitation_issued"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "practicum"], name="recertification_one_invitation_per_practicum"
            )
        ]

    def __str__(self) -> str:
        return f"Exam link for {self.user} ({self.practicum})"

    def get_absolute_url(self) -> str:
        return reverse("recertification:exam", kwargs={"token": self.token})


class InvitationEvent(CachedModel):
    cache_scope = NOT_SHOWN

    class Action(models.TextChoices):
        ISSUED = "issued", "Issued"
        RESENT = "resent", "Resent"
        EXTENDED = "extended", "Extended"

    invitation = models.ForeignKey(ExamInvitation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.invitation}"


class Credential(CachedModel):
    """A certification period: from the pass (or the previous expiry) for the program's validity."""

    cache_scope = owned_by("user_id")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="credentials")
    number = models.CharField(max_length=32, help_text="The same number across renewals.")
    valid_from = models.DateField()
    valid_until = models.DateField(help_text="The last day it is valid.")
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal"
    )
    certificate = models.ForeignKey(Certificate, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The CE hours counting toward it (recertification.tally, decision 0023): kept as CE activities
    # change, so that a dashboard of 50,000 holders does not sum 250,000 activities.
    ce_hours = models.DecimalField(
        "CE hours counted", max_digits=6, decimal_places=2, default=0, editable=False,
        help_text="Approved hours dated in its period, not used for an earlier renewal.",
    )  # fmt: skip

    class Meta:
        ordering = ["-valid_from"]
        indexes = [
            models.Index(fields=["valid_until"], name="recert_credential_until"),
            models.Index(fields=["-valid_from", "-id"], name="recert_credential_from_id"),
            models.Index(fields=["program", "-valid_from"], name="recert_credential_program_from"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "valid_from"], name="recertification_one_period_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.valid_from} – {self.valid_until})"


def evidence_to(instance: "CEActivity", filename: str) -> str:
    # A random name: it says nothing of whose file it is and cannot be guessed; the name the person
    # gave it is kept in `evidence_name` for the download. Served only by recertification:evidence.
    return f"uploads/ce/{secrets.token_hex(16)}"


class CEActivity(CachedModel):
    cache_scope = owned_by("user_id")

    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Conference"
        WEBINAR = "webinar", "Webinar"
        ROUNDTABLE = "roundtable", "Roundtable"
        COURSE = "course", "Workshop or course"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not accepted"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ce_activities")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="ce_activities")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    notes = models.TextField(blank=True)
    evidence = models.FileField(upload_to=evidence_to, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True, help_text="The uploaded file's own name.")
    evidence_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    review_reason = models.CharField(max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="ce_reviews"
    )
    practicum = models.ForeignKey(
        Practicum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Set when credited automatically.",
    )
    counted_for = models.ForeignKey(
        Credential, on_delete=models.SET_NULL, null=True, blank=True, related_name="counted_activities",
        help_text="The period these hours were used to renew; they never count twice.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["-date", "-created_at", "-id"], name="recert_ce_date_id"),
            models.Index(fields=["status", "-date"], name="recert_ce_status_date"),
            models.Index(fields=["kind", "-date", "-created_at", "-id"], name="recert_ce_kind_date_id"),
        ]
        verbose_name = "CE activity"
        verbose_name_plural = "CE activities"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "practicum"],
                condition=models.Q(practicum__isnull=False),
                name="recert_ce_event_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} h, {self.get_status_display()})"


class ReminderSent(CachedModel):
    """Each renewal reminder (180, 90, 30, 7 days before expiry; 0 = lapsed) goes out once."""

    cache_scope = NOT_SHOWN

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.SmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["credential", "days_before"], name="recert_reminder_once")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.days_before} days before, {self.credential}"
