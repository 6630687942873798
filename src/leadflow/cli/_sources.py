"""Reading input rows from CSV or JSON Lines files (or standard input), one at a time."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import re
import sys
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final, NamedTuple, TextIO

from leadflow.cli._errors import _UsageError
from leadflow.records import (
    RECORD_FIELDS,
    canonical_field,
)

_FORMATS: Final = ("csv", "jsonl")
#: The longest CSV value read by default, in characters (``--max-field-size``): 1 MiB.
MAX_FIELD_SIZE: Final = 1 << 20
#: Lines read ahead past a too-long value, looking for its closing quote, stay in memory
#: up to this many characters; more go to a temporary file.
_SPOOL_IN_MEMORY: Final = 8 << 20
_SUFFIXES: Final = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


class _Row(NamedTuple):
    """One data row of the input.

    ``number`` counts data rows from 1 (a CSV header is not a row; blank lines are
    skipped and are not rows); ``line`` is the physical line the row starts on (a CSV
    header is line 1). ``data`` is what the row holds: a record (a mapping of field
    names to values) or, for ``funnel``, any JSON value. When the row could not be
    read at all, ``problems`` says why, as ``(path, reason)`` pairs.
    """

    number: int
    line: int
    data: Any
    problems: tuple[tuple[str, str], ...] = ()


def _bad_text(text: str) -> bool:
    """Whether *text* holds bytes that were not UTF-8 (read as lone surrogates)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_NOT_UTF8: Final = (("$", "not UTF-8 text"),)
# A JSON escape of a surrogate (``\ud800``): half of a pair, or a lone one, which is no text.
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE: Final = (("$", "a \\u escape of a lone surrogate, which is no text"),)

# A TOML line that a CSV header is not: a [table], or a key = value.
_TOML_LINE: Final = re.compile(
    r"\s*(?:\[\[?[A-Za-z0-9_.\"' -]+\]\]?\s*$|[A-Za-z0-9_.\"'-]+\s*=[^,]*$)"
)
#: A name no input has: a collection of columns holding it holds every name.
_NO_SUCH_COLUMN: Final = "\x00"
_RECORD_HINT: Final = "a records file has a header with columns such as name, email, created_at"


def _what_it_is(path: str, lines: list[str]) -> str | None:
    """What an input whose first lines are *lines* looks like, when it is not records.

    ``None`` when it may well be records (CSV or JSON Lines text).
    """
    first = next((line for line in lines if line.strip()), "")
    if "\x00" in first:
        return "looks like a binary file (a spreadsheet? save it as CSV UTF-8)"
    if _bad_text(first):
        return "is not UTF-8 text (save it as CSV UTF-8)"
    meaningful = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    toml = Path(path).suffix.lower() == ".toml" or (
        bool(meaningful) and _TOML_LINE.match(meaningful[0]) is not None
    )
    if toml:
        return "looks like a TOML policy, not records: pass it with --policy"
    head = first.strip()
    if head.startswith("["):
        return "looks like a JSON array: leadflow reads JSON Lines, one object per line"
    if head == "{":
        return (
            "looks like a JSON document over several lines: "
            "leadflow reads JSON Lines, one object per line"
        )
    return None


