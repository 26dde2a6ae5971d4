"""Celery's settings (read by config/celery_app.py through the CELERY_ namespace). Imported at the
end of base.py, after the helpers and REDIS_URL it uses."""

from .base import REDIS_URL, VAR_DIR, env_or_fail
from .beat import BEAT_SCHEDULE

# In production a Redis of its own (`noeviction`), apart from the cache's (`allkeys-lru`): the
# policy is per server. Elsewhere it defaults to the cache's Redis, or to a folder.
CELERY_BROKER_URL = env_or_fail("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's default is ./control in the working directory: keep it under var/ too.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # A task whose worker died is redelivered after this many seconds (Redis' default is an
    # hour), and abandoned messages are looked for every 10 s (kombu's default is ~100 s). Every
    # task here is short and safe to run twice, so a short timeout costs nothing.
    # A hung broker fails a publish or a read after `socket_timeout` instead of blocking forever
    # (kombu's default); longer than the worker's 1 s BRPOP, which an idle queue answers at its end.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_or_fail("CELERY_VISIBILITY_TIMEOUT", cast=int, default=120),
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        "socket_timeout": 5,
        "socket_connect_timeout": 3,
        "socket_keepalive": True,
    }
# Connecting gives up after 3 s; a task published from a page (an email, a resend) is retried
# twice within about half a second and then fails, instead of holding the request for long.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.3,
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Crontab schedules are read in Pacific time: the certificate email runs at 20:00 there in both
# PST and PDT. (Messages and stored times stay UTC.)
CELERY_TIMEZONE = "America/Los_Angeles"
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE  # what beat runs when: config/settings/beat.py
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps its database connection between tasks (Celery's Django fix-up otherwise closes
# it after every task: a new PostgreSQL connection per task cost more than a certificate's render,
# see docs/PERFORMANCE.md). Django's CONN_MAX_AGE and health checks still retire old or broken ones.
CELERY_DB_REUSE_MAX = env_or_fail("CELERY_DB_REUSE_MAX", cast=int, default=1000)
