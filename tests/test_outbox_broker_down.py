"""Redis (the broker) down: a request that queues mail still commits and answers at once, and the
mail is delivered once the broker is back (decision 0012)."""

import time

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD
from conftest import _reset_connection_pools
from outbox.models import OutboxMessage
from outbox.tasks import sweep


def sign_up(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"full_name": "Wren Worker", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.django_db(transaction=True)  # the mail is queued on commit, inside the request
def test_signup_with_the_broker_down_answers_at_once_and_keeps_the_mail(broker_down, client):
    started = time.monotonic()
    response = sign_up(client, "wren@example.org")
    assert (response.status_code, response["Location"]) == (302, reverse("account_email_verification_sent"))
    assert time.monotonic() - started < 2
    assert User.objects.filter(email="wren@example.org").exists()
    [queued] = OutboxMessage.objects.all()
    assert (queued.task_name, queued.kwargs["message"]["to"], queued.attempts) == (
        "accounts.email_send",
        ["wren@example.org"],
        1,
    )


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.smtp
def test_mail_queued_while_redis_is_down_is_delivered_when_it_is_back(
    transactional_db, client, smtp_server, redis_process
):
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    keys = ("broker_url", "task_always_eager", "broker_transport_options", "broker_connection_timeout")
    previous = {key: app.conf[key] for key in keys}
    broker = redis_process
    try:
        app.conf.update(
            broker_url=broker.url,
            task_always_eager=False,
            broker_transport_options={"visibility_timeout": 60},
            broker_connection_timeout=3,
        )
        _reset_connection_pools(app)
        broker.stop()  # Redis goes down

        started = time.monotonic()
        response = sign_up(client, "wren@example.org")
        assert response.status_code == 302
        assert time.monotonic() - started < 2
        assert User.objects.filter(email="wren@example.org").exists()
        [queued] = OutboxMessage.objects.all()
        assert queued.attempts == 1
        assert queued.last_error.startswith("OperationalError: ")

        broker.start()  # Redis is back: beat queues the sweep, a worker runs it and sends the mail
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            sweep.delay()
            received = smtp_server.wait_for(1, timeout=30)
        assert [m["To"] for m in received] == ["wren@example.org"]
        assert "confirm-email" in received[0].get_body(preferencelist=("plain",)).get_content()
        assert OutboxMessage.objects.count() == 0
    finally:
        app.conf.update(previous)
        _reset_connection_pools(app)


@pytest.mark.redis
def test_publishing_keeps_one_broker_connection_and_replaces_it_after_a_broker_restart(
    transactional_db, redis_process
):
    """A new broker connection per publish cost more than a check-in's certificate: the process
    keeps one. After the broker restarts, the next publish goes out at once on a new connection
    (not a minute later by the sweep)."""
    import redis

    from config.celery_app import app
    from outbox.services import outbox_enqueue

    keys = ("broker_url", "task_always_eager", "broker_connection_timeout")
    previous = {key: app.conf[key] for key in keys}
    broker = redis_process
    client = redis.Redis.from_url(broker.url)

    try:
        app.conf.update(broker_url=broker.url, task_always_eager=False, broker_connection_timeout=3)
        _reset_connection_pools(app)

        def connections_made() -> int:
            return client.info("stats")["total_connections_received"]

        outbox_enqueue(task="tests.nothing", kwargs={"n": 0})  # autocommit: published at once
        made = connections_made()
        for n in range(1, 5):
            outbox_enqueue(task="tests.nothing", kwargs={"n": n})
        assert connections_made() == made  # four more publishes, no new connection
        assert client.llen("celery") == 5
        assert OutboxMessage.objects.count() == 0
        broker.stop()
        broker.start()
        client = redis.Redis.from_url(broker.url)
        started = time.monotonic()
        outbox_enqueue(task="tests.nothing", kwargs={"n": 5})
        assert time.monotonic() - started < 1
        assert OutboxMessage.objects.count() == 0  # published, not left to the sweep
        assert client.llen("celery") >= 1
    finally:
        app.conf.update(previous)
        _reset_connection_pools(app)
