"""The waitlist: offering freed seats to the people waiting longest, confirming and expiring offers."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.mail import email_queue
from programs.services import email_render

from ..models import Practicum, Registration
from .seats import RegistrationError, _locked, _seats_taken


def waitlist_promote(*, practicum_id: int, now: datetime | None = None) -> list[Registration]:
    """Offer freed seats to the people waiting longest; each offer holds the seat until its deadline."""
    now = now or timezone.now()
    offered = []
    with transaction.atomic():
        practicum = _locked(practicum_id)
        free = practicum.capacity - _seats_taken(practicum)
        if free <= 0 or practicum.status != Practicum.Status.SCHEDULED:
            return []
        waiting = Registration.objects.filter(
            practicum=practicum, status=Registration.Status.WAITLISTED
        ).select_related("user")[:free]
        deadline = now + timedelta(hours=practicum.program.waitlist_offer_hours)
        for registration in waiting:
            registration.status = Registration.Status.OFFERED
            registration.offer_expires_at = deadline
            registration.save(update_fields=["status", "offer_expires_at"])
            offered.append(registration)
            email_queue(
                message=email_render(
                    template="practicums/email/offer",
                    context={
                        "registration": registration,
                        "practicum": practicum,
                    },
                    subject=f"A seat is free for you: {practicum.title}",
                    to=[registration.user.email],
                )
            )
    return offered


def registration_confirm_offer(*, registration: Registration, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        updated = Registration.objects.filter(
            pk=registration.pk, status=Registration.Status.OFFERED, offer_expires_at__gt=now
        ).update(status=Registration.Status.CONFIRMED, offer_expires_at=None)
    registration.refresh_from_db()
    if updated != 1 and registration.status != Registration.Status.CONFIRMED:
        raise RegistrationError("This offer has expired and the seat has passed to the next person waiting.")
    return registration


def waitlist_expire_offers(*, now: datetime | None = None) -> int:
    """Offers past their deadline lapse; their seats go to the next people waiting."""
    now = now or timezone.now()
    expired = list(
        Registration.objects.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lte=now
        ).values_list("pk", "practicum_id")
    )
    lapsed = 0
    for pk, practicum_id in expired:
        lapsed += Registration.objects.filter(pk=pk, status=Registration.Status.OFFERED).update(
            status=Registration.Status.CANCELLED, cancelled_at=now, cancel_reason="Seat offer expired"
        )
        waitlist_promote(practicum_id=practicum_id, now=now)
    return lapsed
