"""The instructor's page: today's sessions, each code large with a QR code, live check-ins."""

import io
from datetime import datetime, time, timedelta

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.decorators import staff_permission_required

from .selectors import session_get_for_instructor, session_list_for_instructor

# Staff in a TOTP-verified session with the permission (the Instructors group has it).
instructor_required = staff_permission_required("practicums.view_session")


def _checkin_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('practicums:attendance')}?code={code}"


@login_required
@instructor_required
def today(request):
    """Sessions that run today in the instructor's own zone (and any still open now)."""
    zone = timezone.get_current_timezone()
    day = timezone.localdate()
    start = datetime.combine(day, time.min, tzinfo=zone)
    sessions = session_list_for_instructor(
        user=request.user, day_start=start, day_end=start + timedelta(days=1)
    )
    return render(request, "practicums/instructor/today.html", {"sessions": sessions, "day": day})


@login_required
@instructor_required
def session_code(request, pk: int):
    session = session_get_for_instructor(user=request.user, pk=pk)
    context = {
        "session": session,
        "checkin_page": f"{settings.SITE_URL}{reverse('practicums:attendance')}",
        "count": session.attendances.count(),
    }
    return render(request, "practicums/instructor/code.html", context)


@login_required
@instructor_required
def session_qr(request, pk: int):
    session = session_get_for_instructor(user=request.user, pk=pk)
    buffer = io.BytesIO()
    segno.make(_checkin_url(session.code), error="m").save(
        buffer, kind="svg", scale=10, dark="#0f2d4e", border=2, title="Check-in QR code"
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@never_cache
@login_required
@instructor_required
def session_checkins(request, pk: int):
    session = session_get_for_instructor(user=request.user, pk=pk)
    registered = session.practicum.registrations.filter(status="confirmed").count()
    return JsonResponse({"checked_in": session.attendances.count(), "registered": registered})
