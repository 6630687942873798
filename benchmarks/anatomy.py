"""Where the time of paths (b) and (c) goes, per record, next to path (a).

Each step below is timed alone over the same records as the paths, so the report
can say which part of a leadflow decision costs what:

- ``(a) whole``: path (a), for scale;
- ``rule``: the compiled rule alone (``Engine.index`` of :mod:`leadflow._engine`
  for every pair, collecting plain ints): what leadflow computes for a verdict;
- ``(a)'s result tuples``: building the ``(verdict, score)`` tuple path (a) returns
  for each record;
- ``BatchResult``: building the light per-record value of path (c);
- ``QualificationDecision``: building the full decision of path (b) (ten fields,
  from parts already made).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence

from benchmarks import data, handwritten
from benchmarks.paths import leadflow_pairs
from leadflow._engine import assemble
from leadflow.batch import BatchResult
from leadflow.presets import DEFAULT_POLICY


def measure(records: Sequence[dict[str, str]], repeat: int) -> dict[str, float]:
    """Nanoseconds per record of each step (median of *repeat* CPU-time runs)."""
    as_of, policy = data.AS_OF, DEFAULT_POLICY
    ready = [data.ready(record) for record in records]
    pairs = leadflow_pairs(records)
    engine = policy._engine
    indices = [engine.index(c.role, e, as_of, as_of) for c, e in pairs]
    outcomes = [
        engine.outcome(index, e, as_of) for index, (_, e) in zip(indices, pairs, strict=True)
    ]
    verdicts = [(outcome[0].value, outcome[1]) for outcome in outcomes]

    def whole() -> object:
        return handwritten.decide_all(ready, as_of)

    def rule() -> object:
        index = engine.index
        return [index(c.role, e, as_of, as_of) for c, e in pairs]

    def result_tuples() -> object:
        return [(verdict, score) for verdict, score in verdicts]

    def batch_results() -> object:
        return [
            BatchResult(c, e, outcome[0], outcome[1], policy, as_of)
            for (c, e), outcome in zip(pairs, outcomes, strict=True)
        ]

    def decisions() -> object:
        return [
            assemble(outcome, as_of, e) for (_, e), outcome in zip(pairs, outcomes, strict=True)
        ]

    steps: dict[str, Callable[[], object]] = {
        "(a) whole": whole,
        "rule": rule,
        "(a)'s result tuples": result_tuples,
        "BatchResult": batch_results,
        "QualificationDecision": decisions,
    }
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            gc.collect()
            start = time.process_time()
            kept = step()
            seconds[name].append(time.process_time() - start)
            del kept
    return {name: statistics.median(s) / len(records) * 1e9 for name, s in seconds.items()}
