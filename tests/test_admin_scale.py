"""The admin at the size of a large organisation: no <select> listing every person or
registration, no full counts of a big table, and changelists whose queries do not grow with rows."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.contrib.auth.models import Group
from django.db import connection
from django.forms import HiddenInput, ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory
from badges.models import SigningKey, StatusList
from certificates.models import BadgeDesign, Certificate, CertificateDesign, CertificateEvent, EmailBatch
from certificates.tests.factories import build_person
from core.admin import EstimatedCountPaginator, LargeTableAdmin
from insight.models import Nudge, NudgeTemplate, Reason
from modules.models import AidSubmission, Attempt, LessonProgress, ModuleCompletion
from modules.tests.factories import AssessmentFactory
from outbox.models import OutboxMessage
from practicums.models import (
    Attendance,
    AttendanceCorrection,
    Practicum,
    Registration,
    RegistrationMove,
    Session,
    SetCompletion,
)
from practicums.tests.factories import PracticumFactory
from programs.models import ContactMessage, Enrollment, GuideRequest, Instructor, RecordedWebinar
from programs.tests.factories import ProgramFactory
from recertification.models import CEActivity, Credential, Exam, ExamInvitation
from recertification.services import credential_grant
from signing.models import SigningCertificate

# Tables with a row (or many) per person, or per event over years: at the default size of
# bench/bench_scale.py from 15,000 (practicums) to 2,000,000 rows (lesson progress). A form field
# that picks one of them must never be a <select> with every row.
BIG_MODELS = {
    User: "200,000 people",
    EmailAddress: "one per person",
    Enrollment: "250,000",
    Practicum: "15,000 practicums and live-event sets",
    Session: "60,000",
    Registration: "400,000",
    Attendance: "1,500,000",
    LessonProgress: "2,000,000",
    Attempt: "600,000",
    ModuleCompletion: "one per person and module",
    AidSubmission: "one per person and job aid",
    SetCompletion: "one per person and set",
    Certificate: "400,000",
    CertificateEvent: "several per certificate",
    Credential: "50,000",
    CEActivity: "300,000",
    ExamInvitation: "one per candidate",
    Nudge: "one per person nudged, each week",
}
FIXED_ROWS = {NudgeTemplate: len(Reason)}  # tables of a fixed size whatever the data: a row per reason
# Their changelists: no "(N total)" second count, no exact count of the unfiltered table.
LARGE_CHANGELISTS = {
    *BIG_MODELS,
    RegistrationMove,
    AttendanceCorrection,
    OutboxMessage,
    EmailBatch,
    Authenticator,
} - {Session, LessonProgress, CertificateEvent}  # these three have no admin of their own
PICKERS = (AutocompleteSelect, AutocompleteSelectMultiple, ForeignKeyRawIdWidget, ManyToManyRawIdWidget)


def world(n: int) -> None:
    """`n` rows (at least) of every model the admin lists: people with their whole history
    (build_person: enrollment, registration, attendance, attempts, completions, certificates…)
    and everything else the admin shows."""
    now, today = timezone.now(), date(2026, 3, 2)
    for _ in range(n):
        user, series, _modules = build_person()
        i = user.pk
        practicum = Practicum.objects.filter(program=series).first()
        session = practicum.sessions.first()
        Group.objects.create(name=f"Group {i}")
        EmailAddress.objects.get_or_create(user=user, email=user.email)
        TOTP.activate(user, generate_totp_secret())
        OutboxMessage.objects.create(task_name="mail.send", kwargs={"id": i}, next_try_at=now)
        Instructor.objects.create(name=f"Instructor {i}", user=user)
        RecordedWebinar.objects.create(
            program=series, title=f"Webinar {i}", recorded_on=today, url="https://example.org/w"
        )
        GuideRequest.objects.create(program=series, name=f"Guide {i}", email=f"g{i}@example.org")
        ContactMessage.objects.create(name="A", email=f"c{i}@example.org", subject="S", message="M")
        RegistrationMove.objects.create(
            user=user, from_practicum=practicum, to_practicum=PracticumFactory(program=series), moved_by=user
        )
        AttendanceCorrection.objects.create(
            session=session, attendee=user, action="mark", reason="Signed the sheet", corrected_by=user
        )
        SigningCertificate.objects.create(
            sha256=f"{i:064x}", subject="CN=Credo", issuer="CN=Credo CA", serial=str(i), pem="-",
            not_before=now, not_after=now + timedelta(days=365), first_used_at=now,
        )  # fmt: skip
        CertificateDesign.objects.create(program=series)
        BadgeDesign.objects.create(program=series)
        EmailBatch.objects.create(run_for=today - timedelta(days=i))
        exam = Exam.objects.create(program=series, assessment=AssessmentFactory())
        ExamInvitation.objects.create(
            user=user, exam=exam, practicum=practicum, issued_at=now, expires_at=now + timedelta(days=14)
        )
        credential_grant(user=user, program=series, passed_on=today)
        CEActivity.objects.create(
            user=user, program=series, kind="webinar", title=f"CE {i}", date=today + timedelta(days=1),
            hours=Decimal("1.5"), status="approved",
        )  # fmt: skip
        SigningKey.objects.create(kid=f"key-{i}", public_jwk={"kty": "OKP"})
        Nudge.objects.create(user=user, program=series, reason="never_opened", detail="Open", sent_at=now)
        StatusList.objects.create()
    for model in admin.site._registry:
        assert model._default_manager.count() >= min(n, FIXED_ROWS.get(model, n)), model


@pytest.fixture
def superuser_client(client, db):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _forms_of(response) -> list:
    """The change page's editable form and every inline form (and the blank "add another" one)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [*inline.formset.forms, inline.formset.empty_form]
    return forms


