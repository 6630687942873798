r"""The grammar of leadflow's values: how each kind of value is read from text.

Every datetime, date, duration, decimal number, amount, currency code, head count,
level, email address, phone number and signal name that leadflow reads -- from a
flat record, a JSON document, a policy file or the command line -- is read here,
by one rule per kind. Each rule is written once, as a *pattern*, and its reader
decides by that same pattern before it builds the value; the JSON Schema
documents (:mod:`leadflow.schema`) are generated from the patterns, so a schema
accepts a value exactly when leadflow does. Validity never depends on
:meth:`datetime.fromisoformat` or :class:`~decimal.Decimal`, which accept far
more (and, for ``fromisoformat``, more on Python 3.11 than on 3.10).

A pattern is a string in the syntax that ECMA-262 (the regular expressions of
JSON Schema) and Python's :mod:`re` read alike: ``[0-9]``, never ``\d`` (any
script's digits in Python); explicit classes, never ``\s`` or ``.`` (whose sets
differ between the two); no named groups, no flags. A pattern here is the *core*
of a value, unanchored: :func:`padded` anchors it and lets blanks surround it,
:func:`whole` anchors it alone.

The rules (docs/serialization.md, "How values are written", gives them to users):

==========  ===============================================  =====================
kind        accepted                                          canonical form
==========  ===============================================  =====================
datetime    ``YYYY-MM-DD``, ``T``/``t``/space, ``hh:mm``,     ``2026-01-05T09:30:00+01:00``
            optional ``:ss`` and ``.f`` (1-6 digits), then
            ``Z``/``z`` or ``+hh:mm``/``-hh:mm``; a real
            calendar day, years 0001-9999
date        ``YYYY-MM-DD``, a real calendar day               ``2026-01-05``
duration    ISO 8601 in weeks, days, hours, minutes,          ``P180D``, ``PT36H``
            seconds (``.f`` or ``,f``, 1-6 digits), either
            case, optional leading ``-``; each count 1-8
            digits. Or a whole number of seconds
decimal     optional ``-``, 1-18 digits, optional ``.`` and   ``-12.5``
            1-400 digits; a number below 10**18 in size
amount      a decimal without a sign                          ``60000.50``
count       1-12 digits; a whole number below 10**12          ``420``
currency    three letters, either case (read upper case)      ``EUR``
level       one of the enum's values, in any case (ASCII),     ``decision_maker``
            a hyphen or blanks for each ``_``
email       ASCII dot-atom local part (1-64), ``@``,          ``ada@example.com``,
            dotted domain of labels (1-253 characters),       ``anna@bücher.example``
            which may be internationalised; the domain
            lower-cased, then NFC-normalised
phone       optional ``+`` then 7-15 digits, separators       ``+442079460958``,
            (blanks, ``( ) . - /``) anywhere; a trunk         ``+14155550100;ext=12``
            ``(0)`` after the country code dropped; then
            perhaps an extension: ``ext``, ``ext.``,
            ``extension``, ``x`` or ``;ext=``, any case,
            and 1-10 digits
signal      lower case letter, then letters, digits and       ``total_visits``
name        ``_``, at most 63
==========  ===============================================  =====================

Blanks (the characters :meth:`str.isspace` knows, which :meth:`str.strip`
removes) may surround every value except a signal name and are not part of it;
a value that is only blanks is no value, which callers treat as missing.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Final, Generic, Literal, TypeGuard, TypeVar

import attrs

from leadflow.errors import (
    InvalidEmailError,
    InvalidFieldError,
    InvalidPhoneError,
    NaiveDatetimeError,
    WrongTypeError,
)

__all__ = [
    "AMOUNT",
    "BLANK",
    "COUNT",
    "COUNT_LIMIT",
    "CURRENCY",
    "DATE",
    "DATETIME",
    "DECIMAL",
    "DECIMAL_LIMIT",
    "DURATION",
    "EMAIL",
    "MAX_DIGITS",
    "MAX_EXTENSION",
    "MAX_PLACES",
    "MAX_SECONDS",
    "MIN_SECONDS",
    "MISSING_TEXT",
    "MISSING_TEXTS",
    "NONPOSITIVE_DURATION",
    "NOT_BLANK",
    "PHONE",
    "SIGNAL_NAME",
    "U_LETTER",
    "Choices",
    "choices",
    "format_duration",
    "is_blank",
    "is_missing",
    "is_nan",
    "is_signal_name",
    "kind",
    "level_key",
    "level_pattern",
    "one_of",
    "padded",
    "parse_duration",
    "phone_repair",
    "read_count",
    "read_currency",
    "read_date",
    "read_datetime",
    "read_decimal",
    "read_email",
    "read_emails",
    "read_integer",
    "read_phone",
    "read_text",
    "whole",
    "write_decimal",
]

E = TypeVar("E", bound=Enum)

# ----------------------------------------------------------------------------------------
# Blanks, and how a pattern becomes a whole value
# ----------------------------------------------------------------------------------------

# Exactly the characters str.isspace() is true for (tests/test_grammar.py checks every
# code point): what str.strip() removes and Python's \s matches. ECMA-262's \s is another
# set (it has U+FEFF, not U+001C-U+001F or U+0085), so the class is spelt out.
_BLANKS: Final = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

#: One blank character.
BLANK: Final = f"[{_BLANKS}]"
#: One character that is not blank; searched for, it says a text is not blank.
NOT_BLANK: Final = f"[^{_BLANKS}]"


def padded(core: str) -> str:
    """*core* as a whole value that blanks may surround."""
    return f"^{BLANK}*(?:{core}){BLANK}*$"


def whole(core: str) -> str:
    r"""*core* as a whole value, with nothing around it.

    Python's ``$`` also matches before a final newline, ECMA-262's does not; the
    ``(?!\n)`` makes both refuse ``"name\n"``.
    """
    return f"^(?:{core})(?!\\n)$"


_WORD: Final = re.compile("[a-z0-9_]+")


def one_of(values: Iterable[str]) -> str:
    """A pattern matching any of *values* (lower-case words, which need no escaping)."""
    words = list(values)
    for word in words:
        if not _WORD.fullmatch(word):
            raise ValueError(f"not a word a pattern can list as it is: {word!r}")
    return "|".join(words)


def is_blank(value: object) -> bool:
    """Whether *value* is no value: ``None``, or text of blanks only."""
    return value is None or (isinstance(value, str) and not value.strip())


#: The texts a spreadsheet or a data frame writes for an empty cell, in lower case:
#: pandas' ``NaN``, Python's ``None``, SQL's and JSON's ``null``, Excel's ``#N/A``
#: and people's ``N/A``. Not ``NA`` (a word, and a code) nor ``-`` (a sign).
MISSING_TEXTS: Final = frozenset({"nan", "none", "null", "n/a", "#n/a"})
_LONGEST_MISSING: Final = max(map(len, MISSING_TEXTS))


def _any_case(text: str) -> str:
    """A pattern of *text* (letters and ``/#``) with each ASCII letter in either case."""
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in text)


