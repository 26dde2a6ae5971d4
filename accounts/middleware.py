import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .selectors import user_has_totp


class StaffMFAMiddleware:
    """Staff must have TOTP two-factor authentication before they reach the Django admin (or
    the instructor pages).

    The admin's own login page is replaced by the site's (allauth) login, which asks for the
    TOTP code of anyone who has enrolled; this closes the other door: a staff account without
    TOTP is sent to enrol first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith((reverse("admin:index"), "/instructor/"))
            and not user_has_totp(user=user)
        ):
            messages.warning(
                request,
                "Staff accounts need two-factor authentication. "
                "Set up an authenticator app to continue to the admin.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show times in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
