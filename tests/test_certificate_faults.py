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
import threading
import time

import pytest

from conftest import SMTPInbox
from tests.outage_fixtures import (
    BATCH_DAY,
    FAULT_PEOPLE,
    assert_each_person_emailed_once,
    fault_worker,
    start_smtp,
    wait_until,
)


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


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(420)
def test_killed_worker_mid_batch_every_certificate_arrives_once(fault_setup):
    env, workers, app = fault_setup
    inbox = BlockingInbox(block_at=5)
    controller, port = start_smtp(inbox)
    try:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        workers.append(fault_worker(env))
        app.send_task("certificates.nightly_batch", kwargs={"run_for": BATCH_DAY, "triggered_by": "test"})
        assert inbox.blocked.wait(120), "the batch never reached the fifth message"
        os.kill(workers[0].pid, signal.SIGKILL)  # in the middle of sending the fifth email
        workers[0].wait(timeout=10)
        killed_at = time.monotonic()
        inbox.release.set()
        workers.append(fault_worker(env))
        assert wait_until(lambda: len(inbox.messages) >= FAULT_PEOPLE, 300), (
            f"only {len(inbox.messages)} arrived"
        )
        recovered = time.monotonic() - killed_at
        time.sleep(3)  # nothing more may arrive
        assert_each_person_emailed_once(inbox)
        print(
            f"\nfaults: worker killed mid-batch; all {FAULT_PEOPLE} emails delivered once, "
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
    controller, port = start_smtp(inbox)
    try:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        workers.append(fault_worker(env))
        started = time.monotonic()
        app.send_task("certificates.nightly_batch", kwargs={"run_for": BATCH_DAY, "triggered_by": "test"})
        assert wait_until(lambda: len(inbox.messages) >= FAULT_PEOPLE, 300), (
            f"only {len(inbox.messages)} arrived"
        )
        elapsed = time.monotonic() - started
        time.sleep(3)
        assert_each_person_emailed_once(inbox)
        assert inbox.refusals_left == 0
        print(
            f"\nfaults: SMTP refused 8 deliveries; "
            f"all {FAULT_PEOPLE} emails delivered once in {elapsed:.0f} s"
        )
    finally:
        controller.stop()
