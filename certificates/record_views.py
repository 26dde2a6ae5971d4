"""My PL Record: the person's own page, its print and PDF forms, share links, and the shared
view that opens without an account."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts import page_cache
from accounts.page_cache import cached_page
from programs.selectors import enrollment_list_for_user

from .forms import ShareLinkForm
from .models import Certificate
from .rendering import url_fetcher
from .selectors import record_for_user, share_link_for_token, share_link_get_for_user, share_links_for_user
from .services import share_link_create, share_link_email, share_link_opened, share_link_revoke

NEW_LINK_KEY = "record.new_share_url"


def _share_form(request, data=None) -> ShareLinkForm:
    programs = [e.program for e in enrollment_list_for_user(user=request.user)]
    return ShareLinkForm(data, programs=programs, today=timezone.localdate())


@login_required
def record(request, form=None):
    if form is not None or NEW_LINK_KEY in request.session:  # errors or a new link: shown once, never kept
        context = {**_record_context(request, form), "new_link_url": request.session.pop(NEW_LINK_KEY, None)}
        status = 400 if form is not None else 200
        return render(request, "certificates/record/mine.html", context, status=status)
    user = request.user
    return cached_page(
        request,
        scopes=[page_cache.person(user.pk), page_cache.links(user.pk), page_cache.CONTENT],
        build=lambda: ("certificates/record/mine.html", _record_context(request, None)),
    )


def _record_context(request, form) -> dict:
    return {
        "owner": request.user,
        "programs": record_for_user(user=request.user),
        "links": share_links_for_user(user=request.user),
        "form": form or _share_form(request),
        "now": timezone.now(),
        "printed_on": timezone.localdate(),
    }


@login_required
def record_item(request, key: str):
    """One set's or module's activities on their own page, to print."""
    for program in record_for_user(user=request.user):
        for group in program.groups:
            for item in group.items:
                if item.key == key:
                    context = {
                        "owner": request.user,
                        "program": program,
                        "item": item,
                        "printed_on": timezone.localdate(),
                    }
                    return render(request, "certificates/record/item.html", context)
    raise Http404("No such item in your record.")


@login_required
def record_pdf(request):
    from weasyprint import HTML

    html = render_to_string(
        "certificates/record/pdf.html",
        {
            "owner": request.user,
            "programs": record_for_user(user=request.user),
            "printed_on": timezone.localdate(),
        },
    )
    pdf = HTML(string=html, url_fetcher=url_fetcher).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-pl-record.pdf"'
    return response


@login_required
@require_POST
@ratelimit(key="user", rate="10/h", method="POST", block=False)
def link_create(request):
    form = _share_form(request, request.POST)
    if getattr(request, "limited", False):
        form.is_valid()
        form.add_error(None, "You have created many links in the last hour. Please wait a little.")
        return record(request, form=form)
    if not form.is_valid():
        return record(request, form=form)
    data = form.cleaned_data
    if data["expiry"] == "date":
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"] + timedelta(days=1), time.min))
    else:
        expires_at = timezone.now() + timedelta(days=int(data["expiry"]))
    _, token = share_link_create(
        user=request.user,
        label=data["label"],
        expires_at=expires_at,
        program_ids=[int(p) for p in data["programs"]],
    )
    url = request.build_absolute_uri(reverse("certificates:shared_record", args=[token]))
    if data["email_to"]:
        share_link_email(user=request.user, url=url, to=data["email_to"], note=data["note"])
        messages.success(request, f"The link is on its way to {data['email_to']}.")
    request.session[NEW_LINK_KEY] = url
    return redirect("certificates:record")


@login_required
@require_POST
def link_revoke(request, pk: int):
    link = share_link_get_for_user(user=request.user, pk=pk)
    share_link_revoke(link=link)
    messages.success(request, f"The link “{link.label or 'without a label'}” no longer works.")
    return redirect("certificates:record")


def _shared_headers(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store, private"
    return response


def _open_link(request, token: str):
    """The link for a token, or the response to give instead (unknown 404, gone 410)."""
    link = share_link_for_token(token=token)
    if link is None:
        return None, _shared_headers(render(request, "certificates/record/unknown.html", status=404))
    if link.revoked_at or link.expires_at <= timezone.now():
        reason = "revoked" if link.revoked_at else "expired"
        return None, _shared_headers(
            render(request, "certificates/record/gone.html", {"reason": reason}, status=410)
        )
    return link, None


def shared_rate(group, request) -> str:
    return settings.CREDO_SHARED_RECORD_RATE


@ratelimit(key="ip", rate=shared_rate, block=True)
def shared_record(request, token: str):
    link, refusal = _open_link(request, token)
    if refusal:
        return refusal
    share_link_opened(link=link)
    program_ids = [p.pk for p in link.programs.all()] or None

    def build() -> tuple[str, dict]:
        context = {
            "owner": link.user,
            "programs": record_for_user(user=link.user, program_ids=program_ids, private=False),
            "shared": True,
            "printed_on": timezone.localdate(),
        }
        return "certificates/record/shared.html", context

    response = cached_page(  # the link's programs are in its owner's `links` scope
        request,
        scopes=[page_cache.person(link.user_id), page_cache.links(link.user_id), page_cache.CONTENT],
        build=build,
        secrets_in_page={"token": token},  # the cache keeps the page without the link's secret
    )
    return _shared_headers(response)


@ratelimit(key="ip", rate=shared_rate, block=True)
def shared_certificate(request, token: str, pk: int):
    link, refusal = _open_link(request, token)
    if refusal:
        return refusal
    certificates = Certificate.objects.filter(user=link.user, pk=pk, status=Certificate.Status.LIVE).exclude(
        pdf=""
    )
    program_ids = [p.pk for p in link.programs.all()]
    if program_ids:
        certificates = certificates.filter(program_id__in=program_ids)
    certificate = certificates.first()
    if certificate is None:
        raise Http404("No such certificate in this record.")
    response = FileResponse(
        certificate.pdf.open("rb"), as_attachment=True, filename=f"certificate-{certificate.display_code}.pdf"
    )
    return _shared_headers(response)
