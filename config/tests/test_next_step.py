"""The dashboard's "Next" at every stage of a certification and a series, and when things go
wrong. Each scenario builds a person with factories at NOW (Wednesday, March 10, 2027, 11:00 in
Denver, where the practicums are)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from config.next_step import ACTION, GOOD, INFO, PROBLEM, WARNING, enrollment_facts, next_step
from modules.models import Attempt, ModuleCompletion
from modules.tests.factories import AssessmentFactory, LessonFactory, ModuleFactory
from practicums.models import Attendance, Registration
from practicums.tests.factories import PracticumFactory, make_session
from programs.models import Enrollment
from programs.tests.factories import ProgramFactory, SeriesFactory
from recertification.models import Credential, Exam, ExamInvitation

UTC = ZoneInfo("UTC")
DENVER = ZoneInfo("America/Denver")
NOW = datetime(2027, 3, 10, 11, 0, tzinfo=DENVER)
TODAY = date(2027, 3, 10)


class Person:
    """A candidate or participant being built: one enrollment in one program."""

    def __init__(self, program, *, access_in_days: int = -30, modules: int = 3, passed: int = 0):
        self.program = program
        self.user = UserFactory()
        self.enrollment = Enrollment.objects.create(
            user=self.user, program=program, registered_at=NOW - timedelta(days=40),
            access_opens_at=NOW + timedelta(days=access_in_days),
        )  # fmt: skip
        self.modules = [
            ModuleFactory(program=program, title=f"Module {i + 1}", order=i) for i in range(modules)
        ]
        for module in self.modules[:passed]:
            ModuleCompletion.objects.create(
                user=self.user, module=module, completed_at=NOW, completed_on=TODAY
            )

    def register(
        self, *, starts_in_days: int = 30, days: int = 3, status="confirmed", sessions=True, **kwargs
    ):
        """A practicum (or a series' set) in Denver, one 08:00–16:00 session a day."""
        start = TODAY + timedelta(days=starts_in_days)
        practicum = PracticumFactory(
            program=self.program, title=kwargs.pop("title", "Spring practicum"), starts_on=start,
            ends_on=start + timedelta(days=days - 1), time_zone="America/Denver", **kwargs,
        )  # fmt: skip
        Registration.objects.create(
            user=self.user, practicum=practicum, enrollment=self.enrollment, status=status,
            offer_expires_at=NOW + timedelta(hours=48) if status == "offered" else None,
        )  # fmt: skip
        self.sessions = []
        if sessions:
            for day in range(days):
                on = start + timedelta(days=day)
                self.sessions.append(
                    make_session(
                        practicum,
                        f"Day {day + 1}",
                        datetime(on.year, on.month, on.day, 8, tzinfo=DENVER),
                        datetime(on.year, on.month, on.day, 16, tzinfo=DENVER),
                    )
                )
        self.practicum = practicum
        return self

    def attend(self, *numbers: int):
        for n in numbers:
            Attendance.objects.create(user=self.user, session=self.sessions[n - 1], recorded_at=NOW)
        return self

    def invite(
        self, *, expires_in_days: int = 20, max_attempts: int = 3, wait_minutes: int = 0, failed: int = 0
    ):
        assessment = AssessmentFactory(max_attempts=max_attempts, wait_minutes=wait_minutes)
        exam = Exam.objects.create(program=self.program, assessment=assessment)
        self.invitation = ExamInvitation.objects.create(
            user=self.user, exam=exam, practicum=self.practicum, issued_at=NOW - timedelta(days=1),
            expires_at=NOW + timedelta(days=expires_in_days),
        )  # fmt: skip
        for n in range(1, failed + 1):
            Attempt.objects.create(
                user=self.user, assessment=assessment, number=n, state="submitted",
                started_at=NOW - timedelta(hours=3), submitted_at=NOW - timedelta(hours=2),
                question_ids=[], choice_order={}, passed=False,
            )  # fmt: skip
        return self

    def certify(self, *, valid_until: date):
        Credential.objects.create(
            user=self.user, program=self.program, number="CLP-1",
            valid_from=valid_until - timedelta(days=730), valid_until=valid_until,
        )  # fmt: skip
        return self

    def step(self):
        [facts] = enrollment_facts(user=self.user, now=NOW)
        return next_step(facts, now=NOW)


def certification():
    return ProgramFactory(title="Certified Learning Practitioner", ce_hours_required=Decimal(24))


def series():
    return SeriesFactory(title="Foundations")


SCENARIOS = {
    # Certification, in order.
    "access not open": (
        lambda: Person(certification(), access_in_days=2).register(),
        "Your modules open on Friday, March 12",
        INFO,
    ),
    "no practicum chosen": (lambda: Person(certification()), "Choose your practicum", ACTION),
    "on the waitlist": (
        lambda: Person(certification()).register(status="waitlisted"),
        "You are on the waitlist for Spring practicum",
        INFO,
    ),
    "a seat offered": (
        lambda: Person(certification()).register(status="offered"),
        "A seat in Spring practicum is yours if you confirm it",
        ACTION,
    ),
    "modules to do, on pace": (
        lambda: Person(certification(), passed=2).register(starts_in_days=30),
        "Continue with Module 3",
        ACTION,
    ),
    "modules to do, behind pace": (
        lambda: Person(certification(), passed=0).register(starts_in_days=3),
        "Continue with Module 1",
        WARNING,
    ),
    "modules done, practicum ahead": (
        lambda: Person(certification(), passed=3).register(starts_in_days=30),
        "Your practicum starts on Friday, April 9",
        GOOD,
    ),
    "practicum day, code open": (
        lambda: Person(certification(), passed=3).register(starts_in_days=0),
        "Enter the attendance code for Day 1",
        ACTION,
    ),
    "practicum under way": (
        lambda: Person(certification(), passed=3).register(starts_in_days=-1).attend(1).attend(2),
        "Your practicum is under way: next, Day 3",
        INFO,
    ),
    "a practicum day missed": (
        lambda: Person(certification(), passed=3).register(starts_in_days=-3).attend(1, 3),
        "You missed Day 2 of Spring practicum",
        PROBLEM,
    ),
    "practicum attended, exam link coming": (
        lambda: Person(certification(), passed=3).register(starts_in_days=-3).attend(1, 2, 3),
        "Your exam link is on its way",
        INFO,
    ),
    "exam open": (
        lambda: Person(certification(), passed=3).register(starts_in_days=-3).attend(1, 2, 3).invite(),
        "Take your certification exam",
        ACTION,
    ),
    "exam failed, attempts left": (
        lambda: (
            Person(certification(), passed=3).register(starts_in_days=-3).attend(1, 2, 3).invite(failed=1)
        ),
        "Take the exam again",
        WARNING,
    ),
    "exam failed, waiting to retake": (
        lambda: (
            Person(certification(), passed=3)
            .register(starts_in_days=-3)
            .attend(1, 2, 3)
            .invite(failed=1, wait_minutes=24 * 60)
        ),
        "Your next exam attempt opens on Thursday, March 11 at 08:00",
        WARNING,
    ),
    "exam attempts used up": (
        lambda: (
            Person(certification(), passed=3)
            .register(starts_in_days=-3)
            .attend(1, 2, 3)
            .invite(failed=3, max_attempts=3)
        ),
        "You have used all your exam attempts",
        PROBLEM,
    ),
    "exam link expired": (
        lambda: (
            Person(certification(), passed=3)
            .register(starts_in_days=-40)
            .attend(1, 2, 3)
            .invite(expires_in_days=-2)
        ),
        "Your exam link expired on March 8, 2027",
        PROBLEM,
    ),
    "exam open, a day missed": (
        lambda: Person(certification(), passed=3).register(starts_in_days=-3).attend(1, 2).invite(),
        "Before the exam: you missed Day 3 of your practicum",
        PROBLEM,
    ),
    "certified": (
        lambda: (
            Person(certification(), passed=3)
            .register(starts_in_days=-60)
            .certify(valid_until=date(2029, 1, 8))
        ),
        "Certified until January 8, 2029",
        GOOD,
    ),
    "certification expiring": (
        lambda: (
            Person(certification(), passed=3)
            .register(starts_in_days=-700)
            .certify(valid_until=date(2027, 4, 30))
        ),
        "Your certification expires on April 30, 2027",
        WARNING,
    ),
    "certification lapsed": (
        lambda: (
            Person(certification(), passed=3)
            .register(starts_in_days=-800)
            .certify(valid_until=date(2027, 1, 31))
        ),
        "Your certification lapsed on January 31, 2027",
        PROBLEM,
    ),
    # Series.
    "series, access not open": (
        lambda: Person(series(), access_in_days=3),
        "Your modules open on Saturday, March 13",
        INFO,
    ),
    "series, next live event": (
        lambda: Person(series()).register(starts_in_days=5, days=2, title="Virtual Sessions 7 & 8"),
        "Attend Virtual Sessions 7 & 8, Day 1",
        INFO,
    ),
    "series, next live event before access opens": (
        lambda: Person(series(), access_in_days=20).register(starts_in_days=5, days=1, title="Day 4"),
        "Attend Day 4, Day 1",
        INFO,
    ),
    "series, live event not scheduled yet": (
        lambda: Person(series()).register(starts_in_days=5, days=1, title="Day 4", sessions=False),
        "Attend Day 4",
        INFO,
    ),
    "series, a session on now": (
        lambda: Person(series()).register(starts_in_days=0, days=1, title="Day 4"),
        "Enter the attendance code for Day 4, Day 1",
        ACTION,
    ),
    "series, a session missed": (
        lambda: Person(series()).register(starts_in_days=-2, days=2, title="Days 1–2").attend(2),
        "You missed Day 1 of Days 1–2",
        WARNING,
    ),
    "series, modules left": (
        lambda: Person(series(), passed=1).register(starts_in_days=-2, days=1, title="Day 4").attend(1),
        "Continue with Module 2",
        ACTION,
    ),
    "series, all done": (
        lambda: Person(series(), passed=3).register(starts_in_days=-2, days=1, title="Day 4").attend(1),
        "All done for now",
        GOOD,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_next_step_at_every_stage(name):
    build, headline, tone = SCENARIOS[name]
    step = build().step()
    assert (step.headline, step.tone) == (headline, tone)


@pytest.mark.django_db
def test_next_module_step_links_the_module_and_says_the_deadline():
    person = Person(certification(), passed=2).register(starts_in_days=30)
    step = person.step()
    assert step.link == reverse("modules:detail", args=[person.modules[2].pk])
    assert step.text == "2 of 3 modules complete, finish them before your practicum starts on April 9, 2027."


@pytest.mark.django_db
def test_missed_practicum_day_says_what_now_and_links_staff():
    step = Person(certification(), passed=3).register(starts_in_days=-3).attend(1, 3).step()
    assert step.text == (
        "Every scheduled hour of the practicum counts toward the certification. If you were there, ask "
        "our staff to correct your attendance; if not, ask them to move you to a later practicum."
    )
    assert (step.link, step.link_text) == (reverse("programs:contact"), "Contact our staff")


@pytest.mark.django_db
def test_open_code_step_says_until_when():
    step = Person(certification(), passed=3).register(starts_in_days=0).step()
    assert step.text == (
        "Your instructor shows it at the end of the session; "
        "it is accepted until Wednesday, March 10 at 18:00 (America/Denver)."
    )
    assert step.link == reverse("practicums:attendance")


@pytest.mark.django_db
def test_exam_step_links_the_invitation():
    person = Person(certification(), passed=3).register(starts_in_days=-3).attend(1, 2, 3).invite()
    step = person.step()
    assert (step.link, step.text) == (
        person.invitation.get_absolute_url(),
        "The link works until March 30, 2027.",
    )


@pytest.mark.django_db
def test_certified_step_shows_ce_progress():
    step = (
        Person(certification(), passed=3)
        .register(starts_in_days=-60)
        .certify(valid_until=date(2029, 1, 8))
        .step()
    )
    assert step.text == "0 of 24 continuing-education hours logged toward recertification."
    assert step.link == reverse("recertification:ce")


# --- The dashboard itself ------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_after_certification_says_certified_not_practicum_and_bars_are_full(client):
    person = (
        Person(certification(), passed=3).register(starts_in_days=-60).certify(valid_until=date(2029, 1, 8))
    )
    for module in person.modules:  # passed by the assessment, lessons not opened
        LessonFactory.create_batch(3, module=module)
    with time_machine.travel(NOW, tick=False):
        client.force_login(person.user)
        html = client.get(reverse("dashboard")).content.decode()
    assert "Next: Certified until" in html
    assert "Your practicum starts on" not in html
    assert html.count('<progress value="100" max="100"') == 3
    assert reverse("practicums:move", args=[person.enrollment.registrations.get().pk]) not in html


@pytest.mark.django_db
def test_dashboard_offers_change_only_before_the_move_deadline(client):
    ahead = Person(certification()).register(starts_in_days=60)
    client.force_login(ahead.user)
    registration = ahead.enrollment.registrations.get()
    assert (
        reverse("practicums:move", args=[registration.pk])
        in client.get(reverse("dashboard")).content.decode()
    )


@pytest.mark.django_db
def test_dashboard_hides_change_for_a_completed_set(client):
    person = Person(series(), passed=3).register(starts_in_days=-2, days=1, title="Day 4").attend(1)
    with time_machine.travel(NOW, tick=False):
        client.force_login(person.user)
        html = client.get(reverse("dashboard")).content.decode()
    assert "Next: All done for now" in html
    assert reverse("practicums:move", args=[person.enrollment.registrations.get().pk]) not in html
