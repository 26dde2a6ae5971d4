"""Faults in the nightly certificate email, with a real Redis broker, real Celery worker
processes, PostgreSQL and an SMTP server on loopback: every certificate arrives exactly once.

- a worker is killed (SIGKILL) in the middle of sending: its task is redelivered after the
  broker's visibility timeout (set short here, 300 s in production instead of Redis' hour) and
  takes back the certificates it had claimed;
- the SMTP server refuses mail for a while (4xx): the tasks retry with backoff.
"""

import asyncio
import os
import signal
import subprocess
import threading
import time
import uuid
from datetime import date

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.tests.factories import issue
from conftest import SMTPInbox, celery_env, celery_process, celery_stop, free_port, service_missing

PEOPLE = 12


class BlockingInbox(SMTPInbox):
    """Stalls the nth message until released, then answers 451 (so it was never accepted)."""

    def __init__(self, block_at: int):
        super().__init__()
        self.block_at = block_at
        self.seen = 0
        self.blocked = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.block_at:
            self.blocked.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Interrupted, try again"
        return await super().handle_DATA(server, session, envelope)


def _broker_url() -> str:
    base = os.environ.get("REDIS_URL", "")
    return base.rsplit("/", 1)[0] + "/7"  # a Redis database of its own


def _worker(env: dict) -> subprocess.Popen:
    name = f"faults-{uuid.uuid4().hex[:8]}@%h"
    return celery_process(
        "worker", "--pool=solo", "-l", "WARNING", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-n", name, env=env,
    )  # fmt: skip


@pytest.fixture
def fault_setup(transactional_db, settings, tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        service_missing("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    import redis

    redis.Redis.from_url(_broker_url()).flushdb()
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    env_base = celery_env(
        broker_url=_broker_url(),
        media_root=tmp_path,
        CELERY_VISIBILITY_TIMEOUT="15",
        CREDO_EMAIL_RETRY_BASE_SECONDS="1",
    )
    people = []
    for i in range(PEOPLE):
        user = UserFactory(email=f"person{i}@example.org")
        issue(user, key="module:1", title="Module one", earned_on=date(2026, 11, 20))
        issue(user, key="module:2", title="Module two", earned_on=date(2026, 11, 20))
        people.append(user)

    from config.celery_app import app

    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=_broker_url(), task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    workers: list[subprocess.Popen] = []
    try:
        yield env_base, workers, app
    finally:
        celery_stop(workers)
        app.conf.update(previous)
        app._pool = None
        app.amqp._producer_pool = None


def _start_smtp(inbox) -> tuple[object, int]:
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _assert_exactly_once(inbox: SMTPInbox) -> None:
    recipients = sorted(str(m["To"]) for m in inbox.messages)
    assert recipients == sorted(f"person{i}@example.org" for i in range(PEOPLE))
    assert all(len(list(m.iter_attachments())) == 2 for m in inbox.messages)
    assert _wait_for(lambda: Certificate.objects.filter(email_state="sent").count() == 2 * PEOPLE, 30)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(420)
def test_killed_worker_mid_batch_every_certificate_arrives_once(fault_setup):
    env, workers, app = fault_setup
    inbox = BlockingInbox(block_at=5)
    controller, port = _start_smtp(inbox)
    try:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        workers.append(_worker(env))
        app.send_task("certificates.nightly_batch", kwargs={"run_for": "2026-11-20", "triggered_by": "test"})
        assert inbox.blocked.wait(120), "the batch never reached the fifth message"
        os.kill(workers[0].pid, signal.SIGKILL)  # in the middle of sending the fifth email
        workers[0].wait(timeout=10)
        killed_at = time.monotonic()
        inbox.release.set()
        workers.append(_worker(env))
        assert _wait_for(lambda: len(inbox.messages) >= PEOPLE, 300), f"only {len(inbox.messages)} arrived"
        recovered = time.monotonic() - killed_at
        time.sleep(3)  # nothing more may arrive
        _assert_exactly_once(inbox)
        print(
            f"\nfaults: worker killed mid-batch; all {PEOPLE} emails delivered once, "
            f"last {recovered:.0f} s after the kill"
        )
        assert recovered < 300
    finally:
        controller.stop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(420)
def test_smtp_refusing_for_a_while_every_certificate_arrives_once(fault_setup):
    env, workers, app = fault_setup
    inbox = SMTPInbox()
    inbox.refuse_with = "421 4.3.2 Service not available, closing channel"
    inbox.refusals_left = 8  # the first eight recipients are refused, then mail flows again
    controller, port = _start_smtp(inbox)
    try:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        workers.append(_worker(env))
        started = time.monotonic()
        app.send_task("certificates.nightly_batch", kwargs={"run_for": "2026-11-20", "triggered_by": "test"})
        assert _wait_for(lambda: len(inbox.messages) >= PEOPLE, 300), f"only {len(inbox.messages)} arrived"
        elapsed = time.monotonic() - started
        time.sleep(3)
        _assert_exactly_once(inbox)
        assert inbox.refusals_left == 0
        print(f"\nfaults: SMTP refused 8 deliveries; all {PEOPLE} emails delivered once in {elapsed:.0f} s")
    finally:
        controller.stop()
