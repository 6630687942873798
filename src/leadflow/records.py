"""Flat records: one row per contact, as a CSV file, a JSON Lines file or a CRM sends them.

A flat record holds a contact, its evidence on the four criteria and, optionally,
its promotion signals, under the field names in :data:`RECORD_FIELDS`, and the
values of the fit and engagement signals a policy declares, under the signals'
names (:func:`signal_columns`). :func:`parse_record` turns one into a
:class:`QualificationInput`; :func:`decision_row` and :func:`promotion_row` turn
decisions back into flat rows with fixed columns (:data:`DECISION_FIELDS` and
each signal's, :func:`decision_fields`; :data:`PROMOTION_FIELDS`).

The rules of a record (each value is read by leadflow's one grammar of values;
docs/serialization.md gives its rules, and :mod:`leadflow.schema` publishes them):

- every field is optional except ``name`` and ``created_at``; a contact also needs
  ``email`` or ``phone``;
- a value may be a string (CSV) or the native JSON type (an integer ``employees``);
  surrounding blanks are ignored and a blank string counts as missing;
- levels and roles are written as their values (``"decision_maker"``, ``"this_quarter"``);
- datetimes are ISO 8601 with a UTC offset (``2026-01-05T09:30:00+01:00``; a space
  may stand for the ``T``, ``Z`` for ``+00:00``, and the seconds may be left out),
  dates are ``YYYY-MM-DD``; either names a day that exists;
- amounts are plain decimal text (``"60000.50"``: no sign, exponent, ``".5"`` or
  separators, at most 18 digits before the point; in JSON also numbers), each with
  its currency code, three letters
  (``budget_amount`` with ``budget_currency``, ``estimated_value`` with
  ``estimated_currency``); a Python float is refused, it is inexact (read JSON with
  ``parse_float=Decimal``, and a JSON number arrives exact);
- ``industry``, ``employees`` (1 to 12 digits) and ``website`` describe the
  ``organisation`` and need it;
- a signal's value is in the column named as the signal (``total_visits``,
  ``lead_origin``), read only when :func:`parse_record` is given the signals. A
  numeric signal's value follows the rules of amounts (plain decimal text, or a
  JSON number), except that it may be negative (``"-3"``) and may be a float:
  ``12.5`` minutes on site is a measurement, not money (a float is read through its
  shortest ``repr``). A categorical signal's value is stripped text. An optional
  ``<signal>_observed_at`` column, a datetime like the other ``*_observed_at``
  fields, dates the value for the signal's decay; a time without a value is an
  error. A signal whose column is a record field (a signal called ``source``)
  cannot be read from records;
- keys that are not in :data:`RECORD_FIELDS` (or the signals' columns) are
  ignored, so a CRM export with extra columns reads as it is.

Parsing is plain code with lookups in tables built once: a file of a million rows
goes through it. Every bad field of a row is reported at once.

>>> row = parse_record({"name": "Ada Lovelace", "email": "ada@example.com",
...                     "created_at": "2026-01-05T09:00:00+00:00", "budget": "approved",
...                     "budget_amount": "25000", "budget_currency": "EUR"})
>>> row.evidence.budget.level, str(row.evidence.budget.amount)
(<BudgetLevel.APPROVED: 'approved'>, '25000 EUR')

With a policy's signals, their columns are read too:

>>> from leadflow import CategoricalSignal, NumericSignal
>>> visits = NumericSignal(name="total_visits", weight=20, edges=(5,), points=(0, 20))
>>> origin = CategoricalSignal(name="lead_origin", weight=10, points={"API": 10})
>>> row = parse_record({"name": "Ada Lovelace", "email": "ada@example.com",
...                     "created_at": "2026-01-05T09:00:00+00:00", "total_visits": " 7 ",
...                     "lead_origin": "API", "lead_origin_observed_at": "2026-01-04T10:00Z"},
...                    signals=(visits, origin))
>>> for name, seen in row.evidence.signals:
...     print(name, repr(seen.value), seen.observed_at)
lead_origin 'API' 2026-01-04 10:00:00+00:00
total_visits Decimal('7') None
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any, Final, TypeAlias

import attrs

from leadflow import _grammar as g
from leadflow import _plain, _trusted
from leadflow import _validate as v
from leadflow.contacts import (
    Contact,
    LeadSource,
    Organisation,
    PurchaseRole,
    normalise_email,
    normalise_phone,
)
from leadflow.decisions import PromotionDecision, QualificationDecision
from leadflow.errors import (
    InvalidFieldError,
    InvalidPolicyError,
    InvalidRecordError,
    NaiveDatetimeError,
    WrongTypeError,
)
from leadflow.evidence import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Criterion,
    Evidence,
    NeedEvidence,
    NeedLevel,
    PromotionSignals,
    PurchaseProcess,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
)
from leadflow.money import Money
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY
from leadflow.qualification import qualify
from leadflow.signals import (
    CategoricalSignal,
    NumericSignal,
    Signal,
    SignalObservation,
    signal_key,
)

__all__ = [
    "DATETIME_FIELDS",
    "DATE_FIELDS",
    "DECISION_FIELDS",
    "ENUM_FIELDS",
    "MONEY_FIELDS",
    "ORGANISATION_FIELDS",
    "PROMOTION_FIELDS",
    "RECORD_FIELDS",
    "SIGNAL_FIELDS",
    "QualificationInput",
    "canonical_field",
    "decision_fields",
    "decision_row",
    "parse_record",
    "promotion_row",
    "qualify_record",
    "record_column",
    "signal_columns",
]

#: The fields of a flat input record, in the order of a CSV header.
RECORD_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "name",
    "email",
    "phone",
    "organisation",
    "industry",
    "employees",
    "website",
    "job_title",
    "role",
    "source",
    "created_at",
    "need",
    "need_observed_at",
    "need_note",
    "budget",
    "budget_amount",
    "budget_currency",
    "budget_observed_at",
    "budget_note",
    "timeframe",
    "decision_date",
    "timeframe_observed_at",
    "timeframe_note",
    "purchase_process",
    "authority_observed_at",
    "authority_note",
    "relationship",
    "requirements",
    "terms",
    "supplier",
    "signals_observed_at",
    "estimated_value",
    "estimated_currency",
    "expected_close",
)

#: The level enum of each field that takes one, by field name.
ENUM_FIELDS: Final[dict[str, type[Enum]]] = {
    "role": PurchaseRole,
    "source": LeadSource,
    "need": NeedLevel,
    "budget": BudgetLevel,
    "timeframe": TimeframeLevel,
    "purchase_process": PurchaseProcess,
    "relationship": RelationshipLevel,
    "requirements": RequirementsLevel,
    "terms": TermsLevel,
    "supplier": SupplierStatus,
}

#: The datetime fields (ISO 8601 with a UTC offset) and the date fields (ISO 8601).
DATETIME_FIELDS: Final = (
    "created_at",
    "need_observed_at",
    "budget_observed_at",
    "timeframe_observed_at",
    "authority_observed_at",
    "signals_observed_at",
)
DATE_FIELDS: Final = ("decision_date", "expected_close")

#: Amount fields and the currency field that goes with each.
MONEY_FIELDS: Final = {"budget_amount": "budget_currency", "estimated_value": "estimated_currency"}

#: Fields that describe the organisation and need ``organisation``.
ORGANISATION_FIELDS: Final = ("industry", "employees", "website")

#: The promotion-signal fields; a record with none of them has no signals.
SIGNAL_FIELDS: Final = ("relationship", "requirements", "terms", "supplier", "signals_observed_at")

_ORDER: Final = {field: index for index, field in enumerate(RECORD_FIELDS)}

# ----------------------------------------------------------------------------------------
# Records as spreadsheets write them: headers in people's spelling, empty cells as text
# ----------------------------------------------------------------------------------------


# Cached: a file's rows repeat the same few headers, and this runs for each header
# not already a field (a CRM's extra columns) in each row.
@functools.lru_cache(maxsize=4096)
def canonical_field(name: str) -> str:
    """The field a column header names (``"Budget Amount"`` names ``budget_amount``).

    The rule by which a categorical signal's categories are matched
    (:func:`~leadflow.signals.signal_key`), for headers too: case-folded, each run
    of characters other than letters and digits (blanks, hyphens, dots ...) an
    ``_``, none at either end. So ``"Name"``, ``" Email "``, ``"Budget Amount"``
    and ``"budget-amount"`` are the fields ``name``, ``email`` and
    ``budget_amount``, and ``"Total Visits"`` a signal's column ``total_visits``.
    Words run together (``"BudgetAmount"``) are not split.

    >>> canonical_field(" Budget Amount "), canonical_field("Need-Observed-At")
    ('budget_amount', 'need_observed_at')
    """
    return signal_key(name)


def _duplicate(field: str, given: Sequence[str]) -> InvalidFieldError:
    names = " and ".join(repr(name) for name in given)
    return InvalidFieldError(field, given[-1], f"given twice, as {names}: keep one of them")


#: The enum fields that have a level called "none": there, "None" names it, not a blank.
_NONE_LEVELS: Final = frozenset(
    field for field, enum in ENUM_FIELDS.items() if any(m.value == "none" for m in enum)
)


_LONGEST_MISSING: Final = max(map(len, g.MISSING_TEXTS))


def _no_value(field: str, value: object) -> bool:
    """Whether *value*, given for *field*, is a spreadsheet's empty cell (not a blank)."""
    if isinstance(value, str):
        if not g.is_missing(value) or not value.strip():
            return False  # a blank string is read as missing already, as it is
        return field not in _NONE_LEVELS or value.strip().lower() != "none"
    return value is not None and g.is_nan(value)


