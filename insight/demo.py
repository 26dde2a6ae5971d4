"""A cohort for the demo (`manage.py seed_demo`): thirty learners of the certification at every
stage, registered over the last four months through the same services people use, so that the
program dashboard and the nudge lists have something to show from `make run`. Idempotent."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.services import user_create
from modules.models import Choice, Module
from modules.services import attempt_start, attempt_submit, lesson_mark_done
from practicums.selectors import practicum_list_offered
from practicums.services import registration_create
from programs.models import Program

COHORT = 30
FIRST = ("Ada", "Ben", "Cleo", "Dev", "Elif", "Finn", "Gia", "Hugo", "Ines", "Jon")
LAST = ("Moreno", "Okafor", "Lindqvist")
SCHOOLS = ("Riverside Elementary", "Northwind Training", "Hillcrest Middle School")


def email_of(number: int) -> str:
    return f"learner{number:02}@credo.example"


def seed_cohort(program: Program, today: date) -> int:
    """The learners, unless they exist: registered every four days back from yesterday, each in
    one of the upcoming practicums (or its waitlist). By their number: a fifth never open a
    module, the others pass a share of the modules (some failing an attempt first), the faster
    the earlier they registered. Returns how many it created."""
    if User.objects.filter(email=email_of(1)).exists():
        return 0
    practicums = list(practicum_list_offered(program=program, today=today)[:3])
    modules = list(
        Module.objects.filter(program=program, is_published=True, assessment__isnull=False)
        .prefetch_related("lessons")
        .order_by("order", "pk")
    )
    if not practicums or not modules:
        return 0
    now = timezone.now()
    for number in range(1, COHORT + 1):
        user = user_create(
            email=email_of(number),
            password=DEMO_PASSWORD,
            full_name=f"{FIRST[(number - 1) % 10]} {LAST[(number - 1) // 10]}",
            organization=SCHOOLS[number % 3],
            email_verified=True,
        )
        registered = now - timedelta(days=4 * number - 3)
        enrollment, _ = registration_create(
            user=user,
            program=program,
            practicum_ids=[practicums[number % len(practicums)].pk],
            join_waitlist=True,
            source="admin",
            now=registered,
        )
        if number % 5 == 0:
            continue  # never opened a module
        at = max(enrollment.access_opens_at, registered) + timedelta(hours=20)
        passes = min(len(modules), number * len(modules) // 20 + 1)  # from the 18th on: all
        for index, module in enumerate(modules[:passes]):
            lessons = list(module.lessons.all())
            for lesson in lessons:
                lesson_mark_done(user=user, lesson=lesson, now=at)
            if (number + index) % 4 == 0:  # one failed attempt before the pass
                _attempt(user, module, at, right=False)
            at = _attempt(user, module, at + timedelta(hours=2), right=True) + timedelta(days=2)
            if at >= now:
                break
    return COHORT


def _attempt(user: User, module: Module, at: datetime, *, right: bool) -> datetime:
    """An attempt answered every question right (or every one wrong), submitted 20 minutes on."""
    attempt = attempt_start(user=user, assessment=module.assessment, now=at)
    choices = Choice.objects.filter(question_id__in=attempt.question_ids, is_correct=right)
    answers: dict[str, list[str]] = {}
    for choice in choices.order_by("pk"):
        answers.setdefault(str(choice.question_id), [])
        if right or not answers[str(choice.question_id)]:
            answers[str(choice.question_id)].append(str(choice.pk))
    submitted = at + timedelta(minutes=20)
    attempt_submit(attempt=attempt, answers=answers, now=submitted)
    return submitted
