"""Flat records: CSV and JSON rows in, every bad field reported, decision rows out."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leadflow import (
    BANT,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    CategoricalSignal,
    Contact,
    ContactId,
    CriterionRule,
    Evidence,
    InvalidEmailError,
    InvalidPolicyError,
    InvalidRecordError,
    LeadSource,
    Money,
    NeedLevel,
    NumericSignal,
    Organisation,
    Policy,
    PromotionDecision,
    PromotionSignals,
    PurchaseProcess,
    PurchaseRole,
    QualificationDecision,
    RelationshipLevel,
    Signal,
    SignalObservation,
    SupplierStatus,
    TermsLevel,
    TimeframeLevel,
    _plain,
    _trusted,
    can_promote,
    qualify,
    to_lead,
)
from leadflow import strategies as lfst
from leadflow.records import (
    DECISION_FIELDS,
    PROMOTION_FIELDS,
    RECORD_FIELDS,
    QualificationInput,
    _parse,
    canonical_field,
    decision_fields,
    decision_row,
    parse_record,
    promotion_row,
    qualify_record,
    signal_columns,
)
from support import GOOD_CSV_ROW, flatten, reads_back

UTC = timezone.utc
CET = timezone(timedelta(hours=1))
#: A record's datetime without an offset: refused, naming both ways to give its zone.
NAIVE = (
    "datetime has no UTC offset; give one, or say which time zone the sheet is in "
    "(timezone=ZoneInfo('Europe/Berlin') in Python, --timezone Europe/Berlin on the "
    "command line)"
)


def declared(evidence: Evidence) -> tuple[Signal, ...]:
    """Signals of the kind of each value *evidence* holds, to read them back with."""
    return tuple(
        NumericSignal(name=name, weight=0, edges=(0,), points=(0, 0))
        if isinstance(seen.value, Decimal)
        else CategoricalSignal(name=name, weight=0, points={})
        for name, seen in evidence.signals
    )


# Fit and engagement signals, and a policy that weighs them beside BANT's criteria:
# need 30, budget 30, timeframe 25, authority 0, visits 10, origin 5.
VISITS = NumericSignal(
    name="total_visits",
    weight=10,
    edges=(1, 5, 10),
    points=(0, 4, 7, 10),
    half_life=timedelta(days=30),
)
ORIGIN = CategoricalSignal(
    name="lead_origin", weight=5, points={"Landing Page Submission": 5, "API": 2}, default=1
)
SIGNALS = (VISITS, ORIGIN)
WITH_SIGNALS = attrs.evolve(
    BANT,
    name="BANT with signals",
    authority=CriterionRule(
        weight=0,
        required=False,
        minimum=AuthorityLevel.INFLUENCER,
        points=dict.fromkeys(AuthorityLevel, 0),
    ),
    signals=SIGNALS,
)


CREATED = datetime(2026, 9, 14, 10, 12, tzinfo=CET)


class TestFields:
    def test_the_record_fields_are_the_documented_ones_in_order(self) -> None:
        documented = (
            "id",
            "name",
            "email",
            "phone",
            "organisation",
            "industry",
            "employees",
            "website",
            "job_title",
            "role",
            "source",
            "created_at",
            "need",
            "need_observed_at",
            "need_note",
            "budget",
            "budget_amount",
            "budget_currency",
            "budget_observed_at",
            "budget_note",
            "timeframe",
            "decision_date",
            "timeframe_observed_at",
            "timeframe_note",
            "purchase_process",
            "authority_observed_at",
            "authority_note",
            "relationship",
            "requirements",
            "terms",
            "supplier",
            "signals_observed_at",
            "estimated_value",
            "estimated_currency",
            "expected_close",
        )

        assert documented == RECORD_FIELDS

    def test_the_decision_columns_are_the_documented_ones_in_order(self) -> None:
        documented = (
            "id",
            "verdict",
            "score",
            "grade",
            "rating",
            "policy",
            "as_of",
            "codes",
            "need_code",
            "need_points",
            "budget_code",
            "budget_points",
            "timeframe_code",
            "timeframe_points",
            "authority_code",
            "authority_points",
            "next_steps",
            "reason",
        )

        assert documented == DECISION_FIELDS
        assert decision_fields() == DECISION_FIELDS

    def test_signals_add_their_columns_after_the_fixed_ones_in_policy_order(self) -> None:
        assert signal_columns(SIGNALS) == (
            "total_visits",
            "total_visits_observed_at",
            "lead_origin",
            "lead_origin_observed_at",
        )
        assert decision_fields(SIGNALS) == (
            *DECISION_FIELDS,
            "total_visits_code",
            "total_visits_points",
            "lead_origin_code",
            "lead_origin_points",
        )
        assert decision_fields((ORIGIN, VISITS))[len(DECISION_FIELDS) :] == (
            "lead_origin_code",
            "lead_origin_points",
            "total_visits_code",
            "total_visits_points",
        )

    def test_the_promotion_columns_are_the_documented_ones_in_order(self) -> None:
        documented = (
            "id",
            "promotable",
            "codes",
            "next_steps",
            "qualification_verdict",
            "score",
        )

        assert documented == PROMOTION_FIELDS


class TestGoodRecords:
    def test_a_csv_row_of_text_is_read_into_values(self) -> None:
        row = parse_record(GOOD_CSV_ROW)

        assert row.contact == Contact(
            id=ContactId("L-1001"),
            name="Amira Haddad",
            email="Amira.Haddad@northwind.example",
            phone="+442079460101",
            organisation=Organisation(
                name="Northwind Logistics", industry="logistics", employees=420
            ),
            job_title="Head of Operations",
            role=PurchaseRole.DECISION_MAKER,
            source=LeadSource.TRADE_SHOW,
            created_at=CREATED,
        )
        assert row.evidence.need.level is NeedLevel.STRONG
        assert row.evidence.need.observed_at == datetime(2026, 10, 2, 14, 30, tzinfo=CET)
        assert row.evidence.need.note == "Route planning lives in spreadsheets"
        assert row.evidence.budget == BudgetEvidence(
            level=BudgetLevel.APPROVED, amount=Money(Decimal("60000.50"), "GBP")
        )
        assert row.evidence.timeframe.level is TimeframeLevel.UNKNOWN
        assert row.evidence.timeframe.decision_date == date(2026, 12, 18)
        assert row.evidence.authority.process is PurchaseProcess.COMMITTEE
        assert row.signals == PromotionSignals(
            relationship=RelationshipLevel.ESTABLISHED,
            terms=TermsLevel.PAYMENT_TERMS,
            supplier=SupplierStatus.DROPPED,
            observed_at=datetime(2026, 11, 18, 16, tzinfo=UTC),
        )
        assert row.estimated_value == Money(54000, "GBP")
        assert row.expected_close == date(2027, 1, 15)

    def test_a_json_row_may_use_native_types(self) -> None:
        row = parse_record(
            {
                "id": 4711,
                "name": "Jonas Becker",
                "phone": "030 9018 2247",
                "organisation": "Becker & Söhne",
                "employees": 180,
                "created_at": CREATED,
                "role": PurchaseRole.INFLUENCER,
                "budget": "available",
                "budget_amount": 35000,
                "budget_currency": "EUR",
                "decision_date": date(2027, 2, 15),
            }
        )

        assert row.contact.id == "4711"
        assert row.contact.organisation == Organisation(name="Becker & Söhne", employees=180)
        assert row.contact.created_at == CREATED
        assert row.contact.role is PurchaseRole.INFLUENCER
        assert row.evidence.budget.amount == Money(35000, "EUR")
        assert row.evidence.timeframe.decision_date == date(2027, 2, 15)

    def test_json_numbers_read_exactly_are_amounts_and_ids(self) -> None:
        # New rule: a JSON number read with parse_float=Decimal is an amount, and one
        # without a fraction (4711.0, which JSON Schema counts as an integer) an id or a
        # head count.
        text = json.dumps(
            {
                **GOOD_JSON_ROW,
                "id": 4711.0,
                "organisation": "Acme",
                "employees": 180.0,
                "budget_amount": 35000.5,
                "budget_currency": "EUR",
            }
        )

        row = parse_record(json.loads(text, parse_float=Decimal))

        assert row.contact.id == "4711"
        assert row.contact.organisation == Organisation(name="Acme", employees=180)
        assert row.evidence.budget.amount == Money("35000.5", "EUR")

    def test_a_time_may_leave_out_its_seconds_and_use_a_space(self) -> None:
        row = parse_record({**GOOD_JSON_ROW, "created_at": " 2026-01-05 09:30+01:00 "})

        assert row.contact.created_at == datetime(2026, 1, 5, 9, 30, tzinfo=CET)

    def test_blank_fields_are_missing_fields(self) -> None:
        blank = dict.fromkeys(RECORD_FIELDS, "  ")
        row = parse_record(
            {**blank, "name": "Ada", "email": "ada@example.com", "created_at": "2026-01-05T09:00Z"}
        )

        assert row == QualificationInput(
            contact=Contact(
                name="Ada",
                email="ada@example.com",
                created_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
            ),
            evidence=Evidence(),
        )

    def test_a_record_without_signals_has_none(self) -> None:
        no_signals = dict.fromkeys(["relationship", "terms", "supplier", "signals_observed_at"], "")

        row = parse_record({**GOOD_CSV_ROW, **no_signals})

        assert row.signals is None

    @given(
        lfst.contacts(),
        lfst.evidence(),
        st.none() | lfst.promotion_signals(),
        st.none() | lfst.money(),
        st.none() | lfst.dates(),
        st.booleans(),
    )
    def test_flattened_values_read_back_equal(
        self,
        contact: Contact,
        evidence: Evidence,
        signals: PromotionSignals | None,
        value: Money | None,
        close: date | None,
        as_csv: bool,
    ) -> None:
        # A flat record has no note for the signals.
        signals = signals and attrs.evolve(signals, note=None)
        record = flatten(contact, evidence, signals, value, close, as_csv=as_csv)
        assume(reads_back(record))

        row = parse_record(record, signals=declared(evidence))

        assert row == QualificationInput(
            contact=contact,
            evidence=evidence,
            signals=signals,
            estimated_value=value,
            expected_close=close,
        )


def _errors(record: object) -> dict[str, str]:
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(record)  # type: ignore[arg-type]  # deliberately wrong input too
    return {error.path: error.reason for error in caught.value.errors}


class TestBadRecords:
    def test_every_bad_field_is_reported_in_field_order(self) -> None:
        record = {
            **GOOD_CSV_ROW,
            "email": "amira@",
            "role": "boss",
            "created_at": "2026-09-14T10:12:00",
            "need": "urgent",
            "budget_amount": "a lot",
            "budget_currency": "POUNDS",
            "decision_date": "2026-02-30",
            "supplier": 3,
            "estimated_value": 54000.5,
        }

        assert _errors(record) == {
            "$.email": "not an email address",
            "$.role": "expected one of 'unknown', 'user', 'adviser', 'influencer', "
            "'decision_maker'",
            "$.created_at": NAIVE,
            "$.need": "expected one of 'unknown', 'none', 'latent', 'expressed', 'strong'",
            "$.budget_amount": "not a decimal number",
            "$.budget_currency": "not an ISO 4217 currency code",
            "$.decision_date": "not an ISO 8601 date (YYYY-MM-DD)",
            "$.supplier": "expected one of 'unknown', 'retained', 'evaluating', "
            "'no_supplier', 'dropped', not an integer",
            # One decimal reader for records and JSON: one message, with what to do.
            "$.estimated_value": "expected a decimal string; a float is inexact, write it as text",
        }
        with pytest.raises(InvalidRecordError) as caught:
            parse_record(record)
        assert [e.path for e in caught.value.errors] == list(_errors(record))
        assert isinstance(caught.value.errors[0], InvalidEmailError)

    def test_an_empty_record_lacks_a_name_a_channel_and_a_creation_time(self) -> None:
        assert set(_errors({})) == {"$.name", "$.email", "$.created_at"}

    def test_a_decision_date_beside_a_named_timeframe_is_the_records_error(self) -> None:
        record = {**GOOD_CSV_ROW, "timeframe": "later", "decision_date": "2027-01-15"}
        with pytest.raises(InvalidRecordError) as caught:
            parse_record(record)
        assert [e.path for e in caught.value.errors] == ["$.decision_date"]
        assert "named timeframe 'later'" in caught.value.errors[0].reason
        assert caught.value.errors[0].value == "2027-01-15"  # as the cell holds it

        with pytest.raises(InvalidRecordError) as caught:
            parse_record({**record, "email": "not an address"})
        assert [e.path for e in caught.value.errors] == ["$.email", "$.decision_date"]

    def test_a_contact_needs_an_email_or_a_phone(self) -> None:
        record = {**GOOD_CSV_ROW, "email": "", "phone": " "}

        assert _errors(record) == {"$.email": "a contact needs an email address or a phone"}

    @pytest.mark.parametrize("field", ["industry", "employees", "website"])
    def test_organisation_details_need_an_organisation(self, field: str) -> None:
        record = {**GOOD_CSV_ROW, "organisation": "", "industry": "", "employees": ""}

        assert set(_errors({**record, field: "12"})) == {"$.organisation"}

    @pytest.mark.parametrize(
        ("amount", "currency"),
        [("budget_amount", "budget_currency"), ("estimated_value", "estimated_currency")],
    )
    def test_an_amount_and_its_currency_come_together(self, amount: str, currency: str) -> None:
        assert set(_errors({**GOOD_CSV_ROW, currency: ""})) == {f"$.{currency}"}
        assert set(_errors({**GOOD_CSV_ROW, amount: ""})) == {f"$.{amount}"}

    @pytest.mark.parametrize(
        "amount", ["-1", "NaN", "Infinity", "1e999999999", "12,50", "1_000", "١٢", "12 EUR"]
    )
    def test_an_amount_is_a_finite_non_negative_decimal(self, amount: str) -> None:
        assert set(_errors({**GOOD_CSV_ROW, "budget_amount": amount})) == {"$.budget_amount"}

    # New rule, that of every decimal: no sign, leading or trailing dot, and at most 18
    # digits before the point.
    @pytest.mark.parametrize("amount", ["+5", ".5", "5.", "-0", "1" * 19, "9E+999999"])
    def test_an_amount_is_plain_unsigned_decimal_text(self, amount: str) -> None:
        assert set(_errors({**GOOD_CSV_ROW, "budget_amount": amount})) == {"$.budget_amount"}

    @pytest.mark.parametrize("employees", ["-3", "many", "4.5", True, 4.5, "²"])
    def test_a_head_count_is_a_whole_number(self, employees: object) -> None:
        assert set(_errors({**GOOD_CSV_ROW, "employees": employees})) == {"$.employees"}

    # New rule, the one Contact.from_record always had: a head count has 1 to 12 digits.
    @pytest.mark.parametrize("employees", ["1" * 13, 10**12])
    def test_a_head_count_has_at_most_twelve_digits(self, employees: object) -> None:
        assert set(_errors({**GOOD_CSV_ROW, "employees": employees})) == {"$.employees"}

    @pytest.mark.parametrize("identifier", [10**18, 1.5, [1]])
    def test_a_number_as_an_id_is_a_whole_number_of_at_most_18_digits(
        self, identifier: object
    ) -> None:
        assert set(_errors({**GOOD_CSV_ROW, "id": identifier})) == {"$.id"}

    # New rule: a time may have no seconds and a space for the "T"; it needs an offset and a
    # day that exists, the same on every Python.
    @pytest.mark.parametrize(
        "created_at", ["2026-02-30T09:00Z", "2026-01-05T09+01:00", "2026-01-05T09:00:00+0100"]
    )
    def test_a_datetime_is_read_by_the_one_rule(self, created_at: str) -> None:
        assert set(_errors({**GOOD_CSV_ROW, "created_at": created_at})) == {"$.created_at"}

    @pytest.mark.parametrize("record", [[], "name,email", None, 3])
    def test_a_record_that_is_not_an_object_is_refused(self, record: object) -> None:
        assert set(_errors(record)) == {"$"}

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("name", ["Ada"]),
            ("created_at", 1767600000),
            ("need_observed_at", "last Tuesday"),
            ("expected_close", "2027-01-15T00:00:00+00:00"),
            ("need_note", {"text": "x"}),
            ("budget", ["approved"]),
            ("organisation", {"name": "Northwind"}),
        ],
    )
    def test_a_value_of_the_wrong_kind_is_reported_at_its_field(
        self, field: str, value: object
    ) -> None:
        assert set(_errors({**GOOD_CSV_ROW, field: value})) == {f"$.{field}"}


GOOD_JSON_ROW = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "created_at": "2026-09-14T10:12:00+01:00",
}


def _signal_errors(record: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(record, signals=SIGNALS)
    return {error.path: error.reason for error in caught.value.errors}


class TestSignalColumns:
    def test_signal_values_are_read_from_the_columns_named_as_the_signals(self) -> None:
        record = {
            **GOOD_CSV_ROW,
            "total_visits": " 12 ",
            "lead_origin": "  Landing Page Submission ",
            "lead_origin_observed_at": "2026-11-18T16:00:00Z",
        }

        row = parse_record(record, signals=SIGNALS)

        assert row.evidence.signals == (
            (
                "lead_origin",
                SignalObservation(
                    value="Landing Page Submission",
                    observed_at=datetime(2026, 11, 18, 16, tzinfo=UTC),
                ),
            ),
            ("total_visits", SignalObservation(value=Decimal(12))),
        )
        # Everything else reads as it does without signals.
        assert attrs.evolve(row.evidence, signals={}) == parse_record(record).evidence

    @pytest.mark.parametrize(
        ("raw", "number"),
        [
            ("7", Decimal(7)),
            ("7.50", Decimal("7.5")),
            ("-3", Decimal(-3)),
            (7, Decimal(7)),
            (Decimal("7.25"), Decimal("7.25")),
            # Minutes on site are a measurement: a JSON float is read at its shortest repr.
            (7.3, Decimal("7.3")),
        ],
    )
    def test_a_numeric_signal_is_a_decimal_number_and_may_be_a_float(
        self, raw: object, number: Decimal
    ) -> None:
        row = parse_record({**GOOD_JSON_ROW, "total_visits": raw}, signals=SIGNALS)

        assert row.evidence.signal("total_visits") == SignalObservation(value=number)

    @pytest.mark.parametrize("blank", ["", "   ", None])
    def test_a_blank_signal_has_no_value(self, blank: str | None) -> None:
        record = {**GOOD_CSV_ROW, "total_visits": blank, "lead_origin": blank}
        record["total_visits_observed_at"] = record["lead_origin_observed_at"] = ""

        row = parse_record(record, signals=SIGNALS)

        assert row.evidence.signals == ()
        decision = qualify(row.contact, row.evidence, WITH_SIGNALS, as_of=NOW)
        assert decision.signal("total_visits").code == "signal.total_visits.unknown"
        assert decision.signal("lead_origin").code == "signal.lead_origin.unknown"

    def test_without_the_signals_their_columns_are_ignored(self) -> None:
        row = parse_record({**GOOD_CSV_ROW, "total_visits": "lots", "lead_origin": ["x"]})

        assert row.evidence.signals == ()

    def test_a_dated_value_decays_with_the_signals_half_life(self) -> None:
        # 12 visits fall in the last bin, 10 points; seen two half-lives (60 days) before
        # NOW they give a quarter of that, 2.5, rounded half up to 3.
        seen = (NOW - timedelta(days=60)).astimezone(CET).isoformat()
        record = {**GOOD_CSV_ROW, "total_visits": "12", "total_visits_observed_at": seen}

        row = parse_record(record, signals=SIGNALS)
        result = qualify(row.contact, row.evidence, WITH_SIGNALS, as_of=NOW).signal("total_visits")

        assert row.evidence.signal("total_visits") == SignalObservation(
            value=Decimal(12), observed_at=NOW - timedelta(days=60)
        )
        assert (result.code, result.full_points, result.points) == (
            "signal.total_visits.bin_4",
            10,
            3,
        )

    def test_every_bad_signal_value_is_reported_with_the_record_fields(self) -> None:
        record = {
            **GOOD_CSV_ROW,
            "email": "amira@",
            "budget_amount": "a lot",
            "total_visits": "1e3",
            "total_visits_observed_at": "2026-11-18T16:00:00",
            "lead_origin": 3,
            "lead_origin_observed_at": "yesterday",
        }

        errors = _signal_errors(record)

        assert errors == {
            "$.email": "not an email address",
            "$.budget_amount": "not a decimal number",
            "$.total_visits": "not a decimal number",
            "$.total_visits_observed_at": NAIVE,
            "$.lead_origin": "expected a string, not an integer",
            "$.lead_origin_observed_at": "not an ISO 8601 datetime",
        }
        # Record fields first, in their order, then the signals' columns in policy order.
        assert list(errors) == [
            "$.email",
            "$.budget_amount",
            "$.total_visits",
            "$.total_visits_observed_at",
            "$.lead_origin",
            "$.lead_origin_observed_at",
        ]

    @pytest.mark.parametrize(
        "raw",
        [
            # ("NaN" and a float NaN are a spreadsheet's empty cell: tests/test_spreadsheets.py.)
            *("lots", "12,5", "1_000", "Infinity", "-inf", "١٢", True, [12], float("inf")),
            # New rule, that of every decimal: no leading dot, no trailing dot, no "+".
            *(".5", "5.", "+5"),
        ],
    )
    def test_a_numeric_signal_is_a_finite_plain_decimal(self, raw: object) -> None:
        assert set(_signal_errors({**GOOD_JSON_ROW, "total_visits": raw})) == {"$.total_visits"}

    def test_a_time_without_a_value_is_refused(self) -> None:
        record = {**GOOD_JSON_ROW, "total_visits_observed_at": "2026-11-18T16:00:00Z"}

        assert _signal_errors(record) == {
            "$.total_visits": "is required with total_visits_observed_at"
        }

    @pytest.mark.parametrize(
        ("name", "column"),
        [
            ("source", "source"),
            ("email", "email"),
            ("budget_amount", "budget_amount"),
            # Its time would be read from the promotion signals' signals_observed_at.
            ("signals", "signals_observed_at"),
        ],
    )
    def test_a_signal_named_as_a_record_field_is_refused(self, name: str, column: str) -> None:
        clash = CategoricalSignal(name=name, weight=5, points={"x": 5})
        policy = attrs.evolve(WITH_SIGNALS, signals=(VISITS, clash))

        for use in (
            lambda: parse_record(GOOD_CSV_ROW, signals=policy.signals),
            lambda: signal_columns(policy.signals),
            lambda: decision_fields(policy.signals),
        ):
            with pytest.raises(InvalidPolicyError) as caught:
                use()
            assert caught.value.path == "$.signals[1].name"
            assert caught.value.value == name
            assert f"is a record field ({column})" in caught.value.reason

    def test_a_signal_named_as_another_signals_time_is_refused(self) -> None:
        dated = NumericSignal(name="total_visits_observed_at", weight=5, edges=(1,), points=(0, 5))

        with pytest.raises(InvalidPolicyError) as caught:
            parse_record(GOOD_CSV_ROW, signals=(VISITS, dated))

        assert caught.value.path == "$.signals[1].name"
        assert "also a column of the signal total_visits" in caught.value.reason


PAIRS = [("budget_amount", "budget_currency"), ("estimated_value", "estimated_currency")]

# JSON-like values, and values that are sometimes right for some field.
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=6,
)
plausible = st.one_of(
    json_like,
    st.sampled_from(["", " ", "unknown", "strong", "EUR", "12.50", "-1", "2026-05-04"]),
    lfst.aware_datetimes().map(datetime.isoformat),
    lfst.emails(),
    lfst.phones(),
)
COLUMNS = (*RECORD_FIELDS, *signal_columns(SIGNALS))
fuzzed_records = st.dictionaries(
    st.sampled_from(COLUMNS) | st.text(max_size=8), plausible, max_size=12
)


class TestFuzz:
    @given(fuzzed_records, st.sampled_from([(), SIGNALS]))
    def test_arbitrary_records_give_an_input_or_one_leadflow_error(
        self, record: dict[str, Any], signals: tuple[Signal, ...]
    ) -> None:
        try:
            parse_record(record, signals=signals)
        except InvalidRecordError as error:
            caught = error
        else:
            return
        assert caught.errors
        known = {f"$.{field}" for field in (*RECORD_FIELDS, *signal_columns(signals))}
        assert {e.path for e in caught.errors} <= known

    @given(lfst.contacts(), lfst.evidence(), fuzzed_records, st.booleans())
    def test_good_records_with_fields_replaced_give_an_input_or_every_bad_field(
        self, contact: Contact, evidence: Evidence, changes: dict[str, Any], as_csv: bool
    ) -> None:
        unchanged = flatten(contact, evidence, as_csv=as_csv)
        assume(reads_back(unchanged))
        record = {**unchanged, **changes}

        try:
            parse_record(record)
        except InvalidRecordError as error:
            caught = error
        else:
            return
        # Only changed fields can be bad, or those they go with: an organisation's details
        # need it, a contact needs a channel, an amount and its currency come together.
        # A changed header names its field however it is spelled ("PHONE" is phone, and
        # given beside phone it is the field given twice).
        fields = {canonical_field(name) for name in changes}
        changed = {f"$.{field}" for field in fields} | {"$.organisation", "$.email"}
        for amount, currency in PAIRS:
            if {amount, currency} & fields:
                changed |= {f"$.{amount}", f"$.{currency}"}
        assert {e.path for e in caught.errors} <= changed


def _outcome(
    record: dict[str, Any], signals: tuple[Signal, ...], zone: timezone | None, trusted: bool
) -> QualificationInput | list[tuple[str, str]]:
    """What reading *record* gives: the input, or each error's path and reason."""
    try:
        return _parse(record, signals, zone, trusted=trusted)
    except InvalidRecordError as error:
        return [(e.path, e.reason) for e in error.errors]


