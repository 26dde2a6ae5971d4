"""`make test`: SQLite in memory unless DATABASE_URL is set, eager Celery unless a test starts a
real worker, fast password hashing, mail kept in memory."""

from .base import *  # noqa: F403 (settings modules extend the base namespace on purpose)

SECRET_KEY = "test-only-not-secret"  # noqa: S105 (a fixed key for tests only)  # nosec B105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_CACHE_ALIAS = "default"
# Sessions as production keeps them with Redis (read through the cache), with or without
# REDIS_URL: tests that count a page's queries must not depend on which machine runs them.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Short timeouts so that a test with a real broker fails fast instead of hanging.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_MAX_RETRIES = 1
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Serve static files straight from the finders (no collectstatic needed outside production).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
