"""Odoo: crm.lead records, as leads and as opportunities, read and written back."""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapter_support import AS_OF, decided, promoted, qualified, rating_written
from leadflow import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    ContactId,
    Evidence,
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
    LossReason,
    Money,
    NeedEvidence,
    NeedLevel,
    Opportunity,
    OpportunityStage,
    Organisation,
    PurchaseProcess,
    PurchaseRole,
    QualificationDecision,
    Rating,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    advance,
    lose,
    win,
)
from leadflow import strategies as lfst
from leadflow.adapters import CrmLead, CustomFields, OpportunityFields, WriteRatings, odoo, records
from leadflow.adapters.odoo import OdooMapping
from leadflow.stages import FunnelStage

UTC = timezone.utc

# A database with Studio fields for the criteria: selections with their own keys, a
# monetary budget and a boolean for the decision maker.
CUSTOM = CustomFields(
    need="x_need",
    need_values={
        "must": NeedLevel.STRONG,
        "should": NeedLevel.EXPRESSED,
        "nice": NeedLevel.LATENT,
        "none": NeedLevel.NONE,
    },
    budget="x_budget",
    budget_values={
        "none": BudgetLevel.NONE,
        "may_buy": BudgetLevel.INSUFFICIENT,
        "can_buy": BudgetLevel.AVAILABLE,
        "will_buy": BudgetLevel.APPROVED,
    },
    budget_amount="x_budget_amount",
    purchase_process="x_process",
    role="x_decision_maker",
    role_values={True: PurchaseRole.DECISION_MAKER},
)
ODOO = OdooMapping(custom=CUSTOM)

# A crm.lead as models.execute_kw(db, uid, key, "crm.lead", "read", [[42]], {...}) returns it.
LEAD_RECORD: dict[str, Any] = {
    "id": 42,
    "name": "Fleet tracking for 40 vans",
    "contact_name": "Margaret Hamilton",
    "partner_name": "Apollo Logistics",
    "email_from": "Margaret Hamilton <Margaret@Apollo-Logistics.example>",
    "phone": "+1 617 555 0110",
    "function": "Operations Director",
    "type": "lead",
    "expected_revenue": 0.0,
    "probability": 10.0,
    "date_deadline": "2026-04-30",
    "priority": "1",
    "stage_id": [1, "New"],
    "lost_reason_id": False,
    "active": True,
    "tag_ids": [2, 5],
    "source_id": [3, "Search engine"],
    "medium_id": False,
    "campaign_id": False,
    "user_id": [2, "Mitchell Admin"],
    "team_id": [1, "Sales"],
    "create_date": "2026-01-05 10:00:00",
    "write_date": "2026-01-06 08:00:00",
    "date_conversion": False,
    "date_closed": False,
    "company_currency": [1, "EUR"],
    "x_need": "must",
    "x_budget": "can_buy",
    "x_budget_amount": 18000.0,
    "x_process": "committee",
    "x_decision_maker": False,
    "x_studio_fleet_size": 40,
}

# A write() values dict: many2one pairs as ids, without the id, audit, conversion and
# related currency fields.
LEAD_VALUES: dict[str, Any] = {
    "name": "Fleet tracking for 40 vans",
    "contact_name": "Margaret Hamilton",
    "partner_name": "Apollo Logistics",
    "email_from": "Margaret Hamilton <Margaret@Apollo-Logistics.example>",
    "phone": "+1 617 555 0110",
    "function": "Operations Director",
    "type": "lead",
    "expected_revenue": 0.0,
    "probability": 10.0,
    "date_deadline": "2026-04-30",
    "priority": "1",
    "stage_id": 1,
    "lost_reason_id": False,
    "active": True,
    "tag_ids": [2, 5],
    "source_id": 3,
    "medium_id": False,
    "campaign_id": False,
    "user_id": 2,
    "team_id": 1,
    "x_need": "must",
    "x_budget": "can_buy",
    "x_budget_amount": 18000.0,
    "x_process": "committee",
    "x_decision_maker": False,
    "x_studio_fleet_size": 40,
}
PRIORITY = {Rating.COLD: "0", Rating.WARM: "1", Rating.HOT: "2"}


class TestReadingALead:
    def test_the_documented_lead_reads_into_the_contact_it_describes(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        assert crm_lead.contact == Contact(
            name="Margaret Hamilton",
            created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
            email="Margaret@apollo-logistics.example",
            phone="+16175550110",
            organisation=Organisation(name="Apollo Logistics"),
            job_title="Operations Director",
            id=ContactId("42"),
        )
        assert crm_lead.id == 42

    def test_the_deadline_and_custom_fields_read_into_evidence(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        assert crm_lead.evidence == Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=Money("18000", "EUR")),
            timeframe=TimeframeEvidence(decision_date=date(2026, 4, 30)),
            authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE),
        )

    def test_without_custom_fields_only_the_timeframe_is_known(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD)

        assert crm_lead.evidence == Evidence(
            timeframe=TimeframeEvidence(decision_date=date(2026, 4, 30))
        )

    def test_every_field_leadflow_does_not_model_is_kept_verbatim(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        modelled = {
            "id",
            "contact_name",
            "partner_name",
            "email_from",
            "phone",
            "function",
            "date_deadline",
            "create_date",
            "x_need",
            "x_budget",
            "x_budget_amount",
            "x_process",
            "x_decision_maker",
        }
        assert dict(crm_lead.extras) == {k: v for k, v in LEAD_RECORD.items() if k not in modelled}

    def test_the_create_date_is_read_as_utc(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "create_date": "2026-07-01 23:15:00"})

        assert crm_lead.contact.created_at == datetime(2026, 7, 1, 23, 15, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("contact_name", "partner_name", "name"),
        [
            ("Margaret Hamilton", "Apollo Logistics", "Margaret Hamilton"),
            (False, "Apollo Logistics", "Apollo Logistics"),
            (False, False, "Fleet tracking for 40 vans"),
        ],
    )
    def test_the_contact_is_named_by_the_person_then_the_company_then_the_lead(
        self, contact_name: object, partner_name: object, name: str
    ) -> None:
        record = {**LEAD_RECORD, "contact_name": contact_name, "partner_name": partner_name}

        assert odoo.read_lead(record, mapping=ODOO).contact.name == name

    def test_a_blank_company_name_is_no_extra(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "partner_name": False}, mapping=ODOO)

        assert "partner_name" not in crm_lead.extras

    def test_a_currency_of_the_mapping_serves_records_without_one(self) -> None:
        record = {k: v for k, v in LEAD_RECORD.items() if k != "company_currency"}

        crm_lead = odoo.read_lead(record, mapping=attrs.evolve(ODOO, currency="CHF"))

        assert crm_lead.evidence.budget.amount == Money("18000", "CHF")


