"""The nightly certificate email on two Celery worker nodes (issue #19): separate `celery worker`
processes with names of their own, as on two machines, sharing one Redis broker, this test's
PostgreSQL database and an SMTP server on loopback. Every person gets exactly one email, counted
at the SMTP server, and both nodes do part of the work; when one node dies (SIGKILL to its whole
process tree, as when its machine goes) in the middle of a message, the other node finishes the
batch, the dead node's unacknowledged tasks included (redelivered after the broker's visibility
timeout, short here)."""

import asyncio
import threading
import time
import uuid
from collections import Counter
from datetime import date

import pytest

from bench._nodes import connection_owner, cpu_seconds, kill_tree
from conftest import SMTPInbox, celery_process
from tests.outage_fixtures import BATCH_DAY, start_smtp, wait_until

PEOPLE = 60
BLOCK_AT = 25  # the message during which a node dies


class NodeCountingInbox(SMTPInbox):
    """Counts each accepted message under the node that sent it (the owner of the client's
    connection); stalls the BLOCK_AT-th message until released, then answers 451 (so it was never
    accepted)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: dict[str, int] = {}  # name -> main pid, filled in once they run
        self.by_node: Counter = Counter()
        self.seen = 0
        self.blocked_by: str | None = None
        self.blocked = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        node = connection_owner(self.nodes, local_port=session.peer[1], remote_port=self.port)
        if self.seen == BLOCK_AT:
            self.blocked_by = node
            self.blocked.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Interrupted, try again"
        self.by_node[node] += 1
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def batch_of_sixty(fault_setup):
    """fault_setup's broker, app and worker list, with PEOPLE more people with one certificate
    each due tonight (fault_setup's own twelve have two each)."""
    from accounts.tests.factories import UserFactory
    from certificates.tests.factories import issue

    for i in range(PEOPLE):
        user = UserFactory(email=f"node-person{i}@example.org")
        issue(user, key="module:1", title="Module one", earned_on=date.fromisoformat(BATCH_DAY))
    return fault_setup


def node(env: dict, name: str):
    """A worker node (prefork, one pool process: its only message in flight at a kill is the
    stalled one; another one's could be accepted by the server and not yet marked sent, which a
    redelivery would send again, see docs/SCALING.md)."""
    return celery_process(
        "worker", "--concurrency=1", "-l", "WARNING", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h", env=env,
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.smtp
@pytest.mark.timeout(240)
def test_two_nodes_share_the_batch_and_one_dying_loses_nothing(batch_of_sixty):
    from certificates.models import Certificate

    env, workers, app = batch_of_sixty
    everyone = PEOPLE + 12  # with fault_setup's people
    inbox = NodeCountingInbox()
    controller, port = start_smtp(inbox)
    inbox.port = port
    try:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        workers.extend([node(env, "node-a"), node(env, "node-b")])
        inbox.nodes = {"a": workers[0].pid, "b": workers[1].pid}
        assert wait_until(lambda: len(app.control.ping(timeout=1)) >= 2, 60), "the nodes did not start"
        app.send_task("certificates.nightly_batch", kwargs={"run_for": BATCH_DAY, "triggered_by": "test"})
        assert inbox.blocked.wait(120), f"the batch never reached message {BLOCK_AT}"
        assert inbox.blocked_by in {"a", "b"}
        dying = inbox.blocked_by
        survivor = "b" if dying == "a" else "a"
        kill_tree(inbox.nodes[dying])  # in the middle of that node's message
        killed_at = time.monotonic()
        sent_by_dead = inbox.by_node[dying]
        inbox.release.set()

        assert wait_until(lambda: len(inbox.messages) >= everyone, 150), (
            f"only {len(inbox.messages)} of {everyone} arrived"
        )
        recovered = time.monotonic() - killed_at
        time.sleep(3)  # nothing more may arrive
        per_recipient = Counter(str(message["To"]) for message in inbox.messages)
        assert set(per_recipient.values()) == {1}
        assert len(per_recipient) == everyone
        assert inbox.by_node[dying] == sent_by_dead  # a dead node sends nothing more
        assert sent_by_dead > 0
        assert inbox.by_node[survivor] == everyone - sent_by_dead
        assert inbox.by_node[None] == 0  # every message came from one of the two nodes
        assert wait_until(lambda: Certificate.objects.filter(email_state="sent").count() == PEOPLE + 24, 30)
        print(
            f"\ntwo nodes: node {dying} killed at message {BLOCK_AT} after sending {sent_by_dead}; "
            f"node {survivor} sent the other {everyone - sent_by_dead}, the last {recovered:.0f} s "
            f"after the kill; survivor's CPU {cpu_seconds(inbox.nodes[survivor]):.1f} s"
        )
    finally:
        controller.stop()
