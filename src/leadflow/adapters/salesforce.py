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

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Final

import attrs

from leadflow._validate import type_name
from leadflow.adapters._codecs import (
    Amount,
    Choice,
    Context,
    Count,
    Day,
    DayStart,
    Dialect,
    Email,
    Instant,
    Percent,
    Phone,
    Text,
    utc_text,
)
from leadflow.adapters._mapping import (
    CrmMapping,
    Field,
    Name,
    Spec,
    check_status_values,
    closed_at,
    non_blank,
    opportunity_values,
    status_values,
    undetermined_stays_open,
    verdict_table,
)
from leadflow.adapters._model import CrmLead, OpportunityFields, OpportunityStageValue, frozen_table
from leadflow.adapters._skeleton import (
    Errors,
    RecordKind,
    Skeleton,
    closes,
    creates_open,
    first_key,
    linked_id,
    rating_to_write,
    record_of,
    refused_fields,
    stage_outcome,
    stated_currency,
    text_id,
)
from leadflow.contacts import Contact
from leadflow.conversion import ConversionPlan, Step
from leadflow.decisions import QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError, _a
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.policy import Policy
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "DIALECT",
    "IMPORT_FIELDS",
    "LEAD_FIELDS",
    "LEAD_STATUSES",
    "OPEN_STATUSES",
    "OPPORTUNITY_FIELDS",
    "OPPORTUNITY_READ_ONLY",
    "RATING_VALUES",
    "READ_ONLY",
    "STAGE_NAMES",
    "LeadConversion",
    "SalesforceMapping",
    "describe",
    "import_opportunity",
    "is_read_only",
    "read_lead",
    "read_lead_convert_result",
    "read_only_fields",
    "read_opportunity_fields",
    "write_conversion",
    "write_lead",
    "write_opportunity",
]

LEAD: Final = "Salesforce Lead"
OPPORTUNITY: Final = "Salesforce Opportunity"
RESULT: Final = "Salesforce LeadConvertResult"


def _salesforce_instant(moment: datetime) -> str:
    return utc_text(moment, millis=True) + "+0000"


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
#: a disqualified lead is closed, and only when the mapping opts in
#: (``close_disqualified``). An undetermined lead (not enough known yet) is never
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

#: Every sObject's id, system and audit fields (``updateable: false``).
_SYSTEM: Final = frozenset(
    {
        "attributes",
        "Id",
        "IsDeleted",
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
        "LastActivityDate",
        "LastViewedDate",
        "LastReferencedDate",
        "ConnectionReceivedId",
        "ConnectionSentId",
        "ActivityMetricId",
        "ActivityMetricRollupId",
    }
)

#: Standard ``Lead`` fields the REST API returns but refuses in a write body
#: (``updateable: false`` in ``describe()``): the id and ``attributes``, the compound
#: ``Name`` and ``Address``, audit and system fields, merges and the conversion
#: results. An organisation's own formula fields are not here: pass
#: :func:`read_only_fields` of its ``describe()`` to the mapping.
READ_ONLY: Final = _SYSTEM | frozenset(
    {
        "Name",
        "Address",
        "MasterRecordId",
        "PhotoUrl",
        "JigsawContactId",
        "IsConverted",
        "ConvertedDate",
        "ConvertedAccountId",
        "ConvertedContactId",
        "ConvertedOpportunityId",
        "ActionCadenceAssigneeId",
        "ActionCadenceId",
        "ActionCadenceState",
    }
)

#: Standard ``Opportunity`` fields the REST API refuses in a write body: the system
#: fields, and what Salesforce derives from the stage, amount and close date. Unlike a
#: Lead's, an Opportunity's ``Name`` is a plain required field, and written.
OPPORTUNITY_READ_ONLY: Final = _SYSTEM | frozenset(
    {
        "IsClosed",
        "IsWon",
        "ExpectedRevenue",
        "ForecastCategory",
        "HasOpenActivity",
        "HasOverdueTask",
        "HasOpportunityLineItem",
        "Fiscal",
        "FiscalQuarter",
        "FiscalYear",
        "AgeInDays",
        "IqScore",
        "LastStageChangeDate",
        "LastAmountChangedHistoryId",
        "LastCloseDateChangedHistoryId",
        "PushCount",
    }
)


