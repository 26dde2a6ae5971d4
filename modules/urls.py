from django.urls import path

from . import views

app_name = "modules"

urlpatterns = [
    path("modules/<int:pk>/", views.module_detail, name="detail"),
    path("modules/<int:pk>/lessons/<int:lesson_pk>/", views.lesson_detail, name="lesson"),
    path("modules/<int:pk>/lessons/<int:lesson_pk>/done/", views.lesson_done, name="lesson_done"),
    path(
        "modules/<int:pk>/lessons/<int:lesson_pk>/attachment/",
        views.lesson_attachment,
        name="lesson_attachment",
    ),
    path("modules/<int:pk>/aids/<int:aid_pk>/worksheet/", views.aid_worksheet, name="worksheet"),
    path("modules/<int:pk>/aids/<int:aid_pk>/upload/", views.aid_upload, name="aid_upload"),
    path("modules/<int:pk>/assessment/", views.assessment, name="assessment"),
    path("modules/<int:pk>/assessment/attempts/<int:attempt_pk>/", views.attempt_result, name="attempt"),
    path("me/uploads/<int:pk>/", views.submission_download, name="submission"),
]
