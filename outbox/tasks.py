from celery import shared_task

from .services import outbox_sweep


@shared_task(name="outbox.sweep")
def sweep() -> int:
    """Every minute (beat): publish the queued work whose publish after its commit failed."""
    return outbox_sweep()
