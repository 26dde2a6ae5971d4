"""The period a program dashboard covers: this month, the last 90 days, this school year or a
range, as calendar days in the program's own time zone."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from core.dates import local_date, start_of_day
from programs.models import Program, SchoolYear

LONGEST = timedelta(days=366 * 5)
PRESETS = ("month", "90d", "year")  # the periods the worker keeps computed (insight.snapshots)


@dataclass(frozen=True)
class Period:
    first: date  # inclusive
    last: date  # inclusive
    zone: ZoneInfo
    label: str

    @property
    def starts_at(self) -> datetime:
        return start_of_day(self.first, self.zone)

    @property
    def ends_at(self) -> datetime:
        """The instant after the last day (exclusive)."""
        return start_of_day(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def school_year_around(program: Program, today: date) -> tuple[date, date, str]:
    """The program's school year containing `today`; else July to June, as US schools count."""
    year = SchoolYear.objects.filter(program=program, starts_on__lte=today, ends_on__gte=today).first()
    if year is not None:
        return year.starts_on, year.ends_on, f"school year {year.name}"
    first_year = today.year if today.month >= 7 else today.year - 1
    return (
        date(first_year, 7, 1),
        date(first_year + 1, 6, 30),
        f"school year {first_year}–{str(first_year + 1)[2:]}",
    )


class PeriodForm(forms.Form):
    CHOICES = [
        ("month", "This month"),
        ("90d", "Last 90 days"),
        ("year", "This school year"),
        ("range", "From … to …"),
    ]

    period = forms.ChoiceField(choices=CHOICES, initial="90d", required=False)
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean() or {}
        if data.get("period") == "range":
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", "Give the first day of the range.")
            if end is None:
                self.add_error("end", "Give the last day of the range.")
            if start and end and end < start:
                self.add_error("end", "The last day comes before the first.")
            elif start and end and end - start > LONGEST:
                self.add_error("end", "A range covers at most five years.")
        return data


def chosen(form: PeriodForm) -> str:
    """The period the form asks for (a preset or "range"); the last 90 days when nothing valid."""
    return (form.cleaned_data.get("period") or "90d") if form.is_valid() else "90d"


def preset_period(program: Program, choice: str, *, now: datetime) -> Period:
    return period_for(program, PeriodForm({"period": choice}), now=now)


def period_for(program: Program, form: PeriodForm, *, now: datetime | None = None) -> Period:
    """The period the form asks for; the last 90 days when it asks for nothing valid."""
    zone = program.zone
    today = local_date(now or timezone.now(), zone)
    choice = chosen(form)
    if choice == "month":
        return Period(today.replace(day=1), today, zone, f"this month ({today:%B %Y})")
    if choice == "year":
        first, last, label = school_year_around(program, today)
        return Period(first, last, zone, label)
    if choice == "range":
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
        return Period(
            first, last, zone, f"{first:%b} {first.day}, {first.year} – {last:%b} {last.day}, {last.year}"
        )
    return Period(today - timedelta(days=89), today, zone, "the last 90 days")
