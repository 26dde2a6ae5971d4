"""Mail every app sends: a message whose Subject folds correctly, the outgoing-mail queue (a message
is sent by a worker once the transaction that wrote it commits), and an email backend that writes
each message as its own .eml file, for `make run`.

Django's file backend appends every message of a connection to one log file; a person testing
the portal wants to double-click a message and see it (with its attachments) in a mail program.
"""

import base64
import os
import threading
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_lock = threading.Lock()


class Email(EmailMultiAlternatives):
    """A message whose long, non-ASCII Subject folds between encoded words.

    Django 5.2 encodes the subject without knowing the header's name, so a long one with, say,
    an em dash is folded right after "Subject:" and mail programs read it with a leading space.
    Encoding it with the name lets the first encoded word start on the Subject line."""

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        subject = str(self.subject)
        if not subject.isascii():
            del msg["Subject"]
            # Message.__setitem__, not Django's: the value is a Header, already checked for
            # newlines by the message() call above (which raises BadHeaderError on them).
            Message.__setitem__(msg, "Subject", Header(subject, "utf-8", header_name="Subject"))
        return msg


_counter = 0


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        global _counter
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with _lock:
                _counter += 1
                serial = _counter
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.directory / f"{stamp}-{os.getpid()}-{serial:04d}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            sent += 1
        return sent


def email_serialize(message: EmailMessage) -> dict:
    """A JSON-safe form of a rendered message, so that a Celery task can send it later."""
    alternatives = [[content, mimetype] for content, mimetype in getattr(message, "alternatives", []) or []]
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("MIME attachments cannot be queued; attach (name, bytes, type) tuples.")
        name, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append([name, base64.b64encode(content).decode("ascii"), mimetype, "base64"])
        else:
            attachments.append([name, content, mimetype, "text"])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": alternatives,
        "attachments": attachments,
    }


def email_deserialize(data: dict) -> EmailMultiAlternatives:
    message = Email(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc") or None,
        bcc=data.get("bcc") or None,
        reply_to=data.get("reply_to") or None,
        headers=data.get("headers") or None,
    )
    for content, mimetype in data.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    for name, content, mimetype, encoding in data.get("attachments", []):
        message.attach(name, base64.b64decode(content) if encoding == "base64" else content, mimetype)
    return message


def email_queue(*, message: EmailMessage) -> None:
    """Send a message from a worker once the current transaction commits.

    A slow or unreachable mail server then never slows down or breaks the page that caused the
    message, and temporary failures are retried (see core.tasks.email_send). The message goes
    through the outbox: written with the transaction, so a broker outage delays it, never loses
    it nor fails the page (decision 0012).
    """
    from outbox.services import outbox_enqueue

    from .tasks import email_send

    outbox_enqueue(task=email_send, kwargs={"message": email_serialize(message)})