#: A text of :data:`MISSING_TEXTS` in any case, as :func:`is_missing` reads one.
MISSING_TEXT: Final = "|".join(_any_case(text) for text in sorted(MISSING_TEXTS))


def is_nan(value: object) -> bool:
    """Whether *value* is a number that is not a number: a float, ``Decimal`` or other NaN."""
    if isinstance(value, float):
        return value != value  # only NaN is unequal to itself
    if isinstance(value, Decimal):
        return value.is_nan()
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Rational):
        return math.isnan(value)  # numpy's float32, say
    return False


def is_missing(value: object) -> bool:
    """Whether a cell of a spreadsheet or a data frame holds no value.

    :func:`is_blank`, a NaN (:func:`is_nan`: what pandas gives for an empty cell),
    or one of :data:`MISSING_TEXTS` in any case, blanks around it (``"NaN"``,
    ``"NULL"``, ``" n/a "``, ``"#N/A"``).

    >>> [is_missing(v) for v in (None, " ", float("nan"), Decimal("NaN"), "#N/A", "0", "Nancy")]
    [True, True, True, True, True, False, False]
    """
    if isinstance(value, str):
        text = value.strip()
        return not text or (len(text) <= _LONGEST_MISSING and text.lower() in MISSING_TEXTS)
    return value is None or is_nan(value)


_KINDS: Final[dict[type, str]] = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    float: "a number with a fraction",
    str: "a string",
    list: "an array",
    dict: "an object",
}


def kind(value: object) -> str:
    """How a JSON reader would name the type of *value*, for messages."""
    return _KINDS.get(type(value), type(value).__name__)


def read_text(field: str, value: object) -> str:
    """*value*, a string, without its surrounding blanks.

    Raises:
        WrongTypeError: *value* is not a string.
    """
    if isinstance(value, str):
        return value.strip()
    raise WrongTypeError(field, value, f"expected a string, not {kind(value)}")


# ----------------------------------------------------------------------------------------
# Levels: an enum's values
# ----------------------------------------------------------------------------------------


@attrs.frozen
class Choices(Generic[E]):
    """An enum's values as text: the member of each, the message and the pattern.

    Attributes:
        enum: The enum.
        members: Its members by value.
        allowed: The message for a value that is none of them.
        pattern: A pattern of its values as :meth:`read` reads them, in any case
            and with hyphens or blanks for ``_`` (see :func:`level_pattern`).
    """

    enum: type[E]
    members: Mapping[str, E]
    allowed: str
    pattern: str

    def read(self, field: str, value: object) -> E:
        """The member that *value* names: its value as text, or the member itself.

        The value may be spelt as people write it (:func:`level_key`): in any case,
        with a space or a hyphen for each ``_`` (``"This Quarter"``,
        ``"decision-maker"``).

        Raises:
            InvalidFieldError: text that is none of the values.
            WrongTypeError: *value* is neither text nor a member.
        """
        if isinstance(value, str):
            member = self.members.get(value.strip())
            if member is None:
                member = self.members.get(level_key(value))
                if member is None:
                    raise InvalidFieldError(field, value, self.allowed)
            return member
        if isinstance(value, self.enum):
            return value
        raise WrongTypeError(field, value, f"{self.allowed}, not {kind(value)}")


# Between two words of a level, what people write for its "_": a hyphen, or blanks.
_LEVEL_GAP: Final = f"[_-]|{BLANK}+"
_LEVEL_GAPS: Final = re.compile(_LEVEL_GAP)


def level_key(text: str) -> str:
    """*text* spelt as a level's value (``"This Quarter"`` as ``"this_quarter"``).

    Stripped, each ``-`` or run of blanks an ``_``, ASCII letters in lower case:
    ``"This Quarter"``, ``"this-quarter"`` and ``" THIS  QUARTER "`` are all
    ``"this_quarter"``. Only ASCII letters change case: a level's values are
    ASCII words, and JSON Schema's patterns can spell ASCII cases out
    (:func:`level_pattern`); text with any other letter is left as it is, and
    names no level.

    >>> level_key(" Decision maker "), level_key("decision-maker"), level_key("NO_SUPPLIER")
    ('decision_maker', 'decision_maker', 'no_supplier')
    """
    key = _LEVEL_GAPS.sub("_", text.strip())
    return key.lower() if key.isascii() else key


def level_pattern(words: Iterable[str]) -> str:
    """A pattern of *words* (see :func:`one_of`) as :func:`level_key` reads them.

    Each ASCII letter in either case (``[Tt]``), each ``_`` a hyphen, an ``_`` or
    a run of blanks: ECMA-262 has no case-insensitive pattern without a flag, and
    JSON Schema allows none.
    """
    gap = f"(?:{_LEVEL_GAP})"
    return "|".join(
        gap.join(_any_case(part) for part in word.split("_")) for word in one_of(words).split("|")
    )


