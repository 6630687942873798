"""The short way through a plain record: its values read once, in one pass.

Most records a program reads are plain: every key is a field's own name
(:data:`~leadflow.records.RECORD_FIELDS`), every value is text (or ``None``), and
each value is written as leadflow writes it. :func:`plain_parts` reads such a record
with the grammar's own readers (:mod:`leadflow._grammar`) and builds its parts with
the builders of :mod:`leadflow._trusted`, in one pass and without the bookkeeping
that a record of any other shape needs: renaming headers, sifting a spreadsheet's
empty cells, collecting every error.

It never decides anything the general reader (:func:`leadflow.records.parse_record`)
would decide otherwise: at the first value it does not take as it stands (an empty
cell's text, a value with blanks around it, a bad value, a key spelt otherwise) it
gives up, and the general reader reads the record from the start, with every error
it has. tests/test_records.py reads generated records both ways and finds them equal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from leadflow import _grammar as g
from leadflow import _trusted
from leadflow.contacts import Contact, LeadSource, PurchaseRole
from leadflow.errors import InvalidFieldError
from leadflow.evidence import (
    BudgetLevel,
    Evidence,
    NeedLevel,
    PromotionSignals,
    PurchaseProcess,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeLevel,
)
from leadflow.money import Money

__all__ = ["Parts", "plain_evidence", "plain_parts"]

#: A record's contact, evidence, promotion signals, estimated value and expected close.
Parts = tuple[Contact, Evidence, PromotionSignals | None, Money | None, date | None]


class _NotPlainError(Exception):
    """A value this reader does not take as it stands: the general reader reads it."""


_MISSING: Final = g.MISSING_TEXTS
_LONGEST: Final = max(map(len, _MISSING))


def _text(value: str | None) -> str | None:
    """A text field's value without blanks around it, ``None`` when empty.

    Gives up on an empty cell's text (``"N/A"``), which the general reader drops,
    and on a text of blanks alone.
    """
    if not value:
        return None
    text = value.strip()
    if not text or (len(text) <= _LONGEST and text.lower() in _MISSING):
        raise _NotPlainError
    return text


def _read(read: Callable[[str, object], Any], field: str, value: str | None) -> Any:
    """*read*'s value of a field's text, ``None`` when blank; gives up on a bad one."""
    if not value:
        return None
    try:
        return read(field, value)
    except InvalidFieldError:
        raise _NotPlainError from None


def _money(amount: str | None, currency: str | None, fields: tuple[str, str]) -> Money | None:
    """The amount and its currency, both given or neither; gives up on anything else."""
    if not amount and not currency:
        return None
    if not amount or not currency:
        raise _NotPlainError
    value: Decimal = _read(g.read_amount, fields[0], amount)
    return _trusted.money(value, _read(g.read_currency, fields[1], currency))


_BUDGET_MONEY: Final = ("budget_amount", "budget_currency")
_ESTIMATE_MONEY: Final = ("estimated_value", "estimated_currency")


def _members(enum: type[Enum]) -> dict[str | None, Enum | None]:
    """*enum*'s members by value (the grammar's table), and a blank as no member."""
    members: dict[str | None, Enum | None] = {"": None, None: None}
    members.update(g.choices(enum).members)
    return members


_ROLE: Final = _members(PurchaseRole)
_SOURCE: Final = _members(LeadSource)
_NEED: Final = _members(NeedLevel)
_BUDGET: Final = _members(BudgetLevel)
_TIMEFRAME: Final = _members(TimeframeLevel)
_PROCESS: Final = _members(PurchaseProcess)
_RELATIONSHIP: Final = _members(RelationshipLevel)
_REQUIREMENTS: Final = _members(RequirementsLevel)
_TERMS: Final = _members(TermsLevel)
_SUPPLIER: Final = _members(SupplierStatus)
_NO_VALUE: Final = object()


def _level(members: Mapping[str | None, Enum | None], value: str | None, default: Any) -> Any:
    """The member *value* names, *default* when blank; gives up on any other text."""
    member = members.get(value, _NO_VALUE)
    if member is _NO_VALUE:
        raise _NotPlainError
    return default if member is None else member


def plain_parts(record: Mapping[str, Any], zone: tzinfo | None) -> Parts | None:
    """The parts of a plain *record*, or ``None`` when the general reader must read it.

    The caller has checked that every key of *record* is a field's own name or no
    field's at all. *zone* is the time zone of times written without an offset
    (``None``: such a time is the general reader's to refuse).
    """
    if not _all_text(record):
        return None
    get = record.get
    moment = _datetime_in(zone)
    try:
        contact = _contact(get, moment)
        return contact, _evidence(get, moment), *_promotion(get, moment)
    except _NotPlainError:
        return None


def plain_evidence(
    record: Mapping[str, Any], zone: tzinfo | None
) -> tuple[PurchaseRole, datetime, Evidence] | None:
    """A plain *record*'s contact role and creation time, and its evidence.

    As :func:`plain_parts`, for a caller that needs no more of the contact: its
    other values are read, and checked, but no contact is built of them. The
    promotion signals are read likewise.
    """
    if not _all_text(record):
        return None
    get = record.get
    moment = _datetime_in(zone)
    try:
        role, created_at = _contact_values(get, moment)[:2]
        evidence = _evidence(get, moment)
        _promotion(get, moment)
    except _NotPlainError:
        return None
    return role, created_at, evidence


def _all_text(record: Mapping[str, Any]) -> bool:
    return all(value is None or type(value) is str for value in record.values())


#: How a datetime field is read (:func:`_datetime_in`).
_Moment = Callable[[str, object], datetime]


def _datetime_in(zone: tzinfo | None) -> _Moment:
    """The grammar's datetime reader, reading a time without an offset in *zone*."""
    return g.read_datetime if zone is None else functools.partial(g.read_datetime, zone=zone)


#: A contact's values as read: role, creation time, name, email, phone, organisation
#: (name, industry, employees, website: ``None`` without a name) and source.
_ContactValues = tuple[
    PurchaseRole,
    datetime,
    str,
    "str | None",
    "str | None",
    "tuple[str, str | None, int | None, str | None] | None",
    "LeadSource | None",
]


def _contact_values(get: Callable[[str], Any], moment: _Moment) -> _ContactValues:
    """A contact's values (see :data:`_ContactValues`), each read and checked."""
    name = _text(get("name"))
    created_at = _read(moment, "created_at", get("created_at"))
    if name is None or created_at is None:
        raise _NotPlainError
    email = _read(g.read_email, "email", get("email"))
    phone = _read(g.read_phone, "phone", get("phone"))
    if email is None and phone is None:
        raise _NotPlainError
    organisation = _text(get("organisation"))
    industry = _text(get("industry"))
    website = _text(get("website"))
    employees = _read(g.read_count, "employees", get("employees"))
    company = None
    if organisation is not None:
        company = (organisation, industry, employees, website)
    elif industry is not None or website is not None or employees is not None:
        raise _NotPlainError
    role = _level(_ROLE, get("role"), PurchaseRole.UNKNOWN)
    source = _level(_SOURCE, get("source"), None)
    return role, created_at, name, email, phone, company, source


def _contact(get: Callable[[str], Any], moment: _Moment) -> Contact:
    role, created_at, name, email, phone, company, source = _contact_values(get, moment)
    organisation = None
    if company is not None:
        organisation = _trusted.organisation(
            name=company[0], industry=company[1], employees=company[2], website=company[3]
        )
    return _trusted.contact(
        name=name,
        created_at=created_at,
        email=email,
        phone=phone,
        organisation=organisation,
        job_title=_text(get("job_title")),
        role=role,
        source=source,
        id=_text(get("id")),  # type: ignore[arg-type]  # text is what a ContactId holds
    )


def _evidence(get: Callable[[str], Any], moment: _Moment) -> Evidence:
    timeframe = _level(_TIMEFRAME, get("timeframe"), TimeframeLevel.UNKNOWN)
    decision_date = _read(g.read_date, "decision_date", get("decision_date"))
    if decision_date is not None and timeframe is not TimeframeLevel.UNKNOWN:
        raise _NotPlainError  # one or the other: the general reader says so
    return _trusted.evidence(
        need=_trusted.need_evidence(
            level=_level(_NEED, get("need"), NeedLevel.UNKNOWN),
            observed_at=_read(moment, "need_observed_at", get("need_observed_at")),
            note=_text(get("need_note")),
        ),
        budget=_trusted.budget_evidence(
            level=_level(_BUDGET, get("budget"), BudgetLevel.UNKNOWN),
            amount=_money(get("budget_amount"), get("budget_currency"), _BUDGET_MONEY),
            observed_at=_read(moment, "budget_observed_at", get("budget_observed_at")),
            note=_text(get("budget_note")),
        ),
        timeframe=_trusted.timeframe_evidence(
            level=timeframe,
            decision_date=decision_date,
            observed_at=_read(moment, "timeframe_observed_at", get("timeframe_observed_at")),
            note=_text(get("timeframe_note")),
        ),
        authority=_trusted.authority_evidence(
            process=_level(_PROCESS, get("purchase_process"), PurchaseProcess.UNKNOWN),
            observed_at=_read(moment, "authority_observed_at", get("authority_observed_at")),
            note=_text(get("authority_note")),
        ),
        signals=(),
    )


def _promotion(
    get: Callable[[str], Any], moment: _Moment
) -> tuple[PromotionSignals | None, Money | None, date | None]:
    """A record's promotion signals, estimated value and expected close."""
    relationship = get("relationship")
    requirements = get("requirements")
    terms = get("terms")
    supplier = get("supplier")
    signals_seen = get("signals_observed_at")
    promotion = None
    if relationship or requirements or terms or supplier or signals_seen:
        promotion = _trusted.promotion_signals(
            relationship=_level(_RELATIONSHIP, relationship, RelationshipLevel.UNKNOWN),
            requirements=_level(_REQUIREMENTS, requirements, RequirementsLevel.UNKNOWN),
            terms=_level(_TERMS, terms, TermsLevel.UNKNOWN),
            supplier=_level(_SUPPLIER, supplier, SupplierStatus.UNKNOWN),
            observed_at=_read(moment, "signals_observed_at", signals_seen),
            note=None,
        )
    estimated_value = _money(get("estimated_value"), get("estimated_currency"), _ESTIMATE_MONEY)
    expected_close = _read(g.read_date, "expected_close", get("expected_close"))
    return promotion, estimated_value, expected_close
