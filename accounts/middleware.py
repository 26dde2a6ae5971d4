import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .selectors import user_has_totp

# The page a staff member asked for before setting up their authenticator; the recovery codes
# page (shown once, right after) offers it as "Continue" and forgets it.
MFA_ONBOARDING_NEXT = "credo.mfa_onboarding_next"


class StaffMFAMiddleware:
    """Staff must have TOTP two-factor authentication before they reach the Django admin (or
    the instructor pages).

    The admin's own login page is replaced by the site's (allauth) login, which asks for the
    TOTP code of anyone who has enrolled; this closes the other door: a staff account without
    TOTP is sent to enrol first, and remembered where it was going (see recovery_codes_view).
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
                "Staff accounts need two-factor authentication. Set up an authenticator app to continue.",
            )
            if request.method == "GET":  # where to go once the authenticator is set up
                request.session[MFA_ONBOARDING_NEXT] = request.get_full_path()
            return redirect("mfa_activate_totp")
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
