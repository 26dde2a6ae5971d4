"""Numbers as people read them on pages, letters and certificates."""

from decimal import Decimal


def hours_text(hours: Decimal) -> str:
    """2.50 -> "2.5", 3.00 -> "3"."""
    return f"{hours:.2f}".rstrip("0").rstrip(".")
