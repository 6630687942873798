"""The grammar of values: each reader follows its rule, and the schema agrees with the parser.

The examples state the rules of leadflow._grammar (docs/serialization.md, "How values
are written"); the properties check that, field by field, a JSON Schema document
accepts a value exactly when leadflow's parser does, on valid values, near misses and
arbitrary data.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import shutil
import string
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Final
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    BudgetLevel,
    InvalidEmailError,
    InvalidFieldError,
    InvalidPhoneError,
    InvalidRecordError,
    NaiveDatetimeError,
    NumericSignal,
    Policy,
    PurchaseRole,
    SignalObservation,
    TimeframeLevel,
    WrongTypeError,
)
from leadflow import _grammar as g
from leadflow import strategies as lfst
from leadflow.records import (
    DATE_FIELDS,
    DATETIME_FIELDS,
    ENUM_FIELDS,
    MONEY_FIELDS,
    ORGANISATION_FIELDS,
    RECORD_FIELDS,
    parse_record,
    signal_columns,
)
from leadflow.schema import policy_schema, record_schema
from leadflow.serialization import from_json, structure, to_json
from support import SIGNAL_POLICY, SIGNAL_POLICY_DATA

pytest.importorskip("jsonschema", reason="the jsonschema package runs these tests")
from jsonschema import Draft202012Validator, validators

UTC = timezone.utc


def _reads(reader: Callable[[], object]) -> bool:
    try:
        reader()
    except InvalidFieldError:
        return False
    return True


# ----------------------------------------------------------------------------------------
# The readers, rule by rule
# ----------------------------------------------------------------------------------------


class TestBlanks:
    def test_a_blank_is_exactly_what_python_strips(self) -> None:
        everything = "".join(map(chr, range(sys.maxunicode + 1)))

        matched = set(re.findall(g.BLANK, everything))

        assert matched == {c for c in everything if c.isspace()}
        assert set(re.findall(g.NOT_BLANK, everything)) == set(everything) - matched

    @pytest.mark.parametrize("blank", [None, "", " ", "\t\n", "\xa0", "\u2003\u3000"])
    def test_blank_values_are_no_values(self, blank: str | None) -> None:
        assert g.is_blank(blank)

    @pytest.mark.parametrize("text", ["x", "\ufeff", "\u200b", "0"])
    def test_a_byte_order_mark_or_a_zero_width_space_is_not_blank(self, text: str) -> None:
        # Neither is whitespace to Python, and so not to the grammar, whatever ECMA-262's
        # \s says of U+FEFF.
        assert not g.is_blank(text)

    def test_blanks_around_a_value_are_not_part_of_it(self) -> None:
        assert g.read_currency("c", "\u2003eur\n") == "EUR"
        assert g.read_decimal("d", "\xa0 12.5\t") == Decimal("12.5")

    def test_a_whole_value_pattern_refuses_a_final_newline(self) -> None:
        # Python's $ matches before a final newline, ECMA-262's does not.
        assert re.search(g.whole(g.SIGNAL_NAME), "visits")
        assert not re.search(g.whole(g.SIGNAL_NAME), "visits\n")


class TestDatetimes:
    @pytest.mark.parametrize(
        ("text", "moment"),
        [
            ("2026-01-05T09:30:00+01:00", datetime(2026, 1, 5, 8, 30, tzinfo=UTC)),
            ("2026-01-05T09:30:00Z", datetime(2026, 1, 5, 9, 30, tzinfo=UTC)),
            ("2026-01-05t09:30:00z", datetime(2026, 1, 5, 9, 30, tzinfo=UTC)),
            ("2026-01-05 09:30:00-05:30", datetime(2026, 1, 5, 15, tzinfo=UTC)),
            ("2026-01-05T09:30Z", datetime(2026, 1, 5, 9, 30, tzinfo=UTC)),
            ("2026-01-05T09:30:00.5Z", datetime(2026, 1, 5, 9, 30, 0, 500000, tzinfo=UTC)),
            ("2026-01-05T09:30:00.000001Z", datetime(2026, 1, 5, 9, 30, 0, 1, tzinfo=UTC)),
            ("2026-01-05T09:30:00,5Z", None),  # a comma is no decimal sign here
            ("2024-02-29T00:00Z", datetime(2024, 2, 29, tzinfo=UTC)),  # a leap year
            ("2000-02-29T00:00Z", datetime(2000, 2, 29, tzinfo=UTC)),  # divisible by 400
            ("1900-02-29T00:00Z", None),  # divisible by 100
            ("2026-02-29T00:00Z", None),
            ("2026-04-31T00:00Z", None),
            ("2026-13-01T00:00Z", None),
            ("2026-00-10T00:00Z", None),
            ("0000-01-01T00:00Z", None),
            ("0001-01-01T00:00+00:00", datetime(1, 1, 1, tzinfo=UTC)),
            (
                "9999-12-31T23:59:59.999999-23:59",
                datetime(
                    9999,
                    12,
                    31,
                    23,
                    59,
                    59,
                    999999,
                    tzinfo=timezone(-timedelta(hours=23, minutes=59)),
                ),
            ),
            ("2026-01-05T24:00Z", None),
            ("2026-01-05T23:60Z", None),
            ("2026-01-05T23:59:60Z", None),  # no leap seconds
            ("2026-01-05T09:30:00.1234567Z", None),  # finer than a microsecond
            ("2026-01-05T09:30:00+24:00", None),
            ("2026-01-05T09:30:00+0100", None),
            ("2026-01-05T09:30:00+01", None),
            # isoformat() writes an offset's seconds when it has any: read back too.
            (
                "2026-01-05T09:30:00+01:00:00",
                datetime(2026, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=1))),
            ),
            ("2026-01-05T09+01:00", None),
            ("2026-01-05x09:30:00+01:00", None),
            ("2026-01-05  09:30:00+01:00", None),
            ("20260105T093000Z", None),
            ("2026-W02-1T09:30Z", None),
            ("2026-005T09:30Z", None),
            ("2026-01-05T09:30:00 +01:00", None),
            ("٢٠٢٦-01-05T09:30Z", None),
            ("+2026-01-05T09:30Z", None),
        ],
    )
    def test_a_datetime_is_iso_8601_with_an_offset(
        self, text: str, moment: datetime | None
    ) -> None:
        if moment is None:
            with pytest.raises(InvalidFieldError) as caught:
                g.read_datetime("at", text)
            assert (caught.value.field, caught.value.value) == ("at", text)
        else:
            assert g.read_datetime("at", text) == moment

    def test_the_offset_is_kept(self) -> None:
        read = g.read_datetime("at", "2026-01-05T09:30:00-05:30")

        assert read.utcoffset() == -timedelta(hours=5, minutes=30)
        assert read.isoformat() == "2026-01-05T09:30:00-05:30"

    @pytest.mark.parametrize("text", ["2026-01-05T09:30:00", "2026-01-05 09:30", "2026-01-05"])
    def test_a_datetime_without_an_offset_is_naive(self, text: str) -> None:
        with pytest.raises(NaiveDatetimeError, match="no UTC offset"):
            g.read_datetime("at", text)

    def test_an_aware_datetime_is_taken_and_a_naive_one_refused(self) -> None:
        aware = datetime(2026, 1, 5, tzinfo=UTC)

        assert g.read_datetime("at", aware) is aware
        with pytest.raises(NaiveDatetimeError):
            g.read_datetime("at", datetime(2026, 1, 5))

    @pytest.mark.parametrize("value", [1767600000, 1.5, None, date(2026, 1, 5), ["2026"]])
    def test_anything_but_text_or_a_datetime_is_the_wrong_type(self, value: object) -> None:
        with pytest.raises(WrongTypeError):
            g.read_datetime("at", value)

    @given(lfst.aware_datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
    def test_what_isoformat_writes_reads_back_with_its_offset(self, moment: datetime) -> None:
        read = g.read_datetime("at", moment.isoformat())

        assert read == moment
        assert read.utcoffset() == moment.utcoffset()


class TestTheCommonFormIsReadAsThePatternReadsIt:
    # isoformat()'s own form is read on a shorter path; it must decide exactly as the
    # published pattern does, on every edge of the calendar, the clock and the offset.
    def test_every_edge_of_the_calendar_clock_and_offset_decides_alike(self) -> None:
        pattern = re.compile(g.DATETIME)
        edges = itertools.product(
            ["0000", "0001", "1900", "2000", "2024", "2026", "9999"],
            ["00", "01", "02", "04", "12", "13"],
            ["00", "01", "28", "29", "30", "31", "32"],
            ["00", "23", "24"],
            ["00", "59", "60"],
            ["00", "59", "60"],
            ["+00:00", "-23:59", "+24:00", "+00:60", "-05:30"],
        )
        disagreements = []
        for year, month, day, hour, minute, second, offset in edges:
            text = f"{year}-{month}-{day}T{hour}:{minute}:{second}{offset}"
            try:
                g.read_datetime("at", text)
                read = True
            except InvalidFieldError:
                read = False
            if read != (pattern.fullmatch(text) is not None):
                disagreements.append(text)

        assert disagreements == []


class TestDates:
    @pytest.mark.parametrize(
        ("text", "day"),
        [
            ("2026-01-05", date(2026, 1, 5)),
            (" 2028-02-29 ", date(2028, 2, 29)),
            ("2400-02-29", date(2400, 2, 29)),
            ("2100-02-29", None),
            ("2026-06-31", None),
            ("2026-1-5", None),
            ("20260105", None),
            ("2026-W02-1", None),
            ("2026-01-05T00:00Z", None),
        ],
    )
    def test_a_date_is_a_day_that_exists(self, text: str, day: date | None) -> None:
        if day is None:
            assert not _reads(lambda: g.read_date("d", text))
        else:
            assert g.read_date("d", text) == day

    @given(st.dates(max_value=date(9999, 11, 30)))
    def test_the_pattern_knows_the_calendar(self, day: date) -> None:
        # Every day that exists matches; the same text on the day after the month's end
        # (the 29th of a common February, the 31st of a 30-day month) does not.
        assert re.fullmatch(g.DATE, day.isoformat())
        end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if end.day < 31:
            assert not re.fullmatch(g.DATE, f"{end.year:04d}-{end.month:02d}-{end.day + 1}")

    def test_a_datetime_is_not_a_date(self) -> None:
        with pytest.raises(WrongTypeError):
            g.read_date("d", datetime(2026, 1, 5, tzinfo=UTC))


class TestDurations:
    @pytest.mark.parametrize(
        ("text", "duration"),
        [
            ("P180D", timedelta(days=180)),
            ("p180d", timedelta(days=180)),
            ("P2W", timedelta(weeks=2)),
            ("P1W2DT3H4M5S", timedelta(days=9, hours=3, minutes=4, seconds=5)),
            ("PT36H", timedelta(hours=36)),
            ("PT0.5S", timedelta(microseconds=500000)),
            ("PT1,25S", timedelta(seconds=1, microseconds=250000)),
            ("-P1D", -timedelta(days=1)),
            (" PT90M ", timedelta(minutes=90)),
            ("P99999999D", timedelta(days=99999999)),
            ("P0D", timedelta(0)),
        ],
    )
    def test_a_duration_is_iso_8601_in_weeks_to_seconds(
        self, text: str, duration: timedelta
    ) -> None:
        assert g.parse_duration(text) == duration

    @pytest.mark.parametrize(
        "text",
        [
            "P",
            "PT",
            "P1DT",
            "P1",
            "+P1D",
            "P-1D",
            "PT1.5H",
            "PT1.1234567S",
            "P100000000D",
            "P1D2W",
            "PT1S2M",
            "1D",
            "P 1D",
            "P\uff11D",
            "P1.5D",
            "PT1M1H",
        ],
    )
    def test_anything_else_is_not_a_duration(self, text: str) -> None:
        with pytest.raises(InvalidFieldError, match="not an ISO 8601 duration"):
            g.parse_duration(text)

    @pytest.mark.parametrize("text", ["P1Y", "P6M", "p1y2m3d", "P1MT2H"])
    def test_years_and_months_have_no_fixed_length(self, text: str) -> None:
        with pytest.raises(InvalidFieldError, match="no fixed length"):
            g.parse_duration(text)

    def test_a_whole_number_is_seconds_as_far_as_a_timedelta_goes(self) -> None:
        assert g.parse_duration(3600) == g.parse_duration(3600.0) == timedelta(hours=1)
        assert g.parse_duration(g.MAX_SECONDS) == timedelta.max - timedelta(microseconds=999999)
        assert g.parse_duration(g.MIN_SECONDS) == timedelta.min
        for out in (g.MAX_SECONDS + 1, g.MIN_SECONDS - 1):
            with pytest.raises(InvalidFieldError, match="out of range"):
                g.parse_duration(out)
        with pytest.raises(WrongTypeError):
            g.parse_duration(1.5)
        with pytest.raises(WrongTypeError):
            g.parse_duration(True)

    @given(
        st.lists(st.integers(0, 10**8 - 1), min_size=5, max_size=5),
        st.integers(0, 999999),
        st.booleans(),
    )
    def test_no_duration_of_eight_digit_counts_overflows(
        self, counts: list[int], micro: int, negative: bool
    ) -> None:
        weeks, days, hours, minutes, seconds = counts
        text = f"{'-' if negative else ''}P{weeks}W{days}DT{hours}H{minutes}M{seconds}.{micro:06d}S"
        expected = timedelta(
            weeks=weeks,
            days=days,
            hours=hours,
            minutes=minutes,
            seconds=seconds,
            microseconds=micro,
        )

        assert g.parse_duration(text) == (-expected if negative else expected)


class TestDecimals:
    @pytest.mark.parametrize(
        ("text", "number"),
        [
            ("12", Decimal(12)),
            ("-3.25", Decimal("-3.25")),
            ("0.5", Decimal("0.5")),
            ("007", Decimal(7)),
            ("60000.50", Decimal("60000.50")),
            ("9" * 18, Decimal("9" * 18)),
            ("0." + "0" * 399 + "1", Decimal("1E-400")),
            ("-0", Decimal(0)),
        ],
    )
    def test_a_decimal_is_plain_notation(self, text: str, number: Decimal) -> None:
        read = g.read_decimal("n", text)

        assert read == number
        assert str(read) == str(Decimal(text))  # its digits as written

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("1e3", "not a decimal number"),
            ("1E+3", "not a decimal number"),
            ("1_000", "not a decimal number"),
            ("1,000", "not a decimal number"),
            ("12,50", "not a decimal number"),
            (".5", "not a decimal number"),
            ("5.", "not a decimal number"),
            ("+5", "not a decimal number"),
            ("--5", "not a decimal number"),
            ("٣", "not a decimal number"),
            ("\uff13", "not a decimal number"),
            ("NaN", "not a decimal number"),
            ("Infinity", "not a decimal number"),
            ("1 000", "not a decimal number"),
            ("", "not a decimal number"),
            ("1" * 19, "too large"),
            ("-" + "1" * 19 + ".5", "too large"),
            ("0." + "0" * 400 + "1", "too precise"),
        ],
    )
    def test_anything_else_is_refused_with_its_reason(self, text: str, reason: str) -> None:
        with pytest.raises(InvalidFieldError, match=reason):
            g.read_decimal("n", text)

    def test_an_amount_has_no_sign(self) -> None:
        for text in ("-1", "-0", "-0.00"):
            with pytest.raises(InvalidFieldError, match="must not be negative"):
                g.read_decimal("n", text, signed=False)
        assert g.read_decimal("n", "0", signed=False) == 0

    @pytest.mark.parametrize(
        ("number", "reads"),
        [
            (10**18 - 1, True),
            (-(10**18) + 1, True),
            (10**18, False),
            (Decimal("1E+18"), False),
            (Decimal("9.99E+17"), True),
            (Decimal("1E+999999"), False),
            (Decimal("1E-400"), True),
            (Decimal("1E-401"), False),
            (Decimal("NaN"), False),
            (Decimal("-Infinity"), False),
            (12.0, True),
            (1e18, False),
        ],
    )
    def test_a_number_is_bounded_whatever_its_type(self, number: object, reads: bool) -> None:
        assert _reads(lambda: g.read_decimal("n", number)) is reads

    def test_a_float_is_read_only_when_whole_or_when_a_measurement(self) -> None:
        assert g.read_decimal("n", 25000.0) == Decimal(25000)
        with pytest.raises(WrongTypeError, match="inexact"):
            g.read_decimal("n", 0.1)
        assert g.read_decimal("n", 0.1, floats="shortest") == Decimal("0.1")
        assert g.read_decimal("n", 5e-324, floats="shortest") == Decimal("5E-324")
        with pytest.raises(InvalidFieldError, match="finite"):
            g.read_decimal("n", float("inf"), floats="shortest")

    @pytest.mark.parametrize("value", [True, None, [1], {"amount": 1}])
    def test_anything_else_is_the_wrong_type(self, value: object) -> None:
        with pytest.raises(WrongTypeError):
            g.read_decimal("n", value)

    @given(
        st.integers(0, 400).flatmap(
            lambda places: st.decimals(
                min_value=-(10**18) + 1,
                max_value=10**18 - 1,
                places=places,
                allow_nan=False,
                allow_infinity=False,
            )
        )
    )
    def test_every_decimal_it_reads_is_written_in_plain_notation_and_reads_back(
        self, number: Decimal
    ) -> None:
        text = g.write_decimal(number)

        assert re.fullmatch(g.DECIMAL, text)
        assert g.read_decimal("n", text) == number

    def test_a_decimal_beyond_the_bounds_is_written_short(self) -> None:
        assert g.write_decimal(Decimal("1E+18")) == "1E+18"
        assert g.write_decimal(Decimal("1E-401")) == "1E-401"
        assert g.write_decimal(Decimal("1E+3")) == "1000"
        assert g.write_decimal(Decimal("0E+999999")) == "0"


class TestCounts:
    @pytest.mark.parametrize(
        ("value", "count"),
        [
            ("420", 420),
            (" 7 ", 7),
            ("0", 0),
            ("9" * 12, 10**12 - 1),
            (420, 420),
            (120.0, 120),
            (Decimal("120.0"), 120),
        ],
    )
    def test_a_head_count_is_a_whole_number_of_up_to_twelve_digits(
        self, value: object, count: int
    ) -> None:
        assert g.read_count("employees", value) == count

    @pytest.mark.parametrize(
        "value",
        ["1" * 13, 10**12, "-3", -3, "4.5", 4.5, "+4", "4e2", "²", "٣", "", Decimal("1E+999999")],
    )
    def test_anything_else_is_refused(self, value: object) -> None:
        assert not _reads(lambda: g.read_count("employees", value))

    @pytest.mark.parametrize("value", [True, None, [4]])
    def test_a_value_that_is_no_number_is_the_wrong_type(self, value: object) -> None:
        with pytest.raises(WrongTypeError):
            g.read_count("employees", value)


class TestCodesAndNames:
    @pytest.mark.parametrize(("text", "code"), [("EUR", "EUR"), ("eur", "EUR"), (" gBp ", "GBP")])
    def test_a_currency_is_three_letters_read_upper_case(self, text: str, code: str) -> None:
        assert g.read_currency("c", text) == code

    @pytest.mark.parametrize("text", ["EURO", "EU", "E1R", "€", "É€R", "E R", ""])
    def test_anything_else_is_no_currency(self, text: str) -> None:
        with pytest.raises(InvalidFieldError, match="ISO 4217"):
            g.read_currency("c", text)

    def test_a_level_is_one_of_its_values_in_any_case(self) -> None:
        levels = g.choices(BudgetLevel)

        assert levels.read("budget", " approved ") is BudgetLevel.APPROVED
        assert levels.read("budget", "APPROVED") is BudgetLevel.APPROVED
        assert levels.read("budget", "Approved") is BudgetLevel.APPROVED
        assert levels.read("budget", BudgetLevel.NONE) is BudgetLevel.NONE
        for text in ("approved!", "", "appro ved", "\uff21pproved"):  # a fullwidth A
            with pytest.raises(InvalidFieldError, match="expected one of 'unknown'"):
                levels.read("budget", text)
        with pytest.raises(WrongTypeError, match="not an integer"):
            levels.read("budget", 3)
        assert re.fullmatch(g.padded(levels.pattern), "\tapproved ")
        assert re.fullmatch(g.padded(levels.pattern), "ApProVed")
        assert not re.fullmatch(g.padded(levels.pattern), "approvedx")

    @pytest.mark.parametrize(
        ("text", "level"),
        [
            ("This Quarter", TimeframeLevel.THIS_QUARTER),
            ("this quarter", TimeframeLevel.THIS_QUARTER),
            ("this-quarter", TimeframeLevel.THIS_QUARTER),
            (" THIS\tQUARTER ", TimeframeLevel.THIS_QUARTER),
            ("this   quarter", TimeframeLevel.THIS_QUARTER),
        ],
    )
    def test_a_level_may_be_spelt_with_spaces_or_hyphens(
        self, text: str, level: TimeframeLevel
    ) -> None:
        assert g.choices(TimeframeLevel).read("timeframe", text) is level

    @pytest.mark.parametrize(
        "text", ["this__quarter", "this -quarter", "-this_quarter", "this_quarter_", "thisquarter"]
    )
    def test_a_level_has_one_gap_between_words(self, text: str) -> None:
        with pytest.raises(InvalidFieldError):
            g.choices(TimeframeLevel).read("timeframe", text)

    def test_only_ascii_letters_change_case(self) -> None:
        # "K" (U+212A, the Kelvin sign) lower-cases to "k", yet no pattern without the
        # u flag could say so: it names no level, in the reader as in the schema.
        with pytest.raises(InvalidFieldError):
            g.choices(PurchaseRole).read("role", "DECISION_MA\u212aER")
        assert not re.fullmatch(g.padded(g.choices(PurchaseRole).pattern), "DECISION_MA\u212aER")

    @given(st.sampled_from(list(TimeframeLevel)), st.data())
    def test_the_pattern_and_the_reader_agree_on_spellings(
        self, level: TimeframeLevel, data: st.DataObject
    ) -> None:
        # Each word in a random case, joined by a random gap (or a wrong one).
        words = level.value.split("_")
        gaps = st.sampled_from(["_", "-", " ", "\t", "  ", "__", "-_", ".", ""])
        text = data.draw(st.sampled_from(["", " "]))
        for index, word in enumerate(words):
            cased = "".join(
                data.draw(st.sampled_from([char.lower(), char.upper()])) for char in word
            )
            text += (data.draw(gaps) if index else "") + cased
        pattern = re.compile(g.padded(g.choices(TimeframeLevel).pattern))
        try:
            read = g.choices(TimeframeLevel).read("timeframe", text)
        except InvalidFieldError:
            read = None

        assert (read is not None) == (pattern.fullmatch(text) is not None)
        assert read in (None, level)

    def test_a_pattern_lists_only_plain_words(self) -> None:
        with pytest.raises(ValueError, match="not a word a pattern can list"):
            g.one_of(["a.b"])

    @pytest.mark.parametrize(
        ("text", "address"),
        [
            ("  Ada.Lovelace@Example.COM ", "Ada.Lovelace@example.com"),
            ("o'brien+crm@mail.Example.co.uk", "o'brien+crm@mail.example.co.uk"),
            ("a" * 64 + "@example.com", "a" * 64 + "@example.com"),
            ("ada@" + "a" * 63 + ".com", "ada@" + "a" * 63 + ".com"),
            ("ada@" + ("a" * 62 + ".") * 3 + "a" * 61 + ".io", None),  # domain of 253: fine
        ],
    )
    def test_an_email_has_a_dot_atom_local_part_and_a_dotted_domain(
        self, text: str, address: str | None
    ) -> None:
        assert g.read_email("email", text) == (address or text.lower())

    @pytest.mark.parametrize(
        "text",
        [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            ".ada@example.com",
            "ada.@example.com",
            "ada..l@example.com",
            "ada@example..com",
            "ada@-example.com",
            "ada@example-.com",
            "ada@example.c",
            "ada@exa_mple.com",
            "a da@example.com",
            "ada@@example.com",
            "a" * 65 + "@example.com",
            "ada@" + "a" * 64 + ".com",
            "ada@" + ("a" * 62 + ".") * 3 + "a" * 62 + ".io",  # a domain of 254
            "ada@example.com.",
            "adá@example.com",
        ],
    )
    def test_anything_else_is_no_email_address(self, text: str) -> None:
        with pytest.raises(InvalidEmailError):
            g.read_email("email", text)

    @pytest.mark.parametrize(
        ("text", "number"),
        [
            ("+44 (20) 7946-0958", "+442079460958"),
            ("020 7946 0958", "02079460958"),
            ("+1.212.555.0100", "+12125550100"),
            ("1234567", "1234567"),
            ("+" + "1" * 15, "+" + "1" * 15),
            ("\u00a0( 0 ) 12/34-56\t", "0123456"),
        ],
    )
    def test_a_phone_is_seven_to_fifteen_digits_among_separators(
        self, text: str, number: str
    ) -> None:
        assert g.read_phone("phone", text) == number

    @pytest.mark.parametrize(
        "text",
        [
            "123456",
            "1" * 16,
            "++4420794609",
            "44+2079460958",
            "+44 20 7946 095x",
            "٠١٢٣٤٥٦٧٨٩",
            "-",
            "()",
            "+",
            "#1234567",
        ],
    )
    def test_anything_else_is_no_phone(self, text: str) -> None:
        with pytest.raises(InvalidPhoneError):
            g.read_phone("phone", text)

    @pytest.mark.parametrize(
        ("name", "valid"),
        [
            ("total_visits", True),
            ("a", True),
            ("a" * 63, True),
            ("a" * 64, False),
            ("Total", False),
            ("2nd", False),
            ("_x", False),
            ("total visits", False),
            (" total", False),
            ("total\n", False),
            (7, False),
        ],
    )
    def test_a_signal_name_is_a_lower_case_identifier(self, name: object, valid: bool) -> None:
        assert g.is_signal_name(name) is valid


class TestInternationalEmailsListsExtensionsAndTrunks:
    """Internationalised domains, lists of addresses, extensions and trunk prefixes."""

    def test_a_u_label_letter_is_no_blank_format_character_or_dot(self) -> None:
        letters = re.compile(g.U_LETTER)
        inside = [chr(c) for c in range(sys.maxunicode + 1) if letters.fullmatch(chr(c))]
        excluded = set(inside) & set("\u3002\uff0e\uff61\uff20\ufeff\u200b\u180e")

        assert inside[0] == "\u00c0"
        assert max(inside) < "\U00010000", "beyond the BMP, engines count differently"
        # Unassigned code points (Cn) are in: a letter may be given them in a later Unicode.
        kinds = {"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"}
        assert [c for c in inside if c.isspace() or unicodedata.category(c) in kinds] == []
        assert excluded == set()

    def test_a_u_label_letter_lower_cased_and_composed_is_one_letter_again(self) -> None:
        # What makes the email's normal form read back to itself, never longer: every
        # character, lower-cased then NFC-normalised, is one character of the class (or
        # an ASCII letter or digit) ...
        letters = re.compile(g.U_LETTER)
        label = re.compile("[a-z0-9]|" + g.U_LETTER)
        inside = [chr(c) for c in range(0x10000) if letters.fullmatch(chr(c))]
        bad = [
            c
            for c in inside
            if len(c.lower()) != 1 or not label.fullmatch(unicodedata.normalize("NFC", c.lower()))
        ]
        assert bad == []
        # ... and what NFC composes of two such characters is one, of lower case.
        composed = []
        for code in range(sys.maxunicode + 1):
            char = chr(code)
            parts = unicodedata.decomposition(char).split()
            if len(parts) != 2 or parts[0].startswith("<"):
                continue
            pair = "".join(chr(int(part, 16)) for part in parts)
            if (
                unicodedata.normalize("NFC", pair) == char
                and label.fullmatch(pair[0].lower())
                and letters.fullmatch(pair[1])
            ):
                composed.append(char)
        assert composed, "the check above saw compositions"
        assert [c for c in composed if c.lower() == c and not letters.fullmatch(c)] == []

    @pytest.mark.parametrize(
        ("text", "address"),
        [
            ("anna@Bücher.example", "anna@bücher.example"),
            ("user@müller.DE", "user@müller.de"),
            ("info@例え.jp", "info@例え.jp"),
            ("ivan@пример.РФ", "ivan@пример.рф"),
            ("ivan@xn--e1afmkfd.xn--p1ai", "ivan@xn--e1afmkfd.xn--p1ai"),
            ("anna@bu\u0308cher.example", "anna@b\u00fccher.example"),
            ("anna@example.e\u0301", "anna@example.\u00e9"),  # a TLD that NFC makes one
            ("anna@example.\u00e9", "anna@example.\u00e9"),
            ("kim@\u1112\u1161\u11ab.kr", "kim@\ud55c.kr"),  # conjoining jamo: one syllable
        ],
    )
    def test_an_internationalised_domain_is_lower_case_and_nfc(
        self, text: str, address: str
    ) -> None:
        assert g.read_email("email", text) == address
        assert g.read_email("email", address) == address

    @pytest.mark.parametrize(
        "text",
        [
            "anna@bücher\u3002example",
            "anna@b\u00fccher\u200b.example",
            "anna@\u0130stanbul.example",  # lower-cased, two characters
            "anna@example.\u037e",  # NFC makes it ";"
            "anna@\U00010400.example",
            "anna@bücher.\u00e9\u00e9-x",
            "ådå@bücher.example",
        ],
    )
    def test_a_domain_of_other_characters_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidEmailError):
            g.read_email("email", text)

    def test_a_list_of_addresses_is_read_in_order(self) -> None:
        text = 'Ada <ada@example.com>, "Hopper, Grace" <Grace@Example.COM>; bob; anna@BÜCHER.de'

        assert g.read_emails("email_from", text) == (
            "ada@example.com",
            "Grace@example.com",
            "anna@bücher.de",
        )

    @pytest.mark.parametrize("text", ["", "Ada", ",;", '"ada@example.com"', "ada@example.com>"])
    def test_a_list_without_an_address_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidEmailError, match="no email address") as caught:
            g.read_emails("email_from", text)

        assert (caught.value.field, caught.value.value) == ("email_from", text)

    @pytest.mark.parametrize(
        ("text", "number"),
        [
            ("+1 415 555 0100 ext. 12", "+14155550100;ext=12"),
            ("+1 (415) 555-0100 x12", "+14155550100;ext=12"),
            ("415.555.0100 ext 12", "4155550100;ext=12"),
            ("+1 415 555 0100 extension 12", "+14155550100;ext=12"),
            ("+1 415 555 0100;ext=12", "+14155550100;ext=12"),
            ("+44 (0)20 7946 0958", "+442079460958"),
            ("+44 (0) 20 7946 0958", "+442079460958"),
            ("(020) 7946 0958", "02079460958"),
            ("+44 (0)20 7946 0958 ext 7", "+442079460958;ext=7"),
        ],
    )
    def test_an_extension_is_kept_and_a_trunk_prefix_dropped(self, text: str, number: str) -> None:
        assert g.read_phone("phone", text) == number
        assert g.read_phone("phone", number) == number

    @pytest.mark.parametrize(
        "text",
        ["+1 415 555 0100 x", "+1 415 555 0100 ext", "1" * 16 + " ext 1", "+44 20 7946 095x"],
    )
    def test_a_marker_without_digits_or_a_number_too_long_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidPhoneError):
            g.read_phone("phone", text)

    def test_a_dropped_trunk_prefix_is_reported_as_a_repair(self) -> None:
        assert g.phone_repair("+44 (0)20 7946 0958") == 'dropped the trunk prefix "(0)"'
        assert g.phone_repair("+442079460958") is None
        assert g.phone_repair("(020) 7946 0958") is None
        assert g.phone_repair("+44 (0) 12") is None  # no number: nothing repaired


class TestPatterns:
    """The published patterns use only syntax ECMA-262 and Python's re read alike."""

    PATTERNS: Final = {
        name: getattr(g, name)
        for name in (
            "DATE",
            "DATETIME",
            "DURATION",
            "DECIMAL",
            "AMOUNT",
            "COUNT",
            "CURRENCY",
            "EMAIL",
            "PHONE",
            "SIGNAL_NAME",
        )
    }

    @pytest.mark.parametrize("name", list(PATTERNS))
    def test_no_class_shorthand_dot_flag_or_named_group(self, name: str) -> None:
        # As published: padded, which adds the blanks and the anchors.
        pattern = g.padded(self.PATTERNS[name])
        for token in (
            r"\d",
            r"\D",
            r"\s",
            r"\S",
            r"\w",
            r"\W",
            r"\b",
            r"\Z",
            r"\A",
            "(?P",
            "(?<",
            "(?i",
            "(?s",
            "(?m",
            "(?x",
        ):
            assert token not in pattern, token
        assert "." not in _outside_classes(pattern), "an unescaped . differs between the two"
        assert "$" not in _outside_classes(pattern)[:-1], "only whole() and padded() anchor"

    def test_ecma_262_reads_every_pattern_as_python_does(self) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.skip("no node to run ECMA-262 regular expressions with")
        patterns = [g.padded(p) for p in self.PATTERNS.values()] + [
            g.whole(g.SIGNAL_NAME),
            g.NONPOSITIVE_DURATION,
            f"^{g.BLANK}*$",
            g.NOT_BLANK,
        ]
        texts = sorted(set(_CORPUS))
        script = (
            "const {patterns, texts} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
            "console.log(JSON.stringify(['', 'u'].map(flags => patterns.map(p => "
            "texts.map(t => new RegExp(p, flags).test(t))))));"
        )
        run = subprocess.run(
            [node, "-e", script],
            input=json.dumps({"patterns": patterns, "texts": texts}),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        python = [[re.search(p, t) is not None for t in texts] for p in patterns]

        for flags, ecma in zip(("no flags", "the u flag"), json.loads(run.stdout), strict=True):
            for pattern, ours, theirs in zip(patterns, python, ecma, strict=True):
                differ = [t for t, a, b in zip(texts, ours, theirs, strict=True) if a != b]
                assert differ == [], f"{pattern} with {flags}"


def test_ecma_262_reads_the_u_label_class_as_python_does_on_every_code_point() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to run ECMA-262 regular expressions with")
    # Every BMP code point (lone surrogates too) and a few beyond it, which ECMA-262
    # without the u flag reads as two surrogates.
    texts = [chr(c) for c in range(0x10000)] + ["\U00010000", "\U0001f600", "\U0010ffff"]
    pattern = f"^{g.U_LETTER}$"
    script = (
        "const {pattern, texts} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(['', 'u'].map(flags => "
        "texts.map((t, i) => new RegExp(pattern, flags).test(t) ? i : -1).filter(i => i >= 0))));"
    )
    run = subprocess.run(
        [node, "-e", script],
        input=json.dumps({"pattern": pattern, "texts": texts}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    python = [i for i, t in enumerate(texts) if re.search(pattern, t)]

    assert json.loads(run.stdout) == [python, python]


def _outside_classes(pattern: str) -> str:
    """The characters of *pattern* that are neither escaped nor inside a class."""
    kept, escaped, inside = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif inside:
            inside = char != "]"
        elif char == "[":
            inside = True
        else:
            kept.append(char)
    return "".join(kept)


# ----------------------------------------------------------------------------------------
# Valid values, near misses and arbitrary data, for the schema-agrees-with-parser laws
# ----------------------------------------------------------------------------------------

_BLANKS: Final = [" ", "\t", "\n", "\xa0", "\u2003", "\x1c", "\x85", "\u3000"]
# Look like blanks, or like digits, and are neither to the grammar.
_IMPOSTORS: Final = ["\ufeff", "\u200b", "\u180e", "٣", "\uff13", "²", "\u2212"]
_EDIT_CHARS: Final = list("+-.,eE_:;/TtZzWwDdHhMmSsPpYy0123456789 @()aA") + _BLANKS + _IMPOSTORS


def _sub(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text, count=1)


#: Small changes that turn a valid value into one that is just wrong, or still right:
#: signs, dots, exponents, separators, case, T or a space, offsets, impossible days,
#: too many digits, digits of other scripts, blanks.
_TWEAKS: Final[Sequence[Callable[[str], str]]] = [
    lambda t: "+" + t,
    lambda t: "-" + t,
    _sub(r"^(-?)[0-9]+\.", r"\1."),
    lambda t: t + ".",
    lambda t: t + "e3",
    _sub(r"\.", "E"),
    _sub(r"([0-9])([0-9])", r"\1_\2"),
    _sub(r"([0-9])([0-9]{3})", r"\1,\2"),
    str.lower,
    str.upper,
    str.swapcase,
    _sub("T", " "),
    _sub("T", "t"),
    _sub("[T ]", "x"),
    _sub(" ", "T"),
    _sub(r"([Zz]|[+-][0-9]{2}:[0-9]{2})$", ""),
    _sub(r"([+-][0-9]{2}):([0-9]{2})$", r"\1\2"),
    _sub(r"[Zz]$", "+00:00"),
    _sub(r"^([0-9]{4})-[0-9]{2}", r"\1-13"),
    _sub(r"^([0-9]{4})-[0-9]{2}", r"\1-00"),
    _sub(r"^([0-9]{4})-[0-9]{2}-[0-9]{2}", r"\1-02-29"),
    _sub(r"^([0-9]{4})-[0-9]{2}-[0-9]{2}", r"\1-02-30"),
    _sub(r"^([0-9]{4})-[0-9]{2}-[0-9]{2}", r"\1-04-31"),
    _sub(r"^[0-9]{4}", "2100"),
    _sub(r"^[0-9]{4}", "0000"),
    _sub(r"[Tt ][0-9]{2}", "T24"),
    _sub(r":[0-9]{2}([^:]*)$", r":60\1"),
    _sub(r"(:[0-9]{2})([Zz+-])", r"\1.1234567\2"),
    _sub(r"(:[0-9]{2})([Zz+-])", r"\1.5\2"),
    _sub(r"[0-9]", "٣"),
    _sub(r"[0-9]", "\uff13"),
    _sub(r"[0-9]", "²"),
    _sub(r"[0-9]+", "1" * 13),
    _sub(r"[0-9]+", "9" * 19),
    _sub(r"[0-9]+", "9" * 9),
    lambda t: t + "0" * 401,
    _sub(r"[DdHhSs]", "Y"),
    _sub(r"[WwDdHhSs]", "M"),
    _sub(r"[Pp]", "PT"),
    lambda t: t + "T",
    lambda t: t.replace("@", "@@"),
    lambda t: t.replace(".", ".."),
    lambda t: "." + t,
    lambda t: t[1:],
    lambda t: t[:-1],
    lambda t: t + t,
]


@st.composite
def _edited(draw: st.DrawFn, valid: st.SearchStrategy[str]) -> str:
    """*valid* text changed by a few tweaks, character edits and blanks around it."""
    text = draw(valid)
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            text = draw(st.sampled_from(_TWEAKS))(text)
        else:
            at = draw(st.integers(0, len(text)))
            char = draw(st.sampled_from(_EDIT_CHARS))
            action = draw(st.sampled_from(["insert", "replace", "delete"]))
            keep = at + 1 if action != "insert" else at
            text = text[:at] + ("" if action == "delete" else char) + text[keep:]
    around = st.text(st.sampled_from(_BLANKS + _IMPOSTORS[:3]), max_size=2)
    return draw(around) + text + draw(around)


#: JSON values of every type, and numbers on either side of the grammar's bounds.
_JSON_DATA: Final = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            0,
            -1,
            10**12 - 1,
            10**12,
            10**18 - 1,
            10**18,
            -(10**18) + 1,
            -(10**18),
            1e17,
            1e18,
            -0.0,
            0.5,
            120.0,
            2**53 + 1,
        ]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _values(*valid: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    """Valid text, near misses of it, arbitrary text and JSON data."""
    good = st.one_of(*valid)
    return st.one_of(good, _edited(good), _edited(good), st.text(max_size=24), _JSON_DATA)


def _from(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


_DATETIMES: Final = _values(
    _from(g.DATETIME),
    lfst.aware_datetimes().map(datetime.isoformat),
    st.datetimes().map(datetime.isoformat),
    st.sampled_from(["2026-01-05T09:30:00+01:00", "2026-01-05 09:30Z", "2024-02-29T00:00Z"]),
)
_DATES: Final = _values(_from(g.DATE), st.dates().map(date.isoformat))
_DECIMALS: Final = _values(
    _from(g.DECIMAL),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.decimals(places=2, allow_nan=False, allow_infinity=False).map(lambda d: format(d, "f")),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers().map(str),
)
_CURRENCIES: Final = _values(_from(g.CURRENCY), st.sampled_from(["EUR", "usd", "GbP", "EURO"]))
_COUNTS: Final = _values(_from(g.COUNT), st.integers(-5, 10**13).map(str))
_U_LABEL_CHARS: Final = [*"üéßжя例え한", "\u0301", "\u0308", "\u1161", *"aZ0-"]
_EMAILS: Final = _values(
    lfst.emails(),
    st.sampled_from(["ada@example.com", "a" * 64 + "@x.io", "ada@" + "a" * 63 + ".io"]),
    st.sampled_from(
        [
            "anna@bücher.example",
            "ivan@пример.рф",
            "info@例え.jp",
            "a@" + "ü" * 63 + ".de",
            "a@" + ("ü" * 62 + ".") * 3 + "ü" * 61 + ".io",
            "a@xn--bcher-kva.xn--p1ai",
        ]
    ),
    st.builds(
        "{}@{}.{}".format,
        st.text(string.ascii_letters, min_size=1, max_size=4),
        st.text(st.sampled_from(_U_LABEL_CHARS), min_size=1, max_size=5),
        st.text(st.sampled_from(_U_LABEL_CHARS), min_size=1, max_size=3),
    ),
)
_PHONES: Final = _values(
    lfst.phones(),
    st.lists(
        st.sampled_from([*"0123456789", " ", "-", "(", ")", ".", "/", "+"]),
        min_size=5,
        max_size=20,
    ).map("".join),
    # Extensions and trunk prefixes, and their near misses.
    st.lists(
        st.sampled_from(
            [*"0123456789", " ", "(", ")", "+", "+44", "(0)", " x", "ext. ", ";ext=", "X", "e"]
        ),
        min_size=3,
        max_size=20,
    ).map("".join),
    st.sampled_from(["+1 415 555 0100 ext. 12", "+44 (0)20 7946 0958", "+1 (0) 12345"]),
)
_TEXTS: Final = _values(lfst.texts(), st.just("Northwind"))
_DURATIONS: Final = _values(
    _from(g.DURATION),
    st.timedeltas().map(g.format_duration),
    st.sampled_from(["P180D", "PT12H", "P1Y", "P6M", "P0D", "PT0S", "-P1D", "PT0.000001S"]),
    st.integers(-5, 10**15).map(str),
)


def _levels(enum: type[Enum]) -> st.SearchStrategy[object]:
    words = [str(member.value) for member in enum]
    return _values(
        st.sampled_from(words),
        st.sampled_from(words).map(lambda w: w.replace("_", " ")),
        st.sampled_from(words).map(str.title),
    )


# The values each record field is drawn from, and what else a record needs for the field
# to be the only one that can be wrong.
_KINDS: Final[dict[str, st.SearchStrategy[object]]] = {
    **{field: _levels(enum) for field, enum in ENUM_FIELDS.items()},
    **dict.fromkeys(DATETIME_FIELDS, _DATETIMES),
    **dict.fromkeys(DATE_FIELDS, _DATES),
    **dict.fromkeys(MONEY_FIELDS, _DECIMALS),
    **dict.fromkeys(MONEY_FIELDS.values(), _CURRENCIES),
    "employees": _COUNTS,
    "email": _EMAILS,
    "phone": _PHONES,
    "id": _values(lfst.texts(), st.integers().map(str)),
}
_BASE: Final = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "created_at": "2026-01-05T09:30:00+01:00",
}
_WITH: Final[dict[str, dict[str, str]]] = {
    "email": {"phone": "+44 20 7946 0958"},
    **{field: {"organisation": "Northwind"} for field in ORGANISATION_FIELDS},
    **{amount: {currency: "EUR"} for amount, currency in MONEY_FIELDS.items()},
    **{currency: {amount: "100"} for amount, currency in MONEY_FIELDS.items()},
}

_COLUMNS: Final = signal_columns(SIGNAL_POLICY.signals)
_NUMERIC: Final = {s.name for s in SIGNAL_POLICY.signals if isinstance(s, NumericSignal)}
# A signal's value, and its time, which needs the value beside it.
_KINDS.update(
    {
        **{s.name: _DECIMALS if s.name in _NUMERIC else _TEXTS for s in SIGNAL_POLICY.signals},
        **{f"{s.name}_observed_at": _DATETIMES for s in SIGNAL_POLICY.signals},
    }
)
_WITH.update(
    {
        f"{s.name}_observed_at": {s.name: "7" if s.name in _NUMERIC else "API"}
        for s in SIGNAL_POLICY.signals
    }
)


def _is_integer(checker: Any, instance: object) -> bool:
    # JSON Schema counts any number without a fraction as an integer; jsonschema does for
    # floats, and this does for the exact decimals JSON is read into here.
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return bool(Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer"))


# jsonschema's extend() has no type annotations.
_Exact: Final = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)
RECORDS: Final = _Exact(record_schema(SIGNAL_POLICY))
POLICIES: Final = Draft202012Validator(policy_schema())


def _as_read(record: dict[str, Any]) -> Any:
    """*record* as JSON text, read back as leadflow reads JSON: numbers as exact decimals."""
    return json.loads(json.dumps(record), parse_float=Decimal)


class TestTheSchemaAgreesWithTheParser:
    @pytest.mark.parametrize("field", [*RECORD_FIELDS, *_COLUMNS])
    @given(data=st.data())
    def test_a_record_value_passes_the_schema_exactly_when_parse_record_reads_it(
        self, field: str, data: st.DataObject
    ) -> None:
        value = data.draw(_KINDS.get(field, _TEXTS), label=field)
        record = _as_read({**_BASE, **_WITH.get(field, {}), field: value})

        problems = [error.message for error in RECORDS.iter_errors(record)]
        try:
            parse_record(record, signals=SIGNAL_POLICY.signals)
        except InvalidRecordError as error:
            refused: list[str] = [str(bad) for bad in error.errors]
        else:
            refused = []

        assert bool(problems) == bool(refused), (problems, refused)

    @pytest.mark.parametrize(
        "where", [("freshness",), ("signals", 2, "half_life"), ("signals", 2, "edges", 0)]
    )
    @given(data=st.data())
    def test_a_policy_value_passes_the_schema_exactly_when_structure_reads_it(
        self, where: tuple[str | int, ...], data: st.DataObject
    ) -> None:
        # Policy files are read as TOML or JSON parsers give them: a number with a
        # fraction is a float.
        value = data.draw(_DECIMALS if "edges" in where else _DURATIONS, label=str(where))
        policy = copy.deepcopy(SIGNAL_POLICY_DATA)
        if "edges" in where:
            policy["signals"][2]["points"] = [0, policy["signals"][2]["weight"]]
            policy["signals"][2]["edges"] = [None]
        target: Any = policy
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value

        problems = [error.message for error in POLICIES.iter_errors(policy)]
        try:
            structure(policy, Policy)
        except InvalidRecordError as error:
            refused: list[str] = [str(bad) for bad in error.errors]
        else:
            refused = []

        assert bool(problems) == bool(refused), (problems, refused)


#: Texts for comparing the two regular-expression engines: valid values, near misses.
_CORPUS: Final = [
    *(
        text
        for seed in [
            "2026-01-05T09:30:00+01:00",
            "2026-01-05 09:30Z",
            "2024-02-29T23:59:59.123456-05:30",
            "2026-01-05",
            "2000-02-29",
            "1900-02-29",
            "P180D",
            "p1w2dt3h4m5,5s",
            "-PT0.5S",
            "60000.50",
            "-3",
            "0." + "0" * 399 + "1",
            "420",
            "EUR",
            "ada.l@example.co.uk",
            "anna@bücher.example",
            "info@例え.jp",
            "ivan@пример.рф",
            "anna@xn--bcher-kva.xn--p1ai",
            "anna@\U0001f600.example",
            "anna@b\U00010400r.example",
            "+44 (20) 7946-0958",
            "+1 415 555 0100 ext. 12",
            "+1 (415) 555-0100 x12",
            "+1 415 555 0100;EXT=12",
            "+44 (0)20 7946 0958",
            "+44 (0) 20 7946 0958 extension 3",
            "total_visits",
            "approved",
        ]
        for tweak in [lambda t: t, *_TWEAKS]
        for text in [tweak(seed)]
    ),
    *(blank + "EUR" + blank for blank in _BLANKS + _IMPOSTORS),
    "visits\n",
    "\n",
    "",
    " ",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\r",
    "\x0b",
    "\x0c",
    "a\u2028b",
    "P\u2028",
    "EUR\u2029",
    *string.printable,
]


class TestOffsetsWithSeconds:
    """A zone's local mean time has an offset with seconds; it reads back as written."""

    LMT_OFFSET: Final = -timedelta(hours=4, minutes=56, seconds=2)
    NEW_YORK_LMT: Final = timezone(LMT_OFFSET)

    @pytest.mark.parametrize(
        ("text", "offset"),
        [
            ("0001-01-01T00:00:00-04:56:02", -timedelta(hours=4, minutes=56, seconds=2)),
            ("1850-06-01 12:00+00:09:21", timedelta(minutes=9, seconds=21)),
            ("1850-06-01T12:00:00+00:00:01.500000", timedelta(seconds=1, microseconds=500000)),
        ],
    )
    def test_an_offset_with_seconds_is_read(self, text: str, offset: timedelta) -> None:
        assert g.read_datetime("created_at", text).utcoffset() == offset

    @pytest.mark.parametrize(
        "text",
        [
            "2026-01-05T09:30:00+01:00:60",
            "2026-01-05T09:30:00+01:00:5",
            "2026-01-05T09:30:00+01:00:05.5",
        ],
    )
    def test_a_malformed_offset_with_seconds_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            g.read_datetime("created_at", text)

        assert (caught.value.field, caught.value.value) == ("created_at", text)

    def test_a_local_mean_time_round_trips_through_json(self) -> None:
        moment = datetime(1, 1, 1, tzinfo=ZoneInfo("America/New_York"))
        observation = SignalObservation(value=Decimal(1), observed_at=moment)

        back = from_json(to_json(observation), SignalObservation)

        assert to_json(observation).endswith('"0001-01-01T00:00:00-04:56:02"}')
        assert back == observation
        observed = back.observed_at
        assert observed is not None
        assert observed.utcoffset() == moment.utcoffset() == self.LMT_OFFSET

    def test_a_record_reads_the_offset_as_serialization_writes_it(self) -> None:
        moment = datetime(1883, 11, 18, 12, tzinfo=self.NEW_YORK_LMT)

        read = parse_record({**_BASE, "created_at": moment.isoformat()})

        created = read.contact.created_at
        assert created == moment
        assert created is not None
        assert created.utcoffset() == moment.utcoffset()
