"""Attending one of the program's CE events (a set of one or more sessions) credits the hours;
certificates asks when a certification's certificate expires (its credential's last day)."""

from django.dispatch import receiver

from certificates.signals import certificate_expiry
from practicums.signals import set_completed

from .selectors import credential_expiry_by_certificate
from .services import ce_credit_event


@receiver(set_completed, dispatch_uid="recertification.ce_event_attended")
def credit_ce_event(sender, completion, **kwargs) -> None:
    ce_credit_event(user=completion.user, practicum=completion.practicum, day=completion.completed_on)


@receiver(certificate_expiry, dispatch_uid="recertification.certificate_expiry")
def certificate_expiry_of_credentials(sender, certificates, **kwargs) -> dict:
    return credential_expiry_by_certificate(certificates=certificates)
