"""The practicum admin: sessions entered in the practicum's zone and validated, the attendance
view's corrections, and the season choices."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from practicums.models import Practicum, Session
from programs.tests.factories import ProgramFactory

from .factories import PracticumFactory, make_session, register

UTC = ZoneInfo("UTC")


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def practicum_form(program, sessions: list[tuple[str, str, str]], **extra) -> dict:
    data = {
        "program": program.pk, "kind": "practicum", "title": "March practicum", "format": "in_person",
        "city": "Denver",
        "starts_on": "2027-03-09", "ends_on": "2027-03-11", "time_zone": "America/Denver",
        "capacity": "20", "appraised_hours": "21", "status": "scheduled", "is_published": "on",
        "sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0", "sessions-MAX_NUM_FORMS": "1000",
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, (day, start, end) in enumerate(sessions):
        data.update(
            {
                f"sessions-{i}-title": f"Day {i + 1}",
                f"sessions-{i}-day": day,
                f"sessions-{i}-start_time": start,
                f"sessions-{i}-end_time": end,
                f"sessions-{i}-status": "scheduled",
            }
        )
    data.update(extra)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ([("2027-03-09", "17:00", "09:00")], "The session must end after it starts."),
        ([("2027-03-12", "09:00", "17:00")], "Sessions must fall within the practicum"),
        (
            [("2027-03-09", "09:00", "13:00"), ("2027-03-09", "12:00", "17:00")],
            "This session overlaps the one before it.",
        ),
    ],
)
def test_admin_session_validation_errors(staff_client, sessions, message):
    program = ProgramFactory()
    response = staff_client.post(reverse("admin:practicums_practicum_add"), practicum_form(program, sessions))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Practicum.objects.exists()


@pytest.mark.django_db
def test_admin_sessions_entered_in_practicum_zone(staff_client):
    program = ProgramFactory()
    response = staff_client.post(
        reverse("admin:practicums_practicum_add"),
        practicum_form(program, [("2027-03-09", "09:00", "17:00"), ("2027-03-10", "09:00", "17:00")]),
    )
    assert response.status_code == 302
    sessions = list(Session.objects.order_by("starts_at"))
    assert [s.starts_at for s in sessions] == [
        datetime(2027, 3, 9, 16, tzinfo=UTC),
        datetime(2027, 3, 10, 16, tzinfo=UTC),
    ]
    assert len({s.code for s in sessions}) == 2


@pytest.mark.django_db
def test_admin_attendance_view_corrects_with_reason(staff_client):
    practicum = PracticumFactory()
    start = datetime(2026, 3, 1, 17, tzinfo=UTC)  # a session that has happened: it can be marked
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    registration = register(UserFactory(full_name="Ana Example"), practicum)
    url = reverse("admin:practicums_practicum_attendance", args=[practicum.pk])
    html = staff_client.get(url).content.decode()
    assert "Ana Example" in html
    assert "— absent" in html
    staff_client.post(
        url, {"session": session.pk, "registration": registration.pk, "present": "1", "reason": "Paper sheet"}
    )
    html = staff_client.get(url).content.decode()
    assert "✓ present" in html
    assert "Paper sheet" in html
    sheet = staff_client.get(
        reverse("admin:practicums_practicum_sheet", args=[practicum.pk])
    ).content.decode()
    assert "Ana Example" in sheet


def test_admin_practicum_season_choices_are_the_programs_and_another_programs_is_refused(db, client):
    from programs.tests.factories import SchoolYearFactory, SeasonFactory

    ours = SchoolYearFactory(name="2027–28", program=ProgramFactory(title="Foundations"))
    theirs = SchoolYearFactory(name="2027–28", program=ProgramFactory(title="Other series"))
    summer = SeasonFactory(school_year=ours, name="Summer", order=0)
    fall = SeasonFactory(school_year=ours, name="Fall", order=1)
    foreign = SeasonFactory(school_year=theirs, name="Winter", order=0)
    practicum = PracticumFactory(program=ours.program, season=summer)
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    page = client.get(reverse("admin:practicums_practicum_change", args=[practicum.pk]))
    assert list(page.context["adminform"].form.fields["season"].queryset) == [summer, fall]

    add = client.get(reverse("admin:practicums_practicum_add"))
    assert sorted(c[1] for c in add.context["adminform"].form.fields["season"].choices if c[0]) == [
        "Fall 2027–28 (Foundations)",
        "Summer 2027–28 (Foundations)",
        "Winter 2027–28 (Other series)",
    ]
    data = {
        "program": ours.program.pk, "season": foreign.pk, "kind": "live_set", "title": "Days 1–3",
        "format": "in_person", "starts_on": "2027-07-13", "ends_on": "2027-07-15",
        "time_zone": "America/Denver", "capacity": "20", "appraised_hours": "18", "status": "scheduled",
        "sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0",
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0",
    }  # fmt: skip
    refused = client.post(reverse("admin:practicums_practicum_add"), data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["season"] == [
        "Winter 2027–28 is a season of another program, not of Foundations."
    ]
    assert not Practicum.objects.filter(title="Days 1–3").exists()
