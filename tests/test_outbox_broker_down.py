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
