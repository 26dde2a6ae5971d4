"""The program dashboard's place in the admin: the programs' admin, with the dashboard's URL,
a column linking to it and a link on each program's page. Here, not in programs/admin.py: the
dashboard reads every app, and programs may import none of them (docs/ARCHITECTURE.md)."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.decorators import staff_permission_required
from programs.admin import ProgramAdmin
from programs.models import Program

from .views import program_dashboard_view

admin.site.unregister(Program)


@admin.register(Program)
class ProgramWithDashboardAdmin(ProgramAdmin):
    list_display = (*ProgramAdmin.list_display, "dashboard")
    change_form_template = "admin/programs/program/change_form.html"  # its "At a glance" link

    def get_urls(self):
        view = staff_permission_required("programs.view_program")(program_dashboard_view)
        return [
            path("<int:pk>/dashboard/", self.admin_site.admin_view(view), name="programs_program_dashboard"),
            *super().get_urls(),
        ]

    @admin.display(description="at a glance")
    def dashboard(self, obj: Program) -> str:
        return format_html(
            '<a href="{}">Dashboard</a>', reverse("admin:programs_program_dashboard", args=[obj.pk])
        )
