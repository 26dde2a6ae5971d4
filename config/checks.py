"""Start-up checks that `manage.py check` (and every server start) runs."""

import ctypes.util

from django.core.checks import Warning, register


def harfbuzz_subset_available() -> bool:
    """WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is present; without it
    it falls back to fontTools and renders certificates about ten times slower."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


@register()
def check_harfbuzz_subset(app_configs, **kwargs):
    if harfbuzz_subset_available():
        return []
    return [
        Warning(
            "libharfbuzz-subset is not installed: certificate PDFs will render about ten times slower.",
            hint="Install the system package libharfbuzz-subset0 (Debian/Ubuntu); see README.md.",
            id="credo.W001",
        )
    ]
