"""JSON Schema (draft 2020-12) for leadflow's input records and policy files.

A CRM, a form or a pipeline can validate its data with these documents before it
calls leadflow. They are generated from the code they describe (the record's
fields, the level enums, the policy's attributes), so they cannot drift from it:

- :func:`record_schema` describes a flat input record (:mod:`leadflow.records`):
  every field of :data:`~leadflow.records.RECORD_FIELDS`, its type and its allowed
  values; ``name`` and ``created_at`` are required, and so is one of ``email`` and
  ``phone``. As in the parser, a blank string, ``null`` or a spreadsheet's text for
  an empty cell (``"NaN"``, ``"N/A"``, ...: :data:`leadflow._grammar.MISSING_TEXTS`)
  counts as missing, a level may be written in any case with spaces or hyphens for
  ``_`` (``"This Quarter"``), a value may be surrounded by blanks, and unknown keys
  are allowed. It describes fields under their own names: the parser also reads a
  header in another spelling (``"Budget Amount"``, see
  :func:`~leadflow.records.canonical_field`), which a schema cannot name, so
  validate such a sheet after renaming its keys. Given a policy, it also
  describes the columns of the policy's signals: ``<name>`` (a number or a category)
  and ``<name>_observed_at``.
- :func:`policy_schema` describes a policy as :mod:`leadflow.serialization` writes
  and reads it (a policy file), signals included.

Every datetime, date, duration, number, amount, head count, currency, level, email
address and phone number is described by a ``pattern`` taken from leadflow's one
grammar of values, the very pattern its reader decides by; the patterns use only the
syntax ECMA-262 and Python read alike. So, field by field, a schema accepts a value
exactly when leadflow does (the test suite checks it on generated and near-miss
values) -- that a date exists (no ``2026-02-30``), that a time has an offset, that a
decimal has no exponent and at most 18 digits before its point. There are no
``format`` annotations: a value may have blanks around it, which no format allows.

A schema still says less than leadflow checks across fields. It cannot say that a
policy's weights (criteria and signals) add up to 100, that points never fall as
levels rise or exceed the weight, that the threshold is reachable, that the nurture
threshold and warm score stay below the threshold and hot score, or that grade floors
fall from A to C; nor, for signals, that names are distinct, that a numeric signal's
edges rise and it has one point per bin, or that two categories are not one category
written twice (``"API"`` and ``"api"``). Nor can a schema count the digits of a JSON
number: one written with more than 400 digits after its point passes the schema and is
refused by leadflow (no program writes such a number). Data that passes a schema can
still be refused, with every reason, by :func:`~leadflow.records.parse_record` or
:func:`~leadflow.serialization.structure`; data a schema refuses, leadflow refuses.

>>> record_schema()["required"]
['name', 'created_at']
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Final, get_args

import attrs

from leadflow import _grammar as g
from leadflow.evidence import LEVELS, Criterion
from leadflow.policy import Policy, PromotionRule
from leadflow.records import (
    DATE_FIELDS,
    DATETIME_FIELDS,
    ENUM_FIELDS,
    MONEY_FIELDS,
    ORGANISATION_FIELDS,
    RECORD_FIELDS,
    signal_columns,
)
from leadflow.signals import CategoricalSignal, NumericSignal, Signal
from leadflow.stages import OpportunityStage

__all__ = ["DIALECT", "policy_schema", "record_schema"]

#: The JSON Schema dialect of every document here.
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

# Every pattern comes from the grammar (leadflow._grammar), in the syntax ECMA-262 and
# Python's re read alike, and is the very pattern its reader decides by. A record's
# values may be surrounded by blanks, as the parser reads them: hence padded().
_TEXT: Final = {"type": "string", "pattern": g.NOT_BLANK}
# A category's key (see leadflow.signals.signal_key) must not be empty, nor a reserved code.
_CATEGORY: Final = r"[A-Za-z0-9]"
_RESERVED_CATEGORY: Final = (
    r"^[^A-Za-z0-9]*([Oo][Tt][Hh][Ee][Rr]|[Uu][Nn][Kk][Nn][Oo][Ww][Nn])[^A-Za-z0-9]*$"
)


def _string(core: str) -> dict[str, Any]:
    """A string holding a value of the grammar's *core*, perhaps with blanks around it."""
    return {"type": "string", "pattern": g.padded(core)}


def _number(low: int | None, limit: int) -> dict[str, Any]:
    """A JSON number from *low* (or above ``-limit``) to below *limit*."""
    bounds = {"exclusiveMinimum": -limit} if low is None else {"minimum": low}
    return {"type": "number", **bounds, "exclusiveMaximum": limit}


