"""A program that has run for years: the dashboard and the record show the modules of the
person's own school year (and those of no year), as the module page opens them, not every
year's."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from programs.tests.factories import SchoolYearFactory, SeriesFactory

from .factories import ModuleFactory, enroll


@pytest.fixture
def years_of_modules():
    program = SeriesFactory()
    last, this = (
        SchoolYearFactory(program=program, name="2025-26"),
        SchoolYearFactory(program=program, name="2026-27"),
    )
    modules = {
        "old": ModuleFactory(program=program, school_year=last, title="Module of last year"),
        "mine": ModuleFactory(program=program, school_year=this, title="Module of this year"),
        "always": ModuleFactory(program=program, school_year=None, title="All-year module"),
    }
    user = UserFactory()
    enrollment = enroll(user, program)
    enrollment.school_year = this
    enrollment.save()
    return user, modules


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["dashboard", "certificates:record"])
def test_a_person_sees_their_own_years_modules_and_those_of_no_year(client, years_of_modules, page):
    user, modules = years_of_modules
    client.force_login(user)
    html = client.get(reverse(page)).content.decode()
    assert "Module of this year" in html
    assert "All-year module" in html
    assert "Module of last year" not in html
    # ...because the module page would not open it for them:
    assert client.get(reverse("modules:detail", args=[modules["old"].pk])).status_code == 404
    assert client.get(reverse("modules:detail", args=[modules["mine"].pk])).status_code == 200
