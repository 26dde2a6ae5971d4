import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from accounts.tests.factories import UserFactory
from practicums.models import Registration, RegistrationMove
from practicums.services import (
    RegistrationError,
    registration_cancel,
    registration_confirm_offer,
    registration_create,
    registration_move,
    waitlist_expire_offers,
)
from programs.models import Enrollment
from programs.services import AlreadyEnrolled
from programs.tests.factories import ProgramFactory, SeriesFactory

from .factories import PracticumFactory, TrackGroupFactory

UTC = ZoneInfo("UTC")


@pytest.mark.django_db
def test_register_certification_records_access_date_and_emails(django_capture_on_commit_callbacks):
    user = UserFactory()
    practicum = PracticumFactory(starts_on=date(2027, 1, 12), ends_on=date(2027, 1, 15))
    now = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # Friday 10:00 in Los Angeles
    with django_capture_on_commit_callbacks(execute=True):
        enrollment, [registration] = registration_create(
            user=user, program=practicum.program, practicum_ids=[practicum.pk], now=now
        )
    assert enrollment.access_opens_at == datetime(2026, 11, 24, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert registration.status == Registration.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Tuesday, November 24, 2026" in mail.outbox[0].body
    assert practicum.title in mail.outbox[0].body


@pytest.mark.django_db
def test_registering_twice_is_refused_and_nothing_more_saved():
    user = UserFactory()
    practicum = PracticumFactory()
    registration_create(user=user, program=practicum.program, practicum_ids=[practicum.pk])
    with pytest.raises(AlreadyEnrolled, match="already registered"):
        registration_create(user=user, program=practicum.program, practicum_ids=[practicum.pk])
    assert Enrollment.objects.count() == 1
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_full_practicum_refused_unless_waitlist_chosen():
    practicum = PracticumFactory(capacity=1)
    registration_create(user=UserFactory(), program=practicum.program, practicum_ids=[practicum.pk])
    late = UserFactory()
    with pytest.raises(RegistrationError, match="is full"):
        registration_create(user=late, program=practicum.program, practicum_ids=[practicum.pk])
    assert not Enrollment.objects.filter(user=late).exists()  # the enrollment was rolled back too
    _, [registration] = registration_create(
        user=late, program=practicum.program, practicum_ids=[practicum.pk], join_waitlist=True
    )
    assert registration.status == Registration.Status.WAITLISTED


@pytest.mark.django_db
def test_started_or_foreign_practicum_cannot_be_chosen():
    practicum = PracticumFactory(starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 23))
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    with pytest.raises(RegistrationError, match="already started"):
        registration_create(
            user=UserFactory(), program=practicum.program, practicum_ids=[practicum.pk], now=now
        )
    other = PracticumFactory()
    with pytest.raises(RegistrationError, match="not offered"):
        registration_create(user=UserFactory(), program=practicum.program, practicum_ids=[other.pk])


@pytest.mark.django_db
def test_series_needs_one_track_per_season():
    program = SeriesFactory()
    summer, fall = TrackGroupFactory(program=program), TrackGroupFactory(program=program)
    s_virtual = PracticumFactory(program=program, group=summer, format="virtual")
    s_days = PracticumFactory(program=program, group=summer)
    f_day = PracticumFactory(program=program, group=fall)
    with pytest.raises(RegistrationError, match="one track in each season"):
        registration_create(user=UserFactory(), program=program, practicum_ids=[s_virtual.pk, s_days.pk])
    _, registrations = registration_create(
        user=UserFactory(), program=program, practicum_ids=[s_virtual.pk, f_day.pk]
    )
    assert {r.practicum for r in registrations} == {s_virtual, f_day}


@pytest.mark.django_db
def test_freed_seat_goes_to_first_waiting_who_confirms(django_capture_on_commit_callbacks):
    practicum = PracticumFactory(capacity=1)
    holder = UserFactory()
    _, [seat] = registration_create(user=holder, program=practicum.program, practicum_ids=[practicum.pk])
    first, second = UserFactory(), UserFactory()
    for person in (first, second):
        registration_create(
            user=person, program=practicum.program, practicum_ids=[practicum.pk], join_waitlist=True
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=seat, reason="Cannot attend")
    offer = Registration.objects.get(user=first, practicum=practicum)
    assert offer.status == Registration.Status.OFFERED
    assert Registration.objects.get(user=second, practicum=practicum).status == Registration.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert registration_confirm_offer(registration=offer).status == Registration.Status.CONFIRMED


