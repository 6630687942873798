"""Nothing lost under faults: every public way in either builds a whole value or says why not.

For every public constructor, parser, CRM adapter reader and the command line's readers,
hostile input -- wrong types, huge and tiny numbers (``"9E+999999"``, NaN, infinities,
``-0``, ``10**400``), extreme datetimes (``datetime.max``/``min`` in several zones, years 1
and 9999), JSON-like values nested 50 to 2000 deep, long strings, control characters and
NUL, lone surrogates, odd Unicode and blank words -- must end one of two ways:

- a whole, valid value: it survives :func:`~leadflow.serialization.to_json` and
  :func:`~leadflow.serialization.from_json` unchanged (or, for the command line, an exit
  status from the documented set and no traceback);
- an exception from leadflow's own hierarchy (:class:`~leadflow.errors.LeadflowError`).

Anything else -- ``RecursionError``, ``OverflowError``, a :mod:`decimal` signal,
``TypeError``, ``KeyError`` -- fails the test.

The number of inputs is the loaded Hypothesis profile's ``max_examples`` per test case
(see tests/conftest.py); nothing here sets a count. The ``dev`` profile, loaded when none
is asked for (50 per case), runs the module in about a minute on a two-core machine. For
a long run of at least 100,000 inputs, with the ``fuzz`` profile (``max_examples=2000``)
registered in tests/conftest.py::

    HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py -q -p no:randomly

which is 2,000 inputs for each of the module's 90 generated test cases (each
parametrized case counts once): 180,000 in all, in roughly half an hour.
``HYPOTHESIS_PROFILE=ci`` (300 per case) gives 27,000.

Each input class is its own case, so a fault found later can be marked ``xfail`` (with
:func:`classes` or :func:`split`) for the one class that meets it while every other class
of the same surface is still asserted. None is marked now: every fault this suite found
is fixed, and its case asserts the fix.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import FrameType
from typing import Any, Final, get_args, get_origin
from zoneinfo import ZoneInfo

import attrs
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadflow import (
    DEFAULT_POLICY,
    AuthorityEvidence,
    BudgetEvidence,
    Calibration,
    CategoricalSignal,
    Contact,
    CriterionRule,
    Customer,
    DisqualifiedLead,
    Evidence,
    LeadflowError,
    LostOpportunity,
    Money,
    NeedEvidence,
    NeedLevel,
    NumericSignal,
    NurturedLead,
    Opportunity,
    Organisation,
    Policy,
    PromotionDecision,
    PromotionRule,
    PromotionSignals,
    QualificationDecision,
    SignalObservation,
    Stage,
    TimeframeEvidence,
    can_promote,
    parse_record,
    qualify,
    qualify_record,
    summarize,
)
from leadflow import Lead as LeadStage
from leadflow import strategies as s
from leadflow.adapters import dynamics, hubspot, odoo, records, salesforce
from leadflow.cli import EXIT_OK, EXIT_REJECTED, EXIT_STRICT, EXIT_USAGE, main
from leadflow.records import RECORD_FIELDS
from leadflow.schema import record_schema
from leadflow.serialization import from_json, structure, to_json, unstructure
from support import GOOD_CSV_ROW, SIGNAL_POLICY_DATA
from test_adapters_dynamics import GBP as DYNAMICS_MAPPING
from test_adapters_dynamics import LEAD_RECORD as DYNAMICS_LEAD
from test_adapters_hubspot import CONTACT_RECORD as HUBSPOT_CONTACT
from test_adapters_hubspot import DEAL_RECORD as HUBSPOT_DEAL
from test_adapters_hubspot import EUR as HUBSPOT_MAPPING
from test_adapters_odoo import LEAD_RECORD as ODOO_LEAD
from test_adapters_odoo import ODOO as ODOO_MAPPING
from test_adapters_salesforce import LEAD_RECORD as SALESFORCE_LEAD
from test_adapters_salesforce import USD as SALESFORCE_MAPPING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Drawing a policy, a stage or a big nested value is slow; no test should fail for it.
#: The suite's own runs, CI's included, draw the same inputs each time (derandomized), so
#: a run passes or fails by the code, never by the seed; the ``fuzz`` profile's long runs
#: explore afresh, and whatever they find becomes a case here.
FUZZ: Final = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("HYPOTHESIS_PROFILE", "").strip() != "fuzz",
)

AS_OF: Final = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
NEW_YORK: Final = ZoneInfo("America/New_York")
#: The statuses a run on a readable file may end with (a full disk, a closed pipe and
#: Ctrl-C have statuses of their own, which none of these runs can meet).
EXIT_STATUSES: Final = {EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_STRICT}

# --------------------------------------------------------------------------------------------
# Hostile input, by class
# --------------------------------------------------------------------------------------------

_ZONES: Final = (
    timezone.utc,
    NEW_YORK,
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("Pacific/Pago_Pago"),
    timezone(timedelta(hours=14)),
    timezone(timedelta(hours=-14)),
    timezone(timedelta(hours=23, minutes=59)),
    timezone(timedelta(hours=-23, minutes=-59)),
)

#: Numbers at and past every edge, of every numeric type (and as text).
huge_numbers: Final = st.one_of(
    st.sampled_from(
        [
            10**400,
            -(10**400),
            2**63,
            2**64,
            -(2**63) - 1,
            0,
            -0.0,
            float("nan"),
            float("inf"),
            float("-inf"),
            sys.float_info.max,
            sys.float_info.min,
            5e-324,
            Decimal("9E+999999"),
            Decimal("-9E+999999"),
            Decimal("1E-999999"),
            Decimal("NaN"),
            Decimal("sNaN"),
            Decimal("Infinity"),
            Decimal("-Infinity"),
            Decimal("-0"),
            Decimal("-0.00"),
            Decimal(10**400),
            Decimal("1E+18"),
            Decimal("0.000000000000000000001"),
            Fraction(1, 3),
            complex(1, 1),
            True,
        ]
    ),
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=True, allow_infinity=True),
)

#: Text that reads as a number, a date or a duration at or past an edge.
_edge_words: Final = st.sampled_from(
    [
        "9E+999999",
        "-9E+999999",
        "1e400",
        "1E-999999",
        "NaN",
        "sNaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "-0",
        "-0.0",
        "+0",
        "0x10",
        "1_000",
        "9" * 400,
        "0." + "0" * 400 + "1",
        "\u0661\u0662\u0663",  # Arabic-Indic digits
        "\uff19",  # fullwidth nine
        "\u00bd",
        "9999-12-31T23:59:59.999999-14:00",
        "9999-12-31T23:59:59.999999+00:00",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00-23:59",
        "9999-12-31",
        "0001-01-01",
        "0000-01-01",
        "10000-01-01",
        "2026-02-30",
        "2026-13-01T00:00:00Z",
        "P99999999D",
        "P99999999W",
        "PT99999999H",
        "P" + "9" * 40 + "D",
        "true",
        "[]",
        "{}",
        "null",
    ]
)

#: Words a reader might take for "nothing": blank and "empty cell" spellings.
blank_words: Final = st.sampled_from(
    [
        "",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\u00a0",
        "\u3000",
        "\u200b",
        "\ufeff",
        "NULL",
        "None",
        "N/A",
        "n/a",
        "-",
        "NaN",
        "#N/A",
        "nil",
        "undefined",
        "  \t  ",
    ]
)

_odd_characters: Final = st.one_of(
    st.characters(categories=["Cc"]),  # control characters, NUL among them
    st.characters(categories=["Cs"]),  # lone surrogates
    st.characters(categories=["Zs", "Zl", "Zp", "Cf", "Mn", "Me", "Co", "Cn"]),
    st.sampled_from(["\x00", "\u202e", "\u0301", "\ufffd", "\U0010ffff", "\u0130", "\u01c5"]),
    st.characters(),
)

#: Odd text: control characters, NUL, lone surrogates, combining marks, bidi controls.
odd_texts: Final = st.one_of(
    st.text(_odd_characters, max_size=30),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=5), _odd_characters, st.text(max_size=5)),
    st.sampled_from(["e\u0301", "\U0001f3f3\ufe0f\u200d\U0001f308", "\ufb03", "\u00df", "a\x00b"]),
)

#: Strings of 1,000 to 200,000 characters.
long_texts: Final = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(["a", "9", " ", "\x00", "\ud800", "\u00e9", '"', ",", "{", "[", "\n"]),
    st.integers(1_000, 200_000),
)

_FIXED_ZONES: Final = tuple(zone for zone in _ZONES if not isinstance(zone, ZoneInfo))
_NAMED_ZONES: Final = tuple(zone for zone in _ZONES if isinstance(zone, ZoneInfo))


def _in_zone(moment: datetime, zone: tzinfo) -> datetime:
    return moment.replace(tzinfo=zone)


#: Aware and naive datetimes at the edges of the calendar, in zones with and without DST.
extreme_datetimes: Final = st.one_of(
    st.builds(
        _in_zone,
        st.sampled_from(
            [
                datetime.max,
                datetime.min,
                datetime(9999, 12, 31),
                datetime(1, 1, 1),
                datetime(9999, 12, 31, 23, 59, 59),
                datetime(1, 1, 1, 0, 0, 1),
            ]
        ),
        st.sampled_from(_FIXED_ZONES),
    ),
    st.builds(
        _in_zone,
        st.sampled_from(
            [
                datetime.max,
                datetime(9999, 12, 31),
                datetime(2026, 3, 8, 2, 30),  # skipped in New York
                datetime(2026, 11, 1, 1, 30),  # repeated in New York
            ]
        ),
        st.sampled_from(_NAMED_ZONES),
    ),
    st.datetimes(timezones=st.sampled_from(_FIXED_ZONES)),
    st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.sampled_from(_NAMED_ZONES)),
    st.sampled_from([datetime.max, datetime.min, date.max, date.min, time.max]),
    st.sampled_from([timedelta.max, timedelta.min, timedelta(0)]),
)

#: Datetimes in a named zone before its standard time, whose offset has seconds (New York
#: before 1883 is UTC-04:56:02, local mean time).
mean_time_datetimes: Final = st.builds(
    _in_zone,
    st.datetimes(max_value=datetime(1850, 1, 1)),
    st.sampled_from(_NAMED_ZONES),
)

#: Values of a type no field takes.
wrong_types: Final = st.one_of(
    st.sampled_from(
        [
            None,
            b"\x00\xff",
            bytearray(b"x"),
            [],
            {},
            (),
            set(),
            frozenset(),
            object(),
            Ellipsis,
            type,
            len,
            NeedLevel.STRONG,
            Money(Decimal(1), "EUR"),
            range(3),
        ]
    ),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)


def nest(depth: int, kind: str, leaf: object = 0) -> Any:
    """A list or object (or both, alternating) *depth* levels deep around *leaf*."""
    value: Any = leaf
    for level in range(depth):
        as_list = kind == "list" or (kind == "mixed" and level % 2 == 1)
        value = [value] if as_list else {"a": value}
    return value


#: JSON-like values nested 50 to 2000 deep.
deep_values: Final = st.builds(
    nest,
    st.integers(50, 2000),
    st.sampled_from(["list", "dict", "mixed"]),
    st.sampled_from([0, "x", None, Decimal("9E+999999")]),
)

_json_leaves: Final = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10), blank_words
)


def _json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)


#: Small, shallow JSON-like values of any shape.
json_like: Final = st.recursive(_json_leaves, _json_containers, max_leaves=8)

#: Every class of hostile value, keyed by name (each class gets its own test).
INPUT_CLASSES: Final[dict[str, st.SearchStrategy[Any]]] = {
    "wrong_types": wrong_types,
    "huge_numbers": huge_numbers,
    "edge_words": _edge_words,
    "extreme_datetimes": extreme_datetimes,
    "mean_time_datetimes": mean_time_datetimes,
    "deep_values": deep_values,
    "long_texts": long_texts,
    "odd_texts": odd_texts,
    "blank_words": blank_words,
    "json_like": json_like,
}


#: A known fault: the input class that meets it, and what it is.
Fault = tuple[str, str]


def split(*known: Fault) -> list[Any]:
    """The input classes as pytest parameters: ``"others"`` draws from every class but
    those of *known*; each of *known* is its own parameter, marked xfail with its fault."""
    return ["others"] + [
        pytest.param(name, marks=pytest.mark.xfail(reason=fault, strict=False))
        for name, fault in known
    ]


def classes(*known: Fault) -> list[Any]:
    """Every input class as its own pytest parameter; those of *known* marked xfail."""
    faults = dict(known)
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=faults[name], strict=False))
        if name in faults
        else name
        for name in INPUT_CLASSES
    ]


def hostile(input_class: str, known: tuple[Fault, ...] = ()) -> st.SearchStrategy[Any]:
    """The values of *input_class*; for ``"others"``, of every class but those of *known*."""
    if input_class != "others":
        return INPUT_CLASSES[input_class]
    left_out = {name for name, _ in known}
    return st.one_of(*(v for k, v in INPUT_CLASSES.items() if k not in left_out))


# --------------------------------------------------------------------------------------------
# What a whole value is
# --------------------------------------------------------------------------------------------


def whole(value: object, kind: Any) -> None:
    """Assert that *value* is a *kind* that JSON text carries without loss.

    The text read back must write the same text: equality of the values themselves is
    not asked for, because Python never finds two datetimes in different zones equal
    when one of them falls in a skipped or repeated hour (PEP 495), although both name
    the same instant.
    """
    assert isinstance(value, get_args(Stage) if kind is Stage else get_origin(kind) or kind)
    text = to_json(value)
    assert to_json(from_json(text, kind)) == text
    assert unstructure(structure(unstructure(value), kind)) == unstructure(value)


@contextlib.contextmanager
def default_stack() -> Iterator[None]:
    """Run with the recursion headroom a program has by default (1000 frames).

    Hypothesis raises the recursion limit by 2000 around a test, which would hide every
    fault of a value nested 1000 to 2000 deep.
    """
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + _DEFAULT_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


_DEFAULT_LIMIT: Final = 1000


#: How the inputs ended, by outcome: "accepted", "refused: <error class>", or for the
#: command line "exit <status>". Counted per run of an input (Hypothesis runs some twice,
#: when it shrinks or replays); tests/conftest.py prints it after a run of this module.
TALLY: Final[collections.Counter[str]] = collections.Counter()


@contextlib.contextmanager
def refused_only_by_leadflow() -> Iterator[None]:
    """Let a :class:`LeadflowError` through as a refusal; anything else fails the test."""
    try:
        with default_stack():
            yield
    except LeadflowError as error:
        TALLY[f"refused: {type(error).__name__}"] += 1
    else:
        TALLY["accepted"] += 1


# --------------------------------------------------------------------------------------------
# Public constructors: one field of a valid value replaced by hostile input
# --------------------------------------------------------------------------------------------

CONSTRUCTED: Final[dict[str, tuple[type, st.SearchStrategy[Any]]]] = {
    "Contact": (Contact, s.contacts()),
    "Organisation": (Organisation, s.organisations()),
    "Money": (Money, s.money()),
    "NeedEvidence": (NeedEvidence, s.need_evidence()),
    "BudgetEvidence": (BudgetEvidence, s.budget_evidence()),
    "TimeframeEvidence": (TimeframeEvidence, s.timeframe_evidence()),
    "AuthorityEvidence": (AuthorityEvidence, s.authority_evidence()),
    "Evidence": (Evidence, s.evidence()),
    "SignalObservation": (SignalObservation, s.signal_observations("total_visits")),
    "PromotionSignals": (PromotionSignals, s.promotion_signals()),
    "CriterionRule": (CriterionRule, s.criterion_rules(NeedLevel, 30)),
    "PromotionRule": (PromotionRule, s.promotion_rules()),
    "Calibration": (
        Calibration,
        st.builds(Calibration, intercept=st.floats(-50, 50), slope=st.floats(0.001, 5)),
    ),
    "CategoricalSignal": (CategoricalSignal, s.categorical_signals(10)),
    "NumericSignal": (NumericSignal, s.numeric_signals(10)),
    "Policy": (Policy, s.policies(presets=False)),
    "Lead": (LeadStage, s.leads()),
    "NurturedLead": (NurturedLead, s.nurtured_leads()),
    "DisqualifiedLead": (DisqualifiedLead, s.disqualified_leads()),
    "Opportunity": (Opportunity, s.opportunities()),
    "Customer": (Customer, s.customers()),
    "LostOpportunity": (LostOpportunity, s.lost_opportunities()),
}


def _serial_kind(kind: type) -> Any:
    """The type a value of *kind* is read back as (a rule's level type is its field's)."""
    return CriterionRule[NeedLevel] if kind is CriterionRule else kind


def _evolved_whole(data: st.DataObject, name: str, input_class: str) -> None:
    kind, valid = CONSTRUCTED[name]
    value = data.draw(valid, label="valid")
    fields = [a for a in attrs.fields(type(value)) if a.init]
    field = data.draw(st.sampled_from(fields), label="field")
    bad = data.draw(hostile(input_class), label="bad")
    with refused_only_by_leadflow():
        changed = attrs.evolve(value, **{field.alias: bad})
        whole(changed, _serial_kind(kind))


class TestConstructors:
    """Replacing one field of a valid value runs the validators: whole, or a refusal."""

    @pytest.mark.parametrize("input_class", classes())
    @FUZZ
    @given(data=st.data())
    def test_a_hostile_field_builds_a_whole_value_or_is_refused(
        self, input_class: str, data: st.DataObject
    ) -> None:
        name = data.draw(st.sampled_from(list(CONSTRUCTED)), label="constructor")
        _evolved_whole(data, name, input_class)


# --------------------------------------------------------------------------------------------
# Parsers: records, serialized data and JSON text
# --------------------------------------------------------------------------------------------


def _qualifies_whole(read: Any) -> None:
    whole(read.contact, Contact)
    whole(read.evidence, Evidence)
    if read.signals is not None:
        whole(read.signals, PromotionSignals)
    if read.estimated_value is not None:
        whole(read.estimated_value, Money)


class TestParseRecord:
    """A flat record with hostile cells reads whole, or is refused with its fields named."""

    @pytest.mark.parametrize("input_class", classes())
    @pytest.mark.parametrize("zone", [None, NEW_YORK], ids=["offsets", "new_york"])
    @FUZZ
    @given(data=st.data())
    def test_hostile_cells_read_whole_or_are_refused(
        self, input_class: str, zone: ZoneInfo | None, data: st.DataObject
    ) -> None:
        record: dict[str, Any] = dict(GOOD_CSV_ROW)
        columns = data.draw(
            st.lists(
                st.sampled_from([*RECORD_FIELDS, "total_visits", "lead_origin"]),
                min_size=1,
                max_size=4,
                unique=True,
            ),
            label="columns",
        )
        for column in columns:
            record[column] = data.draw(hostile(input_class), label=column)
        with refused_only_by_leadflow():
            read = parse_record(record, signals=DEFAULT_POLICY.signals, timezone=zone)
            _qualifies_whole(read)

    @given(record=st.one_of(*INPUT_CLASSES.values()))
    @FUZZ
    def test_a_record_that_is_not_an_object_is_refused(self, record: Any) -> None:
        with refused_only_by_leadflow():
            _qualifies_whole(parse_record(record))

    @pytest.mark.parametrize("input_class", split())
    @FUZZ
    @given(data=st.data())
    def test_qualify_record_decides_or_refuses(self, input_class: str, data: st.DataObject) -> None:
        record: dict[str, Any] = dict(GOOD_CSV_ROW)
        column = data.draw(st.sampled_from(RECORD_FIELDS), label="column")
        record[column] = data.draw(hostile(input_class), label="value")
        with refused_only_by_leadflow():
            decision = qualify_record(record, as_of=AS_OF)
            whole(decision, type(decision))


def _leaf_paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside *data* (itself included)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaf_paths(value, (*path, index))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    there = (isinstance(data, dict) and head in data) or (
        isinstance(data, list) and isinstance(head, int) and head < len(data)
    )
    if not there:
        return data  # an earlier replacement took this branch away
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _replaced(data[head], tuple(rest), value)
    return copy


STRUCTURED: Final[dict[str, tuple[Any, st.SearchStrategy[Any]]]] = {
    "Contact": (Contact, s.contacts()),
    "Evidence": (Evidence, s.evidence()),
    "Money": (Money, s.money()),
    "PromotionSignals": (PromotionSignals, s.promotion_signals()),
    "QualificationDecision": (QualificationDecision, s.qualification_decisions()),
    "PromotionDecision": (PromotionDecision, s.promotion_decisions()),
    "Lead": (LeadStage, s.leads()),
    "NurturedLead": (NurturedLead, s.nurtured_leads()),
    "DisqualifiedLead": (DisqualifiedLead, s.disqualified_leads()),
    "Opportunity": (Opportunity, s.opportunities()),
    "Customer": (Customer, s.customers()),
    "LostOpportunity": (LostOpportunity, s.lost_opportunities()),
    "Stage": (Stage, s.stages()),
    "Policy": (Policy, s.policies()),
}


class TestStructure:
    """Serialized data with one hostile value structures whole, or is refused."""

    @pytest.mark.parametrize("input_class", classes())
    @FUZZ
    @given(data=st.data())
    def test_a_hostile_value_anywhere_structures_whole_or_is_refused(
        self, input_class: str, data: st.DataObject
    ) -> None:
        name = data.draw(st.sampled_from(sorted(STRUCTURED)), label="type")
        kind, valid = STRUCTURED[name]
        plain = unstructure(data.draw(valid, label="valid"))
        path = data.draw(st.sampled_from(list(_leaf_paths(plain))), label="path")
        bad = data.draw(hostile(input_class), label="bad")
        with refused_only_by_leadflow():
            whole(structure(_replaced(plain, path, bad), kind), kind)

    @FUZZ
    @given(data=st.data())
    def test_json_text_with_a_hostile_value_reads_whole_or_is_refused(
        self, data: st.DataObject
    ) -> None:
        name = data.draw(st.sampled_from(sorted(STRUCTURED)), label="type")
        kind, valid = STRUCTURED[name]
        plain = unstructure(data.draw(valid, label="valid"))
        path = data.draw(st.sampled_from(list(_leaf_paths(plain))), label="path")
        literal = data.draw(
            st.sampled_from(
                [
                    "9E+999999",
                    "-1e400",
                    "1" * 5000,
                    "NaN",
                    "Infinity",
                    "-0",
                    "1E-999999",
                    '"\\ud800"',
                    '"\\u0000"',
                    "[" * 3000 + "]" * 3000,
                ]
            ),
            label="literal",
        )
        text = json.dumps(_replaced(plain, path, "@@HOLE@@")).replace('"@@HOLE@@"', literal)
        with refused_only_by_leadflow():
            whole(from_json(text, kind), kind)

    @given(text=st.one_of(st.text(), long_texts, odd_texts, st.binary(max_size=50)))
    @FUZZ
    def test_any_text_reads_as_a_stage_or_is_refused(self, text: str | bytes) -> None:
        with refused_only_by_leadflow():
            whole(from_json(text, Stage), Stage)


class TestFunnel:
    """Stages read from data summarise without arithmetic faults."""

    @pytest.mark.parametrize(
        "input_class",
        split(),
    )
    @FUZZ
    @given(data=st.data())
    def test_stages_read_from_hostile_data_summarise(
        self, input_class: str, data: st.DataObject
    ) -> None:
        values = data.draw(
            st.lists(st.one_of(s.opportunities(), s.customers()), min_size=1, max_size=3),
            label="values",
        )
        plain = [unstructure(value) for value in values]
        amounts = [
            (i, p)
            for i, item in enumerate(plain)
            for p in _leaf_paths(item)
            if p and p[-1] == "amount"
        ]
        read: list[Stage] = []
        for index, item in enumerate(plain):
            for where, path in amounts:
                if where == index and data.draw(st.booleans(), label="replace"):
                    item = _replaced(item, path, data.draw(hostile(input_class)))
            with refused_only_by_leadflow():
                read.append(structure(item, Stage))
        summary = summarize(read)
        assert sum(summary.counts.values()) == len(read)


class TestQualifyAsOf:
    """Deciding at any aware moment gives a whole decision, or a refusal."""

    @pytest.mark.parametrize(
        "zone",
        [
            NEW_YORK,
            ZoneInfo("Pacific/Kiritimati"),
            timezone.utc,
            timezone(timedelta(hours=-14)),
        ],
        ids=str,
    )
    @FUZZ
    @given(
        moment=st.sampled_from(
            [datetime.max, datetime.min, datetime(9999, 12, 31), datetime(1, 1, 1, 0, 0, 1)]
        ),
        contact=s.contacts(),
        evidence=s.evidence(),
    )
    def test_an_extreme_as_of_decides_or_refuses(
        self, zone: Any, moment: datetime, contact: Contact, evidence: Evidence
    ) -> None:
        with refused_only_by_leadflow():
            decision = qualify(contact, evidence, as_of=moment.replace(tzinfo=zone))
            assert from_json(to_json(decision), type(decision)) == decision

    @FUZZ
    @given(moment=extreme_datetimes, lead=s.leads(), signals=s.promotion_signals())
    def test_an_extreme_as_of_decides_promotion_or_refuses(
        self, moment: Any, lead: LeadStage, signals: PromotionSignals
    ) -> None:
        if isinstance(moment, datetime) and moment.tzinfo is NEW_YORK:
            moment = moment.replace(tzinfo=timezone.utc)  # the known fault has its own test
        with refused_only_by_leadflow():
            decision = can_promote(lead, signals, as_of=moment)
            assert from_json(to_json(decision), type(decision)) == decision


# --------------------------------------------------------------------------------------------
# Policies from TOML and JSON text, and the schema of their records
# --------------------------------------------------------------------------------------------


def _policy_text(plain: Any, language: str) -> str:
    return tomli_w.dumps(plain) if language == "toml" else json.dumps(plain)


def _parse(text: str, language: str) -> Any:
    """Policy text as Python's TOML or JSON parser reads it, as the command line's
    --policy does before it structures the data (which the tests below assert)."""
    return tomllib.loads(text) if language == "toml" else json.loads(text)


class TestPolicyText:
    """Policy files with hostile values load whole, or are refused."""

    @pytest.mark.parametrize("language", ["toml", "json"])
    @pytest.mark.parametrize("input_class", split())
    @FUZZ
    @given(data=st.data())
    def test_a_hostile_value_in_a_policy_file_loads_whole_or_is_refused(
        self, language: str, input_class: str, data: st.DataObject
    ) -> None:
        plain = unstructure(data.draw(s.policies(), label="policy"))
        path = data.draw(st.sampled_from(list(_leaf_paths(plain))), label="path")
        changed = _replaced(plain, path, data.draw(hostile(input_class), label="bad"))
        try:
            text = _policy_text(changed, language)
        except (TypeError, ValueError, RecursionError, AttributeError):
            return  # no such file can be written: nothing for leadflow to read
        try:
            data = _parse(text, language)
        except RecursionError:
            # Too deep for Python's own parser: the command line says so (the test of
            # deeply nested policy files below); structure is asserted on what parses.
            return
        with refused_only_by_leadflow():
            policy = structure(data, Policy)
            whole(policy, Policy)
            json.dumps(record_schema(policy))

    @pytest.mark.parametrize(
        ("language", "kind"),
        [
            ("toml", "list"),
            ("toml", "dict"),
            ("toml", "written"),
            ("json", "list"),
            ("json", "dict"),
            ("json", "written"),
        ],
    )
    @FUZZ
    @given(data=st.data())
    def test_a_deeply_nested_policy_file_is_refused_by_the_command_line(
        self, language: str, kind: str, data: st.DataObject
    ) -> None:
        """A value 50 to 2000 deep in a policy file; "written" is as tomli_w or json
        writes it (TOML: ``[a.a.a]`` table headers), the others inline."""
        depth = data.draw(st.integers(50, 2000), label="depth")
        path = data.draw(st.sampled_from(list(_leaf_paths(SIGNAL_POLICY_DATA))[1:]), label="path")
        hole = _policy_text(_replaced(SIGNAL_POLICY_DATA, path, "@@HOLE@@"), language)
        if kind == "list":
            text = hole.replace('"@@HOLE@@"', "[" * depth + '"x"' + "]" * depth)
        elif kind == "dict":
            key = "a = " if language == "toml" else '"a": '
            text = hole.replace('"@@HOLE@@"', ("{" + key) * depth + '"x"' + "}" * depth)
        else:
            try:
                text = _policy_text(
                    _replaced(SIGNAL_POLICY_DATA, path, nest(depth, "dict", "x")), language
                )
            except (TypeError, ValueError, RecursionError):
                return  # too deep for the writer: no such file is written
        with tempfile.TemporaryDirectory() as folder:
            file = Path(folder) / f"policy.{language}"
            file.write_text(text, encoding="utf-8")
            status, err = run_cli(["policy", "validate", str(file)])
        assert status in EXIT_STATUSES, err
        assert "Traceback" not in err


# --------------------------------------------------------------------------------------------
# CRM adapters
# --------------------------------------------------------------------------------------------


def _flat(record: Mapping[str, Any], field: str, value: object) -> dict[str, Any]:
    return {**record, field: value}


def _properties(record: Mapping[str, Any], field: str, value: object) -> dict[str, Any]:
    return {**record, "properties": {**record["properties"], field: value}}


#: name -> (the CRM's reader, a real record, its mapping, how a field is set, its field names)
ADAPTERS: Final[dict[str, tuple[Callable[..., Any], dict[str, Any], Any, Callable[..., Any]]]] = {
    "salesforce.read_lead": (salesforce.read_lead, SALESFORCE_LEAD, SALESFORCE_MAPPING, _flat),
    "hubspot.read_lead": (hubspot.read_lead, HUBSPOT_CONTACT, HUBSPOT_MAPPING, _properties),
    "dynamics.read_lead": (dynamics.read_lead, DYNAMICS_LEAD, DYNAMICS_MAPPING, _flat),
    "odoo.read_lead": (odoo.read_lead, ODOO_LEAD, ODOO_MAPPING, _flat),
    "salesforce.read_opportunity_fields": (
        salesforce.read_opportunity_fields,
        SALESFORCE_LEAD,
        SALESFORCE_MAPPING,
        _flat,
    ),
    "hubspot.read_opportunity_fields": (
        hubspot.read_opportunity_fields,
        HUBSPOT_DEAL,
        HUBSPOT_MAPPING,
        _properties,
    ),
    "dynamics.read_opportunity_fields": (
        dynamics.read_opportunity_fields,
        DYNAMICS_LEAD,
        DYNAMICS_MAPPING,
        _flat,
    ),
    "odoo.read_opportunity_fields": (odoo.read_opportunity_fields, ODOO_LEAD, ODOO_MAPPING, _flat),
}


def _field_names(record: Mapping[str, Any], setter: Callable[..., Any]) -> list[str]:
    names = record["properties"] if setter is _properties else record
    return [*names, "Unknown__c", "x_unknown"]


def _read_whole(result: Any) -> None:
    """A CRM read result is whole: its values serialize, and its extras are plain data."""
    if hasattr(result, "contact"):
        whole(result.contact, Contact)
        whole(result.evidence, Evidence)
        qualify(result.contact, result.evidence, as_of=max(AS_OF, result.contact.created_at))
    else:
        for value in attrs.astuple(result, recurse=False):
            if isinstance(value, (Money, PromotionSignals)):
                whole(value, type(value))
    repr(result)


def _read_hostile(data: st.DataObject, reader: str, input_class: str) -> None:
    read, record, mapping, setter = ADAPTERS[reader]
    field = data.draw(st.sampled_from(_field_names(record, setter)), label="field")
    bad = data.draw(hostile(input_class), label="bad")
    with refused_only_by_leadflow():
        _read_whole(read(setter(record, field, bad), mapping=mapping))


class TestAdapters:
    """Each CRM's readers: a record with a hostile field reads whole, or is refused."""

    @pytest.mark.parametrize("input_class", classes())
    @FUZZ
    @given(data=st.data())
    def test_a_hostile_field_reads_whole_or_is_refused(
        self, input_class: str, data: st.DataObject
    ) -> None:
        _read_hostile(data, data.draw(st.sampled_from(list(ADAPTERS)), label="reader"), input_class)

    @FUZZ
    @given(
        reader=st.sampled_from(sorted(ADAPTERS)),
        record=st.one_of(*(v for k, v in INPUT_CLASSES.items() if k != "deep_values")),
    )
    def test_a_record_that_is_not_a_record_is_refused(self, reader: str, record: Any) -> None:
        read, _, mapping, _ = ADAPTERS[reader]
        with refused_only_by_leadflow():
            _read_whole(read(record, mapping=mapping))

    @pytest.mark.parametrize(
        "read",
        [
            salesforce.read_only_fields,
            hubspot.read_only_fields,
            dynamics.read_only_fields,
            odoo.read_only_fields,
            salesforce.read_lead_convert_result,
        ],
        ids=lambda read: f"{read.__module__.rsplit('.', 1)[-1]}.{read.__name__}",
    )
    @FUZZ
    @given(answer=st.one_of(json_like, wrong_types, huge_numbers, odd_texts))
    def test_metadata_readers_read_or_refuse(self, read: Callable[[Any], Any], answer: Any) -> None:
        with refused_only_by_leadflow():
            repr(read(answer))

    @FUZZ
    @given(page=st.one_of(json_like, wrong_types, huge_numbers, odd_texts))
    def test_a_page_of_records_is_walked_or_refused(self, page: Any) -> None:
        with refused_only_by_leadflow():
            list(records(page))


