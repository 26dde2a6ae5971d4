from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import page_cache
from core.dates import local_date
from core.page_cache import cached_page

from .forms import AidUploadForm, answers_from_post
from .models import Attempt
from .selectors import (
    attempt_eligibility,
    attempt_get_for_user,
    attempt_open_for_user,
    attempt_questions,
    attempt_review,
    attempts_for_user,
    completion_for,
    job_aid_get_in_module,
    job_aids_with_submissions,
    lesson_get_in_module,
    lesson_ids_in_order,
    lessons_with_progress,
    module_get_for_user,
    submission_get_for_user,
)
from .services import (
    AttemptError,
    aid_submission_create,
    attempt_close_if_overdue,
    attempt_save_open_answers,
    attempt_start,
    attempt_submit,
    lesson_mark_done,
)


def _open_module(request, pk: int):
    access = module_get_for_user(user=request.user, pk=pk)
    if not access.is_open:
        return access, render(request, "modules/locked.html", _locked_context(access))
    return access, None


def _locked_context(access) -> dict:
    return {
        "module": access.module,
        "opens_on": local_date(access.enrollment.access_opens_at, access.module.program.zone),
    }


@login_required
def module_detail(request, pk: int, upload_form=None, upload_aid_id=None):
    if upload_form is not None:  # a failed upload shows its errors once, never from the cache
        template, context = _module_detail(request, pk, upload_form, upload_aid_id)
        return render(request, template, context, status=400)
    return cached_page(
        request,
        scopes=[page_cache.person(request.user.pk), page_cache.CONTENT],
        build=lambda: _module_detail(request, pk, None, None),
    )


def _module_detail(request, pk: int, upload_form, upload_aid_id) -> tuple[str, dict]:
    """The module page's template and context (the locked page's before access opens)."""
    access = module_get_for_user(user=request.user, pk=pk)
    if not access.is_open:
        return "modules/locked.html", _locked_context(access)
    module = access.module
    lessons = lessons_with_progress(user=request.user, module=module)
    completion = completion_for(user=request.user, module=module)
    assessment = module.assessment
    job_aids = job_aids_with_submissions(user=request.user, module=module)
    for aid in job_aids:  # one form per aid, with its own field ids; the one that failed keeps its errors
        aid.upload_form = upload_form if aid.pk == upload_aid_id else AidUploadForm(prefix=f"aid{aid.pk}")
    context = {
        "module": module,
        "lessons": lessons,
        "lessons_done": sum(1 for lesson in lessons if lesson.done),
        "minutes_left": sum(lesson.minutes for lesson in lessons if not lesson.done),
        "job_aids": job_aids,
        "completion": completion,
        "assessment": assessment,
        "attempts": list(attempts_for_user(user=request.user, assessment=assessment)) if assessment else [],
        "eligibility": attempt_eligibility(user=request.user, assessment=assessment) if assessment else None,
    }
    return "modules/detail.html", context


@login_required
def lesson_detail(request, pk: int, lesson_pk: int):
    access, locked = _open_module(request, pk)
    if locked:
        return locked
    lessons = lessons_with_progress(user=request.user, module=access.module)
    index = next((i for i, lesson in enumerate(lessons) if lesson.pk == lesson_pk), None)
    if index is None:
        raise Http404("No such lesson.")
    context = {
        "module": access.module,
        "lesson": lessons[index],
        "position": index + 1,
        "count": len(lessons),
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
    }
    return render(request, "modules/lesson.html", context)


@login_required
@require_POST
def lesson_done(request, pk: int, lesson_pk: int):
    access, locked = _open_module(request, pk)
    if locked:
        return locked
    lesson = lesson_get_in_module(module=access.module, pk=lesson_pk)
    lesson_mark_done(user=request.user, lesson=lesson)
    order = lesson_ids_in_order(module=access.module)
    position = order.index(lesson.pk)
    if position + 1 < len(order):
        return redirect("modules:lesson", pk=pk, lesson_pk=order[position + 1])
    messages.success(request, "All lessons done. The assessment is next.")
    return redirect("modules:detail", pk=pk)


@login_required
@require_POST
def aid_upload(request, pk: int, aid_pk: int):
    access, locked = _open_module(request, pk)
    if locked:
        return locked
    job_aid = job_aid_get_in_module(module=access.module, pk=aid_pk)
    form = AidUploadForm(request.POST, request.FILES, prefix=f"aid{job_aid.pk}")
    if form.is_valid():
        try:
            aid_submission_create(user=request.user, job_aid=job_aid, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, f"Your completed “{job_aid.title}” is saved.")
            return redirect("modules:detail", pk=pk)
    return module_detail(request, pk, upload_form=form, upload_aid_id=job_aid.pk)


