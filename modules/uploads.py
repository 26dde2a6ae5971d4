"""Uploaded files are recognised by their content, not their name."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
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
    return content_type