# --------------------------------------------------------------------------------------------
# The command line's readers
# --------------------------------------------------------------------------------------------


def run_cli(
    argv: list[str], stdin: io.TextIOBase | None = None, *, no_stdin: bool = False
) -> tuple[int, str]:
    """Run the command in-process: its exit status and what it wrote to standard error.

    *stdin* replaces standard input; *no_stdin* makes it ``None``.
    """
    err = io.StringIO()
    out = io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stderr(err))
        stack.enter_context(contextlib.redirect_stdout(out))
        if stdin is not None or no_stdin:
            stack.callback(setattr, sys, "stdin", sys.stdin)
            sys.stdin = stdin
        with default_stack():
            status = main(argv)
    TALLY[f"command line: exit {status}"] += 1
    return status, err.getvalue()


#: Stands for NUL while a CSV is written: Python 3.10's csv writer refuses to write one.
_NUL_STAND_IN: Final = "\ue000"


def _csv_text(rows: list[dict[str, str]]) -> str:
    """*rows* as CSV text, NUL characters included, on every Python version."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(GOOD_CSV_ROW))
    writer.writeheader()
    writer.writerows(
        [{k: v.replace("\x00", _NUL_STAND_IN) for k, v in row.items()} for row in rows]
    )
    return buffer.getvalue().replace(_NUL_STAND_IN, "\x00")


def _as_text(value: object) -> str:
    """*value* as a cell's text: itself if text, else what ``str`` writes for it."""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except RecursionError:  # nested too deep to write: the brackets alone
        return "[" * 1000 + "]" * 1000


