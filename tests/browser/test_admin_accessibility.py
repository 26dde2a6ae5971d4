"""Every admin page is axe-clean (no serious or critical violations), like the public pages.

The pages are generated from the admin registry, so a model or a custom admin view added later
is checked without anyone remembering to list it: the index, each app's index, and for every
registered model its list, add and change pages plus each URL its ModelAdmin adds
to the standard ones. A model with no row to open fails the test until this file seeds one.
"""

import io
import re
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import URLPattern, reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import totp_now

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(900)]

STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change")
# A custom admin URL's arguments other than the row's pk: a value each accepts.
SAMPLE_ARGUMENTS = {"reason": "never_opened"}


def seed_one_of_each():
    """The demo data, plus a row of each model the demo does not make."""
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.tests.factories import StaffFactory, UserFactory
    from certificates.models import BadgeDesign, Certificate, CertificateDesign, EmailBatch
    from certificates.services import batch_start
    from certificates.tests.factories import issue
    from modules.models import AidSubmission, JobAid, Module
    from modules.services import attempt_start
    from practicums.models import Practicum, Registration, RegistrationMove, Session, SetCompletion
    from practicums.services import attendance_correct
    from programs.models import ContactMessage, GuideRequest, Program
    from recertification.models import CEActivity, Credential, Exam, ExamInvitation

    Group.objects.get_or_create(name="Instructors")  # a data migration's, gone after a flush
    call_command("seed_demo", stdout=io.StringIO())
    staff = StaffFactory(email="axe-admin@example.org", is_superuser=True)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(staff, secret)
    program = Program.objects.filter(kind="certification").first()
    learner = UserFactory(full_name="Robin Learner")
    GuideRequest.objects.create(program=program, name="Robin Learner", email="robin@example.org")
    ContactMessage.objects.create(name="Robin", email="robin@example.org", subject="Dates", message="When?")
    module = Module.objects.filter(program=program).first()
    attempt_start(user=learner, assessment=module.assessment)
    job_aid = JobAid.objects.filter(module__program=program).first() or JobAid.objects.create(
        module=module, title="Worksheet"
    )
    upload = AidSubmission(
        user=learner, job_aid=job_aid, original_name="worksheet.pdf", content_type="application/pdf", size=4
    )
    upload.file.save("worksheet.pdf", ContentFile(b"%PDF"), save=True)
    practicums = list(Practicum.objects.filter(program=program, kind="practicum").order_by("starts_on")[:2])
    registration = Registration.objects.filter(practicum=practicums[0]).first()
    if registration is None:
        from practicums.tests.factories import register

        registration = register(learner, practicums[0])
    RegistrationMove.objects.create(
        user=registration.user,
        from_practicum=practicums[0],
        to_practicum=practicums[-1],
        moved_by=staff,
        reason="Asked to move",
    )
    past = timezone.now() - timedelta(days=1)
    session = Session.objects.create(
        practicum=practicums[0], title="Day 0", starts_at=past, ends_at=past + timedelta(hours=8)
    )
    attendance_correct(by=staff, attendee=registration.user, session=session, present=True, reason="Sheet")
    SetCompletion.objects.create(
        user=registration.user, practicum=practicums[0], completed_at=past, completed_on=past.date()
    )
    CertificateDesign.objects.get_or_create(program=program)
    BadgeDesign.objects.get_or_create(program=program)
    if not Certificate.objects.exists():
        issue(learner, program)
    batch_start(run_for=timezone.localdate())
    assert EmailBatch.objects.exists()
    exam = Exam.objects.filter(program=program).first()
    ExamInvitation.objects.create(
        user=learner,
        exam=exam,
        practicum=practicums[0],
        issued_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )
    Credential.objects.create(
        user=learner,
        program=program,
        number="CLP-0001",
        valid_from=date(2026, 1, 5),
        valid_until=date(2028, 1, 4),
    )
    CEActivity.objects.create(
        user=learner,
        program=program,
        kind="conference",
        title="Learning Leaders Summit — a long title that would push a column wide",
        date=date(2026, 8, 20),
        hours=Decimal("4.5"),
    )
    from outbox.models import OutboxMessage

    OutboxMessage.objects.create(  # a task the broker did not take (the sweep retries it)
        task_name="accounts.email_send",
        kwargs={"message": {"subject": "Welcome", "to": ["learner@example.org"]}},
        next_try_at=timezone.now(),
        attempts=1,
        last_error="OperationalError: Error 111 connecting to redis:6379. Connection refused.",
    )
    from badges.models import SigningKey, StatusList
    from signing.models import SigningCertificate

    now = timezone.now()
    SigningCertificate.objects.create(  # the #18 signing and badge keys, as first use records them
        sha256="ab" * 32, subject="CN=Credo signing", issuer="CN=Credo CA", serial="1", pem="-",
        not_before=now, not_after=now + timedelta(days=365), first_used_at=now,
    )  # fmt: skip
    SigningKey.objects.create(kid="key-1", public_jwk={"kty": "OKP", "crv": "Ed25519", "x": "AA"})
    StatusList.objects.create()
    from insight.models import Nudge
    from insight.services import nudge_templates_ensure

    nudge_templates_ensure()  # a data migration's, gone after a flush
    Nudge.objects.create(user=learner, program=program, reason="never_opened", detail="Modules open", sent_at=now,
                         sent_by=staff)  # fmt: skip
    return staff, secret


