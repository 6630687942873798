"""Salesforce (REST API): ``Lead`` and ``Opportunity`` records, and LeadConvert results.

Reads a Lead as the REST API returns it (an ``attributes`` object, standard fields
by API name, ``CreatedDate`` as ``2026-01-05T10:00:00.000+0000``) and writes a
body for ``POST``/``PATCH /sobjects/Lead``.

Salesforce has no standard field for need, budget, timeframe or authority:
without a :class:`~leadflow.adapters.CustomFields` mapping naming the custom
fields (``Need__c`` ...) that hold them, those criteria read as ``unknown``.

Several defaults here are install defaults that organisations edit, and some
are unverified: the Rating values (Hot, Warm, Cold), the lead statuses, and the
opportunity stage names and their order. Each is a table on
:class:`SalesforceMapping` to replace with the organisation's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

import attrs

from leadflow._validate import type_name
from leadflow.adapters._common import (
    UTC,
    Amount,
    Choice,
    Context,
    Count,
    CrmLead,
    CustomFields,
    Day,
    Dialect,
    Email,
    Field,
    Instant,
    Name,
    OpportunityFields,
    Percent,
    Phone,
    Spec,
    Text,
    check_instance,
    check_status_values,
    closed_at,
    copy_extras,
    creates_open,
    currency_code,
    describe_table,
    frozen_table,
    lead_table,
    opportunity_values,
    read_fields,
    read_lead_parts,
    record_currency,
    record_of,
    status_values,
    text_id,
    values_of,
    write_fields,
    written_rating,
)
from leadflow.decisions import QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "DIALECT",
    "LEAD_FIELDS",
    "LEAD_STATUSES",
    "OPEN_STATUSES",
    "OPPORTUNITY_FIELDS",
    "RATING_VALUES",
    "READ_ONLY",
    "STAGE_NAMES",
    "LeadConversion",
    "SalesforceMapping",
    "describe",
    "is_read_only",
    "read_lead",
    "read_lead_convert_result",
    "read_opportunity_fields",
    "write_lead",
    "write_opportunity",
]

LEAD: Final = "Salesforce Lead"
OPPORTUNITY: Final = "Salesforce Opportunity"
RESULT: Final = "Salesforce LeadConvertResult"


def _salesforce_instant(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond // 1000:03d}+0000"
    )


#: JSON as the REST API writes it: ``null`` for no value, datetimes with ``+0000``.
DIALECT: Final = Dialect(
    name="Salesforce",
    null=None,
    instant=_salesforce_instant,
    instant_example="2026-01-05T10:00:00.000+0000",
)

#: ``Rating`` picklist values (install defaults, unverified).
RATING_VALUES: Final[Mapping[str, Rating]] = MappingProxyType(
    {"Hot": Rating.HOT, "Warm": Rating.WARM, "Cold": Rating.COLD}
)
#: The ``Status`` a verdict gives a lead not yet converted, or ``None`` to leave it. Only
#: a disqualified lead is closed. An undetermined lead (not enough known yet) is never
#: closed, and a qualified lead keeps its status: Salesforce's conversion (LeadConvert)
#: is leadflow's promotion.
LEAD_STATUSES: Final[Mapping[Verdict, str | None]] = MappingProxyType(
    {
        Verdict.DISQUALIFIED: "Closed - Not Converted",
        Verdict.UNDETERMINED: None,
        Verdict.NURTURE: None,
        Verdict.QUALIFIED: None,
    }
)
#: The open ``Status`` values (install defaults, from secondary sources); the first is
#: the default a new lead gets.
OPEN_STATUSES: Final = ("Open - Not Contacted", "Working - Contacted")
#: Open ``StageName`` values and the sales step each stands for (default stages,
#: unverified). A step is written as the first name listed for it.
STAGE_NAMES: Final[Mapping[str, OpportunityStage]] = MappingProxyType(
    {
        "Qualification": OpportunityStage.QUALIFY,
        "Prospecting": OpportunityStage.QUALIFY,
        "Needs Analysis": OpportunityStage.DEVELOP,
        "Value Proposition": OpportunityStage.DEVELOP,
        "Id. Decision Makers": OpportunityStage.DEVELOP,
        "Proposal/Price Quote": OpportunityStage.PROPOSE,
        "Perception Analysis": OpportunityStage.PROPOSE,
        "Negotiation/Review": OpportunityStage.CLOSE,
    }
)

#: The standard ``Lead`` fields leadflow models.
LEAD_FIELDS: Final[tuple[Spec, ...]] = (
    Name(("FirstName", "LastName"), fallbacks=("Name",), note="(FirstName's type unverified)"),
    Field("CreatedDate", "contact.created_at", Instant(), writable=False),
    Field("Email", "contact.email", Email(max_length=80)),
    Field("Phone", "contact.phone", Phone(), note="(type unverified)"),
    Field("Title", "contact.job_title", Text(), note="(type unverified)"),
    Field("Company", "contact.organisation.name", Text(max_length=255)),
    Field("Industry", "contact.organisation.industry", Text()),
    Field("NumberOfEmployees", "contact.organisation.employees", Count(), note="(type unverified)"),
)

#: The ``Opportunity`` fields for opportunity-level values (``StageName`` is written
#: from the step or the outcome, see :class:`SalesforceMapping`).
OPPORTUNITY_FIELDS: Final[tuple[Field, ...]] = (
    Field("Name", "name", Text(max_length=120), note="(required flag unverified)"),
    Field("Probability", "probability", Percent()),
    Field("Amount", "amount", Amount()),
    Field("CloseDate", "expected_close", Day(), note="(the closing date once closed)"),
)

#: Fields the REST API returns but does not take in a write body: the id and
#: ``attributes``, the compound ``Name``, audit fields, and the conversion results.
READ_ONLY: Final = frozenset(
    {
        "attributes",
        "Id",
        "Name",
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
        "IsDeleted",
        "IsConverted",
        "ConvertedDate",
        "ConvertedAccountId",
        "ConvertedContactId",
        "ConvertedOpportunityId",
        "LastActivityDate",
        "LastViewedDate",
        "LastReferencedDate",
        "IsClosed",
        "IsWon",
    }
)


def is_read_only(name: str, value: object = None) -> bool:
    """Whether a write body must leave out the field *name* holding *value*.

    Besides :data:`READ_ONLY`: any field holding a JSON object, which is a related
    record from a relationship query (``Owner``) or a compound field (``Address``).
    """
    return name in READ_ONLY or isinstance(value, Mapping)


def _text_table(kind: type) -> Any:
    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping) or not value:
            raise WrongTypeError(attribute.name, value, "expected a non-empty mapping")
        for key, member in value.items():
            if not isinstance(key, str) or not key.strip():
                raise WrongTypeError(f"{attribute.name}[{key!r}]", key, "expected a picklist value")
            if not isinstance(member, kind):
                raise WrongTypeError(
                    f"{attribute.name}[{key!r}]", member, f"expected a {kind.__name__}"
                )

    return validate


def _statuses(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise WrongTypeError(attribute.name, value, "expected a mapping of verdicts")
    for verdict, status in value.items():
        if not isinstance(verdict, Verdict):
            raise WrongTypeError(f"{attribute.name}[{verdict!r}]", verdict, "expected a Verdict")
        if status is not None and (not isinstance(status, str) or not status.strip()):
            raise WrongTypeError(
                f"{attribute.name}[{verdict.value}]", status, "expected a status or None"
            )


def _picklist(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise WrongTypeError(attribute.name, value, "expected a picklist value")


@attrs.frozen(kw_only=True)
class SalesforceMapping:
    """How an organisation's Salesforce is set up, as far as leadflow needs to know.

    Attributes:
        currency: ISO 4217 code of a single-currency organisation. A record's
            ``CurrencyIsoCode`` (multi-currency organisations) takes precedence.
        custom: The custom fields that hold the criteria.
        ratings: ``Rating`` picklist values.
        lead_statuses: The ``Status`` a verdict gives an open lead (``None``, or a
            verdict it does not list: leave it). Undetermined takes only ``None`` or
            an open status.
        open_statuses: The open ``Status`` values; the first is the one a new lead
            gets when its verdict leaves the status alone.
        stages: Open ``StageName`` values and their sales steps.
        won_stage: The ``StageName`` of a won opportunity.
        lost_stage: The ``StageName`` of a lost opportunity.
    """

    currency: str | None = attrs.field(default=None, converter=currency_code)
    custom: CustomFields = attrs.field(
        factory=CustomFields, validator=attrs.validators.instance_of(CustomFields)
    )
    ratings: Mapping[str, Rating] = attrs.field(
        default=RATING_VALUES, converter=frozen_table, validator=_text_table(Rating)
    )
    lead_statuses: Mapping[Verdict, str | None] = attrs.field(
        default=LEAD_STATUSES, converter=frozen_table, validator=_statuses
    )
    open_statuses: tuple[str, ...] = attrs.field(
        default=OPEN_STATUSES, converter=status_values, validator=check_status_values
    )
    stages: Mapping[str, OpportunityStage] = attrs.field(
        default=STAGE_NAMES, converter=frozen_table, validator=_text_table(OpportunityStage)
    )
    won_stage: str = attrs.field(default="Closed Won", validator=_picklist)
    lost_stage: str = attrs.field(default="Closed Lost", validator=_picklist)

    def __attrs_post_init__(self) -> None:
        status = self.lead_statuses.get(Verdict.UNDETERMINED)
        if status is not None and status not in self.open_statuses:
            raise InvalidFieldError(
                "lead_statuses[undetermined]",
                status,
                "an undetermined lead is never closed: expected None or an open status",
            )

    def lead_table(self) -> tuple[Spec, ...]:
        """The lead table: :data:`LEAD_FIELDS` with the custom fields."""
        return lead_table(LEAD_FIELDS, self.custom)


_DEFAULT: Final = SalesforceMapping()


def describe(mapping: SalesforceMapping = _DEFAULT, *, opportunity: bool = False) -> str:
    """The Lead (or Opportunity) table as Markdown."""
    if opportunity:
        return describe_table(OPPORTUNITY_FIELDS, "Salesforce")
    return describe_table(mapping.lead_table(), "Salesforce")


def _check_type(fields: Mapping[str, Any], sobject: str, errors: list[InvalidFieldError]) -> None:
    attributes = fields.get("attributes")
    if attributes is None:
        return
    if not isinstance(attributes, Mapping):
        errors.append(WrongTypeError("attributes", attributes, "expected a JSON object"))
    elif attributes.get("type", sobject) != sobject:
        errors.append(
            InvalidFieldError("attributes.type", attributes.get("type"), f"not a {sobject}")
        )


def _currency(
    fields: Mapping[str, Any], mapping: SalesforceMapping, errors: list[InvalidFieldError]
) -> str | None:
    raw = fields.get("CurrencyIsoCode")
    if raw is None:
        return mapping.currency
    return record_currency("CurrencyIsoCode", raw, raw, errors)


def read_lead(record: Mapping[str, Any], *, mapping: SalesforceMapping = _DEFAULT) -> CrmLead:
    """Read a ``Lead`` record as the REST API returns it.

    Args:
        record: The Lead's JSON object.
        mapping: The organisation's setup, with its custom fields.

    Returns:
        The lead, with every field leadflow does not model in ``extras``
        (including ``attributes``, ``Status``, ``Rating`` and ``LeadSource``).

    Raises:
        InvalidRecordError: listing every bad field with its path (``$.Email``).
        WrongTypeError: *mapping* is not a :class:`SalesforceMapping`.
    """
    check_instance("mapping", mapping, SalesforceMapping)
    fields = record_of(record, LEAD)
    errors: list[InvalidFieldError] = []
    _check_type(fields, "Lead", errors)
    crm_id = text_id(fields, "Id", errors)
    currency = _currency(fields, mapping, errors)
    contact, evidence, extras, original = read_lead_parts(
        fields,
        mapping.lead_table(),
        Context(DIALECT, currency),
        crm_id=crm_id,
        what=LEAD,
        errors=errors,
        skip=frozenset({"Id"}),
    )
    return CrmLead(contact=contact, evidence=evidence, id=crm_id, extras=extras, original=original)


def _write_currency(extras: Mapping[str, Any], mapping: SalesforceMapping) -> str | None:
    raw = extras.get("CurrencyIsoCode")
    if isinstance(raw, str):
        return record_currency("CurrencyIsoCode", raw, raw)
    return mapping.currency


def write_lead(
    crm_lead: CrmLead,
    decision: QualificationDecision | None = None,
    *,
    mapping: SalesforceMapping = _DEFAULT,
) -> dict[str, Any]:
    """A ``Lead`` body for ``PATCH /sobjects/Lead/<Id>`` (or ``POST`` when it has no id).

    Modelled fields are written from the lead (unchanged ones exactly as read), then
    every extra field the REST API accepts, unchanged. With a *decision*, a lead
    not yet converted gets ``Rating`` from the rating (except a cold rating on an
    undetermined decision, which says only that little is known yet) and ``Status``
    as :attr:`SalesforceMapping.lead_statuses` gives the verdict. A new lead (no id)
    whose verdict does not disqualify it and leaves the status alone keeps an open
    status it has, else gets the first of :attr:`SalesforceMapping.open_statuses`. A
    converted lead (``IsConverted`` true) is left as it is; Salesforce refuses to
    update one anyway.

    Raises:
        InvalidRecordError: a value does not fit its field (too long, wrong currency).
        WrongTypeError: an argument is of the wrong type.
    """
    check_instance("crm_lead", crm_lead, CrmLead)
    if decision is not None:
        check_instance("decision", decision, QualificationDecision)
    check_instance("mapping", mapping, SalesforceMapping)
    table = mapping.lead_table()
    errors: list[InvalidFieldError] = []
    out = copy_extras(crm_lead.extras, is_read_only)
    out.update(
        write_fields(
            values_of(crm_lead, table),
            table,
            Context(DIALECT, _write_currency(crm_lead.extras, mapping)),
            extras=crm_lead.extras,
            original=crm_lead.original,
            errors=errors,
        )
    )
    if errors:
        raise InvalidRecordError(errors, LEAD)
    if decision is not None and crm_lead.extras.get("IsConverted") is not True:
        rating = written_rating(decision)
        if rating is not None:
            out["Rating"] = next(k for k, v in mapping.ratings.items() if v is rating)
        status = mapping.lead_statuses.get(decision.verdict)
        if status is not None:
            out["Status"] = status
        elif creates_open(crm_lead, decision) and out.get("Status") not in mapping.open_statuses:
            out["Status"] = mapping.open_statuses[0]
    return out


def write_opportunity(
    opportunity: Opportunity | Customer | LostOpportunity,
    *,
    mapping: SalesforceMapping = _DEFAULT,
) -> dict[str, Any]:
    """An ``Opportunity`` body for an open, won or lost opportunity.

    ``StageName`` is the step's name from :attr:`SalesforceMapping.stages`, or the
    won or lost stage; ``Probability`` is 100 once won and 0 once lost; ``Amount``
    is the won value once won; ``CloseDate`` is the expected close while open and
    the day it closed once closed (Salesforce requires one; an open opportunity
    without an expected close gets none here).

    Raises:
        InvalidRecordError: a value does not fit its field.
        WrongTypeError: *opportunity* is not an opportunity-level stage.
    """
    values = opportunity_values(opportunity)
    check_instance("mapping", mapping, SalesforceMapping)
    closed = closed_at(opportunity)
    if closed is not None:
        values["expected_close"] = closed.date()
    errors: list[InvalidFieldError] = []
    ctx = Context(DIALECT, mapping.currency)
    out = write_fields(values, OPPORTUNITY_FIELDS, ctx, extras={}, original={}, errors=errors)
    if errors:
        raise InvalidRecordError(errors, OPPORTUNITY)
    if isinstance(opportunity, Customer):
        out["StageName"] = mapping.won_stage
    elif isinstance(opportunity, LostOpportunity):
        out["StageName"] = mapping.lost_stage
    else:
        out["StageName"] = Choice(mapping.stages).encode(opportunity.step, ctx)
        if out["StageName"] is None:
            del out["StageName"]
    return out


def read_opportunity_fields(
    record: Mapping[str, Any], *, mapping: SalesforceMapping = _DEFAULT
) -> OpportunityFields:
    """Read an ``Opportunity`` record's opportunity-level fields.

    The outcome comes from ``IsClosed`` and ``IsWon`` when the record has them, else
    from ``StageName`` (the won or lost stage). A ``StageName`` outside
    :attr:`SalesforceMapping.stages` gives no step.

    Raises:
        InvalidRecordError: listing every bad field.
    """
    check_instance("mapping", mapping, SalesforceMapping)
    fields = record_of(record, OPPORTUNITY)
    errors: list[InvalidFieldError] = []
    _check_type(fields, "Opportunity", errors)
    crm_id = text_id(fields, "Id", errors)
    currency = _currency(fields, mapping, errors)
    values, found = read_fields(fields, OPPORTUNITY_FIELDS, Context(DIALECT, currency))
    errors.extend(found)
    stage = fields.get("StageName")
    outcome = FunnelStage.OPPORTUNITY
    step = None
    if stage is not None and not isinstance(stage, str):
        errors.append(
            WrongTypeError("StageName", stage, f"expected a string, not {type_name(stage)}")
        )
    elif stage == mapping.won_stage:
        outcome = FunnelStage.CUSTOMER
    elif stage == mapping.lost_stage:
        outcome = FunnelStage.LOST
    elif stage is not None:
        step = mapping.stages.get(stage)
    flags = {name: fields.get(name) for name in ("IsClosed", "IsWon")}
    for name, flag in flags.items():
        if flag is not None and not isinstance(flag, bool):
            errors.append(WrongTypeError(name, flag, f"expected a boolean, not {type_name(flag)}"))
    if flags["IsClosed"] is True:
        outcome = FunnelStage.CUSTOMER if flags["IsWon"] is True else FunnelStage.LOST
    elif flags["IsClosed"] is False:
        outcome = FunnelStage.OPPORTUNITY
    if errors:
        raise InvalidRecordError(errors, OPPORTUNITY)
    return OpportunityFields(id=crm_id, outcome=outcome, step=step, **values)


@attrs.frozen(kw_only=True)
class LeadConversion:
    """What a LeadConvert call returned.

    Attributes:
        success: Whether the lead was converted.
        lead_id: The converted lead, if the result names it.
        account_id: The account the lead was converted into (new or merged).
        contact_id: The contact it was converted into (new or merged).
        opportunity_id: The opportunity created, or ``None`` when none was
            (``doNotCreateOpportunity``).
        errors: The error messages of a failed conversion.
    """

    success: bool
    lead_id: str | None = None
    account_id: str | None = None
    contact_id: str | None = None
    opportunity_id: str | None = None
    errors: tuple[str, ...] = ()


def read_lead_convert_result(result: Mapping[str, Any]) -> LeadConversion:
    """Read a LeadConvertResult (``accountId``, ``contactId``, ``opportunityId``, ``success``).

    A successful result must name the account and the contact; ``leadId`` is read
    when present. ``errors`` may hold objects with a ``message`` or plain strings.

    Raises:
        InvalidRecordError: listing every bad field.
    """
    fields = record_of(result, RESULT)
    errors: list[InvalidFieldError] = []
    success = fields.get("success")
    if not isinstance(success, bool):
        errors.append(WrongTypeError("success", success, "expected true or false"))
    ids = {
        key: text_id(fields, key, errors)
        for key in ("leadId", "accountId", "contactId", "opportunityId")
    }
    if success is True:
        for key in ("accountId", "contactId"):
            if ids[key] is None and fields.get(key) is None:
                errors.append(InvalidFieldError(key, None, "a converted lead has one"))
    messages: list[str] = []
    raw_errors = fields.get("errors")
    if raw_errors is not None and not isinstance(raw_errors, list):
        errors.append(WrongTypeError("errors", raw_errors, "expected a list"))
    for index, item in enumerate(raw_errors if isinstance(raw_errors, list) else []):
        message = item.get("message") if isinstance(item, Mapping) else item
        if isinstance(message, str):
            messages.append(message)
        else:
            errors.append(WrongTypeError(f"errors[{index}]", item, "expected an error message"))
    if errors:
        raise InvalidRecordError(errors, RESULT)
    return LeadConversion(
        success=success is True,
        lead_id=ids["leadId"],
        account_id=ids["accountId"],
        contact_id=ids["contactId"],
        opportunity_id=ids["opportunityId"],
        errors=tuple(messages),
    )
