"""`make run`: the embedded default. SQLite, a broker with no server, mail as .eml files."""

from .base import *  # noqa: F403 (settings modules extend the base namespace on purpose)
from .base import env_bool
from .signing import signing_config

DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405 (from base)

# Serve static files straight from the finders (no collectstatic needed outside production).
WHITENOISE_AUTOREFRESH = DEBUG  # files re-read on each request only while developing
WHITENOISE_USE_FINDERS = True

# Signed PDFs with a throw-away demo CA and key under var/signing, made on first start (signing/demo.py).
CREDO_SIGNING = signing_config(enabled_default=True, demo=True)
