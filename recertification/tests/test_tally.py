"""A credential's kept CE hours (recertification.tally) match what ce_hours_counting computes,
whatever changed the activities: logging, review, the admin, deletion, a renewal."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from accounts.tests.factories import StaffFactory
from recertification.models import Credential
from recertification.services import ce_activity_review, ce_hours_counting, credential_recertify
from recertification.tally import ce_hours_fill

from .test_recertification import holder, log


def kept(credential) -> Decimal:
    credential.refresh_from_db()
    assert credential.ce_hours == ce_hours_counting(credential=credential)
    return credential.ce_hours


@pytest.mark.django_db
def test_kept_hours_follow_every_change_to_the_activities():
    user, program, credential = holder()
    staff = StaffFactory()
    first = log(user, program, date(2026, 5, 1), "12")
    assert kept(credential) == 0  # waiting for review
    ce_activity_review(activity=first, by=staff, approve=True)
    assert kept(credential) == 12
    second = log(user, program, date(2027, 4, 1), "12.5")
    ce_activity_review(activity=second, by=staff, approve=True)
    assert kept(credential) == Decimal("24.5")
    outside = log(user, program, date(2025, 12, 1), "4")  # before the period: never counts
    ce_activity_review(activity=outside, by=staff, approve=True)
    assert kept(credential) == Decimal("24.5")
    second.hours = Decimal(2)  # corrected in the admin
    second.save()
    assert kept(credential) == 14
    ce_activity_review(activity=second, by=staff, approve=False, reason="Not relevant")
    assert kept(credential) == 12
    second.delete()
    assert kept(credential) == 12

    ce_activity_review(activity=log(user, program, date(2027, 6, 1), "12"), by=staff, approve=True)
    renewal = credential_recertify(credential=credential, today=date(2027, 6, 15))
    assert kept(credential) == 0  # used for the renewal
    assert kept(renewal) == 0
    ce_activity_review(activity=log(user, program, date(2028, 2, 1), "3"), by=staff, approve=True)
    assert kept(renewal) == 3

    Credential.objects.update(ce_hours=0)
    ce_hours_fill(apps)  # the migration's fill: the same figures from history
    assert (kept(credential), kept(renewal)) == (0, 3)
