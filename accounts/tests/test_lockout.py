"""Failed sign-ins are limited per (account, address) and, more slowly, per account: a guesser
elsewhere cannot lock the person out, and wrong TOTP codes count against the account verified."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import reverse

from .factories import PASSWORD, UserFactory

WRONG = "The email address and/or password you specified are not correct."
ATTACKER = "203.0.113.66"
TOO_MANY = "Too many failed login attempts. Try again later."


def sign_in(client: Client, email: str, password: str, address: str):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_do_not_lock_the_account_elsewhere(client):
    UserFactory(email="a@example.org")
    attacker = [sign_in(client, "a@example.org", "wrong", ATTACKER).content.decode() for _ in range(6)]
    assert [WRONG in page for page in attacker] == [True] * 5 + [False]
    assert TOO_MANY in attacker[-1]
    assert TOO_MANY in sign_in(client, "a@example.org", PASSWORD, ATTACKER).content.decode()

    response = sign_in(Client(), "a@example.org", PASSWORD, "198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_wrong_passwords_from_many_addresses_hit_the_account_limit(client):
    UserFactory(email="a@example.org")
    pages = [
        sign_in(client, "a@example.org", "wrong", f"203.0.113.{address}").content.decode()
        for address in range(1, 11)
        for _ in range(3)
    ]
    assert [WRONG in page for page in pages] == [True] * 30
    assert TOO_MANY in sign_in(client, "a@example.org", "wrong", "203.0.113.11").content.decode()
    assert TOO_MANY in sign_in(Client(), "a@example.org", PASSWORD, "198.51.100.7").content.decode()


@pytest.mark.django_db
def test_one_address_cannot_spend_the_account_limit_alone(client, time_machine):
    UserFactory(email="a@example.org")
    time_machine.move_to("2025-03-01 09:00:00Z")
    pages = []
    for minute in (0, 6):  # two windows of the 5-per-5-minutes limit
        time_machine.move_to(f"2025-03-01 09:{minute:02d}:00Z")
        pages += [sign_in(client, "a@example.org", "wrong", ATTACKER).content.decode() for _ in range(5)]
    time_machine.move_to("2025-03-01 09:12:00Z")
    pages.append(sign_in(client, "a@example.org", "wrong", ATTACKER).content.decode())
    assert [WRONG in page for page in pages] == [True] * 10 + [False]
    assert TOO_MANY in pages[-1]
    assert sign_in(Client(), "a@example.org", PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_wrong_totp_codes_for_one_account_do_not_block_another_at_the_same_address():
    secret = generate_totp_secret()
    TOTP.activate(UserFactory(email="a@example.org"), secret)
    UserFactory(email="b@example.org")
    guesser = Client(REMOTE_ADDR=ATTACKER)
    assert sign_in(guesser, "a@example.org", PASSWORD, ATTACKER)["Location"] == reverse("mfa_authenticate")
    pages = [
        guesser.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR=ATTACKER).content.decode()
        for _ in range(12)
    ]
    assert ["Incorrect code." in page for page in pages] == [True] * 5 + [False] * 7
    assert TOO_MANY in pages[-1]

    response = sign_in(Client(), "b@example.org", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_right_totp_code_still_works_for_the_account_below_its_limit():
    secret = generate_totp_secret()
    TOTP.activate(UserFactory(email="a@example.org"), secret)
    client = Client(REMOTE_ADDR=ATTACKER)
    sign_in(client, "a@example.org", PASSWORD, ATTACKER)
    for _ in range(4):
        client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR=ATTACKER)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_a_browser_that_signed_in_before_is_not_locked_out_by_a_distributed_guesser(client):
    UserFactory(email="a@example.org")
    own = Client()
    assert sign_in(own, "a@example.org", PASSWORD, "198.51.100.7").status_code == 302
    own.post(reverse("account_logout"), REMOTE_ADDR="198.51.100.7")
    for address in range(1, 11):
        for _ in range(3):
            sign_in(client, "a@example.org", "wrong", f"203.0.113.{address}")
    assert TOO_MANY in sign_in(Client(), "a@example.org", PASSWORD, "198.51.100.8").content.decode()

    response = sign_in(own, "A@example.org", PASSWORD, "198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


@pytest.mark.django_db
def test_a_known_browser_cookie_for_another_account_or_forged_does_not_lift_the_limit(client):
    UserFactory(email="a@example.org")
    other = UserFactory(email="b@example.org")
    browser = Client()
    assert sign_in(browser, other.email, PASSWORD, "198.51.100.7").status_code == 302
    browser.post(reverse("account_logout"), REMOTE_ADDR="198.51.100.7")
    for address in range(1, 11):
        for _ in range(3):
            sign_in(client, "a@example.org", "wrong", f"203.0.113.{address}")
    assert TOO_MANY in sign_in(browser, "a@example.org", PASSWORD, "198.51.100.7").content.decode()
    forged = Client()
    forged.cookies["credo_known"] = "a@example.org"
    assert TOO_MANY in sign_in(forged, "a@example.org", PASSWORD, "198.51.100.7").content.decode()
