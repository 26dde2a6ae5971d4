from collections.abc import Iterator
from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from core.admin import LargeTableAdmin, ReadOnlyInline
from core.csv_export import csv_response, streamed

from .models import CEActivity, Credential, Exam, ExamInvitation, InvitationEvent
from .selectors import credentials_with_ce_hours
from .services import (
    RecertificationError,
    ce_activity_review,
    credential_status,
    exam_invitation_extend,
    exam_invitation_resend,
)


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = ("program", "assessment", "invitation_days")


class InvitationEventInline(ReadOnlyInline):
    model = InvitationEvent
    fields = ("at", "action", "by", "note")


@admin.register(ExamInvitation)
class ExamInvitationAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ("user", "practicum", "issued_at", "expires_at", "emailed_at")
    list_select_related = ("user", "practicum")
    list_filter = ("exam__program",)
    search_fields = ("user__email", "user__full_name")
    readonly_fields = ("user", "exam", "practicum", "issued_at", "expires_at", "emailed_at")
    exclude = ("token",)
    inlines = [InvitationEventInline]
    actions = ["resend", "extend"]

    @admin.action(description="Resend the exam link")
    def resend(self, request, queryset):
        for invitation in queryset:
            exam_invitation_resend(invitation=invitation, by=request.user)
        self.message_user(request, "Resent.")

    @admin.action(description="Extend by 14 days")
    def extend(self, request, queryset):
        for invitation in queryset:
            exam_invitation_extend(invitation=invitation, by=request.user, days=14)
        self.message_user(request, "Extended by 14 days.")


class ExpiringFilter(admin.SimpleListFilter):
    title = "expires within"
    parameter_name = "expiring"

    WINDOWS = ("30", "90", "180")  # days

    def lookups(self, request, model_admin):
        return [(days, f"{days} days") for days in self.WINDOWS] + [("lapsed", "lapsed")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        today = timezone.localdate()
        # NOT EXISTS, not Django's LEFT JOIN … IS NULL: the planner sees an anti-join, expects
        # the right number of rows, and sorts them before joining each to its person.
        latest = queryset.filter(~Exists(Credential.objects.filter(previous=OuterRef("pk"))))
        if value == "lapsed":
            return latest.filter(valid_until__lt=today)
        if value not in self.WINDOWS:  # a hand-edited address: nothing matches, no error page
            return queryset.none()
        return latest.filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=int(value)))


@admin.register(Credential)
class CredentialAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ("number", "user", "program", "valid_from", "valid_until", "status", "ce_hours")
    list_filter = ("program", ExpiringFilter)
    search_fields = ("number", "user__email", "user__full_name")
    list_select_related = ("user", "program", "renewal")
    readonly_fields = ("user", "program", "number", "valid_from", "valid_until", "previous", "certificate")
    actions = ["export_csv"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_queryset(self, request):
        return credentials_with_ce_hours(super().get_queryset(request))

    def get_ordering(self, request):
        """Filtered by expiry, the soonest to expire first (lapsed: the latest to lapse first),
        read in the order of the expiry index: in the newest-first order, the list walked past
        every credential issued since the window's (43,000 of 50,000 at the scale benchmark's
        full size) to find a page. A column header still orders by that column."""
        expiring = request.GET.get(ExpiringFilter.parameter_name)
        if expiring in ExpiringFilter.WINDOWS:
            return ("valid_until", "id")
        if expiring == "lapsed":
            return ("-valid_until", "-id")
        return super().get_ordering(request)

    @admin.display(description="status")
    def status(self, obj: Credential) -> str:
        return credential_status(obj, timezone.localdate())

    @admin.display(description="CE hours")
    def ce_hours(self, obj: Credential) -> str:
        return f"{obj.ce_hours_counted:g} / {obj.program.ce_hours_required:g}"

    @admin.action(description="Export holders and their CE hours as CSV")
    def export_csv(self, request, queryset):
        return csv_response(filename="credential-holders.csv", rows=_holder_rows(queryset))


@admin.register(CEActivity)
class CEActivityAdmin(LargeTableAdmin, admin.ModelAdmin):
    """The review queue: filter on "Waiting for review", approve in bulk; to reject, write the
    reason the holder will see in the list, save, then use "Reject"."""

    # Narrow enough for a 1280 px screen with the admin's menu and filters: the kind is a filter,
    # long titles are cut (the full one is on the activity's page), the person is their name.
    list_display = ("short_title", "person", "date", "hours", "status", "review_reason")
    list_editable = ("review_reason",)
    list_filter = ("status", "kind", "program")
    search_fields = ("title", "provider", "user__email", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = ("user", "program", "practicum", "counted_for", "reviewed_by", "evidence_file")
    exclude = ("evidence", "evidence_name", "evidence_type")  # never a /media/ link: see evidence_file
    actions = ["approve", "reject"]

    @admin.display(description="evidence")
    def evidence_file(self, obj: CEActivity) -> str:
        if not obj.evidence:
            return "—"
        url = reverse("recertification:evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.evidence_name or "Download")

    @admin.display(description="activity", ordering="title")
    def short_title(self, obj: CEActivity) -> str:
        return Truncator(f"{obj.title} ({obj.get_kind_display().lower()})").chars(70)

    @admin.display(description="person", ordering="user__full_name")
    def person(self, obj: CEActivity) -> str:
        return obj.user.full_name or obj.user.email

    @admin.action(description="Approve the selected activities")
    def approve(self, request, queryset):
        for activity in queryset.filter(status=CEActivity.Status.PENDING):
            ce_activity_review(activity=activity, by=request.user, approve=True)
        self.message_user(request, "Approved.")

    @admin.action(description="Reject the selected activities (with the reason written in the list)")
    def reject(self, request, queryset):
        rejected = 0
        for activity in queryset.filter(status=CEActivity.Status.PENDING):
            try:
                ce_activity_review(
                    activity=activity, by=request.user, approve=False, reason=activity.review_reason
                )
                rejected += 1
            except RecertificationError as exc:
                self.message_user(request, f"{activity.title}: {exc}", messages.ERROR)
        if rejected:
            self.message_user(request, f"Rejected {rejected}.")


def _holder_rows(credentials: QuerySet[Credential]) -> Iterator[list[object]]:
    yield [
        "number",
        "name",
        "email",
        "program",
        "valid_from",
        "valid_until",
        "status",
        "ce_hours",
        "required",
    ]
    today = timezone.localdate()
    for c in streamed(credentials_with_ce_hours(credentials.select_related("user", "program", "renewal"))):
        yield [
            c.number,
            c.user.full_name,
            c.user.email,
            c.program.title,
            c.valid_from,
            c.valid_until,
            credential_status(c, today),
            c.ce_hours_counted,
            c.program.ce_hours_required,
        ]
