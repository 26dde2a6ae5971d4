"""Every kind of email the portal sends, read as a mail program reads it: plain-text parts show
"&" and "<" as typed (no HTML entities), HTML parts escape them, subjects parse without a
leading space, and allauth's messages name the organisation."""

import email
import re
from datetime import date, datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from certificates.services import certificates_send_for_person, share_link_create, share_link_email
from certificates.tests.factories import issue
from modules.tests.factories import AssessmentFactory, enroll
from practicums.models import Registration
from practicums.services import enrollment_import_csv, registration_create, waitlist_promote
from practicums.tests.factories import PracticumFactory
from programs.models import Enrollment
from programs.services import (
    GuideRequestData,
    contact_message_create,
    enrollment_send_access_open_emails,
    guide_request_create,
)
from programs.tests.factories import ProgramFactory
from recertification.models import Exam
from recertification.services import credential_grant, credential_reminders_send, exam_invitations_issue

TAINTED = 'Sessions 7 & 8 <b>"Bold"</b> it\'s'
ENTITIES = re.compile(r"&(amp|lt|gt|quot|#x27|#39|#34);")
UTC = ZoneInfo("UTC")


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def parts(message) -> tuple[str, str | None]:
    msg = parsed(message)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return text.get_content(), (html.get_content() if html is not None else None)


def tainted_program(**kwargs):
    return ProgramFactory(title=TAINTED, **kwargs)


