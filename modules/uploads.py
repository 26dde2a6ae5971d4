"""Uploaded files are recognised by their content, not their name."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A Word file is a zip: what it unpacks to is bounded too (a zip bomb is a small upload that
# unpacks to gigabytes). Real job aids and certificates are far below both.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
CHUNK = 64 * 1024
ALLOWED = "PDF, Word (.docx), PNG or JPEG"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sniff_content_type(upload: UploadedFile) -> str | None:
    """The real type of an upload from its first bytes (and, for .docx, its zip directory)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def zip_check_size(upload: UploadedFile) -> None:
    """Refuse a zip with too many parts or that unpacks to more than MAX_UNZIPPED_BYTES: the
    sizes its directory declares, then the bytes it really unpacks to, read in chunks and
    stopped at the limit (a directory can lie)."""
    too_big = ValidationError(
        f"This Word file unpacks to more than {MAX_UNZIPPED_BYTES // 2**20} MB or has more than "
        f"{MAX_ZIP_ENTRIES} parts, more than any job aid or certificate needs. Please save it again "
        "with smaller pictures, or as a PDF, and upload that."
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            declared = sum(entry.file_size for entry in entries)
            if len(entries) > MAX_ZIP_ENTRIES or declared > MAX_UNZIPPED_BYTES:
                raise too_big
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as part:
                    while chunk := part.read(CHUNK):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNZIPPED_BYTES:
                            raise too_big
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        damaged = "This Word file is damaged and cannot be opened. Please save it again."
        raise ValidationError(damaged) from exc
    finally:
        upload.seek(0)


def validate_upload(upload: UploadedFile) -> str:
    """Return the content type, or raise a ValidationError a person can act on."""
    if upload.size is None or upload.size == 0:
        raise ValidationError("The file is empty.")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; "
            f"the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
        )
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(
            f"This file is not a {ALLOWED} file (whatever its name says). Please upload one of those."
        )
    if content_type == DOCX:
        zip_check_size(upload)
    return content_type
