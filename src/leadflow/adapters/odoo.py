"""Odoo CRM (external API): ``crm.lead`` records, as leads and as opportunities.

Reads a ``crm.lead`` dict as ``read()`` returns it over XML-RPC or JSON-RPC:
``False`` for an empty field, a many2one as ``[id, "name"]``, ``create_date`` as
``"2026-01-05 10:00:00"``, and writes the values dict of a ``write()`` or
``create()`` call.

Odoo's datetimes carry no offset: the ORM stores and returns them in UTC, and
leadflow reads them so (the browser, not the server, converts to the user's
timezone).

Odoo has no field for need, budget or authority: without a
:class:`~leadflow.adapters.CustomFields` mapping naming the custom fields
(``x_need`` ...) that hold them, those criteria read as ``unknown``. The
timeframe has a native field: ``date_deadline`` (expected closing) is the
expected decision date.

Stage and lost-reason records have database-specific ids, so
:class:`OdooMapping` names the ones to write; without them, leadflow writes no
``stage_id`` and no lost reason.

An update (a lead with an id) holds only the fields leadflow owns whose value
changed: the fields it does not model are never in one, and neither are the
fields Odoo computes (:data:`READ_ONLY`, and a database's own through
:func:`read_only_fields` of its ``fields_get()``). A lead is archived only when
the mapping opts in (:attr:`~leadflow.adapters.CrmMapping.close_disqualified`),
and the stars a person gave it are kept (:attr:`~leadflow.adapters.CrmMapping.write_ratings`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar, Final, TypeGuard

import attrs

from leadflow._validate import type_name
from leadflow.adapters._codecs import (
    Amount,
    Context,
    Day,
    Dialect,
    Email,
    Instant,
    Percent,
    Phone,
    Text,
    utc_text,
    wrong_type,
)
from leadflow.adapters._mapping import CrmMapping, Field, Name, Spec, non_blank, verdict_table
from leadflow.adapters._model import CrmLead, OpportunityFields, OpportunityStageValue, frozen_table
from leadflow.adapters._skeleton import (
    Errors,
    RecordKind,
    Skeleton,
    as_mapping,
    closes,
    creates_open,
    first_key,
    linked_id,
    rating_to_write,
    record_currency,
    refused_fields,
)
from leadflow.contacts import Contact
from leadflow.conversion import ConversionPlan, Step
from leadflow.decisions import QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError
from leadflow.events import LossReason
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.policy import Policy
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "DIALECT",
    "IMPORT_FIELDS",
    "LEAD_FIELDS",
    "OPPORTUNITY_FIELDS",
    "PRIORITY_VALUES",
    "READ_ONLY",
    "VERDICT_VALUES",
    "OdooMapping",
    "describe",
    "import_opportunity",
    "is_read_only",
    "read_lead",
    "read_only_fields",
    "read_opportunity_fields",
    "write_conversion",
    "write_form",
    "write_lead",
    "write_opportunity",
]

LEAD: Final = "Odoo crm.lead"


def _odoo_instant(moment: datetime) -> str:
    return utc_text(moment, separator=" ")


def _odoo_number(amount: Decimal) -> float:
    number = float(amount)
    if Decimal(repr(number)) != amount:
        raise InvalidFieldError("", amount, "has more digits than a float carries exactly")
    return number


#: Values as ``read()`` returns them: ``False`` for no value, floats, UTC without offset.
DIALECT: Final = Dialect(
    name="Odoo",
    null=False,
    blanks=(False,),
    naive_utc=True,
    number=_odoo_number,
    instant=_odoo_instant,
    instant_example="2026-01-05 10:00:00",
)

#: ``priority`` values and the rating each stands for: '0' Low, '1' Medium, '2' High.
#: '3' (Very High) is not listed, so it is never written, and a lead a person starred
#: so is never given another priority, whatever ``write_ratings`` says.
PRIORITY_VALUES: Final[Mapping[str, Rating]] = MappingProxyType(
    {"0": Rating.COLD, "1": Rating.WARM, "2": Rating.HOT}
)
#: ``priority`` values that are Odoo's default ('0', no star), which no person chose:
#: a rating is written over them as over no rating.
UNSET_PRIORITIES: Final = ("0",)
#: The fields a verdict writes on an active lead. Only a disqualified lead is archived
#: with probability 0, as Odoo's "lost" action does, and only when the mapping opts in
#: (``close_disqualified``; without it these fields are not written); an undetermined
#: lead (not enough known yet) is never archived, and its probability is left to Odoo.
VERDICT_VALUES: Final[Mapping[Verdict, Mapping[str, Any]]] = MappingProxyType(
    {
        Verdict.DISQUALIFIED: MappingProxyType({"active": False, "probability": 0.0}),
        Verdict.UNDETERMINED: MappingProxyType({}),
        Verdict.NURTURE: MappingProxyType({}),
        Verdict.QUALIFIED: MappingProxyType({}),
    }
)


#: The ``crm.lead`` fields leadflow models on a lead.
LEAD_FIELDS: Final[tuple[Spec, ...]] = (
    Name(("contact_name",), fallbacks=("partner_name", "name")),
    Field("create_date", "contact.created_at", Instant(), writable=False, note="(UTC)"),
    Field("email_from", "contact.email", Email(display_name=True)),
    Field("phone", "contact.phone", Phone()),
    Field("function", "contact.job_title", Text()),
    Field("partner_name", "contact.organisation.name", Text()),
    Field(
        "date_deadline",
        "evidence.timeframe.decision_date",
        Day(),
        note="(expected closing)",
    ),
)

#: The ``crm.lead`` fields for opportunity-level values.
OPPORTUNITY_FIELDS: Final[tuple[Field, ...]] = (
    Field("name", "name", Text()),
    Field("expected_revenue", "amount", Amount()),
    Field("probability", "probability", Percent()),
    Field("date_deadline", "expected_close", Day()),
)

#: ``crm.lead`` fields ``read()`` returns that a ``write()`` must leave out: the id and
#: audit fields, and the fields Odoo computes without an inverse or relates (readonly
#: in ``fields_get()``): probabilities and revenues it derives, dates it keeps,
#: duplicates, blacklist, activity and message fields, ``won_status`` (newer
#: releases), and the company currency (writing it would write the company's). The
#: list covers Odoo 15, 17 and 18 (fields renamed or dropped between them are all
#: here). A database's own computed fields are not: pass :func:`read_only_fields` of
#: its ``fields_get()`` to the mapping.
READ_ONLY: Final = frozenset(
    {
        "id",
        "create_date",
        "create_uid",
        "write_date",
        "write_uid",
        "display_name",
        "company_currency",
        "automated_probability",
        "is_automated_probability",
        "prorated_revenue",
        "recurring_revenue_monthly",
        "recurring_revenue_monthly_prorated",
        "recurring_revenue_prorated",
        "user_company_ids",
        "kanban_state",
        "date_closed",
        "won_status",
        "date_action_last",
        "date_automation_last",
        "date_open",
        "day_open",
        "day_close",
        "date_last_stage_update",
        "date_conversion",
        "partner_is_blacklisted",
        "phone_state",
        "email_state",
        "lang_code",
        "lang_active_count",
        "calendar_event_count",
        "meeting_display_date",
        "meeting_display_label",
        "duplicate_lead_ids",
        "duplicate_lead_count",
        "partner_email_update",
        "partner_phone_update",
        "is_partner_visible",
        "email_domain_criterion",
        "email_normalized",
        "is_blacklisted",
        "phone_sanitized",
        "phone_sanitized_blacklisted",
        "phone_blacklisted",
        "mobile_blacklisted",
        "phone_mobile_search",
        "activity_ids",
        "activity_state",
        "activity_user_id",
        "activity_type_id",
        "activity_date_deadline",
        "my_activity_date_deadline",
        "activity_exception_decoration",
        "activity_exception_icon",
        "activity_type_icon",
        "activity_summary",
        "activity_plans_ids",
        "message_ids",
        "message_follower_ids",
        "message_partner_ids",
        "message_needaction",
        "message_needaction_counter",
        "message_has_error",
        "message_has_error_counter",
        "message_attachment_count",
        "message_is_follower",
        "has_message",
        "website_message_ids",
    }
)


def is_read_only(name: str, value: object = None) -> bool:
    """Whether a ``write()`` must leave out the field *name* (also ``__last_update`` ...)."""
    return name in READ_ONLY or name.startswith("__")


def read_only_fields(fields: Mapping[str, Any]) -> frozenset[str]:
    """The fields ``fields_get()`` marks as not written by a ``write()``.

    *fields* is ``fields_get(attributes=["readonly", "store"])``'s answer, field
    name to its attributes. A field is left out of writes when it is
    ``readonly``, or not stored and not said to be writable (a computed field
    without an inverse). Pass them as :attr:`OdooMapping.read_only`.

    Raises:
        InvalidRecordError: *fields* is not a mapping of field names to attributes.
    """
    found = as_mapping(fields)
    if not isinstance(found, Mapping):
        bad = WrongTypeError("", found, "expected fields_get()'s mapping of fields")
        raise InvalidRecordError([bad], "Odoo fields_get result")
    listed = [
        {"name": name, **attributes} if isinstance(attributes, Mapping) else attributes
        for name, attributes in found.items()
    ]
    return refused_fields(
        listed,
        "Odoo fields_get result",
        items="fields",
        name="name",
        refused=lambda field: (
            field.get("readonly") is True
            or (field.get("store") is False and field.get("readonly") is not False)
        ),
    )


def _is_pair(value: object) -> TypeGuard[list[Any]]:
    return (
        isinstance(value, list)
        and len(value) == 2
        and type(value[0]) is int
        and isinstance(value[1], str)
    )


def write_form(value: object) -> object:
    """*value* as ``write()`` takes it: a many2one ``[id, "name"]`` pair becomes its id.

    (Odoo reads a list written to a many2one as no value, so the pair cannot go back
    as it came.) Everything else, including many2many id lists, which Odoo's ORM
    takes as "set these ids", is returned as it is.
    """
    return value[0] if _is_pair(value) else value


def _verdict_fields(path: str, verdict: Verdict, fields: object) -> None:
    if not isinstance(fields, Mapping) or not all(isinstance(k, str) for k in fields):
        raise WrongTypeError(path, fields, "expected a mapping of fields")


def _id_table(kind: type) -> Any:
    def validate(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping):
            raise WrongTypeError(attribute.name, value, "expected a mapping of ids")
        for key, member in value.items():
            if type(key) is not int or not isinstance(member, kind):
                raise WrongTypeError(
                    f"{attribute.name}[{key!r}]", member, f"expected id -> {kind.__name__}"
                )

    return validate


def _priorities(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or set(value.values()) != set(Rating):
        raise InvalidFieldError(attribute.name, value, "expected a value for every rating")
    if not all(isinstance(key, str) for key in value):
        raise WrongTypeError(attribute.name, value, "priority values are strings")


def _optional_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not int or value <= 0):
        raise WrongTypeError(attribute.name, value, "expected a record id or None")


@attrs.frozen(kw_only=True)
class OdooMapping(CrmMapping):
    """How an Odoo database is set up, as far as leadflow needs to know.

    Attributes:
        currency: ISO 4217 code of the amounts of a record that names no
            currency in ``currency_id`` (stock ``crm.lead`` has none: it is read
            for databases that add one) or ``company_currency`` (a
            ``res.currency`` pair, whose name is the ISO code); only the fallback.
        custom: The custom fields that hold the criteria.
        priorities: ``priority`` values and their ratings.
        verdict_values: The fields a verdict writes on an active lead (add a
            ``stage_id`` or a lost reason id here); a verdict it does not list writes
            none. Fields that archive a lead (``active`` false) or give it a lost
            reason are written only with ``close_disqualified``; undetermined may not
            hold them at all.
        stage_ids: ``crm.stage`` ids and the sales steps they stand for.
        won_stage_id: The id of the won stage (``is_won``), if it should be written
            and recognised.
        lost_reason_ids: ``crm.lost.reason`` ids and the loss reasons they stand for.
        lost_reason_field: The lost-reason field (``lost_reason`` in 14.0).
    """

    _native: ClassVar[tuple[Spec, ...]] = LEAD_FIELDS

    priorities: Mapping[str, Rating] = attrs.field(
        default=PRIORITY_VALUES, converter=frozen_table, validator=_priorities
    )
    verdict_values: Mapping[Verdict, Mapping[str, Any]] = attrs.field(
        default=VERDICT_VALUES, converter=frozen_table, validator=verdict_table(_verdict_fields)
    )
    stage_ids: Mapping[int, OpportunityStage] = attrs.field(
        factory=dict, converter=frozen_table, validator=_id_table(OpportunityStage)
    )
    won_stage_id: int | None = attrs.field(default=None, validator=_optional_id)
    lost_reason_ids: Mapping[int, LossReason] = attrs.field(
        factory=dict, converter=frozen_table, validator=_id_table(LossReason)
    )
    lost_reason_field: str = attrs.field(
        default="lost_reason_id", validator=non_blank("a field name")
    )

    def __attrs_post_init__(self) -> None:
        fields = self.verdict_values.get(Verdict.UNDETERMINED, {})
        if _closing(fields, self):
            raise InvalidFieldError(
                "verdict_values[undetermined]",
                dict(fields),
                "an undetermined lead is never archived or lost",
            )


def _record_id(fields: Mapping[str, Any], name: str, errors: Errors) -> int | None:
    raw = fields.get(name)
    if raw is None:
        return None
    if type(raw) is not int or raw <= 0:
        errors.append(WrongTypeError(name, raw, "expected a positive integer id"))
        return None
    return raw


#: The fields that name a record's currency, as ``[id, "EUR"]`` pairs (the name of
#: a ``res.currency`` is its ISO code): the lead's own, then its company's. Stock
#: ``crm.lead`` (15, 17, 18) has no ``currency_id``: its monetary fields are in
#: ``company_currency``; ``currency_id`` is read for databases that add one.
CURRENCY_FIELDS: Final = ("currency_id", "company_currency")


def _stated_currency(fields: Mapping[str, Any], errors: Errors | None) -> tuple[bool, str | None]:
    for name in CURRENCY_FIELDS:
        raw = fields.get(name)
        if raw is None or raw is False:
            continue
        if not _is_pair(raw):
            if errors is not None:
                errors.append(WrongTypeError(name, raw, 'expected [id, "name"] or false'))
            return True, None
        return True, record_currency(name, raw, raw[1], errors)
    return False, None


def _currency(fields: Mapping[str, Any], mapping: OdooMapping, errors: Errors | None) -> str | None:
    stated, code = _stated_currency(fields, errors)
    if not stated or (code is None and errors is None):
        # Written back (no errors to report to), a bad code leaves the mapping's.
        return mapping.currency
    return code


def _decide(
    out: dict[str, Any],
    crm_lead: CrmLead,
    decision: QualificationDecision | None,
    mapping: OdooMapping,
    fields: Mapping[str, Any],
) -> None:
    archived = crm_lead.id is not None and fields.get("active") is False
    if decision is None or archived:
        return
    rating = rating_to_write(
        decision,
        mapping,
        fields.get("priority"),
        mapping.priorities,
        null=DIALECT.is_null,
        unset=UNSET_PRIORITIES,
    )
    value = None if rating is None else first_key(mapping.priorities, rating)
    if value is not None:
        out["priority"] = value
    verdict_fields = mapping.verdict_values.get(decision.verdict, {})
    if _closing(verdict_fields, mapping) and not closes(mapping, decision):
        verdict_fields = {}
    out.update(copy.deepcopy(dict(verdict_fields)))
    if creates_open(crm_lead, decision, mapping) and "active" not in verdict_fields:
        out["active"] = True


def _closing(fields: Mapping[str, Any], mapping: OdooMapping) -> bool:
    """Whether a verdict's *fields* close a lead: archive it or give it a lost reason."""
    return fields.get("active", True) is not True or mapping.lost_reason_field in fields


