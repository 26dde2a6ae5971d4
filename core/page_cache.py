"""The personal page cache: a person's busiest pages (dashboard, module page, My PL Record, a
shared record, the attendance page) are rendered once and served from the cache until
something they show changes.

How it stays true (docs/decisions/0009 and 0013):
- Each page is kept under the viewer, the path and the query parameters its view reads
  (`vary_on`), stamped with a *version* of every scope the page shows; an entry whose stamp is
  not the current one is not used. A scope is a person's learning data
  (`person`), their share links (`links`) or the catalogue staff edit (`CONTENT`). The versions
  and the entry come in one round trip.
- Anything that changes a scope gives it a new random version (`changed`), without anyone
  calling it by hand: every model a page shows inherits `core.models.CachedModel`, whose saves,
  bulk writes and deletes (cascades included) renew the scopes of the rows they touch.
- A renewal that cannot be stored is not forgotten: this process serves nothing cached of that
  scope until it is stored, and every read writes too, so that while Redis refuses writes no
  process serves anything cached (nor the signed-in person, accounts/backends.py). Whether a
  share link opens is read from the database on every open.
- What changes with time alone (a session opening for codes, an access date or midnight
  passing, an offer running out) no save announces: the code that compares with the time says
  when its answer next changes (`changes_at`), while the page is built, and the entry is not
  served from the first such instant. An entry is kept at most about five minutes in any case
  (`LONGEST`, less a second of its own so that pages do not all expire together): a bound on
  anything that did not say. (Until 2026-12 every entry lasted a minute, so each active
  person's pages were rebuilt every minute: docs/decisions/0020.)
- Nothing of one response is stored: the CSRF token, a shared record's token and the messages
  waiting to be shown are placeholders in the cached HTML, filled in for each response.
- Without the cache (Redis down or hung), pages render as if never cached (core/cache.py)."""

import hashlib
import logging
import math
import secrets
import threading
import zlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from .cache import CacheUnavailable
from .dates import local_date, start_of_day
from .page_cache_store import add_versions, read_values, write_values

logger = logging.getLogger(__name__)
T = TypeVar("T")

CONTENT = "ver:content"
LONGEST = 300  # seconds: the longest a page is kept, less up to a minute of its own
TIMEOUT = LONGEST  # seconds: how long `remember` keeps data (renewed scopes make it unused sooner)


def person(user_id: int) -> str:
    """The scope of everything a person has done: enrollments, progress, attendance, certificates."""
    return f"ver:person:{user_id}"


def links(user_id: int) -> str:
    """The scope of a person's share links (created, revoked, opened)."""
    return f"ver:links:{user_id}"


def changed(*scopes: str) -> None:
    """Pages showing these scopes are out of date. Outside a transaction they are renewed now.
    In one, they are renewed when it commits, and before that only if this thread reads the
    cache meanwhile (so no page it builds from its own uncommitted writes is taken for a page
    from before them): a check-in, which reads nothing after its writes, renews its person
    once (decision 0028)."""
    if not scopes:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _renew(scopes)
        return
    batch = getattr(connection, "page_cache_batch", None)
    if batch is None or batch.done or not any(entry[1] is batch for entry in connection.run_on_commit):
        # None of ours waits for this commit (the first change, or it was rolled back)
        batch = connection.page_cache_batch = _Batch()
        transaction.on_commit(batch)
    batch.scopes.update(scopes)
    batch.pending.update(scopes)


class _Batch:
    """The scopes a transaction changed, renewed once when it commits. Registered with the first
    change; a change made while it waits (inner savepoints included) joins it, and one made
    after it was dropped (its savepoint or transaction rolled back) starts another. A rolled-back
    change that joined stays in it: a renewal too many is harmless."""

    def __init__(self) -> None:
        self.scopes: set[str] = set()
        self.pending: set[str] = set()  # changed since this thread last read the cache
        self.done = False

    def __call__(self) -> None:
        self.done = True
        self.pending.clear()
        _renew(self.scopes)


def _reading() -> None:
    """This thread is about to read the cache: what it reads must not be from before its own
    changes in this transaction, so the scopes changed since its last read are renewed first."""
    batch = getattr(transaction.get_connection(), "page_cache_batch", None)
    if batch is not None and batch.pending and not batch.done:
        pending, batch.pending = batch.pending, set()
        _renew(pending)


# Renewals that could not be stored: until one succeeds, this process uses no cached entry
# of these scopes (and retries them before every read). Readers in other processes learn that
# the cache refuses writes from the write in their own read (`read_values`), and every entry is out
# of date within its minute in any case.
_unrenewed: dict[str, str] = {}
_unrenewed_lock = threading.Lock()


