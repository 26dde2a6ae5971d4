from datetime import date, timedelta
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from core.dates import local_date

from .services import (
    batch_count,
    batch_start,
    certificate_issue_earned,
    certificate_render,
    certificates_render_missing,
    certificates_send_for_person,
)

BATCH_ZONE = "America/Los_Angeles"
# A certificate still without its PDF this long after issue lost its task (render_missing, beat).
RENDER_LOST_AFTER = timedelta(minutes=10)


def batch_day(run_for: str | None) -> date:
    """The day a batch sends for: `run_for` (YYYY-MM-DD), or today in Pacific time."""
    return date.fromisoformat(run_for) if run_for else local_date(timezone.now(), ZoneInfo(BATCH_ZONE))


@shared_task(name="certificates.nightly_batch")
def nightly_batch(*, run_for: str | None = None, triggered_by: str = "beat") -> int:
    """20:00 Pacific (beat): one task per person with certificates to send."""
    day = batch_day(run_for)
    batch, user_ids = batch_start(run_for=day, triggered_by=triggered_by)
    for user_id in user_ids:
        send_person.delay(user_id=user_id, batch_id=batch.pk, run_for=day.isoformat())
    return len(user_ids)


@shared_task(name="certificates.send_person", bind=True, max_retries=8, acks_late=True)
def send_person(
    self, *, user_id: int, batch_id: int | None, run_for: str | None, only: list[int] | None = None
) -> int:
    """Send one person's new certificates (safe to run twice: see the service)."""
    outcome = certificates_send_for_person(
        user_id=user_id,
        run_for=date.fromisoformat(run_for) if run_for else None,
        batch_id=batch_id,
        only=only,
    )
    if outcome.temporary_error:
        if self.request.retries >= self.max_retries:
            batch_count(batch_id, "failed", 1)
            return 0  # left pending: tomorrow's batch picks them up again
        base = settings.CREDO_EMAIL_RETRY_BASE_SECONDS
        raise self.retry(countdown=min(1800, base * 2**self.request.retries))
    return outcome.sent


@shared_task(name="certificates.issue", bind=True, max_retries=5, acks_late=True)
def issue(self, *, kind: str, completion_id: int) -> int | None:
    """Issue the certificate a module or set completion earns, queued (outbox) in the transaction
    that recorded it (safe to run twice: see the service); its PDF is queued in turn."""
    try:
        certificate = certificate_issue_earned(kind=kind, completion_id=completion_id)
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from exc
    return certificate.pk if certificate is not None else None


@shared_task(name="certificates.render", bind=True, max_retries=5, acks_late=True)
def render(self, *, certificate_id: int) -> bool:
    """Render and store a new certificate's PDF, queued when the certificate is saved (safe to run
    twice: see the service). A storage or database hiccup is retried; the sweep catches the rest."""
    try:
        return certificate_render(certificate_id=certificate_id)
    except (OSError, DatabaseError) as exc:
        raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from exc


@shared_task(name="certificates.render_missing")
def render_missing() -> int:
    """Every 5 minutes (beat): the PDFs whose `certificates.render` was lost."""
    return certificates_render_missing(older_than=RENDER_LOST_AFTER)
