"""The login backends, reading the signed-in person through the page cache.

Every request by a signed-in person loads them; Django does it with a query each time (about a
millisecond, a fifth of a cached page: measured in docs/PERFORMANCE.md). Here the person is kept
with their page-cache version (core.page_cache.person), which every write of the user renews (a
new password, deactivation, a new name): the next request reads them from the database again.
The copy is not used while Redis refuses writes or while this process holds a renewal it could
not store (core/page_cache.py), and without Redis the person comes from the database. Django's
own checks are unchanged: the session's hash is still compared with the user's password hash,
and inactive users are still refused. The classes keep these names: sessions store them.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from core import page_cache


class _CachedUser(DjangoModelBackend):
    def get_user(self, user_id):
        load = super().get_user
        # The catalogue's version comes along in the same round trip: most pages need it next.
        return page_cache.remember(
            f"user:{user_id}",
            scopes=[page_cache.person(user_id), page_cache.CONTENT],
            compute=lambda: load(user_id),
            ahead=page_cache.page_ahead(user_id),  # and their page, in the same round trip
        )


class ModelBackend(_CachedUser):
    """Email and password (Django's), with the signed-in person read through the cache."""


class AuthenticationBackend(_CachedUser, AllauthBackend):
    """allauth's, with the signed-in person read through the cache."""
