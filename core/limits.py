"""Rate limits that count what was done, not what was tried.

`limits_counted` takes one from each allowance before the write (an atomic increment in the
default cache, so parallel requests cannot all slip under a limit) and gives it back when the
block raises, e.g. a DatabaseError during an outage: a failed save never uses up a person's
quota. Windows are fixed (`rate` as django-ratelimit writes it: "5/10m", "10/h", "20/d"); the
default cache keeps counting in the process while Redis is away (core/cache.py).
"""

import hashlib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.core.cache import cache
from django_ratelimit.core import user_or_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


@dataclass(frozen=True)
class Limit:
    group: str
    rate: str
    message: str  # what the person is told when it is used up

    def allowance(self) -> tuple[int, int]:
        match = RATE.match(self.rate)
        if match is None:
            raise ValueError(f"Bad rate {self.rate!r}: write it like '5/10m'.")
        count, multiple, unit = match.groups()
        return int(count), int(multiple or 1) * PERIODS[unit]


class LimitReached(Exception):
    def __init__(self, limit: Limit) -> None:
        super().__init__(limit.message)
        self.limit = limit


def client_key(request) -> str:
    """The signed-in account, else the client address as django-ratelimit resolves it (its
    RATELIMIT_IP_META_KEY setting: the trusted proxy's header behind a reverse proxy)."""
    return user_or_ip(request)


def _take(limit: Limit, value: str) -> str | None:
    """Count one use; the counter's key, or None (nothing counted) when the allowance is gone."""
    count, period = limit.allowance()
    digest = hashlib.sha256(f"{limit.group}\n{value}".encode()).hexdigest()
    key = f"limit:{limit.group}:{digest}:{int(time.time()) // period}"
    cache.add(key, 0, timeout=period + 60)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 60)
        used = 1
    if used > count:
        _give_back(key)
        return None
    return key


def _give_back(key: str) -> None:
    with suppress(ValueError):  # the window ended meanwhile: nothing left to give back
        cache.decr(key)


@contextmanager
def limits_counted(*uses: tuple[Limit, str]) -> Iterator[None]:
    """Count one use of each (limit, value) for the block; LimitReached (nothing counted) if one
    is used up; every use is given back if the block raises."""
    taken: list[str] = []
    for limit, value in uses:
        key = _take(limit, value)
        if key is None:
            for done in taken:
                _give_back(done)
            raise LimitReached(limit)
        taken.append(key)
    try:
        yield
    except BaseException:
        for done in taken:
            _give_back(done)
        raise
