"""The Celery application. Worker: `celery -A config worker`; beat: `celery -A config beat`."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("credo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The tasks beat does not run, each with the reason: every other task of ours must have an entry
# in CELERY_BEAT_SCHEDULE (config/settings/base.py). A new task goes in one or the other;
# config/tests/test_beat_schedule.py fails until it does.
ON_DEMAND_TASKS: dict[str, str] = {
    "accounts.email_send": "queued for each email when the transaction that wrote it commits",
    "certificates.send_person": "queued per person by the nightly batch, and by a staff resend",
    "certificates.render": "queued for each certificate when the transaction that issues it commits",
    "certificates.issue": "queued for each completion that earns a certificate, in its transaction",
    "outbox.drain": "queued by a commit that left its work to a drain (outbox_enqueue(publish_now=False))",
}


def prepare_filesystem_broker() -> None:
    """kombu's filesystem transport (the embedded default) needs its folders to exist."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _on_configure(sender, **kwargs) -> None:
    if str(sender.conf.broker_url).startswith("filesystem://"):
        prepare_filesystem_broker()


@task_prerun.connect
@task_postrun.connect
def _database_connection_checked(task=None, **kwargs) -> None:
    """What Django does around every request: drop the connection if it broke or outlived
    CONN_MAX_AGE. Celery's fix-up keeps it between tasks (CELERY_DB_REUSE_MAX, settings/tasks.py).
    Not for a task run eagerly: it runs inside its caller's transaction (a request, a test)."""
    from django.db import close_old_connections

    if task is None or getattr(task.request, "is_eager", False):
        return

    close_old_connections()
