"""A broker that hangs must not hang the page that queues a task: the settings' socket timeouts
and publish retry policy give up within seconds (checked with the real settings, in a subprocess)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PUBLISH = """
import time
import django
django.setup()
from core.tasks import email_send
started = time.monotonic()
try:
    email_send.delay(message={})
except Exception as exc:
    print(type(exc).__name__, round(time.monotonic() - started))
else:
    print("published")
"""


def test_publishing_to_a_hung_broker_fails_within_seconds(redis_process):
    url = redis_process.url
    redis_process.pause()  # SIGSTOP: accepts connections, answers nothing
    ours = ("DJANGO_", "DATABASE_", "REDIS_", "CELERY_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    result = subprocess.run(  # noqa: S603 (this Python, code written here)
        [sys.executable, "-c", PUBLISH],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.local", "CELERY_BROKER_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    name, seconds = result.stdout.split()
    assert name == "OperationalError"
    assert int(seconds) <= 8
