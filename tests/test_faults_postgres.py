"""PostgreSQL crashes (`kill -9`) in the middle of traffic and comes back: gunicorn on a cluster
of this test's own with durable settings (tests/postgres_cluster.py), people checking in over
real HTTP. While the database is down `/healthz` answers 503 at once (the load balancer takes
the node out instead of waiting on it); once it is back `/healthz` answers 200 again without
restarting anything, and every check-in the server acknowledged is in the database.

The cluster of scripts/services.sh would prove nothing here: with synchronous_commit off, a
commit can be acknowledged before its WAL leaves shared memory, and a crash loses it.
"""

import http.client
import json
import os
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, free_port, service_missing
from tests.postgres_cluster import DurablePostgres, postgres_bin

PEOPLE = 200
CLIENTS = 4
CSRF = "c" * 32
HEALTHZ_LIMIT = 5.0  # seconds: bounded, whatever the database does


def seed() -> None:
    """Run in a subprocess on the test's cluster (DATABASE_URL): migrate, then a practicum with a
    session running now, PEOPLE registered people and a signed-in session each (the attendance
    burst benchmark's seed). Prints the session's code and the people's (email, session cookie)
    as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from bench.bench_attendance_burst import seed_check_in_world

    call_command("migrate", verbosity=0)
    code, people = seed_check_in_world(people=PEOPLE, prefix="person", csrf=CSRF)
    print(json.dumps({"code": code, "people": people}))


def server_env(database_url: str) -> dict[str, str]:
    """The local settings without DEBUG (as the benchmarks run gunicorn), on the test's cluster."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    if os.environ.get("REDIS_URL"):  # the cache on Redis as in production; no task is queued here
        env["CELERY_BROKER_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/9"
    return env


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: int = 2):
    """The real WSGI server, as in production (sync workers), until the block ends: (port, process)."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--timeout", "30", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz", timeout=2)[0] != 200:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, *, timeout: float) -> tuple[int, str]:
    """(status, body) of a GET, or (0, the error) when there is no HTTP answer in time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    except OSError as exc:
        return 0, repr(exc)
    finally:
        conn.close()


class CheckInTraffic:
    """CLIENTS threads, each checking its share of the people in one after the other over HTTP;
    a refused check-in is tried again (as a person would) until the server acknowledges it."""

    def __init__(self, port: int, code: str, people: list[list[str]]) -> None:
        self.port = port
        self.body = f"code={code.lower()}"
        self.people = people
        self.acknowledged: list[str] = []  # emails whose check-in got its 302 back to /attendance/
        self.refused = 0  # answers other than that (a 500 while the database is down, no answer)
        self.slowest = 0.0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._client, args=(people[i::CLIENTS],), daemon=True)
            for i in range(CLIENTS)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.count() >= count

    def _client(self, share: list[list[str]]) -> None:
        for email, cookie in share:
            while not self.stopping.is_set():
                started = time.monotonic()
                ok = self._check_in(cookie)
                with self._lock:
                    self.slowest = max(self.slowest, time.monotonic() - started)
                    if ok:
                        self.acknowledged.append(email)
                    else:
                        self.refused += 1
                if ok:
                    break
                time.sleep(0.05)

    def _check_in(self, cookie: str) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": cookie, "X-CSRFToken": CSRF, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            conn.request("POST", "/attendance/", body=self.body, headers=headers)
            response = conn.getresponse()
            response.read()
        except OSError:
            return False
        finally:
            conn.close()
        return response.status == 302 and response.getheader("Location") == "/attendance/"


def checked_in(cluster: DurablePostgres, database: str) -> set[str]:
    import psycopg2

    conn = psycopg2.connect(cluster.url(database), connect_timeout=5)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT u.email FROM practicums_attendance a JOIN accounts_user u ON u.id = a.user_id"
            )
            return {email for (email,) in cursor.fetchall()}
    finally:
        conn.close()


@pytest.fixture
def durable_postgres():
    """A PostgreSQL cluster of the test's own with fsync, synchronous_commit and full_page_writes
    on, started; removed at the end."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        service_missing("needs PostgreSQL's binaries (initdb, postgres)")
    cluster = DurablePostgres(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def create_database(cluster: DurablePostgres, name: str) -> str:
    import psycopg2

    conn = psycopg2.connect(cluster.url(), connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    return cluster.url(name)


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_postgres_killed_mid_traffic_loses_no_acknowledged_write_and_healthz_recovers(
    durable_postgres, tmp_path
):
    cluster = durable_postgres
    started = time.monotonic()
    database = f"credo_faults_{os.getpid()}"
    env = server_env(create_database(cluster, database))
    # Migrating and seeding (most of the set-up) while gunicorn starts: /healthz needs no tables.
    seeding = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", "from tests.test_faults_postgres import seed; seed()"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    try:
        with gunicorn(env, tmp_path / "gunicorn.log") as (port, server):
            out, err = seeding.communicate(timeout=120)
            assert seeding.returncode == 0, err[-3000:]
            data = json.loads(out.strip().splitlines()[-1])
            serving = time.monotonic()
            traffic = CheckInTraffic(port, data["code"], data["people"])
            traffic.start()
            try:
                assert traffic.wait_for(40, timeout=30), f"only {traffic.count()} check-ins before the crash"
                crashed = time.monotonic()
                cluster.crash()  # kill -9, mid-traffic
                acknowledged_before_crash = traffic.count()

                # Down: /healthz says so at once, every time (not a hang until the balancer's timeout).
                outage: list[tuple[int, float]] = []
                for _ in range(3):
                    t0 = time.monotonic()
                    status, body = get(port, "/healthz", timeout=HEALTHZ_LIMIT + 5)
                    outage.append((status, time.monotonic() - t0))
                    assert status == 503, body
                    assert json.loads(body)["checks"]["database"] == "error"
                    time.sleep(0.2)
                assert max(elapsed for _, elapsed in outage) < HEALTHZ_LIMIT, outage

                cluster.start()  # crash recovery replays the WAL
                restarted = time.monotonic()
                while get(port, "/healthz", timeout=HEALTHZ_LIMIT)[0] != 200:
                    assert time.monotonic() - restarted < 20, "/healthz did not come back by itself"
                    time.sleep(0.1)
                recovered = time.monotonic() - restarted

                assert traffic.wait_for(acknowledged_before_crash + 20, timeout=30), (
                    "check-ins did not resume"
                )
            finally:
                traffic.stop()
            stopped = time.monotonic()
            assert server.poll() is None  # the same gunicorn served throughout
    finally:
        if seeding.poll() is None:
            seeding.kill()
            seeding.wait()

    acknowledged = set(traffic.acknowledged)
    lost = acknowledged - checked_in(cluster, database)
    total = time.monotonic() - started
    print(
        f"\nfaults: PostgreSQL killed after {acknowledged_before_crash} acknowledged check-ins; "
        f"/healthz 503 in at most {max(e for _, e in outage):.2f} s, "
        f"down {restarted - crashed:.1f} s, 200 again {recovered:.1f} s after the restart; "
        f"{len(acknowledged)} acknowledged, {traffic.refused} refused and retried, {len(lost)} lost; "
        f"slowest check-in answer {traffic.slowest:.1f} s; set-up {serving - started:.0f} s, "
        f"traffic to the crash {crashed - serving:.0f} s, after it {stopped - crashed:.0f} s, "
        f"total {total:.0f} s"
    )
    assert lost == set()
    assert traffic.refused > 0  # the crash did hit the traffic
    assert traffic.slowest < 20
