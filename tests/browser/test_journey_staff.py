"""A staff admin's journey in a real browser (see conftest.py): signs in with a second factor,
schedules a practicum with its sessions, marks a learner present with a reason, and resends a
certificate."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from tests.browser.conftest import totp_now

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def test_staff_schedules_practicum_fixes_attendance_resends_certificate(journey):
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.tests.factories import StaffFactory
    from certificates.tests.factories import issue
    from practicums.tests.factories import register
    from programs.tests.factories import ProgramFactory

    staff = StaffFactory(email="staff@example.org")
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(staff, secret)
    program = ProgramFactory(title="Certified Learning Practitioner")
    learner = UserFactory(full_name="Robin Learner")
    certificate = issue(learner, program)

    j = journey()
    page = j.go("/admin/")
    j.log_in("staff@example.org")
    page.fill("input[name=code]", totp_now(secret))
    page.click("form.form button[type=submit]")
    expect(page.locator("input[name=code]")).to_have_count(0)  # the code was taken: signed in
    page = j.go("/admin/practicums/practicum/add/")
    page.select_option("#id_program", str(program.pk))
    page.fill("#id_title", "Practicum — Chicago, April 2026")
    page.select_option("#id_format", "in_person")
    page.fill("#id_city", "Chicago")
    page.fill("#id_starts_on", "2026-04-13")
    page.fill("#id_ends_on", "2026-04-14")
    page.select_option("#id_time_zone", "America/Chicago")
    page.fill("#id_capacity", "20")
    page.fill("#id_appraised_hours", "14")
    for i, day in enumerate(("2026-04-13", "2026-04-14")):  # held already: it can be corrected
        page.click("#sessions-group .add-row a")
        page.fill(f"#id_sessions-{i}-title", f"Day {i + 1}")
        page.fill(f"#id_sessions-{i}-day", day)
        page.fill(f"#id_sessions-{i}-start_time", "09:00")
        page.fill(f"#id_sessions-{i}-end_time", "17:00")
    j.shot("admin-new-practicum")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    from practicums.models import Practicum

    practicum = Practicum.objects.get(title="Practicum — Chicago, April 2026")
    assert practicum.sessions.count() == 2
    register(learner, practicum)
    page = j.go(f"/admin/practicums/practicum/{practicum.pk}/attendance/")
    j.shot("admin-roster")
    page.fill("td form.correction >> nth=0 >> input[name=reason]", "Signed the paper sheet")
    page.click("td form.correction >> nth=0 >> button")
    expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator("body")).to_contain_text("✓ present")
    expect(page.locator("body")).to_contain_text("Signed the paper sheet")
    page = j.go("/admin/certificates/certificate/")
    page.check(f"input[name=_selected_action][value='{certificate.pk}']")
    page.select_option("select[name=action]", "resend")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("Queued for sending.")
    j.shot("admin-resend")
    assert any(m.to == [learner.email] for m in mail.outbox)
