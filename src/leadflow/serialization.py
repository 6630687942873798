"""Lossless, JSON-ready (un)structuring of every public leadflow value, built on cattrs.

:data:`converter` is a :class:`cattrs.Converter` that knows every public value:
contacts, evidence, money, policies and their signals, decisions, events, every
funnel stage and funnel summaries. :func:`unstructure` turns a value into plain data that
:func:`json.dumps` accepts as it is (only ``dict``, ``list``, ``str``, ``int``,
``bool`` and ``None``); :func:`structure` turns such data back into the value,
validated exactly as the value's constructor validates it.

The wire format (every datetime, date, duration, decimal and currency is read by
leadflow's one grammar of values, as records are; docs/serialization.md gives its
rules):

- datetimes are ISO 8601 text with their UTC offset (``"2026-05-04T09:30:00+02:00"``);
  the offset is kept, a zone name (``Europe/Paris``) is not;
- dates are ISO 8601 text (``"2026-05-04"``);
- durations (:class:`~datetime.timedelta`) are ISO 8601 durations in weeks, days,
  hours, minutes and seconds (``"P180D"``, ``"PT36H"``, ``"P1DT0.5S"``), each count of
  at most 8 digits; a whole number of seconds is accepted on the way in. Years and
  months are refused: they have no fixed length;
- money is ``{"amount": "12.50", "currency": "EUR"}``, the amount a decimal string,
  never a float; any :class:`~decimal.Decimal` is a decimal string, in plain notation
  (no exponent), below 10**18 in size: nothing read can overflow a sum;
- enums are their values (``"decision_maker"``), tuples are lists, mappings keyed by
  an enum are objects keyed by the enum's value (a policy's ``points`` and
  ``stage_probabilities``);
- every event carries its class name in ``"type"`` (``"type": "LeadQualified"``) and
  every stage from lead on carries its stage in ``"stage"`` (``"stage": "lead"``), so a
  history or a file of mixed stages reads back into the right classes. A
  :class:`~leadflow.Contact` carries no tag; structured as a
  :data:`~leadflow.Stage`, data without ``"stage"`` (or with ``"stage": "contact"``)
  is a contact;
- every signal a policy declares carries its kind in ``"kind"`` (``"categorical"`` or
  ``"numeric"``), which structuring a :data:`~leadflow.Signal` needs; a categorical
  signal's ``points`` is an object keyed by category, in the policy's order; a numeric
  signal's ``edges`` are decimal strings (integers are also read);
- a signal value is an object that names its kind, ``{"category": "API"}`` or
  ``{"number": "12.5"}`` (a decimal string, as every decimal). An observation adds
  ``"observed_at"``, and evidence holds its signals in an object keyed by name:
  ``"signals": {"total_visits": {"number": "7", "observed_at": null}}``. Written by
  hand, a value may also be bare: a JSON string is a category, a JSON number a number
  (a float only through :func:`from_json`, which reads it exactly), ``null`` no value.
  A number is never guessed from text: ``"7"`` is the category ``"7"``;
- a :class:`~leadflow.CriterionResult`'s ``level`` and ``minimum`` are read with the
  level enum of its ``name`` (``"budget"`` -> :class:`~leadflow.BudgetLevel`), and a
  :class:`~leadflow.CriterionRule`'s with the level enum of the policy field it sits
  in (or, alone, the one enum whose levels its ``points`` list);
- fields computed by a value for itself (a policy's compiled tables) are never
  written.

Structuring is strict: no silent conversion of ``5`` into ``"5"``, no float with a
fraction where money or a decimal is expected (a whole number, ``3.0``, is read as
JSON Schema reads it), no float where an integer is expected, no unknown keys. Bad data raises one
:class:`~leadflow.errors.InvalidRecordError` that lists every bad field with its
JSON path (``$.contact.email: not an email address``); nothing half-built escapes.

>>> from decimal import Decimal
>>> from leadflow import Money
>>> unstructure(Money(Decimal("12.50"), "EUR"))
{'amount': '12.50', 'currency': 'EUR'}
>>> structure({"amount": "12.50", "currency": "eur"}, Money)
Money(amount=Decimal('12.50'), currency='EUR')
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Final, TypeVar, get_args, get_origin, overload

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ForbiddenExtraKeysError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from leadflow import _grammar as g
from leadflow._grammar import format_duration, parse_duration
from leadflow.contacts import Contact
from leadflow.errors import InvalidFieldError, InvalidRecordError, LeadflowError, WrongTypeError
from leadflow.events import EVENT_TYPES, Event
from leadflow.evidence import (
    LEVELS,
    Evidence,
    OrderedLevel,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
)
from leadflow.explanation import CriterionResult
from leadflow.lifecycle import (
    Customer,
    DisqualifiedLead,
    Lead,
    LostOpportunity,
    NurturedLead,
    Opportunity,
    Stage,
)
from leadflow.policy import CriterionRule, Policy
from leadflow.signals import (
    CategoricalSignal,
    NumericSignal,
    Signal,
    SignalObservation,
    SignalResult,
)
from leadflow.stages import OpportunityStage

__all__ = [
    "converter",
    "format_duration",
    "from_json",
    "parse_duration",
    "structure",
    "to_json",
    "unstructure",
]

T = TypeVar("T")

#: The configured converter. Use it to embed leadflow values in your own attrs or
#: dataclass types; prefer :func:`structure` at the edge, which turns cattrs' errors
#: into one :class:`~leadflow.errors.InvalidRecordError`.
converter: Final = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)

# ----------------------------------------------------------------------------------------
# Errors: every failure inside a hook becomes an InvalidFieldError at a JSON path.
# ----------------------------------------------------------------------------------------


class _RejectedFieldError(Exception):
    """A leadflow validator rejected one attribute; the error's field starts with it."""

    def __init__(self, suffix: str, error: InvalidFieldError) -> None:
        super().__init__(str(error))
        self.suffix = suffix
        self.error = error


