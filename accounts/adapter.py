import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context

from .services import email_queue


class AccountAdapter(DefaultAccountAdapter):
    """allauth hooks: store the profile fields from sign-up, and send mail through the queue."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data.get("full_name", "").strip()
        user.organization = data.get("organization", "").strip()
        user.job_title = data.get("job_title", "").strip()
        if data.get("time_zone"):
            user.time_zone = data["time_zone"]
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        email_queue(message=message)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A password typed moments ago is as good as a password typed again: right after
        logging in (within ACCOUNT_REAUTHENTICATION_TIMEOUT) setting up an authenticator and
        seeing its recovery codes do not ask for it a second time."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        logged_in_at = [
            record["at"]
            for record in get_authentication_records(request, user)
            if record.get("method") == "password" and isinstance(record.get("at"), (int, float))
        ]
        return (
            not logged_in_at or time.time() - max(logged_in_at) >= account_settings.REAUTHENTICATION_TIMEOUT
        )
