from django.conf import settings


def site(request) -> dict:
    return {
        "site_name": settings.CREDO_SITE_NAME,
        "support_email": settings.CREDO_SUPPORT_EMAIL,
        "support_phone": settings.CREDO_SUPPORT_PHONE,
    }
