"""Contacts: the people (or contact points) the funnel starts from.

A contact is a person, not the buying party: the organisation the person
belongs to is a separate value, and the contact records the person's role in
the purchase, because the lead is not necessarily the buyer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any, Final, NewType, TypeVar

import attrs

from leadflow import _grammar as g
from leadflow import _validate as v
from leadflow.errors import (
    InvalidFieldError,
    InvalidRecordError,
    WrongTypeError,
)

__all__ = [
    "Contact",
    "ContactId",
    "LeadSource",
    "Organisation",
    "PurchaseRole",
    "email_addresses",
    "normalise_email",
    "normalise_phone",
]

ContactId = NewType("ContactId", str)

T = TypeVar("T")


class PurchaseRole(Enum):
    """The contact's part in the purchase decision (ordered by authority)."""

    UNKNOWN = "unknown"
    USER = "user"  #: uses the product or works for the buyer; no say in the purchase
    ADVISER = "adviser"  #: adviser or consultant to the buyer
    INFLUENCER = "influencer"  #: can sway the decision
    DECISION_MAKER = "decision_maker"  #: makes or co-makes the decision


class LeadSource(Enum):
    """Where the contact came from (Dynamics 365 ``leadsourcecode`` names)."""

    ADVERTISEMENT = "advertisement"
    EMPLOYEE_REFERRAL = "employee_referral"
    EXTERNAL_REFERRAL = "external_referral"
    PARTNER = "partner"
    PUBLIC_RELATIONS = "public_relations"
    SEMINAR = "seminar"
    TRADE_SHOW = "trade_show"
    WEB = "web"
    WORD_OF_MOUTH = "word_of_mouth"
    OTHER = "other"


def normalise_email(value: object, field: str = "email") -> str | None:
    """Return *value* as a normalised email address, or ``None`` when blank.

    One address, whose local part is ASCII and kept as given (it may be
    case-sensitive), and whose domain is lower-cased and NFC-normalised; it may be
    internationalised (``bücher.example``). A text of several addresses, or of a
    display name and an address, is not one address: see :func:`email_addresses`.
    Raises :class:`~leadflow.errors.InvalidEmailError`.

    >>> normalise_email("  Ada.Lovelace@Example.COM ")
    'Ada.Lovelace@example.com'
    >>> normalise_email("anna@BÜCHER.example")
    'anna@bücher.example'
    """
    return None if g.is_blank(value) else g.read_email(field, value)


def email_addresses(value: object, field: str = "email") -> tuple[str, ...]:
    """Return every email address in *value*, in order, each as :func:`normalise_email`.

    *value* is a list as a CRM keeps it in one field (Odoo's ``email_from``): items
    separated by commas or semicolons, each an address or a display name with the
    address in angle brackets. Items that are no address are skipped; a blank value
    holds none (``()``). Raises :class:`~leadflow.errors.InvalidEmailError` when no
    item is an address.

    >>> email_addresses('"Lovelace, Ada" <Ada@Example.COM>; grace@example.com')
    ('Ada@example.com', 'grace@example.com')
    """
    return () if g.is_blank(value) else g.read_emails(field, value)


def normalise_phone(value: object, field: str = "phone") -> str | None:
    """Return *value* as a phone number of digits with an optional leading ``+``.

    Spaces, dots, dashes, slashes and parentheses are dropped; 7 to 15 digits
    (the E.164 maximum) must remain. A trunk prefix ``(0)`` right after the country
    code is dropped too (``+44 (0)20`` dials ``+4420``). An extension (after ``ext``,
    ``ext.``, ``extension``, ``x`` or ``;ext=``, in any case: 1 to 10 digits) is kept
    after the number as RFC 3966 writes it, ``;ext=12``. A blank value is no number
    (``None``). Raises :class:`~leadflow.errors.InvalidPhoneError`.

    >>> normalise_phone("+44 (20) 7946-0958")
    '+442079460958'
    >>> normalise_phone("+44 (0)20 7946 0958 ext. 12")
    '+442079460958;ext=12'
    """
    return None if g.is_blank(value) else g.read_phone(field, value)