def _tidy(record: Mapping[str, Any], columns: Mapping[str, object]) -> Mapping[str, Any]:
    """*record* with each header a field's name and each empty cell left out.

    Returns *record* itself when it needs neither, as most do: the check costs a
    set comparison and a test per value. *columns* are the names a key may be
    renamed to (the record fields, and the signals' columns).

    Raises:
        InvalidRecordError: two keys name the same field (``"Name"`` and ``"name"``).
    """
    renames: dict[str, str] = {}
    if not record.keys() <= columns.keys():
        for key in record.keys() - columns.keys():  # a CRM's extra columns, or a sheet's
            if isinstance(key, str):
                field = canonical_field(key)
                if field in columns:
                    renames[key] = field
    if renames:
        claimed: dict[str, list[str]] = {}
        for key in record:
            field = renames.get(key, key)
            if field in columns:
                claimed.setdefault(field, []).append(key)
        twice = [_duplicate(f, keys) for f, keys in claimed.items() if len(keys) > 1]
        if twice:
            raise InvalidRecordError(twice)
    empty: list[str] = []
    if _needs_tidying(record):
        empty = [key for key, value in record.items() if _no_value(renames.get(key, key), value)]
    if not renames and not empty:
        return record
    gone = set(empty)
    return {renames.get(k, k): value for k, value in record.items() if k not in gone}


