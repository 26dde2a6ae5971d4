"""Small admin building blocks shared by the apps (accounts is the app every other imports)."""

from django.contrib import admin


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows a history (registrations, audit events) and never edits it."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None) -> bool:
        return False
