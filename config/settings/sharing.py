"""Credentials shown outside the site: LinkedIn's "Add to profile" link and the verify page
answered as JSON. Read from the environment here; base.py imports these names."""

import re

import environ
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()

# LinkedIn's numeric id of the organisation's company page: with it, "Add to profile" links the
# certificate to the page (and its logo); without it, LinkedIn shows CREDO_SITE_NAME as text.
CREDO_LINKEDIN_ORGANIZATION_ID = _env.str("CREDO_LINKEDIN_ORGANIZATION_ID", default="").strip()
if CREDO_LINKEDIN_ORGANIZATION_ID and not CREDO_LINKEDIN_ORGANIZATION_ID.isdigit():
    raise ImproperlyConfigured(
        "Environment variable CREDO_LINKEDIN_ORGANIZATION_ID is missing or invalid: "
        f"LinkedIn's organisation id is a number, not {CREDO_LINKEDIN_ORGANIZATION_ID!r}"
    )

# Lookups of /verify/<code>/ (page or JSON) per client address: generous, so an HR system can
# check certificates in bulk; beyond it a 429 with Retry-After. django-ratelimit's rate syntax.
CREDO_VERIFY_LOOKUP_RATE = _env.str("CREDO_VERIFY_LOOKUP_RATE", default="300/m")
if not re.fullmatch(r"\d+/\d*[smhd]", CREDO_VERIFY_LOOKUP_RATE):
    raise ImproperlyConfigured(
        "Environment variable CREDO_VERIFY_LOOKUP_RATE is missing or invalid: "
        f"write it like 300/m, not {CREDO_VERIFY_LOOKUP_RATE!r}"
    )
