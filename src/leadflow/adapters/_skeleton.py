"""The one read/write/describe skeleton every CRM adapter runs, and its per-CRM hooks.

Each adapter module has the same entry points (``read_lead``, ``write_lead``,
``write_opportunity``, ``read_opportunity_fields``, ``describe``), and each of them
calls its CRM's :class:`Skeleton`. The skeleton does what every CRM does in the same
order: check the arguments, check the record is a JSON object, read its id and
currency, read or write the fields through the CRM's table (see
:mod:`leadflow.adapters._mapping`), and raise one :class:`~leadflow.InvalidRecordError`
listing every bad field. What differs between CRMs is data on the skeleton (names,
tables, dialect, where the fields sit) and a few hooks for the rules that are the
CRM's own: what a decision writes on a lead, and how an opportunity's outcome is
written and read.

This module also holds the helpers those hooks share: reading ids and currencies,
and the rules every CRM follows when writing a decision.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeAlias, TypeVar

import attrs

from leadflow._validate import check_type, type_name
from leadflow.adapters._codecs import Context, Dialect
from leadflow.adapters._mapping import (
    OPPORTUNITY_ATTRIBUTES,
    CrmMapping,
    Spec,
    attribute_of,
    currency_code,
    describe_table,
    opportunity_values,
    read_fields,
    read_lead_parts,
    under,
    values_of,
    write_fields,
)
from leadflow.adapters._model import CrmId, CrmLead, OpportunityFields, OpportunityStageValue
from leadflow.decisions import QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "Errors",
    "RecordKind",
    "Skeleton",
    "creates_open",
    "first_key",
    "record_currency",
    "record_of",
    "stage_outcome",
    "text_id",
    "written_rating",
]

#: The bad fields found so far; checks add to it, and one error lists them all.
Errors: TypeAlias = list[InvalidFieldError]

M = TypeVar("M", bound=CrmMapping)


# --------------------------------------------------------------------------------------------
# Records, ids and currencies
# --------------------------------------------------------------------------------------------


def record_of(record: object, what: str, field: str = "") -> Mapping[str, Any]:
    """*record* if it is a JSON object (a mapping with string keys), else raise.

    Raises:
        InvalidRecordError: naming the record (``$``) or *field* as the bad field.
    """
    if not isinstance(record, Mapping):
        raise InvalidRecordError(
            [WrongTypeError(field, record, f"expected a JSON object, not {type_name(record)}")],
            what,
        )
    bad = [key for key in record if not isinstance(key, str)]
    if bad:
        raise InvalidRecordError(
            [WrongTypeError(field, bad[0], "a JSON object's field names are strings")], what
        )
    return record


def text_id(record: Mapping[str, Any], name: str, errors: Errors) -> str | None:
    """The non-blank string id in *record*'s *name* field, or ``None`` when absent."""
    raw = record.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        errors.append(WrongTypeError(name, raw, f"expected a string id, not {type_name(raw)}"))
        return None
    if not raw.strip() or raw != raw.strip():
        errors.append(InvalidFieldError(name, raw, "must be a non-blank id"))
        return None
    return raw


def record_currency(
    field: str, raw: object, code: object, errors: Errors | None = None
) -> str | None:
    """The currency *code* a record states in *field* (whose whole value is *raw*).

    When reading, pass *errors*: a bad code is reported there as a bad *field*. When
    writing back (the record was read once already) a bad code is ignored. Either way
    the answer is then ``None``.
    """
    try:
        normalised = currency_code(code)
    except InvalidFieldError as error:
        if errors is not None:
            errors.append(InvalidFieldError(field, raw, error.reason))
        return None
    return normalised if isinstance(normalised, str) else None


def _mapping_currency(_: Mapping[str, Any], mapping: CrmMapping, errors: Errors) -> str | None:
    return mapping.currency


def _written_mapping_currency(_: Mapping[str, Any], mapping: CrmMapping) -> str | None:
    return mapping.currency


