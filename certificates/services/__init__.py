"""Writes for certificates: issue (idempotent), re-issue, revoke, hold, and the nightly email; share
links for My PL Record are in `share_links`, re-exported here."""

import hashlib
import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.numbers import hours_text
from modules.models import Module
from outbox.services import outbox_enqueue
from practicums.models import Practicum
from programs.models import Program
from signing.pdf import pdf_sign

from ..models import Certificate, CertificateDesign, CertificateEvent
from ..rendering import CertificateValues, DesignError, DesignValues, renderer_for
from ..stamping import stamp, template_for
from .nightly import (  # noqa: F401  (re-exported)
    SendOutcome,
    batch_count,
    batch_start,
    certificates_email_message,
    certificates_send_for_person,
)
from .share_links import (  # noqa: F401  (re-exported: callers import them from certificates.services)
    SHARE_LINK_MAX_DAYS,
    share_link_create,
    share_link_email,
    share_link_opened,
    share_link_revoke,
    share_link_zone,
)
from .signed_copies import SIGNED_REASON, certificates_sign_existing  # noqa: F401  (re-exported)

logger = logging.getLogger(__name__)

KIND_LABELS = {
    Certificate.Kind.MODULE: "Certificate of Completion",
    Certificate.Kind.SET: "Certificate of Completion",
    Certificate.Kind.CERTIFICATION: "Certificate of Certification",
    Certificate.Kind.RECERTIFICATION: "Certificate of Recertification",
}


def design_values(program: Program) -> DesignValues:
    design = CertificateDesign.objects.filter(program=program).first() or CertificateDesign(program=program)
    return design_values_of(design)


def design_values_of(design: CertificateDesign) -> DesignValues:
    return DesignValues(
        html=design.html,
        css=design.css,
        primary_color=design.primary_color,
        accent_color=design.accent_color,
        page_size=design.page_size,
        signer_name=design.signer_name,
        signer_title=design.signer_title,
        logo=design.logo.name or "",
        signature=design.signature.name or "",
    )


