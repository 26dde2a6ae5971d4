"""Every admin page a staff member opens answers (no 500), and the enrollment CSV tools work."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.contrib.admin.templatetags import admin_urls
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import StaffFactory, UserFactory
from practicums.services import registration_create
from practicums.tests.factories import PracticumFactory
from programs.models import Enrollment


@pytest.fixture
def staff(db):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    return staff


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_every_admin_changelist_and_add_page_answers(staff_client, staff, rf):
    practicum = PracticumFactory()
    registration_create(user=UserFactory(), program=practicum.program, practicum_ids=[practicum.pk])
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert staff_client.get(changelist).status_code == 200, changelist
        request = rf.get("/admin/")
        request.user = staff
        if model_admin.has_add_permission(request):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert staff_client.get(add).status_code == 200, add
        first = model._default_manager.first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert staff_client.get(change).status_code == 200, change


@pytest.mark.django_db
def test_admin_csv_import_reports_bad_line(staff_client, django_capture_on_commit_callbacks):
    practicum = PracticumFactory()
    upload = SimpleUploadedFile(
        "people.csv", b"name,email\nAna,ana@example.org\nBad,not-an-email\n", "text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:programs_enrollment_import"),
            {"program": practicum.program.pk, "practicum": practicum.pk, "file": upload},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 enrolled (1 new accounts invited); 1 rows need attention." in html
    assert "<td>3</td><td>“not-an-email” is not a valid email address</td>" in html
    assert Enrollment.objects.get().user.email == "ana@example.org"


@pytest.mark.django_db
def test_admin_enrollment_csv_export(staff_client):
    practicum = PracticumFactory(title="Practicum — Denver")
    user = UserFactory(full_name="Ana Example")
    registration_create(user=user, program=practicum.program, practicum_ids=[practicum.pk])
    response = staff_client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "export_csv", "_selected_action": [Enrollment.objects.get().pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "name,email,organization,program,status,registered_at,access_opens_at,practicums"
    assert lines[1].startswith(f"Ana Example,{user.email},")
    assert lines[1].endswith("Practicum — Denver (Confirmed)")


@pytest.mark.django_db
def test_admin_index_names_each_app_once(staff_client):
    names = [app["name"] for app in staff_client.get("/admin/").context["app_list"]]
    assert len(names) == len(set(names)), names
    assert "People" in names


@pytest.mark.django_db
def test_every_admin_form_field_has_an_accessible_name(staff_client):
    """Inline rows and list columns have no <label> per input: each widget gets an aria-label
    from its field's label, on every registered ModelAdmin (ours and the libraries')."""
    from practicums.models import Practicum
    from practicums.tests.factories import make_session

    practicum = PracticumFactory()
    start = practicum.created_at
    make_session(practicum, "Day 1", start, start + timedelta(hours=8))
    html = staff_client.get(
        reverse("admin:practicums_practicum_change", args=[practicum.pk])
    ).content.decode()
    assert re.search(r'<input [^>]*aria-label="Title"[^>]*id="id_sessions-0-title"', html)
    assert 'aria-label="Status" id="id_sessions-0-status"' in html
    assert 'aria-label="Delete this session"' in html
    for model_admin in admin.site._registry.values():
        assert type(model_admin).__mro__[1].__name__ == "AccessibleFieldsMixin", type(model_admin)
    assert Practicum.objects.count() == 1


@pytest.mark.django_db
def test_a_filtered_lists_row_links_carry_its_filters_as_django_writes_them(staff_client, monkeypatch):
    """core.admin.QuickRowsChangeList writes each row's link without resolving it: the links
    are Django's own, so saving a row still returns to the filtered, ordered list."""
    UserFactory.create_batch(3)
    url = reverse("admin:accounts_user_changelist")
    resolved = []
    resolve = admin_urls.resolve
    monkeypatch.setattr(admin_urls, "resolve", lambda path: resolved.append(path) or resolve(path))

    def row_links() -> list[str]:
        resolved.clear()
        html = staff_client.get(url, {"is_staff__exact": "0", "o": "2"}).content.decode()
        return re.findall(r'<a href="(/admin/accounts/user/\d+/change/[^"]*)"', html)

    ours = row_links()
    assert not any("/change/" in path for path in resolved)  # no row's address resolved
    model_admin = admin.site._registry[User]
    monkeypatch.setattr(type(model_admin), "get_changelist", admin.ModelAdmin.get_changelist)
    assert ours == row_links()
    assert len(ours) == 3
    assert len([path for path in resolved if "/change/" in path]) == 3
    assert all(link.endswith("?_changelist_filters=is_staff__exact%3D0%26o%3D2") for link in ours), ours


def test_row_urls_reversed_once_are_the_urls_reverse_gives():
    from django.urls import get_script_prefix, set_script_prefix

    from core.admin import list_url, row_url

    before = get_script_prefix()
    try:
        for prefix in ("/", "/credo/"):
            set_script_prefix(prefix)
            for pk in (1, 42, 987654321):
                for name in ("admin:practicums_practicum_sheet", "admin:accounts_user_change"):
                    assert row_url(name, pk) == reverse(name, args=[pk])
            assert list_url("admin:practicums_registration_changelist") == reverse(
                "admin:practicums_registration_changelist"
            )
    finally:
        set_script_prefix(before)
