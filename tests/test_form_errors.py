"""Messages a person can find (issue #15, WCAG 3.3.1, 3.3.2, 1.3.1): a failed form's page says
so in its title, opens the form with an error summary whose links lead to each field, and marks
each field with an error invalid and described by its error. Radio and checkbox groups are
fieldsets named by their legend, their hint tied to the group."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from modules.tests.factories import enroll
from practicums.tests.factories import PracticumFactory
from programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The page's title, its elements by id, its inputs, and the error summary's links."""

    def __init__(self, html: str):
        super().__init__()
        self.title = ""
        self.by_id: dict[str, tuple[str, dict]] = {}
        self.inputs: list[dict] = []
        self.fieldsets: list[dict] = []
        self.summaries = 0
        self.links: list[tuple[str, str]] = []
        self._in_title = False
        self._summary_depth = 0  # >0 while inside the error summary
        self._link: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "id" in attrs:
            self.by_id[attrs["id"]] = (tag, attrs)
        if tag in ("input", "select", "textarea"):
            self.inputs.append({"tag": tag, **attrs})
        if tag == "fieldset":
            self.fieldsets.append(attrs)
        if tag == "title":
            self._in_title = True
        if tag == "div":
            if self._summary_depth:
                self._summary_depth += 1
            elif "error-summary" in attrs.get("class", "").split():
                self.summaries += 1
                self._summary_depth = 1
                assert (attrs["id"], attrs["role"], attrs["tabindex"]) == ("error-summary", "alert", "-1")
        if tag == "a" and self._summary_depth:
            self._link = attrs["href"]
            self.links.append((self._link, ""))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._link is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


def failed_form(html: str, links: list[tuple[str, str]]) -> _Page:
    """The page of a failed form: "Error: " title, one summary with exactly these links, and each
    linked field (or each input of a linked group) invalid and described by its error."""
    page = _Page(html)
    assert page.title.startswith("Error: "), page.title
    assert page.summaries == 1
    assert "There is a problem" in html
    assert page.links == links
    for href, _ in links:
        target_id = href.removeprefix("#")
        tag, attrs = page.by_id[target_id]
        if tag in ("input", "select", "textarea"):
            assert attrs["aria-invalid"] == "true", target_id
            assert f"{target_id}_error" in attrs["aria-describedby"].split(), target_id
        else:  # a group: every choice in it is invalid, the group described by the error
            name = target_id.removeprefix("id_")
            choices = [i for i in page.inputs if i.get("name") == name and i.get("type") != "hidden"]
            assert choices, target_id
            assert all(i["aria-invalid"] == "true" for i in choices), target_id
            described = [
                f for f in page.fieldsets if f"{target_id}_error" in f.get("aria-describedby", "").split()
            ]
            assert len(described) == 1, target_id
        assert page.by_id[f"{target_id}_error"][0] == "div"
    return page


def test_attendance_wrong_code_opens_with_the_summary_linked_to_the_code(client):
    client.force_login(UserFactory())
    page = _Page(client.get(reverse("practicums:attendance")).content.decode())
    assert (page.title, page.summaries) == ("Attendance · Credo", 0)
    response = client.post(reverse("practicums:attendance"), {"code": "nope"})
    assert response.status_code == 400
    failed_form(
        response.content.decode(),
        [
            (
                "#id_code",
                "That code is not right: it has 6 letters and digits, shown by your instructor. "
                "9 more tries before a short pause.",
            )
        ],
    )


def test_share_link_errors_summarised_and_linked_to_the_fields_and_the_group(client):
    user = UserFactory()
    enroll(user, ProgramFactory(title="Coaching"))
    client.force_login(user)
    response = client.post(reverse("certificates:link_create"), {"expires_on": "2001-01-01", "note": "hi"})
    assert response.status_code == 400
    html = response.content.decode()
    failed_form(
        html,
        [
            ("#id_expiry", "This field is required."),
            ("#id_view", "This field is required."),
            ("#id_email_to", "Enter the address your message should go to."),
        ],
    )
    # The groups are fieldsets named by their legends, their hints tied to the group.
    assert '<label for="">' not in html
    assert (
        '<fieldset class="field field-group field-invalid"'
        ' aria-describedby="id_expiry_helptext id_expiry_error">\n'
        "    <legend>The link works for</legend>"
    ) in html
    assert (
        '<fieldset class="field field-group" aria-describedby="id_programs_helptext">\n'
        '    <legend>Programs <span class="optional">(optional)</span></legend>'
    ) in html
    assert '<p class="help" id="id_programs_helptext">None ticked: every program.</p>' in html
    # Without JavaScript too, the answer opens at the summary (far down the record page).
    assert f'action="{reverse("certificates:link_create")}#error-summary"' in html


def test_registration_refused_choice_summarised_and_linked_to_the_practicum_group(client):
    program = ProgramFactory()
    PracticumFactory(program=program)
    client.force_login(UserFactory())
    response = client.post(reverse("practicums:register", args=[program.slug]), {"practicum": "not-a-number"})
    assert response.status_code == 200
    html = response.content.decode()
    failed_form(
        html, [("#id_practicum", "That practicum is not open for registration. Please choose another.")]
    )
    assert (
        'id="id_practicum" aria-describedby="id_practicum_error">\n        <legend>Practicum</legend>' in html
    )


def test_ce_log_errors_summarised_and_linked(client):
    from recertification.services import credential_grant

    program = ProgramFactory(slug="certified-learning-practitioner")
    user = UserFactory()
    enroll(user, program)
    credential_grant(user=user, program=program, passed_on=date(2026, 1, 10))
    client.force_login(user)
    response = client.post(
        reverse("recertification:ce"), {"kind": "conference", "title": "", "date": "", "hours": "1"}
    )
    assert response.status_code == 400
    failed_form(
        response.content.decode(),
        [("#id_title", "This field is required."), ("#id_date", "This field is required.")],
    )


def test_profile_errors_summarised_and_linked(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "", "organization": "X", "job_title": "", "time_zone": "Mars/Olympus_Mons"},
    )
    failed_form(
        response.content.decode(),
        [
            ("#id_full_name", "This field is required."),
            (
                "#id_time_zone",
                "Select a valid choice. Mars/Olympus_Mons is not one of the available choices.",
            ),
        ],
    )


def test_contact_errors_summarised_and_linked(client):
    response = client.post(
        reverse("programs:contact"),
        {"name": "Ana", "email": "not-an-address", "subject": "", "message": "Hi"},
    )
    failed_form(
        response.content.decode(),
        [("#id_email", "Enter a valid email address."), ("#id_subject", "This field is required.")],
    )


def test_sign_up_errors_summarised_and_linked(client):
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Zoë", "email": "zoe@example.org", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    failed_form(
        response.content.decode(),
        [
            ("#id_password1", "This password is too short. It must contain at least 10 characters."),
            ("#id_password1", "This password is too common."),
        ],
    )


def test_log_in_refused_says_so_in_the_title_and_the_summary(client):
    UserFactory(email="a@example.org")
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "wrong-password"})
    page = failed_form(response.content.decode(), [])
    assert " ".join(page.title.split()) == "Error: Sign In · Credo"
    assert "The email address and/or password you specified are not correct." in response.content.decode()
