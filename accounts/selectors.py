"""Reads for accounts."""

from django.db.models import QuerySet

from .models import User


def user_list_staff() -> QuerySet[User]:
    return User.objects.filter(is_staff=True, is_active=True).order_by("full_name")


def user_has_totp(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
