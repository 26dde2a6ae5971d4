"""Private files (CE evidence, job-aid uploads, certificate PDFs): random stored names, served
only by access-checked views, never by /media/, under `make run` (DEBUG) as in production."""

import importlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from django.utils.http import content_disposition_header

from accounts.models import User
from accounts.tests.factories import UserFactory
from certificates.tests.factories import issue
from modules.services import aid_submission_create
from modules.tests.factories import JobAidFactory
from programs.tests.factories import ProgramFactory
from recertification.models import CEActivity
from recertification.services import ce_activity_log

from .staff_helpers import staff_member

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def log_evidence(user: User, name: str = "Attendance – June.pdf") -> CEActivity:
    return ce_activity_log(
        user=user, program=ProgramFactory(), kind="course", title="Workshop", provider="",
        day=date(2026, 6, 1), hours=Decimal("2"), notes="", evidence=SimpleUploadedFile(name, PDF),
    )  # fmt: skip


@dataclass
class PrivateFile:
    url: str
    owner: User
    perm: str
    content: bytes
    filename: str


def evidence_file() -> PrivateFile:
    owner = UserFactory()
    activity = log_evidence(owner)
    url = reverse("recertification:evidence", args=[activity.pk])
    return PrivateFile(url, owner, "recertification.view_ceactivity", PDF, "Attendance – June.pdf")


def aid_file() -> PrivateFile:
    owner = UserFactory()
    upload = SimpleUploadedFile("my worksheet.pdf", PDF)
    submission = aid_submission_create(user=owner, job_aid=JobAidFactory(), upload=upload)
    url = reverse("modules:submission", args=[submission.pk])
    return PrivateFile(url, owner, "modules.view_aidsubmission", PDF, "my worksheet.pdf")


def certificate_file() -> PrivateFile:
    certificate = issue()
    with certificate.pdf.open("rb") as handle:
        content = handle.read()
    url = reverse("certificates:pdf", args=[certificate.pk])
    filename = f"certificate-{certificate.display_code}.pdf"
    return PrivateFile(url, certificate.user, "certificates.view_certificate", content, filename)


KINDS = {"ce_evidence": evidence_file, "aid_upload": aid_file, "certificate": certificate_file}


def downloaded(response, filename: str) -> bytes:
    assert response.status_code == 200
    assert response["Content-Disposition"] == content_disposition_header(True, filename)
    assert response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_private_file_goes_to_its_owner_and_to_verified_staff_with_permission_only(client, kind):
    private = KINDS[kind]()
    response = client.get(private.url)  # anonymous: to the sign-in page, nothing of the file
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('account_login')}?next={private.url}",
    )
    client.force_login(UserFactory())
    assert client.get(private.url).status_code == 404
    client.force_login(staff_member(totp=False, superuser=True))  # all permissions, no second factor
    assert client.get(private.url).status_code == 404
    client.force_login(staff_member(totp=True))  # second factor, no permission
    assert client.get(private.url).status_code == 404
    client.force_login(private.owner)
    assert downloaded(client.get(private.url), private.filename) == private.content
    client.force_login(staff_member(totp=True, perms=(private.perm,)))
    assert downloaded(client.get(private.url), private.filename) == private.content


@pytest.mark.django_db
def test_uploads_are_stored_under_random_names_keeping_the_given_name_for_the_download():
    owner = UserFactory()
    activity = log_evidence(owner, name="Jane Doe attendance.pdf")
    submission = aid_submission_create(
        user=owner, job_aid=JobAidFactory(), upload=SimpleUploadedFile("Jane Doe worksheet.pdf", PDF)
    )
    assert re.fullmatch(r"uploads/ce/[0-9a-f]{32}", activity.evidence.name)
    assert re.fullmatch(r"uploads/aids/[0-9a-f]{32}", submission.file.name)
    assert (activity.evidence_name, activity.evidence_type) == ("Jane Doe attendance.pdf", "application/pdf")
    assert submission.original_name == "Jane Doe worksheet.pdf"


@pytest.mark.django_db
def test_evidence_stored_under_its_old_name_stays_downloadable(client):
    owner = UserFactory()
    activity = log_evidence(owner)
    old_name = default_storage.save("uploads/ce/old certificate.pdf", ContentFile(PDF))
    CEActivity.objects.filter(pk=activity.pk).update(evidence=old_name, evidence_name="", evidence_type="")
    client.force_login(owner)
    response = client.get(reverse("recertification:evidence", args=[activity.pk]))
    assert downloaded(response, "old certificate.pdf") == PDF
    assert response["Content-Type"] == "application/octet-stream"


@pytest.mark.django_db
def test_owner_sees_a_link_to_their_evidence_on_the_ce_page(client):
    from recertification.models import Credential

    owner = UserFactory()
    activity = log_evidence(owner)
    Credential.objects.create(
        user=owner, program=activity.program, number="CLP-1", valid_from=date(2025, 1, 1),
        valid_until=date(2099, 1, 1),
    )  # fmt: skip
    client.force_login(owner)
    html = client.get(reverse("recertification:ce")).content.decode()
    assert f'<a href="{reverse("recertification:evidence", args=[activity.pk])}">evidence</a>' in html


@pytest.mark.django_db
def test_admin_links_evidence_and_certificate_pdfs_to_the_checked_views(client):
    activity = log_evidence(UserFactory())
    certificate = issue()
    client.force_login(staff_member(totp=True, superuser=True))
    html = client.get(reverse("admin:recertification_ceactivity_change", args=[activity.pk])).content.decode()
    url = reverse("recertification:evidence", args=[activity.pk])
    assert f'<a href="{url}">Attendance – June.pdf</a>' in html
    assert "/media/" not in html
    html = client.get(
        reverse("admin:certificates_certificate_change", args=[certificate.pk])
    ).content.decode()
    assert f'<a href="{reverse("certificates:pdf", args=[certificate.pk])}">Download</a>' in html
    assert "/media/" not in html


@pytest.fixture
def debug_site(settings, tmp_path):
    """The URLs and files of `make run`: DEBUG on, uploads on disk under MEDIA_ROOT."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    login = admin.site.login
    urls = importlib.import_module("config.urls")
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(urls)
    admin.site.login = login  # config.urls wraps it once per import
    clear_url_caches()


@pytest.mark.django_db
def test_media_serves_no_private_file_under_debug(client, debug_site):
    owner = UserFactory()
    names = [
        log_evidence(owner).evidence.name,
        aid_submission_create(
            user=owner, job_aid=JobAidFactory(), upload=SimpleUploadedFile("w.pdf", PDF)
        ).file.name,
        issue(user=owner).pdf.name,
    ]
    client.force_login(owner)  # even the owner: private files never go through /media/
    assert [client.get(f"/media/{name}").status_code for name in names] == [404, 404, 404]
    photo = default_storage.save("instructors/jane.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    response = client.get(f"/media/{photo}")  # public uploads still show
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"
    response.close()
    assert client.get(f"/media/instructors/../{names[0]}").status_code == 404
