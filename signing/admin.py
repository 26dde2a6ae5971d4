from django.contrib import admin

from .models import SigningCertificate


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    """Read-only but for `retired_at` (withdraw a key that leaked)."""

    list_display = ["subject", "sha256", "not_before", "not_after", "first_used_at", "retired_at"]
    fields = [
        "subject",
        "issuer",
        "serial",
        "sha256",
        "not_before",
        "not_after",
        "first_used_at",
        "retired_at",
        "pem",
    ]
    readonly_fields = [name for name in fields if name != "retired_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
