"""A Word file is a zip: one that unpacks to far more than it weighs (a zip bomb), or has
thousands of parts, is refused with a message, whatever its directory declares."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from modules.models import AidSubmission
from modules.uploads import MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES, validate_upload

from .factories import JobAidFactory, enroll

TOO_BIG = (
    f"This Word file unpacks to more than {MAX_UNZIPPED_BYTES // 2**20} MB or has more than "
    f"{MAX_ZIP_ENTRIES} parts, more than any job aid or certificate needs. "
    "Please save it again with smaller pictures, or as a PDF, and upload that."
)


def bomb(unpacked: int = 2 * MAX_UNZIPPED_BYTES) -> bytes:
    """A small .docx whose document unpacks to `unpacked` bytes of zeros (written in chunks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\x00" * 2**20
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()


def declaring(data: bytes, size: int) -> bytes:
    """The same zip with every entry's declared unpacked size set to `size` (a lying directory)."""
    patched = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    for entry in archive.infolist():
        local = entry.header_offset
        patched[local + 22 : local + 26] = size.to_bytes(4, "little")
    directory = patched.find(b"PK\x01\x02")
    while directory != -1:
        patched[directory + 24 : directory + 28] = size.to_bytes(4, "little")
        directory = patched.find(b"PK\x01\x02", directory + 4)
    return bytes(patched)


@pytest.fixture(scope="module")
def bomb_bytes() -> bytes:
    return bomb()


def test_a_zip_bomb_job_aid_is_refused_with_a_message(client, db, bomb_bytes):
    assert len(bomb_bytes) < 1024 * 1024  # under a megabyte, unpacking to 100 MB
    aid = JobAidFactory()
    user = UserFactory()
    enroll(user, aid.module.program)
    client.force_login(user)
    response = client.post(
        reverse("modules:aid_upload", args=[aid.module.pk, aid.pk]),
        {f"aid{aid.pk}-file": SimpleUploadedFile("aid.docx", bomb_bytes)},
    )
    assert response.status_code == 400
    assert TOO_BIG in response.content.decode()
    assert not AidSubmission.objects.exists()


def test_a_zip_bomb_whose_directory_lies_about_its_size_is_refused(bomb_bytes):
    lying = declaring(bomb_bytes, 1000)
    assert sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(lying)).infolist()) == 2000
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("evidence.docx", lying))
    # unpacking stops at the declared size, where the checksum is wrong
    assert refused.value.messages == ["This Word file is damaged and cannot be opened. Please save it again."]


def test_a_word_file_with_thousands_of_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for number in range(MAX_ZIP_ENTRIES):
            archive.writestr(f"word/media/{number}.xml", "")
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("evidence.docx", buffer.getvalue()))
    assert refused.value.messages == [TOO_BIG]


def test_a_word_file_just_under_the_limit_is_accepted():
    data = bomb(unpacked=MAX_UNZIPPED_BYTES - 2**20)
    assert validate_upload(SimpleUploadedFile("aid.docx", data)) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
