from celery import shared_task

from .services import session_reminders_send, waitlist_expire_offers


@shared_task(name="practicums.expire_waitlist_offers")
def expire_waitlist_offers() -> int:
    """Every 15 minutes (beat): lapse seat offers past their deadline and offer the seat onward."""
    return waitlist_expire_offers()


@shared_task(name="practicums.send_session_reminders")
def send_session_reminders() -> int:
    """Every 5 minutes (beat): remind people of in-person sessions from 24 hours before and of
    virtual ones from an hour before (each person, session and kind once)."""
    return session_reminders_send()