def is_read_only(name: str, value: object = None) -> bool:
    """Whether a ``Lead`` write body must leave out the field *name* holding *value*.

    Besides :data:`READ_ONLY`: any field holding a JSON object, which is a related
    record from a relationship query (``Owner``) or a compound field (``Address``).
    """
    return name in READ_ONLY or isinstance(value, Mapping)


def _opportunity_read_only(name: str, value: object = None) -> bool:
    return name in OPPORTUNITY_READ_ONLY or isinstance(value, Mapping)


def read_only_fields(describe: Mapping[str, Any]) -> frozenset[str]:
    r"""The fields an sObject's ``describe()`` marks not updateable (``updateable: false``).

    Pass them as :attr:`SalesforceMapping.read_only` (``SalesforceMapping(read_only=
    salesforce.read_only_fields(sf.Lead.describe()))``): no write then holds one, a
    formula or roll-up field an organisation added included.

    Raises:
        InvalidRecordError: *describe* has no ``fields`` list of ``name``\ d fields.
    """
    return refused_fields(
        describe,
        "Salesforce describe result",
        items="fields",
        name="name",
        refused=lambda field: field.get("updateable") is False,
    )


def _text_table(kind: type) -> Any:
    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping) or not value:
            raise WrongTypeError(attribute.name, value, "expected a non-empty mapping")
        for key, member in value.items():
            if not isinstance(key, str) or not key.strip():
                raise WrongTypeError(f"{attribute.name}[{key!r}]", key, "expected a picklist value")
            if not isinstance(member, kind):
                raise WrongTypeError(
                    f"{attribute.name}[{key!r}]", member, f"expected {_a(kind.__name__)}"
                )

    return validate


def _status(path: str, verdict: Verdict, status: object) -> None:
    if status is not None and (not isinstance(status, str) or not status.strip()):
        raise WrongTypeError(path, status, "expected a status or None")


@attrs.frozen(kw_only=True)
class SalesforceMapping(CrmMapping):
    """How an organisation's Salesforce is set up, as far as leadflow needs to know.

    Attributes:
        currency: ISO 4217 code of a single-currency organisation, the fallback: a
            record's ``CurrencyIsoCode`` (multi-currency organisations) takes
            precedence, when reading and when writing back.
        custom: The custom fields that hold the criteria.
        ratings: ``Rating`` picklist values.
        lead_statuses: The ``Status`` a verdict gives an open lead (``None``, or a
            verdict it does not list: leave it). A status not in
            :attr:`open_statuses` closes the lead, and is written only with
            ``close_disqualified``. Undetermined takes only ``None`` or an open
            status.
        open_statuses: The open ``Status`` values; the first is the one a new lead
            gets when its verdict leaves the status alone.
        stages: Open ``StageName`` values and their sales steps.
        won_stage: The ``StageName`` of a won opportunity.
        lost_stage: The ``StageName`` of a lost opportunity.
    """

    _native: ClassVar[tuple[Spec, ...]] = LEAD_FIELDS

    ratings: Mapping[str, Rating] = attrs.field(
        default=RATING_VALUES, converter=frozen_table, validator=_text_table(Rating)
    )
    lead_statuses: Mapping[Verdict, str | None] = attrs.field(
        default=LEAD_STATUSES, converter=frozen_table, validator=verdict_table(_status)
    )
    open_statuses: tuple[str, ...] = attrs.field(
        default=OPEN_STATUSES, converter=status_values, validator=check_status_values
    )
    stages: Mapping[str, OpportunityStage] = attrs.field(
        default=STAGE_NAMES, converter=frozen_table, validator=_text_table(OpportunityStage)
    )
    won_stage: str = attrs.field(default="Closed Won", validator=non_blank("a picklist value"))
    lost_stage: str = attrs.field(default="Closed Lost", validator=non_blank("a picklist value"))

    def __attrs_post_init__(self) -> None:
        undetermined_stays_open(
            self.lead_statuses,
            self.open_statuses,
            "an undetermined lead is never closed: expected None or an open status",
        )


