import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.models import NOT_SHOWN, CachedModel
from programs.models import Program


class Reason(models.TextChoices):
    """Why a person needs a nudge (the dashboard's lists, insight.nudges)."""

    BEHIND_PACE = "behind_pace", "Behind the recommended pace"
    NEVER_OPENED = "never_opened", "Never opened a module"
    MISSED_SESSION = "missed_session", "Missed a session of a set"
    CE_SHORT = "ce_short", "Short of CE hours, expiring soon"


# What a nudge's subject and text may say, filled in for each person.
PLACEHOLDERS = {
    "name": "the person's name",
    "program": "the program's title",
    "detail": "why they are on the list (e.g. “3 of 10 modules passed; 6 expected by now”)",
    "link": "the page to go to next",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def validate_placeholders(text: str) -> None:
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise ValidationError(
            f"Unknown placeholder{'s' if len(unknown) > 1 else ''} {', '.join(f'{{{u}}}' for u in unknown)}: "
            f"use {known}."
        )


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class NudgeTemplate(CachedModel):
    """The email staff send for one reason, editable in the admin."""

    cache_scope = NOT_SHOWN

    reason = models.CharField(max_length=20, choices=Reason.choices, unique=True)
    subject = models.CharField(max_length=150, validators=[validate_placeholders])
    body = models.TextField(
        validators=[validate_placeholders],
        help_text="Plain text. Placeholders: " + ", ".join(f"{{{k}}} ({v})" for k, v in PLACEHOLDERS.items()),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reason"]
        verbose_name = "nudge email"

    def __str__(self) -> str:
        return self.get_reason_display()


class Nudge(CachedModel):
    """One nudge sent to one person: the log staff read, and the rule that nobody is nudged
    twice for the same reason within a week."""

    cache_scope = NOT_SHOWN

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="nudges")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        permissions = [("view_every_program", "Can see every program's dashboard and nudge lists")]
        indexes = [
            models.Index(fields=["user", "reason", "-sent_at"], name="insight_nudge_user_reason"),
            models.Index(fields=["-sent_at", "-id"], name="insight_nudge_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.user} ({self.sent_at:%Y-%m-%d})"


def programs_visible_to(user):
    """The programs whose dashboard and nudge lists this staff member sees: every one with the
    permission (superusers, program directors), else those naming them as program staff."""
    if user.has_perm("insight.view_every_program"):
        return Program.objects.all()
    return Program.objects.filter(staff=user)


class DashboardSnapshot(models.Model):
    """A program's dashboard for one of the preset periods, as the worker last computed it
    (insight.snapshots, decision 0024): the page reads it instead of recomputing a school year
    of figures for every visit. The figures are pickled, as Django's database cache stores its
    values: written and read only by this code."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=8)  # insight.period.PRESETS
    computed_at = models.DateTimeField()
    took_ms = models.PositiveIntegerField(default=0)
    viewed_at = models.DateTimeField()  # kept fresh by the worker while people look at it
    figures = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "period"], name="insight_snapshot_once")]
        indexes = [models.Index(fields=["viewed_at"], name="insight_snapshot_viewed")]

    def __str__(self) -> str:
        return f"{self.program} ({self.period}, {self.computed_at:%Y-%m-%d %H:%M})"
