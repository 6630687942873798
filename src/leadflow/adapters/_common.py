"""The machinery the CRM adapters share: the lead value, field tables and their engine.

Each adapter describes its CRM as data: a table with one row per CRM field, naming
the leadflow attribute the field holds and the codec that converts between the
CRM's JSON value and leadflow's value. This module holds the row and codec types,
the :class:`Dialect` that says how a CRM spells numbers, timestamps and "no value",
and the engine that applies a table in both directions, so the four adapters
read and write through one implementation.

The write rule every adapter follows: a value leadflow left unchanged is written
back exactly as the CRM sent it (so a read-write cycle never reformats a phone
number or an email address); a changed value is written in the CRM's canonical
form; a value that became empty is written as the CRM's empty value; and fields
leadflow does not model come back verbatim, except those the CRM does not accept
in a write body.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from email.utils import parseaddr
from enum import Enum
from types import MappingProxyType
from typing import Any, Final, Protocol, TypeAlias

import attrs

from leadflow._validate import type_name
from leadflow.contacts import (
    Contact,
    ContactId,
    Organisation,
    PurchaseRole,
    normalise_email,
    normalise_phone,
)
from leadflow.decisions import QualificationDecision, Rating, Verdict
from leadflow.errors import (
    InvalidEmailError,
    InvalidFieldError,
    InvalidRecordError,
    NaiveDatetimeError,
    WrongTypeError,
)
from leadflow.evidence import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Evidence,
    NeedEvidence,
    NeedLevel,
    PurchaseProcess,
    TimeframeEvidence,
    TimeframeLevel,
)
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.money import Money
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "BUDGET_VALUES",
    "EMPTY",
    "LEAD_ATTRIBUTES",
    "NEED_VALUES",
    "OPPORTUNITY_ATTRIBUTES",
    "PROCESS_VALUES",
    "ROLE_VALUES",
    "TIMEFRAME_VALUES",
    "UTC",
    "Amount",
    "Choice",
    "Codec",
    "Context",
    "Count",
    "CrmId",
    "CrmLead",
    "CustomFields",
    "Day",
    "Dialect",
    "Email",
    "Field",
    "Instant",
    "InstantDay",
    "Name",
    "OpportunityFields",
    "OpportunityStageValue",
    "Percent",
    "Phone",
    "Spec",
    "Text",
    "attribute_of",
    "check_instance",
    "check_status_values",
    "closed_at",
    "copy_extras",
    "creates_open",
    "currency_code",
    "describe_table",
    "frozen_table",
    "iso_instant",
    "json_number",
    "lead_table",
    "opportunity_values",
    "read_fields",
    "read_lead_parts",
    "record_currency",
    "record_of",
    "status_values",
    "text_id",
    "values_of",
    "write_fields",
    "written_rating",
]

#: A record id as the CRM spells it: a string (Dynamics, Salesforce, HubSpot) or an
#: int (Odoo).
CrmId: TypeAlias = str | int

UTC: Final = timezone.utc

# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def _frozen_mapping(value: object) -> object:
    """Copy a mapping deeply and freeze its top level; leave anything else to validation."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: copy.deepcopy(item) for key, item in value.items()})
    return value


def _string_keyed(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise WrongTypeError(attribute.name, value, f"expected a mapping, not {type_name(value)}")
    for key in value:
        if not isinstance(key, str):
            raise WrongTypeError(
                f"{attribute.name}[{key!r}]", key, f"field names are strings, not {type_name(key)}"
            )


def _crm_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise WrongTypeError(
            attribute.name, value, f"expected a str or int, not {type_name(value)}"
        )
    if isinstance(value, str) and (not value.strip() or value != value.strip()):
        raise InvalidFieldError(attribute.name, value, "must be a non-blank id")


def _of(kind: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise WrongTypeError(
                attribute.name, value, f"expected {kind.__name__}, not {type_name(value)}"
            )

    return validate


@attrs.frozen(kw_only=True)
class CrmLead:
    """A CRM lead record, read into leadflow's terms, with nothing of it lost.

    Attributes:
        contact: The person, built from the record's contact fields.
        evidence: What the record says on need, budget, timeframe and authority.
            Fields the CRM has no column for are ``unknown`` unless a custom-field
            mapping names them. CRMs do not date each field, so no part has an
            ``observed_at``.
        id: The record's id in the CRM (``leadid``, ``Id``, ``id``), if it has one
            yet; ``None`` for a record still to be created.
        extras: Every field of the record leadflow does not model, verbatim and in
            the record's own shape, written back unchanged.
        original: The modelled fields exactly as the CRM sent them. A value left
            unchanged is written back from here, so reading and writing a record
            never reformats it. Empty for a lead built in code.

    Both mappings are deep copies, read-only at the top level.
    """

    contact: Contact = attrs.field(validator=_of(Contact))
    evidence: Evidence = attrs.field(factory=Evidence, validator=_of(Evidence))
    id: CrmId | None = attrs.field(default=None, validator=_crm_id)
    extras: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_frozen_mapping, validator=_string_keyed, hash=False
    )
    original: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_frozen_mapping, validator=_string_keyed, hash=False
    )


