"""The columnar path decides every row as the per-record path does.

The law: over a table of records, :func:`leadflow.columnar.qualify_table` gives each
row the decision row of :func:`~leadflow.records.qualify_record` on that row (read
back from the table, so both see the same values), or, for a row the record path
refuses, null decision columns and every reason in ``error``. For a row that
parses, :func:`~leadflow.qualify` and :func:`~leadflow.qualify_many` on the parsed
contact and evidence give the same decision again: the three ask one engine.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

from leadflow import (  # noqa: E402
    BANT,
    DEFAULT_POLICY,
    Contact,
    Evidence,
    Policy,
    QualificationDecision,
    columnar,
    qualify,
    qualify_many,
)
from leadflow import strategies as ls  # noqa: E402
from leadflow.columnar import (  # noqa: E402
    as_table,
    check_table,
    explain,
    input_schema,
    output_schema,
    qualify_batches,
    qualify_table,
)
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError  # noqa: E402
from leadflow.policy import Calibration  # noqa: E402
from leadflow.records import (  # noqa: E402
    RECORD_FIELDS,
    decision_fields,
    decision_row,
    parse_record,
    qualify_record,
    signal_columns,
)
from support import SIGNAL_POLICY, expected_row, flatten, reads_back  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(ROOT))

from benchmarks import data  # noqa: E402  # needs the repository on the path

UTC = timezone.utc
CET = timezone(timedelta(hours=1))
AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

Record = dict[str, Any]


# ----------------------------------------------------------------------------------------
# The reference: the per-record path, row by row
# ----------------------------------------------------------------------------------------


def assert_rows_agree(
    table: Any, policy: Policy, as_of: datetime, zone: tzinfo | None = None
) -> list[dict[str, Any]]:
    """Every row of qualify_table(*table*) is the per-record path's; the rows are returned."""
    decided = qualify_table(table, policy, as_of=as_of, timezone=zone)
    assert decided.schema == output_schema(policy)
    got: list[dict[str, Any]] = decided.to_pylist()
    records = as_table(table).to_pylist()
    assert len(got) == len(records)
    for number, (record, row) in enumerate(zip(records, got, strict=True)):
        want = expected_row(record, policy, as_of, zone)
        if row.get("probability") is not None and want.get("probability") is not None:
            assert math.isclose(row.pop("probability"), want.pop("probability"), rel_tol=1e-12)
        assert row == want, f"row {number}: {record}"
    return got


def text_table(records: list[Record], policy: Policy) -> Any:
    """*records* as a table of text columns: the input schema's, plus any others."""
    names = [*input_schema(policy).names]
    names += sorted({key for record in records for key in record} - set(names))
    return pa.table({name: pa.array([r.get(name) for r in records], pa.string()) for name in names})


# ----------------------------------------------------------------------------------------
# Generated tables: valid records, spreadsheet spellings and bad values
# ----------------------------------------------------------------------------------------

DATETIME_FIELDS = tuple(name for name in RECORD_FIELDS if name.endswith("_at"))
LEVEL_FIELDS = ("need", "budget", "timeframe", "role", "purchase_process", "source")


def _messes(field: str, value: str) -> st.SearchStrategy[str]:
    """Ways a spreadsheet or a person writes *value* in the column *field*."""
    common = [
        st.just(""),
        st.sampled_from(["N/A", "NULL", "nan", "-", "  "]),
        st.just(f" {value} "),
        st.just(value.upper()),
        st.text(max_size=6),
    ]
    if field in DATETIME_FIELDS and len(value) > 19:
        common += [
            st.just(value[:19]),  # naive: read in the timezone, or refused without one
            st.just(value.replace("+00:00", "Z")),
            st.just(value[:10]),
        ]
    if field in LEVEL_FIELDS:
        common.append(st.just(value.replace("_", " ").title()))
    if field == "email":
        common += [st.just(value.replace("@", " at ")), st.just(value.upper())]
    if field in ("employees", "budget_amount"):
        common += [st.just("1,200"), st.just("-3"), st.just("12.5"), st.just("1e3")]
    if field == "phone":
        common += [st.just("+44 20 7946 0958"), st.just("020 7946 0958 ext. 12")]
    if field == "decision_date":
        common += [st.just("2026-02-30"), st.just("2027-01-15")]
    return st.one_of(common)


