"""Staff get more than a participant only in a TOTP-verified session AND with the model
permission: every view that lets staff (or a permission) through, swept (issue #17, Access)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.factories import UserFactory
from certificates.models import CertificateDesign
from certificates.tests.factories import issue
from modules.tests.factories import ModuleFactory
from practicums.tests.factories import PracticumFactory, make_session
from programs.tests.factories import ProgramFactory

from .staff_helpers import staff_member

UTC = ZoneInfo("UTC")


@pytest.mark.django_db
def test_instructor_pages_refuse_a_permission_holder_without_a_verified_staff_session(client):
    start = datetime.now(UTC) - timedelta(minutes=30)
    session = make_session(PracticumFactory(), "Day 1", start, start + timedelta(hours=2))
    holder = UserFactory()  # not staff, so the /instructor/ TOTP redirect never applies
    holder.groups.add(Group.objects.get(name="Instructors"))
    client.force_login(holder)
    for url in (
        reverse("practicums:instructor"),
        reverse("practicums:instructor_code", args=[session.pk]),
        reverse("practicums:instructor_qr", args=[session.pk]),
        reverse("practicums:instructor_checkins", args=[session.pk]),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_instructor_pages_need_the_permission_besides_totp(client):
    client.force_login(staff_member(totp=True))
    assert client.get(reverse("practicums:instructor")).status_code == 403
    client.force_login(staff_member(totp=True, perms=("practicums.view_session",)))
    assert client.get(reverse("practicums:instructor")).status_code == 200


@pytest.mark.django_db
def test_admin_roster_pages_need_the_registration_permission(client):
    practicum = PracticumFactory()
    urls = [
        reverse("admin:practicums_practicum_sheet", args=[practicum.pk]),
        reverse("admin:practicums_practicum_attendance", args=[practicum.pk]),
    ]
    client.force_login(staff_member(totp=True))
    assert [client.get(url).status_code for url in urls] == [403, 403]
    # Staff who run practicums (may change them) open every one's roster.
    client.force_login(
        staff_member(totp=True, perms=("practicums.view_registration", "practicums.change_practicum"))
    )
    assert [client.get(url).status_code for url in urls] == [200, 200]


@pytest.mark.django_db
def test_an_instructor_sees_only_their_own_events_attendance_in_the_admin(client):
    from practicums.models import Attendance
    from practicums.tests.factories import register
    from programs.tests.factories import InstructorFactory

    instructor = staff_member(totp=True)
    instructor.groups.add(Group.objects.get(name="Instructors"))
    mine, theirs = PracticumFactory(title="My practicum"), PracticumFactory(title="Their practicum")
    mine.instructors.add(InstructorFactory(user=instructor))
    start = datetime.now(UTC) - timedelta(hours=3)
    for practicum in (mine, theirs):
        session = make_session(practicum, "Day 1", start, start + timedelta(hours=2))
        person = UserFactory(full_name=f"Attendee of {practicum.title}")
        register(person, practicum)
        Attendance.objects.create(user=person, session=session, recorded_at=start)
    client.force_login(instructor)
    assert client.get(reverse("admin:practicums_practicum_attendance", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:practicums_practicum_attendance", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:practicums_practicum_sheet", args=[theirs.pk])).status_code == 404
    for name in ("practicum", "registration", "attendance"):
        listed = client.get(reverse(f"admin:practicums_{name}_changelist")).content.decode()
        assert "My practicum" in listed or "Attendee of My practicum" in listed, name
        assert "Their practicum" not in listed, name


@pytest.mark.django_db
def test_admin_module_results_need_the_attempt_permission(client):
    url = reverse("admin:modules_module_results", args=[ModuleFactory().pk])
    client.force_login(staff_member(totp=True))
    assert client.get(url).status_code == 403
    assert client.get(url + "?format=csv").status_code == 403
    client.force_login(staff_member(totp=True, perms=("modules.view_attempt",)))
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_certificate_console_needs_view_to_read_and_change_to_act(client):
    certificate = issue()
    url = reverse("admin:certificates_console")
    client.force_login(staff_member(totp=True))
    assert client.get(url).status_code == 403
    assert client.get(url, {"export": str(certificate.program_id)}).status_code == 403
    reader = staff_member(totp=True, perms=("certificates.view_certificate",))
    client.force_login(reader)
    assert client.get(url).status_code == 200
    response = client.post(url, {"certificate": certificate.pk, "action": "hold"})
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.held is False


@pytest.mark.django_db
def test_design_preview_needs_the_design_permission(client):
    design = CertificateDesign.objects.create(program=ProgramFactory())
    client.force_login(staff_member(totp=True))
    assert client.get(reverse("admin:certificates_design_preview", args=[design.pk])).status_code == 403
