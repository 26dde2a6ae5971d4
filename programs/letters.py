"""The funding-request letter a candidate gives their employer, pre-filled and rendered to PDF."""

from datetime import date

from django.template.loader import render_to_string

from .models import Program

DEFAULT_LETTER = (
    "Dear [name of your manager],\n\n"
    "I am writing to request funding for the {program}. The fee is {price}. The program combines "
    "ten self-paced online modules with a live practicum and a certification exam. {practicum_plan}\n\n"
    "As {job_title} at {organization}, I will apply what I learn directly: every module comes with "
    "on-the-job aids that turn the ideas into practice in our own work.\n\n"
    "Thank you for considering this request.\n\n"
    "Sincerely,\n"
    "{name}\n"
)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def funding_letter_text(
    *,
    program: Program,
    name: str,
    organization: str,
    job_title: str,
    practicum: str,
    practicum_dates: str,
    today: date,
) -> str:
    """Fill the program's letter (or the default one). Unknown placeholders stay as written,
    and braces in a staff-written template never raise. Values are sentences' parts, never put
    in parentheses: a price or a title often carries its own ("$1,450 (modules and exam)")."""
    values = _Blank(
        name=name,
        organization=organization or "my organization",
        job_title=job_title or "a member of staff",
        program=program.title,
        price=program.price_text or "as listed on the program page",
        practicum=practicum or "a practicum I will choose",
        practicum_dates=practicum_dates or "dates to be confirmed",
        practicum_plan=(
            f"I have chosen the practicum {practicum}, {practicum_dates}."
            if practicum and practicum_dates
            else "I will choose the practicum dates once the funding is agreed."
        ),
        date=f"{today:%B} {today.day}, {today.year}",
    )
    template = program.funding_letter or DEFAULT_LETTER
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return template


def funding_letter_pdf(*, text: str, program: Program, today: date) -> bytes:
    from weasyprint import HTML

    html = render_to_string("programs/letter_pdf.html", {"text": text, "program": program, "today": today})
    return HTML(string=html).write_pdf()
