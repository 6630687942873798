"""The funnel summary: counts, exact conversion rates, reasons and pipeline per currency."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from random import Random
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow import (
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Customer,
    DisqualificationReason,
    Evidence,
    FunnelStage,
    InvalidFieldError,
    LeadSource,
    LossReason,
    LostOpportunity,
    Money,
    NeedEvidence,
    NeedLevel,
    OpportunityStage,
    PromotionSignals,
    RelationshipLevel,
    RequirementsLevel,
    Stage,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    WrongTypeError,
    advance,
    disqualify,
    lose,
    nurture,
    promote,
    summarize,
    to_lead,
    win,
)
from leadflow import strategies as lfst
from leadflow.funnel import WinRate, win_rates
from leadflow.lifecycle import Lead, Opportunity

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

# Each generated stage value costs tens of milliseconds to build through the moves, and a
# list holds several: a fifteenth of the profile's examples keeps the suite fast.
_LISTS = settings(max_examples=max(10, settings().max_examples // 15))
funnels = st.lists(lfst.stages(), max_size=5)


def _contact(name: str, source: LeadSource | None = None) -> Contact:
    handle = name.lower().replace(" ", ".")
    return Contact(
        name=name, email=f"{handle}@example.com", created_at=NOW - 30 * DAY, source=source
    )


_EVIDENCE = Evidence(
    need=NeedEvidence(level=NeedLevel.STRONG),
    budget=BudgetEvidence(level=BudgetLevel.APPROVED),
    timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
)
_SIGNALS = PromotionSignals(
    relationship=RelationshipLevel.ESTABLISHED,
    requirements=RequirementsLevel.SPECIFIED,
    terms=TermsLevel.CONTRACT,
    supplier=SupplierStatus.NO_SUPPLIER,
)


def _lead(name: str, source: LeadSource | None = None, at: datetime = NOW) -> Lead:
    return to_lead(_contact(name, source), _EVIDENCE, as_of=at)[0]


def _opportunity(
    name: str, value: Money | None, step: OpportunityStage, source: LeadSource | None = None
) -> Opportunity:
    lead = _lead(name, source)
    opportunity, _ = promote(lead, _SIGNALS, as_of=NOW + DAY, estimated_value=value)
    if step is not opportunity.step:
        opportunity, _ = advance(opportunity, step, as_of=NOW + 2 * DAY)
    return opportunity


def _funnel() -> list[Stage]:
    """Twenty-one values, as a small sales team might hold them at the end of a quarter."""
    later = NOW + 5 * DAY
    q, d, p, c = OpportunityStage
    values: list[Stage] = [_contact(f"Contact {n}") for n in range(8)]
    values += [_lead("Lead One"), _lead("Lead Two")]
    values.append(nurture(_lead("Nurtured One"), as_of=later)[0])
    values += [
        disqualify(_lead("Disq One"), reason=DisqualificationReason.NO_BUDGET, as_of=later)[0],
        disqualify(_lead("Disq Two"), reason=DisqualificationReason.NO_BUDGET, as_of=later)[0],
        disqualify(_lead("Disq Three"), reason=DisqualificationReason.DUPLICATE, as_of=later)[0],
    ]
    values += [
        _opportunity("Opp One", Money("10000.00", "EUR"), q),  # 20 %
        _opportunity("Opp Two", Money("25000.00", "EUR"), p),  # 60 %
        _opportunity("Opp Three", Money("3333.33", "USD"), d),  # 40 %
        _opportunity("Opp Four", None, c),
    ]
    values += [
        lose(
            _opportunity("Lost One", Money("9999.00", "EUR"), c),
            reason=LossReason.COMPETITOR,
            competitor="Difference Engines plc",
            as_of=later,
        )[0],
        lose(
            _opportunity("Lost Two", Money("500.00", "EUR"), q),
            reason=LossReason.PRICE,
            as_of=later,
        )[0],
    ]
    values.append(win(_opportunity("Won One", Money("70000.00", "EUR"), c), as_of=later)[0])
    return values


class TestSummaryByHand:
    def test_it_counts_every_stage(self) -> None:
        summary = summarize(_funnel())

        assert summary.total == 21
        assert dict(summary.counts) == {
            FunnelStage.CONTACT: 8,
            FunnelStage.LEAD: 2,
            FunnelStage.NURTURED: 1,
            FunnelStage.DISQUALIFIED: 3,
            FunnelStage.OPPORTUNITY: 4,
            FunnelStage.LOST: 2,
            FunnelStage.CUSTOMER: 1,
        }

    def test_a_value_has_reached_every_stage_before_its_own(self) -> None:
        summary = summarize(_funnel())

        assert summary.reached_lead == 13  # everything but the 8 contacts
        assert summary.reached_opportunity == 7  # 4 open, 2 lost, 1 won

    def test_conversion_rates_are_exact_fractions(self) -> None:
        summary = summarize(_funnel())

        assert summary.contact_to_lead == Fraction(13, 21)
        assert summary.lead_to_opportunity == Fraction(7, 13)
        assert summary.opportunity_to_customer == Fraction(1, 7)
        assert summary.contact_to_customer == Fraction(1, 21)
        assert isinstance(summary.lead_to_opportunity, Fraction)

    def test_reasons_and_competitors_are_counted(self) -> None:
        summary = summarize(_funnel())

        assert dict(summary.disqualified_reasons) == {
            DisqualificationReason.NO_BUDGET: 2,
            DisqualificationReason.DUPLICATE: 1,
        }
        assert dict(summary.lost_reasons) == {LossReason.COMPETITOR: 1, LossReason.PRICE: 1}
        assert dict(summary.lost_to_competitors) == {"Difference Engines plc": 1}

    def test_the_pipeline_holds_open_opportunities_only_per_currency(self) -> None:
        summary = summarize(_funnel())

        # Lost and won deals are out of the pipeline; one open deal has no value yet.
        assert dict(summary.pipeline) == {
            "EUR": Money("35000.00", "EUR"),
            "USD": Money("3333.33", "USD"),
        }

    def test_the_weighted_pipeline_weighs_each_deal_by_its_probability(self) -> None:
        summary = summarize(_funnel())

        # 10000 x 20 % + 25000 x 60 % = 2000 + 15000; 3333.33 x 40 % = 1333.332.
        assert dict(summary.weighted_pipeline) == {
            "EUR": Money("17000", "EUR"),
            "USD": Money("1333.332", "USD"),
        }

    def test_an_empty_funnel_has_no_rates(self) -> None:
        summary = summarize([])

        assert summary.total == 0
        assert set(summary.counts) == set(FunnelStage)
        assert all(count == 0 for count in summary.counts.values())
        assert summary.contact_to_lead is None
        assert summary.lead_to_opportunity is None
        assert summary.opportunity_to_customer is None
        assert summary.contact_to_customer is None
        assert dict(summary.pipeline) == {}
        assert dict(summary.weighted_pipeline) == {}

    def test_rates_past_an_empty_stage_are_none_not_zero(self) -> None:
        summary = summarize([_contact("Only A Contact"), _contact("Another One")])

        assert summary.contact_to_lead == Fraction(0)
        assert summary.lead_to_opportunity is None
        assert summary.opportunity_to_customer is None
        assert summary.contact_to_customer == Fraction(0)

    def test_a_summary_cannot_be_changed_through_its_mappings(self) -> None:
        reasons = {DisqualificationReason.NO_BUDGET: 1}
        summary = attrs.evolve(summarize(_funnel()), disqualified_reasons=reasons)

        reasons[DisqualificationReason.NO_BUDGET] = 99  # the caller's dict, not the summary's
        with pytest.raises(TypeError):
            summary.counts[FunnelStage.CONTACT] = 0  # type: ignore[index]
        with pytest.raises(TypeError):
            summary.pipeline["EUR"] = Money("1", "EUR")  # type: ignore[index]
        assert summary.disqualified_reasons == {DisqualificationReason.NO_BUDGET: 1}
        assert summary.counts[FunnelStage.CONTACT] == 8

    @pytest.mark.parametrize("intruder", ["a lead", 42, None, Evidence()])
    def test_something_that_is_not_a_funnel_value_is_refused(self, intruder: object) -> None:
        with pytest.raises(WrongTypeError):
            summarize([_contact("Ada Lovelace"), intruder])  # type: ignore[list-item]


class TestSummaryLaws:
    @_LISTS
    @given(funnels, st.data())
    def test_counts_add_up_to_the_total_and_list_every_stage(
        self, values: list[Stage], data: st.DataObject
    ) -> None:
        summary = summarize(values)

        assert set(summary.counts) == set(FunnelStage)
        assert sum(summary.counts.values()) == summary.total == len(values)
        assert summary.reached_opportunity <= summary.reached_lead <= summary.total
        assert (
            sum(summary.disqualified_reasons.values()) == (summary.counts[FunnelStage.DISQUALIFIED])
        )
        assert sum(summary.lost_reasons.values()) == summary.counts[FunnelStage.LOST]
        assert sum(summary.lost_to_competitors.values()) <= summary.counts[FunnelStage.LOST]
        cut = data.draw(st.integers(0, len(values)), label="cut")
        first, second = summarize(values[:cut]), summarize(values[cut:])
        for stage in FunnelStage:
            assert summary.counts[stage] == first.counts[stage] + second.counts[stage]

    @_LISTS
    @given(funnels)
    def test_rates_lie_between_zero_and_one(self, values: list[Stage]) -> None:
        summary = summarize(values)

        for rate in (
            summary.contact_to_lead,
            summary.lead_to_opportunity,
            summary.opportunity_to_customer,
            summary.contact_to_customer,
        ):
            assert rate is None or 0 <= rate <= 1
        assert (summary.contact_to_lead is None) == (summary.total == 0)
        assert (summary.lead_to_opportunity is None) == (summary.reached_lead == 0)

    @_LISTS
    @given(funnels)
    def test_the_weighted_pipeline_never_exceeds_the_pipeline(self, values: list[Stage]) -> None:
        summary = summarize(values)

        assert set(summary.weighted_pipeline) == set(summary.pipeline)
        for currency, total in summary.pipeline.items():
            assert total.currency == currency
            assert Money.zero(currency) <= summary.weighted_pipeline[currency] <= total

    @_LISTS
    @given(funnels, st.randoms(use_true_random=False))
    def test_a_generator_in_any_order_is_summarised_like_the_list(
        self, values: list[Stage], random: Random
    ) -> None:
        shuffled = list(values)
        random.shuffle(shuffled)

        def one_by_one() -> Iterator[Stage]:
            yield from shuffled

        assert summarize(one_by_one()) == summarize(values)


def _closed(values: list[Stage]) -> list[LostOpportunity | Customer]:
    return [value for value in values if isinstance(value, (LostOpportunity, Customer))]


class TestClosedDealsByHand:
    def test_the_win_rate_counts_closed_deals_only(self) -> None:
        summary = summarize(_funnel())

        # One won, two lost; the four open deals count in opportunity_to_customer only.
        assert summary.closed_opportunities == 3
        assert summary.win_rate == Fraction(1, 3)
        assert summary.opportunity_to_customer == Fraction(1, 7)

    def test_the_sales_cycle_runs_from_qualifying_to_closing(self) -> None:
        summary = summarize(_funnel())

        # Each closed deal qualified at NOW and closed five days later.
        assert summary.sales_cycle_total == 15 * DAY
        assert summary.average_sales_cycle == 5 * DAY

    def test_the_average_cycle_of_uneven_deals(self) -> None:
        quick = win(_opportunity("Quick", None, OpportunityStage.QUALIFY), as_of=NOW + 2 * DAY)[0]
        slow = lose(
            _opportunity("Slow", None, OpportunityStage.PROPOSE),
            reason=LossReason.TIMING,
            as_of=NOW + 7 * DAY + timedelta(hours=12),
        )[0]

        summary = summarize([quick, slow, _lead("Open")])

        # 2 days and 7.5 days: 4.75 days on average.
        assert summary.average_sales_cycle == timedelta(days=4, hours=18)

    def test_a_cycle_across_a_clock_change_is_real_elapsed_time(self) -> None:
        berlin = ZoneInfo("Europe/Berlin")
        # Clocks in Berlin went forward an hour on 29 March 2026.
        qualified = datetime(2026, 3, 28, 12, 0, tzinfo=berlin)
        lead = to_lead(_contact("Berlin"), _EVIDENCE, as_of=qualified)[0]
        deal, _ = promote(lead, _SIGNALS, as_of=qualified)
        won, _ = win(deal, as_of=datetime(2026, 3, 30, 12, 0, tzinfo=berlin))

        assert summarize([won]).average_sales_cycle == timedelta(hours=47)

    def test_no_closed_deal_has_no_win_rate_and_no_cycle(self) -> None:
        summary = summarize(
            [_lead("Open"), _opportunity("Open Deal", None, OpportunityStage.CLOSE)]
        )

        assert summary.closed_opportunities == 0
        assert summary.win_rate is None
        assert summary.average_sales_cycle is None
        assert summary.sales_cycle_total == timedelta(0)

    def test_win_rates_per_lead_source(self) -> None:
        web, partner = LeadSource.WEB, LeadSource.PARTNER
        values: list[Stage] = [
            win(_opportunity("W1", None, OpportunityStage.CLOSE, web), as_of=NOW + 3 * DAY)[0],
            lose(
                _opportunity("W2", None, OpportunityStage.QUALIFY, web),
                reason=LossReason.PRICE,
                as_of=NOW + 3 * DAY,
            )[0],
            win(_opportunity("W3", None, OpportunityStage.DEVELOP, web), as_of=NOW + 3 * DAY)[0],
            lose(
                _opportunity("P1", None, OpportunityStage.CLOSE, partner),
                reason=LossReason.NO_DECISION,
                as_of=NOW + 3 * DAY,
            )[0],
            _opportunity("P2", None, OpportunityStage.CLOSE, partner),  # open: not counted
            win(_opportunity("N1", None, OpportunityStage.CLOSE), as_of=NOW + 3 * DAY)[0],
        ]

        rates = win_rates(values, by="contact.source")

        assert list(rates) == [web, partner, None]
        assert rates[web] == WinRate(won=2, lost=1)
        assert rates[web].rate == Fraction(2, 3)
        assert rates[partner].rate == 0
        assert rates[None].closed == 1
        assert dict(win_rates(values, by=lambda deal: deal.contact.source)) == dict(rates)
        with pytest.raises(TypeError):
            rates[web] = WinRate(won=1, lost=0)  # type: ignore[index]

    def test_win_rates_per_owner(self) -> None:
        deal = _opportunity("Owned", None, OpportunityStage.CLOSE)
        values: list[Stage] = [
            win(deal, as_of=NOW + 3 * DAY, by="ada")[0],
            lose(deal, reason=LossReason.PRICE, as_of=NOW + 3 * DAY, by="ada")[0],
            win(deal, as_of=NOW + 3 * DAY, by="grace")[0],
        ]

        rates = win_rates(values, by=lambda closed: closed.history[-1].by)

        assert dict(rates) == {"ada": WinRate(won=1, lost=1), "grace": WinRate(won=1, lost=0)}

    @pytest.mark.parametrize("by", [42, None, "", "_engine", "contact.__class__", "a-b"])
    def test_a_segment_is_a_callable_or_a_public_attribute_path(self, by: object) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            win_rates(_funnel(), by=by)  # type: ignore[call-overload]

        assert (caught.value.field, caught.value.value) == ("by", by)

    def test_a_missing_attribute_or_an_unhashable_segment_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError, match="no such attribute") as caught:
            win_rates(_funnel(), by="region")
        assert caught.value.field == "by"
        with pytest.raises(WrongTypeError, match="hashable"):
            win_rates(_funnel(), by=lambda deal: [deal.name])  # type: ignore[type-var]

    def test_an_intruder_is_named_by_its_index(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            win_rates([*_funnel(), 42], by="name")  # type: ignore[list-item]
        assert caught.value.field == "values[21]"
        with pytest.raises(WrongTypeError) as caught:
            summarize([_contact("Ada Lovelace"), "a lead"])  # type: ignore[list-item]
        assert caught.value.field == "values[1]"

    @pytest.mark.parametrize(("won", "lost"), [(0, 0), (-1, 2), (2, -1)])
    def test_a_win_rate_holds_at_least_one_deal_and_no_negative_count(
        self, won: int, lost: int
    ) -> None:
        with pytest.raises(InvalidFieldError):
            WinRate(won=won, lost=lost)


class TestClosedDealLaws:
    @_LISTS
    @given(funnels)
    def test_the_win_rate_is_won_over_closed(self, values: list[Stage]) -> None:
        summary = summarize(values)

        won = sum(isinstance(value, Customer) for value in values)
        lost = sum(isinstance(value, LostOpportunity) for value in values)
        assert summary.win_rate == (Fraction(won, won + lost) if won + lost else None)
        assert summary.win_rate is None or 0 <= summary.win_rate <= 1
        # Open deals only ever add to the denominator of opportunity_to_customer.
        if summary.win_rate is not None:
            assert summary.opportunity_to_customer is not None
            assert summary.opportunity_to_customer <= summary.win_rate

    @_LISTS
    @given(funnels)
    def test_the_average_cycle_is_the_mean_from_first_to_last_event(
        self, values: list[Stage]
    ) -> None:
        closed = _closed(values)
        cycles = [
            deal.history[-1].at.astimezone(UTC) - deal.history[0].at.astimezone(UTC)
            for deal in closed
        ]

        summary = summarize(values)

        assert summary.sales_cycle_total == sum(cycles, timedelta(0))
        if closed:
            assert summary.average_sales_cycle == sum(cycles, timedelta(0)) / len(closed)
            assert min(cycles) <= summary.average_sales_cycle <= max(cycles)
        else:
            assert summary.average_sales_cycle is None

    @_LISTS
    @given(funnels, st.data())
    def test_cycle_totals_of_two_batches_add_up(
        self, values: list[Stage], data: st.DataObject
    ) -> None:
        cut = data.draw(st.integers(0, len(values)), label="cut")

        first, second = summarize(values[:cut]), summarize(values[cut:])

        total = summarize(values).sales_cycle_total
        assert total == first.sales_cycle_total + second.sales_cycle_total

    @_LISTS
    @given(funnels, st.sampled_from(["source", "owner", "step"]))
    def test_segments_add_up_to_the_summary(self, values: list[Stage], name: str) -> None:
        keys: dict[str, Callable[[LostOpportunity | Customer], Hashable]] = {
            "source": lambda deal: deal.contact.source,
            "owner": lambda deal: deal.history[-1].by,
            "step": lambda deal: deal.step,
        }
        key = keys[name]

        rates = win_rates(values, by=key)
        summary = summarize(values)

        assert sum(rate.won for rate in rates.values()) == summary.counts[FunnelStage.CUSTOMER]
        assert sum(rate.lost for rate in rates.values()) == summary.counts[FunnelStage.LOST]
        for segment, rate in rates.items():
            mine = [deal for deal in _closed(values) if key(deal) == segment]
            won = sum(isinstance(deal, Customer) for deal in mine)
            assert (rate.won, rate.lost) == (won, len(mine) - won)
            assert rate.rate == Fraction(won, len(mine))

    @_LISTS
    @given(funnels, st.lists(lfst.opportunities() | lfst.leads(), max_size=2))
    def test_open_values_change_no_win_rate(self, values: list[Stage], open_: list[Stage]) -> None:
        by = "contact.source"
        before, after = summarize(values), summarize(values + open_)

        assert dict(win_rates(values + open_, by=by)) == dict(win_rates(values, by=by))
        assert after.win_rate == before.win_rate
        assert after.average_sales_cycle == before.average_sales_cycle
