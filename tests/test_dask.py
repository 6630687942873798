"""leadflow.dask on a local Dask cluster: the decisions of qualify_record, row for row.

Two worker processes, started once for the module: each partition travels to a
worker and its decisions back, as on a real cluster.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from leadflow import BANT, Policy  # noqa: E402
from leadflow import dask as leadflow_dask  # noqa: E402
from leadflow.columnar import input_schema, output_schema  # noqa: E402
from leadflow.errors import NaiveDatetimeError, WrongTypeError  # noqa: E402
from support import SIGNAL_POLICY, expected_row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import data  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # No dashboard, and the scheduler's HTTP server on a free port: a fixed 8787
        # taken by another run would warn, and warnings are errors here.
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    with cluster, distributed.Client(cluster) as connected:
        yield connected


def records(count: int, *, signals: bool = False) -> list[dict[str, Any]]:
    """Generated records, some bad, some blanks as pandas holds them (NaN, None)."""
    made: list[dict[str, Any]] = list(data.records(count, seed=31))
    spoilt = {2: ("email", "not an address"), 4: ("budget", math.nan), 6: ("role", None),
              8: ("created_at", "yesterday"), 10: ("need", "STRONG")}  # fmt: skip
    for number, record in enumerate(made):
        if number % 13 in spoilt:
            field, value = spoilt[number % 13]
            record[field] = value
        if signals:
            record["total_visits"] = ["0", "4", None, "12", "x"][number % 5]
            record["lead_origin"] = ["API", math.nan, "Landing Page Submission"][number % 3]
    return made


def blank(value: object) -> object:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def plain(row: dict[str, Any]) -> dict[str, Any]:
    """A decided row read back from pandas: its missing values (pd.NA) as None."""
    return {key: None if value is pd.NA else value for key, value in row.items()}


@pytest.mark.parametrize("policy", [BANT, SIGNAL_POLICY], ids=["BANT", "signals"])
def test_every_row_gets_the_decision_of_qualify_record(client: Any, policy: Policy) -> None:
    rows = records(3000, signals=bool(policy.signals))
    names = input_schema(policy).names
    pandas_frame = pd.DataFrame([{n: r.get(n) for n in names} for r in rows], dtype=object)
    frame = dd.from_pandas(pandas_frame, npartitions=6)
    decided = leadflow_dask.qualify(frame, policy, as_of=data.AS_OF).compute()
    assert list(decided.index) == list(range(len(rows)))  # the input's index, in order
    got = [plain(row) for row in decided.to_dict("records")]
    for number, (record, row) in enumerate(zip(rows, got, strict=True)):
        wanted = expected_row({n: blank(record.get(n)) for n in names}, policy, data.AS_OF, None)
        assert row == wanted, f"row {number}"
    verdicts = {row["verdict"] for row in got}
    assert verdicts >= {"qualified", "nurture", "disqualified", "undetermined", None}


def test_the_meta_is_what_each_partition_gives(client: Any) -> None:
    rows = records(200)
    frame = dd.from_pandas(pd.DataFrame(rows, dtype=object), npartitions=2)
    lazy = leadflow_dask.qualify(frame, as_of=data.AS_OF)
    meta = leadflow_dask.meta()
    assert list(meta.columns) == output_schema().names
    assert lazy.dtypes.equals(meta.dtypes)
    assert lazy.compute().dtypes.equals(meta.dtypes)
    assert str(meta.dtypes["score"]) == "int64[pyarrow]"


def test_a_partition_is_decided_with_its_own_index() -> None:
    partition = pd.DataFrame(records(5), index=[10, 11, 12, 13, 14])
    decided = leadflow_dask.qualify_partition(partition, as_of=data.AS_OF)
    assert list(decided.index) == [10, 11, 12, 13, 14]
    assert decided["error"].isna().tolist() == [True, True, False, True, True]


def test_bad_arguments_are_refused_naming_them() -> None:
    with pytest.raises(WrongTypeError) as raised:
        leadflow_dask.qualify_partition([{"name": "Ada"}], as_of=data.AS_OF)
    assert raised.value.field == "partition"
    with pytest.raises(WrongTypeError) as raised:
        leadflow_dask.qualify(pd.DataFrame(), as_of=data.AS_OF)
    assert raised.value.field == "frame"
    frame = dd.from_pandas(pd.DataFrame(records(4)), npartitions=1)
    with pytest.raises(NaiveDatetimeError):
        leadflow_dask.qualify(frame, as_of=datetime(2026, 11, 30))
