"""Dynamics 365: lead and opportunity records read into leadflow and written back."""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
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
from leadflow.adapters import (
    CrmLead,
    CustomFields,
    OpportunityFields,
    WriteRatings,
    dynamics,
    records,
)
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

# What a POST body for the same lead without its id carries: every column but the key,
# the annotation, the lookup values, the read-only columns (fullname, createdon,
# modifiedon) and statecode, which Dynamics does not take on create. An update of the
# record as read, with nothing changed, is {}.
CREATE_BODY: dict[str, Any] = {
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
            # decisionmaker is ticked, but it says the notes name who decides, not
            # that Ada does: the role is unknown.
            role=PurchaseRole.UNKNOWN,
            source=LeadSource.WEB,
            id=ContactId(LEAD_ID),
        )
        assert crm_lead.id == LEAD_ID

    def test_the_documented_lead_reads_into_evidence_on_all_four_criteria(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        # The estimated close date decides the timeframe; the named purchase timeframe
        # beside it stays with the extras, as read (a TimeframeEvidence has one or the other).
        assert crm_lead.evidence == Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=Money("50000", "GBP")),
            timeframe=TimeframeEvidence(decision_date=date(2026, 3, 31)),
            authority=AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL),
        )

    def test_without_a_close_date_the_purchase_timeframe_is_the_level(self) -> None:
        record = {**LEAD_RECORD, "estimatedclosedate": None}

        crm_lead = dynamics.read_lead(record, mapping=GBP)

        assert crm_lead.evidence.timeframe == TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER)
        assert "purchasetimeframe" not in crm_lead.extras

    def test_a_purchase_timeframe_beside_a_close_date_is_never_written_back(self) -> None:
        read = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        # The need learned since changes, so the update is not empty.
        evidence = attrs.evolve(read.evidence, need=NeedEvidence(level=NeedLevel.LATENT))
        crm_lead = attrs.evolve(read, evidence=evidence)

        body = dynamics.write_lead(crm_lead, mapping=GBP)

        assert "need" in body
        assert "purchasetimeframe" not in body
        assert "estimatedclosedate" not in body

    def test_every_column_leadflow_does_not_model_is_kept_verbatim(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        assert dict(crm_lead.extras) == {
            "@odata.etag": 'W/"5432198"',
            "subject": "Fleet telematics for 40 vans",
            "fullname": "Ada Lovelace",
            "mobilephone": "+44 7700 900123",
            "estimatedamount": 42000.0,
            "decisionmaker": True,
            "purchasetimeframe": 1,
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
        record = {**LEAD_RECORD, "purchasetimeframe": code, "estimatedclosedate": None}

        crm_lead = dynamics.read_lead(record, mapping=GBP)

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

    @pytest.mark.parametrize("ticked", [True, False, None])
    def test_the_decision_maker_box_never_gives_a_role_and_stays_an_extra(
        self, ticked: bool | None
    ) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "decisionmaker": ticked}, mapping=GBP)

        assert crm_lead.contact.role is PurchaseRole.UNKNOWN
        assert crm_lead.extras["decisionmaker"] is ticked

    @pytest.mark.parametrize(
        ("code", "role"),
        [
            (1, PurchaseRole.DECISION_MAKER),
            (2, PurchaseRole.USER),
            (3, PurchaseRole.INFLUENCER),
        ],
    )
    def test_a_role_column_named_as_a_custom_field_reads_the_contact_role_codes(
        self, code: int, role: PurchaseRole
    ) -> None:
        # accountrolecode on contact: 1 Decision Maker, 2 Employee, 3 Influencer.
        mapping = DynamicsMapping(
            currency="GBP",
            custom=CustomFields(role="new_role", role_values=dynamics.ROLE_CODES),
        )

        crm_lead = dynamics.read_lead({**LEAD_RECORD, "new_role": code}, mapping=mapping)

        assert crm_lead.contact.role is role
        assert "decisionmaker" in crm_lead.extras
        assert "new_role" not in crm_lead.extras

    def test_an_option_the_role_column_does_not_list_reads_unknown_with_a_repair(self) -> None:
        mapping = DynamicsMapping(
            currency="GBP",
            custom=CustomFields(role="new_role", role_values=dynamics.ROLE_CODES),
        )

        crm_lead = dynamics.read_lead({**LEAD_RECORD, "new_role": 100000000}, mapping=mapping)

        assert crm_lead.contact.role is PurchaseRole.UNKNOWN
        assert [(r.field, r.value) for r in crm_lead.repairs] == [("new_role", 100000000)]

    @pytest.mark.parametrize("column", ["need", "budgetstatus"])
    def test_an_option_the_organisation_added_reads_unknown_with_a_repair(
        self, column: str
    ) -> None:
        # The default publisher's options start at 100000000.
        crm_lead = dynamics.read_lead({**LEAD_RECORD, column: 100000000}, mapping=GBP)

        level = {
            "need": crm_lead.evidence.need.level,
            "budgetstatus": crm_lead.evidence.budget.level,
        }
        assert level[column].value == "unknown"
        assert [(r.field, r.value) for r in crm_lead.repairs] == [(column, 100000000)]
        assert "100000000" in str(crm_lead.repairs[0])

    def test_a_lead_read_as_it_came_has_no_repairs(self) -> None:
        assert dynamics.read_lead(LEAD_RECORD, mapping=GBP).repairs == ()

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
        assert [(r.field, r.value) for r in crm_lead.repairs] == [("leadsourcecode", 100000001)]
        assert "read as other" in crm_lead.repairs[0].note
        # The organisation's own code is the record's: an unchanged lead writes nothing.
        assert dynamics.write_lead(crm_lead, mapping=GBP) == {}

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
    }


