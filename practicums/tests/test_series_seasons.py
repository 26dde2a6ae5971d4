"""A series teacher registers for the season at hand and adds later seasons as they open."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from practicums.models import Registration
from practicums.selectors import series_with_open_seasons
from practicums.services import RegistrationError, registration_add_tracks, registration_create
from programs.models import Enrollment
from programs.tests.factories import SchoolYearFactory, SeasonFactory, SeriesFactory

from .factories import PracticumFactory, TrackGroupFactory


@pytest.fixture
def series():
    """Summer (virtual or in person), Fall (virtual or a day) and a Spring whose one set has started."""
    program = SeriesFactory()
    year = SchoolYearFactory(program=program)
    seasons = {
        name: SeasonFactory(school_year=year, name=name, order=i)
        for i, name in enumerate(["Summer", "Fall", "Spring"])
    }
    groups = {
        name: TrackGroupFactory(program=program, season=season, name=f"{name} live events")
        for name, season in seasons.items()
    }
    today = date.today()
    sets = {
        "summer_virtual": PracticumFactory(
            program=program, group=groups["Summer"], format="virtual", title="Virtual Sessions 1–6"
        ),
        "summer_days": PracticumFactory(program=program, group=groups["Summer"], title="Days 1–3"),
        "fall_virtual": PracticumFactory(
            program=program,
            group=groups["Fall"],
            format="virtual",
            title="Virtual Sessions 7 & 8",
            starts_on=today + timedelta(days=120),
            ends_on=today + timedelta(days=121),
        ),
        "fall_day": PracticumFactory(
            program=program,
            group=groups["Fall"],
            title="Day 4",
            starts_on=today + timedelta(days=130),
            ends_on=today + timedelta(days=130),
        ),
        "spring_day": PracticumFactory(
            program=program,
            group=groups["Spring"],
            title="Day 5",
            starts_on=today - timedelta(days=2),
            ends_on=today - timedelta(days=2),
        ),
    }
    return program, groups, sets


@pytest.mark.django_db
def test_first_registration_with_only_summer(series):
    program, _, sets = series
    user = UserFactory()
    _, [registration] = registration_create(
        user=user, program=program, practicum_ids=[sets["summer_days"].pk]
    )
    assert registration.practicum == sets["summer_days"]
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.django_db
def test_series_registration_without_any_track_is_refused(series):
    program, _, _ = series
    user = UserFactory()
    with pytest.raises(RegistrationError, match="at least one season"):
        registration_create(user=user, program=program, practicum_ids=[])
    assert not Enrollment.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_adding_fall_later_keeps_the_summer_track(series, django_capture_on_commit_callbacks):
    program, _, sets = series
    user = UserFactory()
    registration_create(user=user, program=program, practicum_ids=[sets["summer_virtual"].pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        [added] = registration_add_tracks(user=user, program=program, practicum_ids=[sets["fall_day"].pk])
    assert added.practicum == sets["fall_day"]
    assert added.enrollment == Enrollment.objects.get(user=user)
    assert set(Registration.objects.filter(user=user).values_list("practicum__title", flat=True)) == {
        "Virtual Sessions 1–6",
        "Day 4",
    }
    assert [m.subject for m in mail.outbox] == [f"[Credo] Your new live events in {program.title}"]


@pytest.mark.django_db
def test_a_second_summer_track_is_refused_and_nothing_saved(series):
    program, _, sets = series
    user = UserFactory()
    registration_create(user=user, program=program, practicum_ids=[sets["summer_virtual"].pk])
    with pytest.raises(RegistrationError) as caught:
        registration_add_tracks(
            user=user, program=program, practicum_ids=[sets["summer_days"].pk, sets["fall_day"].pk]
        )
    assert caught.value.messages == [
        "You already have a track for Summer 2027–28: Virtual Sessions 1–6. One track per season: "
        "to change it, use “Change” next to it on your dashboard."
    ]
    assert list(Registration.objects.filter(user=user).values_list("practicum__title", flat=True)) == [
        "Virtual Sessions 1–6"
    ]


@pytest.mark.django_db
def test_a_past_season_or_a_stranger_cannot_add(series):
    program, _, sets = series
    user = UserFactory()
    with pytest.raises(RegistrationError, match="register for"):
        registration_add_tracks(user=user, program=program, practicum_ids=[sets["fall_day"].pk])
    registration_create(user=user, program=program, practicum_ids=[sets["summer_virtual"].pk])
    with pytest.raises(RegistrationError, match="already started"):
        registration_add_tracks(user=user, program=program, practicum_ids=[sets["spring_day"].pk])
    assert Registration.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_a_cancelled_track_frees_its_season(series):
    program, _, sets = series
    user = UserFactory()
    _, [summer] = registration_create(user=user, program=program, practicum_ids=[sets["summer_virtual"].pk])
    Registration.objects.filter(pk=summer.pk).update(status=Registration.Status.CANCELLED)
    [again] = registration_add_tracks(user=user, program=program, practicum_ids=[sets["summer_days"].pk])
    assert again.practicum == sets["summer_days"]


@pytest.mark.django_db
def test_series_with_open_seasons_lists_only_addable(series):
    program, _, sets = series
    user = UserFactory()
    registration_create(user=user, program=program, practicum_ids=[sets["summer_virtual"].pk])
    assert series_with_open_seasons(user=user, program_ids=[program.pk]) == {program.pk}
    registration_add_tracks(user=user, program=program, practicum_ids=[sets["fall_virtual"].pk])
    assert series_with_open_seasons(user=user, program_ids=[program.pk]) == set()  # Spring has started


# Pages


@pytest.mark.django_db
def test_register_page_with_only_summer_then_add_fall(client, series):
    program, groups, sets = series
    user = UserFactory()
    client.force_login(user)
    url = reverse("practicums:register", args=[program.slug])
    html = client.get(url).content.decode()
    assert "Summer 2027–28" in html
    assert "Fall 2027–28" in html
    assert "Spring 2027–28" not in html  # its only set has started
    response = client.post(
        url, {f"group_{groups['Summer'].pk}": sets["summer_days"].pk, f"group_{groups['Fall'].pk}": ""}
    )
    assert response.status_code == 302
    assert list(Registration.objects.filter(user=user).values_list("practicum__title", flat=True)) == [
        "Days 1–3"
    ]

    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'href="{url}">Add a season</a>' in dashboard

    html = client.get(url).content.decode()
    assert "<h1>Add a season</h1>" in html
    assert f'name="group_{groups["Summer"].pk}"' not in html  # the season already taken is not offered
    response = client.post(url, {f"group_{groups['Fall'].pk}": sets["fall_virtual"].pk})
    assert response.status_code == 302
    assert set(Registration.objects.filter(user=user).values_list("practicum__title", flat=True)) == {
        "Days 1–3",
        "Virtual Sessions 7 & 8",
    }
    assert "Add a season" not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.django_db
def test_register_page_refuses_a_second_summer_track(client, series):
    program, groups, sets = series
    user = UserFactory()
    registration_create(user=user, program=program, practicum_ids=[sets["summer_virtual"].pk])
    client.force_login(user)
    # A stale form (opened before the first registration) still posts a Summer choice.
    response = client.post(
        reverse("practicums:register", args=[program.slug]),
        {
            f"group_{groups['Fall'].pk}": sets["fall_day"].pk,
            f"group_{groups['Summer'].pk}": sets["summer_days"].pk,
        },
    )
    assert response.status_code == 200
    assert "You already have a track for Summer 2027–28: Virtual Sessions 1–6." in response.content.decode()
    assert Registration.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_register_page_bad_input_shows_errors_and_saves_nothing(client, series):
    program, groups, sets = series
    user = UserFactory()
    client.force_login(user)
    url = reverse("practicums:register", args=[program.slug])
    response = client.post(url, {f"group_{groups['Summer'].pk}": "", f"group_{groups['Fall'].pk}": ""})
    assert response.status_code == 200
    assert "Please choose a track for at least one season." in response.content.decode()
    response = client.post(url, {f"group_{groups['Summer'].pk}": sets["fall_day"].pk})
    assert response.status_code == 200
    assert "That track is not open for registration in Summer" in response.content.decode()
    response = client.post(url, {f"group_{groups['Summer'].pk}": "x; drop"})
    assert response.status_code == 200
    assert not Enrollment.objects.filter(user=user).exists()
    assert not Registration.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_register_page_when_every_open_season_is_taken(client, series):
    program, _, sets = series
    user = UserFactory()
    registration_create(
        user=user, program=program, practicum_ids=[sets["summer_virtual"].pk, sets["fall_day"].pk]
    )
    client.force_login(user)
    html = client.get(reverse("practicums:register", args=[program.slug])).content.decode()
    assert "No other season is open for registration yet." in html
    assert "Virtual Sessions 1–6" in html
    assert "Day 4" in html
    assert 'type="submit" class="button"' not in html
