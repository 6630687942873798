"""How fast leadflow.duplicates finds duplicates, and how many of the planted ones.

From the repository root::

    python -m benchmarks.duplicates                  # 10,000 and 100,000 contacts
    python -m benchmarks.duplicates --sizes 1000,10000 --repeat 3

Contacts are generated with a fixed seed: people at a few thousand organisations, and
for one in five of them a second record of the same person as CRMs get it (the address
in capitals, the number in its national form, the name written surname first, or all of
them). ``find_duplicates`` runs over each size, CPU time (``time.process_time``), the
median of ``--repeat`` runs; the time exponent between the two sizes says how the work
grows (1.0 is linear, 2.0 would be all pairs). Recall is the share of planted pairs that
end in one group; every reported group is checked against the planted truth, which the
generator knows and leadflow does not.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from leadflow import Contact, Organisation  # noqa: E402  # after the path is set
from leadflow.duplicates import find_duplicates, group_duplicates  # noqa: E402

SEED: Final = 20261204
#: The target: 100,000 contacts in seconds (here: under 10 CPU seconds), and never all
#: pairs (a time exponent well under 2).
TARGET_SECONDS: Final = 10.0
_AT: Final = datetime(2026, 1, 5, tzinfo=timezone.utc)
_FIRST: Final = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Tim")
# Surnames of two or three of these: about 2,000 of them.
_SYLLABLES: Final = ("lo", "ve", "la", "hop", "per", "tu", "ring", "dijk", "lis", "kov", "knu")


def contacts(n: int, seed: int = SEED) -> tuple[list[Contact], list[int]]:
    """*n* contacts, and for each the number of the person it is (the planted truth)."""
    rng = random.Random(seed)
    people = max(1, round(n / 1.2))
    records: list[Contact] = []
    who: list[int] = []
    for person in range(people):
        first = rng.choice(_FIRST)
        last = "".join(rng.choices(_SYLLABLES, k=rng.choice((2, 3)))).capitalize()
        org = f"Company {rng.randrange(max(1, people // 8))} Ltd"
        email = f"{first.lower()}.{last.lower()}.{person}@example.com"
        phone = f"020 7{person:07d}"[:13]
        records.append(
            Contact(
                name=f"{first} {last}",
                email=email,
                phone=f"+44 {phone[1:]}",
                organisation=Organisation(name=org),
                created_at=_AT,
            )
        )
        who.append(person)
        if len(records) < n and rng.random() < 0.2:
            way = rng.choice(["email", "phone", "name", "all"])
            records.append(
                Contact(
                    name=f"{last}, {first}" if way in ("name", "all") else f"{first} {last}",
                    email=email.upper() if way in ("email", "all") else None,
                    phone=phone if way in ("phone", "all") else f"+44 79{person:08d}"[:16],
                    organisation=Organisation(name=org.upper().removesuffix(" LTD")),
                    created_at=_AT,
                )
            )
            who.append(person)
        if len(records) >= n:
            break
    return records[:n], who[:n]


def _measure(n: int, repeat: int) -> dict[str, Any]:
    records, who = contacts(n)
    seconds: list[float] = []
    matches: tuple[Any, ...] = ()
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        matches = find_duplicates(records, country_code="44")
        seconds.append(time.process_time() - start)
    groups = group_duplicates(matches)
    planted: dict[int, list[int]] = {}
    for position, person in enumerate(who):
        planted.setdefault(person, []).append(position)
    pairs = [tuple(p) for p in planted.values() if len(p) == 2]
    grouped = {n: group for group in groups for n in group}
    found = sum(1 for one, other in pairs if grouped.get(one) is grouped.get(other) is not None)
    wrong = sum(1 for group in groups if len({who[n] for n in group}) > 1)
    return {
        "contacts": n,
        "seconds": statistics.median(seconds),
        "matches": len(matches),
        "planted_pairs": len(pairs),
        "recall": found / len(pairs) if pairs else 1.0,
        "groups": len(groups),
        "groups_of_two_people": wrong,
    }


def run(sizes: tuple[int, ...] = (10_000, 100_000), repeat: int = 3) -> dict[str, Any]:
    """Measure every size; the time exponent between the two largest."""
    runs = [_measure(n, repeat) for n in sizes]
    exponent = None
    if len(runs) >= 2:
        small, large = runs[-2], runs[-1]
        exponent = math.log(large["seconds"] / small["seconds"]) / math.log(
            large["contacts"] / small["contacts"]
        )
    largest = runs[-1]
    return {
        "runs": runs,
        "time_exponent": exponent,
        "met": largest["contacts"] < 100_000 or largest["seconds"] <= TARGET_SECONDS,
    }


def markdown(found: dict[str, Any]) -> str:
    """The results as a Markdown table and a line on the target."""
    lines = [
        "| contacts | CPU s | matches | planted pairs | recall | groups of two people |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in found["runs"]:
        lines.append(
            f"| {r['contacts']:,} | {r['seconds']:.2f} | {r['matches']:,} | "
            f"{r['planted_pairs']:,} | {r['recall']:.3f} | {r['groups_of_two_people']:,} |"
        )
    if found["time_exponent"] is not None:
        lines.append(
            f"\nTime exponent (1.0 = linear, 2.0 = all pairs): {found['time_exponent']:.2f}."
        )
    lines.append(
        f"Target: 100,000 contacts in under {TARGET_SECONDS:.0f} CPU s: "
        f"{'met' if found['met'] else 'not met'}."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table; 0 if the target is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="contacts (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (3)")
    args = parser.parse_args(argv)
    found = run(tuple(int(size) for size in args.sizes.split(",")), args.repeat)
    print(markdown(found))  # noqa: T201  # the report is the output
    return 0 if found["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
