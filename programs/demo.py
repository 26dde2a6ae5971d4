"""Demo programs for `manage.py seed_demo`: the two programs of PRODUCT.md, with neutral names.
Idempotent: a program that exists is left exactly as it is."""

from datetime import date

from django.core.files.base import ContentFile

from .models import FAQEntry, Instructor, Program, RecordedWebinar, Resource, SchoolYear, Season

CERT_SLUG = "certified-learning-practitioner"
SERIES_SLUG = "foundations-for-implementation"

CERT_FAQ = [
    (
        "Are there prerequisites?",
        "No. Anyone may register. Ideally you have two years in a training-related role, but it is not required.",
    ),
    (
        "How long do the modules take?",
        "Ten modules of 2–4 hours each: 20–40 hours in all. Allow four weeks before your practicum.",
    ),
    (
        "When do the modules open?",
        "Within two business days of registration (weekends and US federal holidays do not count).",
    ),
    (
        "What happens at the practicum?",
        "Three to four days of live, instructor-led practice, in person or online. Each day ends with an attendance code; you must be present for every scheduled hour.",
    ),
    (
        "When do I take the exam?",
        "The link to the online certification exam arrives on the last day of your practicum, by email and on your dashboard.",
    ),
    (
        "How do I keep my certification?",
        "It is valid for two years. Log 24 hours of continuing education in that time: conferences, webinars, roundtables and other relevant training count.",
    ),
]
SERIES_FAQ = [
    (
        "Can I mix virtual and in-person?",
        "Yes: you choose the virtual or the in-person track separately for each season.",
    ),
    (
        "How do certificates work?",
        "Each completed set of live events earns a Certificate of Completion with its appraised hours, and so does each on-demand module. Certificates are emailed around 8 pm Pacific on the day you complete them.",
    ),
    (
        "Can I share my record with my principal?",
        "Yes. My PL Record can be printed or sent as a link that opens without an account.",
    ),
]
INSTRUCTORS = [
    (
        "Morgan Ellis",
        "Lead facilitator",
        "Morgan has designed workplace learning programs for fifteen years and leads most in-person practicums.",
    ),
    ("Priya Raman", "Senior facilitator", "Priya specialises in virtual facilitation and assessment design."),
    ("Daniel Okafor", "Facilitator", "Daniel coaches new trainers and runs the practicum's feedback labs."),
    (
        "Lucía Fernández",
        "Instructional coach",
        "Lucía leads the teacher series' summer days and follow-up sessions.",
    ),
]


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return HTML(
        string=f"<html><body style='font-family: DejaVu Sans; font-size: 11pt'><h1>{title}</h1>{body}</body></html>"
    ).write_pdf()


def _faq(program: Program, entries: list[tuple[str, str]]) -> None:
    FAQEntry.objects.bulk_create(
        FAQEntry(program=program, question=q, answer=a, order=i) for i, (q, a) in enumerate(entries)
    )


def seed_certification() -> tuple[Program, bool]:
    program, created = Program.objects.get_or_create(
        slug=CERT_SLUG,
        defaults={
            "title": "Certified Learning Practitioner",
            "kind": Program.Kind.CERTIFICATION,
            "status": Program.Status.PUBLISHED,
            "order": 1,
            "summary": "A professional certification for people who design and deliver workplace learning.",
            "description": (
                "The **Certified Learning Practitioner** program takes you from self-paced study to live practice "
                "and a certification exam. You work through ten online modules with on-the-job aids, attend a "
                "three- or four-day practicum, and sit the exam on its last day."
            ),
            "audience": (
                "Trainers, instructional designers and team leads who teach others at work. Ideally you have two "
                "years in a training-related role, but it is not required."
            ),
            "requirements": (
                "- Pass all ten end-of-module assessments\n- Attend every hour of your practicum\n"
                "- Pass the online certification exam\n- Keep it current with 24 hours of continuing education every two years"
            ),
            "price_text": "$1,450 per candidate (modules, practicum and exam)",
        },
    )
    if created:
        _faq(program, CERT_FAQ)
        guide = Resource(program=program, kind=Resource.Kind.GUIDE, title="Candidate's guide", order=0)
        guide.file.save(
            "candidates-guide.pdf",
            ContentFile(
                _pdf(
                    "Candidate's guide",
                    [
                        "Welcome to the Certified Learning Practitioner program.",
                        "1. Register and choose a practicum. 2. Complete the ten modules. "
                        "3. Attend the practicum. 4. Take the exam. 5. Keep your certification current.",
                    ],
                )
            ),
            save=True,
        )
        kit = Resource(
            program=program,
            kind=Resource.Kind.EMPLOYER_KIT,
            title="Approaching your employer",
            description="How to make the case for funding, with the benefits to your team.",
            order=1,
        )
        kit.file.save(
            "approaching-your-employer.pdf",
            ContentFile(
                _pdf(
                    "Approaching your employer",
                    [
                        "Explain what you will learn, how it applies to your team, and what it costs.",
                        "Download the pre-filled funding-request letter from the program page.",
                    ],
                )
            ),
            save=True,
        )
        RecordedWebinar.objects.bulk_create(
            [
                RecordedWebinar(
                    program=program,
                    title="Designing assessments that measure transfer",
                    recorded_on=date(2026, 9, 17),
                    url="https://video.credo.example/webinars/assessments-transfer",
                ),
                RecordedWebinar(
                    program=program,
                    title="Roundtable: running a virtual practicum",
                    recorded_on=date(2026, 10, 22),
                    url="https://video.credo.example/webinars/virtual-practicum",
                ),
            ]
        )
    return program, created


def school_year_bounds(today: date) -> tuple[int, int]:
    """The school year (July to June) in progress today: on 1 December 2026 that is 2026–27, so a
    newcomer sees this season's live events rather than next year's."""
    start = today.year if today.month >= 7 else today.year - 1
    return start, start + 1


def seed_series(today: date) -> tuple[Program, bool]:
    program, created = Program.objects.get_or_create(
        slug=SERIES_SLUG,
        defaults={
            "title": "Foundations for Implementation",
            "kind": Program.Kind.SERIES,
            "status": Program.Status.PUBLISHED,
            "order": 2,
            "access_delay_business_days": 0,
            "summary": "A school-year professional-learning series for teachers: live events and on-demand modules, season by season.",
            "description": (
                "**Foundations for Implementation** runs over a school year in seasons. Each season has live "
                "events — virtual sessions or in-person days, your choice — and on-demand modules. Every set of "
                "live events and every on-demand module earns a Certificate of Completion with its appraised hours."
            ),
            "audience": "Classroom teachers, coaches and school leaders implementing the program in their schools.",
            "price_text": "Funded by your district",
        },
    )
    if created:
        _faq(program, SERIES_FAQ)
        start, end = school_year_bounds(today)
        year = SchoolYear.objects.create(
            program=program,
            name=f"{start}–{str(end)[-2:]}",
            starts_on=date(start, 7, 1),
            ends_on=date(end, 6, 30),
        )
        Season.objects.bulk_create(
            Season(school_year=year, name=name, order=i)
            for i, name in enumerate(["Summer", "Fall", "Spring"])
        )
    return program, created


def seed_instructors(programs: list[Program]) -> list[Instructor]:
    instructors = []
    for i, (name, title, bio) in enumerate(INSTRUCTORS):
        instructor, created = Instructor.objects.get_or_create(
            name=name, defaults={"title": title, "bio": bio, "order": i}
        )
        if created:
            instructor.programs.set(programs if i < 3 else programs[-1:])
        instructors.append(instructor)
    return instructors
