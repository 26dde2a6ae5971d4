from collections.abc import Sequence
from datetime import date, timedelta

from django import forms

from programs.models import Program

from .models import Practicum, TrackGroup
from .selectors import VIRTUAL_LOCATION


def _mark(practicum: Practicum, recommended_start: date) -> Practicum:
    """Flag practicums that leave less than the recommended weeks for the modules."""
    practicum.short_notice = practicum.starts_on < recommended_start
    practicum.full = practicum.seats_left <= 0
    return practicum


class RegistrationForm(forms.Form):
    """Certification: one practicum. Series: at most one track (in person or virtual) per season,
    at least one in all; seasons whose events have all started are not offered, and neither are
    the seasons the person already has a track in (`taken`: those groups' ids)."""

    join_waitlist = forms.BooleanField(
        required=False,
        label="If my choice is full, put me on its waitlist (you are emailed if a seat frees up)",
    )

    def __init__(
        self,
        *args,
        program: Program,
        practicums: list[Practicum],
        groups: list[TrackGroup],
        access_date: date,
        taken: set[int] | frozenset[int] = frozenset(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.program = program
        recommended_start = access_date + timedelta(weeks=program.recommended_weeks_before_practicum)
        self.recommended_start = recommended_start
        if program.kind == Program.Kind.CERTIFICATION:
            self.options = [_mark(p, recommended_start) for p in practicums]
            self.fields["practicum"] = forms.TypedChoiceField(
                choices=[(p.pk, str(p)) for p in self.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Please choose a practicum.",
                    "invalid_choice": "That practicum is not open for registration. Please choose another.",
                },
            )
            self.groups = self.choosable = []
        else:
            # Every open season is a field, so that a stale choice for a season already taken
            # reaches the service and is refused with its reason; only the others are shown.
            self.choosable = [g for g in groups if g.upcoming]
            self.groups = [g for g in self.choosable if g.pk not in taken]
            for group in self.choosable:
                group.options = [_mark(p, recommended_start) for p in group.upcoming]
                group.field_name = f"group_{group.pk}"
                self.fields[group.field_name] = forms.TypedChoiceField(
                    label=group.name,
                    choices=[(p.pk, str(p)) for p in group.options],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={
                        "invalid_choice": f"That track is not open for registration in {group.name}.",
                    },
                )

    def clean(self):
        cleaned = super().clean()
        if self.groups and not self.errors and not self.practicum_ids:
            raise forms.ValidationError("Please choose a track for at least one season.")
        return cleaned

    @property
    def practicum_ids(self) -> list[int]:
        if self.program.kind == Program.Kind.CERTIFICATION:
            return [self.cleaned_data["practicum"]]
        chosen = [self.cleaned_data.get(group.field_name) for group in self.choosable]
        return [pk for pk in chosen if pk is not None]


class MoveForm(forms.Form):
    to_practicum = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Move to")
    reason = forms.CharField(max_length=300, required=False, label="Reason (optional)")

    def __init__(self, *args, targets: list[Practicum], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.fields["to_practicum"].choices = [(p.pk, str(p)) for p in targets]


class AttendanceForm(forms.Form):
    code = forms.CharField(
        label="Attendance code",
        max_length=20,
        help_text="Six letters and digits, shown by your instructor during the session. Not case-sensitive.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )


class ScheduleFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="All programs"
    )
    kind = forms.ChoiceField(
        required=False,
        label="Kind of event",
        choices=[
            ("", "All kinds"),
            (Practicum.Kind.PRACTICUM, "Practicums"),
            (Practicum.Kind.LIVE_SET, "Live events"),
            (Practicum.Kind.CE_EVENT, "CE events (webinars, roundtables)"),
        ],
    )
    format = forms.ChoiceField(required=False, choices=[("", "Any format"), *Practicum.Format.choices])
    month = forms.ChoiceField(required=False, choices=[("", "Any month")])
    location = forms.ChoiceField(required=False, choices=[("", "Any location")])

    def __init__(
        self, *args, programs, months: list[date], locations: Sequence[tuple[str, str]] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["program"].to_field_name = "slug"
        self.fields["month"].choices = [("", "Any month"), *[(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]]
        # Each place is its own label ("Denver, CO"), so the address reads plainly: ?location=Denver%2C+CO
        self.places = {", ".join(p for p in pair if p): pair for pair in locations}
        self.fields["location"].choices = [
            ("", "Any location"),
            (VIRTUAL_LOCATION, "Virtual"),
            *[(label, label) for label in self.places],
        ]

    def clean_location(self) -> tuple[str, str] | str:
        """A (city, state) pair, VIRTUAL_LOCATION or "" (any)."""
        value = self.cleaned_data["location"]
        return self.places.get(value, value)
