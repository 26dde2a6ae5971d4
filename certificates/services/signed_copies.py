"""Existing certificates from before PDF signing, re-issued as signed new versions (reason
"signed"): the old version is superseded and keeps its hash, so its file still verifies."""

from dataclasses import dataclass

from django.conf import settings

from signing.pdf import pdf_is_signed

from ..models import Certificate

SIGNED_REASON = "signed"


@dataclass
class SignedCopies:
    signed: int = 0  # re-issued as a signed new version now
    already_signed: int = 0
    without_file: int = 0
    skipped: int = 0  # no longer live when its turn came


def certificates_sign_existing(*, batch_size: int = 100) -> SignedCopies:
    """Every live certificate whose PDF has no signature becomes a signed new version, batch by
    batch (each re-issue its own transaction); running it again signs nothing twice."""
    from . import certificate_reissue

    if not settings.CREDO_SIGNING["ENABLED"]:
        raise ValueError("Signing is off: set CREDO_SIGNING=on (and a key) before signing certificates.")
    counts, made, last = SignedCopies(), set(), 0
    while True:
        batch = list(
            Certificate.objects.filter(status=Certificate.Status.LIVE, pk__gt=last).order_by("pk")[
                :batch_size
            ]
        )
        if not batch:
            return counts
        for certificate in batch:
            last = certificate.pk
            if certificate.pk in made:
                continue
            if not certificate.pdf:
                counts.without_file += 1
                continue
            with certificate.pdf.open("rb") as handle:
                if pdf_is_signed(data=handle.read()):
                    counts.already_signed += 1
                    continue
            try:
                new = certificate_reissue(certificate=certificate, by=None, reason=SIGNED_REASON)
            except ValueError:  # superseded or revoked meanwhile
                counts.skipped += 1
                continue
            made.add(new.pk)
            counts.signed += 1