def _choice(enum: type[Enum]) -> dict[str, Any]:
    """One of *enum*'s values: listed, and as a pattern that allows blanks around them."""
    return {"anyOf": [{"enum": _values(enum)}, _string(g.choices(enum).pattern)]}


#: What each record field holds, for people (the schema's ``description``s).
_RECORD_DESCRIPTIONS: Final = {
    "id": "The contact's id in the system of record.",
    "name": "The person's full name (or the contact point's label).",
    "email": "Email address; email or phone is required.",
    "phone": "Phone number, 7 to 15 digits with an optional leading + and extension.",
    "organisation": "Name of the buying organisation.",
    "industry": "The organisation's industry (needs organisation).",
    "employees": "The organisation's head count (needs organisation).",
    "website": "The organisation's web address (needs organisation).",
    "job_title": "The person's job title.",
    "role": "The person's part in the purchase decision.",
    "source": "Where the contact came from.",
    "created_at": "When the contact was recorded (ISO 8601 with offset).",
    "need": "How much the party needs what is sold.",
    "need_observed_at": "When the need was observed.",
    "need_note": "Seller's note on the need.",
    "budget": "Budget status.",
    "budget_amount": "The budget, a decimal string (needs budget_currency).",
    "budget_currency": "ISO 4217 code of budget_amount.",
    "budget_observed_at": "When the budget was observed.",
    "budget_note": "Seller's note on the budget.",
    "timeframe": "When the party is in the market to buy.",
    "decision_date": "Expected decision date; overrides timeframe.",
    "timeframe_observed_at": "When the timeframe was observed.",
    "timeframe_note": "Seller's note on the timeframe.",
    "purchase_process": "How the buying party decides.",
    "authority_observed_at": "When the purchase process was observed.",
    "authority_note": "Seller's note on decision authority.",
    "relationship": "Promotion signal: the relationship with the lead.",
    "requirements": "Promotion signal: its specific needs identified.",
    "terms": "Promotion signal: progress on terms and contracts.",
    "supplier": "Promotion signal: status with its current supplier.",
    "signals_observed_at": "When the promotion signals were reviewed.",
    "estimated_value": "What a sale would be worth (needs estimated_currency).",
    "estimated_currency": "ISO 4217 code of estimated_value.",
    "expected_close": "When a sale is expected to close (ISO date).",
}

_MISSING: Final = {"$ref": "#/$defs/missing"}


def _values(enum: type[Enum]) -> list[Any]:
    return [member.value for member in enum]


def _given(field: str) -> dict[str, Any]:
    """Matches a record in which *field* is present and not blank."""
    return {"required": [field], "properties": {field: {"not": _MISSING}}}


def _record_value(field: str) -> dict[str, Any]:
    """The schema of a present, non-blank value of *field*."""
    if field in ENUM_FIELDS:
        return _choice(ENUM_FIELDS[field])
    if field in DATETIME_FIELDS:
        return {"$ref": "#/$defs/datetime"}
    if field in DATE_FIELDS:
        return {"$ref": "#/$defs/date"}
    if field in MONEY_FIELDS:
        return {"$ref": "#/$defs/amount"}
    if field in MONEY_FIELDS.values():
        return {"$ref": "#/$defs/currency"}
    special: dict[str, dict[str, Any]] = {
        "id": {
            "anyOf": [
                {"$ref": "#/$defs/text"},
                {
                    "type": "integer",
                    "exclusiveMinimum": -g.DECIMAL_LIMIT,
                    "exclusiveMaximum": g.DECIMAL_LIMIT,
                },
            ]
        },
        "email": {"$ref": "#/$defs/email"},
        "phone": {"$ref": "#/$defs/phone"},
        "employees": {
            "anyOf": [
                {"type": "integer", "minimum": 0, "exclusiveMaximum": g.COUNT_LIMIT},
                _string(g.COUNT),
            ]
        },
    }
    return special.get(field, {"$ref": "#/$defs/text"})


def _signal_description(signal: Signal) -> str:
    if isinstance(signal, NumericSignal):
        what = "Numeric signal: a number (plain decimal text or a JSON number)."
    else:
        what = "Categorical signal: a category (text)."
    return f"{signal.description} ({what})" if signal.description else what


