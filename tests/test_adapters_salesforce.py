"""Salesforce: Lead and Opportunity records and LeadConvert results, read and written."""

from __future__ import annotations

import contextlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

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
    lose,
    win,
)
from leadflow import strategies as lfst
from leadflow.adapters import (
    CrmLead,
    CustomFields,
    OpportunityFields,
    WriteRatings,
    records,
    salesforce,
)
from leadflow.adapters.salesforce import LeadConversion, SalesforceMapping
from leadflow.stages import FunnelStage

UTC = timezone.utc

# An organisation that keeps the criteria in custom picklists labelled as in Dynamics,
# a checkbox for the decision maker and a currency field for the budget.
CUSTOM = CustomFields(
    need="Need__c",
    need_values={
        "Must have": NeedLevel.STRONG,
        "Should have": NeedLevel.EXPRESSED,
        "Good to have": NeedLevel.LATENT,
        "No need": NeedLevel.NONE,
    },
    budget="Budget_Status__c",
    budget_values={
        "No Committed Budget": BudgetLevel.NONE,
        "May Buy": BudgetLevel.INSUFFICIENT,
        "Can Buy": BudgetLevel.AVAILABLE,
        "Will Buy": BudgetLevel.APPROVED,
    },
    budget_amount="Budget__c",
    timeframe="Timeframe__c",
    timeframe_values={
        "Immediate": TimeframeLevel.IMMEDIATE,
        "This Quarter": TimeframeLevel.THIS_QUARTER,
        "Next Quarter": TimeframeLevel.NEXT_QUARTER,
        "This Year": TimeframeLevel.THIS_YEAR,
        "Later": TimeframeLevel.LATER,
    },
    decision_date="Decision_Date__c",
    purchase_process="Purchase_Process__c",
    purchase_process_values={
        "Individual": PurchaseProcess.INDIVIDUAL,
        "Committee": PurchaseProcess.COMMITTEE,
    },
    role="Decision_Maker__c",
    role_values={True: PurchaseRole.DECISION_MAKER, False: PurchaseRole.UNKNOWN},
)
USD = SalesforceMapping(currency="USD", custom=CUSTOM)

LEAD_ID = "00Q8d00000XyZ12EAB"
# A Lead as GET /services/data/v60.0/sobjects/Lead/<Id> returns it, with custom fields.
LEAD_RECORD: dict[str, Any] = {
    "attributes": {"type": "Lead", "url": f"/services/data/v60.0/sobjects/Lead/{LEAD_ID}"},
    "Id": LEAD_ID,
    "IsDeleted": False,
    "FirstName": "Grace",
    "LastName": "Hopper",
    "Name": "Grace Hopper",
    "Title": "VP Engineering",
    "Company": "Compiler Works Inc.",
    "Email": "Grace.Hopper@CompilerWorks.example",
    "Phone": "(415) 555-0142",
    "Status": "Open - Not Contacted",
    "Rating": None,
    "LeadSource": "Web",
    "Industry": "Technology",
    "NumberOfEmployees": 240,
    "AnnualRevenue": 12500000.0,
    "OwnerId": "0058d000001AbCdAAK",
    "IsConverted": False,
    "ConvertedDate": None,
    "ConvertedAccountId": None,
    "ConvertedContactId": None,
    "ConvertedOpportunityId": None,
    "CreatedDate": "2026-01-05T10:00:00.000+0000",
    "LastModifiedDate": "2026-01-06T09:15:00.000+0000",
    "SystemModstamp": "2026-01-06T09:15:00.000+0000",
    "Need__c": "Must have",
    "Budget_Status__c": "Can Buy",
    "Budget__c": 80000.0,
    "Timeframe__c": "This Quarter",
    "Decision_Date__c": "2026-03-20",
    "Purchase_Process__c": "Committee",
    "Decision_Maker__c": True,
    "Region__c": "West",
}

# What a POST body for the same lead without its id carries: every field but the id,
# attributes, the compound Name, the audit fields and the conversion results.
LEAD_BODY: dict[str, Any] = {
    "FirstName": "Grace",
    "LastName": "Hopper",
    "Title": "VP Engineering",
    "Company": "Compiler Works Inc.",
    "Email": "Grace.Hopper@CompilerWorks.example",
    "Phone": "(415) 555-0142",
    "Status": "Open - Not Contacted",
    "Rating": None,
    "LeadSource": "Web",
    "Industry": "Technology",
    "NumberOfEmployees": 240,
    "AnnualRevenue": 12500000.0,
    "OwnerId": "0058d000001AbCdAAK",
    "Need__c": "Must have",
    "Budget_Status__c": "Can Buy",
    "Budget__c": 80000.0,
    "Timeframe__c": "This Quarter",
    "Decision_Date__c": "2026-03-20",
    "Purchase_Process__c": "Committee",
    "Decision_Maker__c": True,
    "Region__c": "West",
}
RATING_VALUE = {Rating.HOT: "Hot", Rating.WARM: "Warm", Rating.COLD: "Cold"}


