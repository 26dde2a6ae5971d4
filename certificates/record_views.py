"""My PL Record: the person's own page, its print and PDF forms, share links, and the shared
view that opens without an account."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core import page_cache
from core.limits import Limit, LimitReached, limits_counted
from core.page_cache import cached_page
from programs.selectors import enrollment_list_for_user
from signing.pdf import pdf_sign

from .forms import RecordShareLinkForm, ShareLinkForm
from .models import ShareLink
from .rendering import url_fetcher
from .selectors import (
    certificate_in_shared_record,
    record_for_user,
    record_item_for_user,
    share_link_for_token,
    share_link_get_for_user,
    share_links_for_user,
)
from .services import share_link_create, share_link_email, share_link_opened, share_link_revoke

NEW_LINK_KEY = "record.new_share_url"
# Counted only when the link was made (a failed write gives its count back: core/limits.py).
LINK_LIMIT = Limit(
    group="certificates.link_create",
    rate="10/h",
    message="You have created many links in the last hour. Please wait a little.",
)
# Share emails go to an address the person types: limited per sender and per recipient, so the
# site cannot be used to send many people mail, nor one person much mail from many accounts.
EMAIL_PER_SENDER = Limit(
    group="certificates.share_email.sender",
    rate="20/d",
    message="You have emailed many links today. Copy the link below instead, or email it tomorrow.",
)
EMAIL_PER_RECIPIENT = Limit(
    group="certificates.share_email.recipient",
    rate="5/d",
    message="This address has received several links from us today. Please send it the link yourself.",
)
VIEWS = {ShareLink.View.COMPLETED, ShareLink.View.ALL}


def _view(request, default: str) -> str:
    """The reader's choice of view (`?view=completed` or `?view=all`), else the default."""
    chosen = request.GET.get("view", "")
    return chosen if chosen in VIEWS else default


def _new_link_url(request, *, item_key: str) -> str | None:
    """The link just made on this page (the record's or the item's), shown once."""
    new = request.session.get(NEW_LINK_KEY)
    if isinstance(new, dict) and new.get("item") == item_key:
        del request.session[NEW_LINK_KEY]
        return new.get("url")
    return None


def _share_form(request, data=None) -> RecordShareLinkForm:
    programs = [e.program for e in enrollment_list_for_user(user=request.user)]
    return RecordShareLinkForm(data, programs=programs, today=timezone.localdate())


@login_required
def record(request, form=None):
    new_link_url = _new_link_url(request, item_key="")
    if form is not None or new_link_url:  # errors or a new link: shown once, never kept
        context = {**_record_context(request, form), "new_link_url": new_link_url}
        status = 400 if form is not None else 200
        return render(request, "certificates/record/mine.html", context, status=status)
    user = request.user
    return cached_page(
        request,
        scopes=[page_cache.person(user.pk), page_cache.links(user.pk), page_cache.CONTENT],
        vary_on=["view"],
        build=lambda: ("certificates/record/mine.html", _record_context(request, None)),
    )


def _record_context(request, form) -> dict:
    return {
        "owner": request.user,
        "programs": record_for_user(user=request.user),
        "view": _view(request, ShareLink.View.ALL),
        "links": share_links_for_user(user=request.user),
        "form": form or _share_form(request),
        "now": timezone.now(),
        "printed_on": _today_on_the_page(),
    }


def _today_on_the_page():
    page_cache.changes_at_midnight()  # "printed" today, and links "Expired" compared with now
    return timezone.localdate()


@login_required
def record_item(request, key: str, form=None):
    """One set's or module's activities on their own page, to print or to share on its own."""
    found = record_item_for_user(user=request.user, key=key)
    if found is None:
        raise Http404("No such item in your record.")
    program, item = found
    context = {
        "owner": request.user,
        "program": program,
        "item": item,
        "printed_on": timezone.localdate(),
        "form": form or ShareLinkForm(today=timezone.localdate()),
        "links": [link for link in share_links_for_user(user=request.user) if link.item_key == key],
        "now": timezone.now(),
        "new_link_url": _new_link_url(request, item_key=key) if form is None else None,
    }
    return render(request, "certificates/record/item.html", context, status=400 if form is not None else 200)


@login_required
def record_pdf(request):
    from weasyprint import HTML

    html = render_to_string(
        "certificates/record/pdf.html",
        {
            "owner": request.user,
            "programs": record_for_user(user=request.user),
            "view": _view(request, ShareLink.View.ALL),
            "printed_on": timezone.localdate(),
        },
    )
    pdf = pdf_sign(data=HTML(string=html, url_fetcher=url_fetcher).write_pdf())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-pl-record.pdf"'
    return response


@login_required
@require_POST
def link_create(request):
    return _link_create(request, form=_share_form(request, request.POST), item_key="")


@login_required
@require_POST
def link_create_item(request, key: str):
    if record_item_for_user(user=request.user, key=key) is None:
        raise Http404("No such item in your record.")
    return _link_create(request, form=ShareLinkForm(request.POST, today=timezone.localdate()), item_key=key)


