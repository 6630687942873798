"""Policies: the validated data that the qualification and promotion rules follow.

A policy says, per criterion, how much it weighs, whether it is required, the
minimum acceptable level and how many points each level earns; then the
qualification threshold, the nurture band, grade and rating bands, the
"reasonable timeframe" horizon, how long evidence stays fresh, the win
probability of each opportunity stage and the promotion gate.

Policies are plain values: build them in code, load them from data, compare
them. An invalid policy raises :class:`~leadflow.errors.InvalidPolicyError` at
construction, naming the offending field; it never fails later, mid-decision.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from datetime import timedelta
from enum import Enum
from typing import Any, Generic, TypeVar

import attrs

from leadflow._engine import Engine
from leadflow._validate import to_tuple, type_name
from leadflow.errors import InvalidPolicyError, _a
from leadflow.evidence import (
    LEVELS,
    AuthorityLevel,
    BudgetLevel,
    Criterion,
    NeedLevel,
    OrderedLevel,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeLevel,
)
from leadflow.explanation import CriterionResult
from leadflow.signals import CategoricalSignal, NumericSignal, Signal
from leadflow.stages import OpportunityStage

__all__ = ["Calibration", "CriterionRule", "Policy", "PromotionRule"]

L = TypeVar("L", bound=OrderedLevel)
E = TypeVar("E", bound=Enum)


def _pairs(value: object) -> object:
    """Turn a mapping into a tuple of (key, value) pairs; leave other input to validation."""
    if isinstance(value, Mapping):
        return tuple(value.items())
    return value


def _check_int(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPolicyError(field, value, f"expected an int, not {type_name(value)}")
    if not low <= value <= high:
        raise InvalidPolicyError(field, value, f"must be between {low} and {high}")
    return value


def _check_table(field: str, pairs: object, enum: type[E], low: int, high: int) -> dict[E, int]:
    """Validate a complete enum -> int table and return it as a dict in enum order."""
    if not isinstance(pairs, tuple) or not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
        raise InvalidPolicyError(field, pairs, "expected a mapping of levels to ints")
    table: dict[E, int] = {}
    for key, number in pairs:
        if not isinstance(key, enum):
            raise InvalidPolicyError(f"{field}.{key}", key, f"not {_a(enum.__name__)}")
        table[key] = _check_int(f"{field}.{key.value}", number, low, high)
    missing = [m.value for m in enum if m not in table]
    if missing:
        raise InvalidPolicyError(field, pairs, f"missing {', '.join(missing)}")
    return {member: table[member] for member in enum}


def _check_monotone(field: str, table: Mapping[Any, int], what: str) -> None:
    previous: tuple[Any, int] | None = None
    for level, number in sorted(table.items(), key=lambda item: (_rank(item[0]), item[1])):
        if previous is not None and number < previous[1]:
            raise InvalidPolicyError(
                f"{field}.{level.value}",
                number,
                f"{what} must not fall as levels rise ({previous[0].value} has {previous[1]})",
            )
        previous = (level, number)


def _rank(level: Enum) -> int:
    return level.rank if isinstance(level, OrderedLevel) else list(type(level)).index(level)


@attrs.frozen(kw_only=True)
class CriterionRule(Generic[L]):
    """How one criterion is scored.

    Attributes:
        weight: The most points the criterion can give (0-100; weights of a
            policy add up to 100).
        required: Whether the criterion must be met to qualify.
        minimum: The weakest level that still meets the criterion.
        points: Points per level, for every level of the criterion, never falling
            as levels rise and never above ``weight``. Given as a mapping; kept as
            ``(level, points)`` pairs in level order.
    """

    weight: int
    required: bool
    minimum: L
    points: tuple[tuple[L, int], ...] = attrs.field(converter=_pairs)
    # Compiled once, so scoring is a dict lookup.
    _table: dict[L, int] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        _check_int("weight", self.weight, 0, 100)
        if not isinstance(self.required, bool):
            raise InvalidPolicyError("required", self.required, "expected a bool")
        if not isinstance(self.minimum, OrderedLevel):
            raise InvalidPolicyError("minimum", self.minimum, "expected a level")
        table = _check_table("points", self.points, type(self.minimum), 0, self.weight)
        # Among known levels, better evidence never earns fewer points. "Unknown" is not
        # a level on that scale: it may earn more than a known "none" (a fitted policy
        # learns that an unasked budget converts better than a missing one).
        _check_monotone(
            "points", {level: n for level, n in table.items() if level.rank > 0}, "points"
        )
        object.__setattr__(self, "points", tuple(table.items()))
        object.__setattr__(self, "_table", table)

    def points_for(self, level: L) -> int:
        """Points earned by *level*."""
        return self._table[level]

    def is_met(self, level: L) -> bool:
        """Whether *level* meets this criterion's minimum."""
        return level.at_least(self.minimum)

    @property
    def level_type(self) -> type[L]:
        """The level enum this rule scores."""
        return type(self.minimum)


