"""HubSpot (CRM API v3): contact and deal objects.

Reads a contact as the v3 objects API returns it, ``{"id": ..., "properties":
{...}, "createdAt": ..., ...}`` with every property value a string (or
``null``), and writes the ``{"properties": {...}}`` body of a create or update.

HubSpot has no property for need, budget, timeframe or authority: without a
:class:`~leadflow.adapters.CustomFields` mapping naming the custom properties
that hold them, those criteria read as ``unknown``. Custom property values are
strings: a checkbox is ``"true"``/``"false"``, a number ``"50000.00"``, a date
``"2026-03-31"`` (the date format is unverified).

A verdict moves ``lifecyclestage`` forward only, as HubSpot's own automation
does: a contact already at or past the target stage, or at a stage leadflow does
not know (portals may define their own), keeps its stage. Moving a contact back
takes two writes in HubSpot (``""`` first, then the earlier stage); leadflow never
does that. An undetermined verdict (not enough known yet) moves nothing and never
marks a contact unqualified; a new contact with a verdict that does not disqualify
it starts (by default) as a lead with status ``NEW``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

import attrs

from leadflow._validate import type_name
from leadflow.adapters._common import (
    UTC,
    Amount,
    Choice,
    Context,
    CrmLead,
    CustomFields,
    Dialect,
    Email,
    Field,
    Instant,
    InstantDay,
    Name,
    OpportunityFields,
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
    record_of,
    status_values,
    text_id,
    values_of,
    write_fields,
)
from leadflow.decisions import QualificationDecision, Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "CONTACT_PROPERTIES",
    "DEAL_PROPERTIES",
    "DEAL_STAGES",
    "DIALECT",
    "LEAD_STATUSES",
    "LIFECYCLE_STAGES",
    "OPEN_LEAD_STATUSES",
    "READ_ONLY",
    "VERDICT_LIFECYCLE_STAGES",
    "HubSpotMapping",
    "describe",
    "is_read_only",
    "read_lead",
    "read_opportunity_fields",
    "write_lead",
    "write_opportunity",
]

CONTACT: Final = "HubSpot contact"
DEAL: Final = "HubSpot deal"


def _hubspot_instant(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond // 1000:03d}Z"
    )


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
#: leave it). Only a disqualified contact is marked unqualified. The labels are
#: confirmed, the upper-case values unverified.
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

#: Properties HubSpot computes, which a write body must leave out.
READ_ONLY: Final = frozenset({"hs_object_id", "createdate", "lastmodifieddate"})


def is_read_only(name: str, value: object = None) -> bool:
    """Whether a write body must leave out the property *name*."""
    return name in READ_ONLY


def _verdict_table(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise WrongTypeError(attribute.name, value, "expected a mapping of verdicts")
    for verdict, raw in value.items():
        if not isinstance(verdict, Verdict):
            raise WrongTypeError(f"{attribute.name}[{verdict!r}]", verdict, "expected a Verdict")
        if raw is not None and (not isinstance(raw, str) or not raw.strip()):
            raise WrongTypeError(f"{attribute.name}[{verdict.value}]", raw, "expected a value")


def _stage_table(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not value:
        raise WrongTypeError(attribute.name, value, "expected a non-empty mapping")
    for key, step in value.items():
        if not isinstance(key, str) or not isinstance(step, OpportunityStage):
            raise WrongTypeError(f"{attribute.name}[{key!r}]", step, "expected id -> step")


def _stage_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise WrongTypeError(attribute.name, value, "expected an id")


def _optional_property(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise WrongTypeError(attribute.name, value, "expected a property name or None")


@attrs.frozen(kw_only=True)
class HubSpotMapping:
    """How a HubSpot portal is set up, as far as leadflow needs to know.

    Attributes:
        currency: ISO 4217 code of the portal's amounts (custom budget amounts and
            deal amounts).
        custom: The custom properties that hold the criteria.
        lifecycle_stages: The ``lifecyclestage`` a verdict moves a contact forward to.
        lead_statuses: The ``hs_lead_status`` a verdict gives a contact. Undetermined
            takes only ``None`` or an open status.
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

    currency: str | None = attrs.field(default=None, converter=currency_code)
    custom: CustomFields = attrs.field(
        factory=CustomFields, validator=attrs.validators.instance_of(CustomFields)
    )
    lifecycle_stages: Mapping[Verdict, str | None] = attrs.field(
        default=VERDICT_LIFECYCLE_STAGES, converter=frozen_table, validator=_verdict_table
    )
    lead_statuses: Mapping[Verdict, str | None] = attrs.field(
        default=LEAD_STATUSES, converter=frozen_table, validator=_verdict_table
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
        default="closed_lost_reason", validator=_optional_property
    )

    def __attrs_post_init__(self) -> None:
        status = self.lead_statuses.get(Verdict.UNDETERMINED)
        if status is not None and status not in self.open_lead_statuses:
            raise InvalidFieldError(
                "lead_statuses[undetermined]",
                status,
                "an undetermined contact is never unqualified: expected None or an open status",
            )

    def lead_table(self) -> tuple[Spec, ...]:
        """The contact table: :data:`CONTACT_PROPERTIES` with the custom properties."""
        return lead_table(CONTACT_PROPERTIES, self.custom)


