"""/verify/<code>/ answers machines: JSON for `Accept: application/json`, the page otherwise,
with a generous limit per address (issue #18, section 3)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.services import certificate_reissue, certificate_revoke

from .factories import issue

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://credo.example"
    settings.CREDO_SITE_NAME = "Credo Learning"


@pytest.mark.django_db
def test_verify_answers_json_with_what_the_page_shows(client, site):
    with time_machine.travel("2026-11-20 18:30:00+00:00", tick=False):
        certificate = issue(UserFactory(full_name="Ana Example"), earned_on=date(2026, 11, 20), hours="3.5")
    response = client.get(certificate.get_verify_url(), **JSON)
    code, url = certificate.display_code, f"https://credo.example/verify/{certificate.verification_code}/"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Vary"] == "Accept, Cookie"
    assert response.json() == {
        "code": code,
        "status": "valid",
        "verify_url": url,
        "name": "Ana Example",
        "achievement": {
            "title": "Writing learning objectives",
            "kind": "module",
            "kind_label": "On-demand module",
            "program": "Certified Learning Practitioner",
        },
        "hours": 3.5,
        "earned_on": "2026-11-20",
        "issued_at": "2026-11-20T18:30:00+00:00",
        "issuer": {"name": "Credo Learning", "url": "https://credo.example/"},
        "superseded_by": None,
        "supersedes": None,
        "revoked_reason": None,
    }


@pytest.mark.django_db
def test_verify_json_says_superseded_and_revoked_with_links(client, site):
    old = issue()
    new = certificate_reissue(certificate=old, by=StaffFactory(), reason="Name corrected")
    answer = client.get(old.get_verify_url(), **JSON).json()
    assert answer["status"] == "superseded"
    assert answer["superseded_by"] == {
        "code": new.display_code,
        "verify_url": f"https://credo.example/verify/{new.verification_code}/",
    }
    assert answer["revoked_reason"] is None
    certificate_revoke(certificate=new, by=StaffFactory(), reason="Issued in error")
    answer = client.get(new.get_verify_url(), **JSON).json()
    assert (answer["status"], answer["revoked_reason"], answer["superseded_by"]) == (
        "revoked",
        "Issued in error",
        None,
    )
    assert answer["supersedes"] == {
        "code": old.display_code,
        "verify_url": f"https://credo.example/verify/{old.verification_code}/",
    }


@pytest.mark.django_db
def test_verify_json_for_an_unknown_code_is_a_json_404(client):
    response = client.get(reverse("certificates:verify", args=["NOTAREALCODE"]), **JSON)
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "code": "NOTAREALCODE",
        "message": "We have not issued a certificate with this code.",
    }
    assert response["Vary"] == "Accept, Cookie"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept", [None, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*"]
)
def test_browsers_and_clients_without_accept_still_get_the_page(client, accept):
    certificate = issue(UserFactory(full_name="Ana Example"))
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(certificate.get_verify_url(), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<strong>Valid.</strong>" in response.content.decode()
    assert response["Vary"] == "Accept, Cookie"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_lookups_beyond_the_limit_get_429_with_retry_after(client, settings):
    settings.CREDO_VERIFY_LOOKUP_RATE = "3/m"
    certificate = issue()
    with time_machine.travel("2026-11-20 18:30:00+00:00", tick=False):
        codes = [client.get(certificate.get_verify_url(), **JSON).status_code for _ in range(3)]
        refused = client.get(certificate.get_verify_url(), **JSON)
        page = client.get(certificate.get_verify_url())
    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60
    assert refused.json() == {
        "error": "rate_limited",
        "message": f"Too many lookups from this address; try again in {retry_after} seconds.",
        "retry_after": retry_after,
    }
    assert page.status_code == 429
    assert page["Retry-After"] == str(retry_after)
    assert "Too many requests" in page.content.decode()
    with time_machine.travel("2026-11-20 18:31:01+00:00", tick=False):
        assert client.get(certificate.get_verify_url(), **JSON).status_code == 200  # the next minute


@pytest.mark.django_db
def test_another_address_is_not_limited_by_the_first(client, settings):
    settings.CREDO_VERIFY_LOOKUP_RATE = "1/m"
    certificate = issue()
    with time_machine.travel("2026-11-20 18:30:00+00:00", tick=False):
        assert client.get(certificate.get_verify_url(), **JSON).status_code == 200
        assert client.get(certificate.get_verify_url(), **JSON).status_code == 429
        other = client.get(certificate.get_verify_url(), REMOTE_ADDR="192.0.2.7", **JSON)
    assert other.status_code == 200
