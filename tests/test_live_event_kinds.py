"""Pages that compose several apps tell practicums, live-event sets and CE events apart
(decision 0010), and the demo data follows the same model."""

import io
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.demo import DEMO_CANDIDATE_EMAIL, DEMO_TEACHER_EMAIL
from accounts.tests.factories import UserFactory
from practicums.models import Practicum, Registration
from practicums.services import RegistrationError, registration_create
from practicums.tests.factories import CEEventFactory, PracticumFactory
from programs.models import Program, SchoolYear
from programs.tests.factories import ProgramFactory
from recertification.services import ce_event_register


@pytest.mark.django_db
def test_program_page_lists_ce_events_apart_from_the_practicums(client):
    program = ProgramFactory()
    PracticumFactory(program=program, title="Practicum — Denver")
    CEEventFactory(program=program, title="Webinar: feedback that works")
    html = client.get(program.get_absolute_url()).content.decode()
    practicums = html.index("<h2>Upcoming practicums</h2>")
    ce = html.index("<h2>Webinars and roundtables (continuing education)</h2>")
    assert practicums < html.index("Practicum — Denver") < ce < html.index("Webinar: feedback that works")


@pytest.mark.django_db
def test_program_page_without_ce_events_has_no_ce_section(client):
    program = ProgramFactory()
    PracticumFactory(program=program, title="Practicum — Denver")
    html = client.get(program.get_absolute_url()).content.decode()
    assert "Webinars and roundtables" not in html


@pytest.mark.django_db
def test_dashboard_practicum_is_the_practicum_registration_not_an_earlier_ce_event(client):
    program = ProgramFactory()
    today = timezone.localdate()
    practicum = PracticumFactory(
        program=program, title="Practicum — Denver", starts_on=today + timedelta(days=60)
    )
    webinar = CEEventFactory(program=program, title="Webinar: feedback", starts_on=today + timedelta(days=20))
    user = UserFactory()
    registration_create(user=user, program=program, practicum_ids=[practicum.pk])
    ce_event_register(user=user, practicum=webinar)
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    finish = practicum.starts_on - timedelta(days=1)
    assert f"<dt>Finish modules by</dt><dd>{finish:%B} {finish.day}, {finish.year} (recommended)</dd>" in html
    assert html.count("<dt>Practicum</dt>") == 1
    assert html.index("<dt>Practicum</dt>") < html.index("Practicum — Denver")
    assert html.index("<dt>Webinar (CE)</dt>") < html.index("Webinar: feedback")


@pytest.mark.django_db
def test_seed_demo_on_1_december_candidate_on_a_practicum_and_series_in_this_school_year(client):
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=UTC), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        candidate = Registration.objects.select_related("practicum").get(user__email=DEMO_CANDIDATE_EMAIL)
        assert candidate.practicum.kind == Practicum.Kind.PRACTICUM
        assert candidate.practicum.title == "Practicum — Denver, January 2027"
        series = Program.objects.get(kind=Program.Kind.SERIES)
        assert list(SchoolYear.objects.filter(program=series).values_list("name", flat=True)) == ["2026–27"]
        teacher = Registration.objects.filter(user__email=DEMO_TEACHER_EMAIL).select_related("practicum")
        assert [(r.practicum.kind, r.practicum.title, str(r.practicum.starts_on)) for r in teacher] == [
            ("live_set", "Virtual Sessions 9 & 10", "2027-02-15")
        ]
        client.force_login(UserFactory())
        html = client.get(reverse("practicums:register", args=[series.slug])).content.decode()
        assert "Virtual Sessions 9 &amp; 10" in html
        assert "No live events are open for registration right now." not in html


@pytest.mark.django_db
def test_ce_event_one_click_refuses_a_practicum():
    practicum = PracticumFactory(title="Practicum — Denver")
    user = UserFactory()
    registration_create(
        user=user, program=practicum.program, practicum_ids=[PracticumFactory(program=practicum.program).pk]
    )
    with pytest.raises(RegistrationError) as caught:
        ce_event_register(user=user, practicum=practicum)
    assert caught.value.messages == ["Practicum — Denver is not a continuing-education event."]


@pytest.mark.django_db
def test_funding_letter_names_the_practicum_not_an_earlier_webinar(client):
    program = ProgramFactory()
    practicum = PracticumFactory(program=program, title="Practicum — Denver")
    webinar = CEEventFactory(program=program, title="Webinar: feedback that works")
    user = UserFactory()
    registration_create(user=user, program=program, practicum_ids=[practicum.pk])
    ce_event_register(user=user, practicum=webinar)
    client.force_login(user)
    response = client.get(reverse("practicums:funding_letter", args=[program.slug]))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages).split())
    assert "Practicum — Denver" in text
    assert "Webinar" not in text
