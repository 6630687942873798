"""Spreadsheets as they come: zones, headers, spellings and blanks a sheet is written with."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import leadflow
from leadflow import (
    BANT,
    BudgetLevel,
    Evidence,
    InvalidRecordError,
    LeadSource,
    NaiveDatetimeError,
    NeedLevel,
    NumericSignal,
    PurchaseRole,
    RelationshipLevel,
    SupplierStatus,
    TimeframeLevel,
    Verdict,
    qualify,
)
from leadflow import _grammar as g
from leadflow.cli import main
from leadflow.presets import PRESETS
from leadflow.records import RECORD_FIELDS, canonical_field, parse_record, qualify_record

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

#: The least a record needs.
ROW: dict[str, Any] = {"name": "Ada Lovelace", "email": "ada@example.com"}


def created(value: object, zone: Any = None, **more: Any) -> datetime:
    """The ``created_at`` that *value* is read as, in *zone*."""
    return parse_record({**ROW, "created_at": value, **more}, timezone=zone).contact.created_at


def reasons(record: dict[str, Any], **options: Any) -> dict[str, str]:
    with pytest.raises(InvalidRecordError) as caught:
        parse_record(record, **options)
    return {error.path: error.reason for error in caught.value.errors}


class TestNaiveTimesInAZone:
    @pytest.mark.parametrize(
        ("text", "utc"),
        [
            # Berlin is UTC+1 in November (winter time), UTC+2 in July (summer time).
            ("2026-11-02 09:00", datetime(2026, 11, 2, 8, 0, tzinfo=UTC)),
            ("2026-11-02T09:00", datetime(2026, 11, 2, 8, 0, tzinfo=UTC)),
            ("2026-07-02 09:00:30", datetime(2026, 7, 2, 7, 0, 30, tzinfo=UTC)),
            ("2026-07-02 09:00:30.25", datetime(2026, 7, 2, 7, 0, 30, 250000, tzinfo=UTC)),
            # A date alone is the start of that day there.
            ("2026-11-02", datetime(2026, 11, 1, 23, 0, tzinfo=UTC)),
            (" 2026-07-02 ", datetime(2026, 7, 1, 22, 0, tzinfo=UTC)),
        ],
    )
    def test_a_time_without_an_offset_is_read_in_the_zone(self, text: str, utc: datetime) -> None:
        moment = created(text, BERLIN)

        assert moment == utc
        assert moment.utcoffset() == utc.astimezone(BERLIN).utcoffset()

    def test_a_time_with_an_offset_keeps_its_own(self) -> None:
        moment = created("2026-11-02T09:00-05:00", BERLIN)

        assert moment == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
        assert moment.utcoffset() == timedelta(hours=-5)

    def test_naive_datetime_and_date_objects_are_read_in_the_zone(self) -> None:
        assert created(datetime(2026, 11, 2, 9, 0), NEW_YORK) == datetime(
            2026, 11, 2, 14, 0, tzinfo=UTC
        )
        assert created(date(2026, 11, 2), NEW_YORK) == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)

    def test_the_value_has_a_fixed_offset_not_the_zone(self) -> None:
        # Equal to the same time written with its offset, in every way that shows.
        moment = created("2026-11-02 09:00", BERLIN)

        assert moment.isoformat() == "2026-11-02T09:00:00+01:00"
        assert moment.tzinfo == timezone(timedelta(hours=1))

    def test_a_repeated_time_is_its_first_occurrence(self) -> None:
        # On 2026-10-25 Berlin's clocks go back from 03:00 summer time to 02:00 winter
        # time, so 02:30 happens twice: first at 00:30 UTC (+02:00), then at 01:30.
        assert created("2026-10-25 02:30", BERLIN) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)

    def test_a_skipped_time_is_read_with_the_offset_before_the_change(self) -> None:
        # On 2026-03-29 Berlin's clocks jump from 02:00 to 03:00: 02:30 never happens.
        # Read with winter time's +01:00, it is 01:30 UTC (03:30 summer time).
        moment = created("2026-03-29 02:30", BERLIN)

        assert moment == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert moment.utcoffset() == timedelta(hours=1)

    def test_every_datetime_field_and_a_signals_time_use_the_zone(self) -> None:
        visits = NumericSignal(name="total_visits", weight=20, edges=(5,), points=(0, 20))
        record = {
            **ROW,
            "created_at": "2026-11-02 09:00",
            "need": "strong",
            "need_observed_at": "2026-11-03 10:00",
            "relationship": "established",
            "signals_observed_at": "2026-11-04",
            "total_visits": "7",
            "total_visits_observed_at": "2026-11-05 12:00",
        }

        row = parse_record(record, signals=(visits,), timezone=BERLIN)

        plus_one = timezone(timedelta(hours=1))
        assert row.evidence.need.observed_at == datetime(2026, 11, 3, 10, 0, tzinfo=plus_one)
        assert row.signals is not None
        assert row.signals.observed_at == datetime(2026, 11, 4, tzinfo=plus_one)
        (_, seen), *_ = row.evidence.signals
        assert seen.observed_at == datetime(2026, 11, 5, 12, 0, tzinfo=plus_one)

    def test_dates_stay_dates(self) -> None:
        row = parse_record(
            {**ROW, "created_at": "2026-11-02", "decision_date": "2026-12-18"}, timezone=BERLIN
        )

        assert row.evidence.timeframe.decision_date == date(2026, 12, 18)

    def test_text_that_is_no_datetime_is_still_refused(self) -> None:
        assert reasons({**ROW, "created_at": "2 Nov 2026"}, timezone=BERLIN) == {
            "$.created_at": "not an ISO 8601 datetime"
        }


class TestNaiveTimesWithoutAZone:
    @pytest.mark.parametrize("text", ["2026-11-02 09:00", "2026-11-02T09:00:00", "2026-11-02"])
    def test_are_refused_naming_both_ways_to_give_the_zone(self, text: str) -> None:
        found = reasons({**ROW, "created_at": text})

        assert list(found) == ["$.created_at"]
        reason = found["$.created_at"]
        assert reason.startswith("datetime has no UTC offset; give one, or say which time zone")
        assert "timezone=" in reason
        assert "--timezone Europe/Berlin" in reason

    def test_the_error_is_a_naive_datetime_error(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            parse_record({**ROW, "created_at": datetime(2026, 11, 2, 9, 0)})

        assert [type(error) for error in caught.value.errors] == [NaiveDatetimeError]

    def test_the_grammar_alone_keeps_its_short_message(self) -> None:
        # Policies, JSON documents and --as-of have no sheet to give a zone for.
        with pytest.raises(NaiveDatetimeError) as caught:
            g.read_datetime("at", "2026-11-02 09:00")

        assert caught.value.reason == "datetime has no UTC offset"


class TestHeaders:
    @pytest.mark.parametrize(
        ("header", "field"),
        [
            ("Name", "name"),
            (" Email ", "email"),
            ("Budget Amount", "budget_amount"),
            ("budget-amount", "budget_amount"),
            ("BUDGET_AMOUNT", "budget_amount"),
            ("Need  Observed-At", "need_observed_at"),
            ("Total Visits", "total_visits"),
            ("BudgetAmount", "budgetamount"),  # words run together are not split
        ],
    )
    def test_a_header_names_its_field_in_any_case_with_spaces_or_hyphens(
        self, header: str, field: str
    ) -> None:
        assert canonical_field(header) == field

    def test_a_record_with_a_sheets_headers_reads_as_with_the_fields(self) -> None:
        sheet = {
            "Name": "Ada Lovelace",
            " Email ": "ada@example.com",
            "Created At": "2026-01-05T09:00Z",
            "Budget": "approved",
            "Budget Amount": "25000",
            "budget-currency": "EUR",
            "Owner": "someone",  # not a field: ignored, as ever
        }
        fields = {
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "created_at": "2026-01-05T09:00Z",
            "budget": "approved",
            "budget_amount": "25000",
            "budget_currency": "EUR",
        }

        assert parse_record(sheet) == parse_record(fields)

    def test_a_signals_columns_match_the_same_way(self) -> None:
        visits = NumericSignal(name="total_visits", weight=20, edges=(5,), points=(0, 20))
        record = {
            **ROW,
            "created_at": "2026-01-05T09:00Z",
            "Total Visits": "7",
            "Total Visits Observed At": "2026-01-04T10:00Z",
        }

        row = parse_record(record, signals=(visits,))

        ((name, seen),) = row.evidence.signals
        assert (name, seen.value) == ("total_visits", Decimal("7"))
        assert seen.observed_at == datetime(2026, 1, 4, 10, 0, tzinfo=UTC)

    def test_two_headers_of_one_field_are_refused_naming_both(self) -> None:
        record = {**ROW, "created_at": "2026-01-05T09:00Z", "Name": "Ada L."}

        found = reasons(record)

        assert found == {"$.name": "given twice, as 'name' and 'Name': keep one of them"}

    def test_two_spellings_of_one_field_are_refused_too(self) -> None:
        record = {**ROW, "created_at": "2026-01-05T09:00Z", "Job Title": "a", "job-title": "b"}

        assert reasons(record) == {
            "$.job_title": "given twice, as 'Job Title' and 'job-title': keep one of them"
        }


class TestLevelsAsPeopleWriteThem:
    @pytest.mark.parametrize(
        ("field", "text", "read"),
        [
            ("need", "Strong", NeedLevel.STRONG),
            ("timeframe", "this quarter", TimeframeLevel.THIS_QUARTER),
            ("timeframe", "This Quarter", TimeframeLevel.THIS_QUARTER),
            ("role", "Decision maker", PurchaseRole.DECISION_MAKER),
            ("role", "decision-maker", PurchaseRole.DECISION_MAKER),
            ("supplier", " NO SUPPLIER ", SupplierStatus.NO_SUPPLIER),
            ("source", "Trade Show", LeadSource.TRADE_SHOW),
        ],
    )
    def test_a_level_reads_in_any_case_with_spaces_or_hyphens(
        self, field: str, text: str, read: Enum
    ) -> None:
        row = parse_record({**ROW, "created_at": "2026-01-05T09:00Z", field: text})

        found = {
            "need": row.evidence.need.level,
            "timeframe": row.evidence.timeframe.level,
            "role": row.contact.role,
            "source": row.contact.source,
            "supplier": row.signals and row.signals.supplier,
        }
        assert found[field] is read

    @pytest.mark.parametrize("text", ["None", "NONE", " none "])
    def test_none_names_the_level_none_where_there_is_one(self, text: str) -> None:
        row = parse_record({**ROW, "created_at": "2026-01-05T09:00Z", "need": text})

        assert row.evidence.need.level is NeedLevel.NONE


class TestEmptyCells:
    @pytest.mark.parametrize(
        "empty",
        [
            None,
            "",
            "  ",
            float("nan"),
            Decimal("NaN"),
            Decimal("sNaN"),
            "NaN",
            "nan",
            "null",
            "NULL",
            "N/A",
            "n/a",
            "#N/A",
            " #n/a ",
        ],
    )
    def test_is_no_value_in_every_field(self, empty: object) -> None:
        # Every optional field empty at once: the record is the bare contact.
        record = dict.fromkeys(RECORD_FIELDS, empty)
        record.update(ROW, created_at="2026-01-05T09:00Z")

        row = parse_record(record)

        assert row == parse_record({**ROW, "created_at": "2026-01-05T09:00Z"})
        assert row.contact.organisation is None
        assert row.evidence == Evidence()
        assert row.signals is None

    def test_none_is_no_value_but_where_it_names_a_level(self) -> None:
        record = dict.fromkeys(RECORD_FIELDS, "None")
        record.update(ROW, created_at="2026-01-05T09:00Z")

        row = parse_record(record)

        # need, budget, relationship: levels called "none"; the rest left empty.
        assert row.contact.job_title is None
        assert row.contact.organisation is None
        assert row.contact.role is PurchaseRole.UNKNOWN
        assert (row.evidence.need.level, row.evidence.budget.level) == (
            NeedLevel.NONE,
            BudgetLevel.NONE,
        )
        assert row.evidence.budget.amount is None
        assert row.evidence.timeframe.level is TimeframeLevel.UNKNOWN
        assert row.signals is not None
        assert row.signals.relationship is RelationshipLevel.NONE
        assert row.signals.supplier is SupplierStatus.UNKNOWN

    @pytest.mark.parametrize("empty", ["N/A", float("nan"), None, "NULL"])
    def test_a_required_field_left_empty_is_missing(self, empty: object) -> None:
        found = reasons({**ROW, "created_at": "2026-01-05T09:00Z", "name": empty})

        assert list(found) == ["$.name"]

    def test_a_signals_empty_cell_is_no_value(self) -> None:
        visits = NumericSignal(name="total_visits", weight=20, edges=(5,), points=(0, 20))
        record = {**ROW, "created_at": "2026-01-05T09:00Z", "total_visits": float("nan")}

        assert parse_record(record, signals=(visits,)).evidence.signals == ()

    @pytest.mark.parametrize("text", ["Nancy", "NaNa", "N/A N/A", "0", "-", "NA", "n.a."])
    def test_other_texts_are_values(self, text: str) -> None:
        row = parse_record({**ROW, "created_at": "2026-01-05T09:00Z", "job_title": text})

        assert row.contact.job_title == text

    @given(st.sampled_from(sorted(g.MISSING_TEXTS)), st.data())
    def test_the_pattern_and_is_missing_agree_on_every_case(
        self, text: str, data: st.DataObject
    ) -> None:
        cased = "".join(data.draw(st.sampled_from([c.lower(), c.upper()])) for c in text)
        spelt = data.draw(st.sampled_from(["", " ", "\t"])) + cased
        pattern = re.compile(g.padded(g.MISSING_TEXT))

        assert g.is_missing(spelt)
        assert pattern.fullmatch(spelt)


AS_OF = datetime(2026, 11, 30, tzinfo=UTC)
CHAMP = PRESETS["CHAMP"]
#: Ada, as a sheet writes her: strong need 30, approved budget 30, this quarter 90 % of
#: 25 (22.5, rounded half up to 23), a decision maker with no process known 15: 98.
SHEET_ROW: dict[str, Any] = {
    "Name": "Ada Lovelace",
    "Email": "ada@example.com",
    "Created At": "2026-11-02 09:00",
    "Need": "Strong",
    "Budget": "Approved",
    "Timeframe": "This Quarter",
    "Role": "Decision maker",
    "Job Title": "N/A",
}


class TestQualifyRecord:
    def test_a_sheets_row_is_one_call_from_a_decision(self) -> None:
        decision = qualify_record(SHEET_ROW, as_of=AS_OF, timezone=BERLIN)

        assert decision.verdict is Verdict.QUALIFIED
        assert decision.score == 30 + 30 + 23 + 15
        assert decision.policy == "BANT"  # the default policy
        assert decision.as_of == AS_OF

    def test_it_decides_as_qualify_does_on_the_parsed_record(self) -> None:
        parsed = parse_record(SHEET_ROW, signals=CHAMP.signals, timezone=BERLIN)

        assert qualify_record(SHEET_ROW, CHAMP, as_of=AS_OF, timezone=BERLIN) == qualify(
            parsed.contact, parsed.evidence, CHAMP, as_of=AS_OF
        )

    def test_a_policys_signals_are_read_from_their_columns(self) -> None:
        # A signal that weighs nothing still reports the bin its value falls in.
        visits = NumericSignal(name="total_visits", weight=0, edges=(5,), points=(0, 0))
        policy = attrs.evolve(BANT, name="BANT with visits", signals=(visits,))

        def code(visits: str) -> str:
            row = {**SHEET_ROW, "Total Visits": visits}
            (signal,) = qualify_record(row, policy, as_of=AS_OF, timezone=BERLIN).signals
            return signal.code

        assert (code("7"), code("2")) == ("signal.total_visits.bin_2", "signal.total_visits.bin_1")

    def test_a_naive_time_without_a_zone_is_refused_naming_the_option(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            qualify_record(SHEET_ROW, as_of=AS_OF)

        assert "timezone=" in caught.value.errors[0].reason

    def test_a_contact_created_after_as_of_is_refused(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            qualify_record(
                SHEET_ROW, as_of=datetime(2026, 11, 2, 7, 59, tzinfo=UTC), timezone=BERLIN
            )

        (error,) = caught.value.errors
        assert error.path == "$.created_at"
        assert error.reason == "is after as_of (2026-11-02T07:59:00+00:00)"

    def test_evidence_observed_after_as_of_is_refused_at_its_column(self) -> None:
        row = {**SHEET_ROW, "Budget Observed At": "2026-11-20 10:00"}
        with pytest.raises(InvalidRecordError) as caught:
            qualify_record(row, as_of=datetime(2026, 11, 20, tzinfo=UTC), timezone=BERLIN)

        (error,) = caught.value.errors
        assert error.path == "$.budget_observed_at"
        assert error.reason == "observed after as_of"
        assert error.value == "2026-11-20T10:00:00+01:00"  # as read, in the sheet's zone

    def test_created_exactly_at_as_of_is_decided(self) -> None:
        # 09:00 in Berlin in November is 08:00 UTC.
        moment = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

        assert qualify_record(SHEET_ROW, as_of=moment, timezone=BERLIN).as_of == moment

    def test_a_naive_as_of_is_refused(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            qualify_record(SHEET_ROW, as_of=datetime(2026, 11, 30), timezone=BERLIN)

    def test_it_is_exported_from_the_package(self) -> None:
        assert leadflow.qualify_record is qualify_record
        assert "qualify_record" in leadflow.__all__


@pytest.fixture
def numpy() -> Any:
    """numpy, which pandas' data frames are made of (not a dependency of leadflow)."""
    return pytest.importorskip("numpy")


