"""Odoo: crm.lead records, as leads and as opportunities, read and written back."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta, timezone
from typing import Any

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
from leadflow.adapters import CrmLead, CustomFields, OpportunityFields, odoo
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
            "x_need": "urgent",
            "create_date": "2026-01-05T10:00:00+25:00",
            "id": "42",
        }

        with pytest.raises(InvalidRecordError) as caught:
            odoo.read_lead(record, mapping=ODOO)

        assert {error.path for error in caught.value.errors} == {
            "$.email_from",
            "$.date_deadline",
            "$.x_need",
            "$.create_date",
            "$.id",
        }

    def test_a_company_currency_that_is_no_pair_leaves_the_amount_unreadable(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            odoo.read_lead({**LEAD_RECORD, "company_currency": "EUR"}, mapping=ODOO)

        assert [error.path for error in caught.value.errors] == [
            "$.company_currency",
            "$.x_budget_amount",
        ]


class TestWritingALead:
    def test_the_documented_lead_is_written_back_as_write_values(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        assert odoo.write_lead(crm_lead, mapping=ODOO) == LEAD_VALUES

    def test_changed_values_are_written_in_odoo_terms(self) -> None:
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
            **LEAD_VALUES,
            "email_from": "margaret@nasa.example",
            "function": False,
            "x_decision_maker": True,
            "date_deadline": False,
            "x_budget": "will_buy",
            "x_budget_amount": 21000.75,
        }


class TestWritingADecision:
    @pytest.mark.parametrize("rating", list(Rating))
    def test_the_rating_becomes_the_priority(self, rating: Rating) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        values = odoo.write_lead(crm_lead, decided(crm_lead, Verdict.NURTURE, rating), mapping=ODOO)

        assert values == {**LEAD_VALUES, "priority": PRIORITY[rating]}

    def test_a_disqualified_lead_is_archived_at_probability_zero(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=ODOO
        )

        assert values == {**LEAD_VALUES, "priority": "0", "active": False, "probability": 0.0}

    def test_a_qualified_lead_moves_to_the_configured_stage(self) -> None:
        mapping = attrs.evolve(ODOO, verdict_values={Verdict.QUALIFIED: {"stage_id": 2}})
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=mapping)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert values == {**LEAD_VALUES, "priority": "2", "stage_id": 2}

    def test_an_undetermined_lead_stays_active_and_keeps_its_probability(self) -> None:
        crm_lead = odoo.read_lead(LEAD_RECORD, mapping=ODOO)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=ODOO
        )

        assert values == LEAD_VALUES

    def test_an_undetermined_cold_rating_leaves_the_priority_as_it_is(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "priority": "2"}, mapping=ODOO)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.COLD), mapping=ODOO
        )

        assert values == {**LEAD_VALUES, "priority": "2"}

    @pytest.mark.parametrize(
        "fields", [{"active": False}, {"lost_reason_id": 1}, {"active": False, "probability": 0.0}]
    )
    def test_an_undetermined_lead_can_be_neither_archived_nor_lost(
        self, fields: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            attrs.evolve(ODOO, verdict_values={Verdict.UNDETERMINED: fields})

        assert caught.value.field == "verdict_values[undetermined]"

    def test_an_undetermined_lead_can_be_given_a_stage(self) -> None:
        mapping = attrs.evolve(ODOO, verdict_values={Verdict.UNDETERMINED: {"stage_id": 1}})
        crm_lead = odoo.read_lead({**LEAD_RECORD, "stage_id": [3, "Proposition"]}, mapping=mapping)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=mapping
        )

        assert values == {**LEAD_VALUES, "stage_id": 1}

    def test_every_verdict_has_its_fields(self) -> None:
        assert set(odoo.VERDICT_VALUES) == set(Verdict)

    def test_an_archived_lead_is_left_as_it_is(self) -> None:
        crm_lead = odoo.read_lead({**LEAD_RECORD, "active": False}, mapping=ODOO)

        values = odoo.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=ODOO
        )

        assert values == {**LEAD_VALUES, "active": False}


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


def losing_fields(values: dict[str, Any]) -> dict[str, Any]:
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

    def test_a_fresh_lead_is_undetermined_and_written_back_active_as_it_was(self) -> None:
        crm_lead = odoo.read_lead(FRESH_RECORD, mapping=ODOO)
        decision = qualified(crm_lead)

        values = odoo.write_lead(crm_lead, decision, mapping=ODOO)

        assert decision.verdict is Verdict.UNDETERMINED
        assert losing_fields(values) == {}
        assert values == FRESH_VALUES

    def test_a_person_s_stars_are_not_taken_away_by_not_knowing(self) -> None:
        crm_lead = odoo.read_lead({**FRESH_RECORD, "priority": "3"}, mapping=ODOO)

        values = odoo.write_lead(crm_lead, qualified(crm_lead), mapping=ODOO)

        assert values == {**FRESH_VALUES, "priority": "3"}

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

    def test_no_budget_is_evidence_against_and_archives_the_lead(self) -> None:
        crm_lead = odoo.read_lead({**FRESH_RECORD, "x_budget": "none"}, mapping=ODOO)
        decision = qualified(crm_lead)

        values = odoo.write_lead(crm_lead, decision, mapping=ODOO)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert values == {**FRESH_VALUES, "x_budget": "none", "active": False, "probability": 0.0}

    def test_a_lead_in_the_market_only_later_is_nurtured_and_stays_active(self) -> None:
        # Must have, can buy, and an expected closing beyond the policy's one-year horizon.
        record = {
            **FRESH_RECORD,
            "x_need": "must",
            "x_budget": "can_buy",
            "date_deadline": "2027-06-30",
        }
        crm_lead = odoo.read_lead(record, mapping=ODOO)
        decision = qualified(crm_lead)

        values = odoo.write_lead(crm_lead, decision, mapping=ODOO)

        assert decision.verdict is Verdict.NURTURE
        assert losing_fields(values) == {}
        assert values == {
            **FRESH_VALUES,
            "x_need": "must",
            "x_budget": "can_buy",
            "date_deadline": "2027-06-30",
            "priority": "1",
        }


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
    # The system fields are read-only: write_lead leaves them out, and takes the
    # currency from company_currency.
    modelled = odoo.write_lead(
        CrmLead(contact=contact, evidence=evidence, id=crm_id, extras=system), mapping=mapping
    )
    body = {**modelled, **{k: write_form(v) for k, v in extras.items()}}
    return Generated({**modelled, **extras, **system}, body, contact, evidence, mapping)


GENERATED = settings(max_examples=max(10, settings().max_examples // 5))


class TestRoundTrip:
    @GENERATED
    @given(generated_leads())
    def test_a_read_record_writes_back_whole_and_holds_what_it_was_made_from(
        self, lead: Generated
    ) -> None:
        crm_lead = odoo.read_lead(lead.record, mapping=lead.mapping)

        assert odoo.write_lead(crm_lead, mapping=lead.mapping) == lead.body
        source = lead.contact
        organisation = source.organisation
        assert crm_lead.contact == Contact(
            name=source.name,
            created_at=source.created_at.replace(microsecond=0),
            email=source.email,
            phone=source.phone,
            organisation=None if organisation is None else Organisation(name=organisation.name),
            job_title=source.job_title,
            role=source.role,
            id=ContactId(str(crm_lead.id)),
        )
        evidence = lead.evidence
        assert crm_lead.evidence == Evidence(
            need=NeedEvidence(level=evidence.need.level),
            budget=BudgetEvidence(level=evidence.budget.level, amount=evidence.budget.amount),
            timeframe=TimeframeEvidence(
                level=evidence.timeframe.level, decision_date=evidence.timeframe.decision_date
            ),
            authority=AuthorityEvidence(process=evidence.authority.process),
        )

    @GENERATED
    @given(generated_leads(), st.sampled_from(Verdict), st.sampled_from(Rating))
    def test_a_decision_touches_only_an_active_leads_priority_and_activity(
        self, lead: Generated, verdict: Verdict, rating: Rating
    ) -> None:
        crm_lead = odoo.read_lead(lead.record, mapping=lead.mapping)

        values = odoo.write_lead(crm_lead, decided(crm_lead, verdict, rating), mapping=lead.mapping)

        expected = dict(lead.body)
        if lead.body["active"]:
            if rating_written(verdict, rating):
                expected["priority"] = PRIORITY[rating]
            if verdict is Verdict.DISQUALIFIED:
                expected.update(active=False, probability=0.0)
        assert values == expected


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
