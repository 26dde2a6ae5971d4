"""`/healthz`: 200 "ok", 200 "degraded" when the cache or the broker fails, 503 only without the
database; a Redis that hangs (SIGSTOP) must not hang it."""

import time

import pytest
from django.db import connections

from config.celery_app import app as celery_app
from conftest import free_port

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_at():
    previous = celery_app.conf.broker_url

    def point(url: str) -> None:
        celery_app.conf.broker_url = url

    yield point
    celery_app.conf.broker_url = previous


def redis_cache_at(settings, url: str) -> None:
    settings.CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": url}}


@pytest.mark.django_db
def test_healthz_ok_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert data["failing"] == []
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_ok_with_redis_as_cache_and_broker(client, settings, broker_at, redis_process):
    url = redis_process.url
    redis_cache_at(settings, url)
    broker_at(url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["broker", "cache"])
def test_healthz_degraded_when_the_broker_or_the_cache_is_unreachable(client, settings, broker_at, failing):
    if failing == "broker":
        broker_at(CLOSED)
    else:
        redis_cache_at(settings, CLOSED)
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", failing: "error"}
    assert data["failing"] == [failing]


@pytest.mark.django_db
def test_healthz_answers_within_3_seconds_when_redis_hangs(client, settings, broker_at, redis_process):
    redis_cache_at(settings, redis_process.url)
    broker_at(redis_process.url)
    redis_process.pause()  # SIGSTOP: accepts connections, answers nothing
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "cache": "error", "broker": "error"}
    assert elapsed < 3, elapsed


@pytest.mark.django_db(transaction=True)
def test_healthz_503_when_database_unreachable(client, monkeypatch, tmp_path):
    # The next query opens a new connection, to a database that is not there; the test's own
    # connection is put back afterwards (monkeypatch), and no transaction wraps the test.
    database = connections["default"]
    monkeypatch.setattr(database, "connection", None)
    if database.vendor == "sqlite":
        monkeypatch.setitem(database.settings_dict, "NAME", str(tmp_path / "missing" / "credo.sqlite3"))
    else:
        monkeypatch.setitem(database.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(database.settings_dict, "PORT", str(free_port()))
    response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    assert data["checks"]["database"] == "error"
    assert data["failing"][0] == "database"
