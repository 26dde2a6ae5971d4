"""Attendance burst: 500 people enter the session's code at once, against gunicorn on PostgreSQL.

Target (issue #5): all 500 accepted, p99 under 250 ms on a 2-core machine. Each client keeps
its own HTTP connection and logged-in session cookie and posts the code once; the figures are
measured from the client side, queueing included. Run: `make bench` (or this file with
DATABASE_URL and REDIS_URL set).
"""

import http.client
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._support import ROOT, cpu_times, free_port, gunicorn, percentile, scratch_database, steal_percent

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "500"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
CSRF = "b" * 32


def seed(database_url: str) -> tuple[str, list[str]]:
    """A practicum with a session running now, PEOPLE registered people and a login each."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"  # the same settings as the server
    import django

    django.setup()
    code, people = seed_check_in_world(people=PEOPLE, prefix="bench", csrf=CSRF)
    return code, [cookie for _, cookie in people]


def seed_check_in_world(*, people: int, prefix: str, csrf: str) -> tuple[str, list[tuple[str, str]]]:
    """In the configured database: a practicum whose first session runs now, `people` people
    registered for it, each signed in. The session's code and each person's (email, cookie).
    Also the seed of tests/test_faults_postgres.py."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import User
    from practicums.models import Practicum, Registration, Session
    from programs.models import Enrollment, Program

    now = timezone.now()
    program = Program.objects.create(slug=prefix, title=prefix.title(), kind="certification", status="published",
                                     summary="", description="")  # fmt: skip
    practicum = Practicum.objects.create(program=program, title=f"{prefix.title()} practicum", format="in_person",
                                         starts_on=now.date(), ends_on=now.date() + timedelta(days=1),
                                         capacity=people, appraised_hours=8)  # fmt: skip
    day1 = Session.objects.create(practicum=practicum, title="Day 1", starts_at=now - timedelta(hours=1),
                                  ends_at=now + timedelta(hours=1))  # fmt: skip
    Session.objects.create(practicum=practicum, title="Day 2", starts_at=now + timedelta(days=1),
                           ends_at=now + timedelta(days=1, hours=8))  # fmt: skip
    users = User.objects.bulk_create(
        User(email=f"{prefix}{i}@example.org", full_name=f"{prefix.title()} {i}", password="!")
        for i in range(people)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(user=u, program=program, registered_at=now, access_opens_at=now) for u in users
    )
    Registration.objects.bulk_create(
        Registration(user=u, practicum=practicum, enrollment=e, status="confirmed")
        for u, e in zip(users, enrollments, strict=True)
    )
    signed_in = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        signed_in.append((user.email, f"sessionid={store.session_key}; csrftoken={csrf}"))
    return day1.code, signed_in


def main() -> None:
    with scratch_database("credo_bench_attendance") as url:
        code, cookies = seed(url)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
               "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip
        port = free_port()
        with gunicorn(env, port=port, workers=int(os.environ.get("BENCH_WORKERS", "2"))):
            latencies: list[float] = []
            statuses: list[bool] = []
            lock = threading.Lock()
            queue = list(cookies)
            start_gate = threading.Barrier(CLIENTS)
            body = f"code={code.lower()}"

            def client() -> None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                start_gate.wait()
                while True:
                    with lock:
                        if not queue:
                            break
                        cookie = queue.pop()
                    headers = {
                        "Cookie": cookie,
                        "X-CSRFToken": CSRF,
                        "Content-Type": "application/x-www-form-urlencoded",
                    }
                    t0 = time.perf_counter()
                    conn.request("POST", "/attendance/", body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    elapsed = time.perf_counter() - t0
                    # Accepted: redirected back to the attendance page (not to the login page).
                    ok = response.status == 302 and response.getheader("Location") == "/attendance/"
                    with lock:
                        latencies.append(elapsed * 1000)
                        statuses.append(ok)
                conn.close()

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            before = cpu_times()
            t_start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - t_start
            after = cpu_times()

        from practicums.models import Attendance

        recorded = Attendance.objects.count()
        accepted = sum(statuses)
        p50, p95, p99 = (percentile(latencies, p) for p in (50, 95, 99))
        print(
            f"attendance burst: {PEOPLE} check-ins from {CLIENTS} concurrent clients, gunicorn {os.environ.get('BENCH_WORKERS', '2')} sync workers, PostgreSQL"
        )
        print(
            f"  accepted (302 back to /attendance/): {accepted}/{PEOPLE}; attendance rows: {recorded} (target: all {PEOPLE})"
        )
        print(f"  throughput: {PEOPLE / wall:.0f} check-ins/s over {wall:.2f} s")
        print(f"  latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms (target: p99 < 250 ms)")
        ok = accepted == PEOPLE and recorded == PEOPLE and p99 < 250
        print(f"  host steal during the burst: {steal_percent(before, after)}")
        print(f"  result: {'MEETS TARGET' if ok else 'MISSES TARGET'}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