class TestReadingABadLead:
    def test_every_bad_column_is_reported_with_its_path(self) -> None:
        record = {
            **LEAD_RECORD,
            "firstname": 7,
            "emailaddress1": "not an address",
            "need": "9",
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


CLOSING = attrs.evolve(GBP, close_disqualified=True)


class TestWritingALead:
    def test_the_documented_lead_read_and_written_back_unchanged_is_an_empty_update(
        self,
    ) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)

        assert dynamics.write_lead(crm_lead, mapping=GBP) == {}

    def test_the_documented_lead_without_its_id_is_created_without_its_read_only_columns(
        self,
    ) -> None:
        crm_lead = attrs.evolve(dynamics.read_lead(LEAD_RECORD, mapping=GBP), id=None)

        assert dynamics.write_lead(crm_lead, mapping=GBP) == CREATE_BODY

    def test_changed_evidence_is_written_as_its_code_and_nothing_else(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        evidence = attrs.evolve(
            crm_lead.evidence,
            need=NeedEvidence(level=NeedLevel.LATENT),
            timeframe=TimeframeEvidence(level=TimeframeLevel.LATER),
        )

        body = dynamics.write_lead(attrs.evolve(crm_lead, evidence=evidence), mapping=GBP)

        assert body == {"need": 2, "purchasetimeframe": None, "estimatedclosedate": None}

    def test_a_changed_email_is_written_normalised_and_alone(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        contact = attrs.evolve(crm_lead.contact, email="ada@NEW.example")

        body = dynamics.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=GBP)

        assert body == {"emailaddress1": "ada@new.example"}

    def test_a_renamed_contact_puts_the_last_word_in_lastname(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        contact = attrs.evolve(crm_lead.contact, name="Augusta Ada King")

        body = dynamics.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=GBP)

        assert body == {"firstname": "Augusta Ada", "lastname": "King"}

    def test_a_changed_extra_is_never_in_an_update(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)
        extras = {**crm_lead.extras, "subject": "Changed", "new_region": "APAC"}

        assert dynamics.write_lead(attrs.evolve(crm_lead, extras=extras), mapping=GBP) == {}

    def test_a_role_set_in_leadflow_is_not_written_to_the_decision_maker_box(self) -> None:
        record = {**LEAD_RECORD, "decisionmaker": False}
        crm_lead = dynamics.read_lead(record, mapping=GBP)
        contact = attrs.evolve(crm_lead.contact, role=PurchaseRole.DECISION_MAKER)

        assert dynamics.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=GBP) == {}

    def test_a_role_is_written_to_the_role_column_a_custom_field_names(self) -> None:
        mapping = DynamicsMapping(
            currency="GBP",
            custom=CustomFields(role="new_role", role_values=dynamics.ROLE_CODES),
        )
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "new_role": 2}, mapping=mapping)
        contact = attrs.evolve(crm_lead.contact, role=PurchaseRole.INFLUENCER)

        body = dynamics.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=mapping)

        assert body == {"new_role": 3}

    @pytest.mark.parametrize("column", ["need", "budgetstatus"])
    def test_an_option_the_organisation_added_is_not_overwritten_on_write_back(
        self, column: str
    ) -> None:
        record = {**LEAD_RECORD, column: 100000000, "leadqualitycode": None}
        crm_lead = dynamics.read_lead(record, mapping=GBP)
        contact = attrs.evolve(crm_lead.contact, email="ada@new.example")
        changed = attrs.evolve(crm_lead, contact=contact)

        body = dynamics.write_lead(
            changed, decided(changed, Verdict.QUALIFIED, Rating.HOT), mapping=GBP
        )

        assert body == {"emailaddress1": "ada@new.example", "leadqualitycode": 1}
        created = dynamics.write_lead(attrs.evolve(crm_lead, id=None), mapping=GBP)
        assert created[column] == 100000000

    def test_a_lead_built_in_code_writes_only_what_it_knows(self) -> None:
        contact = Contact(
            name="Charles Babbage",
            email="charles@engines.example",
            created_at=AS_OF,
            role=PurchaseRole.INFLUENCER,
        )
        evidence = Evidence(budget=BudgetEvidence(level=BudgetLevel.APPROVED))

        body = dynamics.write_lead(CrmLead(contact=contact, evidence=evidence))

        # No role column: the influencer is not written, and decisionmaker is not set.
        assert body == {
            "firstname": "Charles",
            "lastname": "Babbage",
            "emailaddress1": "charles@engines.example",
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

    def test_a_column_the_mapping_marks_read_only_is_never_written(self) -> None:
        mapping = attrs.evolve(GBP, read_only=frozenset({"emailaddress1", "new_region"}))
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=mapping)
        changed = attrs.evolve(
            crm_lead, contact=attrs.evolve(crm_lead.contact, email="ada@new.example")
        )

        assert dynamics.write_lead(changed, mapping=mapping) == {}
        created = dynamics.write_lead(attrs.evolve(changed, id=None), mapping=mapping)
        assert created == {
            k: v for k, v in CREATE_BODY.items() if k not in {"emailaddress1", "new_region"}
        }


class TestWritingALockedLead:
    """A qualified (1) or disqualified (2) lead is read-only in Dynamics until reactivated."""

    @pytest.mark.parametrize(("state", "status"), [(1, 3), (2, 4), (2, 6)])
    def test_a_change_to_a_closed_lead_raises_naming_statecode(
        self, state: int, status: int
    ) -> None:
        record = {**LEAD_RECORD, "statecode": state, "statuscode": status}
        crm_lead = dynamics.read_lead(record, mapping=GBP)
        changed = attrs.evolve(
            crm_lead, contact=attrs.evolve(crm_lead.contact, email="ada@new.example")
        )

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.write_lead(changed, mapping=GBP)

        assert [(e.path, e.value) for e in caught.value.errors] == [("$.statecode", state)]
        assert "reactivated" in str(caught.value)

    @pytest.mark.parametrize("state", ["2", 2.0, "Disqualified", True])
    def test_a_state_that_is_not_clearly_open_is_locked_too(self, state: object) -> None:
        # An export may spell the state as text or a float: such a lead might be
        # closed, and a closed lead is never written to.
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "statecode": state}, mapping=GBP)
        changed = attrs.evolve(
            crm_lead, contact=attrs.evolve(crm_lead.contact, phone="+47 22 00 00 01")
        )

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.write_lead(changed, mapping=GBP)

        assert [e.path for e in caught.value.errors] == ["$.statecode"]

    def test_an_open_state_of_zero_takes_the_update(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "statecode": 0}, mapping=GBP)
        changed = attrs.evolve(
            crm_lead, contact=attrs.evolve(crm_lead.contact, phone="+47 22 00 00 01")
        )

        assert dynamics.write_lead(changed, mapping=GBP) == {"telephone1": "+4722000001"}

    @pytest.mark.parametrize(("state", "status"), [(1, 3), (2, 5)])
    def test_a_closed_lead_with_nothing_to_write_is_an_empty_update(
        self, state: int, status: int
    ) -> None:
        record = {**LEAD_RECORD, "statecode": state, "statuscode": status, "leadqualitycode": None}
        crm_lead = dynamics.read_lead(record, mapping=CLOSING)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.HOT), mapping=CLOSING
        )

        # No rating and no state for a closed lead, even over its blank rating.
        assert body == {}


