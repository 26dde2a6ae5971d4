from django.urls import path

from . import instructor_views, views

app_name = "practicums"

urlpatterns = [
    path("programs/<slug:slug>/register/", views.register, name="register"),
    path("programs/<slug:slug>/funding-letter.pdf", views.funding_letter, name="funding_letter"),
    path("practicums/", views.schedule, name="schedule"),
    path("practicums/calendar.ics", views.calendar_public, name="calendar"),
    path("practicums/<int:pk>/", views.practicum_detail, name="detail"),
    path("attendance/", views.attendance, name="attendance"),
    path("instructor/", instructor_views.today, name="instructor"),
    path("instructor/sessions/<int:pk>/", instructor_views.session_code, name="instructor_code"),
    path("instructor/sessions/<int:pk>/qr.svg", instructor_views.session_qr, name="instructor_qr"),
    path(
        "instructor/sessions/<int:pk>/checkins.json",
        instructor_views.session_checkins,
        name="instructor_checkins",
    ),
    path("me/calendar.ics", views.calendar_personal, name="my_calendar_feed"),
    path("me/calendar/", views.my_calendar, name="my_calendar"),
    path("me/calendar/reset/", views.my_calendar_reset, name="my_calendar_reset"),
    path("me/registrations/<int:pk>/move/", views.move, name="move"),
    path("me/registrations/<int:pk>/confirm/", views.confirm_offer, name="confirm_offer"),
]
