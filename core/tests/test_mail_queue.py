"""email_queue writes through the outbox (decision 0012): the message is saved with the
transaction, and a broker that is down delays it without failing the caller."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from core.mail import email_queue, email_serialize
from outbox.models import OutboxMessage
from outbox.services import outbox_sweep


def make_message() -> EmailMultiAlternatives:
    return EmailMultiAlternatives(
        "Hello", "Plain body", "Credo <no-reply@credo.example>", ["someone@example.org"]
    )


@pytest.mark.django_db
def test_email_queue_with_the_broker_down_keeps_the_message_and_sends_it_later(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(message=make_message())  # no error: the broker's failure stays in the outbox
    [queued] = OutboxMessage.objects.all()
    assert (queued.task_name, queued.kwargs, queued.attempts) == (
        "accounts.email_send",
        {"message": email_serialize(make_message())},
        1,
    )
    assert mail.outbox == []

    broker_down.up()
    assert outbox_sweep() == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [("Hello", ["someone@example.org"])]
    assert OutboxMessage.objects.count() == 0
