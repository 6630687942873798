"""The in-process paths of the benchmark, each from its own ready input to its own output.

Every path is a :class:`Path`: ``prepare`` turns the generated records into the
input the path starts from (not timed), ``run`` decides them all (timed), and
``verdicts`` reads ``(verdict, score)`` pairs back out of the output (not timed), so
that every path can be checked against path (a) on every record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from benchmarks import data, handwritten
from leadflow import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    ContactId,
    Evidence,
    Money,
    NeedEvidence,
    NeedLevel,
    Organisation,
    PurchaseProcess,
    PurchaseRole,
    TimeframeEvidence,
    TimeframeLevel,
    qualify,
)
from leadflow.batch import qualify_many
from leadflow.records import qualify_record

Verdicts = list[tuple[str, int]]


class Path(NamedTuple):
    """One way of deciding the generated records."""

    key: str
    title: str
    prepare: Callable[[Sequence[dict[str, str]]], Any]
    run: Callable[[Any, datetime], Any]
    verdicts: Callable[[Any], Verdicts]


def _datetime(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def leadflow_pairs(records: Sequence[dict[str, str]]) -> list[tuple[Contact, Evidence]]:
    """Build each record's contact and evidence with leadflow's strict constructors."""
    pairs = []
    for record in records:
        amount = record["budget_amount"]
        decision_date = record["decision_date"]
        contact = Contact(
            id=ContactId(record["id"]),
            name=record["name"],
            email=record["email"] or None,
            phone=record["phone"] or None,
            organisation=Organisation(name=record["organisation"])
            if record["organisation"]
            else None,
            job_title=record["job_title"],
            role=PurchaseRole(record["role"] or "unknown"),
            created_at=datetime.fromisoformat(record["created_at"]),
        )
        evidence = Evidence(
            need=NeedEvidence(
                level=NeedLevel(record["need"] or "unknown"),
                observed_at=_datetime(record["need_observed_at"]),
            ),
            budget=BudgetEvidence(
                level=BudgetLevel(record["budget"] or "unknown"),
                amount=Money(amount, record["budget_currency"]) if amount else None,
                observed_at=_datetime(record["budget_observed_at"]),
            ),
            timeframe=TimeframeEvidence(
                level=TimeframeLevel(record["timeframe"] or "unknown"),
                decision_date=date.fromisoformat(decision_date) if decision_date else None,
                observed_at=_datetime(record["timeframe_observed_at"]),
            ),
            authority=AuthorityEvidence(
                process=PurchaseProcess(record["purchase_process"] or "unknown"),
                observed_at=_datetime(record["authority_observed_at"]),
            ),
        )
        pairs.append((contact, evidence))
    return pairs


def _ready(records: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
    return [data.ready(record) for record in records]


def _run_handwritten(records: list[dict[str, Any]], as_of: datetime) -> Verdicts:
    return handwritten.decide_all(records, as_of)


def _run_qualify(pairs: list[tuple[Contact, Evidence]], as_of: datetime) -> list[Any]:
    return [qualify(contact, evidence, as_of=as_of) for contact, evidence in pairs]


def _run_batch(pairs: list[tuple[Contact, Evidence]], as_of: datetime) -> list[Any]:
    return list(qualify_many(pairs, as_of=as_of))


def _run_records(records: Sequence[dict[str, str]], as_of: datetime) -> list[Any]:
    return [qualify_record(record, as_of=as_of) for record in records]


def _same(output: Verdicts) -> Verdicts:
    return output


def _read(output: list[Any]) -> Verdicts:
    return [(decision.verdict.value, decision.score) for decision in output]


def _list(records: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    return list(records)


def _text_table(records: Sequence[dict[str, str]]) -> Any:
    import pyarrow as pa

    names = list(records[0]) if records else []
    return pa.table({n: pa.array([r[n] or None for r in records], pa.string()) for n in names})


def _typed_table(records: Sequence[dict[str, str]]) -> Any:
    """The records as an Arrow table with typed datetime and date columns."""
    import pyarrow as pa

    table = _text_table(records)
    for position, name in enumerate(table.column_names):
        if name.endswith("_at"):
            moments = [_datetime(r[name]) for r in records]
            table = table.set_column(position, name, pa.array(moments, pa.timestamp("us", "UTC")))
        elif name == "decision_date":
            days = [date.fromisoformat(r[name]) if r[name] else None for r in records]
            table = table.set_column(position, name, pa.array(days, pa.date32()))
    return table


def _categorical_table(records: Sequence[dict[str, str]]) -> Any:
    """The typed table with its text of few values dictionary-encoded.

    As a categorical pandas or polars frame, or a Parquet file read with
    ``read_dictionary``, holds it: a column of at most one value per hundred rows
    (levels, currencies, organisations, titles) as codes into its values.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = _typed_table(records)
    few = max(1, table.num_rows // 100)
    for position, name in enumerate(table.column_names):
        column = table.column(name)
        if pa.types.is_string(column.type) and pc.count_distinct(column).as_py() <= few:
            table = table.set_column(position, name, pc.dictionary_encode(column))
    return table


def _checked_table(records: Sequence[dict[str, str]]) -> Any:
    """The categorical table read and checked once (:func:`~leadflow.columnar.check_table`)."""
    from leadflow.columnar import check_table

    return check_table(_categorical_table(records))


def _run_columnar(table: Any, as_of: datetime) -> Any:
    from leadflow.columnar import qualify_table

    return qualify_table(table, as_of=as_of)


def _read_table(output: Any) -> Verdicts:
    verdicts = output.column("verdict").to_pylist()
    scores = output.column("score").to_pylist()
    return list(zip(verdicts, scores, strict=True))


def _has_pyarrow() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


#: Every in-process path, in report order ((g) to (j) with the ``arrow`` extra).
PATHS: tuple[Path, ...] = (
    Path("a", "hand-written Python (dicts, BANT by hand)", _ready, _run_handwritten, _same),
    Path("b", "leadflow.qualify, full explained decision", leadflow_pairs, _run_qualify, _read),
    Path("c", "leadflow.batch.qualify_many (explain on demand)", leadflow_pairs, _run_batch, _read),
    Path("d", "records.qualify_record, from flat dicts", _list, _run_records, _read),
) + (
    (
        Path(
            "g",
            "columnar.qualify_table, Arrow table of text",
            _text_table,
            _run_columnar,
            _read_table,
        ),
        Path(
            "h",
            "columnar.qualify_table, typed datetime columns",
            _typed_table,
            _run_columnar,
            _read_table,
        ),
        Path(
            "i",
            "columnar.qualify_table, typed and dictionary-encoded columns",
            _categorical_table,
            _run_columnar,
            _read_table,
        ),
        Path(
            "j",
            "columnar.qualify_table, a table checked once (check_table)",
            _checked_table,
            _run_columnar,
            _read_table,
        ),
    )
    if _has_pyarrow()
    else ()
)
