from celery import shared_task

from .services import session_reminders_send, waitlist_expire_offers
from .services.public_feed import public_feed_publish


@shared_task(name="practicums.expire_waitlist_offers")
def expire_waitlist_offers() -> int:
    """Every 15 minutes (beat): lapse seat offers past their deadline and offer the seat onward."""
    return waitlist_expire_offers()


@shared_task(name="practicums.send_session_reminders")
def send_session_reminders() -> int:
    """Every 5 minutes (beat): remind people of in-person sessions from 24 hours before and of
    virtual ones from an hour before (each person, session and kind once)."""
    return session_reminders_send()


@shared_task(name="practicums.publish_public_feed")
def publish_public_feed() -> int:
    """After a practicum or session changes (queued through the outbox), and nightly (beat):
    the public calendar feed, rendered and stored (decision 0018)."""
    return public_feed_publish()
