import hashlib
import io
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from .forms import VerifyForm
from .models import Certificate
from .selectors import (
    certificate_find_by_pdf_hash,
    certificate_get_by_code,
    certificate_get_for_user,
    certificate_hours_total,
    certificate_list_for_user,
)

PREPARING_REFRESH_SECONDS = 3  # a PDF is rendered seconds after its certificate is issued


@login_required
def mine(request):
    certificates = list(certificate_list_for_user(user=request.user))
    context = {
        "certificates": certificates,
        "total_hours": certificate_hours_total(user=request.user),
        # The page reloads itself (a <meta> refresh: no script) only while a PDF is on its way.
        "refresh_seconds": PREPARING_REFRESH_SECONDS
        if any(c.status == Certificate.Status.LIVE and not c.pdf for c in certificates)
        else None,
    }
    return render(request, "certificates/mine.html", context)


@login_required
def pdf(request, pk: int):
    certificate = certificate_get_for_user(user=request.user, pk=pk)
    if not certificate.pdf:  # issued a moment ago: its PDF is being rendered by a worker
        context = {"certificate": certificate, "refresh_seconds": PREPARING_REFRESH_SECONDS}
        response = render(request, "certificates/preparing.html", context)
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


def verify_code(request, code: str):
    """Public: valid, superseded or revoked, with what the certificate says; unknown is a 404."""
    certificate = certificate_get_by_code(code=code)
    if certificate is None:
        return render(request, "certificates/verify_unknown.html", {"code": code}, status=404)
    response = render(request, "certificates/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="30/10m", method="POST", block=False)
def verify(request):
    """Look up a code, or check an uploaded PDF against the SHA-256 of every issued file."""
    bound = request.method == "POST"
    form = VerifyForm(request.POST if bound else None, request.FILES if bound else None)
    result = None
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, "Too many checks from here in a short time. Please wait a few minutes.")
        elif form.is_valid():
            upload = form.cleaned_data.get("pdf")
            if upload:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                certificate = certificate_find_by_pdf_hash(sha256=digest.hexdigest())
                result = {"checked_file": upload.name, "certificate": certificate}
            else:
                return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form, "result": result})