@st.composite
def policies_to_test(draw: st.DrawFn) -> Policy:
    policy = draw(st.sampled_from([DEFAULT_POLICY, SIGNAL_POLICY]) | ls.policies())
    if draw(st.booleans()):
        curve = Calibration(intercept=draw(st.floats(-6, 2)), slope=draw(st.floats(0.01, 0.3)))
        policy = attrs.evolve(policy, calibration=curve)
    return policy


@st.composite
def records_for(draw: st.DrawFn, policy: Policy, as_of: datetime, *, messy: bool) -> Record:
    contact: Contact = draw(ls.contacts(created_before=as_of))
    evidence: Evidence = draw(ls.evidence(as_of))
    observed = {
        signal.name: draw(ls.signal_observations(signal.name, as_of))
        for signal in policy.signals
        if draw(st.booleans())
    }
    evidence = Evidence(
        need=evidence.need,
        budget=evidence.budget,
        timeframe=evidence.timeframe,
        authority=evidence.authority,
        signals=observed,
    )
    record = flatten(contact, evidence, as_csv=True)
    # A name written as a spreadsheet's empty cell ("NaN") is no name, by design.
    assume(reads_back(record))
    if messy:
        for field in draw(st.lists(st.sampled_from(sorted(record)), max_size=3, unique=True)):
            record[field] = draw(_messes(field, record[field]))
    return record


@st.composite
def tables(draw: st.DrawFn, *, messy: bool) -> tuple[Any, Policy, datetime, tzinfo | None]:
    policy = draw(policies_to_test())
    as_of = draw(ls.aware_datetimes(min_value=datetime(2004, 1, 1)))
    rows = draw(st.lists(records_for(policy, as_of, messy=messy), min_size=1, max_size=8))
    # Repeated rows: the columnar path decides each distinct combination once.
    rows += draw(st.lists(st.sampled_from(rows), max_size=4))
    zone = draw(st.sampled_from([None, UTC, CET]))
    return text_table(rows, policy), policy, as_of, zone


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestTheLaw:
    @SETTINGS
    @given(tables(messy=False))
    def test_valid_records_are_decided_as_the_record_path_decides_them(
        self, case: tuple[Any, Policy, datetime, tzinfo | None]
    ) -> None:
        table, policy, as_of, zone = case
        rows = assert_rows_agree(table, policy, as_of, zone)
        assert all(row["error"] is None for row in rows)

    @SETTINGS
    @given(tables(messy=True))
    def test_spreadsheet_spellings_and_bad_values_are_read_as_the_record_path_reads_them(
        self, case: tuple[Any, Policy, datetime, tzinfo | None]
    ) -> None:
        table, policy, as_of, zone = case
        assert_rows_agree(table, policy, as_of, zone)

    @SETTINGS
    @given(tables(messy=False))
    def test_qualify_qualify_many_and_the_columnar_path_agree(
        self, case: tuple[Any, Policy, datetime, tzinfo | None]
    ) -> None:
        table, policy, as_of, zone = case
        decided = qualify_table(table, policy, as_of=as_of, timezone=zone).to_pylist()
        parsed = [
            parse_record(record, signals=policy.signals, timezone=zone)
            for record in table.to_pylist()
        ]
        pairs = [(p.contact, p.evidence) for p in parsed]
        one_by_one = [qualify(c, e, policy, as_of=as_of) for c, e in pairs]
        many = [result.decision() for result in qualify_many(pairs, policy, as_of=as_of)]
        assert many == one_by_one
        for number, (row, decision, record) in enumerate(
            zip(decided, one_by_one, parsed, strict=True)
        ):
            want = {**decision_row(decision, record_id=record.contact.id), "error": None}
            assert row == want, f"row {number}"
            assert explain(table, number, policy, as_of=as_of, timezone=zone) == decision


#: The index types of dictionaries as pandas (int8 to int64), polars (uint32) and Arrow
#: (int32) write them.
INDEX_TYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")


