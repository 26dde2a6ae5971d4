from celery import shared_task

from .services import attempts_close_overdue


@shared_task(name="modules.close_overdue_attempts")
def close_overdue_attempts() -> int:
    """Every 5 minutes (beat): score the module attempts whose time ran out without "Submit"."""
    return attempts_close_overdue()