def _write_outcome(
    out: dict[str, Any],
    opportunity: OpportunityStageValue,
    mapping: OdooMapping,
    ctx: Context,
) -> None:
    # An imported opportunity has no rating of leadflow's to write.
    if opportunity.promotion is not None:
        out["priority"] = first_key(mapping.priorities, opportunity.promotion.qualification.rating)
    if isinstance(opportunity, Customer):
        out["active"] = True
        if mapping.won_stage_id is not None:
            out["stage_id"] = mapping.won_stage_id
    elif isinstance(opportunity, LostOpportunity):
        out["active"] = False
        for reason_id, reason in mapping.lost_reason_ids.items():
            if reason is opportunity.reason:
                out[mapping.lost_reason_field] = reason_id
                break
    else:
        for stage_id, step in mapping.stage_ids.items():
            if step is opportunity.step:
                out["stage_id"] = stage_id
                break


def _read_outcome(
    fields: Mapping[str, Any], mapping: OdooMapping, errors: Errors
) -> dict[str, Any]:
    kind = fields.get("type", "opportunity")
    if kind != "opportunity":
        errors.append(InvalidFieldError("type", kind, "not an opportunity"))
    stage = fields.get("stage_id", False)
    if stage is not False and not _is_pair(stage):
        errors.append(WrongTypeError("stage_id", stage, 'expected [id, "name"] or false'))
    stage_id = stage[0] if _is_pair(stage) else None
    active = fields.get("active", True)
    if not isinstance(active, bool):
        errors.append(
            WrongTypeError("active", active, f"expected a boolean, not {type_name(active)}")
        )
    status = fields.get("won_status")
    outcomes = {"won": FunnelStage.CUSTOMER, "lost": FunnelStage.LOST}
    if status is not None and status not in ("won", "lost", "pending"):
        errors.append(InvalidFieldError("won_status", status, "expected won, lost or pending"))
    if isinstance(status, str):
        outcome = outcomes.get(status, FunnelStage.OPPORTUNITY)
    elif active is False:
        outcome = FunnelStage.LOST
    elif stage_id is not None and stage_id == mapping.won_stage_id:
        outcome = FunnelStage.CUSTOMER
    else:
        outcome = FunnelStage.OPPORTUNITY
    step = mapping.stage_ids.get(stage_id) if stage_id is not None else None
    return {"outcome": outcome, "step": step}


