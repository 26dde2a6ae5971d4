"""A certificate comes from a real worker (issue #18 §0, decision 0027): a check-in that completes
a set queues the certificate in its transaction, and `celery -A config worker` (a process of its
own, Redis broker, this test's PostgreSQL database, files on disk) issues it and stores its PDF
within seconds: the commit kicks a drain, the drain publishes the issue, the issue the render."""

import hashlib
import os
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import _reset_connection_pools, celery_env, celery_process, celery_stop, service_missing

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
SECONDS = 10  # "for seconds at most": from the check-in's response to the issued, stored PDF


@pytest.fixture
def render_worker(transactional_db, settings, tmp_path):
    """One worker process (solo pool) and this process publishing to its Redis database."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        service_missing("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    import redis

    from config.celery_app import app

    broker_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/6"  # a Redis database of its own
    redis.Redis.from_url(broker_url).flushdb()
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    _reset_connection_pools(app)
    worker = celery_process(
        "worker", "--pool=solo", "-l", "WARNING", "--without-gossip", "--without-mingle",
        "-n", f"render-{uuid.uuid4().hex[:8]}@%h", env=celery_env(broker_url=broker_url, media_root=tmp_path),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1):
            assert time.monotonic() < deadline, "the worker did not start"
        yield
    finally:
        celery_stop([worker])
        app.conf.update(previous)
        _reset_connection_pools(app)
        redis.Redis.from_url(broker_url).flushdb()


def test_a_check_in_that_completes_a_set_gets_its_certificate_from_the_worker_within_seconds(
    render_worker, client, monkeypatch
):
    from accounts.tests.factories import UserFactory
    from certificates.models import Certificate
    from outbox.models import OutboxMessage
    from practicums.tests.factories import PracticumFactory, make_session, register
    from programs.tests.factories import SeriesFactory

    user = UserFactory(full_name="Wren Worker")
    practicum = PracticumFactory(program=SeriesFactory(), title="Virtual Sessions 1–6")
    register(user, practicum)
    now = timezone.now()
    session = make_session(practicum, "Session 1", now - timedelta(minutes=30), now + timedelta(minutes=30))
    client.force_login(user)

    def in_the_request(**kwargs):
        raise AssertionError("the check-in request issued or rendered the certificate")

    for name in ("certificate_issue", "render_certificate_pdf"):  # this process only
        monkeypatch.setattr(f"certificates.services.{name}", in_the_request)
    response = client.post(reverse("practicums:attendance"), {"code": session.code})
    answered = time.monotonic()
    assert response.status_code == 302
    while not Certificate.objects.filter(user=user).exclude(pdf="").exists():
        assert time.monotonic() - answered < SECONDS, f"no certificate and PDF {SECONDS} s after the check-in"
        time.sleep(0.1)
    certificate = Certificate.objects.get(user=user)
    assert (certificate.kind, certificate.title) == ("set", "Virtual Sessions 1–6")
    assert list(certificate.events.values_list("action", flat=True)) == ["issued"]
    with certificate.pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    assert not OutboxMessage.objects.filter(task_name__startswith="certificates.").exists()


def _pdf_within(certificate_id: int, seconds: float) -> bool:
    from certificates.models import Certificate

    deadline = time.monotonic() + seconds
    while not Certificate.objects.filter(pk=certificate_id).exclude(pdf="").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_worker_keeps_its_database_connection_and_replaces_one_that_died(render_worker):
    """A worker reuses its PostgreSQL connection between tasks (a new one per task cost more than a
    render) and, like Django around a request, drops a broken one before the next task."""
    from accounts.tests.factories import UserFactory
    from certificates.models import Certificate
    from certificates.tasks import render
    from programs.tests.factories import ProgramFactory

    user, program = UserFactory(full_name="Wren Worker"), ProgramFactory()
    first, second, third = (
        Certificate.objects.create(  # as issued, before its render task is published
            user=user,
            program=program,
            kind="module",
            source_key=f"module:{n}",
            title=f"Module {n}",
            name_on_certificate="Wren Worker",
            appraised_hours=2,
            earned_on=timezone.localdate(),
            issued_at=timezone.now(),
        )
        for n in (1, 2, 3)
    )
    worker_backends = """SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                         AND pid <> pg_backend_pid() AND backend_type = 'client backend'"""
    render.delay(certificate_id=first.pk)
    assert _pdf_within(first.pk, SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(worker_backends)
        before = {row[0] for row in cursor.fetchall()}
    render.delay(certificate_id=second.pk)
    assert _pdf_within(second.pk, SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(worker_backends)
        assert {row[0] for row in cursor.fetchall()} == before  # the same connection served both
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [sorted(before)])
    render.delay(certificate_id=third.pk)
    assert _pdf_within(third.pk, SECONDS), "the worker kept using its dead connection"
    assert Certificate.objects.exclude(pdf="").count() == 3
