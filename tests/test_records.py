"""Flat records: CSV and JSON rows in, every bad field reported, decision rows out."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow import (
    BANT,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    ContactId,
    Evidence,
    InvalidEmailError,
    InvalidRecordError,
    LeadSource,
    Money,
    NeedLevel,
    Organisation,
    PromotionDecision,
    PromotionSignals,
    PurchaseProcess,
    PurchaseRole,
    QualificationDecision,
    RelationshipLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeLevel,
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
    decision_row,
    parse_record,
    promotion_row,
)

UTC = timezone.utc
CET = timezone(timedelta(hours=1))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def flatten(
    contact: Contact,
    evidence: Evidence,
    signals: PromotionSignals | None = None,
    estimated_value: Money | None = None,
    expected_close: date | None = None,
    *,
    as_csv: bool,
) -> dict[str, Any]:
    """Write leadflow values as one flat record, the way a CRM export would.

    As CSV every value is text and a missing one is blank; as JSON the head count
    is a number and a missing value is left out.
    """
    org = contact.organisation
    budget = evidence.budget.amount
    row: dict[str, object] = {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "organisation": org and org.name,
        "industry": org and org.industry,
        "employees": org and org.employees,
        "website": org and org.website,
        "job_title": contact.job_title,
        "role": contact.role,
        "source": contact.source,
        "created_at": contact.created_at,
        "need": evidence.need.level,
        "need_observed_at": evidence.need.observed_at,
        "need_note": evidence.need.note,
        "budget": evidence.budget.level,
        "budget_amount": budget and budget.amount,
        "budget_currency": budget and budget.currency,
        "budget_observed_at": evidence.budget.observed_at,
        "budget_note": evidence.budget.note,
        "timeframe": evidence.timeframe.level,
        "decision_date": evidence.timeframe.decision_date,
        "timeframe_observed_at": evidence.timeframe.observed_at,
        "timeframe_note": evidence.timeframe.note,
        "purchase_process": evidence.authority.process,
        "authority_observed_at": evidence.authority.observed_at,
        "authority_note": evidence.authority.note,
        "relationship": signals and signals.relationship,
        "requirements": signals and signals.requirements,
        "terms": signals and signals.terms,
        "supplier": signals and signals.supplier,
        "signals_observed_at": signals and signals.observed_at,
        "estimated_value": estimated_value and estimated_value.amount,
        "estimated_currency": estimated_value and estimated_value.currency,
        "expected_close": expected_close,
    }
    if as_csv:
        return {key: _text(value) or "" for key, value in row.items()}
    return {
        key: value if isinstance(value, int) else _text(value)
        for key, value in row.items()
        if value is not None
    }


CREATED = datetime(2026, 9, 14, 10, 12, tzinfo=CET)
GOOD_CSV_ROW = {
    "id": "L-1001",
    "name": "Amira Haddad",
    "email": "Amira.Haddad@Northwind.example",
    "phone": "+44 20 7946 0101",
    "organisation": "Northwind Logistics",
    "industry": "logistics",
    "employees": "420",
    "website": "",
    "job_title": "Head of Operations",
    "role": "decision_maker",
    "source": "trade_show",
    "created_at": "2026-09-14T10:12:00+01:00",
    "need": "strong",
    "need_observed_at": "2026-10-02T14:30:00+01:00",
    "need_note": " Route planning lives in spreadsheets ",
    "budget": "approved",
    "budget_amount": "60000.50",
    "budget_currency": "gbp",
    "budget_observed_at": "",
    "budget_note": "",
    "timeframe": "",
    "decision_date": "2026-12-18",
    "timeframe_observed_at": "",
    "timeframe_note": "",
    "purchase_process": "committee",
    "authority_observed_at": "",
    "authority_note": "",
    "relationship": "established",
    "requirements": "",
    "terms": "payment_terms",
    "supplier": "dropped",
    "signals_observed_at": "2026-11-18T16:00:00Z",
    "estimated_value": "54000",
    "estimated_currency": "GBP",
    "expected_close": "2027-01-15",
    "a CRM column leadflow does not know": "kept out of the way",
}


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
        )

        assert documented == DECISION_FIELDS

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

        row = parse_record(flatten(contact, evidence, signals, value, close, as_csv=as_csv))

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
            "$.created_at": "datetime has no UTC offset",
            "$.need": "expected one of 'unknown', 'none', 'latent', 'expressed', 'strong'",
            "$.budget_amount": "not a decimal number",
            "$.budget_currency": "not an ISO 4217 currency code",
            "$.decision_date": "not an ISO 8601 date (YYYY-MM-DD)",
            "$.supplier": "expected one of 'unknown', 'retained', 'evaluating', "
            "'no_supplier', 'dropped', not an integer",
            "$.estimated_value": "expected a decimal string; a float is inexact",
        }
        with pytest.raises(InvalidRecordError) as caught:
            parse_record(record)
        assert [e.path for e in caught.value.errors] == list(_errors(record))
        assert isinstance(caught.value.errors[0], InvalidEmailError)

    def test_an_empty_record_lacks_a_name_a_channel_and_a_creation_time(self) -> None:
        assert set(_errors({})) == {"$.name", "$.email", "$.created_at"}

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

    @pytest.mark.parametrize("employees", ["-3", "many", "4.5", True, 4.5, "²"])
    def test_a_head_count_is_a_whole_number(self, employees: object) -> None:
        assert set(_errors({**GOOD_CSV_ROW, "employees": employees})) == {"$.employees"}

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
fuzzed_records = st.dictionaries(
    st.sampled_from(RECORD_FIELDS) | st.text(max_size=8), plausible, max_size=12
)


class TestFuzz:
    @given(fuzzed_records)
    def test_arbitrary_records_give_an_input_or_one_leadflow_error(
        self, record: dict[str, Any]
    ) -> None:
        try:
            parse_record(record)
        except InvalidRecordError as error:
            caught = error
        else:
            return
        assert caught.errors
        known = {f"$.{field}" for field in RECORD_FIELDS}
        assert {e.path for e in caught.errors} <= known

    @given(lfst.contacts(), lfst.evidence(), fuzzed_records, st.booleans())
    def test_good_records_with_fields_replaced_give_an_input_or_every_bad_field(
        self, contact: Contact, evidence: Evidence, changes: dict[str, Any], as_csv: bool
    ) -> None:
        record = {**flatten(contact, evidence, as_csv=as_csv), **changes}

        try:
            parse_record(record)
        except InvalidRecordError as error:
            caught = error
        else:
            return
        # Only changed fields can be bad, or those they go with: an organisation's details
        # need it, a contact needs a channel, an amount and its currency come together.
        changed = {f"$.{field}" for field in changes} | {"$.organisation", "$.email"}
        for amount, currency in PAIRS:
            if {amount, currency} & set(changes):
                changed |= {f"$.{amount}", f"$.{currency}"}
        assert {e.path for e in caught.errors} <= changed


NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)

# Each generated decision qualifies a generated contact (and a promotion decision also
# builds a lead first); a sixth of the profile's examples keeps this file within its time
# budget.
expensive = settings(max_examples=max(5, settings().max_examples // 6))


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
            "codes": "budget.met;authority.met;need.met;timeframe.met",
            "need_code": "need.met",
            "need_points": 30,
            "budget_code": "budget.met",
            "budget_points": 30,
            "timeframe_code": "timeframe.met",
            "timeframe_points": 25,
            "authority_code": "authority.met",
            "authority_points": (15 * 80 + 50) // 100,
            "next_steps": "",
        }

    def test_next_steps_are_joined_with_semicolons(self) -> None:
        unknown = dict.fromkeys(["budget", "budget_amount", "budget_currency", "need"], "")
        row = parse_record({**GOOD_CSV_ROW, **unknown})
        decision = qualify(row.contact, row.evidence, BANT, as_of=NOW)

        flat = decision_row(decision, record_id=None)

        assert flat["id"] is None
        assert flat["verdict"] != "qualified"
        assert flat["next_steps"] == "confirm budget; confirm what the party needs"

    @expensive
    @given(lfst.qualification_decisions(), st.none() | lfst.texts())
    def test_a_decision_row_agrees_with_its_decision(
        self, decision: QualificationDecision, record_id: str | None
    ) -> None:
        flat = decision_row(decision, record_id=record_id)

        assert tuple(flat) == DECISION_FIELDS
        assert flat["score"] == sum(
            flat[f"{c}_points"] for c in ("need", "budget", "timeframe", "authority")
        )
        assert flat["codes"].split(";") == list(decision.codes)
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
