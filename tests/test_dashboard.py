from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from modules.models import ModuleCompletion
from modules.tests.factories import ModuleFactory
from practicums.models import Registration
from practicums.tests.factories import PracticumFactory
from programs.models import Enrollment
from programs.tests.factories import ProgramFactory


def enrolled_with_practicum(*, access_days_ago: int, practicum_in_days: int, passed: int):
    program = ProgramFactory()
    modules = ModuleFactory.create_batch(10, program=program)
    user = UserFactory()
    now = timezone.now()
    enrollment = Enrollment.objects.create(
        user=user, program=program, registered_at=now - timedelta(days=access_days_ago + 2),
        access_opens_at=now - timedelta(days=access_days_ago),
    )  # fmt: skip
    practicum = PracticumFactory(
        program=program, starts_on=timezone.localdate() + timedelta(days=practicum_in_days)
    )
    Registration.objects.create(user=user, practicum=practicum, enrollment=enrollment, status="confirmed")
    for module in modules[:passed]:
        ModuleCompletion.objects.create(user=user, module=module, completed_at=now, completed_on=now.date())
    return user


@pytest.mark.django_db
def test_dashboard_shows_modules_progress_and_pace_warning(client):
    client.force_login(enrolled_with_practicum(access_days_ago=20, practicum_in_days=10, passed=2))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Modules complete: 2 of 10" in html
    assert "You are behind the recommended pace: 2 of 10 modules passed" in html


@pytest.mark.django_db
def test_dashboard_no_pace_warning_when_on_track(client):
    client.force_login(enrolled_with_practicum(access_days_ago=20, practicum_in_days=10, passed=7))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Modules complete: 7 of 10" in html
    assert "behind the recommended pace" not in html