def _needs_tidying(record: Mapping[str, Any]) -> bool:
    """Whether any value of *record* may be an empty cell (:func:`_no_value` decides).

    A cheap sieve (this runs on every value of every row, and stops at the first
    hit): text short enough to be an empty cell's, text with blanks around it, and
    values that are neither text, ``None`` nor an int.
    """
    missing = g.MISSING_TEXTS
    for value in record.values():
        if type(value) is str:
            if len(value) <= _LONGEST_MISSING and value.lower() in missing:
                return True
            if value.strip() != value:
                return True
        elif value is not None and type(value) is not int:
            return True
    return False


@attrs.frozen(kw_only=True)
class QualificationInput:
    """Everything one flat record says: a contact, its evidence and its signals.

    Attributes:
        contact: The contact.
        evidence: Its evidence on the four criteria (unknown where the record is silent)
            and the values of the signals it was read with.
        signals: Its promotion signals, or ``None`` when the record gives none.
        estimated_value: What a sale would be worth, if given.
        expected_close: When a sale is expected to close, if given.
    """

    contact: Contact = attrs.field(validator=v.of_type(Contact))
    evidence: Evidence = attrs.field(validator=v.of_type(Evidence))
    signals: PromotionSignals | None = attrs.field(
        default=None, validator=v.of_type(PromotionSignals, optional=True)
    )
    estimated_value: Money | None = attrs.field(
        default=None, validator=v.of_type(Money, optional=True)
    )
    expected_close: date | None = attrs.field(default=None, validator=v.optional_date)


# ----------------------------------------------------------------------------------------
# Field readers. Each value is read by the grammar's reader of its kind
# (leadflow._grammar); the common case (a good or missing value) costs a lookup and a
# call. A blank value is no value.
# ----------------------------------------------------------------------------------------

#: Free-text fields of the evidence, and the evidence attribute each one fills.
_NOTE_FIELDS: Final = ("need_note", "budget_note", "timeframe_note", "authority_note")

Reader: TypeAlias = Callable[[str, object], Any]

_CHOICES: Final = {field: g.choices(enum) for field, enum in ENUM_FIELDS.items()}
#: Each enum field with its members by value (the reader's own table) and its reader.
_LEVELS: Final = tuple(
    (field, choices.members, choices.read) for field, choices in _CHOICES.items()
)
#: Why a datetime without an offset is refused, and the two ways to fix it.
_NAIVE: Final = (
    "datetime has no UTC offset; give one, or say which time zone the sheet is in "
    "(timezone=ZoneInfo('Europe/Berlin') in Python, --timezone Europe/Berlin on the "
    "command line)"
)


def _read_naive_refused(field: str, raw: object) -> datetime:
    """A datetime field's value, which must have its UTC offset."""
    try:
        return g.read_datetime(field, raw)
    except NaiveDatetimeError:
        raise NaiveDatetimeError(field, raw, _NAIVE) from None


def _datetime_reader(zone: tzinfo | None) -> Reader:
    """How a datetime field is read: with its offset, or else in *zone*."""
    if zone is None:
        return _read_naive_refused
    return functools.partial(g.read_datetime, zone=zone)


def _readers(zone: tzinfo | None) -> tuple[tuple[str, Reader], ...]:
    """How each datetime, date and note field is read, datetimes in *zone*.

    Without a zone, a datetime without its offset is refused by :func:`_read`,
    which says how to give it (:func:`_read_naive_refused` for a single value).
    """
    moment: Reader = g.read_datetime if zone is None else _datetime_reader(zone)
    return (
        *((field, moment) for field in DATETIME_FIELDS),
        *((field, g.read_date) for field in DATE_FIELDS),
        *((field, g.read_text) for field in _NOTE_FIELDS),
    )


_READERS: Final = _readers(None)
# A signal's number is a measurement, not money: it may be negative, and a float is
# read through its shortest repr (7.3 is Decimal("7.3")), as SignalObservation reads one.
_read_measure: Final[Reader] = functools.partial(g.read_decimal, floats="shortest")
#: Record ids are text, or whole numbers (CRMs such as Odoo and HubSpot number their
#: records) no larger than any other number.
_ID_LIMIT: Final = g.DECIMAL_LIMIT - 1