class TestReadingALead:
    def test_the_documented_lead_reads_into_the_contact_it_describes(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        assert crm_lead.contact == Contact(
            name="Grace Hopper",
            created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
            email="Grace.Hopper@compilerworks.example",
            phone="4155550142",
            organisation=Organisation(
                name="Compiler Works Inc.", industry="Technology", employees=240
            ),
            job_title="VP Engineering",
            role=PurchaseRole.DECISION_MAKER,
            id=ContactId(LEAD_ID),
        )
        assert crm_lead.id == LEAD_ID

    def test_the_custom_fields_read_into_evidence(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        assert crm_lead.evidence == Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=Money("80000", "USD")),
            # The decision date decides; the named Timeframe__c stays with the extras.
            timeframe=TimeframeEvidence(decision_date=date(2026, 3, 20)),
            authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE),
        )
        assert crm_lead.extras["Timeframe__c"] == LEAD_RECORD["Timeframe__c"]

    def test_without_a_custom_field_mapping_every_criterion_is_unknown(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD)

        assert crm_lead.evidence == Evidence()
        assert crm_lead.contact.role is PurchaseRole.UNKNOWN
        assert crm_lead.extras["Need__c"] == "Must have"

    def test_every_field_leadflow_does_not_model_is_kept_verbatim(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        assert dict(crm_lead.extras) == {
            "attributes": LEAD_RECORD["attributes"],
            "IsDeleted": False,
            "Name": "Grace Hopper",
            "Status": "Open - Not Contacted",
            "Rating": None,
            "LeadSource": "Web",
            "AnnualRevenue": 12500000.0,
            "OwnerId": "0058d000001AbCdAAK",
            "IsConverted": False,
            "ConvertedDate": None,
            "ConvertedAccountId": None,
            "ConvertedContactId": None,
            "ConvertedOpportunityId": None,
            "LastModifiedDate": "2026-01-06T09:15:00.000+0000",
            "SystemModstamp": "2026-01-06T09:15:00.000+0000",
            "Region__c": "West",
            # Beside a decision date, which decides the timeframe.
            "Timeframe__c": "This Quarter",
        }

    def test_the_record_currency_of_a_multi_currency_organisation_wins(self) -> None:
        record = {**LEAD_RECORD, "CurrencyIsoCode": "EUR"}

        crm_lead = salesforce.read_lead(record, mapping=USD)

        assert crm_lead.evidence.budget.amount == Money("80000", "EUR")

    def test_the_created_date_offset_is_honoured(self) -> None:
        record = {**LEAD_RECORD, "CreatedDate": "2026-01-05T10:00:00.000-0800"}

        created = salesforce.read_lead(record, mapping=USD).contact.created_at

        assert created == datetime(2026, 1, 5, 18, 0, tzinfo=UTC)

    def test_an_unticked_decision_maker_box_is_an_unknown_role(self) -> None:
        record = {**LEAD_RECORD, "Decision_Maker__c": False}

        assert salesforce.read_lead(record, mapping=USD).contact.role is PurchaseRole.UNKNOWN

    def test_industry_without_a_company_stays_with_the_extras(self) -> None:
        record = {**LEAD_RECORD, "Company": None, "NumberOfEmployees": "many"}

        crm_lead = salesforce.read_lead(record, mapping=USD)

        assert crm_lead.contact.organisation is None
        assert crm_lead.extras["Industry"] == "Technology"
        # An update leaves the field alone; a create carries it as it was read.
        assert salesforce.write_lead(crm_lead, mapping=USD) == {}
        created = salesforce.write_lead(attrs.evolve(crm_lead, id=None), mapping=USD)
        assert created["NumberOfEmployees"] == "many"


class TestReadingABadLead:
    def test_every_bad_field_is_reported_with_its_path(self) -> None:
        record = {
            **LEAD_RECORD,
            "LastName": None,
            "FirstName": None,
            "Name": None,
            "Phone": "call me",
            "Budget__c": "a lot",
            "NumberOfEmployees": -3,
            "CreatedDate": "yesterday",
        }

        with pytest.raises(InvalidRecordError) as caught:
            salesforce.read_lead(record, mapping=USD)

        assert {error.path for error in caught.value.errors} == {
            "$.LastName",
            "$.Phone",
            "$.Budget__c",
            "$.NumberOfEmployees",
            "$.CreatedDate",
        }

    def test_a_picklist_value_the_mapping_does_not_list_reads_as_unknown_and_is_reported(
        self,
    ) -> None:
        crm_lead = salesforce.read_lead({**LEAD_RECORD, "Need__c": "Critical"}, mapping=USD)

        assert crm_lead.evidence.need.level is NeedLevel.UNKNOWN
        assert [(r.field, r.value) for r in crm_lead.repairs] == [("Need__c", "Critical")]
        # Reading it as unknown is not a change: the value stays as the person chose it.
        assert salesforce.write_lead(crm_lead, mapping=USD) == {}

    def test_a_record_of_another_object_is_refused(self) -> None:
        record = {**LEAD_RECORD, "attributes": {"type": "Contact", "url": "/x"}}

        with pytest.raises(InvalidRecordError) as caught:
            salesforce.read_lead(record, mapping=USD)

        assert [error.path for error in caught.value.errors] == ["$.attributes.type"]

    def test_a_malformed_currency_code_is_reported(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            salesforce.read_lead({**LEAD_RECORD, "CurrencyIsoCode": "dollars"}, mapping=USD)

        assert "$.CurrencyIsoCode" in {error.path for error in caught.value.errors}


class TestWritingALead:
    def test_the_documented_lead_unchanged_is_an_empty_update(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        assert salesforce.write_lead(crm_lead, mapping=USD) == {}

    def test_the_documented_lead_is_created_without_its_read_only_fields(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        assert salesforce.write_lead(attrs.evolve(crm_lead, id=None), mapping=USD) == LEAD_BODY

    def test_changed_evidence_is_written_as_the_custom_picklist_value(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)
        evidence = attrs.evolve(
            crm_lead.evidence,
            budget=BudgetEvidence(level=BudgetLevel.APPROVED, amount=Money("95000.50", "USD")),
            timeframe=TimeframeEvidence(level=TimeframeLevel.LATER),
        )

        body = salesforce.write_lead(attrs.evolve(crm_lead, evidence=evidence), mapping=USD)

        assert body == {
            "Budget_Status__c": "Will Buy",
            "Budget__c": 95000.5,
            "Timeframe__c": "Later",
            "Decision_Date__c": None,
        }

    def test_a_changed_organisation_is_written_field_by_field(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)
        contact = attrs.evolve(crm_lead.contact, organisation=Organisation(name="Navy Labs"))

        body = salesforce.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=USD)

        assert body == {
            "Company": "Navy Labs",
            "Industry": None,
            "NumberOfEmployees": None,
        }

    def test_an_email_longer_than_the_field_is_refused(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)
        contact = attrs.evolve(crm_lead.contact, email="g" * 60 + "@" + "navy" * 5 + ".example")

        with pytest.raises(InvalidRecordError) as caught:
            salesforce.write_lead(attrs.evolve(crm_lead, contact=contact), mapping=USD)

        assert [error.path for error in caught.value.errors] == ["$.Email"]

    def test_related_records_and_compound_fields_are_not_written(self) -> None:
        record = {
            **LEAD_RECORD,
            "Owner": {"attributes": {"type": "User"}, "Name": "Ada"},
            "Address": {"city": "Arlington", "country": "US"},
        }

        crm_lead = salesforce.read_lead(record, mapping=USD)

        assert salesforce.write_lead(attrs.evolve(crm_lead, id=None), mapping=USD) == LEAD_BODY
        assert salesforce.write_lead(crm_lead, mapping=USD) == {}

    def test_fields_leadflow_does_not_model_are_never_in_an_update(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)
        extras = {**crm_lead.extras, "Region__c": "East", "LeadSource": "Partner"}

        body = salesforce.write_lead(attrs.evolve(crm_lead, extras=extras), mapping=USD)

        assert body == {}

    def test_a_field_the_mapping_marks_read_only_is_never_written(self) -> None:
        mapping = attrs.evolve(USD, read_only=frozenset({"Title", "Region__c"}))
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=mapping)
        changed = attrs.evolve(crm_lead, contact=attrs.evolve(crm_lead.contact, job_title="CTO"))

        assert salesforce.write_lead(changed, mapping=mapping) == {}
        created = salesforce.write_lead(attrs.evolve(changed, id=None), mapping=mapping)
        assert created == {
            k: v for k, v in LEAD_BODY.items() if k not in ("Title", "Region__c")
        }


class TestWritingADecision:
    @pytest.mark.parametrize("rating", list(Rating))
    def test_the_rating_becomes_the_rating_picklist_value(self, rating: Rating) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, rating), mapping=USD
        )

        assert body == {"Rating": RATING_VALUE[rating]}

    def test_a_disqualified_lead_is_closed_not_converted_when_the_mapping_opts_in(
        self,
    ) -> None:
        mapping = attrs.evolve(USD, close_disqualified=True)
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=mapping)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=mapping
        )

        assert body == {"Rating": "Cold", "Status": "Closed - Not Converted"}

    def test_a_disqualified_lead_stays_open_by_default_and_gets_its_rating(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=USD
        )

        assert body == {"Rating": "Cold"}

    def test_a_rating_a_person_set_is_kept_by_default(self) -> None:
        crm_lead = salesforce.read_lead({**LEAD_RECORD, "Rating": "Hot"}, mapping=USD)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, Rating.WARM), mapping=USD
        )

        assert body == {}

    def test_a_rating_a_person_set_is_replaced_when_the_mapping_says_always(self) -> None:
        mapping = attrs.evolve(USD, write_ratings=WriteRatings.ALWAYS)
        crm_lead = salesforce.read_lead({**LEAD_RECORD, "Rating": "Hot"}, mapping=mapping)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, Rating.WARM), mapping=mapping
        )

        assert body == {"Rating": "Warm"}

    def test_a_rating_outside_the_picklist_table_is_kept_even_always(self) -> None:
        mapping = attrs.evolve(USD, write_ratings=WriteRatings.ALWAYS)
        crm_lead = salesforce.read_lead({**LEAD_RECORD, "Rating": "Tepid"}, mapping=mapping)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.NURTURE, Rating.WARM), mapping=mapping
        )

        assert body == {}

    def test_no_rating_is_written_when_the_mapping_says_never(self) -> None:
        mapping = attrs.evolve(USD, write_ratings=WriteRatings.NEVER)
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=mapping)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert body == {}

    def test_a_qualified_lead_keeps_its_status_until_it_is_converted(self) -> None:
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=USD)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=USD
        )

        assert body == {"Rating": "Hot"}

    def test_an_undetermined_lead_keeps_its_status(self) -> None:
        crm_lead = salesforce.read_lead(
            {**LEAD_RECORD, "Status": "Working - Contacted"}, mapping=USD
        )

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.WARM), mapping=USD
        )

        assert body == {"Rating": "Warm"}

    def test_an_undetermined_cold_rating_leaves_the_rating_as_it_is(self) -> None:
        crm_lead = salesforce.read_lead({**LEAD_RECORD, "Rating": "Warm"}, mapping=USD)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, Rating.COLD), mapping=USD
        )

        assert body == {}

    def test_an_undetermined_lead_can_be_given_an_open_status_only(self) -> None:
        working = attrs.evolve(USD, lead_statuses={Verdict.UNDETERMINED: "Working - Contacted"})

        assert working.lead_statuses[Verdict.UNDETERMINED] == "Working - Contacted"
        with pytest.raises(InvalidFieldError) as caught:
            attrs.evolve(USD, lead_statuses={Verdict.UNDETERMINED: "Closed - Not Converted"})
        assert caught.value.field == "lead_statuses[undetermined]"

    def test_every_verdict_has_a_status_entry(self) -> None:
        assert set(salesforce.LEAD_STATUSES) == set(Verdict)

    def test_the_statuses_are_configurable(self) -> None:
        mapping = attrs.evolve(
            USD,
            lead_statuses={Verdict.QUALIFIED: "Qualified"},
            open_statuses=["Open - Not Contacted", "Working - Contacted", "Qualified"],
        )
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=mapping)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert body["Status"] == "Qualified"

    def test_a_configured_status_that_is_not_open_is_never_written_for_a_qualified_lead(
        self,
    ) -> None:
        # "Qualified" is not listed as open, so it closes the lead: only a
        # disqualified verdict may close one, and only when opted in.
        mapping = attrs.evolve(
            USD, lead_statuses={Verdict.QUALIFIED: "Qualified"}, close_disqualified=True
        )
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=mapping)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT), mapping=mapping
        )

        assert body == {"Rating": "Hot"}

    CONVERTED: ClassVar[dict[str, Any]] = {
        **LEAD_RECORD,
        "IsConverted": True,
        "Status": "Closed - Converted",
        "ConvertedAccountId": "0018d00000AbCdEAAV",
    }

    def test_a_decision_on_a_converted_lead_writes_nothing(self) -> None:
        mapping = attrs.evolve(USD, close_disqualified=True, write_ratings=WriteRatings.ALWAYS)
        crm_lead = salesforce.read_lead(self.CONVERTED, mapping=mapping)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD), mapping=mapping
        )

        assert body == {}

    def test_a_change_to_a_converted_lead_is_refused_naming_is_converted(self) -> None:
        crm_lead = salesforce.read_lead(self.CONVERTED, mapping=USD)
        changed = attrs.evolve(crm_lead, contact=attrs.evolve(crm_lead.contact, job_title="CTO"))

        with pytest.raises(InvalidRecordError) as caught:
            salesforce.write_lead(changed, mapping=USD)

        assert [error.path for error in caught.value.errors] == ["$.IsConverted"]


