"""Core's Celery task: sending a queued message. `core` is not an installed app, so autodiscovery
does not look here; accounts/tasks.py imports this module so workers register the task (its
name, "accounts.email_send", predates the move and stays for messages already queued)."""

import logging
import smtplib

from celery import shared_task

from .mail import email_deserialize

logger = logging.getLogger(__name__)

TEMPORARY_SMTP_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)


def _is_temporary(exc: Exception) -> bool:
    if isinstance(exc, TEMPORARY_SMTP_ERRORS):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return False


@shared_task(name="accounts.email_send", bind=True, max_retries=6)
def email_send(self, *, message: dict) -> None:
    """Send one queued message; temporary SMTP errors are retried with exponential backoff."""
    try:
        email_deserialize(message).send()
    except (smtplib.SMTPException, OSError) as exc:
        if _is_temporary(exc) and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc
        logger.error("Could not send %r to %s: %s", message["subject"], message["to"], exc)
