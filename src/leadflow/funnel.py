"""A summary of the funnel over any collection of stage values."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from datetime import timedelta
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeAlias, TypeVar, overload

import attrs

from leadflow import _validate as v
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.events import DisqualificationReason, LossReason
from leadflow.lifecycle import (
    Customer,
    DisqualifiedLead,
    LostOpportunity,
    Opportunity,
    Stage,
    stage_of,
)
from leadflow.money import Money
from leadflow.stages import FunnelStage

__all__ = ["FunnelSummary", "WinRate", "summarize", "win_rates"]

# The stages that have passed each gate of the funnel.
_REACHED_LEAD = frozenset(FunnelStage) - {FunnelStage.CONTACT}
_REACHED_OPPORTUNITY = frozenset({FunnelStage.OPPORTUNITY, FunnelStage.LOST, FunnelStage.CUSTOMER})

#: A closed opportunity: won (a customer) or lost.
_Closed: TypeAlias = LostOpportunity | Customer

K = TypeVar("K", bound=Hashable)


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only copy of *value*: a summary never changes once made."""
    return MappingProxyType(dict(value))


def _rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _sales_cycle(deal: _Closed) -> timedelta:
    """How long *deal* took: from its first recorded event to the one that closed it.

    A history built by leadflow's moves starts when the contact qualified as a lead
    (:class:`~leadflow.LeadQualified`) and ends when the opportunity was won or lost.
    Both times are compared as instants, so a daylight-saving change in between
    neither adds nor removes an hour.
    """
    return v.instant(deal.history[-1].at) - v.instant(deal.history[0].at)


