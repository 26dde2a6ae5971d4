"""Writes for programs: enrollment, the module-access email, guide requests and contact."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.dates import access_opens_at, local_date
from core.mail import Email, email_queue

from .models import ContactMessage, Enrollment, GuideRequest, Program, SchoolYear

logger = logging.getLogger(__name__)


class AlreadyEnrolled(ValidationError):
    pass


def email_render(
    *, template: str, context: dict, subject: str, to: list[str], reply_to=None
) -> EmailMultiAlternatives:
    """A message with a plain-text and an HTML body from `<template>.txt` and `<template>.html`.
    The text is rendered without HTML escaping (the "text" template engine), the HTML with it."""
    context = {"site_url": settings.SITE_URL, "site_name": settings.CREDO_SITE_NAME, **context}
    message = Email(
        subject=f"[{settings.CREDO_SITE_NAME}] {subject}",
        body=render_to_string(f"{template}.txt", context, using="text"),
        to=to,
        reply_to=reply_to,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def enrollment_create(
    *,
    user: User,
    program: Program,
    school_year: SchoolYear | None = None,
    source: str = "web",
    now: datetime | None = None,
) -> Enrollment:
    """Enroll a person; module access opens after the program's delay in business days.

    Callers that register for practicums in the same step call this inside their transaction.
    """
    now = now or timezone.now()
    if program.kind == Program.Kind.SERIES and school_year is None:
        school_year = program.school_years.filter(ends_on__gte=local_date(now, program.zone)).first()
    enrollment = Enrollment(
        user=user,
        program=program,
        school_year=school_year,
        registered_at=now,
        access_opens_at=access_opens_at(
            now, delay_business_days=program.access_delay_business_days, zone=program.zone
        ),
        source=source,
    )
    if (
        Enrollment.objects.filter(user=user, program=program)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .exists()
    ):
        raise AlreadyEnrolled(f"You are already registered for {program.title}.")
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError as exc:  # a double submit that raced past the check above
        raise AlreadyEnrolled(f"You are already registered for {program.title}.") from exc
    return enrollment


def enrollment_send_access_open_emails(*, now: datetime | None = None) -> int:
    """Email everyone whose modules opened and who has not been told yet. Each enrollment is
    claimed with a conditional UPDATE, so overlapping runs never send the same email twice."""
    now = now or timezone.now()
    due = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE, access_opens_at__lte=now, access_email_sent_at__isnull=True
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            claimed = Enrollment.objects.filter(pk=pk, access_email_sent_at__isnull=True).update(
                access_email_sent_at=now
            )
            if claimed != 1:
                continue
            enrollment = Enrollment.objects.select_related("user", "program").get(pk=pk)
            email_queue(
                message=email_render(
                    template="programs/email/access_open",
                    context={
                        "enrollment": enrollment,
                        "dashboard_url": settings.SITE_URL + reverse("dashboard"),
                    },
                    subject=f"Your {enrollment.program.title} modules are open",
                    to=[enrollment.user.email],
                )
            )
            sent += 1
    return sent


@dataclass(frozen=True)
class GuideRequestData:
    name: str
    email: str
    organization: str
    question: str


def guide_request_create(*, program: Program, data: GuideRequestData) -> GuideRequest:
    """Store the request and tell staff about any question. Nothing is mailed to the typed
    address (it is unproven: the form must not mail strangers): the guide is downloaded from the
    page the form leads to (selectors.guide_request_token)."""
    with transaction.atomic():
        request = GuideRequest.objects.create(
            program=program,
            name=data.name,
            email=data.email,
            organization=data.organization,
            question=data.question,
        )
        if data.question.strip():
            email_queue(
                message=email_render(
                    template="programs/email/guide_question",
                    context={"program": program, "request": request},
                    subject=f"Question about {program.title}",  # who asks is in the body only
                    to=[settings.CREDO_SUPPORT_EMAIL],
                    reply_to=[data.email],
                )
            )
    return request


def contact_message_create(*, name: str, email: str, subject: str, message: str) -> ContactMessage:
    with transaction.atomic():
        contact = ContactMessage.objects.create(name=name, email=email, subject=subject, message=message)
        email_queue(
            message=email_render(
                template="programs/email/contact",
                context={"contact": contact},
                subject=f"Contact form: {subject}",
                to=[settings.CREDO_SUPPORT_EMAIL],
                reply_to=[email],
            )
        )
    return contact
