"""Reporting on standard error: exit statuses, rejected rows, progress and the count line."""

from __future__ import annotations

import contextlib
import os
import reprlib
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Final

from leadflow.cli._errors import _StrictStopError
from leadflow.cli._progress import _Progress
from leadflow.cli._sources import (
    _Row,
)
from leadflow.decisions import Verdict
from leadflow.errors import (
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
)
from leadflow.records import record_column

#: Every row was decided; the policy is valid; the command did what was asked.
EXIT_OK: Final = 0
#: Some rows (or the record to explain, or the policy to validate) were rejected.
EXIT_REJECTED: Final = 1
#: Bad arguments, an unreadable file or a bad ``--policy``: nothing was decided.
EXIT_USAGE: Final = 2
#: ``--strict`` stopped the run at the first rejected row.
EXIT_STRICT: Final = 3
#: The output could not be written (a full disk, say): the decisions are incomplete.
EXIT_OUTPUT: Final = 4
#: Interrupted (Ctrl-C, SIGINT): 128 + the signal's number, as shells report it.
EXIT_INTERRUPTED: Final = 130
#: The reader of standard output went away (``| head``): 128 + SIGPIPE, as shells report.
EXIT_BROKEN_PIPE: Final = 141

#: Rows between two progress lines (written only when standard error is a terminal and
#: tqdm, for a bar, is not installed).
PROGRESS_EVERY: Final = 100_000

_PROG: Final = "leadflow"


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")


def _quiet_stdout() -> None:
    """Point standard output at the null device, so the flush at exit cannot fail again.

    Without it, Python reports "Exception ignored ... BrokenPipeError" (or the full
    disk's OSError) as it shuts down.
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _warn(message: str) -> None:
    _err(f"{_PROG}: warning: {message}")


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except RecursionError:  # a value nested thousands deep: show its outer levels
        text = reprlib.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: The verdicts in the count line, best first.
_VERDICTS: Final = tuple(reversed(Verdict))


class _Tally:
    """Counts rows, reports rejected ones and prints progress and the count line.

    With *verdicts*, the decisions are also counted by verdict
    (:meth:`decided_as`) and the count line ends with those counts.
    """

    def __init__(
        self,
        source: str,
        *,
        strict: bool,
        progress: bool,
        verdicts: bool = False,
        reading: object = None,
    ) -> None:
        self.source = source
        self.strict = strict
        self.progress = progress
        self.rows = 0
        self.decided = 0
        self.rejected = 0
        self.verdicts: Counter[str] | None = Counter() if verdicts else None
        # *reading* is the source read, whose bytes read a progress bar shows.
        self._meter = _Progress(source, reading, PROGRESS_EVERY) if progress else None

    def row(self) -> None:
        self.rows += 1
        if self._meter is not None:
            self._meter.row(self.rows, self.rejected, _PROG)

    @property
    def counts_each_row(self) -> bool:
        """Whether rows must be counted one by one (:meth:`row`): progress is shown."""
        return self._meter is not None

    def decided_counted(self, counts: Mapping[str, int]) -> None:
        """Count rows read and decided at once, *counts* of them per verdict."""
        decided = sum(counts.values())
        if self.verdicts is not None:
            self.verdicts.update(counts)
        self.decided += decided
        self.rows += decided

    def say(self, line: str) -> None:
        """Write *line* to standard error (above the progress bar, if there is one)."""
        if self._meter is None or not self._meter.write(line):
            _err(line)

    def close(self) -> None:
        """Finish the progress bar, if any: before the file is closed and the count line."""
        if self._meter is not None:
            self._meter.close()

    def reject(self, row: _Row, problems: Iterable[tuple[str, str]]) -> None:
        self.rejected += 1
        where = f"{self.source}: row {row.number} (line {row.line})"
        for path, reason in problems:
            self.say(f"{where}: {path}: {reason}")
        if self.strict:
            raise _StrictStopError

    def decided_as(self, verdict: str | None) -> None:
        """Count one decision, with its verdict when the tally counts verdicts."""
        self.decided += 1
        if self.verdicts is not None:
            self.verdicts[str(verdict)] += 1

    def count_line(self, what: str = "decision") -> str:
        """``N rows: X decisions, Y rejected``, then the verdicts' counts, if counted.

        The verdicts come last, so that the line starts as it always has and
        scripts reading the first part keep working.
        """
        rows = "row" if self.rows == 1 else "rows"
        decided = what if self.decided == 1 else what + "s"
        line = f"{self.rows} {rows}: {self.decided} {decided}, {self.rejected} rejected"
        if self.verdicts is not None:
            counted = self.verdicts
            line += "; " + ", ".join(f"{counted[v.value]} {v.value}" for v in _VERDICTS)
        return line


def _problems(error: LeadflowError) -> list[tuple[str, str]]:
    if isinstance(error, InvalidRecordError):
        return [(e.path, f"{e.reason} (got {_shown(e.value)})") for e in error.errors]
    if isinstance(error, InvalidFieldError):
        path = "$." + record_column(error.field)
        return [(path, f"{error.reason} (got {_shown(error.value)})")]
    return [("$", str(error))]