class TestWritingADecision:
    @pytest.mark.parametrize("rating", list(Rating))
    def test_the_rating_fills_a_blank_lead_quality_code(self, rating: Rating) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadqualitycode": None}, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, rating), mapping=GBP
        )

        assert body == {"leadqualitycode": RATING_CODE[rating]}

    def test_a_rating_a_person_set_is_kept_by_default(self) -> None:
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=GBP)  # Warm (2)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=GBP
        )

        assert body == {}

    def test_always_replaces_a_rating_a_person_set(self) -> None:
        mapping = attrs.evolve(GBP, write_ratings=WriteRatings.ALWAYS)
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=mapping)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert body == {"leadqualitycode": 1}

    def test_always_keeps_a_rating_the_table_does_not_list(self) -> None:
        mapping = attrs.evolve(GBP, write_ratings=WriteRatings.ALWAYS)
        crm_lead = dynamics.read_lead(
            {**LEAD_RECORD, "leadqualitycode": 100000000}, mapping=mapping
        )

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert body == {}

    def test_never_writes_no_rating_even_over_a_blank_one(self) -> None:
        mapping = attrs.evolve(GBP, write_ratings=WriteRatings.NEVER)
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadqualitycode": None}, mapping=mapping)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert body == {}

    @pytest.mark.parametrize("verdict", [Verdict.QUALIFIED, Verdict.NURTURE, Verdict.UNDETERMINED])
    def test_an_open_verdict_leaves_the_lead_open_as_it_is(self, verdict: Verdict) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "statuscode": 2}, mapping=CLOSING)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, verdict, Rating.WARM), mapping=CLOSING
        )

        assert closing_columns(body) == {}
        assert "statecode" not in body
        assert "statuscode" not in body

    def test_an_undetermined_cold_rating_leaves_even_a_blank_rating_as_it_is(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadqualitycode": None}, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.COLD), mapping=GBP
        )

        assert body == {}

    def test_an_undetermined_warm_rating_fills_a_blank_rating(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadqualitycode": None}, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=GBP
        )

        assert body == {"leadqualitycode": 2}

    def test_a_disqualified_verdict_leaves_the_lead_open_by_default(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadqualitycode": None}, mapping=GBP)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=GBP
        )

        # Its rating is still written; a person closes the lead.
        assert body == {"leadqualitycode": 3}

    def test_a_disqualified_verdict_disqualifies_the_lead_as_lost_when_opted_in(self) -> None:
        crm_lead = dynamics.read_lead({**LEAD_RECORD, "leadqualitycode": None}, mapping=CLOSING)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=CLOSING
        )

        assert body == {"statecode": 2, "statuscode": 4, "leadqualitycode": 3}

    def test_the_disqualified_status_reason_is_configurable(self) -> None:
        mapping = DynamicsMapping(
            currency="GBP", lead_states={Verdict.DISQUALIFIED: (2, 6)}, close_disqualified=True
        )
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=mapping)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=mapping
        )

        assert body == {"statecode": 2, "statuscode": 6}

    def test_a_configured_status_reason_does_not_close_without_the_opt_in(self) -> None:
        mapping = DynamicsMapping(currency="GBP", lead_states={Verdict.DISQUALIFIED: (2, 6)})
        crm_lead = dynamics.read_lead(LEAD_RECORD, mapping=mapping)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=mapping
        )

        assert body == {}

    def test_an_open_lead_state_is_no_closing_state(self) -> None:
        with pytest.raises(InvalidFieldError):
            DynamicsMapping(lead_states={Verdict.DISQUALIFIED: (0, 2)})

    @pytest.mark.parametrize("target", [(2, 5), (1, 3)])
    def test_an_undetermined_lead_cannot_be_set_to_close(self, target: tuple[int, int]) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            DynamicsMapping(lead_states={Verdict.UNDETERMINED: target}, close_disqualified=True)

        assert caught.value.field == "lead_states[undetermined]"

    def test_every_verdict_has_a_state(self) -> None:
        assert set(dynamics.VERDICT_STATES) == set(Verdict)

    @pytest.mark.parametrize("mapping", [GBP, CLOSING], ids=["default", "closing"])
    def test_a_new_lead_is_never_given_a_state(self, mapping: DynamicsMapping) -> None:
        crm_lead = attrs.evolve(dynamics.read_lead(LEAD_RECORD, mapping=mapping), id=None)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=mapping
        )

        assert "statecode" not in body

    def test_a_new_disqualified_lead_is_created_new_by_default(self) -> None:
        crm_lead = attrs.evolve(dynamics.read_lead(LEAD_RECORD, mapping=GBP), id=None)

        body = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=GBP
        )

        assert body == CREATE_BODY

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

    def test_a_fresh_lead_is_undetermined_and_written_back_untouched(self) -> None:
        crm_lead = dynamics.read_lead(FRESH_RECORD, mapping=CLOSING)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=CLOSING)

        assert decision.verdict is Verdict.UNDETERMINED
        # Not knowing is not a cold lead, and the form's Warm is a rating already set.
        assert body == {}

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
        crm_lead = attrs.evolve(dynamics.read_lead(record, mapping=CLOSING), id=None)

        body = dynamics.write_lead(crm_lead, qualified(crm_lead), mapping=CLOSING)

        assert "statecode" not in body
        assert body["statuscode"] == 1

    def test_some_known_evidence_earns_its_rating_but_no_verdict_yet(self) -> None:
        record = {**FRESH_RECORD, "need": 0, "budgetstatus": 3, "leadqualitycode": None}
        crm_lead = dynamics.read_lead(record, mapping=CLOSING)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=CLOSING)

        assert decision.verdict is Verdict.UNDETERMINED
        assert body == {"leadqualitycode": 2}

    def test_no_committed_budget_disqualifies_the_lead_and_closes_it_when_opted_in(
        self,
    ) -> None:
        record = {**FRESH_RECORD, "budgetstatus": 0, "leadqualitycode": None}
        crm_lead = dynamics.read_lead(record, mapping=CLOSING)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=CLOSING)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert body == {"statecode": 2, "statuscode": 4, "leadqualitycode": 3}

    def test_no_committed_budget_disqualifies_the_lead_but_leaves_it_open_by_default(
        self,
    ) -> None:
        record = {**FRESH_RECORD, "budgetstatus": 0, "leadqualitycode": None}
        crm_lead = dynamics.read_lead(record, mapping=GBP)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=GBP)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert closing_columns(body) == {}
        assert body == {"leadqualitycode": 3}

    def test_a_lead_in_the_market_only_later_is_nurtured_and_stays_open(self) -> None:
        # Must have, can buy, and a decision expected beyond the policy's one-year horizon.
        record = {
            **FRESH_RECORD,
            "need": 0,
            "budgetstatus": 2,
            "estimatedclosedate": "2027-06-30",
            "leadqualitycode": None,
        }
        crm_lead = dynamics.read_lead(record, mapping=CLOSING)
        decision = qualified(crm_lead)

        body = dynamics.write_lead(crm_lead, decision, mapping=CLOSING)

        assert decision.verdict is Verdict.NURTURE
        assert body == {"leadqualitycode": 2}


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
# (1), a decision maker; BANT rates it hot (1) and gives the propose step 60 percent. The
# contact's role is not written: the opportunity's decisionmaker is a checklist box too.
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
                {"salesstage": "2", "closeprobability": 101, "statecode": "won"}
            )

        assert {e.path for e in caught.value.errors} == {
            "$.salesstage",
            "$.closeprobability",
            "$.statecode",
        }

    def test_a_sales_stage_the_organisation_added_reads_as_no_step_with_a_repair(self) -> None:
        summary = dynamics.read_opportunity_fields({"name": "x", "salesstage": 100000000})

        assert summary.step is None
        assert [(r.field, r.value) for r in summary.repairs] == [("salesstage", 100000000)]


