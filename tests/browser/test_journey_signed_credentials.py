"""Issue #18 "Done when", as people do it in a browser: a teacher completes a module, downloads the
baked badge and the signed PDF from My Certificates; a verifier with no access to our database
(badges/tests/outside_verifier.py, its own process) says valid; pdfsig (trusting the demo CA)
says the PDF's signature is valid and trusted and that a copy with one changed byte is broken,
and /verify/ says the same of both uploads; staff revoke the certificate in the admin and the
same outside verifier then says revoked (the status list is cached for 60 s at most)."""

import re
import threading

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from accounts.tests.factories import StaffFactory, UserFactory
from badges.tests.test_outside_verifier import outside_verify
from modules.services import attempt_start, attempt_submit, lesson_mark_done, module_complete
from modules.tests.factories import LessonFactory, ModuleFactory, add_question, enroll
from programs.tests.factories import ProgramFactory
from signing.keys import signer_forget
from signing.tests.fixtures import one_byte_changed, pdfsig
from tests.browser.conftest import submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def module_completed(user, title: str) -> None:
    """The real completion path: the lesson done, the assessment passed, the module completed
    (which issues the certificate; its PDF is rendered and signed by the eager worker task)."""
    program = ProgramFactory(title="Foundations for Implementation")
    module = ModuleFactory(program=program, title=title, is_on_demand=True)
    LessonFactory(module=module, title="The big idea")
    question = add_question(module.assessment, "single", [("Right", True), ("Wrong", False)], "Where?")
    enroll(user, program)
    lesson_mark_done(user=user, lesson=module.lessons.get())
    attempt = attempt_start(user=user, assessment=module.assessment)
    attempt_submit(
        attempt=attempt, answers={str(question.pk): [str(question.choices.get(is_correct=True).pk)]}
    )
    module_complete(user=user, module=module)


def elsewhere(work, *args) -> None:
    """Run `work` in a thread of its own, as a request or a worker would: Playwright's event loop
    runs in the test's thread, and pyHanko's signing runs one of its own (per thread: closed
    when the thread is done)."""

    def run() -> None:
        try:
            work(*args)
        finally:
            signer_forget()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def download(page, link, target):
    with page.expect_download() as info:
        link.click()
    info.value.save_as(target)
    return target


def test_teacher_downloads_badge_and_signed_pdf_verified_outside_then_staff_revoke(
    journey, signing_on, tmp_path
):
    teacher = UserFactory(email="teacher@example.org", full_name="Taylor Teacher")
    elsewhere(module_completed, teacher, "Writing learning objectives")

    j = journey()
    j.go("/accounts/login/")
    j.log_in(teacher.email)
    page = j.visit("/me/certificates/", shot="my-certificates")
    badge = download(page, page.get_by_role("link", name="Badge (PNG) for Writing learning objectives"),
                     tmp_path / "badge.png")  # fmt: skip
    pdf = download(page, page.get_by_role("link", name="PDF", exact=True), tmp_path / "certificate.pdf")

    before = outside_verify(badge)
    assert (before["verdict"], before["name"]) == ("valid", "Writing learning objectives")
    assert int(re.search(r"max-age=(\d+)", before["cache_control"]).group(1)) <= 60

    report = pdfsig(pdf.read_bytes(), ca=signing_on.ca, directory=tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Total document signed" in report
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(one_byte_changed(pdf.read_bytes()))
    assert "Signature Validation: Digest Mismatch." in pdfsig(changed.read_bytes(), ca=signing_on.ca,
                                                              directory=tmp_path)  # fmt: skip

    page = j.visit("/verify/")
    page.set_input_files("#id_pdf", str(pdf))
    submit(page)
    expect(page.locator(".verdict-box")).to_contain_text("Genuine file, unchanged since we signed it.")
    j.axe()
    page.set_input_files("#id_pdf", str(changed))
    submit(page)
    expect(page.locator(".verdict-box")).to_contain_text("Changed after signing.")
    j.axe()

    staff = StaffFactory(email="registrar@example.org")
    TOTP.activate(staff, SECRET)
    admin = journey("-staff")
    page = admin.log_in_to_admin(staff.email, SECRET)
    page = admin.go("/admin/certificates/certificate/")
    page.get_by_role("checkbox", name="Select this object for an action").first.check()
    page.select_option("select[name=action]", "revoke")
    page.click("button[name=index]")
    expect(page.get_by_role("heading", name="Revoke certificates")).to_be_visible()
    admin.axe()
    page.fill("#id_reason", "Issued in error")
    page.get_by_role("button", name="Revoke 1 certificate").click()
    expect(page.locator(".messagelist")).to_contain_text("Revoked 1 certificate(s).")

    assert outside_verify(badge) == {**before, "verdict": "revoked"}
    page = j.visit("/me/certificates/")
    expect(page.locator(".cert-table")).to_contain_text("Revoked")
