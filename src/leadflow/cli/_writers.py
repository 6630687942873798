"""Writing output rows as JSON Lines or CSV, one at a time."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from leadflow.cli._errors import _UsageError


class _Writer:
    """Writes output rows as JSON Lines or CSV, one at a time."""

    def __init__(self, stream: TextIO, format_: str, columns: Sequence[str]) -> None:
        self._stream = stream
        self._csv: csv.DictWriter[str] | None = None
        if format_ == "csv":
            self._csv = csv.DictWriter(stream, columns, lineterminator="\n")
            self._csv.writeheader()

    def write(self, row: Mapping[str, Any]) -> None:
        if self._csv is None:
            self._stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            self._csv.writerow({k: _csv_cell(v) for k, v in row.items()})


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
