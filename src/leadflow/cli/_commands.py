"""The subcommands: each takes the parsed arguments and returns the exit status."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timezone, tzinfo
from enum import Enum
from fractions import Fraction
from typing import Any, Final, TextIO

from leadflow.errors import (
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
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
    QualificationInput,
    decision_fields,
    decision_row,
    parse_record,
    promotion_row,
)
from leadflow.serialization import structure, unstructure
from leadflow.stages import FunnelStage

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from leadflow.cli._crm import qualify_crm
from leadflow.cli._errors import _PolicyError, _StrictStopError, _UsageError
from leadflow.cli._policies import (
    _columns,
    _load_policy_file,
    _record_policy,
    _to_toml,
)
from leadflow.cli._progress import _wanted
from leadflow.cli._report import (
    _PROG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_REJECTED,
    EXIT_STRICT,
    _err,
    _problems,
    _quiet_stdout,
    _Tally,
    _warn,
)
from leadflow.cli._sources import (
    _Row,
    _Source,
)
from leadflow.cli._writers import (
    _check_not_same,
    _output,
    _output_format,
    _Writer,
)

_ROW_COLUMN: Final = "row"


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


#: Makes the function that decides one record, from the policy, "now" and the time zone
#: naive timestamps are read in (``--timezone``; None: they are refused).
_MakeRow = Callable[
    [Policy, datetime, tzinfo | None], Callable[[Mapping[str, Any]], dict[str, Any]]
]


def _qualify_row(
    policy: Policy, as_of: datetime, zone: tzinfo | None = None
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    signals = policy.signals
    rename = _columns(signals).rename

    def decide(record: Mapping[str, Any]) -> dict[str, Any]:
        parsed = parse_record(rename(record), signals=signals, timezone=zone)
        _check_created(parsed, as_of)
        decision = qualify(parsed.contact, parsed.evidence, policy, as_of=as_of)
        return decision_row(decision, record_id=parsed.contact.id)

    return decide


def _promote_row(
    policy: Policy, as_of: datetime, zone: tzinfo | None = None
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    no_signals = PromotionSignals()
    declared = policy.signals
    rename = _columns(declared).rename

    def decide(record: Mapping[str, Any]) -> dict[str, Any]:
        parsed = parse_record(rename(record), signals=declared, timezone=zone)
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
    make_row: _MakeRow,
    *,
    verdicts: bool,
) -> int:
    """Decide every row of the input with *make_row*, writing *columns* of the policy.

    With *verdicts*, the rows' ``verdict`` values are counted in the count line.
    """
    policy, known = _record_policy(args)
    as_of = args.as_of if args.as_of is not None else _now()
    decide = make_row(policy, as_of, args.timezone)
    format_ = _output_format(args.output_format, args.output)
    _check_not_same(args.input, args.output)
    jobs = getattr(args, "jobs", 1)
    engine = getattr(args, "engine", None) or ("columns" if jobs > 1 else "rows")
    columnar = verdicts and _engine(engine, jobs)
    source = _Source(args.input, args.format, _warn, known, max_field_size=args.max_field_size)
    tally = _Tally(
        source.name, strict=args.strict, progress=_wanted(), verdicts=verdicts, reading=source
    )
    status = EXIT_OK
    failed: OSError | None = None
    out_columns = (_ROW_COLUMN, *columns(policy))
    try:
        with _output(args.output) as stream:
            writer = _Writer(stream, format_, out_columns)
            try:
                if columnar:
                    from leadflow.cli._columnar import ColumnarRun

                    settings = (policy, as_of, args.timezone, format_, out_columns)
                    run = ColumnarRun(source, known, decide, settings, jobs)
                    run.run(tally, writer, stream)
                else:
                    _each_row(source, decide, tally, writer, stream)
            except _StrictStopError:
                status = EXIT_STRICT
            tally.close()
            writer.close()
    except BrokenPipeError:
        raise  # the reader went away: stop quietly (see main)
    except OSError as error:  # reading errors are usage errors by now: this is writing
        failed, status = error, EXIT_OUTPUT
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    finally:
        tally.close()
        source.close()
    if status == EXIT_STRICT:
        _err(f"{_PROG}: stopped at the first rejected row (--strict)")
    elif failed is not None:
        _quiet_stdout()  # what could not be written must not fail again at exit
        target = args.output if args.output not in (None, "-") else "standard output"
        held = f"only the first {tally.decided}" if tally.decided else "none of the"
        _err(
            f"{_PROG}: error: cannot write {target}: {failed.strerror or failed}; "
            f"the output holds {held} decisions"
        )
    elif status == EXIT_INTERRUPTED:
        _err(f"{_PROG}: interrupted")
    _err(tally.count_line())
    if status == EXIT_OK and tally.rejected:
        status = EXIT_REJECTED
    return status


def _each_row(
    source: _Source,
    decide: Callable[[Mapping[str, Any]], dict[str, Any]],
    tally: _Tally,
    writer: _Writer,
    stream: TextIO,
) -> None:
    """``--engine rows``: read, decide and write one row at a time."""
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
        # Each row to the file at once, so that on a full disk the count
        # line says exactly how many decisions the output holds.
        stream.flush()
        tally.decided_as(out.get("verdict"))


def _has_pyarrow() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def _engine(engine: str, jobs: int) -> bool:
    """Whether ``qualify`` decides with the columnar engine (``--engine``, ``--jobs``).

    Raises:
        _UsageError: ``--engine columns`` or ``--jobs`` without pyarrow, or
            ``--jobs`` with ``--engine rows``.
    """
    if engine == "rows":
        if jobs > 1:
            raise _UsageError("--jobs needs the columnar engine (--engine columns or auto)")
        return False
    if _has_pyarrow():
        return True
    if engine == "columns" or jobs > 1:
        what = "--engine columns" if engine == "columns" else "--jobs"
        raise _UsageError(f'{what} needs pyarrow: pip install "leadflow[arrow]"')
    return False


#: ``qualify``'s options that only a CRM export (``--from``) takes.
_CRM_OPTIONS: Final = (
    ("write_back", "--write-back"),
    ("crm_mapping", "--crm-mapping"),
    ("currency", "--currency"),
    ("close_disqualified", "--close-disqualified"),
    ("write_ratings", "--write-ratings"),
)


def _cmd_qualify(args: argparse.Namespace) -> int:
    if getattr(args, "crm", None) is not None:
        if args.timezone is not None:
            raise _UsageError(
                "--timezone does not apply to --from CRM: a CRM's export carries UTC offsets"
            )
        return qualify_crm(args, _now)
    for name, flag in _CRM_OPTIONS:
        if getattr(args, name, None) is not None:
            raise _UsageError(f"{flag} needs --from CRM (the input is a CRM's export)")
    return _run_rows(
        args,
        lambda policy: decision_fields(policy.signals, probability=policy.calibration is not None),
        _qualify_row,
        verdicts=True,
    )


def _cmd_promote(args: argparse.Namespace) -> int:
    return _run_rows(args, lambda _: PROMOTION_FIELDS, _promote_row, verdicts=False)


# ----------------------------------------------------------------------------------------
# explain
# ----------------------------------------------------------------------------------------


def _cmd_explain(args: argparse.Namespace) -> int:
    policy, known = _record_policy(args)
    as_of = args.as_of if args.as_of is not None else _now()
    source = _Source(args.input, args.format, _warn, known, max_field_size=args.max_field_size)
    try:
        chosen = _choose(source, args.id, args.row)
    finally:
        source.close()
    tally = _Tally(source.name, strict=False, progress=False)
    if chosen.problems:
        tally.reject(chosen, chosen.problems)
        return EXIT_REJECTED
    try:
        parsed = parse_record(
            known.rename(chosen.data), signals=policy.signals, timezone=args.timezone
        )
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
    tally = _Tally(source.name, strict=args.strict, progress=_wanted(), reading=source)

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
        tally.close()
        _err(f"{_PROG}: stopped at the first rejected row (--strict)")
        _err(tally.count_line("value"))
        return EXIT_STRICT
    finally:
        tally.close()
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
    rates = {name: _rate(summary, name) for name in (*_RATES, "contact_to_customer", "win_rate")}
    # Exact fractions as text ("23/48"), as money is text: a float would round them.
    data["rates"] = {name: None if rate is None else str(rate) for name, rate in rates.items()}
    data["closed_opportunities"] = summary.closed_opportunities
    cycle = summary.average_sales_cycle
    data["average_sales_cycle"] = None if cycle is None else unstructure(cycle)
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
    closed = summary.closed_opportunities
    won = summary.counts[FunnelStage.CUSTOMER]
    lines.append(
        f"  {'win rate (closed deals)':<24} {_percent(summary.win_rate):>6}  ({won} of {closed})"
    )
    cycle = summary.average_sales_cycle
    if cycle is not None:
        lines.append(f"average sales cycle: {cycle.total_seconds() / 86400:.1f} days")
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
