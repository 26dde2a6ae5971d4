"""The client's address comes from X-Forwarded-For only as far as CREDO_TRUSTED_PROXY_COUNT
proxies vouch for it; every rate limit (django-ratelimit and allauth) uses it."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from core.client_ip import client_ip

PROXY = "10.0.0.2"
TOO_MANY = "Too many failed login attempts. Try again later."


def guess(client: Client, n: int, **headers) -> int:
    url = reverse("certificates:shared_record", args=[f"guess-{n}"])
    return client.get(url, REMOTE_ADDR=PROXY, **headers).status_code


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", PROXY),  # no trusted proxy: the header is the client's word
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 198.51.100.2, 203.0.113.7", "203.0.113.7"),  # prepended addresses ignored
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, "", PROXY),  # not through the proxy (a health check on the app's port)
        (2, "203.0.113.7", PROXY),
        (1, "not-an-address", PROXY),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_ip_takes_the_address_the_trusted_proxies_saw(settings, count, forwarded, expected):
    settings.CREDO_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_two_clients_behind_the_proxy_are_limited_separately(client, settings):
    settings.CREDO_TRUSTED_PROXY_COUNT = 1
    first = [guess(client, n, HTTP_X_FORWARDED_FOR="203.0.113.1") for n in range(61)]
    assert first == [404] * 60 + [429]
    assert guess(client, 61, HTTP_X_FORWARDED_FOR="203.0.113.2") == 404


@pytest.mark.django_db
def test_a_forwarded_header_is_ignored_without_trusted_proxies(client, settings):
    settings.CREDO_TRUSTED_PROXY_COUNT = 0
    statuses = [guess(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(61)]
    assert statuses == [404] * 60 + [429]


@pytest.mark.django_db
def test_a_client_cannot_escape_the_limit_by_prepending_addresses(client, settings):
    settings.CREDO_TRUSTED_PROXY_COUNT = 1
    statuses = [guess(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.1") for n in range(61)]
    assert statuses == [404] * 60 + [429]


@pytest.mark.django_db
def test_sign_in_limits_count_each_client_behind_the_proxy(client, settings):
    settings.CREDO_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="a@example.org")
    url = reverse("account_login")
    data = {"login": "a@example.org", "password": "wrong"}
    for _ in range(5):
        client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    refused = client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.66")
    assert TOO_MANY in refused.content.decode()

    data = {"login": "a@example.org", "password": PASSWORD}
    response = Client().post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
