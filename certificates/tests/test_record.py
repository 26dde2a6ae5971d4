"""The PL record as its owner sees it: the page, one item's print view, the PDF, the order and
folding of items, and a constant number of queries (shared links: test_record_links.py and
test_record_shared.py)."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from certificates.services import share_link_create
from modules.models import Module
from modules.tests.factories import ModuleFactory, enroll
from programs.tests.factories import SchoolYearFactory, SeasonFactory

from .factories import build_person, record_details

UTC = ZoneInfo("UTC")


@pytest.mark.django_db
def test_record_shows_sets_modules_activities_hours_and_certificates(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, series, modules = build_person()
    client.force_login(user)
    html = client.get(reverse("certificates:record")).content.decode()
    assert series.title in html
    assert "Summer 2027–28" in html
    assert "Fall 2027–28" in html
    assert html.index("Summer 2027–28") < html.index("Fall 2027–28")
    assert "Virtual Sessions 1–6" in html
    assert html.count("Virtual Session ") >= 3
    assert "Instructional Module 1" in html
    assert "Instructional Module 2" in html
    assert "best score 100%" in html
    assert "my-private-notes.pdf" in html  # the owner sees their own upload's name
    assert html.count("status-complete") == 2  # the set and the first module
    assert html.count("Certificate ") >= 2
    assert reverse("certificates:record_item", args=[f"module-{modules[0].pk}"]) in html


@pytest.mark.django_db
def test_single_item_print_view_and_pdf_of_the_record(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, _, modules = build_person()
    client.force_login(user)
    html = client.get(reverse("certificates:record_item", args=[f"module-{modules[0].pk}"])).content.decode()
    assert "<h1>Instructional Module 1</h1>" in html
    assert "Lesson: Lesson of module 1" in html
    assert client.get(reverse("certificates:record_item", args=["module-999999"])).status_code == 404
    response = client.get(reverse("certificates:record_pdf"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    for expected in (
        "Taylor Teacher",
        "Professional-learning record",
        "Virtual Sessions 1–6",
        "Instructional Module 1",
    ):
        assert expected in text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_record_and_shared_page_constant_queries(client, django_capture_on_commit_callbacks):
    counts = []
    for modules, sessions in ((1, 1), (20, 12)):
        with django_capture_on_commit_callbacks(execute=True):
            user, _, _ = build_person(n_modules=modules, n_sessions=sessions)
        _, token = share_link_create(
            user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), program_ids=[]
        )
        client.force_login(user)
        own = _queries(client, reverse("certificates:record"))
        client.logout()
        shared = _queries(client, reverse("certificates:shared_record", args=[token]))
        counts.append((own, shared))
    assert counts[0] == counts[1]
    assert date.today()


@pytest.mark.django_db
def test_year_round_modules_come_after_the_seasons(client):
    user = UserFactory()
    year = SchoolYearFactory(name="2027–28")
    summer = SeasonFactory(school_year=year, name="Summer", order=0)
    enroll(user, year.program)
    ModuleFactory(program=year.program, season=None, title="Year-round module", is_on_demand=True)
    ModuleFactory(program=year.program, season=summer, title="Summer module", is_on_demand=True)
    client.force_login(user)
    html = client.get(reverse("certificates:record")).content.decode()
    assert html.index("Summer 2027–28") < html.index("Throughout the year")


@pytest.mark.django_db
def test_record_opens_started_items_first_and_folds_the_rest(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, series, modules = build_person(n_modules=2)
    summer = modules[0].season
    ModuleFactory(program=series, season=summer, order=1, title="Early unstarted module", is_on_demand=True)
    for n, module in enumerate(modules):
        Module.objects.filter(pk=module.pk).update(order=10 + n)
    client.force_login(user)
    html = client.get(reverse("certificates:record")).content.decode()
    assert record_details(html) == {
        "Virtual Sessions 1–6": True,
        "Instructional Module 1": True,
        "Early unstarted module": False,
        "Instructional Module 2": False,
    }
    assert list(record_details(html)) == [  # started first within the season, then not started
        "Virtual Sessions 1–6",
        "Instructional Module 1",
        "Early unstarted module",
        "Instructional Module 2",
    ]
    assert '<a href="/me/record/?view=completed">Completed only</a>' in html
    completed = client.get(reverse("certificates:record") + "?view=completed").content.decode()
    assert record_details(completed) == {"Virtual Sessions 1–6": True, "Instructional Module 1": True}
    assert "Fall 2027–28" not in completed  # a season with nothing completed is left out


@pytest.mark.django_db
def test_print_no_longer_forces_folded_items_open():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
    script = (Path(settings.BASE_DIR) / "static/certificates/record.js").read_text()
    assert "details > *:not(summary)" not in css
    assert ".open = true" not in script
