"""Django's Redis cache, with one redis-py client per connection pool and `incr` in one
round trip.

Django builds a new `redis.Redis` client for every cache call, and each one copies redis-py's
table of ~170 response callbacks: about 0.05 ms a call, several calls on every request (the
session, the page cache's versions and page, rate limits). A client is thread-safe and holds no
connection of its own (the pool does), so one per pool is enough. Measured with
`make bench` (bench/bench_load.py); see docs/PERFORMANCE.md.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# Django's `incr` asks EXISTS, then INCRBY: two round trips on every rate-limited request
# (django-ratelimit adds the key, then increments it), and not atomic. This is both at once.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return false
"""


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._incr_scripts: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._incr_scripts.get(id(client))
        if script is None:  # EVALSHA from then on (EVAL once if Redis was restarted)
            script = self._incr_scripts[id(client)] = client.register_script(_INCR_EXISTING)
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
