"""Redis stops, or hangs, in the middle of a person's visit (issue #16; docs/decisions/0014):
it costs speed, not answers or data. Every page they use still answers, check-ins are
recorded, people still sign in (and wrong passwords are still limited), mail waits in the
outbox, /healthz says "degraded"; and when Redis is back the cache is used again by itself.

A Redis of the test's own (tests/redis_process.py) serves the cache, the sessions and the
broker, as in a one-server set-up, so that stopping it takes all three away."""

import time
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from conftest import _reset_connection_pools
from core import cache as resilient
from modules.services import lesson_mark_done
from modules.tests.factories import LessonFactory, ModuleFactory, enroll
from outbox.models import OutboxMessage
from practicums.models import Attendance
from practicums.services import calendar_feed_get_or_create
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.tests.factories import ProgramFactory
from tests.redis_process import cache_settings

pytestmark = pytest.mark.django_db(transaction=True)  # mail is queued on commit


@pytest.fixture
def on_own_redis(redis_process, settings, monkeypatch):
    from config.celery_app import app

    settings.CACHES = cache_settings(redis_process.url)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"
    monkeypatch.setattr(resilient, "RETRY_AFTER", 0.3)  # the circuit's retry, shortened
    resilient._down_until.clear()
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_process.url, task_always_eager=False)
    _reset_connection_pools(app)
    yield redis_process
    app.conf.update(previous)
    _reset_connection_pools(app)


@pytest.fixture
def visit():
    """A person enrolled in a program with a module, in a practicum whose session runs now."""
    user = UserFactory(full_name="Robin Learner")
    program = ProgramFactory(title="Certified Learning Practitioner")
    enroll(user, program)
    module = ModuleFactory(program=program, title="Writing objectives", appraised_hours=Decimal("2"))
    LessonFactory(module=module, title="Verbs that can be observed", order=0)
    practicum = PracticumFactory(program=program)
    register(user, practicum)
    now = timezone.now()
    session = make_session(practicum, "Day 1", now - timedelta(hours=1), now + timedelta(hours=2))
    feed = calendar_feed_get_or_create(user=user)
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user, module, session, feed, client


def answered(client, method: str, url: str, data=None, *, within: float = 3.0):
    started = time.monotonic()
    response = getattr(client, method)(url, data or {})
    took = time.monotonic() - started
    assert took < within, f"{url} took {took:.1f} s"
    assert response.status_code < 500, url
    return response


def sign_in(client, email: str, password: str = PASSWORD):
    return answered(client, "post", reverse("account_login"), {"login": email, "password": password})


def pages(client, module, feed) -> None:
    dashboard = answered(client, "get", reverse("dashboard"))
    assert dashboard.status_code == 200
    assert "Certified Learning Practitioner" in dashboard.content.decode()
    assert (
        "Writing objectives"
        in answered(client, "get", reverse("modules:detail", args=[module.pk])).content.decode()
    )
    assert answered(client, "get", reverse("certificates:record")).status_code == 200
    assert answered(client, "get", reverse("practicums:attendance")).status_code == 200
    feed_response = answered(client, "get", reverse("practicums:my_calendar_feed"), {"token": feed.token})
    assert b"BEGIN:VCALENDAR" in feed_response.content