def _sobject(name: str) -> Callable[[Mapping[str, Any], Errors], None]:
    """Check that a record's ``attributes``, when present, name the sObject *name*."""

    def check(fields: Mapping[str, Any], errors: Errors) -> None:
        attributes = fields.get("attributes")
        if attributes is None:
            return
        if not isinstance(attributes, Mapping):
            errors.append(WrongTypeError("attributes", attributes, "expected a JSON object"))
        elif attributes.get("type", name) != name:
            errors.append(
                InvalidFieldError("attributes.type", attributes.get("type"), f"not {_a(name)}")
            )

    return check


def _currency(
    fields: Mapping[str, Any], mapping: SalesforceMapping, errors: Errors | None
) -> str | None:
    return stated_currency("CurrencyIsoCode", fields.get("CurrencyIsoCode"), mapping, errors)


def _decide(
    out: dict[str, Any],
    crm_lead: CrmLead,
    decision: QualificationDecision | None,
    mapping: SalesforceMapping,
    fields: Mapping[str, Any],
) -> None:
    if decision is None or _converted(fields):
        return
    rating = rating_to_write(
        decision, mapping, fields.get("Rating"), mapping.ratings, null=DIALECT.is_null
    )
    value = None if rating is None else first_key(mapping.ratings, rating)
    if value is not None:
        out["Rating"] = value
    status = mapping.lead_statuses.get(decision.verdict)
    if status not in mapping.open_statuses and not closes(mapping, decision):
        status = None
    if status is not None:
        out["Status"] = status
    elif (
        creates_open(crm_lead, decision, mapping) and out.get("Status") not in mapping.open_statuses
    ):
        out["Status"] = mapping.open_statuses[0]


def _converted(fields: Mapping[str, Any]) -> bool:
    """Whether a lead is converted, or might be: only a clear ``false`` is not.

    The REST API sends a boolean; an export may send text (``"true"``) or a number,
    and a lead that might be converted is never written to.
    """
    flag = fields.get("IsConverted")
    if flag is None or flag is False:
        return False
    if isinstance(flag, str):
        return flag.strip().lower() not in ("false", "0", "")
    return not (type(flag) is int and flag == 0)


def _locked(fields: Mapping[str, Any]) -> InvalidFieldError | None:
    if _converted(fields):
        return InvalidFieldError(
            "IsConverted",
            True,
            "a converted lead takes no update (Salesforce refuses one): "
            "write to the contact, account or opportunity it became",
        )
    return None


def _values(opportunity: OpportunityStageValue) -> dict[str, Any]:
    values = opportunity_values(opportunity)
    closed = closed_at(opportunity)
    if closed is not None:
        values["expected_close"] = closed.date()
    return values


def _write_outcome(
    out: dict[str, Any],
    opportunity: OpportunityStageValue,
    mapping: SalesforceMapping,
    ctx: Context,
) -> None:
    if isinstance(opportunity, Customer):
        out["StageName"] = mapping.won_stage
    elif isinstance(opportunity, LostOpportunity):
        out["StageName"] = mapping.lost_stage
    else:
        out["StageName"] = Choice(mapping.stages).encode(opportunity.step, ctx)
        if out["StageName"] is None:
            del out["StageName"]


def _read_outcome(
    fields: Mapping[str, Any], mapping: SalesforceMapping, errors: Errors
) -> dict[str, Any]:
    found = stage_outcome(
        fields.get("StageName"),
        "StageName",
        errors,
        won=mapping.won_stage,
        lost=mapping.lost_stage,
        steps=mapping.stages,
    )
    flags = {name: fields.get(name) for name in ("IsClosed", "IsWon")}
    for name, flag in flags.items():
        if flag is not None and not isinstance(flag, bool):
            errors.append(WrongTypeError(name, flag, f"expected a boolean, not {type_name(flag)}"))
    if flags["IsClosed"] is True:
        found["outcome"] = FunnelStage.CUSTOMER if flags["IsWon"] is True else FunnelStage.LOST
    elif flags["IsClosed"] is False:
        found["outcome"] = FunnelStage.OPPORTUNITY
    return found


