"""What `/healthz` asks: the database, the cache and the broker, each within a short timeout.

The broker is checked over a connection of its own with `TIMEOUT_SECONDS` on every socket
operation and no retries, the cache through its own client (0.5 s socket timeouts): a Redis that
is stopped or unreachable (or answers nothing: a SIGSTOPped process still accepts connections)
fails its check in about that long. The database is checked on the request's
own connection: if it hangs, every page hangs with it, and the load balancer's own timeout
reports the node as down, which it then is.
"""

from django.core.cache import cache, caches
from django.db import connection

from core.cache import ResilientRedisCache

from .celery_app import app as celery_app

TIMEOUT_SECONDS = 1.0
_KEY = "credo:healthz"


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_check() -> None:
    """Redis itself when the cache is on Redis (through the cache's own client: its short socket
    timeouts and circuit, core/cache.py), not the fallback the cache would use without it."""
    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        backend.run(lambda client: client.ping())
        return
    cache.set(_KEY, "ok", timeout=10)  # a local cache (memory, files) has no server to hang on
    if cache.get(_KEY) != "ok":
        raise RuntimeError("the cache did not return what was stored")


def broker_check() -> None:
    options = {"socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS}
    with celery_app.connection_for_write(transport_options=options) as conn:
        # Redis' transport PINGs the server when it opens its channel.
        conn.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)


CHECKS = {"database": database_check, "cache": cache_check, "broker": broker_check}
