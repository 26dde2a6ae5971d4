"""What the program dashboard's tests build and read."""

import re
from datetime import UTC, datetime, timedelta

from django.urls import reverse

from accounts.tests.factories import UserFactory
from programs.models import Enrollment

JANUARY = {"period": "range", "start": "2027-01-01", "end": "2027-01-31"}


def url(program, **query) -> str:
    path = reverse("admin:programs_program_dashboard", args=[program.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text(response) -> str:
    """The page's words, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def enrolled(program, registered_at, **milestones) -> Enrollment:
    return Enrollment.objects.create(
        user=UserFactory(),
        program=program,
        registered_at=registered_at,
        access_opens_at=registered_at,
        **milestones,
    )


def day(d: int, hours: int = 0) -> datetime:
    return datetime(2027, 1, 1, 8, tzinfo=UTC) + timedelta(days=d - 1, hours=hours)  # midnight in LA, Jan d