class _Source:
    """An input file (or standard input) and the format it is read in."""

    def __init__(
        self,
        path: str,
        format_: str | None,
        warn: Callable[[str], None],
        known: Collection[str] = RECORD_FIELDS,
        *,
        max_field_size: int = MAX_FIELD_SIZE,
    ) -> None:
        self.name = "<stdin>" if path == "-" else path
        self._max_field_size = max_field_size
        self._warn = warn
        #: Where warnings go (:meth:`blocks` hands them out to be given in order).
        self.warn = warn
        self._known = known
        self._stream = self._open(path)
        self._lines: Iterator[str] = iter(self._stream)
        if format_ is None:
            format_ = _SUFFIXES.get(Path(path).suffix.lower()) if path != "-" else None
        if format_ is None:
            format_ = self._sniff()
        self.format = format_

    @staticmethod
    def _open(path: str) -> TextIO:
        # Undecodable bytes become lone surrogates so that one bad row is rejected
        # rather than the whole file; a byte-order mark (Excel writes one) is dropped.
        if path == "-":
            # None: started with standard input closed (`<&-`); or closed since.
            if sys.stdin is None or getattr(sys.stdin, "closed", False):
                raise _UsageError("cannot read standard input: it is closed")
            buffer = getattr(sys.stdin, "buffer", None)
            if buffer is None:  # a replaced sys.stdin (tests, embedding) is text already
                return sys.stdin
            return io.TextIOWrapper(
                buffer, encoding="utf-8-sig", errors="surrogateescape", newline=""
            )
        try:
            return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
        except OSError as error:
            raise _UsageError(f"cannot read {path}: {error.strerror or error}") from None

    #: What the first non-blank line of a JSON Lines input starts with.
    _JSON_STARTS: tuple[str, ...] = ("{",)

    def _sniff(self) -> str:
        """Guess the format from the first non-blank line: ``{`` starts JSON Lines."""
        seen: list[str] = []
        for line in self._lines:
            seen.append(line)
            if line.strip():
                break
        self._lines = itertools.chain(seen, self._lines)
        first = next((line for line in seen if line.strip()), "")
        return "jsonl" if first.lstrip().startswith(self._JSON_STARTS) else "csv"

    def close(self) -> None:
        if self._stream is not sys.stdin:
            self._stream.close()

    def _head(self) -> list[str]:
        """The lines up to the first that is neither blank nor a comment, read again later.

        No more: a pipe is never waited on for lines not yet sent.
        """
        head: list[str] = []
        for line in self._lines:
            head.append(line)
            if (line.strip() and not line.lstrip().startswith("#")) or len(head) >= 50:
                break
        self._lines = itertools.chain(head, self._lines)
        return head

    def _restrictive(self) -> bool:
        """Whether some columns are unknown (not so for CRM exports and ``learn``)."""
        return _NO_SUCH_COLUMN not in self._known

    def _knows(self, name: str) -> bool:
        return name in self._known or canonical_field(name) in self._known

    def _check_records(self) -> None:
        """Stop at once, with one message, when the input is plainly not records."""
        problem = _what_it_is(self.name, self._head())
        if problem is None:
            return
        # Text that is not records may be what a CRM export or learn reads (a JSON
        # document, say); bytes that are not text are nothing any of them reads.
        if self._restrictive() or problem.startswith(("looks like a binary", "is not")):
            raise _UsageError(f"{self.name}: {problem}")

    def rows(self) -> Iterator[_Row]:
        """The data rows, one at a time.

        Raises:
            _UsageError: the input is plainly not records: binary, a TOML policy, a JSON
                array or document, or a CSV header without one column leadflow reads.
        """
        try:
            self._check_records()
        except OSError as error:
            raise _UsageError(f"cannot read {self.name}: {error.strerror or error}") from None
        if self.format == "jsonl":
            yield from self._jsonl_rows()
            return
        try:
            yield from self._csv_rows()
        except OSError as error:
            raise _UsageError(f"cannot read {self.name}: {error.strerror or error}") from None

    @contextlib.contextmanager
    def _field_size_limit(self) -> Iterator[None]:
        """The csv module's field size limit, which is global: set for a read, then put back."""
        before = csv.field_size_limit(self._max_field_size)
        try:
            yield
        finally:
            csv.field_size_limit(before)

    def _csv_rows(self) -> Iterator[_Row]:
        with self._field_size_limit():
            yield from self._csv_rows_limited()

    def _csv_rows_limited(self) -> Iterator[_Row]:
        if self._csv_header():
            yield from self._csv_body()

    def _csv_header(self) -> bool:
        """Read and check the CSV header; False for a truly empty file (no rows).

        Sets up the reading of the rows that follow (:meth:`_csv_body`).
        """
        lines = self._csv_lines = _Lines(self._lines)
        reader = self._csv_reader = csv.reader(lines, strict=True)
        header: list[str] | None = None
        while header is None:
            try:
                first = next(reader)
            except StopIteration:
                return False  # a truly empty file holds no rows
            except csv.Error as error:
                raise _UsageError(f"{self.name}: unreadable CSV header: {error}") from None
            if first:
                header = [name.strip() for name in first]
        named = [name for name in header if name]
        duplicates = sorted({name for name in named if named.count(name) > 1})
        if duplicates:
            raise _UsageError(f"{self.name}: duplicate columns: {', '.join(duplicates)}")
        # Two spellings of one field ("Name" and "name"): which one is meant is unknown.
        spellings: dict[str, list[str]] = {}
        for name in named:
            if name not in self._known and canonical_field(name) in self._known:
                spellings.setdefault(canonical_field(name), []).append(name)
        for field in spellings:
            given = [name for name in named if canonical_field(name) == field]
            if len(given) > 1:
                both = " and ".join(repr(name) for name in given)
                raise _UsageError(f"{self.name}: columns {both} are both {field}: keep one")
        # Unnamed columns (a trailing comma in every line) are ignored without a word.
        unknown = [name for name in named if not self._knows(name)]
        if unknown and len(unknown) == len(named) and self._restrictive():
            raise _UsageError(
                f"{self.name}: no column leadflow reads in its header ({_RECORD_HINT}); "
                f"found: {', '.join(named[:5])}{' ...' if len(named) > 5 else ''}"
            )
        if unknown:
            self._warn(f"{self.name}: ignoring unknown columns: {', '.join(unknown)}")
        self.header = header
        self._number = 0
        return True

    def _csv_body(self, until: int | None = None) -> Iterator[_Row]:
        """The data rows after the header (:meth:`_csv_header`).

        With *until*, only up to the first row that starts after physical line
        *until*: a row is never cut in two.
        """
        lines, reader, header = self._csv_lines, self._csv_reader, self.header
        width = len(header)
        while until is None or lines.count < until:
            lines.start_row()
            start = lines.count + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                self._number += 1
                problem = self._unreadable(lines, start, error)
                yield _Row(self._number, start, None, (("$", problem),))
                continue
            if not values:
                continue  # a blank line is not a row
            self._number += 1
            number = self._number
            if lines.nul_lines:
                # Python 3.10's csv refuses NUL and later ones read it: refuse it on all.
                where = ", ".join(str(line) for line in lines.nul_lines)
                yield _Row(number, start, None, (("$", f"a NUL character on line {where}"),))
            elif len(values) != width:
                reason = f"expected {width} columns (as in the header), found {len(values)}"
                yield _Row(number, start, None, (("$", reason),))
            elif _bad_text("".join(values)):
                yield _Row(number, start, None, _NOT_UTF8)
            else:
                record = {name: value for name, value in zip(header, values, strict=True) if name}
                yield _Row(number, start, record)

    def blocks(self, size: int) -> Iterator[_CleanLines | _ReadRows]:
        """The data rows in blocks of about *size* lines (or rows), in order.

        A block of CSV lines that the rules of :meth:`rows` would read as one row per
        non-blank line, each value as it stands between the commas (no quote, no NUL,
        no lone carriage return, UTF-8 text: what most exported files hold) comes as
        those lines (:class:`_CleanLines`), for a faster reader to split, which also
        checks that each line has the header's width (:meth:`reread` reads a block
        with a line that has not); any other block as the rows :meth:`rows` reads
        from it (:class:`_ReadRows`). Warnings come with the rows they were given before;
        those given after the last row, in a last empty block.

        Raises:
            _UsageError: as :meth:`rows`.
        """
        said: list[str] = []
        warn, self._warn = self._warn, said.append
        try:
            yield from self._blocks(size, said)
        finally:
            self._warn = warn
        if said:
            yield _ReadRows([], {0: list(said)})

    def _blocks(self, size: int, said: list[str]) -> Iterator[_CleanLines | _ReadRows]:
        if self.format == "jsonl":
            yield from _in_blocks(self.rows(), size, said)
            return
        with self._field_size_limit():
            try:
                self._check_records()
                if not self._csv_header():
                    return
            except OSError as error:
                raise _UsageError(f"cannot read {self.name}: {error.strerror or error}") from None
            lines = self._csv_lines
            width = len(self.header)
            while True:
                try:
                    block = list(itertools.islice(lines.rest(), size))
                except OSError as error:
                    message = f"cannot read {self.name}: {error.strerror or error}"
                    raise _UsageError(message) from None
                if not block:
                    return
                first = lines.count + 1
                clean = _clean_rows(block, width, self._max_field_size)
                if clean is not None:
                    rows, data = clean
                    lines.count += len(block)
                    yield _CleanLines(block, self._number + 1, first, rows, tuple(said), data)
                    said.clear()
                    self._number += rows
                    continue
                lines.replay(block, first)
                try:
                    yield from _in_blocks(self._csv_body(first + len(block) - 1), size, said)
                except OSError as error:
                    message = f"cannot read {self.name}: {error.strerror or error}"
                    raise _UsageError(message) from None

    def reread(self, read: _CleanLines) -> list[_Row]:
        """The rows of a block of *read* lines, as :meth:`rows` reads them.

        For a block that a faster reader found to be other than one row of the
        header's width per line. The block holds no quote, so its lines hold its
        rows and nothing else; the reading of the rest of the input stays where it is.
        """
        saved = self._csv_lines, self._csv_reader, self._number
        lines = self._csv_lines = _Lines(iter(read.lines))
        lines.count = read.line - 1
        self._csv_reader = csv.reader(lines, strict=True)
        self._number = read.number - 1
        try:
            with self._field_size_limit():
                return list(self._csv_body())
        finally:
            self._csv_lines, self._csv_reader, self._number = saved

    def _unreadable(self, lines: _Lines, start: int, error: csv.Error) -> str:
        """Why the row from line *start* cannot be read; where to read on from is set.

        A quote left open (a stray ``"``) would swallow the rest of the file, or the
        lines up to the next quote, as one value: the row is rejected and reading goes
        on at the line after *start*. A
        quoted value that does close, but is longer than ``--max-field-size``, is one
        rejected row, and reading goes on after it.
        """
        # The csv module says which by its message only (the same in 3.10 to 3.13).
        too_long, at_end = "field larger" in str(error), "end of data" in str(error)
        if not (too_long or at_end):
            if len(lines.kept) > 1 and _quote_open(lines.kept[:1]):
                # A quote opened on this row's line ran on into the next lines until a
                # quote there ended it, mid-value: those lines are rows of their own.
                lines.replay(lines.kept[1:], start + 1)
                return (
                    f"malformed CSV: {error}, in a value whose quote opened on line "
                    f"{start} and ran on past it (a stray quote?)"
                )
            return f"malformed CSV: {error}"
        if not _quote_open(lines.kept):
            return f"malformed CSV: {error}"
        limit = f"{self._max_field_size:,}"
        if at_end:  # the input ended with the quote still open
            lines.replay(lines.kept[1:], start + 1)
            return "a quote opened in this row is never closed (a stray quote?)"
        ahead = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by _replayed
            max_size=_SPOOL_IN_MEMORY,
            mode="w+",
            encoding="utf-8",
            errors="surrogateescape",
            newline="",
        )
        ahead.writelines(lines.kept[1:])
        read = len(lines.kept)
        for line in lines.rest():
            ahead.write(line)
            read += 1
            if line.count('"') % 2:  # this line closes the quoted value
                ahead.close()
                lines.count = start + read - 1
                return (
                    f"a value longer than {limit} characters (--max-field-size), "
                    f"on lines {start} to {lines.count}"
                )
        ahead.seek(0)
        lines.replay(_replayed(ahead), start + 1)
        return (
            f"a quote opened in this row is never closed (a stray quote?); "
            f"its value grew longer than {limit} characters (--max-field-size)"
        )

    def _jsonl_rows(self) -> Iterator[_Row]:
        warned: set[str] = set()
        for row in self.json_values():
            if row.problems:
                yield row
            elif not isinstance(row.data, dict):
                reason = f"expected a JSON object, not {_json_kind(row.data)}"
                yield row._replace(data=None, problems=(("$", reason),))
            else:
                known = self._known
                if (
                    row.number == 1
                    and row.data
                    and self._restrictive()
                    and not any(isinstance(k, str) and self._knows(k) for k in row.data)
                ):
                    raise _UsageError(
                        f"{self.name}: its first object has no field leadflow reads "
                        "(a record has fields such as name, email, created_at)"
                    )
                unknown = [
                    k for k in row.data if k not in known and k not in warned and not self._knows(k)
                ]
                if unknown:
                    warned.update(unknown)
                    self._warn(f"{self.name}: ignoring unknown fields: {', '.join(unknown)}")
                yield row

    def json_values(self) -> Iterator[_Row]:
        """The rows of a JSON Lines file, whatever JSON value each holds.

        Numbers with a fraction are read as exact decimals, never as floats, so an
        amount written as ``12.50`` stays exact.
        """
        number = 0
        try:
            for line_number, line in enumerate(self._lines, start=1):
                text = line.strip()
                if not text:
                    continue  # a blank line is not a row
                number += 1
                if _bad_text(text):
                    yield _Row(number, line_number, None, _NOT_UTF8)
                    continue
                try:
                    data = json.loads(text, parse_float=Decimal)
                except (ValueError, RecursionError) as error:
                    yield _Row(number, line_number, None, (("$", f"not valid JSON: {error}"),))
                    continue
                if _SURROGATE_ESCAPE.search(text) and _bad_text(
                    json.dumps(data, ensure_ascii=False, default=str)
                ):
                    yield _Row(number, line_number, None, _LONE_SURROGATE)
                    continue
                yield _Row(number, line_number, data)
        except OSError as error:
            raise _UsageError(f"cannot read {self.name}: {error.strerror or error}") from None