class _ItemsError(Exception):
    """Errors found inside a list or an object, each under its index or key.

    The key ``None`` stands for the list or object itself (a rule about its keys).
    """

    def __init__(self, errors: Sequence[tuple[int | str | None, Exception]]) -> None:
        super().__init__(f"{len(errors)} bad items")
        self.errors = errors


_MISSING: Final = object()
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _join(field: str, key: int | str) -> str:
    """Append an index or a key to a dotted field name (``""`` is the root)."""
    if isinstance(key, int):
        return f"{field}[{key}]"
    if _IDENTIFIER.fullmatch(key):
        return f"{field}.{key}" if field else key
    return f"{field}[{key!r}]"


def _relative(field: str, inner: str) -> str:
    """*inner* (an error's field, relative to the value at *field*) made absolute."""
    if not inner:
        return field
    if inner.startswith("["):
        return field + inner
    return f"{field}.{inner}" if field else inner


def _child(data: object, key: int | str) -> object:
    if isinstance(key, str) and isinstance(data, Mapping):
        return data.get(key, _MISSING)
    if isinstance(key, int) and isinstance(data, (list, tuple)) and 0 <= key < len(data):
        return data[key]
    return _MISSING


def _collect(error: BaseException, field: str, data: object) -> list[InvalidFieldError]:
    """Every bad field inside *error*, raised while structuring *data* at *field*."""
    if isinstance(error, BaseValidationError):
        found: list[InvalidFieldError] = []
        for inner in error.exceptions:
            key: int | str | None = None
            for note in getattr(inner, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    key = note.name
                elif isinstance(note, IterableValidationNote):
                    key = note.index
            if key is None:  # the class itself refused the structured fields
                found += _collect(inner, field, data)
            else:
                found += _collect(inner, _join(field, key), _child(data, key))
        return found
    if isinstance(error, _ItemsError):
        return [
            bad
            for key, inner in error.errors
            for bad in (
                _collect(inner, field, data)
                if key is None
                else _collect(inner, _join(field, key), _child(data, key))
            )
        ]
    if isinstance(error, _RejectedFieldError):
        return [error.error.at(field + error.suffix)]
    if isinstance(error, InvalidFieldError):
        return [error.at(_relative(field, error.field))]
    if isinstance(error, ForbiddenExtraKeysError):
        return [
            InvalidFieldError(_join(field, key), _child(data, key), "unknown field")
            for key in sorted(error.extra_fields, key=str)
        ]
    if isinstance(error, KeyError) and data is _MISSING:
        return [InvalidFieldError(field, None, "is required")]
    if isinstance(error, StructureHandlerNotFoundError):
        raise error  # asked for a type no hook knows: a programming error, not bad data
    reason = str(error) if isinstance(error, LeadflowError) else f"cannot be read: {error}"
    return [InvalidFieldError(field, None if data is _MISSING else data, reason)]


# ----------------------------------------------------------------------------------------
# Scalars
# ----------------------------------------------------------------------------------------


def _structure_str(value: object, _: object) -> str:
    if isinstance(value, str):
        return value
    raise WrongTypeError("", value, f"expected a string, not {g.kind(value)}")


def _structure_int(value: object, _: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise WrongTypeError("", value, f"expected an integer, not {g.kind(value)}")


def _structure_float(value: object, _: object) -> float:
    # A probability or a calibration: a JSON number (from_json reads one with a fraction
    # as an exact Decimal), never text.
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    raise WrongTypeError("", value, f"expected a number, not {g.kind(value)}")


def _structure_bool(value: object, _: object) -> bool:
    if isinstance(value, bool):
        return value
    raise WrongTypeError("", value, f"expected a boolean, not {g.kind(value)}")


def _structure_decimal(value: object, _: object) -> Decimal:
    return g.read_decimal("", value)


def _structure_datetime(value: object, _: object) -> datetime:
    return g.read_datetime("", value)


def _structure_date(value: object, _: object) -> date:
    return g.read_date("", value)


def _structure_timedelta(value: object, _: object) -> timedelta:
    return parse_duration(value)


E = TypeVar("E", bound=Enum)


def _enum_hook(enum: type[E]) -> Callable[[object, object], E]:
    members = {member.value: member for member in enum}
    allowed = ", ".join(repr(value) for value in members)

    def structure_enum(value: object, _: object) -> E:
        if isinstance(value, enum):
            return value
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            member = members.get(value)
            if member is not None:
                return member
        raise InvalidFieldError("", value, f"expected one of {allowed}")

    return structure_enum


_ENUM_HOOKS: dict[type[Enum], Callable[[object, object], Any]] = {}


def _structure_enum(value: object, kind: type[Enum]) -> Any:
    hook = _ENUM_HOOKS.get(kind)
    if hook is None:
        hook = _ENUM_HOOKS[kind] = _enum_hook(kind)
    return hook(value, kind)


# ----------------------------------------------------------------------------------------
# Collections: strict (a string is not a list), every bad item reported
# ----------------------------------------------------------------------------------------


def _is_tuple(kind: Any) -> bool:
    return kind is tuple or get_origin(kind) is tuple


def _tuple_hook(kind: Any, conv: cattrs.Converter) -> Callable[[object, object], tuple[Any, ...]]:
    args = get_args(kind)
    homogeneous = not args or (len(args) == 2 and args[1] is Ellipsis)
    item_types: tuple[Any, ...] = args if not homogeneous else ()
    item_type: Any = args[0] if args else Any

    def structure_tuple(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise WrongTypeError("", value, f"expected an array, not {g.kind(value)}")
        if not homogeneous and len(value) != len(args):
            raise InvalidFieldError("", value, f"expected {len(args)} items, not {len(value)}")
        items: list[Any] = []
        errors: list[tuple[int | str, Exception]] = []
        for index, item in enumerate(value):
            try:
                items.append(conv.structure(item, item_types[index] if item_types else item_type))
            except Exception as error:  # collected, reported by _collect
                errors.append((index, error))
        if errors:
            raise _ItemsError(errors)
        return tuple(items)

    return structure_tuple


def _is_mapping(kind: Any) -> bool:
    return get_origin(kind) in (dict, Mapping) or kind in (dict, Mapping)


def _mapping_hook(kind: Any, conv: cattrs.Converter) -> Callable[[object, object], dict[Any, Any]]:
    key_type, value_type = get_args(kind) or (Any, Any)

    def structure_mapping(value: object, _: object) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise WrongTypeError("", value, f"expected an object, not {g.kind(value)}")
        result: dict[Any, Any] = {}
        errors: list[tuple[int | str, Exception]] = []
        for key, item in value.items():
            try:
                result[conv.structure(key, key_type)] = conv.structure(item, value_type)
            except Exception as error:  # collected, reported by _collect
                errors.append((str(key), error))
        if errors:
            raise _ItemsError(errors)
        return result

    return structure_mapping


def _unstructure_items(conv: cattrs.Converter) -> Callable[[tuple[Any, ...]], list[Any]]:
    def unstructure_tuple(value: tuple[Any, ...]) -> list[Any]:
        return [conv.unstructure(item) for item in value]

    return unstructure_tuple


def _unstructure_mapping(conv: cattrs.Converter) -> Callable[[Mapping[Any, Any]], dict[Any, Any]]:
    def unstructure_mapping(value: Mapping[Any, Any]) -> dict[Any, Any]:
        return {conv.unstructure(key): conv.unstructure(item) for key, item in value.items()}

    return unstructure_mapping


# ----------------------------------------------------------------------------------------
# attrs classes: each field validated on its own, so every bad field is reported
# ----------------------------------------------------------------------------------------

#: The tag each event, stage and signal is written with: (key, value).
_TAGS: Final[dict[type, tuple[str, str]]] = {
    **{kind: ("type", kind.__name__) for kind in EVENT_TYPES},
    **{
        kind: ("stage", kind.stage.value)
        for kind in (Lead, NurturedLead, DisqualifiedLead, Opportunity, LostOpportunity, Customer)
    },
    CategoricalSignal: ("kind", "categorical"),
    NumericSignal: ("kind", "numeric"),
}
_SIGNALS: Final[dict[str, type]] = {
    tag: kind for kind, (key, tag) in _TAGS.items() if key == "kind"
}
_EVENTS: Final = {kind.__name__: kind for kind in EVENT_TYPES}
_STAGES: Final[dict[str, type]] = {
    "contact": Contact,
    **{tag: kind for kind, (key, tag) in _TAGS.items() if key == "stage"},
}

#: The level enum of each criterion and promotion signal, by name.
_LEVEL_OF: Final[dict[str, type[OrderedLevel]]] = {
    **{criterion.value: level for criterion, level in LEVELS.items()},
    "relationship": RelationshipLevel,
    "requirements": RequirementsLevel,
    "terms": TermsLevel,
    "supplier": SupplierStatus,
}
_ORDERED_LEVELS: Final = tuple(_LEVEL_OF.values())


def _is_leadflow_attrs(kind: Any) -> bool:
    return (
        isinstance(kind, type)
        and attrs.has(kind)
        and kind.__module__.startswith("leadflow.")
        and not issubclass(kind, (CriterionRule, CriterionResult))
    )


def _checked(kind: type, attribute: attrs.Attribute[Any], conv: cattrs.Converter) -> Any:
    """A hook that structures one attribute and runs its attrs converter and validator.

    Running them here, field by field, lets cattrs collect every bad field; the
    class's ``__init__`` runs them again and adds the checks that span fields.
    """
    field_type: Any = attribute.type
    convert = attribute.converter if callable(attribute.converter) else None
    validate = attribute.validator
    # Validators get an instance that was never initialised: those in leadflow only
    # read class-level facts (a stage's ClassVar), never other fields.
    blank: object = object.__new__(kind)
    name = attribute.name
    # The field type's hook, looked up on first use (when every hook is registered)
    # rather than dispatched again for every value.
    hooks: list[Callable[[object, Any], Any]] = []

    def structure_attribute(value: object, _: object) -> Any:
        if not hooks:
            hooks.append(conv.get_structure_hook(field_type))
        result = hooks[0](value, field_type)
        try:
            if convert is not None:
                result = convert(result)
            if validate is not None:
                validate(blank, attribute, result)
        except InvalidFieldError as error:
            inner = error.field
            if inner == name:
                suffix = ""
            elif inner.startswith((name + ".", name + "[")):
                suffix = inner[len(name) :]
            else:
                suffix = "." + inner if inner else ""
            raise _RejectedFieldError(suffix, error) from None
        return result

    return structure_attribute


def _tagged(
    kind: type, base: Callable[[Mapping[str, Any], Any], T]
) -> Callable[[object, object], T]:
    tag = _TAGS.get(kind)

    def structure_object(value: object, _: object) -> T:
        if not isinstance(value, Mapping):
            raise WrongTypeError("", value, f"expected an object, not {g.kind(value)}")
        if tag is not None and tag[0] in value:
            key, expected = tag
            if value[key] != expected:
                raise InvalidFieldError(key, value[key], f"expected {expected!r}")
            value = {k: v for k, v in value.items() if k != key}
        return base(value, kind)

    return structure_object


#: Fields kept as ``(key, value)`` pairs that are written as JSON objects, with the
#: mapping type they are read as (their attrs converter turns the mapping into pairs).
_OBJECT_FIELDS: Final[dict[type, dict[str, Any]]] = {
    Policy: {"stage_probabilities": dict[OpportunityStage, int]},
    # A null value is no value, as in Evidence(signals={"visits": None}): it is dropped.
    Evidence: {"signals": dict[str, SignalObservation | None]},
    CategoricalSignal: {"points": dict[str, int]},
}


def _attrs_structure_hook(kind: type, conv: cattrs.Converter) -> Any:
    attrs.resolve_types(kind)
    # Typed Any: cattrs declares its own keyword options next to the per-field overrides.
    overrides: dict[str, Any] = {
        a.name: override(struct_hook=_checked(kind, a, conv))
        for a in attrs.fields(kind)
        if a.init and (a.converter is not None or a.validator is not None)
    }
    fields = attrs.fields_dict(kind)
    for name, mapping in _OBJECT_FIELDS.get(kind, {}).items():
        overrides[name] = override(
            struct_hook=_checked(kind, fields[name].evolve(type=mapping), conv)
        )
    structured: Any = _tagged(kind, make_dict_structure_fn(kind, conv, **overrides))
    return _default_first(kind, conv, structured)


def _default_first(kind: type, conv: cattrs.Converter, structured: Any) -> Any:
    """*structured*, but the value of *kind* with every field at its default read at once.

    A class whose fields all have defaults (evidence, promotion signals) is written
    with all of them far more often than not (an imported opportunity knows no
    evidence): such data is the one value, so it is compared rather than rebuilt.
    """
    if not all(a.default is not attrs.NOTHING for a in attrs.fields(kind) if a.init):
        return structured
    default = kind()
    written = conv.unstructure(default, kind)
    tag = _TAGS.get(kind)
    if tag is not None:
        written = {k: v for k, v in written.items() if k != tag[0]}
    if not _only_text(written):
        # 1 == 1.0 == True in Python: data with numbers must go through the checks.
        return structured

    def structure_default_first(value: object, given: object) -> Any:
        if value == written:
            return default
        return structured(value, given)

    return structure_default_first


def _only_text(data: object) -> bool:
    """Whether *data* holds only text and nulls (in objects and lists)."""
    if isinstance(data, Mapping):
        return all(_only_text(item) for item in data.values())
    if isinstance(data, list):
        return all(_only_text(item) for item in data)
    return data is None or isinstance(data, str)


def _attrs_unstructure_hook(kind: type, conv: cattrs.Converter) -> Any:
    attrs.resolve_types(kind)
    overrides: dict[str, Any] = {
        name: override(unstruct_hook=_pairs_to_object(conv))
        for name in _OBJECT_FIELDS.get(kind, {})
    }
    base: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(kind, conv, **overrides)
    tag = _TAGS.get(kind)
    if tag is None:
        return base
    key, value = tag

    def unstructure_tagged(instance: Any) -> dict[str, Any]:
        return {key: value, **base(instance)}

    return unstructure_tagged


def _pairs_to_object(conv: cattrs.Converter) -> Callable[[tuple[tuple[Any, Any], ...]], Any]:
    def unstructure_pairs(pairs: tuple[tuple[Any, Any], ...]) -> dict[str, Any]:
        return {str(conv.unstructure(key)): conv.unstructure(item) for key, item in pairs}

    return unstructure_pairs


def _levels_to_object(pairs: tuple[tuple[Enum, int], ...]) -> dict[str, int]:
    return {str(level.value): number for level, number in pairs}


# ----------------------------------------------------------------------------------------
# Values whose enum type depends on data: criterion rules and results
# ----------------------------------------------------------------------------------------


def _is_rule(kind: Any) -> bool:
    return kind is CriterionRule or get_origin(kind) is CriterionRule


def _rule_hook(kind: Any, conv: cattrs.Converter) -> Any:
    args = get_args(kind)
    if args:
        return _rule_for(args[0], conv)
    by_levels = {frozenset(m.value for m in level): level for level in _ORDERED_LEVELS}
    hooks = {level: _rule_for(level, conv) for level in _ORDERED_LEVELS}

    def structure_any_rule(value: object, _: object) -> CriterionRule[Any]:
        points = value.get("points") if isinstance(value, Mapping) else None
        level = by_levels.get(frozenset(points)) if isinstance(points, Mapping) else None
        if level is None:
            if not isinstance(value, Mapping):
                raise WrongTypeError("", value, f"expected an object, not {g.kind(value)}")
            raise InvalidFieldError(
                "points", points, "must give points for every level of one criterion"
            )
        rule: CriterionRule[Any] = hooks[level](value, kind)
        return rule

    return structure_any_rule


def _rule_for(level: type[OrderedLevel], conv: cattrs.Converter) -> Any:
    attrs.resolve_types(CriterionRule)
    enum_hook = _enum_hook(level)

    def structure_points(value: object, _: object) -> dict[Any, int]:
        if not isinstance(value, Mapping):
            raise WrongTypeError("", value, f"expected an object, not {g.kind(value)}")
        table: dict[Any, int] = {}
        errors: list[tuple[int | str, Exception]] = []
        for key, number in value.items():
            try:
                table[enum_hook(key, level)] = _structure_int(number, int)
            except InvalidFieldError as error:
                errors.append((str(key), error))
        if errors:
            raise _ItemsError(errors)
        return table

    base = make_dict_structure_fn(
        CriterionRule[level],  # type: ignore[valid-type]  # a runtime-chosen parameter
        conv,
        minimum=override(struct_hook=enum_hook),
        points=override(struct_hook=structure_points),
    )
    return _tagged(CriterionRule, base)


def _unstructure_rule(rule: CriterionRule[Any]) -> dict[str, Any]:
    return {
        "weight": rule.weight,
        "required": rule.required,
        "minimum": rule.minimum.value,
        "points": _levels_to_object(rule.points),
    }


def _result_hook(kind: Any, conv: cattrs.Converter) -> Any:
    attrs.resolve_types(CriterionResult)
    names = ", ".join(repr(name) for name in _LEVEL_OF)

    def structure_name(value: object, _: object) -> str:
        name = _structure_str(value, str)
        if name not in _LEVEL_OF:
            raise InvalidFieldError("", value, f"expected one of {names}")
        return name

    def for_level(level: type[Enum] | None) -> Any:
        enum_hook = _enum_hook(level) if level is not None else (lambda value, _: value)

        def structure_minimum(value: object, _: object) -> Any:
            return None if value is None else enum_hook(value, level)

        return make_dict_structure_fn(
            CriterionResult,
            conv,
            name=override(struct_hook=structure_name),
            level=override(struct_hook=enum_hook),
            minimum=override(struct_hook=structure_minimum),
        )

    # Without a known name the level cannot be read; the name's own error is reported.
    hooks: dict[str | None, Any] = {name: for_level(level) for name, level in _LEVEL_OF.items()}
    unknown = for_level(None)

    def structure_result(value: object, _: object) -> CriterionResult:
        if not isinstance(value, Mapping):
            raise WrongTypeError("", value, f"expected an object, not {g.kind(value)}")
        name = value.get("name")
        hook = hooks.get(name, unknown) if isinstance(name, str) else unknown
        result: CriterionResult = hook(value, CriterionResult)
        return result

    return structure_result


# ----------------------------------------------------------------------------------------
# Signal values: a category or a number, never told apart by guessing
# ----------------------------------------------------------------------------------------

#: What a signal value is; SignalResult.value is this or None.
_SIGNAL_VALUE: Final[Any] = str | Decimal
_OPTIONAL_SIGNAL_VALUE: Final[Any] = str | Decimal | None
#: Either kind of signal a policy declares.
_SIGNAL: Final[Any] = CategoricalSignal | NumericSignal


# leadflow.Signal is, at run time, the text of the union ("CategoricalSignal |
# NumericSignal"); structure(data, Signal) means either kind, as the union does.
_SIGNAL_ALIAS: Final[object] = Signal


def _is_signal(kind: Any) -> bool:
    return kind == _SIGNAL or kind is _SIGNAL_ALIAS


#: The keys that name a signal value's kind, in the order they are looked for.
_VALUE_KEYS: Final = ("category", "number")

attrs.resolve_types(SignalResult)


def _bare_value(value: object) -> str | Decimal:
    """A value written by hand: a JSON string is a category, a JSON number a number."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not value.is_integer():
        raise WrongTypeError(
            "",
            value,
            'a float is inexact: write {"number": "<decimal>"}, or read JSON with from_json',
        )
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _structure_decimal(value, Decimal)
    raise WrongTypeError(
        "", value, f"expected a category (a string) or a number, not {g.kind(value)}"
    )


def _value_object(
    value: Mapping[Any, Any], others: tuple[str, ...]
) -> tuple[str | Decimal | None, str, list[tuple[int | str | None, Exception]]]:
    """Read ``{"category": ...}`` or ``{"number": ...}`` (plus the keys in *others*).

    Returns the value (``None`` if unreadable), the key it was under and the errors.
    """
    errors: list[tuple[int | str | None, Exception]] = [
        (str(key), InvalidFieldError("", item, "unknown field"))
        for key, item in value.items()
        if key not in (*_VALUE_KEYS, *others)
    ]
    given = [key for key in _VALUE_KEYS if key in value]
    if len(given) != 1:
        reason = (
            'give either "category" or "number", not both'
            if given
            else 'expected a "category" (text) or a "number"'
        )
        errors.append((None, InvalidFieldError("", dict(value), reason)))
        return None, "", errors
    key = given[0]
    try:
        if key == "category":
            found: str | Decimal = _structure_str(value[key], str)
        else:
            found = _structure_decimal(value[key], Decimal)
    except InvalidFieldError as error:
        errors.append((key, error))
        return None, key, errors
    return found, key, errors


def _structure_signal_value(value: object, _: object) -> str | Decimal:
    if not isinstance(value, Mapping):
        return _bare_value(value)
    found, _key, errors = _value_object(value, ())
    if errors or found is None:
        raise _ItemsError(errors)
    return found


def _structure_optional_signal_value(value: object, _: object) -> str | Decimal | None:
    return None if value is None else _structure_signal_value(value, _)


def _unstructure_signal_value(value: str | Decimal | None) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {"category": value}
    return {"number": g.write_decimal(value)}


def _structure_observation(value: object, _: object) -> SignalObservation:
    if not isinstance(value, Mapping):
        found: str | Decimal | None = _bare_value(value)
        key, observed_at = "", None
    else:
        found, key, errors = _value_object(value, ("observed_at",))
        observed_at = value.get("observed_at")
        if observed_at is not None:
            try:
                observed_at = _structure_datetime(observed_at, datetime)
            except InvalidFieldError as error:
                errors.append(("observed_at", error))
        if errors:
            raise _ItemsError(errors)
    try:
        return SignalObservation(value=found, observed_at=observed_at)
    except InvalidFieldError as error:
        # The observation's attribute "value" is written under "category" or "number".
        where = key if error.field == "value" else error.field
        raise _ItemsError([(where or None, error.at(""))]) from None


def _unstructure_observation(value: SignalObservation) -> dict[str, Any]:
    return {
        **(_unstructure_signal_value(value.value) or {}),
        "observed_at": converter.unstructure(value.observed_at, datetime | None),
    }


def _by_tag(
    tag_name: str,
    kinds: Mapping[str, type],
    unknown: str,
    *,
    default: str | None = None,
    untagged: tuple[type, ...] = (),
) -> Callable[[object, object], Any]:
    """A hook that structures an object as the class its *tag_name* field names.

    *default* is the tag of an object without one; for the classes in *untagged*,
    which have no field of that name, the tag is taken out before they structure the
    rest. An unknown tag is reported with *unknown* and the tags allowed.
    """
    allowed = ", ".join(repr(name) for name in kinds)

    def structure_tagged(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            raise WrongTypeError("", value, f"expected an object, not {g.kind(value)}")
        tag = value.get(tag_name, default)
        kind = kinds.get(tag) if isinstance(tag, str) else None
        if kind is None:
            reason = "is required" if tag is None else unknown
            raise InvalidFieldError(tag_name, tag, f"{reason}: expected one of {allowed}")
        if kind in untagged:
            value = {k: v for k, v in value.items() if k != tag_name}
        return converter.structure(value, kind)

    return structure_tagged


# ----------------------------------------------------------------------------------------
# Tagged unions: signals by "kind", events by "type", stages by "stage"
# ----------------------------------------------------------------------------------------

_structure_signal = _by_tag("kind", _SIGNALS, "is not a kind of signal")
_structure_event = _by_tag("type", _EVENTS, "is not an event type")
# A stage without a tag is a contact, whose class has no "stage" field to read it back.
_structure_stage = _by_tag(
    "stage", _STAGES, "is not a stage", default="contact", untagged=(Contact,)
)


def _unstructure_runtime(value: Any) -> Any:
    return converter.unstructure(value, type(value))


def _configure(conv: cattrs.Converter) -> None:
    # Later registrations take precedence over earlier ones.
    conv.register_structure_hook_factory(_is_leadflow_attrs, _attrs_structure_hook)
    conv.register_unstructure_hook_factory(_is_leadflow_attrs, _attrs_unstructure_hook)
    conv.register_structure_hook_factory(_is_tuple, _tuple_hook)
    conv.register_unstructure_hook_factory(_is_tuple, lambda _, c: _unstructure_items(c))
    conv.register_structure_hook_factory(_is_mapping, _mapping_hook)
    conv.register_unstructure_hook_factory(_is_mapping, lambda _, c: _unstructure_mapping(c))
    # Registered on the Enum base class (single dispatch) rather than as a factory: older
    # cattrs releases consult single dispatch first, and would use their own enum hook.
    conv.register_structure_hook(Enum, _structure_enum)
    conv.register_unstructure_hook_factory(
        lambda kind: isinstance(kind, type) and issubclass(kind, Enum),
        lambda _kind, _conv: lambda member: member.value,
    )
    conv.register_structure_hook_factory(_is_rule, _rule_hook)
    conv.register_unstructure_hook_func(_is_rule, _unstructure_rule)
    conv.register_structure_hook_factory(
        lambda kind: kind is CriterionResult, lambda kind, c: _result_hook(kind, c)
    )
    conv.register_unstructure_hook_func(
        lambda kind: kind is CriterionResult,
        make_dict_unstructure_fn(CriterionResult, conv),
    )
    conv.register_structure_hook_func(lambda kind: kind == _SIGNAL_VALUE, _structure_signal_value)
    conv.register_structure_hook_func(
        lambda kind: kind == _OPTIONAL_SIGNAL_VALUE, _structure_optional_signal_value
    )
    conv.register_unstructure_hook_func(
        lambda kind: kind in (_SIGNAL_VALUE, _OPTIONAL_SIGNAL_VALUE), _unstructure_signal_value
    )
    conv.register_structure_hook_func(
        lambda kind: kind is SignalObservation, _structure_observation
    )
    conv.register_unstructure_hook_func(
        lambda kind: kind is SignalObservation, _unstructure_observation
    )
    conv.register_structure_hook_func(_is_signal, _structure_signal)
    conv.register_unstructure_hook_func(_is_signal, _unstructure_runtime)
    conv.register_structure_hook_func(lambda kind: kind == Event, _structure_event)
    conv.register_unstructure_hook_func(lambda kind: kind == Event, _unstructure_runtime)
    conv.register_structure_hook_func(lambda kind: kind == Stage, _structure_stage)
    conv.register_unstructure_hook_func(lambda kind: kind == Stage, _unstructure_runtime)
    for kind, structure_hook, unstructure_hook in (
        (str, _structure_str, str),
        (int, _structure_int, int),
        (float, _structure_float, float),
        (bool, _structure_bool, bool),
        (Decimal, _structure_decimal, g.write_decimal),
        (datetime, _structure_datetime, datetime.isoformat),
        (date, _structure_date, date.isoformat),
        (timedelta, _structure_timedelta, format_duration),
    ):
        conv.register_structure_hook(kind, structure_hook)
        conv.register_unstructure_hook(kind, unstructure_hook)


_configure(converter)

# ----------------------------------------------------------------------------------------
# The front door
# ----------------------------------------------------------------------------------------


def unstructure(value: Any) -> Any:
    """Turn a leadflow value into JSON-ready data (dicts, lists, str, int, bool, None).

    >>> from datetime import datetime, timezone
    >>> from leadflow import Contact
    >>> data = unstructure(Contact(name="Ada", email="ada@example.com",
    ...                            created_at=datetime(2026, 1, 5, 9, tzinfo=timezone.utc)))
    >>> data["created_at"], data["role"]
    ('2026-01-05T09:00:00+00:00', 'unknown')
    """
    return converter.unstructure(value)


def _what(kind: object) -> str:
    if kind == Stage:
        return "Stage"
    if kind == Event:
        return "Event"
    if _is_signal(kind):
        return "Signal"
    return getattr(kind, "__name__", str(kind))


@overload
def structure(data: Any, cls: type[T]) -> T: ...
@overload
def structure(data: Any, cls: object) -> Any: ...
def structure(data: Any, cls: Any) -> Any:
    """Build a *cls* (a leadflow type, or the unions ``Stage``, ``Event``, ``Signal``) from *data*.

    Raises:
        InvalidRecordError: listing every bad field with its JSON path; no part of the
            value is returned.

    >>> structure({"name": "Ada", "email": "ada@", "phone": "12",
    ...            "created_at": "2026-01-05"}, Contact)
    Traceback (most recent call last):
    ...
    leadflow.errors.InvalidRecordError: invalid Contact: 3 bad fields
      $.created_at: datetime has no UTC offset (got '2026-01-05')
      $.email: not an email address (got 'ada@')
      $.phone: a phone number has 7 to 15 digits (got '12')
    """
    try:
        return converter.structure(data, cls)
    except Exception as error:  # every failure becomes one leadflow error
        raise InvalidRecordError(_collect(error, "", data), _what(cls)) from None


def to_json(value: Any, *, indent: int | None = None) -> str:
    r"""Write *value* as JSON text (see :func:`unstructure`).

    Non-ASCII text is escaped (``\u00e9``), so the output is safe in any encoding.
    """
    return json.dumps(unstructure(value), indent=indent)


@overload
def from_json(text: str | bytes, cls: type[T]) -> T: ...
@overload
def from_json(text: str | bytes, cls: object) -> Any: ...
def from_json(text: str | bytes, cls: Any) -> Any:
    """Read a *cls* from JSON text (see :func:`structure`).

    JSON numbers with a fraction are read as exact decimals, so a money amount may be
    given as ``12.50`` as well as ``"12.50"``.

    Raises:
        InvalidRecordError: the text is not JSON, or the data is not a valid *cls*.
    """
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, TypeError, RecursionError) as error:
        reason = f"not valid JSON: {error}"
        raise InvalidRecordError([InvalidFieldError("", text, reason)], _what(cls)) from None
    return structure(data, cls)
