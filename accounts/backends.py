"""The login backends: Django's (email and password) and allauth's, unchanged.

They keep these names because every signed-in session stores the path of the backend that
signed it in; renaming them would sign everyone out. The person is read from the database on
every request, never from the cache: a deactivation or a new password counts at once
(docs/decisions/0013).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class ModelBackend(DjangoModelBackend):
    """Email and password (Django's)."""


class AuthenticationBackend(AllauthBackend):
    """allauth's."""
