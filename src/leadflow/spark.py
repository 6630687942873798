"""Decisions in Spark: one ``mapInArrow`` call, with its output schema written for you.

``pip install "leadflow[spark]"`` (Spark needs Java 17 or newer). Spark hands each
task's rows to :func:`qualifier`'s function as Arrow record batches; they are
decided by the columnar path (:func:`leadflow.columnar.qualify_batches`, the policy
compiled once per task) and come back as batches of :func:`output_schema`. A bad
row is a row with its ``error``, never a failed task; the decisions keep the input's
order within each partition.

A sketch (a running Spark session is needed, so it is not run here)::

    from leadflow import spark as leadflow_spark

    records = session.read.csv("contacts.csv", header=True)  # text columns
    decided = leadflow_spark.qualify(records, as_of=as_of)
    decided.write.parquet("decisions.parquet")

which is ``records.mapInArrow(qualifier(policy, as_of=as_of), output_schema(policy))``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any

try:
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(
        'leadflow.spark needs pyspark and pyarrow: pip install "leadflow[spark]"'
    ) from missing

from leadflow import _grammar as g
from leadflow import columnar
from leadflow.columnar import _chosen, qualify_batches
from leadflow.errors import WrongTypeError
from leadflow.policy import Policy

__all__ = ["output_schema", "qualifier", "qualify"]


def output_schema(policy: Policy | None = None) -> Any:
    """The decisions' columns as a Spark ``StructType``, for ``mapInArrow``.

    :func:`leadflow.columnar.output_schema` in Spark's types: text is ``string``
    (plain, not dictionary-encoded: Spark has no such type),
    ``score`` and the points ``bigint``, ``probability`` ``double``; every column
    nullable (a refused row has null decision columns and its ``error``).
    """
    return from_arrow_schema(columnar.output_schema(policy, categorical=False))


def qualifier(
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
) -> Callable[[Iterable[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function ``DataFrame.mapInArrow`` calls: record batches in, decisions out.

    The arguments are checked here, on the driver, so a bad one fails at once
    rather than in every task.

    Raises:
        WrongTypeError: *policy* is not a Policy.
        NaiveDatetimeError: *as_of* has no time zone.
    """
    chosen = _chosen(policy)
    moment = g.read_datetime("as_of", as_of)

    def decide(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return qualify_batches(
            batches, chosen, as_of=moment, timezone=timezone, categorical=False
        )

    return decide


def qualify(
    frame: Any,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
) -> Any:
    """Decide every record of a Spark DataFrame: a DataFrame of decisions, lazily.

    Raises:
        WrongTypeError: *frame* is not a Spark DataFrame, or *policy* not a Policy.
        NaiveDatetimeError: *as_of* has no time zone.
    """
    if not hasattr(frame, "mapInArrow"):
        raise WrongTypeError("frame", frame, f"expected a Spark DataFrame, not {g.kind(frame)}")
    return frame.mapInArrow(
        qualifier(policy, as_of=as_of, timezone=timezone), output_schema(policy)
    )
