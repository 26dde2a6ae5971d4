"""The dashboard's link to a certification's certificate while its PDF is being rendered (#18 §0)."""

from datetime import date

import pytest
from django.urls import reverse

from certificates.services import certificate_render
from certificates.tests.factories import issue
from recertification.models import Credential

pytestmark = pytest.mark.django_db


def test_the_dashboard_says_the_certification_certificate_is_being_prepared(client):
    certificate = issue(key="credential:1", rendered=False)
    Credential.objects.create(
        user=certificate.user, program=certificate.program, number="CLP-1", certificate=certificate,
        valid_from=date(2026, 11, 20), valid_until=date(2029, 11, 19),
    )  # fmt: skip
    client.force_login(certificate.user)
    download = reverse("certificates:pdf", args=[certificate.pk])
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your certificate is being prepared" in html
    assert download not in html
    certificate_render(certificate_id=certificate.pk)
    html = client.get(reverse("dashboard")).content.decode()
    assert "being prepared" not in html
    assert download in html
