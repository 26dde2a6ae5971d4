"""A shared record as the person who receives the link sees it: what it shows and hides, the view
it was made with, one item shared from its own page, and the certificates it lets them download."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from certificates.models import ShareLink
from certificates.services import share_link_create
from modules.tests.factories import enroll
from programs.tests.factories import ProgramFactory

from .factories import build_person, record_details

UTC = ZoneInfo("UTC")


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
    assert record_details(default) == {"Virtual Sessions 1–6": True, "Instructional Module 1": True}
    assert f'<a href="{url}?view=completed" aria-current="page">Completed only</a>' in default
    everything = client.get(url + "?view=all").content.decode()
    assert record_details(everything) == {
        "Virtual Sessions 1–6": True,
        "Instructional Module 1": True,
        "Instructional Module 2": False,
    }
    # each view its own cache entry
    assert record_details(client.get(url).content.decode()) == record_details(default)
    _, token_all = share_link_create(
        user=user, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), view="all"
    )
    assert (
        "Instructional Module 2"
        in client.get(reverse("certificates:shared_record", args=[token_all])).content.decode()
    )


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
