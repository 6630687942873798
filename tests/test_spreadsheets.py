"""Spreadsheets as they come: zones, headers, spellings and blanks a sheet is written with."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from leadflow import InvalidRecordError, NaiveDatetimeError, NumericSignal
from leadflow import _grammar as g
from leadflow.records import parse_record

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
