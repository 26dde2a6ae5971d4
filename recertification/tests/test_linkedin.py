"""A certification's "Add to LinkedIn" link carries its credential's expiry (the last valid day)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.services import certificate_issue, certificate_reissue
from certificates.tests.test_linkedin import linkedin_links, set_certificate
from recertification.services import credential_grant

from .factories import certification


@pytest.mark.django_db
def test_a_certification_link_has_issue_and_expiry_month_of_its_credential(client, settings):
    settings.SITE_URL, settings.CREDO_SITE_NAME = "https://credo.example", "Credo Learning"
    user = UserFactory()
    credential = credential_grant(user=user, program=certification(), passed_on=date(2026, 3, 14))
    certificate = credential.certificate
    client.force_login(user)
    [(params, _, text)] = linkedin_links(client)
    assert credential.valid_until == date(2028, 3, 13)
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Certified Learning Practitioner",
        "organizationName": "Credo Learning",
        "issueYear": "2026",
        "issueMonth": "3",
        "expirationYear": "2028",
        "expirationMonth": "3",
        "certId": certificate.display_code,
        "certUrl": f"https://credo.example/verify/{certificate.verification_code}/",
    }
    assert text == "Add to LinkedIn (Certified Learning Practitioner, opens in a new tab)"


@pytest.mark.django_db
def test_a_reissued_certification_keeps_its_expiry(client):
    user = UserFactory()
    credential = credential_grant(user=user, program=certification(), passed_on=date(2026, 3, 14))
    new = certificate_reissue(certificate=credential.certificate, by=StaffFactory(), reason="Name corrected")
    client.force_login(user)
    [(params, _, _)] = linkedin_links(client)
    assert (params["certId"], params["expirationYear"], params["expirationMonth"]) == (
        new.display_code,
        "2028",
        "3",
    )


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        linkedin_links(client)
    return len(queries)


@pytest.mark.django_db
def test_my_certificates_queries_do_not_grow_with_certificates(client):
    user = UserFactory()
    program = certification()
    credential_grant(user=user, program=program, passed_on=date(2026, 3, 14))
    set_certificate(user, program)
    client.force_login(user)
    linkedin_links(client)  # the session is read once, then kept in the cache
    few = page_queries(client)
    credential_grant(user=user, program=program, passed_on=date(2028, 3, 14))
    for n in range(2, 6):
        certificate_issue(
            user=user, program=program, kind="set", source_key=f"set:{n}", title=f"Set {n}",
            hours=3, earned_on=date(2026, 7, n),
        )  # fmt: skip
    assert len(linkedin_links(client)) == 7
    assert page_queries(client) == few
