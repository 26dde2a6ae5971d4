from django.urls import path

from . import record_views, views

app_name = "certificates"

urlpatterns = [
    path("me/certificates/", views.mine, name="mine"),
    path("me/certificates/all.zip", views.download_all, name="zip"),
    path("me/certificates/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("me/record/", record_views.record, name="record"),
    path("me/record.pdf", record_views.record_pdf, name="record_pdf"),
    path("me/record/items/<str:key>/", record_views.record_item, name="record_item"),
    path("me/record/items/<str:key>/links/", record_views.link_create_item, name="link_create_item"),
    path("me/record/links/", record_views.link_create, name="link_create"),
    path("me/record/links/<int:pk>/revoke/", record_views.link_revoke, name="link_revoke"),
    path("records/<str:token>/", record_views.shared_record, name="shared_record"),
    path(
        "records/<str:token>/certificates/<int:pk>/",
        record_views.shared_certificate,
        name="shared_certificate",
    ),
    path("verify/", views.verify, name="verify_form"),
    path("verify/<str:code>/", views.verify_code, name="verify"),
]
