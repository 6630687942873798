"""Reproduce every figure in docs/performance.md.

From the repository root::

    python -m benchmarks.run                 # everything: paths (a)-(f), memory, command line
    python -m benchmarks.run --parts decisions,memory   # a selection
    python -m benchmarks.run --parts learning           # learning a policy (10,000 x 20)
    python -m benchmarks.run --parts duplicates         # duplicates in 100,000 contacts
    python -m benchmarks.run --parts imported           # 10,000 imported opportunities
    python -m benchmarks.run --cli           # the command-line part only

It benchmarks the checkout it lives in (``src/`` comes first on the path) and
needs nothing but leadflow's own dependencies; the peers (e) and (f) get a
virtual environment of their own under ``.bench/`` on the first run. A part that
cannot run (no CPython 3.9-3.11 for the peers, no command line yet) is reported
as skipped, with the reason. The results are printed as Markdown and written to
``.bench/results.json``.

Timing: every path decides the same N generated records (see
``benchmarks/data.py``), one path after the other within each repetition, the
order rotating from one repetition to the next; a figure is the median over the
repetitions. Times are the process's CPU time (``time.process_time``), which a
busy machine disturbs less than the wall clock; the garbage collector stays on,
and runs before each timed call. Each path's output is checked against path (a),
verdict and score, record by record.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks import anatomy, cli, data, duplicates, imported, learning, memory  # noqa: E402  # after the path is set
from benchmarks.paths import PATHS, Verdicts  # noqa: E402
from benchmarks.peers import env  # noqa: E402

PARTS = ("decisions", "peers", "anatomy", "memory", "cli", "learning", "duplicates", "imported")

#: Targets: path -> lowest acceptable ratio to path (a).
TARGETS = {"b": 0.5, "c": 0.9, "d": 0.2, "g": 10.0, "h": 10.0, "i": 10.0, "j": 10.0}


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return {
        "cpu": model,
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def decisions(n: int, repeat: int, log: list[str]) -> dict[str, Any]:
    """Time paths (a)-(d) on the same *n* records; check each against (a)."""
    records = list(data.records(n))
    inputs = {path.key: path.prepare(records) for path in PATHS}
    for path in PATHS:  # warm up: imports, memos, specialised bytecode
        path.run(path.prepare(records[:200]), data.AS_OF)
    seconds: dict[str, list[float]] = {path.key: [] for path in PATHS}
    wall: dict[str, list[float]] = {path.key: [] for path in PATHS}
    outputs: dict[str, Verdicts] = {}
    for round_ in range(repeat):
        shift = round_ % len(PATHS)
        for path in PATHS[shift:] + PATHS[:shift]:
            gc.collect()
            start, start_wall = time.process_time(), time.perf_counter()
            output = path.run(inputs[path.key], data.AS_OF)
            seconds[path.key].append(time.process_time() - start)
            wall[path.key].append(time.perf_counter() - start_wall)
            if path.key not in outputs:
                outputs[path.key] = path.verdicts(output)
            del output
        log.append(f"decisions: repetition {round_ + 1}/{repeat} done")
    baseline = outputs["a"]
    results: dict[str, dict[str, Any]] = {}
    for path in PATHS:
        median = statistics.median(seconds[path.key])
        results[path.key] = {
            "title": path.title,
            "n": n,
            "seconds": seconds[path.key],
            "wall_seconds": wall[path.key],
            "per_second": n / median,
            "disagreements": sum(
                1 for x, y in zip(outputs[path.key], baseline, strict=False) if x != y
            ),
        }
    base = results["a"]["per_second"]
    base_wall = statistics.median(wall["a"])
    for key, result in results.items():
        result["ratio"] = result["per_second"] / base
        result["wall_ratio"] = base_wall / statistics.median(wall[key])
    return results


def peers(n: int, repeat: int, baseline: Verdicts, base_rate: float, log: list[str]) -> Any:
    """Run (e) rule-engine and (f) glsm in their own environment on the first records."""
    python, installed = env.ensure(ROOT, log)
    results: dict[str, Any] = {}
    for key, peer in (("e", "rule-engine"), ("f", "glsm")):
        count = min(n, 20_000 if peer == "rule-engine" else 5_000)
        if python is None or peer not in installed:
            results[key] = {"peer": peer, "skipped": "not installed (see the log)"}
            continue
        command = [str(python), "-m", "benchmarks.peers.runner", "--peer", peer]
        command += ["--n", str(count), "--repeat", str(repeat)]
        ran = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        try:
            report = json.loads(ran.stdout)
        except json.JSONDecodeError:
            report = {"error": (ran.stderr.strip().splitlines() or ["no output"])[-1]}
        if "error" in report:
            results[key] = {"peer": peer, "skipped": f"failed: {report['error']}"}
            continue
        decided = [tuple(pair) for pair in report.pop("decided")]
        rate = count / statistics.median(report["seconds"])
        report.update(
            per_second=rate,
            ratio=rate / base_rate,
            disagreements=sum(1 for x, y in zip(decided, baseline, strict=False) if x != y),
        )
        results[key] = report
    return results


def _mib(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f}"


def _table(results: dict[str, Any], peer_results: dict[str, Any]) -> list[str]:
    lines = [
        "| path | what | records | decisions/s | ratio to (a) | target | met | "
        "disagreements with (a) |",
        "| --- | --- | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for key, result in results.items():
        target = TARGETS.get(key)
        met = "" if target is None else ("yes" if result["ratio"] >= target else "no")
        lines.append(
            f"| ({key}) | {result['title']} | {result['n']:,} | {result['per_second']:,.0f} | "
            f"{result['ratio']:.3f} | {'' if target is None else f'>= {target}'} | {met} | "
            f"{result['disagreements']} |"
        )
    titles = {"rule-engine": "rule-engine {}: the same rule", "glsm": "glsm {}: same weights"}
    for key, result in peer_results.items():
        if "skipped" in result:
            lines.append(
                f"| ({key}) | {result['peer']}: skipped, {result['skipped']} | | | | | | |"
            )
            continue
        title = titles[result["peer"]].format(result["version"])
        lines.append(
            f"| ({key}) | {title} | {result['n']:,} | {result['per_second']:,.0f} | "
            f"{result['ratio']:.4f} | | | {result['disagreements']} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the selected parts, print the report, write ``.bench/results.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="records per path (100,000)")
    parser.add_argument("--repeat", type=int, default=7, help="repetitions (7; at least 5)")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated, of: {', '.join(PARTS)}"
    )
    parser.add_argument("--cli", action="store_true", help="run the command-line part only")
    parser.add_argument(
        "--cli-sizes",
        default="10000,100000,1000000",
        help="rows of the CSV files (comma-separated)",
    )
    parser.add_argument("--memory-leads", type=int, default=100_000, help="leads to count")
    args = parser.parse_args(argv)
    parts = ["cli"] if args.cli else [part.strip() for part in args.parts.split(",")]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}")
    log: list[str] = []
    report: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv)}
    out = ["## leadflow benchmarks", ""]
    out += [f"- {name}: {value}" for name, value in report["machine"].items()]
    out.append("")
    results: dict[str, Any] = {}
    if "decisions" in parts or "peers" in parts:
        results = decisions(args.n, args.repeat, log)
        report["decisions"] = results
    peer_results: dict[str, Any] = {}
    if "peers" in parts:
        baseline = PATHS[0].run(PATHS[0].prepare(list(data.records(args.n))), data.AS_OF)
        peer_results = peers(args.n, args.repeat, baseline, results["a"]["per_second"], log)
        report["peers"] = peer_results
    if results:
        out += _table(results, peer_results)
        out.append("")
    if "anatomy" in parts:
        steps = anatomy.measure(list(data.records(args.n)), args.repeat)
        report["anatomy"] = steps
        out.append("| step, per record | ns |")
        out.append("| --- | ---: |")
        out += [f"| {name} | {ns:,.0f} |" for name, ns in steps.items()]
        out.append("")
    if "memory" in parts:
        found = memory.measure(args.memory_leads)
        report["memory"] = found
        out.append(
            f"Memory: {found['bytes_per_lead']} bytes per lead with full evidence and 3 "
            f"events over {found['leads']:,} leads (the contact and evidence alone: "
            f"{found['bytes_contact_and_evidence']}; leadflow adds "
            f"{found['bytes_added_by_leadflow']}); target <= 1024: "
            f"{'met' if found['met'] else 'not met'}."
        )
        out.append("")
    if "cli" in parts:
        if not cli.available():
            report["cli"] = {"skipped": "leadflow.cli does not exist yet"}
            out.append("Command line: skipped, leadflow.cli does not exist yet (rerun with --cli).")
        else:
            sizes = tuple(int(size) for size in args.cli_sizes.split(","))
            found = cli.measure(ROOT, sizes)
            report["cli"] = found
            out.append("| rows | seconds | µs per row | peak RSS (MiB) | count line |")
            out.append("| ---: | ---: | ---: | ---: | --- |")
            for run in found["runs"]:
                out.append(
                    f"| {run['rows']:,} | {run['seconds']:.1f} | "
                    f"{run['seconds'] / run['rows'] * 1e6:.1f} | {_mib(run['peak_rss_mib'])} | "
                    f"{run['count_line']} |"
                )
            out.append(
                f"\nTime exponent between the two largest files (1.0 = linear): "
                f"{found['time_exponent']:.3f} "
                f"({'linear' if found['linear'] else 'NOT linear'}); peak RSS at "
                f"{sizes[-1]:,} rows: {_mib(found['peak_rss_mib_largest'])} MiB "
                f"(target <= 100: {'met' if found['memory_met'] else 'not met'})."
            )
        out.append("")
    if "learning" in parts:
        found = learning.run(repeat=args.repeat, log=log.append)
        report["learning"] = found
        out.append(learning.markdown(found))
        out.append("")
    if "duplicates" in parts:
        found = duplicates.run()
        report["duplicates"] = found
        out.append(duplicates.markdown(found))
        out.append("")
    if "imported" in parts:
        found = imported.run()
        report["imported"] = found
        out.append(imported.markdown(found))
        out.append("")
    notes = [line for line in log if "repetition" not in line]
    if notes:
        out += ["Notes:", *(f"- {line}" for line in notes)]
    print("\n".join(out))  # noqa: T201  # the report is the output
    target = ROOT / ".bench" / "results.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