# --------------------------------------------------------------------------------------------
# Golden records
# --------------------------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "dynamics"


def golden(name: str) -> dict[str, Any]:
    """A record from tests/golden/dynamics, copied in shape from the Web API's docs."""
    loaded: dict[str, Any] = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    return loaded


# lead_get.json: GET leads(<id>) with Prefer: odata.include-annotations="*", in the shape
# of the Web API's "Formatted values" and "Lookup property data" examples (select-columns
# in MicrosoftDocs/powerapps-docs): each option set with its label, Money with its
# formatted amount, each lookup with its name, navigation property and logical name. The
# phone is given a country code (the docs' 555-0108 names no country).
GOLDEN_LEAD_ID = "4a7c2f1e-9b3d-ef11-8409-000d3a8f2b61"
US_DOLLAR_ID = "228f42f8-e646-e111-8eb7-78e7d162ced1"
USD_BY_ID = DynamicsMapping(currency="EUR", currencies={US_DOLLAR_ID: "USD"})
USD_BY_NAME = DynamicsMapping(currency="EUR", currencies={"US Dollar": "USD"})
# No fallback currency: a new opportunity's amount is written in its own currency.
NO_FALLBACK = DynamicsMapping(currencies={US_DOLLAR_ID: "USD"})
CURRENCY_ANNOTATIONS = (
    "_transactioncurrencyid_value",
    "_transactioncurrencyid_value@OData.Community.Display.V1.FormattedValue",
    "_transactioncurrencyid_value@Microsoft.Dynamics.CRM.associatednavigationproperty",
    "_transactioncurrencyid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
)
# Its POST body without the id: the columns as read, less the key, every annotation and
# lookup value, fullname, createdon, modifiedon and statecode; its currency is bound by
# the lookup's navigation property, so the amounts stay in dollars.
GOLDEN_CREATE_BODY: dict[str, Any] = {
    "transactioncurrencyid@odata.bind": f"/transactioncurrencies({US_DOLLAR_ID})",
    "subject": "Interested in 50 licences",
    "firstname": "Nancy",
    "lastname": "Anderson",
    "companyname": "Adventure Works",
    "jobtitle": "Purchasing Manager",
    "emailaddress1": "nancy@adventure-works.com",
    "telephone1": "+1 425-555-0108",
    "leadqualitycode": 2,
    "leadsourcecode": 8,
    "statuscode": 1,
    "decisionmaker": False,
    "budgetamount": 25000.0,
    "estimatedamount": 40000.0,
}