# A Lead as the REST API returns it just after Web-to-Lead created it: the custom fields
# for the criteria exist but nobody has filled them in yet; the checkbox is unticked.
FRESH_ID = "00Q8d00000AbC34EAB"
FRESH_RECORD: dict[str, Any] = {
    "attributes": {"type": "Lead", "url": f"/services/data/v60.0/sobjects/Lead/{FRESH_ID}"},
    "Id": FRESH_ID,
    "IsDeleted": False,
    "FirstName": "Katherine",
    "LastName": "Johnson",
    "Name": "Katherine Johnson",
    "Title": None,
    "Company": "Orbital Mechanics LLC",
    "Email": "katherine@orbital.example",
    "Phone": None,
    "Status": "Open - Not Contacted",
    "Rating": None,
    "LeadSource": "Web",
    "Industry": None,
    "NumberOfEmployees": None,
    "AnnualRevenue": None,
    "OwnerId": "0058d000001AbCdAAK",
    "IsConverted": False,
    "ConvertedDate": None,
    "ConvertedAccountId": None,
    "ConvertedContactId": None,
    "ConvertedOpportunityId": None,
    "CreatedDate": "2026-01-09T16:20:00.000+0000",
    "LastModifiedDate": "2026-01-09T16:20:00.000+0000",
    "SystemModstamp": "2026-01-09T16:20:00.000+0000",
    "Need__c": None,
    "Budget_Status__c": None,
    "Budget__c": None,
    "Timeframe__c": None,
    "Decision_Date__c": None,
    "Purchase_Process__c": None,
    "Decision_Maker__c": False,
}
_NOT_WRITTEN = {
    "attributes",
    "Id",
    "IsDeleted",
    "Name",
    "IsConverted",
    "ConvertedDate",
    "ConvertedAccountId",
    "ConvertedContactId",
    "ConvertedOpportunityId",
    "CreatedDate",
    "LastModifiedDate",
    "SystemModstamp",
}
FRESH_BODY: dict[str, Any] = {k: v for k, v in FRESH_RECORD.items() if k not in _NOT_WRITTEN}
# The install-default statuses that close a lead.
CLOSED_STATUSES = {"Closed - Converted", "Closed - Not Converted"}


