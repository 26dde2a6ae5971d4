"""Certificates react to what other apps report: a module or a set of live events completed.

The signals are sent inside the transaction that records the completion; the certificate is
queued there (the outbox) and issued by a worker once it commits (decision 0027), so a burst of
check-ins that complete a set does no certificate work in the requests, and a completion that
commits always gets its certificate."""

from django.dispatch import receiver

from modules.signals import module_completed
from practicums.signals import set_completed

from .models import Certificate
from .services import certificate_issue_queue


@receiver(module_completed, dispatch_uid="certificates.module_completed")
def issue_for_module(sender, completion, **kwargs) -> None:
    if completion.module.is_on_demand:
        certificate_issue_queue(kind=Certificate.Kind.MODULE, completion_id=completion.pk)


@receiver(set_completed, dispatch_uid="certificates.set_completed")
def issue_for_set(sender, completion, **kwargs) -> None:
    if completion.practicum.earns_certificate:
        certificate_issue_queue(kind=Certificate.Kind.SET, completion_id=completion.pk)
