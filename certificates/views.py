import io
import zipfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from badges.selectors import badge_check

from .forms import VerifyForm
from .linkedin import linkedin_links
from .models import Certificate
from .selectors import (
    certificate_expiry_dates,
    certificate_get_by_code,
    certificate_get_for_user,
    certificate_hours_total,
    certificate_list_for_user,
)
from .verify_json import certificate_verification, not_found, too_many, wants_json
from .verify_pdf import certificate_pdf_check


@login_required
def mine(request):
    certificates = list(certificate_list_for_user(user=request.user))
    linkedin = linkedin_links(
        certificates=certificates, expiry=certificate_expiry_dates(certificates=certificates)
    )
    for certificate in certificates:
        certificate.linkedin = linkedin.get(certificate.pk)
    context = {
        "certificates": certificates,
        "total_hours": certificate_hours_total(user=request.user),
        # While a PDF is on its way the page checks again by itself (static/js/preparing.js).
        "preparing": any(c.status == Certificate.Status.LIVE and not c.pdf for c in certificates),
    }
    return render(request, "certificates/mine.html", context)


@login_required
def pdf(request, pk: int):
    certificate = certificate_get_for_user(user=request.user, pk=pk)
    if not certificate.pdf:  # issued a moment ago: its PDF is being rendered by a worker
        response = render(request, "certificates/preparing.html", {"certificate": certificate})
        response["Cache-Control"] = "private, no-store"
        return response
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.display_code}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def download_all(request):
    """All of the person's valid certificates as one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificate_list_for_user(user=request.user).filter(
            status=Certificate.Status.LIVE
        ):
            if certificate.pdf:
                with certificate.pdf.open("rb") as handle:
                    day, code = f"{certificate.earned_on:%Y-%m-%d}", certificate.display_code
                    name = f"{day} {certificate.title[:60]} {code}.pdf"
                    archive.writestr(name.replace("/", "-"), handle.read())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-certificates.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


def lookup_rate(group, request) -> str:
    return settings.CREDO_VERIFY_LOOKUP_RATE


def verify_code(request, code: str):
    """Public: valid, superseded or revoked, with what the certificate says; unknown is a 404.
    The same as JSON for `Accept: application/json` (verify_json.py); both limited per address."""
    as_json = wants_json(request)
    usage = get_usage(request, group="verify-lookup", key="ip", rate=lookup_rate, increment=True)
    if usage is not None and usage["should_limit"]:
        retry_after = max(1, usage["time_left"])
        response = too_many(retry_after) if as_json else render(request, "429.html", status=429)
        response["Retry-After"] = str(retry_after)
    else:
        response = _verify_answer(request, code, as_json=as_json)
    patch_vary_headers(response, ["Accept"])  # one address, two answers: caches keep them apart
    return response


def _verify_answer(request, code: str, *, as_json: bool):
    certificate = certificate_get_by_code(code=code)
    if certificate is None:
        if as_json:
            return not_found(code)
        return render(request, "certificates/verify_unknown.html", {"code": code}, status=404)
    if as_json:
        response = JsonResponse(certificate_verification(certificate=certificate))
    else:
        response = render(request, "certificates/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="30/10m", method="POST", block=False)
def verify(request):
    """Look up a code, or check an uploaded PDF: its SHA-256 against every issued file, and its signature."""
    bound = request.method == "POST"
    form = VerifyForm(request.POST if bound else None, request.FILES if bound else None)
    result = None
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, "Too many checks from here in a short time. Please wait a few minutes.")
        elif form.is_valid():
            upload = form.cleaned_data.get("pdf")
            badge, badge_text = form.cleaned_data.get("badge"), form.cleaned_data.get("badge_text")
            if badge or badge_text:  # an Open Badge: badges.selectors says what it proves
                result = {"badge": badge_check(token=badge_text, png=badge.read() if badge else None)}
            elif upload:
                result = certificate_pdf_check(data=upload.read(), name=upload.name)
            else:
                return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form, "result": result})
