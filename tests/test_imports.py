"""Opportunities imported as a CRM holds them: real stage, value and dates, no made-up history."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
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
from leadflow.adapters import dynamics, hubspot, odoo, salesforce
from leadflow.errors import InvalidRecordError
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


# --- from each CRM's records, shaped as the CRM documents them --------------------------------

GOLDEN = Path(__file__).parent / "golden"
DYNAMICS_USD = dynamics.DynamicsMapping(currencies={"228f42f8-e646-e111-8eb7-78e7d162ced1": "USD"})
WEI = Contact(name="Wei Chen", email="wei.chen@contoso.example", created_at=OPENED - 900 * DAY)


def _golden(crm: str, name: str) -> dict[str, Any]:
    data = json.loads((GOLDEN / crm / name).read_text())
    record: dict[str, Any] = data[0] if isinstance(data, list) else data
    return record


class TestFromCrms:
    def test_an_open_salesforce_opportunity(self) -> None:
        record = _golden("salesforce", "opportunity_get.json")

        deal = salesforce.import_opportunity(
            record, contact=WEI, mapping=salesforce.SalesforceMapping(currency="EUR")
        )

        assert type(deal) is Opportunity
        assert (deal.name, deal.step, deal.probability) == (
            "Contoso - Annual plan",
            OpportunityStage.CLOSE,  # Negotiation/Review
            90,
        )
        assert (deal.estimated_value, deal.expected_close, deal.owner) == (
            Money("48000.00", "EUR"),
            date(2026, 6, 30),
            "0055g00000XyZaBAAV",
        )
        (event,) = deal.history
        assert isinstance(event, OpportunityImported)
        assert (event.at, event.source, event.record_id) == (
            datetime(2026, 1, 12, 9, 30, 12, tzinfo=timezone.utc),
            "salesforce",
            "0065g00000GhIjKAAV",
        )

    def test_a_won_salesforce_opportunity_closes_on_its_close_date(self) -> None:
        record = {
            **_golden("salesforce", "opportunity_get.json"),
            "StageName": "Closed Won",
            "IsClosed": True,
            "IsWon": True,
            "Probability": 100.0,
        }

        won = salesforce.import_opportunity(
            record, contact=WEI, mapping=salesforce.SalesforceMapping(currency="EUR")
        )

        assert type(won) is Customer
        assert won.won_value == Money("48000.00", "EUR")
        assert won.customer_since == datetime(2026, 6, 30, tzinfo=timezone.utc)
        assert summarize([won]).average_sales_cycle == datetime(
            2026, 6, 30, tzinfo=timezone.utc
        ) - datetime(2026, 1, 12, 9, 30, 12, tzinfo=timezone.utc)

    def test_a_lost_dynamics_opportunity_closes_on_its_actual_close_date(self) -> None:
        record = {
            **_golden("dynamics", "opportunity_get.json"),
            "statecode": 2,
            "statuscode": 4,
            "actualclosedate": "2026-03-20",
            "_ownerid_value": "9f1c0000-0000-0000-0000-00000000beef",
        }

        lost = dynamics.import_opportunity(record, contact=WEI, mapping=DYNAMICS_USD)

        assert type(lost) is LostOpportunity
        assert lost.history[-1].at == datetime(2026, 3, 20, tzinfo=timezone.utc)
        assert lost.history[0].at == datetime(2026, 1, 11, 9, 0, tzinfo=timezone.utc)
        assert lost.owner == "9f1c0000-0000-0000-0000-00000000beef"
        assert lost.probability == 0

    def test_a_closed_deal_without_its_closing_time_is_refused_naming_the_field(self) -> None:
        record = {**_golden("dynamics", "opportunity_get.json"), "statecode": 1, "statuscode": 3}

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.import_opportunity(record, contact=WEI, mapping=DYNAMICS_USD)

        assert [e.field for e in caught.value.errors] == ["actualclosedate"]

    def test_a_hubspot_deal_reads_its_properties(self) -> None:
        record = _golden("hubspot", "deal_get.json")

        deal = hubspot.import_opportunity(record, contact=WEI)

        assert type(deal) is Opportunity
        assert (deal.name, deal.owner, deal.estimated_value) == (
            "Northwind - Annual plan",
            "910901",
            Money("1500.00", "EUR"),
        )
        assert deal.history[0].at == datetime(2024, 3, 2, 9, 15, 30, 234000, tzinfo=timezone.utc)

    def test_a_hubspot_deal_without_a_creation_time_is_refused_under_its_properties(
        self,
    ) -> None:
        record = _golden("hubspot", "deal_get.json")
        record = {**record, "properties": {**record["properties"], "createdate": None}}

        with pytest.raises(InvalidRecordError) as caught:
            hubspot.import_opportunity(record, contact=WEI)

        assert [e.field for e in caught.value.errors] == ["properties.createdate"]

    def test_an_odoo_opportunity_names_its_salesperson(self) -> None:
        record = _golden("odoo", "crm_lead_search_read.json")

        deal = odoo.import_opportunity(
            record, contact=WEI, mapping=odoo.OdooMapping(currency="EUR")
        )

        assert deal.owner == "Mitchell Admin"
        opened = deal.history[0]
        assert isinstance(opened, OpportunityImported)
        assert opened.at == datetime(2024, 4, 7, 21, 58, 12, tzinfo=timezone.utc)
        assert opened.record_id == str(record["id"])

    def test_a_lost_odoo_opportunity_is_archived_and_closed_when_odoo_says(self) -> None:
        record = {
            **_golden("odoo", "crm_lead_search_read.json"),
            "active": False,
            "probability": 0.0,
            "date_closed": "2024-05-01 10:00:00",
        }

        lost = odoo.import_opportunity(
            record, contact=WEI, mapping=odoo.OdooMapping(currency="EUR")
        )

        assert type(lost) is LostOpportunity
        assert lost.history[-1].at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)

    def test_an_imported_pipeline_is_summarised_and_stored_small(self) -> None:
        mapping = salesforce.SalesforceMapping(currency="EUR")
        base = _golden("salesforce", "opportunity_get.json")
        won = {**base, "StageName": "Closed Won", "IsClosed": True, "IsWon": True}
        lost = {**base, "StageName": "Closed Lost", "IsClosed": True, "IsWon": False}
        deals = [
            salesforce.import_opportunity(record, contact=WEI, mapping=mapping)
            for record in (base, won, won, lost, base)
        ]

        summary = summarize(deals)

        assert (summary.win_rate, summary.opportunity_to_customer) == (
            Fraction(2, 3),
            Fraction(2, 5),
        )
        assert all(len(to_json(deal).encode()) <= 2048 for deal in deals)
