"""The nightly certificate email: who is due, one message per person with every new certificate
attached, sent at most once (row locks), refusals recorded. Re-exported by `certificates.services`."""

import smtplib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.numbers import hours_text
from programs.services import email_render

from ..models import Certificate, CertificateEvent, EmailBatch


def _due(run_for: date | None) -> Q:
    q = Q(status=Certificate.Status.LIVE, held=False, email_state=Certificate.Email.PENDING)
    return q & Q(earned_on__lte=run_for) if run_for else q


def batch_start(*, run_for: date, triggered_by: str = "beat") -> tuple[EmailBatch, list[int]]:
    """Who gets an email tonight: everyone with a valid, not-held, not-yet-sent certificate
    earned on or before `run_for` (earlier failures included)."""
    user_ids = sorted(set(Certificate.objects.filter(_due(run_for)).values_list("user_id", flat=True)))
    batch = EmailBatch.objects.create(run_for=run_for, people=len(user_ids), triggered_by=triggered_by)
    return batch, user_ids


def batch_count(batch_id: int | None, figure: str, number: int) -> None:
    """Add to one of a batch's figures (sent, refused, retried, failed) and note the time: the
    batch's duration runs from its start to its latest outcome."""
    if batch_id:
        changes = {figure: F(figure) + number, "finished_at": timezone.now()}
        EmailBatch.objects.filter(pk=batch_id).update(**changes)


@dataclass(frozen=True)
class SendOutcome:
    sent: int = 0
    refused: int = 0
    temporary_error: str = ""


def certificates_email_message(
    user: User, certificates: list[Certificate], *, resend: bool = False
) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "certificates": certificates,
        "my_certificates_url": settings.SITE_URL + reverse("certificates:mine"),
        "verify_page_url": settings.SITE_URL + reverse("certificates:verify_form"),
        "total_hours": hours_text(sum((c.appraised_hours for c in certificates), Decimal(0))),
    }
    for certificate in certificates:
        certificate.verify_url = settings.SITE_URL + certificate.get_verify_url()  # type: ignore[attr-defined]  # for the templates
    count = len(certificates)
    message = email_render(
        template="certificates/email/certificates",
        context=context,
        subject=(
            f"Your certificate: {certificates[0].title}" if count == 1 else f"Your {count} new certificates"
        ),
        to=[user.email],
    )
    for certificate in certificates:
        with certificate.pdf.open("rb") as handle:
            message.attach(f"certificate-{certificate.display_code}.pdf", handle.read(), "application/pdf")
    return message


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def certificates_send_for_person(
    *, user_id: int, run_for: date | None, batch_id: int | None = None, only: list[int] | None = None
) -> SendOutcome:
    """One email with all of a person's new certificates.

    The certificates are locked (`SELECT … FOR UPDATE SKIP LOCKED`) for the length of the send,
    so a second worker or a rerun skips them, and they are marked sent in the same transaction,
    only after the mail server accepted the message. If the worker dies, the database drops its
    locks and the redelivered task sends them. A permanent refusal (5xx) marks them refused
    (shown in the admin) and the batch goes on; a temporary failure leaves them pending for a
    retry.
    """
    with transaction.atomic():
        rows = Certificate.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            _due(run_for), user_id=user_id
        )
        if only:
            rows = Certificate.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                pk__in=only,
                user_id=user_id,
                status=Certificate.Status.LIVE,
                email_state=Certificate.Email.PENDING,
            )
        certificates = list(rows.select_related("user", "program").order_by("earned_on", "pk"))
        if not certificates:
            return SendOutcome()
        ids = [c.pk for c in certificates]
        from . import certificate_render  # the package re-exports this module (import cycle)

        for certificate in (c for c in certificates if not c.pdf):  # never without it: render it now
            certificate_render(certificate_id=certificate.pk)
            certificate.refresh_from_db(fields=["pdf", "pdf_sha256"])
        try:
            message = certificates_email_message(certificates[0].user, certificates, resend=bool(only))
            with get_connection() as connection:
                connection.send_messages([message])
        except (smtplib.SMTPException, OSError) as exc:
            if not _is_permanent(exc):
                batch_count(batch_id, "retried", 1)
                return SendOutcome(temporary_error=str(exc))
            Certificate.objects.filter(pk__in=ids).update(
                email_state=Certificate.Email.REFUSED, email_error=str(exc)[:300]
            )
            CertificateEvent.objects.bulk_create(
                CertificateEvent(
                    certificate_id=pk, action=CertificateEvent.Action.REFUSED, reason=str(exc)[:300]
                )
                for pk in ids
            )
            batch_count(batch_id, "refused", len(ids))
            return SendOutcome(refused=len(ids))
        Certificate.objects.filter(pk__in=ids).update(
            email_state=Certificate.Email.SENT, emailed_at=timezone.now(), email_error=""
        )
        CertificateEvent.objects.bulk_create(
            CertificateEvent(certificate_id=pk, action=CertificateEvent.Action.EMAILED) for pk in ids
        )
        batch_count(batch_id, "sent", len(ids))
    return SendOutcome(sent=len(ids))