def _renew(scopes: Iterable[str]) -> None:
    new = {scope: secrets.token_hex(6) for scope in scopes}
    asked = _asked.get()
    if asked is not None:  # what this request read ahead is out of date too
        asked["read"].update(new)
    try:
        write_values(new, timeout=None)
    except Exception:  # noqa: BLE001 (the write that called this must not fail; _unrenewed covers it)
        logger.warning("page cache: could not renew %s; its pages are not served until it is", list(new))
        with _unrenewed_lock:
            _unrenewed.update(new)
    else:
        with _unrenewed_lock:
            for scope in new:
                _unrenewed.pop(scope, None)


def _retry_unrenewed(scopes: Iterable[str]) -> None:
    """Store the renewals that failed before; CacheUnavailable if one of `scopes` still waits."""
    with _unrenewed_lock:
        waiting = dict(_unrenewed)
    if not waiting:
        return
    try:
        write_values(waiting, timeout=None)
    except Exception as exc:
        if waiting.keys() & set(scopes):
            raise CacheUnavailable("renewal pending") from exc
        return
    with _unrenewed_lock:
        for scope, version in waiting.items():
            if _unrenewed.get(scope) == version:
                del _unrenewed[scope]


# The page a GET asks for, noted by PageCacheMiddleware for this request only. A ContextVar, not
# thread-local state: each request sees its own under WSGI threads and ASGI tasks alike. Loading
# the signed-in person then reads their page there in the same round trip (`page_ahead`), and
# the page is served from what was read.
_asked: ContextVar[dict | None] = ContextVar("page_cache_asked", default=None)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asked = {"path": request.path, "params": dict(request.GET.items()), "read": {}}
        token = _asked.set(asked if request.method == "GET" else None)
        try:
            return self.get_response(request)
        finally:
            _asked.reset(token)


def page_ahead(viewer: int) -> list[str]:
    """For a GET, the keys worth reading with `viewer` themselves: their share links' version
    and their page at this path (its query parameters as given)."""
    asked = _asked.get()
    if asked is None:
        return []
    return [links(viewer), page_key(viewer, asked["path"], asked["params"])]


def versions_and_entry(scopes: list[str], key: str, ahead: Iterable[str] = ()) -> tuple[list[str], Any]:
    """The scopes' current versions (a new one for a scope not seen before) and the entry at
    `key`, in one round trip (two the first time a scope is seen); `ahead` are keys read in the
    same round trip for later in this request. What was read ahead is used without one."""
    _reading()  # first: a renewal it cannot store is retried (and refused) just below
    _retry_unrenewed(scopes)
    asked = _asked.get()
    read = asked["read"] if asked is not None else {}
    if key in read and all(read.get(scope) is not None for scope in scopes):
        return [str(read[scope]) for scope in scopes], read.pop(key)
    extra = [k for k in ahead if k not in scopes and k != key] if asked is not None else []
    values = read_values([*scopes, key, *extra])
    versions, entry = values[: len(scopes)], values[len(scopes)]
    if extra:
        read.update(zip(scopes, versions, strict=True))
        read.update(zip(extra, values[len(scopes) + 1 :], strict=True))
    missing = [scope for scope, version in zip(scopes, versions, strict=True) if version is None]
    if missing:
        add_versions(missing)
        found = dict(zip(missing, read_values(missing), strict=True))
        versions = [found.get(scope, version) for scope, version in zip(scopes, versions, strict=True)]
    if any(version is None for version in versions):
        raise CacheUnavailable("no version")
    return [str(version) for version in versions], entry


def page_key(viewer: int | str, path: str, params: dict[str, str]) -> str:
    query = "&".join(f"{name}={value}" for name, value in sorted(params.items()))
    return f"page:{viewer}:{hashlib.sha256(f'{path}?{query}'.encode()).hexdigest()[:32]}"


def remember(name: str, *, scopes: list[str], compute: Callable[[], T], ahead: Iterable[str] = ()) -> T:
    """`compute()`'s result, kept until one of `scopes` changes (for data that does not depend
    on the time of day; pages use `cached_page`). The entry carries the versions it was
    computed under, so one round trip reads both."""
    key = f"data:{name}"
    try:
        current, entry = versions_and_entry(scopes, key, ahead)
    except Exception:  # without the cache the data is read as usual
        logger.debug("page cache: read failed", exc_info=True)
        return compute()
    stamp = ".".join(current)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = compute()
    try:
        write_values({key: (stamp, value)}, timeout=TIMEOUT)
    except Exception:
        logger.debug("page cache: write failed", exc_info=True)
    return value


