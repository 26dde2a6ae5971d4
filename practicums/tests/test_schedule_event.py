"""{% schedule_event %} writes exactly what the schedule's markup for one event wrote (kept here as
the reference): title, tags, dates, place, seats and sessions."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from accounts.tests.factories import UserFactory
from practicums.models import Practicum
from practicums.selectors import practicum_list_with_seats
from practicums.tests.factories import CEEventFactory, PracticumFactory, make_session, register

THE_MARKUP = """{% load credo %}
        <div class="schedule-head">
          <h2><a href="{{ practicum.get_absolute_url }}">{{ practicum.title }}</a></h2>
          <span class="tags"><span class="tag{% if practicum.is_ce_event %} tag-ce{% endif %}">{{ practicum.kind_label }}</span> <span class="tag">{{ practicum.program.title }}</span></span>
        </div>
        <p class="meta">{% daterange practicum.starts_on practicum.ends_on %} · {{ practicum.get_format_display }}{% if practicum.format == "in_person" %}, {{ practicum.place }}{% endif %} · {% if practicum.seats_left > 0 %}{{ practicum.seats_left }} seat{{ practicum.seats_left|pluralize }} left{% else %}full — waitlist open{% endif %}</p>
        {% if practicum.scheduled_sessions %}
          <ul class="plain sessions">{% for session in practicum.scheduled_sessions %}<li><strong>{{ session.title }}</strong> {% session_time session %}</li>{% endfor %}</ul>
        {% endif %}
      """  # noqa: E501


def annotated(practicum) -> Practicum:
    return practicum_list_with_seats().get(pk=practicum.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", [3, 2, 1])  # seats left: 2, 1, none
@pytest.mark.parametrize("viewer_zone", [None, "Europe/London"])
def test_an_in_person_event_is_written_as_the_markup_wrote_it(capacity, viewer_zone):
    practicum = PracticumFactory(
        title="Practicum <Denver> & more", capacity=capacity, city="Denver", state="CO",
        starts_on=date(2027, 6, 30), ends_on=date(2027, 7, 2), program__title="Cert & Co",
    )  # fmt: skip
    for day, title in ((30, "Day <1>"), (31, "Day 2")):
        start = datetime(2027, 6, 30, 15, tzinfo=UTC) + timedelta(days=day - 30)
        make_session(practicum, title, start, start + timedelta(hours=8))
    register(UserFactory(), practicum)
    context = {
        "practicum": annotated(practicum),
        "user": AnonymousUser() if viewer_zone is None else UserFactory(time_zone=viewer_zone),
    }

    written = Template("{% load credo %}{% schedule_event practicum %}").render(Context(context))

    assert written == Template(THE_MARKUP).render(Context(context))
    assert "Practicum &lt;Denver&gt; &amp; more" in written
    assert "June 30 – July 2, 2027 · In person, Denver, CO" in written
    assert {3: "2 seats left", 2: "1 seat left", 1: "full — waitlist open"}[capacity] in written
    assert written.count("<li>") == 2
    assert "Day &lt;1&gt;" in written


@pytest.mark.django_db
def test_a_virtual_ce_event_without_sessions_is_written_as_the_markup_wrote_it():
    event = CEEventFactory(starts_on=date(2027, 3, 9), ends_on=date(2027, 3, 9))
    context = {"practicum": annotated(event), "user": AnonymousUser()}

    written = Template("{% load credo %}{% schedule_event practicum %}").render(Context(context))

    assert written == Template(THE_MARKUP).render(Context(context))
    assert 'class="tag tag-ce">Webinar (CE)<' in written
    assert "March 9, 2027 · Virtual · 200 seats left" in written
    assert "sessions" not in written