@pytest.mark.django_db
def test_expired_offer_passes_to_next_person(django_capture_on_commit_callbacks):
    practicum = PracticumFactory(capacity=1)
    _, [seat] = registration_create(
        user=UserFactory(), program=practicum.program, practicum_ids=[practicum.pk]
    )
    first, second = UserFactory(), UserFactory()
    for person in (first, second):
        registration_create(
            user=person, program=practicum.program, practicum_ids=[practicum.pk], join_waitlist=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=seat, reason="x")
    offer = Registration.objects.get(user=first, practicum=practicum)
    later = offer.offer_expires_at + timedelta(minutes=1)
    assert waitlist_expire_offers(now=later) == 1
    offer.refresh_from_db()
    assert offer.status == Registration.Status.CANCELLED
    assert Registration.objects.get(user=second, practicum=practicum).status == Registration.Status.OFFERED
    with pytest.raises(RegistrationError, match="expired"):
        registration_confirm_offer(registration=offer, now=later)


@pytest.mark.django_db
def test_move_until_cutoff_records_history():
    program = ProgramFactory(move_cutoff_days=7)
    source = PracticumFactory(program=program, starts_on=date(2027, 1, 12), ends_on=date(2027, 1, 15))
    target = PracticumFactory(program=program, starts_on=date(2027, 2, 9), ends_on=date(2027, 2, 12))
    user = UserFactory()
    _, [registration] = registration_create(
        user=user, program=program, practicum_ids=[source.pk], now=datetime(2026, 11, 20, tzinfo=UTC)
    )
    too_late = datetime(2027, 1, 6, 12, tzinfo=UTC)  # 6 days before: past the 7-day cut-off
    with pytest.raises(RegistrationError, match="Moves close 7 days before"):
        registration_move(registration=registration, to_practicum_id=target.pk, by=user, now=too_late)
    moved = registration_move(
        registration=registration,
        to_practicum_id=target.pk,
        by=user,
        reason="Clash",
        now=datetime(2027, 1, 4, tzinfo=UTC),
    )
    assert moved.practicum == target
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CANCELLED
    move = RegistrationMove.objects.get()
    assert (move.from_practicum, move.to_practicum, move.moved_by, move.reason) == (
        source,
        target,
        user,
        "Clash",
    )


def _register_in_thread(user_pk, program_pk, practicum_pk, results):
    from accounts.models import User
    from programs.models import Program

    try:
        registration_create(
            user=User.objects.get(pk=user_pk),
            program=Program.objects.get(pk=program_pk),
            practicum_ids=[practicum_pk],
        )
        results.append("seat")
    except RegistrationError:
        results.append("full")
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_seat_cannot_both_get_it():
    assert connection.vendor == "postgresql"
    practicum = PracticumFactory(capacity=1)
    people = [UserFactory() for _ in range(8)]
    results: list[str] = []
    barrier = threading.Barrier(len(people))

    def run(user):
        barrier.wait()
        _register_in_thread(user.pk, practicum.program_id, practicum.pk, results)

    threads = [threading.Thread(target=run, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["full"] * 7 + ["seat"]
    assert Registration.objects.filter(practicum=practicum, status="confirmed").count() == 1


@pytest.mark.django_db
def test_register_page_needs_login(client):
    program = ProgramFactory()
    response = client.get(reverse("practicums:register", args=[program.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_register_page_flags_short_notice_and_registers(client, django_capture_on_commit_callbacks):
    program = ProgramFactory(recommended_weeks_before_practicum=4)
    soon = PracticumFactory(program=program, title="Soon", starts_on=date.today() + timedelta(days=10))
    later = PracticumFactory(program=program, title="Later", starts_on=date.today() + timedelta(days=90))
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("practicums:register", args=[program.slug])).content.decode()
    assert html.count("Starts less than 4 weeks after your modules open") == 1
    assert html.index("Soon") < html.index("Starts less than 4 weeks") < html.index("Later")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practicums:register", args=[program.slug]), {"practicum": later.pk})
    assert response.status_code == 302
    assert Registration.objects.get(user=user).practicum == later
    assert soon.registrations.count() == 0


@pytest.mark.django_db
def test_register_page_full_practicum_shows_error_and_saves_nothing(client):
    program = ProgramFactory()
    full = PracticumFactory(program=program, capacity=1)
    registration_create(user=UserFactory(), program=program, practicum_ids=[full.pk])
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("practicums:register", args=[program.slug]), {"practicum": full.pk})
    assert response.status_code == 200
    assert "is full. Choose another" in response.content.decode()
    assert not Enrollment.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_register_page_without_choice_says_so(client):
    program = ProgramFactory()
    PracticumFactory(program=program)
    client.force_login(UserFactory())
    response = client.post(reverse("practicums:register", args=[program.slug]), {"practicum": "not-a-number"})
    assert response.status_code == 200
    assert "That practicum is not open for registration. Please choose another." in response.content.decode()


@pytest.mark.django_db
def test_someone_elses_registration_is_404(client):
    practicum = PracticumFactory()
    _, [registration] = registration_create(
        user=UserFactory(), program=practicum.program, practicum_ids=[practicum.pk]
    )
    client.force_login(UserFactory())
    assert client.get(reverse("practicums:move", args=[registration.pk])).status_code == 404
    assert client.post(reverse("practicums:confirm_offer", args=[registration.pk])).status_code == 404
