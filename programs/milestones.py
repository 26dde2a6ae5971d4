"""Enrollment milestones (decision 0023): when a person first did something in a module, passed
every module their enrollment opens, completed their practicum, passed the exam and was
certified. The program dashboard's funnel reads them from the enrollment itself: one query over a
cohort, instead of reading years of lessons, attempts and attendance for thousands of people.

Each milestone is set when it is reached (the services of `modules`, `practicums` and
`recertification` call these), the first time only, and never unset: the funnel follows people
to wherever they have got. `insight.fill` sets them from history, for data that predates them
(its migration, and the scale benchmark's generated years)."""

from datetime import datetime

from .models import Enrollment

SET_ONCE = ("opened_at", "practicum_attended_at", "exam_passed_at", "certified_at")


def enrollment_milestone(*, user_id: int, program_id: int, milestone: str, at: datetime) -> None:
    """The person reached `milestone` at `at` in the program: noted on their enrollments there
    that have not reached it yet (one UPDATE, nothing when already noted)."""
    if milestone not in SET_ONCE:
        raise ValueError(f"Not a milestone: {milestone}")
    Enrollment.objects.filter(
        user_id=user_id, program_id=program_id, **{f"{milestone}__isnull": True}
    ).update(**{milestone: at})


def enrollment_modules_passed(*, enrollment_id: int, passed: int, total: int, at: datetime) -> None:
    """The enrollment's modules passed so far (of `total`); the first time all are, when."""
    Enrollment.objects.filter(pk=enrollment_id).update(modules_passed=passed)
    if total and passed >= total:
        Enrollment.objects.filter(pk=enrollment_id, modules_passed_at__isnull=True).update(
            modules_passed_at=at
        )
