"""Share links to the PL record: making one (form, email, bad input), until when it works in the
owner's zone, revoking it, and what an expired, withdrawn or made-up link answers."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from certificates.models import ShareLink
from certificates.services import share_link_create
from modules.tests.factories import enroll
from programs.tests.factories import ProgramFactory

UTC = ZoneInfo("UTC")
LA = ZoneInfo("America/Los_Angeles")


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
    assert client.get(url.removeprefix(settings.SITE_URL)).status_code == 200
    link = ShareLink.objects.get()
    client.force_login(UserFactory())
    assert client.post(reverse("certificates:link_revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


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
    url = mail.outbox[0].body.split("\n\n")[2].strip().removeprefix(settings.SITE_URL)
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
def test_link_for_a_day_in_the_past_is_refused_by_the_service():
    from django.core.exceptions import ValidationError

    user = UserFactory(time_zone="UTC")
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=UTC)), pytest.raises(ValidationError):
        share_link_create(user=user, label="", valid_through=date(2026, 11, 30))
    assert not ShareLink.objects.exists()


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
    with time_machine.travel(datetime.now().astimezone(), tick=False):  # one rate-limit window
        statuses = [
            client.get(reverse("certificates:shared_record", args=[f"guess-{i}"])).status_code
            for i in range(62)
        ]
    assert statuses[:60] == [404] * 60
    assert statuses[-1] == 429


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