class _CleanLines(NamedTuple):
    """CSV lines read as one row per non-blank line, split at every comma.

    Whether each has the header's width is for the reader of the block to check.

    ``lines`` are the physical lines as read, blank ones too; ``number`` and ``line``
    are those of the first row (data row and physical line); ``rows`` counts the rows;
    ``warnings`` were given before them.
    """

    lines: list[str]
    number: int
    line: int
    rows: int
    warnings: tuple[str, ...] = ()
    #: The lines as UTF-8 bytes, one after the other (for a reader of bytes).
    data: bytes = b""

    def row(self, header: list[str], index: int) -> _Row:
        """The *index*-th row of the block, as :meth:`_Source.rows` reads it."""
        seen = -1
        for offset, text in enumerate(self.lines):
            if text in _BLANK_LINES:
                continue
            seen += 1
            if seen == index:
                values = text.rstrip("\r\n").split(",")
                record = {name: value for name, value in zip(header, values, strict=True) if name}
                return _Row(self.number + index, self.line + offset, record)
        raise IndexError(index)


class _ReadRows(NamedTuple):
    """Rows as :meth:`_Source.rows` reads them; ``warnings[i]`` were given before ``rows[i]``."""

    rows: list[_Row]
    warnings: dict[int, list[str]]


#: The lines that are no row in a CSV file.
_BLANK_LINES: Final = frozenset(("\n", "\r\n"))


