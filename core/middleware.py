"""Request guards every page shares: hostile addresses are refused before any view or query
reads them, and personal pages are never kept by a browser or a proxy."""

import re

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# C0 control characters and DEL: a NUL is refused by PostgreSQL in any text (a 500 if it reaches
# a query), and none of them belongs in an address a person or a program is given.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(request: HttpRequest) -> bool:
    if CONTROL_CHARACTERS.search(request.path_info):
        return True
    return any(
        CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for name, values in request.GET.lists()
    )


class RefuseBadInputMiddleware:
    """A path or query string with a control character gets the site's "Bad request" page (400)
    before any view, cache or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Personal pages (settings.CREDO_PRIVATE_PATHS) answer `Cache-Control: private, no-store`:
    no shared proxy keeps them, and the browser does not keep them for the next person at a
    shared computer (the back button after logging out)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.CREDO_PRIVATE_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        personal = request.path_info.startswith(self.prefixes)
        if personal and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response


ADMIN_PATH = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (config/settings/headers.py), with one exception: Django's own admin
    sets inline styles from its templates and widgets (the filter boxes, the calendar), so under
    ADMIN_PATH (config/urls.py, staff with TOTP only) inline styles are allowed. No inline script
    anywhere, the admin included."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path.startswith(ADMIN_PATH):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
