"""Conversion as a plan, and each CRM's spelling of it (LeadConvert, QualifyLead, Odoo's wizard)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    Contact,
    ContactId,
    InvalidFieldError,
    Lead,
    Money,
    Opportunity,
    OpportunityStage,
    Organisation,
    WrongTypeError,
    advance,
    promote,
    to_lead,
)
from leadflow import strategies as lfst
from leadflow.adapters import dynamics, hubspot, odoo, salesforce
from leadflow.conversion import (
    Account,
    ConversionPlan,
    Step,
    domain_of,
    plan_conversion,
)
from support import DAY, NOW, examples, qualifying_evidence, ready_signals

GOLDEN = Path(__file__).parent / "golden"


def _lead(
    *,
    email: str | None = "ada@analytical.example",
    organisation: Organisation | None = None,
) -> Lead:
    contact = Contact(
        name="Ada Lovelace",
        email=email,
        phone=None if email else "+442079460958",
        organisation=organisation,
        created_at=NOW - DAY,
    )
    return to_lead(contact, qualifying_evidence(), as_of=NOW)[0]


ENGINES = Organisation(name="Analytical Engines Ltd", website="https://www.analytical.example/")


def _deal(lead: Lead) -> Opportunity:
    opportunity = promote(
        lead,
        ready_signals(observed_at=NOW),
        as_of=NOW + DAY,
        name="Engines, 40 seats",
        estimated_value=Money("48000.00", "EUR"),
    )[0]
    return advance(opportunity, OpportunityStage.PROPOSE, as_of=NOW + 2 * DAY)[0]


class TestPlan:
    def test_an_account_is_linked_by_its_web_domain_first(self) -> None:
        accounts = [
            Account(id="001A", name="Analytical Engines"),
            Account(id="001B", name="AE Holdings", website="http://analytical.example"),
        ]

        plan = plan_conversion(_lead(organisation=ENGINES), accounts=accounts)

        assert (plan.account.step, plan.account.id, plan.account.matched_by) == (
            Step.LINK,
            "001B",
            "domain",
        )

    def test_then_by_its_name_without_legal_form_or_case(self) -> None:
        plain = Organisation(name="analytical engines")
        accounts = [
            Account(id=7, name="Difference Engines"),
            Account(id=9, name="ANALYTICAL ENGINES LTD"),
        ]

        plan = plan_conversion(_lead(organisation=plain), accounts=accounts)

        assert (plan.account.step, plan.account.id, plan.account.matched_by) == (
            Step.LINK,
            9,
            "name",
        )

    def test_a_mailbox_providers_domain_says_nothing_of_the_employer(self) -> None:
        accounts = [Account(id="001G", name="Google", website="gmail.com")]

        plan = plan_conversion(
            _lead(email="ada@gmail.com", organisation=Organisation(name="Analytical Engines")),
            accounts=accounts,
        )

        assert plan.account.step is Step.CREATE
        assert plan.account.organisation == Organisation(name="Analytical Engines")

    def test_the_contacts_e_mail_domain_stands_in_for_a_website(self) -> None:
        accounts = [Account(id="001C", name="AE", website="analytical.example")]

        plan = plan_conversion(
            _lead(organisation=Organisation(name="Analytical Engines")), accounts=accounts
        )

        assert (plan.account.id, plan.account.matched_by) == ("001C", "domain")

    def test_a_contact_is_linked_by_its_address_in_any_case(self) -> None:
        known = Contact(
            name="A. Lovelace", email="ADA@analytical.example", created_at=NOW, id=ContactId("003X")
        )

        plan = plan_conversion(_lead(organisation=ENGINES), contacts=[known])

        assert (plan.contact.step, plan.contact.id, plan.contact.matched_by) == (
            Step.LINK,
            "003X",
            "email",
        )

    def test_a_private_person_makes_no_account(self) -> None:
        plan = plan_conversion(_lead())

        assert plan.account.step is Step.NONE
        assert plan.contact.step is Step.CREATE
        assert plan.opportunity.name == "Ada Lovelace"

    def test_an_opportunity_gives_its_deal_and_a_lead_a_name(self) -> None:
        lead = _lead(organisation=ENGINES)

        from_lead = plan_conversion(lead)
        from_deal = plan_conversion(_deal(lead))

        assert (from_lead.opportunity.step, from_lead.opportunity.name) == (
            Step.CREATE,
            "Analytical Engines Ltd",
        )
        assert from_lead.opportunity.amount is None
        deal = from_deal.opportunity
        assert (deal.name, deal.amount, deal.sales_step, deal.probability) == (
            "Engines, 40 seats",
            Money("48000.00", "EUR"),
            OpportunityStage.PROPOSE,
            60,
        )

    def test_no_opportunity_when_none_is_asked_for_and_the_deal_is_listed_behind(self) -> None:
        plan = plan_conversion(_deal(_lead(organisation=ENGINES)), opportunity=False)

        assert plan.opportunity.step is Step.NONE
        behind = {item.field for item in plan.left_behind}
        assert {"name", "estimated_value", "expected_close", "step", "probability"} <= behind

    def test_an_existing_contact_without_an_id_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            plan_conversion(
                _lead(), contacts=[Contact(name="A", email="a@b.example", created_at=NOW)]
            )

        assert caught.value.field == "contacts[0].id"

    def test_only_a_lead_or_an_opportunity_is_converted(self) -> None:
        with pytest.raises(WrongTypeError):
            plan_conversion(_lead().contact)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("website", "domain"),
        [
            ("https://www.Analytical.example/about", "analytical.example"),
            ("analytical.example", "analytical.example"),
            ("http://shop.analytical.example:8080", "shop.analytical.example"),
            ("  ", None),
            ("[", None),
            ("https://[analytical.example/about", None),
        ],
    )
    def test_the_domain_of_a_website(self, website: str, domain: str | None) -> None:
        assert domain_of(website) == domain

    @examples(0.25)
    @given(st.one_of(lfst.leads(), lfst.opportunities()), st.booleans())
    def test_every_field_reaches_a_record_or_is_listed_behind(
        self, value: Lead | Opportunity, opportunity: bool
    ) -> None:
        plan = plan_conversion(value, opportunity=opportunity)
        behind = {item.field for item in plan.left_behind}
        deal = plan.opportunity
        # Where each field of the source is found in the plan's records.
        placed: dict[str, Any] = {
            "contact": plan.contact.contact,
            "name": deal.name,
            "estimated_value": deal.amount,
            "expected_close": deal.expected_close,
            "step": deal.sales_step,
            "probability": deal.probability,
            "owner": deal.owner,
            "product": deal.product,
        }
        for field in attrs.fields(type(value)):
            path = field.name
            if path in behind:
                continue
            assert path in placed, path
            assert placed[path] == getattr(value, path), path
        for field in attrs.fields(Contact):
            path, given_value = f"contact.{field.name}", getattr(value.contact, field.name)
            if path in behind or "contact" in behind:
                continue
            if field.name == "organisation" and given_value is not None:
                assert plan.account.organisation == given_value
            assert getattr(plan.contact.contact, field.name) == given_value, path
        assert all(item.reason for item in plan.left_behind)


# --- each CRM's spelling ------------------------------------------------------------------------


def _salesforce_lead() -> Lead:
    record = json.loads((GOLDEN / "salesforce" / "lead_get.json").read_text())
    crm_lead = salesforce.read_lead(record)
    return to_lead(crm_lead.contact, qualifying_evidence(), as_of=NOW)[0]


class TestSalesforce:
    def test_a_plan_that_creates_everything_is_a_bare_lead_convert(self) -> None:
        lead = _salesforce_lead()

        body = salesforce.write_conversion(plan_conversion(lead), lead_id="00Q5g00000AbCdEEAV")

        assert body == {
            "leadId": "00Q5g00000AbCdEEAV",
            "convertedStatus": "Closed - Converted",
            "doNotCreateOpportunity": False,
            "opportunityName": "Northwind Traders",
        }

    def test_linked_records_are_merged_into_and_no_deal_is_made_when_none_is_asked(self) -> None:
        lead = _salesforce_lead()
        plan = plan_conversion(
            lead,
            accounts=[Account(id="0015g00000NwTrAAA", name="Northwind Traders, Inc.")],
            contacts=[
                Contact(
                    name="Ana López",
                    email="Ana.Lopez@northwind.example",
                    created_at=NOW,
                    id=ContactId("0035g00000AnaLAAA"),
                )
            ],
            opportunity=False,
        )

        body = salesforce.write_conversion(
            plan,
            lead_id="00Q5g00000AbCdEEAV",
            converted_status="Qualified",
            owner_id="0055g00000Own",
        )

        assert body == {
            "leadId": "00Q5g00000AbCdEEAV",
            "convertedStatus": "Qualified",
            "doNotCreateOpportunity": True,
            "accountId": "0015g00000NwTrAAA",
            "contactId": "0035g00000AnaLAAA",
            "ownerId": "0055g00000Own",
        }

    def test_a_contact_is_merged_into_only_with_its_account(self) -> None:
        plan = plan_conversion(
            _salesforce_lead(),
            contacts=[
                Contact(
                    name="Ana",
                    email="ana.lopez@northwind.example",
                    created_at=NOW,
                    id=ContactId("003A"),
                )
            ],
        )

        with pytest.raises(InvalidFieldError) as caught:
            salesforce.write_conversion(plan, lead_id="00Q5g00000AbCdEEAV")

        assert (caught.value.field, caught.value.value) == ("contact", "003A")

    def test_an_odoo_id_is_no_salesforce_id(self) -> None:
        plan = plan_conversion(
            _salesforce_lead(), accounts=[Account(id=42, name="Northwind Traders")]
        )

        with pytest.raises(WrongTypeError) as caught:
            salesforce.write_conversion(plan, lead_id="00Q5g00000AbCdEEAV")

        assert caught.value.field == "account.id"

    def test_the_answer_reads_back_as_the_conversion_it_made(self) -> None:
        answer = json.loads((GOLDEN / "salesforce" / "lead_converted.json").read_text())

        result = salesforce.read_lead_convert_result(
            {
                "success": True,
                "leadId": answer["Id"],
                "accountId": answer["ConvertedAccountId"],
                "contactId": answer["ConvertedContactId"],
                "opportunityId": answer["ConvertedOpportunityId"],
            }
        )

        assert result.success
        assert result.account_id == answer["ConvertedAccountId"]


class TestDynamics:
    def test_a_new_customer_is_created_from_the_lead(self) -> None:
        plan = plan_conversion(_lead(organisation=ENGINES))

        assert dynamics.write_conversion(plan) == {
            "CreateAccount": True,
            "CreateContact": True,
            "CreateOpportunity": True,
            "Status": 3,
        }

    def test_an_existing_account_is_the_new_opportunitys_customer(self) -> None:
        plan = plan_conversion(
            _lead(organisation=ENGINES),
            accounts=[
                Account(id="a1b2c3d4-0000-0000-0000-000000000001", name="Analytical Engines")
            ],
        )

        body = dynamics.write_conversion(plan, currency_id="e1f2-eur")

        assert body == {
            "CreateAccount": False,
            "CreateContact": True,
            "CreateOpportunity": True,
            "Status": 3,
            "OpportunityCustomerId": {
                "@odata.type": "Microsoft.Dynamics.CRM.account",
                "accountid": "a1b2c3d4-0000-0000-0000-000000000001",
            },
            "OpportunityCurrencyId": {
                "@odata.type": "Microsoft.Dynamics.CRM.transactioncurrency",
                "transactioncurrencyid": "e1f2-eur",
            },
        }

    def test_a_linked_contact_is_the_customer_of_a_private_persons_deal(self) -> None:
        known = Contact(
            name="Ada", email="ada@analytical.example", created_at=NOW, id=ContactId("c-77")
        )

        body = dynamics.write_conversion(plan_conversion(_lead(), contacts=[known]))

        assert body["CreateAccount"] is False
        assert body["CreateContact"] is False
        assert body["OpportunityCustomerId"] == {
            "@odata.type": "Microsoft.Dynamics.CRM.contact",
            "contactid": "c-77",
        }

    def test_a_status_that_is_not_qualified_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            dynamics.write_conversion(plan_conversion(_lead()), status=1)

        assert (caught.value.field, caught.value.value) == ("status", 1)


class TestOdoo:
    def test_a_new_customer_is_created_by_the_wizard(self) -> None:
        plan = plan_conversion(_lead(organisation=ENGINES))

        assert odoo.write_conversion(plan, lead_id=31, user_id=2, team_id=1) == {
            "name": "convert",
            "action": "create",
            "lead_id": 31,
            "partner_id": False,
            "user_id": 2,
            "team_id": 1,
        }

    def test_a_linked_contact_is_the_partner_before_a_linked_company(self) -> None:
        plan = plan_conversion(
            _lead(organisation=ENGINES),
            accounts=[Account(id=14, name="Analytical Engines")],
            contacts=[
                Contact(
                    name="Ada", email="ada@analytical.example", created_at=NOW, id=ContactId("27")
                )
            ],
        )
        company_only = plan_conversion(
            _lead(organisation=ENGINES), accounts=[Account(id=14, name="Analytical Engines")]
        )

        assert odoo.write_conversion(plan, lead_id=31)["partner_id"] == 27
        assert odoo.write_conversion(company_only, lead_id=31) == {
            "name": "convert",
            "action": "exist",
            "lead_id": 31,
            "partner_id": 14,
        }

    def test_odoo_converts_in_place_so_a_plan_without_a_deal_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            odoo.write_conversion(plan_conversion(_lead(), opportunity=False), lead_id=31)

        assert caught.value.field == "opportunity"

    def test_the_odoo_golden_lead_converts(self) -> None:
        records = json.loads((GOLDEN / "odoo" / "crm_lead_search_read.json").read_text())
        first = records[0] if isinstance(records, list) else records["records"][0]
        crm_lead = odoo.read_lead(first)
        lead = to_lead(crm_lead.contact, qualifying_evidence(), as_of=NOW)[0]
        plan: ConversionPlan = plan_conversion(lead)

        values = odoo.write_conversion(plan, lead_id=int(first["id"]))

        assert values["lead_id"] == first["id"]
        assert values["action"] == "create"


class TestHubSpot:
    def test_a_lead_moves_on_to_opportunity_with_a_new_company_and_deal(self) -> None:
        plan = plan_conversion(_lead(organisation=ENGINES))

        assert hubspot.write_conversion(plan, contact_id="51") == {
            "contact": {"properties": {"lifecyclestage": "opportunity"}},
            "company": {
                "properties": {"name": "Analytical Engines Ltd", "domain": "analytical.example"}
            },
            "deal": {
                "properties": {
                    "dealname": "Analytical Engines Ltd",
                    "pipeline": "default",
                    "dealstage": "qualifiedtobuy",
                },
                "associations": [
                    {
                        "to": {"id": "51"},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}
                        ],
                    }
                ],
            },
        }

    def test_an_opportunity_brings_its_deal_and_its_linked_company(self) -> None:
        plan = plan_conversion(
            _deal(_lead(organisation=ENGINES)),
            accounts=[Account(id="9001", name="Analytical Engines")],
        )

        body = hubspot.write_conversion(plan, contact_id="51")

        assert "company" not in body
        assert body["deal"]["properties"]["dealname"] == "Engines, 40 seats"
        assert body["deal"]["properties"]["amount"] == "48000.00"
        assert body["deal"]["properties"]["dealstage"] == "decisionmakerboughtin"  # propose
        assert [a["to"]["id"] for a in body["deal"]["associations"]] == ["51", "9001"]
        assert [a["types"][0]["associationTypeId"] for a in body["deal"]["associations"]] == [3, 5]

    def test_no_deal_when_none_is_asked_for(self) -> None:
        body = hubspot.write_conversion(
            plan_conversion(_lead(), opportunity=False), contact_id="51"
        )

        assert body == {"contact": {"properties": {"lifecyclestage": "opportunity"}}}
