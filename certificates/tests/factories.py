from datetime import date
from decimal import Decimal

from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.services import certificate_issue
from programs.tests.factories import ProgramFactory


def issue(
    user=None,
    program=None,
    *,
    key="module:1",
    title="Writing learning objectives",
    earned_on=date(2026, 11, 20),
    hours="3",
):
    return certificate_issue(
        user=user or UserFactory(),
        program=program or ProgramFactory(title="Certified Learning Practitioner"),
        kind=Certificate.Kind.MODULE,
        source_key=key,
        title=title,
        hours=Decimal(hours),
        earned_on=earned_on,
    )