def _priorities_of(mapping: OdooMapping) -> Mapping[Any, Rating]:
    return mapping.priorities


@attrs.frozen
class _UserName:
    """A ``res.users`` many2one as Odoo reads it, ``[id, name]``: the user's name."""

    def decode(self, raw: object, ctx: Context) -> str:
        if _is_pair(raw) and isinstance(raw[1], str) and raw[1].strip():
            return raw[1].strip()
        if isinstance(raw, int) and not isinstance(raw, bool):
            return str(raw)
        raise wrong_type(raw, "a [id, name] pair")

    def encode(self, value: Any, ctx: Context) -> object:
        return value

    def describe(self) -> str:
        return "[id, name] pair; the user's name"


#: The fields an imported opportunity's created and closing times and owner are read
#: from (see :func:`import_opportunity`).
IMPORT_FIELDS: Final = (
    Field("create_date", "opened_at", Instant(), writable=False),
    Field("date_closed", "closed_at", Instant(), writable=False),
    Field("user_id", "owner", _UserName(), writable=False),
)

_ODOO: Final = Skeleton(
    crm="Odoo",
    dialect=DIALECT,
    mapping_type=OdooMapping,
    lead=RecordKind(LEAD, "id"),
    opportunity=RecordKind(LEAD, "id"),
    opportunity_table=OPPORTUNITY_FIELDS,
    is_read_only=is_read_only,
    decide=_decide,
    write_outcome=_write_outcome,
    read_outcome=_read_outcome,
    read_id=_record_id,
    currency=_currency,
    write_form=write_form,
    opportunity_rating="priority",
    rating_table=_priorities_of,
    unset_ratings=UNSET_PRIORITIES,
    opportunity_body=MappingProxyType({"type": "opportunity"}),
    import_table=IMPORT_FIELDS,
)
_DEFAULT: Final = OdooMapping()