def choices(enum: type[E]) -> Choices[E]:
    """The :class:`Choices` of *enum*, whose values are lower-case words."""
    members = {str(member.value): member for member in enum}
    allowed = "expected one of " + ", ".join(repr(value) for value in members)
    return Choices(enum, members, allowed, level_pattern(members))


# ----------------------------------------------------------------------------------------
# Dates and datetimes
# ----------------------------------------------------------------------------------------

# Months of 31 days, of 30, and February up to the 28th; the 29th only in a leap year:
# a multiple of 4 that is not a multiple of 100, or a multiple of 400. Year 0000 does
# not exist (Python's years run from 1).
_MONTH_DAY: Final = (
    "(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8])"
)
_LEAP_YEAR: Final = "[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00"
#: A calendar date, ``YYYY-MM-DD``, that exists.
DATE: Final = f"(?!0000)(?:[0-9]{{4}}-(?:{_MONTH_DAY})|(?:{_LEAP_YEAR})-02-29)"

_HOUR: Final = "[01][0-9]|2[0-3]"
_MINUTE: Final = "[0-5][0-9]"
_FRACTION: Final = "[0-9]{1,6}"
# An offset may have seconds, and then microseconds, as isoformat() writes one that has
# them (a zone's local mean time before standard time: New York's is -04:56:02).
_OFFSET: Final = f"[Zz]|[+-](?:{_HOUR}):{_MINUTE}(?::{_MINUTE}(?:\\.[0-9]{{6}})?)?"
_CLOCK: Final = f"[Tt ]({_HOUR}):({_MINUTE})(?::({_MINUTE})(?:\\.({_FRACTION}))?)?"
#: A datetime with its UTC offset. Its groups are the date, the hour, the minute, the
#: second, the fraction of a second and the offset; the reader builds the value from them.
DATETIME: Final = f"({DATE}){_CLOCK}({_OFFSET})"

_DATE_MATCH: Final = re.compile(DATE)
# The shape isoformat() writes, with the offset's range checked here (fromisoformat()
# would take "+00:60"); everything else about it is checked by fromisoformat().
_CANONICAL_DATETIME: Final = re.compile(
    f"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}[+-](?:{_HOUR}):{_MINUTE}"
)
_DATETIME_MATCH: Final = re.compile(DATETIME)
# A date, or a datetime that lacks only its offset: refused, or read in a time zone
# given. Its groups are the date, the hour, the minute, the second and the fraction.
_NAIVE: Final = re.compile(f"({DATE})(?:{_CLOCK})?")


def _in_zone(field: str, value: object, local: datetime, zone: tzinfo) -> datetime:
    """The naive *local* read as a wall-clock time in *zone*, with its UTC offset.

    The offset is the one *zone* gives with ``fold=0`` (:pep:`495`, as
    :mod:`zoneinfo` reads it): a time that happens twice when clocks go back is
    its first occurrence, and a time that clocks skip is read with the offset from
    before the change (02:30 on the night Berlin moves to summer time is 02:30+01:00,
    which is 03:30 summer time). The value is given a fixed offset, the one it would
    have been written with, so that it compares and prints like any other.
    """
    offset = local.replace(tzinfo=zone, fold=0).utcoffset()
    if offset is None:
        raise NaiveDatetimeError(field, value, f"the time zone {zone!r} gives no UTC offset")
    return local.replace(tzinfo=timezone(offset), fold=0)


def read_datetime(field: str, value: object, zone: tzinfo | None = None) -> datetime:
    """Read a datetime with a UTC offset (see :data:`DATETIME`), or take an aware datetime.

    With a *zone*, a datetime without an offset (``2026-11-02 09:00``, a naive
    :class:`~datetime.datetime`) is a wall-clock time there, and a date alone
    (``2026-11-02``, a :class:`~datetime.date`) is the start of that day there
    (a time that clocks skip or repeat is read with ``fold=0``: see the
    module's ``_in_zone``). A value with an offset keeps its own.

    Raises:
        NaiveDatetimeError: a datetime, or a date, without a UTC offset (and no *zone*).
        InvalidFieldError: text that is no such datetime.
        WrongTypeError: neither text nor a datetime (nor a date, with a *zone*).
    """
    if isinstance(value, str):
        text = value.strip()
        if _CANONICAL_DATETIME.fullmatch(text):
            # The form isoformat() writes, by far the most common: fromisoformat()
            # checks the same calendar and clock as the pattern (days that exist, hours
            # to 23, minutes and seconds to 59, no year 0), in C.
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                raise InvalidFieldError(field, value, "not an ISO 8601 datetime") from None
        match = _DATETIME_MATCH.fullmatch(text)
        if match is None:
            naive = _NAIVE.fullmatch(text)
            if naive is None:
                raise InvalidFieldError(field, value, "not an ISO 8601 datetime")
            if zone is None:
                raise NaiveDatetimeError(field, value, "datetime has no UTC offset")
            day, hour, minute, second, fraction = naive.groups()
            micro = (fraction or "").ljust(6, "0")
            clock = f"{hour or '00'}:{minute or '00'}:{second or '00'}.{micro}"
            return _in_zone(field, value, datetime.fromisoformat(f"{day}T{clock}"), zone)
        # The pattern has decided. The value is built from the text spelt as
        # isoformat() spells it, which fromisoformat() reads back alike on every Python
        # (it is documented as its inverse), and in C, several times faster than by hand.
        day, hour, minute, second, fraction, offset = match.groups()
        canonical = text[10] == "T" and second and len(offset) > 1
        if not canonical or (fraction is not None and len(fraction) != 6):
            micro = (fraction or "").ljust(6, "0")
            offset = "+00:00" if len(offset) == 1 else offset
            text = f"{day}T{hour}:{minute}:{second or '00'}.{micro}{offset}"
        return datetime.fromisoformat(text)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            if zone is None:
                raise NaiveDatetimeError(field, value, "datetime has no UTC offset")
            return _in_zone(field, value, value.replace(tzinfo=None), zone)
        return value
    if zone is not None and isinstance(value, date):
        return _in_zone(field, value, datetime(value.year, value.month, value.day), zone)
    raise WrongTypeError(field, value, f"expected an ISO 8601 datetime, not {kind(value)}")


