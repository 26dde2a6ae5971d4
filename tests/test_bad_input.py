"""Bad input in an address: a control character is a 400 with the site's page, never a 500 (on
PostgreSQL a NUL byte in a query is an error); a code typed into a form that becomes part of an
address is checked first."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory


@pytest.mark.parametrize(
    ("address", "signed_in"),
    [
        ("/verify/%00/", False),
        ("/me/calendar.ics?token=%00", False),
        ("/exam/%00/", True),
        ("/records/a%00b/", False),
        ("/practicums/?month=%1b", False),
        ("/programs/?%00=1", False),
    ],
)
def test_a_control_character_in_an_address_is_a_bad_request_page(client, db, address, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(address)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
    assert response.templates[0].name == "400.html"


def test_an_unknown_address_gets_the_sites_not_found_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_a_code_with_a_slash_is_refused_in_the_verify_form(client, db):
    response = client.post(reverse("certificates:verify_form"), {"code": "AB/CD"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "That is not a certificate code: it has 12 letters and digits, e.g. ACDE-FGHJ-KMNP."
    ]


def test_a_well_formed_code_is_looked_up_however_it_is_typed(client, db):
    response = client.post(reverse("certificates:verify_form"), {"code": " acde-fghj-kmnp "})
    assert response.status_code == 302
    assert response["Location"] == "/verify/ACDEFGHJKMNP/"
