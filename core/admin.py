"""Small admin building blocks shared by the apps (accounts is the app every other imports),
and the admin site itself: every ModelAdmin registered on it, ours or a library's, and each of its
inlines, gets labelled fields (`AccessibleFieldsMixin`), so a new model cannot escape."""

import json
import operator
from functools import lru_cache, reduce

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.forms.utils import pretty_name
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

# Below this many rows (by PostgreSQL's estimate) a changelist counts exactly: the count is cheap.
ESTIMATE_ABOVE = 10_000
# A search matching at most this many rows is resolved to their ids once per page.
SEARCH_IDS = 1_000


def _label_widget(widget: forms.Widget, label: str) -> None:
    inner = getattr(widget, "widget", widget)  # the admin's "add another" wrapper shares its attrs
    if isinstance(inner, forms.HiddenInput):
        return
    if isinstance(inner, forms.MultiWidget):  # a date and a time: one visible label for two inputs
        parts = ("date", "time") if isinstance(inner, forms.SplitDateTimeWidget) else None
        for i, part in enumerate(inner.widgets):
            part.attrs.setdefault("aria-label", f"{label}: {parts[i]}" if parts else f"{label} ({i + 1})")
        return
    inner.attrs.setdefault("aria-label", label)


def label_fields(form_class: type[forms.BaseForm], *, every_field: bool) -> type[forms.BaseForm]:
    """Give widgets an accessible name from their field's label. In a table (an inline, the
    list's editable columns) no input has a <label> of its own, so `every_field`; in a page form
    only the inputs that share one label (a date and a time)."""
    for name, field in form_class.base_fields.items():
        if every_field or isinstance(getattr(field.widget, "widget", field.widget), forms.MultiWidget):
            _label_widget(field.widget, str(field.label or pretty_name(name)))
    return form_class


class AccessibleFieldsMixin:
    """Labels for the fields of the admin's forms, inlines and list_editable columns."""

    def get_form(self, request, obj=None, **kwargs):
        return label_fields(super().get_form(request, obj, **kwargs), every_field=False)

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        label_fields(formset.form, every_field=True)
        return formset

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        formset = super().get_formset(request, obj, **kwargs)
        label_fields(formset.form, every_field=True)
        delete_label = f"Delete this {self.opts.verbose_name}"

        def add_fields(self, form, index):
            formset.add_fields(self, form, index)
            if "DELETE" in form.fields:
                form.fields["DELETE"].widget.attrs["aria-label"] = delete_label

        return type(formset.__name__, (formset,), {"add_fields": add_fields})


def with_labelled_fields(admin_class: type) -> type:
    """`admin_class` and its inlines, with AccessibleFieldsMixin."""
    if issubclass(admin_class, AccessibleFieldsMixin):
        return admin_class
    namespace = {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__}
    if getattr(admin_class, "inlines", None):
        namespace["inlines"] = [with_labelled_fields(inline) for inline in admin_class.inlines]
    return type(admin_class.__name__, (AccessibleFieldsMixin, admin_class), namespace)


# An id no row has: reversed once in its place, then replaced by each row's own (row_url).
PK_MARK = 987_654_321_012


@lru_cache(maxsize=512)
def _reversed(name: str, args: tuple, urlconf: str | None, prefix: str, current_app: str | None) -> str:
    """`reverse`, once per name, arguments, URLconf, script prefix (part of the URL) and app."""
    return reverse(name, args=args, urlconf=urlconf, current_app=current_app)


def list_url(name: str) -> str:
    """`reverse(name)` of a URL without arguments, once per name (and URLconf and prefix)."""
    return _reversed(name, (), get_urlconf(), get_script_prefix(), None)


def row_url(name: str, pk: int, current_app: str | None = None) -> str:
    """`reverse(name, args=[pk])` for a row of a list: the URL is reversed once per name (and
    URLconf and prefix), then each row's id is put in its place. Reversing walks the URLconf,
    about 0.1 ms a time: a list of 50 rows with five links each spent 25 ms on it."""
    marked = _reversed(name, (PK_MARK,), get_urlconf(), get_script_prefix(), current_app)
    return marked.replace(str(PK_MARK), str(pk))