def _value(field: str, raw: object, reader: Reader, errors: list[InvalidFieldError]) -> Any:
    """*reader*'s value of *raw*, or ``None``: blank, or bad (then recorded in *errors*)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):  # g.is_blank, inlined
        return None
    try:
        return reader(field, raw)
    except InvalidFieldError as error:
        errors.append(error)
        return None


def _read(
    record: Mapping[str, Any], errors: list[InvalidFieldError], zone: tzinfo | None = None
) -> dict[str, Any]:
    """Read every enum, datetime, date and note field that *record* gives.

    Returns the good values by field name; records each bad one in *errors*.
    Datetimes without an offset are read in *zone*, or refused without one.
    """
    values: dict[str, Any] = {}
    get = record.get
    for field, members, read in _LEVELS:
        raw = get(field)
        # The common case, a level's value as it is written, is a lookup; the
        # reader reads the rest (blanks around a value, a member, a bad value).
        if type(raw) is str:
            member = members.get(raw)
            if member is not None:
                values[field] = member
                continue
            if not raw or raw.isspace():
                continue
        elif raw is None:
            continue
        try:
            values[field] = read(field, raw)
        except InvalidFieldError as error:
            errors.append(error)
    for field, reader in _READERS if zone is None else _readers(zone):
        raw = get(field)
        if type(raw) is str:
            if not raw or raw.isspace():
                continue
        elif raw is None:
            continue
        try:
            values[field] = reader(field, raw)
        except NaiveDatetimeError as error:
            errors.append(NaiveDatetimeError(field, raw, _NAIVE) if zone is None else error)
        except InvalidFieldError as error:
            errors.append(error)
    return values


def _money(
    record: Mapping[str, Any],
    errors: list[InvalidFieldError],
    field: str,
    currency_field: str,
    trusted: bool = True,
) -> Money | None:
    raw = record.get(field)
    code = record.get(currency_field)
    if g.is_blank(raw) and g.is_blank(code):
        return None
    failed = len(errors)
    amount = _value(field, raw, g.read_amount, errors)
    currency = _value(currency_field, code, g.read_currency, errors)
    if len(errors) > failed:
        return None
    if amount is None:
        errors.append(InvalidFieldError(field, raw, f"is required with {currency_field}"))
        return None
    if currency is None:
        errors.append(InvalidFieldError(currency_field, code, f"is required with {field}"))
        return None
    # Both read by the rules Money reads them by: no need to read them again.
    return _trusted.money(amount, currency) if trusted else Money(amount, currency)


def _identifier(record: Mapping[str, Any], errors: list[InvalidFieldError]) -> object:
    """The record's id for its contact: text as it is, a number as text."""
    raw = record.get("id")
    if raw is None or isinstance(raw, str):
        return raw
    try:
        return str(g.read_integer("id", raw, -_ID_LIMIT, _ID_LIMIT, "expected text or a number"))
    except InvalidFieldError as error:
        errors.append(error)
        return None


# Where Contact.from_record's fields land in the flat record.
_CONTACT_FIELDS: Final = {
    "organisation.name": "organisation",
    "organisation.industry": "industry",
    "organisation.employees": "employees",
    "organisation.website": "website",
}


#: The types of an optional text field's value, once cleaned (:func:`_validate.clean_text`).
_TEXT_OR_NONE: Final = frozenset({str, type(None)})


def _trusted_contact(
    get: Callable[[str], Any],
    values: dict[str, Any],
    organisation: str | None,
    employees: int | None,
    identifier: object,
) -> Contact | None:
    """The contact built of values already read, or ``None`` if it needs its constructor.

    The values are cleaned as :meth:`Contact.from_record` cleans them (stripped, a
    blank one ``None``); *organisation* and *employees* are read already, and the
    email and phone are read here. A contact whose values are all good is built
    without checking them again (:mod:`leadflow._trusted`); any other is left to
    the constructor, which says what is wrong.
    """
    clean: Callable[[object], Any] = v.clean_text
    name = clean(get("name"))
    job_title = clean(get("job_title"))
    identity = clean(identifier)
    created_at = values.get("created_at")
    if (
        type(name) is not str
        or created_at is None
        or type(job_title) not in _TEXT_OR_NONE
        or type(identity) not in _TEXT_OR_NONE
    ):
        return None
    company = None
    if organisation is not None:
        industry = clean(get("industry"))
        website = clean(get("website"))
        if type(industry) not in _TEXT_OR_NONE or type(website) not in _TEXT_OR_NONE:
            return None
        company = _trusted.organisation(
            name=organisation, industry=industry, employees=employees, website=website
        )
    try:
        email = normalise_email(get("email"))
        phone = normalise_phone(get("phone"))
    except InvalidFieldError:
        return None
    if email is None and phone is None:
        return None
    return _trusted.contact(
        name=name,
        created_at=created_at,
        email=email,
        phone=phone,
        organisation=company,
        job_title=job_title,
        role=values.get("role", PurchaseRole.UNKNOWN),
        source=values.get("source"),
        id=identity,
    )


