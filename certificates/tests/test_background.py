"""Certificates are queued in the earning transaction, issued by a worker once it commits
(decision 0027) and rendered by a worker in turn (issue #18 §0): what is saved at once, the
tasks, their recovery, and what people see meanwhile."""

import hashlib
import io
import zipfile
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from certificates import services
from certificates.models import Certificate, CertificateEvent
from certificates.services import certificate_reissue, certificate_render
from certificates.tasks import issue as issue_task
from certificates.tasks import nightly_batch, render, render_missing
from modules.services import module_complete
from modules.tests.factories import ModuleFactory, enroll
from outbox.models import OutboxMessage
from practicums.models import SetCompletion
from practicums.tests.factories import PracticumFactory, make_session, register
from programs.tests.factories import SeriesFactory

from .factories import issue

pytestmark = pytest.mark.django_db
REFRESH = "/js/preparing.js"  # checks again by itself; never a <meta> refresh (WCAG 2.2.1)


def stored_files() -> set[str]:
    """The certificate files of November 2026 (the storage outlives a test: compare before/after)."""
    if not default_storage.exists("certificates/2026/11"):
        return set()
    return {f"certificates/2026/11/{name}" for name in default_storage.listdir("certificates/2026/11")[1]}


def test_issuing_saves_the_certificate_and_queues_its_pdf_for_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = issue(rendered=False)
    assert (certificate.pdf.name, certificate.pdf_sha256) == ("", "")
    assert list(certificate.events.values_list("action", flat=True)) == [CertificateEvent.Action.ISSUED]
    assert list(OutboxMessage.objects.values_list("task_name", "kwargs")) == [
        ("certificates.render", {"certificate_id": certificate.pk})
    ]
    for callback in callbacks:  # the commit: the outbox publishes, the (eager) task renders
        callback()
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    assert OutboxMessage.objects.count() == 0


def test_a_check_in_that_completes_a_set_queues_its_certificate_and_does_no_certificate_work(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    practicum = PracticumFactory(program=SeriesFactory(), title="Virtual Sessions 1–6")
    register(user, practicum)
    now = timezone.now()
    session = make_session(practicum, "Session 1", now - timedelta(minutes=30), now + timedelta(minutes=30))
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("practicums:attendance"), {"code": session.code})
    assert response.status_code == 302
    completion = SetCompletion.objects.get(user=user, practicum=practicum)
    assert not Certificate.objects.exists()  # nothing issued in the request …
    queued = OutboxMessage.objects.filter(task_name__startswith="certificates.")
    assert list(queued.values_list("task_name", "kwargs")) == [  # … only queued with it
        ("certificates.issue", {"kind": "set", "completion_id": completion.pk})
    ]
    told = client.get(response["Location"]).content.decode()
    assert "Your certificate of completion will be in My Certificates in a moment" in told
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:  # the commit: the worker issues it, and then renders its PDF
            callback()
    certificate = Certificate.objects.get(user=user)
    assert (certificate.kind, certificate.title) == (Certificate.Kind.SET, "Virtual Sessions 1–6")
    assert certificate.earned_on == completion.completed_on
    assert certificate.pdf
    assert not OutboxMessage.objects.filter(task_name__startswith="certificates.").exists()


def test_a_completion_rolled_back_queues_no_certificate():
    user, module = UserFactory(), ModuleFactory(is_on_demand=True)
    enroll(user, module.program)
    queued_inside: list[int] = []

    def complete_then_fail() -> None:
        with transaction.atomic():
            module_complete(user=user, module=module)
            queued_inside.append(OutboxMessage.objects.filter(task_name="certificates.issue").count())
            raise RuntimeError("the request failed after the completion")

    with pytest.raises(RuntimeError):
        complete_then_fail()
    assert queued_inside == [1]
    assert not OutboxMessage.objects.exists()
    assert not Certificate.objects.exists()


def test_the_issue_task_is_safe_twice_and_skips_what_earns_no_certificate(django_capture_on_commit_callbacks):
    user = UserFactory()
    on_demand, graded = ModuleFactory(is_on_demand=True), ModuleFactory(is_on_demand=False)
    with django_capture_on_commit_callbacks(execute=False):
        module_complete(user=user, module=graded)  # a certification's module: no certificate of its own
        completion = module_complete(user=user, module=on_demand)
    queued = list(OutboxMessage.objects.values_list("kwargs", flat=True))
    assert queued == [{"kind": "module", "completion_id": completion.pk}]
    first = issue_task.apply(kwargs=queued[0]).get()
    assert issue_task.apply(kwargs=queued[0]).get() == first  # a redelivery returns the same one
    certificate = Certificate.objects.get()
    assert (certificate.pk, certificate.module, certificate.title) == (first, on_demand, on_demand.title)
    assert issue_task.apply(kwargs={"kind": "set", "completion_id": 10**9}).get() is None  # gone


