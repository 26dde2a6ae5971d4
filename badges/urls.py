from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    path("badges/issuer", views.issuer, name="issuer"),
    path("badges/achievements/<str:key>", views.achievement, name="achievement"),
    path("badges/images/<slug:slug>.png", views.image, name="image"),
    path("badges/keys/<str:kid>", views.key, name="key"),
    path("badges/status/<int:pk>", views.status_list, name="status_list"),
    path(".well-known/did.json", views.did_document, name="did"),
    path("me/certificates/<int:pk>/badge.jwt", views.download_jwt, name="download_jwt"),
    path("me/certificates/<int:pk>/badge.png", views.download_png, name="download_png"),
]