def _texts(input_class: str) -> st.SearchStrategy[str]:
    return hostile(input_class).map(_as_text)


def _safe(text: str) -> str:
    """*text* as a file can hold it (a lone surrogate is written as U+FFFD)."""
    return text.encode("utf-8", "replace").decode("utf-8")


COMMANDS: Final = ("qualify", "promote")


def _decide(path: Path, command: str, extra: list[str]) -> tuple[int, str]:
    """Run *command* on *path*, decisions to a file beside it."""
    return run_cli(
        [
            command,
            str(path),
            "--as-of",
            AS_OF.isoformat(),
            "-o",
            str(path.with_name(f"out-{path.name}")),
            "--output-format",
            "jsonl",
            *extra,
        ]
    )


class TestCommandLine:
    """Files with hostile cells: every row is decided or rejected; the run never crashes."""

    @pytest.mark.parametrize("command", COMMANDS)
    @pytest.mark.parametrize("input_class", split())
    @FUZZ
    @given(data=st.data())
    def test_hostile_csv_cells_are_decided_or_rejected(
        self, command: str, input_class: str, data: st.DataObject
    ) -> None:
        rows = []
        for _ in range(data.draw(st.integers(1, 3), label="rows")):
            row = dict(GOOD_CSV_ROW)
            for column in data.draw(st.lists(st.sampled_from(list(row)), min_size=1, max_size=3)):
                row[column] = _safe(data.draw(_texts(input_class), label=column))
            rows.append(row)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "in.csv"
            path.write_text(_csv_text(rows), encoding="utf-8", newline="")
            status, err = _decide(path, command, [])
        assert status in EXIT_STATUSES, err
        assert "Traceback" not in err

    @pytest.mark.parametrize("command", COMMANDS)
    @pytest.mark.parametrize("input_class", split())
    @FUZZ
    @given(data=st.data())
    def test_hostile_json_lines_are_decided_or_rejected(
        self, command: str, input_class: str, data: st.DataObject
    ) -> None:
        lines = []
        for _ in range(data.draw(st.integers(1, 3), label="rows")):
            row: dict[str, Any] = dict(GOOD_CSV_ROW)
            for column in data.draw(st.lists(st.sampled_from(list(row)), min_size=1, max_size=3)):
                row[column] = data.draw(hostile(input_class), label=column)
            try:
                lines.append(json.dumps(row, default=str))
            except (ValueError, RecursionError):
                lines.append("{}")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "in.jsonl"
            path.write_text(_safe("\n".join(lines) + "\n"), encoding="utf-8")
            status, err = _decide(path, command, [])
        assert status in EXIT_STATUSES, err
        assert "Traceback" not in err

    @pytest.mark.parametrize(
        "shape",
        [
            "deep_json_line",
            "nul_bytes",
            "nul_in_a_quoted_cell",
            "runaway_quote",
            "binary",
            "long_line",
        ],
    )
    @FUZZ
    @given(size=st.integers(50, 3000), command=st.sampled_from(COMMANDS))
    def test_a_malformed_file_is_rejected_not_a_crash(
        self, shape: str, size: int, command: str
    ) -> None:
        header = ",".join(GOOD_CSV_ROW)
        row = ",".join(f'"{value}"' for value in GOOD_CSV_ROW.values())
        nul = "\x00"
        contents, suffix = {
            "deep_json_line": (("[" * size + "]" * size + "\n").encode(), ".jsonl"),
            "nul_bytes": (f"{header}\n{row}\x00{'x' * size}\n{row}\n".encode(), ".csv"),
            "nul_in_a_quoted_cell": (f'{header}\n"{nul * size}",x\n{row}\n'.encode(), ".csv"),
            "runaway_quote": (f'{header}\n"{"x" * size * 100}\n{row}\n'.encode(), ".csv"),
            "binary": (bytes(range(256)) * (size // 50), ".csv"),
            "long_line": (f"{header}\n{'9' * size * 100}\n".encode(), ".csv"),
        }[shape]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"in{suffix}"
            path.write_bytes(contents)
            status, err = _decide(path, command, [])
        assert status in EXIT_STATUSES, err
        assert "Traceback" not in err

    @pytest.mark.parametrize("closed", ["closed_stream", "no_stream"])
    def test_a_closed_standard_input_is_a_usage_error(self, closed: str) -> None:
        # "no_stream" is what Python makes of a closed descriptor 0 (`leadflow qualify - <&-`).
        stdin = io.StringIO()
        stdin.close()
        status, err = run_cli(
            ["qualify", "-", "--as-of", AS_OF.isoformat()],
            stdin=stdin if closed == "closed_stream" else None,
            no_stdin=closed == "no_stream",
        )
        assert status in EXIT_STATUSES, err
        assert "Traceback" not in err

    @FUZZ
    @given(text=st.one_of(st.text(), odd_texts, long_texts).map(_safe))
    def test_standard_input_is_read_as_a_file(self, text: str) -> None:
        status, err = run_cli(
            ["qualify", "-", "--as-of", AS_OF.isoformat(), "--output-format", "jsonl"],
            stdin=io.StringIO(text),
        )
        assert status in EXIT_STATUSES, err
        assert "Traceback" not in err

    @pytest.mark.parametrize("flag", ["--as-of", "--timezone", "--preset", "--format"])
    @FUZZ
    @given(value=st.one_of(_edge_words, odd_texts, blank_words, st.text()).map(_safe))
    def test_a_hostile_flag_is_a_usage_error_not_a_crash(self, flag: str, value: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "in.csv"
            path.write_text(_csv_text([dict(GOOD_CSV_ROW)]), encoding="utf-8", newline="")
            status, err = run_cli(
                [
                    "qualify",
                    str(path),
                    flag,
                    value.replace("\x00", ""),
                    "-o",
                    str(Path(folder) / "out.jsonl"),
                ]
            )
        assert status in EXIT_STATUSES, err
        assert "Traceback" not in err
