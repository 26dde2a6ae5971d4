import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import CachedModel, owned_by
from programs.models import Program, SchoolYear, Season


class Assessment(CachedModel):
    """A graded set of questions: the end-of-module assessment here, the certification exam later."""

    title = models.CharField(max_length=200)
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    wait_minutes = models.PositiveIntegerField(default=0, help_text="Minimum wait between attempts.")
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: no time limit. Enforced on the server."
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Draw this many from the bank each attempt. Empty: all questions."
    )
    shuffle = models.BooleanField(default=True, help_text="Shuffle questions and choices per attempt.")

    def __str__(self) -> str:
        return self.title


class Question(CachedModel):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice (all that apply)"
        TRUE_FALSE = "true_false", "True / false"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField()
    feedback = models.TextField(help_text="Explains the concept; shown after submission.", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(CachedModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Module(CachedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="modules")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, null=True, blank=True, related_name="modules"
    )
    season = models.ForeignKey(
        Season,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modules",
        help_text="Empty for course content that runs throughout the year.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    planned_hours_min = models.DecimalField(max_digits=4, decimal_places=1, default=2)
    planned_hours_max = models.DecimalField(max_digits=4, decimal_places=1, default=4)
    appraised_hours = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Printed on its certificate."
    )
    is_on_demand = models.BooleanField("on-demand (earns its own certificate)", default=False)
    is_published = models.BooleanField(default=True)
    assessment = models.OneToOneField(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="module"
    )

    class Meta:
        ordering = ["program", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("modules:detail", kwargs={"pk": self.pk})


def lesson_attachment_to(instance: "Lesson", filename: str) -> str:
    return f"modules/{instance.module_id}/lessons/{secrets.token_hex(8)}/{filename}"


class Lesson(CachedModel):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; raw HTML is removed.")
    video_url = models.URLField(blank=True)
    attachment = models.FileField(upload_to=lesson_attachment_to, blank=True)
    minutes = models.PositiveSmallIntegerField(default=20, help_text="Estimated time to work through it.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


def job_aid_to(instance: "JobAid", filename: str) -> str:
    return f"modules/{instance.module_id}/aids/{secrets.token_hex(8)}/{filename}"


class JobAid(CachedModel):
    """A worksheet to download and apply at work; people may upload their completed copy."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="job_aids")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    worksheet = models.FileField(upload_to=job_aid_to, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


def submission_to(instance: "AidSubmission", filename: str) -> str:
    # A random name: it never reveals whose file it is, and cannot be guessed; the person's own name
    # for it is `original_name`. Served only by modules:submission (files stored before keep theirs).
    return f"uploads/aids/{secrets.token_hex(16)}"


class AidSubmission(CachedModel):
    cache_scope = owned_by("user_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aid_submissions"
    )
    job_aid = models.ForeignKey(JobAid, on_delete=models.CASCADE, related_name="submissions")
    file = models.FileField(upload_to=submission_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.user})"


class LessonProgress(CachedModel):
    cache_scope = owned_by("user_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="modules_lesson_done_once")]

    def __str__(self) -> str:
        return f"{self.user} finished {self.lesson}"


class Attempt(CachedModel):
    cache_scope = owned_by("user_id", quiet=["answers"])

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Time ran out"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    question_ids = models.JSONField(help_text="The questions drawn for this attempt, in the order shown.")
    choice_order = models.JSONField(help_text="Per question id, its choice ids in the order shown.")
    answers = models.JSONField(
        default=dict, help_text="Per question id, the chosen choice ids (saved as taken)."
    )
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # the attempt list's whole order: ties on started_at are not sorted after reading them
            models.Index(fields=["-started_at", "-id"], name="modules_attempt_started_id"),
            models.Index(fields=["assessment", "-started_at"], name="modules_attempt_assess_started"),
            models.Index(fields=["state", "-started_at"], name="modules_attempt_state_started"),
            # a module's results: each person's finished attempts together, with what is counted
            # (PostgreSQL reads them from the index alone; other databases ignore `include`)
            models.Index(
                fields=["assessment", "user"],
                include=["passed", "score_percent"],
                condition=~Q(state="in_progress"),
                name="modules_attempt_results",
            ),
            # the admin's "passed: unknown" filter (attempts not scored yet: a handful among millions)
            models.Index(
                fields=["-started_at", "-id"],
                condition=Q(passed__isnull=True),
                name="modules_attempt_unscored",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assessment", "number"], name="modules_attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "assessment"],
                condition=models.Q(state="in_progress"),
                name="modules_one_open_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.assessment} #{self.number}"


class ModuleCompletion(CachedModel):
    """A module passed: recorded once, with the instant and the program's local date."""

    cache_scope = owned_by("user_id")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField()
    completed_on = models.DateField(help_text="The calendar day in the program's time zone.")
    attempt = models.ForeignKey(Attempt, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-completed_at"]
        indexes = [
            # the list's whole order: completions recorded together share a time (no sort of ties)
            models.Index(fields=["-completed_at", "-id"], name="modules_completion_at_id"),
            models.Index(fields=["module", "-completed_at", "-id"], name="modules_completion_module_id"),
        ]
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="modules_completed_once")]

    def __str__(self) -> str:
        return f"{self.user} completed {self.module}"