def describe(mapping: OdooMapping = _DEFAULT, *, opportunity: bool = False) -> str:
    """The lead (or opportunity) table as Markdown."""
    return _ODOO.describe(mapping, opportunity=opportunity)


def read_lead(record: Mapping[str, Any], *, mapping: OdooMapping = _DEFAULT) -> CrmLead:
    """Read a ``crm.lead`` dict as ``read()`` returns it.

    The contact's name is ``contact_name``, else the company (``partner_name``), else
    the lead's title (``name``). Of several addresses in ``email_from`` the first is
    the contact's email; ``repairs`` says so and the field also stays in ``extras``.
    Amounts are in the record's ``currency_id`` (for a database that adds one), else
    its ``company_currency``, else the mapping's ``currency``.

    Args:
        record: The record's dict.
        mapping: The database's setup, with its custom fields.

    Returns:
        The lead, with every field leadflow does not model in ``extras``
        (including ``name``, ``type``, ``stage_id``, ``priority`` and ``active``),
        and what reading had to repair in ``repairs``.

    Raises:
        InvalidRecordError: listing every bad field with its path (``$.email_from``).
        WrongTypeError: *mapping* is not an :class:`OdooMapping`.
    """
    return _ODOO.read_lead(record, mapping)


def write_lead(
    crm_lead: CrmLead,
    decision: QualificationDecision | None = None,
    *,
    mapping: OdooMapping = _DEFAULT,
) -> dict[str, Any]:
    """A values dict for ``write([id], values)``, or ``create(values)`` without an id.

    A lead with an id gets the minimal update: the modelled fields and the fields
    the *decision* writes, only those whose value differs from the one read (``{}``
    when nothing does); the fields leadflow does not model are never in it. A lead
    without an id gets the whole ``create()`` body: its extra fields (a many2one
    pair as its id, see :func:`write_form`), the modelled fields and the
    decision's. Neither ever holds a field of :data:`READ_ONLY` or of the
    mapping's ``read_only``.

    With a *decision*, an active lead gets ``priority`` from the rating as
    :attr:`~leadflow.adapters.CrmMapping.write_ratings` allows (by default only
    over Odoo's default '0'; never over '3', Very High, or any value
    :attr:`OdooMapping.priorities` does not list; never a cold rating on an
    undetermined decision, which says only that little is known yet), and the
    fields :attr:`OdooMapping.verdict_values` gives the verdict. Those that archive
    the lead or give it a lost reason are written only with
    :attr:`~leadflow.adapters.CrmMapping.close_disqualified`. An archived (lost)
    lead is left as it is. A new lead is created active unless the opt-in
    archives it.

    Raises:
        InvalidRecordError: a value does not fit (wrong currency).
        WrongTypeError: an argument is of the wrong type.
    """
    return _ODOO.write_lead(crm_lead, decision, mapping)


