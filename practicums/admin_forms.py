"""Admin forms for scheduling: sessions are typed in the practicum's own time zone."""

from datetime import datetime
from itertools import pairwise

from django import forms

from .models import Session


class SessionForm(forms.ModelForm):
    """A session's day and clock times, in the practicum's time zone (whatever the admin's)."""

    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = Session
        fields = ["title", "day", "start_time", "end_time", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            zone = self.instance.practicum.zone
            start = self.instance.starts_at.astimezone(zone)
            self.initial.update(
                day=start.date(),
                start_time=start.time(),
                end_time=self.instance.ends_at.astimezone(zone).time(),
            )


class SessionFormSet(forms.BaseInlineFormSet):
    """Turns local times into instants and checks the schedule: each session ends after it
    starts, lies within the practicum's dates, and no two sessions overlap."""

    def clean(self):
        super().clean()
        practicum = self.instance
        zone = practicum.zone
        spans = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or not all(data.get(k) for k in ("day", "start_time", "end_time"))
            ):
                continue
            starts = datetime.combine(data["day"], data["start_time"], tzinfo=zone)
            ends = datetime.combine(data["day"], data["end_time"], tzinfo=zone)
            if ends <= starts:
                form.add_error("end_time", "The session must end after it starts.")
                continue
            if (
                practicum.starts_on
                and practicum.ends_on
                and not (practicum.starts_on <= data["day"] <= practicum.ends_on)
            ):
                form.add_error(
                    "day",
                    f"Sessions must fall within the practicum's dates ({practicum.starts_on:%b %-d}"
                    f"–{practicum.ends_on:%b %-d, %Y}).",
                )
                continue
            form.instance.starts_at, form.instance.ends_at = starts, ends
            if data.get("status") != Session.Status.CANCELLED:
                spans.append((starts, ends, form))
        spans.sort(key=lambda span: span[0])
        for (_, first_end, _), (second_start, _, second_form) in pairwise(spans):
            if second_start < first_end:
                second_form.add_error("start_time", "This session overlaps the one before it.")
