"""The lists of people who need a nudge, and the bulk email (admin:
/admin/programs/program/<pk>/nudges/<reason>/): the list with everyone ticked who may be
nudged, "Email them" shows the email as the first of them gets it, "Send" sends."""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import staff_may
from programs.models import Program

from .models import NudgeTemplate, Reason, programs_visible_to
from .nudges import AGAIN_AFTER, SHOWN, nudge_candidates
from .services import nudge_message, nudge_templates_ensure, nudges_send
from .snapshots import list_read


def _chosen(request) -> list[int]:
    return [int(v) for v in request.POST.getlist("person") if v.isdigit()]


def nudge_list_view(request, pk: int, reason: str):
    program = get_object_or_404(programs_visible_to(request.user), pk=pk)
    if reason not in Reason.values:
        raise Http404("No such list.")
    now = timezone.now()
    nudge_templates_ensure()
    template = NudgeTemplate.objects.get(reason=reason)
    kept = None if "fresh" in request.GET else list_read(program, reason, now=now)  # the worker's, < 15 min
    candidates = nudge_candidates(program, reason, now, found=kept[0] if kept else None)
    may_send = staff_may(user=request.user, perm="insight.add_nudge")
    here = reverse("admin:programs_program_nudges", args=[program.pk, reason])
    context = {
        **admin.site.each_context(request),
        "opts": Program._meta,
        "program": program,
        "reason": Reason(reason),
        "reasons": Reason.choices,
        "candidates": candidates,
        "shown": SHOWN,
        "as_of": kept[1] if kept else now,
        "again_days": AGAIN_AFTER.days,
        "template": template,
        "may_send": may_send,
        "title": f"{program.title}: {Reason(reason).label.lower()}",
    }
    if request.method == "POST" and may_send:
        chosen = _chosen(request)
        if not chosen:
            messages.error(request, "Tick at least one person to email.")
            return redirect(here)
        if "send" in request.POST:
            sent, skipped = nudges_send(
                program=program, reason=reason, user_ids=chosen, by=request.user, now=now
            )
            note = (
                f" {skipped} skipped: no longer on the list, or nudged in the last {AGAIN_AFTER.days} days."
                if skipped
                else ""
            )
            messages.success(request, f"{sent} email{'' if sent == 1 else 's'} queued.{note}")
            return redirect(here)
        by_id = {c.user_id: c for c in candidates}
        picked = [by_id[i] for i in chosen if i in by_id and not by_id[i].nudged_recently]
        if not picked:
            messages.error(request, f"Everyone ticked was nudged in the last {AGAIN_AFTER.days} days.")
            return redirect(here)
        preview = nudge_message(template=template, program=program, candidate=picked[0])
        context.update(
            picked=picked,
            preview=preview,
            title=f"Email {len(picked)} {'person' if len(picked) == 1 else 'people'}?",
        )
        return render(request, "admin/insight/nudge_preview.html", context)
    return render(request, "admin/insight/nudges.html", context)
