"""The page cache's store: Redis through its client (one round trip a read, a write in the same
round trip), else Django's cache API (the embedded default, tests without Redis)."""

import pickle  # nosec B403 (reads back only what core.page_cache stored in our own cache)
import secrets
from typing import Any

from django.core.cache import cache, caches

from .cache import ResilientRedisCache

PROBE = "page-cache:writable"


def _redis() -> ResilientRedisCache | None:
    backend = caches["default"]
    return backend if isinstance(backend, ResilientRedisCache) else None


# One command: the write first (it fails while Redis refuses writes, and the whole read with it),
# then the values. A script rather than a pipeline: one command to send and parse.
_READ = "redis.call('SET', KEYS[1], '1', 'EX', 60) return redis.call('MGET', unpack(KEYS, 2))"
_read_scripts: dict[int, Any] = {}


def read_values(keys: list[str]) -> list[Any]:
    """The values at `keys` (None where absent). On Redis, with a write in the same round trip:
    if Redis refuses writes (out of memory, a read-only replica), renewals cannot be stored,
    so nothing cached is used (CacheUnavailable)."""
    redis_cache = _redis()
    if redis_cache is None:
        found = cache.get_many(keys)
        return [found.get(key) for key in keys]

    def read(client) -> list:
        script = _read_scripts.get(id(client))
        if script is None:  # EVALSHA from then on (EVAL again if Redis was restarted)
            script = _read_scripts[id(client)] = client.register_script(_READ)
        return script(keys=[redis_cache.make_key(PROBE), *(redis_cache.make_key(key) for key in keys)])

    return [_decode(value) for value in redis_cache.run(read)]


def write_values(values: dict[str, Any], *, timeout: int | None) -> None:
    redis_cache = _redis()
    if redis_cache is None:
        cache.set_many(values, timeout=timeout)
        return

    def write(client) -> None:
        pipe = client.pipeline(transaction=False)
        for key, value in values.items():
            pipe.set(redis_cache.make_key(key), _encode(value), ex=timeout)
        pipe.execute()

    redis_cache.run(write)


def add_versions(keys: list[str]) -> None:
    """A random version for each scope not seen before (never replacing one set meanwhile)."""
    redis_cache = _redis()
    if redis_cache is None:
        for key in keys:
            cache.add(key, secrets.token_hex(6), timeout=None)
        return

    def add(client) -> None:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.set(redis_cache.make_key(key), _encode(secrets.token_hex(6)), nx=True)
        pipe.execute()

    redis_cache.run(add)


def _encode(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(value: bytes | None) -> Any:
    return None if value is None else pickle.loads(value)  # noqa: S301  # nosec B301 (our own entries)
