"""The field map: the rows of a CRM table, custom fields, and the engine that applies them.

Each adapter describes its CRM as data: a table with one row per CRM field, naming
the leadflow attribute the field holds and the codec that converts between the
CRM's JSON value and leadflow's value. A :class:`CustomFields` mapping adds rows for
the custom fields that hold what a CRM has no field for, and every CRM's mapping
(:class:`CrmMapping`) names its currency and its custom fields. The engine here
applies a table in both directions, so the four adapters read and write through
one implementation.

The write rule every adapter follows: a value leadflow left unchanged is written
back exactly as the CRM sent it (so a read-write cycle never reformats a phone
number or an email address); a changed value is written in the CRM's canonical
form; a value that became empty is written as the CRM's empty value; and fields
leadflow does not model come back verbatim, except those the CRM does not accept
in a write body.

A table is data, and describes itself:

>>> from leadflow.adapters._codecs import Email, Text
>>> table = (
...     Field("mail", "contact.email", Email()),
...     Field("title", "contact.job_title", Text(max_length=80)),
... )
>>> print(describe_table(table, "Example"))
| Example field | leadflow attribute | values | on write |
|---|---|---|---|
| mail | contact.email | email address | written |
| title | contact.job_title | text, up to 80 characters | written |
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import Any, ClassVar, Final, TypeAlias

import attrs

from leadflow._validate import of_type, type_name
from leadflow.adapters._codecs import (
    Amount,
    Choice,
    Codec,
    Context,
    Day,
    Repaired,
    fits,
    wrong_type,
)
from leadflow.adapters._model import CrmId, OpportunityStageValue, frozen_table
from leadflow.contacts import Contact, ContactId, Organisation, PurchaseRole
from leadflow.decisions import Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError, _a
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

__all__ = [
    "BUDGET_VALUES",
    "EMPTY",
    "LEAD_ATTRIBUTES",
    "NEED_VALUES",
    "OPPORTUNITY_ATTRIBUTES",
    "PROCESS_VALUES",
    "ROLE_VALUES",
    "TIMEFRAME_VALUES",
    "CrmMapping",
    "CustomFields",
    "Field",
    "Name",
    "Spec",
    "WriteRatings",
    "attribute_of",
    "check_status_values",
    "closed_at",
    "currency_code",
    "describe_table",
    "lead_table",
    "non_blank",
    "opportunity_values",
    "read_fields",
    "read_lead_parts",
    "status_values",
    "under",
    "undetermined_stays_open",
    "values_of",
    "verdict_table",
    "write_fields",
]

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
_TIMEFRAME: Final = "evidence.timeframe.level"
_DECISION_DATE: Final = "evidence.timeframe.decision_date"
_NO_LEVEL: Final = (None, TimeframeLevel.UNKNOWN)

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


#: The attributes an import table reads from an opportunity record, beside those above.
IMPORT_ATTRIBUTES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "opened_at": "when the opportunity was created (its import event's time)",
        "closed_at": "when it was won or lost",
        "owner": "who owns it",
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
        if not any(
            value in table for table in (LEAD_ATTRIBUTES, OPPORTUNITY_ATTRIBUTES, IMPORT_ATTRIBUTES)
        ):
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
        if isinstance(value, Repaired):
            value = ctx.note(self.name, raw, value)
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
                raise wrong_type(raw, "a string").under(part)
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
                written[part] = None if piece is None else fits(piece, limit)
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
                    f"{attribute.name}[{raw!r}]", member, f"expected {_a(member_type.__name__)}"
                )
            if isinstance(raw, float) or not isinstance(raw, (str, int)):
                raise WrongTypeError(
                    f"{attribute.name}[{raw!r}]", raw, "expected a str, int or bool CRM value"
                )

    return validate


def _field_name() -> Any:
    # A plain default to the type checker: the field's type is its annotation, str | None.
    return attrs.field(default=None, validator=_optional_name)


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
    ``"committee"``, ``"decision_maker"``). A blank field is ``unknown``, and so
    is a value the table does not list (the lead's ``repairs`` say so).

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

    need: str | None = _field_name()
    need_values: Mapping[Any, NeedLevel] = attrs.field(
        default=NEED_VALUES, converter=frozen_table, validator=_value_table(NeedLevel)
    )
    budget: str | None = _field_name()
    budget_values: Mapping[Any, BudgetLevel] = attrs.field(
        default=BUDGET_VALUES, converter=frozen_table, validator=_value_table(BudgetLevel)
    )
    budget_amount: str | None = _field_name()
    timeframe: str | None = _field_name()
    timeframe_values: Mapping[Any, TimeframeLevel] = attrs.field(
        default=TIMEFRAME_VALUES, converter=frozen_table, validator=_value_table(TimeframeLevel)
    )
    decision_date: str | None = _field_name()
    purchase_process: str | None = _field_name()
    purchase_process_values: Mapping[Any, PurchaseProcess] = attrs.field(
        default=PROCESS_VALUES, converter=frozen_table, validator=_value_table(PurchaseProcess)
    )
    role: str | None = _field_name()
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
# What every CRM's mapping holds
# --------------------------------------------------------------------------------------------


def currency_code(value: object) -> object:
    """Normalise an ISO 4217 code as :class:`~leadflow.Money` does (``None`` passes)."""
    if value is None:
        return None
    try:
        return Money.zero(value).currency  # type: ignore[arg-type]  # checked inside
    except InvalidFieldError as error:
        raise InvalidFieldError("currency", value, error.reason) from None


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


def non_blank(
    expected: str, *, optional: bool = False
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validate a non-blank string (a stage id, a picklist value, a field name).

    Args:
        expected: What the value is, for the message (``"a picklist value"``).
        optional: Whether ``None`` is allowed too.
    """

    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not value.strip():
            raise WrongTypeError(attribute.name, value, f"expected {expected}")

    return validate


