import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.test import TestCase

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.services import certificate_issue
from modules.models import AidSubmission
from modules.services import attempt_start, attempt_submit, lesson_mark_done, module_complete
from modules.tests.factories import JobAidFactory, LessonFactory, ModuleFactory, add_question, enroll
from practicums.services import attendance_record
from practicums.tests.factories import PracticumFactory, TrackGroupFactory, make_session, register
from programs.tests.factories import ProgramFactory, SchoolYearFactory, SeasonFactory

UTC = ZoneInfo("UTC")
_people = itertools.count()


def issue(
    user=None,
    program=None,
    *,
    key="module:1",
    title="Writing learning objectives",
    earned_on=date(2026, 11, 20),
    hours="3",
    rendered=True,
):
    """A certificate issued as a completion issues it; `rendered`: its PDF task has run (eagerly,
    as the issuing transaction's commit runs it), otherwise it is still being prepared."""
    user, program = user or UserFactory(), program or ProgramFactory(title="Certified Learning Practitioner")
    with TestCase.captureOnCommitCallbacks(execute=rendered):
        certificate = certificate_issue(
            user=user,
            program=program,
            kind=Certificate.Kind.MODULE,
            source_key=key,
            title=title,
            hours=Decimal(hours),
            earned_on=earned_on,
        )
    certificate.refresh_from_db()
    return certificate


def build_person(n_modules: int = 2, n_sessions: int = 3, django_capture_on_commit_callbacks=None):
    """A teacher in a series (a summer set attended in full, on-demand modules, one done) and a
    candidate-style program with a practicum — enough to exercise every part of the record."""
    number = next(_people)
    user = UserFactory(full_name="Taylor Teacher", email=f"taylor.private{number or ''}@example.org")
    year = SchoolYearFactory(name="2027–28", program__slug=f"series-{number}")
    series = year.program
    summer = SeasonFactory(school_year=year, name="Summer", order=0)
    fall = SeasonFactory(school_year=year, name="Fall", order=1)
    group = TrackGroupFactory(program=series, season=summer, name="Summer live events")
    virtual = PracticumFactory(
        program=series, season=summer, group=group, title="Virtual Sessions 1–6", format="virtual"
    )
    enroll(user, series)
    register(user, virtual)
    start = datetime(2026, 7, 13, 22, 30, tzinfo=UTC)
    sessions = [
        make_session(
            virtual,
            f"Virtual Session {i + 1}",
            start + timedelta(weeks=i),
            start + timedelta(weeks=i, hours=2),
        )
        for i in range(n_sessions)
    ]
    for session in sessions:
        attendance_record(user=user, code=session.code, now=session.ends_at)
    modules = []
    for i in range(n_modules):
        module = ModuleFactory(
            program=series,
            season=summer if i % 2 == 0 else fall,
            title=f"Instructional Module {i + 1}",
            is_on_demand=True,
        )
        add_question(
            module.assessment, "single", [("right", True), ("wrong", False)], "Secret question text?"
        )
        LessonFactory(module=module, title=f"Lesson of module {i + 1}")
        JobAidFactory(module=module, title=f"Aid of module {i + 1}")
        modules.append(module)
    first = modules[0]
    lesson_mark_done(user=user, lesson=first.lessons.first())
    AidSubmission.objects.create(
        user=user,
        job_aid=first.job_aids.first(),
        file="uploads/x.pdf",
        original_name="my-private-notes.pdf",
        content_type="application/pdf",
        size=10,
    )
    attempt = attempt_start(user=user, assessment=first.assessment)
    q = first.assessment.questions.first()
    attempt_submit(attempt=attempt, answers={str(q.pk): [str(q.choices.get(is_correct=True).pk)]})
    module_complete(user=user, module=first)
    return user, series, modules


def record_details(html: str) -> dict[str, bool]:
    """Each record item's title and whether its <details> is open."""
    found = {}
    for chunk in html.split('<li class="record-item">')[1:]:
        title = chunk.split("<strong>", 1)[1].split("</strong>", 1)[0]
        found[title] = chunk.lstrip().startswith("<details open>")
    return found
