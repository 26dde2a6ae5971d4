from datetime import timedelta

from django import forms

from .models import CODE_ALPHABET, ShareLink

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_BADGE_BYTES = 2 * 1024 * 1024


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Certificate code",
        required=False,
        max_length=20,
        help_text="Printed on the certificate, e.g. ACDE-FGHJ-KMNP.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pdf = forms.FileField(
        label="Or the certificate PDF",
        required=False,
        help_text="We check that it is byte for byte the file we issued.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    badge = forms.FileField(
        label="Or a badge image (PNG)",
        required=False,
        help_text="An Open Badge downloaded from My Certificates: we check the credential baked into it.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,.png"}),
    )
    badge_text = forms.CharField(
        label="Or a badge credential (.jwt)",
        required=False,
        max_length=100_000,
        help_text="Paste the text of a .jwt badge file.",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_badge(self):
        upload = self.cleaned_data.get("badge")
        if upload and upload.size > MAX_BADGE_BYTES:
            raise forms.ValidationError("That image is larger than any badge we issue (2 MB).")
        return upload

    def clean_code(self) -> str:
        """The code without dashes and spaces, in capitals; only letters a code can have (it
        becomes part of the verification page's address)."""
        code = self.cleaned_data.get("code", "").replace("-", "").replace(" ", "").upper()
        if code and (len(code) != 12 or any(letter not in CODE_ALPHABET for letter in code)):
            raise forms.ValidationError(
                "That is not a certificate code: it has 12 letters and digits, e.g. ACDE-FGHJ-KMNP."
            )
        return code

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload and upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError("That file is larger than any certificate we issue (10 MB).")
        return upload

    def clean(self):
        data = super().clean()
        given = [name for name in ("code", "pdf", "badge", "badge_text") if data.get(name)]
        if not given and not self.errors:
            raise forms.ValidationError("Enter a certificate code or choose a certificate PDF.")
        return data


class ShareLinkForm(forms.Form):
    """A link to one item of the record (made from the item's page); `RecordShareLinkForm` adds
    the record's choices. `cleaned_data["valid_through"]` is the last day the link works."""

    EXPIRY = [("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("date", "Until a date")]

    label = forms.CharField(
        max_length=100, required=False, help_text='Only you see it, e.g. "for my principal".'
    )
    expiry = forms.ChoiceField(
        choices=EXPIRY,
        initial="30",
        widget=forms.RadioSelect,
        label="The link works for",
        help_text="Through the end of the last day, in your time zone.",
    )
    expires_on = forms.DateField(
        required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )
    email_to = forms.EmailField(required=False, label="Also email the link to", help_text="Optional.")
    note = forms.CharField(
        required=False, max_length=500, label="Your message", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        expiry = data.get("expiry")
        if expiry == "date":
            day = data.get("expires_on")
            if day is None:
                self.add_error("expires_on", "Choose the last day the link should work.")
            elif day <= self.today:
                self.add_error("expires_on", "Choose a day after today.")
            elif (day - self.today).days > 366:
                self.add_error("expires_on", "A link can work for a year at most.")
            else:
                data["valid_through"] = day
        elif expiry:
            data["valid_through"] = self.today + timedelta(days=int(expiry))
        if data.get("note") and not data.get("email_to"):
            self.add_error("email_to", "Enter the address your message should go to.")
        return data


class RecordShareLinkForm(ShareLinkForm):
    view = forms.ChoiceField(
        choices=ShareLink.View.choices,
        initial=ShareLink.View.COMPLETED,
        widget=forms.RadioSelect,
        label="The page shows first",
        help_text="The reader can switch to the other view.",
    )
    programs = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None ticked: every program."
    )

    field_order = ["label", "expiry", "expires_on", "view", "programs", "email_to", "note"]

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programs"].choices = [(str(p.pk), p.title) for p in programs]
