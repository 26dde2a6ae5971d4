"""Practicums, live-event sets and CE events are told apart wherever a person picks or reads them
(decision 0010)."""

from datetime import date, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from practicums.admin import CSVImportForm
from practicums.models import Practicum, Registration
from practicums.selectors import move_targets
from practicums.services import RegistrationError, registration_create, registration_move
from programs.models import Enrollment
from programs.tests.factories import ProgramFactory, SeriesFactory

from .factories import CEEventFactory, PracticumFactory, TrackGroupFactory, register


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


# --- Registration ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_refuses_a_ce_event_as_the_practicum():
    webinar = CEEventFactory(title="Webinar: feedback that works")
    user = UserFactory()
    with pytest.raises(RegistrationError) as caught:
        registration_create(user=user, program=webinar.program, practicum_ids=[webinar.pk])
    assert caught.value.messages == [
        "Webinar: feedback that works is a continuing-education event, not a practicum. Credential "
        "holders register for it in one click from their continuing-education page."
    ]
    assert not Enrollment.objects.filter(user=user).exists()
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_registration_refuses_a_live_set_as_a_certifications_practicum():
    odd = PracticumFactory(kind=Practicum.Kind.LIVE_SET, title="Virtual Sessions 1–6")
    with pytest.raises(RegistrationError) as caught:
        registration_create(user=UserFactory(), program=odd.program, practicum_ids=[odd.pk])
    assert caught.value.messages == [
        "Virtual Sessions 1–6 is a series' live event, not a certification practicum."
    ]
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_registration_refuses_a_practicum_as_a_series_live_set():
    series = SeriesFactory()
    odd = PracticumFactory(
        program=series, group=TrackGroupFactory(program=series), kind=Practicum.Kind.PRACTICUM
    )
    with pytest.raises(RegistrationError, match="is a certification practicum, not a series' live event"):
        registration_create(user=UserFactory(), program=series, practicum_ids=[odd.pk])
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_register_page_offers_practicums_only_and_refuses_a_posted_ce_event(client):
    program = ProgramFactory()
    PracticumFactory(program=program, title="Practicum — Denver")
    webinar = CEEventFactory(program=program, title="Webinar: feedback that works")
    user = UserFactory()
    client.force_login(user)
    url = reverse("practicums:register", args=[program.slug])
    html = client.get(url).content.decode()
    assert "Practicum — Denver" in html
    assert "Webinar: feedback that works" not in html
    response = client.post(url, {"practicum": webinar.pk})
    assert response.status_code == 200
    assert "That practicum is not open for registration. Please choose another." in response.content.decode()
    assert not Enrollment.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_move_never_offers_or_accepts_a_ce_event():
    program = ProgramFactory(move_cutoff_days=7)
    practicum = PracticumFactory(program=program, starts_on=date.today() + timedelta(days=60))
    other = PracticumFactory(program=program, title="Practicum — Chicago")
    webinar = CEEventFactory(program=program)
    user = UserFactory()
    _, [registration] = registration_create(user=user, program=program, practicum_ids=[practicum.pk])
    assert list(move_targets(registration=registration, today=date.today())) == [other]
    with pytest.raises(RegistrationError) as caught:
        registration_move(registration=registration, to_practicum_id=webinar.pk, by=user)
    assert caught.value.messages == ["You can only move to another date of the same event."]
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED


# --- The public schedule and the event page -------------------------------------------------------


@pytest.mark.django_db
def test_schedule_kind_filter_and_labels_with_constant_queries(client):
    cert, series = ProgramFactory(slug="cert"), SeriesFactory(slug="series")

    def get(params=None) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("practicums:schedule"), params or {})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    PracticumFactory(program=cert, title="Practicum — Denver")
    PracticumFactory(program=series, title="Virtual Sessions 1–6", group=TrackGroupFactory(program=series))
    CEEventFactory(program=cert, title="Webinar: feedback that works")
    small, html = get()
    assert '<span class="tag">Practicum</span>' in html
    assert '<span class="tag">Live event</span>' in html
    assert '<span class="tag tag-ce">Webinar (CE)</span>' in html
    for i in range(15):
        CEEventFactory(program=cert, title=f"Roundtable {i}", ce_kind="roundtable")
    large, _ = get()
    assert small == large
    _, html = get({"kind": "practicum"})
    assert ("Practicum — Denver" in html, "Virtual Sessions" in html, "Webinar:" in html) == (
        True,
        False,
        False,
    )
    _, html = get({"kind": "live_set"})
    assert ("Practicum — Denver" in html, "Virtual Sessions" in html, "Webinar:" in html) == (
        False,
        True,
        False,
    )
    _, html = get({"kind": "ce_event", "program": "cert"})
    assert ("Practicum — Denver" in html, "Webinar:" in html, "Roundtable 14" in html) == (False, True, True)
    _, html = get({"kind": "nonsense"})
    assert "Select a valid choice. nonsense is not one of the available choices." in html


