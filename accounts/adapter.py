from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .services import email_queue


@dataclass(frozen=True)
class SiteFromSettings:
    """What allauth's emails call `current_site`: the organisation's name and the site's host,
    from settings (never the request's Host header, and not the Sites framework, which this
    project does not install)."""

    name: str
    domain: str


def site_from_settings() -> SiteFromSettings:
    return SiteFromSettings(name=settings.CREDO_SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


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
        # The same context allauth's own send_mail gives its templates ("Hello from {{
        # current_site.name }}!"), with the site from settings.
        site = site_from_settings()
        context = {"email": email, "current_site": site, "site_url": settings.SITE_URL, **context}
        message = self.render_mail(template_prefix, email, context)
        email_queue(message=message)
