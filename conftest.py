"""Fixtures shared by every app's tests: the real services (PostgreSQL, Redis, SMTP, S3).

A test that needs a service it cannot find is skipped on a developer's machine and fails in
CI (CI=true or CREDO_REQUIRE_SERVICES=1), so that CI never passes by skipping.

Tests write only to temporary directories (or var/, which git ignores): a run that leaves a new
untracked file in the working tree fails (see pytest_sessionfinish below).
"""

import glob
import os
import shutil
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent
pytest_plugins = ["tests.outage_fixtures"]

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


@pytest.fixture(autouse=True)
def _fresh_storage():
    """Files live in memory in tests (InMemoryStorage): every test starts with none, so nothing
    one test stored (a published feed, a PDF) is read by the next."""
    from django.core.files.storage import default_storage, storages
    from django.utils.functional import empty

    storages._storages.pop("default", None)
    default_storage._wrapped = empty


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


# --- Real Celery processes (`celery -A config worker|beat`) -----------------------------------------


# Debian's faketime package; `$LIB` is the loader's own library folder (x86_64-linux-gnu, …).
LIBFAKETIME = "/usr/$LIB/faketime/libfaketime.so.1"


def libfaketime_installed() -> bool:
    return bool(
        glob.glob("/usr/lib/*/faketime/libfaketime.so.1") or glob.glob("/usr/lib/faketime/libfaketime.so.1")
    )


def celery_env(*, broker_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """The environment of a Celery subprocess sharing this test's PostgreSQL database: the local
    settings (they read DATABASE_URL, REDIS_URL and EMAIL_URL from the environment; the test
    settings would force an in-memory broker and eager tasks)."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def celery_process(*args: str, env: dict[str, str], log: Path | None = None, clock: datetime | None = None):
    """`celery -A config <args>`, its output appended to `log` (or dropped). With `clock`, under
    faketime: the process's clock starts at that moment and runs on at the normal rate."""
    command = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", *args]
    if clock is not None:
        # What `faketime -f "@…"` does, without its wrapper process (which would outlive a
        # terminate() with celery still running): libfaketime preloaded into celery itself. It
        # reads "@…" in the process's zone: UTC here, whatever the machine's is.
        env = {
            **env,
            "LD_PRELOAD": LIBFAKETIME,
            "FAKETIME": clock.astimezone(UTC).strftime("@%Y-%m-%d %H:%M:%S"),
            "TZ": "UTC",
        }
    output = log.open("ab") if log else subprocess.DEVNULL
    try:
        # S603: our own celery with arguments built here, no shell.
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    finally:
        if log:
            output.close()  # the child has its own copy


def celery_stop(processes: list[subprocess.Popen]) -> None:
    """Stop each process that still runs: warm shutdown, then SIGKILL after 20 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class CeleryUnderFaketime:
    """The real `celery -A config beat` with the production schedule and a real worker, both
    under faketime, on a Redis broker of their own and this test's PostgreSQL database; what
    they email arrives at `inbox` (an SMTP server on loopback)."""

    def __init__(self, tmp_path: Path, broker_url: str, smtp_port: int) -> None:
        self.inbox = SMTPInbox()
        self.tmp_path = tmp_path
        self.broker_url = broker_url
        self.smtp_port = smtp_port
        self.processes: list[subprocess.Popen] = []

    def start(self, *, at: datetime) -> None:
        env = celery_env(
            broker_url=self.broker_url,
            media_root=self.tmp_path,
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}",
        )
        self.processes.append(
            celery_process(
                "worker", "--pool=solo", "-l", "INFO", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"faketime-{os.getpid()}@%h",
                env=env, log=self.tmp_path / "worker.log", clock=at,
            )
        )  # fmt: skip
        self.processes.append(
            celery_process(
                "beat", "-l", "INFO", "--schedule", str(self.tmp_path / "celerybeat-schedule"),
                env=env, log=self.tmp_path / "beat.log", clock=at,
            )
        )  # fmt: skip

    def stop(self) -> None:
        celery_stop(self.processes)

    def logs(self) -> str:
        """Both processes' output, for a failing assertion's message."""
        return "".join(
            f"\n--- {name}\n" + (self.tmp_path / name).read_text(errors="replace")[-3000:]
            for name in ("beat.log", "worker.log")
            if (self.tmp_path / name).exists()
        )


@pytest.fixture
def celery_under_faketime(transactional_db, tmp_path):
    """See CeleryUnderFaketime; the processes are stopped (and the broker emptied) at the end."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        service_missing("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    if not libfaketime_installed():
        service_missing("needs faketime (Debian package faketime)")
    import redis
    from aiosmtpd.controller import Controller

    broker_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/8"  # a Redis database of its own
    redis.Redis.from_url(broker_url).flushdb()
    port = free_port()
    celery = CeleryUnderFaketime(tmp_path, broker_url, port)
    controller = Controller(celery.inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield celery
    finally:
        celery.stop()
        controller.stop()
        redis.Redis.from_url(broker_url).flushdb()


# --- The working tree stays clean ------------------------------------------------------------------

UNTRACKED_AT_START = pytest.StashKey[set[str] | None]()


def untracked_files(root: Path) -> set[str] | None:
    """The untracked, not ignored files of the git checkout at `root` (paths relative to it), or
    None when there is no git or `root` is not a checkout (an unpacked release, a container)."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    result = subprocess.run(  # noqa: S603 (git by its full path, fixed arguments, no shell)
        [git, "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        return None
    return {line[3:] for line in result.stdout.splitlines() if line.startswith("?? ")}


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # once, in the process that reports
        session.config.stash[UNTRACKED_AT_START] = untracked_files(ROOT)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if the tests left files in the working tree that git would pick up."""
    before = session.config.stash.get(UNTRACKED_AT_START, None)
    after = untracked_files(ROOT) if before is not None else None
    if before is None or after is None:
        return
    left = sorted(after - before)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            reporter.write_sep("=", "tests left untracked files in the working tree", red=True)
            for path in left:
                reporter.write_line(f"  {path}")
            reporter.write_line(
                "Write to tmp_path (or var/, which git ignores), or ignore the file in .gitignore."
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_report_header(config):
    """Say which real services this run uses, so CI's log shows what was tested against what."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = "Redis at REDIS_URL" if os.environ.get("REDIS_URL") else "no Redis (Redis tests skip)"
    mode = "CI: missing services fail" if IN_CI else "local: missing services skip"
    return f"credo: database={engine}, {redis}, {mode}"
