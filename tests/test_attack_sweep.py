"""The attack sweep: every URL, generated from the URLconf so that a new one cannot escape.

- Pages with personal data: an anonymous visitor is sent to log in; another person gets 404.
- Pages opened by a token instead of a login: an explicit list, each with a made-up token (404),
  an expired or revoked one (410) where that exists, and rate limits where guessing could pay.
- Every POST is refused without a CSRF token.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.factories import StaffFactory, UserFactory
from badges.models import SigningKey, StatusList
from badges.services import credential_jws
from certificates.services import share_link_create
from certificates.tests.factories import issue
from modules.models import AidSubmission
from modules.services import attempt_start, attempt_submit
from modules.tests.factories import JobAidFactory, LessonFactory, ModuleFactory, add_question, enroll
from practicums.services import calendar_feed_get_or_create
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.selectors import guide_request_token
from programs.services import GuideRequestData, guide_request_create
from recertification.models import CEActivity, Exam, ExamInvitation
from recertification.services import credential_grant

UTC = ZoneInfo("UTC")


def all_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(("admin/", "accounts/")):
                    continue  # Django's admin and allauth: covered by their own tests and ours
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


PUBLIC = {
    "home", "program_detail", "instructors", "healthz", "robots", "programs:catalog", "programs:guide", "programs:resource",
    "programs:contact", "programs:webinars", "practicums:schedule", "practicums:calendar", "practicums:detail",
    "certificates:verify_form", "certificates:verify", "help:index", "help:page",
    "badges:issuer", "badges:achievement", "badges:image", "badges:key", "badges:status_list", "badges:did",
}  # fmt: skip
# Opened by a token instead of (or on top of) a login.
TOKEN = {
    "certificates:shared_record",
    "certificates:shared_certificate",
    "practicums:my_calendar_feed",
    "recertification:exam",
    "programs:guide_ready",
    "programs:guide_download",
}
# Staff (instructors) only.
STAFF = {
    "practicums:instructor",
    "practicums:instructor_code",
    "practicums:instructor_qr",
    "practicums:instructor_checkins",
}
# Personal pages and actions: login required; an object of someone else's is a 404.
PRIVATE_OBJECTS = {
    "modules:detail", "modules:lesson", "modules:lesson_done", "modules:lesson_attachment", "modules:worksheet",
    "modules:aid_upload", "modules:assessment", "modules:attempt", "modules:submission", "practicums:move",
    "practicums:confirm_offer", "certificates:pdf", "certificates:record_item", "certificates:link_revoke",
    "certificates:link_create_item", "recertification:evidence", "badges:download_jwt", "badges:download_png",
}  # fmt: skip
# Personal pages about the logged-in person only (no object of anyone else's in the URL).
PRIVATE_SELF = {
    "dashboard", "accounts:profile", "practicums:register", "practicums:funding_letter", "practicums:attendance",
    "practicums:my_calendar", "practicums:my_calendar_reset", "certificates:mine", "certificates:zip",
    "certificates:record", "certificates:record_pdf", "certificates:link_create", "recertification:ce",
    "recertification:ce_event_join", "recertification:recertify",
}  # fmt: skip
POST_ONLY = {
    "modules:lesson_done", "modules:aid_upload", "practicums:confirm_offer", "certificates:link_revoke",
    "practicums:my_calendar_reset", "certificates:link_create", "recertification:ce_event_join", "recertification:recertify",
    "certificates:link_create_item",
}  # fmt: skip


def test_every_url_is_classified():
    classified = PUBLIC | TOKEN | STAFF | PRIVATE_OBJECTS | PRIVATE_SELF
    assert all_url_names() - classified == set(), "a new URL must be added to the attack sweep"
    assert classified - all_url_names() == set()


@pytest.fixture
def world(db):
    """Person A with one of everything; the URL arguments for each named URL."""
    owner = UserFactory()
    module = ModuleFactory(program__slug="cert")
    program = module.program
    add_question(module.assessment, "single", [("a", True), ("b", False)])
    lesson = LessonFactory(module=module)
    lesson.attachment.save("handout.pdf", ContentFile(b"%PDF-1.7 handout"), save=True)
    aid = JobAidFactory(module=module)
    aid.worksheet.save("worksheet.pdf", ContentFile(b"%PDF-1.7 sheet"), save=True)
    enroll(owner, program)
    practicum = PracticumFactory(program=program)
    registration = register(owner, practicum)
    start = datetime.now(UTC) - timedelta(hours=1)
    session = make_session(practicum, "Day 1", start, start + timedelta(hours=3))
    attempt = attempt_start(user=owner, assessment=module.assessment)
    attempt_submit(attempt=attempt, answers={})
    submission = AidSubmission.objects.create(
        user=owner,
        job_aid=aid,
        file=ContentFile(b"%PDF-1.7", name="mine.pdf"),
        original_name="mine.pdf",
        content_type="application/pdf",
        size=8,
    )
    certificate = issue(owner, program)
    credential_jws(certificate=certificate)  # a signing key and a status list to fetch
    _, share_token = share_link_create(
        user=owner, label="", valid_through=datetime.now(UTC).date() + timedelta(days=7), program_ids=[]
    )
    feed = calendar_feed_get_or_create(user=owner)
    exam = Exam.objects.create(program=program, assessment=module.assessment)
    invitation = ExamInvitation.objects.create(
        user=owner, exam=exam, practicum=practicum, issued_at=start, expires_at=start + timedelta(days=30)
    )
    credential_grant(user=owner, program=program, passed_on=start.date())
    from recertification.demo import seed_ce_events

    event = seed_ce_events(program, start.date())[0]
    share_link = owner.share_links.get()
    guide = guide_request_create(
        program=program, data=GuideRequestData(name="A", email="a@example.org", organization="", question="")
    )
    guide_token = {"slug": program.slug, "token": guide_request_token(request=guide)}
    activity = CEActivity.objects.create(
        user=owner, program=program, kind="course", title="Workshop", date=start.date(), hours=2,
        evidence=ContentFile(b"%PDF-1.7 evidence", name="evidence.pdf"), evidence_name="evidence.pdf",
    )  # fmt: skip
    kwargs = {
        "programs:guide_ready": guide_token, "programs:guide_download": guide_token,
        "program_detail": {"slug": program.slug}, "programs:guide": {"slug": program.slug},
        "programs:resource": {"slug": program.slug, "pk": 999}, "practicums:detail": {"pk": practicum.pk},
        "certificates:verify": {"code": certificate.verification_code}, "practicums:register": {"slug": program.slug},
        "practicums:funding_letter": {"slug": program.slug}, "modules:detail": {"pk": module.pk},
        "modules:lesson": {"pk": module.pk, "lesson_pk": lesson.pk}, "modules:lesson_done": {"pk": module.pk, "lesson_pk": lesson.pk},
        "modules:lesson_attachment": {"pk": module.pk, "lesson_pk": lesson.pk},
        "modules:worksheet": {"pk": module.pk, "aid_pk": aid.pk}, "modules:aid_upload": {"pk": module.pk, "aid_pk": aid.pk},
        "modules:assessment": {"pk": module.pk}, "modules:attempt": {"pk": module.pk, "attempt_pk": attempt.pk},
        "modules:submission": {"pk": submission.pk}, "practicums:move": {"pk": registration.pk},
        "practicums:confirm_offer": {"pk": registration.pk}, "certificates:pdf": {"pk": certificate.pk},
        "certificates:record_item": {"key": f"module-{module.pk}"}, "certificates:link_revoke": {"pk": share_link.pk},
        "certificates:link_create_item": {"key": f"module-{module.pk}"},
        "certificates:shared_record": {"token": share_token}, "help:page": {"slug": "attendance-codes"},
        "certificates:shared_certificate": {"token": share_token, "pk": certificate.pk},
        "recertification:exam": {"token": invitation.token}, "recertification:ce_event_join": {"pk": event.pk},
        "recertification:recertify": {"slug": program.slug}, "practicums:instructor_code": {"pk": session.pk},
        "practicums:instructor_qr": {"pk": session.pk}, "practicums:instructor_checkins": {"pk": session.pk},
        "recertification:evidence": {"pk": activity.pk},
        "badges:achievement": {"key": f"module-{module.pk}"}, "badges:image": {"slug": program.slug},
        "badges:key": {"kid": SigningKey.objects.get().kid}, "badges:status_list": {"pk": StatusList.objects.get().pk},
        "badges:download_jwt": {"pk": certificate.pk}, "badges:download_png": {"pk": certificate.pk},
    }  # fmt: skip
    return {
        "owner": owner,
        "kwargs": kwargs,
        "feed": feed,
        "share_link": share_link,
        "share_token": share_token,
        "invitation": invitation,
    }


def url(world, name: str) -> str:
    return reverse(name, kwargs=world["kwargs"].get(name))


def request(client, name: str, path: str):
    return client.post(path) if name in POST_ONLY else client.get(path)


@pytest.mark.parametrize("name", sorted(PRIVATE_OBJECTS | PRIVATE_SELF | STAFF | {"recertification:exam"}))
def test_anonymous_visitors_are_sent_to_log_in(world, client, name):
    response = request(client, name, url(world, name))
    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("account_login")), name


# Program content: open to the people enrolled in it; anyone else gets 404 (no hint it exists).
CONTENT = {
    "modules:detail", "modules:lesson", "modules:lesson_done", "modules:lesson_attachment", "modules:worksheet",
    "modules:aid_upload", "modules:assessment", "certificates:record_item", "certificates:link_create_item",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PRIVATE_OBJECTS | {"recertification:exam"}))
def test_someone_elses_objects_are_404(world, client, name):
    stranger = UserFactory()
    if name not in CONTENT:
        enroll(stranger, world["invitation"].exam.program)  # personal objects: 404 even in the same program
    client.force_login(stranger)
    assert request(client, name, url(world, name)).status_code == 404, name


@pytest.mark.parametrize("name", sorted(PRIVATE_OBJECTS | {"recertification:exam"}))
def test_staff_without_a_second_factor_get_no_more_than_a_participant(world, client, name):
    client.force_login(StaffFactory())  # a superuser (every permission) who has not set up TOTP
    assert request(client, name, url(world, name)).status_code == 404, name


def test_content_and_personal_lists_cover_every_object_url():
    assert CONTENT <= PRIVATE_OBJECTS


@pytest.mark.parametrize("name", sorted(STAFF))
def test_participants_cannot_open_instructor_pages(world, client, name):
    client.force_login(world["owner"])
    assert client.get(url(world, name)).status_code == 403


@pytest.mark.parametrize("name", sorted(PUBLIC - {"programs:resource"}))
def test_public_pages_answer_anonymous_visitors(world, client, name):
    assert client.get(url(world, name)).status_code == 200, name


def test_token_pages_made_up_tokens_are_404(world, client):
    assert client.get(reverse("certificates:shared_record", args=["made-up"])).status_code == 404
    assert client.get(reverse("certificates:shared_certificate", args=["made-up", 1])).status_code == 404
    assert client.get(reverse("practicums:my_calendar_feed"), {"token": "made-up"}).status_code == 404
    client.force_login(world["owner"])
    assert client.get(reverse("recertification:exam", args=["made-up"])).status_code == 404
    assert client.get(reverse("certificates:verify", args=["MADEUPCODE12"])).status_code == 404
    slug = world["kwargs"]["programs:guide"]["slug"]
    assert client.get(reverse("programs:guide_ready", args=[slug, "made-up"])).status_code == 404
    assert client.get(reverse("programs:guide_download", args=[slug, "made-up"])).status_code == 404


def test_token_pages_expired_or_revoked_are_410(world, client):
    from certificates.services import share_link_revoke

    share_link_revoke(link=world["share_link"])
    assert client.get(url(world, "certificates:shared_record")).status_code == 410
    assert client.get(url(world, "certificates:shared_certificate")).status_code == 410
    invitation = world["invitation"]
    invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    invitation.save()
    client.force_login(world["owner"])
    assert client.get(invitation.get_absolute_url()).status_code == 410


def test_token_pages_are_rate_limited(world, client):
    with time_machine.travel(datetime.now(UTC), tick=False):  # one window: 61 guesses never straddle two
        codes = [
            client.get(reverse("certificates:shared_certificate", args=[f"guess{i}", 1])).status_code
            for i in range(61)
        ]
    assert codes[-1] == 429


# Pages that take a form as well as showing one.
FORMS = {
    "programs:contact",
    "programs:guide",
    "practicums:attendance",
    "certificates:verify_form",
    "accounts:profile",
    "recertification:ce",
    "practicums:register",
    "modules:assessment",
    "practicums:move",
}


@pytest.mark.parametrize("name", sorted(POST_ONLY | FORMS))
def test_every_post_needs_a_csrf_token(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["owner"])
    response = client.post(url(world, name), {})
    assert response.status_code == 403, name