#: A carriage return that does not end a line as CRLF does.
_LONE_CR: Final = re.compile("\r(?!\n)").search


def _clean_rows(block: list[str], width: int, limit: int) -> tuple[int, bytes] | None:
    """How many rows *block* holds if every non-blank line is one row split at its commas.

    With the rows, the block's text as UTF-8. None when some line may read otherwise:
    a quote (a quoted value), a NUL, a lone carriage return, a byte-order mark, text
    that is not UTF-8, or a line longer than the field size limit. Whether each line
    has the header's width is left to the reader of the lines (:class:`_CleanLines`).
    """
    if width < 2:  # a line of blanks is a row of one value: leave it to the csv module
        return None
    text = "".join(block)
    if '"' in text or "\x00" in text or "\ufeff" in text:
        return None
    if "\r" in text and _LONE_CR(text):
        return None
    if max(map(len, block)) > limit:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8, read as lone surrogates
        return None
    return len(block) - sum(map(block.count, _BLANK_LINES)), data


def _in_blocks(rows: Iterator[_Row], size: int, said: list[str]) -> Iterator[_ReadRows]:
    """*rows* in blocks of *size*, each with the warnings given before each of its rows."""
    block: list[_Row] = []
    warnings: dict[int, list[str]] = {}
    for row in rows:
        if said:
            warnings[len(block)] = list(said)
            said.clear()
        block.append(row)
        if len(block) >= size:
            yield _ReadRows(block, warnings)
            block, warnings = [], {}
    if block or warnings:
        yield _ReadRows(block, warnings)


