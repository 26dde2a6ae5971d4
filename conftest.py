"""Fixtures shared by every app's tests: the real services (PostgreSQL, Redis, SMTP, S3).

A test that needs a service it cannot find is skipped on a developer's machine and fails in
CI (CI=true or CREDO_REQUIRE_SERVICES=1), so that CI never passes by skipping.
"""

import os
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from django.db import connection

IN_CI = (
    os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    or os.environ.get("CREDO_REQUIRE_SERVICES") == "1"
)


def service_missing(reason: str) -> None:
    """Skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI requires it: tests must not skip there)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _services_for_markers(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        service_missing("needs Redis: set REDIS_URL")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache: every test starts with a clean one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPInbox:
    """What a real SMTP server on loopback received (aiosmtpd)."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse_with: str | None = None  # e.g. "421 try again later" or "550 no such user"
        self.refusals_left = 0  # refuse this many recipients, then accept (with refuse_with)
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with and self.refusals_left > 0:
            self.refusals_left -= 1
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        return list(self.messages)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 and Django configured to send to it."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    inbox.port = port
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def s3_server():
    """An S3-compatible object store on loopback (moto in server mode)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _reset_connection_pools(app) -> None:
    """Forget the app's pooled broker connections so that the next publish uses the current
    broker_url. (Not closed: kombu keeps producer pools in a global registry keyed by URL.)"""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_redis_worker(transactional_db):
    """A real Celery worker (in a thread) consuming from the Redis broker at REDIS_URL."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        service_missing("needs Redis: set REDIS_URL")
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    previous = {
        key: app.conf[key]
        for key in (
            "broker_url",
            "task_always_eager",
            "broker_transport_options",
            "broker_connection_timeout",
        )
    }
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": 60},
        broker_connection_timeout=3,
    )
    _reset_connection_pools(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(previous)
        _reset_connection_pools(app)


def pytest_report_header(config):
    """Say which real services this run uses, so CI's log shows what was tested against what."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = "Redis at REDIS_URL" if os.environ.get("REDIS_URL") else "no Redis (Redis tests skip)"
    mode = "CI: missing services fail" if IN_CI else "local: missing services skip"
    return f"credo: database={engine}, {redis}, {mode}"