def _contact(
    record: Mapping[str, Any],
    values: dict[str, Any],
    errors: list[InvalidFieldError],
    trusted: bool = True,
) -> Contact | None:
    get = record.get
    name = _value("organisation", get("organisation"), g.read_text, errors)
    employees = _value("employees", get("employees"), g.read_count, errors)
    if name is None and not any(e.field == "organisation" for e in errors):
        given = {
            field: employees
            if field == "employees"
            else _value(field, get(field), g.read_text, errors)
            for field in ORGANISATION_FIELDS
        }
        described = [field for field, value in given.items() if value is not None]
        if described:
            errors.append(
                InvalidFieldError(
                    "organisation", get("organisation"), f"is required with {described[0]}"
                )
            )
    identifier = _identifier(record, errors)
    if trusted and not errors:
        # A good contact, by far the most common, is built of its values as read.
        made = _trusted_contact(get, values, name, employees, identifier)
        if made is not None:
            return made
    # The values as Contact.from_record would clean them (stripped, a blank is None),
    # given to the strict constructor, whose converters read the email and the phone.
    # A good contact is so built once and each value read once; any bad value sends
    # the record to from_record, which reports every one.
    clean: Callable[[object], Any] = v.clean_text
    created_at: Any = values.get("created_at")  # None fails the validator: from_record
    try:
        return Contact(
            id=clean(identifier),
            name=clean(get("name")),
            email=get("email"),
            phone=get("phone"),
            organisation=None
            if name is None
            else Organisation(
                name=name,
                industry=clean(get("industry")),
                employees=employees,
                website=clean(get("website")),
            ),
            job_title=clean(get("job_title")),
            role=values.get("role", PurchaseRole.UNKNOWN),
            source=values.get("source"),
            created_at=created_at,
        )
    except InvalidFieldError:
        pass
    organisation: dict[str, Any] | None = None
    if name is not None:
        organisation = {
            "name": name,
            "industry": get("industry"),
            "employees": employees,
            "website": get("website"),
        }
    fields = {
        "id": identifier,
        "name": get("name"),
        "email": get("email"),
        "phone": get("phone"),
        "organisation": organisation,
        "job_title": get("job_title"),
        "role": values.get("role"),
        "source": values.get("source"),
        "created_at": values.get("created_at"),
    }
    try:
        return Contact.from_record(fields)
    except InvalidRecordError as error:
        # Fields already reported here reach from_record as missing: skip the echo.
        reported = {e.field for e in errors}
        for bad in error.errors:
            field = _CONTACT_FIELDS.get(bad.field, bad.field)
            if field not in reported:
                errors.append(bad.at(field))
        return None


#: What a signal's columns are called and how its value is read: its name, the
#: column of its observation time, and whether it is numeric.
_SignalColumns: TypeAlias = tuple[str, str, bool]

#: The suffix of the column that dates a signal's value.
_OBSERVED: Final = "_observed_at"


def _signal_plan(signals: Sequence[Signal]) -> tuple[_SignalColumns, ...]:
    """The columns of each of *signals*, in order; refuses columns a record already uses."""
    plan: list[_SignalColumns] = []
    claimed: dict[str, str] = {}
    for index, signal in enumerate(signals):
        if not isinstance(signal, (CategoricalSignal, NumericSignal)):
            raise InvalidPolicyError(
                f"signals[{index}]", signal, "expected a CategoricalSignal or NumericSignal"
            )
        name = signal.name
        dated = f"{name}{_OBSERVED}"
        for column in (name, dated):
            if column in _ORDER:
                reason = f"is a record field ({column}): a signal read from records needs a name "
                raise InvalidPolicyError(f"signals[{index}].name", name, reason + "of its own")
            if column in claimed:
                raise InvalidPolicyError(
                    f"signals[{index}].name",
                    name,
                    f"its column {column} is also a column of the signal {claimed[column]}",
                )
            claimed[column] = name
        plan.append((name, dated, isinstance(signal, NumericSignal)))
    return tuple(plan)


def signal_columns(signals: Sequence[Signal]) -> tuple[str, ...]:
    """The record columns that *signals* are read from, in order.

    Each signal has two: its name (the value) and ``<name>_observed_at`` (when the
    value was seen, for decay):

    >>> from leadflow import NumericSignal
    >>> visits = NumericSignal(name="total_visits", weight=20, edges=(5,), points=(0, 20))
    >>> signal_columns([visits])
    ('total_visits', 'total_visits_observed_at')

    Raises:
        InvalidPolicyError: a signal's column is a record field (a signal called
            ``source``, or ``signals``, whose time would be ``signals_observed_at``),
            or another signal's column.
    """
    return tuple(column for name, dated, _ in _signal_plan(signals) for column in (name, dated))


def _signal_values(
    record: Mapping[str, Any],
    plan: tuple[_SignalColumns, ...],
    errors: list[InvalidFieldError],
    moment: Reader,
) -> dict[str, SignalObservation]:
    """Read the value and observation time of each signal in *plan* that *record* gives."""
    observed: dict[str, SignalObservation] = {}
    get = record.get
    for name, dated, numeric in plan:
        failed = len(errors)
        raw = get(name)
        value: Decimal | str | None
        value = _value(name, raw, _read_measure if numeric else g.read_text, errors)
        when = _value(dated, get(dated), moment, errors)
        if value is not None:
            observed[name] = SignalObservation(value=value, observed_at=when)
        elif when is not None and len(errors) == failed:
            # A time without a value dates nothing: most likely a column mapped wrong.
            errors.append(InvalidFieldError(name, raw, f"is required with {dated}"))
    return observed


def parse_record(
    record: Mapping[str, Any],
    *,
    signals: Sequence[Signal] = (),
    timezone: tzinfo | None = None,
) -> QualificationInput:
    """Read one flat record (see :data:`RECORD_FIELDS`) into a :class:`QualificationInput`.

    Args:
        record: The record, field names to values.
        signals: The fit and engagement signals to read (a policy's
            :attr:`~leadflow.Policy.signals`): each from the column named as the
            signal, dated by an optional ``<name>_observed_at`` column (see
            :func:`signal_columns`). Without them, such columns are ignored like
            any other unknown key.
        timezone: The time zone the record's times are written in
            (``zoneinfo.ZoneInfo("Europe/Berlin")``), for a spreadsheet whose
            datetimes have no UTC offset: with it, ``2026-11-02 09:00`` is 09:00
            there and a date alone (``2026-11-02``) is the start of that day there;
            a time that clocks skip or repeat is read with ``fold=0`` (its first
            occurrence; a skipped one with the offset from before the change). A
            value with an offset keeps its own. Without it, a datetime without an
            offset is an error.

    Raises:
        InvalidRecordError: listing every bad field, in :data:`RECORD_FIELDS` order
            and then the signals' columns in *signals* order, each with its path
            (``$.email``, ``$.total_visits``).
        InvalidPolicyError: a signal's column is a record field or another signal's
            (see :func:`signal_columns`): the signals cannot be read from records.
    """
    return _parse(record, signals, timezone)


