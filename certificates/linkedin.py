"""LinkedIn's "Add to profile" link for a certificate: its "Licenses & certifications" form,
filled in (name, organisation, issue and expiry month, credential id and URL). LinkedIn's
documented parameters: startTask=CERTIFICATION_NAME, name, organizationId or organizationName,
issueYear, issueMonth, expirationYear, expirationMonth, certId, certUrl."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings

from .models import Certificate

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
# Credentials a person lists on a profile; an on-demand module's completion certificate is one of
# many small steps towards them, so it gets no button (the verify link still shows it).
KINDS = {Certificate.Kind.CERTIFICATION, Certificate.Kind.RECERTIFICATION, Certificate.Kind.SET}


@dataclass(frozen=True)
class LinkedInLink:
    url: str
    name: str  # what the certificate is called on the profile


def linkedin_name(certificate: Certificate) -> str:
    """A certification is listed under the program's name (its certificate's title says "valid
    until …"); a set of live events under its title and the program."""
    if certificate.kind == Certificate.Kind.SET:
        return f"{certificate.title} — {certificate.program.title}"
    return certificate.program.title


def linkedin_add_url(*, certificate: Certificate, expires_on: date | None) -> str:
    params: dict[str, str | int] = {"startTask": "CERTIFICATION_NAME", "name": linkedin_name(certificate)}
    if settings.CREDO_LINKEDIN_ORGANIZATION_ID:
        params["organizationId"] = settings.CREDO_LINKEDIN_ORGANIZATION_ID
    else:
        params["organizationName"] = settings.CREDO_SITE_NAME
    params |= {"issueYear": certificate.earned_on.year, "issueMonth": certificate.earned_on.month}
    if expires_on is not None:
        params |= {"expirationYear": expires_on.year, "expirationMonth": expires_on.month}
    params |= {
        "certId": certificate.display_code,
        "certUrl": settings.SITE_URL + certificate.get_verify_url(),
    }
    return f"{ADD_TO_PROFILE}?{urlencode(params)}"


def linkedin_links(*, certificates: list[Certificate], expiry: dict[int, date]) -> dict[int, LinkedInLink]:
    """{certificate id: its "Add to profile" link} for the valid certificates of the kinds above."""
    return {
        c.pk: LinkedInLink(
            url=linkedin_add_url(certificate=c, expires_on=expiry.get(c.pk)), name=linkedin_name(c)
        )
        for c in certificates
        if c.kind in KINDS and c.status == Certificate.Status.LIVE
    }
