"""HubSpot (CRM API v3): contact and deal objects.

Reads a contact as the v3 objects API returns it, ``{"id": ..., "properties":
{...}, "createdAt": ..., ...}`` with every property value a string (or
``null``), or as hubspot-api-client gives it (a ``SimplePublicObject``, read
through its ``to_dict()``), and writes the ``{"properties": {...}}`` body of a
create, or the minimal update: only the properties leadflow owns whose value
changed, ``{}`` when none did. Properties HubSpot computes (:data:`READ_ONLY`,
:data:`READ_ONLY_PATTERNS`, and those :func:`read_only_fields` finds in the
portal's metadata) are never written.

HubSpot has no property for need, budget, timeframe or authority: without a
:class:`~leadflow.adapters.CustomFields` mapping naming the custom properties
that hold them, those criteria read as ``unknown``. Custom property values are
strings: a checkbox is ``"true"``/``"false"``, a number ``"50000.00"``, a date
``"2026-03-31"`` (the date format is unverified).

A verdict moves ``lifecyclestage`` forward only, as HubSpot's own automation
does: a contact already at or past the target stage, or at a stage leadflow does
not know (portals may define their own), keeps its stage. Moving a contact back
takes two writes in HubSpot (``""`` first, then the earlier stage); leadflow never
does that. A disqualified verdict marks a contact ``UNQUALIFIED`` only when the
mapping opts in (:attr:`~leadflow.adapters.CrmMapping.close_disqualified`);
otherwise it writes nothing, since HubSpot has no rating property. An
undetermined verdict (not enough known yet) moves nothing and never marks a
contact unqualified. A new contact that is not closed by the opt-in starts (by
default) as a lead with status ``NEW``.

A deal's amounts are in its ``deal_currency_code`` (multi-currency portals); the
mapping's currency stands in only when a deal states none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar, Final

import attrs

from leadflow.adapters._codecs import (
    Amount,
    Choice,
    Context,
    Dialect,
    Email,
    Instant,
    InstantDay,
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
    refused_fields,
    stage_outcome,
    stated_currency,
)
from leadflow.contacts import Contact
from leadflow.conversion import ConversionPlan, Step, domain_of
from leadflow.decisions import QualificationDecision, Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.policy import Policy
from leadflow.stages import OpportunityStage

__all__ = [
    "CONTACT_PROPERTIES",
    "DEAL_PROPERTIES",
    "DEAL_STAGES",
    "DIALECT",
    "IMPORT_FIELDS",
    "LEAD_STATUSES",
    "LIFECYCLE_STAGES",
    "OPEN_LEAD_STATUSES",
    "READ_ONLY",
    "READ_ONLY_PATTERNS",
    "VERDICT_LIFECYCLE_STAGES",
    "HubSpotMapping",
    "describe",
    "import_opportunity",
    "is_read_only",
    "read_lead",
    "read_only_fields",
    "read_opportunity_fields",
    "write_conversion",
    "write_lead",
    "write_opportunity",
]

CONTACT: Final = "HubSpot contact"
DEAL: Final = "HubSpot deal"


def _hubspot_instant(moment: datetime) -> str:
    return utc_text(moment, millis=True) + "Z"


def _hubspot_number(amount: Decimal) -> str:
    return f"{amount:f}"


#: Property values as v3 spells them: strings, ``""`` for no value, ISO timestamps with Z.
DIALECT: Final = Dialect(
    name="HubSpot",
    null="",
    blanks=("",),
    strings=True,
    number=_hubspot_number,
    instant=_hubspot_instant,
    instant_example="2026-01-05T10:00:00.000Z",
)

#: The default ``lifecyclestage`` values, in HubSpot's order.
LIFECYCLE_STAGES: Final = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
#: The ``lifecyclestage`` a verdict moves a contact forward to (``None``: leave it).
#: Knowing too little to decide is no reason to move a contact on.
VERDICT_LIFECYCLE_STAGES: Final[Mapping[Verdict, str | None]] = MappingProxyType(
    {
        Verdict.DISQUALIFIED: None,
        Verdict.UNDETERMINED: None,
        Verdict.NURTURE: "lead",
        Verdict.QUALIFIED: "salesqualifiedlead",
    }
)
#: The ``hs_lead_status`` a verdict gives a contact not yet an opportunity (``None``:
#: leave it). Only a disqualified contact is marked unqualified, and only when the
#: mapping's ``close_disqualified`` opts in. The labels are confirmed, the
#: upper-case values from third-party sources that agree.
LEAD_STATUSES: Final[Mapping[Verdict, str | None]] = MappingProxyType(
    {
        Verdict.DISQUALIFIED: "UNQUALIFIED",
        Verdict.UNDETERMINED: None,
        Verdict.NURTURE: None,
        Verdict.QUALIFIED: None,
    }
)
#: The default ``hs_lead_status`` values that leave a contact open (all but
#: ``UNQUALIFIED``); the first is the one a new contact gets.
OPEN_LEAD_STATUSES: Final = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
)
#: Default-pipeline ``dealstage`` ids of open deals and their sales steps (from
#: secondary sources). A step is written as the first id listed for it.
DEAL_STAGES: Final[Mapping[str, OpportunityStage]] = MappingProxyType(
    {
        "qualifiedtobuy": OpportunityStage.QUALIFY,
        "appointmentscheduled": OpportunityStage.QUALIFY,
        "presentationscheduled": OpportunityStage.DEVELOP,
        "decisionmakerboughtin": OpportunityStage.PROPOSE,
        "contractsent": OpportunityStage.CLOSE,
    }
)

#: The contact properties leadflow models.
CONTACT_PROPERTIES: Final[tuple[Spec, ...]] = (
    Name(("firstname", "lastname"), fallbacks=("email",), note="(unverified)"),
    Field("createdate", "contact.created_at", Instant(), writable=False),
    Field("email", "contact.email", Email(), note="(unverified)"),
    Field("phone", "contact.phone", Phone(), note="(unverified)"),
    Field("jobtitle", "contact.job_title", Text(), note="(unverified)"),
    Field("company", "contact.organisation.name", Text(), note="(unverified)"),
)

#: The deal properties for opportunity-level values (``dealstage`` and ``pipeline`` are
#: written from the step or the outcome, see :class:`HubSpotMapping`).
DEAL_PROPERTIES: Final[tuple[Field, ...]] = (
    Field("dealname", "name", Text()),
    Field("amount", "amount", Amount()),
    Field(
        "closedate",
        "expected_close",
        InstantDay(),
        note="(the closing time once closed; format unverified)",
    ),
)

#: Properties HubSpot sets or computes itself, which a write body leaves out (a
#: write of one is refused with a 400 ``VALIDATION_ERROR``). Confirmed read-only:
#: ``hs_object_id``, ``hubspotscore``, ``hs_analytics_source_data_1`` and ``_2``,
#: ``hs_email_open``, ``hs_email_bounce``, ``hs_email_optout``; the rest are system
#: or calculated properties whose flag is unverified one by one. ``hs_analytics_source``
#: may be edited by a person in HubSpot, but HubSpot sets it and leadflow never does.
#: A portal's own calculated properties come from :func:`read_only_fields`.
READ_ONLY: Final = frozenset(
    {
        # Contacts: record ids and audit times.
        "hs_object_id",
        "createdate",
        "lastmodifieddate",
        "hs_createdate",
        "hs_lastmodifieddate",
        # Contacts: scores, counts and roll-ups HubSpot keeps.
        "hubspotscore",
        "num_associated_deals",
        "num_contacted_notes",
        "num_notes",
        "num_conversion_events",
        "num_unique_conversion_events",
        "recent_deal_amount",
        "recent_deal_close_date",
        "total_revenue",
        "first_deal_created_date",
        "notes_last_updated",
        "notes_last_contacted",
        "notes_next_activity_date",
        "hs_email_domain",
        "hs_email_open",
        "hs_email_bounce",
        "hs_email_optout",
        "hs_is_unworked",
        "hs_count_is_worked",
        "associatedcompanylastupdated",
        # Deals: calculated from the amount, the stage and the dates.
        "amount_in_home_currency",
        "num_associated_contacts",
        "days_to_close",
        "hs_deal_stage_probability",
        "hs_is_closed",
        "hs_is_closed_won",
        "hs_closed_amount",
        "hs_closed_amount_in_home_currency",
        "hs_projected_amount",
        "hs_projected_amount_in_home_currency",
        "hs_forecast_amount",
        "hs_acv",
        "hs_arr",
        "hs_mrr",
        "hs_tcv",
    }
)

#: Name patterns of read-only properties, one per family HubSpot keeps for every
#: stage or source: the "Became a ... date" of each lifecycle stage
#: (``hs_lifecyclestage_lead_date`` is confirmed, the others follow the pattern,
#: unverified), the analytics properties (the source drill-downs are confirmed) and
#: the calculated phone numbers and stage times (unverified).
READ_ONLY_PATTERNS: Final = (
    re.compile(r"hs_lifecyclestage_[a-z0-9_]+_date"),
    re.compile(r"hs_analytics_[a-z0-9_]+"),
    re.compile(r"hs_calculated_[a-z0-9_]+"),
    re.compile(r"hs_searchable_calculated_[a-z0-9_]+"),
    re.compile(r"hs_(?:v2_)?date_(?:entered|exited)_[a-z0-9_]+"),
    re.compile(r"hs_v2_cumulative_time_in_[a-z0-9_]+"),
)


def is_read_only(name: str, value: object = None) -> bool:
    """Whether a write body must leave out the property *name*.

    True for :data:`READ_ONLY` and for a name of a family in
    :data:`READ_ONLY_PATTERNS` (``hs_lifecyclestage_customer_date``); *value* does
    not matter to HubSpot.
    """
    return name in READ_ONLY or any(p.fullmatch(name) for p in READ_ONLY_PATTERNS)


def _read_only_property(description: Mapping[str, Any]) -> bool:
    modification = description.get("modificationMetadata")
    locked = isinstance(modification, Mapping) and modification.get("readOnlyValue") is True
    return locked or description.get("calculated") is True


def read_only_fields(properties: Mapping[str, Any]) -> frozenset[str]:
    """The properties HubSpot's properties API marks read-only.

    *properties* is the answer of ``GET /crm/v3/properties/contacts`` (or
    ``deals``), ``{"results": [...]}``, or the SDK's page of them; a property is
    read-only when its ``modificationMetadata.readOnlyValue`` is true or it is
    ``calculated``. Pass a contact's as :attr:`HubSpotMapping.read_only`, a
    deal's as :attr:`~leadflow.adapters.CrmMapping.opportunity_read_only`.

    Raises:
        InvalidRecordError: *properties* has no ``results`` list of named properties.
    """
    return refused_fields(
        properties,
        "HubSpot properties",
        items="results",
        name="name",
        refused=_read_only_property,
    )


def _value(path: str, verdict: Verdict, raw: object) -> None:
    if raw is not None and (not isinstance(raw, str) or not raw.strip()):
        raise WrongTypeError(path, raw, "expected a value")


def _stage_table(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not value:
        raise WrongTypeError(attribute.name, value, "expected a non-empty mapping")
    for key, step in value.items():
        if not isinstance(key, str) or not isinstance(step, OpportunityStage):
            raise WrongTypeError(f"{attribute.name}[{key!r}]", step, "expected id -> step")


_stage_id: Final = non_blank("an id")


@attrs.frozen(kw_only=True)
class HubSpotMapping(CrmMapping):
    """How a HubSpot portal is set up, as far as leadflow needs to know.

    Attributes:
        currency: ISO 4217 code of the portal's amounts (custom budget amounts, and
            deal amounts when a deal's ``deal_currency_code`` states none).
        custom: The custom properties that hold the criteria.
        read_only: The portal's own read-only contact properties, from
            :func:`read_only_fields`; never written.
        opportunity_read_only: The same for deal properties.
        close_disqualified: Whether a disqualified verdict writes its closing
            ``hs_lead_status`` (``UNQUALIFIED``); off by default.
        write_ratings: Has no HubSpot property to act on: HubSpot has no rating,
            so none is written.
        lifecycle_stages: The ``lifecyclestage`` a verdict moves a contact forward to.
        lead_statuses: The ``hs_lead_status`` a verdict gives a contact; a status
            not in :attr:`open_lead_statuses` is written only with
            ``close_disqualified``. Undetermined takes only ``None`` or an open
            status.
        new_lifecycle_stage: The ``lifecyclestage`` a new contact starts at when its
            verdict (not disqualified) moves it nowhere: ``lead``, HubSpot's default
            for contacts created by hand or through a form.
        open_lead_statuses: The ``hs_lead_status`` values that leave a contact open;
            the first is the one a new contact gets when its verdict (not
            disqualified) leaves the status alone.
        deal_stages: Open ``dealstage`` ids and their sales steps.
        won_stage: The ``dealstage`` id of a won deal.
        lost_stage: The ``dealstage`` id of a lost deal.
        pipeline: The deal pipeline's id.
        lost_reason: The deal property for why a deal was lost
            (``closed_lost_reason``, unverified), or ``None`` to write none.
    """

    _native: ClassVar[tuple[Spec, ...]] = CONTACT_PROPERTIES

    lifecycle_stages: Mapping[Verdict, str | None] = attrs.field(
        default=VERDICT_LIFECYCLE_STAGES, converter=frozen_table, validator=verdict_table(_value)
    )
    lead_statuses: Mapping[Verdict, str | None] = attrs.field(
        default=LEAD_STATUSES, converter=frozen_table, validator=verdict_table(_value)
    )
    new_lifecycle_stage: str = attrs.field(default="lead", validator=_stage_id)
    open_lead_statuses: tuple[str, ...] = attrs.field(
        default=OPEN_LEAD_STATUSES, converter=status_values, validator=check_status_values
    )
    deal_stages: Mapping[str, OpportunityStage] = attrs.field(
        default=DEAL_STAGES, converter=frozen_table, validator=_stage_table
    )
    won_stage: str = attrs.field(default="closedwon", validator=_stage_id)
    lost_stage: str = attrs.field(default="closedlost", validator=_stage_id)
    pipeline: str = attrs.field(default="default", validator=_stage_id)
    lost_reason: str | None = attrs.field(
        default="closed_lost_reason", validator=non_blank("a property name or None", optional=True)
    )

    def __attrs_post_init__(self) -> None:
        undetermined_stays_open(
            self.lead_statuses,
            self.open_lead_statuses,
            "an undetermined contact is never unqualified: expected None or an open status",
        )


_OPPORTUNITY_AT: Final = LIFECYCLE_STAGES.index("opportunity")

#: The property of a deal's currency (multi-currency portals).
CURRENCY_PROPERTY: Final = "deal_currency_code"


def _stated(record: Mapping[str, Any]) -> object:
    fields = record.get("properties")
    return fields.get(CURRENCY_PROPERTY) if isinstance(fields, Mapping) else None


def _currency(
    record: Mapping[str, Any], mapping: HubSpotMapping, errors: Errors | None
) -> str | None:
    return stated_currency(f"properties.{CURRENCY_PROPERTY}", _stated(record), mapping, errors)


def _index(stage: object) -> int | None:
    return LIFECYCLE_STAGES.index(stage) if stage in LIFECYCLE_STAGES else None


def _decide(
    out: dict[str, Any],
    crm_lead: CrmLead,
    decision: QualificationDecision | None,
    mapping: HubSpotMapping,
    fields: Mapping[str, Any],
) -> None:
    if decision is None:
        return
    current = fields.get("lifecyclestage")
    blank = current is None or current == ""
    at = _index(current)
    opening = creates_open(crm_lead, decision, mapping)
    target = mapping.lifecycle_stages.get(decision.verdict)
    if target is None and opening and blank:
        target = mapping.new_lifecycle_stage
    target_at = _index(target)
    if target is not None and (
        blank or (at is not None and target_at is not None and at < target_at)
    ):
        out["lifecyclestage"] = target
    status = mapping.lead_statuses.get(decision.verdict)
    if status not in mapping.open_lead_statuses and not closes(mapping, decision):
        status = None
    open_now = fields.get("hs_lead_status") in mapping.open_lead_statuses
    if status is None and opening and not open_now:
        status = mapping.open_lead_statuses[0]
    if status is not None and (blank or (at is not None and at < _OPPORTUNITY_AT)):
        out["hs_lead_status"] = status
    elif opening and not open_now:
        # A new contact is created open whatever its stage: a closed status in the
        # lead's extras is not copied into the create body.
        out["hs_lead_status"] = mapping.open_lead_statuses[0]


def _write_outcome(
    out: dict[str, Any],
    opportunity: OpportunityStageValue,
    mapping: HubSpotMapping,
    ctx: Context,
) -> None:
    closed = closed_at(opportunity)
    if closed is not None:
        try:
            out["closedate"] = ctx.dialect.instant(closed)
        except InvalidFieldError as error:
            raise InvalidRecordError([error.under("properties.closedate")], DEAL) from None
    out["pipeline"] = mapping.pipeline
    if isinstance(opportunity, Customer):
        out["dealstage"] = mapping.won_stage
    elif isinstance(opportunity, LostOpportunity):
        out["dealstage"] = mapping.lost_stage
        if mapping.lost_reason is not None:
            reason = opportunity.reason.value
            if opportunity.competitor is not None:
                reason += f": {opportunity.competitor}"
            out[mapping.lost_reason] = reason
    else:
        stage = Choice(mapping.deal_stages).encode(opportunity.step, ctx)
        if stage is not None:
            out["dealstage"] = stage


def _read_outcome(
    fields: Mapping[str, Any], mapping: HubSpotMapping, errors: Errors
) -> dict[str, Any]:
    return stage_outcome(
        fields.get("dealstage"),
        "dealstage",
        errors,
        won=mapping.won_stage,
        lost=mapping.lost_stage,
        steps=mapping.deal_stages,
    )


def _locked(extras: Mapping[str, Any]) -> InvalidFieldError | None:
    if extras.get("archived") is True:
        return InvalidFieldError(
            "archived", True, "an archived contact takes no update: restore it first"
        )
    return None


#: The fields an imported opportunity's created and closing times and owner are read
#: from (see :func:`import_opportunity`).
IMPORT_FIELDS: Final = (
    Field("createdate", "opened_at", Instant(), writable=False),
    Field("closedate", "closed_at", Instant(), writable=False),
    Field("hubspot_owner_id", "owner", Text(), writable=False),
)

_HUBSPOT: Final = Skeleton(
    crm="HubSpot",
    dialect=DIALECT,
    mapping_type=HubSpotMapping,
    lead=RecordKind(CONTACT, "id"),
    opportunity=RecordKind(DEAL, "id"),
    opportunity_table=DEAL_PROPERTIES,
    is_read_only=is_read_only,
    decide=_decide,
    write_outcome=_write_outcome,
    read_outcome=_read_outcome,
    properties="properties",
    currency=_currency,
    locked=_locked,
    import_table=IMPORT_FIELDS,
)
_DEFAULT: Final = HubSpotMapping()


def describe(mapping: HubSpotMapping = _DEFAULT, *, opportunity: bool = False) -> str:
    """The contact (or deal) table as Markdown."""
    return _HUBSPOT.describe(mapping, opportunity=opportunity)


def read_lead(record: Mapping[str, Any], *, mapping: HubSpotMapping = _DEFAULT) -> CrmLead:
    """Read a contact object as the v3 API returns it.

    Args:
        record: The contact's JSON object, with its ``properties``, or an SDK model
            (``SimplePublicObject``) read through its ``to_dict()``, whose
            snake_case top-level keys (``created_at`` ...) stay as they come.
        mapping: The portal's setup, with its custom properties.

    Returns:
        The lead. ``extras`` keeps the record's shape: the properties leadflow does
        not model (``lifecyclestage``, ``hs_lead_status`` ...) under ``"properties"``,
        and the other top-level fields (``createdAt``, ``archived`` ...) beside it.
        ``repairs`` says what reading had to repair (an option a value table does
        not list reads as unknown, the first of several addresses is the email).

    Raises:
        InvalidRecordError: listing every bad field with its path
            (``$.properties.email``).
        WrongTypeError: *mapping* is not a :class:`HubSpotMapping`.
    """
    return _HUBSPOT.read_lead(record, mapping)


def write_lead(
    crm_lead: CrmLead,
    decision: QualificationDecision | None = None,
    *,
    mapping: HubSpotMapping = _DEFAULT,
) -> dict[str, Any]:
    """A ``{"properties": {...}}`` body to update or create the contact.

    A contact with an id gets the minimal update: the modelled properties (and
    those the decision writes) whose value differs from the one read, ``{}`` when
    none does; the extra properties are never part of it. A contact without an id
    gets the whole create body: every extra property, the modelled ones and the
    decision's. Top-level fields (``id``, ``createdAt``, ``updatedAt``,
    ``archived``) are never part of a body, nor is a read-only property
    (:func:`is_read_only`, :attr:`HubSpotMapping.read_only`).

    With a *decision*, ``lifecyclestage`` moves forward to the verdict's stage (see
    the module's notes) and, while the contact is not yet an opportunity,
    ``hs_lead_status`` is set as :attr:`HubSpotMapping.lead_statuses` says;
    ``UNQUALIFIED`` only with ``close_disqualified``. A new contact (no id) that
    the opt-in does not close starts open: without a stage it gets
    :attr:`HubSpotMapping.new_lifecycle_stage` when the verdict moves it nowhere,
    and it keeps an open status it has, else gets the first of
    :attr:`HubSpotMapping.open_lead_statuses`, when the verdict leaves the status
    alone.

    Raises:
        InvalidRecordError: a value does not fit (wrong currency), or the extras'
            ``properties`` is not a JSON object.
        WrongTypeError: an argument is of the wrong type.
    """
    return _HUBSPOT.write_lead(crm_lead, decision, mapping)


def write_opportunity(
    opportunity: Opportunity | Customer | LostOpportunity,
    *,
    mapping: HubSpotMapping = _DEFAULT,
    record: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A deal ``{"properties": {...}}`` body for an open, won or lost opportunity.

    ``dealstage`` is the step's id from :attr:`HubSpotMapping.deal_stages`, or the
    won or lost stage; ``closedate`` is the expected close (at UTC midnight) while
    open and the time it closed once closed; ``amount`` is the won value once won.
    A lost deal's reason (and competitor) goes to :attr:`HubSpotMapping.lost_reason`.
    HubSpot derives a deal's probability from its stage, so none is written. The
    amount is written in the *record*'s ``deal_currency_code`` when it states one.

    With the *record* as read from the CRM, only what differs from it is
    written (``{}`` when nothing does). HubSpot deals have no rating, so
    :attr:`~leadflow.adapters.CrmMapping.write_ratings` has nothing to act on.

    Raises:
        InvalidRecordError: a value does not fit.
        WrongTypeError: *opportunity* is not an opportunity-level stage.
    """
    return _HUBSPOT.write_opportunity(opportunity, mapping, record)


