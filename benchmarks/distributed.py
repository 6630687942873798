"""Spark (``local[2]``) and Dask (two worker processes) deciding a generated CSV file.

``python -m benchmarks.distributed [ROWS]`` (10,000,000 by default; needs the
``spark`` and ``dask`` extras and Java). Each engine reads the same CSV file under
``.bench/cli/`` as text columns, decides every row with leadflow (``leadflow.spark``,
``leadflow.dask``) and counts the verdicts, which both must give alike. Reported:
the wall-clock time (from reading the file to the verdicts counted) and the peak
memory of the whole process tree (this process, Spark's JVM and Python workers,
Dask's workers), sampled every 50 ms from ``/proc``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import data
from benchmarks.cli import _file, _tree_rss_kib

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def _peak_memory() -> Iterator[list[int]]:
    """Sample this process tree's memory (KiB) while the block runs; the peak in [0]."""
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss_kib(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


def _timed(run: Callable[[], Counter[str]]) -> dict[str, Any]:
    with _peak_memory() as peak:
        start = time.perf_counter()
        verdicts = run()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_tree_mib": peak[0] / 1024, "verdicts": dict(verdicts)}


def spark(path: Path) -> dict[str, Any]:
    """Decide *path* on a local Spark session of two cores."""
    from pyspark.sql import SparkSession

    from leadflow import spark as leadflow_spark

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:

        def run() -> Counter[str]:
            records = session.read.csv(str(path), header=True)  # every column text
            decided = leadflow_spark.qualify(records, as_of=data.AS_OF)
            counted = decided.groupBy("verdict").count().collect()
            return Counter({row["verdict"] or "refused": int(row["count"]) for row in counted})

        return _timed(run)
    finally:
        session.stop()


def dask(path: Path) -> dict[str, Any]:
    """Decide *path* on a local Dask cluster of two single-threaded worker processes."""
    import dask.dataframe as dd
    import distributed

    from leadflow import dask as leadflow_dask

    cluster = distributed.LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # No dashboard, and the scheduler's HTTP server on a free port: a fixed 8787
        # taken by another run would warn, and warnings are errors here.
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    with cluster, distributed.Client(cluster):  # type: ignore[no-untyped-call]

        def run() -> Counter[str]:
            records = dd.read_csv(str(path), dtype=str, keep_default_na=False, blocksize="32MB")
            decided = leadflow_dask.qualify(records, as_of=data.AS_OF)
            counted = decided["verdict"].fillna("refused").value_counts().compute()
            return Counter({str(key): int(value) for key, value in counted.items()})

        return _timed(run)


def main(rows: int) -> int:
    """Run both engines on a file of *rows* rows; print each line as it is measured.

    0 if both decided every row and agree on the verdicts.
    """
    path = _file(ROOT, rows)
    sys.stdout.write(
        "| engine | rows | seconds (wall) | rows/s | peak memory, all processes (MiB) |\n"
        "| --- | ---: | ---: | ---: | ---: |\n"
    )
    sys.stdout.flush()
    results: dict[str, dict[str, Any]] = {}
    for name, run in (("spark", spark), ("dask", dask)):
        found = results[name] = run(path)
        sys.stdout.write(
            f"| {name} | {rows:,} | {found['seconds']:.1f} | {rows / found['seconds']:,.0f} | "
            f"{found['peak_tree_mib']:,.0f} |\n"
        )
        sys.stdout.flush()
    same = results["spark"]["verdicts"] == results["dask"]["verdicts"]
    decided = sum(results["spark"]["verdicts"].values())
    sys.stdout.write(f"\nverdicts: {results['spark']['verdicts']}; the same in both: {same}\n")
    return 0 if same and decided == rows else 1


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000))
