from django.contrib import admin

from .models import SigningKey, StatusList


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Read only: keys are recorded when first used to sign (badges.services.signing_key_current)."""

    list_display = ["kid", "created_at", "retired_at"]
    readonly_fields = ["kid", "public_jwk", "created_at", "retired_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an old kid URL must keep answering


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ["pk", "next_index", "size", "created_at"]
    readonly_fields = ["size", "next_index", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
