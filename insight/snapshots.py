"""The program dashboard as the worker keeps it (decision 0024). At four school years of a large
organisation the figures take about a second to compute; staff read them many times an hour.
So the worker computes each program's dashboard for the preset periods (this month, the last
90 days, this school year) every 10 minutes (beat), for the dashboards someone opened in the last week;
the page reads that and says when it was computed. A range, a snapshot older than STALE or of
yesterday's period, and "Compute now" compute on the spot (and keep the result for the next
visitor).

The figures are pickled with an HMAC of the secret key in front, checked before unpickling:
someone who can write to the database cannot make the web process unpickle what they wrote."""

import hmac
import pickle  # nosec B403
import time
from dataclasses import replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.crypto import salted_hmac

from programs.models import Program

from .models import DashboardSnapshot
from .nudges import FINDERS, Candidate, reasons_for
from .period import PRESETS, PeriodForm, chosen, period_for, preset_period
from .selectors import Dashboard, program_dashboard

STALE = timedelta(minutes=15)  # older than this, the page computes afresh
KEPT_WHILE_VIEWED = timedelta(days=7)
VIEWED_EVERY = timedelta(hours=1)  # how often a read records itself as a view
LISTS_WITH = "90d"  # computing this preset also keeps today's nudge lists, in a row of their own
LISTS = "lists"


def dashboard_for(program: Program, form: PeriodForm, *, now: datetime, fresh: bool = False) -> Dashboard:
    """The dashboard the form asks for: a preset period's kept figures unless they are stale or
    `fresh` is asked (then computed and kept); a range computed on the spot."""
    choice = chosen(form)
    if choice not in PRESETS:
        return program_dashboard(program, period_for(program, form, now=now), now=now)
    kept = None if fresh else dashboard_read(program, choice, now=now)
    return kept or dashboard_compute(program, choice, now=now)


def dashboard_compute(program: Program, choice: str, *, now: datetime, viewed: bool = True) -> Dashboard:
    """Compute one preset's figures and keep them (for a person looking at them, when viewed).
    The last 90 days' snapshot also keeps today's nudge lists (LISTS_WITH). Kept without the
    period's every session (the attendance CSV computes afresh): a year has thousands."""
    started = time.perf_counter()
    dashboard = program_dashboard(program, preset_period(program, choice, now=now), now=now)
    kept = replace(dashboard, attendance=replace(dashboard.attendance, sessions=[]))
    _keep(program, choice, kept, now=now, took=time.perf_counter() - started, viewed=viewed)
    if choice == LISTS_WITH:  # a row of their own: the dashboard does not read them
        started = time.perf_counter()
        lists = {reason.value: FINDERS[reason](program, now) for reason in reasons_for(program)}
        _keep(program, LISTS, lists, now=now, took=time.perf_counter() - started, viewed=viewed)
    return dashboard


def _keep(program: Program, period: str, kept: object, *, now: datetime, took: float, viewed: bool) -> None:
    sealed = _sealed(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    row = {"computed_at": now, "took_ms": round(took * 1000), "figures": sealed}
    DashboardSnapshot.objects.update_or_create(
        program=program,
        period=period,
        defaults={**row, "viewed_at": now} if viewed else row,
        create_defaults={**row, "viewed_at": now},
    )


def dashboard_read(program: Program, choice: str, *, now: datetime) -> Dashboard | None:
    """The kept figures when they are fresh and of today's period, else None."""
    found = _kept(program, choice, now)
    if found is None or not isinstance(found[1], Dashboard):
        return None
    snapshot, dashboard = found
    if dashboard.period != preset_period(program, choice, now=now):
        return None
    if now - snapshot.viewed_at >= VIEWED_EVERY:
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(viewed_at=now)
    dashboard.program = program
    dashboard.computed_at = snapshot.computed_at
    return dashboard


def list_read(program: Program, reason: str, *, now: datetime) -> tuple[list[Candidate], datetime] | None:
    """A nudge list as the worker last computed it (with the last 90 days' figures), and when,
    if that was less than STALE ago; else None. Sending reads the list afresh."""
    found = _kept(program, LISTS, now)
    if found is None or not isinstance(found[1], dict) or reason not in found[1]:
        return None
    return found[1][reason], found[0].computed_at


def _kept(program: Program, period: str, now: datetime) -> tuple[DashboardSnapshot, object] | None:
    snapshot = (
        DashboardSnapshot.objects.filter(program=program, period=period, computed_at__gt=now - STALE)
        .only("computed_at", "viewed_at", "figures")
        .first()
    )
    payload = None if snapshot is None else _opened(bytes(snapshot.figures))
    if snapshot is None or payload is None:
        return None
    try:
        figures = pickle.loads(payload)  # noqa: S301  # nosec B301
    except Exception:  # noqa: BLE001 (kept by an older release: computed afresh)
        return None
    return snapshot, figures


def _mac(payload: bytes) -> bytes:
    return salted_hmac("insight.snapshot", payload, algorithm="sha256").digest()


def _sealed(payload: bytes) -> bytes:
    return _mac(payload) + payload


def _opened(figures: bytes) -> bytes | None:
    """The payload when its HMAC is right, else None (tampered, or another secret key)."""
    mac, payload = figures[:32], figures[32:]
    return payload if hmac.compare_digest(mac, _mac(payload)) else None


def dashboards_refresh(*, now: datetime) -> int:
    """The worker's run (every 10 minutes): recompute the snapshots viewed in the last week, and
    drop the others. Returns how many it computed."""
    DashboardSnapshot.objects.filter(viewed_at__lt=now - KEPT_WHILE_VIEWED).delete()
    kept = list(
        DashboardSnapshot.objects.filter(period__in=PRESETS)
        .select_related("program")
        .order_by("pk")
        .only("program", "period")
    )
    for snapshot in kept:  # the last 90 days' computation keeps the nudge lists too
        with transaction.atomic():
            dashboard_compute(snapshot.program, snapshot.period, now=now, viewed=False)
    return len(kept)