def as_categories(table: Any, index: str = "int32") -> Any:
    """*table* with every text column dictionary-encoded, as Parquet and pandas keep them.

    The indices are of type *index* (int32 is Arrow's own).
    """
    kind = pa.type_for_alias(index)
    for position, name in enumerate(table.column_names):
        encoded = table.column(name).combine_chunks().dictionary_encode()
        if index != "int32":
            if len(encoded.dictionary) > np.iinfo(kind.to_pandas_dtype()).max:
                continue  # more values than the type can number: left as text
            encoded = pa.DictionaryArray.from_arrays(encoded.indices.cast(kind), encoded.dictionary)
        table = table.set_column(position, name, encoded)
    return table


class TestCheckedTables:
    @SETTINGS
    @given(tables(messy=True), st.lists(ls.aware_datetimes(), min_size=1, max_size=3))
    def test_a_table_checked_once_is_decided_at_every_moment_as_the_table_itself(
        self, case: tuple[Any, Policy, datetime, tzinfo | None], moments: list[datetime]
    ) -> None:
        table, policy, as_of, zone = case
        checked = check_table(table, policy, timezone=zone)
        assert checked.num_rows == table.num_rows
        for moment in [as_of, *moments]:
            decided = qualify_table(checked, policy, as_of=moment)
            assert same(decided, qualify_table(table, policy, as_of=moment, timezone=zone))

    @SETTINGS
    @given(tables(messy=True))
    def test_dictionary_encoded_columns_are_read_as_their_text(
        self, case: tuple[Any, Policy, datetime, tzinfo | None]
    ) -> None:
        table, policy, as_of, zone = case
        encoded = as_categories(table)
        assert pa.types.is_dictionary(encoded.schema.field("email").type)
        assert_rows_agree(encoded, policy, as_of, zone)

    @pytest.mark.parametrize("index", INDEX_TYPES)
    def test_dictionaries_of_any_index_type_are_read_as_their_text(self, index: str) -> None:
        records = list(data.records(300, seed=31))
        for number in range(0, 300, 7):  # nulls among the codes
            records[number]["job_title"] = ""
            records[number]["need"] = ""
        encoded = as_categories(text_table(records, BANT), index)
        assert encoded.schema.field("need").type.index_type == pa.type_for_alias(index)
        assert_rows_agree(encoded, BANT, data.AS_OF)

    def test_a_decision_date_beside_a_named_timeframe_is_refused_as_the_record_path_does(
        self,
    ) -> None:
        records = [
            {**ADA, "decision_date": "2027-01-15"},
            {**ADA, "timeframe": "unknown", "decision_date": "2027-01-15"},
            {**ADA, "timeframe": None, "decision_date": "2027-01-15"},
        ]
        for table in (text_table(records, BANT), as_categories(text_table(records, BANT))):
            rows = assert_rows_agree(table, BANT, AS_OF)
            assert rows[0]["verdict"] is None
            assert rows[0]["error"].startswith("$.decision_date: is given with the named")
            assert [row["error"] for row in rows[1:]] == [None, None]

    def test_a_polars_frame_of_categorical_columns_is_read_as_its_text(self) -> None:
        pl = pytest.importorskip("polars")
        records = list(data.records(200, seed=32))
        table = text_table(records, BANT)
        frame = pl.from_arrow(table).with_columns(
            pl.col(name).cast(pl.Categorical) for name in ("need", "budget", "role", "name")
        )
        assert same(qualify_table(frame, as_of=data.AS_OF), qualify_table(table, as_of=data.AS_OF))

    def test_a_value_dated_after_a_later_chosen_moment_refuses_that_row_alone(self) -> None:
        seen = "2026-11-20T10:00:00+00:00"
        records = [{**ADA, "need_observed_at": seen}, {**ADA, "created_at": seen}, ADA]
        checked = check_table(text_table(records, BANT))
        before, after = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC)

        early = qualify_table(checked, as_of=before).to_pylist()
        late = qualify_table(checked, as_of=after).to_pylist()

        assert [row["verdict"] for row in early] == [None, None, "qualified"]
        assert [row["error"] for row in early[:2]] == [
            f"$.need_observed_at: observed after as_of (got '{seen}')",
            f"$.created_at: is after as_of ({before.isoformat()}) (got '{seen}')",
        ]
        assert [row["verdict"] for row in late] == ["qualified"] * 3
        assert [row["error"] for row in late] == [None] * 3

    def test_a_policy_with_other_signals_reads_the_checked_table_afresh(self) -> None:
        records = list(data.records(300, seed=21))
        table = text_table(records, SIGNAL_POLICY)
        checked = check_table(table, BANT)
        decided = qualify_table(checked, SIGNAL_POLICY, as_of=data.AS_OF)
        assert same(decided, qualify_table(table, SIGNAL_POLICY, as_of=data.AS_OF))

    def test_another_timezone_than_the_checked_one_is_refused_naming_it(self) -> None:
        checked = check_table(text_table([ADA], BANT), timezone=UTC)
        with pytest.raises(InvalidFieldError) as raised:
            qualify_table(checked, as_of=AS_OF, timezone=CET)
        assert raised.value.field == "timezone"
        assert qualify_table(checked, as_of=AS_OF, timezone=UTC).column("verdict").to_pylist() == [
            "qualified"
        ]


