"""Reads for accounts."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from .models import User


def user_list_staff() -> QuerySet[User]:
    return User.objects.filter(is_staff=True, is_active=True).order_by("full_name")


def user_has_totp(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_is_verified_staff(*, user: User | AnonymousUser) -> bool:
    """Staff in a TOTP-verified session: the notion StaffMFAMiddleware enforces for /admin/ and
    /instructor/ (an account with an authenticator can only sign in with its code)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and user_has_totp(user=user))


def staff_may(*, user: User | AnonymousUser, perm: str) -> bool:
    """Whether staff may see other people's data of this kind: a TOTP-verified session AND the
    model permission. Without both, staff get what a participant gets and nothing more."""
    return user_is_verified_staff(user=user) and user.has_perm(perm)