def read_opportunity_fields(
    record: Mapping[str, Any], *, mapping: HubSpotMapping = _DEFAULT
) -> OpportunityFields:
    """Read a deal object's opportunity-level properties.

    The outcome comes from ``dealstage`` (the won or lost stage); a stage outside
    :attr:`HubSpotMapping.deal_stages` gives no step. Deals carry no probability
    leadflow reads (``hs_deal_stage_probability`` is HubSpot's, and stays
    unread). The amount is in the deal's ``deal_currency_code``, else the
    mapping's currency.

    Raises:
        InvalidRecordError: listing every bad field.
    """
    return _HUBSPOT.read_opportunity_fields(record, mapping)


def import_opportunity(
    record: Mapping[str, Any],
    *,
    contact: Contact,
    mapping: HubSpotMapping = _DEFAULT,
    policy: Policy | None = None,
) -> OpportunityStageValue:
    """An opportunity record as it stands: open, won or lost, with its history's start.

    Its name, step, probability, amount and expected close are read as
    :func:`read_opportunity_fields` reads them. ``createdate`` is when the deal opened,
    ``closedate`` when a closed one closed, ``hubspot_owner_id`` its owner. *contact* is
    the person the deal is with. The value is made by
    :func:`leadflow.import_opportunity`: no decision is made up, and its history starts
    with an :class:`~leadflow.OpportunityImported` event naming the record.

    Raises:
        InvalidRecordError: listing every bad field, or a missing creation time (or
            closing time of a closed deal).
    """
    return _HUBSPOT.import_opportunity(record, mapping, contact, policy)


