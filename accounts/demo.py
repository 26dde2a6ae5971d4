"""Demo accounts for `manage.py seed_demo` (idempotent)."""

from .models import User
from .services import user_create

DEMO_PASSWORD = "credo-demo-2026"  # noqa: S105 (the demo accounts, printed by make run)  # nosec B105
DEMO_ADMIN_EMAIL = "admin@credo.example"
DEMO_CANDIDATE_EMAIL = "candidate@credo.example"
DEMO_TEACHER_EMAIL = "teacher@credo.example"

DEMO_PEOPLE = (
    (DEMO_ADMIN_EMAIL, "Alex Admin", True, "Program office"),
    (DEMO_CANDIDATE_EMAIL, "Casey Candidate", False, "Northwind Training"),
    (DEMO_TEACHER_EMAIL, "Taylor Teacher", False, "Riverside Elementary"),
)


def seed() -> list[tuple[User, bool]]:
    """Create the demo staff admin, candidate and teacher if missing; change nothing otherwise."""
    people = []
    for email, name, staff, organization in DEMO_PEOPLE:
        user = User.objects.filter(email=email).first()
        created = user is None
        if created:
            user = user_create(
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
                organization=organization,
                is_staff=staff,
                is_superuser=staff,
                email_verified=True,
            )
        people.append((user, created))
    return people
