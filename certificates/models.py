import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from core.models import NOT_SHOWN, CachedModel, links_of, owned_by
from modules.models import Module
from practicums.models import Practicum
from programs.models import Program

from .default_design import DEFAULT_CSS, DEFAULT_HTML

# Verification codes: 12 characters from an alphabet without look-alikes, shown as XXXX-XXXX-XXXX.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3479"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


class CertificateDesign(CachedModel):
    """How a program's certificates look: HTML and CSS (Django template syntax, plain values only)."""

    class PageSize(models.TextChoices):
        LETTER = "letter", "US Letter (landscape)"
        A4 = "a4", "A4 (landscape)"

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="certificate_design")
    html = models.TextField(default=DEFAULT_HTML)
    css = models.TextField(default=DEFAULT_CSS)
    page_size = models.CharField(max_length=8, choices=PageSize.choices, default=PageSize.LETTER)
    primary_color = models.CharField(max_length=7, default="#17406d")
    accent_color = models.CharField(max_length=7, default="#b8892b")
    logo = models.ImageField(upload_to="certificates/designs/", blank=True)
    signature = models.ImageField(upload_to="certificates/designs/", blank=True)
    signer_name = models.CharField(max_length=150, default="Program Director")
    signer_title = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Certificate design for {self.program}"


COLOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Write a colour like #17406d.")


