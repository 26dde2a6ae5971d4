"""The program dashboard's place in the admin: the programs' admin, with the dashboard's and the
nudge lists' URLs, a column linking to the dashboard and a link on each program's page; the
nudge emails staff edit, and the log of nudges sent. Here, not in programs/admin.py: the
dashboard reads every app, and programs may import none of them (docs/ARCHITECTURE.md)."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.decorators import staff_permission_required
from core.admin import LargeTableAdmin
from programs.admin import ProgramAdmin
from programs.models import Program

from .models import Nudge, NudgeTemplate, programs_visible_to
from .views import program_dashboard_view
from .views_nudges import nudge_list_view

admin.site.unregister(Program)


@admin.register(Program)
class ProgramWithDashboardAdmin(ProgramAdmin):
    list_display = (*ProgramAdmin.list_display, "dashboard")
    change_form_template = "admin/programs/program/change_form.html"  # its "At a glance" link

    def get_queryset(self, request):
        """Program staff see their own programs; directors and superusers every one."""
        return super().get_queryset(request) & programs_visible_to(request.user)

    def get_urls(self):
        may_view = staff_permission_required("programs.view_program")
        return [
            path(
                "<int:pk>/dashboard/",
                self.admin_site.admin_view(may_view(program_dashboard_view)),
                name="programs_program_dashboard",
            ),
            path(
                "<int:pk>/nudges/<str:reason>/",
                self.admin_site.admin_view(may_view(nudge_list_view)),
                name="programs_program_nudges",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="at a glance")
    def dashboard(self, obj: Program) -> str:
        return format_html(
            '<a href="{}">Dashboard</a>', reverse("admin:programs_program_dashboard", args=[obj.pk])
        )


@admin.register(NudgeTemplate)
class NudgeTemplateAdmin(admin.ModelAdmin):
    list_display = ("reason", "subject", "updated_at")
    fields = ("reason", "subject", "body")
    readonly_fields = ("reason",)

    def has_add_permission(self, request) -> bool:
        return False  # one per reason, made with the app

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Nudge)
class NudgeAdmin(LargeTableAdmin, admin.ModelAdmin):
    """Every nudge sent: who, why, when, by whom."""

    list_display = ("sent_at", "user", "program", "reason", "detail", "sent_by")
    list_filter = ("reason", "program")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "program", "sent_by")
    raw_id_fields = ("user", "sent_by")
    readonly_fields = ("user", "program", "reason", "detail", "sent_at", "sent_by")

    def has_add_permission(self, request) -> bool:
        return False
