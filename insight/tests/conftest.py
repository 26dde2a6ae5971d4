"""The program dashboard's tests: every one runs at NOW (and logs in then), as a superuser with
a second factor."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.staff_helpers import staff_member

NOW = datetime(2027, 3, 15, 18, tzinfo=UTC)  # 11:00 in Los Angeles


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def staff_client(client, at_now):
    client.force_login(staff_member(totp=True, superuser=True))
    return client