@pytest.mark.django_db
def test_ce_event_page_sends_people_to_the_ce_page_not_to_program_registration(client):
    webinar = CEEventFactory(title="Webinar: feedback that works")
    html = client.get(webinar.get_absolute_url()).content.decode()
    assert "Webinar (CE)" in html
    assert reverse("recertification:ce") in html
    assert reverse("practicums:register", args=[webinar.program.slug]) not in html


# --- Admin ---------------------------------------------------------------------------------------


def event_form(program, **extra) -> dict:
    data = {
        "program": program.pk, "kind": "practicum", "title": "March practicum", "format": "in_person",
        "city": "Denver", "starts_on": "2027-03-09", "ends_on": "2027-03-11", "time_zone": "America/Denver",
        "capacity": "20", "appraised_hours": "21", "status": "scheduled", "is_published": "on",
        "sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0", "sessions-MAX_NUM_FORMS": "1000",
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(extra)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("series", "extra", "field", "message"),
    [
        (
            True,
            {"kind": "practicum"},
            "kind",
            "is a series: its live events are live-event sets, not practicums.",
        ),
        (False, {"kind": "live_set"}, "kind", "are practicums or CE events, not live-event sets."),
        (
            True,
            {"kind": "ce_event", "ce_kind": "webinar"},
            "kind",
            "CE events belong to certification programs",
        ),
        (False, {"kind": "ce_event"}, "ce_kind", "Say whether this CE event is a webinar or a roundtable."),
        (False, {"ce_kind": "webinar"}, "ce_kind", "Only CE events are webinars or roundtables"),
    ],
)
def test_admin_refuses_a_kind_that_does_not_fit_the_program(staff_client, series, extra, field, message):
    program = SeriesFactory() if series else ProgramFactory()
    response = staff_client.post(reverse("admin:practicums_practicum_add"), event_form(program, **extra))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert not Practicum.objects.exists()


@pytest.mark.django_db
def test_admin_saves_a_ce_event_of_a_certification(staff_client):
    program = ProgramFactory()
    response = staff_client.post(
        reverse("admin:practicums_practicum_add"), event_form(program, kind="ce_event", ce_kind="roundtable")
    )
    assert response.status_code == 302
    assert list(Practicum.objects.values_list("kind", "ce_kind")) == [("ce_event", "roundtable")]


@pytest.mark.django_db
def test_admin_keeps_the_kind_of_an_event_people_registered_in(staff_client):
    practicum = PracticumFactory(starts_on=date(2027, 3, 9), ends_on=date(2027, 3, 11))
    register(UserFactory(), practicum)
    response = staff_client.post(
        reverse("admin:practicums_practicum_change", args=[practicum.pk]),
        event_form(practicum.program, kind="ce_event", ce_kind="webinar"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kind"] == [
        "People are registered in this event: its kind can no longer change. Create a new event."
    ]
    practicum.refresh_from_db()
    assert (practicum.kind, practicum.ce_kind) == ("practicum", "")


@pytest.mark.django_db
def test_admin_list_filters_by_kind(staff_client):
    program = ProgramFactory()
    PracticumFactory(program=program, title="Practicum — Denver")
    CEEventFactory(program=program, title="Webinar: feedback that works")
    url = reverse("admin:practicums_practicum_changelist")
    response = staff_client.get(url, {"kind__exact": "ce_event"})
    assert [p.title for p in response.context["cl"].result_list] == ["Webinar: feedback that works"]
    assert "By kind" in staff_client.get(url).content.decode()


@pytest.mark.django_db
def test_csv_import_offers_no_ce_event():
    program = ProgramFactory()
    practicum = PracticumFactory(program=program)
    webinar = CEEventFactory(program=program)
    form = CSVImportForm(
        {"program": program.pk, "practicum": webinar.pk},
        {"file": SimpleUploadedFile("people.csv", b"name,email\n")},
    )
    assert list(form.fields["practicum"].queryset) == [practicum]
    assert not form.is_valid()
    assert form.errors["practicum"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