class TestGeneratedBatches:
    """The benchmark's generated records: the fast path decides nearly all of them."""

    def test_two_thousand_generated_records_are_decided_row_for_row(self) -> None:
        records = list(data.records(2000, seed=11))
        table = text_table(records, BANT)
        rows = assert_rows_agree(table, BANT, data.AS_OF)
        verdicts = {row["verdict"] for row in rows}
        assert verdicts >= {"qualified", "nurture", "disqualified", "undetermined"}

    def test_under_a_policy_with_decaying_signals(self) -> None:
        records = list(data.records(800, seed=5))
        visits = ["0", "3", "12", "", "7.5", "N/A", "40"]
        origins = ["API", "Landing Page Submission", "", "Unknown", "api"]
        for number, record in enumerate(records):
            record["total_visits"] = visits[number % len(visits)]
            record["lead_origin"] = origins[number % len(origins)]
            record["signals_observed_at"] = ["2026-10-01T00:00:00+00:00", "", "2026-11-20T08:00Z"][
                number % 3
            ]
        policy = SIGNAL_POLICY
        assert {s.name for s in policy.signals} >= {"total_visits", "lead_origin"}
        assert_rows_agree(text_table(records, policy), policy, data.AS_OF)

    @pytest.mark.parametrize("older", [timedelta(0), timedelta(microseconds=1)])
    def test_evidence_exactly_as_old_as_the_freshness_is_fresh(self, older: timedelta) -> None:
        assert BANT.freshness is not None
        observed = (AS_OF - BANT.freshness - older).isoformat()
        stamps = {f"{name}_observed_at": observed for name in ("need", "budget", "timeframe")}
        record = {**ADA, **stamps, "authority_observed_at": observed}
        (row,) = assert_rows_agree(text_table([record], BANT), BANT, AS_OF)
        assert (row["verdict"] == "qualified") is (older == timedelta(0))


# ----------------------------------------------------------------------------------------
# Frames, typed columns, batches
# ----------------------------------------------------------------------------------------

ADA: Record = {
    "id": "c-1",
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "created_at": "2026-11-02T09:00:00+00:00",
    "need": "strong",
    "budget": "approved",
    "timeframe": "this_quarter",
    "role": "decision_maker",
}
TURING: Record = {**ADA, "id": "c-2", "email": "not an address", "budget": None}


def same(one: Any, other: Any) -> bool:
    """Two decided tables of one schema and the same rows (dictionaries in any order)."""
    return bool(one.schema == other.schema and one.to_pylist() == other.to_pylist())


