"""Writes for accounts: people and their profiles. The outgoing-mail queue is core.mail."""

from django.db import transaction

from .models import User

PROFILE_FIELDS = ("full_name", "organization", "job_title", "time_zone", "session_reminders")


def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str,
    organization: str = "",
    job_title: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    email_verified: bool = False,
) -> User:
    """Create a person (used by the demo data and, later, bulk enrollment)."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            organization=organization,
            job_title=job_title,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


def profile_update(*, user: User, data: dict) -> User:
    """Save the profile fields a person may edit themselves; nothing else is touched."""
    changed = [name for name in PROFILE_FIELDS if name in data and getattr(user, name) != data[name]]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        user.full_clean(exclude=["password"])
        user.save(update_fields=changed)
    return user
