"""Contacts: the people (or contact points) the funnel starts from.

A contact is a person, not the buying party: the organisation the person
belongs to is a separate value, and the contact records the person's role in
the purchase, because the lead is not necessarily the buyer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, Final, NewType, TypeVar

import attrs

from leadflow import _validate as v
from leadflow.errors import (
    InvalidEmailError,
    InvalidFieldError,
    InvalidPhoneError,
    InvalidRecordError,
    WrongTypeError,
)

__all__ = [
    "Contact",
    "ContactId",
    "LeadSource",
    "Organisation",
    "PurchaseRole",
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


# Deliberately modest: one "@", no whitespace, a dotted domain of sane labels.
# Full RFC 5322 accepts addresses no CRM or mail server will deliver to.
_EMAIL: Final = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_PHONE_SEPARATORS: Final = re.compile(r"[\s().\-/]")


def normalise_email(value: object, field: str = "email") -> str | None:
    """Return *value* as a normalised email address, or ``None`` when blank.

    The domain is lower-cased; the local part is kept as given (it may be
    case-sensitive). Raises :class:`~leadflow.errors.InvalidEmailError`.

    >>> normalise_email("  Ada.Lovelace@Example.COM ")
    'Ada.Lovelace@example.com'
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise WrongTypeError(field, value, f"expected a string, not {v.type_name(value)}")
    text = value.strip()
    if not text:
        return None
    if not _EMAIL.fullmatch(text) or ".." in text or text.startswith("."):
        raise InvalidEmailError(field, value, "not an email address")
    local, _, domain = text.rpartition("@")
    if local.endswith("."):
        raise InvalidEmailError(field, value, "not an email address")
    return f"{local}@{domain.lower()}"


def normalise_phone(value: object, field: str = "phone") -> str | None:
    """Return *value* as a phone number of digits with an optional leading ``+``.

    Spaces, dots, dashes, slashes and parentheses are dropped; 7 to 15 digits
    (the E.164 maximum) must remain. Raises :class:`~leadflow.errors.InvalidPhoneError`.

    >>> normalise_phone("+44 (20) 7946-0958")
    '+442079460958'
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise WrongTypeError(field, value, f"expected a string, not {v.type_name(value)}")
    text = _PHONE_SEPARATORS.sub("", value)
    if not text:
        return None
    digits = text[1:] if text.startswith("+") else text
    if not digits.isascii() or not digits.isdigit():
        raise InvalidPhoneError(field, value, "a phone number holds only digits and separators")
    if not 7 <= len(digits) <= 15:
        raise InvalidPhoneError(field, value, "a phone number has 7 to 15 digits")
    return text


@attrs.frozen(kw_only=True)
class Organisation:
    """The party that buys: a business or other organisation.

    Attributes:
        name: The organisation's name.
        industry: Free-text industry, if known.
        employees: Head count, if known (0 or more).
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
        role: The person's part in the purchase decision.
        source: Where the contact came from, if known.
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
        default=PurchaseRole.UNKNOWN, validator=v.of_type(PurchaseRole)
    )
    source: LeadSource | None = attrs.field(
        default=None, validator=v.of_type(LeadSource, optional=True)
    )
    id: ContactId | None = attrs.field(default=None, validator=v.optional_text)

    def __attrs_post_init__(self) -> None:
        if self.email is None and self.phone is None:
            raise InvalidFieldError("email", None, "a contact needs an email address or a phone")

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Contact:
        """Build a contact from a loosely typed mapping, reporting every bad field.

        Accepts strings where the strict constructor wants enums
        (``role="decision_maker"``), ISO 8601 text for ``created_at``, and an
        ``organisation`` given as a name or as a mapping of
        :class:`Organisation` fields. Blank strings count as missing.

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
                # isdecimal, not isdigit: int() refuses digits such as "²"; and a
                # head count never needs more than 12 digits.
                text = employees.strip() if isinstance(employees, str) else ""
                if text.isdecimal() and len(text) <= 12:
                    employees = int(text)
                return Organisation(
                    name=fields["name"],  # type: ignore[arg-type]  # validated inside
                    industry=fields["industry"],  # type: ignore[arg-type]
                    website=fields["website"],  # type: ignore[arg-type]
                    employees=v.clean_text(employees),  # type: ignore[arg-type]
                )
            raise WrongTypeError("", raw, "expected a name or a mapping")

        values: dict[str, Any] = {
            "name": take("name", _required_text("name"), None, required=True),
            "created_at": take("created_at", _parse_datetime("created_at"), None, required=True),
            "email": take("email", normalise_email, None),
            "phone": take("phone", normalise_phone, None),
            "organisation": take("organisation", organisation, None),
            "job_title": take("job_title", _required_text("job_title"), None),
            "role": take(
                "role", lambda raw: v.parse_enum(PurchaseRole, "role", raw), PurchaseRole.UNKNOWN
            ),
            "source": take("source", lambda raw: v.parse_enum(LeadSource, "source", raw), None),
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


def _parse_datetime(field: str) -> Callable[[object], datetime]:
    def parse(raw: object) -> datetime:
        if isinstance(raw, str):
            try:
                raw = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise InvalidFieldError(field, raw, "not an ISO 8601 datetime") from None
        return v.check_aware(field, raw)

    return parse
