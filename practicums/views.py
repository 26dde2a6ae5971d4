from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import page_cache
from core.dates import access_opens_at, date_range, local_date
from core.page_cache import cached_page
from core.paginator import CountWhenFullPaginator
from programs.letters import funding_letter_pdf, funding_letter_text
from programs.selectors import enrollment_get_for_user, program_get_published, program_list_published
from programs.services import AlreadyEnrolled

from .calendar import sessions_to_ics
from .calendar_selectors import calendar_feed_for_user, sessions_for_user_feed
from .forms import AttendanceForm, MoveForm, RegistrationForm, ScheduleFilterForm
from .models import Practicum
from .selectors import (
    move_targets,
    my_sessions,
    practicum_get_public,
    practicum_list_offered,
    registration_get_for_user,
    registration_list_for_user,
    schedule_filter_choices,
    schedule_filtered,
    series_tracks_for_user,
    track_groups_for_program,
)
from .services import (
    AttendanceError,
    RegistrationError,
    attendance_record,
    calendar_feed_get_or_create,
    calendar_feed_reset,
    move_deadline,
    registration_add_tracks,
    registration_confirm_offer,
    registration_create,
    registration_move,
)
from .services.public_feed import public_feed_render, public_feed_stored


@login_required
def register(request, slug: str):
    """Register for a program. A series teacher may pick only the season at hand and come back
    here to add a track for each later season as it opens."""
    program = program_get_published(slug=slug)
    enrolled = enrollment_get_for_user(user=request.user, program=program) is not None
    if enrolled and program.is_certification:
        messages.info(request, f"You are already registered for {program.title}.")
        return redirect("dashboard")
    tracks = series_tracks_for_user(user=request.user, program=program) if enrolled else []
    now = timezone.now()
    access = access_opens_at(now, delay_business_days=program.access_delay_business_days, zone=program.zone)
    form = RegistrationForm(
        request.POST or None,
        program=program,
        practicums=list(practicum_list_offered(program=program)),
        groups=track_groups_for_program(program=program),
        access_date=local_date(access, program.zone),
        taken={r.practicum.group_id for r in tracks},
    )
    if request.method == "POST" and form.is_valid():
        register_service = registration_add_tracks if enrolled else registration_create
        try:
            register_service(
                user=request.user,
                program=program,
                practicum_ids=form.practicum_ids,
                join_waitlist=form.cleaned_data["join_waitlist"],
                now=now,
            )
        except (RegistrationError, AlreadyEnrolled) as exc:
            form.add_error(None, exc.messages[0])
        else:
            done = (
                "Your new live events are booked." if enrolled else f"You are registered for {program.title}."
            )
            messages.success(request, f"{done} A confirmation is in your inbox.")
            return redirect("dashboard")
    context = {
        "program": program,
        "form": form,
        "access_opens_at": access,
        "enrolled": enrolled,
        "tracks": tracks,
    }
    return render(request, "practicums/register.html", context)


SCHEDULE_PAGE_SIZE = 25


def schedule(request):
    """Upcoming practicums, live events and CE events, filterable by program, kind, format, month and
    location."""
    months, locations = schedule_filter_choices()
    form = ScheduleFilterForm(
        request.GET or None, programs=program_list_published(), months=months, locations=locations
    )
    filters = {"program_slug": "", "kind": "", "format": "", "month": "", "location": ""}
    if form.is_bound and form.is_valid():
        program = form.cleaned_data["program"]
        filters = {
            "program_slug": program.slug if program else "",
            "kind": form.cleaned_data["kind"],
            "format": form.cleaned_data["format"],
            "month": form.cleaned_data["month"],
            "location": form.cleaned_data["location"],
        }
    # A page at a time: a large organisation has a thousand upcoming events. A page number that is
    # not one (or past the end) shows the first (or last) page rather than an error.
    page = CountWhenFullPaginator(schedule_filtered(**filters), SCHEDULE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "practicums/schedule.html", {"form": form, "practicums": page.object_list, "page": page}
    )


def practicum_detail(request, pk: int):
    practicum = practicum_get_public(pk=pk)
    registered = (
        request.user.is_authenticated
        and registration_list_for_user(user=request.user)
        .filter(practicum=practicum, status="confirmed")
        .exists()
    )
    now = timezone.now()
    lead = timedelta(minutes=settings.CREDO_JOIN_LINK_LEAD_MINUTES)
    for session in practicum.scheduled_sessions:
        session.join_open = registered and session.starts_at - lead <= now <= session.ends_at
    context = {
        "practicum": practicum,
        "registered": registered,
        "lead_minutes": settings.CREDO_JOIN_LINK_LEAD_MINUTES,
    }
    return render(request, "practicums/detail.html", context)


def calendar_public(request):
    """The published feed (decision 0018); rendered here only until the first is stored."""
    body = public_feed_stored()
    if body is None:
        body = public_feed_render()
    return _ics(body)


def calendar_personal(request):
    """A private feed opened by calendar apps, which cannot log in: the token is the key."""
    feed, sessions = sessions_for_user_feed(token=request.GET.get("token", ""))
    if feed is None:
        raise Http404("No such calendar.")
    return _ics(sessions_to_ics(sessions, name=f"My {settings.CREDO_SITE_NAME} sessions"))


def _ics(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def my_calendar(request):
    """The person's private calendar address. Reading the page creates nothing: the address is
    made when they ask for it (POST)."""
    if request.method == "POST":
        calendar_feed_get_or_create(user=request.user)
        return redirect("practicums:my_calendar")
    feed = calendar_feed_for_user(user=request.user)
    url = (
        request.build_absolute_uri(reverse("practicums:my_calendar_feed")) + f"?token={feed.token}"
        if feed
        else ""
    )
    return render(request, "practicums/my_calendar.html", {"feed_url": url})


@login_required
@require_POST
def my_calendar_reset(request):
    calendar_feed_reset(user=request.user)
    messages.success(request, "Your calendar has a new private address. The old one no longer works.")
    return redirect("practicums:my_calendar")


@login_required
def attendance(request):
    """Enter a session's attendance code (the instructor's QR code pre-fills it)."""
    form = AttendanceForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            result = attendance_record(user=request.user, code=form.cleaned_data["code"])
        except AttendanceError as exc:
            form.add_error("code", str(exc))
        else:
            session = result.session
            if result.created:
                messages.success(request, f"You are checked in: {session.practicum.title}, {session.title}.")
            else:
                messages.info(
                    request,
                    f"Already recorded: {session.practicum.title}, {session.title}. "
                    "No need to enter it again.",
                )
            if result.set_completion:
                done = f"You have attended every session of {session.practicum.title}. Well done!"
                if session.practicum.earns_certificate:
                    done += (
                        " Your certificate of completion will be in My Certificates in a moment,"
                        " and we email it to you at about 8 pm Pacific time."
                    )
                messages.success(request, done)
            return redirect("practicums:attendance")
    if form.is_bound:  # a refused code: the form shows why
        return render(request, "practicums/attendance.html", _attendance_context(request, form), status=400)
    return cached_page(
        request,
        scopes=[page_cache.person(request.user.pk), page_cache.CONTENT],
        vary_on=["code"],  # a QR code's link fills in the code
        build=lambda: ("practicums/attendance.html", _attendance_context(request, form)),
    )


def _attendance_context(request, form) -> dict:
    return {"form": form, "registrations": my_sessions(user=request.user), "now": timezone.now()}


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
        .filter(practicum__program=program, practicum__kind=Practicum.Kind.PRACTICUM, status="confirmed")
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