def record_schema(policy: Policy | None = None) -> dict[str, Any]:
    """The JSON Schema of a flat input record (see :mod:`leadflow.records`).

    Args:
        policy: With a policy, the record may also hold the values of the policy's
            signals, each in the column named as the signal: a number for a
            numeric signal (plain decimal text, or a JSON number), non-blank text for
            a categorical one, blank or ``null`` when not known. Beside it, an
            optional ``<name>_observed_at`` datetime dates the value for decay; a
            time without a value is refused.

    Returns a new document on every call, free to change.

    Raises:
        InvalidPolicyError: a signal's column is a record field (a signal called
            ``source``) or a column of another signal; records cannot hold it (see
            :func:`~leadflow.records.signal_columns`).

    >>> schema = record_schema()
    >>> schema["properties"]["budget"]["anyOf"][1]["anyOf"][0]
    {'enum': ['unknown', 'none', 'insufficient', 'available', 'approved']}
    """
    required = ["name", "created_at"]
    properties: dict[str, Any] = {}
    for field in RECORD_FIELDS:
        value = _record_value(field)
        properties[field] = {
            "description": _RECORD_DESCRIPTIONS[field],
            # A required field must not be missing in any spelling ("N/A" is no name).
            **(
                {"anyOf": [_MISSING, value]}
                if field not in required
                else {"allOf": [{"not": _MISSING}, value]}
            ),
        }
    rules: list[dict[str, Any]] = [
        {"if": {"anyOf": [_given(f) for f in ORGANISATION_FIELDS]}, "then": _given("organisation")}
    ]
    for amount, currency in MONEY_FIELDS.items():
        rules.append({"if": _given(amount), "then": _given(currency)})
        rules.append({"if": _given(currency), "then": _given(amount)})
    signals = policy.signals if policy is not None else ()
    columns = signal_columns(signals)  # two per signal: its value, then its time
    for signal, column, dated in zip(signals, columns[::2], columns[1::2], strict=True):
        numeric = isinstance(signal, NumericSignal)
        value = {"$ref": "#/$defs/number" if numeric else "#/$defs/text"}
        properties[column] = {
            "description": _signal_description(signal),
            "anyOf": [_MISSING, value],
        }
        properties[dated] = {
            "description": f"When {column} was observed (dates it for decay).",
            "anyOf": [_MISSING, {"$ref": "#/$defs/datetime"}],
        }
        rules.append({"if": _given(dated), "then": _given(column)})
    return {
        "$schema": DIALECT,
        "title": "leadflow record" if policy is None else f"leadflow record for {policy.name}",
        "description": (
            "One contact with its evidence"
            + (
                " and optional promotion signals"
                if policy is None
                else ", optional promotion signals and the values of the policy's signals"
            )
            + ", as one CSV row or JSON object. A blank string or null counts as missing; "
            "other keys are ignored."
        ),
        "type": "object",
        "properties": properties,
        "required": required,
        "anyOf": [
            {"required": ["email"], "properties": {"email": {"$ref": "#/$defs/email"}}},
            {"required": ["phone"], "properties": {"phone": {"$ref": "#/$defs/phone"}}},
        ],
        "allOf": rules,
        "$defs": {
            "missing": {
                "anyOf": [
                    {"type": "null"},
                    {"type": "string", "pattern": f"^{g.BLANK}*$"},
                    _string(g.MISSING_TEXT),
                ]
            },
            "text": _TEXT,
            "email": _string(g.EMAIL),
            "phone": _string(g.PHONE),
            "datetime": _string(g.DATETIME),
            "date": _string(g.DATE),
            "amount": {"anyOf": [_string(g.AMOUNT), _number(0, g.DECIMAL_LIMIT)]},
            "currency": _string(g.CURRENCY),
            "number": {"anyOf": [_string(g.DECIMAL), _number(None, g.DECIMAL_LIMIT)]},
        },
    }


