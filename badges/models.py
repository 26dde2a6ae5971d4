"""Open Badges 3.0 (decision 0016): what must stay the same each time a certificate's badge is
signed — its credential id, its place in a status list, the person's subject id — and the public
keys that ever signed one (so an old `kid` URL keeps answering after a rotation).

Kept here rather than as fields on certificates.Certificate: certificates stays unaware of
badges (dependencies point one way), and a badge row is made the first time it is needed."""

import secrets
import uuid

from django.conf import settings
from django.db import models

from certificates.models import Certificate
from core.models import NOT_SHOWN, CachedModel

# W3C Bitstring Status List §2.2: "The uncompressed bitstring MUST be at least 16KB in size."
STATUS_LIST_SIZE = 131_072


def new_salt() -> str:
    return secrets.token_hex(16)


class SigningKey(CachedModel):
    """A public key that signed (or signs) badges. The private key never enters the database."""

    cache_scope = NOT_SHOWN

    kid = models.CharField(
        max_length=64, unique=True, help_text="RFC 7638 thumbprint; part of the key's URL."
    )
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="From then on another key signs; earlier signatures stay valid."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Badge key {self.kid[:12]}…{' (retired)' if self.retired_at else ''}"


class StatusList(CachedModel):
    """One BitstringStatusListCredential: STATUS_LIST_SIZE entries, handed out in order."""

    cache_scope = NOT_SHOWN

    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    next_index = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Status list {self.pk} ({self.next_index}/{self.size})"


class BadgeSubject(CachedModel):
    """A person's `credentialSubject.id` (urn:uuid), the same on every badge they hold."""

    cache_scope = NOT_SHOWN

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return f"urn:uuid:{self.subject_id}"


class BadgeCredential(CachedModel):
    """A certificate's OpenBadgeCredential: its `id`, its status list entry, its email salt."""

    cache_scope = NOT_SHOWN

    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="badge")
    credential_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    status_index = models.PositiveIntegerField()
    email_salt = models.CharField(max_length=32, default=new_salt, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="badges_one_entry_per_index")
        ]

    def __str__(self) -> str:
        return f"urn:uuid:{self.credential_id}"