class TestGoldenLead:
    def test_it_reads_into_the_contact_it_describes(self) -> None:
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=USD_BY_ID)

        assert crm_lead.contact == Contact(
            name="Nancy Anderson",
            created_at=datetime(2023, 4, 7, 21, 59, 1, tzinfo=UTC),
            email="nancy@adventure-works.com",
            phone="+14255550108",
            organisation=Organisation(name="Adventure Works"),
            job_title="Purchasing Manager",
            role=PurchaseRole.UNKNOWN,
            source=LeadSource.WEB,
            id=ContactId(GOLDEN_LEAD_ID),
        )
        assert crm_lead.id == GOLDEN_LEAD_ID
        assert crm_lead.repairs == ()

    @pytest.mark.parametrize("mapping", [USD_BY_ID, USD_BY_NAME], ids=["by id", "by name"])
    def test_its_budget_is_25000_us_dollars_not_the_mapping_currency(
        self, mapping: DynamicsMapping
    ) -> None:
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=mapping)

        assert crm_lead.evidence == Evidence(budget=BudgetEvidence(amount=Money("25000", "USD")))

    def test_without_a_currencies_table_its_budget_is_an_error_saying_what_to_pass(
        self,
    ) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_lead(golden("lead_get.json"), mapping=DynamicsMapping(currency="EUR"))

        assert [e.path for e in caught.value.errors] == ["$.budgetamount"]
        message = str(caught.value)
        assert "US Dollar" in message
        assert "currencies" in message
        assert "isocurrencycode" in message
        assert "EUR" not in message

    def test_an_expanded_currency_gives_its_iso_code(self) -> None:
        record = {k: v for k, v in golden("lead_get.json").items() if k not in CURRENCY_ANNOTATIONS}
        # leads(<id>)?$expand=transactioncurrencyid($select=isocurrencycode)
        record["transactioncurrencyid"] = {
            "isocurrencycode": "USD",
            "transactioncurrencyid": US_DOLLAR_ID,
        }

        crm_lead = dynamics.read_lead(record, mapping=DynamicsMapping(currency="EUR"))

        assert crm_lead.evidence.budget.amount == Money("25000", "USD")
        created = dynamics.write_lead(attrs.evolve(crm_lead, id=None), mapping=USD_BY_ID)
        assert "transactioncurrencyid" not in created
        assert created["transactioncurrencyid@odata.bind"] == (
            f"/transactioncurrencies({US_DOLLAR_ID})"
        )
        assert dynamics.write_lead(crm_lead, mapping=USD_BY_ID) == {}

    def test_a_new_lead_is_bound_to_its_currency_unless_the_lookup_is_read_only(self) -> None:
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=USD_BY_ID)
        new = attrs.evolve(crm_lead, id=None)
        locked = attrs.evolve(USD_BY_ID, read_only=frozenset({"transactioncurrencyid"}))

        bound = dynamics.write_lead(new, mapping=USD_BY_ID)
        unbound = dynamics.write_lead(new, mapping=locked)

        assert bound["transactioncurrencyid@odata.bind"] == (
            "/transactioncurrencies(228f42f8-e646-e111-8eb7-78e7d162ced1)"
        )
        assert "transactioncurrencyid@odata.bind" not in unbound

    def test_a_formatted_value_that_is_an_iso_code_names_the_currency(self) -> None:
        record = {
            **golden("lead_get.json"),
            "_transactioncurrencyid_value@OData.Community.Display.V1.FormattedValue": "USD",
        }

        crm_lead = dynamics.read_lead(record, mapping=DynamicsMapping(currency="EUR"))

        assert crm_lead.evidence.budget.amount == Money("25000", "USD")

    def test_a_record_stating_no_currency_is_in_the_mapping_currency(self) -> None:
        record = {k: v for k, v in golden("lead_get.json").items() if k not in CURRENCY_ANNOTATIONS}

        crm_lead = dynamics.read_lead(record, mapping=DynamicsMapping(currency="EUR"))

        assert crm_lead.evidence.budget.amount == Money("25000", "EUR")

    def test_an_amount_for_a_currency_it_cannot_name_is_not_written(self) -> None:
        crm_lead = CrmLead(
            contact=Contact(
                name="Nancy Anderson", email="nancy@adventure-works.com", created_at=AS_OF
            ),
            evidence=Evidence(budget=BudgetEvidence(amount=Money("25000", "USD"))),
            extras={
                CURRENCY_ANNOTATIONS[0]: US_DOLLAR_ID,
                CURRENCY_ANNOTATIONS[1]: "US Dollar",
            },
        )

        with pytest.raises(InvalidRecordError) as caught:
            dynamics.write_lead(crm_lead, mapping=DynamicsMapping(currency="EUR"))

        assert [e.path for e in caught.value.errors] == ["$.budgetamount"]
        assert dynamics.write_lead(crm_lead, mapping=USD_BY_NAME)["budgetamount"] == 25000

    def test_every_column_it_does_not_model_is_kept_with_its_annotations(self) -> None:
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=USD_BY_ID)

        assert sorted(crm_lead.extras) == sorted(
            [
                "@odata.context",
                "@odata.etag",
                "subject",
                "fullname",
                "leadqualitycode@OData.Community.Display.V1.FormattedValue",
                "leadqualitycode",
                "leadsourcecode@OData.Community.Display.V1.FormattedValue",
                "statecode@OData.Community.Display.V1.FormattedValue",
                "statecode",
                "statuscode@OData.Community.Display.V1.FormattedValue",
                "statuscode",
                "decisionmaker@OData.Community.Display.V1.FormattedValue",
                "decisionmaker",
                "budgetamount@OData.Community.Display.V1.FormattedValue",
                "estimatedamount@OData.Community.Display.V1.FormattedValue",
                "estimatedamount",
                *CURRENCY_ANNOTATIONS,
                "_ownerid_value@OData.Community.Display.V1.FormattedValue",
                "_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty",
                "_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
                "_ownerid_value",
                "createdon@OData.Community.Display.V1.FormattedValue",
                "modifiedon@OData.Community.Display.V1.FormattedValue",
                "modifiedon",
            ]
        )

    def test_written_back_unchanged_it_is_an_empty_update(self) -> None:
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=USD_BY_ID)

        assert dynamics.write_lead(crm_lead, mapping=USD_BY_ID) == {}
        # Undetermined under the default policy; its Warm rating is a person's.
        assert dynamics.write_lead(crm_lead, qualified(crm_lead), mapping=USD_BY_ID) == {}

    def test_its_changes_are_the_whole_update(self) -> None:
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=USD_BY_ID)
        changed = attrs.evolve(
            crm_lead,
            contact=attrs.evolve(crm_lead.contact, phone="+14255550199"),
            evidence=Evidence(
                need=NeedEvidence(level=NeedLevel.STRONG),
                budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=Money("30000", "USD")),
            ),
        )

        body = dynamics.write_lead(changed, mapping=USD_BY_ID)

        assert body == {
            "telephone1": "+14255550199",
            "need": 0,
            "budgetstatus": 2,
            "budgetamount": 30000,
        }

    def test_a_decision_always_written_replaces_its_warm_rating_only(self) -> None:
        mapping = attrs.evolve(
            USD_BY_ID, write_ratings=WriteRatings.ALWAYS, close_disqualified=True
        )
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=mapping)

        hot = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )
        lost = dynamics.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=mapping
        )

        assert hot == {"leadqualitycode": 1}
        assert lost == {"leadqualitycode": 3, "statecode": 2, "statuscode": 4}

    def test_without_its_id_it_is_created_without_read_only_columns_or_state(self) -> None:
        crm_lead = dynamics.read_lead(golden("lead_get.json"), mapping=USD_BY_ID)
        new = attrs.evolve(crm_lead, id=None)

        assert dynamics.write_lead(new, mapping=USD_BY_ID) == GOLDEN_CREATE_BODY
        assert dynamics.write_lead(new, qualified(new), mapping=USD_BY_ID) == GOLDEN_CREATE_BODY

    def test_disqualified_it_is_a_lead_dynamics_keeps_read_only(self) -> None:
        record = {
            **golden("lead_get.json"),
            "statecode@OData.Community.Display.V1.FormattedValue": "Disqualified",
            "statecode": 2,
            "statuscode@OData.Community.Display.V1.FormattedValue": "Lost",
            "statuscode": 4,
        }
        crm_lead = dynamics.read_lead(record, mapping=USD_BY_ID)
        changed = attrs.evolve(
            crm_lead,
            evidence=attrs.evolve(crm_lead.evidence, need=NeedEvidence(level=NeedLevel.NONE)),
        )

        assert dynamics.write_lead(crm_lead, qualified(crm_lead), mapping=USD_BY_ID) == {}
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.write_lead(changed, mapping=USD_BY_ID)
        assert [(e.path, e.value) for e in caught.value.errors] == [("$.statecode", 2)]