@pytest.mark.django_db
def test_no_admin_form_offers_a_select_over_a_big_table(superuser_client):
    world(1)
    offending, seen = [], set()
    for model in admin.site._registry:
        pages = [_url(model, "add"), _url(model, "change", model._default_manager.first().pk)]
        for url in pages:
            response = superuser_client.get(url)
            if response.status_code == 403:  # no add page (read-only history)
                continue
            assert response.status_code == 200, url
            for form in _forms_of(response):
                for name, field in form.fields.items():
                    if not isinstance(field, ModelChoiceField) or field.queryset.model not in BIG_MODELS:
                        continue
                    seen.add(field.queryset.model)
                    widget = getattr(field.widget, "widget", field.widget)  # the "add another" wrapper
                    if not isinstance(widget, (*PICKERS, HiddenInput)):  # hidden: an inline row's own id
                        offending.append(f"{url} {type(form).__name__}.{name}: {type(widget).__name__}")
    assert offending == []
    assert User in seen  # the walk did reach editable pickers
    assert Practicum in seen


@pytest.mark.django_db
def test_admin_changelists_do_not_count_big_tables():
    for model, model_admin in admin.site._registry.items():
        large = model in LARGE_CHANGELISTS
        assert isinstance(model_admin, LargeTableAdmin) is large, model
        assert model_admin.show_full_result_count is not large, model
        assert issubclass(model_admin.paginator, EstimatedCountPaginator) is large, model


def _changelist_queries(client) -> dict[str, int]:
    counts = {}
    for model in admin.site._registry:
        url = _url(model, "changelist")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["cl"].result_count >= 3, url
        assert response.context["cl"].full_result_count is None or model not in LARGE_CHANGELISTS, url
        counts[model._meta.label] = len(queries)
    return counts


@pytest.mark.django_db
def test_every_admin_changelist_runs_the_same_queries_for_3_and_30_rows(superuser_client):
    world(3)
    small = _changelist_queries(superuser_client)
    world(27)
    assert _changelist_queries(superuser_client) == small


@pytest.mark.django_db
def test_lists_filter_by_a_practicum_reached_from_its_page_without_listing_every_practicum(superuser_client):
    from practicums.tests.factories import register

    chosen, other = PracticumFactory(title="Chosen practicum"), PracticumFactory(title="Another practicum")
    kept, dropped = (
        register(StaffFactory(full_name="Kept Person"), chosen),
        register(StaffFactory(full_name="Dropped Person"), other),
    )
    assert (kept.practicum, dropped.practicum) == (chosen, other)
    changelist = _url(Registration, "changelist")
    # The practicum list links to its registrations...
    assert (
        f"{changelist}?practicum__id__exact={chosen.pk}"
        in superuser_client.get(_url(Practicum, "changelist")).content.decode()
    )
    # ...which list only that practicum's, and the sidebar names it (with "All" to clear it).
    html = superuser_client.get(changelist, {"practicum__id__exact": chosen.pk}).content.decode()
    assert "Kept Person" in html
    assert "Dropped Person" not in html
    assert "Chosen practicum" in html
    # Without a choice, the sidebar lists no practicums (there may be 15,000).
    html = superuser_client.get(changelist).content.decode()
    assert "Kept Person" in html
    assert "Dropped Person" in html
    assert f"practicum__id__exact={other.pk}" not in html
    # A hand-edited address lists nothing rather than failing.
    response = superuser_client.get(changelist, {"practicum__id__exact": "abc"})
    assert response.status_code == 200
    assert "Kept Person" not in response.content.decode()


