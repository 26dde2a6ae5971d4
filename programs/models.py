import secrets
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from accounts.models import time_zone_choices
from core.models import CATALOGUE, NOT_SHOWN, CachedModel, owned_by

zone_choices = time_zone_choices  # the name the migrations know


class Program(CachedModel):
    # Shown on everyone's pages (the catalogue); its staff list on none but the admin's.
    cache_scope = CATALOGUE

    class Kind(models.TextChoices):
        CERTIFICATION = "certification", "Certification program"
        SERIES = "series", "Professional-learning series"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.CharField(max_length=300, help_text="One or two sentences for the catalog.")
    description = models.TextField(help_text="Markdown.")
    audience = models.TextField("who it is for", blank=True, help_text="Markdown.")
    requirements = models.TextField(blank=True, help_text="Markdown.")
    price_text = models.CharField(
        "price", max_length=120, blank=True, help_text='e.g. "$1,450 per candidate"'
    )
    home_time_zone = models.CharField(max_length=64, choices=zone_choices, default="America/Los_Angeles")
    access_delay_business_days = models.PositiveSmallIntegerField(
        "module access delay (business days)",
        default=2,
        validators=[MaxValueValidator(30)],
        help_text="Weekends and US federal holidays do not count. 0 opens the modules at registration.",
    )
    recommended_weeks_before_practicum = models.PositiveSmallIntegerField(
        default=4, help_text="Practicums that start sooner after module access opens are flagged."
    )
    move_cutoff_days = models.PositiveSmallIntegerField(
        default=7, help_text="Candidates may move to another practicum until this many days before it starts."
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(1)],
        help_text="How long a freed seat is held for the person offered it.",
    )
    validity_years = models.PositiveSmallIntegerField("certification validity (years)", default=2)
    ce_hours_required = models.DecimalField(
        "CE hours required to recertify", max_digits=5, decimal_places=2, default=24
    )
    funding_letter = models.TextField(
        "funding-request letter",
        blank=True,
        help_text=(
            "The letter candidates download pre-filled. Placeholders: {name}, {organization}, {job_title}, "
            "{program}, {price}, {practicum}, {practicum_dates}, {date}."
        ),
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_programs",
        limit_choices_to={"is_staff": True},
        verbose_name="program staff",
        help_text="Staff in the “Program staff” group see this program's dashboard and nudge lists "
        "(and no other program's).",
    )

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("program_detail", kwargs={"slug": self.slug})

    @property
    def is_certification(self) -> bool:
        return self.kind == self.Kind.CERTIFICATION

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.home_time_zone)


class FAQEntry(CachedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="faq")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question


class SchoolYear(CachedModel):
    """A series runs per school year (e.g. 2026–27)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="school_years")
    name = models.CharField(max_length=20, help_text="e.g. 2026–27")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="programs_year_unique_name")]

    def __str__(self) -> str:
        return f"{self.program} {self.name}"


class Season(CachedModel):
    """Summer, Fall, Spring …: orders a school year's live event sets and on-demand modules."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="seasons")
    name = models.CharField(max_length=40)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["school_year__starts_on", "order"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "name"], name="programs_season_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.school_year.name}"


def resource_upload_to(instance: "Resource", filename: str) -> str:
    return f"programs/{instance.program_id}/resources/{secrets.token_hex(8)}/{filename}"


class Resource(CachedModel):
    class Kind(models.TextChoices):
        EMPLOYER_KIT = "employer_kit", "Employer kit"
        GUIDE = "guide", "Candidate's guide (sent on request)"
        HANDOUT = "handout", "Handout"
        LINK = "link", "Link"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=resource_upload_to, blank=True)
    url = models.URLField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Instructor(CachedModel):
    cache_scope = CATALOGUE  # an instructor's account shows on the pages of everyone they teach

    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True, help_text="e.g. Senior facilitator")
    bio = models.TextField(blank=True, help_text="Markdown.")
    photo = models.ImageField(upload_to="instructors/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructor_profile",
        help_text="Their staff account, if they run attendance in the portal.",
    )
    programs = models.ManyToManyField(Program, blank=True, related_name="instructors")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RecordedWebinar(CachedModel):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="webinars", null=True, blank=True
    )
    title = models.CharField(max_length=200)
    recorded_on = models.DateField()
    url = models.URLField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_on", "title"]

    def __str__(self) -> str:
        return self.title


class Enrollment(CachedModel):
    cache_scope = owned_by("user_id")

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    registered_at = models.DateTimeField()
    access_opens_at = models.DateTimeField(help_text="When the self-paced modules open (start of that day).")
    access_email_sent_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, default="web", help_text="web, admin or csv")
    # Milestones, for the program dashboard's funnel (decision 0023): set as each is reached,
    # never unset; `programs.milestones` sets them, and fills them from history once.
    opened_at = models.DateTimeField(
        "first module activity",
        null=True,
        blank=True,
        help_text="The first lesson done or assessment started.",
    )
    modules_passed = models.PositiveSmallIntegerField(
        default=0, help_text="Modules of this enrollment passed."
    )
    modules_passed_at = models.DateTimeField(
        "all modules passed", null=True, blank=True, help_text="When the last of its modules was passed."
    )
    practicum_attended_at = models.DateTimeField(
        "practicum attended",
        null=True,
        blank=True,
        help_text="When every session of the practicum was attended.",
    )
    exam_passed_at = models.DateTimeField(null=True, blank=True)
    certified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the first credential was granted."
    )

    class Meta:
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["-registered_at"], name="programs_enr_registered"),
            models.Index(fields=["program", "-registered_at"], name="programs_enr_prog_registered"),
            models.Index(fields=["status", "-registered_at"], name="programs_enr_status_registered"),
            models.Index(fields=["source", "-registered_at"], name="programs_enr_source_registered"),
            models.Index(
                fields=["program", "access_opens_at"],
                name="programs_enr_never_opened",
                condition=models.Q(opened_at__isnull=True, status="active"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=~models.Q(status="withdrawn"),
                name="programs_one_live_enrollment_per_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.program}"


class GuideRequest(CachedModel):
    cache_scope = NOT_SHOWN
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="guide_requests")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    organization = models.CharField(max_length=200, blank=True)
    question = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ContactMessage(CachedModel):
    cache_scope = NOT_SHOWN
    name = models.CharField(max_length=150)
    email = models.EmailField()
    subject = models.CharField(max_length=200)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.email})"
