"""Every task of ours runs somewhere: on beat's schedule, or on demand for a stated reason.

A new periodic task needs an entry in CELERY_BEAT_SCHEDULE (config/settings/base.py); a task
that is only ever queued by other code goes in config.celery_app.ON_DEMAND_TASKS with why."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab

from config.celery_app import ON_DEMAND_TASKS, app

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture(scope="module")
def our_tasks() -> set[str]:
    app.loader.import_default_modules()  # every installed app's tasks.py, as a worker loads them
    return {name for name in app.tasks if not name.startswith("celery.")}


def scheduled() -> dict[str, dict]:
    """Beat's entries by the task they run."""
    return {entry["task"]: entry for entry in app.conf.beat_schedule.values()}


def test_every_task_is_scheduled_or_on_demand_with_a_reason(our_tasks):
    neither = our_tasks - set(scheduled()) - set(ON_DEMAND_TASKS)
    assert neither == set(), f"add these to CELERY_BEAT_SCHEDULE or to ON_DEMAND_TASKS: {sorted(neither)}"
    assert set(scheduled()) & set(ON_DEMAND_TASKS) == set()
    assert [name for name, reason in ON_DEMAND_TASKS.items() if not reason.strip()] == []


def test_the_schedule_and_the_on_demand_list_name_only_tasks_that_exist(our_tasks):
    assert set(scheduled()) - our_tasks == set()
    assert set(ON_DEMAND_TASKS) - our_tasks == set()


def test_the_tasks_are_the_ones_we_know(our_tasks):
    """A tripwire for the lists above: a task of a new app that autodiscovery misses shows here."""
    assert {"accounts.email_send", "recertification.issue_exam_invitations"} <= our_tasks


def next_run(entry: dict, after: datetime) -> datetime:
    """When beat runs the entry next, had it last run at `after` (in CELERY_TIMEZONE)."""
    last_run, delta, _now = entry["schedule"].remaining_delta(after)
    return last_run + delta


def test_exam_invitations_run_on_every_quarter_hour():
    entry = scheduled()["recertification.issue_exam_invitations"]
    assert entry["schedule"] == crontab(minute="*/15")
    assert next_run(entry, datetime(2027, 3, 10, 16, 29, 50, tzinfo=LA)) == datetime(
        2027, 3, 10, 16, 30, tzinfo=LA
    )
    assert next_run(entry, datetime(2027, 3, 10, 23, 45, tzinfo=LA)) == datetime(2027, 3, 11, 0, 0, tzinfo=LA)


def test_renewal_reminders_run_daily_at_nine_pacific():
    entry = scheduled()["recertification.send_reminders"]
    assert entry["schedule"] == crontab(hour=9, minute=0)
    assert next_run(entry, datetime(2027, 3, 10, 8, 30, tzinfo=LA)) == datetime(2027, 3, 10, 9, 0, tzinfo=LA)
    assert next_run(entry, datetime(2027, 3, 10, 9, 0, tzinfo=LA)) == datetime(2027, 3, 11, 9, 0, tzinfo=LA)
    # Summer too: crontab hours are Pacific (PDT), not UTC.
    assert next_run(entry, datetime(2027, 7, 1, 8, 0, tzinfo=LA)) == datetime(2027, 7, 1, 9, 0, tzinfo=LA)