def _longer(cycles: timedelta, deal: _Closed) -> timedelta:
    """*cycles* with *deal*'s sales cycle added, refused past what a timedelta holds."""
    cycle = _sales_cycle(deal)
    try:
        return cycles + cycle
    except OverflowError:
        raise InvalidFieldError(
            "sales_cycle_total", cycle, "too long: sales cycles add up to more than 999999999 days"
        ) from None


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
        sales_cycle_total: The sales cycles of every closed opportunity, added up
            (see :attr:`average_sales_cycle`); zero when none is closed.
    """

    total: int
    counts: Mapping[FunnelStage, int] = attrs.field(converter=_frozen)
    disqualified_reasons: Mapping[DisqualificationReason, int] = attrs.field(converter=_frozen)
    lost_reasons: Mapping[LossReason, int] = attrs.field(converter=_frozen)
    lost_to_competitors: Mapping[str, int] = attrs.field(converter=_frozen)
    pipeline: Mapping[str, Money] = attrs.field(converter=_frozen)
    weighted_pipeline: Mapping[str, Money] = attrs.field(converter=_frozen)
    # A total rather than the average, so that summaries of two batches add up; the
    # default keeps summaries built before this field existed readable.
    sales_cycle_total: timedelta = timedelta(0)

    @property
    def reached_lead(self) -> int:
        """Values that became leads (or went further)."""
        return sum(self.counts[s] for s in _REACHED_LEAD)

    @property
    def reached_opportunity(self) -> int:
        """Values that became opportunities (or went further)."""
        return sum(self.counts[s] for s in _REACHED_OPPORTUNITY)

    @property
    def closed_opportunities(self) -> int:
        """Opportunities that were won or lost (open ones are not counted)."""
        return self.counts[FunnelStage.CUSTOMER] + self.counts[FunnelStage.LOST]

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
        """Share of all opportunities, open ones included, that were won.

        Open deals count in the denominator, so this rate falls while deals are
        still being worked; :attr:`win_rate` counts closed deals only.
        """
        return _rate(self.counts[FunnelStage.CUSTOMER], self.reached_opportunity)

    @property
    def win_rate(self) -> Fraction | None:
        """Share of closed opportunities that were won: won / (won + lost).

        Open deals are left out, since their outcome is not known yet; ``None``
        when no opportunity is closed.
        """
        return _rate(self.counts[FunnelStage.CUSTOMER], self.closed_opportunities)

    @property
    def contact_to_customer(self) -> Fraction | None:
        """Share of all values that became customers."""
        return _rate(self.counts[FunnelStage.CUSTOMER], self.total)

    @property
    def average_sales_cycle(self) -> timedelta | None:
        """The mean sales cycle of the closed opportunities, won and lost alike.

        A deal's cycle runs from the first event of its history (normally when the
        contact qualified as a lead) to the event that closed it. The mean is
        rounded to the microsecond, as :class:`~datetime.timedelta` division
        rounds. ``None`` when no opportunity is closed.
        """
        closed = self.closed_opportunities
        return self.sales_cycle_total / closed if closed else None


def _add(totals: dict[str, Money], amount: Money) -> None:
    current = totals.get(amount.currency)
    totals[amount.currency] = amount if current is None else current + amount


def _checked(values: Iterable[Stage]) -> Iterator[tuple[Stage, FunnelStage]]:
    """Each of *values* with its stage, refusing an item that is not a funnel value."""
    if not isinstance(values, Iterable):
        raise WrongTypeError("values", values, f"expected funnel values, not {v.type_name(values)}")
    for index, value in enumerate(values):
        try:
            stage = stage_of(value)
        except InvalidFieldError as error:
            raise error.at(f"values[{index}]") from None
        yield value, stage


def _closed_deals(values: Iterable[Stage]) -> Iterator[_Closed]:
    """The won and lost opportunities among *values*, in order.

    Raises:
        WrongTypeError: an item is not a funnel value (its field is ``values[i]``).
    """
    for value, _ in _checked(values):
        if isinstance(value, (LostOpportunity, Customer)):
            yield value


def summarize(values: Iterable[Stage]) -> FunnelSummary:
    """Summarise *values* (any mix of stages) in one pass.

    Rates are exact :class:`~fractions.Fraction` values.

    Raises:
        WrongTypeError: an item is not a funnel value (its field is ``values[i]``).
        InvalidFieldError: the sales cycles add up to more than a
            :class:`~datetime.timedelta` holds (999,999,999 days; the field is
            ``sales_cycle_total``, the value the deal's cycle).
    """
    counts: Counter[FunnelStage] = Counter()
    disqualified: Counter[DisqualificationReason] = Counter()
    lost: Counter[LossReason] = Counter()
    competitors: Counter[str] = Counter()
    pipeline: dict[str, Money] = {}
    weighted: dict[str, Money] = {}
    cycles = timedelta(0)
    for value, stage in _checked(values):
        counts[stage] += 1
        if isinstance(value, DisqualifiedLead):
            disqualified[value.reason] += 1
        elif isinstance(value, LostOpportunity):
            lost[value.reason] += 1
            if value.competitor is not None:
                competitors[value.competitor] += 1
            cycles = _longer(cycles, value)
        elif isinstance(value, Customer):
            cycles = _longer(cycles, value)
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
        sales_cycle_total=cycles,
    )


# ----------------------------------------------------------------------------------------
# Segments: win rates per product, owner, source ...
# ----------------------------------------------------------------------------------------


def _segment_key(by: object) -> Callable[[_Closed], Hashable]:
    """The function that gives a closed deal's segment, from a ``by=`` argument.

    *by* is a callable taking the deal, or the dotted path of a public attribute
    of it (``"contact.source"``, ``"organisation.industry"``). Attribute paths are
    names, never code: each part must be a public identifier.

    Raises:
        WrongTypeError: *by* is neither a callable nor a string.
        InvalidFieldError: *by* is not a path of public attribute names.
    """
    if isinstance(by, str):
        parts = by.split(".")
        if not all(part.isidentifier() and not part.startswith("_") for part in parts):
            raise InvalidFieldError("by", by, "expected a dotted path of public attribute names")
        read = operator.attrgetter(by)

        def attribute(deal: _Closed) -> Hashable:
            try:
                key: Hashable = read(deal)
            except AttributeError:
                raise InvalidFieldError(
                    "by", by, f"a {v.type_name(deal)} has no such attribute"
                ) from None
            return key

        return attribute
    if callable(by):
        return by
    raise WrongTypeError(
        "by", by, f"expected a callable or an attribute name, not {v.type_name(by)}"
    )


def _segment_of(key: Callable[[_Closed], Hashable], deal: _Closed) -> Hashable:
    """*deal*'s segment under *key*, refusing a segment that cannot be a mapping key."""
    segment = key(deal)
    try:
        hash(segment)
    except TypeError:
        raise WrongTypeError(
            "by", segment, f"a segment must be hashable, not {v.type_name(segment)}"
        ) from None
    return segment


@attrs.frozen(kw_only=True)
class WinRate:
    """How the closed opportunities of one segment ended.

    A segment is listed only when it holds a closed deal, so ``won + lost`` is
    never zero.

    Attributes:
        won: Opportunities won (customers).
        lost: Opportunities lost.
    """

    won: int = attrs.field(validator=v.of_type(int))
    lost: int = attrs.field(validator=v.of_type(int))

    def __attrs_post_init__(self) -> None:
        for name in ("won", "lost"):
            if getattr(self, name) < 0:
                raise InvalidFieldError(name, getattr(self, name), "must not be negative")
        if self.won + self.lost == 0:
            raise InvalidFieldError("lost", self.lost, "a segment needs at least one closed deal")

    @property
    def closed(self) -> int:
        """Won and lost opportunities together."""
        return self.won + self.lost

    @property
    def rate(self) -> Fraction:
        """The share won, won / (won + lost), as an exact fraction."""
        return Fraction(self.won, self.closed)


@overload
def win_rates(values: Iterable[Stage], by: Callable[[_Closed], K]) -> Mapping[K, WinRate]: ...


@overload
def win_rates(values: Iterable[Stage], by: str) -> Mapping[Any, WinRate]: ...


def win_rates(values: Iterable[Stage], by: object) -> Mapping[Any, WinRate]:
    """The closed-deal win rate of each segment of *values*.

    Only closed opportunities (customers and lost opportunities) are counted;
    open deals, leads and contacts are skipped. The segments are the distinct
    values *by* gives, in the order they first appear (``None`` is a segment
    like any other: the deals with nothing recorded).

    Args:
        values: Any mix of funnel values.
        by: A callable taking a closed deal (``lambda deal: deal.history[-1].by``
            for whoever closed it), or an attribute path such as
            ``"contact.source"`` or ``"organisation.industry"``: the dotted
            path of a public attribute (a name, never code).

    Returns:
        A read-only mapping of segment to :class:`WinRate`.

    Raises:
        WrongTypeError: an item is not a funnel value (``values[i]``), *by* is
            neither a callable nor a string, or it gives an unhashable segment.
        InvalidFieldError: *by* names an attribute a deal does not have.
    """
    key = _segment_key(by)
    tallies: dict[Hashable, tuple[int, int]] = {}
    for deal in _closed_deals(values):
        segment = _segment_of(key, deal)
        won, lost = tallies.get(segment, (0, 0))
        won_now = isinstance(deal, Customer)
        tallies[segment] = (won + won_now, lost + (not won_now))
    return MappingProxyType(
        {segment: WinRate(won=won, lost=lost) for segment, (won, lost) in tallies.items()}
    )
