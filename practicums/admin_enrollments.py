"""The admin of programs.Enrollment (registered here, imported by practicums/admin.py): its
registrations inline, its CSV import (with an optional practicum seat) and CSV export."""

from collections.abc import Iterator

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from core.admin import LargeTableAdmin, ReadOnlyInline, chosen_only_filter
from core.csv_export import csv_response, streamed
from programs.models import Enrollment, Program

from .models import Practicum, Registration
from .services import enrollment_import_csv


class EnrollmentRegistrationInline(ReadOnlyInline):
    model = Registration
    fk_name = "enrollment"
    fields = ("practicum", "status", "created_at", "cancel_reason")
    show_change_link = True


class CSVImportForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.all())
    practicum = forms.ModelChoiceField(
        queryset=Practicum.objects.filter(
            status=Practicum.Status.SCHEDULED, kind__in=[Practicum.Kind.PRACTICUM, Practicum.Kind.LIVE_SET]
        ).select_related("program"),
        required=False,
        help_text="Optional: also register everyone in this practicum or live-event set (seats permitting). "
        "CE events are not offered here: credential holders register for them themselves.",
    )
    file = forms.FileField(help_text="A CSV file with two columns: name,email (a header row is optional).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 2 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
            ) from exc

    def clean(self):
        data = super().clean()
        if (
            data.get("practicum")
            and data.get("program")
            and data["practicum"].program_id != data["program"].pk
        ):
            self.add_error("practicum", "That practicum belongs to another program.")
        return data


# The admin of programs.Enrollment lives here, not in programs/admin.py (which points here):
# its registrations inline (EnrollmentRegistrationInline), its filter by practicum, its CSV
# import (enrollment_import_csv, which can also take a practicum seat) and its CSV export
# (listing each enrollment's practicums) are all practicums' business, and programs must not
# import practicums (dependency direction: programs ← practicums). Splitting it (a base admin in
# programs, re-registered from here with the practicum parts) would leave two places to read.
class SourceFilter(admin.SimpleListFilter):
    """Where an enrollment came from. The three values are known: Django's own filter would
    read the distinct values of the whole table (250,000 rows) on every page of the list."""

    title, parameter_name = "source", "source"

    def lookups(self, request, model_admin):
        return [("web", "web"), ("admin", "admin"), ("csv", "csv")]

    def queryset(self, request, queryset):
        return queryset.filter(source=self.value()) if self.value() else queryset


@admin.register(Enrollment)
class EnrollmentAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ("user", "program", "status", "registered_at", "access_opens_at", "source")
    list_filter = (
        "program", "status", chosen_only_filter("registrations__practicum", "practicum"), SourceFilter
    )  # fmt: skip
    search_fields = ("user__email", "user__full_name", "user__organization")
    list_select_related = ("user", "program")
    raw_id_fields = ("user",)
    readonly_fields = ("registered_at", "access_email_sent_at")
    inlines = [EnrollmentRegistrationInline]
    actions = ["export_csv"]
    change_list_template = "admin/programs/enrollment/change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_csv), name="programs_enrollment_import"),
            *super().get_urls(),
        ]

    @admin.action(description="Export selected enrollments as CSV")
    def export_csv(self, request, queryset):
        return csv_response(
            filename=f"enrollments-{timezone.now():%Y%m%d}.csv", rows=_enrollment_rows(queryset)
        )

    def import_csv(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = CSVImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = enrollment_import_csv(
                program=form.cleaned_data["program"],
                practicum=form.cleaned_data["practicum"],
                csv_text=form.cleaned_data["file"],
            )
            done = len(result.enrolled) + len(result.invited)
            level = messages.WARNING if result.errors else messages.SUCCESS
            self.message_user(
                request,
                f"{done} enrolled ({len(result.invited)} new accounts invited); "
                f"{len(result.errors)} rows need attention.",
                level,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import enrollments from CSV",
            "form": form,
            "result": result,
            "changelist_url": reverse("admin:programs_enrollment_changelist"),
        }
        return render(request, "admin/programs/enrollment/import.html", context)


def _enrollment_rows(enrollments: QuerySet[Enrollment]) -> Iterator[list[object]]:
    yield [
        "name",
        "email",
        "organization",
        "program",
        "status",
        "registered_at",
        "access_opens_at",
        "practicums",
    ]
    rows = enrollments.select_related("user", "program").prefetch_related("registrations__practicum")
    for e in streamed(rows):
        practicums = "; ".join(
            f"{r.practicum.title} ({r.get_status_display()})"
            for r in e.registrations.all()
            if r.status != Registration.Status.CANCELLED
        )
        yield [
            e.user.full_name,
            e.user.email,
            e.user.organization,
            e.program.title,
            e.status,
            e.registered_at.isoformat(),
            e.access_opens_at.isoformat(),
            practicums,
        ]
