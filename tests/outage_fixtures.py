"""Fixtures for outages (a pytest plugin of the root conftest.py): a Redis of a test's own to
stop, pause and start again, a broker taken away, and the nightly certificate email run by real
worker processes (with the helpers of the tests that kill them)."""

import os
import shutil
import subprocess
import time
import uuid
from datetime import date

import pytest
from django.db import connection

from conftest import (
    _reset_connection_pools,
    celery_env,
    celery_process,
    celery_stop,
    free_port,
    service_missing,
)
from tests.redis_process import RedisProcess


@pytest.fixture
def redis_process(tmp_path):
    """A Redis of this test's own (redis-server from the Debian package)."""
    if not shutil.which("redis-server"):
        service_missing("needs redis-server")
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


class BrokerSwitch:
    """Takes the Celery app's broker away and gives it back. Down, the app publishes to Redis on
    a closed loopback port (not eager), so every publish fails as it does in an outage: kombu's
    OperationalError, connection refused. Up, it has the test settings again."""

    def __init__(self, app) -> None:
        self.app = app
        self.previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
        app.loader.import_default_modules()  # every task by name, as in a worker

    def down(self) -> None:
        self.app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
        _reset_connection_pools(self.app)

    def up(self) -> None:
        self.app.conf.update(self.previous)
        _reset_connection_pools(self.app)


@pytest.fixture
def broker_down():
    """The broker is down for the test (see BrokerSwitch); `broker_down.up()` brings it back."""
    from config.celery_app import app

    switch = BrokerSwitch(app)
    switch.down()
    try:
        yield switch
    finally:
        switch.up()


# --- The nightly certificate email with real Celery workers (tests/test_*faults*.py) ----------------

FAULT_PEOPLE = 12  # each with two certificates earned on BATCH_DAY
BATCH_DAY = "2026-11-20"


def fault_broker_url() -> str:
    return os.environ.get("REDIS_URL", "").rsplit("/", 1)[0] + "/7"  # a Redis database of its own


@pytest.fixture
def fault_setup(transactional_db, settings, tmp_path):
    """FAULT_PEOPLE people with two certificates each to email, and what starting real worker
    processes for the nightly batch takes: (their environment without EMAIL_URL, a list the test
    appends its workers to (stopped at the end), the Celery app publishing to their broker)."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        service_missing("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    import redis

    from accounts.tests.factories import UserFactory
    from certificates.tests.factories import issue
    from config.celery_app import app

    redis.Redis.from_url(fault_broker_url()).flushdb()
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    env_base = celery_env(
        broker_url=fault_broker_url(),
        media_root=tmp_path,
        CELERY_VISIBILITY_TIMEOUT="15",
        CREDO_EMAIL_RETRY_BASE_SECONDS="1",
    )
    for i in range(FAULT_PEOPLE):
        user = UserFactory(email=f"person{i}@example.org")
        issue(user, key="module:1", title="Module one", earned_on=date.fromisoformat(BATCH_DAY))
        issue(user, key="module:2", title="Module two", earned_on=date.fromisoformat(BATCH_DAY))

    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=fault_broker_url(), task_always_eager=False)
    _reset_connection_pools(app)
    workers: list[subprocess.Popen] = []
    try:
        yield env_base, workers, app
    finally:
        celery_stop(workers)
        app.conf.update(previous)
        _reset_connection_pools(app)
        redis.Redis.from_url(fault_broker_url()).flushdb()


def fault_worker(env: dict) -> subprocess.Popen:
    """A real `celery worker` (solo pool: one task at a time) with `env`."""
    name = f"faults-{uuid.uuid4().hex[:8]}@%h"
    return celery_process(
        "worker", "--pool=solo", "-l", "WARNING", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-n", name, env=env,
    )  # fmt: skip


def start_smtp(inbox, *, server_class=None) -> tuple[object, int]:
    """An SMTP server on loopback delivering to `inbox` (aiosmtpd's SMTP, or `server_class`)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class _Controller(Controller):
        def factory(self):
            return (server_class or SMTP)(self.handler, **self.SMTP_kwargs)

    port = free_port()
    controller = _Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def assert_each_person_emailed_once(inbox) -> None:
    """Every person got exactly one email, with both certificates, and all are marked sent."""
    from certificates.models import Certificate

    recipients = sorted(str(m["To"]) for m in inbox.messages)
    assert recipients == sorted(f"person{i}@example.org" for i in range(FAULT_PEOPLE))
    assert all(len(list(m.iter_attachments())) == 2 for m in inbox.messages)
    assert wait_until(lambda: Certificate.objects.filter(email_state="sent").count() == 2 * FAULT_PEOPLE, 30)
