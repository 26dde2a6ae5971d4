"""{% session_time %} writes exactly what the include it replaced wrote (kept here as the
reference), in the event's zone and, when it differs, the viewer's."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from accounts.tests.factories import UserFactory
from practicums.tests.factories import PracticumFactory, make_session

THE_INCLUDE = (
    "{% load tz %}{% with zone=session.practicum.time_zone %}<span class=\"session-time\">"
    "<time datetime=\"{{ session.starts_at|utc|date:'c' }}\">"
    "{{ session.starts_at|timezone:zone|date:\"D, M j · H:i\" }}–"
    "{{ session.ends_at|timezone:zone|date:\"H:i\" }}"
    "</time> <span class=\"meta\">{{ zone }}</span>"
    "{% if user.is_authenticated and user.time_zone != zone %} <span class=\"meta your-time\">(your time: "
    "{{ session.starts_at|timezone:user.time_zone|date:\"D, M j · H:i\" }}–"
    "{{ session.ends_at|timezone:user.time_zone|date:\"H:i\" }})</span>{% endif %}</span>{% endwith %}"
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("viewer_zone", [None, "America/New_York", "Europe/London"])
def test_session_time_writes_what_the_include_wrote(viewer_zone):
    practicum = PracticumFactory(time_zone="America/New_York")
    # Across midnight in London, and a DST change in New York (8 March 2026).
    session = make_session(practicum, "Day <1>", datetime(2026, 3, 8, 23, 30, tzinfo=UTC),
                           datetime(2026, 3, 9, 1, 5, tzinfo=UTC))  # fmt: skip
    user = AnonymousUser() if viewer_zone is None else UserFactory(time_zone=viewer_zone)
    context = {"session": session, "user": user}

    written = Template("{% load credo %}{% session_time session %}").render(Context(context))

    assert written == Template(THE_INCLUDE).render(Context(context))
    assert "Sun, Mar 8 · 19:30–21:05" in written  # New York, on summer time since that morning
    assert ("your time" in written) is (viewer_zone == "Europe/London")
