from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("me/certificates/", views.mine, name="mine"),
    path("me/certificates/all.zip", views.download_all, name="zip"),
    path("me/certificates/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("verify/", views.verify, name="verify_form"),
    path("verify/<str:code>/", views.verify_code, name="verify"),
]
