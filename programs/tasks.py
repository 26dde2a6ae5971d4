from celery import shared_task

from .services import enrollment_send_access_open_emails


@shared_task(name="programs.send_access_open_emails")
def send_access_open_emails() -> int:
    """Every 15 minutes (beat): tell people whose modules opened."""
    return enrollment_send_access_open_emails()