class TestGoldenPage:
    def test_a_collection_page_is_walked_record_by_record(self) -> None:
        page = golden("leads_page.json")

        walked = list(records(page))

        assert walked == page["value"]
        assert [record["leadid"] for record in walked] == [
            "4a7c2f1e-9b3d-ef11-8409-000d3a8f2b61",
            "5b8d3a2f-9b3d-ef11-8409-000d3a8f2b61",
        ]

    def test_a_page_that_did_not_select_the_name_and_creation_reads_as_bad_leads(self) -> None:
        # $select=subject,emailaddress1,statecode leaves out what a contact needs.
        paths = []
        for record in records(golden("leads_page.json")):
            with pytest.raises(InvalidRecordError) as caught:
                dynamics.read_lead(record, mapping=GBP)
            paths.append(sorted(e.path for e in caught.value.errors))

        assert paths == [
            ["$.createdon", "$.lastname"],
            ["$.createdon", "$.emailaddress1", "$.lastname"],
        ]

    def test_a_page_of_whole_leads_reads_each(self) -> None:
        page = {
            "@odata.context": golden("leads_page.json")["@odata.context"],
            "value": [golden("lead_get.json"), {**golden("lead_get.json"), "leadid": LEAD_ID}],
        }

        ids = [dynamics.read_lead(r, mapping=USD_BY_ID).id for r in records(page)]

        assert ids == [GOLDEN_LEAD_ID, LEAD_ID]


class TestGoldenMetadata:
    @pytest.mark.parametrize("name", ["lead_attributes.json", "lead_definition_expanded.json"])
    def test_the_columns_not_valid_for_update_are_read_only(self, name: str) -> None:
        # A null IsValidForUpdate (or none) is unknown, not read-only.
        assert dynamics.read_only_fields(golden(name)) == {"leadid", "fullname", "new_leadscore"}

    def test_a_plain_list_of_attributes_reads_too(self) -> None:
        attributes = golden("lead_attributes.json")["value"]

        assert dynamics.read_only_fields({"value": attributes[:2]}) == {"leadid", "fullname"}

    @pytest.mark.parametrize(
        "answer",
        [{"value": "lead"}, {"value": [{"IsValidForUpdate": False}]}, {"LogicalName": "lead"}],
    )
    def test_an_answer_of_another_shape_is_refused(self, answer: dict[str, Any]) -> None:
        with pytest.raises(InvalidRecordError):
            dynamics.read_only_fields(answer)

    def test_an_organisation_read_only_column_is_never_written(self) -> None:
        mapping = attrs.evolve(
            USD_BY_ID, read_only=dynamics.read_only_fields(golden("lead_attributes.json"))
        )
        record = {**golden("lead_get.json"), "new_leadscore": 87, "new_region": "West"}
        crm_lead = attrs.evolve(dynamics.read_lead(record, mapping=mapping), id=None)

        body = dynamics.write_lead(crm_lead, mapping=mapping)

        assert body == {**GOLDEN_CREATE_BODY, "new_region": "West"}


def golden_opportunity() -> Opportunity:
    """The opportunity of opportunity_get.json as leadflow holds it, a step further on."""
    contact = Contact(
        name="Nancy Anderson",
        email="nancy@adventure-works.com",
        created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        role=PurchaseRole.DECISION_MAKER,
        organisation=Organisation(name="Adventure Works"),
    )
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG),
        budget=BudgetEvidence(level=BudgetLevel.APPROVED, amount=Money("40000", "USD")),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
        authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE),
    )
    return promoted(
        contact,
        evidence,
        terms=TermsLevel.CONTRACT,
        supplier=SupplierStatus.DROPPED,
        value=Money("40000", "USD"),
        close=date(2026, 3, 31),
        name="Adventure Works: 50 licences",
        step=OpportunityStage.PROPOSE,
    )


