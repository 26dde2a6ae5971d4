"""Reads for the exam, credentials and continuing education."""

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import staff_may
from certificates.models import Certificate
from core.dates import local_date
from practicums.models import Practicum, Registration
from practicums.selectors import practicum_list_upcoming
from programs.models import Program

from .models import CEActivity, Credential, ExamInvitation
from .tally import ce_hours_expression


def credential_expiry_by_certificate(*, certificates: Iterable[Certificate]) -> dict[int, date]:
    """{certificate id: its credential's last valid day} for certification and recertification
    certificates (each names its credential in `source_key`, "credential:<id>"; re-issued
    versions keep it)."""
    prefix = Certificate.source_key_for_credential(0).removesuffix("0")
    wanted = {
        int(c.source_key.removeprefix(prefix)): c.pk
        for c in certificates
        if c.source_key.startswith(prefix) and c.source_key.removeprefix(prefix).isdigit()
    }
    if not wanted:
        return {}
    periods = Credential.objects.filter(pk__in=wanted).values_list("pk", "valid_until")
    return {wanted[pk]: valid_until for pk, valid_until in periods}


def invitation_get_for_user(*, user: User, token: str) -> ExamInvitation:
    """A personal exam link works only for its own candidate: anyone else gets 404."""
    invitation = (
        ExamInvitation.objects.filter(token=token, user=user)
        .select_related("exam__program", "exam__assessment", "practicum")
        .first()
    )
    if invitation is None:
        raise Http404("No such exam link.")
    return invitation


def ce_evidence_get_for_user(*, user: User, pk: int) -> CEActivity:
    """An activity's evidence file: its owner, and staff with the permission in a TOTP-verified
    session, may download it; anyone else (staff without both included) gets 404."""
    activities = CEActivity.objects.exclude(evidence="")
    if not staff_may(user=user, perm="recertification.view_ceactivity"):
        activities = activities.filter(user=user)
    activity = activities.filter(pk=pk).first()
    if activity is None:
        raise Http404("No such file.")
    return activity


def invitations_for_user(*, user: User) -> QuerySet[ExamInvitation]:
    return (
        ExamInvitation.objects.filter(user=user)
        .select_related("exam__program", "practicum")
        .order_by("-issued_at")
    )


def credentials_current_for_user(*, user: User) -> list[Credential]:
    """Per program, the latest period (a renewal that has not started yet counts as latest)."""
    latest: dict[int, Credential] = {}
    for credential in (
        Credential.objects.filter(user=user).select_related("program", "renewal").order_by("valid_from")
    ):
        latest[credential.program_id] = credential
    return list(latest.values())


def ce_activities_for_user(*, user: User, program: Program) -> QuerySet[CEActivity]:
    return CEActivity.objects.filter(user=user, program=program).order_by("-date", "-created_at")


def ce_events_upcoming(*, program: Program) -> QuerySet[Practicum]:
    return practicum_list_upcoming(program=program, kind=Practicum.Kind.CE_EVENT)


def ce_registered_practicum_ids(*, user: User) -> set[int]:
    registrations = Registration.objects.filter(
        user=user, status=Registration.Status.CONFIRMED, practicum__kind=Practicum.Kind.CE_EVENT
    )
    return set(registrations.values_list("practicum_id", flat=True))


def today_for(program: Program) -> date:
    return local_date(timezone.now(), program.zone)


def credential_valid_until_for_certificate(*, certificate: Certificate) -> date | None:
    """The last day the certification period stated by a certification (or recertification)
    certificate is valid, or None for a certificate that does not expire."""
    prefix = Certificate.source_key_for_credential(0).removesuffix("0")
    if not certificate.source_key.startswith(prefix):
        return None
    pk = certificate.source_key.removeprefix(prefix)
    credential = Credential.objects.filter(pk=int(pk)).only("valid_until").first() if pk.isdigit() else None
    return credential.valid_until if credential else None


def credentials_with_ce_hours(credentials: QuerySet[Credential]) -> QuerySet[Credential]:
    """`credentials` with `ce_hours_counted` (what services.ce_hours_counting computes for one),
    in the same query: a list or an export of thousands of holders asks once, not once a row."""
    if "ce_hours_counted" in credentials.query.annotations:
        return credentials
    return credentials.annotate(ce_hours_counted=ce_hours_expression(CEActivity))
