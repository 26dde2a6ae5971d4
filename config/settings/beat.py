"""Beat's schedule (CELERY_BEAT_SCHEDULE in base.py). Crontab entries are read in Pacific time
(CELERY_TIMEZONE).

Every task is either here or in config.celery_app.ON_DEMAND_TASKS with the reason it is not
periodic (config/tests/test_beat_schedule.py holds both lists to that)."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Queued work whose publish after its commit failed (the broker was down): decision 0012.
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 60},
    "access-open-emails": {"task": "programs.send_access_open_emails", "schedule": 15 * 60},
    "expire-waitlist-offers": {"task": "practicums.expire_waitlist_offers", "schedule": 15 * 60},
    # Due from 24 h (in person) / 1 h (virtual) before a session until it starts: any run sends.
    "session-reminders": {"task": "practicums.send_session_reminders", "schedule": 5 * 60},
    # A certificate's PDF is rendered by `certificates.render` after it is issued; this renders
    # the ones whose task was lost (certificates.tasks.RENDER_LOST_AFTER).
    "render-missing-certificates": {"task": "certificates.render_missing", "schedule": 5 * 60},
    "nightly-certificate-email": {
        "task": "certificates.nightly_batch",
        "schedule": crontab(hour=20, minute=0),
    },
    # On the quarter hour (not 15 minutes after beat starts): a practicum's last day is caught
    # within 15 minutes of its start in its own zone, however often beat restarts.
    "exam-invitations": {
        "task": "recertification.issue_exam_invitations",
        "schedule": crontab(minute="*/15"),
    },
    "renewal-reminders": {
        "task": "recertification.send_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # A timed attempt left open past its deadline is scored with the answers saved in time.
    "close-overdue-attempts": {"task": "modules.close_overdue_attempts", "schedule": 5 * 60},
    # The public calendar feed is published again after every change (queued by the change);
    # nightly too, so that sessions more than a month old leave it (decision 0018).
    "publish-public-feed": {
        "task": "practicums.publish_public_feed",
        "schedule": crontab(hour=3, minute=10),
    },
    # The program dashboards staff opened this week, recomputed for the preset periods
    # (insight.snapshots, decision 0024); the page says when its figures were computed.
    "refresh-program-dashboards": {"task": "insight.refresh_dashboards", "schedule": 10 * 60},
    "close-overdue-exam-attempts": {
        "task": "recertification.close_overdue_exam_attempts",
        "schedule": 5 * 60,
    },
}
