"""HubSpot: contact and deal objects read into leadflow and written back."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapter_support import AS_OF, decided, promoted, qualified
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
    lose,
    win,
)
from leadflow import strategies as lfst
from leadflow.adapters import CrmLead, CustomFields, OpportunityFields, hubspot
from leadflow.adapters.hubspot import HubSpotMapping
from leadflow.stages import FunnelStage

UTC = timezone.utc

# A portal with custom contact properties for the criteria. HubSpot sends every value as
# a string, a single checkbox as "true" or "false".
CUSTOM = CustomFields(
    need="lf_need",
    budget="lf_budget",
    budget_amount="lf_budget_amount",
    timeframe="lf_timeframe",
    decision_date="lf_decision_date",
    purchase_process="lf_purchase_process",
    role="lf_decision_maker",
    role_values={"true": PurchaseRole.DECISION_MAKER, "false": PurchaseRole.UNKNOWN},
)
EUR = HubSpotMapping(currency="EUR", custom=CUSTOM)

# A contact as GET /crm/v3/objects/contacts/51?properties=... returns it.
CONTACT_RECORD: dict[str, Any] = {
    "id": "51",
    "properties": {
        "createdate": "2026-01-05T10:00:00.000Z",
        "email": "Linus@Kernel.example",
        "firstname": "Linus",
        "lastname": "Torvalds",
        "phone": "+1 503 555 0199",
        "company": "Kernel Co",
        "jobtitle": "Founder",
        "lifecyclestage": "marketingqualifiedlead",
        "hs_lead_status": "IN_PROGRESS",
        "hs_object_id": "51",
        "lastmodifieddate": "2026-01-06T11:00:00.000Z",
        "lf_need": "expressed",
        "lf_budget": "approved",
        "lf_budget_amount": "25000.00",
        "lf_timeframe": "next_quarter",
        "lf_decision_date": "",
        "lf_purchase_process": "individual",
        "lf_decision_maker": "true",
        "hs_persona": "persona_2",
    },
    "createdAt": "2026-01-05T10:00:00.000Z",
    "updatedAt": "2026-01-06T11:00:00.000Z",
    "archived": False,
}

# An update body: the properties only, without those HubSpot computes.
CONTACT_BODY: dict[str, Any] = {
    "properties": {
        "email": "Linus@Kernel.example",
        "firstname": "Linus",
        "lastname": "Torvalds",
        "phone": "+1 503 555 0199",
        "company": "Kernel Co",
        "jobtitle": "Founder",
        "lifecyclestage": "marketingqualifiedlead",
        "hs_lead_status": "IN_PROGRESS",
        "lf_need": "expressed",
        "lf_budget": "approved",
        "lf_budget_amount": "25000.00",
        "lf_timeframe": "next_quarter",
        "lf_decision_date": "",
        "lf_purchase_process": "individual",
        "lf_decision_maker": "true",
        "hs_persona": "persona_2",
    }
}


def with_properties(**changes: Any) -> dict[str, Any]:
    return {**CONTACT_RECORD, "properties": {**CONTACT_RECORD["properties"], **changes}}


def body_with(**changes: Any) -> dict[str, Any]:
    return {"properties": {**CONTACT_BODY["properties"], **changes}}


class TestReadingAContact:
    def test_the_documented_contact_reads_into_the_contact_it_describes(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)

        assert crm_lead.contact == Contact(
            name="Linus Torvalds",
            created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
            email="Linus@kernel.example",
            phone="+15035550199",
            organisation=Organisation(name="Kernel Co"),
            job_title="Founder",
            role=PurchaseRole.DECISION_MAKER,
            id=ContactId("51"),
        )
        assert crm_lead.id == "51"

    def test_the_custom_properties_read_into_evidence(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)

        assert crm_lead.evidence == Evidence(
            need=NeedEvidence(level=NeedLevel.EXPRESSED),
            budget=BudgetEvidence(level=BudgetLevel.APPROVED, amount=Money("25000.00", "EUR")),
            timeframe=TimeframeEvidence(level=TimeframeLevel.NEXT_QUARTER),
            authority=AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL),
        )

    def test_without_custom_properties_every_criterion_is_unknown(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD)

        assert crm_lead.evidence == Evidence()
        assert crm_lead.extras["properties"]["lf_need"] == "expressed"

    def test_extras_keep_the_record_shape(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)

        assert dict(crm_lead.extras) == {
            "createdAt": "2026-01-05T10:00:00.000Z",
            "updatedAt": "2026-01-06T11:00:00.000Z",
            "archived": False,
            "properties": {
                "lifecyclestage": "marketingqualifiedlead",
                "hs_lead_status": "IN_PROGRESS",
                "hs_object_id": "51",
                "lastmodifieddate": "2026-01-06T11:00:00.000Z",
                "hs_persona": "persona_2",
            },
        }

    def test_a_contact_with_only_an_email_is_named_by_it(self) -> None:
        record = with_properties(firstname=None, lastname="")

        assert hubspot.read_lead(record, mapping=EUR).contact.name == "Linus@Kernel.example"

    def test_a_custom_date_reads_as_the_decision_date(self) -> None:
        record = with_properties(lf_decision_date="2026-02-27")

        evidence = hubspot.read_lead(record, mapping=EUR).evidence

        assert evidence.timeframe.decision_date == date(2026, 2, 27)


class TestReadingABadContact:
    def test_every_bad_property_is_reported_with_its_path(self) -> None:
        record = with_properties(
            email="linus(at)kernel",
            lf_need="urgent",
            lf_budget_amount="25k",
            lf_decision_date="27/02/2026",
            createdate="1767607200000",
        )

        with pytest.raises(InvalidRecordError) as caught:
            hubspot.read_lead(record, mapping=EUR)

        assert {error.path for error in caught.value.errors} == {
            "$.properties.email",
            "$.properties.lf_need",
            "$.properties.lf_budget_amount",
            "$.properties.lf_decision_date",
            "$.properties.createdate",
        }

    def test_a_record_without_properties_is_refused(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            hubspot.read_lead({"id": "51", "properties": ["email"]}, mapping=EUR)

        assert [error.path for error in caught.value.errors] == ["$.properties"]

    def test_a_numeric_id_is_not_hubspots(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            hubspot.read_lead({**CONTACT_RECORD, "id": 51}, mapping=EUR)

        assert [error.path for error in caught.value.errors] == ["$.id"]


class TestWritingAContact:
    def test_the_documented_contact_is_written_back_as_its_properties(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)

        assert hubspot.write_lead(crm_lead, mapping=EUR) == CONTACT_BODY

    def test_changed_values_are_written_as_strings(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)
        evidence = attrs.evolve(
            crm_lead.evidence,
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=Money("30000.5", "EUR")),
            timeframe=TimeframeEvidence(decision_date=date(2026, 3, 2)),
        )

        body = hubspot.write_lead(attrs.evolve(crm_lead, evidence=evidence), mapping=EUR)

        assert body == body_with(
            lf_budget="available",
            lf_budget_amount="30000.5",
            lf_timeframe="",
            lf_decision_date="2026-03-02",
        )

    def test_a_cleared_role_is_written_as_an_empty_string(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)
        contact = attrs.evolve(crm_lead.contact, role=PurchaseRole.UNKNOWN)

        body = hubspot.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=EUR)

        assert body == body_with(lf_decision_maker="")


class TestWritingADecision:
    def test_a_qualified_contact_moves_forward_to_sales_qualified(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=EUR
        )

        assert body == body_with(lifecyclestage="salesqualifiedlead")

    def test_a_nurtured_contact_never_moves_back(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, Rating.WARM), mapping=EUR
        )

        assert body == CONTACT_BODY

    def test_a_nurtured_subscriber_becomes_a_lead(self) -> None:
        crm_lead = hubspot.read_lead(with_properties(lifecyclestage="subscriber"), mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, Rating.WARM), mapping=EUR
        )

        assert body == body_with(lifecyclestage="lead")

    def test_a_disqualified_contact_is_unqualified_at_its_stage(self) -> None:
        crm_lead = hubspot.read_lead(CONTACT_RECORD, mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=EUR
        )

        assert body == body_with(hs_lead_status="UNQUALIFIED")

    @pytest.mark.parametrize("stage", ["opportunity", "customer", "evangelist"])
    def test_an_opportunity_or_customer_is_left_as_it_is(self, stage: str) -> None:
        crm_lead = hubspot.read_lead(with_properties(lifecyclestage=stage), mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=EUR
        )

        assert body == body_with(lifecyclestage=stage)

    def test_a_stage_the_portal_defined_is_left_alone(self) -> None:
        crm_lead = hubspot.read_lead(with_properties(lifecyclestage="1234567"), mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=EUR
        )

        assert body["properties"]["lifecyclestage"] == "1234567"

    def test_a_new_contact_gets_the_verdicts_stage(self) -> None:
        crm_lead = hubspot.read_lead(with_properties(lifecyclestage=None), mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=EUR
        )

        assert body["properties"]["lifecyclestage"] == "salesqualifiedlead"

    @pytest.mark.parametrize("stage", ["subscriber", "marketingqualifiedlead", None])
    def test_an_undetermined_contact_keeps_its_stage_and_status(self, stage: str | None) -> None:
        crm_lead = hubspot.read_lead(with_properties(lifecyclestage=stage), mapping=EUR)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=EUR
        )

        assert body == body_with(lifecyclestage=stage)

    def test_an_undetermined_contact_can_be_given_an_open_status_only(self) -> None:
        opened = attrs.evolve(EUR, lead_statuses={Verdict.UNDETERMINED: "OPEN"})

        assert opened.lead_statuses[Verdict.UNDETERMINED] == "OPEN"
        with pytest.raises(InvalidFieldError) as caught:
            attrs.evolve(EUR, lead_statuses={Verdict.UNDETERMINED: "UNQUALIFIED"})
        assert caught.value.field == "lead_statuses[undetermined]"

    def test_every_verdict_has_a_stage_and_a_status_entry(self) -> None:
        assert set(hubspot.VERDICT_LIFECYCLE_STAGES) == set(Verdict)
        assert set(hubspot.LEAD_STATUSES) == set(Verdict)


# A contact as GET /crm/v3/objects/contacts/1201?properties=... returns it just after a
# form created it: a lead (HubSpot's default stage for a form's contacts) with no lead
# status yet and nothing in the custom properties for the criteria.
FRESH_RECORD: dict[str, Any] = {
    "id": "1201",
    "properties": {
        "createdate": "2026-01-09T16:20:00.000Z",
        "email": "margaret@hamilton.example",
        "firstname": "Margaret",
        "lastname": "Hamilton",
        "phone": None,
        "company": "Hamilton Software",
        "jobtitle": None,
        "lifecyclestage": "lead",
        "hs_lead_status": None,
        "hs_object_id": "1201",
        "lastmodifieddate": "2026-01-09T16:20:05.000Z",
        "lf_need": None,
        "lf_budget": None,
        "lf_budget_amount": None,
        "lf_timeframe": None,
        "lf_decision_date": None,
        "lf_purchase_process": None,
        "lf_decision_maker": None,
    },
    "createdAt": "2026-01-09T16:20:00.000Z",
    "updatedAt": "2026-01-09T16:20:05.000Z",
    "archived": False,
}
FRESH_BODY: dict[str, Any] = {
    "properties": {
        k: v
        for k, v in FRESH_RECORD["properties"].items()
        if k not in ("createdate", "hs_object_id", "lastmodifieddate")
    }
}


def fresh_with(**changes: Any) -> dict[str, Any]:
    return {**FRESH_RECORD, "properties": {**FRESH_RECORD["properties"], **changes}}


def fresh_body_with(**changes: Any) -> dict[str, Any]:
    return {"properties": {**FRESH_BODY["properties"], **changes}}


def new_contact(**changes: Any) -> CrmLead:
    """The fresh contact as leadflow would create it: no id, no stage, no status."""
    record = fresh_with(**{"lifecyclestage": None, "hs_lead_status": None, **changes})
    return attrs.evolve(hubspot.read_lead(record, mapping=EUR), id=None)


class TestWritingBackAQualifiedRecord:
    """Records read, qualified under the default policy and written back, as a CRM would."""

    def test_a_fresh_contact_is_undetermined_and_written_back_as_it_was(self) -> None:
        crm_lead = hubspot.read_lead(FRESH_RECORD, mapping=EUR)
        decision = qualified(crm_lead)

        body = hubspot.write_lead(crm_lead, decision, mapping=EUR)

        assert decision.verdict is Verdict.UNDETERMINED
        assert body["properties"]["hs_lead_status"] != "UNQUALIFIED"
        assert body == FRESH_BODY

    def test_a_fresh_subscriber_is_not_moved_on_by_not_knowing(self) -> None:
        crm_lead = hubspot.read_lead(fresh_with(lifecyclestage="subscriber"), mapping=EUR)

        body = hubspot.write_lead(crm_lead, qualified(crm_lead), mapping=EUR)

        assert body == fresh_body_with(lifecyclestage="subscriber")

    def test_a_new_contact_is_created_a_new_lead(self) -> None:
        crm_lead = new_contact()
        decision = qualified(crm_lead)

        body = hubspot.write_lead(crm_lead, decision, mapping=EUR)

        assert decision.verdict is Verdict.UNDETERMINED
        assert body == fresh_body_with(lifecyclestage="lead", hs_lead_status="NEW")

    @pytest.mark.parametrize(
        ("status", "written"),
        [("ATTEMPTED_TO_CONTACT", "ATTEMPTED_TO_CONTACT"), ("UNQUALIFIED", "NEW")],
    )
    def test_a_new_contact_keeps_an_open_status_and_never_unqualified(
        self, status: str, written: str
    ) -> None:
        crm_lead = new_contact(hs_lead_status=status)

        body = hubspot.write_lead(crm_lead, qualified(crm_lead), mapping=EUR)

        assert body["properties"]["hs_lead_status"] == written

    def test_no_budget_is_evidence_against_and_marks_the_contact_unqualified(self) -> None:
        crm_lead = hubspot.read_lead(fresh_with(lf_budget="none"), mapping=EUR)
        decision = qualified(crm_lead)

        body = hubspot.write_lead(crm_lead, decision, mapping=EUR)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert body == fresh_body_with(lf_budget="none", hs_lead_status="UNQUALIFIED")

    def test_a_subscriber_in_the_market_only_later_is_nurtured_as_a_lead(self) -> None:
        record = fresh_with(
            lifecyclestage="subscriber",
            lf_need="strong",
            lf_budget="available",
            lf_timeframe="later",
        )
        crm_lead = hubspot.read_lead(record, mapping=EUR)
        decision = qualified(crm_lead)

        body = hubspot.write_lead(crm_lead, decision, mapping=EUR)

        assert decision.verdict is Verdict.NURTURE
        assert body == fresh_body_with(
            lifecyclestage="lead", lf_need="strong", lf_budget="available", lf_timeframe="later"
        )


def build_opportunity() -> Opportunity:
    contact = Contact(
        name="Linus Torvalds",
        email="linus@kernel.example",
        created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        role=PurchaseRole.DECISION_MAKER,
    )
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG),
        budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
        timeframe=TimeframeEvidence(level=TimeframeLevel.NEXT_QUARTER),
    )
    return promoted(
        contact,
        evidence,
        terms=TermsLevel.PAYMENT_TERMS,
        supplier=SupplierStatus.DROPPED,
        value=Money("50000.00", "EUR"),
        close=date(2026, 5, 29),
        name="Kernel Co - support contract",
        step=OpportunityStage.CLOSE,
    )


CLOSED_AT = datetime(2026, 2, 3, 15, 30, 12, 345000, tzinfo=timezone(timedelta(hours=1)))


class TestWritingADeal:
    def test_an_open_deal_is_written_at_its_stage(self) -> None:
        assert hubspot.write_opportunity(build_opportunity(), mapping=EUR) == {
            "properties": {
                "dealname": "Kernel Co - support contract",
                "amount": "50000.00",
                "closedate": "2026-05-29T00:00:00.000Z",
                "pipeline": "default",
                "dealstage": "contractsent",
            }
        }

    def test_a_won_deal_is_closed_won_at_the_time_it_closed(self) -> None:
        customer, _ = win(build_opportunity(), as_of=CLOSED_AT)

        assert hubspot.write_opportunity(customer, mapping=EUR) == {
            "properties": {
                "dealname": "Kernel Co - support contract",
                "amount": "50000.00",
                "closedate": "2026-02-03T14:30:12.345Z",
                "pipeline": "default",
                "dealstage": "closedwon",
            }
        }

    def test_a_lost_deal_says_why(self) -> None:
        lost, _ = lose(
            build_opportunity(),
            reason=LossReason.COMPETITOR,
            competitor="Minix Ltd",
            as_of=CLOSED_AT,
        )

        body = hubspot.write_opportunity(lost, mapping=EUR)["properties"]

        assert (body["dealstage"], body["closed_lost_reason"]) == (
            "closedlost",
            "competitor: Minix Ltd",
        )

    def test_a_pipeline_of_the_portal_is_configurable(self) -> None:
        mapping = attrs.evolve(
            EUR,
            pipeline="8675309",
            deal_stages={"11223344": OpportunityStage.CLOSE},
            lost_reason=None,
        )

        body = hubspot.write_opportunity(build_opportunity(), mapping=mapping)["properties"]

        assert (body["pipeline"], body["dealstage"]) == ("8675309", "11223344")


class TestReadingADeal:
    def test_the_documented_deal_reads_into_a_summary(self) -> None:
        record = {
            "id": "9001",
            "properties": {
                "dealname": "Kernel Co - support contract",
                "amount": "50000.00",
                "closedate": "2026-05-29T00:00:00Z",
                "pipeline": "default",
                "dealstage": "decisionmakerboughtin",
                "hs_object_id": "9001",
            },
            "createdAt": "2026-01-11T09:00:00.000Z",
            "archived": False,
        }

        assert hubspot.read_opportunity_fields(record, mapping=EUR) == OpportunityFields(
            id="9001",
            name="Kernel Co - support contract",
            outcome=FunnelStage.OPPORTUNITY,
            step=OpportunityStage.PROPOSE,
            amount=Money("50000.00", "EUR"),
            expected_close=date(2026, 5, 29),
        )

    @pytest.mark.parametrize(
        ("stage", "outcome"),
        [("closedwon", FunnelStage.CUSTOMER), ("closedlost", FunnelStage.LOST)],
    )
    def test_the_closed_stages_give_the_outcome(self, stage: str, outcome: FunnelStage) -> None:
        record = {"id": "9001", "properties": {"dealstage": stage}}

        assert hubspot.read_opportunity_fields(record).outcome is outcome


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
# Custom properties as portals name them; every value a string or null.
custom_properties = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).map(
    lambda name: "x_" + name
)
property_values = st.none() | st.text(max_size=16)
PROPERTIES = [
    "createdate",
    "email",
    "firstname",
    "lastname",
    "phone",
    "jobtitle",
    "company",
    "lifecyclestage",
    "hs_lead_status",
    *(row.name for row in CUSTOM.rows()),
]
DEFAULT_CUSTOM = CustomFields(
    need="lf_need",
    budget="lf_budget",
    budget_amount="lf_budget_amount",
    timeframe="lf_timeframe",
    decision_date="lf_decision_date",
    purchase_process="lf_purchase_process",
    role="lf_role",
)


@attrs.frozen
class Generated:
    record: dict[str, Any]
    body: dict[str, Any]
    contact: Contact
    evidence: Evidence
    mapping: HubSpotMapping


@st.composite
def generated_contacts(draw: st.DrawFn) -> Generated:
    contact = draw(lfst.contacts())
    evidence = draw(lfst.evidence())
    amount = evidence.budget.amount
    mapping = HubSpotMapping(
        currency=amount.currency if amount is not None else "EUR", custom=DEFAULT_CUSTOM
    )
    crm_id = str(draw(st.integers(1, 10**12)))
    properties: dict[str, Any] = draw(
        st.dictionaries(custom_properties, property_values, max_size=4)
    )
    properties["lifecyclestage"] = draw(st.sampled_from(list(hubspot.LIFECYCLE_STAGES)))
    extras = {"properties": properties}
    written = hubspot.write_lead(
        CrmLead(contact=contact, evidence=evidence, id=crm_id, extras=extras), mapping=mapping
    )
    created = contact.created_at.astimezone(UTC)
    stamp = f"{created:%Y-%m-%dT%H:%M:%S}.{created.microsecond // 1000:03d}Z"
    record = {
        "id": crm_id,
        "properties": {
            **written["properties"],
            "createdate": stamp,
            "hs_object_id": crm_id,
            "lastmodifieddate": stamp,
        },
        "createdAt": stamp,
        "updatedAt": stamp,
        "archived": False,
    }
    return Generated(record, written, contact, evidence, mapping)


def expected_name(name: str) -> str:
    last = name.split()[-1]
    first = name[: len(name) - len(last)].rstrip()
    return f"{first} {last}" if first else last


GENERATED = settings(max_examples=max(10, settings().max_examples // 5))
STAGE_ORDER = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
]


class TestRoundTrip:
    @GENERATED
    @given(generated_contacts())
    def test_a_read_record_writes_back_whole_and_holds_what_it_was_made_from(
        self, lead: Generated
    ) -> None:
        crm_lead = hubspot.read_lead(lead.record, mapping=lead.mapping)

        assert hubspot.write_lead(crm_lead, mapping=lead.mapping) == lead.body
        source = lead.contact
        organisation = source.organisation
        assert crm_lead.contact == Contact(
            name=expected_name(source.name),
            created_at=source.created_at.replace(
                microsecond=source.created_at.microsecond // 1000 * 1000
            ),
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
    @given(generated_contacts(), st.sampled_from(Verdict), st.sampled_from(Rating))
    def test_a_decision_only_moves_the_stage_forward_and_the_status(
        self, lead: Generated, verdict: Verdict, rating: Rating
    ) -> None:
        crm_lead = hubspot.read_lead(lead.record, mapping=lead.mapping)

        body = hubspot.write_lead(
            crm_lead, decided(crm_lead, verdict, rating), mapping=lead.mapping
        )

        expected = dict(lead.body["properties"])
        at = STAGE_ORDER.index(expected["lifecyclestage"])
        target = {Verdict.QUALIFIED: "salesqualifiedlead", Verdict.NURTURE: "lead"}.get(verdict)
        if target is not None and at < STAGE_ORDER.index(target):
            expected["lifecyclestage"] = target
        if verdict is Verdict.DISQUALIFIED and at < STAGE_ORDER.index("opportunity"):
            expected["hs_lead_status"] = "UNQUALIFIED"
        assert body == {"properties": expected}


FUZZ_LEAD = CrmLead(
    contact=Contact(name="Linus", email="linus@kernel.example", created_at=AS_OF),
    evidence=Evidence(budget=BudgetEvidence(amount=Money("10", "EUR"))),
    id="51",
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
            hubspot.read_lead(value, mapping=EUR)

    @FUZZ
    @given(
        st.dictionaries(st.sampled_from(PROPERTIES) | st.text(max_size=8), fuzz_values),
        st.none() | st.text(max_size=4) | st.integers(),
    )
    def test_reading_any_contact_shaped_object_raises_only_leadflow_errors(
        self, properties: dict[str, Any], crm_id: Any
    ) -> None:
        with contextlib.suppress(LeadflowError):
            hubspot.read_lead({"id": crm_id, "properties": properties}, mapping=EUR)

    @FUZZ
    @given(
        fuzz_values | st.dictionaries(st.sampled_from(PROPERTIES) | custom_properties, fuzz_values),
        st.dictionaries(st.sampled_from(PROPERTIES), fuzz_values),
        st.none() | st.sampled_from(list(Verdict)),
    )
    def test_writing_any_extras_raises_only_leadflow_errors(
        self, properties: Any, original: dict[str, Any], verdict: Verdict | None
    ) -> None:
        crm_lead = attrs.evolve(
            FUZZ_LEAD, extras={"properties": properties, "archived": False}, original=original
        )
        decision = FUZZ_DECISIONS[verdict]
        with contextlib.suppress(LeadflowError):
            hubspot.write_lead(crm_lead, decision, mapping=EUR)

    @FUZZ
    @given(
        st.dictionaries(
            st.sampled_from(["dealname", "amount", "closedate", "dealstage"]) | st.text(max_size=8),
            fuzz_values,
        )
    )
    def test_reading_any_deal_raises_only_leadflow_errors(self, properties: dict[str, Any]) -> None:
        with contextlib.suppress(LeadflowError):
            hubspot.read_opportunity_fields({"id": "9", "properties": properties}, mapping=EUR)

    def test_a_mapping_of_another_crm_is_refused(self) -> None:
        with pytest.raises(WrongTypeError):
            hubspot.read_lead(CONTACT_RECORD, mapping=CUSTOM)  # type: ignore[arg-type]
