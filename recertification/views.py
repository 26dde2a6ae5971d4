from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from modules.forms import answers_from_post
from modules.models import Attempt
from modules.selectors import attempt_eligibility, attempt_open_for_user, attempt_questions, attempts_for_user
from modules.services import AttemptError, attempt_save_answers, attempt_start
from practicums.selectors import practicum_get_public
from practicums.services import RegistrationError
from programs.selectors import program_get_published

from .forms import CEActivityForm
from .selectors import (
    ce_activities_for_user,
    ce_events_upcoming,
    ce_evidence_get_for_user,
    ce_registered_practicum_ids,
    credentials_current_for_user,
    invitation_get_for_user,
    today_for,
)
from .services import (
    RecertificationError,
    ce_activity_log,
    ce_event_register,
    ce_hours_counting,
    credential_recertify,
    credential_status,
    exam_attempt_close_if_overdue,
    exam_missing,
    exam_submit,
)


@login_required
def exam(request, token: str):
    """The certification exam behind a personal link: gated, timed on the server."""
    invitation = invitation_get_for_user(user=request.user, token=token)
    assessment = invitation.exam.assessment
    context = {"invitation": invitation, "assessment": assessment, "program": invitation.exam.program}
    if invitation.expires_at < timezone.now():
        return render(request, "recertification/exam_closed.html", context, status=410)
    missing = exam_missing(user=request.user, invitation=invitation)
    open_attempt = attempt_open_for_user(user=request.user, assessment=assessment)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start" and not missing:
                attempt_start(user=request.user, assessment=assessment)
            elif open_attempt is not None and action == "save":
                attempt_save_answers(
                    attempt=open_attempt, answers=answers_from_post(request.POST, open_attempt.question_ids)
                )
                if request.headers.get("X-Requested-With") == "fetch":
                    return HttpResponse(status=204)
            elif open_attempt is not None and action == "submit":
                result = exam_submit(
                    invitation=invitation,
                    attempt=open_attempt,
                    answers=answers_from_post(request.POST, open_attempt.question_ids),
                )
                if result.attempt.passed:
                    messages.success(
                        request,
                        "You passed the exam. Your certification and its certificate are on your dashboard.",
                    )
                elif result.attempt.state == Attempt.State.EXPIRED:
                    _time_ran_out(request, result.attempt)
                else:
                    messages.warning(request, f"Not passed this time ({result.attempt.score_percent:.0f}%).")
        except AttemptError as exc:
            if request.headers.get("X-Requested-With") == "fetch":
                return HttpResponse(str(exc), status=409)
            messages.error(request, str(exc))
        return redirect("recertification:exam", token=token)
    if open_attempt is not None and (closed := exam_attempt_close_if_overdue(attempt=open_attempt)):
        if closed.attempt.passed:
            messages.success(
                request,
                "Time ran out, and the answers you had saved pass the exam. "
                "Your certification and its certificate are on your dashboard.",
            )
        else:
            _time_ran_out(request, closed.attempt)
        return redirect("recertification:exam", token=token)
    if open_attempt is not None:
        seconds = (
            int((open_attempt.deadline - timezone.now()).total_seconds()) if open_attempt.deadline else None
        )
        context.update(
            attempt=open_attempt,
            questions=attempt_questions(attempt=open_attempt),
            seconds_left=max(0, seconds or 0) if seconds is not None else None,
        )
        return render(request, "recertification/exam_attempt.html", context)
    context.update(
        missing=missing,
        eligibility=attempt_eligibility(user=request.user, assessment=assessment),
        attempts=attempts_for_user(user=request.user, assessment=assessment),
    )
    return render(request, "recertification/exam.html", context)


def _time_ran_out(request, attempt: Attempt) -> None:
    messages.warning(
        request,
        f"Time ran out: the answers saved before the limit were scored ({attempt.score_percent:.0f}%).",
    )


@login_required
def ce(request):
    """Continuing education: the current period, hours toward the requirement, the log."""
    credentials = credentials_current_for_user(user=request.user)
    panels = []
    for credential in credentials:
        program = credential.program
        today = today_for(program)
        hours = ce_hours_counting(credential=credential)
        required = program.ce_hours_required
        panels.append(
            {
                "credential": credential,
                "status": credential_status(credential, today),
                "hours": hours,
                "required": required,
                "percent": min(100, int(hours * 100 / required)) if required else 100,
                "days_left": (credential.valid_until - today).days,
                "can_recertify": hours >= required and today <= credential.valid_until,
                "activities": ce_activities_for_user(user=request.user, program=program),
                "events": ce_events_upcoming(program=program),
            }
        )
    form = CEActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and credentials and form.is_valid():
        data = form.cleaned_data
        try:
            ce_activity_log(
                user=request.user, program=credentials[0].program, kind=data["kind"], title=data["title"],
                provider=data["provider"], day=data["date"], hours=data["hours"], notes=data["notes"],
                evidence=data["evidence"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error("evidence", exc.messages[0])
        except RecertificationError as exc:
            form.add_error("hours", str(exc))
        else:
            messages.success(
                request, "Logged. Our staff review self-reported activities, usually within a week."
            )
            return redirect("recertification:ce")
    context = {"panels": panels, "form": form, "registered": ce_registered_practicum_ids(user=request.user)}
    return render(request, "recertification/ce.html", context, status=400 if form.errors else 200)


@login_required
def evidence(request, pk: int):
    """The evidence of a CE activity, for its owner and for staff reviewing it (never /media/)."""
    activity = ce_evidence_get_for_user(user=request.user, pk=pk)
    name = activity.evidence_name or activity.evidence.name.rsplit("/", 1)[-1]  # older files: their name
    response = FileResponse(
        activity.evidence.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=activity.evidence_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def ce_event_join(request, pk: int):
    practicum = practicum_get_public(pk=pk)
    if not any(c.program_id == practicum.program_id for c in credentials_current_for_user(user=request.user)):
        messages.error(request, "CE events are open to certified members of the program.")
        return redirect("recertification:ce")
    try:
        ce_event_register(user=request.user, practicum=practicum)
    except RegistrationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, f"You are registered for {practicum.title}. Enter its attendance code on the day."
        )
    return redirect("recertification:ce")


@login_required
@require_POST
def recertify(request, slug: str):
    program = program_get_published(slug=slug)
    credential = next(
        (c for c in credentials_current_for_user(user=request.user) if c.program_id == program.pk), None
    )
    if credential is None:
        messages.error(request, "You do not hold this certification.")
        return redirect("recertification:ce")
    try:
        renewal = credential_recertify(credential=credential, by=request.user)
    except RecertificationError as exc:
        messages.error(request, str(exc))
    else:
        until = renewal.valid_until
        messages.success(
            request,
            f"Recertified until {until:%B} {until.day}, {until.year}. Your certificate is on its way.",
        )
    return redirect("recertification:ce")
