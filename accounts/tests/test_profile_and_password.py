import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD, UserFactory

NEW_PASSWORD = "a-much-better-passphrase-42"


@pytest.mark.django_db
def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_profile_edit_saves_fields(client):
    user = UserFactory(full_name="Old Name")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "王芳",
            "organization": "Lakeside",
            "job_title": "Teacher",
            "time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.organization, user.job_title, user.time_zone) == (
        "王芳",
        "Lakeside",
        "Teacher",
        "America/New_York",
    )


@pytest.mark.django_db
def test_profile_bad_input_keeps_saved_values(client):
    user = UserFactory(full_name="Kept Name", time_zone="Europe/Paris")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "", "organization": "X", "job_title": "", "time_zone": "Mars/Olympus_Mons"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Select a valid choice. Mars/Olympus_Mons is not one of the available choices." in html
    user.refresh_from_db()
    assert (user.full_name, user.organization, user.time_zone) == (
        "Kept Name",
        "Example School District",
        "Europe/Paris",
    )


@pytest.mark.django_db
def test_profile_shows_times_in_own_zone(client):
    user = UserFactory(time_zone="Asia/Tokyo")
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert '<option value="Asia/Tokyo" selected>' in response.content.decode()


@pytest.mark.django_db
def test_password_reset_full_flow(client, django_capture_on_commit_callbacks):
    UserFactory(email="reset@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    key_link = re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/\S+/)"
    link = re.search(key_link, mail.outbox[0].body).group(1)

    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    set_password_url = response["Location"]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    client.logout()
    assert client.login(username="reset@example.org", password=NEW_PASSWORD)
    assert not User.objects.get(email="reset@example.org").check_password(PASSWORD)


@pytest.mark.django_db
def test_password_reset_bad_token_says_so(client):
    UserFactory(email="reset@example.org")
    response = client.get("/accounts/password/reset/key/1-not-a-token/", follow=True)
    assert response.status_code == 200
    assert "The password reset link was invalid" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_unknown_email_says_so(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "not assigned to any user account" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_change_needs_verification_of_the_new_address(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.org")
    client.post(reverse("account_login"), {"login": "old@example.org", "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"email": "new@example.org", "action_add": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@example.org"  # unchanged until the new address is confirmed
    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/confirm-email/\S+/)", message.body).group(1)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new@example.org"


@pytest.mark.django_db
def test_email_change_to_taken_address_is_refused(client):
    UserFactory(email="taken@example.org")
    UserFactory(email="me@example.org")
    client.post(reverse("account_login"), {"login": "me@example.org", "password": PASSWORD})
    response = client.post(reverse("account_email"), {"email": "taken@example.org", "action_add": ""})
    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.content.decode()


@pytest.mark.django_db
def test_profile_turns_session_reminders_off_and_on(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert (
        '<input type="checkbox" name="session_reminders" aria-describedby="id_session_reminders_helptext" '
        'id="id_session_reminders" checked> <label for="id_session_reminders">'
        "Email me a reminder before my sessions</label>"
    ) in html
    fields = {"full_name": user.full_name, "time_zone": user.time_zone}
    assert client.post(reverse("accounts:profile"), fields).status_code == 302  # box left unticked
    user.refresh_from_db()
    assert user.session_reminders is False
    client.post(reverse("accounts:profile"), {**fields, "session_reminders": "on"})
    user.refresh_from_db()
    assert user.session_reminders is True