# How CRMs write a timestamp: a space or "T", up to nine digits of fraction (only six are
# kept), and an offset with or without its colon, or none where the CRM means UTC.
_TIMESTAMP: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:?[0-9]{2})?"
)


def read_timestamp(field: str, value: object, *, naive_utc: bool, example: str) -> datetime:
    """Read a timestamp as a CRM writes it (see :mod:`leadflow.adapters`).

    Args:
        field: The field, for errors.
        value: The text.
        naive_utc: Whether a timestamp without an offset means UTC (Odoo's do);
            otherwise it is refused.
        example: A timestamp of the CRM's, for the message.

    Raises:
        NaiveDatetimeError: no offset, where one is needed.
        InvalidFieldError: no such timestamp.
        WrongTypeError: not text.
    """
    if not isinstance(value, str):
        raise WrongTypeError(field, value, f"expected a timestamp string, not {kind(value)}")
    match = _TIMESTAMP.fullmatch(value)
    bad = InvalidFieldError(field, value, f"not a timestamp like {example}")
    if match is None:
        raise bad
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset is None:
        if not naive_utc:
            raise NaiveDatetimeError(field, value, "the timestamp has no UTC offset")
        zone = timezone.utc
    elif offset == "Z":
        zone = timezone.utc
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


def read_date(field: str, value: object) -> date:
    """Read a calendar date, ``YYYY-MM-DD`` (see :data:`DATE`), or take a date.

    Raises:
        InvalidFieldError: text that is no such date, or a day that does not exist.
        WrongTypeError: neither text nor a date (a datetime is not a date).
    """
    if isinstance(value, str):
        text = value.strip()
        if _DATE_MATCH.fullmatch(text):
            return date.fromisoformat(text)  # spelt as isoformat() spells it, as above
        raise InvalidFieldError(field, value, "not an ISO 8601 date (YYYY-MM-DD)")
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise WrongTypeError(field, value, f"expected an ISO 8601 date, not {kind(value)}")


# ----------------------------------------------------------------------------------------
# Durations
# ----------------------------------------------------------------------------------------

# At most 8 digits a count: even 99999999 weeks, days, hours, minutes and seconds
# together stay below timedelta's limit of 999999999 days, so no duration overflows.
_COUNT: Final = "[0-9]{1,8}"
_SECONDS: Final = f"{_COUNT}(?:[.,]{_FRACTION})?[Ss]"
_TIME: Final = (
    f"[Tt](?:{_COUNT}[Hh](?:{_COUNT}[Mm])?(?:{_SECONDS})?|{_COUNT}[Mm](?:{_SECONDS})?|{_SECONDS})"
)
#: An ISO 8601 duration in weeks, days, hours, minutes and seconds, at least one of them.
DURATION: Final = (
    f"-?[Pp](?:{_COUNT}[Ww](?:{_COUNT}[Dd])?(?:{_TIME})?|{_COUNT}[Dd](?:{_TIME})?|{_TIME})"
)
#: Matches (unanchored at its end) a duration that is not positive: negative, or of
#: nothing but zeros. With :data:`DURATION`, it refuses what a policy's windows refuse.
NONPOSITIVE_DURATION: Final = f"^{BLANK}*(?:-|[Pp][0WwDdTtHhMmSs.,]*{BLANK}*$)"

#: The whole seconds a duration may be given as: what :class:`~datetime.timedelta` holds.
MIN_SECONDS: Final = timedelta.min // timedelta(seconds=1)
MAX_SECONDS: Final = timedelta.max // timedelta(seconds=1)

_DURATION_MATCH: Final = re.compile(DURATION)
# Once a text matches DURATION, its parts: a count, a fraction of it, the unit. An "M"
# is always minutes: the pattern has no months.
_PART: Final = re.compile("([0-9]+)(?:[.,]([0-9]+))?([A-Za-z])")
_UNITS: Final = {"W": "weeks", "D": "days", "H": "hours", "M": "minutes", "S": "seconds"}
# Only for the message: what would be a duration if years and months had a fixed length.
_CALENDAR: Final = re.compile(
    "-?P(?:[0-9]+[YMWD])*[0-9]+[YM](?:[0-9]+[YMWD])*(?:T.*)?", re.IGNORECASE | re.DOTALL
)


