from collections.abc import Iterator
from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Max, Min, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from accounts.decorators import staff_permission_required
from core.admin import LargeTableAdmin, ReadOnlyInline, chosen_only_filter, list_url, row_url
from core.csv_export import csv_response
from programs.admin import HTTPS_URLS

from .admin_enrollments import CSVImportForm, EnrollmentAdmin  # noqa: F401  (registers the Enrollment admin)
from .admin_forms import PracticumForm, SessionForm, SessionFormSet
from .models import (
    Attendance,
    AttendanceCorrection,
    Practicum,
    Registration,
    RegistrationMove,
    Session,
    SetCompletion,
    TrackGroup,
)
from .selectors import roster_for_practicum, seats_taken
from .services import (
    AttendanceError,
    attendance_correct,
    attendance_mark_all_present,
    practicum_changes_notify,
    practicum_copy_to_next_month,
    schedule_snapshot,
    session_touch,
)

# People's rosters: staff in a TOTP-verified session who may see registrations.
roster = staff_permission_required("practicums.view_registration")


class OwnEventsOnly:
    """Instructors (staff who may not change practicums) see only the events they teach, and
    their registrations, attendance and corrections: `event` is the path to the practicum."""

    event = "practicum"

    def get_queryset(self, request):
        rows = super().get_queryset(request)  # type: ignore[misc]
        if request.user.has_perm("practicums.change_practicum"):
            return rows
        return rows.filter(
            **{f"{self.event}__instructors__user" if self.event else "instructors__user": request.user}
        )


@admin.register(TrackGroup)
class TrackGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "season", "order")
    list_filter = ("program",)
    list_select_related = ("program", "season__school_year")


class RegistrationInline(ReadOnlyInline):
    model = Registration
    fields = ("user", "status", "created_at", "offer_expires_at", "cancel_reason")
    show_change_link = True

    def get_queryset(self, request):  # each row names its person and practicum: one query
        return super().get_queryset(request).select_related("user", "practicum")


class MonthFilter(admin.SimpleListFilter):
    title = "month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        """Every month from the first practicum's to the last's, newest first. Two index lookups
        (the first and last dates), not a DISTINCT over every practicum of every year."""
        span = Practicum.objects.aggregate(first=Min("starts_on"), last=Max("starts_on"))
        if span["first"] is None:
            return []
        first, last = span["first"].replace(day=1), span["last"].replace(day=1)
        months = []
        while last >= first:
            months.append((f"{last:%Y-%m}", f"{last:%B %Y}"))
            last = (last - timedelta(days=1)).replace(day=1)
        return months

    def queryset(self, request, queryset):
        if self.value():
            year, _, month = self.value().partition("-")
            if not (year.isdigit() and month.isdigit()):
                return queryset.none()  # a month typed by hand that is not one: nothing, not a 500
            return queryset.filter(starts_on__year=int(year), starts_on__month=int(month))
        return queryset


def _posted_id(request, name: str) -> int:
    """A posted primary key, or 0 (matches nothing: a 404 rather than a 500) if it is not one."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


class SessionInline(admin.TabularInline):
    model = Session
    form = SessionForm
    formset = SessionFormSet
    extra = 0
    fields = ("title", "day", "start_time", "end_time", "status", "code")
    readonly_fields = ("code",)
    verbose_name_plural = "sessions (times in the practicum's time zone)"


