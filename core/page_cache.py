"""The personal page cache: a person's busiest pages (dashboard, module page, My PL Record, a
shared record, the attendance page) are rendered once and served from the cache until
something they show changes.

How it stays true (docs/decisions/0009):
- Each page is kept under the viewer and the path, stamped with a *version* of every scope the
  page shows and the current minute; an entry whose stamp is not the current one is not used.
  A scope is a person's learning data (`person`), their share links (`links`) or the catalogue
  staff edit (`CONTENT`). The versions and the entry come in one round trip.
- Anything that changes a scope gives it a new random version (`changed`): `config.invalidation`
  does this on every save and delete of the models, services do it where they write with
  `QuerySet.update()`. Old entries are never used again and expire within a minute.
- The minute in the stamp bounds what no save announces (a date passing, an offer running out)
  to under a minute. Each page's minute starts at its own second, so pages do not all expire
  together.
- Nothing of one response is stored: the CSRF token, a shared record's token and the messages
  waiting to be shown are placeholders in the cached HTML, filled in for each response."""

import hashlib
import logging
import secrets
import threading
import zlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)
T = TypeVar("T")

CONTENT = "ver:content"
TIMEOUT = 60  # seconds: what a lost renewal could leave stale is bounded by a minute


def person(user_id: int) -> str:
    """The scope of everything a person has done: enrollments, progress, attendance, certificates."""
    return f"ver:person:{user_id}"


def links(user_id: int) -> str:
    """The scope of a person's share links (created, revoked, opened)."""
    return f"ver:links:{user_id}"


def changed(*scopes: str) -> None:
    """Pages showing these scopes are out of date. Said now and again when the transaction
    commits, so that a page rendered from not-yet-committed data is not kept."""
    if not scopes:
        return
    _renew(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _renew(scopes))


def _renew(scopes: Iterable[str]) -> None:
    new = {scope: secrets.token_hex(6) for scope in scopes}
    memo = getattr(_request, "versions", None)
    if memo is not None:
        memo.update(new)
    try:
        cache.set_many(new, timeout=None)
    except Exception:  # a cache outage must not fail the write; the minute bounds it
        logger.exception("page cache: could not renew %s", scopes)


def versions_and_entry(scopes: list[str], key: str, ahead: Iterable[str] = ()) -> tuple[list[str], Any]:
    """The scopes' current versions (a new one for a scope not seen before) and the cache entry
    at `key`, in one round trip. Within one request each scope is read once (see `_request`),
    and `ahead` names keys (versions or entries) the request will probably read next, read in
    the same round trip: an entry read ahead is then served without one."""
    memo = getattr(_request, "versions", None)
    early = getattr(_request, "early", None)
    unknown = [scope for scope in scopes if memo is None or scope not in memo]
    if memo is not None and early and not unknown and key in early:
        return [memo[scope] for scope in scopes], early.pop(key)
    extra = [k for k in ahead if memo is not None and early is not None and k not in memo and k != key]
    found = cache.get_many([*unknown, key, *extra])
    entry = found.pop(key, None)
    for k in extra:  # only when a request is under way (memo and early are dicts)
        value = found.pop(k, None)
        if not k.startswith("ver:"):
            early[k] = value  # type: ignore[index]
        elif value is not None:
            memo[k] = str(value)  # type: ignore[index]
    missing = [scope for scope in unknown if scope not in found]
    if missing:
        for scope in missing:
            cache.add(scope, secrets.token_hex(6), timeout=None)
        found.update(cache.get_many(missing))
    current = {**(memo or {}), **{scope: str(found[scope]) for scope in unknown}}
    if memo is not None:
        memo.update(current)
    return [current[scope] for scope in scopes], entry


# What a request has read, kept for that request only: the versions (a request reads the
# signed-in person's version for the person, then again for the page), the entries read ahead
# and the path a GET asks for. Outside requests (Celery tasks, shells) nothing is kept.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.versions, _request.early, _request.path = {}, {}, None


def _request_finished(**kwargs) -> None:
    _request.versions = _request.early = _request.path = None


