import io
import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from certificates.models import ShareLink
from certificates.services import share_link_create
from modules.models import AidSubmission
from modules.services import attempt_start, attempt_submit, lesson_mark_done, module_complete
from modules.tests.factories import JobAidFactory, LessonFactory, ModuleFactory, add_question, enroll
from practicums.services import attendance_record
from practicums.tests.factories import PracticumFactory, TrackGroupFactory, make_session, register
from programs.tests.factories import ProgramFactory, SchoolYearFactory, SeasonFactory

UTC = ZoneInfo("UTC")
_people = itertools.count()


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


@pytest.mark.django_db
def test_record_shows_sets_modules_activities_hours_and_certificates(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, series, modules = build_person()
    client.force_login(user)
    html = client.get(reverse("certificates:record")).content.decode()
    assert series.title in html
    assert "Summer 2027–28" in html
    assert "Fall 2027–28" in html
    assert html.index("Summer 2027–28") < html.index("Fall 2027–28")
    assert "Virtual Sessions 1–6" in html
    assert html.count("Virtual Session ") >= 3
    assert "Instructional Module 1" in html
    assert "Instructional Module 2" in html
    assert "best score 100%" in html
    assert "my-private-notes.pdf" in html  # the owner sees their own upload's name
    assert html.count("status-complete") == 2  # the set and the first module
    assert html.count("Certificate ") >= 2
    assert reverse("certificates:record_item", args=[f"module-{modules[0].pk}"]) in html


@pytest.mark.django_db
def test_single_item_print_view_and_pdf_of_the_record(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, _, modules = build_person()
    client.force_login(user)
    html = client.get(reverse("certificates:record_item", args=[f"module-{modules[0].pk}"])).content.decode()
    assert "<h1>Instructional Module 1</h1>" in html
    assert "Lesson: Lesson of module 1" in html
    assert client.get(reverse("certificates:record_item", args=["module-999999"])).status_code == 404
    response = client.get(reverse("certificates:record_pdf"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    for expected in (
        "Taylor Teacher",
        "Professional-learning record",
        "Virtual Sessions 1–6",
        "Instructional Module 1",
    ):
        assert expected in text


@pytest.mark.django_db
def test_shared_link_opens_without_login_with_headers_and_no_private_fields(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, series, _ = build_person()
    link, token = share_link_create(
        user=user, label="for my principal", valid_through=datetime.now(UTC).date() + timedelta(days=7), program_ids=[]
    )
    response = client.get(reverse("certificates:shared_record", args=[token]))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Taylor Teacher" in html
    assert series.title in html
    for private in (
        "taylor.private@example.org",
        "my-private-notes.pdf",
        "Secret question text?",
        "for my principal",
    ):
        assert private not in html
    assert "handed in" in html
    link.refresh_from_db()
    assert link.open_count == 1
    assert link.last_opened_at is not None
    assert len(token) >= 32
    assert link.token_hash != token  # only a fingerprint is stored


@pytest.mark.django_db
def test_shared_certificate_download_and_foreign_one_404(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, _, _ = build_person()
        other, _, _ = build_person()
    _, token = share_link_create(
        user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), program_ids=[]
    )
    mine = user.certificates.first()
    response = client.get(reverse("certificates:shared_certificate", args=[token, mine.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    theirs = other.certificates.first()
    assert client.get(reverse("certificates:shared_certificate", args=[token, theirs.pk])).status_code == 404


@pytest.mark.django_db
def test_link_limited_to_chosen_programs(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, series, _ = build_person()
    other = ProgramFactory(title="Another Program")
    enroll(user, other)
    _, token = share_link_create(
        user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), program_ids=[other.pk]
    )
    html = client.get(reverse("certificates:shared_record", args=[token])).content.decode()
    assert "Another Program" in html
    assert series.title not in html


@pytest.mark.django_db
def test_expired_revoked_and_unknown_links(client):
    user = UserFactory(time_zone="UTC")
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC)):
        _, token = share_link_create(user=user, label="", valid_through=date(2026, 12, 31), program_ids=[])
    with time_machine.travel(datetime(2026, 12, 31, tzinfo=UTC)):
        assert client.get(reverse("certificates:shared_record", args=[token])).status_code == 200
    with time_machine.travel(datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC)):
        response = client.get(reverse("certificates:shared_record", args=[token]))
        assert response.status_code == 410
        assert "It has expired." in response.content.decode()
    link2, token2 = share_link_create(
        user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), program_ids=[]
    )
    client.force_login(user)
    client.post(reverse("certificates:link_revoke", args=[link2.pk]))
    response = client.get(reverse("certificates:shared_record", args=[token2]))
    assert response.status_code == 410
    assert "withdrawn it" in response.content.decode()
    response = client.get(reverse("certificates:shared_record", args=["made-up-token"]))
    assert response.status_code == 404
    assert "This link does not exist" in response.content.decode()


@pytest.mark.django_db
def test_guessing_tokens_is_rate_limited(client):
    statuses = [
        client.get(reverse("certificates:shared_record", args=[f"guess-{i}"])).status_code for i in range(62)
    ]
    assert statuses[:60] == [404] * 60
    assert statuses[-1] == 429


@pytest.mark.django_db
def test_create_link_with_email_and_someone_elses_link_is_404(client, django_capture_on_commit_callbacks):
    user = UserFactory(full_name="Taylor Teacher")
    program = ProgramFactory()
    enroll(user, program)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:link_create"),
            {
                "label": "principal",
                "expiry": "30",
                "email_to": "principal@school.example",
                "note": "Here is my record.",
            },
        )
    assert response.status_code == 302
    html = client.get(reverse("certificates:record")).content.decode()
    assert "Your new link" in html
    url = mail.outbox[0].body.split("\n\n")[2].strip()
    assert "/records/" in url
    assert "Here is my record." in mail.outbox[0].body
    assert mail.outbox[0].to == ["principal@school.example"]
    assert client.get(url.split("testserver", 1)[1]).status_code == 200
    link = ShareLink.objects.get()
    client.force_login(UserFactory())
    assert client.post(reverse("certificates:link_revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.django_db
def test_link_form_bad_input_shows_errors_and_creates_nothing(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("certificates:link_create"), {"expiry": "date", "expires_on": "2001-01-01", "note": "hi"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a day after today." in html
    assert "Enter the address your message should go to." in html
    assert not ShareLink.objects.exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_record_and_shared_page_constant_queries(client, django_capture_on_commit_callbacks):
    counts = []
    for modules, sessions in ((1, 1), (20, 12)):
        with django_capture_on_commit_callbacks(execute=True):
            user, _, _ = build_person(n_modules=modules, n_sessions=sessions)
        _, token = share_link_create(
            user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), program_ids=[]
        )
        client.force_login(user)
        own = _queries(client, reverse("certificates:record"))
        client.logout()
        shared = _queries(client, reverse("certificates:shared_record", args=[token]))
        counts.append((own, shared))
    assert counts[0] == counts[1]
    assert date.today()


@pytest.mark.django_db
def test_year_round_modules_come_after_the_seasons(client):
    user = UserFactory()
    year = SchoolYearFactory(name="2027–28")
    summer = SeasonFactory(school_year=year, name="Summer", order=0)
    enroll(user, year.program)
    ModuleFactory(program=year.program, season=None, title="Year-round module", is_on_demand=True)
    ModuleFactory(program=year.program, season=summer, title="Summer module", is_on_demand=True)
    client.force_login(user)
    html = client.get(reverse("certificates:record")).content.decode()
    assert html.index("Summer 2027–28") < html.index("Throughout the year")
