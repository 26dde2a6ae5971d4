from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from modules.models import Assessment, Choice, JobAid, Lesson, Module, Question
from programs.models import Enrollment
from programs.tests.factories import ProgramFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    title = factory.Sequence(lambda n: f"Assessment {n}")
    pass_mark_percent = 80


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    appraised_hours = Decimal("3")
    assessment = factory.SubFactory(AssessmentFactory)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "Some **text**."
    order = factory.Sequence(int)


class JobAidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobAid

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Aid {n}")


def add_question(
    assessment: Assessment, kind: str, choices: list[tuple[str, bool]], text: str = "Q?"
) -> Question:
    question = Question.objects.create(
        assessment=assessment, kind=kind, text=text, feedback=f"Because {text}"
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=label, is_correct=correct, order=i)
        for i, (label, correct) in enumerate(choices)
    )
    return question


def enroll(user=None, program=None, *, opens: datetime | None = None) -> Enrollment:
    now = timezone.now()
    return Enrollment.objects.create(
        user=user or UserFactory(),
        program=program or ProgramFactory(),
        registered_at=now - timedelta(days=3),
        access_opens_at=opens or now - timedelta(days=1),
    )
