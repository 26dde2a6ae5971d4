"""Django's Redis cache, with one redis-py client per connection pool.

Django builds a new `redis.Redis` client for every cache call, and each one copies redis-py's
table of ~170 response callbacks: about 0.05 ms a call, several calls on every request (the
session, the page cache's versions and page, rate limits). A client is thread-safe and holds no
connection of its own (the pool does), so one per pool is enough. Measured with
`make bench` (bench/bench_load.py); see docs/PERFORMANCE.md.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
