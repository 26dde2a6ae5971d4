"""Fixtures for config's tests."""

import os
import shutil
import signal
import subprocess
import time

import pytest
import redis

from conftest import free_port, service_missing


def _answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_timeout=1) as client:
            return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def redis_server(tmp_path):
    """A throw-away redis-server on a free loopback port, (url, process): the tests stop it
    (SIGSTOP) to see what hangs when Redis does."""
    binary = shutil.which("redis-server")
    if binary is None:
        service_missing("needs redis-server on PATH")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (a fixed command line built here, no shell)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while not _answers(url):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield url, process
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)