@attrs.frozen(kw_only=True)
class PromotionRule:
    """The promotion gate: the weakest acceptable level of each signal.

    ``None`` means the signal is not required (it is still reported). The lead
    must also still qualify under the policy when it is promoted.

    Attributes:
        relationship: Minimum relationship with the lead.
        requirements: Minimum identification of its specific needs.
        terms: Minimum progress on payment terms and contracts.
        supplier: Minimum status with its current supplier.
        need: Minimum need level (the seed's "strong need").
    """

    relationship: RelationshipLevel | None = RelationshipLevel.ESTABLISHED
    requirements: RequirementsLevel | None = RequirementsLevel.SPECIFIED
    terms: TermsLevel | None = TermsLevel.PAYMENT_TERMS
    supplier: SupplierStatus | None = SupplierStatus.NO_SUPPLIER
    need: NeedLevel | None = NeedLevel.STRONG

    def __attrs_post_init__(self) -> None:
        expected: dict[str, type[OrderedLevel]] = {
            "relationship": RelationshipLevel,
            "requirements": RequirementsLevel,
            "terms": TermsLevel,
            "supplier": SupplierStatus,
            "need": NeedLevel,
        }
        for name, enum in expected.items():
            value = getattr(self, name)
            if value is not None and not isinstance(value, enum):
                raise InvalidPolicyError(name, value, f"expected a {enum.__name__} or None")


def _real(value: object) -> object:
    """An int becomes a float; anything else (an int too large for one) is left to validation."""
    if isinstance(value, int) and not isinstance(value, bool):
        with contextlib.suppress(OverflowError):
            return float(value)
    return value


