"""How the #18 pages look and whether they are axe-clean, at 1280 and 390 px: My Certificates with
a certification, a set and a module certificate whose PDF is still being prepared (the page shows
its download by itself once the worker has stored it), /verify/ with each PDF and badge outcome,
the verify-by-code page and the badge design admin. Screenshots: var/screenshots/journeys/."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from accounts.tests.factories import StaffFactory, UserFactory
from badges.services import credential_jws
from certificates.models import BadgeDesign, Certificate
from certificates.services import certificate_issue, certificate_render, certificate_revoke
from certificates.tests.factories import issue
from recertification.services import credential_grant
from recertification.tests.factories import certification
from signing.tests.fixtures import one_byte_changed, simple_pdf
from tests.browser.conftest import submit
from tests.browser.test_journey_signed_credentials import elsewhere

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class Seen:
    user: object = None
    pending: Certificate | None = None
    live: Certificate | None = None
    revoked: Certificate | None = None
    unsigned: bytes = b""


def stored(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def seed(seen: Seen, settings) -> None:
    """A teacher's three certificates (the module's PDF not stored yet), someone's revoked one,
    and a PDF issued before signing was on, since replaced by a signed copy."""
    seen.user = UserFactory(email="teacher@example.org", full_name="Taylor Teacher")
    program = certification()
    credential_grant(user=seen.user, program=program, passed_on=date(2026, 3, 14))
    seen.live = certificate_issue(
        user=seen.user, program=program, kind=Certificate.Kind.SET, source_key="set:1",
        title="Summer live events", hours=Decimal("18"), earned_on=date(2026, 7, 24),
    )  # fmt: skip
    seen.pending = issue(seen.user, program, key="module:1", title="Writing learning objectives")
    Certificate.objects.filter(pk=seen.pending.pk).update(pdf="", pdf_sha256="")
    seen.revoked = issue(title="Assessment design")
    certificate_revoke(certificate=seen.revoked, by=None, reason="Issued in error")
    with override_settings(CREDO_SIGNING={**settings.CREDO_SIGNING, "ENABLED": False}):
        seen.unsigned = stored(issue(title="Coaching conversations"))
    call_command("certificates_sign_existing")


def both_widths(j, name: str) -> None:
    j.axe()
    j.shot(name)
    j.page.set_viewport_size({"width": 390, "height": 844})
    j.axe()
    j.shot(f"{name}-390")
    j.page.set_viewport_size({"width": 1280, "height": 900})


def test_certificate_pages_look_right_and_are_axe_clean(journey, signing_on, settings, tmp_path):
    seen = Seen()
    elsewhere(seed, seen, settings)
    j = journey()
    j.go("/accounts/login/")
    j.log_in(seen.user.email)
    page = j.go("/me/certificates/")
    expect(page.get_by_text("Your certificate is being prepared")).to_be_visible()
    both_widths(j, "my-certificates-preparing")
    elsewhere(lambda: certificate_render(certificate_id=seen.pending.pk))  # the worker, meanwhile
    expect(page.get_by_role("status")).to_have_text(
        "Your certificates are ready to download.", timeout=15_000
    )
    expect(page.get_by_role("link", name="PDF", exact=True)).to_have_count(3)
    both_widths(j, "my-certificates")

    genuine = stored(seen.live)
    uploads = {
        "genuine": (genuine, "Genuine file, unchanged since we signed it."),
        "replaced": (seen.unsigned, "Genuine, replaced by a signed copy."),
        "changed": (one_byte_changed(genuine), "Changed after signing."),
        "not-ours": (simple_pdf(), "Not a file we issued."),
    }
    page = j.go("/verify/")
    both_widths(j, "verify")
    for name, (data, verdict) in uploads.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        page.set_input_files("#id_pdf", str(path))
        submit(page)
        expect(page.locator(".verdict-box")).to_contain_text(verdict)
        both_widths(j, f"verify-pdf-{name}")
    for name, certificate, verdict in (
        ("valid", seen.live, "Valid badge."),
        ("revoked", seen.revoked, "Revoked badge."),
    ):
        page.fill("#id_badge_text", credential_jws(certificate=certificate))
        submit(page)
        expect(page.locator(".verdict-box")).to_contain_text(verdict)
        both_widths(j, f"verify-badge-{name}")
    for name, certificate in (("valid", seen.live), ("revoked", seen.revoked)):
        j.go(certificate.get_verify_url().replace(settings.SITE_URL, ""))
        both_widths(j, f"verify-code-{name}")

    design = BadgeDesign.objects.create(program=seen.live.program)
    staff = StaffFactory(email="badge-staff@example.org")
    TOTP.activate(staff, SECRET)
    admin = journey("-staff")
    page = admin.log_in_to_admin(staff.email, SECRET)
    admin.go(f"/admin/certificates/badgedesign/{design.pk}/change/")
    both_widths(admin, "badge-design")
