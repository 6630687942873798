"""Values built from parts already read and checked, without checking them again.

Every value class checks its fields in its constructor: attrs runs each converter
and validator, then ``__attrs_post_init__``. A reader that has just read each part
by the grammar's rule (:mod:`leadflow._grammar`), as :func:`~leadflow.records.parse_record`
does for every row of a file, would have each part checked twice. The builders here
fill the slots of a value directly, as its constructor would after its checks.

The caller vouches for every argument: it is what the class's constructor would
store (its converter's result), passes the field's validators, and together the
arguments pass the class's own checks (a contact's email or phone, a timeframe's
level or date). Anything less is built by the constructor, which says what is wrong.
tests/test_records.py (TestTrustedParts) reads generated records both ways and finds
the values equal.

The slots are filled through their descriptors, as attrs' own frozen ``__init__``
fills them (``object.__setattr__``); :func:`setters` refuses a class whose fields are
not the ones named, so that a field added later cannot be left unset.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from leadflow.contacts import Contact, ContactId, LeadSource, Organisation, PurchaseRole
from leadflow.evidence import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
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
from leadflow.signals import SignalObservation

__all__ = [
    "authority_evidence",
    "budget_evidence",
    "contact",
    "evidence",
    "money",
    "need_evidence",
    "new",
    "organisation",
    "promotion_signals",
    "setters",
    "timeframe_evidence",
]

Setter = Callable[[Any, Any], None]

#: A value with no slot filled yet.
new: Final = object.__new__


def setters(cls: type, *names: str) -> tuple[Setter, ...]:
    """The slot setter of each of *names*, which are every field of the attrs class *cls*.

    Raises:
        AssertionError: *names* are not *cls*'s fields, in order.
    """
    fields = tuple(field.name for field in attrs.fields(cls))
    if names != fields:
        raise AssertionError(f"{cls.__name__} has the fields {fields}, not {names}")
    return tuple(getattr(cls, name).__set__ for name in names)


_ORGANISATION: Final = setters(Organisation, "name", "industry", "employees", "website")


def organisation(
    *, name: str, industry: str | None, employees: int | None, website: str | None
) -> Organisation:
    """An :class:`~leadflow.Organisation` of checked parts (see the module's docstring)."""
    set_name, set_industry, set_employees, set_website = _ORGANISATION
    value: Organisation = new(Organisation)
    set_name(value, name)
    set_industry(value, industry)
    set_employees(value, employees)
    set_website(value, website)
    return value


_CONTACT: Final = setters(
    Contact,
    "name",
    "created_at",
    "email",
    "phone",
    "organisation",
    "job_title",
    "role",
    "source",
    "id",
)


def contact(
    *,
    name: str,
    created_at: datetime,
    email: str | None,
    phone: str | None,
    organisation: Organisation | None,
    job_title: str | None,
    role: PurchaseRole,
    source: LeadSource | None,
    id: ContactId | None,  # noqa: A002 - the field's own name
) -> Contact:
    """A :class:`~leadflow.Contact` of checked parts, *email* and *phone* normalised."""
    (
        set_name,
        set_created_at,
        set_email,
        set_phone,
        set_organisation,
        set_job_title,
        set_role,
        set_source,
        set_id,
    ) = _CONTACT
    value: Contact = new(Contact)
    set_name(value, name)
    set_created_at(value, created_at)
    set_email(value, email)
    set_phone(value, phone)
    set_organisation(value, organisation)
    set_job_title(value, job_title)
    set_role(value, role)
    set_source(value, source)
    set_id(value, id)
    return value


_MONEY: Final = setters(Money, "amount", "currency")


def money(amount: Decimal, currency: str) -> Money:
    """:class:`~leadflow.Money` of an amount and an upper-case currency code already read."""
    set_amount, set_currency = _MONEY
    value: Money = new(Money)
    set_amount(value, amount)
    set_currency(value, currency)
    return value


_NEED: Final = setters(NeedEvidence, "level", "observed_at", "note")


def need_evidence(
    *, level: NeedLevel, observed_at: datetime | None, note: str | None
) -> NeedEvidence:
    """:class:`~leadflow.NeedEvidence` of checked parts."""
    set_level, set_observed_at, set_note = _NEED
    value: NeedEvidence = new(NeedEvidence)
    set_level(value, level)
    set_observed_at(value, observed_at)
    set_note(value, note)
    return value


_BUDGET: Final = setters(BudgetEvidence, "level", "amount", "observed_at", "note")


def budget_evidence(
    *, level: BudgetLevel, amount: Money | None, observed_at: datetime | None, note: str | None
) -> BudgetEvidence:
    """:class:`~leadflow.BudgetEvidence` of checked parts (*amount* not negative)."""
    set_level, set_amount, set_observed_at, set_note = _BUDGET
    value: BudgetEvidence = new(BudgetEvidence)
    set_level(value, level)
    set_amount(value, amount)
    set_observed_at(value, observed_at)
    set_note(value, note)
    return value


_TIMEFRAME: Final = setters(TimeframeEvidence, "level", "decision_date", "observed_at", "note")


def timeframe_evidence(
    *,
    level: TimeframeLevel,
    decision_date: date | None,
    observed_at: datetime | None,
    note: str | None,
) -> TimeframeEvidence:
    """:class:`~leadflow.TimeframeEvidence` of checked parts (a named level or a date)."""
    set_level, set_decision_date, set_observed_at, set_note = _TIMEFRAME
    value: TimeframeEvidence = new(TimeframeEvidence)
    set_level(value, level)
    set_decision_date(value, decision_date)
    set_observed_at(value, observed_at)
    set_note(value, note)
    return value


_AUTHORITY: Final = setters(AuthorityEvidence, "process", "observed_at", "note")


def authority_evidence(
    *, process: PurchaseProcess, observed_at: datetime | None, note: str | None
) -> AuthorityEvidence:
    """:class:`~leadflow.AuthorityEvidence` of checked parts."""
    set_process, set_observed_at, set_note = _AUTHORITY
    value: AuthorityEvidence = new(AuthorityEvidence)
    set_process(value, process)
    set_observed_at(value, observed_at)
    set_note(value, note)
    return value


_EVIDENCE: Final = setters(Evidence, "need", "budget", "timeframe", "authority", "signals")


def evidence(
    *,
    need: NeedEvidence,
    budget: BudgetEvidence,
    timeframe: TimeframeEvidence,
    authority: AuthorityEvidence,
    signals: tuple[tuple[str, SignalObservation], ...],
) -> Evidence:
    """:class:`~leadflow.Evidence` of its four parts and its signals as it keeps them.

    *signals* are ``(name, observation)`` pairs sorted by name, each name once.
    """
    set_need, set_budget, set_timeframe, set_authority, set_signals = _EVIDENCE
    value: Evidence = new(Evidence)
    set_need(value, need)
    set_budget(value, budget)
    set_timeframe(value, timeframe)
    set_authority(value, authority)
    set_signals(value, signals)
    return value


_PROMOTION: Final = setters(
    PromotionSignals, "relationship", "requirements", "terms", "supplier", "observed_at", "note"
)


def promotion_signals(
    *,
    relationship: RelationshipLevel,
    requirements: RequirementsLevel,
    terms: TermsLevel,
    supplier: SupplierStatus,
    observed_at: datetime | None,
    note: str | None,
) -> PromotionSignals:
    """:class:`~leadflow.PromotionSignals` of checked parts."""
    (
        set_relationship,
        set_requirements,
        set_terms,
        set_supplier,
        set_observed_at,
        set_note,
    ) = _PROMOTION
    value: PromotionSignals = new(PromotionSignals)
    set_relationship(value, relationship)
    set_requirements(value, requirements)
    set_terms(value, terms)
    set_supplier(value, supplier)
    set_observed_at(value, observed_at)
    set_note(value, note)
    return value
