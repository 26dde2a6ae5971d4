from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from .forms import ContactForm, GuideRequestForm, HoneypotMixin
from .models import Resource
from .selectors import program_get_published, program_list_published, webinar_list
from .services import GuideRequestData, contact_message_create, guide_request_create

FORM_RATE = "5/10m"
RATE_LIMITED = "You have sent several requests in a short time. Please wait a few minutes and try again."


def catalog(request):
    return render(request, "programs/catalog.html", {"programs": program_list_published()})


def _public_form_submitted(request, form: HoneypotMixin, save) -> bool:
    """True for a valid submission. Rate-limited posts get a form error; a filled honeypot is
    treated as success (so bots learn nothing) but nothing is saved or sent."""
    if request.method != "POST":
        return False
    if getattr(request, "limited", False):
        form.add_error(None, RATE_LIMITED)
        return False
    if not form.is_valid():
        return False
    if not form.is_spam():
        save(form.cleaned_data)
    return True


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=FORM_RATE, method="POST", block=False)
def guide_request(request, slug: str):
    program = program_get_published(slug=slug)
    form = GuideRequestForm(request.POST or None)

    def save(data: dict) -> None:
        fields = {name: data[name] for name in ("name", "email", "organization", "question")}
        guide_request_create(program=program, data=GuideRequestData(**fields))

    if _public_form_submitted(request, form, save):
        messages.success(request, "Thank you. The candidate's guide is on its way to your inbox.")
        return redirect(program.get_absolute_url())
    return render(request, "programs/guide.html", {"program": program, "form": form})


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=FORM_RATE, method="POST", block=False)
def contact(request):
    initial = (
        {"name": request.user.full_name, "email": request.user.email} if request.user.is_authenticated else {}
    )
    form = ContactForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        contact_message_create(
            name=data["name"], email=data["email"], subject=data["subject"], message=data["message"]
        )

    if _public_form_submitted(request, form, save):
        messages.success(request, "Thank you. Your message has reached our staff; we reply by email.")
        return redirect("programs:contact")
    return render(request, "programs/contact.html", {"form": form})


def resource_download(request, slug: str, pk: int):
    """Program resources are public files; served through the storage API so that neither the
    local folder nor the bucket needs to be exposed by the web server."""
    program = program_get_published(slug=slug)
    resource = program.resources.exclude(file="").exclude(kind=Resource.Kind.GUIDE).filter(pk=pk).first()
    if resource is None:
        raise Http404("No such resource.")
    return FileResponse(
        resource.file.open("rb"), as_attachment=True, filename=resource.file.name.rsplit("/", 1)[-1]
    )


def webinars(request):
    return render(request, "programs/webinars.html", {"webinars": webinar_list()})