def _mailbox(address: str) -> str:
    """The mailbox an address reaches, for counting: case and a "+tag" do not make another one."""
    local, _, domain = address.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}".lower()


def _link_create(request, *, form: ShareLinkForm, item_key: str):
    def again(form):
        return record_item(request, item_key, form=form) if item_key else record(request, form=form)

    if not form.is_valid():
        return again(form)
    data = form.cleaned_data
    uses = [(LINK_LIMIT, str(request.user.pk))]
    if data["email_to"]:
        uses += [(EMAIL_PER_SENDER, str(request.user.pk)), (EMAIL_PER_RECIPIENT, _mailbox(data["email_to"]))]
    try:
        with limits_counted(*uses):
            link, token = share_link_create(
                user=request.user,
                label=data["label"],
                valid_through=data["valid_through"],
                program_ids=[int(p) for p in data.get("programs", [])],
                view=data.get("view", ShareLink.View.ALL),
                item_key=item_key,
            )
            url = settings.SITE_URL + reverse("certificates:shared_record", args=[token])  # not the Host
            if data["email_to"]:
                title = link.module.title if link.module else (link.practicum.title if link.practicum else "")
                share_link_email(link=link, url=url, to=data["email_to"], note=data["note"], item_title=title)
    except LimitReached as reached:
        form.add_error(None if reached.limit is LINK_LIMIT else "email_to", reached.limit.message)
        return again(form)
    except ValidationError as error:
        form.add_error(None, error)
        return again(form)
    if data["email_to"]:
        messages.success(request, f"The link is on its way to {data['email_to']}.")
    request.session[NEW_LINK_KEY] = {"url": url, "item": item_key}
    # The page opens at the new link, focused (the browser focuses a fragment's focusable target).
    if item_key:
        page = reverse("certificates:record_item", args=[item_key])
    else:
        page = reverse("certificates:record")
    return redirect(f"{page}#new-link-url")


@login_required
@require_POST
def link_revoke(request, pk: int):
    link = share_link_get_for_user(user=request.user, pk=pk)
    share_link_revoke(link=link)
    messages.success(request, f"The link “{link.label or 'without a label'}” no longer works.")
    back = request.POST.get("item", "")
    if back and back == link.item_key:  # revoked on the item's own page: back there
        return redirect("certificates:record_item", key=back)
    return redirect("certificates:record")


def _shared_headers(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store, private"
    return response


def _open_link(request, token: str, *, details: bool = True):
    """The link for a token, or the response to give instead (unknown 404, gone 410)."""
    link = share_link_for_token(token=token, details=details)
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


def _item_program_ids(link: ShareLink) -> list[int] | None:
    if link.module_id:
        return [link.module.program_id]
    if link.practicum_id:
        return [link.practicum.program_id]
    return [p.pk for p in link.programs.all()] or None


@ratelimit(key="ip", rate=shared_rate, block=True)
def shared_record(request, token: str):
    opened, refusal = _open_link(request, token, details=False)
    if refusal:
        return refusal
    share_link_opened(link=opened)

    def build() -> tuple[str, dict]:
        link = share_link_for_token(token=token)
        if link is None:  # deleted this instant
            raise Http404("No such link.")
        program_ids = _item_program_ids(link)
        zone = ZoneInfo(link.time_zone)
        context = {
            "owner": link.user,
            "link": link,
            "view": _view(request, link.view),
            "shared": True,
            "printed_on": timezone.localdate(timezone=zone),
        }
        page_cache.changes_at_midnight(zone)  # "as of" today
        if link.item_key:
            found = record_item_for_user(
                user=link.user, key=link.item_key, private=False, program_ids=program_ids
            )
            context["program"], context["item"] = found or (None, None)
            return "certificates/record/shared_item.html", context
        context["programs"] = record_for_user(user=link.user, program_ids=program_ids, private=False)
        return "certificates/record/shared.html", context

    response = cached_page(  # the link (its programs, item, view) is in its owner's `links` scope
        request,
        scopes=[page_cache.person(opened.user_id), page_cache.links(opened.user_id), page_cache.CONTENT],
        build=build,
        secrets_in_page={"token": token},
        vary_on=["view"],  # the cache keeps the page without the link's secret
    )
    return _shared_headers(response)


@ratelimit(key="ip", rate=shared_rate, block=True)
def shared_certificate(request, token: str, pk: int):
    link, refusal = _open_link(request, token)
    if refusal:
        return refusal
    certificate = None
    if link.item_key:  # only the item's own certificate
        found = record_item_for_user(
            user=link.user, key=link.item_key, private=False, program_ids=_item_program_ids(link)
        )
        if found and found[1].certificate and found[1].certificate.pk == pk and found[1].certificate.pdf:
            certificate = found[1].certificate
    else:
        certificate = certificate_in_shared_record(link=link, pk=pk)
    if certificate is None:
        raise Http404("No such certificate in this record.")
    response = FileResponse(
        certificate.pdf.open("rb"), as_attachment=True, filename=f"certificate-{certificate.display_code}.pdf"
    )
    return _shared_headers(response)
