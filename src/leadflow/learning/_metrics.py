"""How well probabilities rank and fit outcomes: AUC, Brier score, log loss, reliability."""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

__all__ = ["ReliabilityRow", "auc", "brier", "log_loss", "reliability"]

# Probabilities are kept this far from 0 and 1 in the log loss, so that one confident
# miss costs a lot but not infinitely much.
_EPSILON = 1e-15


def auc(scores: Sequence[float], outcomes: Sequence[bool]) -> float | None:
    """The area under the ROC curve: the chance a random positive outranks a random negative.

    Ties count one half. ``None`` when the outcomes are all alike.

    >>> auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    0.75
    """
    order = sorted(range(len(scores)), key=scores.__getitem__)
    positives = sum(1 for o in outcomes if o)
    negatives = len(outcomes) - positives
    if not positives or not negatives:
        return None
    # Mann-Whitney U from mid-ranks, one pass over the sorted scores.
    rank_sum = 0.0
    position = 0
    while position < len(order):
        end = position
        value = scores[order[position]]
        while end + 1 < len(order) and scores[order[end + 1]] == value:
            end += 1
        mid_rank = (position + end) / 2 + 1
        rank_sum += mid_rank * sum(1 for i in order[position : end + 1] if outcomes[i])
        position = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def brier(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The mean squared gap between probability and outcome (0 is perfect)."""
    return math.fsum((p - o) ** 2 for p, o in zip(probabilities, outcomes, strict=True)) / len(
        probabilities
    )


def log_loss(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The mean negative log-likelihood of the outcomes (natural log)."""
    total = math.fsum(
        -math.log(min(max(p if o else 1 - p, _EPSILON), 1.0))
        for p, o in zip(probabilities, outcomes, strict=True)
    )
    return total / len(probabilities)


@attrs.frozen(kw_only=True)
class ReliabilityRow:
    """One group of a reliability table: predicted against observed.

    Attributes:
        group: 1 for the lowest predicted probabilities, up to 10 (deciles).
        rows: How many rows are in the group.
        predicted: Their mean predicted probability.
        observed: The share of them with the outcome.
    """

    group: int
    rows: int
    predicted: float
    observed: float


def reliability(
    probabilities: Sequence[float], outcomes: Sequence[bool], groups: int = 10
) -> tuple[ReliabilityRow, ...]:
    """Rows sorted by probability and cut into *groups* near-equal groups (deciles).

    Rows with the same probability stay in one group, so a group may be larger or
    empty ones are left out.
    """
    order = sorted(range(len(probabilities)), key=probabilities.__getitem__)
    n = len(order)
    table: list[ReliabilityRow] = []
    start = 0
    for group in range(1, groups + 1):
        end = n * group // groups
        # Keep ties together: extend to the end of the run of equal probabilities.
        while 0 < end < n and probabilities[order[end]] == probabilities[order[end - 1]]:
            end += 1
        if end <= start:
            continue
        members = order[start:end]
        table.append(
            ReliabilityRow(
                group=group,
                rows=len(members),
                predicted=math.fsum(probabilities[i] for i in members) / len(members),
                observed=sum(1 for i in members if outcomes[i]) / len(members),
            )
        )
        start = end
    return tuple(table)
