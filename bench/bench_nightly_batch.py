"""The nightly certificate email at scale (issue #6): 10,000 certificates for 4,000 people.

Issuing is not timed (each certificate is rendered and stored as in production). The batch is
then started as the 20:00 job would start it, on a real Redis broker, with one Celery worker of
two processes, PostgreSQL, and an SMTP server on loopback (aiosmtpd) that counts messages. It
times from the batch's start until the SMTP server holds all 4,000 messages. Target: < 3 min.
Run: `make bench` or this file with DATABASE_URL and REDIS_URL set.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._support import ROOT, free_port, scratch_database

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "4000"))
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "10000"))
RUN_FOR = "2026-11-20"


class CountingInbox:
    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.bytes += len(envelope.content)
        return "250 OK"


def issue_all(media: str) -> None:
    """People and their certificates, rendered and stored (not timed)."""
    from datetime import date
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from accounts.models import User
    from certificates.models import Certificate
    from certificates.services import certificate_values, render_certificate_pdf
    from programs.models import Program

    program = Program.objects.create(slug="bench-series", title="Foundations for Implementation", kind="series",
                                     status="published", summary="", description="")  # fmt: skip
    users = User.objects.bulk_create(
        User(email=f"teacher{i}@example.org", full_name=f"Teacher Number {i}", password="!")
        for i in range(PEOPLE)
    )
    now = timezone.now()
    certificates = []
    for n in range(CERTIFICATES):
        user = users[n % PEOPLE]
        certificate = Certificate(
            user=user, program=program, kind="module", source_key=f"module:{n // PEOPLE}", title=f"Instructional Module {n // PEOPLE + 1}",
            name_on_certificate=user.full_name, appraised_hours=Decimal("2"), earned_on=date(2026, 11, 20), issued_at=now,
        )  # fmt: skip
        certificate.program = program
        pdf = render_certificate_pdf(certificate)
        certificate.pdf.save(f"{certificate.verification_code}.pdf", ContentFile(pdf), save=False)
        certificates.append(certificate)
        if len(certificates) == 500:
            Certificate.objects.bulk_create(certificates)
            certificates.clear()
    Certificate.objects.bulk_create(certificates)
    assert certificate_values  # the same values path as production


def main() -> None:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO

    media = tempfile.mkdtemp(prefix="credo-bench-media-")
    broker = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/8"
    with scratch_database("credo_bench_batch") as url:
        os.environ.update(
            DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_DEBUG="false",
            DJANGO_MEDIA_ROOT=media, CELERY_BROKER_URL=broker,
        )  # fmt: skip
        import django

        django.setup()
        import redis

        redis.Redis.from_url(broker).flushdb()
        t = time.perf_counter()
        issue_all(media)
        print(
            f"  (setup: issued {CERTIFICATES} certificates to {PEOPLE} people in {time.perf_counter() - t:.0f} s, not timed)"
        )

        inbox = CountingInbox()
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, data_size_limit=0)
        controller.start()
        env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
        worker = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--concurrency=2", "-l", "WARNING",
             "--without-gossip", "--without-mingle", "-n", "bench-batch@%h"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            from config.celery_app import app

            app.conf.broker_url = broker
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=1) and time.monotonic() < deadline:
                pass
            start = time.perf_counter()
            app.send_task("certificates.nightly_batch", kwargs={"run_for": RUN_FOR, "triggered_by": "bench"})
            limit = time.monotonic() + 900
            while inbox.count < PEOPLE and time.monotonic() < limit:
                time.sleep(0.2)
            elapsed = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            controller.stop()
        from certificates.models import Certificate

        sent = Certificate.objects.filter(email_state="sent").count()
        print(
            f"nightly batch: {CERTIFICATES} certificates to {PEOPLE} people, 1 worker x 2 processes, Redis, PostgreSQL, SMTP on loopback"
        )
        print(
            f"  messages at the SMTP server: {inbox.count}/{PEOPLE} ({inbox.bytes / 1e6:.0f} MB); certificates marked sent: {sent}/{CERTIFICATES}"
        )
        print(f"  time from batch start to the last message: {elapsed:.1f} s (target < 180 s)")
        print(f"  throughput: {inbox.count / elapsed:.1f} emails/s, {sent / elapsed:.1f} certificates/s")
        ok = inbox.count == PEOPLE and sent == CERTIFICATES and elapsed < 180
        print(f"  result: {'MEETS TARGET' if ok else 'MISSES TARGET'}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