class _Lines:
    """The physical lines a CSV reader reads: counted, those of the row being read kept.

    A NUL character is taken out of a line (and its line number noted in
    :attr:`nul_lines`), so that every Python version reads the rest of the row alike.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self._rest = lines
        #: The physical lines read so far.
        self.count = 0
        #: The lines of the row being read, as they were in the input.
        self.kept: list[str] = []
        self.nul_lines: list[int] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._rest)
        self.count += 1
        self.kept.append(line)
        if "\x00" in line:
            self.nul_lines.append(self.count)
            line = line.replace("\x00", "")
        return line

    def start_row(self) -> None:
        self.kept = []
        self.nul_lines = []

    def rest(self) -> Iterator[str]:
        """The lines not read yet, read past the CSV reader (and not counted)."""
        return self._rest

    def replay(self, lines: Iterable[str], first: int) -> None:
        """Read *lines* again, before the rest; the first of them is physical line *first*."""
        self._rest = itertools.chain(lines, self._rest)
        self.count = first - 1


def _quote_open(lines: Iterable[str]) -> bool:
    """Whether *lines* leave a quoted CSV value open (an odd number of quotes)."""
    return sum(line.count('"') for line in lines) % 2 == 1


def _replayed(spool: IO[str]) -> Iterator[str]:
    with spool:
        yield from spool


def _json_kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
