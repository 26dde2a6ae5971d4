"""The outbox on SQLite with eager Celery; `broker_down` (conftest.py) points the app at a closed
port, so publishing fails inside kombu as in a real outage."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.db import transaction
from django.urls import reverse

from outbox.models import OutboxMessage
from outbox.services import outbox_enqueue, outbox_sweep
from outbox.tasks import sweep

EMAIL = "accounts.email_send"
NOON = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def payload(subject: str = "Hello") -> dict:
    message = {
        "subject": subject,
        "body": "Plain",
        "from_email": "no-reply@credo.example",
        "to": ["a@example.org"],
    }
    return {"message": message}


def rows() -> list[tuple]:
    return list(OutboxMessage.objects.order_by("pk").values_list("task_name", "kwargs", "attempts"))


@pytest.fixture(autouse=True)
def _tasks_by_name():
    from config.celery_app import app

    app.loader.import_default_modules()  # every task registered by name, as in a worker


@pytest.mark.django_db
def test_enqueue_writes_the_row_in_the_transaction_and_deletes_it_once_published(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox_enqueue(task=EMAIL, kwargs=payload())
    assert rows() == [(EMAIL, payload(), 0)]
    assert mail.outbox == []
    callbacks[0]()
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert rows() == []


def enqueue_then_fail() -> None:
    with transaction.atomic():
        outbox_enqueue(task=EMAIL, kwargs=payload())
        raise RuntimeError("the service failed")


@pytest.mark.django_db
def test_enqueue_in_a_transaction_that_rolls_back_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert (callbacks, rows(), mail.outbox) == ([], [], [])


@pytest.mark.django_db
def test_broker_down_after_commit_keeps_the_row_without_raising(
    broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task=EMAIL, kwargs=payload())
    assert time.monotonic() - started < 2
    [message] = OutboxMessage.objects.all()
    assert (message.attempts, message.next_try_at) == (1, NOON)  # due at the next sweep
    assert message.last_error.startswith("OperationalError: Error 111 connecting to 127.0.0.1:")
    assert mail.outbox == []

    broker_down.up()
    with time_machine.travel(NOON, tick=False):
        assert sweep.apply().get() == 1
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert rows() == []


@pytest.mark.django_db
def test_sweep_leaves_a_fresh_row_to_the_publish_after_its_commit():
    with time_machine.travel(NOON, tick=False):
        with transaction.atomic():  # the test's transaction: the publish after commit never runs
            outbox_enqueue(task=EMAIL, kwargs=payload())
        assert outbox_sweep() == 0
    with time_machine.travel(NOON + timedelta(seconds=10), tick=False):
        assert outbox_sweep() == 1
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert rows() == []


@pytest.mark.django_db
def test_sweep_with_the_broker_still_down_backs_off_and_stops(broker_down):
    first = OutboxMessage.objects.create(task_name=EMAIL, kwargs=payload("One"), attempts=1, next_try_at=NOON)
    second = OutboxMessage.objects.create(task_name=EMAIL, kwargs=payload("Two"), next_try_at=NOON)
    with time_machine.travel(NOON, tick=False):
        assert outbox_sweep() == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, first.next_try_at) == (2, NOON + timedelta(minutes=2))
    assert (second.attempts, second.next_try_at) == (0, NOON)  # not tried: the broker was down

    broker_down.up()
    with time_machine.travel(NOON, tick=False):
        assert outbox_sweep() == 1  # the one due now
    with time_machine.travel(NOON + timedelta(minutes=2), tick=False):
        assert outbox_sweep() == 1
    assert [m.subject for m in mail.outbox] == ["Two", "One"]


@pytest.mark.django_db
def test_admin_shows_queued_messages_read_only(admin_user, client):
    TOTP.activate(admin_user, generate_totp_secret())  # staff need an authenticator for /admin/
    client.force_login(admin_user)
    message = OutboxMessage.objects.create(
        task_name=EMAIL,
        kwargs=payload(),
        attempts=3,
        last_error="OperationalError: refused",
        next_try_at=NOON,
    )
    changelist = client.get(reverse("admin:outbox_outboxmessage_changelist"))
    assert changelist.status_code == 200
    assert "OperationalError: refused" in changelist.content.decode()
    assert b"Add queued task" not in changelist.content
    change = client.get(reverse("admin:outbox_outboxmessage_change", args=[message.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