class TestFrames:
    def test_a_record_batch_reads_as_its_table(self) -> None:
        table = text_table([ADA, TURING], BANT)
        batch = table.combine_chunks().to_batches()[0]
        assert same(qualify_table(batch, as_of=AS_OF), qualify_table(table, as_of=AS_OF))

    def test_pandas_nan_and_none_are_blank_cells(self) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame([ADA, {**ADA, "id": "c-3", "budget": math.nan, "role": None}])
        rows = qualify_table(frame, as_of=AS_OF).to_pylist()
        blank = {**ADA, "id": "c-3", "budget": "", "role": ""}
        assert rows[1] == expected_row(blank, DEFAULT_POLICY, AS_OF, None)
        assert rows[1]["verdict"] == "undetermined"
        assert rows[0]["verdict"] == "qualified"

    def test_a_pandas_frame_with_numbers_reads_as_text_would(self) -> None:
        pd = pytest.importorskip("pandas")
        records = list(data.records(300, seed=2))
        frame = pd.DataFrame(records)
        frame["budget_amount"] = pd.to_numeric(frame["budget_amount"].replace("", None))
        assert frame["budget_amount"].dtype.kind == "f"  # blanks are NaN
        from_frame = qualify_table(frame, as_of=data.AS_OF)
        assert same(from_frame, qualify_table(text_table(records, BANT), as_of=data.AS_OF))

    def test_polars_frames_read_through_arrow(self) -> None:
        pl = pytest.importorskip("polars")
        records = list(data.records(300, seed=3))
        frame = pl.DataFrame(records)
        assert same(
            qualify_table(frame, as_of=data.AS_OF),
            qualify_table(text_table(records, BANT), as_of=data.AS_OF),
        )

    def test_typed_timestamp_and_date_columns(self) -> None:
        records = list(data.records(400, seed=4))
        table = text_table(records, BANT)
        typed = table
        for name in ("created_at", "need_observed_at", "budget_observed_at"):
            position = typed.schema.get_field_index(name)
            moments = [
                None if not r[name] else datetime.fromisoformat(r[name].replace("Z", "+00:00"))
                for r in records
            ]
            column = pa.array(moments, pa.timestamp("us", tz="UTC"))
            typed = typed.set_column(position, name, column)
        position = typed.schema.get_field_index("decision_date")
        days = [
            None if not r["decision_date"] else datetime.fromisoformat(r["decision_date"]).date()
            for r in records
        ]
        typed = typed.set_column(position, "decision_date", pa.array(days, pa.date32()))
        assert_rows_agree(typed, BANT, data.AS_OF)
        assert same(qualify_table(typed, as_of=data.AS_OF), qualify_table(table, as_of=data.AS_OF))

    def test_batches_are_decided_one_by_one_as_the_whole_table(self) -> None:
        records = list(data.records(900, seed=8))
        table = text_table(records, BANT).combine_chunks()
        batches = table.to_batches(max_chunksize=250)
        assert len(batches) == 4
        decided = list(qualify_batches(batches, as_of=data.AS_OF))
        assert [b.num_rows for b in decided] == [250, 250, 250, 150]
        assert same(pa.Table.from_batches(decided), qualify_table(table, as_of=data.AS_OF))

    def test_headers_are_read_as_the_record_path_reads_them(self) -> None:
        spelled = {"Name": "Ada Lovelace", "Email": "ada@example.com",
                   "Created At": "2026-11-02T09:00Z", "Need": "Strong", "Budget": "Approved",
                   "Timeframe": "This Quarter", "Role": "Decision maker"}  # fmt: skip
        table = pa.table({key: [value] for key, value in spelled.items()})
        (row,) = assert_rows_agree(table, BANT, AS_OF)
        assert (row["verdict"], row["score"]) == ("qualified", 98)


# ----------------------------------------------------------------------------------------
# Schemas and refusals
# ----------------------------------------------------------------------------------------


