"""The personal page cache (core.page_cache, docs/decisions/0009): a page served from the
cache is the page a person would get without it. Each test fills the cache first, then changes
something the way the product does (a service, a staff edit, time passing) and looks again."""

import os
import pickle  # nosec B403 (reads back what this test's own cache holds)
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke, share_link_create, share_link_revoke
from config import invalidation
from config.views import dashboard
from core import page_cache
from modules.services import lesson_mark_done
from modules.tests.factories import JobAidFactory, LessonFactory, ModuleFactory, enroll
from practicums.models import Registration, Session
from practicums.services import AttendanceError, attendance_record, registration_cancel
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def learner(client):
    user = UserFactory(full_name="Robin Learner")
    program = ProgramFactory(title="Certified Learning Practitioner")
    enroll(user, program)
    module = ModuleFactory(program=program, title="Writing objectives", appraised_hours=Decimal("2"))
    LessonFactory(module=module, title="Verbs that can be observed", order=0)
    LessonFactory(module=module, title="Conditions and criteria", order=1)
    JobAidFactory(module=module, title="Objective worksheet")
    client.force_login(user)
    return SimpleNamespace(user=user, program=program, module=module)


def module_certificate(learner) -> Certificate:
    module = learner.module
    with TestCase.captureOnCommitCallbacks(execute=True):  # the PDF task runs as the commit queues it
        certificate = certificate_issue(
            user=learner.user,
            program=learner.program,
            kind=Certificate.Kind.MODULE,
            source_key=f"module:{module.pk}",
            module=module,
            title=module.title,
            hours=Decimal("2"),
            earned_on=date.today(),
        )
    certificate.refresh_from_db()
    return certificate


def test_a_repeated_page_is_served_without_its_queries(client, learner):
    module = learner.module
    for url in (
        reverse("dashboard"),
        reverse("modules:detail", args=[module.pk]),
        reverse("certificates:record"),
    ):
        first = queries(client, url)
        again = queries(client, url)
        assert again == 0 < first, url  # the person and the page both come from the cache


def test_a_cached_page_and_the_person_come_in_one_cache_round_trip(client, learner, monkeypatch):
    """The signed-in person, the versions and the page they asked for are read together: a
    busy page costs the session and one more round trip to the cache."""
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys, *a, **k: reads.append(list(keys)) or get_many(keys, *a, **k)
    )
    url = reverse("modules:detail", args=[learner.module.pk])
    page(client, url)
    reads.clear()
    assert queries(client, url) == 0
    assert len(reads) == 1, reads
    assert f"data:user:{learner.user.pk}" in reads[0]
    assert page_cache.page_key(learner.user.pk, url, {}) in reads[0]


def test_progress_shows_at_once(client, learner):
    user = learner.user
    module = learner.module
    url = reverse("modules:detail", args=[module.pk])
    assert "Lessons done: 0 of 2" in page(client, url)
    lesson_mark_done(user=user, lesson=module.lessons.first())
    assert "Lessons done: 1 of 2" in page(client, url)


def test_a_staff_edit_shows_at_once(client, learner):
    module = learner.module
    assert "Writing objectives" in page(client, reverse("dashboard"))
    module.title = "Writing measurable objectives"
    module.save()
    assert "Writing measurable objectives" in page(client, reverse("dashboard"))


def test_a_cancelled_registration_leaves_the_dashboard_at_once(client, learner):
    user = learner.user
    program = learner.program
    practicum = PracticumFactory(program=program, title="Spring practicum in Denver")
    registration = Registration.objects.create(
        user=user, practicum=practicum, enrollment=user.enrollments.get(), status="confirmed"
    )
    assert "Spring practicum in Denver" in page(client, reverse("dashboard"))
    registration_cancel(registration=registration, reason="Changed plans")  # a QuerySet.update()
    assert "Spring practicum in Denver" not in page(client, reverse("dashboard"))


def test_a_revoked_certificate_leaves_the_record_at_once(client, learner):
    certificate = module_certificate(learner)
    download = reverse("certificates:pdf", args=[certificate.pk])
    assert download in page(client, reverse("certificates:record"))
    certificate_revoke(certificate=certificate, by=None, reason="Issued in error")  # a QuerySet.update()
    assert download not in page(client, reverse("certificates:record"))


