from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

from . import views

# The admin has no login page of its own: staff log in through the site (with their TOTP code).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = f"{settings.CREDO_SITE_NAME} administration"
admin.site.site_title = settings.CREDO_SITE_NAME

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    path("instructors/", views.instructors, name="instructors"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", include("accounts.urls")),
    path(
        "help/",
        include(
            (
                [
                    path("", views.help_index, name="index"),
                    path("<slug:slug>/", views.help_page, name="page"),
                ],
                "help",
            )
        ),
    ),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("", include("programs.urls")),
    path("", include("practicums.urls")),
    path("", include("modules.urls")),
    path("", include("certificates.urls")),
    path("", include("recertification.urls")),
    path("", include("badges.urls")),
    # allauth's page, plus the "Continue" of the staff onboarding (accounts/middleware.py)
    path("accounts/2fa/recovery-codes/", account_views.recovery_codes),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # public uploads only: private files never go through /media/ (see public_media)
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.public_media))
