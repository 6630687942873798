"""A summary of the funnel over any collection of stage values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs

from leadflow.events import DisqualificationReason, LossReason
from leadflow.lifecycle import (
    DisqualifiedLead,
    LostOpportunity,
    Opportunity,
    Stage,
    stage_of,
)
from leadflow.money import Money
from leadflow.stages import FunnelStage

__all__ = ["FunnelSummary", "summarize"]

# The stages that have passed each gate of the funnel.
_REACHED_LEAD = frozenset(FunnelStage) - {FunnelStage.CONTACT}
_REACHED_OPPORTUNITY = frozenset({FunnelStage.OPPORTUNITY, FunnelStage.LOST, FunnelStage.CUSTOMER})


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only copy of *value*: a summary never changes once made."""
    return MappingProxyType(dict(value))


def _rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@attrs.frozen(kw_only=True)
class FunnelSummary:
    """Counts, conversion rates, reasons and pipeline value of a set of values.

    A value counts as having *reached* a stage when it is at that stage or any
    later one (a lost opportunity has reached "opportunity"; a disqualified
    lead has reached "lead").

    Its mappings are read-only views of copies made when it is built.

    Attributes:
        total: How many values were summarised.
        counts: How many values are at each stage (every stage listed).
        disqualified_reasons: Disqualified leads per reason.
        lost_reasons: Lost opportunities per reason.
        lost_to_competitors: Lost opportunities per named competitor.
        pipeline: Sum of open opportunities' estimated values, per currency.
        weighted_pipeline: Sum of open opportunities' value x win probability,
            per currency.
    """

    total: int
    counts: Mapping[FunnelStage, int] = attrs.field(converter=_frozen)
    disqualified_reasons: Mapping[DisqualificationReason, int] = attrs.field(converter=_frozen)
    lost_reasons: Mapping[LossReason, int] = attrs.field(converter=_frozen)
    lost_to_competitors: Mapping[str, int] = attrs.field(converter=_frozen)
    pipeline: Mapping[str, Money] = attrs.field(converter=_frozen)
    weighted_pipeline: Mapping[str, Money] = attrs.field(converter=_frozen)

    @property
    def reached_lead(self) -> int:
        """Values that became leads (or went further)."""
        return sum(self.counts[s] for s in _REACHED_LEAD)

    @property
    def reached_opportunity(self) -> int:
        """Values that became opportunities (or went further)."""
        return sum(self.counts[s] for s in _REACHED_OPPORTUNITY)

    @property
    def contact_to_lead(self) -> Fraction | None:
        """Share of all values that became leads; ``None`` when there are none."""
        return _rate(self.reached_lead, self.total)

    @property
    def lead_to_opportunity(self) -> Fraction | None:
        """Share of leads that became opportunities."""
        return _rate(self.reached_opportunity, self.reached_lead)

    @property
    def opportunity_to_customer(self) -> Fraction | None:
        """Share of opportunities that were won."""
        return _rate(self.counts[FunnelStage.CUSTOMER], self.reached_opportunity)

    @property
    def contact_to_customer(self) -> Fraction | None:
        """Share of all values that became customers."""
        return _rate(self.counts[FunnelStage.CUSTOMER], self.total)


def _add(totals: dict[str, Money], amount: Money) -> None:
    current = totals.get(amount.currency)
    totals[amount.currency] = amount if current is None else current + amount


def summarize(values: Iterable[Stage]) -> FunnelSummary:
    """Summarise *values* (any mix of stages) in one pass.

    Rates are exact :class:`~fractions.Fraction` values.

    Raises:
        WrongTypeError: an item is not a funnel value.
    """
    counts: Counter[FunnelStage] = Counter()
    disqualified: Counter[DisqualificationReason] = Counter()
    lost: Counter[LossReason] = Counter()
    competitors: Counter[str] = Counter()
    pipeline: dict[str, Money] = {}
    weighted: dict[str, Money] = {}
    for value in values:
        counts[stage_of(value)] += 1
        if isinstance(value, DisqualifiedLead):
            disqualified[value.reason] += 1
        elif isinstance(value, LostOpportunity):
            lost[value.reason] += 1
            if value.competitor is not None:
                competitors[value.competitor] += 1
        elif isinstance(value, Opportunity) and value.estimated_value is not None:
            _add(pipeline, value.estimated_value)
            weighted_value = value.weighted_value
            assert weighted_value is not None  # an estimated value was given
            _add(weighted, weighted_value)
    return FunnelSummary(
        total=sum(counts.values()),
        counts={stage: counts[stage] for stage in FunnelStage},
        disqualified_reasons=dict(disqualified),
        lost_reasons=dict(lost),
        lost_to_competitors=dict(competitors),
        pipeline=pipeline,
        weighted_pipeline=weighted,
    )