class TestReadingABadLead:
    def test_every_bad_field_is_reported_with_its_path(self) -> None:
        record = {
            **LEAD_RECORD,
            "email_from": "Margaret Hamilton <>",
            "date_deadline": "30/04/2026",
            "create_date": "2026-01-05T10:00:00+25:00",
            "id": "42",
        }

        with pytest.raises(InvalidRecordError) as caught:
            odoo.read_lead(record, mapping=ODOO)

        assert {error.path for error in caught.value.errors} == {
            "$.email_from",
            "$.date_deadline",
            "$.create_date",
            "$.id",
        }

    def test_a_selection_value_the_mapping_does_not_list_reads_as_unknown_with_a_repair(
        self,
    ) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "x_need": "urgent"}, mapping=ODOO)

        assert crm_lead.evidence.need.level is NeedLevel.UNKNOWN
        assert [(r.field, r.value) for r in crm_lead.repairs] == [("x_need", "urgent")]

    def test_a_company_currency_that_is_no_pair_leaves_the_amount_unreadable(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            odoo.read_lead({**LEAD_RECORD, "company_currency": "EUR"}, mapping=ODOO)

        assert [error.path for error in caught.value.errors] == [
            "$.company_currency",
            "$.x_budget_amount",
        ]


TWO_ADDRESSES = '"Nancy Anderson" <Nancy@Adventure-Works.com>, purchasing@adventure-works.com'


class TestSeveralAddresses:
    """email_from is a list to Odoo (email_split takes commas and semicolons)."""

    def test_the_first_address_is_the_contact_s_email_and_a_repair_says_so(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "email_from": TWO_ADDRESSES}, mapping=ODOO)

        assert crm_lead.contact.email == "Nancy@adventure-works.com"
        assert [(r.field, r.value) for r in crm_lead.repairs] == [("email_from", TWO_ADDRESSES)]
        assert "purchasing@adventure-works.com" in crm_lead.repairs[0].note

    def test_the_whole_field_also_stays_in_the_extras(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "email_from": TWO_ADDRESSES}, mapping=ODOO)

        assert crm_lead.extras["email_from"] == TWO_ADDRESSES

    def test_semicolons_separate_addresses_too(self) -> None:
        record = {**LEAD_RECORD, "email_from": "a.b@apollo.example; ops@apollo.example"}

        crm_lead = odoo.read_lead(record, mapping=ODOO)

        assert crm_lead.contact.email == "a.b@apollo.example"
        assert len(crm_lead.repairs) == 1

    def test_written_back_unchanged_the_field_is_not_in_the_update(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "email_from": TWO_ADDRESSES}, mapping=ODOO)

        assert odoo.write_lead(crm_lead, mapping=ODOO) == {}

    def test_a_new_lead_is_created_with_the_field_as_it_was(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "email_from": TWO_ADDRESSES}, mapping=ODOO)

        values = odoo.write_lead(attrs.evolve(crm_lead, id=None), mapping=ODOO)

        assert values == {**LEAD_VALUES, "email_from": TWO_ADDRESSES}

    def test_a_changed_email_replaces_the_whole_field(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "email_from": TWO_ADDRESSES}, mapping=ODOO)
        contact = attrs.evolve(crm_lead.contact, email="nancy@adventure-works.example")

        values = odoo.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=ODOO)

        assert values == {"email_from": "nancy@adventure-works.example"}

    def test_one_address_needs_no_repair(self) -> None:
        assert odoo.read_lead(LEAD_RECORD, mapping=ODOO).repairs == ()


class TestCurrency:
    def test_the_company_currency_beats_the_mapping_s(self) -> None:
        record = {**LEAD_RECORD, "company_currency": [1, "USD"]}

        crm_lead = odoo.read_lead(record, mapping=attrs.evolve(ODOO, currency="CHF"))

        assert crm_lead.evidence.budget.amount == Money("18000", "USD")

    def test_a_currency_id_a_database_adds_beats_the_company_currency(self) -> None:
        record = {**LEAD_RECORD, "company_currency": [1, "USD"], "currency_id": [3, "GBP"]}

        crm_lead = odoo.read_lead(record, mapping=attrs.evolve(ODOO, currency="CHF"))

        assert crm_lead.evidence.budget.amount == Money("18000", "GBP")

    def test_an_empty_currency_id_leaves_the_company_currency(self) -> None:
        record = {**LEAD_RECORD, "company_currency": [1, "USD"], "currency_id": False}

        crm_lead = odoo.read_lead(record, mapping=ODOO)

        assert crm_lead.evidence.budget.amount == Money("18000", "USD")

    def test_an_amount_in_another_currency_than_the_record_s_is_refused(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)
        budget = attrs.evolve(crm_lead.evidence.budget, amount=Money("18000", "USD"))
        evidence = attrs.evolve(crm_lead.evidence, budget=budget)

        with pytest.raises(InvalidRecordError) as caught:
            odoo.write_lead(attrs.evolve(crm_lead, evidence=evidence), mapping=ODOO)

        assert [error.path for error in caught.value.errors] == ["$.x_budget_amount"]


class TestWritingALead:
    def test_a_lead_written_back_unchanged_is_an_empty_update(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        assert odoo.write_lead(crm_lead, mapping=ODOO) == {}

    def test_a_lead_without_an_id_is_created_with_every_field_a_write_takes(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        assert odoo.write_lead(attrs.evolve(crm_lead, id=None), mapping=ODOO) == LEAD_VALUES

    def test_only_the_changed_values_are_written_in_odoo_terms(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)
        contact = attrs.evolve(
            crm_lead.contact,
            email="margaret@nasa.example",
            job_title=None,
            role=PurchaseRole.DECISION_MAKER,
        )
        evidence = attrs.evolve(
            crm_lead.evidence,
            timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
            budget=BudgetEvidence(level=BudgetLevel.APPROVED, amount=Money("21000.75", "EUR")),
        )

        values = odoo.write_lead(
            attrs.evolve(crm_lead, contact=contact, evidence=evidence), mapping=ODOO
        )

        assert values == {
            "email_from": "margaret@nasa.example",
            "function": False,
            "x_decision_maker": True,
            "date_deadline": False,
            "x_budget": "will_buy",
            "x_budget_amount": 21000.75,
        }

    def test_fields_leadflow_does_not_model_are_never_in_an_update(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)
        extras = {**crm_lead.extras, "stage_id": [3, "Proposition"], "x_studio_fleet_size": 41}

        assert odoo.write_lead(attrs.evolve(crm_lead, extras=extras), mapping=ODOO) == {}

    def test_an_amount_odoo_sends_as_a_float_is_unchanged_by_reading(self) -> None:
        # 18000.0 is read as 18000 EUR; writing 18000 back changes nothing.
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)
        budget = attrs.evolve(crm_lead.evidence.budget, amount=Money("18000", "EUR"))
        evidence = attrs.evolve(crm_lead.evidence, budget=budget)

        assert odoo.write_lead(attrs.evolve(crm_lead, evidence=evidence), mapping=ODOO) == {}

    def test_a_field_of_the_mapping_s_read_only_is_never_written(self) -> None:
        mapping = attrs.evolve(ODOO, read_only=frozenset({"email_from", "x_studio_fleet_size"}))
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=mapping)
        contact = attrs.evolve(crm_lead.contact, email="margaret@nasa.example")

        update = odoo.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=mapping)
        create = odoo.write_lead(attrs.evolve(crm_lead, id=None), mapping=mapping)

        assert update == {}
        assert create == {
            k: v for k, v in LEAD_VALUES.items() if k not in ("email_from", "x_studio_fleet_size")
        }


ALWAYS = attrs.evolve(ODOO, write_ratings=WriteRatings.ALWAYS)
NEVER = attrs.evolve(ODOO, write_ratings=WriteRatings.NEVER)
CLOSING = attrs.evolve(ODOO, close_disqualified=True)
UNSTARRED = {**LEAD_RECORD, "priority": "0"}


