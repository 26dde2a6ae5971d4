from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import ProfileForm
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
