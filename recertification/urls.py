from django.urls import path

from . import views

app_name = "recertification"

urlpatterns = [
    path("exam/<str:token>/", views.exam, name="exam"),
    path("me/ce/", views.ce, name="ce"),
    path("me/ce/activities/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("me/ce/events/<int:pk>/register/", views.ce_event_join, name="ce_event_join"),
    path("me/ce/<slug:slug>/recertify/", views.recertify, name="recertify"),
]
