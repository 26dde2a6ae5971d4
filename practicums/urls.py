from django.urls import path

from . import views

app_name = "practicums"

urlpatterns = [
    path("programs/<slug:slug>/register/", views.register, name="register"),
    path("programs/<slug:slug>/funding-letter.pdf", views.funding_letter, name="funding_letter"),
    path("practicums/<int:pk>/", views.practicum_detail, name="detail"),
    path("me/registrations/<int:pk>/move/", views.move, name="move"),
    path("me/registrations/<int:pk>/confirm/", views.confirm_offer, name="confirm_offer"),
]