def _every_part(value: object) -> list[object]:
    """*value* and every attrs value it holds, however deep."""
    found = [value]
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]
            found += _every_part(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            found += _every_part(item)
    return found


class TestTrustedParts:
    """A record's values, once read, are built without being checked again.

    The reader builds the parts of a good record directly (leadflow._trusted); here
    every generated record is read both ways and must give the same input, or the
    same errors, and every part of a trusted input passes its class's own checks.
    """

    @given(
        lfst.contacts(),
        lfst.evidence(),
        fuzzed_records,
        st.booleans(),
        st.booleans(),
        st.sampled_from([None, CET]),
    )
    def test_trusted_parts_equal_the_checked_ones(
        self,
        contact: Contact,
        evidence: Evidence,
        changes: dict[str, Any],
        as_csv: bool,
        changed: bool,
        zone: timezone | None,
    ) -> None:
        signals = declared(evidence)
        record = {**flatten(contact, evidence, as_csv=as_csv), **(changes if changed else {})}

        trusted = _outcome(record, signals, zone, trusted=True)
        checked = _outcome(record, signals, zone, trusted=False)

        assert trusted == checked
        assert repr(trusted) == repr(checked)
        if isinstance(trusted, QualificationInput):
            assert hash(trusted) == hash(checked)
            for part in _every_part(trusted):
                if attrs.has(type(part)):
                    attrs.validate(part)  # type: ignore[arg-type]

    @given(lfst.contacts(), lfst.evidence(), st.booleans())
    def test_a_good_record_reads_back_through_the_trusted_parts(
        self, contact: Contact, evidence: Evidence, as_csv: bool
    ) -> None:
        record = flatten(contact, evidence, as_csv=as_csv)
        assume(reads_back(record))

        read = _parse(record, declared(evidence), None, trusted=True)

        assert read.contact == contact
        assert read.evidence == evidence

    def test_a_class_with_other_fields_is_refused(self) -> None:
        with pytest.raises(AssertionError, match="has the fields"):
            _trusted.setters(Money, "amount")


# Text as a file holds it: often right for some field, often a little off (blanks
# around it, an empty cell's text, another case, a bad value).
_cells = st.one_of(
    st.sampled_from(
        [
            *("", " ", "N/A", "null", "none", "None", " strong", "Strong", "strong", "approved"),
            *("decision_maker", "immediate", "committee", "2026-05-04", "EUR", "12.50", "x"),
            *("2026-11-02T09:00:00+00:00", "2026-11-02 09:00Z", "2026-11-02T09:00:00", "7"),
        ]
    ),
    lfst.aware_datetimes().map(datetime.isoformat),
    lfst.emails(),
    lfst.phones(),
    st.text(max_size=6),
)
_TEXT_FIELDS = ("id", "name", "organisation", "industry", "website", "job_title", "need_note")
_changed_cells = st.one_of(
    st.dictionaries(st.sampled_from(RECORD_FIELDS), _cells, min_size=1, max_size=6),
    # An empty cell's text where text goes; a date beside a named timeframe.
    st.dictionaries(st.sampled_from(_TEXT_FIELDS), st.sampled_from(["N/A", " nan ", "x"])),
    st.fixed_dictionaries(
        {
            "timeframe": st.sampled_from(["immediate", "later", ""]),
            "decision_date": st.sampled_from(["2026-05-04", ""]),
        }
    ),
)


def _general_reader() -> Any:
    """Patches that leave every record to the general reader (no short way)."""
    return mock.patch.multiple(_plain, plain_parts=lambda *_: None, plain_evidence=lambda *_: None)


def _decided(record: dict[str, Any], zone: timezone | None, as_of: datetime) -> object:
    """What qualify_record gives *record*: the decision, or each error's path, reason, value."""
    try:
        return qualify_record(record, as_of=as_of, timezone=zone)
    except InvalidRecordError as error:
        return [(e.path, e.reason, e.value) for e in error.errors]


class TestPlainRecords:
    """A plain record (fields' own names, text values) is read the short way, alike.

    leadflow._plain reads such a record in one pass and gives up on anything it
    does not take as it stands; here generated records, plain ones and ones a little
    off, are read and decided with and without it, and must come out the same.
    """

    @given(
        lfst.contacts(),
        lfst.evidence(),
        _changed_cells,
        st.sampled_from([None, CET]),
        lfst.aware_datetimes(),
    )
    def test_the_short_way_reads_and_decides_as_the_general_reader(
        self,
        contact: Contact,
        evidence: Evidence,
        changes: dict[str, str],
        zone: timezone | None,
        as_of: datetime,
    ) -> None:
        record = {**flatten(contact, attrs.evolve(evidence, signals=()), as_csv=True), **changes}

        read, decided = _outcome(record, (), zone, trusted=True), _decided(record, zone, as_of)
        with _general_reader():
            read_in_full = _outcome(record, (), zone, trusted=True)
            decided_in_full = _decided(record, zone, as_of)

        assert read == read_in_full
        assert repr(read) == repr(read_in_full)
        assert decided == decided_in_full
        assert repr(decided) == repr(decided_in_full)

    @given(lfst.contacts(), lfst.evidence())
    def test_a_plain_record_is_read_the_short_way(
        self, contact: Contact, evidence: Evidence
    ) -> None:
        evidence = attrs.evolve(evidence, signals=())
        record = flatten(contact, evidence, as_csv=True)
        assume(reads_back(record))

        parts = _plain.plain_parts(record, None)

        assert parts is not None
        assert parts[:2] == (contact, evidence)
        assert _plain.plain_evidence(record, None) == (
            contact.role,
            contact.created_at,
            evidence,
        )

    @pytest.mark.parametrize(
        "changes",
        [
            {"need": " strong"},  # blanks around a value: stripped by the general reader
            {"need": "Strong"},  # another spelling of a level
            {"email": "N/A"},  # an empty cell's text: no value there
            {"organisation": "None"},
            {"created_at": "2026-11-02 09:00"},  # no offset: the general reader's to refuse
            {"budget_currency": ""},  # an amount without its currency
            {"employees": 12},  # not text
            {"email": "", "phone": ""},  # no way to reach the contact
            {"timeframe": "immediate"},  # a named timeframe beside the row's decision date
            {"industry": "", "employees": "", "organisation": "", "website": "x.example"},
        ],
    )
    def test_anything_not_as_it_stands_is_left_to_the_general_reader(
        self, changes: dict[str, Any]
    ) -> None:
        record = {**GOOD_CSV_ROW, "phone": "+44 20 7946 0958", **changes}
        assert _plain.plain_parts(GOOD_CSV_ROW, None) is not None

        assert _plain.plain_parts(record, None) is None
        assert _plain.plain_evidence(record, None) is None


NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)

