"""axe-core in a real browser (see conftest.py): the check catches a real violation, and the
public and profile pages that no journey passes through have none that is serious."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.tests.factories import UserFactory
from practicums.tests.factories import PracticumFactory, make_session

LA = ZoneInfo("America/Los_Angeles")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def test_the_accessibility_check_catches_a_real_violation(journey):
    """The axe check is not a formality: a page with an unlabeled input and no contrast fails it."""
    j = journey()
    j.page.set_content(
        '<html lang="en"><body><main><input type="text"><p style="color:#ccc;background:#fff">faint</p></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"label|color-contrast"):
        j.axe()


def test_public_and_profile_pages_are_accessible(journey):
    """axe-core on the pages the journeys do not pass through."""
    from programs.models import RecordedWebinar
    from programs.tests.factories import FAQFactory, InstructorFactory, ProgramFactory

    program = ProgramFactory(title="Certified Learning Practitioner", slug="clp")
    FAQFactory.create_batch(2, program=program)
    InstructorFactory(name="Morgan Ellis").programs.add(program)
    practicum = PracticumFactory(program=program, title="Practicum — Denver")
    make_session(practicum, "Day 1", datetime(2027, 3, 9, 16, tzinfo=LA), datetime(2027, 3, 9, 23, tzinfo=LA))
    # A second page of the schedule, so that its page links are checked too.
    PracticumFactory.create_batch(25, program=program)
    RecordedWebinar.objects.create(
        program=program,
        title="Designing assessments",
        recorded_on=date(2026, 9, 1),
        url="https://example.org/w",
    )
    UserFactory(email="reader@example.org")
    j = journey()
    for path, name in [("/", "home"), ("/programs/", "catalog"), (f"/programs/{program.slug}/", "program"), ("/practicums/", "schedule"),
                       (f"/practicums/{practicum.pk}/", "practicum"), ("/instructors/", "instructors"), ("/webinars/", "webinars"),
                       ("/contact/", "contact"), (f"/programs/{program.slug}/guide/", "guide"), ("/verify/", "verify-form"),
                       ("/accounts/password/reset/", "password-reset")]:  # fmt: skip
        j.visit(path, name)
    j.go("/accounts/login/")
    j.log_in("reader@example.org")
    j.visit("/me/profile/", "profile")
    j.visit("/me/calendar/", "calendar")
    assert len(j.checked) == 13
