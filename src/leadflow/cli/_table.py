"""``--output-format table``: decisions for people, one aligned line per contact.

The table is written row by row, as the input is read: the column widths are fixed
before the first row, from the widths the values can have (a verdict is at most
``undetermined``, a score at most ``100``), so nothing is buffered. An id longer
than its column is cut with ``…``; the last column (the first next step) is cut to
the terminal's width. After the rows comes a summary: the decisions by verdict, with
percentages, and the most common reasons among the contacts not qualified.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final, TextIO

from leadflow.decisions import Verdict
from leadflow.evidence import Criterion
from leadflow.explanation import Status

#: How many of the most common reasons the summary lists.
TOP_REASONS: Final = 5

#: The widest id shown whole; a longer one is cut with an ellipsis.
_ID_WIDTH: Final = 12
#: Room for row numbers up to 999,999 before the column widens.
_ROW_WIDTH: Final = 6
#: The narrowest the last column gets, however narrow the terminal.
_LAST_MIN: Final = 20
_GAP: Final = "  "
_ELLIPSIS: Final = "…"

#: Each criterion's ``<criterion>_code`` column of a decision row.
_CRITERION_CODES: Final = tuple(f"{criterion.value}_code" for criterion in Criterion)

#: What each status of a code says, in plain words.
_STATUS_WORDS: Final[Mapping[str, str]] = {
    Status.MET.value: "met",
    Status.UNCONFIRMED.value: "not known yet",
    Status.STALE.value: "known, but the evidence has gone stale",
    Status.BELOW_MINIMUM.value: "known, and below the minimum",
}

#: A timeframe below its minimum says "later", not "never" (see
#: :attr:`leadflow.QualificationDecision.against`).
_LATER: Final = f"{Criterion.TIMEFRAME.value}.{Status.BELOW_MINIMUM.value}"

#: The verdicts in the summary, best first (as in the count line).
_VERDICTS: Final = tuple(verdict.value for verdict in reversed(Verdict))


def plain_words(code: str) -> str:
    """A per-criterion code in words: ``budget.unconfirmed`` is "budget not known yet".

    >>> plain_words("need.below_minimum")
    'need known, and below the minimum'
    >>> plain_words("timeframe.below_minimum")
    'in the market only later than the policy wants'
    >>> plain_words("total_visits.high")
    'total_visits.high'
    """
    name, _, status = code.partition(".")
    if code == _LATER:
        return "in the market only later than the policy wants"
    words = _STATUS_WORDS.get(status)
    return code if words is None else f"{name} {words}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + _ELLIPSIS


def _first_step(row: Mapping[str, Any]) -> str:
    steps = row.get("next_steps") or ""
    return str(steps).split("; ", 1)[0]


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "n/a"


class _TableWriter:
    """Writes decision rows as an aligned table, then a summary (:meth:`close`).

    *columns* are the decision row's columns (:func:`leadflow.records.decision_fields`
    or :data:`~leadflow.records.PROMOTION_FIELDS`, after ``row``): the table shows
    some of them, in the same order.
    """

    def __init__(self, stream: TextIO, columns: Sequence[str], width: int | None = None) -> None:
        self._stream = stream
        self._promotion = "promotable" in columns
        shown = ("row", "id", "promotable", "score", "codes") if self._promotion else (
            "row", "id", "verdict", "score", "grade"
        )  # fmt: skip
        # Columns in the decision row's own order: never reordered.
        self._shown = tuple(name for name in columns if name in shown)
        widths = {
            "row": _ROW_WIDTH,
            "id": _ID_WIDTH,
            "verdict": max(len(v) for v in _VERDICTS),
            "score": len("score"),
            "grade": len("grade"),
            "promotable": len("promotable"),
            "codes": 30,
        }
        self._widths = {name: widths[name] for name in self._shown}
        total = width if width is not None else shutil.get_terminal_size().columns
        used = sum(self._widths.values()) + len(_GAP) * len(self._shown)
        self._last = max(total - used - 1, _LAST_MIN)
        self._rows = 0
        self._verdicts: Counter[str] = Counter()
        self._reasons: Counter[str] = Counter()
        self._not_passed = 0
        header = {name: name for name in self._shown}
        if self._promotion:
            header["codes"] = "codes not met"
        self._line(header, "next step")

    def _line(self, cells: Mapping[str, str], last: str) -> None:
        parts = []
        for name in self._shown:
            width = self._widths[name]
            text = cells[name]
            if name in ("id", "codes"):
                text = _cut(text, width)
            right = name in ("row", "score")
            parts.append(f"{text:>{width}}" if right else f"{text:<{width}}")
        parts.append(_cut(last, self._last))
        self._stream.write(_GAP.join(parts).rstrip() + "\n")

    def write(self, row: Mapping[str, Any]) -> None:
        cells = {name: _cell(row.get(name)) for name in self._shown}
        if "codes" in cells:  # what keeps the lead from promotion: its codes not met
            met = "." + Status.MET.value
            cells["codes"] = ";".join(c for c in cells["codes"].split(";") if not c.endswith(met))
        self._line(cells, _first_step(row))
        self._count(row)

    def _count(self, row: Mapping[str, Any]) -> None:
        self._rows += 1
        if self._promotion:
            promotable = row.get("promotable") is True
            self._verdicts["promotable" if promotable else "not promotable"] += 1
            if promotable:
                return
            self._not_passed += 1
            codes = [c for c in str(row.get("codes") or "").split(";") if c]
            if not codes:  # not a lead, so no candidate: say how it was qualified
                codes = [f"not a lead ({row.get('qualification_verdict')})"]
            self._reasons.update(c for c in codes if not c.endswith(".met"))
            return
        verdict = str(row.get("verdict"))
        self._verdicts[verdict] += 1
        if verdict == Verdict.QUALIFIED.value:
            return
        self._not_passed += 1
        for column in _CRITERION_CODES:
            code = row.get(column)
            if isinstance(code, str) and not code.endswith("." + Status.MET.value):
                self._reasons[code] += 1

    def close(self) -> None:
        """Write the summary: decisions by verdict, then the most common reasons."""
        write = self._stream.write
        total = self._rows
        kinds = ("promotable", "not promotable") if self._promotion else _VERDICTS
        noun = "decision" if total == 1 else "decisions"
        write(f"\n{total} {noun}:\n")
        name_width = max(len(kind) for kind in kinds)
        digits = len(str(total))
        for kind in kinds:
            n = self._verdicts[kind]
            write(f"  {kind:<{name_width}}  {n:>{digits}}  {_percent(n, total):>6}\n")
        if not self._reasons:
            return
        among = "not promotable" if self._promotion else "not qualified"
        write(f"most common reasons among the {self._not_passed} {among}:\n")
        top = sorted(self._reasons.items(), key=lambda item: (-item[1], item[0]))[:TOP_REASONS]
        width = max(len(code) for code, _ in top)
        digits = max(len(str(n)) for _, n in top)
        for code, n in top:
            words = plain_words(code)
            tail = "" if words == code else f"  {words}"
            write(f"  {code:<{width}}  {n:>{digits}}{tail}\n")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
