"""Issuing at scale (issue #18 §0): 10,000 certificates rendered (and signed, once signing is on)
by the worker task `certificates.render`, on one Celery worker of two processes, Redis, PostgreSQL,
files on disk. Target: all 10,000 PDFs stored in under 3 minutes.

Not timed: the 10,000 certificate rows without a PDF, as the transactions that earn them leave them.
Timed: from publishing the 10,000 `certificates.render` tasks (what each transaction's outbox
publishes after its commit) until the last PDF is stored. Exits non-zero on a miss.
Run: `make bench` or this file with DATABASE_URL and REDIS_URL set.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._support import ROOT, celery_worker, cpu_times, scratch_database, steal_percent

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "4000"))
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "10000"))
TARGET_SECONDS = 180


def issue_all() -> list[int]:
    """People and their certificates, saved without a PDF (not timed)."""
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import User
    from certificates.models import Certificate
    from programs.models import Program

    program = Program.objects.create(slug="bench-series", title="Foundations for Implementation", kind="series",
                                     status="published", summary="", description="")  # fmt: skip
    users = User.objects.bulk_create(
        User(email=f"teacher{i}@example.org", full_name=f"Teacher Number {i}", password="!")
        for i in range(PEOPLE)
    )
    now = timezone.now()
    rows = Certificate.objects.bulk_create(
        (
            Certificate(
                user=users[n % PEOPLE],
                program=program,
                kind="module",
                source_key=f"module:{n // PEOPLE}",
                title=f"Instructional Module {n // PEOPLE + 1}",
                name_on_certificate=users[n % PEOPLE].full_name,
                appraised_hours=Decimal("2"),
                earned_on=date(2026, 11, 20),
                issued_at=now,
            )
            for n in range(CERTIFICATES)
        ),
        batch_size=1000,
    )
    return [row.pk for row in rows]


def main() -> None:
    media = tempfile.mkdtemp(prefix="credo-bench-media-")
    broker = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/10"
    with scratch_database("credo_bench_issue") as url:
        os.environ.update(
            DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="false",
            DJANGO_MEDIA_ROOT=media, CELERY_BROKER_URL=broker,
        )  # fmt: skip
        import django

        django.setup()
        import redis

        redis.Redis.from_url(broker).flushdb()
        ids = issue_all()
        from certificates.models import Certificate
        from config.celery_app import app

        with celery_worker({**os.environ}, name="bench-issue"):
            before = cpu_times()
            start = time.perf_counter()
            with app.producer_or_acquire() as producer:
                for pk in ids:
                    app.send_task("certificates.render", kwargs={"certificate_id": pk}, producer=producer)
            published = time.perf_counter() - start
            limit = time.monotonic() + 900
            while Certificate.objects.filter(pdf="").exists() and time.monotonic() < limit:
                time.sleep(0.5)
            elapsed = time.perf_counter() - start
            after = cpu_times()
        stored = Certificate.objects.exclude(pdf="").exclude(pdf_sha256="").count()
        files = sum(1 for _ in Path(media).rglob("*.pdf"))
        print(
            f"certificate issuing: {CERTIFICATES} PDFs rendered by `certificates.render`, 1 worker x 2 processes, Redis, PostgreSQL, files on disk"
        )
        print(
            f"  published {len(ids)} tasks in {published:.1f} s; certificates with a PDF: {stored}/{CERTIFICATES}; files: {files}"
        )
        print(f"  time from the first task to the last PDF: {elapsed:.1f} s (target < {TARGET_SECONDS} s)")
        print(
            f"  throughput: {stored / elapsed:.0f} certificates/s, {2000 * elapsed / max(stored, 1):.1f} ms of a process each"
        )
        print(
            f"  host steal during the run: {steal_percent(before, after)} (a shared host: other work slows it)"
        )
        ok = stored == CERTIFICATES and files == CERTIFICATES and elapsed < TARGET_SECONDS
        print(f"  result: {'MEETS TARGET' if ok else 'MISSES TARGET'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