def parse_duration(value: object, field: str = "") -> timedelta:
    """Read an ISO 8601 duration (weeks to seconds) or a whole number of seconds.

    Either case is read (``"p180d"``); a whole number may also be written as a
    float (``3600.0``). The text rule is :data:`DURATION`.

    Raises:
        InvalidFieldError: not such a duration (years and months are refused: they
            have no fixed length), or more seconds than a timedelta holds.

    >>> parse_duration("P180D") == timedelta(days=180), parse_duration(90)
    (True, datetime.timedelta(seconds=90))
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if not MIN_SECONDS <= value <= MAX_SECONDS:
            raise InvalidFieldError(field, value, "duration out of range")
        return timedelta(seconds=value)
    if not isinstance(value, str):
        raise WrongTypeError(
            field, value, f"expected an ISO 8601 duration or seconds, not {kind(value)}"
        )
    text = value.strip()
    if _DURATION_MATCH.fullmatch(text) is None:
        reason = (
            "years and months have no fixed length; use weeks, days or hours"
            if _CALENDAR.fullmatch(text)
            else "not an ISO 8601 duration such as P180D or PT12H"
        )
        raise InvalidFieldError(field, value, reason)
    parts: dict[str, int] = {}
    microseconds = 0
    for count, fraction, unit in _PART.findall(text):
        parts[_UNITS[unit.upper()]] = int(count)
        if fraction:
            microseconds = int(fraction.ljust(6, "0"))
    duration = timedelta(microseconds=microseconds, **parts)
    return -duration if text[0] == "-" else duration


def format_duration(value: timedelta) -> str:
    """Write *value* as an ISO 8601 duration in days, hours, minutes and seconds.

    >>> format_duration(timedelta(days=180)), format_duration(timedelta(hours=36, seconds=0.5))
    ('P180D', 'P1DT12H0.5S')
    """
    if value < timedelta(0):
        return "-" + format_duration(-value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or value.microseconds:
        fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        clock += f"{seconds}{fraction}S"
    text = "P" + (f"{value.days}D" if value.days else "") + (f"T{clock}" if clock else "")
    return "PT0S" if text == "P" else text


# ----------------------------------------------------------------------------------------
# Numbers: decimals, amounts, counts
# ----------------------------------------------------------------------------------------

#: Digits a decimal may have before its point, and after it. 18 keeps every number
#: well inside the decimal context (no sum or product of them overflows); 400 places
#: are more than the exact spelling of any float needs (324), so every JSON number a
#: program writes can be read.
MAX_DIGITS: Final = 18
MAX_PLACES: Final = 400
#: Every decimal is smaller than this in size.
DECIMAL_LIMIT: Final = 10**MAX_DIGITS

#: A decimal without a sign, in plain notation: no exponent, no "+", no ".5" or "5.",
#: no separators.
AMOUNT: Final = f"[0-9]{{1,{MAX_DIGITS}}}(?:\\.[0-9]{{1,{MAX_PLACES}}})?"
#: A decimal in plain notation, which may be negative.
DECIMAL: Final = f"-?(?:{AMOUNT})"

_DECIMAL_MATCH: Final = re.compile(DECIMAL)
_LIMIT: Final = Decimal(DECIMAL_LIMIT)
# Only for the message: plain notation of any length.
_LONG_DECIMAL: Final = re.compile("-?([0-9]+)(?:\\.([0-9]+))?")
_TOO_LARGE: Final = f"too large: at most {MAX_DIGITS} digits before the point"
_TOO_PRECISE: Final = f"too precise: at most {MAX_PLACES} digits after the point"
_INEXACT: Final = "expected a decimal string; a float is inexact, write it as text"

#: How a float is read: only when it is a whole number (which it holds exactly), or
#: as any finite float, through its shortest ``repr`` (a measurement, not money).
Floats = Literal["whole", "shortest"]


def _decimal_problem(text: str) -> str:
    long = _LONG_DECIMAL.fullmatch(text)
    if long is None:
        return "not a decimal number"
    return _TOO_LARGE if len(long[1]) > MAX_DIGITS else _TOO_PRECISE


def read_decimal(
    field: str, value: object, *, signed: bool = True, floats: Floats = "whole"
) -> Decimal:
    """Read a decimal: text (see :data:`DECIMAL`), an ``int``, a ``Decimal`` or a float.

    Args:
        field: The field, for errors.
        value: The value.
        signed: Whether it may be negative; without, the text rule is :data:`AMOUNT`.
        floats: How a float is read (see :data:`Floats`); JSON numbers read with
            ``parse_float=Decimal`` arrive as Decimals.

    Raises:
        InvalidFieldError: not a decimal, not finite, negative where it may not be,
            :data:`DECIMAL_LIMIT` or more in size, or with more than
            :data:`MAX_PLACES` digits after the point.
        WrongTypeError: a float with a fraction (unless *floats* is ``"shortest"``),
            or no number at all.
    """
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL_MATCH.fullmatch(text) is None:
            raise InvalidFieldError(field, value, _decimal_problem(text))
        if not signed and text[0] == "-":
            raise InvalidFieldError(field, value, "must not be negative")
        return Decimal(text)
    if isinstance(value, numbers.Integral) and not isinstance(value, int):
        value = int(value)  # numpy's int64, say: a whole number, held exactly
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        if not -DECIMAL_LIMIT < value < DECIMAL_LIMIT:
            raise InvalidFieldError(field, value, _TOO_LARGE)
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidFieldError(field, value, "must be a finite number")
        if floats == "shortest":
            number = Decimal(repr(value))
        elif value.is_integer():
            number = Decimal(int(value))
        else:
            raise WrongTypeError(field, value, _INEXACT)
    else:
        number = None
    if number is None:
        expected = "a number" if floats == "shortest" else "a decimal string"
        raise WrongTypeError(field, value, f"expected {expected}, not {kind(value)}")
    if not number.is_finite():
        raise InvalidFieldError(field, value, "must be a finite number")
    if number.copy_abs() >= _LIMIT:  # exact, where abs() rounds to the context
        raise InvalidFieldError(field, value, _TOO_LARGE)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise InvalidFieldError(field, value, _TOO_PRECISE)
    if not signed and number < 0:
        raise InvalidFieldError(field, value, "must not be negative")
    return number


def read_amount(field: str, value: object) -> Decimal:
    """Read an amount of money: a decimal as :func:`read_decimal` reads one, without a sign."""
    return read_decimal(field, value, signed=False)


def write_decimal(value: Decimal) -> str:
    """*value* as text that :func:`read_decimal` reads back: plain notation.

    A value beyond the grammar's bounds (a sum that grew past them; a number built
    in code) cannot be read back whatever its spelling; it is written short, in
    exponent notation, rather than grow into a page of zeros.
    """
    exponent = value.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and exponent >= -MAX_PLACES
        and (value.is_zero() or value.copy_abs() < _LIMIT)
    ):
        return format(value, "f")
    return str(value)


#: A head count as text: 1 to 12 digits.
COUNT: Final = "[0-9]{1,12}"
#: Every count is smaller than this.
COUNT_LIMIT: Final = 10**12

_COUNT_MATCH: Final = re.compile(COUNT)
_WHOLE_NUMBER: Final = "expected a whole number of 0 or more"


def read_integer(field: str, value: object, low: int, high: int, expected: str) -> int:
    """Read a whole number from *low* to *high* that is not text.

    An ``int``, or a float or ``Decimal`` without a fraction: JSON Schema counts
    ``120.0`` as an integer, and so does leadflow. *expected* says what was
    expected, for errors.

    Raises:
        InvalidFieldError: out of range.
        WrongTypeError: not a whole number.
    """
    number = _whole(value)
    if number is None:
        raise WrongTypeError(field, value, f"{expected}, not {kind(value)}")
    # Compared before int(): Decimal("1E+999999") is whole, and huge.
    if number < low:
        raise InvalidFieldError(field, value, expected)
    if number > high:
        raise InvalidFieldError(field, value, f"too large: at most {len(str(high))} digits")
    return int(number)


def _whole(value: object) -> int | float | Decimal | None:
    """*value* if it is a whole number, else ``None``."""
    if isinstance(value, float):
        return value if value.is_integer() else None
    if isinstance(value, Decimal):
        return value if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)  # numpy's int64, say
    return None


def read_count(field: str, value: object) -> int:
    """Read a head count: text of 1 to 12 digits (:data:`COUNT`), or a whole number.

    Raises:
        InvalidFieldError: not a whole number of 0 or more, or 10**12 or more.
        WrongTypeError: no number at all.
    """
    if isinstance(value, str):
        text = value.strip()
        if _COUNT_MATCH.fullmatch(text):
            return int(text)
        if text.isascii() and text.isdigit():
            raise InvalidFieldError(field, value, "too large: at most 12 digits")
        raise InvalidFieldError(field, value, _WHOLE_NUMBER)
    return read_integer(field, value, 0, COUNT_LIMIT - 1, _WHOLE_NUMBER)


# ----------------------------------------------------------------------------------------
# Codes and names: currencies, email addresses, phone numbers, signal names
# ----------------------------------------------------------------------------------------

#: An ISO 4217 currency code: three letters, either case.
CURRENCY: Final = "[A-Za-z]{3}"
_CURRENCY_MATCH: Final = re.compile(CURRENCY)


def read_currency(field: str, value: object) -> str:
    """Read an ISO 4217 currency code (:data:`CURRENCY`), upper case.

    Raises:
        InvalidFieldError: not three letters.
        WrongTypeError: not text.
    """
    code = read_text(field, value)
    if _CURRENCY_MATCH.fullmatch(code) is None:
        raise InvalidFieldError(field, value, "not an ISO 4217 currency code")
    return code.upper()


# Deliberately modest: a dot-atom local part (no leading, trailing or doubled dot) of
# at most 64 characters, one "@", a dotted domain of sane labels of at most 253. Full
# RFC 5322 accepts addresses no CRM or mail server will deliver to. The local part stays
# ASCII: an internationalised one (RFC 6531) needs SMTPUTF8 all the way, which few mail
# servers and fewer CRMs have; the domain may be internationalised (below).
_ATEXT: Final = "A-Za-z0-9!#$%&'*+/=?^_`{|}~"
_ATOM: Final = f"[{_ATEXT}-]"
# The characters of other scripts a U-label (an internationalised domain label) may hold,
# as explicit ranges (ECMA-262 has \p{L} only with the u flag, and JSON Schema promises
# no flag). It is the Basic Multilingual Plane from U+00C0 on, less:
# - the blocks that hold no letters: punctuation, symbols and forms (U+2000-U+2BFF,
#   U+2E00-U+2FFF, U+3000-U+303F but for the ideographic marks U+3005-U+3007), the
#   surrogates and private use (U+D800-U+F8FF), and U+FB00-U+FFFF (presentation forms,
#   the fullwidth "@" and the dots IDNA reads as ".");
# - the signs U+00D7 and U+00F7, and the blanks and format characters among the letters
#   (U+1680, U+180E, U+0600-U+0605, ...);
# - every character that lower-casing and NFC turn into anything but one character of
#   the class: U+0130 (lower-cased, two characters), U+037E (NFC's ";"), U+0958 (which
#   NFC decomposes), ... So the normal form of every address accepted is accepted again,
#   never longer (tests/test_grammar.py checks every code point).
# A character beyond the BMP (U+10000 on) is never in it: ECMA-262 without the u flag
# sees one as two surrogates, not in it either, so both engines count a domain's length
# in the same characters.
_U_LETTER: Final = (
    r"\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u012F\u0131-\u0343\u0345-\u037D\u037F-\u0386"
    r"\u0388-\u05FF\u0606-\u061B\u061D-\u06DC\u06DE-\u070E\u0710-\u088F\u0892-\u08E1"
    r"\u08E3-\u0957\u0960-\u09DB\u09DE\u09E0-\u0A32\u0A34\u0A35\u0A37-\u0A58\u0A5C\u0A5D"
    r"\u0A5F-\u0B5B\u0B5E-\u0F42\u0F44-\u0F4C\u0F4E-\u0F51\u0F53-\u0F56\u0F58-\u0F5B"
    r"\u0F5D-\u0F68\u0F6A-\u0F72\u0F74\u0F77\u0F79-\u0F80\u0F82-\u0F92\u0F94-\u0F9C"
    r"\u0F9E-\u0FA1\u0FA3-\u0FA6\u0FA8-\u0FAB\u0FAD-\u0FB8\u0FBA-\u167F\u1681-\u180D"
    r"\u180F-\u1FEE\u1FF0-\u1FFC\u1FFE\u1FFF\u2C00-\u2DFF\u3005-\u3007\u3040-\uD7FF"
    r"\uF900-\uFA6B\uFA6D-\uFACE\uFAD2-\uFAD4\uFAD8-\uFAFF"
)
#: One character of a U-label that is not ASCII (see the comment above ``_U_LETTER``).
U_LETTER: Final = f"[{_U_LETTER}]"
_LETTER_DIGIT: Final = f"A-Za-z0-9{_U_LETTER}"
# 1 to 63 characters, neither the first nor the last a hyphen: "xn--" A-labels (punycode)
# and U-labels alike. Written with a lookahead so that the long class appears twice, not
# three times, in a pattern that is published.
_LABEL: Final = f"(?!-)[{_LETTER_DIGIT}-]{{0,62}}[{_LETTER_DIGIT}]"
_HOST: Final = f"[{_LETTER_DIGIT}.-]"
# The top-level domain: ASCII letters (2 to 63, as ever), an A-label ("xn--p1ai"), or a
# U-label of letters with at least one not ASCII ("рф"). A U-label TLD may be a single
# character: NFC may compose two into one ("e" and U+0301 into "é"), and the normal form
# must be accepted again.
_TLD: Final = (
    "[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{0,58}[A-Za-z0-9]"
    f"|(?=[A-Za-z]*{U_LETTER})[A-Za-z{_U_LETTER}]{{1,63}}"
)
#: An email address. Lengths are counted in characters as written (a U-label's
#: "xn--" form may be longer; DNS, not leadflow, refuses one beyond its 63 bytes).
EMAIL: Final = (
    f"(?=[{_ATEXT}.-]{{1,64}}@){_ATOM}+(?:\\.{_ATOM}+)*"
    f"@(?={_HOST}{{1,253}}(?!{_HOST}))(?:{_LABEL}\\.)+(?:{_TLD})"
)
_EMAIL_MATCH: Final = re.compile(EMAIL)


def _email(text: str) -> str | None:
    """*text*, without blanks around it, as a normalised email address, or ``None``."""
    text = text.strip()
    if _EMAIL_MATCH.fullmatch(text) is None:
        return None
    local, _, domain = text.rpartition("@")
    # Lower-cased first, then composed: what NFC composes from lower-case letters is
    # lower case, so the result is both, and reads back to itself.
    return f"{local}@{unicodedata.normalize('NFC', domain.lower())}"


def read_email(field: str, value: object) -> str:
    """Read an email address (:data:`EMAIL`).

    The local part is kept as given (it may be case-sensitive) and must be ASCII. The
    domain may be internationalised (``bücher.example``, ``例え.jp``, ``пример.рф``)
    or written as A-labels (``xn--bcher-kva.example``); it is lower-cased
    (:meth:`str.lower`) and then NFC-normalised, so ``BU\u0308CHER.example`` (a "U"
    and U+0308, a combining diaeresis) is ``bücher.example``. An A-label is not turned into its
    U-label, nor the other way round.

    Raises:
        InvalidEmailError: not an email address.
        WrongTypeError: not text.
    """
    address = _email(read_text(field, value))
    if address is None:
        raise InvalidEmailError(field, value, "not an email address")
    return address


def _outside_quotes(text: str) -> Iterable[tuple[int, str]]:
    """Each character of *text* with its index, but those in a quoted string."""
    quoted = escaped = False
    for at, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted:
            escaped = char == "\\"
            quoted = char != '"'
        elif char == '"':
            quoted = True
        else:
            yield at, char


def read_emails(field: str, value: object) -> tuple[str, ...]:
    """Read every email address in a list of them, in order, each as :func:`read_email`.

    The list is what a CRM keeps in one field (Odoo's ``email_from``): items separated
    by commas or semicolons, each a bare address (``grace@example.com``) or a display
    name and an address in angle brackets (``Ada <ada@example.com>``,
    ``"Lovelace, Ada" <ada@example.com>``: a comma or semicolon in a quoted name
    separates nothing). An item that is no address (a name alone, ``mailto:``, an empty
    item) is skipped; an address given twice is kept twice.

    The list is split here rather than by :func:`email.utils.getaddresses`, which
    splits at commas only and whose reading of malformed text changed within Python
    3.11 and 3.12 (CVE-2023-27043).

    Raises:
        InvalidEmailError: no item is an email address.
        WrongTypeError: not text.

    >>> read_emails("email_from", '"Lovelace, Ada" <Ada@Example.COM>; grace@example.com')
    ('Ada@example.com', 'grace@example.com')
    """
    text = read_text(field, value)
    starts = [0]
    ends = []
    for at, char in _outside_quotes(text):
        if char in ",;":
            ends.append(at)
            starts.append(at + 1)
    ends.append(len(text))
    found = []
    for start, end in zip(starts, ends, strict=True):
        item = text[start:end].strip()
        if item.endswith(">"):
            opening = [at for at, char in _outside_quotes(item) if char == "<"]
            if opening:
                item = item[opening[-1] + 1 : -1]
        address = _email(item)
        if address is not None:
            found.append(address)
    if not found:
        raise InvalidEmailError(field, value, "no email address in it")
    return tuple(found)


_SEPARATOR: Final = f"[{_BLANKS}()./-]"


def _digits(low: int, high: int) -> str:
    """*low* to *high* digits, with separators before each."""
    return f"(?:{_SEPARATOR}*[0-9]){{{low},{high}}}"


# A trunk prefix: the "0" a national number is dialled with, which an international one
# drops, written in parentheses after the country code ("+44 (0)20 7946 0958"). Only
# there is it a trunk prefix: "(020) 7946 0958" is a national number, and keeps its 0.
_TRUNK: Final = f"\\({BLANK}*0{BLANK}*\\)"
_COUNTRY: Final = f"{_SEPARATOR}*\\+{BLANK}*[0-9]{{1,3}}"
_COUNTRY_TRUNK: Final = f"{_COUNTRY}{BLANK}*{_TRUNK}"
# The 7 to 15 digits of a number with a trunk prefix, counted without its 0, for each
# length of the country code (1 to 3 digits).
_WITH_TRUNK: Final = (
    f"{_SEPARATOR}*\\+{BLANK}*(?:[0-9]{BLANK}*{_TRUNK}{_digits(6, 14)}"
    f"|[0-9]{{2}}{BLANK}*{_TRUNK}{_digits(5, 13)}"
    f"|[0-9]{{3}}{BLANK}*{_TRUNK}{_digits(4, 12)})"
)
# An extension's marker, in any case: "ext", "ext.", "extension", "x", and RFC 3966's
# ";ext=", the normal form's own. Not "#": it is also a key that is dialled, and is
# written for "number" ("#1234567").
_EXTENSION_MARK: Final = "[Ee][Xx][Tt](?:[Ee][Nn][Ss][Ii][Oo][Nn]|\\.)?|[Xx]|;[Ee][Xx][Tt]="
# 1 to 10 digits: the extensions of private exchanges have 2 to 6, and a few direct-dial
# plans more; 10 leaves room for those, yet is too short for most numbers with their
# country code, so a second phone number after an "x" is refused, not kept as an extension.
MAX_EXTENSION: Final = 10
_EXTENSION: Final = f"(?:{_EXTENSION_MARK}){BLANK}*([0-9]{{1,{MAX_EXTENSION}}}){_SEPARATOR}*"
#: A phone number: an optional "+", then 7 to 15 digits (the E.164 maximum), with
#: separators (blanks, parentheses, dots, dashes, slashes) anywhere; a trunk prefix
#: "(0)" right after the country code is not one of the digits. Then perhaps an
#: extension: "ext", "ext.", "extension", "x" or ";ext=" in any case, and 1 to 10 digits.
PHONE: Final = (
    f"(?:(?!{_COUNTRY_TRUNK}){_SEPARATOR}*\\+?{_digits(7, 15)}|{_WITH_TRUNK})"
    f"(?:{_SEPARATOR}*(?:{_EXTENSION_MARK}){BLANK}*[0-9]{{1,{MAX_EXTENSION}}})?{_SEPARATOR}*"
)
_PHONE_MATCH: Final = re.compile(PHONE)
_SEPARATORS: Final = re.compile(_SEPARATOR)
_TRUNK_MATCH: Final = re.compile(_COUNTRY_TRUNK)
# Once a text matches PHONE, its parts: the country code before a trunk prefix, the rest
# of the number, the extension's digits.
_PHONE_PARTS: Final = re.compile(
    f"(?:({_COUNTRY}){BLANK}*{_TRUNK})?(.*?)(?:{_EXTENSION})?", re.DOTALL
)
# Only for the message: an extension of too many digits.
_LONG_EXTENSION: Final = re.compile(f"(?:{_EXTENSION_MARK}){BLANK}*[0-9]+{_SEPARATOR}*\\Z")


def read_phone(field: str, value: object) -> str:
    """Read a phone number (:data:`PHONE`): its digits, after a ``+`` if it has one.

    A trunk prefix ``(0)`` right after the country code is dropped
    (``+44 (0)20 7946 0958`` is ``+442079460958``; :func:`phone_repair` says so). An
    extension is kept as RFC 3966 writes it, after the number: ``+14155550100;ext=12``,
    which reads back to itself.

    Raises:
        InvalidPhoneError: anything but digits and separators (and an extension), or
            not 7 to 15 digits.
        WrongTypeError: not text.
    """
    if not isinstance(value, str):
        raise WrongTypeError(field, value, f"expected a string, not {kind(value)}")
    parts = _PHONE_PARTS.fullmatch(value)
    assert parts is not None  # (.*?) matches any text
    country, rest, extension = parts.groups()
    number = _SEPARATORS.sub("", (country or "") + rest)
    if _PHONE_MATCH.fullmatch(value):
        return number + (f";ext={extension}" if extension else "")
    long = _LONG_EXTENSION.search(value)
    if long is not None and _PHONE_MATCH.fullmatch(value[: long.start()]):
        raise InvalidPhoneError(field, value, f"an extension has 1 to {MAX_EXTENSION} digits")
    digits = number.removeprefix("+")
    if digits and not (digits.isascii() and digits.isdigit()):
        raise InvalidPhoneError(
            field,
            value,
            "a phone number holds only digits and separators, then perhaps an extension",
        )
    raise InvalidPhoneError(field, value, "a phone number has 7 to 15 digits")


def phone_repair(value: object) -> str | None:
    """What :func:`read_phone` repairs in *value*, in a sentence for people, or ``None``.

    The repairs: dropping a trunk prefix ``(0)`` after the country code, and writing
    an extension as ``;ext=`` (from ``ext. 12``, ``x12`` ...). Separators dropped are
    no repair, nor an extension already written so. Text that is no phone number is
    repaired in no way (:func:`read_phone` refuses it).

    >>> phone_repair("+44 (0)20 7946 0958"), phone_repair("(020) 7946 0958")
    ('dropped the trunk prefix "(0)"', None)
    >>> phone_repair("+1 415 555 0100 ext. 12"), phone_repair("+14155550100;ext=12")
    ('kept the extension as ";ext=12"', None)
    """
    if not isinstance(value, str) or not _PHONE_MATCH.fullmatch(value):
        return None
    repairs = []
    if _TRUNK_MATCH.match(value):
        repairs.append('dropped the trunk prefix "(0)"')
    parts = _PHONE_PARTS.fullmatch(value)
    extension = parts.group(3) if parts is not None else None
    if extension and f";ext={extension}" not in value.lower():
        repairs.append(f'kept the extension as ";ext={extension}"')
    return "; ".join(repairs) or None


#: A signal's name: a lower-case letter, then up to 62 lower-case letters, digits and
#: underscores. Never padded: it is a key and a column name.
SIGNAL_NAME: Final = "[a-z][a-z0-9_]{0,62}"
_SIGNAL_NAME_MATCH: Final = re.compile(SIGNAL_NAME)


def is_signal_name(value: object) -> TypeGuard[str]:
    """Whether *value* is a signal's name (:data:`SIGNAL_NAME`)."""
    return isinstance(value, str) and _SIGNAL_NAME_MATCH.fullmatch(value) is not None