@attrs.frozen(kw_only=True)
class OpportunityFields:
    """What a CRM opportunity record says, in leadflow's terms.

    A summary, not a funnel stage: a CRM record carries no qualification or
    promotion decision, so it cannot be turned into an
    :class:`~leadflow.Opportunity` by itself.

    Attributes:
        id: The record's id in the CRM, if present.
        name: The opportunity's name.
        outcome: ``opportunity`` while open, ``customer`` when won, ``lost`` when lost.
        step: The sales step, when the CRM's stage maps onto one.
        probability: Win probability, 0-100, if the record has one.
        amount: The (estimated or won) amount, if any.
        expected_close: The expected closing date, if any.
    """

    id: CrmId | None = None
    name: str | None = None
    outcome: FunnelStage = FunnelStage.OPPORTUNITY
    step: OpportunityStage | None = None
    probability: int | None = None
    amount: Money | None = None
    expected_close: date | None = None


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


def _seconds(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )


def iso_instant(moment: datetime) -> str:
    """*moment* in UTC as ``2026-01-05T10:00:00Z``."""
    return _seconds(moment) + "Z"


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
    """What a codec needs besides the value: the dialect and the record's currency."""

    dialect: Dialect
    currency: str | None = None


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


def _wrong(raw: object, expected: str) -> WrongTypeError:
    return WrongTypeError("", raw, f"expected {expected}, not {type_name(raw)}")


def _fits(value: str, max_length: int | None) -> str:
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
            raise _wrong(raw, "a string")
        return raw.strip() or None

    def encode(self, value: Any, ctx: Context) -> object:
        return _fits(value, self.max_length)

    def describe(self) -> str:
        return "text" + _length(self.max_length)


@attrs.frozen
class Email:
    """An email address, normalised as :func:`leadflow.normalise_email` does.

    With ``display_name`` the CRM may send ``"Ada Lovelace <ada@example.com>"``
    (Odoo's ``email_from``); the address is taken from inside the brackets.
    """

    max_length: int | None = None
    display_name: bool = False

    def decode(self, raw: object, ctx: Context) -> str | None:
        if not isinstance(raw, str):
            raise _wrong(raw, "a string")
        text = raw
        if self.display_name and "<" in raw:
            text = parseaddr(raw)[1]
            if not text:
                raise InvalidEmailError("", raw, "not an email address")
        return normalise_email(text, field="")

    def encode(self, value: Any, ctx: Context) -> object:
        return _fits(value, self.max_length)

    def describe(self) -> str:
        return "email address" + _length(self.max_length)


@attrs.frozen
class Phone:
    """A phone number, normalised as :func:`leadflow.normalise_phone` does."""

    max_length: int | None = None

    def decode(self, raw: object, ctx: Context) -> str | None:
        if not isinstance(raw, str):
            raise _wrong(raw, "a string")
        return normalise_phone(raw, field="")

    def encode(self, value: Any, ctx: Context) -> object:
        return _fits(value, self.max_length)

    def describe(self) -> str:
        return "phone number" + _length(self.max_length)


_DECIMAL_TEXT: Final = re.compile(r"[+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?")
# Amounts this large are no CRM's money (Dynamics' Money stops below 10**15).
_MAX_AMOUNT: Final = Decimal(10) ** 15


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise _wrong(raw, "a number")
    if isinstance(raw, int):
        if abs(raw) >= 10**30:
            raise InvalidFieldError("", raw, "out of range")
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise InvalidFieldError("", raw, "must be a finite number")
        return Decimal(repr(raw))
    if isinstance(raw, str):
        text = raw.strip()
        if not _DECIMAL_TEXT.fullmatch(text):
            raise InvalidFieldError("", raw, "not a decimal number")
        return Decimal(text)
    raise _wrong(raw, "a number")


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
            raise InvalidFieldError(
                "", raw, "the record's currency is unknown: give the mapping a currency"
            )
        return Money(amount, ctx.currency)

    def encode(self, value: Any, ctx: Context) -> object:
        if not isinstance(value, Money):
            raise _wrong(value, "Money")
        if ctx.currency is None:
            raise InvalidFieldError(
                "", value, "the record's currency is unknown: give the mapping a currency"
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
            raise _wrong(raw, "a whole number")
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


_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_day(raw: object) -> date:
    if not isinstance(raw, str):
        raise _wrong(raw, "a date string")
    if _DAY.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise InvalidFieldError("", raw, "not a date (YYYY-MM-DD)")


@attrs.frozen
class Day:
    """A calendar date, ``YYYY-MM-DD``."""

    def decode(self, raw: object, ctx: Context) -> date:
        return _parse_day(raw)

    def encode(self, value: Any, ctx: Context) -> object:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"

    def describe(self) -> str:
        return "date, YYYY-MM-DD"


_INSTANT: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:?[0-9]{2})?"
)


