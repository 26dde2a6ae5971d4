"""The program dashboard (admin: /admin/programs/program/<pk>/dashboard/): one page, its tables
as CSV downloads (?csv=<table>, through the one escaping CSV helper)."""

from collections.abc import Iterator
from dataclasses import replace
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.csv_export import csv_response
from core.numbers import hours_text
from programs.models import Program

from .models import programs_visible_to
from .period import PRESETS, PeriodForm, chosen
from .selectors import Dashboard, attendance_figures
from .snapshots import dashboard_for


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _funnel(d: Dashboard) -> Iterator[list]:
    yield ["step", "people", "conversion_percent", "median_days_from_previous_step"]
    for step in d.funnel:
        yield [step.label, step.people, _number(step.conversion), _number(step.median_days)]


def _registrations(d: Dashboard) -> Iterator[list]:
    yield [d.registrations_by, "registrations"]
    for bucket in d.registrations:
        yield [bucket.label, bucket.count]


def _fill(d: Dashboard) -> Iterator[list]:
    yield ["event", "starts_on", "seats_taken", "capacity", "percent_full", "waitlist"]
    for f in d.fill:
        yield [
            f.practicum.title,
            f.practicum.starts_on,
            f.taken,
            f.practicum.capacity,
            _number(f.percent),
            f.waitlist,
        ]


def _modules(d: Dashboard) -> Iterator[list]:
    yield ["module", "people", "attempts", "passed", "pass_rate_percent", "average_attempts"]
    for m in d.modules:
        yield [
            m.module.title,
            m.people,
            m.attempts,
            m.passed,
            _number(m.pass_rate),
            _number(m.average_attempts),
        ]


def _questions(d: Dashboard) -> Iterator[list]:
    yield ["question", "module", "times_asked", "percent_right"]
    for q in d.hardest:
        module = getattr(q.question.assessment, "module", None)
        yield [q.question.text, module.title if module else "", q.asked, _number(q.percent_right)]


def _attendance(d: Dashboard) -> Iterator[list]:
    yield [
        "session",
        "event",
        "starts_at",
        "confirmed_places",
        "codes_entered",
        "marked_by_staff",
        "rate_percent",
    ]
    for s in d.attendance.sessions:
        starts = timezone.localtime(s.starts_at, ZoneInfo(s.zone))
        yield [s.title, s.event, starts.isoformat(), s.expected, s.codes, s.marked, _number(s.rate)]


def _credentials(d: Dashboard) -> Iterator[list]:
    yield ["figure", "people"]
    if d.credentials is None:
        return
    c = d.credentials
    yield from (["active", c.active], ["expiring within 90 days", c.expiring], ["lapsed", c.lapsed])
    for bucket in c.hours:
        yield [f"CE hours {bucket.label}", bucket.count]


def _batches(d: Dashboard) -> Iterator[list]:
    yield ["run_for", "started_at", "people", "sent", "refused", "retried", "failed", "duration_seconds"]
    for b in d.batches:
        seconds = b.duration.total_seconds() if b.duration else ""
        yield [b.run_for, b.started_at.isoformat(), b.people, b.sent, b.refused, b.retried, b.failed, seconds]


TABLES = {
    "funnel": _funnel,
    "registrations": _registrations,
    "fill": _fill,
    "modules": _modules,
    "questions": _questions,
    "attendance": _attendance,
    "credentials": _credentials,
    "batches": _batches,
}


def program_dashboard_view(request, pk: int):
    program = get_object_or_404(programs_visible_to(request.user), pk=pk)
    form = PeriodForm(request.GET if "period" in request.GET else None)
    now = timezone.now()
    dashboard = dashboard_for(program, form, now=now, fresh="fresh" in request.GET)
    period = dashboard.period
    table = request.GET.get("csv")
    if table is not None:
        if table not in TABLES:
            raise Http404("No such table.")
        if table == "attendance":  # every session: not kept with the figures (insight.snapshots)
            dashboard = replace(dashboard, attendance=attendance_figures(program, period, now))
        name = f"{program.slug}-{table}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
        return csv_response(filename=name, rows=TABLES[table](dashboard))
    query = request.GET.copy()
    query.pop("csv", None)
    query.pop("fresh", None)
    context = {
        **admin.site.each_context(request),
        "opts": Program._meta,
        "title": f"{program.title} at a glance",
        "program": program,
        "dashboard": dashboard,
        "form": form,
        "query": query.urlencode(),
        "preset": chosen(form) in PRESETS,
        "hours_required": hours_text(program.ce_hours_required),
    }
    return render(request, "admin/insight/dashboard.html", context)
