"""Stage probabilities learned from closed history.

A policy gives every open sales step a win probability (``Policy.stage_probabilities``).
Closed deals say what those probabilities were in fact: of the won and lost
opportunities that reached a step, the share that was won. This module counts that
share per step, makes the table fit a policy (whole percentages that never fall from
step to step) and writes it into one.

*Reached* means the opportunity was at that step, or at a later one, at some time
before it closed: steps may be skipped (:func:`~leadflow.advance` moves to any step)
and gone back on, and a deal that was ever at ``propose`` has passed ``qualify`` and
``develop`` on the way. Open opportunities, leads and contacts are not counted: their
outcome is not known yet.

The raw rates need not rise from step to step (few deals, or a team that closes fast
from ``qualify``). The learned table is their weighted isotonic regression, found by
pooling adjacent violators: neighbouring steps whose rates fall are pooled into one
rate, won over closed of the deals of every pooled step, until nothing falls. It is
then rounded half up to whole percent, which keeps it monotone. A step reached by
fewer than ``min_deals`` closed deals keeps the base policy's probability, raised or
lowered just enough to stay between its learned neighbours.

Everything here is pure and deterministic: no clock, no randomness, exact fractions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar, overload

import attrs

from leadflow import _validate as v
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.events import OpportunityAdvanced, OpportunityImported, OpportunityReopened
from leadflow.funnel import _Closed, _closed_deals, _segment_key, _segment_of
from leadflow.lifecycle import Customer, Stage
from leadflow.policy import Policy
from leadflow.stages import OpportunityStage

__all__ = [
    "StageHistory",
    "StageRow",
    "furthest_step",
    "learn_stage_probabilities",
    "learn_stage_probabilities_by",
]

K = TypeVar("K", bound=Hashable)

_STEPS: tuple[OpportunityStage, ...] = tuple(OpportunityStage)
_RANK: Mapping[OpportunityStage, int] = {step: rank for rank, step in enumerate(_STEPS)}
_HALF = Fraction(1, 2)


def furthest_step(deal: _Closed) -> OpportunityStage:
    """The furthest sales step *deal* was ever at.

    That is the latest of its current step and of every step its history moved
    from or to, was imported at or reopened at; a deal that went from ``propose`` back
    to ``develop`` has reached ``propose``.

    Raises:
        WrongTypeError: *deal* is not an opportunity (open, won or lost).
    """
    step = getattr(deal, "step", None)
    if not isinstance(step, OpportunityStage):
        raise WrongTypeError("deal", deal, f"expected an opportunity, not {v.type_name(deal)}")
    rank = _RANK[step]
    for event in deal.history:
        if isinstance(event, OpportunityAdvanced):
            rank = max(rank, _RANK[event.from_step], _RANK[event.to_step])
        elif isinstance(event, (OpportunityImported, OpportunityReopened)):
            rank = max(rank, _RANK[event.step])
    return _STEPS[rank]


@attrs.frozen(kw_only=True)
class StageRow:
    """What the closed history says about one sales step.

    Attributes:
        stage: The sales step.
        won: Won opportunities that reached it.
        lost: Lost opportunities that reached it.
        rate: won / (won + lost), exact; ``None`` when no closed deal reached it.
        fitted: The rate after pooling adjacent violators (exact), ``None`` when the
            step has fewer closed deals than asked for and keeps the base value.
        probability: The whole percentage written into a policy.
    """

    stage: OpportunityStage = attrs.field(validator=v.of_type(OpportunityStage))
    won: int = attrs.field(validator=v.of_type(int))
    lost: int = attrs.field(validator=v.of_type(int))
    rate: Fraction | None = attrs.field(validator=v.of_type(Fraction, optional=True))
    fitted: Fraction | None = attrs.field(validator=v.of_type(Fraction, optional=True))
    probability: int = attrs.field(validator=v.in_range(0, 100))

    @property
    def reached(self) -> int:
        """Closed opportunities that reached the step: ``won + lost``."""
        return self.won + self.lost

    @property
    def learned(self) -> bool:
        """Whether the probability comes from the history (not from the base policy)."""
        return self.fitted is not None


def _rows(value: object) -> tuple[StageRow, ...]:
    rows = v.to_tuple(value)
    if not isinstance(rows, tuple) or [getattr(r, "stage", None) for r in rows] != list(_STEPS):
        raise InvalidFieldError("rows", value, "expected one StageRow per sales step, in order")
    return rows


@attrs.frozen(kw_only=True)
class StageHistory:
    """Win probabilities per sales step, learned from closed opportunities.

    Attributes:
        rows: One :class:`StageRow` per sales step, in order.
        base: The policy whose probabilities stand where history is too thin.
        min_deals: The fewest closed deals a step needs to be learned.
    """

    rows: tuple[StageRow, ...] = attrs.field(converter=_rows)
    # Named, not spelled out: a whole policy would drown the table in its repr.
    base: Policy = attrs.field(
        validator=v.of_type(Policy), repr=lambda policy: f"<Policy {policy.name!r}>"
    )
    min_deals: int = attrs.field(validator=v.of_type(int))

    @property
    def closed(self) -> int:
        """How many closed opportunities were counted (every one reached ``qualify``)."""
        return self.rows[0].reached

    def row(self, stage: OpportunityStage) -> StageRow:
        """The row of *stage*."""
        return self.rows[_RANK[stage]]

    @property
    def probabilities(self) -> Mapping[OpportunityStage, int]:
        """The learned table, step to whole percent, in step order (read-only)."""
        return MappingProxyType({row.stage: row.probability for row in self.rows})

    def apply(self, policy: Policy | None = None) -> Policy:
        """*policy* (the base policy by default) with the learned stage probabilities.

        Raises:
            WrongTypeError: *policy* is not a :class:`~leadflow.Policy`.
        """
        target = self.base if policy is None else policy
        if not isinstance(target, Policy):
            raise WrongTypeError("policy", target, f"expected a Policy, not {v.type_name(target)}")
        return attrs.evolve(target, stage_probabilities=dict(self.probabilities))


def _pool_adjacent_violators(points: list[tuple[Fraction, int]]) -> list[Fraction]:
    """The weighted isotonic (never falling) regression of *points* ``(rate, weight)``.

    Weights are positive; a pooled block's rate is its weighted mean, which for
    rates won/closed weighted by closed is the block's won over its closed.
    """
    blocks: list[tuple[Fraction, int, int]] = []  # (rate, weight, how many points)
    for rate, weight in points:
        block = (rate, weight, 1)
        while blocks and blocks[-1][0] > block[0]:
            rate0, weight0, count0 = blocks.pop()
            pooled = weight0 + block[1]
            block = ((rate0 * weight0 + block[0] * block[1]) / pooled, pooled, count0 + block[2])
        blocks.append(block)
    return [rate for rate, _, count in blocks for _ in range(count)]


def _percent(rate: Fraction) -> int:
    """*rate* in whole percent, halves rounded up (a monotone rounding)."""
    return math.floor(rate * 100 + _HALF)


def _history(tally: list[tuple[int, int]], base: Policy, min_deals: int) -> StageHistory:
    points = [
        (Fraction(won, won + lost), won + lost) for won, lost in tally if won + lost >= min_deals
    ]
    fitted_rates = iter(_pool_adjacent_violators(points))
    fitted = [next(fitted_rates) if won + lost >= min_deals else None for won, lost in tally]
    known = [None if rate is None else _percent(rate) for rate in fitted]
    rows: list[StageRow] = []
    for index, (step, (won, lost)) in enumerate(zip(_STEPS, tally, strict=True)):
        probability = known[index]
        if probability is None:
            # Keep the base value, within the learned steps around it, so that the
            # table still never falls.
            low = max((p for p in known[:index] if p is not None), default=0)
            high = min((p for p in known[index + 1 :] if p is not None), default=100)
            probability = min(max(base.probability(step), low), high)
        rows.append(
            StageRow(
                stage=step,
                won=won,
                lost=lost,
                rate=Fraction(won, won + lost) if won + lost else None,
                fitted=fitted[index],
                probability=probability,
            )
        )
    return StageHistory(rows=tuple(rows), base=base, min_deals=min_deals)


def _check(base: object, min_deals: object) -> None:
    if not isinstance(base, Policy):
        raise WrongTypeError("base", base, f"expected a Policy, not {v.type_name(base)}")
    if isinstance(min_deals, bool) or not isinstance(min_deals, int):
        raise WrongTypeError(
            "min_deals", min_deals, f"expected an int, not {v.type_name(min_deals)}"
        )
    if min_deals < 1:
        raise InvalidFieldError("min_deals", min_deals, "must be at least 1")


def _count(tally: list[tuple[int, int]], deal: _Closed) -> None:
    won = isinstance(deal, Customer)
    for rank in range(_RANK[furthest_step(deal)] + 1):
        w, lost = tally[rank]
        tally[rank] = (w + won, lost + (not won))


def learn_stage_probabilities(
    values: Iterable[Stage], *, base: Policy, min_deals: int = 1
) -> StageHistory:
    """Learn each sales step's win probability from the closed opportunities in *values*.

    Args:
        values: Any mix of funnel values; only won and lost opportunities count.
        base: The policy to fall back on, and to write the result into.
        min_deals: The fewest closed deals that must have reached a step for it to
            be learned (at least 1); a thinner step keeps the base probability,
            moved just enough to keep the table from falling.

    Returns:
        The counts, exact rates and learned table; ``.apply()`` gives the policy.

    Raises:
        WrongTypeError: an item is not a funnel value (``values[i]``), *base* is
            not a policy or *min_deals* not an int.
        InvalidFieldError: *min_deals* is below 1.
    """
    _check(base, min_deals)
    tally = [(0, 0)] * len(_STEPS)
    for deal in _closed_deals(values):
        _count(tally, deal)
    return _history(tally, base, min_deals)


@overload
def learn_stage_probabilities_by(
    values: Iterable[Stage], by: Callable[[_Closed], K], *, base: Policy, min_deals: int = 1
) -> Mapping[K, StageHistory]: ...


@overload
def learn_stage_probabilities_by(
    values: Iterable[Stage], by: str, *, base: Policy, min_deals: int = 1
) -> Mapping[Any, StageHistory]: ...


def learn_stage_probabilities_by(
    values: Iterable[Stage], by: object, *, base: Policy, min_deals: int = 1
) -> Mapping[Any, StageHistory]:
    """Learn one stage-probability table per segment of the closed opportunities.

    Each segment is learned as :func:`learn_stage_probabilities` learns the
    whole, on its own deals only, with the same *base* and *min_deals*. Segments
    appear in the order their first deal does; only segments with a closed deal
    are listed.

    Args:
        values: Any mix of funnel values; only won and lost opportunities count.
        by: A callable taking a closed deal (``lambda deal: deal.history[-1].by``
            for whoever closed it), or the dotted path of a public attribute such
            as ``"contact.source"`` or ``"organisation.industry"``.
        base: The policy to fall back on (a table learned on every deal, applied
            to a policy, makes thin segments fall back on the whole team).
        min_deals: As for :func:`learn_stage_probabilities`.

    Returns:
        A read-only mapping of segment to :class:`StageHistory`.

    Raises:
        WrongTypeError: as for :func:`learn_stage_probabilities`; also when *by* is
            neither a callable nor a string, or gives an unhashable segment.
        InvalidFieldError: *min_deals* is below 1, or *by* names an attribute a
            deal does not have.
    """
    _check(base, min_deals)
    key = _segment_key(by)
    tallies: dict[Hashable, list[tuple[int, int]]] = {}
    for deal in _closed_deals(values):
        segment = _segment_of(key, deal)
        _count(tallies.setdefault(segment, [(0, 0)] * len(_STEPS)), deal)
    return MappingProxyType(
        {segment: _history(tally, base, min_deals) for segment, tally in tallies.items()}
    )