@pytest.mark.django_db
def test_admin_search_matches_each_table_and_every_term(superuser_client, monkeypatch):
    """LargeTableAdmin's search (per table, a UNION of ids on PostgreSQL) finds what Django's
    would: a person's email or name, or the practicum's title; every term must match."""
    from practicums.tests.factories import register

    denver, boston = PracticumFactory(title="Denver practicum"), PracticumFactory(title="Boston practicum")
    register(StaffFactory(full_name="Ana Lopez", email="ana@example.org"), denver)
    register(StaffFactory(full_name="Bo Chen", email="bo@example.org"), boston)
    register(StaffFactory(full_name="Cy Denverson", email="cy@example.org"), boston)

    def found(q: str) -> set[str]:
        response = superuser_client.get(_url(Registration, "changelist"), {"q": q})
        return {r.user.full_name for r in response.context["cl"].result_list}

    assert found("ana@") == {"Ana Lopez"}
    assert found("denver") == {"Ana Lopez", "Cy Denverson"}  # a practicum's title, a person's name
    assert found("denver boston") == {"Cy Denverson"}  # both terms, on different tables
    assert found('"Bo Chen"') == {"Bo Chen"}
    assert found("nobody") == set()
    # A search that matches a few rows searches once: the page's count and rows read their ids.
    with CaptureQueriesContext(connection) as queries:
        assert found("denver") == {"Ana Lopez", "Cy Denverson"}
    sql = [q["sql"] for q in queries.captured_queries]
    searches = [q for q in sql if "LIKE" in q and not q.startswith("EXPLAIN")]
    assert len(searches) == (1 if connection.vendor == "postgresql" else 2)  # SQLite: Django's own search
    # More matches than it resolves to ids: the same rows, searched in the page's queries.
    monkeypatch.setattr("core.admin.SEARCH_IDS", 1)
    assert found("denver") == {"Ana Lopez", "Cy Denverson"}


@pytest.mark.django_db
def test_change_pages_run_the_same_queries_for_3_and_30_related_rows(superuser_client):
    from modules.tests.factories import ModuleFactory
    from practicums.tests.factories import register
    from programs.tests.factories import SchoolYearFactory, SeasonFactory

    practicum = PracticumFactory()
    module = ModuleFactory()

    def queries(url: str) -> int:
        superuser_client.get(url)  # the caches the rows just written renewed, filled again
        with CaptureQueriesContext(connection) as captured:
            assert superuser_client.get(url).status_code == 200
        # Not counted: the blank session form's new attendance code, checked unused (a random
        # code is tried again, rarely, when it would read as a word).
        return sum('"practicums_session"."code" =' not in q["sql"] for q in captured.captured_queries)

    years = iter(range(2000, 2100))

    def grow(n: int) -> None:
        for _ in range(n):
            register(StaffFactory(), practicum)
            SeasonFactory(school_year=SchoolYearFactory(program=module.program, name=f"{next(years)}"))

    grow(3)
    (
        queries(_url(Practicum, "change", practicum.pk)),
        queries(_url(type(module), "change", module.pk)),
    )  # warm-up
    few = queries(_url(Practicum, "change", practicum.pk)), queries(_url(type(module), "change", module.pk))
    grow(27)
    many = queries(_url(Practicum, "change", practicum.pk)), queries(_url(type(module), "change", module.pk))
    assert few == many


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["admin:certificates_console", "admin:programs_enrollment_import"])
def test_admin_tool_pages_have_one_main_heading(superuser_client, view):
    html = superuser_client.get(reverse(view)).content.decode()
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_module_results_page_has_one_main_heading(superuser_client):
    from modules.tests.factories import ModuleFactory

    module = ModuleFactory()
    html = superuser_client.get(reverse("admin:modules_module_results", args=[module.pk])).content.decode()
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_a_listed_rows_checkbox_is_the_one_django_renders_and_selects_the_row(superuser_client):
    person = User.objects.create_user(email="ada@example.org", password=None, full_name='Ada "<Lovelace>"')
    model_admin = admin.site._registry[User]
    ours = str(model_admin.action_checkbox(person))
    django = str(admin.ModelAdmin.action_checkbox(model_admin, person))
    attributes = re.compile(r'(\w[\w-]*)="([^"]*)"')
    assert sorted(attributes.findall(ours)) == sorted(attributes.findall(django))  # escaped alike
    # and it still selects the row for an action
    url = reverse("admin:accounts_user_changelist")
    assert f'value="{person.pk}" class="action-select"' in superuser_client.get(url).content.decode()


