"""Pages that compose several apps: home, the dashboard and the health check."""

import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .celery_app import app as celery_app
from .checks import harfbuzz_subset_available

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "home.html")


@login_required
def dashboard(request):
    return render(request, "dashboard.html")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


@never_cache
def healthz(request):
    """200 when the database, the cache and the broker answer; 503 (with which failed) otherwise."""
    checks = {}
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            check()
        except Exception as exc:  # noqa: BLE001 (any failure of a dependency means "unhealthy")
            logger.warning("healthz: %s failed: %s", name, exc)
            checks[name] = "error"
        else:
            checks[name] = "ok"
    warnings = []
    if not harfbuzz_subset_available():
        warnings.append("libharfbuzz-subset is missing: certificate PDFs render about ten times slower")
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, "warnings": warnings},
        status=200 if healthy else 503,
    )
