"""The program dashboard (issue #20): known data, each figure asserted on the page, the period's
edges in the program's time zone, and a fixed number of queries at two sizes."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from certificates.models import EmailBatch
from modules.models import Attempt
from modules.tests.factories import ModuleFactory, add_question
from practicums.models import Attendance, Registration
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.models import Enrollment
from recertification.models import CEActivity, Credential
from recertification.tests.factories import certification

from .conftest import NOW
from .dashboard_helpers import JANUARY, day, enrolled, text, url

pytestmark = pytest.mark.usefixtures("at_now")


@pytest.mark.django_db
def test_the_funnel_follows_januarys_cohort_with_conversion_and_median_days(staff_client):
    program = certification(home_time_zone="America/Los_Angeles")
    # The period's edges, in the program's zone: midnight January 1 to midnight February 1, Pacific.
    enrolled(program, datetime(2027, 1, 1, 7, 59, tzinfo=UTC))  # Dec 31, 23:59 Pacific: not January's
    enrolled(program, datetime(2027, 2, 1, 8, 0, tzinfo=UTC))  # Feb 1, 00:00 Pacific: not January's
    enrolled(program, datetime(2027, 1, 1, 8, 0, tzinfo=UTC))  # Jan 1, 00:00 Pacific: registered only
    enrolled(program, datetime(2027, 2, 1, 7, 59, tzinfo=UTC), opened_at=day(33))  # Jan 31, 23:59
    enrolled(program, day(5), opened_at=day(7), modules_passed_at=day(27))
    # Practicum attended, exam not (yet): the funnel keeps them at "attended".
    enrolled(program, day(10), opened_at=day(11), modules_passed_at=day(20), practicum_attended_at=day(40))
    enrolled(
        program,
        day(12),
        opened_at=day(13),
        modules_passed_at=day(30),
        practicum_attended_at=day(44),
        exam_passed_at=day(46),
        certified_at=day(46, hours=1),
    )
    # Attended before passing every module: not counted as attended until they pass them.
    enrolled(program, day(14), opened_at=day(15), practicum_attended_at=day(30))

    response = staff_client.get(url(program, **JANUARY))
    assert response.status_code == 200, response.content[:500]
    page = text(response)

    assert "January 1, 2027 to January 31, 2027" in page
    assert "America/Los_Angeles" in page
    # step, people, conversion, median days from the step before
    assert "Registered 6 — —" in page
    assert "Opened a module 5 83.3 % 1.0" in page  # after 1 day and a minute, 2, 1, 1 and 1
    assert "Passed every module 3 60.0 % 17.0" in page
    assert "Attended the practicum 2 66.7 % 17.0" in page
    assert "Passed the exam 1 50.0 % 2.0" in page
    assert "Certified 1 100.0 % 0.0" in page


def attempt(user, module, *, at, passed, answers=None):
    questions = list(module.assessment.questions.all())
    return Attempt.objects.create(
        user=user,
        assessment=module.assessment,
        number=Attempt.objects.filter(user=user).count() + 1,
        started_at=at - timedelta(minutes=30),
        submitted_at=at,
        state=Attempt.State.SUBMITTED,
        question_ids=[q.pk for q in questions],
        choice_order={},
        answers=answers or {},
        score_percent=Decimal(100 if passed else 0),
        passed=passed,
    )


@pytest.mark.django_db
def test_registrations_fill_assessments_attendance_credentials_and_email_on_the_page(staff_client):
    program = certification(home_time_zone="America/Los_Angeles", ce_hours_required=Decimal(24))
    for d in (1, 2, 9, 31):  # weeks of Dec 28 (two), Jan 4, and Jan 25 (the 31st, a Sunday)
        enrolled(program, day(d, hours=12))
    # Fill: upcoming practicums (not a CE event, not one that has started).
    soon = PracticumFactory(
        program=program,
        title="Spring practicum",
        capacity=4,
        starts_on=date(2027, 4, 5),
        ends_on=date(2027, 4, 8),
    )
    PracticumFactory(
        program=program,
        kind="ce_event",
        ce_kind="webinar",
        title="A webinar",
        starts_on=date(2027, 4, 1),
        ends_on=date(2027, 4, 1),
    )
    PracticumFactory(
        program=program, title="Last month's", starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 4)
    )
    for status in ("confirmed", "confirmed", "offered", "waitlisted", "cancelled"):
        Registration.objects.create(
            user=(u := UserFactory()), practicum=soon, status=status, enrollment=enrolled(program, day(60))
        )
        del u
    # Assessments in January: module A, two people: one passed at the second try; module B, no one.
    module_a = ModuleFactory(program=program, title="Module A", order=1)
    ModuleFactory(program=program, title="Module B", order=2)
    hard = add_question(module_a.assessment, "single", [("right", True), ("wrong", False)], "The hard one?")
    easy = add_question(module_a.assessment, "single", [("right", True), ("wrong", False)], "The easy one?")
    right = {str(q.pk): [q.choices.get(is_correct=True).pk] for q in (hard, easy)}
    wrong_hard = {**right, str(hard.pk): [hard.choices.get(is_correct=False).pk]}
    ana, bo = UserFactory(), UserFactory()
    attempt(ana, module_a, at=day(3), passed=False, answers=wrong_hard)
    attempt(ana, module_a, at=day(4), passed=True, answers=right)
    attempt(bo, module_a, at=day(5), passed=False, answers=wrong_hard)
    attempt(bo, module_a, at=day(40), passed=True, answers=right)  # February: not January's
    # Attendance in January: two sessions of a practicum with 4 confirmed places.
    held = PracticumFactory(
        program=program, title="January practicum", starts_on=date(2027, 1, 11), ends_on=date(2027, 1, 12)
    )
    people = [UserFactory() for _ in range(4)]
    for person in people:
        register(person, held)
    first = make_session(held, "Day 1", day(11, hours=9), day(11, hours=16))
    second = make_session(held, "Day 2", day(12, hours=9), day(12, hours=16))
    for person in people:
        Attendance.objects.create(user=person, session=first, recorded_at=day(11, hours=15))
    Attendance.objects.create(user=people[0], session=second, recorded_at=day(12, hours=15), source="staff")
    # Credentials as of March 15: active, expiring by June 13, lapsed; a renewed one counts once.
    holders = {}
    for name, until in (
        ("active", date(2028, 1, 1)),
        ("expiring", date(2027, 6, 1)),
        ("lapsed", date(2027, 3, 1)),
    ):
        holders[name] = Credential.objects.create(
            user=UserFactory(),
            program=program,
            number=name,
            valid_from=until - timedelta(days=730),
            valid_until=until,
        )
    old = holders["lapsed"]
    renewed = Credential.objects.create(
        user=UserFactory(),
        program=program,
        number="r",
        valid_from=date(2025, 1, 1),
        valid_until=date(2027, 1, 1),
    )
    Credential.objects.create(
        user=renewed.user,
        program=program,
        number="r",
        valid_from=date(2027, 1, 2),
        valid_until=date(2029, 1, 1),
        previous=renewed,
    )
    for credential, hours in ((holders["active"], "13"), (holders["expiring"], "30")):
        CEActivity.objects.create(
            user=credential.user,
            program=program,
            kind="conference",
            title="CE",
            date=date(2027, 1, 5),
            hours=Decimal(hours),
            status="approved",
        )
    CEActivity.objects.create(
        user=old.user,
        program=program,
        kind="conference",
        title="CE",
        date=date(2026, 1, 5),
        hours=Decimal(5),
        status="pending",
    )
    batch = EmailBatch.objects.create(run_for=date(2027, 3, 14), people=3, sent=2, refused=1, retried=2)
    EmailBatch.objects.filter(pk=batch.pk).update(
        started_at=NOW - timedelta(hours=19), finished_at=NOW - timedelta(hours=19) + timedelta(seconds=42)
    )

    page = text(staff_client.get(url(program, **JANUARY)))

    assert "Registrations a week" in page
    assert "Week of Registrations Dec 28, 2026 2 Jan 4, 2027 1" in page
    assert "Jan 25, 2027 1" in page
    assert "Spring practicum Apr 5 75 % 3 / 4 1" in page  # confirmed and offered take seats
    assert "A webinar" not in page
    assert "Last month's" not in page
    assert "Module A 50.0 % 2 1.50" in page  # ana passed (2 attempts), bo not in January (1)
    assert "Module B" not in page  # not attempted in January
    assert "The hard one? Module A 3 33.3 %" in page
    assert page.index("The hard one?") < page.index("The easy one?")
    assert "2 sessions held, 4 codes entered" in page
    assert "January practicum: Day 2" in page  # 1 of 4 present: unusually low
    assert "25 % 0 1 4" in page
    assert "2 active, 1 expiring within 90 days, 1 lapsed" in page  # the renewed holder is active
    assert "0–6 h 1 6–12 h 0 12–18 h 1 18–24 h 0 24 h or more 1" in page  # the lapsed one is not a holder
    assert "Mar 14 Mar 14, 16:00 Pacific 3 2 1 2 0 42 s" in page


@pytest.mark.django_db
def test_a_series_funnel_counts_each_seasons_set_and_on_demand_modules(staff_client):
    from modules.models import ModuleCompletion
    from practicums.models import SetCompletion
    from programs.tests.factories import SchoolYearFactory, SeasonFactory, SeriesFactory

    series = SeriesFactory(home_time_zone="America/Chicago")
    year = SchoolYearFactory(program=series, starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30))
    summer = SeasonFactory(school_year=year, name="Summer", order=1)
    SeasonFactory(school_year=year, name="Fall", order=2)  # no module, no set: listed all the same
    summer_set = PracticumFactory(program=series, kind="live_set", season=summer)
    on_demand = [
        ModuleFactory(program=series, season=summer, school_year=year, is_on_demand=True) for _ in range(2)
    ]
    people = [
        Enrollment.objects.create(
            user=UserFactory(), program=series, school_year=year, registered_at=day(d), access_opens_at=day(d)
        ).user
        for d in (2, 3, 4)
    ]
    SetCompletion.objects.create(
        user=people[0], practicum=summer_set, completed_at=day(20), completed_on=date(2027, 1, 20)
    )
    for module in on_demand:
        ModuleCompletion.objects.create(
            user=people[0], module=module, completed_at=day(21), completed_on=date(2027, 1, 21)
        )
    ModuleCompletion.objects.create(
        user=people[1], module=on_demand[0], completed_at=day(21), completed_on=date(2027, 1, 21)
    )

    page = text(staff_client.get(url(series, **JANUARY)))

    assert "Through the series, season by season" in page
    assert "Registered 3 —" in page
    assert "Summer: live-event set complete 1 33.3 %" in page
    assert "Summer: on-demand modules complete 1 33.3 %" in page  # the second did one of two
    assert "Fall: live-event set complete 0 0.0 %" in page
    assert "Fall: on-demand modules complete 0 0.0 %" in page


def queries(client, program) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(program, **JANUARY)).status_code == 200
    return len(captured)


def grow(program, n: int) -> None:
    """n more people in January, each through every step, with attempts, attendance, credentials."""
    module = program.modules.first()
    practicum = program.practicums.filter(kind="practicum").first()
    session = practicum.sessions.first()
    for i in range(n):
        enrollment = enrolled(
            program,
            day(2 + i % 20),
            opened_at=day(3),
            modules_passed_at=day(5),
            practicum_attended_at=day(6),
            exam_passed_at=day(7),
            certified_at=day(7),
        )
        register(enrollment.user, practicum)
        attempt(enrollment.user, module, at=day(4), passed=True)
        Attendance.objects.create(user=enrollment.user, session=session, recorded_at=day(11, hours=10))
        credential = Credential.objects.create(
            user=enrollment.user,
            program=program,
            number=str(i),
            valid_from=date(2027, 1, 7),
            valid_until=date(2029, 1, 6),
        )
        CEActivity.objects.create(
            user=credential.user,
            program=program,
            kind="conference",
            title="CE",
            date=date(2027, 2, 5),
            hours=Decimal(i % 30),
            status="approved",
        )
        EmailBatch.objects.create(run_for=date(2027, 1, 1) + timedelta(days=i), people=1, sent=1)


@pytest.mark.django_db
def test_the_page_asks_a_fixed_number_of_queries_whatever_the_data(staff_client):
    program = certification(home_time_zone="America/Los_Angeles")
    for i in range(3):
        module = ModuleFactory(program=program, order=i)
        add_question(module.assessment, "single", [("right", True), ("wrong", False)])
    practicum = PracticumFactory(program=program, starts_on=date(2027, 1, 11), ends_on=date(2027, 1, 12))
    for d in (11, 12):
        make_session(practicum, f"Day {d}", day(d, hours=9), day(d, hours=16))
    PracticumFactory(program=program, starts_on=date(2027, 4, 5), ends_on=date(2027, 4, 6))
    grow(program, 2)
    queries(staff_client, program)  # the first request of a session also reads its user
    small = queries(staff_client, program)
    grow(program, 25)
    assert queries(staff_client, program) == small