def _as_is(value: object) -> object:
    return value


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


def first_key(table: Mapping[Any, object], member: object) -> Any:
    """The first CRM value *table* lists for *member* (a rating, a step)."""
    return next(key for key, value in table.items() if value is member)


def stage_outcome(
    stage: object,
    field: str,
    errors: Errors,
    *,
    won: str,
    lost: str,
    steps: Mapping[str, OpportunityStage],
) -> dict[str, Any]:
    """The outcome and step an opportunity's stage (``StageName``, ``dealstage``) names.

    The *won* and *lost* stages close it; any other stage leaves it open, at the step
    *steps* gives it (none for a stage not listed, or no stage). A stage that is not
    a string is a bad *field*, added to *errors*.
    """
    outcome = FunnelStage.OPPORTUNITY
    step = None
    if stage is not None and not isinstance(stage, str):
        errors.append(WrongTypeError(field, stage, f"expected a string, not {type_name(stage)}"))
    elif stage == won:
        outcome = FunnelStage.CUSTOMER
    elif stage == lost:
        outcome = FunnelStage.LOST
    elif stage:
        step = steps.get(stage)
    return {"outcome": outcome, "step": step}


def written_rating(decision: QualificationDecision) -> Rating | None:
    """The rating *decision* writes to a CRM record, or ``None`` to leave the record's own.

    An undetermined decision scores only what is known so far (a criterion nobody has
    asked about scores nothing): a warm rating is earned by that evidence alone, but a
    cold one says no more than that little is known yet. Not knowing is not a cold
    lead, so a cold undetermined rating is not written.
    """
    if decision.verdict is Verdict.UNDETERMINED and decision.rating is Rating.COLD:
        return None
    return decision.rating


def creates_open(crm_lead: CrmLead, decision: QualificationDecision | None) -> bool:
    """Whether writing *decision* creates *crm_lead* as a lead that must be open.

    True for a lead with no id yet and a verdict that does not end it (anything but
    disqualified): it is created in the CRM's open default status, as far as the
    verdict leaves the status to the CRM.
    """
    return (
        crm_lead.id is None
        and decision is not None
        and decision.verdict is not Verdict.DISQUALIFIED
    )


# --------------------------------------------------------------------------------------------
# The skeleton
# --------------------------------------------------------------------------------------------


@attrs.frozen
class RecordKind:
    """One kind of CRM record: its name in messages and the field that holds its id.

    Attributes:
        what: The record's kind, for error messages (``"Dynamics 365 lead"``).
        id_field: The field of its id (``leadid``); never modelled, never an extra.
        check: Checks the record as a whole before its fields are read (Salesforce's
            ``attributes``), adding what is bad to the errors.
    """

    what: str
    id_field: str
    check: Callable[[Mapping[str, Any], Errors], None] | None = None


#: What a decision writes on a lead body: ``(body, lead, decision or None, mapping,
#: the lead's fields as read)``; it edits the body in place.
Decide: TypeAlias = Callable[
    [dict[str, Any], CrmLead, QualificationDecision | None, M, Mapping[str, Any]], None
]
#: What an opportunity's outcome writes: ``(body, opportunity, mapping, context)``; it
#: edits the body in place.
WriteOutcome: TypeAlias = Callable[[dict[str, Any], OpportunityStageValue, M, Context], None]
#: The :class:`OpportunityFields` attributes (``outcome``, ``step``) a record states
#: besides its table's: ``(fields, mapping, errors)``; bad fields go to the errors,
#: named as in *fields*.
ReadOutcome: TypeAlias = Callable[[Mapping[str, Any], M, Errors], dict[str, Any]]


