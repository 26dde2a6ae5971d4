"""Response headers every page carries: a strict Content-Security-Policy, `private, no-store` on
personal pages, and emailed links on the configured site whatever the request's Host header."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from certificates.tests.factories import issue
from modules.tests.factories import ModuleFactory, enroll

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "frame-ancestors": "'none'", "form-action": "'self'", "base-uri": "'none'", "object-src": "'none'",
}  # fmt: skip


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


@pytest.fixture
def learner(db):
    user = UserFactory()
    module = ModuleFactory()
    enroll(user, module.program)
    return user, module


@pytest.mark.parametrize(
    "address", ["/", "/programs/", "/help/", "/accounts/login/", "/verify/", "/no-such-page/", "/verify/%00/"]
)
def test_every_public_page_carries_the_strict_policy(client, db, address):
    response = client.get(address)
    assert policy(response) == POLICY


def test_personal_pages_carry_the_strict_policy(client, learner):
    user, module = learner
    client.force_login(user)
    for address in ["/me/", reverse("modules:detail", args=[module.pk]), reverse("certificates:record")]:
        assert policy(client.get(address)) == POLICY, address


def test_the_admin_may_use_inline_styles_and_nothing_else_inline(client, db):
    """Django's admin sets inline styles (filter boxes, the calendar): allowed there only."""
    from accounts.tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    response = client.get("/admin/login/")
    assert policy(response) == {**POLICY, "style-src": "'self' 'unsafe-inline'"}
    assert policy(client.get("/programs/")) == POLICY


def test_personal_pages_are_never_stored(client, learner):
    user, module = learner
    certificate = issue(user, module.program)
    client.force_login(user)
    addresses = [
        "/me/", "/me/profile/", "/me/certificates/", "/me/record/", "/me/ce/", "/me/calendar/",
        reverse("practicums:attendance"), reverse("modules:detail", args=[module.pk]),
        reverse("modules:assessment", args=[module.pk]), reverse("certificates:pdf", args=[certificate.pk]),
        "/accounts/email/",
    ]  # fmt: skip
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Cache-Control"] == "private, no-store", address


def test_the_personal_calendar_feed_is_never_stored(client, learner):
    user, _ = learner
    client.force_login(user)
    client.post(reverse("practicums:my_calendar"))
    token = user.calendar_feed.token
    client.logout()
    response = client.get(reverse("practicums:my_calendar_feed"), {"token": token})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_may_be_stored(client, db):
    assert "Cache-Control" not in client.get("/programs/")


def test_a_password_reset_link_is_on_the_configured_site_whatever_the_host_header(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    UserFactory(email="reset@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"), {"email": "reset@example.org"}, HTTP_HOST="127.0.0.1:6666"
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "127.0.0.1:6666" not in message.body
    links = re.findall(r"https?://\S+", message.body)
    assert links
    assert all(link.startswith(settings.SITE_URL + "/") for link in links), links


def test_a_confirmation_link_is_on_the_configured_site_whatever_the_host_header(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD,
             "full_name": "New Person", "time_zone": "America/Los_Angeles"},
            HTTP_HOST="evil.example:8443",
        )  # fmt: skip
    [message] = mail.outbox
    assert "evil.example" not in message.body
    assert f"{settings.SITE_URL}/accounts/confirm-email/" in message.body


def test_a_share_link_email_is_on_the_configured_site_whatever_the_host_header(
    client, learner, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["*"]
    user, _ = learner
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:link_create"),
            {"label": "principal", "expiry": "30", "view": "completed", "email_to": "head@school.example"},
            HTTP_HOST="evil.example",
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "evil.example" not in message.body
    assert f"{settings.SITE_URL}/records/" in message.body
