"""Objectives: how a fit chooses the thresholds of the policy it learns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import attrs

from leadflow import _validate as v
from leadflow.errors import InvalidFieldError
from leadflow.learning._fit import round_half_up
from leadflow.policy import Calibration

__all__ = [
    "FixedThreshold",
    "Objective",
    "QualifyTop",
    "TargetPrecision",
    "bands",
    "choose_threshold",
    "lowest_reaching",
]


def _check_share(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise InvalidFieldError(attribute.name, value, "expected a share above 0 and at most 1")


@attrs.frozen
class QualifyTop:
    """Qualify the top *share* of the training rows (``QualifyTop(0.2)``: the top 20%)."""

    share: float = attrs.field(validator=_check_share)

    def __str__(self) -> str:
        return f"qualify the top {self.share:.0%}"


@attrs.frozen
class TargetPrecision:
    """Qualify as many rows as possible while *precision* of them have the outcome."""

    precision: float = attrs.field(validator=_check_share)

    def __str__(self) -> str:
        return f"at least {self.precision:.0%} of the qualified with the outcome"


@attrs.frozen
class FixedThreshold:
    """Qualify at a fixed *score*."""

    score: int = attrs.field(validator=v.in_range(0, 100))

    def __str__(self) -> str:
        return f"a fixed threshold of {self.score}"


Objective: TypeAlias = QualifyTop | TargetPrecision | FixedThreshold


def choose_threshold(
    objective: Objective, scores: Sequence[int], met: Sequence[bool], outcomes: Sequence[bool]
) -> tuple[int, str | None]:
    """The qualification threshold that meets *objective* on the training rows.

    Returns it, with a warning when the objective cannot be met.
    """
    best = max(scores, default=0)
    n = len(scores)
    if isinstance(objective, FixedThreshold):
        return objective.score, None
    # Qualified at threshold t: requirements met and score >= t. Count per score.
    qualified = [0] * 102
    won = [0] * 102
    for score, ok, outcome in zip(scores, met, outcomes, strict=True):
        if ok:
            qualified[score] += 1
            won[score] += 1 if outcome else 0
    for t in range(100, -1, -1):
        qualified[t] += qualified[t + 1]
        won[t] += won[t + 1]
    candidates = range(best + 1)
    if isinstance(objective, QualifyTop):
        # The share closest to the one asked for; on a tie, the fewer qualified.
        return min(candidates, key=lambda t: (abs(qualified[t] / n - objective.share), -t)), None
    reaching = [
        t for t in candidates if qualified[t] and won[t] / qualified[t] >= objective.precision
    ]
    if reaching:
        return min(reaching), None
    # No threshold reaches the precision: the most precise one.
    chosen = max(
        (t for t in candidates if qualified[t]),
        key=lambda t: (won[t] / qualified[t], t),
        default=best,
    )
    reached = won[chosen] / qualified[chosen] if qualified[chosen] else 0.0
    return chosen, (
        f"no threshold reaches the target precision of {objective.precision:.0%} on the "
        f"training rows; the most precise one ({chosen}) reaches {reached:.0%}"
    )


def lowest_reaching(calibration: Calibration, probability: float, ceiling: int) -> int:
    """The lowest score whose probability reaches *probability* (at most *ceiling*)."""
    for score in range(ceiling + 1):
        if calibration.probability(score) >= probability:
            return score
    return ceiling


def bands(threshold: int, nurture: int, calibration: Calibration, best: int) -> dict[str, Any]:
    """Grades and ratings placed on the learned scale.

    A is one doubling of the odds above the threshold, B the threshold, C the nurture
    floor; "hot" is grade A, "warm" the nurture floor. Floors must fall strictly, so
    they are spread apart where the scale is too short.
    """
    double = max(1, round_half_up(calibration.points_to_double_odds))
    b = max(threshold, 1)
    a = min(max(b + double, b + 1), 100)
    if a <= b:
        a, b = 100, 99
    c = min(nurture, b - 1)
    return {
        "grade_floors": (a, b, c),
        "hot_score": a,
        "warm_score": min(nurture, a),
    }