def test_redis_stopped_mid_visit_costs_speed_not_answers(on_own_redis, visit):
    user, module, session, feed, client = visit
    pages(client, module, feed)  # cached now
    assert int(on_own_redis.command("DBSIZE")) > 0

    on_own_redis.stop()
    pages(client, module, feed)  # still signed in: the session comes from the database
    checked_in = answered(client, "post", reverse("practicums:attendance"), {"code": session.code})
    assert checked_in.status_code == 302
    assert Attendance.objects.filter(user=user, session=session).exists()

    other = UserFactory(email="casey@example.org")
    newcomer = Client()
    response = answered(
        newcomer, "post", reverse("account_login"), {"login": other.email, "password": PASSWORD}
    )
    assert response.status_code == 302  # people still sign in
    guesser = Client()
    for _ in range(5):
        answered(guesser, "post", reverse("account_login"), {"login": other.email, "password": "wrong"})
    refused = answered(
        guesser, "post", reverse("account_login"), {"login": other.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts" in refused.content.decode()  # still limited

    signup = answered(
        Client(),
        "post",
        reverse("account_signup"),
        {
            "full_name": "Wren Worker",
            "email": "wren@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signup.status_code == 302
    assert OutboxMessage.objects.filter(task_name="accounts.email_send").count() == 1  # kept, not lost

    health = answered(client, "get", "/healthz")
    assert (health.status_code, health.json()["status"]) == (200, "degraded")

    on_own_redis.start()
    time.sleep(0.4)
    pages(client, module, feed)  # fills the cache again
    with CaptureQueriesContext(connection) as captured:
        assert answered(client, "get", reverse("dashboard")).status_code == 200
    assert [q["sql"] for q in captured] == []  # the page and the person from Redis again
    assert answered(client, "get", "/healthz").json()["status"] == "ok"


def test_redis_hung_mid_visit_costs_speed_not_answers(on_own_redis, visit):
    user, module, session, feed, client = visit
    pages(client, module, feed)
    on_own_redis.pause()  # SIGSTOP: connections open, no answers, no errors
    try:
        pages(client, module, feed)
        checked_in = answered(client, "post", reverse("practicums:attendance"), {"code": session.code})
        assert checked_in.status_code == 302
        assert Attendance.objects.filter(user=user, session=session).exists()
        newcomer = Client()
        other = UserFactory(email="casey@example.org")
        response = answered(
            newcomer, "post", reverse("account_login"), {"login": other.email, "password": PASSWORD}
        )
        assert response.status_code == 302
    finally:
        on_own_redis.resume()
    time.sleep(0.4)
    pages(client, module, feed)


@pytest.fixture
def reader(on_own_redis, visit, monkeypatch):
    """The person's module page, cached, and what it says about their lessons."""
    from core import page_cache

    monkeypatch.setattr(page_cache, "_unrenewed", {})
    user, module, _, _, client = visit

    def lessons_done() -> str:
        html = answered(client, "get", reverse("modules:detail", args=[module.pk])).content.decode()
        return html.split("Lessons done: ", 1)[1].split("<", 1)[0].strip()

    assert lessons_done() == "0 of 1"
    assert lessons_done() == "0 of 1"  # now from the cache
    return SimpleNamespace(
        user=user, lesson=module.lessons.get(), lessons_done=lessons_done, monkeypatch=monkeypatch
    )


def test_while_redis_refuses_writes_no_process_serves_a_cached_page(on_own_redis, reader):
    """Redis serves reads but refuses writes (here: no replica to write to). The renewal of the
    person's pages fails; even a process that never heard of it (its list of failed renewals
    is empty) must not serve the page kept before."""
    from core import page_cache

    on_own_redis.command("CONFIG", "SET", "min-replicas-to-write", "1")
    lesson_mark_done(user=reader.user, lesson=reader.lesson)
    assert page_cache._unrenewed  # this process knows
    reader.monkeypatch.setattr(page_cache, "_unrenewed", {})  # another process does not,
    resilient._down_until.clear()  # nor does it know that this Redis just failed a write
    assert reader.lessons_done() == "1 of 1"
    on_own_redis.command("CONFIG", "SET", "min-replicas-to-write", "0")
    assert reader.lessons_done() == "1 of 1"


def test_a_renewal_lost_in_a_blip_is_stored_before_the_page_is_read_again(on_own_redis, reader):
    """Redis hangs just while a renewal is stored, then answers again: the process that lost
    the renewal stores it before it reads the page again."""
    from core import page_cache

    on_own_redis.pause()
    try:
        lesson_mark_done(user=reader.user, lesson=reader.lesson)  # the renewal times out
    finally:
        on_own_redis.resume()
    assert page_cache.person(reader.user.pk) in page_cache._unrenewed
    time.sleep(0.4)  # the circuit's retry
    assert reader.lessons_done() == "1 of 1"
    assert page_cache._unrenewed == {}


def test_while_redis_refuses_writes_a_deactivated_person_is_signed_out_at_once(
    on_own_redis, visit, monkeypatch
):
    """The signed-in person is read through the cache; a deactivation whose renewal cannot be
    stored must still count at once, in any process."""
    from core import page_cache

    user, _, _, _, client = visit
    assert answered(client, "get", reverse("dashboard")).status_code == 200
    assert answered(client, "get", reverse("dashboard")).status_code == 200  # the person from the cache
    on_own_redis.command("CONFIG", "SET", "min-replicas-to-write", "1")
    user.is_active = False
    user.save()
    monkeypatch.setattr(page_cache, "_unrenewed", {})  # another process, which never heard of it
    resilient._down_until.clear()
    response = answered(client, "get", reverse("dashboard"))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login"))
