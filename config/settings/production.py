"""Production: PostgreSQL, two Redis (the cache, the broker), SMTP, WhiteNoise, HTTPS. No secret defaults."""

from django.core.exceptions import ImproperlyConfigured

from badges.keys import KeyProblem, private_key_from_file

from .badges import CREDO_BADGE_KEY_FILE, CREDO_BADGE_KEY_PASSPHRASE
from .base import *  # noqa: F403 (settings modules extend the base namespace on purpose)
from .base import DATABASES, EMAIL_BACKEND, REDIS_URL, SECRET_KEY, env, env_bool, env_or_fail
from .signing import signing_config

DEBUG = False

# The sample values shipped in .env.example: a site started with one of them signs sessions and
# password-reset links with a key anybody can read (tests keep this list in step with the file).
SAMPLE_SECRET_KEYS = frozenset({"change-me-to-50-or-more-random-characters-from-a-password-manager"})

_key_problem = ""  # what is wrong with the key, named after the variable
if SECRET_KEY in SAMPLE_SECRET_KEYS or SECRET_KEY.lower().startswith("change-me"):
    _key_problem = "not the sample value from .env.example"
elif len(SECRET_KEY) < 50:
    _key_problem = "50 or more random characters"

_missing = [
    name
    for name, ok in (
        (f"DJANGO_SECRET_KEY ({_key_problem})", not _key_problem),
        ("DATABASE_URL (PostgreSQL)", DATABASES["default"]["ENGINE"].endswith("postgresql")),
        ("REDIS_URL", bool(REDIS_URL)),
        # Set explicitly, never the cache's Redis by default: a cache evicts, a broker must not.
        ("CELERY_BROKER_URL", bool(env.str("CELERY_BROKER_URL", default=""))),
        ("EMAIL_URL (smtp://…)", EMAIL_BACKEND.endswith("smtp.EmailBackend")),
    )
    if not ok
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need: " + ", ".join(_missing) + ". See README.md, 'Production set-up'."
    )

# Open Badges (decision 0016): a real key or no start; never the demo key of `make run`.
CREDO_BADGE_DEMO_KEY = ""
try:
    if not CREDO_BADGE_KEY_FILE:
        raise KeyProblem("set it to an RSA key of 2048 bits or more (PEM or PKCS#12)")
    private_key_from_file(CREDO_BADGE_KEY_FILE, CREDO_BADGE_KEY_PASSPHRASE)
except KeyProblem as exc:
    raise ImproperlyConfigured(
        f"Production settings need CREDO_BADGE_KEY_FILE: {exc}. See decision 0016."
    ) from exc

# Every certificate PDF is signed unless CREDO_SIGNING=off; start-up refuses "on" without a usable key.
CREDO_SIGNING = signing_config(enabled_default=True)

STORAGES["staticfiles"] = {  # noqa: F405 (from base)
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_or_fail("DJANGO_HSTS_SECONDS", cast=int, default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
