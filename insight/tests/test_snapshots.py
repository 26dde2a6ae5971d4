"""The dashboard's kept figures (insight.snapshots, decision 0024): the preset periods are read
from what the worker computed, the page says when, "Compute now" and staleness compute afresh,
beat runs the refresh every 10 minutes for the dashboards looked at this week."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.tests.test_beat_schedule import scheduled
from insight.models import DashboardSnapshot
from insight.snapshots import KEPT_WHILE_VIEWED, STALE
from insight.tasks import refresh_dashboards
from modules.tests.factories import ModuleFactory
from practicums.tests.factories import PracticumFactory, make_session
from programs.models import Enrollment
from programs.tests.factories import ProgramFactory
from recertification.tests.factories import certification

from .conftest import NOW
from .dashboard_helpers import enrolled, text, url


def registered(client, program) -> str:
    """The funnel's first row as the page shows it."""
    page = text(client.get(url(program)))
    return page.split("Registered ", 1)[1].split(" ", 1)[0]


@pytest.mark.django_db
def test_the_page_reads_the_kept_figures_and_says_when_they_were_computed(staff_client):
    program = certification(home_time_zone="America/Los_Angeles")
    enrolled(program, NOW - timedelta(days=3))
    assert registered(staff_client, program) == "1"
    assert "Computed at 11:00 (America/Los_Angeles)" in text(staff_client.get(url(program)))
    enrolled(program, NOW - timedelta(days=2))
    assert registered(staff_client, program) == "1"  # kept: computed at 11:00
    page = text(staff_client.get(url(program, fresh="1")))
    assert "Registered 2" in page  # "Compute now"
    assert DashboardSnapshot.objects.get(program=program, period="90d").computed_at == NOW
    enrolled(program, NOW - timedelta(days=1))
    with time_machine.travel(NOW + STALE, tick=False):
        assert registered(staff_client, program) == "3"  # too old: computed afresh


@pytest.mark.django_db
def test_a_range_is_computed_on_the_spot_and_not_kept(staff_client):
    program = certification()
    enrolled(program, NOW - timedelta(days=3))
    response = staff_client.get(url(program, period="range", start="2027-03-01", end="2027-03-15"))
    assert "Registered 1" in text(response)
    assert not DashboardSnapshot.objects.exists()


@pytest.mark.django_db
def test_beat_refreshes_the_dashboards_viewed_this_week_every_ten_minutes(staff_client):
    assert scheduled()["insight.refresh_dashboards"]["schedule"] == 10 * 60
    looked_at, forgotten = certification(), ProgramFactory(kind="series")
    for program in (looked_at, forgotten):
        staff_client.get(url(program, period="year"))
    enrolled(looked_at, NOW - timedelta(days=3))
    later = NOW + KEPT_WHILE_VIEWED - timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        staff_client.get(url(looked_at, period="year"))  # viewed again: kept
    with time_machine.travel(NOW + KEPT_WHILE_VIEWED + timedelta(minutes=5), tick=False):
        assert refresh_dashboards.apply().get() == 1
        assert registered(staff_client, looked_at) != ""  # the 90 days, computed on the spot
        assert "Registered 1" in text(staff_client.get(url(looked_at, period="year")))
    assert set(DashboardSnapshot.objects.values_list("program_id", "period")) == {
        (looked_at.pk, "year"),
        (looked_at.pk, "90d"),
        (looked_at.pk, "lists"),  # today's nudge lists, kept with the last 90 days
    }


@pytest.mark.django_db
def test_figures_tampered_with_or_kept_by_an_older_release_are_computed_afresh(staff_client):
    program = certification()
    staff_client.get(url(program))
    DashboardSnapshot.objects.update(figures=b"not a pickle")
    enrolled(program, NOW - timedelta(days=3))
    assert registered(staff_client, program) == "1"


@pytest.mark.django_db
def test_reading_the_kept_figures_asks_the_same_queries_at_any_size(staff_client):
    program = certification()

    def asked() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url(program)).status_code == 200
        return len(captured)

    enrolled(program, NOW - timedelta(days=3))
    asked()  # computes and keeps
    small = asked()
    for i in range(20):
        enrolled(program, NOW - timedelta(days=i % 80))
    assert asked() == small


@pytest.mark.django_db
def test_the_attendance_csv_lists_every_session_though_the_page_reads_kept_figures(staff_client):
    program = certification(home_time_zone="America/Los_Angeles")
    practicum = PracticumFactory(program=program, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 2))
    for d in (1, 2):
        make_session(
            practicum, f"Day {d}", datetime(2027, 3, d, 17, tzinfo=UTC), datetime(2027, 3, d, 23, tzinfo=UTC)
        )
    assert "2 sessions held" in text(staff_client.get(url(program)))  # computed and kept
    assert DashboardSnapshot.objects.filter(program=program, period="90d").exists()
    response = staff_client.get(url(program, csv="attendance"))
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 3
    assert "Day 1" in rows[1]
    assert "Day 2" in rows[2]


@pytest.mark.django_db
def test_a_nudge_list_is_read_as_the_worker_kept_it_and_sending_checks_again(staff_client):
    program = certification(home_time_zone="America/Los_Angeles")
    ModuleFactory(program=program)
    first = enrolled(program, NOW - timedelta(days=20))
    Enrollment.objects.filter(pk=first.pk).update(access_opens_at=NOW - timedelta(days=18))
    staff_client.get(url(program))  # the 90 days' figures kept, with today's lists
    later = enrolled(program, NOW - timedelta(days=12))
    Enrollment.objects.filter(pk=later.pk).update(access_opens_at=NOW - timedelta(days=10))
    listed = reverse("admin:programs_program_nudges", args=[program.pk, "never_opened"])
    page = text(staff_client.get(listed))
    assert first.user.full_name in page
    assert later.user.full_name not in page
    assert "The list as of 11:00 (America/Los_Angeles" in page
    assert later.user.full_name in text(staff_client.get(listed, {"fresh": "1"}))
    Enrollment.objects.filter(pk=first.pk).update(opened_at=NOW)  # opened a module meanwhile
    response = staff_client.post(listed, {"person": [str(first.user_id)], "send": "1"}, follow=True)
    assert "0 emails queued. 1 skipped" in text(response)
