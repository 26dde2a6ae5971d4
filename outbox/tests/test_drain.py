"""Work left to a drain (`outbox_enqueue(publish_now=False)`, decision 0027): the commit costs one
kick, one drain publishes everything due, and nothing waits longer than the next kick or sweep."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import transaction

from outbox import services
from outbox.models import OutboxMessage
from outbox.services import KICK, SWEEP_BATCH, outbox_drain, outbox_enqueue, outbox_sweep_all

EMAIL = "accounts.email_send"
NOON = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def payload(subject: str) -> dict:
    message = {"subject": subject, "body": "Plain", "from_email": "no-reply@credo.example"}
    message["to"] = ["a@example.org"]
    return {"message": message}


@pytest.fixture(autouse=True)
def _tasks_by_name():
    from config.celery_app import app

    app.loader.import_default_modules()  # every task registered by name, as in a worker


def test_a_commit_kicks_one_drain_which_publishes_the_rows_due(
    monkeypatch, django_capture_on_commit_callbacks
):
    published: list[str] = []
    monkeypatch.setattr(services, "_publish_kept", lambda app, task, kwargs: published.append(task.name))
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        for subject in ("One", "Two"):
            outbox_enqueue(task=EMAIL, kwargs=payload(subject), publish_now=False)
    # Two commits' kicks (here one transaction's two callbacks): one drain queued, the key held.
    assert published == ["outbox.drain"]
    assert cache.get(KICK) == 1
    assert list(OutboxMessage.objects.values_list("next_try_at", flat=True)) == [NOON, NOON]  # due at once
    assert mail.outbox == []
    with time_machine.travel(NOON, tick=False):
        assert outbox_drain() == 2  # what the worker runs
    assert sorted(m.subject for m in mail.outbox) == ["One", "Two"]
    assert not OutboxMessage.objects.exists()
    assert cache.get(KICK) is None  # the next commit kicks again


def test_the_drain_publishes_again_what_was_committed_while_its_kick_was_held(monkeypatch):
    monkeypatch.setattr(services, "_publish_kept", lambda app, task, kwargs: None)  # no drain from kicks
    first_pass = services.outbox_sweep_all
    late: list[OutboxMessage] = []

    def sweep_then_a_late_commit(**kwargs):
        count = first_pass(**kwargs)
        if not late:  # a request commits while the drain runs: its kick finds the key held
            with transaction.atomic():
                late.append(outbox_enqueue(task=EMAIL, kwargs=payload("Late"), publish_now=False))
        return count

    monkeypatch.setattr(services, "outbox_sweep_all", sweep_then_a_late_commit)
    with transaction.atomic():
        outbox_enqueue(task=EMAIL, kwargs=payload("Early"), publish_now=False)
    assert outbox_drain() == 2
    assert sorted(m.subject for m in mail.outbox) == ["Early", "Late"]


def test_a_kick_that_cannot_be_queued_leaves_the_rows_to_the_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=EMAIL, kwargs=payload("Waits"), publish_now=False)  # no error
    assert OutboxMessage.objects.count() == 1
    assert cache.get(KICK) == 1  # held: later commits do not try the broker again for a while
    broker_down.up()
    assert outbox_sweep_all() == 1  # beat's sweep
    assert [m.subject for m in mail.outbox] == ["Waits"]


def test_a_sweep_publishes_more_than_one_batch():
    many = SWEEP_BATCH + 3
    OutboxMessage.objects.bulk_create(
        OutboxMessage(task_name=EMAIL, kwargs=payload(f"n{i}"), next_try_at=NOON) for i in range(many)
    )
    with time_machine.travel(NOON, tick=False):
        assert outbox_sweep_all() == many
    assert len(mail.outbox) == many