_DEFAULT: Final = HubSpotMapping()


def describe(mapping: HubSpotMapping = _DEFAULT, *, opportunity: bool = False) -> str:
    """The contact (or deal) table as Markdown."""
    if opportunity:
        return describe_table(DEAL_PROPERTIES, "HubSpot")
    return describe_table(mapping.lead_table(), "HubSpot")


def _properties(
    fields: Mapping[str, Any], errors: list[InvalidFieldError], what: str
) -> Mapping[str, Any]:
    properties = fields.get("properties")
    if not isinstance(properties, Mapping):
        errors.append(
            WrongTypeError(
                "properties", properties, f"expected a JSON object, not {type_name(properties)}"
            )
        )
        raise InvalidRecordError(errors, what)
    return record_of(properties, what, "properties")


def read_lead(record: Mapping[str, Any], *, mapping: HubSpotMapping = _DEFAULT) -> CrmLead:
    """Read a contact object as the v3 API returns it.

    Args:
        record: The contact's JSON object, with its ``properties``.
        mapping: The portal's setup, with its custom properties.

    Returns:
        The lead. ``extras`` keeps the record's shape: the properties leadflow does
        not model (``lifecyclestage``, ``hs_lead_status`` ...) under ``"properties"``,
        and the other top-level fields (``createdAt``, ``archived`` ...) beside it.

    Raises:
        InvalidRecordError: listing every bad field with its path
            (``$.properties.email``).
        WrongTypeError: *mapping* is not a :class:`HubSpotMapping`.
    """
    check_instance("mapping", mapping, HubSpotMapping)
    fields = record_of(record, CONTACT)
    errors: list[InvalidFieldError] = []
    crm_id = text_id(fields, "id", errors)
    properties = _properties(fields, errors, CONTACT)
    contact, evidence, loose, original = read_lead_parts(
        properties,
        mapping.lead_table(),
        Context(DIALECT, mapping.currency),
        crm_id=crm_id,
        what=CONTACT,
        errors=errors,
        prefix="properties",
    )
    extras = {k: v for k, v in fields.items() if k not in ("id", "properties")}
    extras["properties"] = loose
    return CrmLead(contact=contact, evidence=evidence, id=crm_id, extras=extras, original=original)


_OPPORTUNITY_AT: Final = LIFECYCLE_STAGES.index("opportunity")


def _index(stage: object) -> int | None:
    return LIFECYCLE_STAGES.index(stage) if stage in LIFECYCLE_STAGES else None