class TestWritingBackAQualifiedRecord:
    """Records read, qualified under the default policy and written back, as a CRM would."""

    def test_a_fresh_lead_is_undetermined_and_written_back_open_as_it_was(self) -> None:
        crm_lead = salesforce.read_lead(FRESH_RECORD, mapping=USD)
        decision = qualified(crm_lead)

        body = salesforce.write_lead(crm_lead, decision, mapping=USD)

        assert decision.verdict is Verdict.UNDETERMINED
        # Not knowing is not a cold lead: the rating stays empty, not Cold; nothing
        # else changed, so nothing is written.
        assert body == {}

    def test_a_fresh_lead_without_custom_fields_is_undetermined_too(self) -> None:
        crm_lead = salesforce.read_lead(FRESH_RECORD, mapping=SalesforceMapping(currency="USD"))
        decision = qualified(crm_lead)

        body = salesforce.write_lead(crm_lead, decision, mapping=SalesforceMapping(currency="USD"))

        assert decision.verdict is Verdict.UNDETERMINED
        assert body == {}

    def test_a_new_lead_is_created_open_not_contacted(self) -> None:
        record = {k: v for k, v in FRESH_RECORD.items() if k not in ("Id", "Status")}
        crm_lead = salesforce.read_lead(record, mapping=USD)
        decision = qualified(crm_lead)

        body = salesforce.write_lead(crm_lead, decision, mapping=USD)

        assert decision.verdict is Verdict.UNDETERMINED
        assert body == {**FRESH_BODY, "Status": "Open - Not Contacted"}

    @pytest.mark.parametrize(
        ("status", "written"),
        [
            ("Working - Contacted", "Working - Contacted"),
            ("Closed - Not Converted", "Open - Not Contacted"),
        ],
    )
    def test_a_new_lead_keeps_an_open_status_and_never_a_closed_one(
        self, status: str, written: str
    ) -> None:
        record = {k: v for k, v in FRESH_RECORD.items() if k != "Id"}
        crm_lead = salesforce.read_lead({**record, "Status": status}, mapping=USD)

        body = salesforce.write_lead(crm_lead, qualified(crm_lead), mapping=USD)

        assert body["Status"] == written

    def test_the_open_status_of_a_new_lead_is_configurable(self) -> None:
        mapping = attrs.evolve(USD, open_statuses=["New", "Working"])
        crm_lead = salesforce.read_lead(
            {k: v for k, v in FRESH_RECORD.items() if k != "Id"}, mapping=mapping
        )

        body = salesforce.write_lead(crm_lead, qualified(crm_lead), mapping=mapping)

        assert body["Status"] == "New"

    def test_no_committed_budget_is_evidence_against_and_closes_the_lead_if_opted_in(
        self,
    ) -> None:
        mapping = attrs.evolve(USD, close_disqualified=True)
        record = {**FRESH_RECORD, "Budget_Status__c": "No Committed Budget"}
        crm_lead = salesforce.read_lead(record, mapping=mapping)
        decision = qualified(crm_lead)

        body = salesforce.write_lead(crm_lead, decision, mapping=mapping)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert body == {"Status": "Closed - Not Converted", "Rating": "Cold"}

    def test_no_committed_budget_leaves_the_lead_open_by_default(self) -> None:
        record = {**FRESH_RECORD, "Budget_Status__c": "No Committed Budget"}
        crm_lead = salesforce.read_lead(record, mapping=USD)
        decision = qualified(crm_lead)

        body = salesforce.write_lead(crm_lead, decision, mapping=USD)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert body == {"Rating": "Cold"}

    def test_a_new_disqualified_lead_is_created_closed_only_if_opted_in(self) -> None:
        record = {
            k: v
            for k, v in {**FRESH_RECORD, "Budget_Status__c": "No Committed Budget"}.items()
            if k != "Id"
        }
        crm_lead = salesforce.read_lead(record, mapping=USD)
        decision = qualified(crm_lead)
        closing = attrs.evolve(USD, close_disqualified=True)

        assert salesforce.write_lead(crm_lead, decision, mapping=USD)["Status"] == (
            "Open - Not Contacted"
        )
        assert salesforce.write_lead(crm_lead, decision, mapping=closing)["Status"] == (
            "Closed - Not Converted"
        )

    def test_a_lead_in_the_market_only_later_is_nurtured_and_stays_open(self) -> None:
        record = {
            **FRESH_RECORD,
            "Need__c": "Must have",
            "Budget_Status__c": "Can Buy",
            "Timeframe__c": "Later",
        }
        crm_lead = salesforce.read_lead(record, mapping=USD)
        decision = qualified(crm_lead)

        body = salesforce.write_lead(crm_lead, decision, mapping=USD)

        assert decision.verdict is Verdict.NURTURE
        assert body == {"Rating": "Warm"}


def build_opportunity() -> Opportunity:
    contact = Contact(
        name="Grace Hopper",
        email="grace@compilerworks.example",
        created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        role=PurchaseRole.DECISION_MAKER,
        organisation=Organisation(name="Compiler Works Inc."),
    )
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG),
        budget=BudgetEvidence(level=BudgetLevel.APPROVED),
        timeframe=TimeframeEvidence(level=TimeframeLevel.IMMEDIATE),
    )
    return promoted(
        contact,
        evidence,
        terms=TermsLevel.PAYMENT_TERMS,
        supplier=SupplierStatus.NO_SUPPLIER,
        value=Money("120000", "USD"),
        close=date(2026, 4, 15),
        name="Compiler Works - site licence",
        step=OpportunityStage.DEVELOP,
    )


CLOSED_AT = datetime(2026, 2, 3, 23, 30, tzinfo=timezone(timedelta(hours=-8)))


class TestWritingAnOpportunity:
    def test_an_open_opportunity_is_written_at_its_step(self) -> None:
        body = salesforce.write_opportunity(build_opportunity(), mapping=USD)

        # BANT gives the develop step 40 percent.
        assert body == {
            "Name": "Compiler Works - site licence",
            "StageName": "Needs Analysis",
            "Probability": 40,
            "Amount": 120000,
            "CloseDate": "2026-04-15",
        }

    def test_a_won_opportunity_is_closed_won_on_the_day_it_closed(self) -> None:
        customer, _ = win(build_opportunity(), as_of=CLOSED_AT, value=Money("115000.25", "USD"))

        body = salesforce.write_opportunity(customer, mapping=USD)

        assert body == {
            "Name": "Compiler Works - site licence",
            "StageName": "Closed Won",
            "Probability": 100,
            "Amount": 115000.25,
            "CloseDate": "2026-02-03",
        }

    def test_a_lost_opportunity_is_closed_lost(self) -> None:
        lost, _ = lose(build_opportunity(), reason=LossReason.NO_DECISION, as_of=CLOSED_AT)

        body = salesforce.write_opportunity(lost, mapping=USD)

        assert body == {
            "Name": "Compiler Works - site licence",
            "StageName": "Closed Lost",
            "Probability": 0,
            "Amount": 120000,
            "CloseDate": "2026-02-03",
        }

    def test_the_stage_names_are_configurable(self) -> None:
        mapping = attrs.evolve(USD, stages={"Discovery": OpportunityStage.DEVELOP})

        body = salesforce.write_opportunity(build_opportunity(), mapping=mapping)

        assert body["StageName"] == "Discovery"

    def test_an_opportunity_leaves_out_its_own_read_only_fields_not_the_lead_s(self) -> None:
        # A Lead's describe says its compound Name is read-only; an Opportunity's Name
        # is required. Each record's metadata goes to its own set.
        mapping = attrs.evolve(USD, read_only={"Name"}, opportunity_read_only={"Amount"})

        body = salesforce.write_opportunity(build_opportunity(), mapping=mapping)

        assert "Amount" not in body
        assert body["Name"] == build_opportunity().name


class TestReadingAnOpportunity:
    def test_the_documented_opportunity_reads_into_a_summary(self) -> None:
        record = {
            "attributes": {"type": "Opportunity", "url": "/services/data/v60.0/x"},
            "Id": "0068d00000PqRsTAAV",
            "Name": "Compiler Works - site licence",
            "StageName": "Proposal/Price Quote",
            "Probability": 75.0,
            "Amount": 120000.0,
            "CloseDate": "2026-04-15",
            "ForecastCategoryName": "Pipeline",
            "IsClosed": False,
            "IsWon": False,
        }

        assert salesforce.read_opportunity_fields(record, mapping=USD) == OpportunityFields(
            id="0068d00000PqRsTAAV",
            name="Compiler Works - site licence",
            outcome=FunnelStage.OPPORTUNITY,
            step=OpportunityStage.PROPOSE,
            probability=75,
            amount=Money("120000", "USD"),
            expected_close=date(2026, 4, 15),
        )

    @pytest.mark.parametrize(
        ("stage", "closed", "won", "outcome"),
        [
            ("Closed Won", True, True, FunnelStage.CUSTOMER),
            ("Closed Lost", True, False, FunnelStage.LOST),
            ("Signed", True, True, FunnelStage.CUSTOMER),
            ("Closed Won", None, None, FunnelStage.CUSTOMER),
            ("Closed Lost", None, None, FunnelStage.LOST),
        ],
    )
    def test_the_outcome_comes_from_the_flags_or_else_the_stage(
        self, stage: str, closed: bool | None, won: bool | None, outcome: FunnelStage
    ) -> None:
        record = {"StageName": stage, "IsClosed": closed, "IsWon": won}

        assert salesforce.read_opportunity_fields(record).outcome is outcome

    def test_a_stage_of_the_organisation_gives_no_step(self) -> None:
        assert salesforce.read_opportunity_fields({"StageName": "Discovery"}).step is None