class TestGoldenOpportunity:
    def test_it_reads_into_a_summary_in_us_dollars(self) -> None:
        summary = dynamics.read_opportunity_fields(
            golden("opportunity_get.json"), mapping=USD_BY_ID
        )

        assert summary == OpportunityFields(
            id="c3e9f4a1-9b3d-ef11-8409-000d3a8f2b61",
            name="Adventure Works: 50 licences",
            outcome=FunnelStage.OPPORTUNITY,
            step=OpportunityStage.DEVELOP,
            probability=40,
            amount=Money("40000", "USD"),
            expected_close=date(2026, 3, 31),
        )

    def test_without_a_currencies_table_its_amount_is_an_error(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.read_opportunity_fields(
                golden("opportunity_get.json"), mapping=DynamicsMapping(currency="EUR")
            )

        assert [e.path for e in caught.value.errors] == ["$.estimatedvalue"]

    def test_written_over_the_record_only_what_moved_is_written(self) -> None:
        body = dynamics.write_opportunity(
            golden_opportunity(), mapping=USD_BY_ID, record=golden("opportunity_get.json")
        )

        # Develop (1) at 40 to Propose (2) at 60; can buy (2) to approved (3). The name,
        # the 40,000 dollars, the date and the other criteria are as the record has them,
        # and its Warm rating is a person's.
        assert body == {"salesstage": 2, "closeprobability": 60, "budgetstatus": 3}

    def test_won_over_the_record_it_is_closed_won(self) -> None:
        customer, _ = win(
            golden_opportunity(), as_of=AS_OF + timedelta(days=9), value=Money("47000", "USD")
        )

        body = dynamics.write_opportunity(
            customer, mapping=USD_BY_ID, record=golden("opportunity_get.json")
        )

        assert body == {
            "salesstage": 2,
            "closeprobability": 100,
            "estimatedvalue": 47000,
            "budgetstatus": 3,
            "statecode": 1,
            "statuscode": 3,
        }

    def test_an_opportunity_column_its_metadata_marks_read_only_is_never_written(
        self,
    ) -> None:
        # read_only_fields of EntityDefinitions(LogicalName='opportunity')/Attributes.
        metadata = {"value": [{"LogicalName": "closeprobability", "IsValidForUpdate": False}]}
        mapping = attrs.evolve(USD_BY_ID, opportunity_read_only=dynamics.read_only_fields(metadata))

        body = dynamics.write_opportunity(
            golden_opportunity(), mapping=mapping, record=golden("opportunity_get.json")
        )

        assert body == {"salesstage": 2, "budgetstatus": 3}

    def test_a_blank_rating_on_the_record_is_filled_in(self) -> None:
        record = {**golden("opportunity_get.json"), "opportunityratingcode": None}

        body = dynamics.write_opportunity(golden_opportunity(), mapping=USD_BY_ID, record=record)

        assert body == {
            "salesstage": 2,
            "closeprobability": 60,
            "budgetstatus": 3,
            "opportunityratingcode": 1,
        }

    def test_without_the_record_an_amount_in_another_than_the_mapping_currency_is_refused(
        self,
    ) -> None:
        # No record states a currency, so the mapping's EUR stands in.
        with pytest.raises(InvalidRecordError) as caught:
            dynamics.write_opportunity(golden_opportunity(), mapping=USD_BY_ID)

        assert [e.path for e in caught.value.errors] == ["$.estimatedvalue"]

    def test_without_the_record_it_is_the_whole_body(self) -> None:
        body = dynamics.write_opportunity(golden_opportunity(), mapping=NO_FALLBACK)

        assert body == {
            "name": "Adventure Works: 50 licences",
            "salesstage": 2,
            "closeprobability": 60,
            "estimatedvalue": 40000,
            "estimatedclosedate": "2026-03-31",
            "need": 0,
            "budgetstatus": 3,
            "purchasetimeframe": 1,
            "purchaseprocess": 1,
            "opportunityratingcode": 1,
            "statecode": 0,
            "statuscode": 1,
        }

    def test_the_same_opportunity_written_over_its_own_body_is_an_empty_update(self) -> None:
        opportunity = golden_opportunity()
        body = dynamics.write_opportunity(opportunity, mapping=NO_FALLBACK)
        record = {**golden("opportunity_get.json"), **body}

        assert dynamics.write_opportunity(opportunity, mapping=USD_BY_ID, record=record) == {}


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
    contact: Contact
    evidence: Evidence
    mapping: DynamicsMapping


OPEN_STATES = [(0, 1), (0, 2)]
CLOSED_STATES = [(1, 3), (2, 4), (2, 6)]


@st.composite
def generated_leads(draw: st.DrawFn, states: list[tuple[int, int]] | None = None) -> Generated:
    contact = draw(lfst.contacts())
    evidence = draw(lfst.evidence())
    amount = evidence.budget.amount
    mapping = DynamicsMapping(currency=amount.currency if amount is not None else "EUR")
    extras = draw(st.dictionaries(custom_columns, json_values, max_size=4))
    extras["leadqualitycode"] = draw(st.none() | st.sampled_from([1, 2, 3, 100000000]))
    state, status = draw(st.sampled_from(states or [*OPEN_STATES, *CLOSED_STATES]))
    extras["statuscode"] = status
    # The create body, then what Dynamics adds: the id, its state and its system columns.
    created_body = dynamics.write_lead(
        CrmLead(contact=contact, evidence=evidence, extras=extras), mapping=mapping
    )
    created = contact.created_at.astimezone(UTC)
    system = {
        "@odata.etag": f'W/"{draw(st.integers(1, 10**9))}"',
        "leadid": str(draw(st.uuids())),
        "statecode": state,
        "statuscode": status,
        "fullname": contact.name,
        "createdon": f"{created:%Y-%m-%dT%H:%M:%S}Z",
        "modifiedon": f"{created:%Y-%m-%dT%H:%M:%S}Z",
        "_ownerid_value": str(draw(st.uuids())),
    }
    return Generated({**created_body, **system}, contact, evidence, mapping)


def expected_name(name: str) -> str:
    """The name as it comes back: the last word in lastname, the rest in firstname."""
    last = name.split()[-1]
    first = name[: len(name) - len(last)].rstrip()
    return f"{first} {last}" if first else last


@st.composite
def write_mappings(draw: st.DrawFn, lead: Generated) -> DynamicsMapping:
    """*lead*'s mapping with any write-back rules, and columns of its record read-only."""
    columns = sorted(lead.record)
    return attrs.evolve(
        lead.mapping,
        read_only=draw(st.frozensets(st.sampled_from(columns), max_size=len(columns))),
        close_disqualified=draw(st.booleans()),
        write_ratings=draw(st.sampled_from(WriteRatings)),
    )


def decisions(crm_lead: CrmLead) -> st.SearchStrategy[QualificationDecision | None]:
    """No decision, or one with any verdict and rating."""
    return st.none() | st.builds(
        lambda verdict, rating: decided(crm_lead, verdict, rating),
        st.sampled_from(Verdict),
        st.sampled_from(Rating),
    )


# Columns a record may carry that no write may hold, in each of is_read_only's shapes.
refused_columns = st.dictionaries(
    st.sampled_from(sorted(dynamics.READ_ONLY - {"leadid", "createdon", "fullname"}))
    | custom_columns.map(lambda name: f"{name}@OData.Community.Display.V1.FormattedValue")
    | custom_columns.map(lambda name: f"_{name}_value"),
    json_values,
    max_size=4,
) | st.fixed_dictionaries(
    {"transactioncurrencyid": st.fixed_dictionaries({"isocurrencycode": st.just("EUR")})}
)


def refused(body: dict[str, Any], mapping: DynamicsMapping) -> set[str]:
    """The columns of *body* no write may hold."""
    return {
        k
        for k, v in body.items()
        if k in dynamics.READ_ONLY or k in mapping.read_only or dynamics.is_read_only(k, v)
    }


def changed_lead(crm_lead: CrmLead, email: str, need: NeedLevel) -> CrmLead:
    return attrs.evolve(
        crm_lead,
        contact=attrs.evolve(crm_lead.contact, email=email, phone="+15550100"),
        evidence=attrs.evolve(crm_lead.evidence, need=NeedEvidence(level=need)),
    )


# Building a record from generated leadflow values is the slow part; a fifth of the
# profile's examples still covers every code of every column many times over.
GENERATED = settings(max_examples=max(10, settings().max_examples // 5))


class TestRoundTrip:
    @GENERATED
    @given(generated_leads())
    def test_a_read_record_written_back_unchanged_is_an_empty_update(self, lead: Generated) -> None:
        crm_lead = dynamics.read_lead(lead.record, mapping=lead.mapping)

        assert dynamics.write_lead(crm_lead, mapping=lead.mapping) == {}

    @GENERATED
    @given(generated_leads())
    def test_a_read_record_holds_what_it_was_made_from(self, lead: Generated) -> None:
        crm_lead = dynamics.read_lead(lead.record, mapping=lead.mapping)

        source = lead.contact
        organisation = source.organisation
        assert crm_lead.contact == Contact(
            name=expected_name(source.name),
            created_at=source.created_at.replace(microsecond=0),
            email=source.email,
            phone=source.phone,
            organisation=None if organisation is None else Organisation(name=organisation.name),
            job_title=source.job_title,
            # No lead column holds a role: decisionmaker is a checklist box.
            role=PurchaseRole.UNKNOWN,
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
    @given(generated_leads(), lfst.emails(), st.sampled_from(NeedLevel), st.data())
    def test_only_changes_and_a_decision_are_written(
        self, lead: Generated, email: str, need: NeedLevel, data: st.DataObject
    ) -> None:
        crm_lead = dynamics.read_lead(lead.record, mapping=lead.mapping)
        mapping = attrs.evolve(
            lead.mapping,
            close_disqualified=data.draw(st.booleans()),
            write_ratings=data.draw(st.sampled_from(WriteRatings)),
        )
        verdict, rating = data.draw(st.sampled_from(Verdict)), data.draw(st.sampled_from(Rating))
        changed = changed_lead(crm_lead, email, need)
        decision = decided(changed, verdict, rating)

        # Written out from the rules: each changed column, then the decision's.
        record = lead.record
        expected: dict[str, Any] = {}
        if record.get("emailaddress1") != email:
            expected["emailaddress1"] = email
        if record.get("telephone1") != "+15550100":
            expected["telephone1"] = "+15550100"
        code = NEED_CODE.get(need)
        if record.get("need") != code:
            expected["need"] = code
        if record["statecode"] == 0:
            current = record["leadqualitycode"]
            fills = mapping.write_ratings is WriteRatings.ALWAYS and current in (1, 2, 3)
            if (
                rating_written(verdict, rating)
                and mapping.write_ratings is not WriteRatings.NEVER
                and (current is None or fills)
                and current != RATING_CODE[rating]
            ):
                expected["leadqualitycode"] = RATING_CODE[rating]
            if verdict is Verdict.DISQUALIFIED and mapping.close_disqualified:
                expected["statecode"], expected["statuscode"] = 2, 4
        elif expected:
            with pytest.raises(InvalidRecordError) as caught:
                dynamics.write_lead(changed, decision, mapping=mapping)
            assert [e.path for e in caught.value.errors] == ["$.statecode"]
            return

        assert dynamics.write_lead(changed, decision, mapping=mapping) == expected

    @GENERATED
    @given(generated_leads(), st.data())
    def test_a_decision_written_and_read_back_writes_nothing_more(
        self, lead: Generated, data: st.DataObject
    ) -> None:
        mapping = data.draw(write_mappings(lead))
        crm_lead = dynamics.read_lead(lead.record, mapping=mapping)
        decision = data.draw(decisions(crm_lead))
        body = dynamics.write_lead(crm_lead, decision, mapping=mapping)

        again = dynamics.read_lead({**lead.record, **body}, mapping=mapping)

        assert dynamics.write_lead(again, decision, mapping=mapping) == {}

    @GENERATED
    @given(generated_leads(), refused_columns, st.booleans(), st.data())
    def test_no_write_holds_a_read_only_column(
        self, lead: Generated, junk: dict[str, Any], creating: bool, data: st.DataObject
    ) -> None:
        record = {**lead.record, **junk}
        mapping = data.draw(
            write_mappings(Generated(record, lead.contact, lead.evidence, lead.mapping))
        )
        crm_lead = dynamics.read_lead(record, mapping=mapping)
        if creating:
            crm_lead = attrs.evolve(crm_lead, id=None)
        changed = changed_lead(
            crm_lead, data.draw(lfst.emails()), data.draw(st.sampled_from(NeedLevel))
        )
        decision = data.draw(decisions(changed))

        paths: list[str] = []
        try:
            body = dynamics.write_lead(changed, decision, mapping=mapping)
        except InvalidRecordError as error:
            paths, body = [e.path for e in error.errors], {}

        # Only a locked lead refuses an update with something to write.
        assert paths == [] or (not creating and paths == ["$.statecode"])
        assert refused(body, mapping) == set()

    @GENERATED
    @given(generated_leads(OPEN_STATES), st.sampled_from(WriteRatings), st.sampled_from(Rating))
    def test_nothing_is_closed_without_the_opt_in(
        self, lead: Generated, write_ratings: WriteRatings, rating: Rating
    ) -> None:
        mapping = attrs.evolve(lead.mapping, write_ratings=write_ratings)
        crm_lead = dynamics.read_lead(lead.record, mapping=mapping)

        # Every verdict, on the open lead and on it created anew.
        for target in (crm_lead, attrs.evolve(crm_lead, id=None)):
            for verdict in Verdict:
                body = dynamics.write_lead(
                    target, decided(target, verdict, rating), mapping=mapping
                )
                assert closing_columns(body) == {}
            assert closing_columns(dynamics.write_lead(target, mapping=mapping)) == {}

    @GENERATED
    @given(generated_leads(OPEN_STATES), st.sampled_from(WriteRatings))
    def test_an_undetermined_verdict_closes_nothing_even_opted_in(
        self, lead: Generated, write_ratings: WriteRatings
    ) -> None:
        mapping = attrs.evolve(lead.mapping, close_disqualified=True, write_ratings=write_ratings)
        crm_lead = dynamics.read_lead(lead.record, mapping=mapping)

        for target in (crm_lead, attrs.evolve(crm_lead, id=None)):
            for rating in Rating:
                body = dynamics.write_lead(
                    target, decided(target, Verdict.UNDETERMINED, rating), mapping=mapping
                )
                assert closing_columns(body) == {}

    @GENERATED
    @given(generated_leads(OPEN_STATES), lfst.emails(), st.sampled_from(NeedLevel))
    def test_a_change_merged_into_the_record_reads_back_whole(
        self, lead: Generated, email: str, need: NeedLevel
    ) -> None:
        crm_lead = dynamics.read_lead(lead.record, mapping=lead.mapping)
        changed = changed_lead(crm_lead, email, need)

        body = dynamics.write_lead(changed, mapping=lead.mapping)
        again = dynamics.read_lead({**lead.record, **body}, mapping=lead.mapping)

        assert again.contact == changed.contact
        assert again.evidence == changed.evidence
        assert again.extras == crm_lead.extras


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

        for column in ["need", "budgetstatus", "purchasetimeframe", "createdon"]:
            assert sum(line.startswith(f"| {column} |") for line in table.splitlines()) == 1
        assert "| firstname + lastname | contact.name |" in table

    def test_the_decision_maker_box_is_not_modelled(self) -> None:
        for table in (dynamics.describe(GBP), dynamics.describe(opportunity=True)):
            assert "decisionmaker" not in table
            assert "contact.role" not in table

    def test_a_role_column_is_listed_with_the_contact_role_codes(self) -> None:
        mapping = DynamicsMapping(
            custom=CustomFields(role="new_role", role_values=dynamics.ROLE_CODES)
        )

        row = next(
            line
            for line in dynamics.describe(mapping).splitlines()
            if line.startswith("| new_role")
        )

        assert "1 decision_maker, 2 user, 3 influencer" in row

    def test_budget_codes_are_printed_as_documented(self) -> None:
        row = next(
            line for line in dynamics.describe().splitlines() if line.startswith("| budgetstatus")
        )

        assert "0 none, 1 insufficient, 2 available, 3 approved" in row
