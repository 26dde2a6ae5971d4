"""My Certificates: "Add to LinkedIn" for live event sets (certifications: recertification's tests)."""

import html
import re
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from programs.tests.factories import ProgramFactory

from .factories import issue

LINK = re.compile(r'<a [^>]*href="(https://www\.linkedin\.com/profile/add\?[^"]*)"[^>]*>(.*?)</a>')


def linkedin_links(client) -> list[tuple[dict, str, str]]:
    """(the URL's parameters, the whole <a> tag, its text) for each LinkedIn link on My Certificates."""
    page = client.get(reverse("certificates:mine")).content.decode()
    found = []
    for match in LINK.finditer(page):
        url = urlsplit(html.unescape(match.group(1)))
        assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
        found.append((dict(parse_qsl(url.query)), match.group(0), re.sub(r"<[^>]+>", "", match.group(2))))
    return found


def set_certificate(user, program) -> Certificate:
    return certificate_issue(
        user=user,
        program=program,
        kind=Certificate.Kind.SET,
        source_key="set:1",
        title="Summer live events",
        hours=Decimal("18"),
        earned_on=date(2026, 7, 24),
    )


@pytest.mark.django_db
def test_a_live_event_set_gets_a_prefilled_add_to_linkedin_link(client, settings):
    settings.SITE_URL, settings.CREDO_SITE_NAME = "https://credo.example", "Credo Learning"
    user = UserFactory()
    certificate = set_certificate(user, ProgramFactory(title="Teaching with Evidence"))
    issue(user, certificate.program)  # a module: no link
    client.force_login(user)
    [(params, tag, text)] = linkedin_links(client)
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Summer live events — Teaching with Evidence",
        "organizationName": "Credo Learning",
        "issueYear": "2026",
        "issueMonth": "7",
        "certId": certificate.display_code,
        "certUrl": f"https://credo.example/verify/{certificate.verification_code}/",
    }
    assert 'target="_blank"' in tag
    assert 'rel="noopener"' in tag
    assert text == "Add to LinkedIn (Summer live events — Teaching with Evidence, opens in a new tab)"


@pytest.mark.django_db
def test_with_a_linkedin_organization_id_the_link_names_the_company_page(client, settings):
    settings.CREDO_LINKEDIN_ORGANIZATION_ID = "1337"
    user = UserFactory()
    set_certificate(user, ProgramFactory())
    client.force_login(user)
    [(params, _, _)] = linkedin_links(client)
    assert params["organizationId"] == "1337"
    assert "organizationName" not in params


@pytest.mark.django_db
def test_revoked_certificates_and_modules_get_no_linkedin_link(client):
    user = UserFactory()
    certificate_revoke(certificate=set_certificate(user, ProgramFactory()), by=StaffFactory(), reason="Error")
    issue(user)
    client.force_login(user)
    assert linkedin_links(client) == []