class TestLeadConvertResults:
    def test_a_successful_conversion_reads_its_ids(self) -> None:
        result = {
            "leadId": LEAD_ID,
            "accountId": "0018d00000AbCdEAAV",
            "contactId": "0038d00000FgHiJAAV",
            "opportunityId": "0068d00000PqRsTAAV",
            "success": True,
            "errors": [],
        }

        assert salesforce.read_lead_convert_result(result) == LeadConversion(
            success=True,
            lead_id=LEAD_ID,
            account_id="0018d00000AbCdEAAV",
            contact_id="0038d00000FgHiJAAV",
            opportunity_id="0068d00000PqRsTAAV",
        )

    def test_a_conversion_without_opportunity_has_none(self) -> None:
        result = {
            "accountId": "0018d00000AbCdEAAV",
            "contactId": "0038d00000FgHiJAAV",
            "opportunityId": None,
            "success": True,
        }

        assert salesforce.read_lead_convert_result(result).opportunity_id is None

    def test_a_failed_conversion_keeps_its_messages(self) -> None:
        result = {
            "success": False,
            "errors": [{"statusCode": "INVALID_STATUS", "message": "invalid convertedStatus"}],
        }

        conversion = salesforce.read_lead_convert_result(result)

        assert (conversion.success, conversion.errors) == (False, ("invalid convertedStatus",))

    def test_a_success_without_account_and_contact_is_malformed(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            salesforce.read_lead_convert_result({"success": True, "contactId": 7})

        assert {error.path for error in caught.value.errors} == {"$.accountId", "$.contactId"}


# --------------------------------------------------------------------------------------------
# Golden records: shaped as the REST API and simple-salesforce return them (see
# docs/crm/salesforce.md, "Verified facts"); the expected values are written out by hand.
# --------------------------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "salesforce"


def page_records(page: object) -> list[Mapping[str, Any]]:
    """The records of a page, as ``records`` walks it, typed for ``read_lead``."""
    found = list(records(page))
    assert all(isinstance(record, Mapping) for record in found)
    return [record for record in found if isinstance(record, Mapping)]


def golden(name: str) -> Any:
    """A golden record as simple-salesforce decodes it by default: OrderedDicts throughout."""
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"), object_pairs_hook=OrderedDict)


ANA_ID = "00Q5g00000AbCdEEAV"
# The fields of lead_get.json a POST takes, by hand: everything but the id, the
# attributes, the compound Name and Address, the audit and system fields, the merge
# and photo fields and the conversion results.
ANA_CREATE_BODY: dict[str, Any] = {
    "LastName": "Lopez",
    "FirstName": "Ana",
    "Salutation": "Ms.",
    "Title": "VP Operations",
    "Company": "Northwind Traders",
    "Street": "100 Market St",
    "City": "San Francisco",
    "State": "CA",
    "PostalCode": "94105",
    "Country": "USA",
    "Latitude": None,
    "Longitude": None,
    "GeocodeAccuracy": None,
    "Phone": "(415) 555-0100",
    "MobilePhone": None,
    "Fax": None,
    "Email": "ana.lopez@northwind.example",
    "Website": "www.northwind.example",
    "Description": None,
    "LeadSource": "Web",
    "Status": "Open - Not Contacted",
    "Industry": "Retail",
    "Rating": "Warm",
    "CurrencyIsoCode": "USD",
    "AnnualRevenue": 25000000.0,
    "NumberOfEmployees": 250,
    "OwnerId": "0055g00000XyZaBAAV",
    "HasOptedOutOfEmail": False,
    "IsUnreadByOwner": True,
    "DoNotCall": False,
    "HasOptedOutOfFax": False,
    "Jigsaw": None,
    "CleanStatus": None,
    "CompanyDunsNumber": None,
    "EmailBouncedReason": None,
    "EmailBouncedDate": None,
    "IndividualId": None,
    "Lead_Score__c": 72.0,
}


class TestGoldenLeads:
    def test_a_simple_salesforce_lead_reads_into_its_contact(self) -> None:
        record = golden("lead_get.json")
        assert isinstance(record, OrderedDict)

        crm_lead = salesforce.read_lead(record)

        assert crm_lead.id == ANA_ID
        assert crm_lead.contact == Contact(
            name="Ana Lopez",
            created_at=datetime(2024, 3, 1, 10, 15, 30, tzinfo=UTC),
            email="ana.lopez@northwind.example",
            phone="4155550100",
            organisation=Organisation(name="Northwind Traders", industry="Retail", employees=250),
            job_title="VP Operations",
            id=ContactId(ANA_ID),
        )
        # Salesforce has no standard field for the criteria.
        assert crm_lead.evidence == Evidence()
        assert crm_lead.repairs == ()

    def test_a_simple_salesforce_lead_keeps_what_leadflow_does_not_model(self) -> None:
        crm_lead = salesforce.read_lead(golden("lead_get.json"))

        modelled = {
            "Id",
            "FirstName",
            "LastName",
            "CreatedDate",
            "Email",
            "Phone",
            "Title",
            "Company",
            "Industry",
            "NumberOfEmployees",
        }
        assert dict(crm_lead.extras) == {
            k: v for k, v in json.loads((GOLDEN / "lead_get.json").read_text()).items()
            if k not in modelled
        }

    def test_the_same_lead_as_plain_dicts_reads_the_same(self) -> None:
        plain = json.loads((GOLDEN / "lead_get.json").read_text(encoding="utf-8"))

        assert salesforce.read_lead(plain) == salesforce.read_lead(golden("lead_get.json"))

    def test_a_query_page_is_walked_record_by_record(self) -> None:
        leads = [salesforce.read_lead(r) for r in page_records(golden("query_page1.json"))]

        assert [(lead.id, lead.contact.name, lead.contact.email) for lead in leads] == [
            ("00Q5g00000AbCdEEAV", "Ana Lopez", "ana.lopez@northwind.example"),
            ("00Q5g00000AbCdFEAV", "Wei Chen", "wei.chen@contoso.example"),
        ]
        assert [lead.extras["Rating"] for lead in leads] == ["Warm", "Hot"]
        assert [lead.extras["IsConverted"] for lead in leads] == [False, True]

    def test_a_queried_lead_without_email_or_phone_is_refused_naming_the_email(self) -> None:
        (okafor,) = page_records(golden("query_page2.json"))

        with pytest.raises(InvalidRecordError) as caught:
            salesforce.read_lead(okafor)

        assert [error.path for error in caught.value.errors] == ["$.Email"]

    def test_a_query_all_result_is_walked_too(self) -> None:
        # simple-salesforce's query_all(): a plain dict of all records, done, no next URL.
        first = golden("query_page1.json")["records"]
        page = {"records": first, "totalSize": 2, "done": True}

        assert [salesforce.read_lead(r).id for r in page_records(page)] == [
            "00Q5g00000AbCdEEAV",
            "00Q5g00000AbCdFEAV",
        ]

    def test_unchanged_and_undecided_the_golden_lead_is_an_empty_update(self) -> None:
        assert salesforce.write_lead(salesforce.read_lead(golden("lead_get.json"))) == {}

    def test_the_golden_lead_without_its_id_is_created_whole_but_for_read_only_fields(
        self,
    ) -> None:
        crm_lead = salesforce.read_lead(golden("lead_get.json"))

        assert salesforce.write_lead(attrs.evolve(crm_lead, id=None)) == ANA_CREATE_BODY

    def test_a_changed_email_and_title_are_the_whole_update(self) -> None:
        crm_lead = salesforce.read_lead(golden("lead_get.json"))
        contact = attrs.evolve(
            crm_lead.contact, email="ana@northwind.example", job_title="COO"
        )

        body = salesforce.write_lead(attrs.evolve(crm_lead, contact=contact))

        assert body == {"Email": "ana@northwind.example", "Title": "COO"}

    def test_a_person_s_warm_rating_is_kept_by_default(self) -> None:
        crm_lead = salesforce.read_lead(golden("lead_get.json"))

        body = salesforce.write_lead(crm_lead, decided(crm_lead, Verdict.QUALIFIED, Rating.HOT))

        assert body == {}

    def test_a_person_s_hot_rating_is_overwritten_only_when_always(self) -> None:
        record = {**golden("lead_get.json"), "Rating": "Hot"}
        always = SalesforceMapping(write_ratings=WriteRatings.ALWAYS)
        crm_lead = salesforce.read_lead(record)
        decision = decided(crm_lead, Verdict.NURTURE, Rating.WARM)

        assert salesforce.write_lead(crm_lead, decision) == {}
        assert salesforce.write_lead(crm_lead, decision, mapping=always) == {"Rating": "Warm"}

    def test_a_disqualified_golden_lead_is_closed_only_when_opted_in(self) -> None:
        record = {**golden("lead_get.json"), "Rating": None}
        crm_lead = salesforce.read_lead(record)
        decision = decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD)
        closing = SalesforceMapping(close_disqualified=True)

        assert salesforce.write_lead(crm_lead, decision) == {"Rating": "Cold"}
        assert salesforce.write_lead(crm_lead, decision, mapping=closing) == {
            "Rating": "Cold",
            "Status": "Closed - Not Converted",
        }

    def test_the_record_currency_beats_the_mapping_currency(self) -> None:
        mapping = SalesforceMapping(currency="USD", custom=CustomFields(budget_amount="Budget__c"))
        record = {**golden("lead_get.json"), "CurrencyIsoCode": "EUR", "Budget__c": 50000.0}

        crm_lead = salesforce.read_lead(record, mapping=mapping)

        assert crm_lead.evidence.budget.amount == Money("50000", "EUR")
        # Written back in the record's currency too: an unchanged amount is no change.
        assert salesforce.write_lead(crm_lead, mapping=mapping) == {}

    def test_without_a_record_currency_the_mapping_currency_stands_in(self) -> None:
        mapping = SalesforceMapping(currency="USD", custom=CustomFields(budget_amount="Budget__c"))
        record = {**golden("lead_get.json"), "CurrencyIsoCode": None, "Budget__c": 50000.0}

        crm_lead = salesforce.read_lead(record, mapping=mapping)

        assert crm_lead.evidence.budget.amount == Money("50000", "USD")