def _key_and_stamp(request: HttpRequest, scopes: list[str], vary_on: Iterable[str]) -> tuple[str, str, Any]:
    """The page's key, the stamp (the scopes' versions) a usable entry carries, and the entry.
    The key has the viewer, the path and only the query parameters the view reads (`vary_on`):
    `?a=1`, `?a=2`… are one page, not a new entry each."""
    viewer = request.user.pk if request.user.is_authenticated else "anon"
    params = {name: request.GET[name] for name in vary_on if name in request.GET}
    key = page_key(viewer, request.path, params)
    current, entry = versions_and_entry(scopes, key)
    return key, ".".join(current), entry


# While a page is built: [the instant (a timestamp) its content next changes by itself, now].
_until: ContextVar[list[float] | None] = ContextVar("page_cache_until", default=None)


def changes_at(*instants: datetime | None) -> None:
    """What the page being built shows changes by itself at these instants (a session opening
    for codes, an access date, an offer running out): its kept copy is not served from the first
    of them still to come. Past instants and None are ignored; outside a page build, nothing."""
    box = _until.get()
    if box is None:
        return
    for instant in instants:
        if instant is not None and box[1] < (at := instant.timestamp()) < box[0]:
            box[0] = at


def changes_at_midnight(*zones: ZoneInfo | None) -> None:
    """A date the page shows or compares with today changes at the next midnight in each zone
    (the current time zone for None, or when none is given)."""
    now = timezone.now()
    for zone in zones or (None,):
        zone = zone or timezone.get_current_timezone()
        changes_at(start_of_day(local_date(now, zone) + timedelta(days=1), zone))


def _longest(key: str, now: float) -> float:
    """The instant a page built now is kept until at the latest: LONGEST less a second of its
    own (taken from its key), so that a busy site's pages are not all rebuilt together."""
    return now + LONGEST - zlib.crc32(key.encode()) % 60


def cached_page(
    request: HttpRequest,
    *,
    scopes: list[str],
    build: Callable[[], tuple[str, dict]],
    secrets_in_page: dict[str, str] | None = None,
    vary_on: Iterable[str] = (),
) -> HttpResponse:
    """The page from the cache, or `build()` (a template and its context) rendered and kept.

    `secrets_in_page` names context variables whose values must not be stored (a share link's
    token): the page is rendered with placeholders for them, filled in per response, as are the
    CSRF token and the messages waiting to be shown. Placeholders are random for each stored
    page, so nothing a person types can stand for one. Only GET answers with 200 are kept. A
    page that shows something once is not rendered through here."""
    secret_values = secrets_in_page or {}
    key = stamp = None
    now = timezone.now().timestamp()
    if request.method == "GET":
        try:
            key, stamp, entry = _key_and_stamp(request, scopes, vary_on)
        except Exception:  # without the cache the page is rendered as usual
            logger.debug("page cache: read failed", exc_info=True)
            key, entry = None, None
        if entry is not None and entry[0] == stamp and now < entry[3]:
            _, nonce, content, _ = entry
            return HttpResponse(_fill(request, content, nonce, secret_values))
    box = [_longest(key or "", now), now]
    collecting = _until.set(box)
    try:  # what the build and the template compare with the time says when it next changes
        template, context = build()
        nonce = secrets.token_hex(8)
        placeholders = {name: _placeholder(nonce, name) for name in secret_values}
        placeholders["csrf_token"] = _placeholder(nonce, "csrf")
        placeholders["messages_slot"] = mark_safe(_placeholder(nonce, "messages"))  # noqa: S308  # nosec B308 B703 (hex and a fixed word)
        response = render(request, template, {**context, **placeholders})
    finally:
        _until.reset(collecting)
    content = response.content.decode()
    if key is not None and response.status_code == 200:
        try:
            write_values({key: (stamp, nonce, content, box[0])}, timeout=max(1, math.ceil(box[0] - now)))
        except Exception:
            logger.debug("page cache: write failed", exc_info=True)
    response.content = _fill(request, content, nonce, secret_values)
    return response


def _placeholder(nonce: str, name: str) -> str:
    return f"credo-{name}-{nonce}"


def _fill(request: HttpRequest, content: str, nonce: str, secret_values: dict[str, str]) -> str:
    csrf = _placeholder(nonce, "csrf")
    if csrf in content:  # only pages with a form set the CSRF cookie
        content = content.replace(csrf, get_token(request))
    waiting = messages.get_messages(request)
    shown = render_to_string("includes/_messages.html", {"messages": waiting}) if len(waiting) else ""
    content = content.replace(_placeholder(nonce, "messages"), shown)
    for name, value in secret_values.items():
        content = content.replace(_placeholder(nonce, name), value)
    return content