def _parse(
    record: Mapping[str, Any],
    signals: Sequence[Signal],
    timezone: tzinfo | None,
    *,
    trusted: bool = True,
    short: bool = True,
) -> QualificationInput:
    """:func:`parse_record`; without *trusted*, every value is built by its constructor.

    Either way the values are equal, and so are the errors (tests/test_records.py
    checks both on generated records): *trusted* only skips checking again what
    the grammar has read already. Without *short*, a plain record is not tried the
    short way (:mod:`leadflow._plain`) first.
    """
    plan = _signal_plan(signals) if signals else ()
    if not isinstance(record, Mapping):
        raise InvalidRecordError(
            [WrongTypeError("", record, f"expected an object, not {g.kind(record)}")]
        )
    if trusted and short and not plan and _plain_keys(record):
        parts = _plain.plain_parts(record, timezone)
        if parts is not None:  # a plain record, as most are, read the short way
            return _qualification_input(
                contact=parts[0],
                evidence=parts[1],
                signals=parts[2],
                estimated_value=parts[3],
                expected_close=parts[4],
            )
    order = _ORDER
    if plan:
        after = len(RECORD_FIELDS)
        columns = (column for name, dated, _ in plan for column in (name, dated))
        order = {**_ORDER, **{column: after + i for i, column in enumerate(columns)}}
    record = _tidy(record, order)
    errors: list[InvalidFieldError] = []
    moment: Reader
    values = _read(record, errors, timezone)
    moment = _datetime_reader(timezone)
    contact = _contact(record, values, errors, trusted)
    budget_amount = _money(record, errors, "budget_amount", "budget_currency", trusted)
    estimated_value = _money(record, errors, "estimated_value", "estimated_currency", trusted)
    observed = _signal_values(record, plan, errors, moment) if plan else {}
    _check_timeframe(record, values, errors)
    if errors or contact is None:
        errors.sort(key=lambda error: order.get(error.field, -1))
        raise InvalidRecordError(errors)
    try:
        evidence = _evidence(values, budget_amount, observed, trusted)
    except InvalidFieldError as error:  # a constructor refused what the reader let by
        raise InvalidRecordError([error]) from error
    get = values.get
    promotion = None
    if not values.keys().isdisjoint(SIGNAL_FIELDS):
        promotion = (_trusted.promotion_signals if trusted else PromotionSignals)(
            relationship=get("relationship", RelationshipLevel.UNKNOWN),
            requirements=get("requirements", RequirementsLevel.UNKNOWN),
            terms=get("terms", TermsLevel.UNKNOWN),
            supplier=get("supplier", SupplierStatus.UNKNOWN),
            observed_at=get("signals_observed_at"),
            note=None,
        )
    return (_qualification_input if trusted else QualificationInput)(
        contact=contact,
        evidence=evidence,
        signals=promotion,
        estimated_value=estimated_value,
        expected_close=get("expected_close"),
    )


def _plain_keys(record: Mapping[str, Any]) -> bool:
    """Whether each key of *record* is a field's own name, or no field's in any spelling."""
    keys = record.keys()
    if keys <= _ORDER.keys():
        return True
    return not any(
        isinstance(key, str) and canonical_field(key) in _ORDER for key in keys - _ORDER.keys()
    )


def _check_timeframe(
    record: Mapping[str, Any], values: dict[str, Any], errors: list[InvalidFieldError]
) -> None:
    """Record in *errors* a decision date given beside a named timeframe, as the cell says.

    :class:`~leadflow.TimeframeEvidence` holds the rule (one or the other); it is
    checked here so that the record's other errors are reported with it.
    """
    decision_date = values.get("decision_date")
    level = values.get("timeframe", TimeframeLevel.UNKNOWN)
    if decision_date is None or level is TimeframeLevel.UNKNOWN:
        return
    try:
        TimeframeEvidence(level=level, decision_date=decision_date)
    except InvalidFieldError as error:
        errors.append(InvalidFieldError(error.field, record.get(error.field), error.reason))