#: HubSpot's own association types (``HUBSPOT_DEFINED``) a converted deal is created
#: with: deal to contact, and deal to its primary company.
DEAL_TO_CONTACT: Final = 3
DEAL_TO_COMPANY: Final = 5


def _association(record_id: str, type_id: int) -> dict[str, Any]:
    return {
        "to": {"id": record_id},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
    }


def write_conversion(
    plan: ConversionPlan, *, contact_id: str, mapping: HubSpotMapping = _DEFAULT
) -> dict[str, Any]:
    """The requests that carry out *plan* in HubSpot, which has no conversion call.

    A HubSpot lead is a contact (*contact_id*, or the contact the plan links, when it
    links a duplicate): converting it moves its ``lifecyclestage`` forward to
    ``opportunity`` (``"contact"``), creates the company when the plan creates one
    (``"company"``, ``name`` and ``domain``) and creates the deal (``"deal"``), associated
    with the contact and, when the plan links one, the company, in the same request.
    The deal's properties are those :func:`write_opportunity` writes for an
    opportunity, or, for a lead, its name, the pipeline and the first stage that
    :attr:`HubSpotMapping.deal_stages` gives ``qualify``. A created company is
    associated once HubSpot has given it an id.

    Raises:
        InvalidFieldError: *contact_id* is blank.
        WrongTypeError: a linked id is not text.
    """
    if not isinstance(contact_id, str) or not contact_id.strip():
        raise InvalidFieldError("contact_id", contact_id, "must be non-blank text")
    person = linked_id(plan.contact, "contact", str)
    company = linked_id(plan.account, "account", str)
    out: dict[str, Any] = {"contact": {"properties": {"lifecyclestage": "opportunity"}}}
    organisation = plan.account.organisation
    if plan.account.step is Step.CREATE and organisation is not None:
        properties: dict[str, Any] = {"name": organisation.name}
        domain = domain_of(organisation.website) if organisation.website else None
        if domain:
            properties["domain"] = domain
        out["company"] = {"properties": properties}
    if plan.opportunity.step is Step.CREATE:
        source = plan.source
        if isinstance(source, Opportunity):
            deal = write_opportunity(source, mapping=mapping)
            deal["properties"]["dealname"] = plan.opportunity.name
        else:
            first = first_key(mapping.deal_stages, OpportunityStage.QUALIFY)
            deal = {"properties": {"dealname": plan.opportunity.name, "pipeline": mapping.pipeline}}
            if first is not None:
                deal["properties"]["dealstage"] = first
        associations = [_association(str(person or contact_id), DEAL_TO_CONTACT)]
        if company is not None:
            associations.append(_association(str(company), DEAL_TO_COMPANY))
        deal["associations"] = associations
        out["deal"] = deal
    return out