def write_lead(
    crm_lead: CrmLead,
    decision: QualificationDecision | None = None,
    *,
    mapping: HubSpotMapping = _DEFAULT,
) -> dict[str, Any]:
    """A ``{"properties": {...}}`` body to create or update the contact.

    Modelled properties are written from the lead (unchanged ones exactly as read),
    then every extra property HubSpot accepts, unchanged; top-level fields
    (``id``, ``createdAt``, ``updatedAt``, ``archived``) are not part of a write body.
    With a *decision*, ``lifecyclestage`` moves forward to the verdict's stage (see
    the module's notes) and, while the contact is not yet an opportunity,
    ``hs_lead_status`` is set as :attr:`HubSpotMapping.lead_statuses` says. A new
    contact (no id) whose verdict does not disqualify it starts open: without a
    stage it gets :attr:`HubSpotMapping.new_lifecycle_stage` when the verdict moves
    it nowhere, and it keeps an open status it has, else gets the first of
    :attr:`HubSpotMapping.open_lead_statuses`, when the verdict leaves the status
    alone.

    Raises:
        InvalidRecordError: a value does not fit (wrong currency), or the extras'
            ``properties`` is not a JSON object.
        WrongTypeError: an argument is of the wrong type.
    """
    check_instance("crm_lead", crm_lead, CrmLead)
    if decision is not None:
        check_instance("decision", decision, QualificationDecision)
    check_instance("mapping", mapping, HubSpotMapping)
    errors: list[InvalidFieldError] = []
    loose = crm_lead.extras.get("properties", {})
    if not isinstance(loose, Mapping):
        errors.append(WrongTypeError("properties", loose, "expected a JSON object"))
        raise InvalidRecordError(errors, CONTACT)
    table = mapping.lead_table()
    out = copy_extras(loose, is_read_only)
    out.update(
        write_fields(
            values_of(crm_lead, table),
            table,
            Context(DIALECT, mapping.currency),
            extras=loose,
            original=crm_lead.original,
            errors=errors,
            prefix="properties",
        )
    )
    if errors:
        raise InvalidRecordError(errors, CONTACT)
    if decision is not None:
        current = loose.get("lifecyclestage")
        blank = current is None or current == ""
        at = _index(current)
        opening = creates_open(crm_lead, decision)
        target = mapping.lifecycle_stages.get(decision.verdict)
        if target is None and opening and blank:
            target = mapping.new_lifecycle_stage
        target_at = _index(target)
        if target is not None and (
            blank or (at is not None and target_at is not None and at < target_at)
        ):
            out["lifecyclestage"] = target
        status = mapping.lead_statuses.get(decision.verdict)
        open_now = loose.get("hs_lead_status") in mapping.open_lead_statuses
        if status is None and opening and not open_now:
            status = mapping.open_lead_statuses[0]
        if status is not None and (blank or (at is not None and at < _OPPORTUNITY_AT)):
            out["hs_lead_status"] = status
    return {"properties": out}


def write_opportunity(
    opportunity: Opportunity | Customer | LostOpportunity,
    *,
    mapping: HubSpotMapping = _DEFAULT,
) -> dict[str, Any]:
    """A deal ``{"properties": {...}}`` body for an open, won or lost opportunity.

    ``dealstage`` is the step's id from :attr:`HubSpotMapping.deal_stages`, or the
    won or lost stage; ``closedate`` is the expected close (at UTC midnight) while
    open and the time it closed once closed; ``amount`` is the won value once won.
    A lost deal's reason (and competitor) goes to :attr:`HubSpotMapping.lost_reason`.
    HubSpot derives a deal's probability from its stage, so none is written.

    Raises:
        InvalidRecordError: a value does not fit.
        WrongTypeError: *opportunity* is not an opportunity-level stage.
    """
    values = opportunity_values(opportunity)
    check_instance("mapping", mapping, HubSpotMapping)
    ctx = Context(DIALECT, mapping.currency)
    errors: list[InvalidFieldError] = []
    out = write_fields(
        values, DEAL_PROPERTIES, ctx, extras={}, original={}, errors=errors, prefix="properties"
    )
    if errors:
        raise InvalidRecordError(errors, DEAL)
    closed = closed_at(opportunity)
    if closed is not None:
        out["closedate"] = DIALECT.instant(closed)
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
    return {"properties": out}


def read_opportunity_fields(
    record: Mapping[str, Any], *, mapping: HubSpotMapping = _DEFAULT
) -> OpportunityFields:
    """Read a deal object's opportunity-level properties.

    The outcome comes from ``dealstage`` (the won or lost stage); a stage outside
    :attr:`HubSpotMapping.deal_stages` gives no step. Deals carry no probability
    leadflow reads.

    Raises:
        InvalidRecordError: listing every bad field.
    """
    check_instance("mapping", mapping, HubSpotMapping)
    fields = record_of(record, DEAL)
    errors: list[InvalidFieldError] = []
    crm_id = text_id(fields, "id", errors)
    properties = _properties(fields, errors, DEAL)
    values, found = read_fields(properties, DEAL_PROPERTIES, Context(DIALECT, mapping.currency))
    errors.extend(e.under("properties") for e in found)
    stage = properties.get("dealstage")
    outcome = FunnelStage.OPPORTUNITY
    step = None
    if stage is not None and not isinstance(stage, str):
        errors.append(
            WrongTypeError(
                "properties.dealstage", stage, f"expected a string, not {type_name(stage)}"
            )
        )
    elif stage == mapping.won_stage:
        outcome = FunnelStage.CUSTOMER
    elif stage == mapping.lost_stage:
        outcome = FunnelStage.LOST
    elif stage:
        step = mapping.deal_stages.get(stage)
    if errors:
        raise InvalidRecordError(errors, DEAL)
    return OpportunityFields(id=crm_id, outcome=outcome, step=step, **values)