def _evidence(
    values: dict[str, Any],
    budget_amount: Money | None,
    observed: dict[str, SignalObservation],
    trusted: bool,
) -> Evidence:
    """The evidence of a record's values read (by field name), its budget and its signals."""
    get = values.get
    timeframe = get("timeframe", TimeframeLevel.UNKNOWN)
    decision_date = get("decision_date")
    notes = () if values.keys().isdisjoint(_NOTE_FIELDS) else [get(f) for f in _NOTE_FIELDS]
    # A note of blanks only (from a str subclass, which the reader does not skip): the
    # constructor says what is wrong. (A date beside a named timeframe never gets here:
    # _check_timeframe refuses it with the record's other errors.)
    checked = not trusted or "" in notes
    need: Callable[..., NeedEvidence] = NeedEvidence
    budget: Callable[..., BudgetEvidence] = BudgetEvidence
    when: Callable[..., TimeframeEvidence] = TimeframeEvidence
    authority: Callable[..., AuthorityEvidence] = AuthorityEvidence
    if not checked:
        need = _trusted.need_evidence
        budget = _trusted.budget_evidence
        when = _trusted.timeframe_evidence
        authority = _trusted.authority_evidence
    need_part = need(
        level=get("need", NeedLevel.UNKNOWN),
        observed_at=get("need_observed_at"),
        note=get("need_note"),
    )
    budget_part = budget(
        level=get("budget", BudgetLevel.UNKNOWN),
        amount=budget_amount,
        observed_at=get("budget_observed_at"),
        note=get("budget_note"),
    )
    timeframe_part = when(
        level=timeframe,
        decision_date=decision_date,
        observed_at=get("timeframe_observed_at"),
        note=get("timeframe_note"),
    )
    authority_part = authority(
        process=get("purchase_process", PurchaseProcess.UNKNOWN),
        observed_at=get("authority_observed_at"),
        note=get("authority_note"),
    )
    built = Evidence if checked or observed else _trusted.evidence
    return built(
        need=need_part,
        budget=budget_part,
        timeframe=timeframe_part,
        authority=authority_part,
        signals=observed if checked or observed else (),  # type: ignore[arg-type]
    )


_INPUT: Final = _trusted.setters(
    QualificationInput, "contact", "evidence", "signals", "estimated_value", "expected_close"
)


def _qualification_input(
    *,
    contact: Contact,
    evidence: Evidence,
    signals: PromotionSignals | None,
    estimated_value: Money | None,
    expected_close: date | None,
) -> QualificationInput:
    """A :class:`QualificationInput` of parts already built (see :mod:`leadflow._trusted`)."""
    set_contact, set_evidence, set_signals, set_estimated_value, set_expected_close = _INPUT
    value: QualificationInput = _trusted.new(QualificationInput)
    set_contact(value, contact)
    set_evidence(value, evidence)
    set_signals(value, signals)
    set_estimated_value(value, estimated_value)
    set_expected_close(value, expected_close)
    return value


def qualify_record(
    record: Mapping[str, Any],
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
) -> QualificationDecision:
    """Qualify the contact of one flat record: a spreadsheet's row, a data frame's dict.

    The one call from a row to a decision: :func:`parse_record` (with the policy's
    signals, read from their columns, and *timezone*), then
    :func:`~leadflow.qualify`. Headers and values may be spelt as spreadsheets
    write them (``"Budget Amount"``, ``"This Quarter"``, ``"N/A"``;
    docs/spreadsheets.md).

    Args:
        record: The record, field names to values.
        policy: The policy to decide by; ``None`` for :data:`~leadflow.DEFAULT_POLICY`.
        as_of: The moment of the decision ("now"), timezone-aware.
        timezone: The zone of datetimes written without a UTC offset, as for
            :func:`parse_record`.

    Raises:
        InvalidRecordError: as :func:`parse_record`; also when the contact was
            created after *as_of* (``created_at``), or some evidence observed after
            it (``need_observed_at``, say), which no decision can be made of.
        InvalidPolicyError: as :func:`parse_record`.

    >>> from datetime import datetime, timezone
    >>> decision = qualify_record(
    ...     {"Name": "Ada Lovelace", "Email": "ada@example.com",
    ...      "Created At": "2026-11-02T09:00Z", "Need": "Strong", "Budget": "Approved",
    ...      "Timeframe": "This Quarter", "Role": "Decision maker"},
    ...     as_of=datetime(2026, 11, 30, tzinfo=timezone.utc))
    >>> decision.verdict.value, decision.score
    ('qualified', 98)
    """
    as_of = g.read_datetime("as_of", as_of)  # aware, or refused before comparing
    chosen = DEFAULT_POLICY if policy is None else policy
    plain = not chosen.signals and isinstance(record, dict) and _plain_keys(record)
    if plain:
        # A plain record, as most are: read the short way, and no contact built of
        # it, as the decision keeps only its evidence. Anything amiss (a contact
        # created after as_of, evidence observed after it) is for the general
        # reader to word.
        read = _plain.plain_evidence(record, timezone)
        if read is not None and read[1] <= as_of:
            try:
                return chosen._engine.decide(read[0], read[2], as_of)
            except InvalidFieldError:
                pass
    return read_and_qualify(record, chosen, as_of, timezone, short=not plain)[1]


def read_and_qualify(
    record: Mapping[str, Any],
    policy: Policy,
    as_of: datetime,
    timezone: tzinfo | None,
    *,
    short: bool = True,
) -> tuple[QualificationInput, QualificationDecision]:
    """:func:`qualify_record` with *as_of* already read, returning the parsed record too.

    Without *short*, the record is read by the full reader alone (the short way of a
    plain record has been tried already).
    """
    parsed = _parse(record, policy.signals, timezone, short=short)
    created = parsed.contact.created_at
    if created > as_of:
        raise InvalidRecordError(
            [
                InvalidFieldError(
                    "created_at", created.isoformat(), f"is after as_of ({as_of.isoformat()})"
                )
            ]
        )
    try:
        return parsed, qualify(parsed.contact, parsed.evidence, policy, as_of=as_of)
    except InvalidFieldError as error:  # evidence observed after as_of: the record's fault
        seen = error.value.isoformat() if isinstance(error.value, datetime) else error.value
        raise InvalidRecordError(
            [InvalidFieldError(record_column(error.field), seen, error.reason)]
        ) from error


