"""JSON Schema: valid records and policies validate, known-bad ones do not, and leadflow agrees."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    PRESETS,
    BudgetLevel,
    Contact,
    Evidence,
    InvalidRecordError,
    LeadSource,
    Money,
    NeedLevel,
    Policy,
    PromotionRule,
    PromotionSignals,
    PurchaseRole,
)
from leadflow import strategies as lfst
from leadflow.records import RECORD_FIELDS, parse_record
from leadflow.schema import DIALECT, policy_schema, record_schema
from leadflow.serialization import structure, unstructure
from test_records import GOOD_CSV_ROW, flatten

# jsonschema is a test-only dependency (the "test" extra); without it there is nothing to
# validate with, so say so instead of failing to collect.
pytest.importorskip("jsonschema", reason="the jsonschema package runs these tests")
from jsonschema import Draft202012Validator, FormatChecker

# The parser also reads a lower-case currency ("gbp"); the schema asks for the canonical form.
GOOD_ROW = {**GOOD_CSV_ROW, "budget_currency": "GBP"}

RECORDS = Draft202012Validator(record_schema(), format_checker=FormatChecker())
POLICIES = Draft202012Validator(policy_schema(), format_checker=FormatChecker())


def _record_problems(record: object) -> list[str]:
    return [error.message for error in RECORDS.iter_errors(record)]


def _policy_problems(policy: object) -> list[str]:
    return [error.message for error in POLICIES.iter_errors(policy)]


class TestDocuments:
    @pytest.mark.parametrize("schema", [record_schema(), policy_schema()])
    def test_each_document_is_a_valid_draft_2020_12_schema(self, schema: dict[str, Any]) -> None:
        Draft202012Validator.check_schema(schema)

        assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"

    def test_the_record_schema_describes_every_record_field(self) -> None:
        schema = record_schema()

        assert tuple(schema["properties"]) == RECORD_FIELDS
        assert all(spec["description"] for spec in schema["properties"].values())
        assert schema["required"] == ["name", "created_at"]

    def test_the_record_schema_lists_the_level_enums_values(self) -> None:
        properties = record_schema()["properties"]

        assert properties["role"]["anyOf"][1]["enum"] == [m.value for m in PurchaseRole]
        assert properties["source"]["anyOf"][1]["enum"] == [m.value for m in LeadSource]
        assert properties["need"]["anyOf"][1]["enum"] == [m.value for m in NeedLevel]

    def test_the_policy_schema_describes_every_policy_field(self) -> None:
        schema = policy_schema()

        assert set(schema["properties"]) == {a.name for a in attrs.fields(Policy) if a.init}
        assert set(schema["properties"]["promotion"]["properties"]) == {
            a.name for a in attrs.fields(PromotionRule)
        }

    def test_each_call_returns_a_fresh_document(self) -> None:
        schema = record_schema()
        schema["required"].append("phone")

        assert record_schema()["required"] == ["name", "created_at"]


class TestRecordSchema:
    @given(
        lfst.contacts(),
        lfst.evidence(),
        st.none() | lfst.promotion_signals(),
        st.none() | lfst.money(),
        st.none() | lfst.dates(),
        st.booleans(),
    )
    def test_a_record_of_valid_values_validates(
        self,
        contact: Contact,
        evidence: Evidence,
        signals: PromotionSignals | None,
        value: Money | None,
        close: date | None,
        as_csv: bool,
    ) -> None:
        record = flatten(contact, evidence, signals, value, close, as_csv=as_csv)

        assert _record_problems(record) == []

    def test_the_documented_example_row_validates(self) -> None:
        assert _record_problems(GOOD_ROW) == []

    @pytest.mark.parametrize(
        ("change", "why"),
        [
            ({"name": ""}, "missing name"),
            ({"name": None}, "missing name"),
            ({"created_at": ""}, "missing creation time"),
            ({"created_at": "2026-09-14T10:12:00"}, "a datetime without offset"),
            ({"created_at": "14/09/2026"}, "not ISO 8601"),
            ({"email": "", "phone": ""}, "no channel"),
            ({"email": "amira@"}, "a bad email"),
            ({"email": "amira..haddad@northwind.example"}, "two dots in a row"),
            ({"phone": "12345"}, "too few digits"),
            ({"role": "boss"}, "a bad role"),
            ({"need": "STRONG"}, "a level not written as its value"),
            ({"budget_amount": "1.5e3"}, "an amount in exponent notation"),
            ({"budget_amount": "about 60k"}, "a garbage amount"),
            ({"budget_amount": 60000.5}, "a float amount"),
            ({"budget_amount": "-1"}, "a negative amount"),
            ({"budget_currency": "pounds"}, "a bad currency"),
            ({"budget_currency": ""}, "an amount without currency"),
            ({"estimated_value": ""}, "a currency without amount"),
            ({"organisation": ""}, "organisation details without an organisation"),
            ({"employees": "many"}, "a head count that is not a number"),
            ({"employees": -3}, "a negative head count"),
            ({"decision_date": "next year"}, "a date that is not a date"),
            ({"need_note": 5}, "a note that is not text"),
        ],
    )
    def test_a_known_bad_record_fails_the_schema_and_the_parser(
        self, change: dict[str, Any], why: str
    ) -> None:
        record = {**GOOD_ROW, **change}

        assert _record_problems(record), why
        with pytest.raises(InvalidRecordError):
            parse_record(record)

    def test_other_keys_are_allowed(self) -> None:
        assert _record_problems({**GOOD_ROW, "hs_lead_status": "OPEN"}) == []


class TestPolicySchema:
    @given(lfst.policies())
    def test_every_valid_policy_validates(self, policy: Policy) -> None:
        assert _policy_problems(unstructure(policy)) == []

    def test_a_policy_file_of_only_the_required_fields_validates(self) -> None:
        data = unstructure(BANT)
        short = {key: data[key] for key in policy_schema()["required"]}

        assert _policy_problems(short) == []
        assert structure(short, Policy).name == "BANT"

    @pytest.mark.parametrize(
        ("path", "value", "why"),
        [
            (("need", "weight"), 101, "a weight above 100"),
            (("need", "weight"), "30", "a weight that is text"),
            (("need", "required"), "yes", "required is not a boolean"),
            (("need", "minimum"), "available", "a budget level as need's minimum"),
            (("need", "points", "strong"), -1, "negative points"),
            (("budget", "points", "plenty"), 10, "points for a level that does not exist"),
            (("threshold",), 101, "a threshold above 100"),
            (("grade_floors",), [80, 60], "two grade floors"),
            (("order",), ["need", "need", "budget", "authority"], "a criterion twice"),
            (("horizon_days",), 0, "no horizon"),
            (("freshness",), "P6M", "a freshness in months"),
            (("freshness",), 0, "no freshness at all"),
            (("stage_probabilities", "close"), 120, "a probability above 100"),
            (("promotion", "terms"), "signed", "a terms level that does not exist"),
            (("treshold",), 60, "a misspelt field"),
        ],
    )
    def test_a_known_bad_policy_fails_the_schema_and_structuring(
        self, path: tuple[str, ...], value: object, why: str
    ) -> None:
        data = unstructure(BANT)
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

        assert _policy_problems(data), why
        with pytest.raises(InvalidRecordError):
            structure(data, Policy)

    @pytest.mark.parametrize("missing", ["name", "need", "budget", "timeframe", "authority"])
    def test_a_policy_without_a_required_field_fails(self, missing: str) -> None:
        data = unstructure(BANT)
        del data[missing]

        assert _policy_problems(data)
        with pytest.raises(InvalidRecordError):
            structure(data, Policy)

    def test_weights_that_do_not_add_up_pass_the_schema_but_not_the_library(self) -> None:
        # The documented gap: a schema cannot add numbers across fields.
        data = unstructure(BANT)
        data["need"]["weight"] = 40
        data["need"]["points"][NeedLevel.STRONG.value] = 40

        assert _policy_problems(data) == []
        with pytest.raises(InvalidRecordError, match="add up to 100"):
            structure(data, Policy)

    def test_every_preset_validates(self) -> None:
        for policy in PRESETS.values():
            assert _policy_problems(unstructure(policy)) == [], policy.name
        assert (
            BudgetLevel.APPROVED.value
            in policy_schema()["$defs"]["budget_rule"]["properties"]["points"]["required"]
        )
