"""Dynamics 365 Sales (Dataverse Web API): ``lead`` and ``opportunity`` records.

Reads a lead as the Web API returns it (columns by logical name, option sets as
integer codes, Money as JSON numbers, ``createdon`` as ``2026-01-05T10:00:00Z``)
and writes a body for ``POST /leads`` or ``PATCH /leads(<id>)``.

Dynamics has native columns for need (``need``), budget (``budgetstatus`` and
``budgetamount``), timeframe (``purchasetimeframe`` and ``estimatedclosedate``)
and the purchase process (``purchaseprocess``). It has none for the contact's own
part in the decision: ``decisionmaker`` is a checklist box ("my notes say who
decides"), not "this contact decides", so leadflow leaves it with the extras and
reads a role only from a column a :class:`~leadflow.adapters.CustomFields`
mapping names (``role=``; :data:`ROLE_CODES` is the table for the contact's role
codes). A custom-field mapping also replaces a native column
when an organisation keeps a criterion elsewhere.

The code tables below are Dynamics' install defaults. Organisations add options
(their values start at 100000000): a criterion code the table does not list is
read as unknown, and the lead's ``repairs`` say so, rather than refusing the
record; a lead-source code it does not list reads as ``other``. Either way the
record's value is never overwritten unless leadflow's value changed.

Money columns are in the record's transaction currency, which the Web API gives
as a lookup (``_transactioncurrencyid_value``, a currency record's id). leadflow
finds its ISO code from the lookup expanded with its ``isocurrencycode``, from
:attr:`DynamicsMapping.currencies` (currency record id or name to code), or from the
lookup's formatted-value annotation when that is an ISO code or a name the mapping
lists. A record that states a currency leadflow cannot name has no readable
amounts (never the mapping's currency instead); only a record that states none
is in :attr:`DynamicsMapping.currency`.
A new lead is created bound to the currency its record names
(``transactioncurrencyid@odata.bind``), so its amounts keep their currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

import attrs

from leadflow.adapters._codecs import (
    Amount,
    Choice,
    Context,
    Day,
    DayStart,
    Dialect,
    Email,
    Instant,
    Percent,
    Phone,
    Text,
)
from leadflow.adapters._mapping import (
    CrmMapping,
    Field,
    Name,
    Spec,
    currency_code,
    verdict_table,
)
from leadflow.adapters._model import CrmLead, OpportunityFields, OpportunityStageValue, frozen_table
from leadflow.adapters._skeleton import (
    Currency,
    Errors,
    RecordKind,
    Skeleton,
    UnknownCurrency,
    as_mapping,
    closes,
    creates_open,
    first_key,
    linked_id,
    rating_to_write,
    record_currency,
    refused_fields,
)
from leadflow.contacts import Contact, LeadSource, PurchaseRole
from leadflow.conversion import ConversionPlan, Step
from leadflow.decisions import QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.events import LossReason
from leadflow.evidence import BudgetLevel, NeedLevel, PurchaseProcess, TimeframeLevel
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.policy import Policy
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "BUDGET_CODES",
    "DIALECT",
    "IMPORT_FIELDS",
    "LEAD_FIELDS",
    "LEAD_SOURCE_CODES",
    "LEAD_STATUS_CODES",
    "NEED_CODES",
    "OPPORTUNITY_EVIDENCE_FIELDS",
    "OPPORTUNITY_FIELDS",
    "OPPORTUNITY_STATES",
    "OPPORTUNITY_STATUS_CODES",
    "PROCESS_CODES",
    "RATING_CODES",
    "READ_ONLY",
    "ROLE_CODES",
    "SALES_STAGE_CODES",
    "TIMEFRAME_CODES",
    "VERDICT_STATES",
    "DynamicsMapping",
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

LEAD: Final = "Dynamics 365 lead"
OPPORTUNITY: Final = "Dynamics 365 opportunity"

#: JSON as the Dataverse Web API writes it: ``null`` for no value, Money as numbers.
DIALECT: Final = Dialect(name="Dynamics 365", null=None)

#: ``need``: 0 Must have, 1 Should have, 2 Good to have, 3 No need.
NEED_CODES: Final[Mapping[int, NeedLevel]] = MappingProxyType(
    {0: NeedLevel.STRONG, 1: NeedLevel.EXPRESSED, 2: NeedLevel.LATENT, 3: NeedLevel.NONE}
)
#: ``budgetstatus``: 0 No Committed Budget, 1 May Buy, 2 Can Buy, 3 Will Buy.
BUDGET_CODES: Final[Mapping[int, BudgetLevel]] = MappingProxyType(
    {
        0: BudgetLevel.NONE,
        1: BudgetLevel.INSUFFICIENT,
        2: BudgetLevel.AVAILABLE,
        3: BudgetLevel.APPROVED,
    }
)
#: ``purchasetimeframe``: 0 Immediate, 1 This Quarter, 2 Next Quarter, 3 This Year,
#: 4 Unknown. leadflow's ``later`` has no code and is written as no value.
TIMEFRAME_CODES: Final[Mapping[int, TimeframeLevel]] = MappingProxyType(
    {
        0: TimeframeLevel.IMMEDIATE,
        1: TimeframeLevel.THIS_QUARTER,
        2: TimeframeLevel.NEXT_QUARTER,
        3: TimeframeLevel.THIS_YEAR,
        4: TimeframeLevel.UNKNOWN,
    }
)
#: ``purchaseprocess``: 0 Individual, 1 Committee, 2 Unknown.
PROCESS_CODES: Final[Mapping[int, PurchaseProcess]] = MappingProxyType(
    {0: PurchaseProcess.INDIVIDUAL, 1: PurchaseProcess.COMMITTEE, 2: PurchaseProcess.UNKNOWN}
)
#: ``leadsourcecode``: 1 Advertisement ... 10 Other, in LeadSource's order.
LEAD_SOURCE_CODES: Final[Mapping[int, LeadSource]] = MappingProxyType(
    dict(enumerate(LeadSource, start=1))
)
#: ``leadqualitycode`` and ``opportunityratingcode``: 1 Hot, 2 Warm, 3 Cold.
RATING_CODES: Final[Mapping[int, Rating]] = MappingProxyType(
    {1: Rating.HOT, 2: Rating.WARM, 3: Rating.COLD}
)
#: The contact's ``accountrolecode`` ("Role"): 1 Decision Maker, 2 Employee, 3 Influencer.
#: No ``lead`` column holds a person's role; where an organisation added one with
#: these codes (or reads the contact's), this is the table for it:
#: ``CustomFields(role="new_role", role_values=dynamics.ROLE_CODES)``. An employee
#: with no say in the purchase is leadflow's ``user``.
ROLE_CODES: Final[Mapping[int, PurchaseRole]] = MappingProxyType(
    {1: PurchaseRole.DECISION_MAKER, 2: PurchaseRole.USER, 3: PurchaseRole.INFLUENCER}
)
#: ``salesstage``: 0 Qualify, 1 Develop, 2 Propose, 3 Close.
SALES_STAGE_CODES: Final[Mapping[int, OpportunityStage]] = MappingProxyType(
    {
        0: OpportunityStage.QUALIFY,
        1: OpportunityStage.DEVELOP,
        2: OpportunityStage.PROPOSE,
        3: OpportunityStage.CLOSE,
    }
)
#: A lead's ``statuscode`` values per ``statecode`` (0 Open, 1 Qualified, 2 Disqualified);
#: the first is the state's default.
LEAD_STATUS_CODES: Final[Mapping[int, tuple[int, ...]]] = MappingProxyType(
    {0: (1, 2), 1: (3,), 2: (4, 5, 6, 7)}
)
#: An opportunity's ``statuscode`` values per ``statecode`` (0 Open, 1 Won, 2 Lost).
OPPORTUNITY_STATUS_CODES: Final[Mapping[int, tuple[int, ...]]] = MappingProxyType(
    {0: (1, 2), 1: (3,), 2: (4, 5)}
)
#: An opportunity's ``statecode`` and its outcome.
OPPORTUNITY_STATES: Final[Mapping[int, FunnelStage]] = MappingProxyType(
    {0: FunnelStage.OPPORTUNITY, 1: FunnelStage.CUSTOMER, 2: FunnelStage.LOST}
)
#: The (``statecode``, ``statuscode``) a verdict gives an open lead, or ``None`` to leave
#: it open as it is; applied only with ``close_disqualified``. Only a disqualified
#: lead is closed. An undetermined lead (not enough known yet) is never closed, and a
#: qualified one stays open: Dynamics' own
#: qualifying (the ``QualifyLead`` action, which creates the opportunity) is
#: leadflow's promotion.
VERDICT_STATES: Final[Mapping[Verdict, tuple[int, int] | None]] = MappingProxyType(
    {
        Verdict.DISQUALIFIED: (2, 4),
        Verdict.UNDETERMINED: None,
        Verdict.NURTURE: None,
        Verdict.QUALIFIED: None,
    }
)

#: The ``lead`` columns leadflow models.
LEAD_FIELDS: Final[tuple[Spec, ...]] = (
    Name(("firstname", "lastname"), fallbacks=("fullname",), max_lengths=(50, 50)),
    Field("createdon", "contact.created_at", Instant(), writable=False),
    Field("emailaddress1", "contact.email", Email(max_length=100)),
    Field("telephone1", "contact.phone", Phone(max_length=50)),
    Field("jobtitle", "contact.job_title", Text(max_length=100)),
    Field("companyname", "contact.organisation.name", Text(max_length=100)),
    Field(
        "leadsourcecode",
        "contact.source",
        Choice(LEAD_SOURCE_CODES, fallback=LeadSource.OTHER),
    ),
    Field("need", "evidence.need.level", Choice(NEED_CODES)),
    Field("budgetstatus", "evidence.budget.level", Choice(BUDGET_CODES)),
    Field("budgetamount", "evidence.budget.amount", Amount()),
    Field(
        "purchasetimeframe",
        "evidence.timeframe.level",
        Choice(TIMEFRAME_CODES),
        note="(later: no value)",
    ),
    Field("estimatedclosedate", "evidence.timeframe.decision_date", Day()),
    Field("purchaseprocess", "evidence.authority.process", Choice(PROCESS_CODES)),
)

#: The ``opportunity`` columns for opportunity-level values.
OPPORTUNITY_FIELDS: Final[tuple[Field, ...]] = (
    Field("name", "name", Text(max_length=300)),
    Field("salesstage", "step", Choice(SALES_STAGE_CODES)),
    Field("closeprobability", "probability", Percent()),
    Field("estimatedvalue", "amount", Amount()),
    Field("estimatedclosedate", "expected_close", Day()),
)

_REPEATED: Final = frozenset({"need", "budgetstatus", "purchasetimeframe", "purchaseprocess"})
#: The lead's criterion columns, which the ``opportunity`` repeats with the same codes.
OPPORTUNITY_EVIDENCE_FIELDS: Final[tuple[Field, ...]] = tuple(
    spec for spec in LEAD_FIELDS if isinstance(spec, Field) and spec.name in _REPEATED
)

#: ``lead`` and ``opportunity`` columns the Web API returns but refuses in an update
#: (``IsValidForUpdate`` false in the entity reference): the keys (they go in the URL),
#: create-only columns, composed and base-currency columns, system and audit
#: columns, and the names of lookups. An organisation's own read-only columns are
#: not here: pass :func:`read_only_fields` of its attribute metadata to the mapping.
READ_ONLY: Final = frozenset(
    {
        "leadid",
        "opportunityid",
        # Valid on create only.
        "importsequencenumber",
        "overriddencreatedon",
        "relatedobjectid",
        # Composed, base-currency and system columns.
        "fullname",
        "yomifullname",
        "address1_composite",
        "address2_composite",
        "budgetamount_base",
        "estimatedamount_base",
        "estimatedvalue_base",
        "revenue_base",
        "totalamount_base",
        "exchangerate",
        "accountid",
        "contactid",
        "createdby",
        "createdon",
        "createdonbehalfby",
        "modifiedby",
        "modifiedon",
        "modifiedonbehalfby",
        "owningbusinessunit",
        "owningteam",
        "owninguser",
        "versionnumber",
        "entityimage_timestamp",
        "entityimage_url",
        "entityimageid",
        "isautocreate",
        "isprivate",
        "masterid",
        "merged",
        "onholdtime",
        "slainvokedid",
        "timespentbymeonemailandmeetings",
        # The names of lookups, read-only shadows of the lookup columns.
        "accountidname",
        "accountidyominame",
        "campaignidname",
        "contactidname",
        "contactidyominame",
        "createdbyname",
        "createdbyyominame",
        "createdonbehalfbyname",
        "createdonbehalfbyyominame",
        "customeridname",
        "customeridyominame",
        "masterleadidname",
        "masterleadidyominame",
        "modifiedbyname",
        "modifiedbyyominame",
        "modifiedonbehalfbyname",
        "modifiedonbehalfbyyominame",
        "msdyn_predictivescoreidname",
        "msdyn_segmentidname",
        "originatingcaseidname",
        "owneridname",
        "owneridyominame",
        "owningbusinessunitname",
        "parentaccountidname",
        "parentaccountidyominame",
        "parentcontactidname",
        "parentcontactidyominame",
        "qualifyingopportunityidname",
        "relatedobjectidname",
        "slainvokedidname",
        "slaname",
        "transactioncurrencyidname",
    }
)


def is_read_only(name: str, value: object = None) -> bool:
    """Whether a write body must leave out the column *name*.

    Besides :data:`READ_ONLY`: OData annotations (``@odata.etag``, anything with an
    ``@``; send the etag as an ``If-Match`` header instead), lookup values
    (``_parentaccountid_value``; a lookup is written as ``<name>@odata.bind``) and
    expanded related records (a JSON object). A ``<name>@odata.bind`` is written:
    a new lead's currency goes that way.
    """
    return (
        name in READ_ONLY
        or ("@" in name and not name.endswith(BIND))
        or (name.startswith("_") and name.endswith("_value"))
        or isinstance(value, Mapping)
    )


#: How a body sets a lookup:
#: ``"transactioncurrencyid@odata.bind": "/transactioncurrencies(<id>)"``.
BIND: Final = "@odata.bind"


def read_only_fields(attributes: Mapping[str, Any]) -> frozenset[str]:
    r"""The columns Dataverse's metadata marks not valid for update.

    *attributes* is the answer of ``GET EntityDefinitions(LogicalName='lead')/
    Attributes?$select=LogicalName,IsValidForUpdate`` (``{"value": [...]}``) or of
    ``EntityDefinitions(LogicalName='lead')?$expand=Attributes``
    (``{"Attributes": [...]}``); a column is read-only when its
    ``IsValidForUpdate`` is false; a null one is unknown, not read-only. Pass a
    lead's as :attr:`DynamicsMapping.read_only`, an opportunity's (from
    ``LogicalName='opportunity'``) as ``opportunity_read_only``.

    Raises:
        InvalidRecordError: *attributes* lists no ``LogicalName``\ d columns.
    """
    found = as_mapping(attributes)
    items = "Attributes" if isinstance(found, Mapping) and "Attributes" in found else "value"
    return refused_fields(
        found,
        "Dynamics 365 attribute metadata",
        items=items,
        name="LogicalName",
        refused=lambda column: column.get("IsValidForUpdate") is False,
    )


def _closed_state(path: str, verdict: Verdict, target: object) -> None:
    if target is None:
        return
    if verdict is Verdict.UNDETERMINED:
        raise InvalidFieldError(path, target, "an undetermined lead is never closed: expected None")
    valid = (
        isinstance(target, tuple)
        and len(target) == 2
        and all(type(code) is int for code in target)
        and target[1] in LEAD_STATUS_CODES.get(target[0], ())
        and target[0] != 0
    )
    if not valid:
        raise InvalidFieldError(
            path, target, "expected None or a (statecode, statuscode) pair of a closed lead state"
        )


def _currency_table(value: object) -> object:
    if not isinstance(value, Mapping):
        return value
    table: dict[object, object] = {}
    for key, code in value.items():
        try:
            table[key] = currency_code(code)
        except InvalidFieldError:
            table[key] = code
    return MappingProxyType(table)


def _check_currency_table(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise WrongTypeError(attribute.name, value, "expected a mapping of currency ids to codes")
    for key, code in value.items():
        if not isinstance(key, str) or not key.strip():
            raise WrongTypeError(
                f"{attribute.name}[{key!r}]", key, "expected a currency id or name"
            )
        if not _is_code(code):
            raise InvalidFieldError(f"{attribute.name}[{key!r}]", code, "not an ISO 4217 code")


def _is_code(code: object) -> bool:
    """Whether *code* is an ISO 4217 code, by the one currency rule."""
    try:
        currency_code(code)
    except InvalidFieldError:
        return False
    return isinstance(code, str)


@attrs.frozen(kw_only=True)
class DynamicsMapping(CrmMapping):
    """How an organisation's Dynamics 365 is set up, as far as leadflow needs to know.

    Attributes:
        currency: ISO 4217 code of the Money columns of a record that states no
            transaction currency (see the module's notes); only the fallback.
        custom: Custom columns replacing native ones (rarely needed in Dynamics),
            and the column holding the contact's purchase role, if any.
        lead_states: The state and status a verdict gives an open lead; see
            :data:`VERDICT_STATES`. A verdict it does not list leaves the lead as it
            is; undetermined can only do that. Applied only with
            ``close_disqualified``.
        currencies: Transaction currency record ids (or names, as the lookup's
            formatted value gives them) and their ISO 4217 codes, as
            ``GET transactioncurrencies?$select=transactioncurrencyid,isocurrencycode``
            lists them.
    """

    _native: ClassVar[tuple[Spec, ...]] = LEAD_FIELDS

    lead_states: Mapping[Verdict, tuple[int, int] | None] = attrs.field(
        default=VERDICT_STATES, converter=frozen_table, validator=verdict_table(_closed_state)
    )
    currencies: Mapping[str, str] = attrs.field(
        factory=dict, converter=_currency_table, validator=_check_currency_table
    )


#: The transaction currency lookup, and its annotation with the currency's name.
CURRENCY_LOOKUP: Final = "_transactioncurrencyid_value"
CURRENCY_NAME: Final = f"{CURRENCY_LOOKUP}@OData.Community.Display.V1.FormattedValue"


def _transaction_currency(
    fields: Mapping[str, Any], mapping: DynamicsMapping, errors: Errors | None
) -> Currency:
    """The record's transaction currency; ``None`` when it states none."""
    expanded = fields.get("transactioncurrencyid")
    if isinstance(expanded, Mapping) and expanded.get("isocurrencycode") is not None:
        raw = expanded["isocurrencycode"]
        return record_currency("transactioncurrencyid.isocurrencycode", raw, raw, errors)
    lookup = fields.get(CURRENCY_LOOKUP)
    name = fields.get(CURRENCY_NAME)
    if lookup is None and name is None:
        return mapping.currency
    for key in (lookup, name):
        if isinstance(key, str) and key in mapping.currencies:
            return mapping.currencies[key]
    if isinstance(name, str) and len(name) == 3 and name.isascii() and name.isalpha():
        return name.upper()
    stated = name if isinstance(name, str) else lookup
    return UnknownCurrency(
        f"its transaction currency ({stated!r}) has no ISO code here: expand "
        "transactioncurrencyid($select=isocurrencycode) or pass DynamicsMapping(currencies=...)"
    )


def _currency_bind(fields: Mapping[str, Any]) -> str | None:
    """The ``/transactioncurrencies(<id>)`` a record's transaction currency lookup names."""
    expanded = fields.get("transactioncurrencyid")
    found = expanded.get("transactioncurrencyid") if isinstance(expanded, Mapping) else None
    if not isinstance(found, str):
        found = fields.get(CURRENCY_LOOKUP)
    return f"/transactioncurrencies({found})" if isinstance(found, str) and found else None


def _is_int(value: object, *allowed: int) -> bool:
    return type(value) is int and value in allowed


def _decide(
    out: dict[str, Any],
    crm_lead: CrmLead,
    decision: QualificationDecision | None,
    mapping: DynamicsMapping,
    fields: Mapping[str, Any],
) -> None:
    creating = crm_lead.id is None
    state = fields.get("statecode")
    if decision is not None and (state is None or _is_int(state, 0)):
        rating = rating_to_write(
            decision, mapping, fields.get("leadqualitycode"), RATING_CODES, null=DIALECT.is_null
        )
        if rating is not None:
            out["leadqualitycode"] = first_key(RATING_CODES, rating)
        target = mapping.lead_states.get(decision.verdict)
        if target is not None and not creating and closes(mapping, decision):
            out["statecode"], out["statuscode"] = target
    if creating:
        # The lookup's value is not written back as it was read; without its binding
        # Dynamics would create the lead in the default currency, and its amounts
        # would change currency.
        bind = _currency_bind(fields)
        if bind is not None and "transactioncurrencyid" not in mapping.read_only:
            out.setdefault(f"transactioncurrencyid{BIND}", bind)
        out.pop("statecode", None)
        if "statuscode" in out and not _is_int(out["statuscode"], *LEAD_STATUS_CODES[0]):
            del out["statuscode"]
        if creates_open(crm_lead, decision, mapping):
            out.setdefault("statuscode", LEAD_STATUS_CODES[0][0])


def _locked(fields: Mapping[str, Any]) -> InvalidFieldError | None:
    # Only a clear 0 (open) or no state takes an update: "2", 2.0 or "Disqualified"
    # from an export might be a closed lead, which is read-only.
    state = fields.get("statecode")
    if not (state is None or _is_int(state, 0)):
        return InvalidFieldError(
            "statecode",
            state,
            "a qualified or disqualified lead is read-only in Dynamics until it is reactivated",
        )
    return None


def _write_outcome(
    out: dict[str, Any],
    opportunity: OpportunityStageValue,
    mapping: DynamicsMapping,
    ctx: Context,
) -> None:
    # An imported opportunity has no rating of leadflow's to write.
    if opportunity.promotion is not None:
        out["opportunityratingcode"] = first_key(
            RATING_CODES, opportunity.promotion.qualification.rating
        )
    if isinstance(opportunity, Customer):
        out["statecode"], out["statuscode"] = 1, 3
    elif isinstance(opportunity, LostOpportunity):
        out["statecode"] = 2
        out["statuscode"] = 5 if opportunity.reason is LossReason.COMPETITOR else 4
    else:
        out["statecode"], out["statuscode"] = 0, 1


def _read_outcome(
    fields: Mapping[str, Any], mapping: DynamicsMapping, errors: Errors
) -> dict[str, Any]:
    state = fields.get("statecode")
    outcome = FunnelStage.OPPORTUNITY
    if state is not None:
        for code, stage in OPPORTUNITY_STATES.items():
            if _is_int(state, code):
                outcome = stage
                break
        else:
            errors.append(InvalidFieldError("statecode", state, "expected one of 0, 1, 2"))
    return {"outcome": outcome}


#: The fields an imported opportunity's created and closing times and owner are read
#: from (see :func:`import_opportunity`).
IMPORT_FIELDS: Final = (
    Field("createdon", "opened_at", Instant(), writable=False),
    Field("actualclosedate", "closed_at", DayStart(), writable=False),
    Field("_ownerid_value", "owner", Text(), writable=False),
)

_DYNAMICS: Final = Skeleton(
    crm="Dynamics",
    dialect=DIALECT,
    mapping_type=DynamicsMapping,
    lead=RecordKind(LEAD, "leadid"),
    opportunity=RecordKind(OPPORTUNITY, "opportunityid"),
    opportunity_table=(*OPPORTUNITY_FIELDS, *OPPORTUNITY_EVIDENCE_FIELDS),
    is_read_only=is_read_only,
    decide=_decide,
    write_outcome=_write_outcome,
    read_outcome=_read_outcome,
    currency=_transaction_currency,
    opportunity_rating="opportunityratingcode",
    rating_table=lambda _: RATING_CODES,
    locked=_locked,
    import_table=IMPORT_FIELDS,
)
_DEFAULT: Final = DynamicsMapping()


def describe(mapping: DynamicsMapping = _DEFAULT, *, opportunity: bool = False) -> str:
    """The lead (or opportunity) table as Markdown."""
    return _DYNAMICS.describe(mapping, opportunity=opportunity)


def read_lead(record: Mapping[str, Any], *, mapping: DynamicsMapping = _DEFAULT) -> CrmLead:
    """Read a ``lead`` record as the Web API returns it.

    Args:
        record: The lead's JSON object.
        mapping: The organisation's setup.

    Returns:
        The lead, with every column leadflow does not model in ``extras``
        (including ``statecode``, ``statuscode``, ``leadqualitycode`` and
        ``decisionmaker``), and in ``repairs`` what reading had to repair (a
        criterion code the table does not list reads as unknown).

    Raises:
        InvalidRecordError: listing every bad column with its path (``$.need``).
        WrongTypeError: *mapping* is not a :class:`DynamicsMapping`.
    """
    return _DYNAMICS.read_lead(record, mapping)


def write_lead(
    crm_lead: CrmLead,
    decision: QualificationDecision | None = None,
    *,
    mapping: DynamicsMapping = _DEFAULT,
) -> dict[str, Any]:
    """A ``lead`` body for ``PATCH /leads(<id>)``, or ``POST /leads`` when it has no id.

    A lead with an id gets the minimal update: only the modelled columns (and those
    the *decision* writes) whose value differs, by type too, from the one read;
    ``{}`` when none does. Columns leadflow does not model (``extras``, among them
    ``decisionmaker``) are never in an update. A lead without an id gets the
    whole create body: its extras, its modelled columns and the decision's.
    Neither ever holds a column of :data:`READ_ONLY`, of
    :attr:`DynamicsMapping.read_only` or another :func:`is_read_only` refuses.

    With a *decision*, an open lead (``statecode`` 0 or none) gets
    ``leadqualitycode`` from the rating as
    :attr:`~leadflow.adapters.CrmMapping.write_ratings` allows (by default only
    over no rating; never a code :data:`RATING_CODES` does not list, nor a cold
    rating on an undetermined decision, which says only that little is known
    yet). Only with :attr:`~leadflow.adapters.CrmMapping.close_disqualified` does
    a disqualified verdict also get the state and status
    :attr:`DynamicsMapping.lead_states` gives it (``statecode`` 2, ``statuscode``
    4 by default); undetermined never closes. A new lead is never given a
    ``statecode``, which Dynamics does not take on create, nor a ``statuscode``
    outside the open state; unless the opt-in closes it, a decision creates it
    open, keeping an open ``statuscode`` it has, else 1 (New).

    Raises:
        InvalidRecordError: a value does not fit its column (too long, wrong
            currency, a currency leadflow cannot name), or an update with anything
            to write to a qualified or disqualified lead (``statecode`` 1 or 2,
            read-only in Dynamics until it is reactivated), naming ``statecode``.
        WrongTypeError: an argument is of the wrong type.
    """
    return _DYNAMICS.write_lead(crm_lead, decision, mapping)


def write_opportunity(
    opportunity: Opportunity | Customer | LostOpportunity,
    *,
    mapping: DynamicsMapping = _DEFAULT,
    record: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An ``opportunity`` body for an open, won or lost opportunity.

    Writes the opportunity-level columns (:data:`OPPORTUNITY_FIELDS`), the criterion
    columns it repeats from the lead, ``opportunityratingcode`` from the rating the
    lead had when promoted, and ``statecode``/``statuscode``: open is 0/1 (In
    Progress), won 1/3 (Won), lost 2/5 (Out-Sold) when lost to a competitor, else
    2/4 (Canceled).

    Dynamics may refuse to close an opportunity through a plain update and want its
    ``WinOpportunity`` or ``LoseOpportunity`` action instead (unverified); the
    ``statuscode`` here is then the ``Status`` to pass that action.

    With the *record* as read from the CRM, only what differs from it is
    written (an empty update when nothing does), and a rating the record has
    follows :attr:`~leadflow.adapters.CrmMapping.write_ratings`.

    Raises:
        InvalidRecordError: a value does not fit its column.
        WrongTypeError: *opportunity* is not an opportunity-level stage.
    """
    return _DYNAMICS.write_opportunity(opportunity, mapping, record)


def read_opportunity_fields(
    record: Mapping[str, Any], *, mapping: DynamicsMapping = _DEFAULT
) -> OpportunityFields:
    """Read an ``opportunity`` record's opportunity-level columns.

    The outcome comes from ``statecode`` (0 open, 1 won, 2 lost; open when absent).

    Raises:
        InvalidRecordError: listing every bad column.
    """
    return _DYNAMICS.read_opportunity_fields(record, mapping)


def _reference(entity: str, key: str, record_id: str) -> dict[str, str]:
    """An entity reference as a Web API action parameter."""
    return {"@odata.type": f"Microsoft.Dynamics.CRM.{entity}", key: record_id}


def write_conversion(
    plan: ConversionPlan, *, currency_id: str | None = None, status: int = 3
) -> dict[str, Any]:
    """The parameters of the ``QualifyLead`` action that carries out *plan*.

    ``CreateAccount``, ``CreateContact`` and ``CreateOpportunity`` say what the plan
    creates; a linked account (else a linked contact) is the new opportunity's
    customer, ``OpportunityCustomerId``. ``Status`` is the lead's new ``statuscode``
    (3, Qualified, by default); *currency_id* (a ``transactioncurrencyid``) is the
    opportunity's currency, ``OpportunityCurrencyId``. POST them to
    ``leads(<leadid>)/Microsoft.Dynamics.CRM.QualifyLead``.

    Raises:
        WrongTypeError: a linked id is not text.
        InvalidFieldError: *status* is not a qualified status code.
    """
    if isinstance(status, bool) or not isinstance(status, int) or status < 3:
        raise InvalidFieldError(
            "status", status, "a qualified lead's statuscode is 3 or a custom one"
        )
    out: dict[str, Any] = {
        "CreateAccount": plan.account.step is Step.CREATE,
        "CreateContact": plan.contact.step is Step.CREATE,
        "CreateOpportunity": plan.opportunity.step is Step.CREATE,
        "Status": status,
    }
    account = linked_id(plan.account, "account", str)
    contact = linked_id(plan.contact, "contact", str)
    if plan.opportunity.step is Step.CREATE:
        if account is not None:
            out["OpportunityCustomerId"] = _reference("account", "accountid", str(account))
        elif contact is not None:
            out["OpportunityCustomerId"] = _reference("contact", "contactid", str(contact))
        if currency_id is not None:
            out["OpportunityCurrencyId"] = _reference(
                "transactioncurrency", "transactioncurrencyid", currency_id
            )
    return out


def import_opportunity(
    record: Mapping[str, Any],
    *,
    contact: Contact,
    mapping: DynamicsMapping = _DEFAULT,
    policy: Policy | None = None,
) -> OpportunityStageValue:
    """An opportunity record as it stands: open, won or lost, with its history's start.

    Its name, step, probability, amount and expected close are read as
    :func:`read_opportunity_fields` reads them. ``createdon`` is when it opened,
    ``actualclosedate`` when a closed deal closed (the start of that day in UTC),
    ``_ownerid_value`` its owner. *contact* is the person the deal is with. The value is
    made by :func:`leadflow.import_opportunity`: no decision is made up, and its history
    starts with an :class:`~leadflow.OpportunityImported` event naming the record.

    Raises:
        InvalidRecordError: listing every bad field, or a missing creation time (or
            closing time of a closed deal).
    """
    return _DYNAMICS.import_opportunity(record, mapping, contact, policy)