def certificate_values(certificate: Certificate) -> CertificateValues:
    day = certificate.earned_on
    return CertificateValues(
        name=certificate.name_on_certificate,
        title=certificate.title,
        kind_label=KIND_LABELS[Certificate.Kind(certificate.kind)],
        program=certificate.program.title,
        organization=settings.CREDO_SITE_NAME,
        hours=hours_text(certificate.appraised_hours),
        date=f"{day:%B} {day.day}, {day.year}",
        code=certificate.display_code,
        verify_url=settings.SITE_URL + certificate.get_verify_url(),
    )


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The program's design; if staff broke it, the default design (the batch never stops for
    a template error — staff see the error in the admin preview)."""
    values = certificate_values(certificate)
    try:
        return render_fast(renderer_for(design_values(certificate.program)), values)
    except DesignError:
        logger.exception("Certificate design of %s fails; using the default design", certificate.program)
        default = design_values_of(CertificateDesign(program=certificate.program))
        return render_fast(renderer_for(default), values)


def render_fast(renderer, values: CertificateValues) -> bytes:
    """Stamp onto the design rendered once when possible; otherwise render it whole."""
    template = template_for(renderer, values)
    pdf = stamp(template, values) if template is not None else None
    return pdf if pdf is not None else renderer.render(values)


def _store_pdf(certificate: Certificate) -> None:
    pdf = pdf_sign(data=render_certificate_pdf(certificate))
    certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf.save(f"{certificate.verification_code}.pdf", ContentFile(pdf), save=False)


def certificate_render(*, certificate_id: int) -> bool:
    """Store the PDF of a certificate issued without one (task `certificates.render`). Safe twice or
    at once: the UPDATE that still finds no PDF keeps its file, a loser deletes its own."""
    certificate = Certificate.objects.filter(pk=certificate_id, pdf="").select_related("program").first()
    if certificate is None:
        return False  # rendered already, or gone
    _store_pdf(certificate)
    stored = Certificate.objects.filter(pk=certificate_id, pdf="").update(
        pdf=certificate.pdf.name, pdf_sha256=certificate.pdf_sha256
    )  # not quiet: the person's cached pages renew and show the download
    if not stored:
        certificate.pdf.delete(save=False)
    return bool(stored)


def certificates_render_missing(*, older_than: timedelta, limit: int = 200) -> int:
    """The PDFs whose task was lost: issued over `older_than` ago and still none, oldest first."""
    ids = Certificate.objects.filter(pdf="", issued_at__lt=timezone.now() - older_than).order_by("issued_at")
    return sum(certificate_render(certificate_id=pk) for pk in ids.values_list("pk", flat=True)[:limit])


def _render_after_commit(certificate: Certificate) -> None:
    from ..tasks import render  # the task module imports this one

    outbox_enqueue(task=render, kwargs={"certificate_id": certificate.pk})  # decision 0012


def _certificate_new(
    *,
    user: User,
    program: Program,
    kind: str,
    source_key: str,
    module: Module | None,
    practicum: Practicum | None,
    title: str,
    hours: Decimal,
    earned_on: date,
    supersedes: Certificate | None = None,
) -> Certificate:
    """An unsaved certificate in the holder's current name, issued now; a re-issue is the next
    version of the one it supersedes."""
    return Certificate(
        user=user,
        program=program,
        kind=kind,
        source_key=source_key,
        module=module,
        practicum=practicum,
        title=title,
        name_on_certificate=user.full_name or user.email,
        appraised_hours=hours,
        earned_on=earned_on,
        version=supersedes.version + 1 if supersedes else 1,
        supersedes=supersedes,
        issued_at=timezone.now(),
    )


def certificate_issue(
    *,
    user: User,
    program: Program,
    kind: str,
    source_key: str,
    title: str,
    hours: Decimal,
    earned_on: date,
    module: Module | None = None,
    practicum: Practicum | None = None,
    by: User | None = None,
) -> Certificate:
    """Issue the certificate for something earned, once: a second call returns the live one.
    Its PDF is rendered by a worker once the caller's transaction commits (`certificate_render`)
    and never changes after; the verify page works at once."""
    existing = Certificate.objects.filter(
        user=user, source_key=source_key, status=Certificate.Status.LIVE
    ).first()
    if existing is not None:
        return existing
    certificate = _certificate_new(
        user=user,
        program=program,
        kind=kind,
        source_key=source_key,
        module=module,
        practicum=practicum,
        title=title,
        hours=hours,
        earned_on=earned_on,
    )
    try:
        with transaction.atomic():
            certificate.save()
            CertificateEvent.objects.create(
                certificate=certificate, action=CertificateEvent.Action.ISSUED, by=by
            )
            _render_after_commit(certificate)
    except IntegrityError:  # issued concurrently: keep the one that won (its render is queued)
        return Certificate.objects.get(user=user, source_key=source_key, status=Certificate.Status.LIVE)
    return certificate


def certificate_issue_earned(*, kind: str, completion_id: int) -> Certificate | None:
    """Issue the certificate a completion earns (task `certificates.issue`, queued in the
    transaction that recorded the completion): an on-demand module, or a series' set of live
    events, whose alternatives (Virtual Sessions 1–6 or Days 1–3) earn the same certificate.
    Safe twice: a second run returns the live one. None if the completion earns none or is gone."""
    from modules.models import ModuleCompletion
    from practicums.models import SetCompletion

    if kind == Certificate.Kind.MODULE:
        modules = ModuleCompletion.objects.select_related("user", "module__program")
        done = modules.filter(pk=completion_id).first()
        if done is None or not done.module.is_on_demand:
            return None
        module = done.module
        return certificate_issue(
            user=done.user, program=module.program, kind=kind, title=module.title,
            source_key=Certificate.source_key_for_module(module.pk), hours=module.appraised_hours,
            earned_on=done.completed_on, module=module,
        )  # fmt: skip
    sets = SetCompletion.objects.select_related("user", "practicum__program")
    finished = sets.filter(pk=completion_id).first()
    if finished is None or not finished.practicum.earns_certificate:
        return None
    practicum = finished.practicum
    return certificate_issue(
        user=finished.user, program=practicum.program, kind=Certificate.Kind.SET, title=practicum.title,
        source_key=Certificate.source_key_for_set(practicum), hours=practicum.appraised_hours,
        earned_on=finished.completed_on, practicum=practicum,
    )  # fmt: skip


def certificate_issue_queue(*, kind: str, completion_id: int) -> None:
    """Queue `certificate_issue_earned` for when the caller's transaction commits: published by a
    drain, not by the request (500 check-ins completing a set at once: decision 0027)."""
    from ..tasks import issue  # the task module imports this one

    outbox_enqueue(task=issue, kwargs={"kind": kind, "completion_id": completion_id}, publish_now=False)


def certificate_reissue(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """A new version (current name, current design) replaces a live certificate; the old one is
    kept as superseded and its verification page says so."""
    if not reason.strip():
        raise ValueError("A reason is required to re-issue a certificate.")
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.LIVE:
            raise ValueError("Only a valid certificate can be re-issued.")
        old.status = Certificate.Status.SUPERSEDED
        old.save(update_fields=["status"])
        new = _certificate_new(
            user=old.user,
            program=old.program,
            kind=old.kind,
            source_key=old.source_key,
            module=old.module,
            practicum=old.practicum,
            title=old.title,
            hours=old.appraised_hours,
            earned_on=old.earned_on,
            supersedes=old,
        )
        new.save()
        _render_after_commit(new)
        CertificateEvent.objects.create(
            certificate=old, action=CertificateEvent.Action.SUPERSEDED, by=by, reason=reason
        )
        CertificateEvent.objects.create(
            certificate=new, action=CertificateEvent.Action.REISSUED, by=by, reason=reason
        )
    return new


def certificate_revoke(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    if not reason.strip():
        raise ValueError("A reason is required to revoke a certificate.")
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(
            status=Certificate.Status.REVOKED, revoked_reason=reason[:300]
        )
        CertificateEvent.objects.create(
            certificate=certificate, action=CertificateEvent.Action.REVOKED, by=by, reason=reason
        )
    certificate.refresh_from_db()
    return certificate


def certificate_hold(*, certificate: Certificate, by: User | None, held: bool, reason: str = "") -> None:
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(held=held)
        action = CertificateEvent.Action.HELD if held else CertificateEvent.Action.RELEASED
        CertificateEvent.objects.create(certificate=certificate, action=action, by=by, reason=reason)


def certificate_resend(*, certificate: Certificate, by: User | None) -> None:
    """Send this one certificate again now (to the person's current address)."""
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(email_state=Certificate.Email.PENDING)
        CertificateEvent.objects.create(certificate=certificate, action=CertificateEvent.Action.RESENT, by=by)
        from ..tasks import send_person

        outbox_enqueue(
            task=send_person,
            kwargs={
                "user_id": certificate.user_id,
                "batch_id": None,
                "run_for": None,
                "only": [certificate.pk],
            },
        )
