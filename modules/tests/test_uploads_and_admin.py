import io
import zipfile

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from modules.models import AidSubmission, Question
from modules.services import attempt_start, attempt_submit
from modules.uploads import MAX_UPLOAD_BYTES

from .factories import AssessmentFactory, JobAidFactory, ModuleFactory, add_question, enroll

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, aid, name: str, content: bytes, prefix=True):
    field = f"aid{aid.pk}-file" if prefix else "file"
    return client.post(
        reverse("modules:aid_upload", args=[aid.module.pk, aid.pk]),
        {field: SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def learner(client):
    aid = JobAidFactory()
    user = UserFactory()
    enroll(user, aid.module.program)
    client.force_login(user)
    return client, aid, user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("aid.pdf", PDF, "application/pdf"),
        ("aid.png", PNG, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        ("aid.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_good_uploads_are_kept_with_their_real_type(learner, name, content, content_type):
    client, aid, user = learner
    data = content or docx_bytes()  # built once: a zip carries the second it was written
    response = upload(client, aid, name, data)
    assert response.status_code == 302
    submission = AidSubmission.objects.get(user=user)
    assert (submission.original_name, submission.content_type) == (name, content_type)
    download = client.get(reverse("modules:submission", args=[submission.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"just some text pretending to be a PDF"),  # a lying extension
        ("script.exe", b"MZ\x90\x00"),  # the wrong type
        ("fake.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_uploads_with_wrong_content_are_refused_clearly(learner, name, content):
    client, aid, _ = learner
    response = upload(client, aid, name, content)
    assert response.status_code == 400
    assert "is not a PDF, Word (.docx), PNG or JPEG file" in response.content.decode()
    assert not AidSubmission.objects.exists()


@pytest.mark.django_db
def test_oversized_upload_is_refused_clearly(learner):
    client, aid, _ = learner
    response = upload(client, aid, "big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    assert response.status_code == 400
    assert "the limit is 10 MB" in response.content.decode()
    assert not AidSubmission.objects.exists()


@pytest.mark.django_db
def test_someone_elses_upload_is_404_but_verified_staff_may_open_it(learner, client):
    owner_client, aid, _ = learner
    upload(owner_client, aid, "aid.pdf", PDF)
    submission = AidSubmission.objects.get()
    owner_client.logout()
    owner_client.force_login(UserFactory())
    assert owner_client.get(reverse("modules:submission", args=[submission.pk])).status_code == 404
    owner_client.logout()
    assert owner_client.get(reverse("modules:submission", args=[submission.pk])).status_code == 302
    staff = StaffFactory()
    owner_client.force_login(staff)  # no second factor: no more than a participant
    assert owner_client.get(reverse("modules:submission", args=[submission.pk])).status_code == 404
    TOTP.activate(staff, generate_totp_secret())
    assert owner_client.get(reverse("modules:submission", args=[submission.pk])).status_code == 200


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def choice_formset(rows: list[tuple[str, bool]]) -> dict:
    data = {
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, (text, correct) in enumerate(rows):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-order"] = str(i)
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data


@pytest.mark.django_db
def test_admin_refuses_question_without_correct_choice(staff_client):
    assessment = AssessmentFactory()
    base = {"assessment": assessment.pk, "kind": "single", "text": "What?", "feedback": "", "order": "0"}
    url = reverse("admin:modules_question_add")
    response = staff_client.post(url, {**base, **choice_formset([("A", False), ("B", False)])})
    assert response.status_code == 200
    assert "a question without one cannot be saved" in response.content.decode()
    assert not Question.objects.exists()
    response = staff_client.post(url, {**base, **choice_formset([("A", True), ("B", True)])})
    assert "exactly one correct choice" in response.content.decode()
    response = staff_client.post(url, {**base, **choice_formset([("A", True), ("B", False)])})
    assert response.status_code == 302
    assert Question.objects.get().choices.filter(is_correct=True).count() == 1


@pytest.mark.django_db
def test_admin_results_view_and_csv(staff_client):
    module = ModuleFactory()
    hard = add_question(module.assessment, "single", [("right", True), ("wrong", False)], "Hard one")
    easy = add_question(module.assessment, "single", [("right", True), ("wrong", False)], "Easy one")
    for passing in (True, False):
        user = UserFactory()
        attempt = attempt_start(user=user, assessment=module.assessment)
        answers = {str(easy.pk): [str(easy.choices.get(is_correct=True).pk)]}
        if passing:
            answers[str(hard.pk)] = [str(hard.choices.get(is_correct=True).pk)]
        attempt_submit(attempt=attempt, answers=answers)
    html = staff_client.get(reverse("admin:modules_module_results", args=[module.pk])).content.decode()
    assert "<tr><th>Passed</th><td>1 (50.0%)</td></tr>" in html
    assert "<tr><th>Average score</th><td>75.0%</td></tr>" in html
    assert html.index("Hard one") < html.index("Easy one")
    response = staff_client.get(reverse("admin:modules_module_results", args=[module.pk]) + "?format=csv")
    csv_text = b"".join(response.streaming_content).decode()
    assert f"{module.title},2,2,1,50.0,75.0" in csv_text
    assert "Hard one,2,50.0" in csv_text


@pytest.mark.django_db
def test_results_count_every_attempt_and_score_questions_from_the_latest(staff_client):
    from datetime import timedelta

    from modules.models import Attempt
    from modules.results import module_results

    module = ModuleFactory()
    question = add_question(module.assessment, "single", [("right", True), ("wrong", False)], "Only one")
    right, wrong = (str(question.choices.get(is_correct=flag).pk) for flag in (True, False))
    for answer, days_ago in ((wrong, 30), (right, 1)):
        attempt = attempt_start(user=UserFactory(), assessment=module.assessment)
        attempt_submit(attempt=attempt, answers={str(question.pk): [answer]})
        Attempt.objects.filter(pk=attempt.pk).update(started_at=attempt.started_at - timedelta(days=days_ago))
    results = module_results(module=module, sample=1)
    assert (results.attempts, results.people, results.passed_people, results.average_score) == (2, 2, 1, 50.0)
    [stat] = results.questions
    assert (stat.asked, stat.percent_right) == (1, 100.0)  # the latest attempt only
    html = staff_client.get(reverse("admin:modules_module_results", args=[module.pk])).content.decode()
    assert "From the latest 2 attempts." in html


@pytest.mark.django_db
def test_results_count_each_person_once_and_leave_out_attempts_in_progress():
    """Attempts are counted each, people once (passed once they passed any attempt), the average
    over every finished attempt; an attempt still being taken counts for nothing yet."""
    from django.utils import timezone

    from modules.models import Attempt
    from modules.results import module_results

    module = ModuleFactory()
    drawn = {"started_at": timezone.now(), "question_ids": [], "choice_order": {}}
    retaker, other, taking = UserFactory(), UserFactory(), UserFactory()
    rows = [(retaker, 1, False, 40), (retaker, 2, True, 90), (other, 1, False, 20)]
    for user, number, passed, score in rows:
        Attempt.objects.create(
            user=user, assessment=module.assessment, number=number, state=Attempt.State.SUBMITTED,
            passed=passed, score_percent=score, **drawn,
        )  # fmt: skip
    Attempt.objects.create(user=taking, assessment=module.assessment, number=1, **drawn)  # in progress
    results = module_results(module=module)
    assert (results.attempts, results.people, results.passed_people) == (3, 2, 1)
    assert results.average_score == 50.0  # (40 + 90 + 20) / 3
