"""leadflow.spark on a local Spark session: the decisions of qualify_record, row for row.

Spark runs on the JVM (Java 17 or newer); the session is local, two cores, started
once for the module.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyspark")
if shutil.which("java") is None and "JAVA_HOME" not in os.environ:  # pragma: no cover
    pytest.skip("Spark needs Java", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.types import LongType, StringType  # noqa: E402

from leadflow import BANT, Policy  # noqa: E402
from leadflow import spark as leadflow_spark  # noqa: E402
from leadflow.columnar import input_schema  # noqa: E402
from leadflow.errors import NaiveDatetimeError, WrongTypeError  # noqa: E402
from support import SIGNAL_POLICY, expected_row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import data  # noqa: E402

# pyspark warns of pandas 3 when it is installed, even where it uses no pandas.
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    before = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers run this interpreter
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("leadflow-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()
        if before is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = before


def records(count: int, *, signals: bool = False) -> list[dict[str, Any]]:
    """Generated records, some of them bad or written as spreadsheets write them."""
    made: list[dict[str, Any]] = list(data.records(count, seed=21))
    spoilt = {3: ("email", "not an address"), 5: ("created_at", "2026-02-30"),
              7: ("budget", "N/A"), 11: ("need", " Strong "), 13: ("role", "boss")}  # fmt: skip
    for number, record in enumerate(made):
        if number % 17 in spoilt:
            field, value = spoilt[number % 17]
            record[field] = value
        if signals:
            record["total_visits"] = ["0", "4", "", "12", "x"][number % 5]
            record["lead_origin"] = ["API", "", "Landing Page Submission"][number % 3]
    return made


def frame(session: Any, rows: list[dict[str, Any]], policy: Policy) -> Any:
    """*rows* as a Spark DataFrame of text columns (as ``read.csv`` gives), 4 partitions."""
    names = input_schema(policy).names
    table = pa.table({n: pa.array([r.get(n) or None for r in rows], pa.string()) for n in names})
    return session.createDataFrame(table).repartition(4)


def decided_in_spark(session: Any, rows: list[dict[str, Any]], policy: Policy) -> list[Any]:
    records_frame = frame(session, rows, policy)
    decided: list[Any] = leadflow_spark.qualify(records_frame, policy, as_of=data.AS_OF).collect()
    return decided


@pytest.mark.parametrize("policy", [BANT, SIGNAL_POLICY], ids=["BANT", "signals"])
def test_every_row_gets_the_decision_of_qualify_record(session: Any, policy: Policy) -> None:
    rows = records(3000, signals=bool(policy.signals))
    names = input_schema(policy).names
    wanted = [expected_row({n: r.get(n) for n in names}, policy, data.AS_OF, None) for r in rows]
    got = [row.asDict() for row in decided_in_spark(session, rows, policy)]
    assert len(got) == len(rows)
    # The shuffle reorders rows: compare them as multisets, which a wrong decision on any
    # row breaks (each row's id is in its decision, or its reasons in error).
    key = repr
    assert sorted(map(key, got)) == sorted(map(key, wanted))
    verdicts = {row["verdict"] for row in got}
    assert verdicts >= {"qualified", "nurture", "disqualified", "undetermined", None}


def test_mapinarrow_with_the_qualifier_and_schema_keeps_each_partitions_order(
    session: Any,
) -> None:
    rows = records(600)
    names = input_schema(BANT).names
    table = pa.table({n: pa.array([r.get(n) or None for r in rows], pa.string()) for n in names})
    one_partition = session.createDataFrame(table).coalesce(1)
    decide = leadflow_spark.qualifier(BANT, as_of=data.AS_OF)
    got = one_partition.mapInArrow(decide, leadflow_spark.output_schema(BANT)).collect()
    wanted = [expected_row({n: r.get(n) for n in names}, BANT, data.AS_OF, None) for r in rows]
    assert [row.asDict() for row in got] == wanted


def test_the_output_schema_is_the_columnar_one_in_sparks_types() -> None:
    schema = leadflow_spark.output_schema()
    assert schema.fieldNames()[:3] == ["id", "verdict", "score"]
    assert schema.fieldNames()[-1] == "error"
    assert schema["score"].dataType == LongType()
    assert schema["verdict"].dataType == StringType()
    assert all(field.nullable for field in schema.fields)


def test_bad_arguments_fail_on_the_driver_naming_them() -> None:
    with pytest.raises(WrongTypeError) as raised:
        leadflow_spark.qualifier("BANT", as_of=data.AS_OF)  # type: ignore[arg-type]
    assert raised.value.field == "policy"
    with pytest.raises(NaiveDatetimeError):
        leadflow_spark.qualifier(BANT, as_of=datetime(2026, 11, 30))
    with pytest.raises(WrongTypeError) as raised:
        leadflow_spark.qualify([{"name": "Ada"}], as_of=data.AS_OF)
    assert raised.value.field == "frame"
