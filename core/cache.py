"""The Redis cache, made to cost speed rather than availability when Redis is down or hung.

django-redis with short socket timeouts, and a circuit per Redis server: after a failure, the
process leaves that server alone for `RETRY_AFTER` seconds, so a stopped or SIGSTOPped Redis
costs one timeout every few seconds instead of one on every call. Meanwhile each cache says
what it falls back to (OPTIONS "FALLBACK", docs/decisions/0014):

- "local": a memory cache of this process. For rate limits and TOTP's used codes: limits keep
  counting (per process: with N processes a limit allows at most N times as much) instead of
  failing open (login and TOTP unlimited) or closed (nobody can sign in).
- "none": nothing is kept and nothing is found. For sessions (read from the database then) and
  the page cache (pages render as if never cached). Keys whose delete failed (a sign-out during
  the outage) are deleted again when the server is back, so no old session comes back from it.
"""

import logging
import threading
import time

from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds a server is left alone after a failure
DEFAULT_TIMEOUT = 0.5  # seconds a socket call may take, unless OPTIONS say otherwise
_down_until: dict[str, float] = {}
_undeleted: dict[str, set[str]] = {}  # server -> raw keys whose delete failed
_lock = threading.Lock()


class CacheUnavailable(Exception):
    """The Redis server is down, hung or refusing writes (raised by `ResilientRedisCache.run`)."""


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        options = dict(params.get("OPTIONS", {}))
        fallback = options.pop("FALLBACK", "none")
        for name in ("SOCKET_CONNECT_TIMEOUT", "SOCKET_TIMEOUT"):  # never wait forever on a hung Redis
            options.setdefault(name, DEFAULT_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._server = str(server)
        fallback_params = {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10000}}
        self._fallback = (
            LocMemCache(f"credo-fallback-{server}", fallback_params)
            if fallback == "local"
            else DummyCache(server, fallback_params)
        )

    def available(self) -> bool:
        return _down_until.get(self._server, 0.0) <= time.monotonic()

    def run(self, use):
        """`use(client)` with this cache's redis-py client (the public django-redis API), under the
        circuit: CacheUnavailable if the server is known down or fails now."""
        if not self.available():
            raise CacheUnavailable(self._server)
        try:
            self._replay_deletes()
            return use(self.client.get_client(write=True))
        except RedisError as exc:
            self._failed(exc)
            raise CacheUnavailable(self._server) from exc

    def _failed(self, exc: Exception) -> None:
        with _lock:
            first = self.available()
            _down_until[self._server] = time.monotonic() + RETRY_AFTER
        if first:
            logger.warning(
                "cache: Redis at %s failed (%s); without it for %ss", self._server, exc, RETRY_AFTER
            )

    def _replay_deletes(self) -> None:
        """Delete the keys whose delete failed while the server was away (RedisError if it fails again)."""
        if not _undeleted.get(self._server):
            return
        with _lock:
            keys, _undeleted[self._server] = _undeleted[self._server], set()
        try:
            self.client.get_client(write=True).delete(*keys)
        except RedisError:
            with _lock:
                _undeleted[self._server] |= keys
            raise


def _resilient(name: str, *, deletes: bool = False):
    def method(self, *args, **kwargs):
        if self.available():
            try:
                self._replay_deletes()  # before anything is read: no old session comes back
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except RedisError as exc:
                self._failed(exc)
                if deletes:
                    keys = args[0] if name == "delete_many" else [args[0]]
                    with _lock:
                        _undeleted.setdefault(self._server, set()).update(
                            str(self.make_key(key, version=kwargs.get("version"))) for key in keys
                        )
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in ("get", "set", "add", "get_many", "set_many", "incr", "decr", "has_key", "touch"):
    setattr(ResilientRedisCache, _name, _resilient(_name))
for _name in ("delete", "delete_many"):
    setattr(ResilientRedisCache, _name, _resilient(_name, deletes=True))
