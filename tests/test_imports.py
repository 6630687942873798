"""Opportunities imported as a CRM holds them: real stage, value and dates, no made-up history."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given

from leadflow import (
    DEFAULT_POLICY,
    Contact,
    Customer,
    Evidence,
    FunnelStage,
    InvalidFieldError,
    LossReason,
    LostOpportunity,
    Money,
    Opportunity,
    OpportunityImported,
    OpportunityLost,
    OpportunityStage,
    OpportunityWon,
    Stage,
    advance,
    import_opportunity,
    summarize,
    win,
)
from leadflow import strategies as lfst
from leadflow.learning import learn_stage_probabilities
from leadflow.serialization import from_json, structure, to_json, unstructure
from support import DAY, examples

OPENED = datetime(2026, 2, 2, 9, 30, tzinfo=timezone.utc)
BUYER = Contact(name="Grace Hopper", email="grace@navy.example", created_at=OPENED - DAY)


def _imported(
    outcome: FunnelStage = FunnelStage.OPPORTUNITY, **more: Any
) -> Opportunity | LostOpportunity | Customer:
    closed: dict[str, Any] = (
        {} if outcome is FunnelStage.OPPORTUNITY else {"closed_at": OPENED + 30 * DAY}
    )
    return import_opportunity(
        contact=BUYER,
        name="Navy, 12 engines",
        source="salesforce",
        record_id="0065g00000GhIjKAAV",
        opened_at=OPENED,
        outcome=outcome,
        step=OpportunityStage.PROPOSE,
        estimated_value=Money("120000.00", "USD"),
        owner="0055g00000Own",
        product="Engines",
        **closed,
        **more,
    )


class TestImportOpportunity:
    def test_an_open_deal_keeps_its_step_value_owner_and_product_and_no_decisions(self) -> None:
        deal = _imported()

        assert type(deal) is Opportunity
        assert (deal.step, deal.probability) == (OpportunityStage.PROPOSE, 60)  # BANT's
        assert (deal.estimated_value, deal.owner, deal.product) == (
            Money("120000.00", "USD"),
            "0055g00000Own",
            "Engines",
        )
        assert (deal.qualification, deal.promotion, deal.evidence) == (None, None, Evidence())
        assert deal.imported
        (event,) = deal.history
        assert event == OpportunityImported(
            at=OPENED,
            by="0055g00000Own",
            source="salesforce",
            record_id="0065g00000GhIjKAAV",
            step=OpportunityStage.PROPOSE,
            probability=60,
        )

    def test_a_won_deal_closes_when_it_was_won_at_its_value(self) -> None:
        won = _imported(FunnelStage.CUSTOMER, won_value=Money("110000.00", "USD"))

        assert type(won) is Customer
        assert (won.probability, won.won_value) == (100, Money("110000.00", "USD"))
        assert [type(e) for e in won.history] == [OpportunityImported, OpportunityWon]
        assert won.customer_since == OPENED + 30 * DAY

    def test_a_lost_deal_keeps_its_reason_and_competitor(self) -> None:
        lost = _imported(
            FunnelStage.LOST, loss_reason=LossReason.COMPETITOR, competitor="Difference Engines"
        )

        assert type(lost) is LostOpportunity
        assert (lost.reason, lost.competitor, lost.probability) == (
            LossReason.COMPETITOR,
            "Difference Engines",
            0,
        )
        assert isinstance(lost.history[-1], OpportunityLost)

    def test_the_funnel_counts_imported_deals_at_their_stage_with_the_closed_win_rate(self) -> None:
        deals = [
            _imported(),
            _imported(FunnelStage.CUSTOMER),
            _imported(FunnelStage.CUSTOMER),
            _imported(FunnelStage.LOST),
        ]

        summary = summarize(deals)

        assert summary.counts[FunnelStage.OPPORTUNITY] == 1
        assert summary.win_rate == Fraction(2, 3)
        assert summary.opportunity_to_customer == Fraction(2, 4)
        # Opened on 2 February, closed 30 days later.
        assert summary.average_sales_cycle == timedelta(days=30)

    def test_an_imported_deal_moves_on_like_any_other(self) -> None:
        deal = _imported()
        assert isinstance(deal, Opportunity)

        closer, _ = advance(deal, OpportunityStage.CLOSE, as_of=OPENED + DAY)
        won, _ = win(closer, as_of=OPENED + 2 * DAY)

        assert won.history[0] == deal.history[0]
        learned = learn_stage_probabilities([won], base=DEFAULT_POLICY)
        assert learned.row(OpportunityStage.PROPOSE).won == 1

    def test_a_stored_imported_deal_costs_no_more_than_its_facts(self) -> None:
        line = to_json(_imported(FunnelStage.CUSTOMER))

        assert len(line.encode()) <= 2048
        assert from_json(line, Customer) == _imported(FunnelStage.CUSTOMER)
        assert json.loads(line)["history"][0]["type"] == "OpportunityImported"

    @pytest.mark.parametrize(
        ("outcome", "closed_at", "field"),
        [
            (FunnelStage.CUSTOMER, None, "closed_at"),
            (FunnelStage.LOST, None, "closed_at"),
            (FunnelStage.OPPORTUNITY, OPENED + DAY, "closed_at"),
            (FunnelStage.LEAD, None, "outcome"),
        ],
    )
    def test_a_deal_closes_when_and_only_when_it_is_closed(
        self, outcome: FunnelStage, closed_at: datetime | None, field: str
    ) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            import_opportunity(
                contact=BUYER,
                name="Navy",
                source="salesforce",
                opened_at=OPENED,
                outcome=outcome,
                closed_at=closed_at,
            )

        assert caught.value.field == field

    def test_a_deal_cannot_close_before_it_opened(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            import_opportunity(
                contact=BUYER,
                name="Navy",
                source="salesforce",
                opened_at=OPENED,
                outcome=FunnelStage.CUSTOMER,
                closed_at=OPENED - DAY,
            )

        assert caught.value.field == "history"

    @examples(0.1)
    @given(lfst.opportunities())
    def test_only_an_imported_deal_comes_without_its_decisions(self, promoted: Opportunity) -> None:
        for name in ("qualification", "promotion"):
            with pytest.raises(InvalidFieldError) as caught:
                attrs.evolve(promoted, **{name: None})  # type: ignore[arg-type]

            assert caught.value.field == name

    @examples(0.25)
    @given(lfst.imported_opportunities())
    def test_an_imported_deal_round_trips_and_starts_with_its_import(self, deal: Stage) -> None:
        assert not isinstance(deal, Contact)
        assert structure(unstructure(deal), type(deal)) == deal
        assert isinstance(deal.history[0], OpportunityImported)
        assert deal.history[0].source