class TestGoldenConvertedLead:
    def test_a_converted_lead_reads_with_its_conversion_in_the_extras(self) -> None:
        crm_lead = salesforce.read_lead(golden("lead_converted.json"))

        assert crm_lead.contact.name == "Wei Chen"
        assert crm_lead.extras["IsConverted"] is True
        assert crm_lead.extras["ConvertedContactId"] == "0035g00000LmNoPAAV"

    def test_with_nothing_to_write_a_converted_lead_is_an_empty_update(self) -> None:
        crm_lead = salesforce.read_lead(golden("lead_converted.json"))

        assert salesforce.write_lead(crm_lead) == {}
        decision = decided(crm_lead, Verdict.DISQUALIFIED, Rating.COLD)
        closing = SalesforceMapping(close_disqualified=True, write_ratings=WriteRatings.ALWAYS)
        assert salesforce.write_lead(crm_lead, decision, mapping=closing) == {}

    def test_a_change_to_a_converted_lead_raises_naming_is_converted(self) -> None:
        crm_lead = salesforce.read_lead(golden("lead_converted.json"))
        contact = attrs.evolve(crm_lead.contact, email="wei@contoso.example")

        with pytest.raises(InvalidRecordError) as caught:
            salesforce.write_lead(attrs.evolve(crm_lead, contact=contact))

        assert [error.field for error in caught.value.errors] == ["IsConverted"]
        assert "converted" in str(caught.value)


    @pytest.mark.parametrize("flag", ["true", "True", 1])
    def test_a_lead_converted_by_text_or_number_is_locked_too(self, flag: object) -> None:
        # An export may spell IsConverted as text: such a lead is converted all the same.
        record = {**golden("lead_converted.json"), "IsConverted": flag}
        crm_lead = salesforce.read_lead(record)
        contact = attrs.evolve(crm_lead.contact, job_title="CTO")

        with pytest.raises(InvalidRecordError) as caught:
            salesforce.write_lead(attrs.evolve(crm_lead, contact=contact))

        assert [error.field for error in caught.value.errors] == ["IsConverted"]
        decision = decided(crm_lead, Verdict.QUALIFIED, Rating.HOT)
        assert salesforce.write_lead(crm_lead, decision) == {}

    @pytest.mark.parametrize("flag", ["false", 0, None])
    def test_a_lead_clearly_not_converted_takes_an_update(self, flag: object) -> None:
        record = {**golden("lead_converted.json"), "IsConverted": flag}
        crm_lead = salesforce.read_lead(record)
        contact = attrs.evolve(crm_lead.contact, job_title="CTO")

        assert salesforce.write_lead(attrs.evolve(crm_lead, contact=contact)) == {"Title": "CTO"}

    def test_an_opportunity_record_that_is_bad_is_refused_not_compared(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            salesforce.write_opportunity(build_opportunity(), mapping=USD, record={"Amount": "abc"})

        assert [error.field for error in caught.value.errors] == ["Amount"]


class TestGoldenDescribe:
    def test_the_fields_describe_marks_not_updateable_are_read_only(self) -> None:
        found = salesforce.read_only_fields(golden("describe_lead_excerpt.json"))

        assert found == {
            "Id",
            "Name",
            "IsConverted",
            "ConvertedAccountId",
            "LastModifiedDate",
            "Lead_Score__c",
        }

    def test_a_formula_field_is_created_only_without_the_describe(self) -> None:
        read_only = salesforce.read_only_fields(golden("describe_lead_excerpt.json"))
        mapping = SalesforceMapping(read_only=read_only)
        new_lead = attrs.evolve(salesforce.read_lead(golden("lead_get.json")), id=None)

        assert salesforce.write_lead(new_lead)["Lead_Score__c"] == 72.0
        body = salesforce.write_lead(new_lead, mapping=mapping)
        assert body == {k: v for k, v in ANA_CREATE_BODY.items() if k != "Lead_Score__c"}

    def test_a_describe_without_a_fields_list_is_refused(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            salesforce.read_only_fields({"name": "Lead"})

        assert [error.path for error in caught.value.errors] == ["$.fields"]


def contoso_opportunity(value: Money) -> Opportunity:
    """The opportunity opportunity_get.json holds, as leadflow would have made it."""
    contact = Contact(
        name="Wei Chen",
        email="wei.chen@contoso.example",
        created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        role=PurchaseRole.DECISION_MAKER,
        organisation=Organisation(name="Contoso Ltd"),
    )
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG),
        budget=BudgetEvidence(level=BudgetLevel.APPROVED),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
    )
    return promoted(
        contact,
        evidence,
        terms=TermsLevel.PAYMENT_TERMS,
        supplier=SupplierStatus.NO_SUPPLIER,
        value=value,
        close=date(2026, 6, 30),
        name="Contoso - Annual plan",
        step=OpportunityStage.CLOSE,
    )


