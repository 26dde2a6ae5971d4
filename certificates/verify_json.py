"""/verify/<code>/ for machines: what the verify page says, as JSON (issue #18, section 3).

It says exactly what the page shows a person — status, name as printed, what was earned, hours,
dates, issuer, supersession and a revocation's reason — and nothing more (no email, no account)."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from .models import Certificate

STATUS = {
    Certificate.Status.LIVE: "valid",
    Certificate.Status.SUPERSEDED: "superseded",
    Certificate.Status.REVOKED: "revoked",
}
JSON = "application/json"


def wants_json(request: HttpRequest) -> bool:
    """The client prefers JSON to HTML (`Accept: application/json`); browsers, and clients that
    send no Accept header, get the page."""
    return request.get_preferred_type(["text/html", JSON]) == JSON


def _link(certificate: Certificate | None) -> dict | None:
    if certificate is None:
        return None
    return {"code": certificate.display_code, "verify_url": settings.SITE_URL + certificate.get_verify_url()}


def certificate_verification(*, certificate: Certificate) -> dict:
    """The verification record of a certificate (its `program`, `superseded_by` and `supersedes`
    already loaded: `selectors.certificate_get_by_code`)."""
    superseded_by = getattr(certificate, "superseded_by", None)
    revoked = certificate.status == Certificate.Status.REVOKED
    return {
        "code": certificate.display_code,
        "status": STATUS[Certificate.Status(certificate.status)],
        "verify_url": settings.SITE_URL + certificate.get_verify_url(),
        "name": certificate.name_on_certificate,
        "achievement": {
            "title": certificate.title,
            "kind": certificate.kind,
            "kind_label": certificate.get_kind_display(),
            "program": certificate.program.title,
        },
        "hours": float(certificate.appraised_hours),
        "earned_on": certificate.earned_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "issuer": {"name": settings.CREDO_SITE_NAME, "url": settings.SITE_URL + "/"},
        "superseded_by": _link(superseded_by),
        "supersedes": _link(certificate.supersedes),
        "revoked_reason": (certificate.revoked_reason or None) if revoked else None,
    }


def not_found(code: str) -> JsonResponse:
    return JsonResponse(
        {"error": "not_found", "code": code, "message": "We have not issued a certificate with this code."},
        status=404,
    )


def too_many(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "error": "rate_limited",
            "message": f"Too many lookups from this address; try again in {retry_after} seconds.",
            "retry_after": retry_after,
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
