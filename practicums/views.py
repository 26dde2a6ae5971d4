from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from programs.dates import access_opens_at, date_range, local_date
from programs.letters import funding_letter_pdf, funding_letter_text
from programs.selectors import enrollment_get_for_user, program_get_published
from programs.services import AlreadyEnrolled

from .forms import MoveForm, RegistrationForm
from .selectors import (
    move_targets,
    practicum_get_public,
    practicum_list_upcoming,
    registration_get_for_user,
    registration_list_for_user,
    track_groups_for_program,
)
from .services import (
    RegistrationError,
    move_deadline,
    registration_confirm_offer,
    registration_create,
    registration_move,
)


@login_required
def register(request, slug: str):
    program = program_get_published(slug=slug)
    if enrollment_get_for_user(user=request.user, program=program):
        messages.info(request, f"You are already registered for {program.title}.")
        return redirect("dashboard")
    now = timezone.now()
    access = access_opens_at(now, delay_business_days=program.access_delay_business_days, zone=program.zone)
    form = RegistrationForm(
        request.POST or None,
        program=program,
        practicums=list(practicum_list_upcoming(program=program)),
        groups=track_groups_for_program(program=program),
        access_date=local_date(access, program.zone),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration_create(
                user=request.user,
                program=program,
                practicum_ids=form.practicum_ids,
                join_waitlist=form.cleaned_data["join_waitlist"],
                now=now,
            )
        except (RegistrationError, AlreadyEnrolled) as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request, f"You are registered for {program.title}. A confirmation is in your inbox."
            )
            return redirect("dashboard")
    return render(
        request, "practicums/register.html", {"program": program, "form": form, "access_opens_at": access}
    )


def practicum_detail(request, pk: int):
    practicum = practicum_get_public(pk=pk)
    return render(request, "practicums/detail.html", {"practicum": practicum})


@login_required
@require_POST
def confirm_offer(request, pk: int):
    registration = registration_get_for_user(user=request.user, pk=pk)
    try:
        registration_confirm_offer(registration=registration)
    except RegistrationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Your seat in {registration.practicum.title} is confirmed.")
    return redirect("dashboard")


@login_required
def move(request, pk: int):
    registration = registration_get_for_user(user=request.user, pk=pk)
    practicum = registration.practicum
    today = local_date(timezone.now(), practicum.zone)
    deadline = move_deadline(practicum)
    targets = list(move_targets(registration=registration, today=today)) if today <= deadline else []
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            registration_move(
                registration=registration,
                to_practicum_id=form.cleaned_data["to_practicum"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except RegistrationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "Your practicum has been changed. The new dates are on your dashboard.")
            return redirect("dashboard")
    return render(
        request,
        "practicums/move.html",
        {"registration": registration, "form": form, "deadline": deadline, "closed": today > deadline},
    )


@login_required
def funding_letter(request, slug: str):
    """The funding-request letter, pre-filled with the person's name, program, price and dates."""
    program = program_get_published(slug=slug)
    registration = (
        registration_list_for_user(user=request.user)
        .filter(practicum__program=program, status="confirmed")
        .first()
    )
    practicum = registration.practicum if registration else None
    today = local_date(timezone.now(), program.zone)
    text = funding_letter_text(
        program=program,
        name=request.user.full_name,
        organization=request.user.organization,
        job_title=request.user.job_title,
        practicum=practicum.title if practicum else "",
        practicum_dates=date_range(practicum.starts_on, practicum.ends_on) if practicum else "",
        today=today,
    )
    response = HttpResponse(
        funding_letter_pdf(text=text, program=program, today=today), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{program.slug}-funding-request.pdf"'
    return response
