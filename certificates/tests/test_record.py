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
from modules.models import AidSubmission, Module
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
        user=user,
        label="for my principal",
        valid_through=datetime.now(UTC).date() + timedelta(days=7),
        program_ids=[],
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
        user=user,
        label="",
        valid_through=datetime.now(UTC).date() + timedelta(days=7),
        program_ids=[other.pk],
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
                "view": "completed",
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


LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.django_db
def test_until_a_date_link_works_through_the_chosen_day_in_the_owners_zone(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(full_name="Taylor Teacher", time_zone="America/Los_Angeles")
    enroll(user, ProgramFactory())
    client.force_login(user)
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=LA)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("certificates:link_create"),
                {
                    "expiry": "date",
                    "expires_on": "2026-12-15",
                    "view": "completed",
                    "email_to": "principal@school.example",
                },
            )
        assert response.status_code == 302
        record = client.get(reverse("certificates:record")).content.decode()
    link = ShareLink.objects.get()
    assert (link.valid_through, link.time_zone) == (date(2026, 12, 15), "America/Los_Angeles")
    assert link.expires_at == datetime(2026, 12, 16, 8, tzinfo=UTC)  # midnight after the 15th in LA
    assert "Dec 15, 2026" in record
    assert "Dec 16" not in record
    for body in (mail.outbox[0].body, mail.outbox[0].alternatives[0][0]):
        assert "December 15, 2026" in " ".join(body.split())
        assert "America/Los Angeles time" in body
    url = mail.outbox[0].body.split("\n\n")[2].strip().split("testserver", 1)[1]
    client.logout()
    with time_machine.travel(datetime(2026, 12, 15, 23, 59, 59, tzinfo=LA)):  # the last second
        shared = client.get(url)
        assert shared.status_code == 200
        html = " ".join(shared.content.decode().split())
        assert "Record as of <strong>December 15, 2026</strong>" in html
        assert "works until the end of <strong>December 15, 2026</strong> (America/Los Angeles time)" in html
    with time_machine.travel(datetime(2026, 12, 16, 0, 0, 0, tzinfo=LA)):  # the next second
        assert client.get(url).status_code == 410


@pytest.mark.django_db
def test_n_days_link_works_through_the_last_of_those_days():
    user = UserFactory(time_zone="Asia/Tokyo")
    with time_machine.travel(datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Asia/Tokyo"))):
        link, _ = share_link_create(user=user, label="", valid_through=date(2026, 12, 8), program_ids=[])
    assert link.expires_at == datetime(2026, 12, 9, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.mark.django_db
def test_existing_links_keep_their_last_day_when_migrated():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("certificates.migrations.0003_sharelink_valid_through_view_item")
    user = UserFactory(time_zone="America/Los_Angeles")
    chosen = ShareLink.objects.create(  # "Until December 15", as the old form stored it
        user=user, token_hash="a", valid_through=date(2000, 1, 1), time_zone="",
        expires_at=datetime(2026, 12, 16, 0, 0, tzinfo=LA),
    )  # fmt: skip
    days = ShareLink.objects.create(  # "7 days" from Dec 1, 14:30
        user=user, token_hash="b", valid_through=date(2000, 1, 1), time_zone="",
        expires_at=datetime(2026, 12, 8, 14, 30, tzinfo=LA),
    )  # fmt: skip
    migration.fill_days(apps, None)
    chosen.refresh_from_db()
    days.refresh_from_db()
    assert (chosen.valid_through, chosen.time_zone) == (date(2026, 12, 15), "America/Los_Angeles")
    assert chosen.expires_at == datetime(2026, 12, 16, 0, 0, tzinfo=LA)
    assert days.valid_through == date(2026, 12, 7)
    assert days.expires_at == datetime(2026, 12, 8, 0, 0, tzinfo=LA)  # never later than before


@pytest.mark.django_db
def test_link_for_a_day_in_the_past_is_refused_by_the_service():
    from django.core.exceptions import ValidationError

    user = UserFactory(time_zone="UTC")
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC)), pytest.raises(ValidationError):
        share_link_create(user=user, label="", valid_through=date(2026, 11, 30))
    assert not ShareLink.objects.exists()


def _details(html: str) -> dict[str, bool]:
    """Each record item's title and whether its <details> is open."""
    found = {}
    for chunk in html.split('<li class="record-item">')[1:]:
        title = chunk.split("<strong>", 1)[1].split("</strong>", 1)[0]
        found[title] = chunk.lstrip().startswith("<details open>")
    return found


