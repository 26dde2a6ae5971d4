"""Share links for My PL Record: create, revoke, count opens, email one to someone."""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from core import page_cache
from core.mail import Email, email_queue
from modules.models import Module
from practicums.models import Practicum
from programs.models import Program

from ..models import ShareLink
from ..selectors import record_item_for_user

SHARE_LINK_MAX_DAYS = 366


def share_link_zone(*, user: User) -> ZoneInfo:
    """The zone a person's link days are counted in: their profile's (the site's if unknown)."""
    try:
        return ZoneInfo(user.time_zone or settings.CREDO_DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.CREDO_DEFAULT_TIME_ZONE)


def share_link_create(
    *,
    user: User,
    label: str,
    valid_through: date,
    program_ids: list[int] | None = None,
    view: str = ShareLink.View.ALL,
    item_key: str = "",
) -> tuple[ShareLink, str]:
    """A new link working through the end of `valid_through` in the person's zone; returns it
    with its token, which is never stored (only its SHA-256). With `item_key` ("module-7",
    "set-12": an item of the person's own record) it shows that item only."""
    zone = share_link_zone(user=user)
    today = timezone.localdate(timezone=zone)
    if valid_through < today:
        raise ValidationError("The last day of a link cannot be in the past.")
    if (valid_through - today).days > SHARE_LINK_MAX_DAYS:
        raise ValidationError("A link can work for a year at most.")
    if view not in ShareLink.View.values:
        raise ValidationError("Choose what the link shows first.")
    module, practicum = _share_link_item(user=user, item_key=item_key)
    token = secrets.token_urlsafe(24)  # 192 bits
    with transaction.atomic():
        link = ShareLink.objects.create(
            user=user,
            label=label.strip()[:100],
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            valid_through=valid_through,
            time_zone=zone.key,
            expires_at=datetime.combine(valid_through + timedelta(days=1), time.min, tzinfo=zone),
            view=view,
            module=module,
            practicum=practicum,
        )
        if program_ids and not item_key:
            link.programs.set(Program.objects.filter(pk__in=program_ids, enrollments__user=user).distinct())
    return link, token


def _share_link_item(*, user: User, item_key: str) -> tuple[Module | None, Practicum | None]:
    """The module or live event set an item key names, if it is an item of the person's record."""
    if not item_key:
        return None, None
    if record_item_for_user(user=user, key=item_key) is None:
        raise ValidationError("That is not an item of your record.")
    kind, _, number = item_key.partition("-")
    if kind == "module":
        return Module.objects.get(pk=int(number)), None
    return None, Practicum.objects.get(pk=int(number))


def share_link_revoke(*, link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def share_link_opened(*, link: ShareLink) -> None:
    """Count an open. Open counts are quiet fields (ShareLink.cache_scope): instead of
    re-rendering the owner's record each time it is shared, an open after a quiet minute renews
    the owner's pages, and a page built within a minute of an open is kept only until that
    minute ends (share_links_for_user). So every open reaches the owner within the minute."""
    now = timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(open_count=F("open_count") + 1, last_opened_at=now)
    if link.last_opened_at is None or now - link.last_opened_at >= ShareLink.OPENS_SHOWN_WITHIN:
        page_cache.changed(page_cache.links(link.user_id))


SHARE_EMAIL_SUBJECT = "A record of professional learning was shared with you"


def share_link_email(*, link: ShareLink, url: str, to: str, note: str, item_title: str = "") -> None:
    """Send the link to someone (e.g. a principal) with the person's own short message, saying
    until when it works. Nothing the person chose is in a header (a fixed subject, no Reply-To):
    their name, address and message are in the body, the message marked as a quotation from them.
    Callers limit how many go out per sender and per recipient (record_views)."""
    user = link.user
    note = note.strip()
    context = {
        "user": user,
        "link": link,
        "item_title": item_title,
        "url": url,
        "note": note,
        "quoted_note": "\n".join(f"> {line}" for line in note.splitlines()),
        "site_name": settings.CREDO_SITE_NAME,
    }
    message = Email(
        subject=f"[{settings.CREDO_SITE_NAME}] {SHARE_EMAIL_SUBJECT}",
        body=render_to_string("certificates/email/share.txt", context, using="text"),
        to=[to],
    )
    message.attach_alternative(render_to_string("certificates/email/share.html", context), "text/html")
    email_queue(message=message)
