"""Sign a PDF with the organisation's key (PAdES baseline B-B, or B-T with a timestamp authority)
and check a PDF's signature against the registry of our signing certificates."""

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem, x509
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .keys import signer_current
from .models import SigningCertificate
from .services import signing_certificate_record

logger = logging.getLogger(__name__)
FIELD = "Signature"


def pdf_sign(*, data: bytes) -> bytes:
    """The PDF signed by the organisation (an incremental update: the original bytes stay as
    they were, followed by the signature); `data` unchanged when signing is off."""
    config = settings.CREDO_SIGNING
    if not config["ENABLED"]:
        return data
    loaded = signer_current()
    if not loaded.recorded:  # a key's first use (in this process) puts it in the registry
        signing_certificate_record(certificate=loaded.signer.signing_cert)
        loaded.recorded = True
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=settings.CREDO_SITE_NAME,
        reason="Issued by " + settings.CREDO_SITE_NAME,
    )
    timestamper = HTTPTimeStamper(config["TSA_URL"]) if config["TSA_URL"] else None
    template = getattr(loaded.signer, "_template", None)
    reserved = 2 * len(template.cms) + 64 if template is not None and timestamper is None else None
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    signed = loaded.loop.run_until_complete(
        signers.async_sign_pdf(
            writer, meta, signer=loaded.signer, timestamper=timestamper, bytes_reserved=reserved
        )
    )
    return signed.getvalue()


def pdf_is_signed(*, data: bytes) -> bool:
    """Whether the PDF carries a signature at all (cheap: no validation)."""
    try:
        return bool(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)
    except Exception:  # noqa: BLE001 (unreadable: not signed as far as anyone can tell)
        return False


class Outcome:
    UNSIGNED = "unsigned"  # no signature at all
    VALID = "valid"  # our registered key, valid when it signed, every byte as signed
    BROKEN = "broken"  # a signature whose bytes no longer match: changed after signing
    NOT_OURS = "not_ours"  # signed, intact, but not by a certificate in our registry
    KEY_NOT_VALID = "key_not_valid"  # our key, but it signed outside its validity or after retirement


@dataclass(frozen=True)
class SignatureReport:
    outcome: str
    subject: str = ""  # of the certificate that signed, ours or not
    fingerprint: str = ""  # its SHA-256
    signed_by: SigningCertificate | None = None  # the registry row when it is ours
    signed_at: datetime | None = None
    intact: bool = False  # the signed bytes unchanged and nothing added after them
    valid_when_signed: bool = False

    @property
    def signed(self) -> bool:
        return self.outcome != Outcome.UNSIGNED


def _valid_at(certificate: SigningCertificate, moment: datetime | None) -> bool:
    if moment is None:
        return False
    retired = certificate.retired_at is not None and moment >= certificate.retired_at
    return certificate.not_before <= moment <= certificate.not_after and not retired


def pdf_signature_check(*, data: bytes) -> SignatureReport:
    """What the PDF's (last) signature proves: by which of our certificates, valid when it
    signed, the file unchanged since. Any file, however broken, gets an answer."""
    try:
        embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # not a PDF pyHanko can read: nothing it could prove
        logger.info("Unreadable PDF uploaded for a signature check", exc_info=True)
        return SignatureReport(outcome=Outcome.UNSIGNED)
    if not embedded:
        return SignatureReport(outcome=Outcome.UNSIGNED)
    signature = embedded[-1]
    try:
        certificate = signature.signer_cert
    except Exception:  # noqa: BLE001 (the signature container itself was changed)
        return SignatureReport(outcome=Outcome.BROKEN)
    fingerprint = hashlib.sha256(certificate.dump()).hexdigest()
    ours = SigningCertificate.objects.filter(sha256=fingerprint).first()
    signed_at = signature.self_reported_timestamp
    context = ValidationContext(
        trust_roots=[x509.Certificate.load(pem.unarmor(ours.pem.encode())[2])] if ours else [],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=signed_at,
    )
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
        intact = status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        if status.timestamp_validity is not None:  # B-T: the authority's time, not ours
            signed_at = status.timestamp_validity.timestamp
    except Exception:
        logger.info("Signature validation failed", exc_info=True)
        intact = False
    report = {
        "subject": certificate.subject.human_friendly,
        "fingerprint": fingerprint,
        "signed_by": ours,
        "signed_at": signed_at,
        "intact": intact,
        "valid_when_signed": ours is not None and _valid_at(ours, signed_at),
    }
    if not intact:
        return SignatureReport(outcome=Outcome.BROKEN, **report)
    if ours is None:
        return SignatureReport(outcome=Outcome.NOT_OURS, **report)
    if not report["valid_when_signed"]:
        return SignatureReport(outcome=Outcome.KEY_NOT_VALID, **report)
    return SignatureReport(outcome=Outcome.VALID, **report)
