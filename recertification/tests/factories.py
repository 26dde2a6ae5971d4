from modules.tests.factories import AssessmentFactory, add_question
from programs.tests.factories import ProgramFactory
from recertification.models import Exam


def certification(**kwargs):
    """The certification program with its exam: three single-choice questions, 70% to pass."""
    program = ProgramFactory(
        slug="certified-learning-practitioner", title="Certified Learning Practitioner", **kwargs
    )
    assessment = AssessmentFactory(title="Exam", pass_mark_percent=70, time_limit_minutes=60, max_attempts=3)
    for i in range(3):
        add_question(assessment, "single", [("right", True), ("wrong", False)], f"Exam question {i}?")
    Exam.objects.create(program=program, assessment=assessment)
    return program
