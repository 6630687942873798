"""How fast leadflow.learning fits, and how well, on histories whose truth is known.

From the repository root::

    python -m benchmarks.learning                      # 10,000 rows x 20 signals
    python -m benchmarks.learning --rows 2000 --signals 10 --repeat 3

It benchmarks the checkout it lives in (``src/`` comes first on the path). A training
history and a held-out history of the same size are generated with different seeds by
``benchmarks/histories.py`` (ten signals with an effect, the rest pure noise). For each
method, the fit is timed with ``time.process_time`` (CPU time, which a busy machine
disturbs less than the wall clock), the median over ``--repeat`` runs, garbage
collected before each; parsing the rows into examples is timed apart and not counted
in the fit. With cross-validation (``--folds``) the fit is timed with and without it.
The learned policy then decides every held-out contact (``leadflow.qualify``): its
AUC (rank) and Brier score on the held-out outcomes are set beside the true model's,
both computed by ``benchmarks/histories.py``, not by leadflow.

The results are printed as a Markdown table. :func:`run` returns them as data for
``benchmarks/run.py`` to collect.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks import histories  # noqa: E402  # after the path is set
from leadflow import DEFAULT_POLICY, qualify  # noqa: E402
from leadflow.learning import QualifyTop, learn  # noqa: E402
from leadflow.records import parse_record  # noqa: E402

#: Seeds of the training and the held-out histories.
TRAIN_SEED: Final = 20261201
TEST_SEED: Final = 20261202

Method = Literal["scorecard", "naive_bayes"]

#: The methods benchmarked.
METHODS: Final[tuple[Method, ...]] = ("scorecard", "naive_bayes")

#: The target: a scorecard fit of 10,000 rows x 20 signals (without the report's
#: cross-validation, which refits once per fold) in under this many CPU seconds.
TARGET_SECONDS: Final = 2.0

T = TypeVar("T")


def _timed(call: Callable[[], T], repeat: int) -> tuple[T, list[float]]:
    """*call*'s last result and the CPU seconds of each of *repeat* runs."""
    seconds: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        result = None  # the previous result is garbage before the next run
        gc.collect()
        start = time.process_time()
        result = call()
        seconds.append(time.process_time() - start)
    assert result is not None
    return result, seconds


def run(
    rows: int = 10_000,
    signals: int = 20,
    *,
    repeat: int = 5,
    folds: int = 5,
    methods: Sequence[Method] = METHODS,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Benchmark :func:`leadflow.learning.learn` on *rows* generated rows of *signals* signals."""
    spec = histories.Spec(signals=signals)
    train = histories.generate(rows, seed=TRAIN_SEED, spec=spec)
    test = histories.generate(rows, seed=TEST_SEED, spec=spec)
    model = train.truth
    examples, parse_seconds = _timed(lambda: histories.to_examples(train.rows, model), 1)
    read = histories.placeholder_signals(model)
    held_out = [parse_record(row, signals=read) for row in test.rows]
    features = histories.features(model)
    log(f"learning: {rows} rows x {signals} signals generated and parsed")
    true_auc = histories.auc(test.outcomes, test.probabilities)
    true_brier = histories.brier(test.outcomes, test.probabilities)
    results: list[dict[str, Any]] = []
    for method in methods:

        def fit(folds: int = folds, method: Method = method) -> Any:
            return learn(
                examples,
                features=features,
                base=DEFAULT_POLICY,
                method=method,
                objective=QualifyTop(0.2),
                folds=folds,
            )

        fitted, seconds = _timed(fit, repeat)
        alone: list[float] = []
        if folds:
            _, alone = _timed(lambda: fit(folds=0), repeat)
        log(f"learning: {method} timed")
        policy = fitted.policy
        cross = fitted.report.cross_validation
        predicted = [
            qualify(row.contact, row.evidence, policy, as_of=histories.AS_OF).probability or 0.0
            for row in held_out
        ]
        results.append(
            {
                "method": method,
                "seconds": seconds,
                "fit_seconds": statistics.median(alone) if alone else statistics.median(seconds),
                "total_seconds": statistics.median(seconds),
                "auc": histories.auc(test.outcomes, predicted),
                "brier": histories.brier(test.outcomes, predicted),
                "cv_auc": cross.auc if cross is not None else None,
                "cv_brier": cross.brier if cross is not None else None,
            }
        )
    return {
        "rows": rows,
        "signals": signals,
        "folds": folds,
        "repeat": repeat,
        "parse_seconds": parse_seconds[0],
        "true_auc": true_auc,
        "true_brier": true_brier,
        "methods": results,
    }


def markdown(result: dict[str, Any]) -> str:
    """*result* (from :func:`run`) as a Markdown table and a line on the target."""
    effective = min(result["signals"], len(histories.SIGNAL_NAMES))
    lines = [
        f"Learning: {result['rows']:,} training rows x {result['signals']} signals "
        f"({effective} with an effect), held out: {result['rows']:,} rows of another seed; "
        f"CPU seconds, median of {result['repeat']}; parsing the training rows into "
        f"examples took {result['parse_seconds']:.2f} s, not counted below.",
        "",
        f"| rows | signals | method | fit s | {result['folds']}-fold CV s | fit + CV s | "
        "held-out AUC | true AUC | held-out Brier | true Brier | CV AUC (report) |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in result["methods"]:
        lines.append(
            f"| {result['rows']:,} | {result['signals']} | {m['method']} | "
            f"{m['fit_seconds']:.2f} | {m['total_seconds'] - m['fit_seconds']:.2f} | "
            f"{m['total_seconds']:.2f} | {m['auc']:.4f} | "
            f"{result['true_auc']:.4f} | {m['brier']:.4f} | {result['true_brier']:.4f} | "
            f"{'-' if m['cv_auc'] is None else format(m['cv_auc'], '.4f')} |"
        )
    scorecard = [m for m in result["methods"] if m["method"] == "scorecard"]
    if scorecard:
        alone = scorecard[0]["fit_seconds"]
        verdict = "met" if alone < TARGET_SECONDS else "missed"
        lines += [
            "",
            f"Target (a scorecard fit under {TARGET_SECONDS:.0f} CPU s, without CV): "
            f"{verdict}, {alone:.2f} s.",
        ]
    return "\n".join(lines)


def _method(name: str) -> Method:
    for method in METHODS:
        if method == name:
            return method
    raise SystemExit(f"unknown method {name!r}: expected one of {', '.join(METHODS)}")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.learning``: print the benchmark as Markdown."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.learning", description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000, help="training rows (10,000)")
    parser.add_argument("--signals", type=int, default=20, help="signals (20)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (5)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (5)")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated")
    args = parser.parse_args(argv)
    result = run(
        args.rows,
        args.signals,
        repeat=args.repeat,
        folds=args.folds,
        methods=tuple(_method(m) for m in args.methods.split(",") if m),
        log=lambda line: print(line, file=sys.stderr),  # noqa: T201  # progress
    )
    print(markdown(result))  # noqa: T201  # the report is the output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