def undetermined_stays_open(
    statuses: Mapping[Verdict, str | None], open_statuses: Sequence[str], reason: str
) -> None:
    """Raise unless the status *statuses* gives an undetermined lead is ``None`` or open.

    Raises:
        InvalidFieldError: for ``lead_statuses[undetermined]``, with *reason*.
    """
    status = statuses.get(Verdict.UNDETERMINED)
    if status is not None and status not in open_statuses:
        raise InvalidFieldError("lead_statuses[undetermined]", status, reason)


def verdict_table(
    check: Callable[[str, Verdict, object], None],
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validate a mapping of verdicts, passing each verdict's value to *check*.

    *check* gets the value's path (``lead_statuses[qualified]``), the verdict and the
    value, and raises when the value is bad.
    """

    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping):
            raise WrongTypeError(attribute.name, value, "expected a mapping of verdicts")
        for verdict, target in value.items():
            if not isinstance(verdict, Verdict):
                raise WrongTypeError(
                    f"{attribute.name}[{verdict!r}]", verdict, "expected a Verdict"
                )
            check(f"{attribute.name}[{verdict.value}]", verdict, target)

    return validate


class WriteRatings(str, Enum):
    """When a decision's rating is written to a record's rating field.

    A rating (Salesforce ``Rating``, Dynamics ``leadqualitycode``, Odoo
    ``priority``) is often a person's judgement; by default leadflow fills in an
    unset one and leaves one a person set.
    """

    #: Never: the rating field is the people's alone.
    NEVER = "never"
    #: Only where the record has no rating yet (a new record, a blank field).
    IF_UNSET = "if_unset"
    #: Always, replacing the record's rating; a value the mapping's rating table
    #: does not list (Odoo's '3', Very High) is still a person's, and kept.
    ALWAYS = "always"


def _field_names(value: object) -> Any:
    if isinstance(value, (set, frozenset, list, tuple)):
        return frozenset(value)
    return value


def _check_field_names(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset):
        raise WrongTypeError(attribute.name, value, "expected a set of field names")
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise WrongTypeError(f"{attribute.name}[{name!r}]", name, "expected a field name")


def _write_ratings(value: object) -> object:
    try:
        return WriteRatings(value)
    except ValueError:
        return value


@attrs.frozen(kw_only=True)
class CrmMapping:
    """What every CRM's mapping holds: its currency, custom fields and write-back rules.

    Each CRM's mapping (``DynamicsMapping`` ...) extends this with its own setup and
    names its own rows in ``_native``; its docstring says how the currency is found.

    Attributes:
        currency: ISO 4217 code of the records' amounts, when the record does not
            say. A currency the record states always wins: this is only the fallback.
        custom: The custom fields that hold the criteria.
        read_only: Lead fields never to write, besides those the adapter knows the
            CRM refuses (its ``READ_ONLY``): formula fields, fields an organisation
            locked. Each adapter's ``read_only_fields`` reads them from the CRM's
            own metadata.
        opportunity_read_only: The same for opportunity records (Salesforce's
            ``Opportunity``, a HubSpot deal, a Dynamics ``opportunity``). Odoo keeps
            both in ``crm.lead``, so there :attr:`read_only` applies to both.
        close_disqualified: Whether a disqualified verdict closes the record (a
            closed status, ``statecode`` 2, archived, unqualified). Off by
            default: leadflow then writes its rating and leaves the record open
            for a person to close. An undetermined verdict never closes a record.
        write_ratings: When the decision's rating is written (see
            :class:`WriteRatings`); by default only where the record has none.
    """

    #: The CRM's own lead rows, which :attr:`custom` adds to.
    _native: ClassVar[tuple[Spec, ...]] = ()

    currency: str | None = attrs.field(default=None, converter=currency_code)
    custom: CustomFields = attrs.field(factory=CustomFields, validator=of_type(CustomFields))
    read_only: frozenset[str] = attrs.field(
        factory=frozenset, converter=_field_names, validator=_check_field_names
    )
    opportunity_read_only: frozenset[str] = attrs.field(
        factory=frozenset, converter=_field_names, validator=_check_field_names
    )
    close_disqualified: bool = attrs.field(default=False, validator=of_type(bool))
    write_ratings: WriteRatings = attrs.field(
        default=WriteRatings.IF_UNSET, converter=_write_ratings, validator=of_type(WriteRatings)
    )

    def lead_table(self) -> tuple[Spec, ...]:
        """The lead table: the CRM's own rows with the custom fields."""
        return lead_table(self._native, self.custom)


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------


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