class TestWritingARating:
    @pytest.mark.parametrize(
        ("rating", "expected"),
        [(Rating.COLD, {}), (Rating.WARM, {"priority": "1"}), (Rating.HOT, {"priority": "2"})],
    )
    def test_the_rating_becomes_the_priority_over_odoo_s_default(
        self, rating: Rating, expected: dict[str, Any]
    ) -> None:
        # '0' (no star) is Odoo's default: no person chose it. Cold is '0' itself.
        crm_lead = odoo.read_lead(UNSTARRED, mapping=ODOO)

        values = odoo.write_lead(crm_lead, decided(crm_lead, Verdict.NURTURE, rating), mapping=ODOO)

        assert values == expected

    @pytest.mark.parametrize("priority", [False, None])
    def test_the_rating_is_written_over_no_priority(self, priority: object) -> None:
        record = {**LEAD_RECORD, "priority": priority}
        crm_lead = odoo.read_lead(record, mapping=ODOO)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, Rating.COLD), mapping=ODOO
        )

        assert values == {"priority": "0"}

    @pytest.mark.parametrize("rating", list(Rating))
    def test_by_default_a_priority_a_person_set_is_kept(self, rating: Rating) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)  # priority '1'

        values = odoo.write_lead(crm_lead, decided(crm_lead, Verdict.NURTURE, rating), mapping=ODOO)

        assert values == {}

    @pytest.mark.parametrize(
        ("rating", "expected"),
        [(Rating.COLD, {"priority": "0"}), (Rating.WARM, {}), (Rating.HOT, {"priority": "2"})],
    )
    def test_always_replaces_a_priority_the_mapping_lists(
        self, rating: Rating, expected: dict[str, Any]
    ) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ALWAYS)  # priority '1'

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, rating), mapping=ALWAYS
        )

        assert values == expected

    @pytest.mark.parametrize("rating", list(Rating))
    def test_never_writes_no_rating_even_over_the_default(self, rating: Rating) -> None:
        crm_lead = odoo.read_lead(UNSTARRED, mapping=NEVER)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, rating), mapping=NEVER
        )

        assert values == {}

    @pytest.mark.parametrize("write_ratings", list(WriteRatings))
    @pytest.mark.parametrize("verdict", list(Verdict))
    @pytest.mark.parametrize("rating", list(Rating))
    def test_very_high_is_never_overwritten(
        self, write_ratings: WriteRatings, verdict: Verdict, rating: Rating
    ) -> None:
        mapping = attrs.evolve(ODOO, write_ratings=write_ratings)
        crm_lead = odoo.read_lead({**LEAD_RECORD, "priority": "3"}, mapping=mapping)

        values = odoo.write_lead(crm_lead, decided(crm_lead, verdict, rating), mapping=mapping)

        assert "priority" not in values

    def test_an_undetermined_cold_rating_leaves_even_the_default_as_it_is(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "priority": False}, mapping=ALWAYS)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.COLD), mapping=ALWAYS
        )

        assert values == {}

    def test_a_new_lead_is_created_with_the_rating(self) -> None:
        crm_lead = odoo.read_lead(UNSTARRED, mapping=ODOO)

        values = odoo.write_lead(
            attrs.evolve(crm_lead, id=None),
            decided(crm_lead, Verdict.QUALIFIED, Rating.HOT),
            mapping=ODOO,
        )

        assert values == {**LEAD_VALUES, "priority": "2"}


class TestWritingAVerdict:
    def test_by_default_a_disqualified_lead_stays_active(self) -> None:
        crm_lead = odoo.read_lead(UNSTARRED, mapping=ODOO)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.WARM), mapping=ODOO
        )

        assert values == {"priority": "1"}

    def test_opted_in_a_disqualified_lead_is_archived_at_probability_zero(self) -> None:
        crm_lead = odoo.read_lead(UNSTARRED, mapping=CLOSING)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.WARM), mapping=CLOSING
        )

        assert values == {"priority": "1", "active": False, "probability": 0.0}

    def test_opted_in_a_person_s_priority_is_still_kept(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=CLOSING)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=CLOSING
        )

        assert values == {"active": False, "probability": 0.0}

    def test_a_lost_reason_is_written_only_when_opted_in(self) -> None:
        lost = {Verdict.DISQUALIFIED: {"active": False, "probability": 0.0, "lost_reason_id": 1}}
        default = attrs.evolve(ODOO, verdict_values=lost)
        opted = attrs.evolve(default, close_disqualified=True)
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=default)
        decision = decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD)

        assert odoo.write_lead(crm_lead, decision, mapping=default) == {}
        assert odoo.write_lead(crm_lead, decision, mapping=opted) == {
            "active": False,
            "probability": 0.0,
            "lost_reason_id": 1,
        }

    def test_a_new_disqualified_lead_is_created_active_unless_opted_in(self) -> None:
        crm_lead = attrs.evolve(odoo.read_lead(UNSTARRED, mapping=ODOO), id=None)
        decision = decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD)
        body = {**LEAD_VALUES, "priority": "0"}

        assert odoo.write_lead(crm_lead, decision, mapping=ODOO) == body
        assert odoo.write_lead(crm_lead, decision, mapping=CLOSING) == {
            **body,
            "active": False,
            "probability": 0.0,
        }

    def test_a_qualified_lead_moves_to_the_configured_stage(self) -> None:
        mapping = attrs.evolve(ODOO, verdict_values={Verdict.QUALIFIED: {"stage_id": 2}})
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=mapping)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert values == {"stage_id": 2}

    def test_a_lead_already_in_the_configured_stage_is_not_written(self) -> None:
        mapping = attrs.evolve(ODOO, verdict_values={Verdict.QUALIFIED: {"stage_id": 1}})
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=mapping)  # stage_id [1, "New"]

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert values == {}

    @pytest.mark.parametrize("mapping", [ODOO, CLOSING, ALWAYS])
    def test_an_undetermined_lead_stays_active_and_keeps_its_probability(
        self, mapping: OdooMapping
    ) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=mapping)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=mapping
        )

        assert values == {}

    @pytest.mark.parametrize(
        "fields", [{"active": False}, {"lost_reason_id": 1}, {"active": False, "probability": 0.0}]
    )
    def test_an_undetermined_lead_can_be_neither_archived_nor_lost(
        self, fields: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            attrs.evolve(CLOSING, verdict_values={Verdict.UNDETERMINED: fields})

        assert caught.value.field == "verdict_values[undetermined]"

    def test_an_undetermined_lead_can_be_given_a_stage(self) -> None:
        mapping = attrs.evolve(ODOO, verdict_values={Verdict.UNDETERMINED: {"stage_id": 1}})
        crm_lead = odoo.read_lead({**LEAD_RECORD, "stage_id": [3, "Proposition"]}, mapping=mapping)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=mapping
        )

        assert values == {"stage_id": 1}

    def test_every_verdict_has_its_fields(self) -> None:
        assert set(odoo.VERDICT_VALUES) == set(Verdict)

    @pytest.mark.parametrize("verdict", list(Verdict))
    def test_an_archived_lead_is_left_as_it_is(self, verdict: Verdict) -> None:
        mapping = attrs.evolve(CLOSING, write_ratings=WriteRatings.ALWAYS)
        crm_lead = odoo.read_lead({**UNSTARRED, "active": False}, mapping=mapping)

        values = odoo.write_lead(crm_lead, decided(crm_lead, verdict, Rating.HOT), mapping=mapping)

        assert values == {}


# A crm.lead as read() returns it just after the website's contact form created it: the
# Studio fields for the criteria are empty (False; 0.0 for the monetary one), the
# probability is Odoo's own estimate and nobody has starred it yet.
FRESH_RECORD: dict[str, Any] = {
    "id": 57,
    "name": "Route planning for a delivery fleet",
    "contact_name": "Annie Easley",
    "partner_name": "Easley Analytics",
    "email_from": "annie@easley-analytics.example",
    "phone": False,
    "function": False,
    "type": "lead",
    "expected_revenue": 0.0,
    "probability": 4.52,
    "date_deadline": False,
    "priority": "0",
    "stage_id": [1, "New"],
    "lost_reason_id": False,
    "active": True,
    "tag_ids": [],
    "source_id": False,
    "medium_id": False,
    "campaign_id": False,
    "user_id": False,
    "team_id": [1, "Sales"],
    "create_date": "2026-01-09 16:20:00",
    "write_date": "2026-01-09 16:20:00",
    "date_conversion": False,
    "date_closed": False,
    "company_currency": [1, "EUR"],
    "x_need": False,
    "x_budget": False,
    "x_budget_amount": 0.0,
    "x_process": False,
    "x_decision_maker": False,
}
_NOT_WRITTEN = {
    "id",
    "create_date",
    "write_date",
    "date_conversion",
    "date_closed",
    "company_currency",
}
FRESH_VALUES: dict[str, Any] = {
    **{k: v for k, v in FRESH_RECORD.items() if k not in _NOT_WRITTEN},
    "stage_id": 1,
    "team_id": 1,
}


