"""The program dashboard (issue #20): its CSV tables, a period that cannot be read, who may open
it, and the links to it."""

import csv
import io
from datetime import date

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from practicums.tests.factories import PracticumFactory
from recertification.tests.factories import certification

from .dashboard_helpers import JANUARY, day, enrolled, text, url

pytestmark = pytest.mark.usefixtures("at_now")


@pytest.mark.django_db
def test_each_table_downloads_as_csv_through_the_escaping_helper(staff_client):
    program = certification(home_time_zone="America/Los_Angeles")
    enrolled(program, day(3), opened_at=day(4))
    PracticumFactory(
        program=program,
        title='=HYPERLINK("x") practicum',
        starts_on=date(2027, 4, 5),
        ends_on=date(2027, 4, 6),
    )

    response = staff_client.get(url(program, **JANUARY, csv="funnel"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{program.slug}-funnel-20270101-20270131.csv"'
    )
    assert rows[0] == ["step", "people", "conversion_percent", "median_days_from_previous_step"]
    assert rows[1:3] == [["Registered", "1", "", ""], ["Opened a module", "1", "100.0", "1.0"]]

    fill = staff_client.get(url(program, **JANUARY, csv="fill"))
    fill_rows = list(csv.reader(io.StringIO(b"".join(fill.streaming_content).decode())))
    assert fill_rows[1][0] == '\'=HYPERLINK("x") practicum'  # a formula neutralised
    for table in ("registrations", "modules", "questions", "attendance", "credentials", "batches"):
        assert staff_client.get(url(program, csv=table)).status_code == 200, table
    assert staff_client.get(url(program, csv="passwords")).status_code == 404


@pytest.mark.django_db
def test_a_period_that_cannot_be_read_says_so_and_shows_the_last_90_days(staff_client):
    program = certification(home_time_zone="America/Los_Angeles")
    for query, message in (
        (
            {"period": "range", "start": "2027-02-01", "end": "2027-01-01"},
            "The last day comes before the first.",
        ),
        ({"period": "range", "start": "yesterday", "end": "2027-01-01"}, "Enter a valid date."),
        (
            {"period": "range", "start": "2020-01-01", "end": "2027-01-01"},
            "A range covers at most five years.",
        ),
        ({"period": "range"}, "Give the first day of the range."),
        ({"period": "decade"}, "Select a valid choice."),
    ):
        response = staff_client.get(url(program, **query))
        assert response.status_code == 200
        page = text(response)
        assert message in page
        assert "showing the last 90 days" in page
        assert "December 16, 2026 to March 15, 2027" in page
    page = text(staff_client.get(url(program, period="month")))
    assert "March 1, 2027 to March 15, 2027" in page
    page = text(staff_client.get(url(program, period="year")))
    assert "July 1, 2026 to June 30, 2027" in page  # no school year of its own: July to June


@pytest.mark.django_db
def test_only_staff_with_a_second_factor_open_it_and_program_staff_only_their_programs(client):
    from django.contrib.auth.models import Group

    from programs.tests.factories import SeriesFactory

    program, other = certification(), SeriesFactory()
    path = url(program)
    assert client.get(path).status_code == 302  # to log in
    client.force_login(UserFactory())
    assert client.get(path).status_code == 302  # not staff: the admin's login
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    assert client.get(path)["Location"] == "/accounts/2fa/totp/activate/"  # a second factor first
    TOTP.activate(staff, generate_totp_secret())
    assert client.get(path).status_code == 403  # no permission
    staff.groups.add(Group.objects.get(name="Program staff"))
    assert client.get(path).status_code == 404  # not this program's staff
    program.staff.add(staff)
    assert client.get(path).status_code == 200
    assert client.get(url(other)).status_code == 404
    assert (
        client.get(reverse("admin:programs_program_nudges", args=[other.pk, "never_opened"])).status_code
        == 404
    )
    index = client.get(reverse("admin:index")).content.decode()
    assert path in index
    assert url(other) not in index
    listed = client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert program.title in listed
    assert other.title not in listed
    director = StaffFactory(is_superuser=False)
    TOTP.activate(director, generate_totp_secret())
    director.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_program", "view_every_program"])
    )
    client.force_login(director)
    assert client.get(url(other)).status_code == 200
    assert client.get(url(program).replace(f"/{program.pk}/", "/999999/")).status_code == 404


@pytest.mark.django_db
def test_the_admin_index_and_the_programs_change_page_link_to_it(staff_client):
    program = certification()
    link = f'href="{url(program)}"'
    assert link in staff_client.get(reverse("admin:index")).content.decode()
    assert (
        link in staff_client.get(reverse("admin:programs_program_change", args=[program.pk])).content.decode()
    )
    assert link in staff_client.get(reverse("admin:programs_program_changelist")).content.decode()
