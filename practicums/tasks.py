from celery import shared_task

from .services import waitlist_expire_offers


@shared_task(name="practicums.expire_waitlist_offers")
def expire_waitlist_offers() -> int:
    """Every 15 minutes (beat): lapse seat offers past their deadline and offer the seat onward."""
    return waitlist_expire_offers()
