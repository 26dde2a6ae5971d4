"""CSV downloads: one helper for every admin export.

Rows are written one at a time to the response as the client reads it, from querysets read in
chunks (`streamed`), so a large export never sits in memory whole; text that a spreadsheet would
run as a formula is neutralised.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse

# Rows fetched per database round trip (and per prefetch_related query) while an export streams.
EXPORT_CHUNK_SIZE = 2000

M = TypeVar("M", bound=Model)

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets (a name such as =HYPERLINK("…") would become a link) — OWASP "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: object) -> object:
    """A text cell that starts like a formula gets a leading single quote, so spreadsheets show
    it as text. Only text is touched: numbers and dates written by our code stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def streamed(queryset: QuerySet[M]) -> Iterator[M]:
    """The rows of `queryset` a chunk at a time, never all kept (no result cache): what every
    export iterates, so memory stays flat whatever the number of rows."""
    return queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)


class _Echo:
    """A file-like object whose write() hands back what it was given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_response(*, filename: str, rows: Iterable[Sequence[object]]) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` (the header is simply the first row)."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([csv_safe_cell(cell) for cell in row]) for row in rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