class TestDataFrameValues:
    # What pandas' df.to_dict("records") gives: numpy numbers, NaN for empty cells.
    def test_numpy_numbers_read_as_numbers(self, numpy: Any) -> None:
        record = {
            **ROW,
            "created_at": "2026-01-05T09:00Z",
            "id": numpy.int64(1001),
            "organisation": "Northwind",
            "employees": numpy.int64(420),
            "budget_amount": numpy.int64(25000),
            "budget_currency": "EUR",
        }

        row = parse_record(record)

        assert row.contact.id == "1001"
        assert row.contact.organisation is not None
        assert row.contact.organisation.employees == 420
        assert row.evidence.budget.amount is not None
        assert row.evidence.budget.amount.amount == Decimal(25000)

    def test_a_whole_float64_is_a_count(self, numpy: Any) -> None:
        # A column of integers with an empty cell becomes float64 in pandas.
        record = {
            **ROW,
            "created_at": "2026-01-05T09:00Z",
            "organisation": "Northwind",
            "employees": numpy.float64(420.0),
        }

        organisation = parse_record(record).contact.organisation
        assert organisation is not None
        assert organisation.employees == 420

    @pytest.mark.parametrize("empty", ["float64", "float32"])
    def test_a_numpy_nan_is_no_value(self, numpy: Any, empty: str) -> None:
        nan = getattr(numpy, empty)("nan")
        record = {**ROW, "created_at": "2026-01-05T09:00Z", "employees": nan, "need": nan}

        row = parse_record(record)

        assert row.contact.organisation is None
        assert row.evidence.need.level is NeedLevel.UNKNOWN


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: The one message of a usage error, and its status.
USAGE = 2


