"""The field map: custom fields, names, rows, the engine applying a table, its description."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapter_support import CREATED, ctx
from leadflow import (
    BudgetLevel,
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
    NeedLevel,
    Organisation,
    WrongTypeError,
)
from leadflow.adapters import (
    BUDGET_VALUES,
    NEED_VALUES,
    CrmLead,
    CustomFields,
    dynamics,
    hubspot,
    odoo,
    salesforce,
)
from leadflow.adapters._codecs import (
    Choice,
    Count,
    Email,
    Instant,
    Phone,
    Text,
)
from leadflow.adapters._mapping import (
    Field,
    Name,
    describe_table,
    lead_table,
    read_lead_parts,
    write_fields,
)


class TestCustomFields:
    def test_one_field_cannot_hold_two_criteria(self) -> None:
        with pytest.raises(InvalidFieldError):
            CustomFields(need="Qualification__c", budget="Qualification__c")

    def test_a_value_table_maps_to_its_own_levels(self) -> None:
        with pytest.raises(WrongTypeError):
            CustomFields(need="Need__c", need_values={"high": BudgetLevel.APPROVED})

    def test_a_float_is_no_picklist_value(self) -> None:
        with pytest.raises(WrongTypeError):
            CustomFields(need="Need__c", need_values={1.0: NeedLevel.STRONG})

    def test_a_field_name_is_not_blank(self) -> None:
        with pytest.raises(InvalidFieldError):
            CustomFields(need=" ")

    def test_rows_exist_for_the_named_fields_only(self) -> None:
        rows = CustomFields(need="Need__c", budget_amount="Budget__c").rows()

        assert [(row.name, row.attr) for row in rows] == [
            ("Need__c", "evidence.need.level"),
            ("Budget__c", "evidence.budget.amount"),
        ]

    def test_the_default_values_are_leadflows_level_names(self) -> None:
        assert dict(NEED_VALUES) == {
            "none": NeedLevel.NONE,
            "latent": NeedLevel.LATENT,
            "expressed": NeedLevel.EXPRESSED,
            "strong": NeedLevel.STRONG,
        }
        assert "unknown" not in BUDGET_VALUES

    def test_a_custom_field_replaces_the_native_column_for_its_attribute(self) -> None:
        table = lead_table(dynamics.LEAD_FIELDS, CustomFields(need="new_need"))

        need_rows = [row for row in table if row.attr == "evidence.need.level"]
        assert [row.owns for row in need_rows] == [("new_need",)]
        assert len(table) == len(dynamics.LEAD_FIELDS)

    def test_a_custom_field_named_like_a_native_column_replaces_it(self) -> None:
        table = lead_table(dynamics.LEAD_FIELDS, CustomFields(role="jobtitle"))

        assert [row.attr for row in table if "jobtitle" in row.owns] == ["contact.role"]


class TestArgumentsOfTheWrongType:
    @pytest.mark.parametrize("module", [dynamics, salesforce, hubspot, odoo])
    def test_custom_fields_of_the_wrong_type_are_a_leadflow_error_naming_the_field(
        self, module: Any
    ) -> None:
        mapping_type = {
            dynamics: dynamics.DynamicsMapping,
            salesforce: salesforce.SalesforceMapping,
            hubspot: hubspot.HubSpotMapping,
            odoo: odoo.OdooMapping,
        }[module]

        with pytest.raises(WrongTypeError) as caught:
            mapping_type(custom={"need": "x"})

        assert caught.value.field == "custom"

    @pytest.mark.parametrize("module", [dynamics, salesforce, hubspot, odoo])
    def test_describing_something_that_is_not_a_mapping_is_refused(self, module: Any) -> None:
        with pytest.raises(WrongTypeError) as caught:
            module.describe("not a mapping")

        assert caught.value.field == "mapping"


class TestNames:
    NAME = Name(("first", "last"), fallbacks=("email",), max_lengths=(None, 10))

    @pytest.mark.parametrize(
        ("record", "name"),
        [
            ({"first": " Ada ", "last": "Lovelace"}, "Ada Lovelace"),
            ({"first": None, "last": "Lovelace"}, "Lovelace"),
            ({"first": "", "last": " ", "email": "ada@x.example"}, "ada@x.example"),
            ({"email": 7}, None),
        ],
    )
    def test_parts_are_joined_and_the_fallback_serves_when_they_are_blank(
        self, record: dict[str, Any], name: str | None
    ) -> None:
        assert self.NAME.read(record, ctx()) == name

    @pytest.mark.parametrize(
        ("name", "first", "last"),
        [
            ("Ada Lovelace", "Ada", "Lovelace"),
            ("Mary Ann Smith", "Mary Ann", "Smith"),
            ("Ada", None, "Ada"),
        ],
    )
    def test_the_last_word_is_written_as_the_last_part(
        self, name: str, first: str | None, last: str
    ) -> None:
        assert self.NAME.write(name, ctx()) == {"first": first, "last": last}

    def test_a_part_too_long_for_its_field_is_refused_at_that_field(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            self.NAME.write("Ada Lovelace-Byron", ctx())

        assert caught.value.path == "$.last"


TABLE = (
    Name(("first", "last")),
    Field("created", "contact.created_at", Instant(), writable=False),
    Field("email", "contact.email", Email()),
    Field("phone", "contact.phone", Phone()),
    Field("company", "contact.organisation.name", Text()),
    Field("employees", "contact.organisation.employees", Count()),
    Field("need", "evidence.need.level", Choice({"strong": NeedLevel.STRONG})),
)
RECORD = {
    "first": "Ada",
    "last": "Lovelace",
    "created": "2026-01-05T10:00:00Z",
    "email": "Ada@Analytical.EXAMPLE",
    "phone": "+44 20 7946 0958",
    "company": "Analytical Engines",
    "employees": 12,
    "need": "strong",
    "subject": "Engines",
}


def read(record: dict[str, Any]) -> CrmLead:
    errors: list[InvalidFieldError] = []
    contact, evidence, extras, original = read_lead_parts(
        record, TABLE, ctx(), crm_id=None, what="test record", errors=errors
    )
    return CrmLead(contact=contact, evidence=evidence, extras=extras, original=original)


def write(crm_lead: CrmLead) -> dict[str, Any]:
    errors: list[InvalidFieldError] = []
    values = {
        "contact.name": crm_lead.contact.name,
        "contact.email": crm_lead.contact.email,
        "contact.phone": crm_lead.contact.phone,
        "contact.organisation.name": (
            crm_lead.contact.organisation and crm_lead.contact.organisation.name
        ),
        "contact.organisation.employees": (
            crm_lead.contact.organisation and crm_lead.contact.organisation.employees
        ),
        "evidence.need.level": crm_lead.evidence.need.level,
    }
    out = dict(crm_lead.extras)
    out.update(
        write_fields(
            values, TABLE, ctx(), extras=crm_lead.extras, original=crm_lead.original, errors=errors
        )
    )
    if errors:
        raise InvalidRecordError(errors)
    return out


class TestEngine:
    def test_unchanged_values_are_written_exactly_as_read(self) -> None:
        crm_lead = read(RECORD)

        assert write(crm_lead) == {k: v for k, v in RECORD.items() if k != "created"}

    def test_a_changed_value_is_written_in_canonical_form(self) -> None:
        crm_lead = read(RECORD)
        changed = attrs.evolve(crm_lead.contact, phone="+44 (0) 113 496 0000")

        # The trunk "(0)" is dialled only from inside the country: never after +44.
        assert write(attrs.evolve(crm_lead, contact=changed))["phone"] == "+441134960000"

    def test_a_cleared_value_is_written_as_no_value_where_the_record_had_one(self) -> None:
        record = {k: v for k, v in RECORD.items() if k != "phone"}
        crm_lead = read(record)
        changed = attrs.evolve(crm_lead.contact, email=None, phone="+15550100")

        body = write(attrs.evolve(crm_lead, contact=changed))

        assert body["email"] is None
        assert body["phone"] == "+15550100"

    def test_a_field_never_read_and_still_unknown_is_not_written(self) -> None:
        record = {k: v for k, v in RECORD.items() if k != "need"}

        assert "need" not in write(read(record))

    def test_organisation_fields_without_a_name_stay_with_the_extras(self) -> None:
        record = {**RECORD, "company": None, "employees": "a dozen"}

        crm_lead = read(record)

        assert crm_lead.contact.organisation is None
        assert crm_lead.extras["employees"] == "a dozen"
        assert write(crm_lead)["employees"] == "a dozen"

    def test_the_organisation_is_built_from_its_fields(self) -> None:
        assert read(RECORD).contact.organisation == Organisation(
            name="Analytical Engines", employees=12
        )

    def test_every_bad_field_is_reported_at_once_under_the_records_prefix(self) -> None:
        errors: list[InvalidFieldError] = []
        record = {**RECORD, "email": "ada", "phone": "n/a", "need": 3, "created": None}

        with pytest.raises(InvalidRecordError) as caught:
            read_lead_parts(
                record, TABLE, ctx(), crm_id=None, what="x", errors=errors, prefix="properties"
            )

        assert [error.path for error in caught.value.errors] == [
            "$.properties.email",
            "$.properties.phone",
            "$.properties.need",
            "$.properties.created",
        ]

    def test_an_option_the_table_does_not_list_is_unknown_and_said_so(self) -> None:
        context = ctx()
        _, evidence, extras, original = read_lead_parts(
            {**RECORD, "need": "urgent"}, TABLE, context, crm_id=None, what="x", errors=[]
        )

        assert evidence.need.level is NeedLevel.UNKNOWN
        assert [(r.field, r.value) for r in context.repairs] == [("need", "urgent")]
        assert "read as no value" in context.repairs[0].note
        # The value is the record's own: kept as read, with the modelled fields.
        assert original["need"] == "urgent"
        assert "need" not in extras

    @pytest.mark.parametrize(
        ("raw", "phone", "notes"),
        [
            ("+1 415 555 0100 ext. 12", "+14155550100;ext=12", ['";ext=12"']),
            ("+44 (0)20 7946 0958", "+442079460958", ['"(0)"']),
            ("+44 (0)20 7946 0958 x7", "+442079460958;ext=7", ['"(0)"', '";ext=7"']),
            ("+14155550100;ext=12", "+14155550100;ext=12", []),
        ],
    )
    def test_a_phone_s_extension_and_trunk_prefix_are_repairs_said_so(
        self, raw: str, phone: str, notes: list[str]
    ) -> None:
        context = ctx()
        contact, _, _, original = read_lead_parts(
            {**RECORD, "phone": raw}, TABLE, context, crm_id=None, what="x", errors=[]
        )

        assert contact.phone == phone
        assert original["phone"] == raw
        found = " ".join(r.note for r in context.repairs)
        assert all(note in found for note in notes)
        assert bool(context.repairs) is bool(notes)

    def test_several_addresses_keep_the_first_and_the_whole_text_in_the_extras(self) -> None:
        context = ctx()
        text = "Ada <ada@analytical.example>, charles@engines.example"
        contact, _, extras, original = read_lead_parts(
            {**RECORD, "email": text}, TABLE, context, crm_id=None, what="x", errors=[]
        )

        assert contact.email == "ada@analytical.example"
        assert extras["email"] == text
        assert original["email"] == text
        assert [r.field for r in context.repairs] == ["email"]
        assert "charles@engines.example" in context.repairs[0].note

    def test_a_repair_of_an_organisation_field_without_an_organisation_is_not_reported(
        self,
    ) -> None:
        table = (*TABLE, Field("size", "contact.organisation.industry", Email()))
        context = ctx()
        record = {**RECORD, "company": None, "size": "a@b.example, c@d.example"}

        read_lead_parts(record, table, context, crm_id=None, what="x", errors=[])

        assert context.repairs == []

    @given(st.dictionaries(st.sampled_from(list(RECORD)), st.none() | st.integers() | st.text()))
    def test_reading_any_values_raises_only_leadflow_errors(self, record: dict[str, Any]) -> None:
        try:
            crm_lead = read(record)
        except LeadflowError:
            return
        # A field is both modelled and an extra only when it was read in part.
        assert set(crm_lead.extras) & set(crm_lead.original) <= {"email"}


class TestRows:
    def test_a_row_maps_only_attributes_leadflow_has(self) -> None:
        with pytest.raises(InvalidFieldError):
            Field("emailaddress1", "contact.mail", Email())

    def test_a_read_only_row_is_never_written(self) -> None:
        crm_lead = read(RECORD)
        changed = attrs.evolve(crm_lead.contact, created_at=CREATED + timedelta(days=1))

        assert "created" not in write(attrs.evolve(crm_lead, contact=changed))


class TestDescribe:
    def test_every_row_is_a_line_of_the_table(self) -> None:
        lines = describe_table(TABLE, "Test").splitlines()

        assert lines[0] == "| Test field | leadflow attribute | values | on write |"
        assert len(lines) == 2 + len(TABLE)
        assert "| created | contact.created_at | timestamp | read-only, not written |" in lines
        assert "| first + last | contact.name | text | written |" in lines
