"""JSON Schema: valid records and policies validate, known-bad ones do not, and leadflow agrees."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    PRESETS,
    BudgetLevel,
    CategoricalSignal,
    Contact,
    Evidence,
    InvalidPolicyError,
    InvalidRecordError,
    LeadSource,
    Money,
    NeedLevel,
    NumericSignal,
    Policy,
    PromotionRule,
    PromotionSignals,
    PurchaseRole,
)
from leadflow import strategies as lfst
from leadflow.records import (
    MONEY_FIELDS,
    RECORD_FIELDS,
    QualificationInput,
    parse_record,
    signal_columns,
)
from leadflow.schema import DIALECT, policy_schema, record_schema
from leadflow.serialization import structure, unstructure
from support import GOOD_CSV_ROW, SIGNAL_POLICY, SIGNAL_POLICY_DATA, flatten, reads_back

# jsonschema is a test-only dependency (the "test" extra); without it there is nothing to
# validate with, so say so instead of failing to collect.
pytest.importorskip("jsonschema", reason="the jsonschema package runs these tests")
from jsonschema import Draft202012Validator, FormatChecker

# The parser also reads a lower-case currency ("gbp"); the schema asks for the canonical form.
GOOD_ROW = {**GOOD_CSV_ROW, "budget_currency": "GBP"}

RECORDS = Draft202012Validator(record_schema(), format_checker=FormatChecker())
POLICIES = Draft202012Validator(policy_schema(), format_checker=FormatChecker())

#: A record of the documented example with values for the example policy's signals.
SIGNAL_ROW = {
    **GOOD_ROW,
    "lead_origin": "Lead Add Form",
    "lead_source": " google ",
    "total_visits": "7",
    "total_visits_observed_at": "2026-09-13T18:00:00+01:00",
    "minutes_on_site": "12.5",
}


def flatten_read(row: QualificationInput, field: str) -> str | None:
    """What *row* holds for one of a few record *field*s, as a record would write it."""
    values: dict[str, Any] = {
        "need": row.evidence.need.level,
        "timeframe": row.evidence.timeframe.level,
        "role": row.contact.role,
        "budget_amount": row.evidence.budget.amount,
        "employees": row.contact.organisation and row.contact.organisation.employees,
    }
    value = values[field]
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _record_problems(record: object, policy: Policy | None = None) -> list[str]:
    validator = (
        RECORDS
        if policy is None
        else Draft202012Validator(record_schema(policy), format_checker=FormatChecker())
    )
    return [error.message for error in validator.iter_errors(record)]


def _as_json(record: dict[str, Any]) -> dict[str, Any]:
    """*record* as JSON data that follows the schema: an amount is a decimal string."""
    return {
        key: str(value) if key in MONEY_FIELDS and isinstance(value, Decimal) else value
        for key, value in record.items()
    }


def _policy_problems(policy: object) -> list[str]:
    return [error.message for error in POLICIES.iter_errors(policy)]


class TestDocuments:
    @pytest.mark.parametrize(
        "schema", [record_schema(), record_schema(SIGNAL_POLICY), policy_schema()]
    )
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

        # New rule: a level may have blanks around it, as the parser reads it, so each is
        # listed and also given as a pattern that allows them.
        for field, enum in (("role", PurchaseRole), ("source", LeadSource), ("need", NeedLevel)):
            listed, padded = properties[field]["anyOf"][1]["anyOf"]
            assert listed["enum"] == [m.value for m in enum]
            pattern = re.compile(padded["pattern"])
            for member in enum:
                human = member.value.replace("_", " ").title()  # "Decision Maker"
                for text in (member.value, f" {member.value.upper()} ", human):
                    assert pattern.fullmatch(text), text
            assert not pattern.fullmatch(f"{next(iter(enum)).value}x")

    def test_the_policy_schema_describes_every_policy_field(self) -> None:
        schema = policy_schema()

        assert set(schema["properties"]) == {a.name for a in attrs.fields(Policy) if a.init}
        assert set(schema["properties"]["promotion"]["properties"]) == {
            a.name for a in attrs.fields(PromotionRule)
        }

    def test_the_policy_schema_describes_every_field_of_each_kind_of_signal(self) -> None:
        definitions = policy_schema()["$defs"]

        for kind, tag in ((CategoricalSignal, "categorical"), (NumericSignal, "numeric")):
            properties = definitions[f"{tag}_signal"]["properties"]
            assert set(properties) == {"kind"} | {a.name for a in attrs.fields(kind) if a.init}
            assert properties["kind"] == {"const": tag}

    def test_a_policy_adds_two_columns_per_signal_after_the_record_fields(self) -> None:
        schema = record_schema(SIGNAL_POLICY)

        assert tuple(schema["properties"]) == (
            *RECORD_FIELDS,
            *signal_columns(SIGNAL_POLICY.signals),
        )
        assert tuple(record_schema(BANT)["properties"]) == RECORD_FIELDS
        visits = schema["properties"]["total_visits"]["anyOf"][1]
        origin = schema["properties"]["lead_origin"]["anyOf"][1]
        assert (visits, origin) == ({"$ref": "#/$defs/number"}, {"$ref": "#/$defs/text"})
        assert schema["properties"]["lead_origin"]["description"].startswith(
            "How the lead entered the CRM."
        )

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
        assume(reads_back(record))

        assert _record_problems(record if as_csv else _as_json(record)) == []

    @given(lfst.policies(presets=False), lfst.contacts(), lfst.evidence(), st.booleans())
    def test_a_record_with_the_policys_signals_validates_and_parses(
        self, policy: Policy, contact: Contact, evidence: Evidence, as_csv: bool
    ) -> None:
        # The strategies give each signal name one kind, in policies and in evidence alike.
        record = flatten(contact, evidence, as_csv=as_csv)
        assume(reads_back(record))
        if not as_csv:
            record = _as_json(record)

        assert _record_problems(record, policy) == []
        parsed = parse_record(record, signals=policy.signals)
        declared = {signal.name for signal in policy.signals}
        assert parsed.evidence.signals == tuple(
            (name, seen) for name, seen in evidence.signals if name in declared
        )

    def test_the_documented_example_row_with_signals_validates(self) -> None:
        assert _record_problems(SIGNAL_ROW, SIGNAL_POLICY) == []
        assert _record_problems({**SIGNAL_ROW, "total_visits": 7, "minutes_on_site": 12.5}) == []
        assert len(parse_record(SIGNAL_ROW, signals=SIGNAL_POLICY.signals).evidence.signals) == 4

    @pytest.mark.parametrize(
        ("change", "why"),
        [
            ({"total_visits": "seven"}, "a number that is not a number"),
            ({"total_visits": "1e3"}, "a number in exponent notation"),
            ({"total_visits": True}, "a number that is a boolean"),
            ({"minutes_on_site": [12]}, "a number that is an array"),
            ({"lead_origin": 7}, "a category that is not text"),
            ({"total_visits_observed_at": "2026-09-13"}, "a time without an offset"),
            ({"minutes_on_site_observed_at": "2026-09-13T18:00:00Z"}, "a time without a value"),
        ],
    )
    def test_a_record_with_a_known_bad_signal_fails_the_schema_and_the_parser(
        self, change: dict[str, Any], why: str
    ) -> None:
        record = {**SIGNAL_ROW, **change}
        if "minutes_on_site_observed_at" in change:
            del record["minutes_on_site"]

        assert _record_problems(record, SIGNAL_POLICY), why
        assert _record_problems(record) == [], "without the policy, signal columns are ignored"
        with pytest.raises(InvalidRecordError):
            parse_record(record, signals=SIGNAL_POLICY.signals)

    @pytest.mark.parametrize("name", ["source", "industry", "signals"])
    def test_a_signal_named_like_a_record_field_cannot_be_in_a_record(self, name: str) -> None:
        data = copy.deepcopy(SIGNAL_POLICY_DATA)
        data["signals"][0]["name"] = name
        policy = structure(data, Policy)

        with pytest.raises(InvalidPolicyError):
            record_schema(policy)
        with pytest.raises(InvalidPolicyError):
            parse_record(GOOD_ROW, signals=policy.signals)

    def test_the_documented_example_row_validates(self) -> None:
        assert _record_problems(GOOD_ROW) == []

    @pytest.mark.parametrize(
        ("change", "field", "normal"),
        [
            ({"email": "anna@BÜCHER.example"}, "email", "anna@bücher.example"),
            ({"email": " info@例え.jp "}, "email", "info@例え.jp"),
            ({"email": "ivan@пример.рф"}, "email", "ivan@пример.рф"),
            ({"phone": "+1 415 555 0100 ext. 12"}, "phone", "+14155550100;ext=12"),
            ({"phone": "+1 (415) 555-0100 x12"}, "phone", "+14155550100;ext=12"),
            ({"phone": "+14155550100;ext=12"}, "phone", "+14155550100;ext=12"),
            ({"phone": "+44 (0)20 7946 0958"}, "phone", "+442079460958"),
            ({"phone": "(020) 7946 0958"}, "phone", "02079460958"),
        ],
    )
    def test_a_record_of_the_new_forms_validates_and_parses_to_the_normal_form(
        self, change: dict[str, Any], field: str, normal: str
    ) -> None:
        record = {**GOOD_ROW, **change}

        assert _record_problems(record) == []
        assert getattr(parse_record(record).contact, field) == normal

    @pytest.mark.parametrize(
        ("change", "field", "read"),
        [
            ({"need": "Strong"}, "need", "strong"),
            ({"timeframe": "This Quarter", "decision_date": ""}, "timeframe", "this_quarter"),
            ({"role": "decision-maker"}, "role", "decision_maker"),
            ({"need": " NONE "}, "need", "none"),
            ({"need": "N/A"}, "need", "unknown"),  # no level given: unknown
            ({"budget_amount": "#N/A", "budget_currency": "null"}, "budget_amount", None),
            ({"employees": "NaN", "industry": " nan "}, "employees", None),
        ],
    )
    def test_a_sheets_spellings_validate_and_parse(
        self, change: dict[str, Any], field: str, read: str | None
    ) -> None:
        record = {**GOOD_ROW, **change}

        assert _record_problems(record) == []
        parsed = flatten_read(parse_record(record), field)
        assert parsed == read

    @pytest.mark.parametrize(
        "change",
        [
            {"phone": "+1 415 555 0100 x"},
            {"phone": "+1 415 555 0100 ext 12345678901"},
            {"phone": "+1 (0) 12345"},
            {"phone": "+1 415 555 0100 # 12"},
            {"email": "anna@bücher\u3002example"},
            {"email": "anné@bücher.example"},
            {"email": "Ada <ada@example.com>, grace@example.com"},
        ],
    )
    def test_a_near_miss_of_the_new_forms_fails_the_schema_and_the_parser(
        self, change: dict[str, Any]
    ) -> None:
        record = {**GOOD_ROW, **change}

        assert _record_problems(record)
        with pytest.raises(InvalidRecordError):
            parse_record(record)

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
            ({"need": "STRONGLY"}, "a level that is none of the values"),
            ({"timeframe": "this__quarter"}, "a level with two gaps between words"),
            ({"name": "N/A"}, "a name that is a spreadsheet's empty cell"),
            ({"budget_amount": "NaN", "budget_currency": "EUR"}, "an amount that is missing"),
            ({"budget_amount": "1.5e3"}, "an amount in exponent notation"),
            ({"budget_amount": "about 60k"}, "a garbage amount"),
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

    def test_an_amount_may_be_a_json_number_which_leadflow_reads_exactly(self) -> None:
        # New rule: the schema describes JSON text, whose numbers leadflow reads exactly
        # (parse_float=Decimal, as from_json and the command line do), so an amount may be
        # the number 60000.5. Given a Python float, parse_record still refuses it as inexact.
        text = json.dumps({**GOOD_ROW, "budget_amount": 60000.5})
        exact = json.loads(text, parse_float=Decimal)

        assert _record_problems(exact) == []
        assert parse_record(exact).evidence.budget.amount == Money("60000.5", "GBP")
        with pytest.raises(InvalidRecordError, match="a float is inexact"):
            parse_record(json.loads(text))

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

    def test_the_example_policy_with_signals_validates_as_read_and_as_written(self) -> None:
        assert _policy_problems(SIGNAL_POLICY_DATA) == []
        assert _policy_problems(unstructure(SIGNAL_POLICY)) == []

    @pytest.mark.parametrize(
        ("index", "key", "value", "why"),
        [
            (0, "kind", None, "no kind"),
            (0, "kind", "ordinal", "a kind that does not exist"),
            (0, "name", "Lead Origin", "a name that is not lower case with underscores"),
            (0, "name", "need", "a signal named like a criterion"),
            (0, "weight", 101, "a weight above 100"),
            (0, "default", -1, "negative points for other categories"),
            (0, "points", {"API": "three"}, "points that are text"),
            (0, "points", {"API": 3, " - ": 1}, "a category with no letter or digit"),
            (0, "points", {"API": 3, "Other": 1}, "a category named like a reserved code"),
            (0, "points", [["API", 3]], "categorical points as a list"),
            (0, "edges", [1, 5], "edges on a categorical signal"),
            (2, "edges", [], "no edges"),
            (2, "edges", ["three"], "an edge that is not a number"),
            (2, "points", {"1": 3}, "numeric points as a table"),
            (2, "default", 1, "a default on a numeric signal"),
            (2, "half_life", "P1M", "a half-life in months"),
            (2, "half_life", "P0D", "a half-life of no time"),
            (2, "half_life", 0, "a half-life of no seconds"),
            (3, "description", 5, "a description that is not text"),
            (3, "colour", "blue", "a misspelt field"),
        ],
    )
    def test_a_known_bad_signal_fails_the_schema_and_structuring(
        self, index: int, key: str, value: object, why: str
    ) -> None:
        data = copy.deepcopy(SIGNAL_POLICY_DATA)
        if value is None:
            del data["signals"][index][key]
        else:
            data["signals"][index][key] = value

        assert _policy_problems(data), why
        with pytest.raises(InvalidRecordError):
            structure(data, Policy)

    @pytest.mark.parametrize(
        ("index", "key", "value"),
        [
            (2, "edges", [5, 1, 3, 10]),
            (2, "points", [0, 3, 6]),
            (2, "name", "lead_origin"),
            (3, "unknown", 11),
            (0, "points", {"API": 3, "api": 1}),
        ],
    )
    def test_what_a_schema_cannot_say_about_signals_passes_it_but_not_the_library(
        self, index: int, key: str, value: object
    ) -> None:
        # The documented gaps: edges that fall, a point count that does not match the
        # bins, a name given twice, points above the signal's weight, one category
        # written twice.
        data = copy.deepcopy(SIGNAL_POLICY_DATA)
        data["signals"][index][key] = value

        assert _policy_problems(data) == []
        with pytest.raises(InvalidRecordError):
            structure(data, Policy)

    def test_every_preset_validates(self) -> None:
        for policy in PRESETS.values():
            assert _policy_problems(unstructure(policy)) == [], policy.name
        assert (
            BudgetLevel.APPROVED.value
            in policy_schema()["$defs"]["budget_rule"]["properties"]["points"]["required"]
        )
