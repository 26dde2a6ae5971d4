from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.markup import render_markdown
from practicums.services import enrollment_import_csv
from practicums.tests.factories import PracticumFactory
from programs.letters import funding_letter_text
from programs.models import Enrollment, GuideRequest
from programs.selectors import pace_status
from programs.services import (
    GuideRequestData,
    contact_message_create,
    enrollment_create,
    enrollment_send_access_open_emails,
    guide_request_create,
)

from .factories import ProgramFactory

UTC = ZoneInfo("UTC")


@pytest.mark.django_db
def test_access_open_email_sent_once_and_only_once(django_capture_on_commit_callbacks):
    program = ProgramFactory(access_delay_business_days=2)
    user = UserFactory()
    enrollment = enrollment_create(user=user, program=program, now=datetime(2026, 11, 20, 18, tzinfo=UTC))
    before = enrollment.access_opens_at - timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert enrollment_send_access_open_emails(now=before) == 0
        assert enrollment_send_access_open_emails(now=enrollment.access_opens_at) == 1
        assert enrollment_send_access_open_emails(now=enrollment.access_opens_at + timedelta(hours=1)) == 0
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "modules are open" in mail.outbox[0].subject
    enrollment.refresh_from_db()
    assert enrollment.access_email_sent_at == enrollment.access_opens_at


