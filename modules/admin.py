from collections.abc import Iterator

from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.decorators import staff_permission_required
from core.admin import LargeTableAdmin
from core.csv_export import csv_response
from programs.admin import HTTPS_URLS, SeasonFilter
from programs.models import SchoolYear, Season

from .models import (
    AidSubmission,
    Assessment,
    Attempt,
    Choice,
    JobAid,
    Lesson,
    Module,
    ModuleCompletion,
    Question,
)
from .results import ModuleResults, module_results


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0
    fields = ("order", "title", "minutes", "body", "video_url", "attachment")
    formfield_overrides = HTTPS_URLS


class JobAidInline(admin.TabularInline):
    model = JobAid
    extra = 0
    fields = ("order", "title", "description", "worksheet")


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "program",
        "season",
        "order",
        "appraised_hours",
        "is_on_demand",
        "is_published",
        "results",
    )
    list_filter = ("program", "is_on_demand", "is_published", ("season", SeasonFilter))
    list_select_related = ("program", "season__school_year")
    list_editable = ("order",)
    list_per_page = 50  # every school year's modules pile up: a page of them, each row a form
    search_fields = ("title", "summary")
    inlines = [LessonInline, JobAidInline]
    autocomplete_fields = ("assessment",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Each choice's label names its year (and the year its program): one query, not one per choice.
        if db_field.name == "season":
            kwargs["queryset"] = Season.objects.select_related("school_year")
        elif db_field.name == "school_year":
            kwargs["queryset"] = SchoolYear.objects.select_related("program")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path(
                "<int:pk>/results/",
                self.admin_site.admin_view(
                    staff_permission_required("modules.view_attempt")(self.results_view)
                ),
                name="modules_module_results",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="results")
    def results(self, obj: Module) -> str:
        return format_html('<a href="{}">Results</a>', reverse("admin:modules_module_results", args=[obj.pk]))

    def results_view(self, request, pk: int):
        module = get_object_or_404(Module, pk=pk)
        results = module_results(module=module)
        if request.GET.get("format") == "csv":
            return csv_response(
                filename=f"module-{module.pk}-results.csv", rows=_results_rows(module, results)
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Results: {module.title}",
            "module": module,
            "results": results,
        }
        return render(request, "admin/modules/module/results.html", context)


def _results_rows(module: Module, results: ModuleResults) -> Iterator[list[object]]:
    """The results page as CSV rows: the summary, a blank line, then the questions, hardest first."""
    yield ["module", "attempts", "people", "passed", "pass_rate_percent", "average_score_percent"]
    yield [
        module.title,
        results.attempts,
        results.people,
        results.passed_people,
        f"{results.pass_rate:.1f}",
        f"{results.average_score:.1f}",
    ]
    yield []
    yield ["question", "times_asked", "percent_right"]
    for stat in sorted(results.questions, key=lambda q: q.percent_right):
        yield [stat.question.text, stat.asked, f"{stat.percent_right:.1f}"]


class ChoiceFormSet(forms.BaseInlineFormSet):
    """A question must have a right answer: one for single choice and true/false, at least one
    for multiple choice."""

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        correct = sum(1 for f in kept if f.cleaned_data.get("is_correct"))
        kind = getattr(self.instance, "kind", None)
        if len(kept) < 2:
            raise forms.ValidationError("A question needs at least two choices.")
        if correct == 0:
            raise forms.ValidationError("Mark the correct choice: a question without one cannot be saved.")
        if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and correct != 1:
            raise forms.ValidationError(
                "A single-choice or true/false question has exactly one correct choice."
            )


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 2
    fields = ("order", "text", "is_correct")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "assessment", "kind", "order")
    list_filter = ("assessment", "kind")
    search_fields = ("text",)
    inlines = [ChoiceInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("order", "kind", "text", "edit_choices")
    readonly_fields = ("edit_choices",)
    show_change_link = True

    @admin.display(description="choices")
    def edit_choices(self, obj: Question) -> str:
        if not obj.pk:
            return "Save first, then add choices"
        return format_html(
            '<a href="{}">Edit choices</a>', reverse("admin:modules_question_change", args=[obj.pk])
        )


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "pass_mark_percent", "max_attempts", "wait_minutes", "time_limit_minutes")
    search_fields = ("title",)
    inlines = [QuestionInline]


@admin.register(Attempt)
class AttemptAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = (
        "user",
        "assessment",
        "number",
        "state",
        "score_percent",
        "passed",
        "started_at",
        "submitted_at",
    )
    list_filter = ("assessment", "state", "passed")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "assessment")
    readonly_fields = [f.name for f in Attempt._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ModuleCompletion)
class ModuleCompletionAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ("user", "module", "completed_on", "completed_at")
    list_filter = ("module__program", "module")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "module")
    raw_id_fields = ("user", "attempt")


@admin.register(AidSubmission)
class AidSubmissionAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ("original_name", "user", "job_aid", "content_type", "size", "uploaded_at", "download")
    list_filter = ("job_aid__module",)
    search_fields = ("user__email", "original_name")
    list_select_related = ("user", "job_aid")
    readonly_fields = ("user", "job_aid", "original_name", "content_type", "size", "uploaded_at")
    exclude = ("file",)

    @admin.display(description="file")
    def download(self, obj: AidSubmission) -> str:
        return format_html('<a href="{}">Download</a>', reverse("modules:submission", args=[obj.pk]))

    def has_add_permission(self, request) -> bool:
        return False
