"""The registry of signing certificates: every certificate that ever signed a PDF, so a file
signed with an earlier key stays verifiable after a rotation. Never a private key."""

from django.db import models

from core.models import NOT_SHOWN, CachedModel


class SigningCertificate(CachedModel):
    cache_scope = NOT_SHOWN

    sha256 = models.CharField("SHA-256 fingerprint", max_length=64, unique=True)
    subject = models.CharField(max_length=500)
    issuer = models.CharField(max_length=500)
    serial = models.CharField(max_length=100, help_text="Hexadecimal.")
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    pem = models.TextField("Certificate (PEM)", help_text="The public certificate only.")
    first_used_at = models.DateTimeField(
        help_text="When this process or an earlier one first signed with it."
    )
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set if the key was withdrawn: files it signed later are not accepted.",
    )

    class Meta:
        ordering = ["-first_used_at"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.sha256[:16]}…)"
