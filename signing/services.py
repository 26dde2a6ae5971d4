"""Writes for signing: the registry row of a signing certificate, made when it first signs."""

import hashlib

from asn1crypto import pem, x509
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SigningCertificate


def signing_certificate_record(*, certificate: x509.Certificate) -> SigningCertificate:
    """The registry row of this certificate, created on its first use (idempotent, race-safe)."""
    der = certificate.dump()
    fingerprint = hashlib.sha256(der).hexdigest()
    found = SigningCertificate.objects.filter(sha256=fingerprint).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SigningCertificate.objects.create(
                sha256=fingerprint,
                subject=certificate.subject.human_friendly,
                issuer=certificate.issuer.human_friendly,
                serial=format(certificate.serial_number, "x"),
                not_before=certificate.not_valid_before,
                not_after=certificate.not_valid_after,
                pem=pem.armor("CERTIFICATE", der).decode(),
                first_used_at=timezone.now(),
            )
    except IntegrityError:  # recorded by another process this instant
        return SigningCertificate.objects.get(sha256=fingerprint)
