"""A slow mail server during the nightly certificate batch, and a worker killed (SIGKILL) while a
message is in flight: real Celery worker processes, a Redis broker, PostgreSQL and an SMTP server on
loopback that makes every message wait about a second at DATA (as a tarpit or a slow queue does).
The killed worker's task comes back after the broker's visibility timeout, a second worker sends
the rest: every person gets exactly one email, none lost, none twice.

The kill lands after the worker has locked the person's certificates and opened the SMTP
transaction (MAIL FROM, RCPT TO, DATA) but before the server has the message: the server drops it
with the connection, the database drops the locks with the worker's connection, and the
redelivered task sends it once. (A kill after the final "." but before the server's "250" is the
duplicate window every SMTP client has, RFC 1047; it is not this test.)
"""

import asyncio
import os
import signal
import threading
import time

import pytest
from aiosmtpd.smtp import SMTP

from conftest import SMTPInbox
from tests.outage_fixtures import (
    BATCH_DAY,
    FAULT_PEOPLE,
    assert_each_person_emailed_once,
    fault_worker,
    start_smtp,
    wait_until,
)

DELAY = 1.0  # seconds the server makes each DATA command wait
KILL_AT = 5  # the worker is killed while the fifth message waits


class SlowInbox(SMTPInbox):
    """What the slow server received, and when its KILL_AT-th DATA command began to wait."""

    def __init__(self) -> None:
        super().__init__()
        self.data_commands = 0
        self.waiting = threading.Event()
        self.connections_lost_in_data = 0


class SlowSMTP(SMTP):
    """aiosmtpd's server, DELAY seconds slow to answer each DATA command (its 354)."""

    async def smtp_DATA(self, arg: str) -> None:
        inbox: SlowInbox = self.event_handler
        inbox.data_commands += 1
        if inbox.data_commands == KILL_AT:
            inbox.waiting.set()
        try:
            await asyncio.sleep(DELAY)
        except asyncio.CancelledError:  # aiosmtpd's answer to a lost connection: no message
            inbox.connections_lost_in_data += 1
            raise
        await super().smtp_DATA(arg)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.smtp
@pytest.mark.timeout(300)
def test_slow_smtp_and_a_worker_killed_mid_send_every_person_gets_one_email(fault_setup):
    env, workers, app = fault_setup
    inbox = SlowInbox()
    controller, port = start_smtp(inbox, server_class=SlowSMTP)
    try:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        workers.append(fault_worker(env))
        started = time.monotonic()
        app.send_task("certificates.nightly_batch", kwargs={"run_for": BATCH_DAY, "triggered_by": "test"})
        assert inbox.waiting.wait(120), f"the batch never reached message {KILL_AT}"
        os.kill(workers[0].pid, signal.SIGKILL)  # the message is in flight: DATA sent, no answer yet
        workers[0].wait(timeout=10)
        killed_at = time.monotonic()
        delivered_before_kill = len(inbox.messages)
        workers.append(fault_worker(env))

        assert wait_until(lambda: len(inbox.messages) >= FAULT_PEOPLE, 120), (
            f"only {len(inbox.messages)} arrived"
        )
        finished = time.monotonic()
        time.sleep(3)  # nothing more may arrive
        assert delivered_before_kill == KILL_AT - 1
        assert wait_until(lambda: inbox.connections_lost_in_data == 1, 5)  # the kill did cut a send
        assert_each_person_emailed_once(inbox)
        assert inbox.data_commands == FAULT_PEOPLE + 1  # the cut message once more, nothing else
        print(
            f"\nfaults: slow SMTP ({DELAY:.0f} s a message), worker killed mid-send: "
            f"all {FAULT_PEOPLE} emails delivered once, batch {finished - started:.0f} s, "
            f"last {finished - killed_at:.0f} s after the kill"
        )
    finally:
        controller.stop()
