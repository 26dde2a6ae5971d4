import functools
import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import CachedModel, CachedUserManager, owned_by


@functools.cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """Every IANA zone, read once per process: `available_timezones()` walks the tzdata folder
    (about 25 ms), and Django calls a field's choices each time a form, filter or display needs
    them (six times on some admin pages)."""
    return tuple((name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()))


class UserManager(CachedUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(CachedModel, AbstractBaseUser, PermissionsMixin):
    """A person. They log in with their email address; there is no username."""

    cache_scope = owned_by("pk")

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(
        "name on certificates",
        max_length=150,
        help_text="Your name exactly as it should appear on your certificates.",
    )
    organization = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default=settings.CREDO_DEFAULT_TIME_ZONE,
        choices=time_zone_choices,
        help_text="Dates and times are shown in this time zone.",
    )
    session_reminders = models.BooleanField(
        "session reminder emails",
        default=True,
        help_text="Email me the day before each in-person session and an hour before each virtual one.",
    )
    is_staff = models.BooleanField(
        default=False, help_text="Designates whether the user can log into the Django admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]
        # The admin's list of people is ordered by name; searches by email, name and organisation
        # use trigram indexes on PostgreSQL (accounts/migrations/0003_admin_indexes.py).
        indexes = [
            models.Index(fields=["full_name", "email"], name="accounts_user_name_email"),
            # The admin's filters for the few (staff, superusers, deactivated) among 200,000.
            models.Index(
                fields=["full_name", "email"], name="accounts_user_staff", condition=models.Q(is_staff=True)
            ),
            models.Index(
                fields=["full_name", "email"],
                name="accounts_user_super",
                condition=models.Q(is_superuser=True),
            ),
            models.Index(
                fields=["full_name", "email"],
                name="accounts_user_inactive",
                condition=models.Q(is_active=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @property
    def initials(self) -> str:
        """The header avatar: "Ada Lovelace" -> "AL", "Plato" -> "P", no name: the email's first letter."""
        words = self.full_name.split()
        if not words:
            return self.email[:1].upper()
        return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()
