"""How one CRM value is read and written: the dialect a CRM speaks, and the codecs.

A :class:`Dialect` says how a CRM spells numbers, timestamps and "no value" in its
JSON; a :class:`Codec` converts one CRM value to one leadflow value and back, in
that dialect: text, email addresses and phones, money, counts and percentages,
dates and timestamps, and coded values (option sets, picklists, selections,
checkboxes) standing for enum members.

>>> from datetime import datetime, timedelta, timezone
>>> plain = Context(Dialect(name="plain", null=None))
>>> Percent().decode(12.5, plain)
13
>>> Instant().encode(datetime(2026, 1, 5, 11, 30, tzinfo=timezone(timedelta(hours=1))), plain)
'2026-01-05T10:30:00Z'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any, Final, Protocol

import attrs

from leadflow import _grammar as g
from leadflow._validate import in_utc, type_name
from leadflow.adapters._model import Repair, frozen_table
from leadflow.contacts import email_addresses, normalise_email, normalise_phone
from leadflow.errors import (
    InvalidEmailError,
    InvalidFieldError,
    WrongTypeError,
)
from leadflow.money import Money

__all__ = [
    "UTC",
    "Amount",
    "Choice",
    "Codec",
    "Context",
    "Count",
    "Day",
    "Dialect",
    "Email",
    "Instant",
    "InstantDay",
    "Percent",
    "Phone",
    "Repaired",
    "Text",
    "fits",
    "iso_instant",
    "json_number",
    "utc_text",
    "wrong_type",
]

UTC: Final = timezone.utc

# --------------------------------------------------------------------------------------------
# Dialects: how a CRM spells values
# --------------------------------------------------------------------------------------------


def json_number(amount: Decimal) -> int | float:
    """*amount* as a JSON number: an int when whole, else a float that reads back exactly.

    Raises:
        InvalidFieldError: the amount has more digits than a JSON float carries.
    """
    if amount == amount.to_integral_value():
        return int(amount)
    number = float(amount)
    if Decimal(repr(number)) != amount:
        raise InvalidFieldError("", amount, "has more digits than a JSON number carries exactly")
    return number


def utc_text(moment: datetime, *, separator: str = "T", millis: bool = False) -> str:
    """*moment* in UTC as ``2026-01-05T10:00:00``, without an offset.

    Args:
        moment: An aware datetime.
        separator: Between the date and the time (Odoo's is a space).
        millis: Whether to add the milliseconds (``.000``).
    """
    moment = in_utc("", moment)
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{separator}"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    return f"{text}.{moment.microsecond // 1000:03d}" if millis else text


def iso_instant(moment: datetime) -> str:
    """*moment* in UTC as ``2026-01-05T10:00:00Z``."""
    return utc_text(moment) + "Z"


@attrs.frozen(kw_only=True)
class Dialect:
    """How one CRM spells values in its JSON.

    Attributes:
        name: The CRM's name, for messages.
        null: What the CRM takes as "no value" in a write (``None``, ``""``, ``False``).
        blanks: Values besides ``None`` that the CRM sends for "no value".
        strings: Whether every value is a string (HubSpot properties).
        naive_utc: Whether timestamps come without an offset and mean UTC (Odoo).
        number: How an amount is written.
        instant: How a timestamp is written.
        instant_example: An example timestamp, for messages.
    """

    name: str
    null: object
    blanks: tuple[object, ...] = ()
    strings: bool = False
    naive_utc: bool = False
    number: Callable[[Decimal], object] = json_number
    instant: Callable[[datetime], str] = iso_instant
    instant_example: str = "2026-01-05T10:00:00Z"

    def is_null(self, raw: object) -> bool:
        """Whether *raw* means "no value" in this CRM."""
        # Compared by type as well: Odoo's False is "no value", but 0 is a number.
        return raw is None or any(type(raw) is type(b) and raw == b for b in self.blanks)


@attrs.frozen
class Context:
    """What a codec needs besides the value: the dialect and the record's currency.

    Attributes:
        dialect: How the CRM spells values.
        currency: The ISO 4217 code of the record's amounts, if known.
        no_currency: Why it is not known, for an amount's error message.
        repairs: Where the rows note what reading had to repair (see
            :class:`Repaired`), in the order they were read.
    """

    dialect: Dialect
    currency: str | None = None
    #: Why the currency is unknown, for the message of an amount that needs it.
    no_currency: str = "give the mapping a currency"
    repairs: list[Repair] = attrs.field(factory=list, eq=False, repr=False)
    #: Fields read only in part, whose raw value also stays with the extras.
    partial: set[str] = attrs.field(factory=set, eq=False, repr=False)

    def note(self, field: str, raw: object, repaired: Repaired) -> Any:
        """Note *repaired*'s repair of *field* (whose value was *raw*); its value."""
        self.repairs.append(Repair(field, raw, repaired.note))
        if repaired.partial:
            self.partial.add(field)
        return repaired.value


@attrs.frozen
class Repaired:
    """A codec's answer for a value it could read only by repairing it.

    Attributes:
        value: The value read (``None``: no value, the attribute's empty value).
        note: What was done, as a sentence, for :class:`~leadflow.adapters.Repair`.
        partial: Whether the value holds only part of what the CRM sent (one of
            several addresses), so the raw value also stays with the extras.
    """

    value: Any
    note: str
    partial: bool = False


# --------------------------------------------------------------------------------------------
# Codecs: one CRM value <-> one leadflow value
# --------------------------------------------------------------------------------------------


class Codec(Protocol):
    """Converts one CRM value to a leadflow value and back.

    ``decode`` never sees "no value" (the row handles that) and raises
    :class:`InvalidFieldError` with an empty field name, which the row fills in;
    ``encode`` never sees the attribute's empty value.
    """

    def decode(self, raw: object, ctx: Context) -> Any:
        """The leadflow value of *raw*, or ``None`` when *raw* is blank."""

    def encode(self, value: Any, ctx: Context) -> object:
        """The CRM value of *value*, or ``None`` when the CRM has no spelling for it."""

    def describe(self) -> str:
        """The values, for the documentation's mapping tables."""


def wrong_type(raw: object, expected: str) -> WrongTypeError:
    """The error for a CRM value *raw* that is not what a codec expected (its field blank)."""
    return WrongTypeError("", raw, f"expected {expected}, not {type_name(raw)}")


def fits(value: str, max_length: int | None) -> str:
    """*value* if it fits a field of *max_length* characters (``None``: any), else raise."""
    if max_length is not None and len(value) > max_length:
        raise InvalidFieldError("", value, f"longer than the {max_length} characters it holds")
    return value


def _length(max_length: int | None) -> str:
    return f", up to {max_length} characters" if max_length is not None else ""


@attrs.frozen
class Text:
    """Free text; surrounding whitespace is dropped and blank text is no value."""

    max_length: int | None = None

    def decode(self, raw: object, ctx: Context) -> str | None:
        if not isinstance(raw, str):
            raise wrong_type(raw, "a string")
        return raw.strip() or None

    def encode(self, value: Any, ctx: Context) -> object:
        return fits(value, self.max_length)

    def describe(self) -> str:
        return "text" + _length(self.max_length)


@attrs.frozen
class Email:
    """An email address, normalised as :func:`leadflow.normalise_email` does.

    With ``display_name`` the CRM may send ``"Ada Lovelace <ada@example.com>"``
    (Odoo's ``email_from``); the address is taken from inside the brackets. Any
    field may hold several addresses (``a@example.com; b@example.com``): the
    first is read, and the repair says so.
    """

    max_length: int | None = None
    display_name: bool = False

    def decode(self, raw: object, ctx: Context) -> str | Repaired | None:
        if not isinstance(raw, str):
            raise wrong_type(raw, "a string")
        try:
            return normalise_email(raw, field="")
        except InvalidEmailError as error:
            # A display name (Odoo's email_from), or several addresses in one field
            # (Odoo reads it as a list, and people paste one): keep the first, and
            # the whole text with the extras.
            try:
                found = email_addresses(raw, field="")
            except InvalidEmailError:
                raise error from None
            if len(found) < 2 and not self.display_name:
                raise
            if len(found) == 1 and _one_address(raw):
                return found[0]
            rest = (
                f"the others ({', '.join(found[1:])}) stay"
                if len(found) > 1
                else "the rest of the field stays"
            )
            return Repaired(
                found[0], f"kept the first address, {found[0]}; {rest} in the extras", partial=True
            )

    def encode(self, value: Any, ctx: Context) -> object:
        return fits(value, self.max_length)

    def describe(self) -> str:
        several = " (of several, the first)" if self.display_name else ""
        return "email address" + several + _length(self.max_length)


_QUOTED: Final = re.compile(r'"(?:[^"\\]|\\.)*"')


def _one_address(text: str) -> bool:
    """Whether *text* is one address with a display name (``"Ada" <ada@example.com>``).

    Nothing but the name may stand beside the address: no second item after a comma
    or a semicolon outside the quoted name.
    """
    bare = _QUOTED.sub("", text)
    return bare.count("<") == 1 and bare.rstrip().endswith(">") and not re.search("[,;]", bare)


@attrs.frozen
class Phone:
    """A phone number, normalised as :func:`leadflow.normalise_phone` does."""

    max_length: int | None = None

    def decode(self, raw: object, ctx: Context) -> str | Repaired | None:
        if not isinstance(raw, str):
            raise wrong_type(raw, "a string")
        phone = normalise_phone(raw, field="")
        repair = g.phone_repair(raw)
        return phone if repair is None or phone is None else Repaired(phone, repair)

    def encode(self, value: Any, ctx: Context) -> object:
        return fits(value, self.max_length)

    def describe(self) -> str:
        return "phone number" + _length(self.max_length)


# Amounts this large are no CRM's money (Dynamics' Money stops below 10**15).
_MAX_AMOUNT: Final = Decimal(10) ** 15


def _decimal(raw: object) -> Decimal:
    """A CRM's number, read by the grammar's decimal rule (a float through its repr)."""
    return g.read_decimal("", raw, floats="shortest")


@attrs.frozen
class Amount:
    """A non-negative amount of money in the record's currency.

    JSON numbers (and numeric strings) are read exactly, through their shortest
    decimal spelling; amounts are written in the dialect's spelling.
    """

    def decode(self, raw: object, ctx: Context) -> Money:
        amount = _decimal(raw)
        if amount < 0:
            raise InvalidFieldError("", raw, "an amount is never negative")
        if amount >= _MAX_AMOUNT:
            raise InvalidFieldError("", raw, "too large for an amount of money")
        if ctx.currency is None:
            raise InvalidFieldError("", raw, f"the record's currency is unknown: {ctx.no_currency}")
        return Money(amount, ctx.currency)

    def encode(self, value: Any, ctx: Context) -> object:
        if not isinstance(value, Money):
            raise wrong_type(value, "Money")
        if ctx.currency is None:
            raise InvalidFieldError(
                "", value, f"the record's currency is unknown: {ctx.no_currency}"
            )
        if value.currency != ctx.currency:
            raise InvalidFieldError(
                "", value, f"the amount is in {value.currency}, the record in {ctx.currency}"
            )
        if value.amount < 0 or value.amount >= _MAX_AMOUNT:
            raise InvalidFieldError("", value, "out of range for an amount of money")
        return ctx.dialect.number(value.amount)

    def describe(self) -> str:
        return "amount in the record's currency"


@attrs.frozen
class Count:
    """A whole number, 0 or more (a head count)."""

    def decode(self, raw: object, ctx: Context) -> int:
        if isinstance(raw, str) and ctx.dialect.strings:
            text = raw.strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                raise InvalidFieldError("", raw, "not a whole number")
            return int(text)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise wrong_type(raw, "a whole number")
        if raw < 0:
            raise InvalidFieldError("", raw, "must not be negative")
        return raw

    def encode(self, value: Any, ctx: Context) -> object:
        return str(value) if ctx.dialect.strings else value

    def describe(self) -> str:
        return "whole number"


@attrs.frozen
class Percent:
    """A percentage from 0 to 100, rounded half up to a whole number on reading."""

    def decode(self, raw: object, ctx: Context) -> int:
        number = _decimal(raw)
        if not 0 <= number <= 100:
            raise InvalidFieldError("", raw, "must be between 0 and 100")
        return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def encode(self, value: Any, ctx: Context) -> object:
        return ctx.dialect.number(Decimal(value))

    def describe(self) -> str:
        return "percent, 0-100"


# A plain date, as the grammar spells one (a day that exists).
_DAY: Final = re.compile(g.DATE)


def _parse_day(raw: object) -> date:
    if not isinstance(raw, str):
        raise wrong_type(raw, "a date string")
    return g.read_date("", raw)


@attrs.frozen
class Day:
    """A calendar date, ``YYYY-MM-DD``."""

    def decode(self, raw: object, ctx: Context) -> date:
        return _parse_day(raw)

    def encode(self, value: Any, ctx: Context) -> object:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"

    def describe(self) -> str:
        return "date, YYYY-MM-DD"


@attrs.frozen
class DayStart:
    """A calendar date, ``YYYY-MM-DD``, read as the start of that day in UTC.

    For a CRM that keeps only the date of an event (Salesforce's ``CloseDate``).
    """

    def decode(self, raw: object, ctx: Context) -> datetime:
        day = _parse_day(raw)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    def encode(self, value: Any, ctx: Context) -> object:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"

    def describe(self) -> str:
        return "date, YYYY-MM-DD (the start of the day, UTC)"


def _parse_instant(raw: object, dialect: Dialect) -> datetime:
    return g.read_timestamp("", raw, naive_utc=dialect.naive_utc, example=dialect.instant_example)


@attrs.frozen
class Instant:
    """A point in time; timezone-aware on the leadflow side."""

    def decode(self, raw: object, ctx: Context) -> datetime:
        return _parse_instant(raw, ctx.dialect)

    def encode(self, value: Any, ctx: Context) -> object:
        return ctx.dialect.instant(value)

    def describe(self) -> str:
        return "timestamp"


@attrs.frozen
class InstantDay:
    """A date kept in a timestamp field: read as the UTC date, written as UTC midnight.

    A plain ``YYYY-MM-DD`` is read too.
    """

    def decode(self, raw: object, ctx: Context) -> date:
        if isinstance(raw, str) and _DAY.fullmatch(raw):
            return _parse_day(raw)
        return in_utc("", _parse_instant(raw, ctx.dialect), raw).date()

    def encode(self, value: Any, ctx: Context) -> object:
        return ctx.dialect.instant(datetime(value.year, value.month, value.day, tzinfo=UTC))

    def describe(self) -> str:
        return "timestamp; its UTC date"


@attrs.frozen
class Choice:
    """A coded value (option set, picklist, selection) standing for an enum member.

    Attributes:
        table: CRM value -> member. A member listed under several values is
            written as the first; a member not listed is written as ``otherwise``.
        fallback: Read for a value of the table's type that the table does not
            list; without one, such a value (an option an administrator added) is
            read as no value, and the repair says so.
        otherwise: Written for members the table does not list (``None``: no value).
    """

    table: Mapping[Any, Enum] = attrs.field(converter=frozen_table, hash=False)
    fallback: Enum | None = None
    otherwise: object = None

    def decode(self, raw: object, ctx: Context) -> Enum | Repaired:
        # Compared by type as well: True == 1 in Python, but not in a CRM's JSON.
        for key, member in self.table.items():
            if type(key) is type(raw) and key == raw:
                return member
        allowed = ", ".join(repr(key) for key in self.table)
        if not any(type(key) is type(raw) for key in self.table):
            raise WrongTypeError("", raw, f"expected one of {allowed}")
        if self.fallback is not None:
            return Repaired(
                self.fallback,
                f"not a value the mapping knows ({allowed}): read as {self.fallback.value}",
            )
        return Repaired(None, f"not a value the mapping knows ({allowed}): read as no value")

    def encode(self, value: Any, ctx: Context) -> object:
        for key, member in self.table.items():
            if member is value:
                return key
        return self.otherwise

    def describe(self) -> str:
        text = ", ".join(f"{key!r} {member.value}" for key, member in self.table.items())
        if self.fallback is not None:
            text += f"; other values read as {self.fallback.value}"
        return text
