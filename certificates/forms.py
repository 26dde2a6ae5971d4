from django import forms

MAX_PDF_BYTES = 10 * 1024 * 1024


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

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload and upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError("That file is larger than any certificate we issue (10 MB).")
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("code") and not data.get("pdf") and not self.errors:
            raise forms.ValidationError("Enter a certificate code or choose a certificate PDF.")
        return data


class ShareLinkForm(forms.Form):
    EXPIRY = [("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("date", "Until a date")]

    label = forms.CharField(
        max_length=100, required=False, help_text='Only you see it, e.g. "for my principal".'
    )
    expiry = forms.ChoiceField(
        choices=EXPIRY, initial="30", widget=forms.RadioSelect, label="The link works for"
    )
    expires_on = forms.DateField(
        required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )
    programs = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, help_text="None ticked: every program."
    )
    email_to = forms.EmailField(required=False, label="Also email the link to", help_text="Optional.")
    note = forms.CharField(
        required=False, max_length=500, label="Your message", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, programs, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["programs"].choices = [(str(p.pk), p.title) for p in programs]

    def clean(self):
        data = super().clean()
        if data.get("expiry") == "date":
            day = data.get("expires_on")
            if day is None:
                self.add_error("expires_on", "Choose the last day the link should work.")
            elif day <= self.today:
                self.add_error("expires_on", "Choose a day after today.")
            elif (day - self.today).days > 366:
                self.add_error("expires_on", "A link can work for a year at most.")
        if data.get("note") and not data.get("email_to"):
            self.add_error("email_to", "Enter the address your message should go to.")
        return data
