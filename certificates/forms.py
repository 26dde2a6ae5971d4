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
