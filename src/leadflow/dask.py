"""Decisions in Dask: one ``map_partitions`` call, with its meta written for you.

``pip install "leadflow[dask]"``. Each partition (a pandas DataFrame of flat
records, any column types :func:`leadflow.columnar.qualify_table` reads, ``NaN``
and ``None`` as empty cells) is decided by the columnar path, and its decisions
come back as a pandas DataFrame of :func:`meta`'s columns and types, with the
partition's own index: so a bad row is a row with its ``error``, never a failed
task, and the result lines up with the input.

>>> import dask.dataframe as dd, pandas as pd
>>> from datetime import datetime, timezone
>>> frame = dd.from_pandas(pd.DataFrame({
...     "name": ["Ada Lovelace", "Alan Turing"],
...     "email": ["ada@example.com", "not an address"],
...     "created_at": ["2026-11-02T09:00:00+00:00"] * 2,
...     "need": ["strong"] * 2, "budget": ["approved"] * 2,
...     "timeframe": ["this_quarter"] * 2, "role": ["decision_maker"] * 2,
... }), npartitions=2)
>>> decided = qualify(frame, as_of=datetime(2026, 11, 30, tzinfo=timezone.utc))
>>> result = decided.compute(scheduler="sync")
>>> result["score"].tolist(), result["error"].tolist()
([98, <NA>], [<NA>, "$.email: not an email address (got 'not an address')"])
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

try:
    import pandas as pd
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(
        'leadflow.dask needs dask, pandas and pyarrow: pip install "leadflow[dask]"'
    ) from missing

from leadflow import _grammar as g
from leadflow.columnar import output_schema, qualify_table
from leadflow.errors import WrongTypeError
from leadflow.policy import Policy

__all__ = ["meta", "qualify", "qualify_partition"]


def meta(policy: Policy | None = None) -> Any:
    """An empty pandas DataFrame of the decisions' columns and types under *policy*.

    The columns of :func:`leadflow.columnar.output_schema`, each typed by its Arrow
    type (:class:`pandas.ArrowDtype`: text is ``string[pyarrow]``, ``score`` and the
    points ``int64[pyarrow]``, which hold nulls for refused rows). This is the
    ``meta`` of ``map_partitions`` (:func:`qualify_partition`): Dask need not guess
    it by running the function on made-up rows.
    """
    return _frame(output_schema(policy, categorical=False).empty_table(), pd.RangeIndex(0))


def _frame(table: Any, index: Any) -> Any:
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = index
    return frame


def qualify_partition(
    partition: Any,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
) -> Any:
    """Decide one pandas DataFrame of records: the function for ``map_partitions``.

    Returns the decisions as a DataFrame of :func:`meta`'s columns and types, one
    row per input row, with the partition's index.

    Raises:
        WrongTypeError: *partition* is not a pandas DataFrame, or *policy* not a Policy.
        NaiveDatetimeError: *as_of* has no time zone.
    """
    if not isinstance(partition, pd.DataFrame):
        raise WrongTypeError(
            "partition", partition, f"expected a pandas DataFrame, not {g.kind(partition)}"
        )
    decided = qualify_table(partition, policy, as_of=as_of, timezone=timezone, categorical=False)
    return _frame(decided, partition.index)


def qualify(
    frame: Any,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
) -> Any:
    """Decide every record of a Dask DataFrame: its decisions, partition for partition.

    ``frame.map_partitions(qualify_partition, ..., meta=meta(policy))``: lazy, as
    Dask is; ``.compute()``, ``.to_parquet(...)`` and the like run it.

    Raises:
        WrongTypeError: *frame* is not a Dask DataFrame.
        NaiveDatetimeError: *as_of* has no time zone.
    """
    if not hasattr(frame, "map_partitions") or not hasattr(frame, "npartitions"):
        raise WrongTypeError("frame", frame, f"expected a Dask DataFrame, not {g.kind(frame)}")
    moment = g.read_datetime("as_of", as_of)
    return frame.map_partitions(
        qualify_partition,
        policy,
        as_of=moment,
        timezone=timezone,
        meta=meta(policy),
        align_dataframes=False,
    )
