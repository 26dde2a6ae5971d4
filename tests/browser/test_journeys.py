"""Whole journeys in a real browser (see conftest.py): a teacher in the series, a candidate for
the certification, and a staff admin."""

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
from practicums.tests.factories import PracticumFactory, TrackGroupFactory, make_session
from programs.tests.factories import SchoolYearFactory, SeasonFactory
from tests.browser.conftest import totp_now

LA = ZoneInfo("America/Los_Angeles")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def submit(page) -> None:
    page.click("main form.form button[type=submit]")


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
        assert "You are registered for Foundations for Implementation" in page.content()
        j.axe()
        j.shot("dashboard")

    for session in sessions:
        with time_machine.travel(session.ends_at - timedelta(minutes=5), tick=True):
            page = j.visit("/attendance/")
            expect(page.locator("main")).to_contain_text("Open now (code accepted until")
            page.fill("#id_code", Session.objects.get(pk=session.pk).code.lower())
            submit(page)
            assert "You are checked in" in page.content()
    j.axe()
    j.shot("attendance")
    assert "You have attended every session" in page.content()

    with time_machine.travel(sessions[1].ends_at + timedelta(minutes=30), tick=True):
        page = j.visit(f"/modules/{module.pk}/", "module")
        page.click("text=Take the assessment")
        page.click("button:has-text('Start attempt')")
        j.axe()
        j.shot("assessment")
        page.check(f"#c{question.choices.get(is_correct=True).pk}")
        page.click("button[value=submit]")
        assert "You passed" in page.content()
        j.axe()

    evening = datetime(2027, 7, 20, 20, 0, tzinfo=LA)
    with time_machine.travel(evening, tick=True):
        mail.outbox.clear()
        nightly_batch.apply()
        [message] = [m for m in mail.outbox if m.to == ["teacher@example.org"]]
        assert len(message.attachments) == 2  # both certificates, the same evening, one email
        page = j.visit("/me/certificates/", "my-certificates")
        assert "Instructional Module 1" in page.content()
        assert "Virtual Sessions 1–2" in page.content()

        page = j.visit("/me/record/", "record")
        page.emulate_media(media="print")
        j.shot("record-print")
        page.emulate_media(media="screen")
        page.fill("#id_label", "for my principal")
        page.check("#id_expiry_3")  # "Until a date": the day the teacher picks is the day shown
        page.fill("#id_expires_on", "2027-08-15")
        page.click("form[action*='/me/record/links/'] button[type=submit]")
        expect(page.locator(".links-table, table").first).to_contain_text("Aug 15, 2027")
        link = page.locator(".link-box").input_value()
        assert "/records/" in link
        j.axe()

        principal = journey("-principal")
        shared = principal.visit(link.replace(j.base, ""), "shared-record")
        assert "Taylor Teacher" in shared.content()
        assert "teacher@example.org" not in shared.content()
        expect(shared.locator(".shared-terms")).to_contain_text("Record as of July 20, 2027")
        expect(shared.locator(".shared-terms")).to_contain_text("works until the end of August 15, 2027")
        with shared.expect_download() as download:
            shared.click("text=download >> nth=0")
        assert download.value.suggested_filename.startswith("certificate-")
        shared.click("text=verify >> nth=0")
        assert "Valid." in shared.content()
        principal.axe()
        principal.shot("verify")

        page = j.go("/me/record/")
        page.click("form[action*='/revoke/'] button")
        assert "no longer works" in page.content()
        shared.goto(link)
        assert "This link no longer works" in shared.content()
        principal.shot("revoked")
    assert teacher.pk


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
        body = mail.outbox[-1].body
        confirm = re.search(r"http://[^\s]+/accounts/confirm-email/[^\s]+/", body).group(0)
        page.goto(confirm)
        j.axe()
        page.click("main form button[type=submit]")
        j.email = "casey@example.org"  # verifying logged the candidate in
        page = j.visit(f"/programs/{program.slug}/register/", "register")
        expect(page.locator("main form")).not_to_contain_text(webinar.title)
        assert page.locator(f"#practicum-{webinar.pk}").count() == 0
        page.check(f"#practicum-{practicum.pk}")
        submit(page)
        page = j.visit("/me/", "dashboard-registered")
        expect(page.locator("main")).to_contain_text("Your modules open on Tuesday, January 12")
        page = j.visit(f"/modules/{module.pk}/", "module-closed")
        assert "Your modules open on" in page.content()
        assert (
            "Tuesday, January 12, 2027" in page.content()
        )  # two business days after a Friday (a holiday Monday? no: Jan 11 is a Monday)

    with time_machine.travel(datetime(2027, 1, 12, 9, tzinfo=LA), tick=True):
        page = j.visit(f"/modules/{module.pk}/", "module-open")
        page.click("text=Take the assessment")
        page.click("button:has-text('Start attempt')")
        page.check(f"#c{question.choices.get(is_correct=False).pk}")
        page.click("button[value=submit]")
        assert "Not passed this time" in page.content()
        j.axe()
        j.shot("failed-attempt")
        page.click("a:has-text('Try again')")
        page.click("button:has-text('Start attempt')")
        page.check(f"#c{question.choices.get(is_correct=True).pk}")
        page.click("button[value=submit]")
        assert "You passed" in page.content()

    for day in days:
        with time_machine.travel(day.ends_at - timedelta(minutes=10), tick=True):
            page = j.visit("/attendance/")
            expect(page.locator("main")).to_contain_text("Open now")
            page.fill("#id_code", Session.objects.get(pk=day.pk).code)
            submit(page)
            assert "You are checked in" in page.content()

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
        assert "Your certification exam is open" in page.content()
        page = j.go(link)
        j.axe()
        page.click("button:has-text('Start the exam')")
        page.check(f"#c{exam_question.choices.get(is_correct=True).pk}")
        j.shot("exam")
        page.click("button[value=submit]")
        assert "You passed the exam" in page.content()

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
        assert "Logged." in page.content()
        from recertification.models import CEActivity

        ce_activity_review(activity=CEActivity.objects.get(), by=UserFactory(is_staff=True), approve=True)
        page = j.visit("/me/ce/")
        page.click("button:has-text('Recertify now')")
        assert "Recertified until" in page.content()
        j.axe()
        j.shot("recertified")


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
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    from practicums.models import Practicum

    practicum = Practicum.objects.get(title="Practicum — Chicago, April 2026")
    assert practicum.sessions.count() == 2
    register(learner, practicum)
    page = j.go(f"/admin/practicums/practicum/{practicum.pk}/attendance/")
    j.shot("admin-roster")
    page.fill("td form.correction >> nth=0 >> input[name=reason]", "Signed the paper sheet")
    page.click("td form.correction >> nth=0 >> button")
    page.wait_for_selector(".messagelist")
    assert "✓ present" in page.content()
    assert "Signed the paper sheet" in page.content()
    page = j.go("/admin/certificates/certificate/")
    page.check(f"input[name=_selected_action][value='{certificate.pk}']")
    page.select_option("select[name=action]", "resend")
    page.click("button[name=index]")
    assert "Queued for sending." in page.locator(".messagelist").inner_text()
    j.shot("admin-resend")
    assert any(m.to == [learner.email] for m in mail.outbox)


