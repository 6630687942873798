"""Run paths (e) rule-engine and (f) glsm inside the peers' virtual environment.

Usage (from the repository root, with the peers' python)::

    .bench/peers-venv/bin/python -m benchmarks.peers.runner --peer rule-engine --n 20000

Prints one JSON object: the peer's version, the CPU seconds of each repetition and
the ``(verdict, score)`` it came to for each of the first *n* generated records,
which :mod:`benchmarks.run` checks against path (a). Imports nothing of leadflow.

Both peers decide the same BANT rule as path (a), with the numbers written out by
hand in :mod:`benchmarks.handwritten`:

- rule-engine evaluates the whole rule: four rules for the levels as of "now"
  (freshness, expected decision dates, authority from role and purchase process),
  one for the score and one for the verdict;
- glsm scores: its lead score is ``sum(w_i**2 * p_i) / sum(w_j**2)``, so each
  criterion gets the weight ``sqrt(BANT weight)`` and each level the points
  ``100 * BANT points / BANT weight``, which makes glsm's score BANT's. glsm has
  no time, no required criteria and no nurture band: the levels as of "now" and
  the verdict around glsm's score are plain Python, timed with it.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from importlib import metadata
from typing import Any

from benchmarks import data
from benchmarks import handwritten as hw

Decide = Callable[[list[dict[str, Any]]], list[tuple[str, int]]]


def _mapping(table: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{key!r}: {value!r}" for key, value in table.items()) + "}"


def _levels(table: frozenset[str]) -> str:
    return "[" + ", ".join(repr(level) for level in sorted(table)) + "]"


def rule_engine_path(as_of: datetime) -> Decide:
    """Path (e): the BANT rule as rule-engine expressions."""
    import rule_engine  # type: ignore[import-not-found]  # only in the peers' environment

    constants: dict[str, Any] = {"cutoff": as_of - hw.FRESHNESS, "today": as_of.date()}

    def resolve(thing: dict[str, Any], name: str) -> Any:
        if name in thing:
            return thing[name]
        if name in constants:
            return constants[name]
        raise rule_engine.errors.SymbolResolutionError(name)

    context = rule_engine.Context(resolver=resolve)

    def stale(field: str) -> str:
        return f"{field}_observed_at != null and {field}_observed_at < cutoff"

    days = "(decision_date - today).days"
    quarters = (
        "(decision_date.year * 4 + (decision_date.month - 1) // 3)"
        " - (today.year * 4 + (today.month - 1) // 3)"
    )
    roles = {role: level for role, level in hw.ROLE_AUTHORITY.items() if level != "decider"}
    sources = {
        "need": f'{stale("need")} ? "unknown" : need',
        "budget": f'{stale("budget")} ? "unknown" : budget',
        "timeframe": (
            f'{stale("timeframe")} ? "unknown" : (decision_date == null ? timeframe'
            f' : ({days} < 0 ? "unknown" : ({days} > {hw.HORIZON_DAYS} ? "later"'
            f' : ({days} <= 30 ? "immediate" : ({quarters} == 0 ? "this_quarter"'
            f' : ({quarters} == 1 ? "next_quarter"'
            f' : (decision_date.year == today.year ? "this_year" : "later")))))))'
        ),
        "authority": (
            f'{stale("authority")} ? "unknown" : (role == "decision_maker"'
            f' ? (purchase_process == "committee" ? "shared" : "decider")'
            f" : {_mapping(roles)}[role])"
        ),
    }
    level_rules = {name: rule_engine.Rule(text, context=context) for name, text in sources.items()}
    score_rule = rule_engine.Rule(
        f"{_mapping(hw.NEED_POINTS)}[need] + {_mapping(hw.BUDGET_POINTS)}[budget]"
        f" + {_mapping(hw.TIMEFRAME_POINTS)}[timeframe]"
        f" + {_mapping(hw.AUTHORITY_POINTS)}[authority]",
        context=context,
    )
    verdict_rule = rule_engine.Rule(
        f"need in {_levels(hw.NEED_AGAINST)} or budget in {_levels(hw.BUDGET_AGAINST)}"
        ' ? "disqualified"'
        ' : (need == "unknown" or budget == "unknown" or timeframe == "unknown"'
        ' ? "undetermined"'
        f" : (not timeframe in {_levels(hw.TIMEFRAME_MET)}"
        f' ? (score >= {hw.NURTURE_THRESHOLD} ? "nurture" : "disqualified")'
        f' : (score >= {hw.THRESHOLD} ? "qualified" : "nurture")))',
        context=context,
    )
    rules = list(level_rules.items())

    def decide(records: list[dict[str, Any]]) -> list[tuple[str, int]]:
        decided = []
        for record in records:
            levels = {name: rule.evaluate(record) for name, rule in rules}
            levels["score"] = score_rule.evaluate(levels)
            decided.append((verdict_rule.evaluate(levels), int(levels["score"])))
        return decided

    return decide


def levels_as_of(record: dict[str, Any], cutoff: datetime, today: date) -> dict[str, str]:
    """The four levels of *record* as of "now", as path (a) works them out."""
    levels = {}
    for name in ("need", "budget", "timeframe"):
        level = record[name]
        if name == "timeframe" and record["decision_date"] is not None:
            level = hw.timeframe_of(record["decision_date"], today)
        observed = record[f"{name}_observed_at"]
        levels[name] = "unknown" if observed is not None and observed < cutoff else level
    authority = hw.ROLE_AUTHORITY[record["role"]]
    if authority == "decider" and record["purchase_process"] == "committee":
        authority = "shared"
    observed = record["authority_observed_at"]
    levels["authority"] = "unknown" if observed is not None and observed < cutoff else authority
    return levels


def glsm_path(as_of: datetime) -> Decide:
    """Path (f): glsm's non-predictive model with BANT's weights and points."""
    # Only in the peers' environment (pandas is read as untyped; see pyproject.toml).
    import pandas as pd
    from glsm.non_predictive.features import Feature  # type: ignore[import-not-found]
    from glsm.non_predictive.model import NonPredictive  # type: ignore[import-not-found]

    # glsm wants at least one "ideal customer profile" option per feature; BANT's
    # minimums (authority: influencer, although it is not required) mark them.
    criteria = {
        "need": (hw.NEED_POINTS, 30, hw.NEED_MET),
        "budget": (hw.BUDGET_POINTS, 30, hw.BUDGET_MET),
        "timeframe": (hw.TIMEFRAME_POINTS, 25, hw.TIMEFRAME_MET),
        "authority": (hw.AUTHORITY_POINTS, 15, frozenset({"influencer", "shared", "decider"})),
    }
    features = []
    for name, (points, weight, ideal) in criteria.items():
        options = pd.DataFrame(
            {
                "label": list(points),
                "is_ICP": [level in ideal for level in points],
                "points": [100 * value / weight for value in points.values()],
            }
        )
        features.append(Feature(name=name, options_df=options, weight=math.sqrt(weight)))
    model = NonPredictive(features=features, qualification_threshold=hw.THRESHOLD)
    cutoff, today = as_of - hw.FRESHNESS, as_of.date()

    def decide(records: list[dict[str, Any]]) -> list[tuple[str, int]]:
        decided = []
        for record in records:
            levels = levels_as_of(record, cutoff, today)
            score = model.compute_lambda(levels)
            # glsm scores; the verdict is the rule leadflow states (see handwritten.py).
            if levels["need"] in hw.NEED_AGAINST or levels["budget"] in hw.BUDGET_AGAINST:
                verdict = "disqualified"
            elif "unknown" in (levels["need"], levels["budget"], levels["timeframe"]):
                verdict = "undetermined"
            elif levels["timeframe"] not in hw.TIMEFRAME_MET:
                verdict = "nurture" if score >= hw.NURTURE_THRESHOLD else "disqualified"
            elif model.assess_qualification(levels):
                verdict = "qualified"
            else:
                verdict = "nurture"
            decided.append((verdict, round(score)))
        return decided

    return decide


PEERS = {"rule-engine": rule_engine_path, "glsm": glsm_path}


def main() -> None:
    """Run one peer and print its report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", choices=sorted(PEERS), required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=data.SEED)
    args = parser.parse_args()
    records = [data.ready(record) for record in data.records(args.n, args.seed)]
    try:
        decide = PEERS[args.peer](data.AS_OF)
        decide(records[:50])  # warm up
        seconds = []
        decided: list[tuple[str, int]] = []
        for _ in range(args.repeat):
            gc.collect()
            start = time.process_time()
            decided = decide(records)
            seconds.append(time.process_time() - start)
    except Exception as error:  # report any failure of a peer, never crash
        json.dump({"peer": args.peer, "error": f"{type(error).__name__}: {error}"}, sys.stdout)
        return
    json.dump(
        {
            "peer": args.peer,
            "version": metadata.version(args.peer),
            "python": sys.version.split()[0],
            "n": args.n,
            "seconds": seconds,
            "decided": decided,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