class QuickRowsChangeList(ChangeList):
    """Each row's link carries the list's filters ("?_changelist_filters=…", so that saving
    returns to the same filtered list) exactly as Django writes them, without Django's
    `add_preserved_filters` resolving every row's address against the whole URLconf to learn
    that it is not the list's own: 50 resolves, about 25 ms of every filtered or searched list
    page (the scale benchmark's filters were slower than the same list unfiltered)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Read only by items_for_result; empty, it adds nothing to a row's link, which already
        # ends with the filters (url_for_result).
        self.row_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result) -> str:
        pk = getattr(result, self.pk_attname)
        if isinstance(pk, int):
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
            url = row_url(name, pk, current_app=self.model_admin.admin_site.name)
        else:  # a text key is quoted as the admin quotes it
            url = super().url_for_result(result)
        return f"{url}?{self.row_filters}" if self.row_filters else url


class QuickRowsMixin:
    """Each changelist row written with less machinery: its selection checkbox directly, the
    very input Django renders through the form template machinery, at a fraction of the cost
    (50 rows' checkboxes were 15–25 ms of a list page on the slow host of
    docs/PERFORMANCE.md), and its link through QuickRowsChangeList."""

    def get_changelist(self, request, **kwargs):
        return QuickRowsChangeList

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            str(obj),
        )


class CredoAdminSite(admin.AdminSite):
    """The default admin site (see CredoAdminConfig)."""

    # Admins over a large table that cannot import this module (libraries' admins, with a row or
    # more per person; the outbox, below core): they get LargeTableAdmin here.
    large_tables_registered_elsewhere = frozenset(
        {"account.emailaddress", "mfa.authenticator", "outbox.outboxmessage"}
    )

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        large = any(m._meta.label_lower in self.large_tables_registered_elsewhere for m in models)
        if large and not issubclass(admin_class, LargeTableAdmin):
            admin_class = type(admin_class.__name__, (LargeTableAdmin, admin_class), {})
        if not issubclass(admin_class, QuickRowsMixin):
            admin_class = type(
                admin_class.__name__,
                (QuickRowsMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        return super().register(model_or_iterable, with_labelled_fields(admin_class), **options)


class CredoAdminConfig(AdminConfig):
    """django.contrib.admin, with CredoAdminSite as admin.site (INSTALLED_APPS names this)."""

    default_site = "core.admin.CredoAdminSite"


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows a history (registrations, audit events) and never edits it."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's own estimate of a table's rows (pg_class.reltuples, kept by autovacuum and
    ANALYZE), or None elsewhere and for a table never analysed (-1 since PostgreSQL 14)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    """Pages of a large table without COUNT(*) over all of it, on PostgreSQL: an unfiltered list
    takes the table's estimate (pg_class.reltuples); a filtered or searched one asks the planner
    how many rows it expects (EXPLAIN, no rows read) and, when that is past ESTIMATE_ABOVE, takes
    it (so "confirmed registrations" reads no rows to be counted on any page); otherwise it counts
    exactly, up to ESTIMATE_ABOVE rows, and a count that reaches the cap takes the larger of the
    two. The last page number of a list that long is then approximate, which such a list can
    afford. A small table and SQLite count exactly."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        if not queryset.query.where:
            estimate = estimated_rows(queryset)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate
            return super().count
        explained = queryset.order_by().explain(format="json")  # "" when nothing can match
        planned = int(json.loads(explained)[0]["Plan"]["Plan Rows"]) if explained else 0
        if planned > ESTIMATE_ABOVE:
            return planned
        # Only the ids: an annotation of the list (a practicum's seats taken) is not computed for
        # the 10,001 rows counted.
        capped = queryset.order_by().values("pk")[: ESTIMATE_ABOVE + 1].count()
        return capped if capped <= ESTIMATE_ABOVE else max(planned, capped)


class LargeTableAdmin:
    """For the changelist of a table that grows with people and years (people, enrollments,
    registrations, attendance, attempts, certificates…): no second COUNT for "(N total)" and no
    exact COUNT of the unfiltered table. Put it before admin.ModelAdmin in the bases."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50  # half Django's 100: rendering the rows is most of such a page's time

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, each search term matches the rows whose fields on one table match:
        the fields are grouped by the table they live on (`user__email` and `user__full_name`
        together, `title` apart) and the groups' matches are a UNION of row ids. Django's own
        search ORs `icontains` across the joined tables, which no index can serve (every
        registration and every person read); per table the trigram indexes can."""
        fields = self.get_search_fields(request)
        plain = all(field[0] not in "^=@" for field in fields)
        if not search_term or not plain or connections[queryset.db].vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        groups: dict[str, list[str]] = {}
        for field in fields:
            groups.setdefault(field.rpartition("__")[0], []).append(field)
        manager = queryset.model._default_manager
        matches = manager.all()
        for bit in smart_split(search_term):
            if bit[:1] in "\"'" and bit[-1:] == bit[:1]:
                bit = unescape_string_literal(bit)
            parts = [
                manager.filter(reduce(operator.or_, (Q(**{f"{f}__icontains": bit}) for f in group)))
                .order_by()  # ids only: no sort of each part by the model's ordering
                .values("pk")
                for group in groups.values()
            ]
            matches = matches.filter(pk__in=parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0])
        # The matching ids once, when they are few (a person looked up): the page's count and its
        # rows then read them by primary key instead of searching the trigram indexes twice.
        ids = list(matches.order_by().values_list("pk", flat=True)[: SEARCH_IDS + 1])
        if len(ids) <= SEARCH_IDS:
            return queryset.filter(pk__in=ids), False
        return queryset.filter(pk__in=matches.order_by().values("pk")), False


def chosen_only_filter(field_path: str, title: str) -> type[admin.SimpleListFilter]:
    """A list filter on a foreign key to a table of thousands (practicums, sessions): Django's
    own would list every row in the sidebar (15,000 practicums, loaded and rendered on every
    page of the list). This one lists none until one is chosen (by a link from that object's
    own page, e.g. a practicum's "Registrations"), then shows it with "All" to clear it. The
    address is Django's (`?practicum__id__exact=12`), so links and bookmarks keep working."""
    parameter = f"{field_path}__id__exact"

    class ChosenOnly(admin.SimpleListFilter):
        parameter_name = parameter

        def __init__(self, request, params, model, model_admin) -> None:
            self.title = title
            self.related = get_fields_from_path(model, field_path)[-1].related_model
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            # Django applies only a filter with choices: a chosen value always has one, even one
            # that names nothing (a deleted row, a hand-edited address), so the list is empty
            # rather than silently unfiltered.
            value = self.value()
            if not value:
                return []
            chosen = self.related._default_manager.filter(pk=value).first() if value.isdigit() else None
            return [(value, str(chosen) if chosen else f"(no such {title})")]

        def queryset(self, request, queryset):
            value = self.value()
            if value is None:
                return queryset
            if not value.isdigit():  # a hand-edited address: nothing matches, no error page
                return queryset.none()
            return queryset.filter(**{parameter: int(value)})

    ChosenOnly.__name__ = f"ChosenOnly_{field_path}"
    return ChosenOnly
