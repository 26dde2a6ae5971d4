from datetime import date, timedelta
from decimal import Decimal

import factory

from practicums.models import Practicum, TrackGroup
from programs.tests.factories import ProgramFactory


class PracticumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practicum

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Practicum {n}")
    format = Practicum.Format.IN_PERSON
    city = "Denver"
    venue_name = "Center"
    starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda p: p.starts_on + timedelta(days=3))
    time_zone = "America/Denver"
    capacity = 20
    appraised_hours = Decimal("28")


class TrackGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackGroup

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
