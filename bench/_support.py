"""Shared helpers for the benchmarks: a throw-away database, a real gunicorn and Celery worker,
percentiles, a signed-in session."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


@contextmanager
def scratch_database(name: str):
    """A fresh PostgreSQL database next to DATABASE_URL's, migrated, dropped afterwards."""
    import psycopg2

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL (make bench does).")
    parsed = urlparse(base)
    db_name = f"{name}_{os.getpid()}"
    admin = psycopg2.connect(base)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{db_name}"')
    url = urlunparse(parsed._replace(path=f"/{db_name}"))
    try:
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [db_name],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        admin.close()


@contextmanager
def gunicorn(env: dict, *, port: int, workers: int = 4):
    """The real WSGI server on loopback, as in production (sync workers)."""
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--backlog", "2048"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def celery_worker(env: dict, *, name: str, concurrency: int = 2):
    """A real Celery worker (prefork) on the broker of `env`, answering a ping before it yields."""
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", f"--concurrency={concurrency}", "-l",
         "WARNING", "--without-gossip", "--without-mingle", "-n", f"{name}@%h"],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        from config.celery_app import app

        app.conf.broker_url = env["CELERY_BROKER_URL"]
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1) and time.monotonic() < deadline:
            pass
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def cpu_times() -> list[int]:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal)."""
    try:
        with open("/proc/stat") as handle:
            return [int(x) for x in handle.readline().split()[1:]]
    except OSError:
        return []


def steal_percent(before: list[int], after: list[int]) -> str:
    """A virtual machine's "steal" between two readings: time the host gave our cores to someone
    else. High values mean the figures understate this code."""
    total = sum(after) - sum(before)
    if len(after) <= 7 or not total:
        return "unknown"
    return f"{100 * (after[7] - before[7]) / total:.0f}% of CPU time"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def signed_in_session(user) -> str:
    """A session key for `user`, signed in as signing in does it: through SESSION_ENGINE, so with
    Redis configured the session is in the cache as well as the database, as a person's is when
    they come back. Django must be set up."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