#: The fields an imported opportunity's created and closing times and owner are read
#: from (see :func:`import_opportunity`).
IMPORT_FIELDS: Final = (
    Field("CreatedDate", "opened_at", Instant(), writable=False),
    Field("CloseDate", "closed_at", DayStart(), writable=False, note="(a closed deal's date)"),
    Field("OwnerId", "owner", Text(), writable=False),
)

_SALESFORCE: Final = Skeleton(
    crm="Salesforce",
    dialect=DIALECT,
    mapping_type=SalesforceMapping,
    lead=RecordKind(LEAD, "Id", check=_sobject("Lead")),
    # An Opportunity refuses other fields than a Lead (its Name is its own, and written).
    opportunity=RecordKind(
        OPPORTUNITY, "Id", check=_sobject("Opportunity"), is_read_only=_opportunity_read_only
    ),
    opportunity_table=OPPORTUNITY_FIELDS,
    is_read_only=is_read_only,
    decide=_decide,
    write_outcome=_write_outcome,
    read_outcome=_read_outcome,
    currency=_currency,
    opportunity_values=_values,
    locked=_locked,
    import_table=IMPORT_FIELDS,
)
_DEFAULT: Final = SalesforceMapping()


def describe(mapping: SalesforceMapping = _DEFAULT, *, opportunity: bool = False) -> str:
    """The Lead (or Opportunity) table as Markdown."""
    return _SALESFORCE.describe(mapping, opportunity=opportunity)


def read_lead(record: Mapping[str, Any], *, mapping: SalesforceMapping = _DEFAULT) -> CrmLead:
    """Read a ``Lead`` record as the REST API returns it.

    Args:
        record: The Lead's JSON object (simple-salesforce's ``OrderedDict`` too;
            walk a query page's records with :func:`leadflow.adapters.records`).
        mapping: The organisation's setup, with its custom fields.

    Returns:
        The lead, with every field leadflow does not model in ``extras``
        (including ``attributes``, ``Status``, ``Rating`` and ``LeadSource``), and
        in ``repairs`` what reading had to repair (a picklist value the mapping
        does not list reads as unknown). Amounts are in the record's
        ``CurrencyIsoCode``, else the mapping's currency.

    Raises:
        InvalidRecordError: listing every bad field with its path (``$.Email``).
        WrongTypeError: *mapping* is not a :class:`SalesforceMapping`.
    """
    return _SALESFORCE.read_lead(record, mapping)


def write_lead(
    crm_lead: CrmLead,
    decision: QualificationDecision | None = None,
    *,
    mapping: SalesforceMapping = _DEFAULT,
) -> dict[str, Any]:
    """A ``Lead`` body for ``PATCH /sobjects/Lead/<Id>`` (or ``POST`` when it has no id).

    A lead with an id gets the minimal update: only the fields leadflow owns (the
    lead table's, ``Rating`` and ``Status``) whose value differs from the one read,
    ``{}`` when none does; its other fields (:attr:`CrmLead.extras`) are never
    written. A lead without one gets the whole create body: its extras, its
    modelled fields and what the decision writes. Neither ever holds a field of
    :data:`READ_ONLY` or :attr:`~leadflow.adapters.CrmMapping.read_only`.

    With a *decision*, a lead not yet converted gets ``Rating`` from the rating as
    :attr:`~leadflow.adapters.CrmMapping.write_ratings` allows (by default only over
    an empty ``Rating``; never a cold rating on an undetermined decision, which
    says only that little is known yet), and ``Status`` as
    :attr:`SalesforceMapping.lead_statuses` gives the verdict, as far as it is an
    open status: the closing "Closed - Not Converted" of a disqualified verdict
    only with :attr:`~leadflow.adapters.CrmMapping.close_disqualified`. A new lead
    not so closed keeps an open status it has, else gets the first of
    :attr:`SalesforceMapping.open_statuses`. A decision writes nothing on a
    converted lead (``IsConverted`` true).

    Raises:
        InvalidRecordError: a value does not fit its field (too long, wrong
            currency), or the lead is converted (``IsConverted``) and the update
            would change it: Salesforce refuses to update a converted lead.
        WrongTypeError: an argument is of the wrong type.
    """
    return _SALESFORCE.write_lead(crm_lead, decision, mapping)


