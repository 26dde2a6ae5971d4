"""The seat count both registration and the waitlist work from: lock a practicum's row, count its seats."""

from django.core.exceptions import ValidationError

from ..models import Practicum, Registration


class RegistrationError(ValidationError):
    pass


def _locked(practicum_id: int) -> Practicum:
    """Lock a practicum's row: everyone counting its seats queues behind this transaction."""
    return (
        Practicum.objects.select_for_update(of=("self",))
        .select_related("program", "group__season__school_year")
        .get(pk=practicum_id)
    )


def _seats_taken(practicum: Practicum) -> int:
    return Registration.objects.filter(practicum=practicum, status__in=Registration.SEAT_STATUSES).count()
