"""What an uploaded PDF proves on /verify/: its SHA-256 against every file we issued, and its
signature (signing/pdf.py) against our signing certificates. Its own selector and template
include (`certificates/_verify_pdf.html`), so the verify view only calls it."""

import hashlib
from dataclasses import dataclass

from signing.pdf import Outcome, SignatureReport, pdf_signature_check

from .models import Certificate, CertificateEvent
from .selectors import certificate_find_by_pdf_hash
from .services.signed_copies import SIGNED_REASON


class Verdict:
    GENUINE = "genuine"  # a file we issued, unchanged (signed, or from before signing)
    REPLACED_BY_SIGNED = "replaced_by_signed"  # a file we issued unsigned, since re-issued signed
    SIGNED_NOT_ISSUED = "signed_not_issued"  # our valid signature, but not a file we issued
    CHANGED = "changed"  # signed, then changed: the signature is broken
    NOT_OURS = "not_ours"  # neither a file we issued nor signed by us


@dataclass(frozen=True)
class PdfCheck:
    checked_file: str
    verdict: str
    certificate: Certificate | None
    signature: SignatureReport
    signed_copy: Certificate | None = None


def _signed_copy(certificate: Certificate) -> Certificate | None:
    """The signed version that replaced this one, when that is why it was superseded."""
    if certificate.status != Certificate.Status.SUPERSEDED:
        return None
    replaced_for_signing = CertificateEvent.objects.filter(
        certificate=certificate, action=CertificateEvent.Action.SUPERSEDED, reason=SIGNED_REASON
    ).exists()
    return Certificate.objects.filter(supersedes=certificate).first() if replaced_for_signing else None


def certificate_pdf_check(*, data: bytes, name: str) -> PdfCheck:
    sha256 = hashlib.sha256(data).hexdigest()
    certificate = certificate_find_by_pdf_hash(sha256=sha256)
    signature = pdf_signature_check(data=data)
    signed_copy = None
    if certificate is not None:
        signed_copy = _signed_copy(certificate) if not signature.signed else None
        verdict = Verdict.REPLACED_BY_SIGNED if signed_copy else Verdict.GENUINE
    elif signature.outcome == Outcome.VALID:
        verdict = Verdict.SIGNED_NOT_ISSUED
    elif signature.outcome == Outcome.BROKEN:
        verdict = Verdict.CHANGED
    else:
        verdict = Verdict.NOT_OURS
    return PdfCheck(
        checked_file=name,
        verdict=verdict,
        certificate=certificate,
        signature=signature,
        signed_copy=signed_copy,
    )
