import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from core.client_ip import client_ip
from core.mail import email_queue

# A browser that has signed in to an account carries this signed cookie (the account's email):
# the per-account limit, which guessers from many addresses can spend, does not refuse it.
KNOWN_BROWSER_COOKIE = "credo_known"
KNOWN_BROWSER_SALT = "accounts.known-browser"
KNOWN_BROWSER_MAX_AGE = 365 * 24 * 3600


def known_browser_email(request: HttpRequest) -> str | None:
    try:
        return request.get_signed_cookie(
            KNOWN_BROWSER_COOKIE, salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return None


@dataclass(frozen=True)
class SiteFromSettings:
    """What allauth's emails call `current_site`: the organisation's name and the site's host,
    from settings (never the request's Host header, and not the Sites framework, which this
    project does not install)."""

    name: str
    domain: str


def site_from_settings() -> SiteFromSettings:
    return SiteFromSettings(name=settings.CREDO_SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def on_site(url: str) -> str:
    """`url`'s path, query and fragment on the configured site (CREDO_SITE_URL), whatever host
    and port the request that built it named in its Host header."""
    bits = urlsplit(url)
    return settings.SITE_URL + urlunsplit(("", "", bits.path, bits.query, bits.fragment))


def _is_link(name: str, value: object) -> bool:
    return name.endswith("_url") and isinstance(value, str) and "://" in value


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

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_site(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix, email, context):
        # The same context allauth's own send_mail gives its templates ("Hello from {{
        # current_site.name }}!"), with the site from settings. Every link in it is on the
        # configured site (`signup_url`, `password_reset_url`… are built from the request).
        site = site_from_settings()
        context = {
            name: on_site(value) if _is_link(name, value) else value for name, value in context.items()
        }
        context = {"email": email, "current_site": site, "site_url": settings.SITE_URL, **context}
        message = self.render_mail(template_prefix, email, context)
        email_queue(message=message)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address every allauth rate limit counts: core.client_ip (CREDO_TRUSTED_PROXY_COUNT)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    # Failed sign-ins. allauth counts them under one key, the account, so five wrong passwords from
    # anywhere refused the right one from everywhere. Here "login_failed" is keyed on (account,
    # client address) and a slower "login_failed_account" on the account alone (rates in
    # ACCOUNT_RATE_LIMITS): a guesser locks only their own address out of that account, and many
    # addresses together still get 30 guesses an hour. A browser that has signed in to the account
    # before (KNOWN_BROWSER_COOKIE) is not held to the per-account limit, so such a flood cannot
    # lock its owner out. A successful sign-in rolls back its own count in both (allauth's
    # rollback), a password reset clears both.

    def _account_attempts_key(self, request: HttpRequest, **credentials) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        return f"{self._account_attempts_key(request, **credentials)}|{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        login = str(credentials.get("email", "")).lower()
        if login and known_browser_email(request) == login:
            return
        account_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._account_attempts_key(request, **credentials),
        )
        if not account_usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        self._login_failed_rl_usage.usage.extend(account_usage.usage)

    def post_login(self, request: HttpRequest, user, **kwargs) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        response.set_signed_cookie(
            KNOWN_BROWSER_COOKIE,
            user.email.lower(),
            salt=KNOWN_BROWSER_SALT,
            max_age=KNOWN_BROWSER_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials) -> None:
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._account_attempts_key(request, **credentials),
        )

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
