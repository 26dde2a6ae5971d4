from celery import shared_task

from .services import outbox_drain, outbox_sweep_all


@shared_task(name="outbox.sweep")
def sweep() -> int:
    """Every minute (beat): publish the queued work whose publish after its commit failed, or
    whose drain was not queued."""
    return outbox_sweep_all()


@shared_task(name="outbox.drain")
def drain() -> int:
    """Queued by a commit's kick (`outbox_enqueue(publish_now=False)`): publish what is due."""
    return outbox_drain()
