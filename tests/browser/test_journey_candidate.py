"""A candidate's journey in a real browser (see conftest.py), with the real beat and worker for the
exam invitation: signs up, registers, fails then passes a module, checks in at the practicum,
passes the exam, is certified and recertifies with CE hours a year on."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from certificates.tasks import nightly_batch
from modules.tests.factories import LessonFactory, ModuleFactory, add_question
from practicums.models import Session
from practicums.tests.factories import PracticumFactory, make_session
from tests.browser.conftest import submit

LA = ZoneInfo("America/Los_Angeles")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(420)
def test_candidate_from_sign_up_to_recertification(journey, celery_under_faketime):
    from modules.tests.factories import AssessmentFactory
    from programs.tests.factories import ProgramFactory
    from recertification.models import Exam, ExamInvitation
    from recertification.services import ce_activity_review

    program = ProgramFactory(
        title="Certified Learning Practitioner",
        slug="clp",
        access_delay_business_days=2,
        ce_hours_required=Decimal("4"),
    )
    module = ModuleFactory(program=program, title="Writing learning objectives", appraised_hours=Decimal("3"))
    LessonFactory(module=module, title="Objectives that describe work")
    question = add_question(
        module.assessment,
        "single",
        [("An observable action", True), ("A feeling", False)],
        "What does a good objective describe?",
    )
    practicum = PracticumFactory(
        program=program,
        title="Practicum — Denver",
        starts_on=date(2027, 3, 9),
        ends_on=date(2027, 3, 10),
        time_zone="America/Denver",
    )
    denver = ZoneInfo("America/Denver")
    days = [
        make_session(
            practicum,
            f"Day {i + 1}",
            datetime(2027, 3, 9 + i, 9, tzinfo=denver),
            datetime(2027, 3, 9 + i, 17, tzinfo=denver),
        )
        for i in range(2)
    ]
    exam_assessment = AssessmentFactory(
        title="Exam", pass_mark_percent=50, time_limit_minutes=30, max_attempts=3
    )
    exam_question = add_question(
        exam_assessment, "single", [("Transfer", True), ("Seat time", False)], "What matters most?"
    )
    Exam.objects.create(program=program, assessment=exam_assessment)

    webinar = PracticumFactory(
        program=program, kind="ce_event", ce_kind="webinar", title="Webinar: feedback that works",
        format="virtual", starts_on=date(2027, 2, 3), ends_on=date(2027, 2, 3),
    )  # fmt: skip

    j = journey()
    with time_machine.travel(datetime(2027, 1, 8, 10, tzinfo=LA), tick=True):  # a Friday
        page = j.visit(f"/programs/{program.slug}/", "program")
        expect(page.locator("main")).to_contain_text("Webinars and roundtables")
        upcoming = page.locator("section", has=page.locator("h2", has_text="Upcoming practicums"))
        expect(upcoming).to_contain_text("Practicum — Denver")
        expect(upcoming).not_to_contain_text(webinar.title)
        page = j.visit("/accounts/signup/", "signup")
        page.fill("#id_full_name", "Casey Candidate")
        page.fill("#id_email", "casey@example.org")
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        submit(page)
        expect(page).not_to_have_url(re.compile("/accounts/signup/"))  # signed up: the email is sent
        body = mail.outbox[-1].body
        confirm = re.search(r"http://[^\s]+/accounts/confirm-email/[^\s]+/", body).group(0)
        page.goto(confirm)
        j.axe()
        page.click("main form button[type=submit]")
        expect(page).not_to_have_url(re.compile("/accounts/confirm-email/"))
        j.email = "casey@example.org"  # verifying logged the candidate in
        page = j.visit(f"/programs/{program.slug}/register/", "register")
        expect(page.locator("main form")).not_to_contain_text(webinar.title)
        expect(page.locator(f"#practicum-{webinar.pk}")).to_have_count(0)
        page.check(f"#practicum-{practicum.pk}")
        submit(page)
        expect(page.locator("body")).to_contain_text(f"You are registered for {program.title}")
        page = j.visit("/me/", "dashboard-registered")
        expect(page.locator("main")).to_contain_text("Your modules open on Tuesday, January 12")
        page = j.visit(f"/modules/{module.pk}/", "module-closed")
        expect(page.locator("body")).to_contain_text("Your modules open on")
        # two business days after a Friday (a holiday Monday? no: Jan 11 is a Monday)
        expect(page.locator("body")).to_contain_text("Tuesday, January 12, 2027")

    with time_machine.travel(datetime(2027, 1, 12, 9, tzinfo=LA), tick=True):
        page = j.visit(f"/modules/{module.pk}/", "module-open")
        page.click("text=Take the assessment")
        page.click("button:has-text('Start attempt')")
        page.check(f"#c{question.choices.get(is_correct=False).pk}")
        page.click("button[value=submit]")
        expect(page.locator("body")).to_contain_text("Not passed this time")
        j.axe()
        j.shot("failed-attempt")
        page.click("a:has-text('Try again')")
        page.click("button:has-text('Start attempt')")
        page.check(f"#c{question.choices.get(is_correct=True).pk}")
        page.click("button[value=submit]")
        expect(page.locator("body")).to_contain_text("You passed")

    for day in days:
        with time_machine.travel(day.ends_at - timedelta(minutes=10), tick=True):
            page = j.visit("/attendance/")
            expect(page.locator("main")).to_contain_text("Open now")
            page.fill("#id_code", Session.objects.get(pk=day.pk).code)
            submit(page)
            expect(page.locator("body")).to_contain_text("You are checked in")

    # The exam link comes as in production: the real beat (production schedule) and a real worker,
    # their clocks (and the test's) moved to a minute before the 17:30 quarter hour of the practicum's
    # last day in Denver. Beat's first tick is the first quarter hour after it has started, which
    # takes it some seconds (12 s seen on a busy machine).
    with time_machine.travel(datetime(2027, 3, 10, 17, 29, tzinfo=denver), tick=True):
        celery_under_faketime.start(at=timezone.now())  # the test's clock runs from here, in step
        received = celery_under_faketime.inbox.wait_for(1, timeout=120)
        assert len(received) == 1, f"{len(received)} emails in 120 s" + celery_under_faketime.logs()
        invitation = received[0]
        assert invitation["To"] == "casey@example.org"
        assert "Scheduler: Sending due task exam-invitations" in celery_under_faketime.logs()
        issued_at = ExamInvitation.objects.get(user__email="casey@example.org").issued_at
        assert issued_at.astimezone(denver).replace(second=0, microsecond=0) == datetime(
            2027, 3, 10, 17, 30, tzinfo=denver
        )  # on beat's quarter hour, by the worker's moved clock
        celery_under_faketime.stop()
        body = invitation.get_body(("plain",)).get_content()
        link = re.search(r"/exam/[^\s/]+/", body).group(0)  # the email's host is the site's
        page = j.visit("/me/", "dashboard-exam")
        expect(page.locator("body")).to_contain_text("Your certification exam is open")
        page = j.go(link)
        j.axe()
        page.click("button:has-text('Start the exam')")
        page.check(f"#c{exam_question.choices.get(is_correct=True).pk}")
        j.shot("exam")
        page.click("button[value=submit]")
        expect(page.locator("body")).to_contain_text("You passed the exam")

    with time_machine.travel(datetime(2027, 3, 10, 20, 0, tzinfo=LA), tick=True):
        mail.outbox.clear()
        nightly_batch.apply()
        assert any(m.to == ["casey@example.org"] and m.attachments for m in mail.outbox)
        page = j.visit("/me/", "dashboard-certified")
        expect(page.locator("main")).to_contain_text("Certified until")
        expect(page.locator("main")).not_to_contain_text("Your practicum starts on")
        page = j.visit("/me/certificates/", "certificates")
        with page.expect_download() as download:
            page.click("a:has-text('PDF') >> nth=0")
        assert download.value.suggested_filename.endswith(".pdf")

    with time_machine.travel(datetime(2027, 9, 1, 10, tzinfo=LA), tick=True):
        page = j.visit("/me/ce/", "ce")
        page.select_option("#id_kind", "conference")
        page.fill("#id_title", "Learning Leaders Summit")
        page.fill("#id_date", "2027-08-20")
        page.fill("#id_hours", "4.5")
        submit(page)
        expect(page.locator("body")).to_contain_text("Logged.")
        from recertification.models import CEActivity

        ce_activity_review(activity=CEActivity.objects.get(), by=UserFactory(is_staff=True), approve=True)
        page = j.visit("/me/ce/")
        page.click("button:has-text('Recertify now')")
        expect(page.locator("body")).to_contain_text("Recertified until")
        j.axe()
        j.shot("recertified")
