from django.conf import settings

from recertification.selectors import credentials_current_for_user


def site(request) -> dict:
    user = getattr(request, "user", None)

    def account_has_credential() -> bool:
        """For the account menu's "Continuing education" item; the template calls this (one
        query) only for a signed-in person's page."""
        return bool(user and user.is_authenticated and credentials_current_for_user(user=user))

    return {
        "site_name": settings.CREDO_SITE_NAME,
        "support_email": settings.CREDO_SUPPORT_EMAIL,
        "support_phone": settings.CREDO_SUPPORT_PHONE,
        "account_has_credential": account_has_credential,
    }