class BadgeDesign(CachedModel):
    """How a program's badge image looks (the Open Badges credential's picture): drawn by
    `badge_images.badge_image_png`; a program without one gets the default look."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="badge_design")
    label = models.CharField(
        max_length=60,
        blank=True,
        help_text="The words in the middle, e.g. the program's short name. Empty: the program's title.",
    )
    ribbon = models.CharField(
        max_length=20,
        blank=True,
        help_text='The word on the ribbon. Empty: "Certified" for a certification, "Completed" for a series.',
    )
    use_certificate_colors = models.BooleanField(
        "use the certificate design's colours",
        default=True,
        help_text="Untick to use the two colours below instead.",
    )
    primary_color = models.CharField(max_length=7, default="#17406d", validators=[COLOR])
    accent_color = models.CharField(max_length=7, default="#b8892b", validators=[COLOR])
    emblem = models.ImageField(
        upload_to="certificates/badges/",
        blank=True,
        help_text="Optional: a PNG or JPEG shown above the words (square works best), at most 2 MB and "
        "2000 × 2000 pixels. Empty: a star.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Badge design for {self.program}"


def certificate_pdf_to(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.earned_on:%Y/%m}/{secrets.token_hex(12)}.pdf"


class Certificate(CachedModel):
    cache_scope = owned_by("user_id")

    class Kind(models.TextChoices):
        MODULE = "module", "On-demand module"
        SET = "set", "Live event set"
        CERTIFICATION = "certification", "Certification"
        RECERTIFICATION = "recertification", "Recertification"

    class Status(models.TextChoices):
        LIVE = "live", "Valid"
        SUPERSEDED = "superseded", "Superseded"
        REVOKED = "revoked", "Revoked"

    class Email(models.TextChoices):
        PENDING = "pending", "Waiting for tonight's email"
        SENT = "sent", "Emailed"
        REFUSED = "refused", "Refused by the mail server"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source_key = models.CharField(
        max_length=64,
        help_text='What was earned, e.g. "module:12", "set:4", "credential:7": one live certificate each.',
    )
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    practicum = models.ForeignKey(
        Practicum, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    title = models.CharField(max_length=200)
    name_on_certificate = models.CharField(max_length=150)
    appraised_hours = models.DecimalField(max_digits=5, decimal_places=2)
    earned_on = models.DateField(help_text="The day of completion in the program's time zone.")
    verification_code = models.CharField(
        max_length=12, unique=True, default=new_verification_code, editable=False
    )
    pdf = models.FileField(upload_to=certificate_pdf_to, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LIVE)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    revoked_reason = models.CharField(max_length=300, blank=True)
    held = models.BooleanField(default=False, help_text="Held certificates are not emailed until released.")
    email_state = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-earned_on", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_key"],
                condition=models.Q(status="live"),
                name="certificates_one_live_per_thing",
            )
        ]
        indexes = [
            # The nightly selection (pending, earned by a day) and the list filtered by email state,
            # in the list's whole order: tonight's 20,000 pending share one day.
            models.Index(
                fields=["email_state", "-earned_on", "-issued_at", "-id"], name="certificates_email_earned"
            ),
            models.Index(fields=["user", "status"]),
            models.Index(fields=["-earned_on", "-issued_at", "-id"], name="certificates_earned_id"),
            models.Index(
                fields=["-earned_on", "-issued_at", "-id"],
                name="certificates_held",
                condition=models.Q(held=True),
            ),
            # Each filter of the list in the list's whole order (a program's or a kind's certificates
            # share days by the thousand: ties are not sorted after the walk).
            models.Index(
                fields=["status", "-earned_on", "-issued_at", "-id"], name="certificates_status_order"
            ),
            # Tonight's queue (live, pending, not held): a few thousand of millions, counted by person.
            models.Index(
                fields=["user"],
                name="certificates_queue_user",
                condition=models.Q(status="live", held=False, email_state="pending"),
            ),
            models.Index(
                fields=["program", "-earned_on", "-issued_at", "-id"], name="certificates_program_order"
            ),
            models.Index(fields=["kind", "-earned_on", "-issued_at", "-id"], name="certificates_kind_order"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.name_on_certificate} ({self.display_code})"

    # What was earned (`source_key`): built here and nowhere else, for issuing and for finding a
    # record's certificate alike — if the two ever differed, records would lose their links.
    @staticmethod
    def source_key_for_module(module_id: int) -> str:
        return f"module:{module_id}"

    @staticmethod
    def source_key_for_set(practicum: Practicum) -> str:
        """Alternatives of one group (Virtual Sessions 1–6 or Days 1–3) earn the same certificate."""
        return f"group:{practicum.group_id}" if practicum.group_id else f"set:{practicum.pk}"

    @staticmethod
    def source_key_for_credential(credential_id: int) -> str:
        return f"credential:{credential_id}"

    @property
    def display_code(self) -> str:
        code = self.verification_code
        return f"{code[:4]}-{code[4:8]}-{code[8:]}"

    def get_verify_url(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.verification_code})


class CertificateEvent(CachedModel):
    """Every change to a certificate, with who and why: issued, re-issued, revoked, emailed …"""

    cache_scope = NOT_SHOWN

    class Action(models.TextChoices):
        ISSUED = "issued", "Issued"
        REISSUED = "reissued", "Re-issued (new version)"
        SUPERSEDED = "superseded", "Superseded"
        REVOKED = "revoked", "Revoked"
        HELD = "held", "Held"
        RELEASED = "released", "Released"
        EMAILED = "emailed", "Emailed"
        REFUSED = "refused", "Refused by the mail server"
        RESENT = "resent", "Resent"

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.certificate_id}"


class EmailBatch(CachedModel):
    """One run of the nightly certificate email (or a manual run for a date)."""

    cache_scope = NOT_SHOWN

    run_for = models.DateField(
        help_text="The local day whose certificates (and earlier unsent ones) it sends."
    )
    started_at = models.DateTimeField(auto_now_add=True)
    people = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    retried = models.PositiveIntegerField(default=0, help_text="Sends put off by a temporary mail error.")
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When its latest email was sent, refused or put off."
    )
    triggered_by = models.CharField(max_length=40, default="beat")

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "email batches"

    def __str__(self) -> str:
        return f"Batch for {self.run_for} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def duration(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None


class ShareLink(CachedModel):
    """A link to a person's PL record that opens without an account. Only a SHA-256 of the
    token is stored: a copy of the database does not reveal working links.

    It shows the whole record, some programs, or one item (a live event set or a module). It
    works through the end of `valid_through` in `time_zone` (the owner's zone when it was made);
    `expires_at` is that instant, kept for comparisons."""

    cache_scope = links_of("user_id", quiet=["open_count", "last_opened_at"])
    OPENS_SHOWN_WITHIN = timedelta(minutes=1)  # how soon an open reaches the owner's list of links

    class View(models.TextChoices):
        COMPLETED = "completed", "Completed items only"
        ALL = "all", "Everything, with what is not started folded away"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links")
    label = models.CharField(max_length=100, blank=True, help_text='e.g. "for my principal"')
    token_hash = models.CharField(max_length=64, unique=True)
    programs = models.ManyToManyField(Program, blank=True, help_text="Empty: every program.")
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, null=True, blank=True, help_text="Only this module's record."
    )
    practicum = models.ForeignKey(
        Practicum, on_delete=models.CASCADE, null=True, blank=True, help_text="Only this live event set."
    )
    view = models.CharField(
        max_length=10, choices=View.choices, default=View.ALL, help_text="What the shared page shows first."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    valid_through = models.DateField(help_text="The last day the link works, in its time zone.")
    time_zone = models.CharField(max_length=64)
    expires_at = models.DateTimeField(help_text="The end of the last day: the link works before this.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(module__isnull=True) | models.Q(practicum__isnull=True),
                name="certificates_sharelink_one_item",
            )
        ]

    def __str__(self) -> str:
        return f"Record link of {self.user} ({self.label or 'no label'})"

    @property
    def item_key(self) -> str:
        """The shared item's key in the record ("module-7", "set-12"), or "" for a record."""
        if self.module_id:
            return f"module-{self.module_id}"
        if self.practicum_id:
            return f"set-{self.practicum_id}"
        return ""

    @property
    def zone_label(self) -> str:
        return self.time_zone.replace("_", " ")
