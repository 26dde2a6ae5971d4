"""Staff accounts with exactly the permissions and the second factor a test needs."""

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission

from accounts.models import User
from accounts.tests.factories import StaffFactory


def staff_member(*, totp: bool, perms: tuple[str, ...] = (), superuser: bool = False) -> User:
    user = StaffFactory(is_superuser=superuser)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    if totp:
        TOTP.activate(user, generate_totp_secret())
    return user