@attrs.frozen(kw_only=True)
class Organisation:
    """The party that buys: a business or other organisation.

    Attributes:
        name: The organisation's name.
        industry: Free-text industry, if known.
        employees: Head count, if known (0 to 999,999,999,999).
        website: Web address, if known.
    """

    name: str = attrs.field(validator=v.text)
    industry: str | None = attrs.field(default=None, validator=v.optional_text)
    employees: int | None = attrs.field(default=None, validator=v.of_type(int, optional=True))
    website: str | None = attrs.field(default=None, validator=v.optional_text)

    @employees.validator
    def _check_employees(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and value < 0:
            raise InvalidFieldError(attribute.name, value, "must not be negative")
        if value is not None and value >= g.COUNT_LIMIT:
            raise InvalidFieldError(attribute.name, value, "too large: at most 12 digits")


_ROLES: Final = g.choices(PurchaseRole)
_SOURCES: Final = g.choices(LeadSource)


def _role(value: PurchaseRole | str) -> PurchaseRole:
    """A role given as its value (``"decision_maker"``) becomes the member."""
    return _ROLES.read("role", value) if isinstance(value, str) else value


def _source(value: LeadSource | str | None) -> LeadSource | None:
    """A source given as its value (``"trade_show"``) becomes the member."""
    return _SOURCES.read("source", value) if isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class Contact:
    """A point of contact that might lead to a sale some day.

    Attributes:
        name: The person's full name (or the contact point's label).
        created_at: When the contact was recorded; timezone-aware.
        email: Email address, normalised (see :func:`normalise_email`).
        phone: Phone number, normalised (see :func:`normalise_phone`).
        organisation: The buying party, or ``None`` for a private person.
        job_title: The person's job title, if known.
        role: The person's part in the purchase decision (a :class:`PurchaseRole`,
            or its value as text: ``"decision_maker"``).
        source: Where the contact came from, if known (a :class:`LeadSource`, or
            its value as text: ``"trade_show"``).
        id: The contact's id in the system of record, if any.

    At least one channel (email or phone) is required.

    >>> from datetime import datetime, timezone
    >>> Contact(name="Ada Lovelace", email="ada@Example.com",
    ...         created_at=datetime(2026, 1, 5, tzinfo=timezone.utc)).email
    'ada@example.com'
    """

    name: str = attrs.field(validator=v.text)
    created_at: datetime = attrs.field(validator=v.aware)
    email: str | None = attrs.field(default=None, converter=normalise_email)
    phone: str | None = attrs.field(default=None, converter=normalise_phone)
    organisation: Organisation | None = attrs.field(
        default=None, validator=v.of_type(Organisation, optional=True)
    )
    job_title: str | None = attrs.field(default=None, validator=v.optional_text)
    role: PurchaseRole = attrs.field(
        default=PurchaseRole.UNKNOWN, converter=_role, validator=v.of_type(PurchaseRole)
    )
    source: LeadSource | None = attrs.field(
        default=None, converter=_source, validator=v.of_type(LeadSource, optional=True)
    )
    id: ContactId | None = attrs.field(default=None, validator=v.optional_text)

    def __attrs_post_init__(self) -> None:
        if self.email is None and self.phone is None:
            raise InvalidFieldError("email", None, "a contact needs an email address or a phone")

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Contact:
        """Build a contact from a loosely typed mapping, reporting every bad field.

        Accepts strings where the strict constructor wants enums
        (``role="decision_maker"``), ISO 8601 text for ``created_at``, a head
        count as text, and an ``organisation`` given as a name or as a mapping of
        :class:`Organisation` fields. Values are read as records read them (see
        :mod:`leadflow.records`); blank strings count as missing.

        Raises:
            InvalidRecordError: listing each bad field with its path.
        """
        if not isinstance(record, Mapping):
            raise InvalidRecordError(
                [WrongTypeError("", record, f"expected a mapping, not {v.type_name(record)}")],
                "contact",
            )
        errors: list[InvalidFieldError] = []

        def take(field: str, parse: Callable[[object], T], default: T, required: bool = False) -> T:
            raw = v.clean_text(record.get(field))
            if raw is None:
                if required:
                    errors.append(InvalidFieldError(field, record.get(field), "is required"))
                return default
            try:
                return parse(raw)
            except InvalidFieldError as error:
                errors.append(error if error.field == field else error.under(field))
                return default

        def organisation(raw: object) -> Organisation:
            if isinstance(raw, str):
                return Organisation(name=raw)
            if isinstance(raw, Mapping):
                fields = {k: v.clean_text(raw.get(k)) for k in ("name", "industry", "website")}
                employees = raw.get("employees")
                return Organisation(
                    name=fields["name"],  # type: ignore[arg-type]  # validated inside
                    industry=fields["industry"],  # type: ignore[arg-type]
                    website=fields["website"],  # type: ignore[arg-type]
                    employees=None
                    if g.is_blank(employees)
                    else g.read_count("employees", employees),
                )
            raise WrongTypeError("", raw, "expected a name or a mapping")

        values: dict[str, Any] = {
            "name": take("name", _required_text("name"), None, required=True),
            "created_at": take("created_at", partial(g.read_datetime, "created_at"), None, True),
            "email": take("email", normalise_email, None),
            "phone": take("phone", normalise_phone, None),
            "organisation": take("organisation", organisation, None),
            "job_title": take("job_title", _required_text("job_title"), None),
            "role": take("role", partial(_ROLES.read, "role"), PurchaseRole.UNKNOWN),
            "source": take("source", partial(_SOURCES.read, "source"), None),
            "id": take("id", _required_text("id"), None),
        }
        no_channel = values["email"] is None and values["phone"] is None
        if no_channel and not any(e.field in ("email", "phone") for e in errors):
            errors.append(
                InvalidFieldError("email", None, "a contact needs an email address or a phone")
            )
        if errors:
            raise InvalidRecordError(errors, "contact")
        return cls(**values)


def _required_text(field: str) -> Callable[[object], str]:
    def parse(raw: object) -> str:
        if not isinstance(raw, str):
            raise WrongTypeError(field, raw, f"expected a string, not {v.type_name(raw)}")
        return raw

    return parse
