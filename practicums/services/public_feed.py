"""The public schedule feed as a published file (decision 0018).

A large organisation's feed lists thousands of sessions, and every calendar that subscribed
fetches it every few hours. Rendering it takes time in proportion to the schedule; serving a file
does not. So the feed is rendered by a worker after a practicum or session changes (one task
for a burst of changes) and nightly (sessions more than a month old drop out), stored in the
default storage (shared by every web process: S3 in production), and `/practicums/calendar.ics`
serves the stored file. Until the first one is stored, the request renders it itself."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from outbox.services import outbox_enqueue

from ..calendar import sessions_to_ics

logger = logging.getLogger(__name__)

FEED_PATH = "feeds/practicums.ics"
PENDING_KEY = "practicums:public-feed-pending"
PENDING_FOR = 10 * 60  # seconds; a lost task frees the flag (and beat rebuilds nightly)


def public_feed_render() -> bytes:
    from ..calendar_selectors import sessions_for_public_feed

    return sessions_to_ics(sessions_for_public_feed(), name=f"{settings.CREDO_SITE_NAME} practicums")


def public_feed_publish() -> int:
    """Renders the feed and stores it in place of the previous one; returns its size. The
    pending flag is cleared first, so a change made while this renders queues another run."""
    cache.delete(PENDING_KEY)
    body = public_feed_render()
    if default_storage.exists(FEED_PATH):
        default_storage.delete(FEED_PATH)
    default_storage.save(FEED_PATH, ContentFile(body))
    return len(body)


def public_feed_stored() -> bytes | None:
    """The published feed, or None before the first is stored (or if storage cannot be read)."""
    try:
        with default_storage.open(FEED_PATH, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError:  # S3 or a disk that does not answer: the caller renders instead
        logger.warning("public feed: stored copy unreadable", exc_info=True)
        return None


def public_feed_changed() -> None:
    """A practicum or session changed: publish the feed again once this transaction commits.
    A burst of changes (an admin save with its sessions) queues one task; without the cache
    (Redis down) each change queues its own, which is only slower."""
    try:
        first = cache.add(PENDING_KEY, True, PENDING_FOR)
    except Exception:  # noqa: BLE001 (the cache's own outage must not stop a staff member's save)
        first = True
    if first:
        from ..tasks import publish_public_feed

        outbox_enqueue(task=publish_public_feed, kwargs={})