@pytest.mark.django_db
def test_record_opens_started_items_first_and_folds_the_rest(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, series, modules = build_person(n_modules=2)
    summer = modules[0].season
    ModuleFactory(program=series, season=summer, order=1, title="Early unstarted module", is_on_demand=True)
    for n, module in enumerate(modules):
        Module.objects.filter(pk=module.pk).update(order=10 + n)
    client.force_login(user)
    html = client.get(reverse("certificates:record")).content.decode()
    assert _details(html) == {
        "Virtual Sessions 1–6": True,
        "Instructional Module 1": True,
        "Early unstarted module": False,
        "Instructional Module 2": False,
    }
    assert list(_details(html)) == [  # started first within the season, then not started
        "Virtual Sessions 1–6",
        "Instructional Module 1",
        "Early unstarted module",
        "Instructional Module 2",
    ]
    assert '<a href="/me/record/?view=completed">Completed only</a>' in html
    completed = client.get(reverse("certificates:record") + "?view=completed").content.decode()
    assert _details(completed) == {"Virtual Sessions 1–6": True, "Instructional Module 1": True}
    assert "Fall 2027–28" not in completed  # a season with nothing completed is left out


@pytest.mark.django_db
def test_shared_record_shows_the_links_default_view_and_the_other_on_request(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, _, _ = build_person(n_modules=2)
    _, token = share_link_create(
        user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), view="completed"
    )
    url = reverse("certificates:shared_record", args=[token])
    default = client.get(url).content.decode()
    assert _details(default) == {"Virtual Sessions 1–6": True, "Instructional Module 1": True}
    assert f'<a href="{url}?view=completed" aria-current="page">Completed only</a>' in default
    everything = client.get(url + "?view=all").content.decode()
    assert _details(everything) == {
        "Virtual Sessions 1–6": True,
        "Instructional Module 1": True,
        "Instructional Module 2": False,
    }
    assert _details(client.get(url).content.decode()) == _details(default)  # each view its own cache entry
    _, token_all = share_link_create(
        user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), view="all"
    )
    assert (
        "Instructional Module 2"
        in client.get(reverse("certificates:shared_record", args=[token_all])).content.decode()
    )


@pytest.mark.django_db
def test_print_no_longer_forces_folded_items_open():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
    script = (Path(settings.BASE_DIR) / "static/certificates/record.js").read_text()
    assert "details > *:not(summary)" not in css
    assert ".open = true" not in script


@pytest.mark.django_db
def test_one_item_shared_from_its_page_shows_only_that_item_and_its_certificate(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, _, modules = build_person(n_modules=2)
    module_certificate = user.certificates.get(module=modules[0])
    set_certificate = user.certificates.exclude(pk=module_certificate.pk).get()
    client.force_login(user)
    key = f"module-{modules[0].pk}"
    item_page = client.get(reverse("certificates:record_item", args=[key])).content.decode()
    assert f'action="{reverse("certificates:link_create_item", args=[key])}#error-summary"' in item_page
    response = client.post(
        reverse("certificates:link_create_item", args=[key]), {"label": "for the office", "expiry": "7"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:record_item", args=[key]) + "#new-link-url"
    item_page = client.get(reverse("certificates:record_item", args=[key])).content.decode()
    assert "Your new link" in item_page
    assert "for the office" in item_page
    url = item_page.split('class="link-box"', 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]
    token = url.rsplit("/records/", 1)[1].strip("/")
    link = ShareLink.objects.get()
    assert link.module == modules[0]
    client.logout()
    shared = client.get(reverse("certificates:shared_record", args=[token])).content.decode()
    assert "<h1>Instructional Module 1</h1>" in shared
    assert "Lesson: Lesson of module 1" in shared
    for elsewhere in ("Virtual Sessions 1–6", "Instructional Module 2", "Virtual Session 1"):
        assert elsewhere not in shared
    own = client.get(reverse("certificates:shared_certificate", args=[token, module_certificate.pk]))
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    other = client.get(reverse("certificates:shared_certificate", args=[token, set_certificate.pk]))
    assert other.status_code == 404
    client.force_login(user)
    client.post(reverse("certificates:link_revoke", args=[link.pk]), {"item": key})
    client.logout()
    assert client.get(reverse("certificates:shared_record", args=[token])).status_code == 410


@pytest.mark.django_db
def test_item_link_for_someone_elses_item_is_404_and_creates_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, _, _ = build_person(n_modules=1)
        _, _, their_modules = build_person(n_modules=1)
    client.force_login(user)
    for key in (f"module-{their_modules[0].pk}", "module-999999", "nonsense"):
        response = client.post(reverse("certificates:link_create_item", args=[key]), {"expiry": "7"})
        assert response.status_code == 404
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_item_link_form_bad_input_shows_errors_on_the_item_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user, _, modules = build_person(n_modules=1)
    client.force_login(user)
    key = f"module-{modules[0].pk}"
    response = client.post(reverse("certificates:link_create_item", args=[key]), {"expiry": "date"})
    assert response.status_code == 400
    assert "Choose the last day the link should work." in response.content.decode()
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_share_form_groups_have_fieldsets_and_the_links_table_scrolls_on_its_own(client):
    user = UserFactory()
    enroll(user, ProgramFactory())
    share_link_create(user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7))
    client.force_login(user)
    html = " ".join(client.get(reverse("certificates:record")).content.decode().split())
    assert '<label for="id_expiry">' not in html
    assert '<label for="id_programs">' not in html
    expiry = '<fieldset class="field field-group" aria-describedby="id_expiry_helptext">'
    assert f"{expiry} <legend>The link works for</legend>" in html
    group = '<fieldset class="field field-group" aria-describedby="id_programs_helptext">'
    assert f'{group} <legend>Programs <span class="optional">(optional)</span></legend>' in html
    assert '<p class="help" id="id_programs_helptext">None ticked: every program.</p>' in html
    assert '<div class="table-scroll" role="region" aria-label="Your share links" tabindex="0">' in html
