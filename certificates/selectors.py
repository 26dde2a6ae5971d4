"""Reads for certificates."""

from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404

from accounts.models import User

from .models import Certificate


def certificate_list_for_user(*, user: User) -> QuerySet[Certificate]:
    """A person's certificates, newest first: valid ones, and revoked ones so they know."""
    return (
        Certificate.objects.filter(user=user)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .select_related("program")
        .order_by("-earned_on", "-issued_at")
    )


def certificate_hours_total(*, user: User) -> Decimal:
    total = Certificate.objects.filter(user=user, status=Certificate.Status.LIVE).aggregate(
        h=Sum("appraised_hours")
    )["h"]
    return total or Decimal(0)


def certificate_get_for_user(*, user: User, pk: int) -> Certificate:
    """The person's own certificate, or 404 for anyone else's."""
    certificate = (
        Certificate.objects.filter(user=user, pk=pk).exclude(pdf="").select_related("program").first()
    )
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificate_get_by_code(*, code: str) -> Certificate | None:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return (
        Certificate.objects.filter(verification_code=normalized)
        .select_related("program", "superseded_by")
        .first()
    )


def certificate_find_by_pdf_hash(*, sha256: str) -> Certificate | None:
    return Certificate.objects.filter(pdf_sha256=sha256).select_related("program").first()


def tonight_queue() -> list[tuple]:
    """What the next batch sends, per person: [(user, [certificates])], plus nothing held."""
    rows = (
        Certificate.objects.filter(
            status=Certificate.Status.LIVE, held=False, email_state=Certificate.Email.PENDING
        )
        .select_related("user", "program")
        .order_by("user__full_name", "user_id", "earned_on")
    )
    queue: dict[int, tuple] = {}
    for certificate in rows:
        queue.setdefault(certificate.user_id, (certificate.user, []))[1].append(certificate)
    return list(queue.values())


def certificates_held() -> QuerySet[Certificate]:
    return Certificate.objects.filter(status=Certificate.Status.LIVE, held=True).select_related(
        "user", "program"
    )


def certificates_refused() -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        status=Certificate.Status.LIVE, email_state=Certificate.Email.REFUSED
    ).select_related("user", "program")


def certificates_for_program_export(*, program_id: int) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(program_id=program_id, status=Certificate.Status.LIVE)
        .exclude(pdf="")
        .select_related("user")
        .order_by("earned_on", "pk")
    )
