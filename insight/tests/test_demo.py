"""`make run`'s demo data gives the program dashboard and its nudge lists something to show."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from insight.period import PeriodForm, period_for
from programs.models import Enrollment, Program
from tests.staff_helpers import staff_member

from .dashboard_helpers import text


@pytest.mark.django_db
def test_the_demo_cohort_fills_the_dashboard_and_the_nudge_lists(client, at_now):
    call_command("seed_demo", stdout=io.StringIO())
    program = Program.objects.get(kind=Program.Kind.CERTIFICATION)
    cohort = Enrollment.objects.filter(program=program, user__email__startswith="learner")
    assert cohort.count() == 30
    assert cohort.filter(opened_at__isnull=True).count() == 6  # every fifth
    assert cohort.filter(modules_passed__gt=0).count() == 24
    client.force_login(staff_member(totp=True, superuser=True))
    page = text(client.get(reverse("admin:programs_program_dashboard", args=[program.pk])))
    assert (
        "23 of the 29 candidates with a practicum ahead are on pace" in page
    )  # 30 and Casey, less 2 waitlisted
    assert "Behind the recommended pace : 6 people" in page
    assert "Never opened a module : 6 people" in page
    period = period_for(program, PeriodForm(None), now=at_now)  # the last 90 days
    recent = Enrollment.objects.filter(
        program=program, registered_at__gte=period.starts_at, registered_at__lt=period.ends_at
    )
    passed_all = recent.filter(modules_passed_at__isnull=False).count()
    assert passed_all >= 4  # the 18th to the 22nd (not the 20th) passed every module
    assert f"Registered {recent.count()} " in page
    assert f"Passed every module {passed_all} " in page
    behind = text(client.get(reverse("admin:programs_program_nudges", args=[program.pk, "behind_pace"])))
    assert "modules passed" in behind
