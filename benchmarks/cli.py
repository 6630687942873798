"""The command line: ``leadflow qualify FILE`` over generated CSV files of growing size.

Each size runs in a fresh process (``python -m leadflow qualify``), on a CSV file
generated once under ``.bench/cli/``. The process reports its own peak resident set
size (Linux's VmHWM) as it exits; the wall clock gives its time. Time should grow
linearly with the rows and memory not at all.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import data

SIZES = (10_000, 100_000, 1_000_000)
_COUNT = re.compile(r"(\d+) rows?: (\d+) decisions?, (\d+) rejected")

# Runs `python -m leadflow ARGS` and then prints the process's peak resident set size.
# The kernel's own counter (VmHWM) is read, not getrusage's ru_maxrss: after fork and
# exec, ru_maxrss still counts the parent's pages from before the exec, so a child of
# this (large) benchmark process would report the benchmark's memory, not its own.
_PEAK = """
import runpy, sys
sys.argv = ["leadflow", *sys.argv[1:]]
try:
    runpy.run_module("leadflow", run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status:
        peak = [line.split()[1] for line in status if line.startswith("VmHWM:")]
    sys.stderr.write(f"\\npeak-rss-kib {peak[0]}\\n")
"""
_PEAK_LINE = re.compile(r"peak-rss-kib (\d+)")


def available() -> bool:
    """Whether this checkout has the command line (``leadflow.cli``)."""
    return importlib.util.find_spec("leadflow.cli") is not None


def _file(root: Path, rows: int) -> Path:
    folder = root / ".bench" / "cli"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"records-{rows}-{data.SEED}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        data.write_csv(partial, rows)
        partial.rename(path)
    return path


def run_once(root: Path, rows: int) -> dict[str, Any]:
    """Qualify a generated file of *rows* rows; return time, peak RSS and the count line."""
    path = _file(root, rows)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "src"), str(root)]))
    arguments = ["qualify", str(path), "--as-of", data.AS_OF.isoformat()]
    arguments += ["--output-format", "csv", "-o", os.devnull]
    start = time.perf_counter()
    ran = subprocess.run(
        [sys.executable, "-c", _PEAK, *arguments],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    counted = _COUNT.search(ran.stderr)
    peak = _PEAK_LINE.search(ran.stderr)
    return {
        "rows": rows,
        "seconds": seconds,
        "peak_rss_mib": int(peak.group(1)) / 1024 if peak else None,
        "exit": ran.returncode,
        "count_line": counted.group(0) if counted else ran.stderr.strip()[-200:],
        "decided": int(counted.group(2)) if counted else None,
    }


def measure(root: Path, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Run every size; judge linearity and memory at the largest sizes.

    Linearity is the exponent k in ``time ~ rows**k`` between the two largest
    sizes (1.0 is linear), where the process's fixed start-up cost (about half a
    second) no longer weighs.
    """
    runs = [run_once(root, rows) for rows in sizes]
    first, last = runs[-2] if len(runs) > 1 else runs[0], runs[-1]
    exponent = math.log(last["seconds"] / first["seconds"]) / math.log(last["rows"] / first["rows"])
    return {
        "runs": runs,
        "time_exponent": exponent,
        "linear": exponent <= 1.1,
        "peak_rss_mib_largest": last["peak_rss_mib"],
        "memory_met": last["peak_rss_mib"] is not None and last["peak_rss_mib"] <= 100,
        "all_decided": all(run["decided"] == run["rows"] for run in runs),
    }
