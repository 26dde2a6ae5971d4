from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from practicums.services import registration_create
from practicums.tests.factories import PracticumFactory, TrackGroupFactory
from programs.models import ContactMessage, GuideRequest, Program, RecordedWebinar, Resource

from .factories import (
    FAQFactory,
    InstructorFactory,
    ProgramFactory,
    ResourceFactory,
    SchoolYearFactory,
    SeasonFactory,
)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def fill_program(program: Program, n: int) -> None:
    FAQFactory.create_batch(n, program=program)
    ResourceFactory.create_batch(n, program=program)
    for instructor in InstructorFactory.create_batch(n):
        instructor.programs.add(program)
    for _ in range(n):
        practicum = PracticumFactory(program=program)
        practicum.instructors.add(*program.instructors.all()[:2])


@pytest.mark.django_db
def test_public_pages_query_count_constant(client):
    small, large = ProgramFactory(), ProgramFactory()
    fill_program(small, 2)
    fill_program(large, 30)
    RecordedWebinar.objects.create(
        title="W", recorded_on="2026-01-01", url="https://example.org/w", program=small
    )
    counts_small = {
        "home": count_queries(client, "/"),
        "catalog": count_queries(client, "/programs/"),
        "detail": count_queries(client, small.get_absolute_url()),
        "instructors": count_queries(client, "/instructors/"),
        "webinars": count_queries(client, "/webinars/"),
        "practicum": count_queries(client, small.practicums.first().get_absolute_url()),
    }
    for i in range(20):
        ProgramFactory(title=f"More {i}")
        RecordedWebinar.objects.create(
            title=f"W{i}", recorded_on="2026-01-01", url="https://example.org/w", program=large
        )
    counts_large = {
        "home": count_queries(client, "/"),
        "catalog": count_queries(client, "/programs/"),
        "detail": count_queries(client, large.get_absolute_url()),
        "instructors": count_queries(client, "/instructors/"),
        "webinars": count_queries(client, "/webinars/"),
        "practicum": count_queries(client, large.practicums.first().get_absolute_url()),
    }
    assert counts_small == counts_large


@pytest.mark.django_db
def test_series_overview_shows_progression_table(client):
    year = SchoolYearFactory(name="2027–28")
    program = year.program
    summer = SeasonFactory(school_year=year, name="Summer", order=0)
    fall = SeasonFactory(school_year=year, name="Fall", order=1)
    g1 = TrackGroupFactory(program=program, season=summer)
    g2 = TrackGroupFactory(program=program, season=fall)
    PracticumFactory(program=program, season=summer, group=g1, title="Virtual Sessions 1–6", format="virtual")
    PracticumFactory(program=program, season=summer, group=g1, title="Days 1–3")
    PracticumFactory(program=program, season=fall, group=g2, title="Virtual Sessions 7 & 8", format="virtual")
    PracticumFactory(program=program, season=fall, group=g2, title="Day 4")
    html = client.get(program.get_absolute_url()).content.decode()
    assert "The 2027–28 progression" in html
    assert '<th scope="row">Summer</th><td>Days 1–3 or Virtual Sessions 1–6</td>' in html
    assert '<th scope="row">Fall</th><td>Day 4 or Virtual Sessions 7 &amp; 8</td>' in html


@pytest.mark.django_db
def test_draft_program_is_404(client):
    program = ProgramFactory(status=Program.Status.DRAFT)
    assert client.get(program.get_absolute_url()).status_code == 404
    assert client.get(reverse("programs:guide", args=[program.slug])).status_code == 404


@pytest.mark.django_db
def test_register_page_query_count_constant(client):
    client.force_login(UserFactory())
    small, large = ProgramFactory(), ProgramFactory()
    PracticumFactory.create_batch(2, program=small)
    PracticumFactory.create_batch(25, program=large)
    client.get(reverse("dashboard"))  # the signed-in person is now in the cache for both
    assert count_queries(client, reverse("practicums:register", args=[small.slug])) == count_queries(
        client, reverse("practicums:register", args=[large.slug])
    )


@pytest.mark.django_db
def test_dashboard_query_count_constant(client):
    def dashboard_for(n: int) -> int:
        user = UserFactory()
        for _ in range(n):
            practicum = PracticumFactory()
            registration_create(user=user, program=practicum.program, practicum_ids=[practicum.pk])
        client.force_login(user)
        return count_queries(client, reverse("dashboard"))

    assert dashboard_for(1) == dashboard_for(12)


