"""Every admin CSV export streams its rows and writes a name that looks like a spreadsheet formula
as text (a leading single quote), so opening the file never runs it."""

import csv
from datetime import date

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from core import csv_export
from modules.services import attempt_start, attempt_submit
from modules.tests.factories import ModuleFactory, add_question, enroll
from practicums.services import registration_create
from practicums.tests.factories import PracticumFactory
from programs.models import Enrollment
from recertification.models import Credential
from recertification.services import credential_grant

FORMULA = '=HYPERLINK("http://attacker.example/","Click")'
QUOTED = "'" + FORMULA


@pytest.fixture
def staff_client(client, db):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def rows_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(b"".join(response.streaming_content).decode().splitlines()))


@pytest.mark.django_db
def test_enrollment_export_quotes_a_formula_name(staff_client):
    practicum = PracticumFactory(title="Practicum — Denver")
    registration_create(
        user=UserFactory(full_name=FORMULA), program=practicum.program, practicum_ids=[practicum.pk]
    )
    response = staff_client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "export_csv", "_selected_action": [Enrollment.objects.get().pk]},
    )
    rows = rows_of(response)
    assert rows[1][0] == QUOTED
    assert rows[1][-1] == "Practicum — Denver (Confirmed)"


@pytest.mark.django_db
def test_roster_export_quotes_a_formula_name(staff_client):
    practicum = PracticumFactory(title="Practicum — Denver")
    user = UserFactory(full_name=FORMULA, organization="-Acme")
    registration_create(user=user, program=practicum.program, practicum_ids=[practicum.pk])
    response = staff_client.post(
        reverse("admin:practicums_practicum_changelist"),
        {"action": "export_roster_csv", "_selected_action": [practicum.pk]},
    )
    assert rows_of(response) == [
        ["practicum", "name", "email", "organization", "status", "sessions_attended", "sessions"],
        ["Practicum — Denver", QUOTED, user.email, "'-Acme", "Confirmed", "0", "0"],
    ]


@pytest.mark.django_db
def test_credential_holder_export_quotes_a_formula_name(staff_client):
    module = ModuleFactory()
    user = UserFactory(full_name=FORMULA)
    enroll(user, module.program)
    credential = credential_grant(user=user, program=module.program, passed_on=date(2026, 1, 10))
    response = staff_client.post(
        reverse("admin:recertification_credential_changelist"),
        {"action": "export_csv", "_selected_action": [credential.pk]},
    )
    rows = rows_of(response)
    assert rows[1][:3] == [credential.number, QUOTED, user.email]
    assert Credential.objects.count() == 1


@pytest.mark.django_db
def test_module_results_export_quotes_a_formula_question(staff_client):
    module = ModuleFactory(title="@Module")
    question = add_question(module.assessment, "single", [("right", True), ("wrong", False)], FORMULA)
    attempt = attempt_start(user=UserFactory(), assessment=module.assessment)
    attempt_submit(
        attempt=attempt, answers={str(question.pk): [str(question.choices.get(is_correct=True).pk)]}
    )
    response = staff_client.get(reverse("admin:modules_module_results", args=[module.pk]) + "?format=csv")
    rows = rows_of(response)
    assert rows[1][0] == "'@Module"
    assert rows[-1] == [QUOTED, "1", "100.0"]


def _consume(response) -> tuple[list[list[str]], list[str]]:
    """The rows of a streamed export and the SQL run while the client read it."""
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(response)
    return rows, [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_enrollment_export_reads_the_rows_a_chunk_at_a_time(staff_client, monkeypatch):
    monkeypatch.setattr(csv_export, "EXPORT_CHUNK_SIZE", 2)
    practicum = PracticumFactory(title="Practicum — Denver")
    for i in range(5):
        registration_create(
            user=UserFactory(full_name=f"@Person {i}"),
            program=practicum.program,
            practicum_ids=[practicum.pk],
        )
    response = staff_client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "export_csv", "_selected_action": list(Enrollment.objects.values_list("pk", flat=True))},
    )
    rows, sql = _consume(response)
    assert sorted(row[0] for row in rows[1:]) == [f"'@Person {i}" for i in range(5)]
    assert {row[-1] for row in rows[1:]} == {"Practicum — Denver (Confirmed)"}
    # 5 rows in chunks of 2: each chunk fetches its own registrations (never all rows at once).
    assert sum('FROM "practicums_registration"' in q for q in sql) == 3


def _export_credentials(client, people: int) -> tuple[list[list[str]], list[str]]:
    module = ModuleFactory()
    for _ in range(people):
        user = UserFactory()
        enroll(user, module.program)
        credential_grant(user=user, program=module.program, passed_on=date(2026, 1, 10))
    response = client.post(
        reverse("admin:recertification_credential_changelist"),
        {"action": "export_csv", "_selected_action": list(Credential.objects.values_list("pk", flat=True))},
    )
    return _consume(response)


@pytest.mark.django_db
def test_credential_export_runs_the_same_queries_for_2_and_12_holders(staff_client):
    rows, small = _export_credentials(staff_client, 2)
    assert len(rows) == 3
    rows, large = _export_credentials(staff_client, 10)
    assert len(rows) == 13
    assert {row[-2] for row in rows[1:]} == {"0"}  # CE hours counted, summed in the same query
    assert len(large) == len(small)
