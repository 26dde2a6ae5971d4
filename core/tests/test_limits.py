"""core.limits: an allowance counts what succeeded; a block that raises gives its use back."""

import os
import uuid

import pytest
from django.db import DatabaseError

from core.limits import Limit, LimitReached, limits_counted
from tests.redis_process import cache_settings

LIMIT = Limit(group="t", rate="2/m", message="Wait.")
OTHER = Limit(group="u", rate="1/m", message="Other.")


def attempt(*uses, fail: bool = False) -> str:
    try:
        with limits_counted(*uses):
            if fail:
                raise DatabaseError("down")
    except LimitReached as reached:
        return reached.limit.message
    except DatabaseError:
        return "failed"
    return "done"


def test_failed_blocks_give_their_use_back_and_refusals_count_nothing():
    assert [attempt((LIMIT, "a"), fail=True) for _ in range(3)] == ["failed"] * 3
    assert [attempt((LIMIT, "a")) for _ in range(3)] == ["done", "done", "Wait."]
    assert attempt((LIMIT, "b")) == "done"  # another value has its own allowance


def test_one_used_up_limit_refuses_and_counts_none_of_the_others():
    assert attempt((OTHER, "x")) == "done"
    assert attempt((LIMIT, "a"), (OTHER, "x")) == "Other."
    assert [attempt((LIMIT, "a")) for _ in range(3)] == ["done", "done", "Wait."]


@pytest.mark.redis
def test_limits_count_and_give_back_on_redis(settings):
    settings.CACHES = cache_settings(os.environ["REDIS_URL"], prefix=f"test-{uuid.uuid4().hex}")
    assert attempt((LIMIT, "a"), fail=True) == "failed"
    assert [attempt((LIMIT, "a")) for _ in range(3)] == ["done", "done", "Wait."]
