"""The funnel summary: counts, exact conversion rates, reasons and pipeline per currency."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from random import Random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow import (
    BudgetEvidence,
    BudgetLevel,
    Contact,
    DisqualificationReason,
    Evidence,
    FunnelStage,
    LossReason,
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
from leadflow.lifecycle import Lead, Opportunity

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

# Each generated stage value costs tens of milliseconds to build through the moves, and a
# list holds several: a fifteenth of the profile's examples keeps the suite fast.
_LISTS = settings(max_examples=max(10, settings().max_examples // 15))
funnels = st.lists(lfst.stages(), max_size=5)


def _contact(name: str) -> Contact:
    handle = name.lower().replace(" ", ".")
    return Contact(name=name, email=f"{handle}@example.com", created_at=NOW - 30 * DAY)


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


def _lead(name: str) -> Lead:
    return to_lead(_contact(name), _EVIDENCE, as_of=NOW)[0]


def _opportunity(name: str, value: Money | None, step: OpportunityStage) -> Opportunity:
    opportunity, _ = promote(_lead(name), _SIGNALS, as_of=NOW + DAY, estimated_value=value)
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