@admin.register(Practicum)
class PracticumAdmin(OwnEventsOnly, LargeTableAdmin, admin.ModelAdmin):
    event = ""

    form = PracticumForm
    formfield_overrides = HTTPS_URLS
    list_display = (
        "title", "kind", "program", "format", "place", "starts_on", "ends_on", "seats", "status", "tools"
    )  # fmt: skip
    list_filter = ("kind", "program", "format", MonthFilter, "status", "ce_kind")
    search_fields = ("title", "city", "state", "venue_name")
    # No date_hierarchy: MonthFilter navigates by month, and the hierarchy's DISTINCT years and
    # months read every practicum of every year for each filtered view.
    filter_horizontal = ("instructors",)
    inlines = [SessionInline, RegistrationInline]
    actions = ["copy_to_next_month", "export_roster_csv"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/sheet/", view(roster(self.attendance_sheet)), name="practicums_practicum_sheet"),
            path(
                "<int:pk>/attendance/",
                view(roster(self.attendance_view)),
                name="practicums_practicum_attendance",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="roster")
    def tools(self, obj: Practicum) -> str:
        return format_html(
            '<a href="{}">Attendance</a> · <a href="{}">Sign-in sheet</a> · '
            '<a href="{}?practicum__id__exact={}">Registrations</a> · '
            '<a href="{}?session__practicum__id__exact={}">Check-ins</a>',
            row_url("admin:practicums_practicum_attendance", obj.pk),
            row_url("admin:practicums_practicum_sheet", obj.pk),
            list_url("admin:practicums_registration_changelist"),
            obj.pk,
            list_url("admin:practicums_attendance_changelist"),
            obj.pk,
        )

    def save_model(self, request, obj, form, change):
        # What registered people were shown before this save, for the change email afterwards (kept
        # on the instance, the same object save_related gets as form.instance: the admin is shared).
        obj.schedule_before = schedule_snapshot(practicum_id=obj.pk) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form.instance, "schedule_before", None)
        if change and before is not None:
            sent = practicum_changes_notify(practicum_id=form.instance.pk, before=before)
            if sent:
                self.message_user(
                    request, f"{sent} registered {'person' if sent == 1 else 'people'} emailed."
                )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        previous = {s.pk: s for s in Session.objects.filter(practicum=form.instance)}
        instances = formset.save()
        for session in instances:
            session_touch(session=session, previous=previous.get(session.pk))
        return instances

    @admin.action(description="Copy to next month (same weekdays and local times, new codes, empty roster)")
    def copy_to_next_month(self, request, queryset):
        copies = [practicum_copy_to_next_month(practicum=p) for p in queryset.prefetch_related("sessions")]
        self.message_user(
            request, "Created: " + "; ".join(f"{c.title} ({c.starts_on:%b %-d})" for c in copies)
        )

    @admin.action(description="Export the roster of the selected practicums as CSV")
    def export_roster_csv(self, request, queryset):
        return csv_response(filename=f"roster-{timezone.now():%Y%m%d}.csv", rows=_roster_rows(queryset))

    def attendance_sheet(self, request, pk: int):
        """A printable sign-in sheet: one row per person, one column per session."""
        practicum = get_object_or_404(self.get_queryset(request), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "practicum": practicum,
            "roster": roster_for_practicum(practicum=practicum),
        }
        return render(request, "admin/practicums/practicum/sheet.html", context)

    def attendance_view(self, request, pk: int):
        """Who attended which session, with manual corrections (each needs a reason)."""
        practicum = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            if not request.user.has_perm("practicums.add_attendancecorrection"):
                return HttpResponse(status=403)
            session = get_object_or_404(Session, pk=_posted_id(request, "session"), practicum=practicum)
            if request.POST.get("everyone") == "1":
                try:
                    marked = attendance_mark_all_present(
                        by=request.user, session=session, reason=request.POST.get("reason", "")
                    )
                except AttendanceError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"{len(marked)} marked present at {session.title} "
                        f"(everyone else with a place was already present).",
                    )
                return redirect("admin:practicums_practicum_attendance", pk=pk)
            attendee = get_object_or_404(
                Registration, pk=_posted_id(request, "registration"), practicum=practicum
            ).user
            try:
                attendance_correct(
                    by=request.user,
                    attendee=attendee,
                    session=session,
                    present=request.POST.get("present") == "1",
                    reason=request.POST.get("reason", ""),
                )
            except AttendanceError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"Attendance of {attendee} at {session.title} corrected.")
            return redirect("admin:practicums_practicum_attendance", pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Attendance: {practicum.title}",
            "now": timezone.now(),  # sessions that have not started cannot be marked yet
            "practicum": practicum,
            "roster": roster_for_practicum(practicum=practicum),
            "corrections": AttendanceCorrection.objects.filter(session__practicum=practicum).select_related(
                "session", "attendee", "corrected_by"
            )[:50],
        }
        return render(request, "admin/practicums/practicum/attendance.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("program").annotate(seats_taken=seats_taken())

    @admin.display(description="seats taken / capacity", ordering="seats_taken")
    def seats(self, obj: Practicum) -> str:
        return f"{obj.seats_taken} / {obj.capacity}"


@admin.register(Registration)
class RegistrationAdmin(OwnEventsOnly, LargeTableAdmin, admin.ModelAdmin):
    list_display = ("user", "practicum", "status", "created_at", "offer_expires_at")
    list_filter = ("status", "practicum__program", chosen_only_filter("practicum", "practicum"))
    search_fields = ("user__email", "user__full_name", "practicum__title")
    list_select_related = ("user", "practicum")
    raw_id_fields = ("user", "practicum", "enrollment")


@admin.register(RegistrationMove)
class RegistrationMoveAdmin(OwnEventsOnly, LargeTableAdmin, admin.ModelAdmin):
    """The history of moves between practicums: who, from where, to where, by whom, why."""

    event = "from_practicum"

    list_display = ("user", "from_practicum", "to_practicum", "moved_by", "moved_at", "reason")
    list_filter = ("from_practicum__program",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "from_practicum", "to_practicum", "moved_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AttendanceCorrection)
class AttendanceCorrectionAdmin(OwnEventsOnly, LargeTableAdmin, admin.ModelAdmin):
    """Every manual attendance change: who, whose, which session, why."""

    event = "session__practicum"

    list_display = ("attendee", "session", "action", "reason", "corrected_by", "corrected_at")
    list_filter = ("action", "session__practicum__program")
    search_fields = ("attendee__email", "attendee__full_name", "reason")
    list_select_related = ("attendee", "session__practicum", "corrected_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attendance)
class AttendanceAdmin(OwnEventsOnly, LargeTableAdmin, admin.ModelAdmin):
    event = "session__practicum"
    list_display = ("user", "session", "recorded_at", "source")
    list_filter = ("source", chosen_only_filter("session__practicum", "practicum"))
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "session__practicum")

    def has_add_permission(self, request) -> bool:
        return False  # corrections go through the practicum's Attendance page, with a reason

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SetCompletion)
class SetCompletionAdmin(OwnEventsOnly, LargeTableAdmin, admin.ModelAdmin):
    list_display = ("user", "practicum", "completed_on", "completed_at")
    list_filter = ("practicum__program",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "practicum")
    raw_id_fields = ("user", "practicum")

    def has_add_permission(self, request) -> bool:
        return False


def _roster_rows(practicums: QuerySet[Practicum]) -> Iterator[list[object]]:
    yield ["practicum", "name", "email", "organization", "status", "sessions_attended", "sessions"]
    for practicum in practicums:
        roster = roster_for_practicum(practicum=practicum)
        for row in roster.rows:
            yield [
                practicum.title,
                row.user.full_name,
                row.user.email,
                row.user.organization,
                row.status,
                row.attended_count,
                len(roster.sessions),
            ]