def send_signup(client):
    client.post(
        reverse("account_signup"),
        {"full_name": TAINTED, "email": "zoe@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )


def send_password_reset(client):
    UserFactory(email="reset@example.org", full_name=TAINTED)
    client.post(reverse("account_reset_password"), {"email": "reset@example.org"})


def send_registration(client):
    practicum = PracticumFactory(program=tainted_program(), title=TAINTED)
    user = UserFactory(full_name=TAINTED)
    registration_create(user=user, program=practicum.program, practicum_ids=[practicum.pk])


def send_waitlist_offer(client):
    practicum = PracticumFactory(program=tainted_program(), title=TAINTED, capacity=1)
    enrollment = Enrollment.objects.create(
        user=UserFactory(full_name=TAINTED), program=practicum.program,
        registered_at=practicum.created_at, access_opens_at=practicum.created_at,
    )  # fmt: skip
    Registration.objects.create(
        user=enrollment.user, practicum=practicum, enrollment=enrollment, status="waitlisted"
    )
    waitlist_promote(practicum_id=practicum.pk)


def send_import_invitation(client):
    enrollment_import_csv(program=tainted_program(), csv_text=f'"{TAINTED}",new@example.org\n')


def send_access_open(client):
    enroll(UserFactory(full_name=TAINTED), tainted_program())
    enrollment_send_access_open_emails()


def send_guide_and_question(client):
    guide_request_create(
        program=tainted_program(),
        data=GuideRequestData(name=TAINTED, email="g@example.org", organization=TAINTED, question=TAINTED),
    )


def send_contact(client):
    contact_message_create(name=TAINTED, email="c@example.org", subject=TAINTED, message=TAINTED)


def send_exam_invitation(client):
    program = tainted_program()
    Exam.objects.create(program=program, assessment=AssessmentFactory(title=TAINTED))
    today = date(2026, 11, 20)
    practicum = PracticumFactory(
        program=program, title=TAINTED, starts_on=today - timedelta(days=3), ends_on=today, time_zone="UTC"
    )
    registration_create(
        user=UserFactory(full_name=TAINTED), program=program, practicum_ids=[practicum.pk],
        now=datetime(2026, 10, 1, tzinfo=UTC),
    )  # fmt: skip
    mail.outbox.clear()
    exam_invitations_issue(now=datetime(2026, 11, 20, 18, tzinfo=UTC))


def send_reminder(client):
    program = tainted_program()
    user = UserFactory(full_name=TAINTED)
    credential = credential_grant(user=user, program=program, passed_on=date(2026, 1, 10))
    credential_reminders_send(today=credential.valid_until - timedelta(days=100))


def send_certificate(client):
    certificate = issue(UserFactory(full_name=TAINTED), tainted_program(), title=TAINTED)
    certificates_send_for_person(user_id=certificate.user_id, run_for=certificate.earned_on)


def send_share_link(client):
    user = UserFactory(full_name=TAINTED)
    link, _ = share_link_create(user=user, label=TAINTED, valid_through=date.today() + timedelta(days=7))
    share_link_email(link=link, url="https://x.example/records/t/", to="p@example.org", note=TAINTED)


SENDERS = [
    send_signup,
    send_password_reset,
    send_registration,
    send_waitlist_offer,
    send_import_invitation,
    send_access_open,
    send_guide_and_question,
    send_contact,
    send_exam_invitation,
    send_reminder,
    send_certificate,
    send_share_link,
]


@pytest.mark.django_db
@pytest.mark.parametrize("send", SENDERS, ids=[s.__name__.removeprefix("send_") for s in SENDERS])
def test_text_parts_show_characters_as_typed_and_html_parts_escape_them(
    send, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client)
    assert mail.outbox, "the scenario sent no email"
    for message in mail.outbox:
        text, html = parts(message)
        assert ENTITIES.findall(text) == [], text
        assert not ENTITIES.search(parsed(message)["subject"])
        if html is not None:
            assert "<b>" not in html  # what people typed is never markup
    shown = [parts(m) for m in mail.outbox if TAINTED in parts(m)[0]]
    if send is not send_password_reset:  # the only one that shows nothing a person typed
        assert shown, "no text part shows the typed value (the scenario does not test what it says)"
    for _, html in shown:
        if html is not None:
            assert "Sessions 7 &amp; 8 &lt;b&gt;" in html


@pytest.mark.django_db
def test_verification_email_names_the_organisation_and_site(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CREDO_SITE_NAME = "Northwind Learning"
    settings.SITE_URL = "https://learn.northwind.example"
    with django_capture_on_commit_callbacks(execute=True):
        send_signup(client)
    [message] = mail.outbox
    text, _ = parts(message)
    assert text.startswith("Hello from Northwind Learning!\n")
    assert "to register an account on learn.northwind.example." in text
    assert text.rstrip().endswith("Thank you for using Northwind Learning!\nlearn.northwind.example")


@pytest.mark.django_db
def test_password_reset_email_names_the_organisation(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_password_reset(client)
    [message] = mail.outbox
    assert parts(message)[0].startswith("Hello from Credo!\n")


@pytest.mark.django_db
def test_certificate_email_subject_parses_without_a_leading_space_and_links_verification(settings):
    program = ProgramFactory(title="Certified Learning Practitioner — Advanced Practice Track")
    certificate = issue(program=program, title="Writing measurable learning objectives — part two")
    certificates_send_for_person(user_id=certificate.user_id, run_for=certificate.earned_on)
    [message] = mail.outbox
    raw = message.message().as_bytes()
    assert b"Subject: \r\n" not in raw
    assert b"Subject: \n" not in raw
    subject = email.message_from_bytes(raw, policy=policy.default)["subject"]
    assert subject == "[Credo] Your certificate: Writing measurable learning objectives — part two"
    text, html = parts(message)
    verify_url = f"{settings.SITE_URL}/verify/{certificate.verification_code}/"
    assert f"  Verify it: {verify_url}\n" in text
    assert f"on our verification page: {settings.SITE_URL}/verify/\n" in text
    assert f'<a href="{settings.SITE_URL}/verify/" style="color:#17406d;">verification page</a>' in html


@pytest.mark.django_db
def test_certification_certificate_names_the_program_once(settings):
    program = ProgramFactory(title="Certified Learning Practitioner")
    with time_machine.travel(datetime(2026, 1, 10, 20, tzinfo=UTC), tick=False):
        credential = credential_grant(user=UserFactory(), program=program, passed_on=date(2026, 1, 10))
    certificate = credential.certificate
    assert certificate.title == "Certification requirements, valid until January 9, 2028"
    certificates_send_for_person(user_id=certificate.user_id, run_for=certificate.earned_on)
    text, _ = parts(mail.outbox[0])
    assert text.count("Certified Learning Practitioner") == 1
