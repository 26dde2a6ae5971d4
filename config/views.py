"""Pages that compose several apps: home, program overview, instructors, the dashboard, the
health check. `config` is the composition root: it reads every app's selectors."""

import logging
import posixpath
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.static import serve as static_serve

from core import page_cache
from core.dates import local_date
from core.page_cache import cached_page
from modules.selectors import on_demand_titles_by_season
from practicums.models import Practicum
from practicums.selectors import (
    live_options_by_season,
    practicum_list_offered,
    practicum_list_upcoming,
    series_with_open_seasons,
)
from programs.selectors import (
    instructor_list,
    program_get_published,
    program_list_published,
    program_school_years,
)
from recertification.selectors import ce_events_upcoming, credentials_current_for_user, invitations_for_user
from recertification.services import credential_status

from . import health
from .checks import harfbuzz_subset_available
from .next_step import enrollment_facts, next_step

logger = logging.getLogger(__name__)


def home(request):
    context = {
        "programs": program_list_published(),
        "upcoming": practicum_list_upcoming()[:6],
    }
    return render(request, "home.html", context)


def program_detail(request, slug: str):
    """The overview: what it is, who it is for, the steps, FAQ, schedule, instructors, resources."""
    program = program_get_published(slug=slug)
    school_years = program_school_years(program=program)
    live = live_options_by_season(program=program)
    on_demand = on_demand_titles_by_season(program=program)
    for year in school_years:
        for season in year.seasons.all():
            season.live_summary = "; ".join(live.get(season.pk, []))
            season.on_demand_summary = ", ".join(on_demand.get(season.pk, []))
        year.year_round = ", ".join(on_demand.get(None, []))
    context = {
        "program": program,
        "school_years": school_years,
        "upcoming": list(practicum_list_offered(program=program)[:8]),
        "ce_events": list(ce_events_upcoming(program=program)[:4]) if program.is_certification else [],
    }
    return render(request, "program_detail.html", context)


def instructors(request):
    return render(request, "instructors.html", {"instructors": instructor_list()})


# Help: short how-to pages, one template each under templates/help/ (their pictures are
# screenshots made by scripts/help_screenshots.py). Slug -> (title, one-line summary).
HELP_PAGES = {
    "download-a-certificate": (
        "Download a certificate",
        "Find a certificate in My Certificates and save it as a PDF, or all of them at once.",
    ),
    "share-your-record": (
        "Share your PL record",
        "Send your record to a school administrator as a link that opens without an account.",
    ),
    "attendance-codes": (
        "Enter an attendance code",
        "Check in at the end of each live session with the code your instructor shows.",
    ),
    "after-the-practicum": (
        "After the practicum",
        "The exam, your certificate and continuing education; for a series, your next season.",
    ),
}


def help_index(request):
    pages = [
        {"slug": slug, "title": title, "summary": summary} for slug, (title, summary) in HELP_PAGES.items()
    ]
    return render(request, "help/index.html", {"pages": pages})


def help_page(request, slug: str):
    if slug not in HELP_PAGES:
        raise Http404("No such help page.")
    title, summary = HELP_PAGES[slug]
    others = [{"slug": s, "title": t} for s, (t, _) in HELP_PAGES.items() if s != slug]
    return render(request, f"help/{slug}.html", {"title": title, "summary": summary, "others": others})


