"""The badge design's admin page and My Certificates' LinkedIn links in a real browser: axe-clean,
the preview image loads, the link says which certificate it adds and opens in a new tab."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def test_staff_see_the_badge_preview_on_an_axe_clean_page(journey):
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.tests.factories import StaffFactory
    from certificates.models import BadgeDesign, CertificateDesign
    from programs.tests.factories import ProgramFactory

    program = ProgramFactory(title="Certified Learning Practitioner", kind="certification")
    CertificateDesign.objects.create(program=program)
    design = BadgeDesign.objects.create(program=program)
    staff = StaffFactory(email="badge-staff@example.org")
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(staff, secret)
    j = journey()
    page = j.log_in_to_admin(staff.email, secret)
    page = j.visit(f"/admin/certificates/badgedesign/{design.pk}/change/", shot="badge-design-change")
    preview = page.get_by_role("img", name="Badge of Certified Learning Practitioner").last
    expect(preview).to_have_js_property("naturalWidth", 512)
    j.visit("/admin/certificates/badgedesign/", shot="badge-design-list")
    j.visit("/admin/certificates/badgedesign/add/")


def test_my_certificates_offer_linkedin_for_a_certification(journey):
    from accounts.tests.factories import UserFactory
    from recertification.services import credential_grant
    from recertification.tests.factories import certification

    user = UserFactory(email="candidate@example.org")
    credential_grant(user=user, program=certification(), passed_on=date(2026, 3, 14))
    j = journey()
    j.go("/accounts/login/")
    j.log_in(user.email)
    page = j.visit("/me/certificates/", shot="my-certificates")
    link = page.get_by_role(
        "link", name="Add to LinkedIn (Certified Learning Practitioner, opens in a new tab)"
    )
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener")
    expect(link).to_have_attribute("href", re.compile(r"^https://www\.linkedin\.com/profile/add\?startTask="))
