from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("programs/", views.catalog, name="catalog"),
    path("programs/<slug:slug>/guide/", views.guide_request, name="guide"),
    path("programs/<slug:slug>/guide/<str:token>/", views.guide_ready, name="guide_ready"),
    path("programs/<slug:slug>/guide/<str:token>/download/", views.guide_download, name="guide_download"),
    path("programs/<slug:slug>/resources/<int:pk>/", views.resource_download, name="resource"),
    path("contact/", views.contact, name="contact"),
    path("webinars/", views.webinars, name="webinars"),
]