def test_a_new_name_shows_on_the_record_at_once(client, learner):
    user = learner.user
    assert "Robin Learner" in page(client, reverse("certificates:record"))
    user.full_name = "Robin Q. Learner"
    user.save()
    assert "Robin Q. Learner" in page(client, reverse("certificates:record"))


def test_a_new_password_still_signs_out_other_sessions(learner):
    """The signed-in person comes from the cache, yet Django's session check still sees a new
    password (and a deactivated account) at once."""
    user = learner.user
    laptop, phone = Client(), Client()
    phone.force_login(user)
    page(phone, reverse("dashboard"))
    assert queries(phone, reverse("dashboard")) == 0
    user.set_password("a-new-long-passphrase")
    user.save()
    assert phone.get(reverse("dashboard")).status_code == 302  # to the login page
    laptop.force_login(user)  # signed in again, with the new password
    page(laptop, reverse("dashboard"))
    assert queries(laptop, reverse("dashboard")) == 0
    user.is_active = False
    user.save()
    assert laptop.get(reverse("dashboard")).status_code == 302


def test_a_module_page_opens_at_the_access_date_not_a_minute_later(client):
    user = UserFactory()
    opens = timezone.now() + timedelta(hours=2)
    enrollment = enroll(user, opens=opens)
    module = ModuleFactory(program=enrollment.program)
    client.force_login(user)
    url = reverse("modules:detail", args=[module.pk])
    with time_machine.travel(opens - timedelta(seconds=30), tick=False):
        assert "Lessons done" not in page(client, url)  # the locked page
    with time_machine.travel(opens + timedelta(seconds=1), tick=False):
        assert "Lessons done" in page(client, url)


def test_people_never_see_each_others_cached_pages(learner):
    user = learner.user
    program = learner.program
    other = UserFactory(full_name="Sam Other")
    enroll(other, program)
    mine, theirs = Client(), Client()
    mine.force_login(user)
    theirs.force_login(other)
    url = reverse("dashboard")
    assert "Robin Learner" in page(mine, url)
    html = page(theirs, url)
    assert "Sam Other" in html
    assert "Robin Learner" not in html


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_forms_on_a_cached_page_carry_a_working_csrf_token(learner):
    user = learner.user
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page(client, reverse("certificates:record"))  # fills the cache
    html = page(client, reverse("certificates:record"))  # from the cache
    assert "credo-csrf-" not in html
    response = client.post(
        reverse("certificates:link_create"),
        {"csrfmiddlewaretoken": csrf_of(html), "label": "For my principal", "expiry": "30", "view": "all"},
    )
    assert response.status_code == 302  # accepted: the link was made, not refused for CSRF (403)
    assert user.share_links.get().label == "For my principal"


def test_a_new_share_link_is_shown_once_and_never_cached(client, learner):
    page(client, reverse("certificates:record"))
    response = client.post(
        reverse("certificates:link_create"),
        {"label": "Principal", "expiry": "30", "view": "all"},
        follow=True,
    )
    url = re.search(r'readonly value="([^"]+)"', response.content.decode()).group(1)
    assert "/records/" in url
    assert url not in page(client, reverse("certificates:record"))
    assert url not in page(client, reverse("certificates:record"))


def test_a_shared_record_is_cached_without_its_token_and_stops_when_revoked(client, learner):
    user = learner.user
    module_certificate(learner)
    link, token = share_link_create(
        user=user, label="", valid_through=timezone.localdate() + timedelta(days=7), program_ids=[]
    )
    visitor = Client()
    url = reverse("certificates:shared_record", args=[token])
    page(visitor, url)
    html = page(visitor, url)
    assert reverse("certificates:shared_certificate", args=[token, user.certificates.get().pk]) in html
    stored = [pickle.loads(value) for value in cache._cache.values()]  # noqa: S301  # nosec B301 (LocMemCache in tests)
    assert any("Robin Learner" in str(value) for value in stored)  # the page is in the cache ...
    assert not any(token in str(value) for value in stored)  # ... without the link's secret
    assert "2 times" in page(client, reverse("certificates:record"))  # the owner sees the opens
    share_link_revoke(link=link)
    assert visitor.get(url).status_code == 410


def test_a_shared_record_follows_its_links_programs_at_once(learner):
    other = ProgramFactory(title="Assessment Literacy Series")
    enroll(learner.user, other)
    link, token = share_link_create(
        user=learner.user,
        label="",
        valid_through=timezone.localdate() + timedelta(days=7),
        program_ids=[learner.program.pk],
    )
    visitor = Client()
    url = reverse("certificates:shared_record", args=[token])
    page(visitor, url)
    assert "Assessment Literacy Series" not in page(visitor, url)  # from the cache
    link.programs.add(other)
    assert "Assessment Literacy Series" in page(visitor, url)


