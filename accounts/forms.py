from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from .models import User, time_zone_choices


class PersonFields(forms.Form):
    """The name on certificates, organization and job title: asked at sign-up and on the profile."""

    full_name = forms.CharField(
        label="Full name (as it should appear on certificates)",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organization = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    job_title = forms.CharField(
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Please enter your name as it should appear on certificates.")
        return name


class SignupForm(AllauthSignupForm, PersonFields):
    """allauth's sign-up form plus the person's name, organization and job title."""

    field_order = ["full_name", "email", "organization", "job_title", "password1", "password2"]


class ProfileForm(PersonFields):
    """The profile fields a person edits themselves (a plain form: the service does the saving)."""

    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Dates and times are shown in this time zone."
    )
    session_reminders = forms.BooleanField(
        required=False,
        label="Email me a reminder before my sessions",
        help_text="The day before each in-person session and an hour before each virtual one, with the "
        "time, the join link and a calendar file.",
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        return cls(data, initial={name: getattr(user, name) for name in cls.base_fields})
