from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import ProfileForm
from .middleware import MFA_ONBOARDING_NEXT
from .services import profile_update


@login_required
def profile(request):
    """The person's own profile: name on certificates, organization, job title, time zone, reminders."""
    if request.method == "POST":
        form = ProfileForm.for_user(request.user, request.POST)
        if form.is_valid():
            profile_update(user=request.user, data=form.cleaned_data)
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm.for_user(request.user)
    return render(request, "accounts/profile.html", {"form": form})


def recovery_codes(request):
    """allauth's recovery codes page, with a "Continue" to the page the person was going to when
    they were sent to set up an authenticator (offered once, then forgotten)."""
    from allauth.mfa.recovery_codes.views import view_recovery_codes

    response = view_recovery_codes(request)
    if getattr(response, "context_data", None) is not None and request.user.is_authenticated:
        response.context_data["continue_url"] = request.session.pop(MFA_ONBOARDING_NEXT, None)
    return response