def test_a_waiting_message_is_shown_over_a_cached_page_and_only_once(learner):
    user = learner.user
    factory = RequestFactory()

    def request():
        req = factory.get(reverse("dashboard"))
        req.user = user
        req.session = session
        req._messages = FallbackStorage(req)
        return req

    session = SessionStore()
    dashboard(request())  # fills the cache
    req = request()
    req._messages.add(20, "Your seat is confirmed.")
    assert "Your seat is confirmed." in dashboard(req).content.decode()  # over the cached page
    assert get_messages(req).used  # shown, so it will not show again
    assert "Your seat is confirmed." not in dashboard(request()).content.decode()  # nor is it cached


def test_every_model_owned_by_a_person_says_whose_pages_show_it():
    """A new model with a person's data must say whose pages it changes (or that it shows on
    none, or on everyone's); otherwise each of its saves would empty everyone's cached pages."""
    for model in invalidation.models_shown():
        owned = any(
            field.concrete
            and field.is_relation
            and field.related_model._meta.label == settings.AUTH_USER_MODEL
            for field in model._meta.get_fields()
        )
        if owned and model._meta.label_lower not in invalidation.EXTERNAL:
            assert "cache_scope" in vars(model), f"{model._meta.label} must set cache_scope"


@pytest.mark.redis
def test_on_redis_with_the_production_backend(client, learner, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    url = reverse("modules:detail", args=[learner.module.pk])
    assert "Lessons done: 0 of 2" in page(client, url)
    assert queries(client, url) == 0  # served from Redis
    lesson_mark_done(user=learner.user, lesson=learner.module.lessons.first())
    assert "Lessons done: 1 of 2" in page(client, url)


def test_an_unpublished_module_is_gone_at_once(client, learner):
    url = reverse("modules:detail", args=[learner.module.pk])
    page(client, url)
    learner.module.is_published = False
    learner.module.save()
    assert client.get(url).status_code == 404
    start = client.post(reverse("modules:assessment", args=[learner.module.pk]), {"action": "start"})
    assert start.status_code == 404


def test_a_cancelled_session_refuses_its_code_at_once(learner):
    practicum = PracticumFactory(program=learner.program)
    register(learner.user, practicum)
    now = timezone.now()
    session = make_session(practicum, "Day 1", now - timedelta(hours=1), now + timedelta(hours=1))
    other = UserFactory()
    register(other, practicum)
    attendance_record(user=other, code=session.code)  # the code is now in the cache
    session.status = Session.Status.CANCELLED
    session.save()
    with pytest.raises(AttendanceError):
        attendance_record(user=learner.user, code=session.code)


def test_a_shared_record_shows_the_owners_new_name_at_once(learner):
    _, token = share_link_create(
        user=learner.user, label="", valid_through=timezone.localdate() + timedelta(days=7), program_ids=[]
    )
    visitor = Client()
    url = reverse("certificates:shared_record", args=[token])
    assert "Robin Learner" in page(visitor, url)
    learner.user.full_name = "Robin Q. Learner"
    learner.user.save()
    assert "Robin Q. Learner" in page(visitor, url)


def test_text_a_person_types_never_stands_for_a_placeholder(client, learner):
    """Placeholders are random for each stored page: a name that looks like one stays text."""
    learner.user.full_name = "credo-csrf-0123456789abcdef credo-token-0123456789abcdef"
    learner.user.save()
    page(client, reverse("dashboard"))
    html = page(client, reverse("dashboard"))
    assert "credo-csrf-0123456789abcdef credo-token-0123456789abcdef" in html


def test_a_share_links_programs_changed_from_the_programs_side_show_at_once(learner):
    other = ProgramFactory(title="Second Program Title")
    enroll(learner.user, other)
    week = timezone.localdate() + timedelta(days=7)
    first = [learner.program.pk]
    link, token = share_link_create(user=learner.user, label="", valid_through=week, program_ids=first)
    visitor = Client()
    url = reverse("certificates:shared_record", args=[token])
    assert "Second Program Title" not in page(visitor, url)
    other.sharelink_set.add(link)  # from the program's side
    assert "Second Program Title" in page(visitor, url)
