"""Queue Celery work so that a broker outage neither loses it nor reaches the request.

`outbox_enqueue` writes an `OutboxMessage` in the caller's transaction and, once that commits,
publishes it with one short attempt (no kombu retry loop, a connect and socket timeout of
PUBLISH_TIMEOUT seconds) and deletes the row. If the broker refuses, the row stays and is marked
due; `outbox_sweep` (beat, every minute) publishes it when the broker is back.

Work that requests queue in bursts (a certificate for each of 500 check-ins that complete a set
at once) is enqueued with `publish_now=False`: the row is due at once and the request, after its
commit, only "kicks" the relay (one Redis SET NX); the first kick in a while publishes one
`outbox.drain` task, which publishes every due row in batches on one connection (decision 0027).
A kick lost (the key is held by a drain that has just finished, Redis is down) leaves the rows to
the drain's second pass or to beat's sweep a minute later; nothing is lost.

Delivery is at least once: a process that dies between the broker taking a message and the row
being deleted, or a commit that fails after the sweep published, publishes that message again.
Every task queued here must tolerate running twice (STYLE.md says every task is safe to run twice):
`certificates.send_person` locks and marks what it sent, so a repeat sends nothing;
`accounts.email_send` keeps no record, so a repeat sends the same email a second time.
"""

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from celery import Celery, Task, current_app
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 2.0  # seconds: connecting to the broker, and each command sent to it
# A row the request's own publish has not dealt with by then (its process died, or it is
# still trying) becomes the sweep's; well above PUBLISH_TIMEOUT so the two do not overlap.
GRACE = timedelta(seconds=10)
SWEEP_BATCH = 200
KICK = "outbox:drain-queued"  # held from a kick until its drain has run (at most KICK_SECONDS)
KICK_SECONDS = 5


def outbox_enqueue(*, task: Task | str, kwargs: dict[str, Any], publish_now: bool = True) -> OutboxMessage:
    """Run `task(**kwargs)` on a worker once the current transaction commits (at least once).

    The row is written in the current transaction, so the work is queued exactly when the data
    that asked for it is saved. Publishing happens after the commit and never raises: by this
    process (`publish_now`), or by a drain the commit kicks, which costs the request one Redis
    command instead of a publish and a delete (for work queued by bursts of requests)."""
    name = task if isinstance(task, str) else task.name
    due = timezone.now() + (GRACE if publish_now else timedelta(0))
    message = OutboxMessage.objects.create(task_name=name, kwargs=kwargs, next_try_at=due)
    if publish_now:
        transaction.on_commit(lambda: _publish_after_commit(message_id=message.pk, task=task, kwargs=kwargs))
    else:
        transaction.on_commit(_kick)
    return message


def _kick() -> None:
    """Queue one drain unless one is queued or running already (never raises)."""
    from .tasks import drain  # the task module imports this one

    try:
        if cache.add(KICK, 1, timeout=KICK_SECONDS):
            _publish_kept(drain.app, drain, {})
    except Exception:
        logger.warning("Outbox: no drain queued; the sweep will publish the waiting rows", exc_info=True)


def outbox_drain() -> int:
    """Publish every due row (task `outbox.drain`, queued by a kick), then let the next kick
    through and publish once more what was committed while the kick was held."""
    published = outbox_sweep_all()
    cache.delete(KICK)
    return published + outbox_sweep_all()


def outbox_sweep_all(*, rounds: int = 50) -> int:
    """`outbox_sweep` until fewer than a batch are due (or the broker refuses), at most `rounds`."""
    total = 0
    for _ in range(rounds):
        published = outbox_sweep()
        total += published
        if published < SWEEP_BATCH:
            break
    return total


