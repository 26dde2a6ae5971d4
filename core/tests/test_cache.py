"""The production cache backend (core.cache.ResilientRedisCache) on a real Redis: what it
stores, and what it does when Redis stops or hangs (docs/decisions/0014)."""

import os
import time
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from core import cache as resilient
from tests.redis_process import cache_settings


def redis_caches(url: str) -> dict:
    return cache_settings(url, prefix=f"test-{uuid.uuid4().hex}")


@pytest.fixture
def quick_retry(monkeypatch):
    """The circuit retries a failed server after 0.3 s instead of 5 s, and starts closed."""
    monkeypatch.setattr(resilient, "RETRY_AFTER", 0.3)
    resilient._down_until.clear()
    resilient._undeleted.clear()


@pytest.fixture
def own_redis(redis_process, settings, quick_retry):
    settings.CACHES = redis_caches(redis_process.url)
    return redis_process


@pytest.mark.redis
def test_incr_counts_only_keys_that_exist(settings):
    settings.CACHES = redis_caches(os.environ["REDIS_URL"])
    cache = caches["default"]
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")
    assert cache.get("never-set") is None  # not created by the attempt
    cache.set("counter", 5)
    assert cache.incr("counter") == 6
    assert cache.incr("counter", 10) == 16
    assert cache.get("counter") == 16


@pytest.mark.redis
def test_rate_limits_count_on_redis(settings):
    settings.CACHES = redis_caches(os.environ["REDIS_URL"])
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    limited = [is_ratelimited(request, group="t", key="ip", rate="3/m", increment=True) for _ in range(5)]
    assert limited == [False, False, False, True, True]


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_with_redis_stopped_sessions_find_nothing_and_limits_count_locally(own_redis):
    sessions, default = caches["sessions"], caches["default"]
    sessions.set("s", "kept")
    assert sessions.get("s") == "kept"
    own_redis.stop()
    assert sessions.get("s") is None  # read from the database instead
    sessions.set("s", "new")  # no error, and nothing kept to go stale
    assert sessions.get("s") is None
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.10")
    limited = [is_ratelimited(request, group="login", key="ip", rate="3/m", increment=True) for _ in range(5)]
    assert limited == [False, False, False, True, True]  # not unlimited, and not everyone refused
    assert default.get("absent", "default") == "default"


def test_redis_back_is_used_again_by_itself(own_redis):
    sessions = caches["sessions"]
    own_redis.stop()
    assert sessions.get("s") is None
    own_redis.start()
    time.sleep(0.4)  # the circuit's retry
    sessions.set("s", "kept")
    assert sessions.get("s") == "kept"
    assert own_redis.command("DBSIZE") == "1"


def test_a_hung_redis_costs_one_timeout_then_nothing(own_redis):
    sessions = caches["sessions"]
    sessions.set("s", "kept")
    own_redis.pause()  # SIGSTOP: connections open, no answers, no errors
    try:
        value, first = timed(lambda: sessions.get("s"))
        assert value is None
        assert first < 1.5  # the socket timeout (0.5 s), not forever
        _, then = timed(lambda: [sessions.get("s") for _ in range(20)])
        assert then < 0.1  # the circuit: no more waiting while it is known down
    finally:
        own_redis.resume()


def test_a_sign_out_during_an_outage_does_not_come_back_after_it(own_redis):
    """A session deleted while Redis hangs is deleted from Redis when it answers again: its old
    copy there must not sign the person back in."""
    sessions = caches["sessions"]
    sessions.set("session-key", {"_auth_user_id": "1"})
    own_redis.pause()
    try:
        sessions.delete("session-key")  # times out: remembered
    finally:
        own_redis.resume()
    time.sleep(0.4)
    assert sessions.get("session-key") is None  # deleted again before it could be read

    assert own_redis.command("DBSIZE") == "0"