@pytest.mark.django_db
def test_dashboard_shows_access_date_and_practicum(client):
    user = UserFactory()
    practicum = PracticumFactory(title="Practicum — Denver")
    registration_create(user=user, program=practicum.program, practicum_ids=[practicum.pk])
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Practicum — Denver" in html
    assert "Module access" in html
    assert "Finish modules by" in html


@pytest.mark.django_db
def test_guide_request_form_bad_input_shows_errors_and_saves_nothing(client):
    program = ProgramFactory()
    response = client.post(reverse("programs:guide", args=[program.slug]), {"name": "", "email": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "This field is required." in html
    assert not GuideRequest.objects.exists()


@pytest.mark.django_db
def test_guide_request_form_leads_to_the_download_and_mails_no_one(
    client, django_capture_on_commit_callbacks
):
    program = ProgramFactory()
    guide = Resource(program=program, kind=Resource.Kind.GUIDE, title="Guide")
    guide.file.save("guide.pdf", ContentFile(b"%PDF-1.7 the guide"), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:guide", args=[program.slug]), {"name": "Ana", "email": "victim@example.org"}
        )
    assert GuideRequest.objects.get().email == "victim@example.org"
    assert mail.outbox == []  # the typed address is not mailed: the form relays nothing
    assert response.status_code == 302
    page = client.get(response["Location"])
    download = f"{response['Location']}download/"
    assert f'href="{download}"' in page.content.decode()
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.7 the guide"


@pytest.mark.django_db
def test_guide_download_needs_the_forms_signed_link_for_that_program(client):
    program, other = ProgramFactory(), ProgramFactory()
    guide = Resource(program=program, kind=Resource.Kind.GUIDE, title="Guide")
    guide.file.save("guide.pdf", ContentFile(b"%PDF-1.7 the guide"), save=True)
    response = client.post(
        reverse("programs:guide", args=[other.slug]), {"name": "Ana", "email": "a@example.org"}
    )
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert client.get(reverse("programs:guide_download", args=[program.slug, token])).status_code == 404
    assert (
        client.get(reverse("programs:guide_download", args=[program.slug, "forged:token"])).status_code == 404
    )
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.get(response["Location"]).status_code == 404


@pytest.mark.django_db
def test_honeypot_filled_pretends_success_and_sends_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:contact"),
            {
                "name": "Bot",
                "email": "bot@example.org",
                "subject": "Buy",
                "message": "Spam",
                "website": "http://spam",
            },
        )
    assert response.status_code == 302
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_public_forms_are_rate_limited(client):
    data = {"name": "A", "email": "a@example.org", "subject": "S", "message": "M"}
    statuses = [client.post(reverse("programs:contact"), data).status_code for _ in range(5)]
    response = client.post(reverse("programs:contact"), data)
    assert statuses == [302] * 5
    assert response.status_code == 200
    assert "Please wait a few minutes and try again." in response.content.decode()
    assert ContactMessage.objects.count() == 5


@pytest.mark.django_db
def test_funding_letter_pdf_needs_login_and_contains_name(client):
    from io import BytesIO

    from pypdf import PdfReader

    program = ProgramFactory(title="Certified Learning Practitioner")
    url = reverse("practicums:funding_letter", args=[program.slug])
    assert client.get(url).status_code == 302
    user = UserFactory(full_name="Zoë Łukasz Nguyễn")
    practicum = PracticumFactory(program=program, title="Practicum — Denver")
    registration_create(user=user, program=program, practicum_ids=[practicum.pk])
    client.force_login(user)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Zoë Łukasz Nguyễn" in text
    assert "Practicum — Denver" in text


@pytest.mark.django_db
def test_public_resource_downloads_but_guide_only_after_the_form(client):
    from django.core.files.base import ContentFile

    from programs.models import Resource

    program = ProgramFactory()
    kit = Resource(program=program, kind=Resource.Kind.EMPLOYER_KIT, title="Kit")
    kit.file.save("kit.pdf", ContentFile(b"%PDF-1.7 kit"), save=True)
    guide = Resource(program=program, kind=Resource.Kind.GUIDE, title="Guide")
    guide.file.save("guide.pdf", ContentFile(b"%PDF-1.7 guide"), save=True)
    response = client.get(reverse("programs:resource", args=[program.slug, kit.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.7 kit"
    assert client.get(reverse("programs:resource", args=[program.slug, guide.pk])).status_code == 404