def closing_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The fields of *values* that archive or lose a lead, or set its probability to 0."""
    losing = {}
    if values.get("active", True) is not True:
        losing["active"] = values["active"]
    if values.get("probability") == 0:
        losing["probability"] = values["probability"]
    if values.get("lost_reason_id", False) is not False:
        losing["lost_reason_id"] = values["lost_reason_id"]
    return losing


class TestWritingBackAQualifiedRecord:
    """Records read, qualified under the default policy and written back, as a CRM would."""

    def test_a_fresh_lead_is_undetermined_and_its_update_is_empty(self) -> None:
        crm_lead = odoo.read_lead(FRESH_RECORD, mapping=CLOSING)
        decision = qualified(crm_lead)

        values = odoo.write_lead(crm_lead, decision, mapping=CLOSING)

        assert decision.verdict is Verdict.UNDETERMINED
        assert values == {}

    def test_a_person_s_stars_are_not_taken_away_by_not_knowing(self) -> None:
        crm_lead = odoo.read_lead({**FRESH_RECORD, "priority": "3"}, mapping=ODOO)

        values = odoo.write_lead(crm_lead, qualified(crm_lead), mapping=ODOO)

        assert values == {}

    def test_a_new_lead_is_created_active(self) -> None:
        crm_lead = CrmLead(
            contact=Contact(
                name="Annie Easley", email="annie@easley-analytics.example", created_at=AS_OF
            )
        )
        decision = qualified(crm_lead)

        values = odoo.write_lead(crm_lead, decision, mapping=ODOO)

        assert decision.verdict is Verdict.UNDETERMINED
        assert values == {
            "contact_name": "Annie Easley",
            "email_from": "annie@easley-analytics.example",
            "active": True,
        }

    def test_a_new_lead_read_archived_is_still_created_active(self) -> None:
        record = {k: v for k, v in FRESH_RECORD.items() if k != "id"}
        crm_lead = odoo.read_lead({**record, "active": False}, mapping=ODOO)

        values = odoo.write_lead(crm_lead, qualified(crm_lead), mapping=ODOO)

        assert values == FRESH_VALUES

    def test_no_budget_disqualifies_the_lead_and_archives_it_only_when_opted_in(self) -> None:
        crm_lead = odoo.read_lead({**FRESH_RECORD, "x_budget": "none"}, mapping=ODOO)
        decision = qualified(crm_lead)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert decision.rating is Rating.COLD
        assert odoo.write_lead(crm_lead, decision, mapping=ODOO) == {}
        assert odoo.write_lead(crm_lead, decision, mapping=CLOSING) == {
            "active": False,
            "probability": 0.0,
        }

    def test_a_lead_in_the_market_only_later_is_nurtured_and_stays_active(self) -> None:
        # Must have, can buy, and an expected closing beyond the policy's one-year horizon.
        record = {
            **FRESH_RECORD,
            "x_need": "must",
            "x_budget": "can_buy",
            "date_deadline": "2027-06-30",
        }
        crm_lead = odoo.read_lead(record, mapping=CLOSING)
        decision = qualified(crm_lead)

        values = odoo.write_lead(crm_lead, decision, mapping=CLOSING)

        assert decision.verdict is Verdict.NURTURE
        assert closing_fields(values) == {}
        assert values == {"priority": "1"}


def build_opportunity() -> Opportunity:
    contact = Contact(
        name="Margaret Hamilton",
        email="margaret@apollo-logistics.example",
        created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        role=PurchaseRole.INFLUENCER,
        organisation=Organisation(name="Apollo Logistics"),
    )
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG),
        budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_YEAR),
    )
    return promoted(
        contact,
        evidence,
        terms=TermsLevel.PAYMENT_TERMS,
        supplier=SupplierStatus.DROPPED,
        value=Money("36000", "EUR"),
        close=date(2026, 6, 30),
        name="Apollo Logistics - 40 trackers",
    )


# Need strong (30), budget available (24), this year (13), an influencer deciding alone
# (8): 75 under BANT, which rates it hot.
OPPORTUNITY_VALUES: dict[str, Any] = {
    "type": "opportunity",
    "name": "Apollo Logistics - 40 trackers",
    "expected_revenue": 36000.0,
    "probability": 20.0,
    "date_deadline": "2026-06-30",
    "priority": "2",
}
STAGES = OdooMapping(
    currency="EUR",
    stage_ids={1: OpportunityStage.QUALIFY, 3: OpportunityStage.PROPOSE},
    won_stage_id=4,
    lost_reason_ids={1: LossReason.PRICE},
)


class TestWritingAnOpportunity:
    def test_an_open_opportunity_converts_the_lead(self) -> None:
        values = odoo.write_opportunity(
            build_opportunity(), mapping=attrs.evolve(ODOO, currency="EUR")
        )

        assert values == OPPORTUNITY_VALUES

    def test_the_configured_stage_of_the_step_is_written(self) -> None:
        opportunity, _ = advance(
            build_opportunity(), OpportunityStage.PROPOSE, as_of=AS_OF + timedelta(days=3)
        )

        values = odoo.write_opportunity(opportunity, mapping=STAGES)

        assert values == {**OPPORTUNITY_VALUES, "probability": 60.0, "stage_id": 3}

    def test_a_won_opportunity_is_at_full_probability_in_the_won_stage(self) -> None:
        customer, _ = win(build_opportunity(), as_of=AS_OF + timedelta(days=30))

        values = odoo.write_opportunity(customer, mapping=STAGES)

        assert values == {**OPPORTUNITY_VALUES, "probability": 100.0, "active": True, "stage_id": 4}

    @pytest.mark.parametrize(
        ("reason", "competitor", "reason_id"),
        [(LossReason.PRICE, None, {"lost_reason_id": 1}), (LossReason.TIMING, None, {})],
    )
    def test_a_lost_opportunity_is_archived_with_its_reason(
        self, reason: LossReason, competitor: str | None, reason_id: dict[str, int]
    ) -> None:
        lost, _ = lose(
            build_opportunity(),
            reason=reason,
            competitor=competitor,
            as_of=AS_OF + timedelta(days=30),
        )

        values = odoo.write_opportunity(lost, mapping=STAGES)

        assert values == {**OPPORTUNITY_VALUES, "probability": 0.0, "active": False, **reason_id}


class TestReadingAnOpportunity:
    def test_the_documented_opportunity_reads_into_a_summary(self) -> None:
        record = {
            "id": 42,
            "name": "Apollo Logistics - 40 trackers",
            "type": "opportunity",
            "expected_revenue": 36000.0,
            "probability": 62.5,
            "date_deadline": "2026-06-30",
            "stage_id": [3, "Proposition"],
            "active": True,
            "company_currency": [1, "EUR"],
        }

        assert odoo.read_opportunity_fields(record, mapping=STAGES) == OpportunityFields(
            id=42,
            name="Apollo Logistics - 40 trackers",
            outcome=FunnelStage.OPPORTUNITY,
            step=OpportunityStage.PROPOSE,
            probability=63,
            amount=Money("36000", "EUR"),
            expected_close=date(2026, 6, 30),
        )

    @pytest.mark.parametrize(
        ("fields", "outcome"),
        [
            ({"active": False}, FunnelStage.LOST),
            ({"stage_id": [4, "Won"]}, FunnelStage.CUSTOMER),
            ({"won_status": "won", "stage_id": [9, "Signed"]}, FunnelStage.CUSTOMER),
            ({"won_status": "lost", "active": False}, FunnelStage.LOST),
            ({"won_status": "pending"}, FunnelStage.OPPORTUNITY),
            ({"stage_id": [3, "Proposition"]}, FunnelStage.OPPORTUNITY),
        ],
    )
    def test_the_outcome_comes_from_won_status_activity_or_the_won_stage(
        self, fields: dict[str, Any], outcome: FunnelStage
    ) -> None:
        record = {"id": 42, "name": "x", "type": "opportunity", **fields}

        assert odoo.read_opportunity_fields(record, mapping=STAGES).outcome is outcome

    def test_a_lead_is_no_opportunity(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            odoo.read_opportunity_fields(LEAD_RECORD, mapping=ODOO)

        assert [error.path for error in caught.value.errors] == ["$.type"]


# --------------------------------------------------------------------------------------------
# Golden records: shaped as Odoo's external API documents them (read()/search_read: False
# for no value, many2one pairs, "YYYY-MM-DD HH:MM:SS" in UTC), field set of Odoo 17's
# crm.lead. Expected values are written out from the documented rules.
# --------------------------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "odoo"


def golden(name: str) -> Any:
    """A golden fixture, read afresh for each test."""
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def search_read() -> list[dict[str, Any]]:
    """The golden search_read page: an opportunity with two addresses, a fresh lead."""
    page: list[dict[str, Any]] = golden("crm_lead_search_read.json")
    return page


GOLDEN_MAPPING = OdooMapping(
    currency="EUR",
    stage_ids={2: OpportunityStage.QUALIFY, 3: OpportunityStage.PROPOSE},
    won_stage_id=4,
    lost_reason_ids={1: LossReason.PRICE},
)
NANCY = Contact(
    name="Nancy Anderson",
    created_at=datetime(2024, 4, 7, 21, 58, 12, tzinfo=UTC),
    email="Nancy@adventure-works.com",
    phone="+15550108",
    organisation=Organisation(name="Adventure Works"),
    job_title="Purchasing Manager",
    id=ContactId("42"),
)
NANCY_EMAIL_FROM = '"Nancy Anderson" <Nancy@Adventure-Works.com>, purchasing@adventure-works.com'
# create() values for record 42: its fields without the id, the audit fields and the
# computed ones (company_currency, email_normalized, email_state, phone_sanitized,
# prorated_revenue, automated_probability, date_open, date_closed); pairs as their ids.
NANCY_CREATE: dict[str, Any] = {
    "name": "Adventure Works: 50 licences",
    "type": "opportunity",
    "active": True,
    "priority": "2",
    "stage_id": 2,
    "team_id": 1,
    "user_id": 2,
    "company_id": 1,
    "partner_id": False,
    "partner_name": "Adventure Works",
    "contact_name": "Nancy Anderson",
    "function": "Purchasing Manager",
    "email_from": NANCY_EMAIL_FROM,
    "phone": "+1 555-0108",
    "mobile": False,
    "website": "https://adventure-works.com",
    "country_id": 233,
    "expected_revenue": 40000.0,
    "probability": 60.0,
    "tag_ids": [3, 5],
    "lost_reason_id": False,
    "date_deadline": "2024-06-30",
    "description": "<p>Needs SSO.</p>",
    "lead_properties": [],
}
# The computed crm.lead fields of the research list (Odoo 15, 17 and 18 field
# definitions), copied by hand: none may ever be written.
COMPUTED_FIELDS = (
    "automated_probability",
    "is_automated_probability",
    "prorated_revenue",
    "recurring_revenue_monthly",
    "recurring_revenue_monthly_prorated",
    "recurring_revenue_prorated",
    "company_currency",
    "user_company_ids",
    "kanban_state",
    "date_closed",
    "date_action_last",
    "date_automation_last",
    "date_open",
    "day_open",
    "day_close",
    "date_last_stage_update",
    "date_conversion",
    "partner_is_blacklisted",
    "phone_state",
    "email_state",
    "lang_code",
    "lang_active_count",
    "calendar_event_count",
    "meeting_display_date",
    "meeting_display_label",
    "duplicate_lead_ids",
    "duplicate_lead_count",
    "partner_email_update",
    "partner_phone_update",
    "is_partner_visible",
    "email_domain_criterion",
    "email_normalized",
    "is_blacklisted",
    "phone_sanitized",
    "phone_sanitized_blacklisted",
    "phone_blacklisted",
    "mobile_blacklisted",
    "phone_mobile_search",
    "activity_state",
    "activity_user_id",
    "activity_date_deadline",
    "my_activity_date_deadline",
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_type_icon",
    "activity_plans_ids",
    "message_needaction",
    "message_needaction_counter",
    "message_has_error",
    "message_has_error_counter",
    "message_attachment_count",
    "has_message",
    "message_is_follower",
    "message_ids",
    "message_follower_ids",
    "activity_ids",
    "won_status",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    "id",
    "display_name",
)


class TestGoldenSearchRead:
    def test_a_search_read_page_is_walked_record_by_record(self) -> None:
        # records() yields objects (a page may hold anything); read_lead checks each.
        page = records(search_read())
        leads = [odoo.read_lead(cast("dict[str, Any]", r), mapping=GOLDEN_MAPPING) for r in page]

        assert [crm_lead.id for crm_lead in leads] == [42, 57]

    def test_the_opportunity_reads_into_the_contact_it_describes(self) -> None:
        crm_lead = odoo.read_lead(search_read()[0], mapping=GOLDEN_MAPPING)

        assert crm_lead.contact == NANCY
        assert crm_lead.evidence == Evidence(
            timeframe=TimeframeEvidence(decision_date=date(2024, 6, 30))
        )

    def test_its_two_addresses_give_the_first_a_repair_and_the_extras_the_whole(self) -> None:
        crm_lead = odoo.read_lead(search_read()[0], mapping=GOLDEN_MAPPING)

        assert [(r.field, r.value) for r in crm_lead.repairs] == [("email_from", NANCY_EMAIL_FROM)]
        modelled = {"id", "contact_name", "partner_name", "phone", "function"}
        modelled |= {"date_deadline", "create_date"}
        assert dict(crm_lead.extras) == {
            k: v for k, v in search_read()[0].items() if k not in modelled
        }

    def test_the_fresh_lead_reads_as_it_is(self) -> None:
        crm_lead = odoo.read_lead(search_read()[1], mapping=GOLDEN_MAPPING)

        assert crm_lead.contact == Contact(
            name="Jun Cao",
            created_at=datetime(2024, 4, 9, 8, 0, tzinfo=UTC),
            email="jun.cao@fabrikam.example",
            organisation=Organisation(name="Fabrikam"),
            id=ContactId("57"),
        )
        assert crm_lead.evidence == Evidence()
        assert crm_lead.repairs == ()

    @pytest.mark.parametrize("index", [0, 1])
    def test_written_back_unchanged_each_is_an_empty_update(self, index: int) -> None:
        crm_lead = odoo.read_lead(search_read()[index], mapping=GOLDEN_MAPPING)

        assert odoo.write_lead(crm_lead, mapping=GOLDEN_MAPPING) == {}

    def test_a_changed_email_is_the_whole_update(self) -> None:
        crm_lead = odoo.read_lead(search_read()[0], mapping=GOLDEN_MAPPING)
        contact = attrs.evolve(crm_lead.contact, email="nancy@adventure-works.com")

        values = odoo.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=GOLDEN_MAPPING)

        assert values == {"email_from": "nancy@adventure-works.com"}

    def test_a_decision_on_the_fresh_lead_stars_it(self) -> None:
        crm_lead = odoo.read_lead(search_read()[1], mapping=GOLDEN_MAPPING)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, Rating.WARM), mapping=GOLDEN_MAPPING
        )

        assert values == {"priority": "1"}

    def test_a_decision_keeps_the_opportunity_s_own_high_priority(self) -> None:
        crm_lead = odoo.read_lead(search_read()[0], mapping=GOLDEN_MAPPING)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.WARM), mapping=GOLDEN_MAPPING
        )

        assert values == {}

    def test_created_anew_it_takes_every_field_but_the_computed_ones(self) -> None:
        crm_lead = odoo.read_lead(search_read()[0], mapping=GOLDEN_MAPPING)

        values = odoo.write_lead(attrs.evolve(crm_lead, id=None), mapping=GOLDEN_MAPPING)

        assert values == NANCY_CREATE

    def test_created_anew_with_a_decision_it_is_active(self) -> None:
        crm_lead = attrs.evolve(odoo.read_lead(search_read()[0], mapping=GOLDEN_MAPPING), id=None)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=GOLDEN_MAPPING
        )

        assert values == NANCY_CREATE

    def test_the_opportunity_s_fields_read_in_the_company_currency(self) -> None:
        fields = odoo.read_opportunity_fields(search_read()[0], mapping=GOLDEN_MAPPING)

        assert fields == OpportunityFields(
            id=42,
            name="Adventure Works: 50 licences",
            outcome=FunnelStage.OPPORTUNITY,
            step=OpportunityStage.QUALIFY,
            probability=60,
            amount=Money("40000", "USD"),
            expected_close=date(2024, 6, 30),
        )

    def test_the_fresh_lead_is_no_opportunity(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            odoo.read_opportunity_fields(search_read()[1], mapping=GOLDEN_MAPPING)

        assert [error.path for error in caught.value.errors] == ["$.type"]


def nancy_opportunity(currency: str = "USD") -> Opportunity:
    """Record 42's opportunity as leadflow promoted it: 45,000, closing mid-2026.

    Need strong (30), budget available (24), this year (13), no role known: warm.
    """
    return promoted(
        attrs.evolve(NANCY, id=None),
        Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
            timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_YEAR),
        ),
        terms=TermsLevel.PAYMENT_TERMS,
        supplier=SupplierStatus.DROPPED,
        value=Money("45000", currency),
        close=date(2026, 6, 30),
        name="Adventure Works: 50 licences",
    )


class TestGoldenOpportunityWrite:
    def test_only_what_differs_from_the_record_is_written(self) -> None:
        # Same name, type and stage (2, Qualify) as the record; its rating (warm, '1')
        # does not replace the priority a person gave the record ('2').
        values = odoo.write_opportunity(
            nancy_opportunity(), mapping=GOLDEN_MAPPING, record=search_read()[0]
        )

        assert values == {
            "expected_revenue": 45000.0,
            "probability": 20.0,
            "date_deadline": "2026-06-30",
        }

    def test_won_it_moves_to_the_won_stage_at_full_probability(self) -> None:
        customer, _ = win(nancy_opportunity(), as_of=AS_OF + timedelta(days=30))

        values = odoo.write_opportunity(customer, mapping=GOLDEN_MAPPING, record=search_read()[0])

        assert values == {
            "expected_revenue": 45000.0,
            "probability": 100.0,
            "date_deadline": "2026-06-30",
            "stage_id": 4,
        }

    def test_lost_it_is_archived_with_its_reason(self) -> None:
        lost, _ = lose(
            nancy_opportunity(), reason=LossReason.PRICE, as_of=AS_OF + timedelta(days=30)
        )

        values = odoo.write_opportunity(lost, mapping=GOLDEN_MAPPING, record=search_read()[0])

        assert values == {
            "expected_revenue": 45000.0,
            "probability": 0.0,
            "date_deadline": "2026-06-30",
            "active": False,
            "lost_reason_id": 1,
        }

    def test_the_company_currency_beats_the_mapping_s_in_a_write(self) -> None:
        # The mapping says EUR, the record USD: an amount in EUR does not fit it.
        with pytest.raises(InvalidRecordError) as caught:
            odoo.write_opportunity(
                nancy_opportunity("EUR"), mapping=GOLDEN_MAPPING, record=search_read()[0]
            )

        assert [error.path for error in caught.value.errors] == ["$.expected_revenue"]

    def test_written_again_after_the_update_nothing_is_left_to_write(self) -> None:
        record = {**search_read()[0], "expected_revenue": 45000.0, "probability": 20.0}
        record["date_deadline"] = "2026-06-30"

        assert (
            odoo.write_opportunity(nancy_opportunity(), mapping=GOLDEN_MAPPING, record=record) == {}
        )

    @pytest.mark.parametrize(
        ("priority", "write_ratings", "written"),
        [
            ("0", WriteRatings.IF_UNSET, True),
            (False, WriteRatings.IF_UNSET, True),
            ("2", WriteRatings.IF_UNSET, False),
            ("2", WriteRatings.ALWAYS, True),
            ("0", WriteRatings.NEVER, False),
            ("3", WriteRatings.IF_UNSET, False),
            ("3", WriteRatings.ALWAYS, False),
        ],
    )
    def test_the_record_s_priority_follows_write_ratings(
        self, priority: object, write_ratings: WriteRatings, written: bool
    ) -> None:
        mapping = attrs.evolve(GOLDEN_MAPPING, write_ratings=write_ratings)
        record = {**search_read()[0], "priority": priority}

        values = odoo.write_opportunity(nancy_opportunity(), mapping=mapping, record=record)

        assert values.get("priority") == ("1" if written else None)


class TestReadOnlyFields:
    def test_the_fields_get_excerpt_marks_the_computed_fields(self) -> None:
        found = odoo.read_only_fields(golden("crm_lead_fields_get.json"))

        assert found == {
            "email_normalized",
            "automated_probability",
            "duplicate_lead_count",
            "company_currency",
        }

    @pytest.mark.parametrize(
        ("attributes", "refused"),
        [
            ({"type": "float", "readonly": True, "store": True}, True),
            ({"type": "float", "store": False}, True),
            ({"type": "char", "readonly": False, "store": False}, False),
            ({"type": "char", "readonly": False, "store": True}, False),
            ({"type": "char"}, False),
        ],
    )
    def test_readonly_or_not_stored_without_an_inverse_is_refused(
        self, attributes: dict[str, Any], refused: bool
    ) -> None:
        found = odoo.read_only_fields({"x_studio_score": attributes})

        assert ("x_studio_score" in found) is refused

    @pytest.mark.parametrize("metadata", [["email_from"], {"email_from": "char"}, "fields"])
    def test_anything_but_fields_get_s_answer_is_refused(self, metadata: Any) -> None:
        with pytest.raises(InvalidRecordError):
            odoo.read_only_fields(metadata)

    def test_a_database_s_computed_field_is_left_out_of_a_create(self) -> None:
        described = {
            **golden("crm_lead_fields_get.json"),
            "x_studio_score": {"type": "float", "readonly": True, "store": True},
        }
        mapping = attrs.evolve(GOLDEN_MAPPING, read_only=odoo.read_only_fields(described))
        record = {**search_read()[0], "x_studio_score": 7.5, "duplicate_lead_count": 0}
        crm_lead = attrs.evolve(odoo.read_lead(record, mapping=mapping), id=None)

        assert odoo.write_lead(crm_lead, mapping=mapping) == NANCY_CREATE

    def test_the_research_list_of_computed_fields_is_read_only(self) -> None:
        assert set(COMPUTED_FIELDS) - odoo.READ_ONLY == set()

    @pytest.mark.parametrize(
        "name", [*sorted(set(COMPUTED_FIELDS) - {"id", "create_date"}), "__last_update"]
    )
    def test_no_computed_field_is_ever_written(self, name: str) -> None:
        value: object = [7, "Computed"] if name.endswith("_id") else 1.0
        value = [1, "EUR"] if name == "company_currency" else value
        record = {**UNSTARRED, name: value}
        mapping = attrs.evolve(ALWAYS, close_disqualified=True)
        crm_lead = odoo.read_lead(record, mapping=mapping)
        bodies = [
            odoo.write_lead(lead, decided(lead, verdict, Rating.HOT), mapping=mapping)
            for lead in (crm_lead, attrs.evolve(crm_lead, id=None))
            for verdict in Verdict
        ]

        assert [body for body in bodies if name in body] == []


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

fuzz_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
# Studio fields; values as read() returns them: scalars, False, many2one pairs, id lists.
studio_fields = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).map(
    lambda name: "x_studio_" + name
)
record_ids = st.integers(1, 10**6)
many2one = st.tuples(record_ids, lfst.texts(20)).map(list)
read_values = (
    st.just(False)
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | many2one
    | st.lists(record_ids, max_size=4)
)
LEAD_FIELDS = [
    "id",
    "name",
    "contact_name",
    "partner_name",
    "email_from",
    "phone",
    "function",
    "create_date",
    "date_deadline",
    "company_currency",
    "active",
    "stage_id",
    *(row.name for row in CUSTOM.rows()),
]
DEFAULT_CUSTOM = CustomFields(
    need="x_need",
    budget="x_budget",
    budget_amount="x_budget_amount",
    timeframe="x_timeframe",
    purchase_process="x_process",
    role="x_role",
)


def write_form(value: Any) -> Any:
    """How write() takes a value read(): a many2one pair as its id, the rest as it is."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
        return value[0]
    return value


