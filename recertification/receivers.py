"""Attending one of the program's CE events (a set of one or more sessions) credits the hours."""

from django.dispatch import receiver

from practicums.signals import set_completed

from .services import ce_credit_event


@receiver(set_completed, dispatch_uid="recertification.ce_event_attended")
def credit_ce_event(sender, completion, **kwargs) -> None:
    ce_credit_event(user=completion.user, practicum=completion.practicum, day=completion.completed_on)
