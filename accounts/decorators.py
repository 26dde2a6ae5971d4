"""Access to the pages where staff get more than a participant."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from .selectors import staff_may


def staff_permission_required(perm: str) -> Callable:
    """A staff page: a TOTP-verified staff session holding `perm`, or 403 (never a login loop)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not staff_may(user=request.user, perm=perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
