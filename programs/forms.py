from django import forms


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
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organization = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    question = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything you would like to ask our staff? We reply by email.",
    )


class ContactForm(HoneypotMixin):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    subject = forms.CharField(max_length=200)
    message = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