# Each generated decision qualifies a generated contact (and a promotion decision also
# builds a lead first); a sixth of the profile's examples keeps this file within its time
# budget.
expensive = settings(max_examples=max(5, settings().max_examples // 6))


@st.composite
def decided(draw: st.DrawFn) -> tuple[Policy, QualificationDecision]:
    """A generated policy (with signals or not) and its decision on generated inputs."""
    as_of = draw(lfst.aware_datetimes(min_value=datetime(2004, 1, 1)))
    policy = draw(lfst.policies())
    contact = draw(lfst.contacts(created_before=as_of))
    return policy, qualify(contact, draw(lfst.evidence(as_of)), policy, as_of=as_of)


class TestDecisionRows:
    def test_a_decision_row_has_every_column_in_order(self) -> None:
        row = parse_record(GOOD_CSV_ROW)
        decision = qualify(row.contact, row.evidence, BANT, as_of=NOW)

        flat = decision_row(decision, record_id="L-1001")

        assert list(flat) == list(DECISION_FIELDS)
        # Need strong, budget approved, authority shared (a decision maker on a committee),
        # and a decision date within 30 days: BANT's weights are need 30, budget 30,
        # timeframe 25, authority 15, and its scale gives shared 80 % of 15, rounded half up.
        assert flat == {
            "id": "L-1001",
            "verdict": "qualified",
            "score": 30 + 30 + 25 + (15 * 80 + 50) // 100,
            "grade": "A",
            "rating": "hot",
            "policy": "BANT",
            "as_of": "2026-12-01T09:00:00+00:00",
            # In the columns' order, not BANT's (budget, authority, need, timeframe).
            "codes": "need.met;budget.met;timeframe.met;authority.met",
            "need_code": "need.met",
            "need_points": 30,
            "budget_code": "budget.met",
            "budget_points": 30,
            "timeframe_code": "timeframe.met",
            "timeframe_points": 25,
            "authority_code": "authority.met",
            "authority_points": (15 * 80 + 50) // 100,
            "next_steps": "",
            "reason": decision.reason,
        }
        assert flat["reason"].startswith("Qualified")

    def test_next_steps_are_joined_with_semicolons(self) -> None:
        unknown = dict.fromkeys(["budget", "budget_amount", "budget_currency", "need"], "")
        row = parse_record({**GOOD_CSV_ROW, **unknown})
        decision = qualify(row.contact, row.evidence, BANT, as_of=NOW)

        flat = decision_row(decision, record_id=None)

        assert flat["id"] is None
        # Need and budget were never asked about: not known is not a no.
        assert flat["verdict"] == "undetermined"
        assert flat["next_steps"] == "confirm budget; confirm what the party needs"
        assert "budget" in flat["reason"]
        assert "need" in flat["reason"]

    def test_a_decision_row_has_the_signal_columns_after_the_fixed_ones(self) -> None:
        record = {**GOOD_CSV_ROW, "total_visits": "3", "lead_origin": "api"}
        row = parse_record(record, signals=SIGNALS)
        decision = qualify(row.contact, row.evidence, WITH_SIGNALS, as_of=NOW)

        flat = decision_row(decision, record_id="L-1001")

        assert tuple(flat) == decision_fields(SIGNALS)
        # Need strong 30, budget approved 30, decision within 30 days 25, authority
        # weighs nothing here; 3 visits fall in the bin from 1 to under 5 (4 points) and
        # "api" is the listed category API (2 points).
        assert flat["score"] == 30 + 30 + 25 + 0 + 4 + 2
        assert flat["verdict"] == "qualified"
        assert flat["codes"] == (
            "need.met;budget.met;timeframe.met;authority.met;"
            "signal.total_visits.bin_2;signal.lead_origin.api"
        )
        signal_part = {key: flat[key] for key in decision_fields(SIGNALS)[len(DECISION_FIELDS) :]}
        assert signal_part == {
            "total_visits_code": "signal.total_visits.bin_2",
            "total_visits_points": 4,
            "lead_origin_code": "signal.lead_origin.api",
            "lead_origin_points": 2,
        }

    @expensive
    @given(decided(), st.none() | lfst.texts())
    def test_a_decision_row_agrees_with_its_decision(
        self, decided: tuple[Policy, QualificationDecision], record_id: str | None
    ) -> None:
        policy, decision = decided

        flat = decision_row(decision, record_id=record_id)

        # One header for every decision of a policy, whatever its evidence.
        assert tuple(flat) == decision_fields(policy.signals)
        assert flat["score"] == sum(
            flat[f"{c}_points"] for c in ("need", "budget", "timeframe", "authority")
        ) + sum(flat[f"{signal.name}_points"] for signal in policy.signals)
        # The codes of the columns, in the columns' order.
        columns = [f"{c}_code" for c in ("need", "budget", "timeframe", "authority")]
        columns += [f"{signal.name}_code" for signal in policy.signals]
        assert flat["codes"].split(";") == [flat[column] for column in columns]
        assert sorted(flat["codes"].split(";")) == sorted(decision.codes)
        assert flat["verdict"] == decision.verdict.value
        assert flat["reason"] == decision.reason
        assert json.loads(json.dumps(flat)) == flat

    def test_a_promotion_row_has_every_column_in_order(self) -> None:
        row = parse_record(GOOD_CSV_ROW)
        signals = row.signals
        assert signals is not None
        as_of = datetime(2026, 11, 20, tzinfo=UTC)
        lead, _ = to_lead(row.contact, row.evidence, BANT, as_of=as_of)
        decision = can_promote(lead, signals, BANT, as_of=as_of)

        flat = promotion_row(decision, record_id="L-1001")

        assert list(flat) == list(PROMOTION_FIELDS)
        # BANT's gate: relationship established (met), requirements specified (not given),
        # terms payment terms (met), supplier no supplier or better (dropped: met).
        assert flat == {
            "id": "L-1001",
            "promotable": False,
            "codes": "need.met;relationship.met;requirements.unconfirmed;supplier.met;terms.met",
            "next_steps": "identify the lead's specific needs and requirements",
            "qualification_verdict": "qualified",
            "score": decision.qualification.score,
        }

    @expensive
    @given(lfst.promotion_decisions(), st.none() | lfst.texts())
    def test_a_promotion_row_agrees_with_its_decision(
        self, decision: PromotionDecision, record_id: str | None
    ) -> None:
        flat = promotion_row(decision, record_id=record_id)

        assert tuple(flat) == PROMOTION_FIELDS
        assert flat["promotable"] is decision.promotable
        assert flat["codes"].split(";") == list(decision.codes)
        assert json.loads(json.dumps(flat)) == flat
