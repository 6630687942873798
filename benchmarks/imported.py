"""What an imported pipeline costs to store, and how fast ``leadflow funnel`` reads it back.

From the repository root::

    python -m benchmarks.imported                 # 10,000 deals
    python -m benchmarks.imported --deals 2000 --repeat 3

The same pipeline is built twice with a fixed seed: once as
:func:`leadflow.import_opportunity` brings deals in from a CRM (an
``OpportunityImported`` event, no decisions), once as it had to be built before, through
the moves (each deal qualified on made-up evidence and promoted on made-up signals, then
advanced and closed). Each is written as JSON Lines, one value a line; the table gives
the mean bytes a line and the wall time of ``python -m leadflow funnel FILE`` (median of
``--repeat`` runs, its start-up included; the start-up alone is measured on an empty
file and given beside it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from leadflow import (  # noqa: E402  # after the path is set
    Contact,
    Evidence,
    FunnelStage,
    LossReason,
    Money,
    OpportunityStage,
    Organisation,
    PromotionSignals,
    advance,
    import_opportunity,
    lose,
    promote,
    to_lead,
    win,
)
from leadflow.serialization import to_json  # noqa: E402

SEED: Final = 20261204
#: The targets: a stored opportunity in at most this many bytes, and ``leadflow funnel``
#: reading at least this many a second.
TARGET_BYTES: Final = 2048
TARGET_PER_SECOND: Final = 10_000
_START: Final = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
_DAY: Final = timedelta(days=1)
_STEPS: Final = tuple(OpportunityStage)
_MADE_UP: Final = Evidence.of(need="strong", budget="approved", timeframe="this_quarter")
_SIGNALS: Final = PromotionSignals(
    relationship="established", requirements="specified", terms="contract", supplier="dropped"
)


def _deal(rng: random.Random, n: int) -> dict[str, Any]:
    outcome = rng.choice((FunnelStage.OPPORTUNITY, FunnelStage.CUSTOMER, FunnelStage.LOST))
    opened = _START + rng.randrange(300) * _DAY
    return {
        "n": n,
        "outcome": outcome,
        "opened": opened,
        "closed": opened + rng.randrange(1, 120) * _DAY,
        "step": rng.choice(_STEPS),
        "value": Money(f"{rng.randrange(1_000, 90_000)}.00", "EUR"),
        "owner": f"0055g{rng.randrange(20):05d}",
        "contact": Contact(
            name=f"Buyer {n}",
            email=f"buyer{n}@company{n % 700}.example",
            created_at=opened,
            organisation=Organisation(name=f"Company {n % 700}"),
        ),
    }


def imported(deals: list[dict[str, Any]]) -> list[str]:
    """Each deal as ``import_opportunity`` brings it in, as a JSON line."""
    return [
        to_json(
            import_opportunity(
                contact=d["contact"],
                name=f"Deal {d['n']}",
                source="salesforce",
                record_id=f"0065g{d['n']:08d}AAA",
                opened_at=d["opened"],
                outcome=d["outcome"],
                step=d["step"],
                estimated_value=d["value"],
                closed_at=None if d["outcome"] is FunnelStage.OPPORTUNITY else d["closed"],
                loss_reason=LossReason.PRICE,
                owner=d["owner"],
                product="Engines",
            )
        )
        for d in deals
    ]


def through_the_moves(deals: list[dict[str, Any]]) -> list[str]:
    """Each deal built as it had to be before: qualified and promoted on made-up facts."""
    lines = []
    for d in deals:
        lead, _ = to_lead(d["contact"], _MADE_UP, as_of=d["opened"])
        deal, _ = promote(
            lead, _SIGNALS, as_of=d["opened"], name=f"Deal {d['n']}", estimated_value=d["value"]
        )
        if d["step"] is not deal.step:
            deal, _ = advance(deal, d["step"], as_of=d["opened"])
        value: Any = deal
        if d["outcome"] is FunnelStage.CUSTOMER:
            value, _ = win(deal, as_of=d["closed"], by=d["owner"])
        elif d["outcome"] is FunnelStage.LOST:
            value, _ = lose(deal, reason=LossReason.PRICE, as_of=d["closed"], by=d["owner"])
        lines.append(to_json(value))
    return lines


def _funnel_seconds(path: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "leadflow", "funnel", str(path)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def run(deals: int = 10_000, repeat: int = 3) -> dict[str, Any]:
    """Build, write and read back both pipelines; the start-up on an empty file."""
    rng = random.Random(SEED)
    pipeline = [_deal(rng, n) for n in range(deals)]
    found: dict[str, Any] = {"deals": deals}
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.jsonl"
        empty.write_text("")
        found["startup_seconds"] = _funnel_seconds(empty, repeat)
        for name, build in (("imported", imported), ("through_the_moves", through_the_moves)):
            lines = build(pipeline)
            path = Path(folder) / f"{name}.jsonl"
            path.write_text("\n".join(lines) + "\n")
            seconds = _funnel_seconds(path, repeat)
            found[name] = {
                "mean_bytes": statistics.fmean(len(line.encode()) for line in lines),
                "max_bytes": max(len(line.encode()) for line in lines),
                "seconds": seconds,
                "per_second": deals / seconds,
                "per_second_started": deals / max(seconds - found["startup_seconds"], 1e-9),
            }
    mine = found["imported"]
    found["bytes_met"] = mine["max_bytes"] <= TARGET_BYTES
    found["speed_met"] = mine["per_second"] >= TARGET_PER_SECOND
    found["speed_met_started"] = mine["per_second_started"] >= TARGET_PER_SECOND
    found["met"] = found["bytes_met"] and found["speed_met_started"]
    return found


def markdown(found: dict[str, Any]) -> str:
    """The results as a Markdown table and a line on the targets."""
    lines = [
        "| pipeline | deals | mean bytes a line | largest | `leadflow funnel` s | stages/s "
        "| stages/s once started |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, label in (
        ("imported", "imported (`import_opportunity`)"),
        ("through_the_moves", "through the moves, on made-up facts"),
    ):
        r = found[name]
        lines.append(
            f"| {label} | {found['deals']:,} | {r['mean_bytes']:,.0f} | {r['max_bytes']:,} | "
            f"{r['seconds']:.2f} | {r['per_second']:,.0f} | {r['per_second_started']:,.0f} |"
        )
    lines.append(
        f"\nStart-up of `leadflow funnel` on an empty file: {found['startup_seconds']:.2f} s "
        f"(in the seconds above; left out of the last column). At most {TARGET_BYTES:,} "
        f"bytes a stored opportunity: {'met' if found['bytes_met'] else 'not met'}; at least "
        f"{TARGET_PER_SECOND:,} stages/s: {'met' if found['speed_met'] else 'not met'} "
        f"end to end, {'met' if found['speed_met_started'] else 'not met'} once started."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table; 0 if the targets are met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000, help="deals (10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (3)")
    args = parser.parse_args(argv)
    found = run(args.deals, args.repeat)
    print(markdown(found))  # noqa: T201  # the report is the output
    return 0 if found["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
