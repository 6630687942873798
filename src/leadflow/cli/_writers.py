"""Writing output rows as JSON Lines, CSV or a table for people, one at a time.

Every format keeps the columns in one order, the decision row's
(:func:`leadflow.records.decision_fields`): JSON Lines keys, the CSV header and the
table's columns never come in another.
"""

from __future__ import annotations

import contextlib
import csv
import json
import json.encoder
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, TextIO

from leadflow.cli._errors import _UsageError
from leadflow.cli._table import _TableWriter

#: The output formats of ``qualify`` and ``promote``: for people, then for machines.
OUTPUT_FORMATS: Final = ("table", "jsonl", "csv")


def _output_format(given: str | None, output: str | None) -> str:
    """The output format: *given*, else a table for a person at a terminal, else JSON Lines.

    A table only when the decisions go to standard output and it is a terminal, so
    that a pipe (``leadflow qualify x.csv | jq``) or a file gets JSON Lines as before.
    """
    if given is not None:
        return given
    if output in (None, "-"):
        isatty = getattr(sys.stdout, "isatty", None)
        if isatty is not None and isatty():
            return "table"
    return "jsonl"


class _Writer:
    """Writes output rows as JSON Lines, CSV or a table, one at a time, in *columns* order.

    A key of a row that *columns* does not list comes after them (JSON Lines) or is
    refused (CSV, whose header is written first). Call :meth:`close` after the last
    row: a table ends with its summary.
    """

    def __init__(self, stream: TextIO, format_: str, columns: Sequence[str]) -> None:
        self._stream = stream
        self._columns = tuple(columns)
        self._csv: csv.DictWriter[str] | None = None
        self._table: _TableWriter | None = None
        if format_ == "csv":
            self._csv = csv.DictWriter(stream, columns, lineterminator="\n")
            self._csv.writeheader()
        elif format_ == "table":
            self._table = _TableWriter(stream, columns)

    def write(self, row: Mapping[str, Any]) -> None:
        if self._table is not None:
            self._table.write(row)
        elif self._csv is not None:
            self._csv.writerow({k: _csv_cell(v) for k, v in row.items()})
        else:
            ordered = {k: row[k] for k in self._columns if k in row}
            if len(ordered) < len(row):
                ordered.update((k, v) for k, v in row.items() if k not in ordered)
            self._stream.write(json.dumps(ordered, ensure_ascii=False) + "\n")

    def write_encoded(self, lines: Sequence[str]) -> None:
        """Write rows already encoded by :func:`encode_rows` in this writer's format."""
        self._stream.write("".join(lines))

    def close(self) -> None:
        """Finish the output: a table's summary (nothing for JSON Lines or CSV)."""
        if self._table is not None:
            self._table.close()


class _Collected(list[str]):
    """A file whose writes are kept one by one: the csv module writes a row at a time."""

    def write(self, text: str) -> int:
        self.append(text)
        return len(text)


#: Text as ``json.dumps(text, ensure_ascii=False)`` writes it, without its checks of type.
_quoted: Final[Callable[[str], str]] = json.encoder.encode_basestring

#: The columns a row may lack (``probability``: a decision without one): JSON leaves
#: the key out, CSV an empty cell, as :meth:`_Writer.write` does for a row without it.
_OPTIONAL: Final = frozenset(("probability",))


def encode_rows(
    format_: str, columns: Sequence[str], values: Mapping[str, Sequence[Any]]
) -> list[str]:
    """Rows of *values* (a list per column) as :meth:`_Writer.write` writes them, one string each.

    For JSON Lines and CSV only (a table counts its rows as it writes them). Each
    row's columns are every one of *columns*, in order, as for a row holding them all.
    """
    count = len(values[columns[0]]) if columns else 0
    if format_ == "csv":
        return csv_rows([csv_parts(values[name]) for name in columns])
    return json_rows([json_parts(name, values[name]) for name in columns], count)


#: Whether a text is a CSV cell as it stands: nothing in it for the writer to quote.
_PLAIN_CELL: Final = re.compile('[^,"\r\n]*').fullmatch


def _csv_text(value: object) -> str:
    """*value* as :class:`csv.writer` writes it in a row of more than one cell."""
    collected = _Collected()
    csv.writer(collected, lineterminator="\n").writerow([_csv_cell(value), ""])
    return collected[0][:-2]  # without the empty last cell's comma and the line's end


def csv_parts(values: Sequence[Any]) -> list[str]:
    """Each of a column's *values* as its row's CSV holds it; :func:`csv_rows` joins them.

    The cells are what :meth:`_Writer.write` writes, each distinct text encoded once.
    """
    return _encoded(values, _csv_cell_text, int.__repr__, "", _csv_text)


def _csv_cell_text(text: str) -> str:
    return text if _PLAIN_CELL(text) else _csv_text(text)


def _encoded(
    values: Sequence[Any],
    text: Callable[[str], str],
    number: Callable[[int], str],
    absent: str | None,
    other: Callable[[Any], str],
) -> list[str]:
    """Each of a column's *values* encoded, for :func:`csv_parts` and :func:`json_parts`.

    A text by *text*, each distinct one once (a column's values repeat: verdicts,
    codes, as_of); a whole number by *number*; ``None`` as *absent*, unless that is
    ``None`` too; anything else by *other*.
    """
    seen: dict[str, str] = {}
    part: list[str] = []
    for value in values:
        kind = type(value)
        if kind is str:
            cached = seen.get(value)
            if cached is None:
                cached = seen[value] = text(value)
        elif kind is int:
            cached = number(value)
        elif value is None and absent is not None:
            cached = absent
        else:
            cached = other(value)
        part.append(cached)
    return part


def csv_rows(parts: Sequence[Sequence[str]]) -> list[str]:
    """The CSV rows of some rows' :func:`csv_parts`, a list per column (two or more)."""
    return [",".join(row) + "\n" for row in zip(*parts, strict=True)]


def json_parts(name: str, values: Sequence[Any]) -> list[str]:
    """Each of a column's *values* as its row's JSON holds it: ``"name": value``.

    An empty string for a value the row leaves out (see :data:`_OPTIONAL`);
    :func:`json_rows` makes the rows of the parts.
    """
    key = json.dumps(name, ensure_ascii=False) + ": "
    return _encoded(
        values,
        lambda text: key + _quoted(text),
        lambda number: key + int.__repr__(number),  # as json.dumps writes a whole number
        "" if name in _OPTIONAL else None,
        lambda value: key + json.dumps(value, ensure_ascii=False),
    )


def json_rows(parts: Sequence[Sequence[str]], count: int) -> list[str]:
    """The JSON Lines rows of *count* rows' :func:`json_parts`, a list per column."""
    if count and any("" in part for part in parts):
        return ["{" + ", ".join(p for p in row if p) + "}\n" for row in zip(*parts, strict=True)]
    return ["{" + ", ".join(row) + "}\n" for row in zip(*parts, strict=True)]


def _csv_cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as error:
        raise _UsageError(f"cannot write {path}: {error.strerror or error}") from None
    with stream:
        yield stream


def _check_not_same(source: str, output: str | None) -> None:
    """Refuse to write decisions over the input before it is read."""
    if output is None or "-" in (source, output):
        return
    with contextlib.suppress(OSError):
        if os.path.samefile(source, output):
            raise _UsageError(f"--output {output} is the input file; choose another")