def test_the_accessibility_check_catches_a_real_violation(journey):
    """The axe check is not a formality: a page with an unlabeled input and no contrast fails it."""
    j = journey()
    j.page.set_content(
        '<html lang="en"><body><main><input type="text"><p style="color:#ccc;background:#fff">faint</p></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"label|color-contrast"):
        j.axe()


def test_public_and_profile_pages_are_accessible(journey):
    """axe-core on the pages the journeys do not pass through."""
    from programs.models import RecordedWebinar
    from programs.tests.factories import FAQFactory, InstructorFactory, ProgramFactory

    program = ProgramFactory(title="Certified Learning Practitioner", slug="clp")
    FAQFactory.create_batch(2, program=program)
    InstructorFactory(name="Morgan Ellis").programs.add(program)
    practicum = PracticumFactory(program=program, title="Practicum — Denver")
    make_session(practicum, "Day 1", datetime(2027, 3, 9, 16, tzinfo=LA), datetime(2027, 3, 9, 23, tzinfo=LA))
    RecordedWebinar.objects.create(
        program=program,
        title="Designing assessments",
        recorded_on=date(2026, 9, 1),
        url="https://example.org/w",
    )
    UserFactory(email="reader@example.org")
    j = journey()
    for path, name in [("/", "home"), ("/programs/", "catalog"), (f"/programs/{program.slug}/", "program"), ("/practicums/", "schedule"),
                       (f"/practicums/{practicum.pk}/", "practicum"), ("/instructors/", "instructors"), ("/webinars/", "webinars"),
                       ("/contact/", "contact"), (f"/programs/{program.slug}/guide/", "guide"), ("/verify/", "verify-form"),
                       ("/accounts/password/reset/", "password-reset")]:  # fmt: skip
        j.visit(path, name)
    j.go("/accounts/login/")
    j.log_in("reader@example.org")
    j.visit("/me/profile/", "profile")
    j.visit("/me/calendar/", "calendar")
    assert len(j.checked) == 13