def admin_paths(user) -> tuple[list[str], list[str]]:
    """Every admin page `user` may open, and the models that have no row to open."""
    request = RequestFactory().get("/admin/")
    request.user = user
    paths = [reverse("admin:index")]
    missing = []
    for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
        paths.append(reverse("admin:app_list", kwargs={"app_label": app_label}))
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        obj = model._default_manager.order_by("pk").first()
        paths.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{prefix}_add"))
        if obj is None:
            missing.append(opts.label)
            continue
        paths.append(reverse(f"{prefix}_change", args=[obj.pk]))
        standard = {f"{opts.app_label}_{opts.model_name}_{view}" for view in STANDARD_VIEWS}
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name or pattern.name in standard:
                continue
            converters = pattern.pattern.converters
            kwargs = {name: SAMPLE_ARGUMENTS.get(name, obj.pk) for name in converters}
            paths.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
    return paths, missing


def test_every_admin_page_is_accessible(journey):

    staff, secret = seed_one_of_each()
    paths, missing = admin_paths(staff)
    assert not missing, f"no row to open for {missing}: seed one in seed_one_of_each()"

    j = journey()
    page = j.log_in_to_admin(staff.email, secret)

    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems, checked, started = [], 0, time.monotonic()
    for path in paths:
        response = page.goto(j.base + path)
        if response is None or response.status != 200:
            problems.append(f"{path}: status {response and response.status}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # an image or a CSV: nothing for axe to read
        checked += 1
        violations = axe.run(page).response["violations"]
        for v in violations:
            if v.get("impact") in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"]][:3]
                problems.append(f"{path}: {v['id']} ({v['impact']}, {len(v['nodes'])}×): {targets}")
    print(f"axe checked {checked} admin pages in {time.monotonic() - started:.0f}s")
    assert not problems, "\n".join(problems)
    assert checked > 3 * len(admin.site._registry)


# The elements that stick out past the window's right edge (none: the page does not scroll sideways).
WIDER_THAN_THE_WINDOW = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => getComputedStyle(e).visibility !== 'hidden')
  .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).join(', ')
"""


def test_admin_pages_for_the_review_at_1280px(journey):
    """Screenshots of the pages staff use most, at 1280 px wide, and no horizontal scrolling."""

    from practicums.models import Practicum

    staff, secret = seed_one_of_each()
    j = journey()
    page = j.log_in_to_admin(staff.email, secret)
    practicum = Practicum.objects.filter(kind="practicum").order_by("starts_on").first()
    wide = []
    for path, name in [
        (f"/admin/practicums/practicum/{practicum.pk}/change/", "practicum-change"),
        (f"/admin/practicums/practicum/{practicum.pk}/attendance/", "attendance"),
        ("/admin/recertification/ceactivity/", "ce-review"),
        ("/admin/", "index"),
    ]:
        j.go(path)
        j.shot(name)
        overflow = page.evaluate(WIDER_THAN_THE_WINDOW)
        if overflow:
            wide.append(f"{path}: {overflow}")
    assert wide == [], "pages that scroll sideways at 1280px: " + "; ".join(wide)
    expect(page.locator("#content-main caption").first).to_be_visible()
    sections = [t.strip().upper() for t in page.locator("#content-main caption").all_inner_texts()]
    assert len(sections) == len(set(sections)), sections  # one "Accounts" (allauth's), then "People"
    assert "PEOPLE" in sections


def test_staff_onboarding_from_login_to_the_page_asked_for(journey):
    """Log in, set up the authenticator (no second password), recovery codes once, Continue."""

    from accounts.tests.factories import StaffFactory

    StaffFactory(email="new-staff@example.org")
    j = journey()
    page = j.go("/admin/practicums/practicum/?status__exact=scheduled")
    j.log_in("new-staff@example.org")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.locator("body")).to_contain_text("Set up an authenticator app to continue.")
    j.axe()
    j.shot("activate")
    expect(page.locator("#authenticator_secret")).not_to_have_value("")
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", totp_now(secret))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.locator("#recovery_codes")).to_have_value(re.compile(r"^\s*(\S+\s+){9}\S+\s*$"))  # ten codes
    j.axe()
    j.shot("recovery-codes")
    page.click("a:has-text('Continue')")
    expect(page).to_have_url(j.base + "/admin/practicums/practicum/?status__exact=scheduled")
