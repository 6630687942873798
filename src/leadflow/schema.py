"""JSON Schema (draft 2020-12) for leadflow's input records and policy files.

A CRM, a form or a pipeline can validate its data with these documents before it
calls leadflow. They are generated from the code they describe (the record's
fields, the level enums, the policy's attributes), so they cannot drift from it:

- :func:`record_schema` describes a flat input record (:mod:`leadflow.records`):
  every field of :data:`~leadflow.records.RECORD_FIELDS`, its type, its allowed
  values and format; ``name`` and ``created_at`` are required, and so is one of
  ``email`` and ``phone``. As in the parser, a blank string or ``null`` counts as
  missing and unknown keys are allowed. Given a policy, it also describes the
  columns of the policy's signals: ``<name>`` (a number or a category) and
  ``<name>_observed_at``.
- :func:`policy_schema` describes a policy as :mod:`leadflow.serialization` writes
  and reads it (a policy file), signals included.

Formats (``date-time``, ``date``, ``email``) are annotations that validators check
only on request, so every datetime, date, email, phone, currency and amount also
carries a ``pattern``, which every validator checks.

A schema says less than leadflow checks. It cannot say that a policy's weights
(criteria and signals) add up to 100, that points never fall as levels rise or
exceed the weight, that the threshold is reachable, that the nurture threshold and
warm score stay below the threshold and hot score, or that grade floors fall from A
to C; nor, for signals, that names are distinct, that a numeric signal's edges rise
and it has one point per bin, or that two categories are not one category written
twice (``"API"`` and ``"api"``); nor that a date exists (``2026-02-30``). Data that
passes a schema can still be refused, with every reason, by
:func:`~leadflow.records.parse_record` or :func:`~leadflow.serialization.structure`.
The other way round, a schema refuses only what leadflow refuses, except where it
asks for the canonical form of what leadflow also reads: an upper-case currency, an
amount or a bin edge as plain decimal text (not ``"1e3"``).

>>> record_schema()["required"]
['name', 'created_at']
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Final, get_args

import attrs

from leadflow.contacts import _EMAIL
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
from leadflow.signals import _NAME, CategoricalSignal, NumericSignal, Signal
from leadflow.stages import OpportunityStage

__all__ = ["DIALECT", "policy_schema", "record_schema"]

#: The JSON Schema dialect of every document here.
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

# Patterns use only syntax that ECMA-262 and Python's re read alike, and [0-9]
# rather than \d (which matches any Unicode digit in Python).
_DATETIME: Final = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3}|\.[0-9]{6})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_DATE: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_AMOUNT: Final = r"^[0-9]+(\.[0-9]+)?$"
_CURRENCY: Final = r"^[A-Z]{3}$"
# leadflow's own email pattern, plus the rules it checks in code: no leading dot, no
# two dots in a row, no dot before the "@".
_EMAIL_PATTERN: Final = rf"^(?!\.)(?!.*\.\.)(?!.*\.@)(?:{_EMAIL.pattern})$"
_PHONE_SEPARATOR: Final = r"[\s().\-/]"
_PHONE: Final = rf"^{_PHONE_SEPARATOR}*\+?(?:{_PHONE_SEPARATOR}*[0-9]){{7,15}}{_PHONE_SEPARATOR}*$"
_WHOLE: Final = r"^\s*[0-9]{1,18}\s*$"
_DURATION: Final = (
    r"^P(?!$)([0-9]+W)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+([.,][0-9]{1,6})?S)?)?$"
)
# A duration of no time at all ("P0D", "PT0S"): freshness and half-lives are positive.
_ZERO_DURATION: Final = r"^P(0+W)?(0+D)?(T(0+H)?(0+M)?(0+([.,]0{1,6})?S)?)?$"
# A decimal as a policy file writes it (a bin edge): no exponent, no blanks.
_POLICY_DECIMAL: Final = r"^[+-]?[0-9]+(\.[0-9]+)?$"
# A numeric signal's value in a record, in plain decimal notation like an amount, but
# signed, and with the surrounding blanks every record value may have.
_SIGNAL_NUMBER: Final = r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$"
# A category's key (see leadflow.signals.signal_key) must not be empty, nor a reserved code.
_CATEGORY: Final = r"[A-Za-z0-9]"
_RESERVED_CATEGORY: Final = (
    r"^[^A-Za-z0-9]*([Oo][Tt][Hh][Ee][Rr]|[Uu][Nn][Kk][Nn][Oo][Ww][Nn])[^A-Za-z0-9]*$"
)

#: What each record field holds, for people (the schema's ``description``s).
_RECORD_DESCRIPTIONS: Final = {
    "id": "The contact's id in the system of record.",
    "name": "The person's full name (or the contact point's label).",
    "email": "Email address; email or phone is required.",
    "phone": "Phone number, 7 to 15 digits with an optional leading +.",
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
        return {"enum": _values(ENUM_FIELDS[field])}
    if field in DATETIME_FIELDS:
        return {"$ref": "#/$defs/datetime"}
    if field in DATE_FIELDS:
        return {"$ref": "#/$defs/date"}
    if field in MONEY_FIELDS:
        return {"$ref": "#/$defs/amount"}
    if field in MONEY_FIELDS.values():
        return {"$ref": "#/$defs/currency"}
    special: dict[str, dict[str, Any]] = {
        "id": {"anyOf": [{"$ref": "#/$defs/text"}, {"type": "integer"}]},
        "email": {"$ref": "#/$defs/email"},
        "phone": {"$ref": "#/$defs/phone"},
        "employees": {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": _WHOLE},
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
    >>> schema["properties"]["budget"]["anyOf"][1]
    {'enum': ['unknown', 'none', 'insufficient', 'available', 'approved']}
    """
    required = ["name", "created_at"]
    properties: dict[str, Any] = {}
    for field in RECORD_FIELDS:
        value = _record_value(field)
        properties[field] = {
            "description": _RECORD_DESCRIPTIONS[field],
            **({"anyOf": [_MISSING, value]} if field not in required else value),
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
            "missing": {"anyOf": [{"type": "null"}, {"type": "string", "pattern": r"^\s*$"}]},
            "text": {"type": "string", "pattern": r"\S"},
            "email": {"type": "string", "format": "email", "pattern": _EMAIL_PATTERN},
            "phone": {"type": "string", "pattern": _PHONE},
            "datetime": {"type": "string", "format": "date-time", "pattern": _DATETIME},
            "date": {"type": "string", "format": "date", "pattern": _DATE},
            "amount": {"type": "string", "pattern": _AMOUNT},
            "currency": {"type": "string", "pattern": _CURRENCY},
            "number": {
                "anyOf": [{"type": "number"}, {"type": "string", "pattern": _SIGNAL_NUMBER}]
            },
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
        "name": {"type": "string", "pattern": r"\S"},
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
                            {"type": "integer"},
                            {"type": "string", "pattern": _POLICY_DECIMAL},
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
            {"type": "string", "pattern": _DURATION, "not": {"pattern": _ZERO_DURATION}},
            {"type": "integer", "minimum": 1},
        ]
    }


def _signal(kind: type, tag: str, **special: dict[str, Any]) -> dict[str, Any]:
    """The schema of one kind of signal in a policy file; *special* gives its own fields."""
    score = _integer(0, 100)
    common: dict[str, Any] = {
        "name": {
            "type": "string",
            "pattern": f"^{_NAME.pattern}$",
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