def _check_real(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidPolicyError(field, value, f"expected a number, not {type_name(value)}")
    # An int left by _real is one too large for a float (math.isfinite would overflow).
    if isinstance(value, int) or not math.isfinite(value):
        raise InvalidPolicyError(field, value, "must be a finite number a float can hold")
    return value


@attrs.frozen(kw_only=True)
class Calibration:
    """How a score becomes the probability of the outcome: a logistic curve.

    The probability of a score ``s`` is ``1 / (1 + exp(-(intercept + slope * s)))``:
    every point adds ``slope`` to the log-odds, so ``log(2) / slope`` points double
    the odds. A learned policy carries one (see :mod:`leadflow.learning`); a
    hand-set policy has none, and its decisions carry no probability.

    >>> curve = Calibration(intercept=-3.0, slope=0.06)
    >>> round(curve.probability(50), 3)
    0.5
    >>> round(curve.points_to_double_odds, 1)
    11.6

    Attributes:
        intercept: The log-odds of the outcome at a score of 0.
        slope: Log-odds per point; above 0, so probability rises with the score.
    """

    intercept: float = attrs.field(converter=_real)
    slope: float = attrs.field(converter=_real)

    def __attrs_post_init__(self) -> None:
        _check_real("intercept", self.intercept)
        if _check_real("slope", self.slope) <= 0:
            raise InvalidPolicyError("slope", self.slope, "must be above 0")

    def probability(self, score: int) -> float:
        """The probability (0-1) of the outcome at *score*."""
        odds = self.intercept + self.slope * score
        if odds >= 0:
            return 1.0 / (1.0 + math.exp(-odds))
        tail = math.exp(odds)
        return tail / (1.0 + tail)

    @property
    def points_to_double_odds(self) -> float:
        """How many points double the odds of the outcome."""
        return math.log(2) / self.slope


_DEFAULT_PROBABILITIES: Mapping[OpportunityStage, int] = {
    OpportunityStage.QUALIFY: 20,
    OpportunityStage.DEVELOP: 40,
    OpportunityStage.PROPOSE: 60,
    OpportunityStage.CLOSE: 80,
}


@attrs.frozen(kw_only=True)
class Policy:
    """A complete, validated qualification and promotion policy.

    Attributes:
        name: A short name shown in decisions (``"BANT"``).
        need: Rule for need.
        budget: Rule for budget.
        timeframe: Rule for market availability (timeframe).
        authority: Rule for decision authority.
        order: The four criteria in the order decisions report them.
        threshold: Lowest score (0-100) that qualifies, when every required
            criterion is met.
        nurture_threshold: Lowest score that earns "nurture" instead of
            "disqualified" (at most ``threshold``).
        grade_floors: Lowest scores for grades A, B and C (falling); lower is D.
        hot_score: Lowest score rated "hot" (a hot contact must also qualify).
        warm_score: Lowest score rated "warm" (at most ``hot_score``).
        horizon_days: How far ahead an expected decision date may lie and still
            count as in the market; further dates count as "later".
        freshness: How long evidence stays valid; older evidence counts as
            unknown. ``None`` keeps evidence forever.
        stage_probabilities: Win probability (0-100) per open opportunity stage,
            never falling from stage to stage.
        promotion: The lead-to-opportunity gate.
        signals: Fit and engagement signals scored beside the criteria (see
            :mod:`leadflow.signals`), in the order decisions report them. The
            weights of the criteria and the signals add up to 100.
        calibration: How a score becomes the probability of the outcome (a
            learned policy has one, see :mod:`leadflow.learning`); ``None``
            gives decisions no probability.
    """

    name: str
    need: CriterionRule[NeedLevel]
    budget: CriterionRule[BudgetLevel]
    timeframe: CriterionRule[TimeframeLevel]
    authority: CriterionRule[AuthorityLevel]
    order: tuple[Criterion, ...] = attrs.field(
        default=(Criterion.NEED, Criterion.BUDGET, Criterion.TIMEFRAME, Criterion.AUTHORITY),
        converter=to_tuple,
    )
    threshold: int = 60
    nurture_threshold: int = 35
    grade_floors: tuple[int, int, int] = attrs.field(default=(80, 60, 40), converter=to_tuple)
    hot_score: int = 75
    warm_score: int = 45
    horizon_days: int = 365
    freshness: timedelta | None = timedelta(days=180)
    stage_probabilities: tuple[tuple[OpportunityStage, int], ...] = attrs.field(
        default=tuple(_DEFAULT_PROBABILITIES.items()), converter=_pairs
    )
    promotion: PromotionRule = attrs.field(factory=PromotionRule)
    signals: tuple[Signal, ...] = attrs.field(default=(), converter=to_tuple)
    calibration: Calibration | None = None
    _probabilities: dict[OpportunityStage, int] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    # The compiled form every decision under this policy asks (see leadflow._engine).
    _engine: Engine = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        # Every part is checked, so that one error lists every bad field; a check that
        # needs an earlier part (the best score needs valid rules) waits for it.
        problems: list[InvalidPolicyError] = []

        def check(step: Callable[[], object]) -> bool:
            try:
                step()
            except InvalidPolicyError as error:
                problems.append(error)
                return False
            return True

        check(self._check_name)
        parts = check(self._check_rules) & check(self._check_signals)
        if parts:
            check(self._check_weights)
        check(self._check_order)
        if check(lambda: _check_int("threshold", self.threshold, 0, 100)):
            check(
                lambda: _check_int("nurture_threshold", self.nurture_threshold, 0, self.threshold)
            )
            if parts:
                check(self._check_reachable)
        check(self._check_grades)
        if check(lambda: _check_int("hot_score", self.hot_score, 0, 100)):
            check(lambda: _check_int("warm_score", self.warm_score, 0, self.hot_score))
        check(lambda: _check_int("horizon_days", self.horizon_days, 1, 3660))
        check(self._check_freshness)
        check(self._check_probabilities)
        check(self._check_promotion)
        check(self._check_calibration)
        if problems:
            raise InvalidPolicyError.of(problems)
        object.__setattr__(self, "_engine", Engine(self))

    def _check_name(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidPolicyError("name", self.name, "a policy needs a name")

    def _check_rules(self) -> None:
        for criterion, level_type in LEVELS.items():
            rule = getattr(self, criterion.value)
            if not isinstance(rule, CriterionRule):
                raise InvalidPolicyError(criterion.value, rule, "expected a CriterionRule")
            if rule.level_type is not level_type:
                raise InvalidPolicyError(
                    f"{criterion.value}.minimum",
                    rule.minimum,
                    f"expected {_a(level_type.__name__)}",
                )

    def _check_signals(self) -> None:
        signals = self.signals
        if not isinstance(signals, tuple):
            raise InvalidPolicyError("signals", signals, "expected a sequence of signals")
        names: set[str] = {c.value for c in Criterion}
        for index, signal in enumerate(signals):
            if not isinstance(signal, (CategoricalSignal, NumericSignal)):
                raise InvalidPolicyError(
                    f"signals[{index}]", signal, "expected a CategoricalSignal or NumericSignal"
                )
            if signal.name in names:
                raise InvalidPolicyError(
                    f"signals[{index}].name", signal.name, "names a criterion or another signal"
                )
            names.add(signal.name)

    def _check_weights(self) -> None:
        signals = self.signals
        total = sum(self.rule(c).weight for c in Criterion) + sum(s.weight for s in signals)
        if total != 100:
            what = "criterion and signal weights" if signals else "criterion weights"
            raise InvalidPolicyError("weights", total, f"{what} must add up to 100")

    def _check_order(self) -> None:
        order = self.order
        if (
            not isinstance(order, tuple)
            or not all(isinstance(c, Criterion) for c in order)
            or sorted(c.value for c in order) != sorted(c.value for c in Criterion)
        ):
            raise InvalidPolicyError("order", self.order, "must list each criterion exactly once")

    def _check_reachable(self) -> None:
        best = sum(max(n for _, n in self.rule(c).points) for c in Criterion)
        best += sum(signal.best for signal in self.signals)
        if self.threshold > best:
            raise InvalidPolicyError(
                "threshold", self.threshold, f"unreachable: the best possible score is {best}"
            )

    def _check_grades(self) -> None:
        floors = self.grade_floors
        if not isinstance(floors, tuple) or len(floors) != 3:
            raise InvalidPolicyError("grade_floors", floors, "expected floors for A, B and C")
        for index, floor in enumerate(floors):
            _check_int(f"grade_floors[{index}]", floor, 0, 100)
        if not floors[0] > floors[1] > floors[2]:
            raise InvalidPolicyError("grade_floors", floors, "floors must fall from A to C")

    def _check_freshness(self) -> None:
        if self.freshness is not None and (
            not isinstance(self.freshness, timedelta) or self.freshness <= timedelta(0)
        ):
            raise InvalidPolicyError("freshness", self.freshness, "must be a positive timedelta")

    def _check_probabilities(self) -> None:
        probabilities = _check_table(
            "stage_probabilities", self.stage_probabilities, OpportunityStage, 0, 100
        )
        _check_monotone("stage_probabilities", probabilities, "probabilities")
        object.__setattr__(self, "stage_probabilities", tuple(probabilities.items()))
        object.__setattr__(self, "_probabilities", probabilities)

    def _check_promotion(self) -> None:
        if not isinstance(self.promotion, PromotionRule):
            raise InvalidPolicyError("promotion", self.promotion, "expected a PromotionRule")

    def _check_calibration(self) -> None:
        if self.calibration is not None and not isinstance(self.calibration, Calibration):
            raise InvalidPolicyError(
                "calibration", self.calibration, "expected a Calibration or None"
            )

    def evolve(self, **changes: Any) -> Policy:
        """A copy of this policy with *changes*, checked whole again like a new one.

        >>> from leadflow import BANT
        >>> strict = BANT.evolve(name="strict", threshold=70)
        >>> (strict.name, strict.threshold), (BANT.name, BANT.threshold)
        (('strict', 70), ('BANT', 60))
        >>> BANT.evolve(nurture_threshold=80)
        Traceback (most recent call last):
        ...
        leadflow.errors.InvalidPolicyError: nurture_threshold: must be between 0 and 60 (got 80)
        >>> BANT.evolve(treshold=70)
        Traceback (most recent call last):
        ...
        leadflow.errors.InvalidPolicyError: treshold: not a field of Policy (got 70)

        Raises:
            InvalidPolicyError: a name in *changes* is not a field of :class:`Policy`
                (every such name is listed), or the changed policy is invalid.
        """
        unknown = [name for name in changes if name not in _POLICY_FIELDS]
        if unknown:
            raise InvalidPolicyError.of(
                InvalidPolicyError(name, changes[name], "not a field of Policy") for name in unknown
            )
        return attrs.evolve(self, **changes)

    def result(self, criterion: Criterion, level: Any, *, stale: bool = False) -> CriterionResult:
        """The result *criterion* gives at *level* (``stale`` when it decayed to unknown)."""
        return self._engine.result(criterion, level, stale=stale)

    def rule(self, criterion: Criterion) -> CriterionRule[Any]:
        """The rule for *criterion*."""
        rule: CriterionRule[Any] = getattr(self, criterion.value)
        return rule

    def probability(self, stage: OpportunityStage) -> int:
        """Win probability (0-100) of an open opportunity at *stage*."""
        return self._probabilities[stage]

    @property
    def required(self) -> tuple[Criterion, ...]:
        """The required criteria, in policy order."""
        return tuple(c for c in self.order if self.rule(c).required)


# The names Policy.evolve accepts: the fields a caller sets (not the compiled parts).
_POLICY_FIELDS: frozenset[str] = frozenset(a.name for a in attrs.fields(Policy) if a.init)