@login_required
def aid_worksheet(request, pk: int, aid_pk: int):
    access, locked = _open_module(request, pk)
    if locked:
        return locked
    job_aid = job_aid_get_in_module(module=access.module, pk=aid_pk, with_worksheet=True)
    name = job_aid.worksheet.name.rsplit("/", 1)[-1]
    return FileResponse(job_aid.worksheet.open("rb"), as_attachment=True, filename=name)


@login_required
def lesson_attachment(request, pk: int, lesson_pk: int):
    access, locked = _open_module(request, pk)
    if locked:
        return locked
    lesson = lesson_get_in_module(module=access.module, pk=lesson_pk, with_attachment=True)
    name = lesson.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(lesson.attachment.open("rb"), as_attachment=True, filename=name)


@login_required
def submission_download(request, pk: int):
    submission = submission_get_for_user(user=request.user, pk=pk)
    response = FileResponse(
        submission.file.open("rb"),
        as_attachment=True,
        filename=submission.original_name,
        content_type=submission.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def assessment(request, pk: int):
    """Start, continue, save and submit the module's assessment."""
    access, locked = _open_module(request, pk)
    if locked:
        return locked
    module = access.module
    if module.assessment is None:
        raise Http404("This module has no assessment.")
    if request.method == "POST" and request.POST.get("action") == "save":
        return _save_answers(request, pk, module.assessment)
    open_attempt = attempt_open_for_user(user=request.user, assessment=module.assessment)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                attempt_start(user=request.user, assessment=module.assessment)
                return redirect("modules:assessment", pk=pk)
            if open_attempt is None:
                messages.info(request, "That attempt was already submitted.")
                return redirect("modules:detail", pk=pk)
            answers = answers_from_post(request.POST, open_attempt.question_ids)
            if action == "submit":
                result = attempt_submit(attempt=open_attempt, answers=answers)
                return redirect("modules:attempt", pk=pk, attempt_pk=result.attempt.pk)
        except AttemptError as exc:
            if request.headers.get("X-Requested-With") == "fetch":
                return HttpResponse(str(exc), status=409)
            messages.error(request, str(exc))
            return redirect("modules:assessment", pk=pk)
        return HttpResponse("Unknown action.", status=400)
    if open_attempt is not None and (closed := attempt_close_if_overdue(attempt=open_attempt)):
        return redirect("modules:attempt", pk=pk, attempt_pk=closed.attempt.pk)
    if open_attempt is None:
        eligibility = attempt_eligibility(user=request.user, assessment=module.assessment)
        return render(
            request,
            "modules/assessment_start.html",
            {"module": module, "assessment": module.assessment, "eligibility": eligibility},
        )
    context = {
        "module": module,
        "assessment": module.assessment,
        "attempt": open_attempt,
        "questions": attempt_questions(attempt=open_attempt),
        "seconds_left": (
            max(0, int((open_attempt.deadline - timezone.now()).total_seconds()))
            if open_attempt.deadline
            else None
        ),
    }
    return render(request, "modules/assessment.html", context)


def _save_answers(request, pk: int, assessment):
    """Save (the page's autosave, or its Save button): answers kept, the page stays."""
    fetch = request.headers.get("X-Requested-With") == "fetch"
    try:
        answers = answers_from_post(request.POST)
        attempt_save_open_answers(user=request.user, assessment=assessment, answers=answers)
    except AttemptError as exc:
        if fetch:
            return HttpResponse(str(exc), status=409)
        messages.error(request, str(exc))
        return redirect("modules:assessment", pk=pk)
    if fetch:
        return HttpResponse(status=204)
    messages.success(request, "Your answers are saved. You can come back to them later.")
    return redirect("modules:assessment", pk=pk)


@login_required
def attempt_result(request, pk: int, attempt_pk: int):
    access, locked = _open_module(request, pk)
    if locked:
        return locked
    attempt = attempt_get_for_user(user=request.user, pk=attempt_pk)
    module = access.module
    if attempt.assessment_id != module.assessment_id or attempt.state == Attempt.State.IN_PROGRESS:
        raise Http404("No such attempt.")
    eligibility = attempt_eligibility(user=request.user, assessment=attempt.assessment)
    # Right answers are shown only when no further attempt could use them.
    reveal = bool(attempt.passed) or eligibility.attempts_left == 0
    questions = attempt_review(attempt=attempt)
    context = {
        "module": module,
        "attempt": attempt,
        "questions": questions,
        "reveal": reveal,
        "eligibility": eligibility,
        "completion": completion_for(user=request.user, module=module),
    }
    return render(request, "modules/result.html", context)
