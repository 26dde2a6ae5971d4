"""Mail helpers: a message whose Subject folds correctly, and an email backend that writes each
message as its own .eml file, for `make run`.

Django's file backend appends every message of a connection to one log file; a person testing
the portal wants to double-click a message and see it (with its attachments) in a mail program.
"""

import os
import threading
from email.header import Header
from email.message import Message
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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