def qualify_file(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str, str]:
    status = main(["qualify", str(path), "--as-of", "2026-11-30T00:00Z"])
    out, err = capsys.readouterr()
    return status, out, err


class TestAFileThatIsNotRecords:
    def test_a_toml_policy_given_as_records_says_to_pass_it_with_policy(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, err = qualify_file(capsys, EXAMPLES / "policy.toml")

        assert status == USAGE
        assert out == ""
        assert f"{EXAMPLES / 'policy.toml'}: looks like a TOML policy" in err
        assert "pass it with --policy" in err
        assert err.count("error:") == 1

    def test_toml_is_known_by_its_lines_whatever_the_name(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "rules.txt"
        data.write_text('# mine\nname = "Mine"\nthreshold = 60\n[need]\nweight = 30\n')

        status, _, err = qualify_file(capsys, data)

        assert status == USAGE
        assert "looks like a TOML policy" in err

    @pytest.mark.parametrize(
        ("name", "text", "said"),
        [
            ("list.json", '[{"name": "Ada"}]\n', "looks like a JSON array"),
            ("list.jsonl", '[\n  {"name": "Ada"}\n]\n', "looks like a JSON array"),
            ("one.jsonl", '{\n  "name": "Ada"\n}\n', "looks like a JSON document over several"),
            ("other.jsonl", '{"colour": "red"}\n', "its first object has no field leadflow"),
            ("other.csv", "colour,size\nred,9\n", "no column leadflow reads in its header"),
        ],
    )
    def test_json_that_is_no_json_lines_and_unknown_columns_stop_at_once(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str, said: str
    ) -> None:
        data = tmp_path / name
        data.write_text(text, encoding="utf-8")

        status, out, err = qualify_file(capsys, data)

        assert (status, out) == (USAGE, "")
        assert f"{data}: {said}" in err

    def test_a_binary_file_stops_at_once(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "book.csv"
        data.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00 [Content_Types].xml")

        status, _, err = qualify_file(capsys, data)

        assert status == USAGE
        assert "looks like a binary file" in err

    def test_some_unknown_columns_are_ignored_as_ever(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "sheet.csv"
        data.write_text(
            "Name,Email,Created At,Need,Owner\nAda,ada@example.com,2026-11-02T09:00Z,Strong,Me\n"
        )

        status, out, err = qualify_file(capsys, data)

        assert status == 0
        assert "ignoring unknown columns: Owner" in err
        # A sheet's own headers are the fields: none of them is unknown.
        assert "Name" not in err.split("ignoring unknown columns:")[1]
        assert '"verdict": "undetermined"' in out

    def test_two_headers_of_one_field_stop_naming_both(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "sheet.csv"
        data.write_text("Name,Email,name,Created At\nAda,ada@example.com,Ada,2026-11-02T09:00Z\n")

        status, _, err = qualify_file(capsys, data)

        assert status == USAGE
        assert "columns 'Name' and 'name' are both name" in err