@pytest.mark.django_db
def test_guide_request_mails_only_staff_with_a_fixed_subject(settings, django_capture_on_commit_callbacks):
    settings.CREDO_SUPPORT_EMAIL = "staff@credo.example"
    program = ProgramFactory(title="Certified Practitioner")
    data = GuideRequestData(
        name="Ana Bcc", email="victim@example.org", organization="Acme", question="Is there a discount?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        guide_request_create(program=program, data=data)
    assert GuideRequest.objects.get().question == "Is there a discount?"
    [to_staff] = mail.outbox  # nothing to the typed address
    assert to_staff.to == ["staff@credo.example"]
    assert to_staff.subject == "[Credo] Question about Certified Practitioner"
    assert to_staff.reply_to == ["victim@example.org"]
    assert "Ana Bcc <victim@example.org> (Acme) asked a question" in to_staff.body
    assert "Is there a discount?" in to_staff.body


@pytest.mark.django_db
def test_guide_request_without_question_mails_nobody(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guide_request_create(
            program=ProgramFactory(),
            data=GuideRequestData(name="A", email="a@example.org", organization="", question=" "),
        )
    assert mail.outbox == []
    assert GuideRequest.objects.get().email == "a@example.org"


@pytest.mark.django_db
def test_contact_message_reaches_staff(settings, django_capture_on_commit_callbacks):
    settings.CREDO_SUPPORT_EMAIL = "staff@credo.example"
    with django_capture_on_commit_callbacks(execute=True):
        contact_message_create(
            name="Bo", email="bo@example.org", subject="Invoice", message="Please send one."
        )
    [message] = mail.outbox
    assert (message.to, message.reply_to) == (["staff@credo.example"], ["bo@example.org"])
    assert "Please send one." in message.body


@pytest.mark.django_db
def test_funding_letter_is_prefilled():
    program = ProgramFactory(title="Certified Learning Practitioner", price_text="$1,450 per candidate")
    text = funding_letter_text(
        program=program,
        name="Zoë Łukasz Nguyễn",
        organization="Northwind",
        job_title="Trainer",
        practicum="Practicum — Denver",
        practicum_dates="January 12–15, 2027",
        today=date(2026, 11, 22),
    )
    assert (
        "I am writing to request funding for the Certified Learning Practitioner. "
        "The fee is $1,450 per candidate. " in text
    )
    assert "I have chosen the practicum Practicum — Denver, January 12–15, 2027.\n" in text
    assert "As Trainer at Northwind" in text
    assert text.rstrip().endswith("Zoë Łukasz Nguyễn")


@pytest.mark.django_db
def test_funding_letter_has_no_nested_parentheses():
    """A price or a title with its own parentheses is never put inside another pair."""
    program = ProgramFactory(title="Certified Learning Practitioner", price_text="$1,450 (modules and exam)")
    text = funding_letter_text(
        program=program,
        name="A",
        organization="",
        job_title="",
        practicum="Practicum (virtual)",
        practicum_dates="January 12–15, 2027",
        today=date(2026, 11, 22),
    )
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    assert deepest == 1
    assert "The fee is $1,450 (modules and exam)." in text


@pytest.mark.django_db
def test_funding_letter_without_a_practicum_says_so_plainly():
    program = ProgramFactory(title="Certified Learning Practitioner", price_text="")
    text = funding_letter_text(
        program=program,
        name="A",
        organization="",
        job_title="",
        practicum="",
        practicum_dates="",
        today=date(2026, 11, 22),
    )
    assert "The fee is as listed on the program page." in text
    assert "I will choose the practicum dates once the funding is agreed." in text


@pytest.mark.django_db
def test_funding_letter_survives_bad_placeholders():
    program = ProgramFactory(funding_letter="Dear {boss}, {name} asks {0} for {")
    text = funding_letter_text(
        program=program,
        name="A",
        organization="",
        job_title="",
        practicum="",
        practicum_dates="",
        today=date(2026, 1, 1),
    )
    assert text == "Dear {boss}, {name} asks {0} for {"  # left as written rather than a 500


@pytest.mark.django_db
def test_csv_import_reports_bad_rows_by_line_and_keeps_the_rest(django_capture_on_commit_callbacks):
    program = ProgramFactory()
    practicum = PracticumFactory(program=program, capacity=10)
    existing = UserFactory(email="known@example.org")
    csv_text = (
        "name,email\n"
        "Known Person,known@example.org\n"
        "New Person,NEW@example.org\n"
        "Bad Row,not-an-email\n"
        "\n"
        "Only one column\n"
        "Known Person,known@example.org\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = enrollment_import_csv(program=program, csv_text=csv_text, practicum=practicum)
    assert result.enrolled == ["known@example.org"]
    assert result.invited == ["new@example.org"]
    assert result.errors == [
        (4, "“not-an-email” is not a valid email address"),
        (6, "expected two columns: name,email"),
        (7, f"known@example.org is already enrolled in {program.title}"),
    ]
    new = User.objects.get(email="new@example.org")
    assert new.full_name == "New Person"
    assert not new.has_usable_password()
    assert set(Enrollment.objects.values_list("user__email", flat=True)) == {existing.email, new.email}
    assert practicum.registrations.count() == 2
    invitation = next(m for m in mail.outbox if "set your password" in m.subject)
    assert invitation.to == ["new@example.org"]
    assert "/accounts/password/reset/key/" in invitation.body


def test_pace_warning_when_behind_share_of_time():
    opens = datetime(2027, 1, 1, tzinfo=UTC)
    starts = datetime(2027, 1, 31, tzinfo=UTC)
    halfway = datetime(2027, 1, 16, tzinfo=UTC)
    assert pace_status(
        access_opens_at=opens, practicum_starts_at=starts, modules_total=10, modules_passed=4, now=halfway
    ).behind
    assert not pace_status(
        access_opens_at=opens, practicum_starts_at=starts, modules_total=10, modules_passed=5, now=halfway
    ).behind
    assert (
        pace_status(
            access_opens_at=opens,
            practicum_starts_at=starts,
            modules_total=10,
            modules_passed=0,
            now=opens - timedelta(days=1),
        )
        is None
    )


def test_markdown_is_sanitised():
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_pace_counts_whole_modules():
    opens = datetime(2027, 1, 1, tzinfo=UTC)
    starts = datetime(2027, 1, 31, tzinfo=UTC)
    first_morning = opens + timedelta(hours=8)
    pace = pace_status(
        access_opens_at=opens,
        practicum_starts_at=starts,
        modules_total=10,
        modules_passed=0,
        now=first_morning,
    )
    assert not pace.behind
