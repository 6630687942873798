"""How one CRM value is read and written: timestamps, dates, amounts, numbers, choices and text."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapter_support import ctx
from leadflow import (
    InvalidFieldError,
    LeadflowError,
    Money,
    NaiveDatetimeError,
    NeedLevel,
    PurchaseRole,
    WrongTypeError,
)
from leadflow import strategies as lfst
from leadflow.adapters import (
    dynamics,
    hubspot,
    odoo,
    salesforce,
)
from leadflow.adapters._codecs import (
    Amount,
    Choice,
    Count,
    Day,
    Dialect,
    Email,
    Instant,
    InstantDay,
    Percent,
    Phone,
    Repaired,
    Text,
    json_number,
)

UTC = timezone.utc
DIALECTS = {
    "dynamics": dynamics.DIALECT,
    "salesforce": salesforce.DIALECT,
    "hubspot": hubspot.DIALECT,
    "odoo": odoo.DIALECT,
}
dialects = st.sampled_from(list(DIALECTS.values()))


class TestTimestamps:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("2026-01-05T10:00:00Z", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T10:00:00.000+0000", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T12:00:00+02:00", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T05:00:00-0500", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
            ("2026-01-05T10:00:00.123456789Z", datetime(2026, 1, 5, 10, 0, 0, 123456, UTC)),
            ("2026-01-05T10:00:00.5Z", datetime(2026, 1, 5, 10, 0, 0, 500000, UTC)),
        ],
    )
    def test_iso_timestamps_read_as_the_instant_they_name(
        self, raw: str, expected: datetime
    ) -> None:
        assert Instant().decode(raw, ctx()) == expected

    def test_a_timestamp_without_offset_is_refused_where_the_crm_sends_one(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            Instant().decode("2026-01-05T10:00:00", ctx(dynamics.DIALECT))

    def test_a_timestamp_without_offset_is_utc_in_odoo(self) -> None:
        moment = Instant().decode("2026-01-05 10:00:00", ctx(odoo.DIALECT))

        assert moment == datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
        assert moment.utcoffset() == timedelta(0)

    @pytest.mark.parametrize(
        "raw",
        ["2026-02-30T10:00:00Z", "2026-01-05T10:00:00+25:00", "2026-01-05", "5 Jan 2026", ""],
    )
    def test_what_is_no_timestamp_is_refused(self, raw: str) -> None:
        with pytest.raises(InvalidFieldError):
            Instant().decode(raw, ctx())

    @pytest.mark.parametrize(
        ("crm", "written"),
        [
            ("dynamics", "2026-01-05T10:00:00Z"),
            ("salesforce", "2026-01-05T10:00:00.250+0000"),
            ("hubspot", "2026-01-05T10:00:00.250Z"),
            ("odoo", "2026-01-05 10:00:00"),
        ],
    )
    def test_each_crm_writes_timestamps_its_own_way(self, crm: str, written: str) -> None:
        moment = datetime(2026, 1, 5, 11, 0, 0, 250000, tzinfo=timezone(timedelta(hours=1)))

        assert Instant().encode(moment, ctx(DIALECTS[crm])) == written

    @given(lfst.aware_datetimes(), dialects)
    def test_a_written_timestamp_reads_back_to_the_crms_precision(
        self, moment: datetime, dialect: Dialect
    ) -> None:
        precise = dialect in (salesforce.DIALECT, hubspot.DIALECT)
        kept = moment.microsecond // 1000 * 1000 if precise else 0

        read = Instant().decode(Instant().encode(moment, ctx(dialect)), ctx(dialect))

        assert read == moment.replace(microsecond=kept)


class TestInstantsOutsideTheYearsDatetimeHolds:
    """Every CRM refuses, as a bad value, a timestamp that has no UTC one in years 1-9999."""

    LATE: Final = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
    EARLY: Final = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))

    @pytest.mark.parametrize("crm", list(DIALECTS))
    @pytest.mark.parametrize(
        "raw", ["9999-12-31T23:59:59.999999-14:00", "0001-01-01T00:00:00+14:00"]
    )
    def test_its_utc_day_is_refused(self, crm: str, raw: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            InstantDay().decode(raw, ctx(DIALECTS[crm]))

        assert caught.value.value == raw
        assert "out of range" in caught.value.reason

    @pytest.mark.parametrize("crm", list(DIALECTS))
    @pytest.mark.parametrize("moment", [LATE, EARLY])
    def test_it_is_refused_on_writing(self, crm: str, moment: datetime) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Instant().encode(moment, ctx(DIALECTS[crm]))

        assert caught.value.value == moment


class TestDates:
    @given(lfst.dates(), dialects)
    def test_a_written_date_reads_back_unchanged(self, day: date, dialect: Dialect) -> None:
        assert Day().decode(Day().encode(day, ctx(dialect)), ctx(dialect)) == day

    @pytest.mark.parametrize("raw", ["2026-13-01", "2026-3-1", "20260301", "2026-03-01T00:00"])
    def test_what_is_no_date_is_refused(self, raw: str) -> None:
        with pytest.raises(InvalidFieldError):
            Day().decode(raw, ctx())


class TestAmounts:
    def test_a_json_float_reads_as_its_shortest_decimal(self) -> None:
        assert Amount().decode(0.1, ctx()) == Money(Decimal("0.1"), "EUR")

    def test_a_hubspot_amount_string_keeps_its_places(self) -> None:
        amount = Amount().decode("50000.00", ctx(hubspot.DIALECT))

        assert amount.amount.as_tuple() == Decimal("50000.00").as_tuple()
        assert Amount().encode(amount, ctx(hubspot.DIALECT)) == "50000.00"

    @pytest.mark.parametrize(
        ("amount", "written"), [("50000", 50000), ("50000.50", 50000.5), ("0.10", 0.1)]
    )
    def test_json_numbers_are_ints_when_whole(self, amount: str, written: object) -> None:
        number = json_number(Decimal(amount))

        assert number == written
        assert type(number) is type(written)

    def test_an_amount_a_float_cannot_carry_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError):
            json_number(Decimal("1234567890.123456789"))

    @pytest.mark.parametrize(
        "raw", [-1, float("nan"), float("inf"), "1e5", "12,50", True, 10**15, [1]]
    )
    def test_what_is_no_amount_is_refused(self, raw: object) -> None:
        with pytest.raises(InvalidFieldError):
            Amount().decode(raw, ctx())

    def test_an_amount_without_a_currency_cannot_be_read(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Amount().decode(10, ctx(currency=None))

        assert "currency" in caught.value.reason

    def test_an_amount_in_another_currency_cannot_be_written(self) -> None:
        with pytest.raises(InvalidFieldError):
            Amount().encode(Money(10, "USD"), ctx(currency="EUR"))

    @given(lfst.money(st.just("EUR")), dialects)
    def test_a_written_amount_reads_back_unchanged(self, money: Money, dialect: Dialect) -> None:
        raw = Amount().encode(money, ctx(dialect))

        assert Amount().decode(raw, ctx(dialect)) == money


class TestNumbers:
    @pytest.mark.parametrize(("raw", "expected"), [(62.5, 63), (62.49, 62), ("10", 10), (0, 0)])
    def test_a_percentage_is_rounded_half_up(self, raw: object, expected: int) -> None:
        assert Percent().decode(raw, ctx()) == expected

    @pytest.mark.parametrize("raw", [101, -1, "ten"])
    def test_a_percentage_stays_between_0_and_100(self, raw: object) -> None:
        with pytest.raises(InvalidFieldError):
            Percent().decode(raw, ctx())

    def test_hubspot_counts_are_strings(self) -> None:
        assert Count().decode("240", ctx(hubspot.DIALECT)) == 240
        assert Count().encode(240, ctx(hubspot.DIALECT)) == "240"

    @pytest.mark.parametrize("raw", [-3, 2.5, "240", True])
    def test_a_json_count_is_a_whole_number_of_zero_or_more(self, raw: object) -> None:
        with pytest.raises(InvalidFieldError):
            Count().decode(raw, ctx())


class TestChoices:
    CODES = Choice({0: NeedLevel.STRONG, 1: NeedLevel.EXPRESSED, 2: NeedLevel.UNKNOWN})

    def test_true_is_not_code_one(self) -> None:
        with pytest.raises(WrongTypeError):
            self.CODES.decode(True, ctx())

    def test_an_unlisted_code_without_a_fallback_is_no_value_and_a_repair(self) -> None:
        # An option an administrator added (Dynamics numbers them from 100000000).
        found = self.CODES.decode(100000000, ctx())

        assert isinstance(found, Repaired)
        assert found.value is None
        assert "0, 1, 2" in found.note
        assert found.partial is False

    def test_an_unlisted_code_reads_as_the_fallback(self) -> None:
        choice = Choice({1: NeedLevel.STRONG}, fallback=NeedLevel.NONE)

        found = choice.decode(100000001, ctx())

        # Read as the fallback, and said so: the record's own value is never silent.
        assert isinstance(found, Repaired)
        assert found.value is NeedLevel.NONE
        assert "read as none" in found.note

    def test_a_member_listed_twice_is_written_as_its_first_value(self) -> None:
        choice = Choice({"Must have": NeedLevel.STRONG, "must": NeedLevel.STRONG})

        assert choice.encode(NeedLevel.STRONG, ctx()) == "Must have"

    def test_an_unlisted_member_is_written_as_otherwise(self) -> None:
        choice = Choice({True: PurchaseRole.DECISION_MAKER}, otherwise=False)

        assert choice.encode(PurchaseRole.ADVISER, ctx()) is False


class TestTextCodecs:
    @given(lfst.emails(), dialects)
    def test_a_written_email_reads_back_unchanged(self, email: str, dialect: Dialect) -> None:
        codec = Email(display_name=dialect is odoo.DIALECT)

        assert codec.decode(codec.encode(email, ctx(dialect)), ctx(dialect)) == email

    @given(lfst.phones(), lfst.texts(), dialects)
    def test_written_phones_and_texts_read_back_unchanged(
        self, phone: str, text: str, dialect: Dialect
    ) -> None:
        assert Phone().decode(Phone().encode(phone, ctx(dialect)), ctx(dialect)) == phone
        assert Text().decode(Text().encode(text, ctx(dialect)), ctx(dialect)) == text

    @given(st.text(max_size=40))
    def test_reading_any_text_as_an_address_raises_only_leadflow_errors(self, raw: str) -> None:
        try:
            address = Email(display_name=True).decode(raw, ctx(odoo.DIALECT))
        except LeadflowError:
            return
        if isinstance(address, Repaired):
            address = address.value
        assert address is None or "@" in address

    def test_an_odoo_address_is_taken_from_its_brackets(self) -> None:
        codec = Email(display_name=True)

        assert codec.decode("Ada <Ada@X.example>", ctx(odoo.DIALECT)) == "Ada@x.example"