def write_opportunity(
    opportunity: Opportunity | Customer | LostOpportunity,
    *,
    mapping: SalesforceMapping = _DEFAULT,
    record: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An ``Opportunity`` body for an open, won or lost opportunity.

    ``StageName`` is the step's name from :attr:`SalesforceMapping.stages`, or the
    won or lost stage; ``Probability`` is 100 once won and 0 once lost; ``Amount``
    is the won value once won; ``CloseDate`` is the expected close while open and
    the day it closed once closed (Salesforce requires one; an open opportunity
    without an expected close gets none here).

    With the *record* as read from the CRM, only what differs from it is
    written (an empty update when nothing does), and a rating the record has
    follows :attr:`~leadflow.adapters.CrmMapping.write_ratings`.

    Raises:
        InvalidRecordError: a value does not fit its field.
        WrongTypeError: *opportunity* is not an opportunity-level stage.
    """
    return _SALESFORCE.write_opportunity(opportunity, mapping, record)


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
    return _SALESFORCE.read_opportunity_fields(record, mapping)


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


def write_conversion(
    plan: ConversionPlan,
    *,
    lead_id: str,
    converted_status: str = "Closed - Converted",
    owner_id: str | None = None,
) -> dict[str, Any]:
    """The ``LeadConvert`` that carries out *plan* (``convertLead``, SOAP or Apex).

    ``accountId`` and ``contactId`` name the records the plan links (Salesforce merges
    the lead into them, filling only their empty fields); without them Salesforce
    creates new ones. ``doNotCreateOpportunity`` is true when the plan creates no
    opportunity, else ``opportunityName`` names it. The opportunity's amount, close
    date and stage are not part of a ``LeadConvert``: write them afterwards with
    :func:`write_opportunity`. :func:`read_lead_convert_result` reads the answer.

    *converted_status* is a ``LeadStatus`` value whose ``IsConverted`` is true (the
    install default is ``Closed - Converted``).

    Raises:
        InvalidFieldError: the plan links a contact but not its account (Salesforce
            merges into an existing contact only within its account), or an id is
            blank.
        WrongTypeError: a linked id is not text.
    """
    for name, given in (("lead_id", lead_id), ("converted_status", converted_status)):
        if not isinstance(given, str) or not given.strip():
            raise InvalidFieldError(name, given, "must be non-blank text")
    out: dict[str, Any] = {
        "leadId": lead_id,
        "convertedStatus": converted_status,
        "doNotCreateOpportunity": plan.opportunity.step is not Step.CREATE,
    }
    account = linked_id(plan.account, "account", str)
    contact = linked_id(plan.contact, "contact", str)
    if contact is not None and account is None:
        raise InvalidFieldError(
            "contact", contact, "Salesforce links an existing contact only with its account"
        )
    if account is not None:
        out["accountId"] = account
    if contact is not None:
        out["contactId"] = contact
    if plan.opportunity.step is Step.CREATE and plan.opportunity.name:
        out["opportunityName"] = plan.opportunity.name[:120]
    if owner_id is not None:
        out["ownerId"] = owner_id
    return out


def import_opportunity(
    record: Mapping[str, Any],
    *,
    contact: Contact,
    mapping: SalesforceMapping = _DEFAULT,
    policy: Policy | None = None,
) -> OpportunityStageValue:
    """An opportunity record as it stands: open, won or lost, with its history's start.

    Its name, step, probability, amount and expected close are read as
    :func:`read_opportunity_fields` reads them. ``CreatedDate`` is when it opened; a
    closed deal closed on its ``CloseDate`` (Salesforce keeps the date alone: the start
    of that day in UTC, or the opening time for a deal opened and closed the same day);
    ``OwnerId`` is its owner. *contact* is the person the deal is with. The value is
    made by :func:`leadflow.import_opportunity`: no decision is made up, and its history
    starts with an :class:`~leadflow.OpportunityImported` event naming the record.

    Raises:
        InvalidRecordError: listing every bad field, or a missing creation time (or
            closing time of a closed deal).
    """
    return _SALESFORCE.import_opportunity(record, mapping, contact, policy)
