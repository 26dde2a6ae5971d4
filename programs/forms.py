import unicodedata

from django import forms

ONE_LINE = "Please keep this on one line, without line breaks or control characters."


def validate_one_line(value: str) -> None:
    """Single-line fields end up in mail headers (the staff notification's subject) and in lists:
    a line break or control character there would only make the notification fail later."""
    if any(unicodedata.category(c) in {"Cc", "Zl", "Zp"} for c in value):
        raise forms.ValidationError(ONE_LINE, code="one_line")


class HoneypotMixin(forms.Form):
    """A field people never see (hidden with CSS, skipped by screen readers); bots fill it in."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class GuideRequestForm(HoneypotMixin):
    name = forms.CharField(
        max_length=150, validators=[validate_one_line], widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organization = forms.CharField(
        max_length=200,
        required=False,
        validators=[validate_one_line],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    question = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything you would like to ask our staff? We reply to the address above.",
    )


class ContactForm(HoneypotMixin):
    name = forms.CharField(
        max_length=150, validators=[validate_one_line], widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    subject = forms.CharField(max_length=200, validators=[validate_one_line])
    message = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
