"""The ``leadflow`` command: qualify and promote records, explain one, summarise a funnel.

Run ``leadflow --help`` (or ``python -m leadflow --help``) for the subcommands;
``docs/cli.md`` is the full guide. :func:`main` is the entry point; it takes the
arguments as a list and returns the exit status, so it can be called in-process.

Files are read and written one row at a time: memory does not grow with the input.
Decisions go to standard output (or ``--output``); rejected rows, warnings, progress
and the final count line go to standard error. The count line reads
``N rows: X decisions, Y rejected``; for ``qualify`` it goes on with the decisions
by verdict, ``; A qualified, B nurture, C undetermined, D disqualified``.

A policy with fit and engagement signals (``--policy``) makes ``qualify``,
``promote`` and ``explain`` read each signal from the record column of its name
(and ``<name>_observed_at``; see :func:`leadflow.records.signal_columns`), and
``qualify`` write each signal's code and points after the fixed columns.

Exit status:

- 0: every row was decided (or: the policy is valid, the schema was printed);
- 1: some rows were rejected, or the record to explain was rejected, or
  ``policy validate`` found the policy invalid;
- 2: usage error: bad arguments, an unreadable file, a bad ``--policy``;
- 3: ``--strict`` stopped at the first rejected row.

The command line is an edge: it reads the clock (the default ``--as-of`` is the time
the command started) and files, then hands plain values to the pure core.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import itertools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, NamedTuple, TextIO

from leadflow._grammar import read_datetime
from leadflow.decisions import Verdict
from leadflow.errors import (
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
    NaiveDatetimeError,
    NotQualifiedError,
)
from leadflow.evidence import PromotionSignals
from leadflow.funnel import FunnelSummary, summarize
from leadflow.lifecycle import Stage, to_lead
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY, PRESETS
from leadflow.promotion import can_promote
from leadflow.qualification import qualify
from leadflow.records import (
    PROMOTION_FIELDS,
    RECORD_FIELDS,
    QualificationInput,
    decision_fields,
    decision_row,
    parse_record,
    promotion_row,
    signal_columns,
)
from leadflow.serialization import structure, unstructure
from leadflow.stages import FunnelStage

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_STRICT",
    "EXIT_USAGE",
    "PROGRESS_EVERY",
    "main",
]

#: Every row was decided; the policy is valid; the command did what was asked.
EXIT_OK: Final = 0
#: Some rows (or the record to explain, or the policy to validate) were rejected.
EXIT_REJECTED: Final = 1
#: Bad arguments, an unreadable file or a bad ``--policy``: nothing was decided.
EXIT_USAGE: Final = 2
#: ``--strict`` stopped the run at the first rejected row.
EXIT_STRICT: Final = 3

#: Rows between two progress lines (written only when standard error is a terminal).
PROGRESS_EVERY: Final = 100_000

_PROG: Final = "leadflow"
_FORMATS: Final = ("csv", "jsonl")
_SUFFIXES: Final = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_ROW_COLUMN: Final = "row"

_EXIT_CODES: Final = f"""\
exit status:
  {EXIT_OK}  every row was decided (policy valid, schema printed, ...)
  {EXIT_REJECTED}  some rows were rejected (each is reported on stderr with its row
     number); for `explain`, the record was rejected; for `policy validate`,
     the policy is invalid
  {EXIT_USAGE}  usage error: bad arguments, unreadable input, bad --policy
  {EXIT_STRICT}  --strict stopped the run at the first rejected row
