from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.limits import Limit, LimitReached, client_key, limits_counted

from .forms import ContactForm, GuideRequestForm, HoneypotMixin
from .models import Resource
from .selectors import (
    guide_for_program,
    guide_request_token,
    guide_token_is_valid,
    program_get_published,
    program_list_published,
    webinar_list,
)
from .services import GuideRequestData, contact_message_create, guide_request_create

FORM_RATE = "5/10m"
RATE_LIMITED = "You have sent several requests in a short time. Please wait a few minutes and try again."
GUIDE_LIMIT = Limit(group="programs.guide", rate=FORM_RATE, message=RATE_LIMITED)
CONTACT_LIMIT = Limit(group="programs.contact", rate=FORM_RATE, message=RATE_LIMITED)


def catalog(request):
    return render(request, "programs/catalog.html", {"programs": program_list_published()})


def _public_form_submitted(request, form: HoneypotMixin, *, limit: Limit, save) -> bool:
    """True for a valid submission. Only what was saved counts against the limit (a failed
    write, e.g. during a database outage, is given back); over the limit the form says so. A
    filled honeypot is treated as success (so bots learn nothing) but nothing is saved or sent."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        with limits_counted((limit, client_key(request))):
            if not form.is_spam():
                save(form.cleaned_data)
    except LimitReached as reached:
        form.add_error(None, reached.limit.message)
        return False
    return True


@require_http_methods(["GET", "POST"])
def guide_request(request, slug: str):
    """The guide is downloaded from the page the form leads to: nothing is mailed to the address
    typed here (anyone could type anyone's); staff get any question by email."""
    program = program_get_published(slug=slug)
    form = GuideRequestForm(request.POST or None)
    saved = []

    def save(data: dict) -> None:
        fields = {name: data[name] for name in ("name", "email", "organization", "question")}
        saved.append(guide_request_create(program=program, data=GuideRequestData(**fields)))

    if _public_form_submitted(request, form, limit=GUIDE_LIMIT, save=save):
        if not saved:  # the honeypot
            return redirect(program.get_absolute_url())
        if saved[0].question.strip():
            messages.success(request, "Thank you. Our staff have your question and will reply by email.")
        return redirect(
            "programs:guide_ready", slug=program.slug, token=guide_request_token(request=saved[0])
        )
    return render(request, "programs/guide.html", {"program": program, "form": form})


def _guide_or_404(slug: str, token: str) -> tuple:
    program = program_get_published(slug=slug)
    if not guide_token_is_valid(program=program, token=token):
        raise Http404("This link to the guide has expired. Please fill in the form again.")
    return program, guide_for_program(program=program)


def guide_ready(request, slug: str, token: str):
    program, guide = _guide_or_404(slug, token)
    response = render(
        request, "programs/guide_ready.html", {"program": program, "guide": guide, "token": token}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def guide_download(request, slug: str, token: str):
    _, guide = _guide_or_404(slug, token)
    if guide is None:
        raise Http404("The guide is not available yet.")
    response = FileResponse(
        guide.file.open("rb"), as_attachment=True, filename=guide.file.name.rsplit("/", 1)[-1]
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def contact(request):
    initial = (
        {"name": request.user.full_name, "email": request.user.email} if request.user.is_authenticated else {}
    )
    form = ContactForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        contact_message_create(
            name=data["name"], email=data["email"], subject=data["subject"], message=data["message"]
        )

    if _public_form_submitted(request, form, limit=CONTACT_LIMIT, save=save):
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
