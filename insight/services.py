"""Sending nudges (issue #20): each person on a list, once a week at most per reason, one email
each through the mail queue (core.mail, sent by the worker after the transaction commits),
logged as a Nudge on the person."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.mail import email_queue
from programs.models import Program
from programs.services import email_render

from .models import Nudge, NudgeTemplate, Reason, fill_placeholders
from .nudges import Candidate, nudge_candidates

DEFAULTS = {
    Reason.BEHIND_PACE: (
        "Your modules before {program}'s practicum",
        "Dear {name},\n\nYour practicum is coming up, and you are behind the pace that finishes the modules "
        "before it: {detail}.\n\nAn hour or two this week puts you back on track. Your dashboard shows the "
        "next module: {link}\n\nIf something is in the way, reply to this email and we will help.",
    ),
    Reason.NEVER_OPENED: (
        "Your {program} modules are open",
        "Dear {name},\n\nYour self-paced modules are ready ({detail}), and you have not started yet. The "
        "first lesson takes about twenty minutes: {link}\n\nIf something is in the way, reply to this "
        "email and we will help.",
    ),
    Reason.MISSED_SESSION: (
        "A session you missed in {program}",
        "Dear {name},\n\nOur records show you missed a session ({detail}). Your certificate needs every "
        "session. If you were there, ask your instructor to mark you present; if not, reply to this email "
        "and we will find you a way to make it up.\n\nYour dashboard: {link}",
    ),
    Reason.CE_SHORT: (
        "Your {program} certification expires soon",
        "Dear {name},\n\nYour certification expires soon, and you have {detail}. Log the continuing "
        "education you have done, or find an upcoming webinar, here: {link}\n\nIf you need more time, "
        "reply to this email.",
    ),
}


def nudge_templates_ensure(apps=None) -> None:
    """One email per reason, with the default text, where staff have not written one (their
    migration, and the first list opened)."""
    model = apps.get_model("insight", "NudgeTemplate") if apps else NudgeTemplate
    for reason, (subject, body) in DEFAULTS.items():
        model.objects.get_or_create(reason=reason.value, defaults={"subject": subject, "body": body})


def nudge_message(*, template: NudgeTemplate, program: Program, candidate: Candidate):
    values = {
        "name": candidate.name or candidate.email,
        "program": program.title,
        "detail": candidate.detail,
        "link": candidate.link,
    }
    return email_render(
        template="insight/email/nudge",
        context={"body": fill_placeholders(template.body, values)},
        subject=fill_placeholders(template.subject, values),
        to=[candidate.email],
    )


def nudges_send(
    *, program: Program, reason: str, user_ids: list[int], by: User | None, now: datetime | None = None
) -> tuple[int, int]:
    """Email each chosen person still on the list and not nudged for it this week; (sent,
    skipped). The list is read again here: a person who caught up since it was shown, or whom a
    colleague nudged meanwhile, is skipped. Sends for one program wait for each other."""
    now = now or timezone.now()
    nudge_templates_ensure()
    with transaction.atomic():
        Program.objects.select_for_update().filter(pk=program.pk).first()
        template = NudgeTemplate.objects.get(reason=reason)
        wanted = set(user_ids)
        chosen = [c for c in nudge_candidates(program, reason, now) if c.user_id in wanted]
        sent = 0
        for candidate in chosen:
            if candidate.nudged_recently:
                continue
            email_queue(message=nudge_message(template=template, program=program, candidate=candidate))
            Nudge.objects.create(user_id=candidate.user_id, program=program, reason=reason,
                                 detail=candidate.detail[:200], sent_at=now, sent_by=by)  # fmt: skip
            sent += 1
    return sent, len(wanted) - sent
