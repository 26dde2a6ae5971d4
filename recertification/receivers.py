"""Attending one of the program's CE events (a set of one or more sessions) credits the hours;
certificates asks when a certification's certificate expires (its credential's last day); a
credential's CE hours are recounted when its activities or its dates change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from certificates.signals import certificate_expiry
from practicums.signals import set_completed

from .models import CEActivity, Credential
from .selectors import credential_expiry_by_certificate
from .services import ce_credit_event
from .tally import credential_ce_refresh


@receiver(set_completed, dispatch_uid="recertification.ce_event_attended")
def credit_ce_event(sender, completion, **kwargs) -> None:
    ce_credit_event(user=completion.user, practicum=completion.practicum, day=completion.completed_on)


@receiver(certificate_expiry, dispatch_uid="recertification.certificate_expiry")
def certificate_expiry_of_credentials(sender, certificates, **kwargs) -> dict:
    return credential_expiry_by_certificate(certificates=certificates)


@receiver(post_save, sender=CEActivity, dispatch_uid="recertification.tally_activity_saved")
@receiver(post_delete, sender=CEActivity, dispatch_uid="recertification.tally_activity_deleted")
def tally_activity(sender, instance: CEActivity, **kwargs) -> None:
    """Whoever changes an activity (the holder, a review, the admin, an attended CE event): the
    holder's credentials are recounted (recertification.tally)."""
    credential_ce_refresh(user_id=instance.user_id, program_id=instance.program_id)


@receiver(post_save, sender=Credential, dispatch_uid="recertification.tally_credential_saved")
def tally_credential(sender, instance: Credential, created: bool, update_fields=None, **kwargs) -> None:
    if created or update_fields is None or {"valid_from", "valid_until"} & set(update_fields):
        credential_ce_refresh(user_id=instance.user_id, program_id=instance.program_id)
