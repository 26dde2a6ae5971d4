from datetime import date
from decimal import Decimal

import factory

from programs.models import FAQEntry, Instructor, Program, Resource, SchoolYear, Season


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    slug = factory.Sequence(lambda n: f"program-{n}")
    title = factory.Sequence(lambda n: f"Program {n}")
    kind = Program.Kind.CERTIFICATION
    status = Program.Status.PUBLISHED
    summary = "A program."
    description = "It teaches **things**."
    price_text = "$1,450"
    home_time_zone = "America/Los_Angeles"
    ce_hours_required = Decimal("24")


class SeriesFactory(ProgramFactory):
    kind = Program.Kind.SERIES
    access_delay_business_days = 0


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQEntry

    program = factory.SubFactory(ProgramFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."
    order = factory.Sequence(int)


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    program = factory.SubFactory(SeriesFactory)
    name = "2027–28"
    starts_on = date(2027, 7, 1)
    ends_on = date(2028, 6, 30)


class SeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Season

    school_year = factory.SubFactory(SchoolYearFactory)
    name = factory.Sequence(lambda n: f"Season {n}")
    order = factory.Sequence(int)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    program = factory.SubFactory(ProgramFactory)
    kind = Resource.Kind.HANDOUT
    title = factory.Sequence(lambda n: f"Resource {n}")
    url = "https://example.org/resource"


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Sequence(lambda n: f"Instructor {n}")
    bio = "Teaches."