@attrs.frozen(kw_only=True)
class Skeleton(Generic[M]):
    """One CRM's part in the adapters' shared entry points, and the entry points themselves.

    Attributes:
        crm: The CRM's name in the heading of its tables (``"Dynamics"``).
        dialect: How the CRM spells values.
        mapping_type: The CRM's mapping class; the entry points refuse anything else.
        lead: The lead record (a HubSpot contact, an Odoo ``crm.lead``).
        opportunity: The opportunity record (a HubSpot deal).
        opportunity_table: The rows an opportunity is written with. Rows of the
            opportunity-level attributes are also read; others (Dynamics repeats the
            lead's criteria) are written from the opportunity's own values.
        is_read_only: Whether a write body leaves out a field, by name and value.
        decide: What a decision (or none) writes on a lead body; see :data:`Decide`.
        write_outcome: What an opportunity's outcome writes; see :data:`WriteOutcome`.
        read_outcome: What a record says of its outcome; see :data:`ReadOutcome`.
        properties: The field the record keeps its fields in (HubSpot's
            ``properties``), or ``None`` when they sit at its top level. Bad fields
            are reported under it, and a write body is ``{properties: {...}}``.
        read_id: Reads a record's id: ``(record, id field, errors)``.
        read_currency: The currency of a record's amounts: ``(record, mapping,
            errors)``; by default the mapping's.
        write_currency: The currency of a lead's amounts when it is written back:
            ``(the lead's extras, mapping)``; by default the mapping's.
        write_form: How an extra field's value is written back (Odoo's many2one pairs
            become ids); by default as it is.
        opportunity_values: The opportunity-level values written for an opportunity,
            by attribute.
        opportunity_body: The fields every opportunity body starts with.
    """

    crm: str
    dialect: Dialect
    mapping_type: type[M]
    lead: RecordKind
    opportunity: RecordKind
    opportunity_table: tuple[Spec, ...]
    is_read_only: Callable[[str, object], bool]
    decide: Decide[M]
    write_outcome: WriteOutcome[M]
    read_outcome: ReadOutcome[M]
    properties: str | None = None
    read_id: Callable[[Mapping[str, Any], str, Errors], CrmId | None] = text_id
    read_currency: Callable[[Mapping[str, Any], M, Errors], str | None] = _mapping_currency
    write_currency: Callable[[Mapping[str, Any], M], str | None] = _written_mapping_currency
    write_form: Callable[[object], object] = _as_is
    opportunity_values: Callable[[OpportunityStageValue], dict[str, Any]] = opportunity_values
    opportunity_body: Mapping[str, Any] = attrs.field(factory=dict)

    def describe(self, mapping: M, *, opportunity: bool = False) -> str:
        """The lead (or opportunity) table as Markdown."""
        check_type("mapping", mapping, self.mapping_type)
        if opportunity:
            return describe_table(self.opportunity_table, self.crm)
        return describe_table(mapping.lead_table(), self.crm)

    def _open(
        self, record: object, mapping: M, kind: RecordKind
    ) -> tuple[Mapping[str, Any], Mapping[str, Any], CrmId | None, Context, Errors]:
        """The checked record, its fields, id and context, and the bad fields so far."""
        check_type("mapping", mapping, self.mapping_type)
        whole = record_of(record, kind.what)
        errors: Errors = []
        if kind.check is not None:
            kind.check(whole, errors)
        crm_id = self.read_id(whole, kind.id_field, errors)
        ctx = Context(self.dialect, self.read_currency(whole, mapping, errors))
        if self.properties is None:
            return whole, whole, crm_id, ctx, errors
        fields = whole.get(self.properties)
        if not isinstance(fields, Mapping):
            errors.append(
                WrongTypeError(
                    self.properties, fields, f"expected a JSON object, not {type_name(fields)}"
                )
            )
            raise InvalidRecordError(errors, kind.what)
        return whole, record_of(fields, kind.what, self.properties), crm_id, ctx, errors

    def read_lead(self, record: Mapping[str, Any], mapping: M) -> CrmLead:
        """Read a lead record; see each adapter's ``read_lead``."""
        whole, fields, crm_id, ctx, errors = self._open(record, mapping, self.lead)
        contact, evidence, loose, original = read_lead_parts(
            fields,
            mapping.lead_table(),
            ctx,
            crm_id=crm_id,
            what=self.lead.what,
            errors=errors,
            prefix=self.properties,
            skip=frozenset({self.lead.id_field}) if self.properties is None else frozenset(),
        )
        extras = loose
        if self.properties is not None:
            # The record's own shape: its other top-level fields beside what its
            # properties hold and leadflow does not model.
            skipped = (self.lead.id_field, self.properties)
            extras = {k: v for k, v in whole.items() if k not in skipped}
            extras[self.properties] = loose
        return CrmLead(
            contact=contact, evidence=evidence, id=crm_id, extras=extras, original=original
        )

    def write_lead(
        self, crm_lead: CrmLead, decision: QualificationDecision | None, mapping: M
    ) -> dict[str, Any]:
        """A lead body; see each adapter's ``write_lead``."""
        check_type("crm_lead", crm_lead, CrmLead)
        if decision is not None:
            check_type("decision", decision, QualificationDecision)
        check_type("mapping", mapping, self.mapping_type)
        fields = crm_lead.extras
        if self.properties is not None:
            nested = crm_lead.extras.get(self.properties, {})
            if not isinstance(nested, Mapping):
                bad = WrongTypeError(self.properties, nested, "expected a JSON object")
                raise InvalidRecordError([bad], self.lead.what)
            fields = nested
        table = mapping.lead_table()
        errors: Errors = []
        out = {
            k: self.write_form(copy.deepcopy(v))
            for k, v in fields.items()
            if not self.is_read_only(k, v)
        }
        out.update(
            write_fields(
                values_of(crm_lead, table),
                table,
                Context(self.dialect, self.write_currency(crm_lead.extras, mapping)),
                extras=fields,
                original=crm_lead.original,
                errors=errors,
                prefix=self.properties,
            )
        )
        if errors:
            raise InvalidRecordError(errors, self.lead.what)
        self.decide(out, crm_lead, decision, mapping, fields)
        return out if self.properties is None else {self.properties: out}

    def write_opportunity(self, opportunity: OpportunityStageValue, mapping: M) -> dict[str, Any]:
        """An opportunity body; see each adapter's ``write_opportunity``."""
        values = self.opportunity_values(opportunity)
        check_type("mapping", mapping, self.mapping_type)
        for spec in self.opportunity_table:
            if spec.attr not in OPPORTUNITY_ATTRIBUTES:
                values[spec.attr] = attribute_of(opportunity, spec.attr)
        ctx = Context(self.dialect, mapping.currency)
        errors: Errors = []
        out = dict(self.opportunity_body)
        out.update(
            write_fields(
                values,
                self.opportunity_table,
                ctx,
                extras={},
                original={},
                errors=errors,
                prefix=self.properties,
            )
        )
        if errors:
            raise InvalidRecordError(errors, self.opportunity.what)
        self.write_outcome(out, opportunity, mapping, ctx)
        return out if self.properties is None else {self.properties: out}

    def read_opportunity_fields(self, record: Mapping[str, Any], mapping: M) -> OpportunityFields:
        """Read an opportunity record; see each adapter's ``read_opportunity_fields``."""
        _, fields, crm_id, ctx, errors = self._open(record, mapping, self.opportunity)
        table = [spec for spec in self.opportunity_table if spec.attr in OPPORTUNITY_ATTRIBUTES]
        values, found = read_fields(fields, table, ctx)
        stated: Errors = []
        more = self.read_outcome(fields, mapping, stated)
        errors.extend(under(e, self.properties) for e in (*found, *stated))
        if errors:
            raise InvalidRecordError(errors, self.opportunity.what)
        return OpportunityFields(id=crm_id, **values, **more)
