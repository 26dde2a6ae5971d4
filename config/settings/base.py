"""Settings shared by every environment, read from the environment here (signing keys: signing.py) through
django-environ; `local`, `test` and `production` change defaults and add checks. Bad values name the variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from .badges import *  # noqa: F403 (the Open Badges signing key: CREDO_BADGE_*)
from .headers import CONTENT_SECURITY_POLICY as HEADERS_CSP
from .headers import PRIVATE_PATHS
from .rate_limits import ACCOUNT_LIMITS
from .sharing import CREDO_LINKEDIN_ORGANIZATION_ID, CREDO_VERIFY_LOOKUP_RATE  # noqa: F401 (settings)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR: Path = BASE_DIR / "var"

env = environ.Env()


def env_or_fail(name: str, cast=str, **kwargs):
    """Read one variable, turning django-environ's errors into one clear start-up message."""
    try:
        return env.get_value(name, cast=cast, **kwargs)
    except (ValueError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is missing or invalid: {exc}") from exc


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable; anything but true/false/1/0/yes/no/on/off fails instead of meaning False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name} is missing or invalid: use true or false, not {raw!r}"
    )


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_or_fail("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env_or_fail("DJANGO_ALLOWED_HOSTS", cast=list, default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_or_fail("DJANGO_CSRF_TRUSTED_ORIGINS", cast=list, default=[])
SITE_URL = env_or_fail("CREDO_SITE_URL", default="http://localhost:8000").rstrip("/")

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "core.admin.CredoAdminConfig",  # django.contrib.admin with labelled fields
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Credo's apps, in dependency order (see STYLE.md): each may only import the ones above it.
    "outbox",  # infrastructure under core (decision 0012): Celery work queued with the transaction
    "accounts",
    "programs",
    "modules",
    "practicums",
    "signing",  # PDF signatures and their keys (imports only core)
    "certificates",
    "recertification",
    "badges",  # Open Badges 3.0 for every certificate (decision 0016)
    "insight",  # the program dashboard (issue #20): reads every app above
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.RefuseBadInputMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Django's, with select options written in place (core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
    {
        # The plain-text parts of emails: the same templates, without HTML escaping ("Sessions
        # 7 & 8", not "7 &amp; 8"). Render them with `using="text"` (programs.services.email_render).
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database ----------------------------------------------------------------------------------
# DATABASE_URL (e.g. postgres://user:pass@host:5432/credo); SQLite in var/ when unset.
try:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'credo.sqlite3'}")}
except (ValueError, KeyError, ImproperlyConfigured) as exc:
    raise ImproperlyConfigured(f"Environment variable DATABASE_URL is invalid: {exc}") from exc
if "ENGINE" not in DATABASES["default"]:
    raise ImproperlyConfigured(
        "Environment variable DATABASE_URL is invalid: use postgres://user:password@host:5432/name or sqlite:///path"
    )
DATABASES["default"]["CONN_MAX_AGE"] = env_or_fail("DATABASE_CONN_MAX_AGE", cast=int, default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat share one SQLite file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery -------------------------------------------------------------------
REDIS_URL: str = env_or_fail("REDIS_URL", default="")


def _redis_cache(fallback: str) -> dict:
    """A cache on the Redis at REDIS_URL that costs speed, not availability, when Redis is down
    or hung (core/cache.py, docs/decisions/0014): short socket timeouts, and `fallback` meanwhile."""
    return {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        # The database's name in every key: cached pages and people belong to one database
        # (two databases on one Redis, e.g. the benchmarks' scratch ones, never mix).
        "KEY_PREFIX": f"credo:{DATABASES['default']['NAME']}",
        "OPTIONS": {
            "FALLBACK": fallback,
            "SOCKET_CONNECT_TIMEOUT": env_or_fail("CREDO_CACHE_CONNECT_TIMEOUT", cast=float, default=0.5),
            "SOCKET_TIMEOUT": env_or_fail("CREDO_CACHE_TIMEOUT", cast=float, default=0.5),
        },
    }


if REDIS_URL:
    CACHES = {
        # Rate limits and TOTP's used codes: counted in this process while Redis is away.
        "default": _redis_cache("local"),
        # Sessions: read from the database while Redis is away.
        "sessions": _redis_cache("none"),
    }
    SESSION_CACHE_ALIAS = "sessions"
else:
    # No server: a file cache is shared by the web process, the worker and beat on one machine,
    # which rate limits need. Production uses Redis (see production.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Room for the page cache: at the default 300 entries, culling would also drop the
            # rate-limit counters.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Sessions live in the database; with Redis they are read through the cache (one query fewer
# on every logged-in request: the attendance burst and the dashboards feel it).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# Celery (broker, retries, the schedule): config/settings/tasks.py, imported at the end.

# --- Files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_or_fail("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Certificate PDFs and uploads go through the storage API: a local folder by default, an
# S3-compatible object store when S3_BUCKET is set (web and workers on different machines).
S3_BUCKET = env_or_fail("S3_BUCKET", default="")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_or_fail("S3_ENDPOINT_URL", default="") or None,
            "access_key": env_or_fail("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env_or_fail("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env_or_fail("S3_REGION", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email -------------------------------------------------------------------------------------
# EMAIL_URL chooses the transport: smtp://user:pass@host:587 (with +tls / +ssl), or unset for
# .eml files in var/mail that any mail program opens.
_email_url = env_or_fail("EMAIL_URL", default="")
if _email_url:
    try:
        _email = environ.Env.email_url_config(_email_url)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"Environment variable EMAIL_URL is invalid: {exc}") from exc
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "core.mail.EmlFileBackend"
EMAIL_FILE_PATH = env_or_fail("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env_or_fail("EMAIL_TIMEOUT", cast=int, default=20)
DEFAULT_FROM_EMAIL = env_or_fail("DEFAULT_FROM_EMAIL", default="Credo <no-reply@credo.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CREDO_SUPPORT_EMAIL = env_or_fail("CREDO_SUPPORT_EMAIL", default="support@credo.example")
CREDO_SUPPORT_PHONE = env_or_fail("CREDO_SUPPORT_PHONE", default="+1 (555) 010-0100")
CREDO_SITE_NAME = env_or_fail("CREDO_SITE_NAME", default="Credo")

# --- Accounts (django-allauth) -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's (accounts/backends.py: the names sessions store)
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_UNIQUE_EMAIL = True
# A taken email gets a clear message at sign-up (the issue asks for it); rate limits keep
# enumeration slow. See docs/decisions/0003-accounts.md.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{CREDO_SITE_NAME}] "
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# allauth's rate limits: config/settings/rate_limits.py (each limit without Redis: docs/SECURITY.md).
ACCOUNT_RATE_LIMITS = ACCOUNT_LIMITS
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = CREDO_SITE_NAME
MFA_RECOVERY_CODES_SHOW_ONCE = True  # shown right after setting up the authenticator, then hidden

# --- Internationalisation and time --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
CREDO_DEFAULT_TIME_ZONE = "America/Los_Angeles"

# Attendance codes are accepted from a session's start until this long after its end.
CREDO_ATTENDANCE_GRACE_MINUTES = env_or_fail("CREDO_ATTENDANCE_GRACE_MINUTES", cast=int, default=120)
# Wrong codes allowed per person in the window (never per IP: a whole venue shares one).
CREDO_ATTENDANCE_MAX_WRONG = 10
CREDO_ATTENDANCE_WRONG_WINDOW_SECONDS = 600
# Certificate emails that hit a temporary SMTP failure are retried after base × 2^n seconds.
CREDO_EMAIL_RETRY_BASE_SECONDS = env_or_fail("CREDO_EMAIL_RETRY_BASE_SECONDS", cast=int, default=30)
# Shared-record links opened per IP address per minute (guessing protection).
CREDO_SHARED_RECORD_RATE = env_or_fail("CREDO_SHARED_RECORD_RATE", default="60/m")
# A virtual session's join link shows from this long before it starts until it ends.
CREDO_JOIN_LINK_LEAD_MINUTES = 30

# --- Security defaults shared by all environments -------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = HEADERS_CSP  # strict: config/settings/headers.py
CREDO_PRIVATE_PATHS = PRIVATE_PATHS  # answered `private, no-store`

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_or_fail("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "mail.log": {"level": "WARNING"},  # aiosmtpd (tests and benchmarks) logs every SMTP command
    },
}

# django-ratelimit counts in the default cache (Redis in production); public forms say "try later".
RATELIMIT_VIEW = "config.views.rate_limited"

# --- The client's address behind reverse proxies ---------------------------------------------------
# Proxies in front of the app that append to X-Forwarded-For; 0 (default) ignores the header.
# Every rate limit asks core.client_ip.client_ip (README, "Production set-up").
CREDO_TRUSTED_PROXY_COUNT = env_or_fail("CREDO_TRUSTED_PROXY_COUNT", cast=int, default=0)
if CREDO_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "Environment variable CREDO_TRUSTED_PROXY_COUNT is missing or invalid: "
        f"{CREDO_TRUSTED_PROXY_COUNT} proxies (use 0 or more)"
    )
RATELIMIT_IP_META_KEY = "core.client_ip.client_ip"
# allauth reads it through AccountAdapter.get_client_ip; its own setting agrees.
ALLAUTH_TRUSTED_PROXY_COUNT = CREDO_TRUSTED_PROXY_COUNT
from .signing import CREDO_SIGNING  # noqa: E402, F401 (PDF signing keys, after the helpers it uses)
from .tasks import *  # noqa: E402, F403 (Celery's settings, after the helpers they use)
