"""What `/healthz` asks: the database, the cache and the broker, each within a short timeout.

The cache and the broker are checked over a connection of their own with `TIMEOUT_SECONDS` on
every socket operation and no retries: a Redis that is stopped or unreachable (or answers
nothing: a SIGSTOPped process still accepts connections) fails its check in about that long,
whatever timeouts the pages' own connections have. The database is checked on the request's
own connection: if it hangs, every page hangs with it, and the load balancer's own timeout
reports the node as down, which it then is.
"""

import re

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils.module_loading import import_string
from django_redis.cache import RedisCache as DjangoRedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

from .celery_app import app as celery_app

TIMEOUT_SECONDS = 1.0
_KEY = "credo:healthz"


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis_cache_location() -> str | None:
    """The first server of the default cache when it is a Redis cache, else None."""
    config = settings.CACHES["default"]
    if not issubclass(import_string(config["BACKEND"]), (RedisCache, DjangoRedisCache)):
        return None
    location = config["LOCATION"]
    return re.split("[;,]", location)[0] if isinstance(location, str) else location[0]


def cache_check() -> None:
    location = _redis_cache_location()
    if location is None:  # a local cache (memory, files) has no server to hang on
        cache.set(_KEY, "ok", timeout=10)
        if cache.get(_KEY) != "ok":
            raise RuntimeError("the cache did not return what was stored")
        return
    client = redis.Redis.from_url(
        location,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.set(_KEY, "ok", ex=10)
        if client.get(_KEY) != b"ok":
            raise RuntimeError("the cache did not return what was stored")
    finally:
        client.close()


def broker_check() -> None:
    options = {"socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS}
    with celery_app.connection_for_write(transport_options=options) as conn:
        # Redis' transport PINGs the server when it opens its channel.
        conn.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)


CHECKS = {"database": database_check, "cache": cache_check, "broker": broker_check}
