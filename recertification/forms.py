from decimal import Decimal

from django import forms

from core.numbers import is_quarter_hours
from modules.uploads import ALLOWED, MAX_UPLOAD_BYTES

from .models import CEActivity


def quarter_hours(value: Decimal) -> None:
    if not is_quarter_hours(value):
        raise forms.ValidationError("Enter hours in quarter-hour steps, e.g. 1.25.", code="step_size")


class CEActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=CEActivity.Kind.choices, label="Kind of activity")
    title = forms.CharField(max_length=200)
    provider = forms.CharField(
        max_length=200, required=False, help_text="Who ran it (an association, a university …)."
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        min_value=Decimal("0.25"), max_value=Decimal("100"), decimal_places=2, validators=[quarter_hours],
        help_text="In quarter-hour steps, e.g. 1.25.", widget=forms.NumberInput(attrs={"step": "0.25"}),
    )  # fmt: skip
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    evidence = forms.FileField(
        required=False,
        help_text=f"Optional: a certificate of attendance ({ALLOWED}, up to {MAX_UPLOAD_BYTES // 2**20} MB).",
    )
