"""People who need a nudge (issue #20): who is on each list, the email staff preview and send to
them in two clicks (one each, through the mail queue, logged), nobody twice for the same reason
within a week, the editable email, and who may send."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from insight.models import Nudge, NudgeTemplate
from modules.tests.factories import ModuleFactory
from practicums.models import Attendance
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.models import Enrollment
from programs.tests.factories import SeriesFactory
from recertification.models import Credential
from recertification.tests.factories import certification
from tests.staff_helpers import staff_member

from .conftest import NOW

pytestmark = pytest.mark.usefixtures("at_now")


@pytest.fixture
def staff(at_now):
    return staff_member(totp=True, superuser=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def person(program, name, *, opens_days_ago=30, **fields) -> Enrollment:
    return Enrollment.objects.create(
        user=UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org"),
        program=program,
        registered_at=NOW - timedelta(days=opens_days_ago + 2),
        access_opens_at=NOW - timedelta(days=opens_days_ago),
        **fields,
    )


def list_url(program, reason) -> str:
    return reverse("admin:programs_program_nudges", args=[program.pk, reason])


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def candidates():
    """A certification of 10 modules, a practicum in 30 days; access opened 30 days ago, so half
    the modules are expected by now."""
    program = certification(home_time_zone="America/Los_Angeles")
    for i in range(10):
        ModuleFactory(program=program, order=i)
    practicum = PracticumFactory(
        program=program,
        starts_on=date(2027, 4, 14),
        ends_on=date(2027, 4, 16),
        time_zone="America/Los_Angeles",
    )
    people = {
        "behind": person(program, "Bea Behind", opened_at=NOW - timedelta(days=29), modules_passed=2),
        "on pace": person(program, "Otto Onpace", opened_at=NOW - timedelta(days=29), modules_passed=6),
        "never": person(program, "Nell Never"),
        "not yet": person(program, "Nia Notyet", opens_days_ago=-3),  # modules open in three days
        "long ago": person(program, "Lou Longago", opens_days_ago=400),  # open for over a year: not nudged
    }
    for key in ("behind", "on pace"):
        register(people[key].user, practicum)
    return program, people


@pytest.mark.django_db
def test_each_list_names_who_needs_the_nudge_and_why(staff_client, candidates):
    program, _ = candidates

    behind = page(staff_client.get(list_url(program, "behind_pace")))
    assert "Bea Behind" in behind
    assert "2 of 10 modules passed, 5 expected by now; practicum Apr 14" in behind
    assert "Otto Onpace" not in behind

    never = page(staff_client.get(list_url(program, "never_opened")))
    assert "Nell Never" in never
    assert "Modules open since Feb 13, 2027" in never
    assert "Nia Notyet" not in never  # not open yet
    assert "Lou Longago" not in never
    assert "Bea Behind" not in never

    dashboard = page(staff_client.get(reverse("admin:programs_program_dashboard", args=[program.pk])))
    assert "<strong>1</strong> of the 2 candidates with a practicum ahead are on pace" in dashboard
    assert f'href="{list_url(program, "behind_pace")}"' in dashboard


@pytest.mark.django_db
def test_who_missed_a_session_of_a_set_and_who_is_short_of_ce_hours(staff_client):
    series = SeriesFactory(home_time_zone="America/Chicago")
    live = PracticumFactory(
        program=series, kind="live_set", starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 3)
    )
    days = [
        make_session(
            live, f"Day {d}", datetime(2027, 3, d, 15, tzinfo=UTC), datetime(2027, 3, d, 22, tzinfo=UTC)
        )
        for d in (1, 2, 3)
    ]
    partial, full, absent = (person(series, n).user for n in ("Pat Partial", "Fay Full", "Abe Absent"))
    for user in (partial, full, absent):
        register(user, live)
    for session in days:
        Attendance.objects.create(user=full, session=session, recorded_at=session.starts_at)
    Attendance.objects.create(user=partial, session=days[0], recorded_at=days[0].starts_at)
    missed = page(staff_client.get(list_url(series, "missed_session")))
    assert "Pat Partial" in missed
    assert f"{live.title}: 1 of 3 sessions so far" in missed
    assert "Fay Full" not in missed
    assert "Abe Absent" not in missed  # never came: not "part of a set"

    program = certification(home_time_zone="America/Los_Angeles")
    for name, until, hours in (
        ("Sam Short", date(2027, 5, 1), "10"),
        ("Dan Done", date(2027, 5, 1), "24"),
        ("Lee Later", date(2027, 9, 1), "0"),
    ):
        holder = person(program, name).user
        Credential.objects.create(
            user=holder,
            program=program,
            number=name,
            valid_from=until - timedelta(days=730),
            valid_until=until,
        )
        Credential.objects.filter(user=holder).update(ce_hours=Decimal(hours))
    short = page(staff_client.get(list_url(program, "ce_short")))
    assert "Sam Short" in short
    assert "10 of 24 CE hours; expires May 1, 2027" in short
    assert "Dan Done" not in short
    assert "Lee Later" not in short  # more than 90 days left


@pytest.mark.django_db
def test_two_clicks_email_each_person_once_logged_and_not_again_within_a_week(
    staff_client, staff, candidates, django_capture_on_commit_callbacks
):
    program, people = candidates
    bea = people["behind"].user
    url = list_url(program, "behind_pace")
    listed = page(staff_client.get(url))
    assert f'name="person" value="{bea.pk}" id="person-{bea.pk}" checked' in listed

    preview = staff_client.post(url, {"person": [str(bea.pk)], "preview": "1"})  # click 1: "Email them…"
    text = page(preview)
    assert "Dear Bea Behind," in text
    assert "2 of 10 modules passed, 5 expected by now" in text
    assert "Send 1 email" in text
    assert mail.outbox == []  # a preview sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_client.post(url, {"person": [str(bea.pk)], "send": "1"}, follow=True)  # click 2: "Send"
    assert "1 email queued." in page(sent)
    assert [m.to for m in mail.outbox] == [[bea.email]]
    assert "Your modules before Certified Learning Practitioner" in mail.outbox[0].subject
    assert "/me/" in mail.outbox[0].body
    nudge = Nudge.objects.get()
    assert (nudge.user, nudge.reason, nudge.sent_by, nudge.sent_at) == (bea, "behind_pace", staff, NOW)

    with django_capture_on_commit_callbacks(execute=True):
        again = staff_client.post(url, {"person": [str(bea.pk)], "send": "1"}, follow=True)
    assert "0 emails queued. 1 skipped" in page(again)
    assert len(mail.outbox) == 1
    assert f'value="{bea.pk}" id="person-{bea.pk}" disabled' in page(staff_client.get(url))

    with time_machine.travel(NOW + timedelta(days=7, minutes=1), tick=False):
        staff_client.force_login(staff)
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(url, {"person": [str(bea.pk)], "send": "1"})
    assert len(mail.outbox) == 2  # a week later, again


@pytest.mark.django_db
def test_the_email_is_edited_in_the_admin_and_bad_placeholders_are_refused(staff_client, candidates):
    program, people = candidates
    template = NudgeTemplate.objects.get(reason="never_opened")
    change = reverse("admin:insight_nudgetemplate_change", args=[template.pk])
    refused = staff_client.post(change, {"subject": "Hi {nmae}", "body": "Hello {name}"})
    assert "Unknown placeholder {nmae}: use {name}, {program}, {detail}, {link}." in page(refused)
    template.refresh_from_db()
    assert template.subject == "Your {program} modules are open"  # nothing saved

    staff_client.post(change, {"subject": "Start {program}", "body": "Hi {name}, go: {link}"})
    preview = page(
        staff_client.post(
            list_url(program, "never_opened"), {"person": [str(people["never"].user_id)], "preview": "1"}
        )
    )
    assert "Start Certified Learning Practitioner" in preview
    assert "Hi Nell Never, go: http" in preview


@pytest.mark.django_db
def test_staff_who_may_not_send_see_the_list_without_the_button(client, candidates):
    program, _ = candidates
    viewer = StaffFactory(is_superuser=False)
    TOTP.activate(viewer, generate_totp_secret())
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_program", "view_every_program"])
    )
    client.force_login(viewer)
    url = list_url(program, "never_opened")
    listed = page(client.get(url))
    assert "Nell Never" in listed
    assert "Email them" not in listed
    client.post(
        url, {"person": [str(Enrollment.objects.get(user__full_name="Nell Never").user_id)], "send": "1"}
    )
    assert not Nudge.objects.exists()
    assert client.get(list_url(program, "no_such_reason")).status_code == 404
