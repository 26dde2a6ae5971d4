"""The nightly certificate email at scale (issue #6): 10,000 certificates for 4,000 people.

Issuing is not timed (each certificate is rendered and stored as in production). The batch is
then started as the 20:00 job would start it, on a real Redis broker, with one Celery worker of
two processes, PostgreSQL, and an SMTP server on loopback (aiosmtpd) that counts messages. It
times from the batch's start until the SMTP server holds all 4,000 messages. Target: < 3 min.
Run: `make bench` or this file with DATABASE_URL and REDIS_URL set.

With BENCH_MULTINODE=1 (outside `make bench`; issue #19): 100,000 certificates for 40,000 people
(BENCH_PEOPLE sizes it, 2.5 certificates each) on TWO worker nodes (separate `celery worker`
processes with names of their own, two pool processes each, as on two machines) sharing the broker,
the database and the SMTP server. One rendered PDF per module stands behind every certificate of it
(rendering is not what is measured; the messages are as large as real ones). It prints each node's
emails, CPU seconds (user + system of its whole process tree, from /proc) and CPU seconds per
email, the figure to plan machines with, and exits non-zero unless every person got exactly one
email and every certificate is marked sent.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from collections import Counter

from bench._nodes import cpu_seconds
from bench._support import ROOT, free_port, scratch_database

MULTINODE = os.environ.get("BENCH_MULTINODE") == "1"
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "40000" if MULTINODE else "4000"))
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", str(PEOPLE * 5 // 2) if MULTINODE else "10000"))
RUN_FOR = "2026-11-20"


class CountingInbox:
    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.recipients: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.bytes += len(envelope.content)
            self.recipients.update(envelope.rcpt_tos)
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
    shared: dict[int, tuple[str, str]] = {}  # BENCH_MULTINODE: module -> (stored PDF, its SHA-256)
    for n in range(CERTIFICATES):
        user = users[n % PEOPLE]
        certificate = Certificate(
            user=user, program=program, kind="module", source_key=f"module:{n // PEOPLE}", title=f"Instructional Module {n // PEOPLE + 1}",
            name_on_certificate=user.full_name, appraised_hours=Decimal("2"), earned_on=date(2026, 11, 20), issued_at=now,
        )  # fmt: skip
        certificate.program = program
        if MULTINODE and n // PEOPLE in shared:
            certificate.pdf.name, certificate.pdf_sha256 = shared[n // PEOPLE]
        else:
            pdf = render_certificate_pdf(certificate)
            certificate.pdf.save(f"{certificate.verification_code}.pdf", ContentFile(pdf), save=False)
            shared[n // PEOPLE] = (certificate.pdf.name, hashlib.sha256(pdf).hexdigest())
        certificates.append(certificate)
        if len(certificates) == 500:
            Certificate.objects.bulk_create(certificates)
            certificates.clear()
    Certificate.objects.bulk_create(certificates)
    assert certificate_values  # the same values path as production


def start_node(name: str, env: dict) -> subprocess.Popen:
    """A worker node: a `celery worker` with two pool processes, named `name`."""
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--concurrency=2", "-l", "WARNING",
         "--without-gossip", "--without-mingle", "-n", f"{name}@%h"],
        cwd=ROOT, env=env,
    )  # fmt: skip


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
        names = ["bench-node-a", "bench-node-b"] if MULTINODE else ["bench-batch"]
        workers = {name: start_node(name, env) for name in names}
        try:
            from config.celery_app import app

            app.conf.broker_url = broker
            deadline = time.monotonic() + 60
            while len(app.control.ping(timeout=1)) < len(names) and time.monotonic() < deadline:
                pass
            cpu_before = {name: cpu_seconds(worker.pid) for name, worker in workers.items()}
            start = time.perf_counter()
            app.send_task("certificates.nightly_batch", kwargs={"run_for": RUN_FOR, "triggered_by": "bench"})
            limit = time.monotonic() + max(900, PEOPLE / 10)
            while inbox.count < PEOPLE and time.monotonic() < limit:
                time.sleep(0.2)
            elapsed = time.perf_counter() - start
            if MULTINODE:
                time.sleep(2)  # the last tasks mark their certificates sent
                cpu = {name: cpu_seconds(worker.pid) - cpu_before[name] for name, worker in workers.items()}
                stats = app.control.inspect(timeout=5).stats() or {}
        finally:
            for worker in workers.values():
                worker.terminate()
            for worker in workers.values():
                worker.wait(timeout=60)
            controller.stop()
        from certificates.models import Certificate

        sent = Certificate.objects.filter(email_state="sent").count()
        if MULTINODE:
            report_multinode(inbox, sent, elapsed, cpu, stats)
            return
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


def report_multinode(inbox: CountingInbox, sent: int, elapsed: float, cpu: dict, stats: dict) -> None:
    """Each node's share and CPU cost; exits non-zero unless every person got exactly one email."""
    print(
        f"nightly batch on two nodes: {CERTIFICATES} certificates to {PEOPLE} people, 2 worker nodes x 2 processes, "
        f"one Redis broker, PostgreSQL, SMTP on loopback (host shared: indicative)"
    )
    once = len(inbox.recipients) == PEOPLE and set(inbox.recipients.values()) == {1}
    print(
        f"  messages at the SMTP server: {inbox.count}/{PEOPLE} ({inbox.bytes / 1e6:.0f} MB), "
        f"{len(inbox.recipients)} people, each exactly once: {once}; certificates marked sent: {sent}/{CERTIFICATES}"
    )
    print(
        f"  time from batch start to the last message: {elapsed:.1f} s ({inbox.count / elapsed:.1f} emails/s in all)"
    )
    for name, seconds in cpu.items():
        totals = next((s["total"] for node, s in stats.items() if node.startswith(f"{name}@")), {})
        emails = totals.get("certificates.send_person", 0)
        per_email = seconds / emails if emails else float("nan")
        print(
            f"  {name}: {emails} emails ({emails / elapsed:.1f}/s), {seconds:.1f} CPU s, "
            f"{per_email * 1000:.1f} CPU ms per email"
        )
    total_cpu = sum(cpu.values())
    print(
        f"  both nodes: {total_cpu:.1f} CPU s, {total_cpu / max(inbox.count, 1) * 1000:.1f} CPU ms per email"
    )
    ok = once and inbox.count == PEOPLE and sent == CERTIFICATES
    print(f"  result: {'EVERY EMAIL EXACTLY ONCE' if ok else 'MISSES: emails lost or repeated'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