def robots_txt(request):
    """Search engines may index the public pages, never shared records, verification pages or
    personal feeds. (Also the benchmark's "trivial view" ceiling.)"""
    lines = [
        "User-agent: *",
        "Disallow: /records/",
        "Disallow: /verify/",
        "Disallow: /me/",
        "Disallow: /exam/",
        "Disallow: /admin/",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def rate_limited(request, exception):
    """django-ratelimit's blocked requests: a clear page instead of a bare 403."""
    return render(request, "429.html", status=429)


@login_required
def dashboard(request):
    """For each enrollment: the next thing to do, progress, key dates and a pace warning."""
    return cached_page(
        request,
        scopes=[page_cache.person(request.user.pk), page_cache.CONTENT],
        build=lambda: ("dashboard.html", _dashboard_context(request)),
    )


def _dashboard_context(request) -> dict:
    now = timezone.now()
    page_cache.changes_at_midnight()  # today's date decides seasons open and credentials' status
    facts_list = enrollment_facts(user=request.user, now=now)
    series_ids = [f.program.pk for f in facts_list if not f.program.is_certification]
    can_add_season = series_with_open_seasons(user=request.user, program_ids=series_ids)
    cards = []
    for facts in facts_list:
        enrollment, program, practicum = facts.enrollment, facts.program, facts.practicum
        # Decision 0010: the practicum (a series: the live-event sets) is the kind registration
        # offers; CE events the person joined are listed apart and never count as it.
        offered = Practicum.kind_offered_by(program)
        regs = [r for r in facts.registrations if r.practicum.kind == offered]
        ce_regs = [r for r in facts.registrations if r.practicum.is_ce_event]
        cards.append(
            {
                "enrollment": enrollment,
                "program": program,
                "next": next_step(facts, now=now),
                "registrations": regs,
                "ce_registrations": ce_regs,
                "access_open": enrollment.access_opens_at <= now,
                "access_date": local_date(enrollment.access_opens_at, program.zone),
                "recommended_finish": practicum.starts_on - timedelta(days=1) if practicum else None,
                "practicum": practicum,
                "pace": facts.pace,
                "modules": facts.modules,
                "modules_passed": facts.modules_passed,
                "can_add_season": program.pk in can_add_season,
            }
        )
    today = timezone.localdate()
    credentials = [(c, credential_status(c, today)) for c in credentials_current_for_user(user=request.user)]
    invitations = [i for i in invitations_for_user(user=request.user) if i.expires_at > now]
    page_cache.changes_at(*(i.expires_at for i in invitations))
    by_program = {c.program_id: c for c, _ in credentials}
    return {
        "cards": cards,
        "credentials": credentials,
        "invitations": [i for i in invitations if i.exam.program_id not in by_program],
    }


@never_cache
def healthz(request):
    """For a load balancer: 503 only when the database does not answer (this node cannot serve);
    200 "degraded", naming the failed checks, when the cache or the broker does not (pages still
    render, tasks wait: pulling every node for a Redis blip would make it an outage); 200 "ok"
    when all answer. Each check gives up within about a second (config/health.py)."""
    checks = {}
    for name, check in health.CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 (any failure of a dependency is reported, never raised)
            logger.warning("healthz: %s failed: %s", name, exc)
            checks[name] = "error"
        else:
            checks[name] = "ok"
    warnings = []
    if not harfbuzz_subset_available():
        warnings.append("libharfbuzz-subset is missing: certificate PDFs render about ten times slower")
    if checks["database"] != "ok":
        status = "error"
    elif all(value == "ok" for value in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    failing = [name for name, value in checks.items() if value != "ok"]
    return JsonResponse(
        {"status": status, "checks": checks, "failing": failing, "warnings": warnings},
        status=503 if status == "error" else 200,
    )


# The only uploads that are public: instructors' photos and the images of certificate designs.
# Everything else (certificate PDFs, CE evidence, job-aid uploads, course files) is private and
# goes through its own access-checked view, under `make run` as in production.
PUBLIC_MEDIA = ("instructors/", "certificates/designs/")


def public_media(request, path: str):
    """`make run` (DEBUG) serves the public uploads from MEDIA_ROOT; production serves none."""
    name = posixpath.normpath(path).lstrip("/")
    if not settings.DEBUG or not name.startswith(PUBLIC_MEDIA):
        raise Http404("No such file.")
    return static_serve(request, name, document_root=settings.MEDIA_ROOT)