def _parse_instant(raw: object, dialect: Dialect) -> datetime:
    if not isinstance(raw, str):
        raise _wrong(raw, "a timestamp string")
    match = _INSTANT.fullmatch(raw)
    bad = InvalidFieldError("", raw, f"not a timestamp like {dialect.instant_example}")
    if match is None:
        raise bad
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset is None:
        if not dialect.naive_utc:
            raise NaiveDatetimeError("", raw, "the timestamp has no UTC offset")
        zone = UTC
    elif offset == "Z":
        zone = UTC
    else:
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise bad
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, zone
        )
    except ValueError:
        raise bad from None


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
        return _parse_instant(raw, ctx.dialect).astimezone(UTC).date()

    def encode(self, value: Any, ctx: Context) -> object:
        return ctx.dialect.instant(datetime(value.year, value.month, value.day, tzinfo=UTC))

    def describe(self) -> str:
        return "timestamp; its UTC date"


def frozen_table(value: object) -> Any:
    """A read-only copy of a mapping (anything else is left to validation)."""
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


def status_values(value: object) -> Any:
    """A list of status values as a tuple (anything else is left to validation)."""
    return tuple(value) if isinstance(value, list) else value


def check_status_values(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a non-empty tuple of non-blank status values."""
    if not isinstance(value, tuple) or not value:
        raise WrongTypeError(attribute.name, value, "expected a non-empty tuple of values")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise WrongTypeError(f"{attribute.name}[{item!r}]", item, "expected a status value")


@attrs.frozen
class Choice:
    """A coded value (option set, picklist, selection) standing for an enum member.

    Attributes:
        table: CRM value -> member. A member listed under several values is
            written as the first; a member not listed is written as ``otherwise``.
        fallback: Read for a value of the table's type that the table does not
            list; without one, such a value is a bad field.
        otherwise: Written for members the table does not list (``None``: no value).
    """

    table: Mapping[Any, Enum] = attrs.field(converter=frozen_table, hash=False)
    fallback: Enum | None = None
    otherwise: object = None

    def decode(self, raw: object, ctx: Context) -> Enum:
        # Compared by type as well: True == 1 in Python, but not in a CRM's JSON.
        for key, member in self.table.items():
            if type(key) is type(raw) and key == raw:
                return member
        allowed = ", ".join(repr(key) for key in self.table)
        if not any(type(key) is type(raw) for key in self.table):
            raise WrongTypeError("", raw, f"expected one of {allowed}")
        if self.fallback is not None:
            return self.fallback
        raise InvalidFieldError("", raw, f"expected one of {allowed}")

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


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------

#: The value an attribute has when the record says nothing (``None`` unless listed).
EMPTY: Final[Mapping[str, object]] = MappingProxyType(
    {
        "contact.role": PurchaseRole.UNKNOWN,
        "evidence.need.level": NeedLevel.UNKNOWN,
        "evidence.budget.level": BudgetLevel.UNKNOWN,
        "evidence.timeframe.level": TimeframeLevel.UNKNOWN,
        "evidence.authority.process": PurchaseProcess.UNKNOWN,
    }
)

_ORGANISATION: Final = "contact.organisation."

#: The leadflow attributes a lead table may map, and what each holds.
LEAD_ATTRIBUTES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "contact.name": "the person's name",
        "contact.created_at": "when the record was created",
        "contact.email": "email address",
        "contact.phone": "phone number",
        "contact.job_title": "job title",
        "contact.role": "part in the purchase decision",
        "contact.source": "where the contact came from",
        "contact.organisation.name": "the buying organisation",
        "contact.organisation.industry": "its industry",
        "contact.organisation.employees": "its head count",
        "contact.organisation.website": "its web address",
        "evidence.need.level": "need",
        "evidence.budget.level": "budget status",
        "evidence.budget.amount": "budget amount",
        "evidence.timeframe.level": "purchase timeframe",
        "evidence.timeframe.decision_date": "expected decision date",
        "evidence.authority.process": "purchase process",
    }
)


#: The attributes an opportunity table may map, and what each holds.
OPPORTUNITY_ATTRIBUTES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "name": "the opportunity's name",
        "step": "sales step",
        "probability": "win probability (100 when won, 0 when lost)",
        "amount": "estimated value (the won value once won)",
        "expected_close": "expected closing date",
    }
)


def _blank(value: object, empty: object) -> bool:
    return value is None or value is empty


@attrs.frozen
class Field:
    """One row of a CRM table: a CRM field and the leadflow attribute it holds.

    Attributes:
        name: The CRM field (column, property) name.
        attr: The leadflow attribute, as a dotted path (``"contact.email"``).
        codec: How values convert.
        writable: Whether the CRM accepts the field in a write; read-only fields
            are read and never written.
        note: A remark for the documentation (e.g. which facts are unverified).
    """

    name: str
    attr: str = attrs.field()
    codec: Codec = attrs.field()
    writable: bool = True
    note: str = ""

    @attr.validator
    def _check_attr(self, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in LEAD_ATTRIBUTES and value not in OPPORTUNITY_ATTRIBUTES:
            raise InvalidFieldError(attribute.name, value, "not an attribute a table maps")

    @property
    def owns(self) -> tuple[str, ...]:
        """The CRM fields this row reads and writes."""
        return (self.name,)

    @property
    def label(self) -> str:
        """The CRM side of the row, for tables."""
        return self.name

    def describe(self) -> str:
        """The values, for tables."""
        return self.codec.describe()

    def read(self, record: Mapping[str, Any], ctx: Context) -> Any:
        """The attribute's value in *record* (its empty value when absent or blank)."""
        empty = EMPTY.get(self.attr)
        raw = record.get(self.name)
        if ctx.dialect.is_null(raw):
            return empty
        try:
            value = self.codec.decode(raw, ctx)
        except InvalidFieldError as error:
            raise error.under(self.name) from None
        return empty if value is None else value

    def write(self, value: Any, ctx: Context) -> dict[str, object]:
        """The CRM field for *value*; ``None`` for "no value"."""
        if _blank(value, EMPTY.get(self.attr)):
            return {self.name: None}
        try:
            return {self.name: self.codec.encode(value, ctx)}
        except InvalidFieldError as error:
            raise error.under(self.name) from None


@attrs.frozen
class Name:
    """The contact's name, made of one or more CRM fields.

    Reading joins the non-blank parts with a space; when every part is blank the
    first non-blank fallback field is used (fallbacks are only looked at: they
    stay with the fields leadflow does not model, or with their own row). Writing
    a changed name puts its last word in the last part and the rest in the first.

    Attributes:
        parts: The name fields, first to last (``firstname``, ``lastname``).
        fallbacks: Fields to take the name from when the parts are blank.
        max_lengths: The most characters each part holds, if limited.
        note: A remark for the documentation.
    """

    parts: tuple[str, ...]
    fallbacks: tuple[str, ...] = ()
    max_lengths: tuple[int | None, ...] = ()
    note: str = ""

    attr: str = "contact.name"
    writable: bool = True

    @property
    def owns(self) -> tuple[str, ...]:
        """The CRM fields this row reads and writes."""
        return self.parts

    @property
    def label(self) -> str:
        """The CRM side of the row, for tables."""
        return " + ".join(self.parts)

    def describe(self) -> str:
        """The values, for tables."""
        if not self.fallbacks:
            return "text"
        return "text; when blank, " + " or ".join(self.fallbacks)

    def read(self, record: Mapping[str, Any], ctx: Context) -> str | None:
        """The name in *record*, or ``None``."""
        words: list[str] = []
        for part in self.parts:
            raw = record.get(part)
            if ctx.dialect.is_null(raw):
                continue
            if not isinstance(raw, str):
                raise _wrong(raw, "a string").under(part)
            if raw.strip():
                words.append(raw.strip())
        if words:
            return " ".join(words)
        for fallback in self.fallbacks:
            raw = record.get(fallback)
            if isinstance(raw, str) and raw.strip():
                return raw.strip()
        return None

    def write(self, value: Any, ctx: Context) -> dict[str, object]:
        """The name fields for *value*."""
        if value is None:
            return dict.fromkeys(self.parts)
        if len(self.parts) == 1:
            pieces: list[str | None] = [value]
        else:
            last = value.split()[-1]
            first = value[: len(value) - len(last)].rstrip() or None
            pieces = [first, *([None] * (len(self.parts) - 2)), last]
        written: dict[str, object] = {}
        for index, (part, piece) in enumerate(zip(self.parts, pieces, strict=True)):
            limit = self.max_lengths[index] if index < len(self.max_lengths) else None
            try:
                written[part] = None if piece is None else _fits(piece, limit)
            except InvalidFieldError as error:
                raise error.under(part) from None
        return written


#: A row of a table.
Spec: TypeAlias = Field | Name


def describe_table(table: Sequence[Spec], crm: str) -> str:
    """The table as Markdown: CRM field, leadflow attribute, values, on write."""
    rows = [
        f"| {crm} field | leadflow attribute | values | on write |",
        "|---|---|---|---|",
    ]
    for spec in table:
        values = spec.describe() + (f" {spec.note}" if spec.note else "")
        write = "written" if spec.writable else "read-only, not written"
        rows.append(f"| {spec.label} | {spec.attr} | {values} | {write} |")
    return "\n".join(rows)


# --------------------------------------------------------------------------------------------
# Custom fields
# --------------------------------------------------------------------------------------------

#: Default values of a custom need field: leadflow's own level names.
NEED_VALUES: Final[Mapping[object, NeedLevel]] = MappingProxyType(
    {level.value: level for level in NeedLevel if level is not NeedLevel.UNKNOWN}
)
#: Default values of a custom budget-status field.
BUDGET_VALUES: Final[Mapping[object, BudgetLevel]] = MappingProxyType(
    {level.value: level for level in BudgetLevel if level is not BudgetLevel.UNKNOWN}
)
#: Default values of a custom timeframe field.
TIMEFRAME_VALUES: Final[Mapping[object, TimeframeLevel]] = MappingProxyType(
    {level.value: level for level in TimeframeLevel if level is not TimeframeLevel.UNKNOWN}
)
#: Default values of a custom purchase-process field.
PROCESS_VALUES: Final[Mapping[object, PurchaseProcess]] = MappingProxyType(
    {p.value: p for p in PurchaseProcess if p is not PurchaseProcess.UNKNOWN}
)
#: Default values of a custom purchase-role field.
ROLE_VALUES: Final[Mapping[object, PurchaseRole]] = MappingProxyType(
    {role.value: role for role in PurchaseRole if role is not PurchaseRole.UNKNOWN}
)


def _optional_name(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise WrongTypeError(
            attribute.name, value, f"expected a field name, not {type_name(value)}"
        )
    if not value.strip() or value != value.strip():
        raise InvalidFieldError(attribute.name, value, "must be a field name")


def _value_table(member_type: type[Enum]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping) or not value:
            raise WrongTypeError(attribute.name, value, "expected a non-empty mapping")
        for raw, member in value.items():
            if not isinstance(member, member_type):
                raise WrongTypeError(
                    f"{attribute.name}[{raw!r}]", member, f"expected a {member_type.__name__}"
                )
            if isinstance(raw, float) or not isinstance(raw, (str, int)):
                raise WrongTypeError(
                    f"{attribute.name}[{raw!r}]", raw, "expected a str, int or bool CRM value"
                )

    return validate


@attrs.frozen(kw_only=True)
class CustomFields:
    """Which custom CRM fields hold the criteria the CRM has no column for.

    Salesforce, HubSpot and Odoo have no need, budget or authority fields (and
    only Odoo a date for the timeframe), so leadflow never guesses them: name
    the custom fields that hold them here, with the values they take. A
    criterion without a field stays ``unknown``, and an ``unknown`` criterion
    never qualifies a lead under a policy that requires it.

    Each ``*_values`` table maps the CRM's raw value (as its API sends it: a
    picklist API name, a HubSpot option string such as ``"true"``, a Dynamics
    option code) to a leadflow member; by default the raw values are leadflow's
    own names (``"strong"``, ``"available"``, ``"this_quarter"``,
    ``"committee"``, ``"decision_maker"``). A blank field is ``unknown``; a value
    the table does not list is a bad field.

    A custom field given here replaces the CRM's own column for the same
    attribute.

    Attributes:
        need: Field of the need level.
        need_values: Its values.
        budget: Field of the budget status.
        budget_values: Its values.
        budget_amount: Field of the budget amount (a number in the record's currency).
        timeframe: Field of the purchase timeframe.
        timeframe_values: Its values.
        decision_date: Field of the expected decision date (a date).
        purchase_process: Field of the purchase process (individual or committee).
        purchase_process_values: Its values.
        role: Field of the contact's part in the purchase decision.
        role_values: Its values (e.g. ``{True: PurchaseRole.DECISION_MAKER}`` for a
            checkbox).
    """

    need: str | None = attrs.field(default=None, validator=_optional_name)
    need_values: Mapping[Any, NeedLevel] = attrs.field(
        default=NEED_VALUES, converter=frozen_table, validator=_value_table(NeedLevel)
    )
    budget: str | None = attrs.field(default=None, validator=_optional_name)
    budget_values: Mapping[Any, BudgetLevel] = attrs.field(
        default=BUDGET_VALUES, converter=frozen_table, validator=_value_table(BudgetLevel)
    )
    budget_amount: str | None = attrs.field(default=None, validator=_optional_name)
    timeframe: str | None = attrs.field(default=None, validator=_optional_name)
    timeframe_values: Mapping[Any, TimeframeLevel] = attrs.field(
        default=TIMEFRAME_VALUES, converter=frozen_table, validator=_value_table(TimeframeLevel)
    )
    decision_date: str | None = attrs.field(default=None, validator=_optional_name)
    purchase_process: str | None = attrs.field(default=None, validator=_optional_name)
    purchase_process_values: Mapping[Any, PurchaseProcess] = attrs.field(
        default=PROCESS_VALUES, converter=frozen_table, validator=_value_table(PurchaseProcess)
    )
    role: str | None = attrs.field(default=None, validator=_optional_name)
    role_values: Mapping[Any, PurchaseRole] = attrs.field(
        default=ROLE_VALUES, converter=frozen_table, validator=_value_table(PurchaseRole)
    )

    def __attrs_post_init__(self) -> None:
        names = [name for name, _ in self._named() if name is not None]
        for name in names:
            if names.count(name) > 1:
                raise InvalidFieldError("custom", name, "one field cannot hold two criteria")

    def _named(self) -> list[tuple[str | None, str]]:
        return [
            (self.need, "need"),
            (self.budget, "budget"),
            (self.budget_amount, "budget_amount"),
            (self.timeframe, "timeframe"),
            (self.decision_date, "decision_date"),
            (self.purchase_process, "purchase_process"),
            (self.role, "role"),
        ]

    def rows(self) -> tuple[Field, ...]:
        """The table rows for the fields named here, marked as custom."""
        candidates: list[tuple[str | None, str, Codec]] = [
            (self.need, "evidence.need.level", Choice(self.need_values)),
            (self.budget, "evidence.budget.level", Choice(self.budget_values)),
            (self.budget_amount, "evidence.budget.amount", Amount()),
            (self.timeframe, "evidence.timeframe.level", Choice(self.timeframe_values)),
            (self.decision_date, "evidence.timeframe.decision_date", Day()),
            (
                self.purchase_process,
                "evidence.authority.process",
                Choice(self.purchase_process_values),
            ),
            (self.role, "contact.role", Choice(self.role_values)),
        ]
        return tuple(
            Field(name, attr, codec, note="(custom field)")
            for name, attr, codec in candidates
            if name is not None
        )


def lead_table(native: Sequence[Spec], custom: CustomFields) -> tuple[Spec, ...]:
    """*native* rows with *custom*'s rows replacing those for the same attribute or field."""
    extra = custom.rows()
    taken_attrs = {row.attr for row in extra}
    taken_fields = {row.name for row in extra}
    kept = [
        spec
        for spec in native
        if spec.attr not in taken_attrs and not taken_fields.intersection(spec.owns)
    ]
    return (*kept, *extra)


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------


def check_instance(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    """Raise :class:`WrongTypeError` unless *value* is a *kind*."""
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
        raise WrongTypeError(name, value, f"expected {names}, not {type_name(value)}")


def record_of(record: object, what: str, field: str = "") -> Mapping[str, Any]:
    """*record* if it is a JSON object (a mapping with string keys), else raise.

    Raises:
        InvalidRecordError: naming the record (``$``) or *field* as the bad field.
    """
    if not isinstance(record, Mapping):
        raise InvalidRecordError(
            [WrongTypeError(field, record, f"expected a JSON object, not {type_name(record)}")],
            what,
        )
    bad = [key for key in record if not isinstance(key, str)]
    if bad:
        raise InvalidRecordError(
            [WrongTypeError(field, bad[0], "a JSON object's field names are strings")], what
        )
    return record


def text_id(record: Mapping[str, Any], name: str, errors: list[InvalidFieldError]) -> str | None:
    """The non-blank string id in *record*'s *name* field, or ``None`` when absent."""
    raw = record.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        errors.append(WrongTypeError(name, raw, f"expected a string id, not {type_name(raw)}"))
        return None
    if not raw.strip() or raw != raw.strip():
        errors.append(InvalidFieldError(name, raw, "must be a non-blank id"))
        return None
    return raw


def read_fields(
    record: Mapping[str, Any], table: Sequence[Spec], ctx: Context
) -> tuple[dict[str, Any], list[InvalidFieldError]]:
    """Read every row of *table* from *record*: attribute -> value, and the bad fields."""
    values: dict[str, Any] = {}
    errors: list[InvalidFieldError] = []
    for spec in table:
        try:
            values[spec.attr] = spec.read(record, ctx)
        except InvalidFieldError as error:
            errors.append(error)
            values[spec.attr] = EMPTY.get(spec.attr)
    return values, errors


def _under(error: InvalidFieldError, prefix: str | None) -> InvalidFieldError:
    return error.under(prefix) if prefix else error


def _paths(table: Sequence[Spec]) -> dict[str, str]:
    # A name made of parts is reported at its last part, the one CRMs require.
    return {spec.attr: spec.owns[-1] for spec in table}


def read_lead_parts(
    fields: Mapping[str, Any],
    table: Sequence[Spec],
    ctx: Context,
    *,
    crm_id: CrmId | None,
    what: str,
    errors: list[InvalidFieldError],
    prefix: str | None = None,
    skip: frozenset[str] = frozenset(),
) -> tuple[Contact, Evidence, dict[str, Any], dict[str, Any]]:
    """Read a lead's fields through *table*: its contact, evidence, extras and original.

    Args:
        fields: The record's fields (for HubSpot, its ``properties``).
        table: The rows to read.
        ctx: Dialect and currency.
        crm_id: The record's id, which becomes the contact's id.
        what: The record's kind, for the error message ("Dynamics 365 lead").
        errors: Bad fields found so far by the caller; every bad field is added.
        prefix: Where *fields* sit in the record (``"properties"``), for error paths.
        skip: Fields that are neither modelled nor extras (the id field).

    Raises:
        InvalidRecordError: listing every bad field.
    """
    values, found = read_fields(fields, table, ctx)
    owned = {name for spec in table for name in spec.owns}
    if values.get("contact.organisation.name") is None:
        # Without a name there is no Organisation to hold its other fields: they stay
        # with the fields leadflow does not model, and are not checked.
        loose = {
            name for spec in table if spec.attr.startswith(_ORGANISATION) for name in spec.owns
        }
        owned -= loose
        found = [e for e in found if e.field.split(".", 1)[0] not in loose]
        for spec in table:
            if spec.attr.startswith(_ORGANISATION):
                values[spec.attr] = None
    paths = _paths(table)
    owners = {spec.attr: spec.owns for spec in table}
    flagged = {e.field.split(".", 1)[0] for e in found}

    def missing(attr: str, reason: str) -> None:
        path = paths.get(attr, attr.rsplit(".", 1)[-1])
        if not flagged.intersection(owners.get(attr, (path,))):
            found.append(InvalidFieldError(path, fields.get(path), reason))

    if values.get("contact.name") is None:
        missing("contact.name", "is required: the contact has no name")
    if values.get("contact.created_at") is None:
        missing("contact.created_at", "is required: when the record was created")
    if values.get("contact.email") is None and values.get("contact.phone") is None:
        missing("contact.email", "a contact needs an email address or a phone")
    errors.extend(_under(e, prefix) for e in found)
    if errors:
        raise InvalidRecordError(errors, what)
    try:
        contact, evidence = _build(values, crm_id)
    except InvalidFieldError as error:
        raise InvalidRecordError([_under(_relocate(error, paths), prefix)], what) from None
    extras = {k: v for k, v in fields.items() if k not in owned and k not in skip}
    original = {k: v for k, v in fields.items() if k in owned}
    return contact, evidence, extras, original


_PARTS: Final = {
    Organisation: "contact.organisation.",
    Contact: "contact.",
    NeedEvidence: "evidence.need.",
    BudgetEvidence: "evidence.budget.",
    TimeframeEvidence: "evidence.timeframe.",
    AuthorityEvidence: "evidence.authority.",
}


def _make(kind: type, values: Mapping[str, Any], **more: Any) -> Any:
    prefix = _PARTS[kind]
    given = {
        a.name: values[prefix + a.name] for a in attrs.fields(kind) if prefix + a.name in values
    }
    try:
        return kind(**given, **more)
    except InvalidFieldError as error:
        raise InvalidFieldError(prefix + error.field, error.value, error.reason) from None


def _build(values: Mapping[str, Any], crm_id: CrmId | None) -> tuple[Contact, Evidence]:
    organisation = None
    if values.get("contact.organisation.name") is not None:
        organisation = _make(Organisation, values)
    contact = _make(
        Contact,
        values,
        organisation=organisation,
        id=None if crm_id is None else ContactId(str(crm_id)),
    )
    evidence = Evidence(
        need=_make(NeedEvidence, values),
        budget=_make(BudgetEvidence, values),
        timeframe=_make(TimeframeEvidence, values),
        authority=_make(AuthorityEvidence, values),
    )
    return contact, evidence


def _relocate(error: InvalidFieldError, paths: Mapping[str, str]) -> InvalidFieldError:
    return InvalidFieldError(paths.get(error.field, error.field), error.value, error.reason)


def attribute_of(value: object, path: str) -> Any:
    """Follow the dotted *path* from *value*; ``None`` once a step is ``None``."""
    current: Any = value
    for step in path.split("."):
        if current is None:
            return None
        current = current[step] if isinstance(current, Mapping) else getattr(current, step)
    return current


_CHANGED: Final = object()


def write_fields(
    values: Mapping[str, Any],
    table: Sequence[Spec],
    ctx: Context,
    *,
    extras: Mapping[str, Any],
    original: Mapping[str, Any],
    errors: list[InvalidFieldError],
    prefix: str | None = None,
) -> dict[str, Any]:
    """Write the writable rows of *table* for *values* (attribute -> value).

    Args:
        values: The leadflow values, by attribute.
        table: The rows.
        ctx: Dialect and currency.
        extras: The fields read and not modelled.
        original: The modelled fields as read, so a value leadflow left unchanged
            is written back exactly as read.
        errors: Bad values are added here, with their CRM field paths.
        prefix: Where the fields sit in the record, for error paths.

    Returns:
        The CRM fields to write.
    """
    as_read = {**extras, **original}
    out: dict[str, Any] = {}
    for spec in table:
        if not spec.writable:
            continue
        current = values.get(spec.attr, EMPTY.get(spec.attr))
        if _blank(current, EMPTY.get(spec.attr)) and not any(k in original for k in spec.owns):
            # Nothing was read here and nothing is known now: whatever the record holds
            # under these names (say, an industry without a company) stays as it is.
            continue
        try:
            before = spec.read(as_read, ctx)
        except InvalidFieldError:
            before = _CHANGED
        if before == current:
            out.update({k: copy.deepcopy(as_read[k]) for k in spec.owns if k in as_read})
            continue
        try:
            written = spec.write(current, ctx)
        except InvalidFieldError as error:
            errors.append(_under(error, prefix))
            continue
        for name, raw in written.items():
            if raw is not None:
                out[name] = raw
            elif name in as_read:
                out[name] = ctx.dialect.null
    return out


def values_of(value: object, table: Sequence[Spec]) -> dict[str, Any]:
    """The values of *value* (a lead, an opportunity) for every row of *table*, by attribute."""
    return {spec.attr: attribute_of(value, spec.attr) for spec in table}


def copy_extras(
    extras: Mapping[str, Any], read_only: Callable[[str, object], bool]
) -> dict[str, Any]:
    """Deep copies of the *extras* a CRM accepts in a write body (by name and value)."""
    return {k: copy.deepcopy(v) for k, v in extras.items() if not read_only(k, v)}


def currency_code(value: object) -> object:
    """Normalise an ISO 4217 code as :class:`~leadflow.Money` does (``None`` passes)."""
    if value is None:
        return None
    try:
        return Money.zero(value).currency  # type: ignore[arg-type]  # checked inside
    except InvalidFieldError as error:
        raise InvalidFieldError("currency", value, error.reason) from None


def record_currency(
    field: str, raw: object, code: object, errors: list[InvalidFieldError] | None = None
) -> str | None:
    """The currency *code* a record states in *field* (whose whole value is *raw*).

    When reading, pass *errors*: a bad code is reported there as a bad *field*. When
    writing back (the record was read once already) a bad code is ignored. Either way
    the answer is then ``None``.
    """
    try:
        normalised = currency_code(code)
    except InvalidFieldError as error:
        if errors is not None:
            errors.append(InvalidFieldError(field, raw, error.reason))
        return None
    return normalised if isinstance(normalised, str) else None


#: Any opportunity-level stage.
OpportunityStageValue: TypeAlias = Opportunity | Customer | LostOpportunity


def opportunity_values(value: object) -> dict[str, Any]:
    """The opportunity-level values of an open, won or lost opportunity, by attribute.

    A won opportunity's probability is 100 and its amount the won value (or the
    estimate when no value was recorded); a lost one's probability is 0.

    Raises:
        WrongTypeError: *value* is not an opportunity-level stage.
    """
    if not isinstance(value, (Opportunity, Customer, LostOpportunity)):
        raise WrongTypeError(
            "opportunity",
            value,
            f"expected an Opportunity, Customer or LostOpportunity, not {type_name(value)}",
        )
    probability = value.probability
    amount = value.estimated_value
    if isinstance(value, Customer):
        probability = 100
        amount = value.won_value if value.won_value is not None else amount
    elif isinstance(value, LostOpportunity):
        probability = 0
    return {
        "name": value.name,
        "step": value.step,
        "probability": probability,
        "amount": amount,
        "expected_close": value.expected_close,
    }


def closed_at(value: OpportunityStageValue) -> datetime | None:
    """When a won or lost opportunity closed; ``None`` while it is open."""
    return None if isinstance(value, Opportunity) else value.history[-1].at


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


def written_rating(decision: QualificationDecision) -> Rating | None:
    """The rating *decision* writes to a CRM record, or ``None`` to leave the record's own.

    An undetermined decision scores only what is known so far (a criterion nobody has
    asked about scores nothing): a warm rating is earned by that evidence alone, but a
    cold one says no more than that little is known yet. Not knowing is not a cold
    lead, so a cold undetermined rating is not written.
    """
    if decision.verdict is Verdict.UNDETERMINED and decision.rating is Rating.COLD:
        return None
    return decision.rating


def creates_open(crm_lead: CrmLead, decision: QualificationDecision | None) -> bool:
    """Whether writing *decision* creates *crm_lead* as a lead that must be open.

    True for a lead with no id yet and a verdict that does not end it (anything but
    disqualified): it is created in the CRM's open default status, as far as the
    verdict leaves the status to the CRM.
    """
    return (
        crm_lead.id is None
        and decision is not None
        and decision.verdict is not Verdict.DISQUALIFIED
    )
