"""A teacher's journey in a real browser (see conftest.py): registers for the series, checks in
at each session with its code, passes a module, gets both certificates in one email and shares
the record with a principal, who opens, downloads and verifies it until the link is revoked."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from certificates.tasks import nightly_batch
from modules.tests.factories import LessonFactory, ModuleFactory, add_question
from practicums.models import Session
from practicums.tests.factories import PracticumFactory, TrackGroupFactory, make_session
from programs.tests.factories import SchoolYearFactory, SeasonFactory
from tests.browser.conftest import submit

LA = ZoneInfo("America/Los_Angeles")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def test_teacher_attends_sessions_completes_module_shares_record(journey):
    year = SchoolYearFactory(
        name="2027–28", program__title="Foundations for Implementation", program__slug="foundations"
    )
    program = year.program
    summer = SeasonFactory(school_year=year, name="Summer", order=0)
    group = TrackGroupFactory(program=program, season=summer, name="Summer live events")
    virtual = PracticumFactory(
        program=program, season=summer, group=group, title="Virtual Sessions 1–2", format="virtual",
        join_url="https://meet.example.org/room", starts_on=date(2027, 7, 13), ends_on=date(2027, 7, 20),
        time_zone="America/Los_Angeles", appraised_hours=Decimal("4"),
    )  # fmt: skip
    PracticumFactory(
        program=program,
        season=summer,
        group=group,
        title="Days 1–3",
        starts_on=date(2027, 7, 13),
        ends_on=date(2027, 7, 15),
    )
    first = datetime(2027, 7, 13, 15, 30, tzinfo=LA)
    sessions = [
        make_session(
            virtual,
            f"Virtual Session {i + 1}",
            first + timedelta(weeks=i),
            first + timedelta(weeks=i, hours=2),
        )
        for i in range(2)
    ]
    module = ModuleFactory(
        program=program,
        season=summer,
        title="Instructional Module 1",
        is_on_demand=True,
        appraised_hours=Decimal("2"),
    )
    LessonFactory(module=module, title="The big idea")
    question = add_question(
        module.assessment,
        "single",
        [("Start from the performance", True), ("Start from slides", False)],
        "Where do you start?",
    )
    teacher = UserFactory(email="teacher@example.org", full_name="Taylor Teacher")

    j = journey()
    with time_machine.travel(datetime(2027, 7, 1, 10, tzinfo=LA), tick=True):
        j.go("/accounts/login/")
        j.axe()
        j.log_in("teacher@example.org")
        page = j.visit(f"/programs/{program.slug}/register/", "register")
        page.check(f"#group_{group.pk}-{virtual.pk}")
        submit(page)
        expect(page.locator("body")).to_contain_text("You are registered for Foundations for Implementation")
        j.axe()
        j.shot("dashboard")

    for session in sessions:
        with time_machine.travel(session.ends_at - timedelta(minutes=5), tick=True):
            page = j.visit("/attendance/")
            expect(page.locator("main")).to_contain_text("Open now (code accepted until")
            page.fill("#id_code", Session.objects.get(pk=session.pk).code.lower())
            submit(page)
            expect(page.locator("body")).to_contain_text("You are checked in")
    expect(page.locator("body")).to_contain_text("You have attended every session")
    j.axe()
    j.shot("attendance")

    with time_machine.travel(sessions[1].ends_at + timedelta(minutes=30), tick=True):
        page = j.visit(f"/modules/{module.pk}/", "module")
        page.click("text=Take the assessment")
        page.click("button:has-text('Start attempt')")
        j.axe()
        j.shot("assessment")
        page.check(f"#c{question.choices.get(is_correct=True).pk}")
        page.click("button[value=submit]")
        expect(page.locator("body")).to_contain_text("You passed")
        j.axe()

    evening = datetime(2027, 7, 20, 20, 0, tzinfo=LA)
    with time_machine.travel(evening, tick=True):
        mail.outbox.clear()
        nightly_batch.apply()
        [message] = [m for m in mail.outbox if m.to == ["teacher@example.org"]]
        assert len(message.attachments) == 2  # both certificates, the same evening, one email
        page = j.visit("/me/certificates/", "my-certificates")
        expect(page.locator("body")).to_contain_text("Instructional Module 1")
        expect(page.locator("body")).to_contain_text("Virtual Sessions 1–2")

        page = j.visit("/me/record/", "record")
        page.emulate_media(media="print")
        j.shot("record-print")
        page.emulate_media(media="screen")
        page.fill("#id_label", "for my principal")
        page.check("#id_expiry_3")  # "Until a date": the day the teacher picks is the day shown
        page.fill("#id_expires_on", "2027-08-15")
        page.click("form[action*='/me/record/links/'] button[type=submit]")
        expect(page.locator(".links-table, table").first).to_contain_text("Aug 15, 2027")
        expect(page.locator(".link-box")).to_have_value(re.compile("/records/"))
        link = page.locator(".link-box").input_value()
        j.axe()

        principal = journey("-principal")
        shared = principal.visit(link.replace(j.base, ""), "shared-record")
        expect(shared.locator("body")).to_contain_text("Taylor Teacher")
        assert "teacher@example.org" not in shared.content()  # the page is there: read all its HTML
        expect(shared.locator(".shared-terms")).to_contain_text("Record as of July 20, 2027")
        expect(shared.locator(".shared-terms")).to_contain_text("works until the end of August 15, 2027")
        with shared.expect_download() as download:
            shared.click("text=download >> nth=0")
        assert download.value.suggested_filename.startswith("certificate-")
        shared.click("text=verify >> nth=0")
        expect(shared.locator("body")).to_contain_text("Valid.")
        principal.axe()
        principal.shot("verify")

        page = j.go("/me/record/")
        page.click("form[action*='/revoke/'] button")
        expect(page.locator("body")).to_contain_text("no longer works")
        shared.goto(link)
        expect(shared.locator("body")).to_contain_text("This link no longer works")
        principal.shot("revoked")
    assert teacher.pk