class TestGoldenOpportunity:
    def test_the_golden_opportunity_reads_in_its_own_currency(self) -> None:
        fields = salesforce.read_opportunity_fields(
            golden("opportunity_get.json"), mapping=SalesforceMapping(currency="USD")
        )

        assert fields == OpportunityFields(
            id="0065g00000GhIjKAAV",
            name="Contoso - Annual plan",
            outcome=FunnelStage.OPPORTUNITY,
            step=OpportunityStage.CLOSE,
            probability=90,
            amount=Money("48000", "EUR"),
            expected_close=date(2026, 6, 30),
        )

    def test_against_the_record_only_what_differs_is_written(self) -> None:
        opportunity = contoso_opportunity(Money("48000", "EUR"))

        body = salesforce.write_opportunity(opportunity, record=golden("opportunity_get.json"))

        # Name, stage, amount and close date are as the record has them; only the
        # probability leadflow gives the close step may differ from the person's 90.
        expected = {} if opportunity.probability == 90 else {"Probability": opportunity.probability}
        assert body == expected

    def test_a_won_opportunity_against_the_record_is_closed_won(self) -> None:
        opportunity = contoso_opportunity(Money("48000", "EUR"))
        customer, _ = win(opportunity, as_of=CLOSED_AT, value=Money("45500", "EUR"))

        body = salesforce.write_opportunity(customer, record=golden("opportunity_get.json"))

        assert body == {
            "StageName": "Closed Won",
            "Probability": 100,
            "Amount": 45500,
            "CloseDate": "2026-02-03",
        }

    def test_without_the_record_the_whole_opportunity_is_written(self) -> None:
        opportunity = contoso_opportunity(Money("48000", "EUR"))

        body = salesforce.write_opportunity(opportunity)

        assert body == {
            "Name": "Contoso - Annual plan",
            "StageName": "Negotiation/Review",
            "Probability": opportunity.probability,
            "Amount": 48000,
            "CloseDate": "2026-06-30",
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
# JSON objects in a Lead are related records or compound fields, which are read-only;
# custom fields carry scalar values and lists (multi-select values are strings).
scalar_values = (
    st.none()
    | st.booleans()
    | st.integers(-(10**9), 10**9)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
custom_field_names = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12
).map(lambda name: f"X{name}__c")
fuzz_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
LEAD_FIELDS = [
    "attributes",
    "Id",
    "FirstName",
    "LastName",
    "Name",
    "CreatedDate",
    "Email",
    "Phone",
    "Title",
    "Company",
    "Industry",
    "NumberOfEmployees",
    "CurrencyIsoCode",
    "IsConverted",
    "Status",
    "Rating",
    *(row.name for row in CUSTOM.rows()),
]
# Default value tables: every level that is not unknown round-trips.
DEFAULT_CUSTOM = CustomFields(
    need="Need__c",
    budget="Budget_Status__c",
    budget_amount="Budget__c",
    timeframe="Timeframe__c",
    decision_date="Decision_Date__c",
    purchase_process="Purchase_Process__c",
    role="Role__c",
)


@attrs.frozen
class Generated:
    record: dict[str, Any]
    body: dict[str, Any]
    contact: Contact
    evidence: Evidence
    mapping: SalesforceMapping


@st.composite
def generated_leads(draw: st.DrawFn) -> Generated:
    """A Lead as the REST API returns one: a create body, then the id and system fields."""
    contact = draw(lfst.contacts())
    evidence = draw(lfst.evidence())
    amount = evidence.budget.amount
    currency = amount.currency if amount is not None else "USD"
    multi_currency = draw(st.booleans())
    mapping = SalesforceMapping(
        currency=None if multi_currency else currency, custom=DEFAULT_CUSTOM
    )
    extras: dict[str, Any] = draw(st.dictionaries(custom_field_names, scalar_values, max_size=4))
    extras["Status"] = draw(st.sampled_from(["Open - Not Contacted", "Working - Contacted"]))
    extras["IsConverted"] = False
    # A rating a person chose, or none yet.
    rating = draw(st.none() | st.sampled_from(["Hot", "Warm", "Cold"]))
    if rating is not None or draw(st.booleans()):
        extras["Rating"] = rating
    if multi_currency:
        extras["CurrencyIsoCode"] = currency
    crm_id = "00Q" + draw(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=15, max_size=15))
    written = salesforce.write_lead(
        CrmLead(contact=contact, evidence=evidence, extras=extras), mapping=mapping
    )
    created = contact.created_at.astimezone(UTC)
    stamp = f"{created:%Y-%m-%dT%H:%M:%S}.{created.microsecond // 1000:03d}+0000"
    system = {
        "attributes": {"type": "Lead", "url": f"/services/data/v60.0/sobjects/Lead/{crm_id}"},
        "Id": crm_id,
        "Name": contact.name,
        "CreatedDate": stamp,
        "LastModifiedDate": stamp,
        "Owner": {"attributes": {"type": "User"}, "Name": draw(lfst.texts())},
    }
    return Generated({**written, **system}, written, contact, evidence, mapping)


def expected_name(name: str) -> str:
    last = name.split()[-1]
    first = name[: len(name) - len(last)].rstrip()
    return f"{first} {last}" if first else last


