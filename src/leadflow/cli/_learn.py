"""``leadflow learn``: fit a policy from a labelled history file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from leadflow import _grammar as g
from leadflow.cli._errors import _StrictStopError, _UsageError
from leadflow.cli._plots import save_plots
from leadflow.cli._policies import _columns, _policy, _preset_name, _to_toml
from leadflow.cli._report import (
    _PROG,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_STRICT,
    _err,
    _problems,
    _Tally,
    _warn,
)
from leadflow.cli._sources import _Row, _Source
from leadflow.errors import InvalidFieldError, LeadflowError
from leadflow.learning import (
    Example,
    Feature,
    FitReport,
    FixedThreshold,
    Objective,
    QualifyTop,
    TargetPrecision,
    learn,
)
from leadflow.policy import Policy
from leadflow.records import RECORD_FIELDS, parse_record
from leadflow.serialization import unstructure
from leadflow.signals import signal_key

#: How an outcome cell is read, case-insensitively.
_OUTCOMES: Final = {
    **dict.fromkeys(("1", "true", "yes", "y", "won", "win", "converted"), True),
    **dict.fromkeys(("0", "false", "no", "n", "lost", "loss", "not converted"), False),
}
_KINDS: Final = ("number", "category")
#: A history row needs no contact identity: learning reads only its evidence and the
#: contact's role. A row without them is read with these in their place.
_STAND_INS: Final = {
    "name": "history row",
    "email": "history-row@example.invalid",
    "created_at": "1970-01-01T00:00:00+00:00",
}
_DIRECTIONS: Final = ("increasing", "decreasing")


def _signal_spec(text: str) -> tuple[str, str | None, str | None]:
    """``--signal NAME[:number|:category][:increasing|:decreasing]``."""
    name, *options = (part.strip() for part in text.split(":"))
    kind = direction = None
    for option in options:
        if option in _KINDS and kind is None:
            kind = option
        elif option in _DIRECTIONS and direction is None:
            direction = option
        else:
            raise argparse.ArgumentTypeError(
                f"{text!r}: after the name, expected :number or :category, then optionally "
                ":increasing or :decreasing"
            )
    if direction is not None and kind == "category":
        raise argparse.ArgumentTypeError(f"{text!r}: only a number can be monotone")
    if not name:
        raise argparse.ArgumentTypeError(f"{text!r}: a signal needs a column name")
    return name, kind, direction


def _share(text: str) -> float:
    """``20%``, ``20`` or ``0.2``: a share above 0 and at most 1."""
    raw = text.strip()
    try:
        number = float(raw.rstrip("%"))
    except ValueError:
        number = -1.0
    share = number / 100 if raw.endswith("%") or number > 1 else number
    if not 0 < share <= 1:
        raise argparse.ArgumentTypeError(f"expected a share such as 20% or 0.2, got {text!r}")
    return share


def add_learn(commands: Any, parents: Sequence[argparse.ArgumentParser], epilog: str) -> None:
    """Add the ``learn`` command to the subcommands *commands*."""
    description = (
        "Learn a policy from a history of records with outcomes: a scorecard whose\n"
        "points are fitted from the outcomes, scaled to a 0-100 score, with a\n"
        "calibrated probability. The learned policy is an ordinary policy file;\n"
        "`qualify --policy LEARNED.toml` decides with it and adds a probability\n"
        "column. The fit report goes to stdout (and, with --report, to a JSON file)."
    )
    learn_ = commands.add_parser(
        "learn",
        help="learn a policy from records with outcomes",
        description=description,
        parents=list(parents),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    learn_.add_argument(
        "--outcome",
        required=True,
        metavar="COLUMN",
        help="the outcome column: 1/0, true/false, yes/no, won/lost, converted",
    )
    learn_.add_argument(
        "--signal",
        action="append",
        type=_signal_spec,
        default=[],
        metavar="NAME[:number|:category][:increasing|:decreasing]",
        help="a column to learn from, with its kind (inferred from the values when left "
        "out); a number may be declared monotone. Repeat for each signal. A column "
        "named like 'Total Visits' becomes the signal total_visits.",
    )
    rules = learn_.add_mutually_exclusive_group()
    rules.add_argument(
        "--policy",
        metavar="FILE",
        help="the base policy (its minimums, requirements, freshness ... are kept)",
    )
    rules.add_argument(
        "--preset", type=_preset_name, metavar="NAME", help="a ready-made base policy"
    )
    objective = learn_.add_mutually_exclusive_group()
    objective.add_argument(
        "--qualify-top",
        type=_share,
        metavar="P%",
        help="qualify the top P%% of the history (default: 20%%)",
    )
    objective.add_argument(
        "--target-precision",
        type=_share,
        metavar="P%",
        help="qualify as many as possible while P%% of the qualified have the outcome",
    )
    objective.add_argument(
        "--threshold", type=int, metavar="SCORE", help="qualify at a fixed score (0-100)"
    )
    learn_.add_argument(
        "--method",
        choices=("scorecard", "naive_bayes"),
        default="scorecard",
        help="regularised logistic regression (default) or naive Bayes",
    )
    learn_.add_argument(
        "--not-required",
        action="append",
        default=[],
        choices=("need", "budget", "timeframe", "authority"),
        metavar="CRITERION",
        help="learn without requiring this criterion to qualify (said in the report)",
    )
    learn_.add_argument(
        "--folds",
        type=int,
        default=5,
        metavar="K",
        help="folds of cross-validation for the report (default: 5; 0 skips it)",
    )
    learn_.add_argument("--name", default="learned", help="the learned policy's name")
    learn_.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="LEARNED",
        help="write the learned policy here (.toml, or .json)",
    )
    learn_.add_argument("--report", metavar="FILE", help="also write the report as JSON")
    learn_.add_argument(
        "--plots",
        metavar="DIR",
        help="write reliability.png and points.png to DIR (needs matplotlib: "
        'pip install "leadflow[plots]")',
    )
    learn_.add_argument(
        "--strict",
        action="store_true",
        help=f"stop at the first rejected row (exit status {EXIT_STRICT})",
    )
    learn_.set_defaults(handler=_cmd_learn)


def _objective(args: argparse.Namespace) -> Objective:
    if args.target_precision is not None:
        return TargetPrecision(args.target_precision)
    if args.threshold is not None:
        if not 0 <= args.threshold <= 100:
            raise _UsageError(f"--threshold: expected a score from 0 to 100, got {args.threshold}")
        return FixedThreshold(args.threshold)
    return QualifyTop(0.2 if args.qualify_top is None else args.qualify_top)


def _read_outcome(column: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float, Decimal)) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = raw.strip().casefold()
        found = _OUTCOMES.get(text)
        if found is None and _is_number(text) and g.read_decimal(column, text) in (0, 1):
            found = g.read_decimal(column, text) == 1  # 1.0 and 0.0, as spreadsheets write them
        if found is not None:
            return found
    if g.is_blank(raw):
        raise InvalidFieldError(column, raw, "the outcome is missing")
    raise InvalidFieldError(column, raw, "expected 1/0, true/false, yes/no or won/lost")


def _with_stand_ins(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """*record*, with a stand-in for each contact identity field it leaves blank."""
    missing = {k: v for k, v in _STAND_INS.items() if g.is_blank(record.get(k))}
    if "email" in missing and not g.is_blank(record.get("phone")):
        del missing["email"]  # a phone is a contact point too
    return {**record, **missing} if missing else record


def _is_number(raw: object) -> bool:
    try:
        g.read_decimal("value", raw, floats="shortest")
    except InvalidFieldError:
        return False
    return True


def _signals(
    specs: Sequence[tuple[str, str | None, str | None]],
    rows: Sequence[_Row],
    outcome: str,
    base: Policy,
) -> tuple[list[Feature], dict[str, str]]:
    """The features to learn, and each one's source column (when not its name).

    Without ``--signal``, the base policy's signals are learned.
    """
    if not specs:
        return [Feature.of(s) for s in base.signals], {}
    features: list[Feature] = []
    columns: dict[str, str] = {}
    good = [r.data for r in rows if not r.problems]
    for column, kind, direction in specs:
        if column == outcome or signal_key(column) == signal_key(outcome):
            raise _UsageError(f"--signal {column}: that is the outcome column")
        if good and not any(column in record for record in good):
            raise _UsageError(f"--signal {column}: no row has a column of that name")
        name = column if g.is_signal_name(column) else signal_key(column)
        if name in RECORD_FIELDS or name in {f.name for f in features}:
            raise _UsageError(f"--signal {column}: {name} is a record field or another signal")
        if kind is None:
            given = [record.get(column) for record in good]
            given = [value for value in given if not g.is_blank(value)]
            kind = "number" if given and all(map(_is_number, given)) else "category"
        if column != name:
            columns[name] = column
        try:
            features.append(Feature(name=name, kind=kind, monotone=direction))  # type: ignore[arg-type]
        except InvalidFieldError as error:
            raise _UsageError(f"--signal {column}: {error.reason}") from None
    return features, columns


def _cmd_learn(args: argparse.Namespace) -> int:
    base = _policy(args)
    objective = _objective(args)
    if args.folds == 1 or args.folds < 0:
        raise _UsageError(f"--folds: expected 0 or at least 2, got {args.folds}")
    output = Path(args.output)
    if output.suffix.lower() not in (".toml", ".json"):
        raise _UsageError(f"-o {args.output}: a policy file ends in .toml or .json")
    # Every column may be read: the signals' columns are only known once named.
    source = _Source(
        args.input, args.format, _warn, _Everything(), max_field_size=args.max_field_size
    )
    tally = _Tally(source.name, strict=args.strict, progress=False)
    status = EXIT_OK
    examples: list[Example] = []
    try:
        rows = list(source.rows())
        features, renamed = _signals(args.signal, rows, args.outcome, base)
        reading = tuple(f.reader() for f in features)
        rename = _columns(reading).rename
        for row in rows:
            tally.row()
            if row.problems:
                tally.reject(row, row.problems)
                continue
            record = _with_stand_ins(rename(row.data))
            try:
                outcome = _read_outcome(args.outcome, record.get(args.outcome))
                parsed = parse_record(record, signals=reading)
            except LeadflowError as error:
                tally.reject(row, _problems(error))
                continue
            examples.append(
                Example(evidence=parsed.evidence, outcome=outcome, contact=parsed.contact)
            )
            tally.decided_as(None)
    except _StrictStopError:
        _err(f"{_PROG}: stopped at the first rejected row (--strict)")
        _err(tally.count_line("example"))
        return EXIT_STRICT
    finally:
        source.close()
    _err(tally.count_line("example"))
    try:
        fit = learn(
            examples,
            features,
            base=base,
            method=args.method,
            objective=objective,
            required=[c.value for c in base.required if c.value not in args.not_required],
            folds=args.folds,
            name=args.name,
        )
    except LeadflowError as error:
        raise _UsageError(f"cannot learn from {source.name}: {error}") from None
    data = unstructure(fit.policy)
    text = _to_toml(data) if output.suffix.lower() == ".toml" else json.dumps(data, indent=2)
    _write(output, text + ("" if text.endswith("\n") else "\n"))
    if args.report:
        _write(Path(args.report), json.dumps(fit.report.to_dict(), indent=2) + "\n")
    if args.plots:
        _plots(fit.report, Path(args.plots))
    sys.stdout.write(fit.report.to_text() + "\n")
    if renamed:
        names = ", ".join(f"{column!r} as {name}" for name, column in renamed.items())
        _warn(f"signals named from their columns: {names}; qualify reads them the same way")
    if tally.rejected:
        status = EXIT_REJECTED
    return status


class _Everything:
    """A collection holding every column name: no column is reported as unknown."""

    def __contains__(self, _: object) -> bool:
        return True

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise _UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _plots(report: FitReport, folder: Path) -> None:
    try:
        import matplotlib  # noqa: F401  # only to know whether it is there
    except ImportError:  # pragma: no cover - depends on what is installed
        raise _UsageError('--plots needs matplotlib: pip install "leadflow[plots]"') from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        save_plots(report, folder)
    except OSError as error:
        raise _UsageError(f"cannot write plots to {folder}: {error.strerror or error}") from None