"""


_REJECTIONS: Final = """
rejected rows are reported on stderr as FILE: row N (line L): PATH: REASON,
one line per reason. Rows are data rows counted from 1 (a CSV header is not
a row, blank lines are skipped); lines count every line, the header too.
"""


class _UsageError(Exception):
    """The command cannot run: bad arguments, an unreadable file, a bad policy."""


class _PolicyError(_UsageError):
    """A policy file was read but holds no valid policy (bad syntax or bad fields)."""


class _StrictStopError(Exception):
    """``--strict`` met a rejected row."""


# ----------------------------------------------------------------------------------------
# Reading rows
# ----------------------------------------------------------------------------------------


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


class _Source:
    """An input file (or standard input) and the format it is read in."""

    def __init__(
        self,
        path: str,
        format_: str | None,
        warn: Callable[[str], None],
        known: Collection[str] = RECORD_FIELDS,
    ) -> None:
        self.name = "<stdin>" if path == "-" else path
        self._warn = warn
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

    def _sniff(self) -> str:
        """Guess the format from the first non-blank line: ``{`` starts JSON Lines."""
        seen: list[str] = []
        for line in self._lines:
            seen.append(line)
            if line.strip():
                break
        self._lines = itertools.chain(seen, self._lines)
        first = next((line for line in seen if line.strip()), "")
        return "jsonl" if first.lstrip().startswith("{") else "csv"

    def close(self) -> None:
        if self._stream is not sys.stdin:
            self._stream.close()

    def rows(self) -> Iterator[_Row]:
        """The data rows, one at a time."""
        if self.format == "jsonl":
            yield from self._jsonl_rows()
            return
        try:
            yield from self._csv_rows()
        except OSError as error:
            raise _UsageError(f"cannot read {self.name}: {error.strerror or error}") from None

    def _csv_rows(self) -> Iterator[_Row]:
        reader = csv.reader(self._lines, strict=True)
        header: list[str] | None = None
        while header is None:
            try:
                first = next(reader)
            except StopIteration:
                return  # a truly empty file holds no rows
            except csv.Error as error:
                raise _UsageError(f"{self.name}: unreadable CSV header: {error}") from None
            if first:
                header = [name.strip() for name in first]
        named = [name for name in header if name]
        duplicates = sorted({name for name in named if named.count(name) > 1})
        if duplicates:
            raise _UsageError(f"{self.name}: duplicate columns: {', '.join(duplicates)}")
        # Unnamed columns (a trailing comma in every line) are ignored without a word.
        unknown = [name for name in named if name not in self._known]
        if unknown:
            self._warn(f"{self.name}: ignoring unknown columns: {', '.join(unknown)}")
        width = len(header)
        number = 0
        last_line = reader.line_num
        while True:
            start = last_line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                number += 1
                last_line = reader.line_num
                yield _Row(number, start, None, (("$", f"malformed CSV: {error}"),))
                continue
            last_line = reader.line_num
            if not values:
                continue  # a blank line is not a row
            number += 1
            if len(values) != width:
                reason = f"expected {width} columns (as in the header), found {len(values)}"
                yield _Row(number, start, None, (("$", reason),))
            elif _bad_text("".join(values)):
                yield _Row(number, start, None, _NOT_UTF8)
            else:
                record = {name: value for name, value in zip(header, values, strict=True) if name}
                yield _Row(number, start, record)

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
                unknown = [k for k in row.data if k not in known and k not in warned]
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
                yield _Row(number, line_number, data)
        except OSError as error:
            raise _UsageError(f"cannot read {self.name}: {error.strerror or error}") from None


def _json_kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


# ----------------------------------------------------------------------------------------
# Writing rows
# ----------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------
# Reporting on standard error
# ----------------------------------------------------------------------------------------


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")


def _warn(message: str) -> None:
    _err(f"{_PROG}: warning: {message}")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _record_field(error: InvalidFieldError) -> str:
    """The record field a core error is about (``evidence.need.observed_at`` -> column)."""
    field = error.field
    if field.startswith("evidence.signals."):
        # evidence.signals.<name>[.observed_at]: the signal's own columns.
        return field.removeprefix("evidence.signals.").replace(".", "_")
    if field.startswith("evidence.") and field.endswith(".observed_at"):
        return field.split(".")[1] + "_observed_at"
    if field == "signals.observed_at":
        return "signals_observed_at"
    return field


#: The verdicts in the count line, best first.
_VERDICTS: Final = tuple(reversed(Verdict))


class _Tally:
    """Counts rows, reports rejected ones and prints progress and the count line.

    With *verdicts*, the decisions are also counted by verdict
    (:meth:`decided_as`) and the count line ends with those counts.
    """

    def __init__(
        self, source: str, *, strict: bool, progress: bool, verdicts: bool = False
    ) -> None:
        self.source = source
        self.strict = strict
        self.progress = progress
        self.rows = 0
        self.decided = 0
        self.rejected = 0
        self.verdicts: Counter[str] | None = Counter() if verdicts else None

    def row(self) -> None:
        self.rows += 1
        if self.progress and self.rows % PROGRESS_EVERY == 0:
            _err(f"{_PROG}: {self.rows:,} rows read ({self.rejected:,} rejected so far)")

    def reject(self, row: _Row, problems: Iterable[tuple[str, str]]) -> None:
        self.rejected += 1
        where = f"{self.source}: row {row.number} (line {row.line})"
        for path, reason in problems:
            _err(f"{where}: {path}: {reason}")
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
        path = "$." + _record_field(error)
        return [(path, f"{error.reason} (got {_shown(error.value)})")]
    return [("$", str(error))]


# ----------------------------------------------------------------------------------------
# Arguments shared by the subcommands
# ----------------------------------------------------------------------------------------


def _parse_as_of(text: str) -> datetime:
    """``--as-of``: a datetime with a UTC offset, read as every datetime is."""
    try:
        return read_datetime("as_of", text)
    except NaiveDatetimeError:
        raise argparse.ArgumentTypeError(
            f"needs a UTC offset: {text!r} (e.g. 2026-11-30T09:00:00+00:00 or ...Z)"
        ) from None
    except InvalidFieldError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 datetime: {text!r} (e.g. 2026-11-30T09:00:00+00:00)"
        ) from None


def _preset_name(text: str) -> str:
    name = text.strip().upper()
    if name not in PRESETS:
        raise argparse.ArgumentTypeError(
            f"unknown preset {text!r} (choose from {', '.join(PRESETS)})"
        )
    return name


def _load_policy_file(path: str) -> Policy:
    """Read a policy from a TOML or JSON file; never executes anything in it."""
    kind = Path(path).suffix.lower()
    if kind not in (".toml", ".json"):
        raise _UsageError(f"policy {path}: a policy file is .toml or .json")
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise _UsageError(f"cannot read policy {path}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text) if kind == ".toml" else json.loads(text)
    except UnicodeDecodeError:
        raise _PolicyError(f"policy {path}: not UTF-8 text") from None
    except (ValueError, RecursionError) as error:  # TOMLDecodeError is a ValueError
        language = "TOML" if kind == ".toml" else "JSON"
        raise _PolicyError(f"policy {path}: not valid {language}: {error}") from None
    try:
        policy: Policy = structure(data, Policy)
    except InvalidRecordError as error:
        details = "\n".join(f"  {path_}: {reason}" for path_, reason in _problems(error))
        raise _PolicyError(f"policy {path} is invalid:\n{details}") from None
    return policy


def _policy(args: argparse.Namespace) -> Policy:
    if getattr(args, "policy", None) is not None:
        return _load_policy_file(args.policy)
    if getattr(args, "preset", None) is not None:
        return PRESETS[args.preset]
    return DEFAULT_POLICY


def _record_policy(args: argparse.Namespace) -> tuple[Policy, frozenset[str]]:
    """The policy to decide records by, and the columns a record may have under it.

    A policy whose signals cannot be read from records (a signal named as a record
    field) is refused here, before any row is read, as a bad ``--policy``.
    """
    policy = _policy(args)
    try:
        columns = signal_columns(policy.signals)
    except InvalidFieldError as error:
        where = f"policy {args.policy}" if getattr(args, "policy", None) else "the policy"
        (path, reason), *_ = _problems(error)
        raise _PolicyError(f"{where} cannot be used with records: {path}: {reason}") from None
    return policy, frozenset((*RECORD_FIELDS, *columns))


def _now() -> datetime:
    """The clock, read once per run: every row of a run is decided as of the same time."""
    return datetime.now(timezone.utc)


# ----------------------------------------------------------------------------------------
# qualify and promote
# ----------------------------------------------------------------------------------------


def _check_created(parsed: QualificationInput, as_of: datetime) -> None:
    created = parsed.contact.created_at
    if created > as_of:
        raise InvalidFieldError(
            "created_at", created.isoformat(), f"is after as_of ({as_of.isoformat()})"
        )


def _qualify_row(policy: Policy, as_of: datetime) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    signals = policy.signals

    def decide(record: Mapping[str, Any]) -> dict[str, Any]:
        parsed = parse_record(record, signals=signals)
        _check_created(parsed, as_of)
        decision = qualify(parsed.contact, parsed.evidence, policy, as_of=as_of)
        return decision_row(decision, record_id=parsed.contact.id)

    return decide


def _promote_row(policy: Policy, as_of: datetime) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    no_signals = PromotionSignals()
    declared = policy.signals

    def decide(record: Mapping[str, Any]) -> dict[str, Any]:
        parsed = parse_record(record, signals=declared)
        _check_created(parsed, as_of)
        try:
            lead, _ = to_lead(parsed.contact, parsed.evidence, policy, as_of=as_of)
        except NotQualifiedError as refused:
            # Not a lead, so not a candidate: say so, with what it needs to qualify.
            decision = refused.decision
            return {
                "id": parsed.contact.id,
                "promotable": False,
                "codes": "",
                "next_steps": "; ".join(decision.next_steps),
                "qualification_verdict": decision.verdict.value,
                "score": decision.score,
            }
        signals = parsed.signals if parsed.signals is not None else no_signals
        promotion = can_promote(lead, signals, policy, as_of=as_of)
        return promotion_row(promotion, record_id=parsed.contact.id)

    return decide


def _run_rows(
    args: argparse.Namespace,
    columns: Callable[[Policy], Sequence[str]],
    make_row: Callable[[Policy, datetime], Callable[[Mapping[str, Any]], dict[str, Any]]],
    *,
    verdicts: bool,
) -> int:
    """Decide every row of the input with *make_row*, writing *columns* of the policy.

    With *verdicts*, the rows' ``verdict`` values are counted in the count line.
    """
    policy, known = _record_policy(args)
    as_of = args.as_of if args.as_of is not None else _now()
    decide = make_row(policy, as_of)
    _check_not_same(args.input, args.output)
    source = _Source(args.input, args.format, _warn, known)
    tally = _Tally(source.name, strict=args.strict, progress=_progress_wanted(), verdicts=verdicts)
    status = EXIT_OK
    try:
        with _output(args.output) as stream:
            writer = _Writer(stream, args.output_format, (_ROW_COLUMN, *columns(policy)))
            try:
                for row in source.rows():
                    tally.row()
                    if row.problems:
                        tally.reject(row, row.problems)
                        continue
                    try:
                        out = decide(row.data)
                    except LeadflowError as error:
                        tally.reject(row, _problems(error))
                        continue
                    writer.write({_ROW_COLUMN: row.number, **out})
                    tally.decided_as(out.get("verdict"))
            except _StrictStopError:
                status = EXIT_STRICT
    finally:
        source.close()
    if status == EXIT_STRICT:
        _err(f"{_PROG}: stopped at the first rejected row (--strict)")
    _err(tally.count_line())
    if status == EXIT_OK and tally.rejected:
        status = EXIT_REJECTED
    return status


def _check_not_same(source: str, output: str | None) -> None:
    """Refuse to write decisions over the input before it is read."""
    if output is None or "-" in (source, output):
        return
    with contextlib.suppress(OSError):
        if os.path.samefile(source, output):
            raise _UsageError(f"--output {output} is the input file; choose another")


def _progress_wanted() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def _cmd_qualify(args: argparse.Namespace) -> int:
    return _run_rows(
        args, lambda policy: decision_fields(policy.signals), _qualify_row, verdicts=True
    )


def _cmd_promote(args: argparse.Namespace) -> int:
    return _run_rows(args, lambda _: PROMOTION_FIELDS, _promote_row, verdicts=False)


# ----------------------------------------------------------------------------------------
# explain
# ----------------------------------------------------------------------------------------


def _cmd_explain(args: argparse.Namespace) -> int:
    policy, known = _record_policy(args)
    as_of = args.as_of if args.as_of is not None else _now()
    source = _Source(args.input, args.format, _warn, known)
    try:
        chosen = _choose(source, args.id, args.row)
    finally:
        source.close()
    tally = _Tally(source.name, strict=False, progress=False)
    if chosen.problems:
        tally.reject(chosen, chosen.problems)
        return EXIT_REJECTED
    try:
        parsed = parse_record(chosen.data, signals=policy.signals)
        _check_created(parsed, as_of)
        decision = qualify(parsed.contact, parsed.evidence, policy, as_of=as_of)
        text = decision.explain()
        if args.promotion:
            text += "\n\n" + _explain_promotion(parsed, decision.qualified, policy, as_of)
    except LeadflowError as error:
        tally.reject(chosen, _problems(error))
        return EXIT_REJECTED
    name = parsed.contact.name + (f" ({parsed.contact.id})" if parsed.contact.id else "")
    sys.stdout.write(f"{name}\n{text}\n")
    return EXIT_OK


def _explain_promotion(
    parsed: QualificationInput, qualified: bool, policy: Policy, as_of: datetime
) -> str:
    if not qualified:
        return "NOT PROMOTABLE: the contact does not qualify as a lead, so it is no candidate."
    lead, _ = to_lead(parsed.contact, parsed.evidence, policy, as_of=as_of)
    signals = parsed.signals if parsed.signals is not None else PromotionSignals()
    return can_promote(lead, signals, policy, as_of=as_of).explain()


def _choose(source: _Source, record_id: str | None, number: int | None) -> _Row:
    """The row to explain: by id, by row number, or the only row there is."""
    rows = source.rows()
    if record_id is not None:
        for row in rows:
            if not row.problems and _id_of(row.data) == record_id:
                return row
        raise _UsageError(f"{source.name}: no record with id {record_id!r}")
    if number is not None:
        for row in rows:
            if row.number == number:
                return row
        raise _UsageError(f"{source.name}: no row {number}")
    first = next(rows, None)
    if first is None:
        raise _UsageError(f"{source.name}: no record to explain")
    if next(rows, None) is not None:
        raise _UsageError(f"{source.name} holds several records: choose one with --id or --row")
    return first


def _id_of(record: Mapping[str, Any]) -> str | None:
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else None


# ----------------------------------------------------------------------------------------
# funnel
# ----------------------------------------------------------------------------------------


def _cmd_funnel(args: argparse.Namespace) -> int:
    source = _Source(args.input, "jsonl", _warn)
    tally = _Tally(source.name, strict=args.strict, progress=_progress_wanted())

    def stages() -> Iterator[Stage]:
        for row in source.json_values():
            tally.row()
            if row.problems:
                tally.reject(row, row.problems)
                continue
            try:
                stage: Stage = structure(row.data, Stage)
            except InvalidRecordError as error:
                tally.reject(row, _problems(error))
                continue
            tally.decided += 1
            yield stage

    try:
        summary = summarize(stages())
    except _StrictStopError:
        _err(f"{_PROG}: stopped at the first rejected row (--strict)")
        _err(tally.count_line("value"))
        return EXIT_STRICT
    finally:
        source.close()
    if args.output_format == "json":
        sys.stdout.write(json.dumps(_funnel_json(summary), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_funnel_text(summary))
    _err(tally.count_line("value"))
    return EXIT_REJECTED if tally.rejected else EXIT_OK


_RATES: Final = ("contact_to_lead", "lead_to_opportunity", "opportunity_to_customer")


def _rate(summary: FunnelSummary, name: str) -> Fraction | None:
    rate: Fraction | None = getattr(summary, name)
    return rate


def _funnel_json(summary: FunnelSummary) -> dict[str, Any]:
    data: dict[str, Any] = unstructure(summary)
    data["reached_lead"] = summary.reached_lead
    data["reached_opportunity"] = summary.reached_opportunity
    rates = {name: _rate(summary, name) for name in (*_RATES, "contact_to_customer")}
    # Exact fractions as text ("23/48"), as money is text: a float would round them.
    data["rates"] = {name: None if rate is None else str(rate) for name, rate in rates.items()}
    return data


def _counted(counts: Mapping[Any, int]) -> str:
    """``reason n, ...``, most frequent first; ties by name, whatever the input order."""
    items = sorted(counts.items(), key=lambda item: (-item[1], str(_name(item[0]))))
    return ", ".join(f"{_name(key)} {n}" for key, n in items)


def _name(key: object) -> object:
    return key.value if isinstance(key, Enum) else key


def _percent(rate: Fraction | None) -> str:
    return "n/a" if rate is None else f"{float(rate) * 100:.1f}%"


def _funnel_text(summary: FunnelSummary) -> str:
    width = max(len(stage.value) for stage in FunnelStage)
    lines = [f"{summary.total} values in the funnel"]
    lines += [f"  {s.value:<{width}}  {summary.counts[s]:>7}" for s in FunnelStage]
    lines.append("conversion:")
    reached = {
        "contact_to_lead": (summary.reached_lead, summary.total),
        "lead_to_opportunity": (summary.reached_opportunity, summary.reached_lead),
        "opportunity_to_customer": (
            summary.counts[FunnelStage.CUSTOMER],
            summary.reached_opportunity,
        ),
    }
    for name in _RATES:
        part, whole = reached[name]
        label = name.replace("_to_", " -> ")
        lines.append(f"  {label:<24} {_percent(_rate(summary, name)):>6}  ({part} of {whole})")
    for title, counts in (
        ("disqualified", summary.disqualified_reasons),
        ("lost", summary.lost_reasons),
    ):
        if counts:
            lines.append(f"{title}: {_counted(counts)}")
    if summary.lost_to_competitors:
        lines.append(f"lost to competitors: {_counted(summary.lost_to_competitors)}")
    for currency, amount in sorted(summary.pipeline.items()):
        weighted = summary.weighted_pipeline[currency]
        lines.append(f"pipeline {currency}: {amount.amount:,.2f} (weighted {weighted.amount:,.2f})")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------
# policy and schema
# ----------------------------------------------------------------------------------------


def _cmd_policy_show(args: argparse.Namespace) -> int:
    if args.file is not None and args.preset is not None:
        raise _UsageError("policy show: give a FILE or --preset, not both")
    if args.file is not None:
        policy = _load_policy_file(args.file)
    else:
        policy = PRESETS[args.preset or DEFAULT_POLICY.name]
    data = unstructure(policy)
    if args.format == "toml":
        text = _to_toml(data)
        # _to_toml leaves out a null in an array of tables (a signal's half_life, say),
        # which reads back as that field's default. Refuse rather than print another
        # policy if it is not the default.
        if structure(tomllib.loads(text), Policy) != policy:
            raise _UsageError("this policy holds a null that TOML cannot write: use --format json")
        sys.stdout.write(text)
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _cmd_policy_validate(args: argparse.Namespace) -> int:
    try:
        policy = _load_policy_file(args.file)
    except _PolicyError as error:  # an unreadable file is a usage error, exit 2
        _err(f"{_PROG}: {error}")
        return EXIT_REJECTED
    sys.stdout.write(f"{args.file}: a valid policy named {policy.name!r}\n")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from leadflow.schema import policy_schema, record_schema

    schema = record_schema() if args.kind == "record" else policy_schema()
    sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return _toml_string(key)


def _toml_string(text: str) -> str:
    # A JSON string is a TOML basic string, except that TOML also escapes DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item, where) for item in value) + "]"
    if value is None:
        raise _UsageError(
            f"{where} is null, which TOML cannot write: use --format json for this policy"
        )
    raise _UsageError(f"{where}: cannot write {type(value).__name__} as TOML")


def _array_of_tables(value: object) -> bool:
    """Whether *value* is written as an array of tables: a list of mappings (``signals``)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _to_toml(
    data: Mapping[str, Any], table: str = "", where: str = "", *, in_array: bool = False
) -> str:
    """Write JSON-like *data* as TOML.

    Plain keys come first, then one table per mapping, then one ``[[table]]`` per
    item of a list of mappings. A null is refused (TOML has none), except in an item
    of such a list, where it is left out: a signal's optional fields default to null.
    *where* is the path for messages (``signals[1].half_life``).
    """
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, Mapping) or _array_of_tables(value) or (value is None and in_array):
            continue
        at = f"{where}.{key}" if where else key
        lines.append(f"{_toml_key(key)} = {_toml_value(value, at)}")
    text = "\n".join(lines) + ("\n" if lines else "")
    for key, value in data.items():
        name = f"{table}.{_toml_key(key)}" if table else _toml_key(key)
        at = f"{where}.{key}" if where else key
        if isinstance(value, Mapping):
            text += f"\n[{name}]\n" + _to_toml(value, name, at, in_array=in_array)
        elif _array_of_tables(value):
            for index, item in enumerate(value):
                text += f"\n[[{name}]]\n" + _to_toml(item, name, f"{at}[{index}]", in_array=True)
    return text


