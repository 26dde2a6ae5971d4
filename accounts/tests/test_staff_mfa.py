import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from .factories import PASSWORD, StaffFactory, UserFactory


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.django_db
def test_admin_login_page_sends_to_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_staff_without_totp_must_enrol_before_admin(client):
    client.force_login(StaffFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    response = client.get("/admin/accounts/user/")
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
def test_staff_with_totp_logs_in_with_code_and_reaches_admin(client):
    staff = StaffFactory(email="staff@example.org")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = client.post(reverse("account_login"), {"login": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not logged in until the code is given

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_non_staff_cannot_open_admin(client):
    client.force_login(UserFactory())
    assert client.get("/admin/", follow=True).status_code == 403


@pytest.mark.django_db
def test_staff_logs_in_sets_up_authenticator_and_continues_where_they_were_going(client):
    """One path: log in, set up the authenticator (no second password prompt), see the recovery
    codes once, "Continue" to the page asked for."""
    staff = StaffFactory(email="new-staff@example.org")
    asked = "/admin/practicums/practicum/?status__exact=scheduled"
    login = client.get(asked, follow=True).redirect_chain[-1][0]
    assert (
        login
        == f"{reverse('account_login')}?next=%2Fadmin%2Fpracticums%2Fpracticum%2F%3Fstatus__exact%3Dscheduled"
    )
    response = client.post(login, {"login": "new-staff@example.org", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200  # the authenticator's QR code, no password asked again
    assert [str(m) for m in response.context["messages"]][-1:] == [
        "Staff accounts need two-factor authentication. Set up an authenticator app to continue."
    ]
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    html = response.content.decode()
    codes = Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES).wrap()
    assert all(code in html for code in codes.get_unused_codes())
    assert response.context["continue_url"] == asked
    assert re.search(
        r'<a href="/admin/practicums/practicum/\?status__exact=scheduled" class="button"\s*>Continue</a>',
        html,
    )

    again = client.get(reverse("mfa_view_recovery_codes"))
    assert again.context["continue_url"] is None
    assert not any(code in again.content.decode() for code in codes.get_unused_codes())
    assert client.get(asked).status_code == 200


@pytest.mark.django_db
def test_instructor_is_told_to_set_up_an_authenticator_to_continue(client):
    client.force_login(StaffFactory())
    response = client.get("/instructor/", follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Staff accounts need two-factor authentication. Set up an authenticator app to continue."
    ]


@pytest.mark.django_db
def test_setting_up_an_authenticator_long_after_logging_in_asks_for_the_password(client):
    StaffFactory(email="new-staff@example.org")
    with time_machine.travel("2027-01-04 09:00Z", tick=False):
        client.post(reverse("account_login"), {"login": "new-staff@example.org", "password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
    with time_machine.travel("2027-01-04 09:06Z", tick=False):
        response = client.get(reverse("mfa_activate_totp"))
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