GENERATED = settings(max_examples=max(10, settings().max_examples // 5))

# Field names a mapping may mark read-only: leadflow's own, the decision's, the
# generated custom fields' shape and the system fields.
read_only_names = st.frozensets(
    st.sampled_from(LEAD_FIELDS)
    | custom_field_names
    | st.sampled_from(sorted(salesforce.READ_ONLY)),
    max_size=6,
)
write_ratings = st.sampled_from(WriteRatings)


def closes_the_lead(body: dict[str, Any], mapping: SalesforceMapping) -> bool:
    """Whether a body closes a lead: a ``Status`` that is not an open one."""
    return "Status" in body and body["Status"] not in mapping.open_statuses


class TestRoundTrip:
    @GENERATED
    @given(generated_leads())
    def test_a_read_record_written_back_unchanged_is_an_empty_update(
        self, lead: Generated
    ) -> None:
        crm_lead = salesforce.read_lead(lead.record, mapping=lead.mapping)

        assert salesforce.write_lead(crm_lead, mapping=lead.mapping) == {}

    @GENERATED
    @given(generated_leads())
    def test_a_read_record_holds_what_it_was_made_from_and_creates_again_whole(
        self, lead: Generated
    ) -> None:
        crm_lead = salesforce.read_lead(lead.record, mapping=lead.mapping)

        created = salesforce.write_lead(attrs.evolve(crm_lead, id=None), mapping=lead.mapping)
        assert created == lead.body
        source = lead.contact
        organisation = source.organisation
        assert crm_lead.contact == Contact(
            name=expected_name(source.name),
            created_at=source.created_at.replace(
                microsecond=source.created_at.microsecond // 1000 * 1000
            ),
            email=source.email,
            phone=source.phone,
            # Salesforce has no website field on a Lead.
            organisation=(
                None if organisation is None else attrs.evolve(organisation, website=None)
            ),
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
    @given(
        generated_leads(),
        lfst.texts(),
        st.sampled_from(NeedLevel),
        st.sampled_from(Verdict),
        st.sampled_from(Rating),
    )
    def test_changes_and_a_decision_are_written_and_nothing_else_moves(
        self, lead: Generated, title: str, need: NeedLevel, verdict: Verdict, rating: Rating
    ) -> None:
        crm_lead = salesforce.read_lead(lead.record, mapping=lead.mapping)
        changed = attrs.evolve(
            crm_lead,
            contact=attrs.evolve(crm_lead.contact, job_title=title),
            evidence=attrs.evolve(crm_lead.evidence, need=NeedEvidence(level=need)),
        )

        body = salesforce.write_lead(
            changed, decided(changed, verdict, rating), mapping=lead.mapping
        )

        # Written out from the rules: only what changed, a rating only over none, and
        # no closing status without the opt-in.
        expected: dict[str, Any] = {}
        if title != lead.contact.job_title:
            expected["Title"] = title
        if need is not lead.evidence.need.level:
            expected["Need__c"] = None if need is NeedLevel.UNKNOWN else need.value
        if rating_written(verdict, rating) and lead.record.get("Rating") is None:
            expected["Rating"] = RATING_VALUE[rating]
        assert body == expected

    @GENERATED
    @given(
        generated_leads(),
        st.sampled_from(Verdict),
        st.sampled_from(Rating),
        st.booleans(),
        write_ratings,
    )
    def test_a_decision_written_and_read_back_writes_nothing_more(
        self,
        lead: Generated,
        verdict: Verdict,
        rating: Rating,
        close: bool,
        ratings: WriteRatings,
    ) -> None:
        mapping = attrs.evolve(lead.mapping, close_disqualified=close, write_ratings=ratings)
        crm_lead = salesforce.read_lead(lead.record, mapping=mapping)
        decision = decided(crm_lead, verdict, rating)
        body = salesforce.write_lead(crm_lead, decision, mapping=mapping)

        again = salesforce.read_lead({**lead.record, **body}, mapping=mapping)

        assert salesforce.write_lead(again, decision, mapping=mapping) == {}

    @GENERATED
    @given(
        generated_leads(),
        lfst.texts(),
        st.sampled_from(NeedLevel),
        st.sampled_from(Verdict),
        st.sampled_from(Rating),
    )
    def test_an_update_merged_and_read_back_loses_nothing(
        self, lead: Generated, title: str, need: NeedLevel, verdict: Verdict, rating: Rating
    ) -> None:
        crm_lead = salesforce.read_lead(lead.record, mapping=lead.mapping)
        changed = attrs.evolve(
            crm_lead,
            contact=attrs.evolve(crm_lead.contact, job_title=title),
            evidence=attrs.evolve(crm_lead.evidence, need=NeedEvidence(level=need)),
        )
        body = salesforce.write_lead(
            changed, decided(changed, verdict, rating), mapping=lead.mapping
        )

        again = salesforce.read_lead({**lead.record, **body}, mapping=lead.mapping)

        assert again.contact == changed.contact
        assert again.evidence == changed.evidence
        decided_fields: dict[str, Any] = {k: body[k] for k in ("Rating", "Status") if k in body}
        assert dict(again.extras) == {**dict(crm_lead.extras), **decided_fields}


class TestWriteLaws:
    @GENERATED
    @given(
        generated_leads(),
        read_only_names,
        st.booleans(),
        lfst.texts(),
        st.none() | st.sampled_from(Verdict),
        st.sampled_from(Rating),
        st.booleans(),
        write_ratings,
    )
    def test_no_write_holds_a_field_salesforce_or_the_mapping_refuses(
        self,
        lead: Generated,
        read_only: frozenset[str],
        creating: bool,
        title: str,
        verdict: Verdict | None,
        rating: Rating,
        close: bool,
        ratings: WriteRatings,
    ) -> None:
        mapping = attrs.evolve(
            lead.mapping, read_only=read_only, close_disqualified=close, write_ratings=ratings
        )
        crm_lead = salesforce.read_lead(lead.record, mapping=mapping)
        changed = attrs.evolve(
            crm_lead,
            contact=attrs.evolve(crm_lead.contact, job_title=title),
            id=None if creating else crm_lead.id,
        )
        decision = None if verdict is None else decided(changed, verdict, rating)

        body = salesforce.write_lead(changed, decision, mapping=mapping)

        assert not set(body) & (salesforce.READ_ONLY | read_only)
        # Related records (Owner) and compound fields (Address) are JSON objects.
        assert not any(isinstance(value, dict) for value in body.values())

    @GENERATED
    @given(
        generated_leads(),
        st.booleans(),
        st.sampled_from(Verdict),
        st.sampled_from(Rating),
        st.booleans(),
        write_ratings,
    )
    def test_only_an_opted_in_disqualified_verdict_closes_a_lead(
        self,
        lead: Generated,
        creating: bool,
        verdict: Verdict,
        rating: Rating,
        close: bool,
        ratings: WriteRatings,
    ) -> None:
        mapping = attrs.evolve(lead.mapping, close_disqualified=close, write_ratings=ratings)
        crm_lead = salesforce.read_lead(lead.record, mapping=mapping)
        if creating:
            crm_lead = attrs.evolve(crm_lead, id=None)

        body = salesforce.write_lead(crm_lead, decided(crm_lead, verdict, rating), mapping=mapping)

        assert closes_the_lead(body, mapping) == (close and verdict is Verdict.DISQUALIFIED)

    @GENERATED
    @given(st.sampled_from(Rating), st.booleans())
    def test_an_undetermined_verdict_never_closes_even_opted_in(
        self, rating: Rating, creating: bool
    ) -> None:
        mapping = attrs.evolve(USD, close_disqualified=True)
        crm_lead = salesforce.read_lead(LEAD_RECORD, mapping=mapping)
        if creating:
            crm_lead = attrs.evolve(crm_lead, id=None)

        body = salesforce.write_lead(
            crm_lead, decided(crm_lead, Verdict.UNDETERMINED, rating), mapping=mapping
        )

        assert not closes_the_lead(body, mapping)


FUZZ_LEAD = CrmLead(
    contact=Contact(name="Grace Hopper", email="grace@navy.example", created_at=AS_OF),
    evidence=Evidence(budget=BudgetEvidence(amount=Money("10", "USD"))),
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
            salesforce.read_lead(value, mapping=USD)

    @FUZZ
    @given(st.dictionaries(st.sampled_from(LEAD_FIELDS) | st.text(max_size=8), fuzz_values))
    def test_reading_any_lead_shaped_object_raises_only_leadflow_errors(
        self, record: dict[str, Any]
    ) -> None:
        with contextlib.suppress(LeadflowError):
            assert isinstance(salesforce.read_lead(record, mapping=USD), CrmLead)

    @FUZZ
    @given(
        st.dictionaries(st.sampled_from(LEAD_FIELDS) | custom_field_names, fuzz_values),
        st.dictionaries(st.sampled_from(LEAD_FIELDS), fuzz_values),
        st.none() | st.sampled_from(list(Verdict)),
    )
    def test_writing_any_extras_raises_only_leadflow_errors(
        self, extras: dict[str, Any], original: dict[str, Any], verdict: Verdict | None
    ) -> None:
        crm_lead = attrs.evolve(FUZZ_LEAD, extras=extras, original=original)
        decision = FUZZ_DECISIONS[verdict]
        with contextlib.suppress(LeadflowError):
            salesforce.write_lead(crm_lead, decision, mapping=USD)

    @FUZZ
    @given(
        st.dictionaries(
            st.sampled_from(
                [
                    "Id",
                    "Name",
                    "StageName",
                    "Probability",
                    "Amount",
                    "CloseDate",
                    "IsWon",
                    "IsClosed",
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
            salesforce.read_opportunity_fields(record, mapping=USD)

    @FUZZ
    @given(
        fuzz_values
        | st.dictionaries(
            st.sampled_from(
                ["leadId", "accountId", "contactId", "opportunityId", "success", "errors"]
            ),
            fuzz_values,
        )
    )
    def test_reading_any_convert_result_raises_only_leadflow_errors(self, value: Any) -> None:
        with contextlib.suppress(LeadflowError):
            salesforce.read_lead_convert_result(value)

    def test_a_mapping_of_another_crm_is_refused(self) -> None:
        with pytest.raises(WrongTypeError):
            salesforce.write_lead(FUZZ_LEAD, mapping=CUSTOM)  # type: ignore[arg-type]
