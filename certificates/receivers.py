"""Certificates react to what other apps report: a module or a set of live events completed."""

from django.dispatch import receiver

from modules.signals import module_completed
from practicums.signals import set_completed

from .models import Certificate
from .services import certificate_issue


@receiver(module_completed, dispatch_uid="certificates.module_completed")
def issue_for_module(sender, completion, **kwargs) -> None:
    module = completion.module
    if not module.is_on_demand:
        return
    certificate_issue(
        user=completion.user,
        program=module.program,
        kind=Certificate.Kind.MODULE,
        source_key=Certificate.source_key_for_module(module.pk),
        title=module.title,
        hours=module.appraised_hours,
        earned_on=completion.completed_on,
        module=module,
    )


@receiver(set_completed, dispatch_uid="certificates.set_completed")
def issue_for_set(sender, completion, **kwargs) -> None:
    """A series' set of live events earns a Certificate of Completion; alternatives of one group
    (Virtual Sessions 1–6 or Days 1–3) earn the same certificate, so they share one key."""
    practicum = completion.practicum
    if practicum.kind != practicum.Kind.LIVE_SET:
        return
    certificate_issue(
        user=completion.user,
        program=practicum.program,
        kind=Certificate.Kind.SET,
        source_key=Certificate.source_key_for_set(practicum),
        title=practicum.title,
        hours=practicum.appraised_hours,
        earned_on=completion.completed_on,
        practicum=practicum,
    )
