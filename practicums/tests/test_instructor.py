"""The instructor's pages: their own sessions' code, QR and check-in count; nobody else's."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from programs.tests.factories import InstructorFactory

from .factories import PracticumFactory, make_session

UTC = ZoneInfo("UTC")


@pytest.fixture
def instructor(db):
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name="Instructors"))
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.mark.django_db
def test_instructor_sees_own_session_code_qr_and_count(client, instructor):
    practicum = PracticumFactory()
    InstructorFactory(user=instructor).practicums.add(practicum)
    start = datetime.now(UTC) - timedelta(minutes=30)
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=2))
    other = make_session(PracticumFactory(), "Day 1", start, start + timedelta(hours=2))
    client.force_login(instructor)
    assert "Day 1" in client.get(reverse("practicums:instructor")).content.decode()
    html = client.get(reverse("practicums:instructor_code", args=[session.pk])).content.decode()
    assert f'<p class="code" aria-label="Attendance code {" ".join(session.code)}">{session.code}</p>' in html
    svg = client.get(reverse("practicums:instructor_qr", args=[session.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml")
    assert b'xmlns="http://www.w3.org/2000/svg"' in svg.content
    assert client.get(reverse("practicums:instructor_checkins", args=[session.pk])).json() == {
        "checked_in": 0,
        "registered": 0,
    }
    assert client.get(reverse("practicums:instructor_code", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_participants_cannot_open_instructor_pages(client):
    client.force_login(UserFactory())
    assert client.get(reverse("practicums:instructor")).status_code == 403
