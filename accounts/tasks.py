"""The email task lives in core (core.tasks.email_send, still named "accounts.email_send");
importing it here is what registers it with a worker, whose autodiscovery reads installed apps'
tasks.py only."""

from core.tasks import email_send

__all__ = ["email_send"]