def _integer(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


def _rule(level: type[Enum]) -> dict[str, Any]:
    values = _values(level)
    return {
        "type": "object",
        "properties": {
            "weight": _integer(0, 100),
            "required": {"type": "boolean"},
            "minimum": {"enum": values},
            "points": {
                "type": "object",
                "properties": {value: _integer(0, 100) for value in values},
                "required": values,
                "additionalProperties": False,
            },
        },
        "required": ["weight", "required", "minimum", "points"],
        "additionalProperties": False,
    }


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of a policy file, as :mod:`leadflow.serialization` writes it.

    Fields with a default may be left out. Returns a new document on every call.

    >>> sorted(policy_schema()["required"])
    ['authority', 'budget', 'name', 'need', 'timeframe']
    """
    stages = _values(OpportunityStage)
    score = _integer(0, 100)
    properties: dict[str, Any] = {
        "name": _TEXT,
        **{criterion.value: {"$ref": f"#/$defs/{criterion.value}_rule"} for criterion in Criterion},
        "order": {
            "type": "array",
            "items": {"enum": _values(Criterion)},
            "minItems": len(Criterion),
            "maxItems": len(Criterion),
            "uniqueItems": True,
        },
        "threshold": score,
        "nurture_threshold": score,
        "grade_floors": {"type": "array", "items": score, "minItems": 3, "maxItems": 3},
        "hot_score": score,
        "warm_score": score,
        "horizon_days": _integer(1, 3660),
        "freshness": _duration(),
        "stage_probabilities": {
            "type": "object",
            "properties": dict.fromkeys(stages, score),
            "required": stages,
            "additionalProperties": False,
        },
        "promotion": {
            "type": "object",
            "properties": {
                field.name: {"anyOf": [{"type": "null"}, {"enum": _values(_level_of(field))}]}
                for field in attrs.fields(attrs.resolve_types(PromotionRule))
            },
            "additionalProperties": False,
        },
        "calibration": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {
                        "intercept": {"type": "number"},
                        "slope": {"type": "number", "exclusiveMinimum": 0},
                    },
                    "required": ["intercept", "slope"],
                    "additionalProperties": False,
                },
            ]
        },
        "signals": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"kind": {"enum": ["categorical", "numeric"]}},
                "required": ["kind"],
                "allOf": [
                    {
                        "if": {"properties": {"kind": {"const": kind}}},
                        "then": {"$ref": f"#/$defs/{kind}_signal"},
                    }
                    for kind in ("categorical", "numeric")
                ],
            },
        },
    }
    required = [
        field.name
        for field in attrs.fields(Policy)
        if field.init and field.default is attrs.NOTHING
    ]
    return {
        "$schema": DIALECT,
        "title": "leadflow policy",
        "description": (
            "A qualification and promotion policy. The library also checks what a schema "
            "cannot: weights add up to 100, points never fall and never exceed the weight, "
            "the threshold is reachable, bands and floors are in order."
        ),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "$defs": {
            **{f"{criterion.value}_rule": _rule(level) for criterion, level in LEVELS.items()},
            "categorical_signal": _signal(
                CategoricalSignal,
                "categorical",
                points={
                    "type": "object",
                    "propertyNames": {"pattern": _CATEGORY, "not": {"pattern": _RESERVED_CATEGORY}},
                    "additionalProperties": score,
                },
            ),
            "numeric_signal": _signal(
                NumericSignal,
                "numeric",
                edges={
                    "type": "array",
                    "items": {
                        "anyOf": [
                            {
                                "type": "integer",
                                "exclusiveMinimum": -g.DECIMAL_LIMIT,
                                "exclusiveMaximum": g.DECIMAL_LIMIT,
                            },
                            _string(g.DECIMAL),
                        ]
                    },
                    "minItems": 1,
                },
                points={"type": "array", "items": score, "minItems": 2},
            ),
        },
    }


def _duration() -> dict[str, Any]:
    """A duration as a policy file gives it: ISO 8601, seconds, or null for none."""
    return {
        "anyOf": [
            {"type": "null"},
            {**_string(g.DURATION), "not": {"pattern": g.NONPOSITIVE_DURATION}},
            {"type": "integer", "minimum": 1, "maximum": g.MAX_SECONDS},
        ]
    }


def _signal(kind: type, tag: str, **special: dict[str, Any]) -> dict[str, Any]:
    """The schema of one kind of signal in a policy file; *special* gives its own fields."""
    score = _integer(0, 100)
    common: dict[str, Any] = {
        "name": {
            "type": "string",
            "pattern": g.whole(g.SIGNAL_NAME),
            "not": {"enum": _values(Criterion)},
        },
        "weight": score,
        "default": score,
        "unknown": score,
        "half_life": _duration(),
        "description": {"anyOf": [{"type": "null"}, {"type": "string"}]},
    }
    fields = attrs.fields_dict(kind)
    properties = {
        "kind": {"const": tag},
        **{name: {**common, **special}[name] for name in fields if fields[name].init},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [
            "kind",
            *(name for name, a in fields.items() if a.init and a.default is attrs.NOTHING),
        ],
        "additionalProperties": False,
    }


def _level_of(field: attrs.Attribute[Any]) -> type[Enum]:
    """The level enum of a :class:`PromotionRule` field typed ``SomeLevel | None``."""
    level: type[Enum] = next(t for t in get_args(field.type) if t is not type(None))
    return level