# ----------------------------------------------------------------------------------------
# The parser
# ----------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description=(
            "Qualify contacts as sales leads, decide which leads can be promoted to\n"
            "opportunities, explain a decision and summarise a funnel. Files are\n"
            "streamed row by row: decisions go to stdout, rejected rows and the\n"
            "final count line (N rows: X decisions, Y rejected; for qualify, then\n"
            "the decisions by verdict) to stderr. A --policy that declares fit and\n"
            "engagement signals reads each from the column of the signal's name."
        ),
        epilog=_EXIT_CODES + _REJECTIONS + "\nSee docs/cli.md for the input and output columns.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from leadflow import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    records = argparse.ArgumentParser(add_help=False)
    records.add_argument(
        "input",
        metavar="INPUT",
        help="a CSV or JSON Lines file of records, or - for standard input",
    )
    records.add_argument(
        "--format",
        choices=_FORMATS,
        help="input format (default: from the file name: .csv, or .jsonl/.ndjson/.json; "
        "otherwise JSON Lines when the first line starts with '{', else CSV)",
    )
    decided = argparse.ArgumentParser(add_help=False)
    rules = decided.add_mutually_exclusive_group()
    rules.add_argument(
        "--policy", metavar="FILE", help="a policy file (.toml or .json); see `policy show`"
    )
    rules.add_argument(
        "--preset",
        type=_preset_name,
        metavar="NAME",
        help=f"a ready-made policy: {', '.join(PRESETS)} (default: {DEFAULT_POLICY.name})",
    )
    decided.add_argument(
        "--as-of",
        type=_parse_as_of,
        metavar="DATETIME",
        help="decide as of this ISO 8601 datetime with a UTC offset "
        "(default: now, read once when the command starts)",
    )
    batch = argparse.ArgumentParser(add_help=False)
    batch.add_argument(
        "--output-format",
        choices=_FORMATS,
        default="jsonl",
        help="output format (default: jsonl)",
    )
    batch.add_argument(
        "-o", "--output", metavar="FILE", help="write decisions to FILE (default: stdout)"
    )
    batch.add_argument(
        "--strict",
        action="store_true",
        help=f"stop at the first rejected row (exit status {EXIT_STRICT})",
    )

    def add(name: str, help_: str, parents: list[argparse.ArgumentParser]) -> Any:
        return commands.add_parser(
            name,
            help=help_,
            description=help_[0].upper() + help_[1:] + ".",
            parents=parents,
            epilog=_EXIT_CODES + _REJECTIONS,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    qualify_ = add("qualify", "qualify each record as a lead, or not", [records, decided, batch])
    qualify_.set_defaults(handler=_cmd_qualify)

    promote = add(
        "promote",
        "decide for each record whether it can be promoted to an opportunity",
        [records, decided, batch],
    )
    promote.set_defaults(handler=_cmd_promote)

    explain = add("explain", "explain the decision on one record, in words", [records, decided])
    which = explain.add_mutually_exclusive_group()
    which.add_argument("--id", help="the record with this id")
    which.add_argument("--row", type=_positive, metavar="N", help="the N-th data row (from 1)")
    explain.add_argument(
        "--promotion",
        action="store_true",
        help="also explain whether the lead can be promoted to an opportunity",
    )
    explain.set_defaults(handler=_cmd_explain)

    funnel = add("funnel", "summarise a JSON Lines file of funnel values", [])
    funnel.add_argument(
        "input",
        metavar="INPUT",
        help="JSON Lines of contacts, leads, opportunities ... as leadflow.serialization "
        "writes them, or - for standard input",
    )
    funnel.add_argument(
        "--output-format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text)",
    )
    funnel.add_argument(
        "--strict",
        action="store_true",
        help=f"stop at the first rejected line (exit status {EXIT_STRICT})",
    )
    funnel.set_defaults(handler=_cmd_funnel)

    policy = add("policy", "show or validate a policy (policies are data, never code)", [])
    policy_commands = policy.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = policy_commands.add_parser(
        "show", help="print a policy (a preset, or one read from a file)"
    )
    show.add_argument("file", nargs="?", metavar="FILE", help="a policy file (.toml or .json)")
    show.add_argument("--preset", type=_preset_name, metavar="NAME", help="a ready-made policy")
    show.add_argument("--format", choices=("json", "toml"), default="json", help="(default: json)")
    show.set_defaults(handler=_cmd_policy_show)
    validate = policy_commands.add_parser(
        "validate", help="check a policy file; every problem is named with its path"
    )
    validate.add_argument("file", metavar="FILE", help="a policy file (.toml or .json)")
    validate.set_defaults(handler=_cmd_policy_validate)

    schema = add("schema", "print the JSON Schema (draft 2020-12) of records or policies", [])
    schema.add_argument("kind", choices=("record", "policy"))
    schema.set_defaults(handler=_cmd_schema)
    return parser


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a row number from 1, got {text!r}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``leadflow`` command with *argv* (default: ``sys.argv[1:]``).

    Returns:
        The exit status (see the module documentation).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except _UsageError as error:
        _err(f"{_PROG}: error: {error}")
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader of our output went away (`leadflow qualify big.csv | head`).
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        _err(f"{_PROG}: interrupted")
        return 130
