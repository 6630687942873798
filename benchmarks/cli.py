"""The command line: ``leadflow qualify FILE`` over generated CSV files of growing size.

Each size runs in a fresh process (``python -m leadflow qualify``), on a CSV file
generated once under ``.bench/cli/``. The process reports its own peak resident set
size (Linux's VmHWM) as it exits; the wall clock gives its time. Time should grow
linearly with the rows and memory not at all.

:func:`engines` runs one file (1,000,000 rows by default) through ``--engine rows``,
``--engine columns`` and ``--engine columns --jobs 2`` side by side, with the peak
memory of the command and its worker processes together (their proportional set
sizes), sampled from ``/proc`` as it runs; ``python -m benchmarks.cli`` prints that comparison.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Final

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


def _tree_rss_kib(pid: int) -> int:
    """The memory of *pid* and all its descendants, in KiB (Linux).

    Each process's proportional set size (Pss): pages shared between processes (those
    a worker shares with the process it was forked from) are counted once in all.
    """
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "smaps_rollup").read_text()
        except OSError:
            continue
        child = int(entry.name)
        parents[child] = int(stat.rsplit(")", 1)[1].split()[1])
        rss = [line.split()[1] for line in status.splitlines() if line.startswith("Pss:")]
        sizes[child] = int(rss[0]) if rss else 0
    tree, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(sizes.get(member, 0) for member in tree)


def _qualify(root: Path, rows: int, options: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """The arguments of ``leadflow qualify`` over the file of *rows* rows, and its environment."""
    path = _file(root, rows)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "src"), str(root)]))
    arguments = ["qualify", str(path), "--as-of", data.AS_OF.isoformat(), *options]
    return [*arguments, "--output-format", "csv", "-o", os.devnull], env


def run_once(root: Path, rows: int, options: tuple[str, ...] = ()) -> dict[str, Any]:
    """Qualify a generated file of *rows* rows with *options*; time, peak RSS, count line.

    ``peak_rss_mib`` is the command's own peak (VmHWM); ``peak_tree_rss_mib`` the
    largest sum, sampled every 50 ms, of the command's and its worker processes' Pss.
    """
    arguments, env = _qualify(root, rows, options)
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-c", _PEAK, *arguments],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as running:
        tree = 0
        while running.poll() is None:
            tree = max(tree, _tree_rss_kib(running.pid))
            time.sleep(0.05)
        stderr = running.stderr.read() if running.stderr is not None else ""
    seconds = time.perf_counter() - start
    counted = _COUNT.search(stderr)
    peak = _PEAK_LINE.search(stderr)
    own = int(peak.group(1)) if peak else 0
    return {
        "rows": rows,
        "options": " ".join(options),
        "seconds": seconds,
        "peak_rss_mib": own / 1024 if peak else None,
        "peak_tree_rss_mib": max(tree, own) / 1024,
        "exit": running.returncode,
        "count_line": counted.group(0) if counted else stderr.strip()[-200:],
        "decided": int(counted.group(2)) if counted else None,
    }


#: The runs :func:`engines` compares, by name: the options of each.
ENGINES: Final = {
    "rows": ("--engine", "rows"),
    "columns": ("--engine", "columns"),
    "columns, --jobs 2": ("--engine", "columns", "--jobs", "2"),
}


def run_pair(root: Path, rows: int, options: tuple[str, ...]) -> float:
    """Seconds until two runs with *options*, started together, have both finished.

    What the machine gives two independent processes doing the same work: the
    ceiling for any split of that work in two.
    """
    arguments, env = _qualify(root, rows, options)
    command = [sys.executable, "-m", "leadflow", *arguments]
    start = time.perf_counter()
    both = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    for running in both:
        running.wait()
    return time.perf_counter() - start


def engines(root: Path, rows: int = 1_000_000, repeat: int = 1) -> dict[str, Any]:
    """Time one file of *rows* rows through each of :data:`ENGINES`, side by side.

    Each run is repeated *repeat* times, the engines taking turns, and its median
    time kept. Targets: columns at least 4 times as fast as rows, within 200 MiB
    (the command and its workers); with ``--jobs 2``, at least 1.7 times as fast
    again. Beside them, the machine's own ceiling for two processes: two
    ``--engine columns`` runs started together, against one alone.
    """
    every: dict[str, list[dict[str, Any]]] = {name: [] for name in ENGINES}
    pairs: list[float] = []
    for _ in range(repeat):
        for name, options in ENGINES.items():
            every[name].append(run_once(root, rows, options))
        pairs.append(run_pair(root, rows, ENGINES["columns"]))
    runs = {
        name: sorted(found, key=lambda run: run["seconds"])[len(found) // 2]
        for name, found in every.items()
    }
    rows_s, columns_s = runs["rows"]["seconds"], runs["columns"]["seconds"]
    jobs_s = runs["columns, --jobs 2"]["seconds"]
    pair_s = statistics.median(pairs)
    same = len({run["count_line"] for run in runs.values()}) == 1
    return {
        "runs": runs,
        "seconds": {name: [run["seconds"] for run in found] for name, found in every.items()},
        "pair_seconds": pairs,
        "columns_speedup": rows_s / columns_s,
        "jobs_speedup": columns_s / jobs_s,
        "machine_ceiling": 2 * columns_s / pair_s,
        "same_count_lines": same,
        "columns_met": rows_s / columns_s >= 4
        and (runs["columns"]["peak_tree_rss_mib"] or 0) <= 200,
        "jobs_met": columns_s / jobs_s >= 1.7,
    }


def _report(found: dict[str, Any]) -> str:
    lines = [
        "| engine | seconds | µs per row | peak RSS, command (MiB) | with workers (MiB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, run in found["runs"].items():
        own = run["peak_rss_mib"]
        lines.append(
            f"| {name} | {run['seconds']:.1f} | {run['seconds'] / run['rows'] * 1e6:.1f} | "
            f"{'n/a' if own is None else f'{own:.0f}'} | {run['peak_tree_rss_mib']:.0f} |"
        )
    lines.append(
        f"\ncolumns / rows: {found['columns_speedup']:.2f}x (target >= 4 within 200 MiB: "
        f"{'met' if found['columns_met'] else 'not met'}); --jobs 2 / columns: "
        f"{found['jobs_speedup']:.2f}x (target >= 1.7: "
        f"{'met' if found['jobs_met'] else 'not met'}); two columns runs at once against "
        f"one: {found['machine_ceiling']:.2f}x (the machine's ceiling for two processes); "
        f"same count lines: {found['same_count_lines']}."
    )
    lines.append("")
    for name, seconds in found["seconds"].items():
        lines.append(f"{name}: " + ", ".join(f"{s:.1f}" for s in seconds) + " s")
    lines.append(
        "two columns runs at once: " + ", ".join(f"{s:.1f}" for s in found["pair_seconds"])
    )
    return "\n".join(lines)


if __name__ == "__main__":
    chosen = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    times = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print(_report(engines(Path(__file__).resolve().parent.parent, chosen, times)))  # noqa: T201


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
