from celery import shared_task

from .services import credential_reminders_send, exam_attempts_close_overdue, exam_invitations_issue


@shared_task(name="recertification.issue_exam_invitations")
def issue_exam_invitations() -> int:
    """Every 15 minutes (beat): catches the last day of every practicum in every time zone."""
    return exam_invitations_issue()


@shared_task(name="recertification.send_reminders")
def send_reminders() -> int:
    """Daily (beat): renewal reminders and lapse notices, each once."""
    return credential_reminders_send()


@shared_task(name="recertification.close_overdue_exam_attempts")
def close_overdue_exam_attempts() -> int:
    """Every 5 minutes (beat): score the exam attempts whose time ran out without "Submit"."""
    return exam_attempts_close_overdue()
