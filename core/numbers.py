"""Numbers as people read and write them on pages, letters and certificates."""

from decimal import Decimal


def hours_text(hours: Decimal) -> str:
    """2.50 -> "2.5", 3.00 -> "3"."""
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def is_quarter_hours(hours: Decimal) -> bool:
    """1.25 and 3.5 are, 1.3 is not. Exact in Decimal at any size (Django's step_size check goes
    through float and fails on 1E309)."""
    quarters = hours * 4
    return quarters == quarters.to_integral_value()


def duration_text(minutes: int) -> str:
    """A length of time as people say it: whole days or hours when it is one, minutes otherwise.
    1440 -> "1 day", 2880 -> "2 days", 120 -> "2 hours", 90 -> "90 minutes", 1 -> "1 minute"."""
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{minutes} minutes"
