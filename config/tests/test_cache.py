"""The production cache backend (config.cache.RedisCache) on a real Redis."""

import os
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    return caches["default"]


def test_incr_counts_only_keys_that_exist(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("never-set")
    assert redis_cache.get("never-set") is None  # not created by the attempt
    redis_cache.set("counter", 5)
    assert redis_cache.incr("counter") == 6
    assert redis_cache.incr("counter", 10) == 16
    assert redis_cache.get("counter") == 16


def test_rate_limits_count_on_redis(redis_cache):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    limited = [is_ratelimited(request, group="t", key="ip", rate="3/m", increment=True) for _ in range(5)]
    assert limited == [False, False, False, True, True]
