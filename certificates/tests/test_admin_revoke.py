"""Staff revoke certificates from the admin list: a confirmation page asks for the reason, only
valid certificates are revoked, and the history says who did it and why."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from certificates.models import Certificate, CertificateEvent
from certificates.services import certificate_reissue

from .factories import issue

pytestmark = pytest.mark.django_db
URL = "admin:certificates_certificate_changelist"


def staff_client(client):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return staff


def test_revoking_asks_for_a_reason_then_revokes_the_valid_ones(client):
    staff = staff_client(client)
    live = issue(UserFactory(full_name="Ana Example"), key="module:1")
    old = issue(key="module:2")
    certificate_reissue(certificate=old, by=staff, reason="Name fixed")
    chosen = {"action": "revoke", ACTION_CHECKBOX_NAME: [live.pk, old.pk]}

    page = client.post(reverse(URL), chosen).content.decode()
    assert "Revoke 1 certificate" in page
    assert f"{live.display_code}: Writing learning objectives (Ana Example" in page
    assert old.display_code not in page

    empty = client.post(reverse(URL), {**chosen, "confirm": "Revoke", "reason": " "})
    assert "This field is required." in empty.content.decode()
    assert Certificate.objects.filter(status=Certificate.Status.REVOKED).count() == 0

    reason = {"confirm": "Revoke", "reason": "Issued in error"}
    done = client.post(reverse(URL), {**chosen, **reason}, follow=True)
    assert "Revoked 1 certificate(s)." in done.content.decode()
    live.refresh_from_db()
    old.refresh_from_db()
    assert (live.status, live.revoked_reason) == (Certificate.Status.REVOKED, "Issued in error")
    assert old.status == Certificate.Status.SUPERSEDED
    event = CertificateEvent.objects.get(action=CertificateEvent.Action.REVOKED)
    assert (event.certificate_id, event.by_id, event.reason) == (live.pk, staff.pk, "Issued in error")
