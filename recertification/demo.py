"""Demo exam and CE events for `manage.py seed_demo` (created once)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from modules.models import Assessment, Choice, Question
from practicums.models import Practicum, Session
from programs.models import Program

from .models import Exam

TOPICS = [
    "needs analysis", "learning objectives", "practice and feedback", "live facilitation", "online facilitation",
    "assessment design", "job aids", "transfer to work", "evaluation", "adult learning",
]  # fmt: skip


def seed_exam(program: Program) -> Exam | None:
    if hasattr(program, "exam"):
        return None
    assessment = Assessment.objects.create(
        title=f"{program.title} certification exam", pass_mark_percent=75, max_attempts=3, wait_minutes=24 * 60,
        time_limit_minutes=45, questions_per_attempt=10,
    )  # fmt: skip
    for i, topic in enumerate(TOPICS * 2):
        question = Question.objects.create(
            assessment=assessment, kind="single", order=i,
            text=f"In {topic}, which comes first{' in practice' if i >= len(TOPICS) else ''}?",
            feedback=f"Start {topic} from the performance people need at work.",
        )  # fmt: skip
        Choice.objects.bulk_create(
            [
                Choice(
                    question=question, text="The performance people need at work", is_correct=True, order=0
                ),
                Choice(question=question, text="The materials you already have", order=1),
                Choice(question=question, text="The time available in the room", order=2),
            ]
        )
    return Exam.objects.create(program=program, assessment=assessment, invitation_days=30)


def seed_ce_events(program: Program, today: date) -> list[Practicum]:
    if program.practicums.filter(kind=Practicum.Kind.CE_EVENT).exists():
        return []
    events = []
    for weeks, title, kind in ((3, "Webinar: feedback that changes behaviour", "webinar"),
                               (7, "Roundtable: measuring transfer", "roundtable")):  # fmt: skip
        day = today + timedelta(weeks=weeks)
        event = Practicum.objects.create(
            program=program, title=title, format=Practicum.Format.VIRTUAL, join_url="https://meet.credo.example/ce",
            starts_on=day, ends_on=day, time_zone="America/New_York", capacity=200, appraised_hours=Decimal("1.5"),
            kind=Practicum.Kind.CE_EVENT, ce_kind=kind,
        )  # fmt: skip
        start = datetime.combine(day, time(12, 0), tzinfo=event.zone)
        Session.objects.create(
            practicum=event, title=title.split(":")[0], starts_at=start, ends_at=start + timedelta(minutes=90)
        )
        events.append(event)
    return events