request_started.connect(_request_started, dispatch_uid="page_cache_request_started")
request_finished.connect(_request_finished, dispatch_uid="page_cache_request_finished")


class PageCacheMiddleware:
    """Notes the page a GET asks for, before anything loads the signed-in person: the person's
    page there is then read in the same round trip as the person (`page_ahead`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(_request, "versions", None) is not None:
            _request.path = request.get_full_path() if request.method == "GET" else None
        return self.get_response(request)


def page_ahead(viewer: int | str) -> list[str]:
    """For a GET, the key of `viewer`'s page at this path (a person's id, or "anon"): read
    ahead along with what the request loads first (the signed-in person, a shared link)."""
    path = getattr(_request, "path", None)
    return [page_key(viewer, path)] if path else []


def page_key(viewer: int | str, full_path: str) -> str:
    return f"page:{viewer}:{hashlib.sha256(full_path.encode()).hexdigest()[:32]}"


def remember(name: str, *, scopes: list[str], compute: Callable[[], T], ahead: Iterable[str] = ()) -> T:
    """`compute()`'s result, kept until one of `scopes` changes (for data that does not depend
    on the time of day; pages use `cached_page`). The entry carries the versions it was
    computed under, so one round trip reads both (and `ahead`, see `versions_and_entry`)."""
    key = f"data:{name}"
    try:
        current, entry = versions_and_entry(scopes, key, ahead)
    except Exception:  # without the cache the data is read as usual
        logger.exception("page cache: read failed")
        return compute()
    stamp = ".".join(current)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = compute()
    try:
        cache.set(key, (stamp, value), timeout=TIMEOUT)
    except Exception:
        logger.exception("page cache: write failed")
    return value


def _key_and_stamp(request: HttpRequest, scopes: list[str]) -> tuple[str, str, Any]:
    """The page's key, the stamp (versions and minute) a usable entry carries, and the entry."""
    viewer = request.user.pk if request.user.is_authenticated else "anon"
    key = page_key(viewer, request.get_full_path())
    current, entry = versions_and_entry(scopes, key)
    return key, f"{'.'.join(current)}:{_minute(key, timezone.now().timestamp())}", entry


def _minute(key: str, now: float) -> int:
    """The minute a page's stamp carries. Each page's minute starts at its own second (taken
    from its key), so the pages of a busy site do not all go out of date at :00 and rebuild
    together; each still changes at least once in any 60 seconds."""
    return int((now + zlib.crc32(key.encode()) % 60) // 60)


def cached_page(
    request: HttpRequest,
    *,
    scopes: list[str],
    build: Callable[[], tuple[str, dict]],
    secrets_in_page: dict[str, str] | None = None,
) -> HttpResponse:
    """The page from the cache, or `build()` (a template and its context) rendered and kept.

    `secrets_in_page` names context variables whose values must not be stored (a share link's
    token): the page is rendered with placeholders for them, filled in per response, as are the
    CSRF token and the messages waiting to be shown. Placeholders are random for each stored
    page, so nothing a person types can stand for one. Only GET answers with 200 are kept. A
    page that shows something once is not rendered through here."""
    secret_values = secrets_in_page or {}
    key = stamp = None
    if request.method == "GET":
        try:
            key, stamp, entry = _key_and_stamp(request, scopes)
        except Exception:  # without the cache the page is rendered as usual
            logger.exception("page cache: read failed")
            key, entry = None, None
        if entry is not None and entry[0] == stamp:
            _, nonce, content = entry
            return HttpResponse(_fill(request, content, nonce, secret_values))
    template, context = build()
    nonce = secrets.token_hex(8)
    placeholders = {name: _placeholder(nonce, name) for name in secret_values}
    placeholders["csrf_token"] = _placeholder(nonce, "csrf")
    placeholders["messages_slot"] = mark_safe(_placeholder(nonce, "messages"))  # noqa: S308  # nosec B308 B703 (hex and a fixed word)
    response = render(request, template, {**context, **placeholders})
    content = response.content.decode()
    if key is not None and response.status_code == 200:
        try:
            cache.set(key, (stamp, nonce, content), timeout=TIMEOUT)
        except Exception:
            logger.exception("page cache: write failed")
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
