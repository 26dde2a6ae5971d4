"""Public documents a verifier dereferences (issuer, achievements, keys, status lists, did:web)
and the holder's downloads (the compact JWS and the baked PNG, owner only)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from certificates.badge_images import badge_image_png
from certificates.models import Certificate
from certificates.selectors import certificate_get_for_user
from programs.models import Program

from . import credentials, services
from .selectors import signing_key_get, signing_keys_all, status_list_get

PUBLIC_CACHE = "public, max-age=300"


def _json(document: dict, *, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(document, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = PUBLIC_CACHE
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers fetch from other origins
    return response


@require_GET
def issuer(request):
    return _json(credentials.issuer_profile())


@require_GET
def achievement(request, key: str):
    document = credentials.achievement(key)
    if document is None:
        raise Http404("No such achievement.")
    return _json(document)


@require_GET
def image(request, slug: str):
    program = get_object_or_404(Program, slug=slug)
    response = HttpResponse(badge_image_png(program=program), content_type="image/png")
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@require_GET
def key(request, kid: str):
    """The public JWK named by a `kid` URL; retired keys keep answering (old badges verify)."""
    row = signing_key_get(kid=kid)
    if row is None:
        raise Http404("No such key.")
    return _json({**row.public_jwk, "kid": services.kid_url(row), "alg": "RS256", "use": "sig"})


@require_GET
def status_list(request, pk: int):
    row = status_list_get(pk=pk)
    if row is None:
        raise Http404("No such status list.")
    response = HttpResponse(services.status_list_jws(status_list=row), content_type="application/vc+jwt")
    response["Cache-Control"] = f"public, max-age={settings.CREDO_BADGE_STATUS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def did_web() -> str:
    """did:web method: the host (a port's colon percent-encoded) of SITE_URL."""
    return "did:web:" + urlsplit(settings.SITE_URL).netloc.replace(":", "%3A")


@require_GET
def did_document(request):
    did = did_web()
    methods = [
        {
            "id": f"{did}#{row.kid}",
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": row.public_jwk,
        }
        for row in signing_keys_all()
    ]
    return _json(
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
            "id": did,
            "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods],
        },
        content_type="application/did+json",
    )


def _own_live_certificate(request, pk: int) -> Certificate:
    """Only the holder downloads their badge (staff see certificates, not badges): 404 otherwise."""
    certificate = certificate_get_for_user(user=request.user, pk=pk)
    if certificate.user_id != request.user.pk or certificate.status != Certificate.Status.LIVE:
        raise Http404("No such certificate.")
    return certificate


def _attachment(body: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download_jwt(request, pk: int):
    certificate = _own_live_certificate(request, pk)
    token = services.credential_jws(certificate=certificate)
    name = f"badge-{certificate.display_code}.jwt"
    return _attachment(token, content_type="text/plain; charset=utf-8", filename=name)


@login_required
@require_GET
def download_png(request, pk: int):
    certificate = _own_live_certificate(request, pk)
    name = f"badge-{certificate.display_code}.png"
    return _attachment(services.badge_png(certificate=certificate), content_type="image/png", filename=name)
