"""Dynamics 365: lead and opportunity records read into leadflow and written back."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
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
    LeadSource,
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
from leadflow.adapters import CrmLead, CustomFields, OpportunityFields, dynamics
from leadflow.adapters.dynamics import DynamicsMapping
from leadflow.stages import FunnelStage

UTC = timezone.utc
GBP = DynamicsMapping(currency="GBP")

# A lead as the Dataverse Web API returns it (GET /leads(<id>)), written by hand from the
# lead entity reference: option sets as integer codes, Money as a JSON number.
LEAD_ID = "0f8d5b1e-4a36-ef11-8409-000d3a8b1e21"
LEAD_RECORD: dict[str, Any] = {
    "@odata.etag": 'W/"5432198"',
    "leadid": LEAD_ID,
    "subject": "Fleet telematics for 40 vans",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "fullname": "Ada Lovelace",
    "companyname": "Analytical Engines Ltd",
    "jobtitle": "Head of Operations",
    "emailaddress1": "Ada.Lovelace@Analytical.example",
    "telephone1": "+44 20 7946 0958",
    "mobilephone": "+44 7700 900123",
    "budgetstatus": 2,
    "budgetamount": 50000.0,
    "estimatedamount": 42000.0,
    "need": 0,
    "purchasetimeframe": 1,
    "purchaseprocess": 0,
    "decisionmaker": True,
    "leadsourcecode": 8,
    "leadqualitycode": 2,
    "estimatedclosedate": "2026-03-31",
    "statecode": 0,
    "statuscode": 1,
    "createdon": "2026-01-05T10:00:00Z",
    "modifiedon": "2026-01-06T08:30:00Z",
    "_ownerid_value": "7c1f6f0e-2a36-ef11-8409-000d3a8b1e21",
    "_qualifyingopportunityid_value": None,
    "new_region": "EMEA",
}

# What a PATCH body must carry back: every column but the key, the annotations, the
# lookup values and the read-only columns (fullname, createdon, modifiedon).
LEAD_BODY: dict[str, Any] = {
    "subject": "Fleet telematics for 40 vans",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "companyname": "Analytical Engines Ltd",
    "jobtitle": "Head of Operations",
    "emailaddress1": "Ada.Lovelace@Analytical.example",
    "telephone1": "+44 20 7946 0958",
    "mobilephone": "+44 7700 900123",
    "budgetstatus": 2,
    "budgetamount": 50000.0,
    "estimatedamount": 42000.0,
    "need": 0,
    "purchasetimeframe": 1,
    "purchaseprocess": 0,
    "decisionmaker": True,
    "leadsourcecode": 8,
    "leadqualitycode": 2,
    "estimatedclosedate": "2026-03-31",
    "statecode": 0,
    "statuscode": 1,
    "new_region": "EMEA",
}

# The option-set codes, written out from the lead entity reference.
RATING_CODE = {Rating.HOT: 1, Rating.WARM: 2, Rating.COLD: 3}
NEED_CODE = {NeedLevel.STRONG: 0, NeedLevel.EXPRESSED: 1, NeedLevel.LATENT: 2, NeedLevel.NONE: 3}


class TestReadingALead:
    def test_the_documented_lead_reads_into_the_contact_it_describes(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        assert crm_lead.contact == Contact(
            name="Ada Lovelace",
            created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
            email="Ada.Lovelace@analytical.example",
            phone="+442079460958",
            organisation=Organisation(name="Analytical Engines Ltd"),
            job_title="Head of Operations",
            role=PurchaseRole.DECISION_MAKER,
            source=LeadSource.WEB,
            id=ContactId(LEAD_ID),
        )
        assert crm_lead.id == LEAD_ID

    def test_the_documented_lead_reads_into_evidence_on_all_four_criteria(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        assert crm_lead.evidence == Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=Money("50000", "GBP")),
            timeframe=TimeframeEvidence(
                level=TimeframeLevel.THIS_QUARTER, decision_date=date(2026, 3, 31)
            ),
            authority=AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL),
        )

    def test_every_column_leadflow_does_not_model_is_kept_verbatim(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        assert dict(crm_lead.extras) == {
            "@odata.etag": 'W/"5432198"',
            "subject": "Fleet telematics for 40 vans",
            "fullname": "Ada Lovelace",
            "mobilephone": "+44 7700 900123",
            "estimatedamount": 42000.0,
            "leadqualitycode": 2,
            "statecode": 0,
            "statuscode": 1,
            "modifiedon": "2026-01-06T08:30:00Z",
            "_ownerid_value": "7c1f6f0e-2a36-ef11-8409-000d3a8b1e21",
            "_qualifyingopportunityid_value": None,
            "new_region": "EMEA",
        }

    @pytest.mark.parametrize(
        ("code", "level"),
        [
            (0, NeedLevel.STRONG),
            (1, NeedLevel.EXPRESSED),
            (2, NeedLevel.LATENT),
            (3, NeedLevel.NONE),
        ],
    )
    def test_need_codes_read_as_the_documented_levels(self, code: int, level: NeedLevel) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "need": code}, mapping=GBP)

        assert crm_lead.evidence.need.level is level

    @pytest.mark.parametrize(
        ("code", "level"),
        [
            (0, BudgetLevel.NONE),
            (1, BudgetLevel.INSUFFICIENT),
            (2, BudgetLevel.AVAILABLE),
            (3, BudgetLevel.APPROVED),
        ],
    )
    def test_budget_status_codes_read_as_the_documented_levels(
        self, code: int, level: BudgetLevel
    ) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "budgetstatus": code}, mapping=GBP)

        assert crm_lead.evidence.budget.level is level

    @pytest.mark.parametrize(
        ("code", "level"),
        [
            (0, TimeframeLevel.IMMEDIATE),
            (1, TimeframeLevel.THIS_QUARTER),
            (2, TimeframeLevel.NEXT_QUARTER),
            (3, TimeframeLevel.THIS_YEAR),
            (4, TimeframeLevel.UNKNOWN),
        ],
    )
    def test_purchase_timeframe_codes_read_as_the_documented_levels(
        self, code: int, level: TimeframeLevel
    ) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "purchasetimeframe": code}, mapping=GBP)

        assert crm_lead.evidence.timeframe.level is level

    @pytest.mark.parametrize(
        ("code", "process"),
        [
            (0, PurchaseProcess.INDIVIDUAL),
            (1, PurchaseProcess.COMMITTEE),
            (2, PurchaseProcess.UNKNOWN),
        ],
    )
    def test_purchase_process_codes_read_as_the_documented_processes(
        self, code: int, process: PurchaseProcess
    ) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "purchaseprocess": code}, mapping=GBP)

        assert crm_lead.evidence.authority.process is process

    def test_a_float_amount_reads_as_its_exact_decimal(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "budgetamount": 0.1}, mapping=GBP)

        assert crm_lead.evidence.budget.amount == Money(Decimal("0.1"), "GBP")

    def test_an_unticked_decision_maker_box_leaves_the_role_unknown(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "decisionmaker": False}, mapping=GBP)

        assert crm_lead.contact.role is PurchaseRole.UNKNOWN

    def test_lead_source_codes_follow_the_documented_order(self) -> None:
        sources = [
            dynamics.read_lead({**LEAD_RECORD, "leadsourcecode": code}, mapping=GBP).contact.source
            for code in range(1, 11)
        ]

        assert sources == [
            LeadSource.ADVERTISEMENT,
            LeadSource.EMPLOYEE_REFERRAL,
            LeadSource.EXTERNAL_REFERRAL,
            LeadSource.PARTNER,
            LeadSource.PUBLIC_RELATIONS,
            LeadSource.SEMINAR,
            LeadSource.TRADE_SHOW,
            LeadSource.WEB,
            LeadSource.WORD_OF_MOUTH,
            LeadSource.OTHER,
        ]

    def test_a_lead_source_added_by_the_organisation_reads_as_other(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadsourcecode": 100000001}, mapping=GBP)

        assert crm_lead.contact.source is LeadSource.OTHER

    def test_missing_criterion_columns_are_unknown(self) -> None:
        bare = {k: v for k, v in LEAD_RECORD.items() if k not in dynamics_criteria()}

        crm_lead = dynamics.read_lead(bare, mapping=GBP)

        assert crm_lead.evidence == Evidence()
        assert crm_lead.contact.role is PurchaseRole.UNKNOWN

    def test_the_name_falls_back_to_fullname_when_the_parts_are_not_selected(self) -> None:
        record = {k: v for k, v in LEAD_RECORD.items() if k not in ("firstname", "lastname")}

        assert dynamics.read_lead(record, mapping=GBP).contact.name == "Ada Lovelace"

    def test_a_lead_without_company_has_no_organisation(self) -> None:
        record = {**LEAD_RECORD, "companyname": None}

        assert dynamics.read_lead(record, mapping=GBP).contact.organisation is None


def dynamics_criteria() -> set[str]:
    return {
        "need",
        "budgetstatus",
        "budgetamount",
        "purchasetimeframe",
        "estimatedclosedate",
        "purchaseprocess",
        "decisionmaker",
    }


class TestReadingABadLead:
    def test_every_bad_column_is_reported_with_its_path(self) -> None:
        record = {
            **LEAD_RECORD,
            "firstname": 7,
            "emailaddress1": "not an address",
            "need": 9,
            "budgetstatus": "2",
            "createdon": "2026-01-05T10:00:00",
        }

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_lead(record, mapping=GBP)

        paths = {error.path for error in caught.value.errors}
        assert paths == {
            "$.firstname",
            "$.emailaddress1",
            "$.need",
            "$.budgetstatus",
            "$.createdon",
        }

    def test_an_amount_without_a_configured_currency_cannot_be_read(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_lead(LEAD_RECORD)

        assert [error.path for error in caught.value.errors] == ["$.budgetamount"]

    def test_a_boolean_is_not_an_option_code(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_lead({**LEAD_RECORD, "need": True}, mapping=GBP)

        assert [error.path for error in caught.value.errors] == ["$.need"]

    def test_a_lead_without_email_or_phone_is_no_contact(self) -> None:
        record = {**LEAD_RECORD, "emailaddress1": None, "telephone1": None}

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_lead(record, mapping=GBP)

        assert [error.path for error in caught.value.errors] == ["$.emailaddress1"]

    def test_a_negative_budget_is_refused(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_lead({**LEAD_RECORD, "budgetamount": -1}, mapping=GBP)

        assert [error.path for error in caught.value.errors] == ["$.budgetamount"]

    def test_a_record_that_is_not_an_object_is_refused_as_a_whole(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_lead(["not", "a", "lead"])  # type: ignore[arg-type]

        assert [error.path for error in caught.value.errors] == ["$"]

    def test_a_mapping_of_another_crm_is_refused(self) -> None:
        with pytest.raises(WrongTypeError):
            dynamics.read_lead(LEAD_RECORD, mapping=CustomFields())  # type: ignore[arg-type]


class TestWritingALead:
    def test_the_documented_lead_is_written_back_without_its_read_only_columns(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        assert dynamics.write_lead(crm_lead, mapping=GBP) == LEAD_BODY

    def test_changed_evidence_is_written_as_its_code_and_the_rest_stays(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        evidence = attrs.evolve(
            crm_lead.evidence,
            need=NeedEvidence(level=NeedLevel.LATENT),
            timeframe=TimeframeEvidence(level=TimeframeLevel.LATER),
        )

        body = dynamics.write_lead(attrs.evolve(crm_lead, evidence=evidence), mapping=GBP)

        assert body == {
            **LEAD_BODY,
            "need": 2,
            "purchasetimeframe": None,
            "estimatedclosedate": None,
        }

    def test_a_changed_email_is_written_normalised(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        contact = attrs.evolve(crm_lead.contact, email="ada@NEW.example")

        body = dynamics.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=GBP)

        assert body == {**LEAD_BODY, "emailaddress1": "ada@new.example"}

    def test_a_renamed_contact_puts_the_last_word_in_lastname(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        contact = attrs.evolve(crm_lead.contact, name="Augusta Ada King")

        body = dynamics.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=GBP)

        assert (body["firstname"], body["lastname"]) == ("Augusta Ada", "King")

    def test_a_lead_built_in_code_writes_only_what_it_knows(self) -> None:
        contact = Contact(
            name="Charles Babbage",
            email="charles@engines.example",
            created_at=AS_OF,
            role=PurchaseRole.INFLUENCER,
        )
        evidence = Evidence(budget=BudgetEvidence(level=BudgetLevel.APPROVED))

        body = dynamics.write_lead(CrmLead(contact=contact, evidence=evidence))

        assert body == {
            "firstname": "Charles",
            "lastname": "Babbage",
            "emailaddress1": "charles@engines.example",
            "decisionmaker": False,
            "budgetstatus": 3,
        }

    def test_an_amount_in_another_currency_is_refused(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        budget = attrs.evolve(crm_lead.evidence.budget, amount=Money("10", "EUR"))
        evidence = attrs.evolve(crm_lead.evidence, budget=budget)

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.write_lead(attrs.evolve(crm_lead, evidence=evidence), mapping=GBP)

        assert [error.path for error in caught.value.errors] == ["$.budgetamount"]

    def test_a_value_longer_than_its_column_is_refused(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        contact = attrs.evolve(crm_lead.contact, job_title="x" * 101)

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=GBP)

        assert [error.path for error in caught.value.errors] == ["$.jobtitle"]


class TestWritingADecision:
    @pytest.mark.parametrize("rating", list(Rating))
    def test_the_rating_becomes_the_lead_quality_code(self, rating: Rating) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, rating), mapping=GBP
        )

        assert body["leadqualitycode"] == RATING_CODE[rating]

    @pytest.mark.parametrize("verdict", [Verdict.QUALIFIED, Verdict.NURTURE, Verdict.UNDETERMINED])
    def test_an_open_verdict_leaves_the_lead_open_as_it_is(self, verdict: Verdict) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "statuscode": 2}, mapping=GBP)

        body = dynamics.write_lead(crm_lead, decided(crm_lead, verdict, Rating.WARM), mapping=GBP)

        assert (body["statecode"], body["statuscode"]) == (0, 2)

    def test_an_undetermined_cold_rating_leaves_the_rating_as_it_is(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.COLD), mapping=GBP
        )

        assert body == LEAD_BODY

    def test_an_undetermined_warm_rating_is_written(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadqualitycode": 3}, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=GBP
        )

        assert body == LEAD_BODY

    def test_a_disqualified_verdict_disqualifies_the_lead_as_lost(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=GBP
        )

        assert body == {**LEAD_BODY, "statecode": 2, "statuscode": 4, "leadqualitycode": 3}

    def test_the_disqualified_status_reason_is_configurable(self) -> None:
        mapping = DynamicsMapping(currency="GBP", lead_states={Verdict.DISQUALIFIED: (2, 6)})
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=mapping)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=mapping
        )

        assert (body["statecode"], body["statuscode"]) == (2, 6)

    def test_an_open_lead_state_is_no_closing_state(self) -> None:
        with pytest.raises(InvalidFieldError):
            DynamicsMapping(lead_states={Verdict.DISQUALIFIED: (0, 2)})

    @pytest.mark.parametrize("target", [(2, 5), (1, 3)])
    def test_an_undetermined_lead_cannot_be_set_to_close(self, target: tuple[int, int]) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            DynamicsMapping(lead_states={Verdict.UNDETERMINED: target})

        assert caught.value.field == "lead_states[undetermined]"

    def test_every_verdict_has_a_state(self) -> None:
        assert set(dynamics.VERDICT_STATES) == set(Verdict)

    @pytest.mark.parametrize(("state", "status"), [(1, 3), (2, 5)])
    def test_a_closed_lead_is_left_as_it_is(self, state: int, status: int) -> None:
        record = {**LEAD_RECORD, "statecode": state, "statuscode": status}
        crm_lead = dynamics.read_lead(record, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.HOT), mapping=GBP
        )

        assert body == {**LEAD_BODY, "statecode": state, "statuscode": status}

    def test_a_new_lead_is_never_given_a_state(self) -> None:
        crm_lead = attrs.evolve(dynamics.read_lead(LEAD_RECORD, mapping=GBP), id=None)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=GBP
        )

        assert "statecode" not in body
        assert body["statuscode"] == 1

    def test_a_new_lead_keeps_no_status_outside_the_open_state(self) -> None:
        record = {**LEAD_RECORD, "statecode": 2, "statuscode": 6}
        crm_lead = attrs.evolve(dynamics.read_lead(record, mapping=GBP), id=None)

        body = dynamics.write_lead(crm_lead, mapping=GBP)

        assert "statecode" not in body
        assert "statuscode" not in body


# A lead as GET /leads(<id>) returns it just after a web form created it: nobody has asked
# about need, budget, timeframe or the purchase process yet, so those option sets are
# null, the decision-maker box is unticked, and the rating is the form's default (Warm).
FRESH_RECORD: dict[str, Any] = {
    "@odata.etag": 'W/"5432301"',
    "leadid": "3c7a2f90-5b36-ef11-8409-000d3a8b1e21",
    "subject": "Website enquiry",
    "firstname": "Charles",
    "lastname": "Babbage",
    "fullname": "Charles Babbage",
    "companyname": "Difference Engines plc",
    "jobtitle": None,
    "emailaddress1": "charles@difference.example",
    "telephone1": None,
    "mobilephone": None,
    "budgetstatus": None,
    "budgetamount": None,
    "estimatedamount": None,
    "need": None,
    "purchasetimeframe": None,
    "purchaseprocess": None,
    "decisionmaker": False,
    "leadsourcecode": 8,
    "leadqualitycode": 2,
    "estimatedclosedate": None,
    "statecode": 0,
    "statuscode": 1,
    "createdon": "2026-01-09T16:20:00Z",
    "modifiedon": "2026-01-09T16:20:00Z",
    "_ownerid_value": "7c1f6f0e-2a36-ef11-8409-000d3a8b1e21",
    "_qualifyingopportunityid_value": None,
}
# Its PATCH body: every column as read but the key, the annotation, the lookups and the
# columns Dynamics sets.
FRESH_BODY: dict[str, Any] = {
    k: v
    for k, v in FRESH_RECORD.items()
    if k
    not in {
        "@odata.etag",
        "leadid",
        "fullname",
        "createdon",
        "modifiedon",
        "_ownerid_value",
        "_qualifyingopportunityid_value",
    }
}


def closing_columns(body: dict[str, Any]) -> dict[str, Any]:
    """The columns of *body* that close a lead: a state other than Open (0), or a status
    reason of the Qualified or Disqualified state (3 to 7)."""
    closing = {}
    if body.get("statecode", 0) != 0:
        closing["statecode"] = body["statecode"]
    if body.get("statuscode", 1) not in (1, 2):
        closing["statuscode"] = body["statuscode"]
    return closing


class TestWritingBackAQualifiedRecord:
    """Records read, qualified under the default policy and written back, as a CRM would."""

    def test_a_fresh_lead_is_undetermined_and_written_back_open_as_it_was(self) -> None:
        crm_lead = dynamics.read_lead(FRESH_RECORD, mapping=GBP)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=GBP)

        assert decision.verdict is Verdict.UNDETERMINED
        assert closing_columns(body) == {}
        # Not knowing is not a cold lead: the form's Warm stays, not Cold (3).
        assert body == FRESH_BODY

    def test_a_fresh_lead_created_through_leadflow_is_created_new(self) -> None:
        crm_lead = CrmLead(
            contact=Contact(
                name="Charles Babbage", email="charles@difference.example", created_at=AS_OF
            )
        )
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=GBP)

        assert decision.verdict is Verdict.UNDETERMINED
        assert body == {
            "firstname": "Charles",
            "lastname": "Babbage",
            "emailaddress1": "charles@difference.example",
            "statuscode": 1,
        }

    def test_a_fresh_lead_with_a_closed_status_is_still_created_open(self) -> None:
        record = {**FRESH_RECORD, "statecode": 2, "statuscode": 5}
        crm_lead = attrs.evolve(dynamics.read_lead(record, mapping=GBP), id=None)

        body = dynamics.write_lead(crm_lead, qualified(crm_lead), mapping=GBP)

        assert "statecode" not in body
        assert body["statuscode"] == 1

    def test_some_known_evidence_earns_its_rating_but_no_verdict_yet(self) -> None:
        record = {**FRESH_RECORD, "need": 0, "budgetstatus": 3, "leadqualitycode": None}
        crm_lead = dynamics.read_lead(record, mapping=GBP)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=GBP)

        assert decision.verdict is Verdict.UNDETERMINED
        assert closing_columns(body) == {}
        assert body == {**FRESH_BODY, "need": 0, "budgetstatus": 3, "leadqualitycode": 2}

    def test_no_committed_budget_is_evidence_against_and_disqualifies_the_lead(self) -> None:
        crm_lead = dynamics.read_lead({**FRESH_RECORD, "budgetstatus": 0}, mapping=GBP)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=GBP)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert body == {
            **FRESH_BODY,
            "budgetstatus": 0,
            "statecode": 2,
            "statuscode": 4,
            "leadqualitycode": 3,
        }

    def test_a_lead_in_the_market_only_later_is_nurtured_and_stays_open(self) -> None:
        # Must have, can buy, and a decision expected beyond the policy's one-year horizon.
        record = {**FRESH_RECORD, "need": 0, "budgetstatus": 2, "estimatedclosedate": "2027-06-30"}
        crm_lead = dynamics.read_lead(record, mapping=GBP)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=GBP)

        assert decision.verdict is Verdict.NURTURE
        assert closing_columns(body) == {}
        assert body == {
            **FRESH_BODY,
            "need": 0,
            "budgetstatus": 2,
            "estimatedclosedate": "2027-06-30",
            "leadqualitycode": 2,
        }


def build_opportunity() -> Opportunity:
    contact = Contact(
        name="Ada Lovelace",
        email="ada@analytical.example",
        created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        role=PurchaseRole.DECISION_MAKER,
        organisation=Organisation(name="Analytical Engines Ltd"),
    )
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG),
        budget=BudgetEvidence(level=BudgetLevel.APPROVED, amount=Money("50000", "GBP")),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
        authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE),
    )
    return promoted(
        contact,
        evidence,
        terms=TermsLevel.CONTRACT,
        supplier=SupplierStatus.DROPPED,
        value=Money("48000.50", "GBP"),
        close=date(2026, 3, 31),
        name="Fleet telematics",
        step=OpportunityStage.PROPOSE,
    )


# The opportunity above: strong need (0), approved budget (3), this quarter (1), committee
# (1), a decision maker; BANT rates it hot (1) and gives the propose step 60 percent.
OPPORTUNITY_BODY: dict[str, Any] = {
    "name": "Fleet telematics",
    "salesstage": 2,
    "closeprobability": 60,
    "estimatedvalue": 48000.5,
    "estimatedclosedate": "2026-03-31",
    "need": 0,
    "budgetstatus": 3,
    "purchasetimeframe": 1,
    "purchaseprocess": 1,
    "decisionmaker": True,
    "opportunityratingcode": 1,
    "statecode": 0,
    "statuscode": 1,
}


class TestWritingAnOpportunity:
    def test_an_open_opportunity_is_written_in_progress(self) -> None:
        assert dynamics.write_opportunity(build_opportunity(), mapping=GBP) == OPPORTUNITY_BODY

    def test_a_won_opportunity_is_written_won_at_full_probability(self) -> None:
        customer, _ = win(
            build_opportunity(), as_of=AS_OF + timedelta(days=9), value=Money("47000", "GBP")
        )

        body = dynamics.write_opportunity(customer, mapping=GBP)

        assert body == {
            **OPPORTUNITY_BODY,
            "closeprobability": 100,
            "estimatedvalue": 47000,
            "statecode": 1,
            "statuscode": 3,
        }

    @pytest.mark.parametrize(
        ("reason", "competitor", "status"),
        [(LossReason.COMPETITOR, "Difference Engines plc", 5), (LossReason.PRICE, None, 4)],
    )
    def test_a_lost_opportunity_is_out_sold_or_canceled(
        self, reason: LossReason, competitor: str | None, status: int
    ) -> None:
        lost, _ = lose(
            build_opportunity(),
            reason=reason,
            competitor=competitor,
            as_of=AS_OF + timedelta(days=9),
        )

        body = dynamics.write_opportunity(lost, mapping=GBP)

        assert body == {
            **OPPORTUNITY_BODY,
            "closeprobability": 0,
            "statecode": 2,
            "statuscode": status,
        }

    def test_a_lead_is_no_opportunity(self) -> None:
        with pytest.raises(WrongTypeError):
            dynamics.write_opportunity(LEAD_RECORD, mapping=GBP)  # type: ignore[arg-type]


class TestReadingAnOpportunity:
    def test_the_documented_opportunity_columns_read_into_a_summary(self) -> None:
        record = {
            "@odata.etag": 'W/"77"',
            "opportunityid": "a1b2c3d4-0000-4000-8000-000000000001",
            "name": "Fleet telematics",
            "estimatedvalue": 48000.5,
            "estimatedclosedate": "2026-03-31",
            "closeprobability": 60,
            "stepname": "3-Propose",
            "salesstage": 2,
            "opportunityratingcode": 1,
            "statecode": 0,
            "statuscode": 1,
        }

        assert dynamics.read_opportunity_fields(record, mapping=GBP) == OpportunityFields(
            id="a1b2c3d4-0000-4000-8000-000000000001",
            name="Fleet telematics",
            outcome=FunnelStage.OPPORTUNITY,
            step=OpportunityStage.PROPOSE,
            probability=60,
            amount=Money("48000.50", "GBP"),
            expected_close=date(2026, 3, 31),
        )

    @pytest.mark.parametrize(
        ("state", "outcome"),
        [(0, FunnelStage.OPPORTUNITY), (1, FunnelStage.CUSTOMER), (2, FunnelStage.LOST)],
    )
    def test_the_state_gives_the_outcome(self, state: int, outcome: FunnelStage) -> None:
        summary = dynamics.read_opportunity_fields({"name": "x", "statecode": state})

        assert summary.outcome is outcome

    def test_bad_columns_are_reported_together(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_opportunity_fields(
                {"salesstage": 7, "closeprobability": 101, "statecode": "won"}
            )

        assert {e.path for e in caught.value.errors} == {
            "$.salesstage",
            "$.closeprobability",
            "$.statecode",
        }


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**9), 10**9)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
# Custom columns as organisations name them: a publisher prefix, lower case.
custom_columns = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).map(
    lambda name: "new_" + name
)
fuzz_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
LEAD_COLUMNS = [
    "leadid",
    "firstname",
    "lastname",
    "fullname",
    "createdon",
    "emailaddress1",
    "telephone1",
    "jobtitle",
    "companyname",
    "leadsourcecode",
    "decisionmaker",
    "need",
    "budgetstatus",
    "budgetamount",
    "purchasetimeframe",
    "estimatedclosedate",
    "purchaseprocess",
    "statecode",
    "statuscode",
]


@attrs.frozen
class Generated:
    """A lead record made the way Dynamics would hold it, and what it was made from."""

    record: dict[str, Any]
    body: dict[str, Any]
    contact: Contact
    evidence: Evidence
    mapping: DynamicsMapping


@st.composite
def generated_leads(draw: st.DrawFn) -> Generated:
    contact = draw(lfst.contacts())
    evidence = draw(lfst.evidence())
    amount = evidence.budget.amount
    mapping = DynamicsMapping(currency=amount.currency if amount is not None else "EUR")
    crm_id = str(draw(st.uuids()))
    extras = draw(st.dictionaries(custom_columns, json_values, max_size=4))
    extras["statecode"], extras["statuscode"] = draw(st.sampled_from([(0, 1), (0, 2), (2, 4)]))
    written = dynamics.write_lead(
        CrmLead(contact=contact, evidence=evidence, id=crm_id, extras=extras), mapping=mapping
    )
    created = contact.created_at.astimezone(UTC)
    system = {
        "@odata.etag": f'W/"{draw(st.integers(1, 10**9))}"',
        "leadid": crm_id,
        "fullname": contact.name,
        "createdon": f"{created:%Y-%m-%dT%H:%M:%S}Z",
        "modifiedon": f"{created:%Y-%m-%dT%H:%M:%S}Z",
        "_ownerid_value": str(draw(st.uuids())),
    }
    return Generated({**written, **system}, written, contact, evidence, mapping)


def expected_name(name: str) -> str:
    """The name as it comes back: the last word in lastname, the rest in firstname."""
    last = name.split()[-1]
    first = name[: len(name) - len(last)].rstrip()
    return f"{first} {last}" if first else last


# Building a record from generated leadflow values is the slow part; a fifth of the
# profile's examples still covers every code of every column many times over.
GENERATED = settings(max_examples=max(10, settings().max_examples // 5))


class TestRoundTrip:
    @GENERATED
    @given(generated_leads())
    def test_a_read_record_writes_back_whole_and_holds_what_it_was_made_from(
        self, lead: Generated
    ) -> None:
        crm_lead = dynamics.read_lead(lead.record, mapping=lead.mapping)

        assert dynamics.write_lead(crm_lead, mapping=lead.mapping) == lead.body
        source = lead.contact
        organisation = source.organisation
        assert crm_lead.contact == Contact(
            name=expected_name(source.name),
            created_at=source.created_at.replace(microsecond=0),
            email=source.email,
            phone=source.phone,
            organisation=None if organisation is None else Organisation(name=organisation.name),
            job_title=source.job_title,
            # One box: ticked for a decision maker, unticked (unknown) for anyone else.
            role=(
                PurchaseRole.DECISION_MAKER
                if source.role is PurchaseRole.DECISION_MAKER
                else PurchaseRole.UNKNOWN
            ),
            source=source.source,
            id=ContactId(str(crm_lead.id)),
        )
        evidence = lead.evidence
        assert crm_lead.evidence == Evidence(
            need=NeedEvidence(level=evidence.need.level),
            budget=BudgetEvidence(level=evidence.budget.level, amount=evidence.budget.amount),
            timeframe=TimeframeEvidence(
                # "later" has no code.
                level=(
                    TimeframeLevel.UNKNOWN
                    if evidence.timeframe.level is TimeframeLevel.LATER
                    else evidence.timeframe.level
                ),
                decision_date=evidence.timeframe.decision_date,
            ),
            authority=AuthorityEvidence(process=evidence.authority.process),
        )

    @GENERATED
    @given(
        generated_leads(),
        lfst.emails(),
        st.sampled_from(NeedLevel),
        st.sampled_from(Verdict),
        st.sampled_from(Rating),
    )
    def test_changes_and_a_decision_are_written_and_nothing_else_moves(
        self, lead: Generated, email: str, need: NeedLevel, verdict: Verdict, rating: Rating
    ) -> None:
        crm_lead = dynamics.read_lead(lead.record, mapping=lead.mapping)
        changed = attrs.evolve(
            crm_lead,
            contact=attrs.evolve(crm_lead.contact, email=email, phone="+15550100"),
            evidence=attrs.evolve(crm_lead.evidence, need=NeedEvidence(level=need)),
        )

        body = dynamics.write_lead(changed, decided(changed, verdict, rating), mapping=lead.mapping)

        expected = {**lead.body, "emailaddress1": email, "telephone1": "+15550100"}
        expected.pop("need", None)
        if need is not NeedLevel.UNKNOWN:
            expected["need"] = NEED_CODE[need]
        elif "need" in lead.body:
            expected["need"] = None
        if lead.body["statecode"] == 0:
            if rating_written(verdict, rating):
                expected["leadqualitycode"] = RATING_CODE[rating]
            if verdict is Verdict.DISQUALIFIED:
                expected["statecode"], expected["statuscode"] = 2, 4
        assert body == expected


FUZZ_LEAD = CrmLead(
    contact=Contact(name="Ada Lovelace", email="ada@analytical.example", created_at=AS_OF),
    evidence=Evidence(budget=BudgetEvidence(amount=Money("10", "GBP"))),
    id=LEAD_ID,
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
            dynamics.read_lead(value, mapping=GBP)

    @FUZZ
    @given(st.dictionaries(st.sampled_from(LEAD_COLUMNS) | st.text(max_size=8), fuzz_values))
    def test_reading_any_lead_shaped_object_raises_only_leadflow_errors(
        self, record: dict[str, Any]
    ) -> None:
        try:
            crm_lead = dynamics.read_lead(record, mapping=GBP)
        except LeadflowError:
            return
        assert isinstance(crm_lead, CrmLead)

    @FUZZ
    @given(
        st.dictionaries(st.sampled_from(LEAD_COLUMNS) | custom_columns, fuzz_values),
        st.dictionaries(st.sampled_from(LEAD_COLUMNS), fuzz_values),
        st.none() | st.sampled_from(list(Verdict)),
    )
    def test_writing_any_extras_raises_only_leadflow_errors(
        self, extras: dict[str, Any], original: dict[str, Any], verdict: Verdict | None
    ) -> None:
        crm_lead = attrs.evolve(FUZZ_LEAD, extras=extras, original=original)
        decision = FUZZ_DECISIONS[verdict]
        with contextlib.suppress(LeadflowError):
            dynamics.write_lead(crm_lead, decision, mapping=GBP)

    @FUZZ
    @given(st.dictionaries(st.sampled_from([*LEAD_COLUMNS, "name", "salesstage"]), fuzz_values))
    def test_reading_any_opportunity_raises_only_leadflow_errors(
        self, record: dict[str, Any]
    ) -> None:
        with contextlib.suppress(LeadflowError):
            dynamics.read_opportunity_fields(record, mapping=GBP)


class TestDescribe:
    def test_the_table_lists_every_modelled_column_once(self) -> None:
        table = dynamics.describe(GBP)

        for column in ["need", "budgetstatus", "purchasetimeframe", "decisionmaker", "createdon"]:
            assert sum(line.startswith(f"| {column} |") for line in table.splitlines()) == 1
        assert "| firstname + lastname | contact.name |" in table

    def test_budget_codes_are_printed_as_documented(self) -> None:
        row = next(
            line for line in dynamics.describe().splitlines() if line.startswith("| budgetstatus")
        )

        assert "0 none, 1 insufficient, 2 available, 3 approved" in row
