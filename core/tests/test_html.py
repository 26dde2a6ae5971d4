"""core.html writes what django.utils.html writes."""

import pytest
from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from core import html

VALUES = ["plain", 'Quotes " and \' <tags> & ampersands', mark_safe("<b>safe</b>"), gettext_lazy("lazy <x>"),
          3, 2.5, None, True, "", "já — ünïcode"]  # fmt: skip


@pytest.mark.parametrize("value", VALUES)
def test_conditional_escape_matches_djangos(value):
    assert html.conditional_escape(value) == django_html.conditional_escape(value)


def test_format_html_matches_djangos_and_is_safe():
    written = html.format_html('<a href="{}">{}</a> {}', *VALUES[:3])
    assert written == django_html.format_html('<a href="{}">{}</a> {}', *VALUES[:3])
    assert isinstance(written, SafeString)
    assert "&lt;tags&gt;" in written