def test_rendering_twice_or_at_once_keeps_one_file(monkeypatch):
    certificate = issue(rendered=False)
    before = stored_files()
    store = services._store_pdf

    def racing(certificate):  # another worker stores the PDF while this one renders
        store(certificate)
        monkeypatch.setattr(services, "_store_pdf", store)
        assert certificate_render(certificate_id=certificate.pk) is True

    monkeypatch.setattr(services, "_store_pdf", racing)
    assert certificate_render(certificate_id=certificate.pk) is False  # the other one won
    assert certificate_render(certificate_id=certificate.pk) is False  # and a redelivery does nothing
    assert render.apply(kwargs={"certificate_id": certificate.pk}).get() is False
    certificate.refresh_from_db()
    assert stored_files() - before == {certificate.pdf.name}


def test_the_sweep_renders_a_certificate_whose_task_was_lost():
    lost = issue(key="module:1", rendered=False)  # the commit's task never ran
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        recent = issue(key="module:2", rendered=False)  # its task may still be on its way
        assert render_missing.apply().get() == 1
        assert render_missing.apply().get() == 0
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert (bool(lost.pdf), bool(recent.pdf)) == (True, False)


def test_beat_runs_the_render_sweep_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["render-missing-certificates"]
    assert (entry["task"], entry["schedule"]) == ("certificates.render_missing", 300)


def test_a_reissue_renders_its_new_version_in_the_background(django_capture_on_commit_callbacks):
    certificate = issue()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = certificate_reissue(certificate=certificate, by=StaffFactory(), reason="Name corrected")
    assert not new.pdf
    for callback in callbacks:
        callback()
    new.refresh_from_db()
    assert new.pdf
    assert new.pdf_sha256 != certificate.pdf_sha256


def test_my_certificates_says_it_is_being_prepared_and_refreshes_only_until_then(client):
    certificate = issue(rendered=False)
    client.force_login(certificate.user)
    download = reverse("certificates:pdf", args=[certificate.pk])
    html = client.get(reverse("certificates:mine")).content.decode()
    assert "Your certificate is being prepared" in html
    assert download not in html
    assert REFRESH in html
    assert "http-equiv" not in html
    certificate_render(certificate_id=certificate.pk)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert "being prepared" not in html
    assert download in html
    assert REFRESH not in html


def test_the_record_and_its_cached_page_show_the_download_once_the_pdf_is_stored(client):
    """The record is a cached page: storing the PDF (a QuerySet.update of the row) renews it."""
    user = UserFactory()
    module = ModuleFactory(is_on_demand=True)
    enroll(user, module.program)
    certificate = issue(user, module.program, key=f"module:{module.pk}", rendered=False)
    client.force_login(user)
    download = reverse("certificates:pdf", args=[certificate.pk])
    for _ in range(2):  # the second from the page cache
        html = client.get(reverse("certificates:record")).content.decode()
        assert "Your certificate is being prepared" in html
        assert download not in html
    certificate_render(certificate_id=certificate.pk)
    html = client.get(reverse("certificates:record")).content.decode()
    assert "being prepared" not in html
    assert download in html


def test_the_download_before_the_file_exists_is_a_friendly_page(client):
    certificate = issue(rendered=False)
    client.force_login(certificate.user)
    response = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your certificate is being prepared" in html
    assert REFRESH in html
    assert "http-equiv" not in html
    assert certificate.get_verify_url() in html
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(UserFactory())
    assert client.get(reverse("certificates:pdf", args=[certificate.pk])).status_code == 404
    certificate_render(certificate_id=certificate.pk)
    client.force_login(certificate.user)
    response = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_the_zip_leaves_out_a_certificate_being_prepared(client):
    user = UserFactory()
    ready = issue(user, key="module:1")
    issue(user, key="module:2", title="Another module", rendered=False)
    client.force_login(user)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("certificates:zip")).content))
    assert [name.endswith(f"{ready.display_code}.pdf") for name in archive.namelist()] == [True]


def test_verify_by_code_works_before_the_pdf_exists(client):
    certificate = issue(UserFactory(full_name="Ana Example"), rendered=False)
    html = client.get(certificate.get_verify_url()).content.decode()
    assert "<strong>Valid.</strong>" in html
    assert "Ana Example" in html


def test_the_nightly_email_renders_a_pdf_that_is_still_missing():
    """Render then rather than skip: the email goes tonight, complete, even if the task was lost."""
    certificate = issue(UserFactory(email="late@example.org"), earned_on=date(2026, 11, 20), rendered=False)
    nightly_batch.apply(kwargs={"run_for": "2026-11-20"})
    certificate.refresh_from_db()
    assert [m.to for m in mail.outbox] == [["late@example.org"]]
    ((name, content, kind),) = mail.outbox[0].attachments
    assert (name, kind) == (f"certificate-{certificate.display_code}.pdf", "application/pdf")
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256 != ""
    assert certificate.email_state == Certificate.Email.SENT