@pytest.mark.django_db
def test_the_practicum_month_filter_lists_every_month_without_reading_them_all(superuser_client):
    PracticumFactory(title="Winter", starts_on=date(2027, 1, 20), ends_on=date(2027, 1, 22))
    PracticumFactory(title="Spring", starts_on=date(2027, 3, 5), ends_on=date(2027, 3, 7))
    url = reverse("admin:practicums_practicum_changelist")
    with CaptureQueriesContext(connection) as captured:
        html = superuser_client.get(url).content.decode()
    months = re.findall(r"\?month=(\d{4}-\d{2})", html)
    assert months == ["2027-03", "2027-02", "2027-01"]  # newest first, February with none too
    assert not any("DISTINCT" in q["sql"] for q in captured.captured_queries)
    march = superuser_client.get(url, {"month": "2027-03"}).content.decode()
    assert "Spring" in march
    assert "Winter" not in march
    assert superuser_client.get(url, {"month": "March"}).status_code == 200  # typed by hand: no 500


def test_the_person_list_filters_by_group_or_none_without_distinct(superuser_client):
    reviewers = Group.objects.create(name="Reviewers")
    in_group = StaffFactory(email="reviewer@example.org")
    in_group.groups.add(reviewers)
    StaffFactory(email="nobody@example.org")
    url = _url(User, "changelist")

    page = superuser_client.get(url)
    assert "In no group" in page.text
    assert ">Reviewers<" in page.text
    with CaptureQueriesContext(connection) as queries:
        grouped = superuser_client.get(url, {"group": reviewers.pk})
    assert "reviewer@example.org" in grouped.text
    assert "nobody@example.org" not in grouped.text
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
    none = superuser_client.get(url, {"group": "none"})
    assert "nobody@example.org" in none.text
    assert "reviewer@example.org" not in none.text
    assert superuser_client.get(url, {"group": "x"}).status_code == 200  # a hand-edited address


def test_the_credential_list_filters_by_expiry_counting_only_the_latest_period(superuser_client):
    today = timezone.localdate()
    program = ProgramFactory()

    def credential(number: str, until: date, **kwargs) -> Credential:
        return Credential.objects.create(
            user=StaffFactory(), program=program, number=number, valid_from=until - timedelta(days=700),
            valid_until=until, **kwargs,
        )  # fmt: skip

    credential("SOON", today + timedelta(days=20))
    renewed = credential("RENEWED", today + timedelta(days=25))
    credential("RENEWAL", today + timedelta(days=25 + 730), previous=renewed)
    credential("LATER", today + timedelta(days=100))
    credential("LAPSED", today - timedelta(days=3))
    url = _url(Credential, "changelist")

    def numbers(value: str) -> list[str]:
        text = superuser_client.get(url, {"expiring": value}).text
        shown = [n for n in ("SOON", "RENEWED", "RENEWAL", "LATER", "LAPSED") if f">{n}<" in text]
        return sorted(shown, key=lambda n: text.index(f">{n}<"))

    assert numbers("30") == ["SOON"]
    assert numbers("180") == ["SOON", "LATER"]  # the soonest to expire first
    assert numbers("lapsed") == ["LAPSED"]
    assert numbers("99999999999") == []  # a hand-edited address: an empty list, not an error
