from datetime import date, timedelta
from decimal import Decimal

import factory

from practicums.models import Practicum, TrackGroup
from programs.tests.factories import ProgramFactory


class PracticumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practicum

    program = factory.SubFactory(ProgramFactory)
    kind = factory.LazyAttribute(
        lambda p: Practicum.Kind.LIVE_SET if p.program.kind == "series" else Practicum.Kind.PRACTICUM
    )
    title = factory.Sequence(lambda n: f"Practicum {n}")
    format = Practicum.Format.IN_PERSON
    city = "Denver"
    venue_name = "Center"
    starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda p: p.starts_on + timedelta(days=3))
    time_zone = "America/Denver"
    capacity = 20
    appraised_hours = Decimal("28")


class CEEventFactory(PracticumFactory):
    """A certification program's own webinar (decision 0010: kind ce_event, with its ce_kind)."""

    kind = Practicum.Kind.CE_EVENT
    ce_kind = "webinar"
    title = factory.Sequence(lambda n: f"Webinar: topic {n}")
    format = Practicum.Format.VIRTUAL
    city = ""
    venue_name = ""
    starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=20))
    ends_on = factory.LazyAttribute(lambda p: p.starts_on)
    capacity = 200
    appraised_hours = Decimal("1.5")


class TrackGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackGroup

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


def make_session(practicum, title: str, start, end):
    from practicums.models import Session

    return Session.objects.create(practicum=practicum, title=title, starts_at=start, ends_at=end)


def register(user, practicum):
    from practicums.models import Registration
    from programs.models import Enrollment

    enrollment = Enrollment.objects.filter(
        user=user, program=practicum.program
    ).first() or Enrollment.objects.create(
        user=user,
        program=practicum.program,
        registered_at=practicum.created_at,
        access_opens_at=practicum.created_at,
    )
    return Registration.objects.create(
        user=user, practicum=practicum, enrollment=enrollment, status="confirmed"
    )
