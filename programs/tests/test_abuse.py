"""Public forms against abuse and faults: a line break in a single-line field is refused next to
the field (not accepted and then lost when the staff notification fails), and a write that
fails (a database outage) does not use up the person's quota."""

import pytest
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse

from programs.models import ContactMessage, GuideRequest

from .factories import ProgramFactory

CONTACT = {"name": "Bo", "email": "bo@example.org", "subject": "Invoice", "message": "Please send one."}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad", ["Invoice\r\nBcc: all@example.org", "Invoice\nplease", "Tab\x0bhere", "a\u2028b"]
)
def test_contact_subject_with_a_line_break_is_refused_next_to_the_field_and_kept(
    bad, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:contact"), {**CONTACT, "subject": bad})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "subject": ["Please keep this on one line, without line breaks or control characters."]
    }
    html = response.content.decode()
    assert (
        '<div class="field-errors" id="id_subject_error"><p class="error"><span class="visually-hidden">'
        "Error: </span>Please keep this on one line, without line breaks or control characters.</p></div>"
    ) in html
    assert form["message"].value() == "Please send one."  # nothing typed is lost
    assert form["subject"].value() == bad
    assert "Please send one." in html
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_contact_with_a_valid_subject_still_mails_staff(client, settings, django_capture_on_commit_callbacks):
    settings.CREDO_SUPPORT_EMAIL = "staff@credo.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:contact"), {**CONTACT, "subject": "Invoice — Zoë’s school"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["staff@credo.example"]
    assert message.message()["Subject"] == "[Credo] Contact form: Invoice — Zoë’s school"


@pytest.mark.django_db
def test_guide_request_name_with_a_line_break_is_refused_and_kept(client, django_capture_on_commit_callbacks):
    program = ProgramFactory()
    data = {"name": "Ana\r\nBcc: x@example.org", "email": "a@example.org", "question": "When?"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:guide", args=[program.slug]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "name": ["Please keep this on one line, without line breaks or control characters."]
    }
    assert (form["email"].value(), form["question"].value()) == ("a@example.org", "When?")
    assert not GuideRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_guide_question_with_a_valid_name_reaches_staff(client, settings, django_capture_on_commit_callbacks):
    settings.CREDO_SUPPORT_EMAIL = "staff@credo.example"
    program = ProgramFactory(title="Practitioner")
    data = {"name": "Ana O’Neil", "email": "a@example.org", "question": "When?"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:guide", args=[program.slug]), data)
    assert response.status_code == 302
    [message] = mail.outbox
    assert (message.to, message.subject) == (["staff@credo.example"], "[Credo] Question about Practitioner")
    assert "When?" in message.body


def failing_save(*args, **kwargs):
    raise DatabaseError("the database went away")


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["contact", "guide"])
def test_a_failed_write_does_not_use_up_the_forms_quota(form, client, monkeypatch):
    program = ProgramFactory()
    url = reverse("programs:contact") if form == "contact" else reverse("programs:guide", args=[program.slug])
    model = ContactMessage if form == "contact" else GuideRequest
    for _ in range(4):
        assert client.post(url, CONTACT).status_code == 302
    with monkeypatch.context() as patched:
        patched.setattr(model, "save", failing_save)
        for _ in range(3):  # the outage: each attempt fails
            with pytest.raises(DatabaseError):
                client.post(url, CONTACT)
    assert client.post(url, CONTACT).status_code == 302  # the fifth real one is still allowed
    refused = client.post(url, CONTACT)
    assert refused.status_code == 200
    assert "Please wait a few minutes and try again." in refused.content.decode()
    assert model.objects.count() == 5
