from django.contrib import admin

from .models import OutboxMessage


def _refused(self, request, obj=None) -> bool:
    return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read only: a row here is work the task queue has not taken yet (the sweep retries it
    every minute). Many rows, or old ones, mean the broker is down or refusing."""

    list_display = ("task_name", "created_at", "attempts", "next_try_at", "last_error")
    list_filter = ("task_name",)
    readonly_fields = ("task_name", "kwargs", "created_at", "attempts", "last_error", "next_try_at")
    ordering = ("created_at",)

    # Read only: the sweep publishes and deletes rows; staff only look.
    has_add_permission = has_change_permission = has_delete_permission = _refused