def outbox_sweep(*, limit: int = SWEEP_BATCH) -> int:
    """Publish the due messages (their publish failed, or nobody tried), oldest first; return
    how many the broker took. Rows another sweep holds are skipped (SKIP LOCKED on PostgreSQL).
    A message that fails again waits longer (backoff); a broker that is down ends the run."""
    app = current_app
    published: list[int] = []
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(next_try_at__lte=timezone.now())
            .order_by("next_try_at", "pk")[:limit]
        )
        if not due:
            return 0
        with _connection(app) as connection:
            for message in due:
                try:
                    _publish(app, message.task_name, message.kwargs, connection=connection)
                except Exception as exc:  # noqa: BLE001 (any failure leaves the row for a later sweep)
                    _failed(message=message, exc=exc, retry_in=_backoff(message.attempts))
                    if _broker_down(exc):
                        break
                    continue
                published.append(message.pk)
        OutboxMessage.objects.filter(pk__in=published).delete()
    return len(published)


def _publish_after_commit(*, message_id: int, task: Task | str, kwargs: dict[str, Any]) -> None:
    app = current_app if isinstance(task, str) else task.app
    try:
        _publish_kept(app, task, kwargs)
    except Exception as exc:  # noqa: BLE001 (the request has committed: nothing may reach it; the sweep retries)
        try:
            _failed(message=OutboxMessage(pk=message_id, attempts=0), exc=exc, retry_in=timedelta(0))
        except DatabaseError:
            logger.exception("Outbox: could not record the failure of message %s", message_id)
        return
    try:
        OutboxMessage.objects.filter(pk=message_id).delete()
    except DatabaseError:  # published already: the sweep will publish it again (at least once)
        logger.exception("Outbox: message %s was published but its row could not be deleted", message_id)


_kept = threading.local()


def _publish_kept(app: Celery, task: Task | str, kwargs: dict[str, Any]) -> None:
    """Publish on this thread's kept connection (a new one per publish cost more than the rest
    of a check-in's certificate). A kept connection the broker dropped (a restart) fails at once
    and is replaced by a new one, tried once; one that timed out (a hung broker) is not retried,
    so a request never waits more than PUBLISH_TIMEOUT for the broker."""
    key = (id(app), str(app.conf.broker_url))
    kept = getattr(_kept, "connections", None)
    if kept is None:
        kept = _kept.connections = {}
    connection = kept.pop(key, None)
    if connection is not None:
        started = time.monotonic()
        try:
            _publish(app, task, kwargs, connection=connection)
        except Exception:
            connection.release()
            if time.monotonic() - started > PUBLISH_TIMEOUT / 4:
                raise
        else:
            kept[key] = connection
            return
    connection = _connection(app)
    try:
        _publish(app, task, kwargs, connection=connection)
    except Exception:
        connection.release()
        raise
    kept[key] = connection


def _connection(app: Celery) -> Connection:
    """A broker connection of its own that tries once, with short timeouts (the app's pooled
    connection would retry for seconds, and the worker's settings must not change)."""
    return app.connection_for_write(
        connect_timeout=PUBLISH_TIMEOUT,
        transport_options={
            "max_retries": 0,
            "socket_connect_timeout": PUBLISH_TIMEOUT,
            "socket_timeout": PUBLISH_TIMEOUT,
        },
    )


def _publish(app: Celery, task: Task | str, kwargs: dict[str, Any], *, connection: Connection) -> None:
    """apply_async (so that eager settings run the task in place), or send_task by name when
    this process has not loaded the task."""
    if isinstance(task, str):
        registered = app.tasks.get(task)
        if registered is None:
            app.send_task(task, kwargs=kwargs, connection=connection, retry=False)
            return
        task = registered
    task.apply_async(kwargs=kwargs, connection=connection, retry=False)


def _broker_down(exc: Exception) -> bool:
    return isinstance(exc, OperationalError | OSError)


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed sweep, at most an hour."""
    return timedelta(minutes=min(60, 2 ** min(attempts, 6)))


def _failed(*, message: OutboxMessage, exc: Exception, retry_in: timedelta) -> None:
    logger.warning(
        "Outbox: could not publish message %s (attempt %s): %s", message.pk, message.attempts + 1, exc
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=F("attempts") + 1,
        last_error=f"{type(exc).__name__}: {exc}"[:1000],
        next_try_at=timezone.now() + retry_in,
    )
