from django.contrib import admin
from django.db import models

from .models import (
    ContactMessage,
    FAQEntry,
    GuideRequest,
    Instructor,
    Program,
    RecordedWebinar,
    Resource,
    SchoolYear,
    Season,
)

# Enrollment (a programs model) has its admin in practicums/admin_enrollments.py, on purpose: that page is
# mostly about practicums (each enrollment's registrations inline, a filter by practicum, a CSV
# import that also registers people in a practicum, an export listing their practicums). Here it
# would make programs import practicums, against the dependency direction (programs ← practicums).

# URLs typed without a scheme are read as https:// (Django 6's default, asked for explicitly).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class SeasonFilter(admin.RelatedFieldListFilter):
    """A filter by season: a season is named with its school year, fetched with it."""

    def field_choices(self, field, request, model_admin):
        seasons = Season.objects.select_related("school_year")
        return [(season.pk, str(season)) for season in seasons]


class FAQInline(admin.StackedInline):
    model = FAQEntry
    extra = 0
    fields = ("order", "question", "answer")


class ResourceInline(admin.TabularInline):
    model = Resource
    formfield_overrides = HTTPS_URLS
    extra = 0
    fields = ("order", "kind", "title", "description", "file", "url")


class SchoolYearInline(admin.TabularInline):
    model = SchoolYear
    extra = 0
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "status",
        "home_time_zone",
        "access_delay_business_days",
        "order",
    )
    list_filter = ("kind", "status")
    list_editable = ("order",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [FAQInline, SchoolYearInline, ResourceInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "status", "order", "price_text")}),
        ("Pages", {"fields": ("summary", "description", "audience", "requirements")}),
        (
            "Rules",
            {
                "fields": (
                    "home_time_zone",
                    "access_delay_business_days",
                    "recommended_weeks_before_practicum",
                    "move_cutoff_days",
                    "waitlist_offer_hours",
                    "validity_years",
                    "ce_hours_required",
                )
            },
        ),
        ("Funding-request letter", {"fields": ("funding_letter",), "classes": ("collapse",)}),
        ("Program staff", {"fields": ("staff",)}),
    )
    autocomplete_fields = ("staff",)


class SeasonInline(admin.TabularInline):
    model = Season
    extra = 0


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "starts_on", "ends_on")
    list_filter = ("program",)
    inlines = [SeasonInline]


@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "user", "order")
    list_select_related = ("user",)
    search_fields = ("name", "bio")
    filter_horizontal = ("programs",)
    autocomplete_fields = ("user",)


@admin.register(RecordedWebinar)
class RecordedWebinarAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("title", "program", "recorded_on")
    list_select_related = ("program",)
    list_filter = ("program",)
    date_hierarchy = "recorded_on"


@admin.register(GuideRequest)
class GuideRequestAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organization", "program", "created_at", "has_question")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name", "email", "organization", "question")
    readonly_fields = ("program", "name", "email", "organization", "question", "created_at")

    @admin.display(boolean=True, description="question")
    def has_question(self, obj: GuideRequest) -> bool:
        return bool(obj.question.strip())

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "name", "email", "created_at")
    search_fields = ("name", "email", "subject", "message")
    readonly_fields = ("name", "email", "subject", "message", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
