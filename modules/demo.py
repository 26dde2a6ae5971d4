"""Demo modules for `manage.py seed_demo`: the certification's ten modules and the series'
on-demand modules (PRODUCT.md), each with lessons, a job aid and an assessment. A program that
already has modules is left as it is."""

from decimal import Decimal

from django.core.files.base import ContentFile

from programs.models import Program, Season

from .models import Assessment, Choice, JobAid, Lesson, Module, Question

CERT_MODULES = [
    ("How adults learn", "2", "3"),
    ("Analysing performance needs", "2", "4"),
    ("Writing learning objectives", "2", "3"),
    ("Designing practice and feedback", "3", "4"),
    ("Facilitating live sessions", "2", "4"),
    ("Facilitating online", "2", "3"),
    ("Assessing learning", "3", "4"),
    ("Job aids and performance support", "2", "3"),
    ("Transfer to the workplace", "2", "4"),
    ("Evaluating programs", "2", "4"),
]


def _questions(topic: str) -> list[tuple[str, str, list[tuple[str, bool]], str]]:
    return [
        (
            "single",
            f"Which is the best first step when applying “{topic}” at work?",
            [
                ("Define what people must be able to do", True),
                ("Choose a slide template", False),
                ("Book a room", False),
            ],
            "Start from the performance you want: everything else follows from it.",
        ),
        (
            "true_false",
            f"“{topic}” only matters for classroom training.",
            [("True", False), ("False", True)],
            "The ideas apply equally to online, on-the-job and blended learning.",
        ),
        (
            "multiple",
            "Which of these give learners useful feedback?",
            [
                ("Specific comments on their work", True),
                ("A chance to try again", True),
                ("A score with no comment", False),
            ],
            "Feedback helps when it is specific and followed by another try.",
        ),
        (
            "single",
            "How much should a learner practise a new skill before using it on the job?",
            [
                ("Enough to perform it without the materials", True),
                ("None: practice happens at work", False),
                ("Exactly once", False),
            ],
            "Practice to the point of independent performance makes transfer far more likely.",
        ),
        (
            "multiple",
            "Which signs show that learning transferred to the workplace?",
            [
                ("People use the skill unprompted", True),
                ("Fewer errors in the task", True),
                ("High satisfaction scores", False),
            ],
            "Satisfaction is welcome, but behaviour and results show transfer.",
        ),
    ]


def _worksheet(title: str) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=(
            "<html><body style='font-family: DejaVu Sans; font-size: 11pt'>"
            f"<h1>{title}</h1><p>1. Describe a task in your work where this applies.</p>"
            "<p>2. Plan how you will apply the module's ideas this week.</p><p>3. What happened? What will you change?</p>"
            "</body></html>"
        )
    ).write_pdf()


def _module(
    program: Program, order: int, title: str, low: str, high: str, *, season=None, on_demand=False
) -> Module:
    assessment = Assessment.objects.create(
        title=f"{title}: assessment", pass_mark_percent=80, max_attempts=3, wait_minutes=0
    )
    module = Module.objects.create(
        program=program,
        school_year=season.school_year if season else program.school_years.first(),
        season=season,
        order=order,
        title=title,
        summary=f"What “{title.lower()}” means in practice, with a worksheet to apply it at work.",
        planned_hours_min=Decimal(low),
        planned_hours_max=Decimal(high),
        appraised_hours=Decimal(high),
        is_on_demand=on_demand,
        assessment=assessment,
    )
    Lesson.objects.bulk_create(
        Lesson(
            module=module,
            order=i,
            title=lesson_title,
            minutes=minutes,
            body=(
                f"This lesson introduces the key ideas of **{title.lower()}** and shows them "
                "at work in a short case.\n\n- Read the case\n- Note what you would do differently\n"
                "- Try it with your own team this week\n"
            ),
        )
        for i, (lesson_title, minutes) in enumerate(
            [("The big idea", 30), ("A worked example", 45), ("Putting it to work", 40)]
        )
    )
    aid = JobAid(
        module=module, title=f"{title}: worksheet", description="Apply the module to a task of your own."
    )
    aid.worksheet.save(f"worksheet-{order + 1:02d}.pdf", ContentFile(_worksheet(aid.title)), save=True)
    for q_order, (kind, text, choices, feedback) in enumerate(_questions(title)):
        question = Question.objects.create(
            assessment=assessment, kind=kind, text=text, feedback=feedback, order=q_order
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=c_text, is_correct=correct, order=c_order)
            for c_order, (c_text, correct) in enumerate(choices)
        )
    return module


def seed_certification_modules(program: Program) -> list[Module]:
    if program.modules.exists():
        return []
    return [_module(program, i, title, low, high) for i, (title, low, high) in enumerate(CERT_MODULES)]


SERIES_MODULES = {
    "Summer": ["Introduction", "Instructional Module 1", "Instructional Module 2", "Instructional Module 3",
               "Course Content Module 1", "Course Content Module 2"],
    "Fall": ["Instructional Module 4", "Course Content Module 3"],
    "Spring": ["Instructional Module 5", "Course Content Module 4"],
    None: ["Course Content Module 5"],
}  # fmt: skip


def seed_series_modules(program: Program) -> list[Module]:
    if program.modules.exists():
        return []
    seasons = {s.name: s for s in Season.objects.filter(school_year__program=program)}
    modules, order = [], 0
    for season_name, titles in SERIES_MODULES.items():
        for title in titles:
            modules.append(
                _module(
                    program,
                    order,
                    title,
                    "1",
                    "2",
                    season=seasons.get(season_name) if season_name else None,
                    on_demand=True,
                )
            )
            order += 1
    return modules