def under(error: InvalidFieldError, prefix: str | None) -> InvalidFieldError:
    """*error* nested under *prefix*, where the fields sit in the record (``None``: at the top)."""
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
        # with the fields leadflow does not model, and are not checked. The name's own
        # field stays modelled, blank: a company name cleared is written as cleared.
        loose = {
            name
            for spec in table
            if spec.attr.startswith(_ORGANISATION) and spec.attr != "contact.organisation.name"
            for name in spec.owns
        }
        owned -= loose
        found = [e for e in found if e.field.split(".", 1)[0] not in loose]
        ctx.repairs[:] = [r for r in ctx.repairs if r.field not in loose]
        ctx.partial.difference_update(loose)
        for spec in table:
            if spec.attr.startswith(_ORGANISATION):
                values[spec.attr] = None
    if values.get(_DECISION_DATE) is not None and values.get(_TIMEFRAME) not in _NO_LEVEL:
        # The expected decision date decides the timeframe, and TimeframeEvidence takes
        # one or the other: the named timeframe is not modelled for this record. Its field
        # stays with the extras, as read, so a write-back never clears it (nor writes it).
        named = {name for spec in table if spec.attr == _TIMEFRAME for name in spec.owns}
        owned -= named
        del values[_TIMEFRAME]
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
    errors.extend(under(e, prefix) for e in found)
    if errors:
        raise InvalidRecordError(errors, what)
    try:
        contact, evidence = _build(values, crm_id)
    except InvalidFieldError as error:
        raise InvalidRecordError([under(_relocate(error, paths), prefix)], what) from None
    extras = {
        k: v for k, v in fields.items() if (k not in owned or k in ctx.partial) and k not in skip
    }
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
            errors.append(under(error, prefix))
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
