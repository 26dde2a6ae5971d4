"""Django's `conditional_escape` and `format_html`, without the lazy-string wrapper around
`escape` (`keep_lazy` checks every argument of every call). Pages that write hundreds of values
in Python (the permission pickers, the public schedule) spent a third of that time in the
wrapper. The same output: safe strings as they are, anything else through `str` and
`html.escape` (quotes too), as Django escapes; core/tests/test_html.py compares them."""

import html

from django.utils.safestring import SafeString


def conditional_escape(value) -> str:
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def format_html(format_string: str, *args) -> SafeString:
    # Every argument is escaped (or already safe); the format string is our own code's.
    return SafeString(format_string.format(*map(conditional_escape, args)))  # nosec B703
