"""Reading and writing CSV safely: the one module every CSV reader and every CSV export uses.

Reading (:func:`read_rows`) treats the file as hostile. It reads the source one physical line
at a time with a bounded ``readline`` (never the whole file), so a limit is enforced while the
bytes stream in, and it refuses, with a short message naming the line:

- bytes that are not UTF-8 (a byte-order mark on the first line is accepted and dropped);
- a NUL byte (PostgreSQL's COPY and text columns cannot store it);
- a physical line longer than ``max_line_bytes`` (a header of a million columns);
- a field longer than ``max_field_chars`` (also multi-line quoted fields);
- a row with more than ``max_columns`` fields;
- a file larger than ``max_bytes``.

Each refusal is a :class:`CsvRejected` (a ``ValidationFailed``, so 400 in the API and a form
error on the pages) with the line in ``extra["line"]``; nothing the caller does after reading
has happened yet. Echoed input is cut with :func:`shorten`.

Writing (:func:`writer`) neutralises spreadsheet formulas (OWASP "CSV injection"): a text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a
spreadsheet shows it as text instead of running it. Decision: numbers stay numbers. Python
numbers (``int``, ``float``, ``Decimal``) are written as they are, and a text cell that is
entirely a plain decimal number (``-12``, ``+3.5``, ``-1.2e-3``) is left alone too, because
a spreadsheet reads it as that number and never as a formula; ``-1+2`` or ``-SUM(A1)`` are not
plain numbers and get the prefix.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024
MAX_FIELD_CHARS = 10_000
MAX_COLUMNS = 100
SHORT = 60

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class CsvRejected(ValidationFailed):
    """The file cannot be read as CSV at ``line``; nothing was done with it."""

    code = "invalid_csv"

    def __init__(self, line: int, problem: str):
        self.line = line
        self.problem = problem
        super().__init__(_("Line %(line)s: %(problem)s") % {"line": line, "problem": problem}, line=line)


def shorten(text: Any, limit: int = SHORT) -> str:
    """``text`` cut to ``limit`` characters (with an ellipsis), for echoing input in messages."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g}"


class _Lines:
    """The source's physical lines as text, checked one at a time; ``number`` is the last line read."""

    def __init__(self, source: IO[bytes], *, max_bytes: int, max_line_bytes: int):
        self.source = source
        self.max_bytes = max_bytes
        self.max_line_bytes = max_line_bytes
        self.number = 0
        self.total = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            raw = self.source.readline(self.max_line_bytes + 1)
            if not raw:
                return
            self.number += 1
            self.total += len(raw)
            if self.total > self.max_bytes:
                raise CsvRejected(self.number, _("the file is larger than %(size)s MB; split it into several files.")
                                  % {"size": _megabytes(self.max_bytes)})
            if len(raw) > self.max_line_bytes:
                raise CsvRejected(self.number, _("the line is longer than %(size)s MB.")
                                  % {"size": _megabytes(self.max_line_bytes)})
            if self.number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if b"\x00" in raw:
                raise CsvRejected(self.number, _("the line contains a NUL byte (position %(position)s); "
                                                 "the file is not a text CSV file.") % {"position": raw.index(b"\x00") + 1})
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CsvRejected(self.number, _("byte 0x%(byte)02X at position %(position)s is not UTF-8. "
                                                 "Save the file as “CSV UTF-8” and try again.")
                                  % {"byte": raw[exc.start], "position": exc.start + 1}) from None


def read_rows(source: IO[bytes] | bytes | str, *, max_bytes: int = MAX_BYTES, max_line_bytes: int = MAX_LINE_BYTES,
              max_field_chars: int = MAX_FIELD_CHARS, max_columns: int = MAX_COLUMNS) -> Iterator[tuple[int, list[str]]]:
    """``(line number, fields)`` for every record of ``source`` (a binary file, or bytes/str),
    the header included; raises :class:`CsvRejected` at the first line that breaks a rule.

    A binary file is read from its current position. The line number is the physical line on
    which the record ends (the one a text editor shows)."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    lines = _Lines(source, max_bytes=max_bytes, max_line_bytes=max_line_bytes)
    reader = csv.reader(iter(lines))
    while True:
        before = lines.total
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise CsvRejected(lines.number, _("a field is longer than %(limit)s characters.")
                                  % {"limit": max_field_chars}) from None
            raise CsvRejected(lines.number, _("not valid CSV (%(error)s).") % {"error": shorten(exc)}) from None
        if len(record) > max_columns:
            raise CsvRejected(lines.number, _("%(count)s fields; at most %(limit)s are allowed.")
                              % {"count": len(record), "limit": max_columns})
        # A field has at most as many characters as its record has bytes: only a long record is checked.
        if lines.total - before > max_field_chars and any(len(value) > max_field_chars for value in record):
            raise CsvRejected(lines.number, _("a field is longer than %(limit)s characters.")
                              % {"limit": max_field_chars})
        yield lines.number, record


def read_dicts(source, **limits) -> Iterator[dict[str, str]]:
    """Every data row of ``source`` as ``{header: value}`` (like ``csv.DictReader``), read by
    :func:`read_rows` with its checks; short rows get ``""`` for the missing columns."""
    rows = read_rows(source, **limits)
    _line, header = next(rows, (0, None))
    if header is None:
        return
    for _line, record in rows:
        if record:
            yield dict(zip(header, record + [""] * (len(header) - len(record)), strict=False))


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will not run it as a formula (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **options) -> SafeWriter:
    """The CSV writer for every export: ``csv.writer(stream, **options)`` with formula cells neutralised."""
    return SafeWriter(stream, **options)