def record_column(field: str) -> str:
    """The record's column of a value's *field* as the core names it.

    >>> record_column("evidence.need.observed_at")
    'need_observed_at'
    >>> record_column("evidence.signals.total_visits.observed_at")
    'total_visits_observed_at'
    >>> record_column("signals.observed_at"), record_column("email")
    ('signals_observed_at', 'email')
    """
    if field.startswith("evidence.signals."):
        # evidence.signals.<name>[.observed_at]: the signal's own columns.
        return field.removeprefix("evidence.signals.").replace(".", "_")
    if field.startswith("evidence.") and field.endswith(".observed_at"):
        return field.split(".")[1] + "_observed_at"
    if field == "signals.observed_at":
        return "signals_observed_at"
    return field


# ----------------------------------------------------------------------------------------
# Output rows
# ----------------------------------------------------------------------------------------

#: The columns of a qualification decision row, in order (a CSV header), whatever the
#: policy; a policy's signals add columns after them (see :func:`decision_fields`).
DECISION_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "verdict",
    "score",
    "grade",
    "rating",
    "policy",
    "as_of",
    "codes",
    *(f"{criterion.value}_{part}" for criterion in Criterion for part in ("code", "points")),
    "next_steps",
    "reason",
)

_SIGNAL_PARTS: Final = ("code", "points")


def decision_fields(
    signals: Sequence[Signal] = (), *, probability: bool = False
) -> tuple[str, ...]:
    """The columns of a decision row under a policy with *signals* (a CSV header).

    :data:`DECISION_FIELDS`, then ``<name>_code`` and ``<name>_points`` for each
    signal, in *signals* order: the same header for every decision of one policy.
    With *probability* (a policy with a calibration, such as a learned one), a
    ``probability`` column follows ``score``.

    >>> from leadflow import NumericSignal
    >>> visits = NumericSignal(name="total_visits", weight=20, edges=(5,), points=(0, 20))
    >>> decision_fields([visits])[-4:]
    ('next_steps', 'reason', 'total_visits_code', 'total_visits_points')

    Raises:
        InvalidPolicyError: as :func:`signal_columns`.
    """
    plan = _signal_plan(signals)
    fields = DECISION_FIELDS
    if probability:
        at = fields.index("score") + 1
        fields = (*fields[:at], "probability", *fields[at:])
    return fields + tuple(f"{name}_{part}" for name, _, _ in plan for part in _SIGNAL_PARTS)


#: The columns of a promotion decision row, in order (a CSV header).
PROMOTION_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "promotable",
    "codes",
    "next_steps",
    "qualification_verdict",
    "score",
)


def decision_row(decision: QualificationDecision, *, record_id: str | None) -> dict[str, Any]:
    """A qualification decision as a flat, JSON- and CSV-ready row.

    Its columns are :func:`decision_fields` of the deciding policy's signals
    (:data:`DECISION_FIELDS` for a policy without any). Each criterion has its own
    ``<criterion>_code`` and ``<criterion>_points`` columns, in a fixed order
    whatever the policy (need, budget, timeframe, authority); ``codes`` joins the
    criteria's codes in that same order, then the signals' codes in policy order,
    with ``";"`` (the order of the columns, not :attr:`QualificationDecision.codes`'
    policy order: a CSV reads the same under every policy); ``next_steps`` is joined with
    ``"; "``; ``reason`` is the decision's one sentence; then each signal has
    ``<name>_code`` and ``<name>_points`` columns, in policy order. A decision with
    a probability has a ``probability`` column after ``score``.
    """
    row: dict[str, Any] = {
        "id": record_id,
        "verdict": decision.verdict.value,
        "score": decision.score,
        **({} if decision.probability is None else {"probability": decision.probability}),
        "grade": decision.grade.value,
        "rating": decision.rating.value,
        "policy": decision.policy,
        "as_of": decision.as_of.isoformat(),
    }
    # The codes in the order of the columns (the criteria's fixed order, then the
    # signals' policy order), so that "codes" reads as the row does, whatever the policy.
    results = [decision.result(criterion) for criterion in Criterion]
    row["codes"] = ";".join([r.code for r in results] + [s.code for s in decision.signals])
    for criterion, result in zip(Criterion, results, strict=True):
        row[f"{criterion.value}_code"] = result.code
        row[f"{criterion.value}_points"] = result.points
    row["next_steps"] = "; ".join(decision.next_steps)
    row["reason"] = decision.reason
    for signal in decision.signals:
        row[f"{signal.name}_code"] = signal.code
        row[f"{signal.name}_points"] = signal.points
    return row


def promotion_row(decision: PromotionDecision, *, record_id: str | None) -> dict[str, Any]:
    """A promotion decision as a flat, JSON- and CSV-ready row (:data:`PROMOTION_FIELDS`).

    ``codes`` joins the signals' codes with ``";"``, ``next_steps`` with ``"; "``;
    ``qualification_verdict`` and ``score`` come from the re-qualification the
    promotion decision made.
    """
    return {
        "id": record_id,
        "promotable": decision.promotable,
        "codes": ";".join(result.code for result in decision.results),
        "next_steps": "; ".join(decision.next_steps),
        "qualification_verdict": decision.qualification.verdict.value,
        "score": decision.qualification.score,
    }