def write_opportunity(
    opportunity: Opportunity | Customer | LostOpportunity,
    *,
    mapping: OdooMapping = _DEFAULT,
    record: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A values dict turning a ``crm.lead`` into (or updating) an opportunity.

    Writes ``type`` ``"opportunity"``, the opportunity-level fields
    (:data:`OPPORTUNITY_FIELDS`), ``priority`` from the rating the lead had when
    promoted, and ``stage_id`` when :attr:`OdooMapping.stage_ids` names one for the
    step. Won: probability 100 and the won stage, if configured (Odoo's own
    ``action_set_won`` does the same). Lost: archived with probability 0 and the
    lost reason's id, if configured (as ``action_set_lost`` does).

    With the *record* as read from the CRM, only what differs from it is
    written (an empty update when nothing does), and a priority the record has
    follows :attr:`~leadflow.adapters.CrmMapping.write_ratings`; a priority
    :attr:`OdooMapping.priorities` does not list ('3', Very High) is never
    replaced, not even with ``WriteRatings.ALWAYS``.

    Raises:
        InvalidRecordError: a value does not fit.
        WrongTypeError: *opportunity* is not an opportunity-level stage.
    """
    return _ODOO.write_opportunity(opportunity, mapping, record)


def read_opportunity_fields(
    record: Mapping[str, Any], *, mapping: OdooMapping = _DEFAULT
) -> OpportunityFields:
    """Read a ``crm.lead`` opportunity's opportunity-level fields.

    The outcome: ``won_status`` when the record has it (newer releases; unverified),
    else lost when archived (``active`` false), won when at
    :attr:`OdooMapping.won_stage_id`, open otherwise. The step comes from
    ``stage_id`` through :attr:`OdooMapping.stage_ids`.

    Raises:
        InvalidRecordError: listing every bad field (a ``type`` other than
            ``"opportunity"`` is one).
    """
    return _ODOO.read_opportunity_fields(record, mapping)


def write_conversion(
    plan: ConversionPlan,
    *,
    lead_id: int,
    user_id: int | None = None,
    team_id: int | None = None,
) -> dict[str, Any]:
    """The values of Odoo's convert wizard (``crm.lead2opportunity.partner``) for *plan*.

    ``name`` is ``convert``; ``action`` is ``exist`` with the linked partner in
    ``partner_id`` (the linked contact, else the linked company), ``create`` when the
    plan creates the customer (Odoo makes the company from the lead's company name and
    the person under it), ``nothing`` for a lead without an organisation or contact to
    create. Create the wizard with them and call ``action_apply``: Odoo's
    ``convert_opportunity`` then writes ``type: opportunity``, ``partner_id`` and
    ``date_conversion`` on the lead. Odoo converts a lead into an opportunity in place,
    so a plan without an opportunity is refused.

    Raises:
        InvalidFieldError: the plan creates no opportunity.
        WrongTypeError: a linked id, *lead_id*, *user_id* or *team_id* is not an int.
    """
    if plan.opportunity.step is not Step.CREATE:
        raise InvalidFieldError(
            "opportunity", plan.opportunity.step.value, "Odoo converts a lead into an opportunity"
        )
    for name, given in (("lead_id", lead_id), ("user_id", user_id), ("team_id", team_id)):
        if given is not None and (isinstance(given, bool) or not isinstance(given, int)):
            raise WrongTypeError(name, given, "expected an int id")
    contact = linked_id(plan.contact, "contact", int)
    account = linked_id(plan.account, "account", int)
    partner = contact if contact is not None else account
    if partner is not None:
        action, partner_id = "exist", partner
    elif plan.account.step is Step.CREATE or plan.contact.step is Step.CREATE:
        action, partner_id = "create", False
    else:
        action, partner_id = "nothing", False
    out: dict[str, Any] = {
        "name": "convert",
        "action": action,
        "lead_id": lead_id,
        "partner_id": partner_id,
    }
    if user_id is not None:
        out["user_id"] = user_id
    if team_id is not None:
        out["team_id"] = team_id
    return out


def import_opportunity(
    record: Mapping[str, Any],
    *,
    contact: Contact,
    mapping: OdooMapping = _DEFAULT,
    policy: Policy | None = None,
) -> OpportunityStageValue:
    """An opportunity record as it stands: open, won or lost, with its history's start.

    Its name, step, probability, amount and expected close are read as
    :func:`read_opportunity_fields` reads them. ``create_date`` is when it opened,
    ``date_closed`` when a closed one closed, ``user_id`` (its name) its owner.
    *contact* is the person the deal is with. The value is made by
    :func:`leadflow.import_opportunity`: no decision is made up, and its history starts
    with an :class:`~leadflow.OpportunityImported` event naming the record.

    Raises:
        InvalidRecordError: listing every bad field, or a missing creation time (or
            closing time of a closed deal).
    """
    return _ODOO.import_opportunity(record, mapping, contact, policy)