def merged(record: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """*record* as read() returns it after write(update): a many2one id read as its pair."""
    out = dict(record)
    for name, value in update.items():
        before = record.get(name)
        pair = isinstance(before, list) and len(before) == 2 and isinstance(before[1], str)
        out[name] = [value, f"Record {value}"] if pair and type(value) is int else value
    return out


@attrs.frozen
class Generated:
    record: dict[str, Any]
    body: dict[str, Any]
    contact: Contact
    evidence: Evidence
    mapping: OdooMapping


@st.composite
def generated_leads(draw: st.DrawFn) -> Generated:
    contact = draw(lfst.contacts())
    evidence = draw(lfst.evidence())
    amount = evidence.budget.amount
    currency = amount.currency if amount is not None else "EUR"
    mapping = OdooMapping(custom=DEFAULT_CUSTOM)
    crm_id = draw(record_ids)
    extras: dict[str, Any] = draw(st.dictionaries(studio_fields, read_values, max_size=4))
    extras["stage_id"] = draw(many2one)
    extras["active"] = draw(st.booleans())
    system = {
        "id": crm_id,
        "create_date": f"{contact.created_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
        "write_date": f"{contact.created_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
        "company_currency": [draw(record_ids), currency],
    }
    # The record as create(body) then read() would give it: the modelled fields from a
    # create body (the system fields are read-only, so it leaves them out and takes
    # the currency from company_currency), then the extras and the system fields.
    modelled = odoo.write_lead(
        CrmLead(contact=contact, evidence=evidence, extras=system), mapping=mapping
    )
    body = {**modelled, **{k: write_form(v) for k, v in extras.items()}}
    return Generated({**modelled, **extras, **system}, body, contact, evidence, mapping)


def representable(contact: Contact, evidence: Evidence, crm_id: int) -> tuple[Contact, Evidence]:
    """What an Odoo record with DEFAULT_CUSTOM holds of *contact* and *evidence*."""
    organisation = contact.organisation
    held = Contact(
        name=contact.name,
        created_at=contact.created_at.replace(microsecond=0),
        email=contact.email,
        phone=contact.phone,
        organisation=None if organisation is None else Organisation(name=organisation.name),
        job_title=contact.job_title,
        role=contact.role,
        id=ContactId(str(crm_id)),
    )
    return held, Evidence(
        need=NeedEvidence(level=evidence.need.level),
        budget=BudgetEvidence(level=evidence.budget.level, amount=evidence.budget.amount),
        timeframe=TimeframeEvidence(
            level=evidence.timeframe.level, decision_date=evidence.timeframe.decision_date
        ),
        authority=AuthorityEvidence(process=evidence.authority.process),
    )


def in_currency(evidence: Evidence, record: dict[str, Any]) -> Evidence:
    """*evidence* with its budget amount in *record*'s company currency."""
    amount = evidence.budget.amount
    if amount is None:
        return evidence
    budget = attrs.evolve(
        evidence.budget, amount=Money(amount.amount, record["company_currency"][1])
    )
    return attrs.evolve(evidence, budget=budget)


priorities = st.sampled_from([None, False, "0", "1", "2", "3"])
mappings = st.builds(
    lambda ratings, close, stage, reason: OdooMapping(
        custom=DEFAULT_CUSTOM,
        write_ratings=ratings,
        close_disqualified=close,
        verdict_values={
            Verdict.QUALIFIED: {"stage_id": stage},
            Verdict.DISQUALIFIED: {"active": False, "probability": 0.0, "lost_reason_id": reason},
            Verdict.NURTURE: {},
            Verdict.UNDETERMINED: {},
        },
    ),
    st.sampled_from(WriteRatings),
    st.booleans(),
    record_ids,
    record_ids,
)
decisions = st.tuples(st.sampled_from(Verdict), st.sampled_from(Rating)) | st.none()


def with_priority(record: dict[str, Any], priority: object) -> dict[str, Any]:
    """*record* with *priority* (``None``: without the field)."""
    out = {k: v for k, v in record.items() if k != "priority"}
    return out if priority is None else {**out, "priority": priority}


def decision_on(crm_lead: CrmLead, drawn: tuple[Verdict, Rating] | None) -> Any:
    return None if drawn is None else decided(crm_lead, *drawn)


GENERATED = settings(max_examples=max(10, settings().max_examples // 5))


class TestRoundTrip:
    @GENERATED
    @given(generated_leads())
    def test_a_read_record_holds_what_it_was_made_from_and_creates_whole(
        self, lead: Generated
    ) -> None:
        crm_lead = odoo.read_lead(lead.record, mapping=lead.mapping)

        assert odoo.write_lead(attrs.evolve(crm_lead, id=None), mapping=lead.mapping) == lead.body
        assert (crm_lead.contact, crm_lead.evidence) == representable(
            lead.contact, lead.evidence, lead.record["id"]
        )

    @GENERATED
    @given(generated_leads(), st.sampled_from(Verdict), st.sampled_from(Rating), priorities)
    @pytest.mark.parametrize("close", [False, True])
    @pytest.mark.parametrize("write_ratings", list(WriteRatings))
    def test_a_decision_touches_only_an_active_leads_priority_and_activity(
        self,
        write_ratings: WriteRatings,
        close: bool,
        lead: Generated,
        verdict: Verdict,
        rating: Rating,
        priority: object,
    ) -> None:
        mapping = attrs.evolve(lead.mapping, write_ratings=write_ratings, close_disqualified=close)
        crm_lead = odoo.read_lead(with_priority(lead.record, priority), mapping=mapping)

        values = odoo.write_lead(crm_lead, decided(crm_lead, verdict, rating), mapping=mapping)

        # Written out from the rules: a rating over no priority or Odoo's '0' unless
        # NEVER, over '1' and '2' only with ALWAYS, never over '3'; an archived lead
        # untouched; archived at probability 0 only when disqualified and opted in.
        expected: dict[str, Any] = {}
        if lead.record["active"]:
            unset = priority in (None, False, "0")
            replaceable = unset or (write_ratings is WriteRatings.ALWAYS and priority in ("1", "2"))
            if (
                rating_written(verdict, rating)
                and write_ratings is not WriteRatings.NEVER
                and replaceable
                and PRIORITY[rating] != priority
            ):
                expected["priority"] = PRIORITY[rating]
            if verdict is Verdict.DISQUALIFIED and close:
                expected.update(active=False, probability=0.0)
        assert values == expected


class TestWriteBackLaws:
    @GENERATED
    @given(generated_leads())
    def test_read_then_written_with_no_change_and_no_decision_is_empty(
        self, lead: Generated
    ) -> None:
        crm_lead = odoo.read_lead(lead.record, mapping=lead.mapping)

        assert odoo.write_lead(crm_lead, mapping=lead.mapping) == {}

    @GENERATED
    @given(
        generated_leads(), mappings, st.sampled_from(Verdict), st.sampled_from(Rating), priorities
    )
    def test_a_decision_written_and_read_back_has_nothing_left_to_write(
        self,
        lead: Generated,
        mapping: OdooMapping,
        verdict: Verdict,
        rating: Rating,
        priority: object,
    ) -> None:
        record = with_priority(lead.record, priority)
        crm_lead = odoo.read_lead(record, mapping=mapping)
        decision = decided(crm_lead, verdict, rating)

        update = odoo.write_lead(crm_lead, decision, mapping=mapping)
        again = odoo.read_lead(merged(record, update), mapping=mapping)

        assert odoo.write_lead(again, decision, mapping=mapping) == {}

    @GENERATED
    @given(
        generated_leads(),
        generated_leads(),
        mappings,
        decisions,
        priorities,
        st.dictionaries(
            st.sampled_from([*sorted(odoo.READ_ONLY - {"id", "create_date"}), "__last_update"]),
            read_values,
            max_size=6,
        ),
        st.data(),
    )
    def test_no_write_ever_holds_a_read_only_field(
        self,
        lead: Generated,
        other: Generated,
        mapping: OdooMapping,
        drawn: tuple[Verdict, Rating] | None,
        priority: object,
        computed: dict[str, Any],
        data: st.DataObject,
    ) -> None:
        record = {**with_priority(lead.record, priority), **computed}
        record["company_currency"] = lead.record["company_currency"]
        names = sorted({*record, "priority", "active", "probability", "stage_id", "lost_reason_id"})
        refused = frozenset(data.draw(st.sets(st.sampled_from(names))))
        mapping = attrs.evolve(mapping, read_only=refused)
        crm_lead = odoo.read_lead(record, mapping=mapping)
        decision = decision_on(crm_lead, drawn)
        contact = attrs.evolve(other.contact, created_at=lead.contact.created_at)
        changed = attrs.evolve(
            crm_lead, contact=contact, evidence=in_currency(other.evidence, record)
        )

        for written in (crm_lead, changed, attrs.evolve(crm_lead, id=None)):
            body = odoo.write_lead(written, decision, mapping=mapping)
            assert [k for k in body if k in refused or odoo.is_read_only(k, body[k])] == []

    # More examples than the other laws: a disqualified verdict without the opt-in
    # (what this law guards) is one draw in eight.
    @settings(max_examples=max(50, settings().max_examples // 2))
    @given(generated_leads(), mappings, decisions, priorities, st.booleans())
    def test_nothing_is_closed_unless_opted_in_and_undetermined_never(
        self,
        lead: Generated,
        mapping: OdooMapping,
        drawn: tuple[Verdict, Rating] | None,
        priority: object,
        new: bool,
    ) -> None:
        crm_lead = odoo.read_lead(with_priority(lead.record, priority), mapping=mapping)
        if new:
            crm_lead = attrs.evolve(crm_lead, id=None)
        decision = decision_on(crm_lead, drawn)

        body = odoo.write_lead(crm_lead, decision, mapping=mapping)

        opted = mapping.close_disqualified and drawn is not None
        if not (opted and drawn is not None and drawn[0] is Verdict.DISQUALIFIED):
            closing = closing_fields(body)
            if new and decision is None:
                # A create without a decision copies the record as it was read.
                closing.pop("active", None)
            assert closing == {}

    @GENERATED
    @given(generated_leads(), generated_leads())
    def test_an_update_merged_and_read_again_gives_the_changed_lead(
        self, lead: Generated, other: Generated
    ) -> None:
        crm_lead = odoo.read_lead(lead.record, mapping=lead.mapping)
        contact = attrs.evolve(other.contact, created_at=lead.contact.created_at)
        evidence = in_currency(other.evidence, lead.record)

        update = odoo.write_lead(
            attrs.evolve(crm_lead, contact=contact, evidence=evidence), mapping=lead.mapping
        )
        again = odoo.read_lead(merged(lead.record, update), mapping=lead.mapping)

        assert (again.contact, again.evidence) == representable(
            contact, evidence, lead.record["id"]
        )
        assert again.extras == crm_lead.extras


FUZZ_LEAD = CrmLead(
    contact=Contact(name="Margaret Hamilton", email="margaret@nasa.example", created_at=AS_OF),
    evidence=Evidence(budget=BudgetEvidence(amount=Money("10", "EUR"))),
    id=42,
)


# Decisions do not depend on the extras being fuzzed; make them once.
FUZZ_DECISIONS: dict[Verdict | None, QualificationDecision | None] = {
    None: None,
    **{verdict: decided(FUZZ_LEAD, verdict, Rating.WARM) for verdict in Verdict},
}
# Half the profile's examples per entry point keeps the suite quick on small machines.
FUZZ = settings(max_examples=max(50, settings().max_examples // 2))


class TestFuzzing:
    @FUZZ
    @given(fuzz_values)
    def test_reading_any_json_raises_only_leadflow_errors(self, value: Any) -> None:
        with contextlib.suppress(LeadflowError):
            odoo.read_lead(value, mapping=ODOO)

    @FUZZ
    @given(st.dictionaries(st.sampled_from(LEAD_FIELDS) | st.text(max_size=8), fuzz_values))
    def test_reading_any_lead_shaped_object_raises_only_leadflow_errors(
        self, record: dict[str, Any]
    ) -> None:
        with contextlib.suppress(LeadflowError):
            odoo.read_lead(record, mapping=ODOO)

    @FUZZ
    @given(
        st.dictionaries(st.sampled_from(LEAD_FIELDS) | studio_fields, fuzz_values),
        st.dictionaries(st.sampled_from(LEAD_FIELDS), fuzz_values),
        st.none() | st.sampled_from(list(Verdict)),
    )
    def test_writing_any_extras_raises_only_leadflow_errors(
        self, extras: dict[str, Any], original: dict[str, Any], verdict: Verdict | None
    ) -> None:
        crm_lead = attrs.evolve(FUZZ_LEAD, extras=extras, original=original)
        decision = FUZZ_DECISIONS[verdict]
        with contextlib.suppress(LeadflowError):
            odoo.write_lead(crm_lead, decision, mapping=ODOO)

    @FUZZ
    @given(
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "type",
                    "expected_revenue",
                    "probability",
                    "stage_id",
                    "active",
                    "won_status",
                ]
            )
            | st.text(max_size=8),
            fuzz_values,
        )
    )
    def test_reading_any_opportunity_raises_only_leadflow_errors(
        self, record: dict[str, Any]
    ) -> None:
        with contextlib.suppress(LeadflowError):
            odoo.read_opportunity_fields(record, mapping=STAGES)

    def test_a_mapping_of_another_crm_is_refused(self) -> None:
        with pytest.raises(WrongTypeError):
            odoo.write_lead(FUZZ_LEAD, mapping=CUSTOM)  # type: ignore[arg-type]
