"""What pages say about themselves in their headers (CONTENT_SECURITY_POLICY and
CREDO_PRIVATE_PATHS in base.py). Fixed, not read from the environment."""

from csp.constants import NONE, SELF

# No page has an inline script or style (STYLE.md), so the policy can be strict: only this
# site's own files, images also as data: URIs (the TOTP QR code), no frames, no plugins.
# django-csp's middleware sends it; tests/test_headers.py and the browser journeys hold it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Personal pages: `Cache-Control: private, no-store` (core/middleware.py). Everything under /me/,
# the attendance page, modules and their lessons, the exam, shared records and account pages.
PRIVATE_PATHS = ["/me/", "/attendance/", "/modules/", "/exam/", "/records/", "/accounts/"]
