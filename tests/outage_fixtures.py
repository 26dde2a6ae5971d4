"""Fixtures for outages (a pytest plugin of the root conftest.py): a Redis of a test's own to
stop, pause and start again, and a broker taken away."""

import shutil

import pytest

from conftest import _reset_connection_pools, free_port, service_missing
from tests.redis_process import RedisProcess


@pytest.fixture
def redis_process(tmp_path):
    """A Redis of this test's own (redis-server from the Debian package)."""
    if not shutil.which("redis-server"):
        service_missing("needs redis-server")
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


class BrokerSwitch:
    """Takes the Celery app's broker away and gives it back. Down, the app publishes to Redis on
    a closed loopback port (not eager), so every publish fails as it does in an outage: kombu's
    OperationalError, connection refused. Up, it has the test settings again."""

    def __init__(self, app) -> None:
        self.app = app
        self.previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
        app.loader.import_default_modules()  # every task by name, as in a worker

    def down(self) -> None:
        self.app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
        _reset_connection_pools(self.app)

    def up(self) -> None:
        self.app.conf.update(self.previous)
        _reset_connection_pools(self.app)


@pytest.fixture
def broker_down():
    """The broker is down for the test (see BrokerSwitch); `broker_down.up()` brings it back."""
    from config.celery_app import app

    switch = BrokerSwitch(app)
    switch.down()
    try:
        yield switch
    finally:
        switch.up()
