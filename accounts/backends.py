"""The login backends, reading the signed-in person from the cache.

Every request by a signed-in person loads them; Django does it with a query each time. Here the
person is kept in the cache with their page-cache version (accounts.page_cache.person), which
every save of the user renews (a new password, deactivation, a new name): the next request
reads them from the database again. Django's own checks are unchanged: the session's hash is
still compared with the user's password hash, and inactive users are still refused.
"""

import logging

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache

from . import page_cache

logger = logging.getLogger(__name__)
TIMEOUT = 60  # a renewal lost to a cache outage leaves a changed person stale a minute at most


class _CachedUser(DjangoModelBackend):
    def get_user(self, user_id):
        key = f"user:{user_id}"
        try:
            # One round trip: the person's version, the catalogue's (most pages need both) and
            # the cached person, kept with the version it was read under.
            (person, _), entry = page_cache.versions_and_entry(
                [page_cache.person(user_id), page_cache.CONTENT], key
            )
        except Exception:  # without the cache the person is read from the database as usual
            logger.exception("user cache: read failed")
            return super().get_user(user_id)
        if entry is not None and entry[0] == person:
            user = entry[1]
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None:
            try:
                cache.set(key, (person, user), timeout=TIMEOUT)
            except Exception:
                logger.exception("user cache: write failed")
        return user


class ModelBackend(_CachedUser):
    """Email and password (Django's), with the signed-in person read through the cache."""


class AuthenticationBackend(_CachedUser, AllauthBackend):
    """allauth's, with the signed-in person read through the cache."""