class TestSchemas:
    def test_the_input_schema_is_the_record_fields_then_the_signal_columns(self) -> None:
        assert input_schema().names == list(RECORD_FIELDS)
        assert input_schema(SIGNAL_POLICY).names == [
            *RECORD_FIELDS,
            *signal_columns(SIGNAL_POLICY.signals),
        ]
        assert {field.type for field in input_schema(SIGNAL_POLICY)} == {pa.string()}

    def test_the_output_schema_is_the_decision_fields_then_error(self) -> None:
        calibrated = attrs.evolve(BANT, calibration=Calibration(intercept=-3.0, slope=0.06))
        for policy, probability in ((BANT, False), (SIGNAL_POLICY, False), (calibrated, True)):
            schema = output_schema(policy)
            plain = output_schema(policy, categorical=False)
            names = decision_fields(policy.signals, probability=probability)
            assert schema.names == plain.names == [*names, "error"]
            for field, text in zip(schema, plain, strict=True):
                if field.name == "score" or field.name.endswith("_points"):
                    assert field.type == text.type == pa.int64(), field.name
                elif field.name == "probability":
                    assert field.type == text.type == pa.float64()
                elif field.name in ("id", "error"):
                    assert field.type == text.type == pa.string(), field.name
                else:
                    assert field.type == pa.dictionary(pa.int32(), pa.string()), field.name
                    assert text.type == pa.string(), field.name

    def test_text_decisions_are_categories_each_value_once_or_plain_text(self) -> None:
        records = list(data.records(500, seed=12))
        table = text_table(records, BANT)
        decided = qualify_table(table, as_of=data.AS_OF)
        plain = qualify_table(table, as_of=data.AS_OF, categorical=False)
        assert plain.schema == output_schema(categorical=False)
        assert plain.to_pylist() == decided.to_pylist()
        for name in ("verdict", "grade", "codes", "reason", "as_of"):
            dictionary = decided.column(name).combine_chunks().dictionary.to_pylist()
            assert len(dictionary) == len(set(dictionary)), name
        pytest.importorskip("pandas")
        assert str(decided.to_pandas()["verdict"].dtype) == "category"

    @given(st.lists(st.sampled_from(["a", "b", None]), max_size=5), st.data())
    def test_a_category_column_holds_each_picked_value_and_nulls_for_none(
        self, values: list[str | None], data: st.DataObject
    ) -> None:
        picks = data.draw(st.lists(st.integers(0, max(len(values) - 1, 0)), max_size=20))
        where = np.array(picks if values else [], dtype=np.intp)
        made = columnar._categories(values, where)
        assert made.type == pa.dictionary(pa.int32(), pa.string())
        assert made.to_pylist() == [values[p] for p in where]
        dictionary = made.dictionary.to_pylist()
        assert None not in dictionary
        assert len(dictionary) == len(set(dictionary))

    def test_an_empty_table_gives_an_empty_table_of_the_output_schema(self) -> None:
        empty = input_schema().empty_table()
        decided = qualify_table(empty, as_of=AS_OF)
        assert decided.num_rows == 0
        assert decided.schema == output_schema()

    def test_a_table_without_any_record_column_refuses_every_row_with_its_reasons(self) -> None:
        table = pa.table({"colour": ["red", "blue"]})
        rows = qualify_table(table, as_of=AS_OF).to_pylist()
        assert [row["verdict"] for row in rows] == [None, None]
        assert all(row["error"] and "$.name" in row["error"] for row in rows)


class TestRefusals:
    @pytest.mark.parametrize("data", [[ADA], {"name": ["Ada"]}, "table", None])
    def test_data_that_is_no_table_is_refused_naming_it(self, data: object) -> None:
        with pytest.raises(WrongTypeError) as raised:
            qualify_table(data, as_of=AS_OF)
        assert raised.value.field == "data"

    def test_a_policy_that_is_no_policy_is_refused(self) -> None:
        with pytest.raises(WrongTypeError) as raised:
            qualify_table(text_table([ADA], BANT), "BANT", as_of=AS_OF)  # type: ignore[arg-type]
        assert raised.value.field == "policy"

    @pytest.mark.parametrize("row", [-1, 2, True, "0"])
    def test_explain_refuses_a_row_that_is_not_there(self, row: object) -> None:
        with pytest.raises(InvalidFieldError) as raised:
            explain(text_table([ADA, TURING], BANT), row, as_of=AS_OF)  # type: ignore[arg-type]
        assert (raised.value.field, raised.value.value) == ("row", row)

    def test_explain_gives_the_decision_of_qualify_with_its_sentences(self) -> None:
        decision = explain(text_table([ADA, TURING], BANT), 0, as_of=AS_OF)
        assert isinstance(decision, QualificationDecision)
        assert decision == qualify_record(ADA, as_of=AS_OF)
        assert decision.explain() == qualify_record(ADA, as_of=AS_OF).explain()

    def test_explain_of_a_refused_row_raises_its_error(self) -> None:
        with pytest.raises(InvalidRecordError) as raised:
            explain(text_table([ADA, TURING], BANT), 1, as_of=AS_OF)
        assert raised.value.reasons() == ("$.email: not an email address (got 'not an address')",)
