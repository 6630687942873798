"""Validators shared by the value classes.

They raise leadflow errors that name the attribute, never bare builtins, so a
caller can tell which field of which value was wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, TypeVar

import attrs

from leadflow.errors import InvalidFieldError, NaiveDatetimeError, WrongTypeError

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def type_name(value: object) -> str:
    return type(value).__name__


def check_type(field: str, value: object, kind: type) -> None:
    """Raise :class:`WrongTypeError` naming *field* unless *value* is a *kind*."""
    if not isinstance(value, kind):
        name = kind.__name__
        article = "an" if name[:1] in "AEIOU" else "a"
        raise WrongTypeError(field, value, f"expected {article} {name}, not {type_name(value)}")


def is_aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.tzinfo.utcoffset(value) is not None


def check_aware(field: str, value: object) -> datetime:
    """Return *value* if it is a timezone-aware datetime, else raise."""
    if not isinstance(value, datetime):
        raise WrongTypeError(field, value, f"expected an aware datetime, not {type_name(value)}")
    if not is_aware(value):
        raise NaiveDatetimeError(field, value, "datetime has no timezone")
    return value


def instant(value: datetime) -> datetime:
    """*value* with a fixed UTC offset, for measuring elapsed time.

    Two datetimes that share a tzinfo subtract and compare as wall-clock times,
    which is wrong across a daylight-saving change; with a fixed offset (or
    different tzinfos) Python measures real elapsed time.
    """
    if type(value.tzinfo) is timezone:
        return value
    return in_utc("as_of", value)


def in_utc(field: str, value: datetime, given: object = None) -> datetime:
    """The aware *value* in UTC, or raise if UTC has no datetime for it.

    *given* is the value reported in the error (the text *value* was read from),
    *value* itself when ``None``.

    Raises:
        InvalidFieldError: *value* is near year 1 or 9999, and its instant is not
            between them (``9999-12-31T23:59:59-14:00``).
    """
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidFieldError(
            field,
            value if given is None else given,
            "is out of range: it has no instant between years 1 and 9999",
        ) from None


def aware(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a required timezone-aware datetime."""
    check_aware(attribute.name, value)


def optional_aware(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional timezone-aware datetime."""
    if value is not None:
        check_aware(attribute.name, value)


def optional_date(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional calendar date (a datetime is not a date here)."""
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise WrongTypeError(attribute.name, value, f"expected a date, not {type_name(value)}")


def of_type(*types: type, optional: bool = False) -> Validator:
    """Validate that the value is an instance of one of *types*."""
    names = " or ".join(t.__name__ for t in types)
    # Values of exactly one of the types (or None, when optional) pass on one set
    # lookup: by far the most common case, on every value built.
    exact = frozenset((*types, type(None)) if optional else types)

    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) in exact:
            return
        # bool is an int subclass; an int field never means a flag.
        if isinstance(value, bool) and bool not in types:
            raise WrongTypeError(attribute.name, value, f"expected {names}, not bool")
        if not isinstance(value, types):
            raise WrongTypeError(attribute.name, value, f"expected {names}, not {type_name(value)}")

    return validate


def text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a non-blank string without surrounding whitespace."""
    if not isinstance(value, str):
        raise WrongTypeError(attribute.name, value, f"expected a string, not {type_name(value)}")
    stripped = value.strip()
    if not stripped:
        raise InvalidFieldError(attribute.name, value, "must not be blank")
    if value != stripped:
        raise InvalidFieldError(attribute.name, value, "must not have surrounding whitespace")


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional non-blank string."""
    if value is not None:
        text(instance, attribute, value)


def clean_text(value: object) -> object:
    """Strip a string; turn a blank one into ``None``. Leave other values to validators."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def tuple_of(*types: type) -> Validator:
    """Validate a tuple whose items are all instances of *types*."""
    names = " or ".join(t.__name__ for t in types)

    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise WrongTypeError(attribute.name, value, f"expected a tuple, not {type_name(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, types):
                raise WrongTypeError(
                    f"{attribute.name}[{index}]", item, f"expected {names}, not {type_name(item)}"
                )

    return validate


def to_tuple(value: object) -> object:
    """Convert lists and other iterables (not strings or mappings) to tuples."""
    if isinstance(value, (list, frozenset, set)) or (
        hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict, tuple))
    ):
        return tuple(value)
    return value


def in_range(low: int, high: int) -> Validator:
    """Validate an int between *low* and *high*, both included."""

    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise WrongTypeError(attribute.name, value, f"expected an int, not {type_name(value)}")
        if not low <= value <= high:
            raise InvalidFieldError(attribute.name, value, f"must be between {low} and {high}")

    return validate


def parse_enum(enum: type[E], field: str, value: object) -> E:
    """Return the member of *enum* named by *value* (a member or its value)."""
    if isinstance(value, enum):
        return value
    for member in enum:
        if member.value == value:
            return member
    allowed = ", ".join(repr(m.value) for m in enum)
    raise InvalidFieldError(field, value, f"expected one of {allowed}")
