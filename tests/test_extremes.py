"""Extreme input: the largest amounts, the first and last datetimes, the deepest JSON.

Whatever the input, the library answers with a value or a leadflow error naming the field
and the value, never ``decimal.Overflow``, ``OverflowError`` or ``RecursionError``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Context, Decimal, DecimalException
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import test_adapters_dynamics
import test_adapters_hubspot
import test_adapters_odoo
import test_adapters_salesforce
from leadflow import (
    Contact,
    Customer,
    Evidence,
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
    Money,
    Policy,
    PromotionSignals,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    nurture,
    promote,
    qualify,
    summarize,
    to_lead,
    win,
)
from leadflow.adapters import dynamics, hubspot, odoo, salesforce
from leadflow.adapters._model import MAX_DEPTH
from leadflow.adapters.dynamics import DynamicsMapping
from leadflow.errors import _short
from leadflow.money import AMOUNT_LIMIT, MAX_AMOUNT_PLACES
from leadflow.serialization import from_json, structure
from support import ada, qualifying_evidence, signal_policy_data

UTC = timezone.utc
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

#: Datetimes at the ends of what datetime holds, in zones where some have no UTC instant.
EXTREME_DATETIMES = [
    datetime.max.replace(tzinfo=NEW_YORK),
    datetime.max.replace(tzinfo=UTC),
    datetime.max.replace(tzinfo=timezone(-timedelta(hours=23, minutes=59))),
    datetime.min.replace(tzinfo=TOKYO),
    datetime.min.replace(tzinfo=timezone(timedelta(hours=14))),
    datetime.min.replace(tzinfo=UTC),
]
_SIGNALS = PromotionSignals(
    relationship=RelationshipLevel.ESTABLISHED,
    requirements=RequirementsLevel.SPECIFIED,
    terms=TermsLevel.CONTRACT,
    supplier=SupplierStatus.NO_SUPPLIER,
)


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _leadflow_or_value(call: Callable[[], object]) -> None:
    """Run *call*: a value or a leadflow error are answers; anything else fails."""
    try:
        call()
    except LeadflowError as error:
        str(error)  # the message renders, too


# ----------------------------------------------------------------------------------------
# 1. Amounts: bounded in Money, so sums and comparisons are exact
# ----------------------------------------------------------------------------------------


class TestAmounts:
    @pytest.mark.parametrize(
        "amount", [Decimal("9E+999999"), Decimal("-1E+36"), 10**36, Decimal("1E-401")]
    )
    def test_an_amount_beyond_the_bounds_is_refused_naming_it(self, amount: object) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Money(amount, "EUR")

        assert type(caught.value) is InvalidFieldError
        assert caught.value.field == "amount"
        assert caught.value.value == amount
        assert str(caught.value).startswith("amount: too ")

    def test_the_largest_amount_and_the_finest_are_kept(self) -> None:
        largest = Decimal(10**36 - 1)  # exact: AMOUNT_LIMIT - 1 would round
        finest = Decimal(1).scaleb(-MAX_AMOUNT_PLACES)

        assert Money(largest, "EUR").amount == largest
        assert Money(finest, "EUR").amount == finest

    def test_a_huge_amount_in_data_is_refused_by_structure(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            structure({"amount": Decimal("9E+999999"), "currency": "EUR"}, Money)

        (error,) = caught.value.errors
        assert error.field == "amount"
        assert error.value == Decimal("9E+999999")

    def test_a_sum_past_the_bound_raises_a_leadflow_error(self) -> None:
        largest = Money(10**36 - 1, "EUR")

        with pytest.raises(InvalidFieldError) as caught:
            largest + largest

        assert caught.value.field == "amount"
        assert caught.value.value == 2 * (10**36 - 1)

    @pytest.mark.parametrize("factor", [Decimal("1E+999999999"), Decimal("NaN"), 10**40])
    def test_a_product_past_the_bound_raises_a_leadflow_error(self, factor: object) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Money("12.50", "EUR") * factor  # type: ignore[operator]

        assert caught.value.field in {"amount", "factor"}

    def test_sums_are_exact_not_rounded(self) -> None:
        # 28 digits is more than Decimal's default context keeps: the sum must not round.
        big = Money(10**18 - 1, "EUR")
        cent = Money("0.01", "EUR")

        assert (big + cent).amount == Decimal("999999999999999999.01")
        assert (big + cent - big) == cent

    def test_a_total_of_many_largest_inputs_is_exact(self) -> None:
        largest_input = Money("999999999999999999.99", "EUR")

        total = sum([largest_input] * 1000, Money.zero("EUR"))

        assert total.amount == Decimal("999999999999999999990")

    def test_summarize_refuses_a_huge_pipeline_value_cleanly(self) -> None:
        # The funnel adds estimated values; a value past the bound never gets that far.
        lead, _ = to_lead(ada(), qualifying_evidence(), as_of=NOW)

        with pytest.raises(InvalidFieldError) as caught:
            promote(lead, _SIGNALS, as_of=NOW, estimated_value=Money(Decimal("9E+999999"), "EUR"))

        assert caught.value.field == "amount"


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_is_an_amount_that_sums_and_compares_or_is_refused(amount: Decimal) -> None:
    refused: InvalidFieldError | None = None
    try:
        money = Money(amount, "EUR")
    except InvalidFieldError as error:
        refused = error
    if refused is not None:
        assert refused.field == "amount"
        assert (
            not amount.is_finite()
            or amount.copy_abs() >= AMOUNT_LIMIT
            or int(amount.as_tuple().exponent) < -MAX_AMOUNT_PLACES
        )
        return
    try:
        total = sum([money] * 1000, Money.zero("EUR"))
    except InvalidFieldError as error:
        refused = error  # only a total past the bound
    except DecimalException as error:  # pragma: no cover - the property's failure
        pytest.fail(f"decimal signal {error!r} on {amount!r}")
    if refused is not None:
        assert refused.field == "amount"
        assert abs(money.amount) * 1000 >= AMOUNT_LIMIT
        return
    assert total.amount == Context(prec=1000).multiply(money.amount, 1000)  # never rounded
    assert (total < money) == (money.amount < 0)
    assert (total > money) == (money.amount > 0)


# ----------------------------------------------------------------------------------------
# 2. Datetimes at the ends of the calendar
# ----------------------------------------------------------------------------------------


class TestExtremeDatetimes:
    def test_as_of_with_no_instant_is_refused_naming_it(self) -> None:
        as_of = datetime.max.replace(tzinfo=NEW_YORK)

        with pytest.raises(InvalidFieldError) as caught:
            qualify(ada(), qualifying_evidence(), as_of=as_of)

        assert caught.value.field == "as_of"
        assert caught.value.value is as_of

    @pytest.mark.parametrize("moment", EXTREME_DATETIMES, ids=str)
    def test_qualify_answers_at_any_as_of(self, moment: datetime) -> None:
        _leadflow_or_value(lambda: qualify(ada(), qualifying_evidence(), as_of=moment))

    @pytest.mark.parametrize("moment", EXTREME_DATETIMES, ids=str)
    def test_qualify_answers_for_evidence_observed_at_any_time(self, moment: datetime) -> None:
        evidence = qualifying_evidence()
        evidence = attrs.evolve(evidence, need=attrs.evolve(evidence.need, observed_at=moment))

        _leadflow_or_value(lambda: qualify(ada(), evidence, as_of=NOW))
        _leadflow_or_value(lambda: qualify(ada(), evidence, as_of=moment))

    @pytest.mark.parametrize("day", [date.max, date.min])
    @pytest.mark.parametrize("moment", EXTREME_DATETIMES, ids=str)
    def test_a_decision_date_at_either_end_answers(self, day: date, moment: datetime) -> None:
        evidence = attrs.evolve(
            qualifying_evidence(), timeframe=TimeframeEvidence(decision_date=day)
        )

        _leadflow_or_value(lambda: qualify(ada(), evidence, as_of=moment))

    @pytest.mark.parametrize("moment", EXTREME_DATETIMES, ids=str)
    def test_moves_answer_at_any_time(self, moment: datetime) -> None:
        contact = ada()
        _leadflow_or_value(lambda: to_lead(contact, qualifying_evidence(), as_of=moment))
        lead, _ = to_lead(contact, qualifying_evidence(), as_of=NOW)
        _leadflow_or_value(lambda: promote(lead, _SIGNALS, as_of=moment))
        _leadflow_or_value(lambda: nurture(lead, as_of=moment))

    def test_contacts_created_at_any_time_answer(self) -> None:
        for moment in EXTREME_DATETIMES:
            contact = attrs.evolve(ada(), created_at=moment)
            _leadflow_or_value(lambda: qualify(contact, qualifying_evidence(), as_of=NOW))  # noqa: B023

    def test_the_sales_cycles_of_many_deals_spanning_the_calendar_answer(self) -> None:
        start = datetime.min.replace(tzinfo=UTC)
        end = datetime.max.replace(tzinfo=UTC)
        contact = attrs.evolve(ada(), created_at=start)
        lead, _ = to_lead(contact, qualifying_evidence(), as_of=start)
        opportunity, _ = promote(lead, _SIGNALS, as_of=start)
        customer, _ = win(opportunity, as_of=end)
        assert isinstance(customer, Customer)

        # Each cycle is ~3.65 million days; 300 of them pass what a timedelta holds.
        _leadflow_or_value(lambda: summarize([customer] * 300))


# ----------------------------------------------------------------------------------------
# 3. CRM records with a field nested deeper than any CRM writes
# ----------------------------------------------------------------------------------------

_RECORDS: list[tuple[Callable[[dict[str, Any]], object], dict[str, Any], bool]] = [
    (salesforce.read_lead, test_adapters_salesforce.LEAD_RECORD, False),
    (
        lambda record: dynamics.read_lead(record, mapping=DynamicsMapping(currency="EUR")),
        test_adapters_dynamics.LEAD_RECORD,
        False,
    ),
    (odoo.read_lead, test_adapters_odoo.LEAD_RECORD, False),
    (hubspot.read_lead, test_adapters_hubspot.CONTACT_RECORD, True),
]


@pytest.mark.parametrize(
    ("read", "record", "in_properties"), _RECORDS, ids=["salesforce", "dynamics", "odoo", "hubspot"]
)
def test_a_crm_field_nested_too_deep_is_refused_naming_its_path(
    read: Callable[[dict[str, Any]], object], record: dict[str, Any], in_properties: bool
) -> None:
    deep = _nested(MAX_DEPTH + 400)
    if in_properties:
        record = {**record, "properties": {**record["properties"], "x_custom": deep}}
    else:
        record = {**record, "x_custom": deep}

    with pytest.raises(InvalidFieldError) as caught:
        read(record)

    assert caught.value.field.startswith("extras[")
    assert "['x_custom']" in caught.value.field
    assert "nested deeper than 100 levels" in str(caught.value)
    assert len(str(caught.value)) < 2000


def test_a_crm_field_nested_within_the_limit_is_kept() -> None:
    deep = _nested(MAX_DEPTH - 5)

    lead = salesforce.read_lead({**test_adapters_salesforce.LEAD_RECORD, "x_custom": deep})

    assert lead.extras["x_custom"] == deep
    assert lead.extras["x_custom"] is not deep


# ----------------------------------------------------------------------------------------
# 4. Deep structured input
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [200, 900, 990, 5000, 100_000])
def test_deep_data_for_structure_is_a_leadflow_error(depth: int) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        structure({"name": _nested(depth), "created_at": "2026-01-05T00:00:00Z"}, Contact)

    (error,) = caught.value.errors
    assert error.field == "name"
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("depth", [200, 900, 5000, 100_000])
def test_deep_json_is_a_leadflow_error(depth: int) -> None:
    text = '{"name": ' + "[" * depth + "]" * depth + ', "created_at": "2026-01-05T00:00:00Z"}'

    with pytest.raises(InvalidRecordError) as caught:
        from_json(text, Contact)

    assert len(str(caught.value)) < 400


def test_deep_evidence_and_policy_data_are_leadflow_errors() -> None:
    deep: dict[str, Any] = {}
    for _ in range(100_000):
        deep = {"a": deep}
    data = signal_policy_data()

    for value in (deep, _nested(100_000)):
        with pytest.raises(InvalidRecordError):
            structure({"need": value}, Evidence)
        for key in ("need", "signals", "grade_floors"):
            with pytest.raises(InvalidRecordError) as caught:
                structure({**data, key: value}, Policy)
            assert caught.value.errors[0].field.startswith(key)


# ----------------------------------------------------------------------------------------
# 5. Messages show a bounded rendering of any value
# ----------------------------------------------------------------------------------------


class TestShortRendering:
    def test_a_value_nested_too_deep_is_named_by_its_type(self) -> None:
        assert _short(_nested(100_000)) == "<list nested too deep to show>"

    def test_a_long_value_is_cut_to_80_characters(self) -> None:
        assert len(_short("x" * 10**6)) == 80
        assert len(_short(list(range(10**5)))) <= 80

    def test_an_error_on_a_huge_value_has_a_short_message(self) -> None:
        error = InvalidFieldError("name", "x" * 10**7, "too long")

        assert len(str(error)) < 120
        assert error.value == "x" * 10**7
