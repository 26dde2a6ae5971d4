"""Writes for accounts: profile changes and the outgoing-mail queue every app uses."""

import base64
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from .mail import Email
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


def email_serialize(message: EmailMessage) -> dict:
    """A JSON-safe form of a rendered message, so that a Celery task can send it later."""
    alternatives = [[content, mimetype] for content, mimetype in getattr(message, "alternatives", []) or []]
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("MIME attachments cannot be queued; attach (name, bytes, type) tuples.")
        name, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append([name, base64.b64encode(content).decode("ascii"), mimetype, "base64"])
        else:
            attachments.append([name, content, mimetype, "text"])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": alternatives,
        "attachments": attachments,
    }


def email_deserialize(data: dict) -> EmailMultiAlternatives:
    message = Email(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc") or None,
        bcc=data.get("bcc") or None,
        reply_to=data.get("reply_to") or None,
        headers=data.get("headers") or None,
    )
    for content, mimetype in data.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    for name, content, mimetype, encoding in data.get("attachments", []):
        message.attach(name, base64.b64decode(content) if encoding == "base64" else content, mimetype)
    return message


def email_queue(*, message: EmailMessage) -> None:
    """Send a message from a worker once the current transaction commits.

    A slow or unreachable mail server then never slows down or breaks the page that caused the
    message, and temporary failures are retried (see tasks.email_send).
    """
    from .tasks import email_send

    payload = email_serialize(message)
    transaction.on_commit(lambda: email_send.delay(message=payload))
