from allauth.account.adapter import DefaultAccountAdapter

from .services import email_queue


class AccountAdapter(DefaultAccountAdapter):
    """allauth hooks: store the profile fields from sign-up, and send mail through the queue."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data.get("full_name", "").strip()
        user.organization = data.get("organization", "").strip()
        user.job_title = data.get("job_title", "").strip()
        if data.get("time_zone"):
            user.time_zone = data["time_zone"]
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        email_queue(message=message)
