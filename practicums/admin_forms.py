"""Admin forms for scheduling: a live event's kind fits its program (decision 0010), and sessions
are typed in the practicum's own time zone."""

from datetime import datetime
from itertools import pairwise

from django import forms

from programs.models import Program, Season

from .models import Practicum, Session, TrackGroup


class HttpsURLField(forms.URLField):
    """A URL typed without a scheme is read as https:// (Django 6's default, asked for now)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class PracticumForm(forms.ModelForm):
    """A live event's kind must fit its program: practicums belong to certification programs,
    live-event sets to series, and CE events (webinar or roundtable) to certification programs,
    whose credential holders earn CE hours. Once people are registered the kind stays put.

    The season and group lists hold only the practicum's program's (once it has one: on the
    change page, or an add page opened with ?program=); a season or group of another program is
    refused with a message either way."""

    class Meta:
        model = Practicum
        fields = "__all__"  # noqa: DJ007 -- the admin page edits every field; this form validates them
        field_classes = {"join_url": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        program_id = self.instance.program_id or self.initial.get("program")
        if program_id and str(program_id).isdigit():
            if "season" in self.fields:
                self.fields["season"].queryset = Season.objects.filter(
                    school_year__program_id=program_id
                ).select_related("school_year")
            if "group" in self.fields:
                self.fields["group"].queryset = TrackGroup.objects.filter(program_id=program_id)
        elif "season" in self.fields:
            self.fields["season"].queryset = Season.objects.select_related("school_year__program")
            self.fields["season"].label_from_instance = lambda s: f"{s} ({s.school_year.program})"

    def clean(self):
        data = super().clean()
        program = data.get("program")
        if program is not None:
            season, group = data.get("season"), data.get("group")
            if season is not None and season.school_year.program_id != program.pk:
                self.add_error("season", f"{season} is a season of another program, not of {program}.")
            if group is not None and group.program_id != program.pk:
                self.add_error("group", f"{group} is a group of another program, not of {program}.")
        program, kind, ce_kind = data.get("program"), data.get("kind"), data.get("ce_kind", "")
        if program and kind:
            certification = program.kind == Program.Kind.CERTIFICATION
            if kind == Practicum.Kind.PRACTICUM and not certification:
                self.add_error(
                    "kind",
                    f"{program.title} is a series: its live events are live-event sets, not practicums.",
                )
            elif kind == Practicum.Kind.LIVE_SET and certification:
                self.add_error(
                    "kind",
                    f"{program.title} is a certification program: its live events are practicums "
                    "or CE events, not live-event sets.",
                )
            elif kind == Practicum.Kind.CE_EVENT and not certification:
                self.add_error(
                    "kind",
                    "CE events belong to certification programs, whose credential holders earn CE hours.",
                )
        if kind == Practicum.Kind.CE_EVENT and not ce_kind:
            self.add_error("ce_kind", "Say whether this CE event is a webinar or a roundtable.")
        elif kind and kind != Practicum.Kind.CE_EVENT and ce_kind:
            self.add_error(
                "ce_kind",
                "Only CE events are webinars or roundtables: leave this empty, or choose the kind CE event.",
            )
        if kind and kind != Practicum.Kind.LIVE_SET and data.get("group"):
            self.add_error("group", "Only a series' live-event sets belong to a group of alternatives.")
        if (
            self.instance.pk
            and "kind" in self.changed_data
            and self.instance.registrations.exclude(status="cancelled").exists()
        ):
            self.add_error(
                "kind",
                "People are registered in this event: its kind can no longer change. Create a new event.",
            )
        return data


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
