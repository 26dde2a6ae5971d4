import re
from email import message_from_bytes, policy

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD, UserFactory

SIGNUP = {
    "full_name": "  Zoë   Łukasz Nguyễn ",
    "email": "zoe@example.org",
    "organization": "Riverside Elementary",
    "job_title": "Instructional coach",
    "password1": PASSWORD,
    "password2": PASSWORD,
}

LINK = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/")


def confirmation_link(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match.group(0).removeprefix(settings.SITE_URL)


@pytest.mark.django_db
def test_signup_sends_verification_and_verifying_logs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="zoe@example.org")
    assert user.full_name == "Zoë Łukasz Nguyễn"
    assert (user.organization, user.job_title) == ("Riverside Elementary", "Instructional coach")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zoe@example.org"]

    link = confirmation_link(mail.outbox[0].body)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_signup_verification_mail_as_eml_file(client, settings, tmp_path, django_capture_on_commit_callbacks):
    """`make run` writes mail to var/mail/*.eml; a person opens it and follows the link."""
    settings.EMAIL_BACKEND = "core.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "zoe@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    client.post(confirmation_link(body))
    assert EmailAddress.objects.get(email="zoe@example.org").verified


@pytest.mark.django_db
def test_signup_with_taken_email_shows_error_and_creates_nothing(client):
    UserFactory(email="zoe@example.org")
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "ZOE@example.org"})
    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signup_with_weak_password_shows_error_and_creates_nothing(client):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too common." in html
    assert 'class="field field-invalid' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_without_name_is_refused(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "full_name": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_confirm_email_with_bad_key_says_so(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "This email confirmation link expired or is invalid" in response.content.decode()
    response = client.post("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code in (200, 404)
    assert response.status_code != 500


@pytest.mark.django_db
def test_login_before_verification_is_sent_to_verify(client):
    UserFactory(email="new@example.org", verified=False)
    response = client.post(reverse("account_login"), {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_login_with_wrong_password_shows_error(client):
    UserFactory(email="a@example.org")
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "wrong-password"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


@pytest.mark.django_db
def test_login_attempts_are_rate_limited(client):
    UserFactory(email="a@example.org")
    statuses = [
        client.post(reverse("account_login"), {"login": "a@example.org", "password": "wrong"}).status_code
        for _ in range(7)
    ]
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": PASSWORD})
    assert statuses[:5] == [200] * 5
    assert "Too many failed login attempts" in response.content.decode()
