"""Path (a): the default (BANT) policy written by hand, as dict lookups and arithmetic.

This is what a careful programmer writes without leadflow, and the practical
limit for pure Python: no objects, no explanation, verdict and score only. The
numbers are copied by hand from the BANT preset's published scale (weights
budget 30, authority 15, need 30, timeframe 25; each level earns its share of the
weight, rounded half up), not read from leadflow.

Standard library only: the peers' virtual environment imports it as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, Final

NEED_POINTS: Final = {"unknown": 0, "none": 0, "latent": 11, "expressed": 23, "strong": 30}
BUDGET_POINTS: Final = {
    "unknown": 0,
    "none": 0,
    "insufficient": 9,
    "available": 24,
    "approved": 30,
}
TIMEFRAME_POINTS: Final = {
    "unknown": 0,
    "later": 3,
    "this_year": 13,
    "next_quarter": 18,
    "this_quarter": 23,
    "immediate": 25,
}
AUTHORITY_POINTS: Final = {
    "unknown": 0,
    "none": 0,
    "adviser": 5,
    "influencer": 8,
    "shared": 12,
    "decider": 15,
}
# The levels that meet each required criterion's minimum (need: expressed, budget:
# available, timeframe: this year); authority is not required.
NEED_MET: Final = frozenset({"expressed", "strong"})
BUDGET_MET: Final = frozenset({"available", "approved"})
TIMEFRAME_MET: Final = frozenset({"this_year", "next_quarter", "this_quarter", "immediate"})
# The levels known to fall short of need's and budget's minimums: evidence against. A
# timeframe short of "this year" is only "later".
NEED_AGAINST: Final = frozenset({"none", "latent"})
BUDGET_AGAINST: Final = frozenset({"none", "insufficient"})
ROLE_AUTHORITY: Final = {
    "unknown": "unknown",
    "user": "none",
    "adviser": "adviser",
    "influencer": "influencer",
    "decision_maker": "decider",
}
THRESHOLD: Final = 60
NURTURE_THRESHOLD: Final = 35
FRESHNESS: Final = timedelta(days=180)
HORIZON_DAYS: Final = 365


def timeframe_of(when: date, today: date) -> str:
    """The timeframe an expected decision date stands for on *today*."""
    days = (when - today).days
    if days < 0:
        return "unknown"
    if days > HORIZON_DAYS:
        return "later"
    if days <= 30:
        return "immediate"
    quarters = (when.year * 4 + (when.month - 1) // 3) - (today.year * 4 + (today.month - 1) // 3)
    if quarters == 0:
        return "this_quarter"
    if quarters == 1:
        return "next_quarter"
    if when.year == today.year:
        return "this_year"
    return "later"


def decide_all(records: Iterable[dict[str, Any]], as_of: datetime) -> list[tuple[str, int]]:
    """``(verdict, score)`` for each ready record (see ``benchmarks.data.ready``)."""
    cutoff = as_of - FRESHNESS
    today = as_of.date()
    decided: list[tuple[str, int]] = []
    append = decided.append
    for record in records:
        need = record["need"]
        observed = record["need_observed_at"]
        if observed is not None and observed < cutoff:
            need = "unknown"
        budget = record["budget"]
        observed = record["budget_observed_at"]
        if observed is not None and observed < cutoff:
            budget = "unknown"
        when = record["decision_date"]
        timeframe = record["timeframe"] if when is None else timeframe_of(when, today)
        observed = record["timeframe_observed_at"]
        if observed is not None and observed < cutoff:
            timeframe = "unknown"
        authority = ROLE_AUTHORITY[record["role"]]
        if authority == "decider" and record["purchase_process"] == "committee":
            authority = "shared"
        observed = record["authority_observed_at"]
        if observed is not None and observed < cutoff:
            authority = "unknown"
        score = (
            NEED_POINTS[need]
            + BUDGET_POINTS[budget]
            + TIMEFRAME_POINTS[timeframe]
            + AUTHORITY_POINTS[authority]
        )
        if need in NEED_AGAINST or budget in BUDGET_AGAINST:
            append(("disqualified", score))
        elif need == "unknown" or budget == "unknown" or timeframe == "unknown":
            # Meeting need and budget at their minimums with any timeframe scores at
            # least 23 + 24 + 3, above the nurture floor: never ruled out yet.
            append(("undetermined", score))
        elif timeframe not in TIMEFRAME_MET:
            append(("nurture" if score >= NURTURE_THRESHOLD else "disqualified", score))
        elif score >= THRESHOLD:
            append(("qualified", score))
        else:
            append(("nurture", score))
    return decided
