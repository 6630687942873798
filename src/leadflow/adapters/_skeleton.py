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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, Generic, TypeAlias, TypeVar

import attrs

from leadflow._validate import check_type, type_name
from leadflow.adapters._codecs import Context, Dialect
from leadflow.adapters._mapping import (
    EMPTY,
    OPPORTUNITY_ATTRIBUTES,
    CrmMapping,
    Spec,
    WriteRatings,
    _paths,
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
from leadflow.contacts import Contact
from leadflow.conversion import AccountStep, ContactStep, Step
from leadflow.decisions import QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError, InvalidRecordError, WrongTypeError
from leadflow.lifecycle import import_opportunity
from leadflow.money import Money
from leadflow.policy import Policy
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "PAGE_FIELDS",
    "Currency",
    "Errors",
    "RecordKind",
    "Skeleton",
    "UnknownCurrency",
    "as_mapping",
    "closes",
    "context",
    "creates_open",
    "first_key",
    "rating_to_write",
    "record_currency",
    "record_of",
    "records",
    "refused_fields",
    "replaces_rating",
    "stage_outcome",
    "stated_currency",
    "text_id",
    "written_rating",
]

#: The bad fields found so far; checks add to it, and one error lists them all.
Errors: TypeAlias = list[InvalidFieldError]

M = TypeVar("M", bound=CrmMapping)


# --------------------------------------------------------------------------------------------
# Records, ids and currencies
# --------------------------------------------------------------------------------------------


def as_mapping(value: object) -> object:
    """*value*'s fields when it is an SDK's model object (``to_dict()``), else *value*.

    The hubspot-api-client's ``SimplePublicObject`` and its pages, and any other
    client object that gives its fields by ``to_dict()``, are read as they come; no
    SDK is imported.
    """
    if isinstance(value, Mapping):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        try:
            fields = to_dict()
        except Exception:  # a third party's method: any failure leaves a bad record
            return value
        return fields if isinstance(fields, Mapping) else value
    return value


#: The fields a page of records keeps its records in: Salesforce query results
#: (``records``), Dynamics collections (``value``), HubSpot lists (``results``).
PAGE_FIELDS: Final = ("records", "value", "results")


def records(page: object) -> Iterator[Any]:
    """Each record of *page*, as a CRM's API or SDK returns a page of them.

    A page is a list (Odoo's ``search_read``), a Salesforce query result
    (``{"totalSize": ..., "records": [...]}``, simple-salesforce's too), a Dynamics
    collection (``{"value": [...]}``), a HubSpot page (``{"results": [...]}``, or
    the SDK's page object), or any iterable of records. A single record is a page
    of one. The records themselves are not checked here: ``read_lead`` does that.
    """
    page = as_mapping(page)
    if isinstance(page, Mapping):
        for name in PAGE_FIELDS:
            found = page.get(name)
            if isinstance(found, (list, tuple)):
                yield from found
                return
        yield page
        return
    if isinstance(page, (str, bytes)) or not isinstance(page, Iterable):
        yield page
        return
    yield from page


def record_of(record: object, what: str, field: str = "") -> Mapping[str, Any]:
    """*record* if it is a JSON object (a mapping with string keys), else raise.

    An SDK model object is read through its ``to_dict()`` (see :func:`as_mapping`).

    Raises:
        InvalidRecordError: naming the record (``$``) or *field* as the bad field.
    """
    record = as_mapping(record)
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


def refused_fields(
    metadata: object,
    what: str,
    *,
    items: str,
    name: str,
    refused: Callable[[Mapping[str, Any]], bool],
) -> frozenset[str]:
    """The field names a CRM's field metadata marks as refused in a write.

    Args:
        metadata: The CRM's answer: an object listing its fields under *items*
            (or that list itself).
        what: The metadata's kind, for the error message.
        items: The field holding the list of field descriptions.
        name: The key of a field's name in its description.
        refused: Whether a field's description says a write refuses it.

    Raises:
        InvalidRecordError: the metadata is not shaped so, naming the bad part.
    """
    found = as_mapping(metadata)
    listed = found.get(items) if isinstance(found, Mapping) else found
    if not isinstance(listed, (list, tuple)):
        bad = WrongTypeError(items, listed, f"expected a list of field descriptions in {items}")
        raise InvalidRecordError([bad], what)
    names: set[str] = set()
    errors: Errors = []
    for index, item in enumerate(listed):
        item = as_mapping(item)
        field = item.get(name) if isinstance(item, Mapping) else None
        if not isinstance(item, Mapping) or not isinstance(field, str) or not field:
            reason = f"expected a field description with {name}"
            errors.append(WrongTypeError(f"{items}[{index}]", item, reason))
        elif refused(item):
            names.add(field)
    if errors:
        raise InvalidRecordError(errors, what)
    return frozenset(names)


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


@attrs.frozen
class UnknownCurrency:
    """A record that states a currency leadflow cannot name: *reason* says what to pass."""

    reason: str


#: A record's currency, as the currency hooks find it.
Currency: TypeAlias = str | UnknownCurrency | None


def context(dialect: Dialect, currency: Currency) -> Context:
    """The codecs' context for a record in *currency*."""
    if isinstance(currency, UnknownCurrency):
        return Context(dialect, None, no_currency=currency.reason)
    return Context(dialect, currency)


def stated_currency(
    field: str, raw: object, mapping: CrmMapping, errors: Errors | None = None
) -> str | None:
    """The currency a record states in *field* (*raw*), or the mapping's when it states none.

    A blank *raw* (``None``, ``""``, ``False``) states none. As in
    :func:`record_currency`, a bad code is reported to *errors* when reading.
    """
    if raw is None or raw == "" or raw is False:
        return mapping.currency
    return record_currency(field, raw, raw, errors)


def _mapping_currency(
    _: Mapping[str, Any], mapping: CrmMapping, errors: Errors | None
) -> str | None:
    return mapping.currency


def _as_is(value: object) -> object:
    return value


def _never_locked(_: Mapping[str, Any]) -> InvalidFieldError | None:
    return None


def _path(field: str, prefix: str | None) -> str:
    return f"{prefix}.{field}" if prefix else field


def _same(written: object, read: object) -> bool:
    # By type as well: Odoo's False is not 0, Dynamics' 1 is not True.
    return type(written) is type(read) and written == read


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


def first_key(table: Mapping[Any, object], member: object) -> Any:
    """The first CRM value *table* lists for *member* (a rating, a step), or ``None``."""
    return next((key for key, value in table.items() if value is member), None)


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


def rating_to_write(
    decision: QualificationDecision,
    mapping: CrmMapping,
    current: object,
    table: Mapping[Any, Rating],
    *,
    null: Callable[[object], bool],
    unset: tuple[object, ...] = (),
) -> Rating | None:
    """The rating *decision* writes over a record's rating *current*, or ``None``.

    :attr:`CrmMapping.write_ratings` decides: never, only over no rating (a
    *null* value, or one of *unset*, the CRM's default that no person chose), or
    always; but never over a value *table* does not list, which is a person's
    own, and never a cold rating that says only that little is known yet (see
    :func:`written_rating`).
    """
    rating = written_rating(decision)
    if rating is None or not replaces_rating(mapping, current, table, null=null, unset=unset):
        return None
    return rating


def replaces_rating(
    mapping: CrmMapping,
    current: object,
    table: Mapping[Any, Rating],
    *,
    null: Callable[[object], bool],
    unset: tuple[object, ...] = (),
) -> bool:
    """Whether :attr:`CrmMapping.write_ratings` lets a rating replace *current*.

    Never; or over no rating (a *null* value, or one of *unset*); or, with
    ``ALWAYS``, over a value *table* lists too, never over a person's own.
    """
    if mapping.write_ratings is WriteRatings.NEVER:
        return False
    if null(current) or any(_same(current, u) for u in unset):
        return True
    return mapping.write_ratings is WriteRatings.ALWAYS and any(_same(current, k) for k in table)


def closes(mapping: CrmMapping, decision: QualificationDecision | None) -> bool:
    """Whether writing *decision* may close the record: a disqualified verdict, opted into.

    See :attr:`CrmMapping.close_disqualified`.
    """
    return (
        decision is not None
        and decision.verdict is Verdict.DISQUALIFIED
        and mapping.close_disqualified
    )


def creates_open(
    crm_lead: CrmLead, decision: QualificationDecision | None, mapping: CrmMapping
) -> bool:
    """Whether writing *decision* creates *crm_lead* as a lead that must be open.

    True for a lead with no id yet and a decision that does not close it (see
    :func:`closes`): it is created in the CRM's open default status, as far as
    the verdict leaves the status to the CRM.
    """
    return crm_lead.id is None and decision is not None and not closes(mapping, decision)


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
        is_read_only: Whether a write body of this kind leaves out a field, by name
            and value, when it differs from the skeleton's (a Salesforce Lead's
            compound ``Name`` is read-only, an Opportunity's ``Name`` is not).
    """

    what: str
    id_field: str
    check: Callable[[Mapping[str, Any], Errors], None] | None = None
    is_read_only: Callable[[str, object], bool] | None = None


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
        currency: The currency of a record's amounts: ``(record, mapping, errors)``,
            by default the mapping's. Reading passes the errors, where a bad code is
            reported; writing back passes ``None`` with the lead's extras (the
            record was read once already).
        write_form: How an extra field's value is written back (Odoo's many2one pairs
            become ids); by default as it is.
        opportunity_values: The opportunity-level values written for an opportunity,
            by attribute.
        opportunity_body: The fields every opportunity body starts with.
        locked: Why a lead, by its extras as read (the record's own shape, with
            its properties for HubSpot), takes no update (a converted Salesforce
            lead), as the error to raise when there is one to write; or ``None``.
        opportunity_rating: The field an opportunity's rating is written to, which
            follows :attr:`CrmMapping.write_ratings` over a record as read.
        rating_table: The mapping's rating values (Odoo's priorities), to tell a
            value of leadflow's, which ``ALWAYS`` replaces, from a person's own.
        unset_ratings: Rating values that are the CRM's default, which no person
            chose (Odoo's priority '0').
        import_table: The rows an imported opportunity's created and closing times
            and owner are read from (attributes of ``IMPORT_ATTRIBUTES``).
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
    currency: Callable[[Mapping[str, Any], M, Errors | None], Currency] = _mapping_currency
    write_form: Callable[[object], object] = _as_is
    opportunity_values: Callable[[OpportunityStageValue], dict[str, Any]] = opportunity_values
    opportunity_body: Mapping[str, Any] = attrs.field(factory=dict)
    locked: Callable[[Mapping[str, Any]], InvalidFieldError | None] = _never_locked
    opportunity_rating: str | None = None
    rating_table: Callable[[M], Mapping[Any, Rating]] | None = None
    unset_ratings: tuple[object, ...] = ()
    import_table: tuple[Spec, ...] = ()

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
        ctx = context(self.dialect, self.currency(whole, mapping, errors))
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
            contact=contact,
            evidence=evidence,
            id=crm_id,
            extras=extras,
            original=original,
            repairs=[attrs.evolve(r, field=_path(r.field, self.properties)) for r in ctx.repairs],
        )

    def refuses(self, name: str, value: object, mapping: M, kind: RecordKind) -> bool:
        """Whether the CRM refuses the field *name* holding *value* in a *kind* write body.

        A lead's body leaves out :attr:`CrmMapping.read_only`; an opportunity's,
        :attr:`CrmMapping.opportunity_read_only` (and the lead's as well where both
        are one kind of record, as Odoo's ``crm.lead``).
        """
        if (kind is self.lead or kind.what == self.lead.what) and name in mapping.read_only:
            return True
        if kind is self.opportunity and name in mapping.opportunity_read_only:
            return True
        refused = kind.is_read_only if kind.is_read_only is not None else self.is_read_only
        return refused(name, value)

    def write_lead(
        self, crm_lead: CrmLead, decision: QualificationDecision | None, mapping: M
    ) -> dict[str, Any]:
        """A lead body; see each adapter's ``write_lead``.

        A lead with an id gets the minimal update: the fields leadflow owns (its
        table's, and those the decision writes) whose value differs from the one
        read. A lead without one gets the whole body a create takes.
        """
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
        modelled = write_fields(
            values_of(crm_lead, table),
            table,
            context(self.dialect, self.currency(crm_lead.extras, mapping, None)),
            extras=fields,
            original=crm_lead.original,
            errors=errors,
            prefix=self.properties,
        )
        if errors:
            raise InvalidRecordError(errors, self.lead.what)
        creating = crm_lead.id is None
        out: dict[str, Any] = {}
        if creating:
            out = {k: self.write_form(copy.deepcopy(v)) for k, v in fields.items()}
        out.update(modelled)
        before = dict(out)
        self.decide(out, crm_lead, decision, mapping, fields)
        if not creating:
            as_read = {**fields, **crm_lead.original}
            owned = set(modelled).union(
                k for k, v in out.items() if k not in before or v is not before[k]
            )
            out = {
                k: v
                for k, v in out.items()
                if k in owned and not (k in as_read and _same(v, self.write_form(as_read[k])))
            }
        out = {k: v for k, v in out.items() if not self.refuses(k, v, mapping, self.lead)}
        if out and not creating:
            reason = self.locked(crm_lead.extras)
            if reason is not None:
                raise InvalidRecordError([reason], self.lead.what)
        return self._body(out)

    def _body(self, out: dict[str, Any]) -> dict[str, Any]:
        """A write body of the fields *out*: nested under the properties field if any.

        An update with nothing to write is ``{}`` for every CRM.
        """
        return out if self.properties is None or not out else {self.properties: out}

    def write_opportunity(
        self,
        opportunity: OpportunityStageValue,
        mapping: M,
        record: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An opportunity body; see each adapter's ``write_opportunity``.

        With the *record* as read from the CRM, the minimal update: only the fields
        whose value differs from the record's (an amount the record spells
        ``25000.0`` is not changed by writing ``25000``).
        """
        values = self.opportunity_values(opportunity)
        check_type("mapping", mapping, self.mapping_type)
        fields: Mapping[str, Any] = {}
        read_ctx = context(self.dialect, mapping.currency)
        if record is not None:
            # The record is read as read_opportunity_fields reads it: a bad one is
            # refused, never compared against.
            _, fields, read_ctx = self._read_opportunity(record, mapping)
        for spec in self.opportunity_table:
            if spec.attr not in OPPORTUNITY_ATTRIBUTES:
                values[spec.attr] = attribute_of(opportunity, spec.attr)
        ctx = Context(
            self.dialect,
            self._amount_currency(values, read_ctx, record),
            no_currency=read_ctx.no_currency,
        )
        errors: Errors = []
        out = dict(self.opportunity_body)
        tabled = write_fields(
            values,
            self.opportunity_table,
            ctx,
            extras={},
            original={},
            errors=errors,
            prefix=self.properties,
        )
        out.update(tabled)
        if errors:
            raise InvalidRecordError(errors, self.opportunity.what)
        self.write_outcome(out, opportunity, mapping, ctx)
        if record is not None:
            out = self._changed(out, tabled, fields, values, read_ctx)
            rating = self.opportunity_rating
            if (
                rating is not None
                and rating in out
                and not self._rating_unset(fields.get(rating), mapping)
            ):
                del out[rating]
        out = {k: v for k, v in out.items() if not self.refuses(k, v, mapping, self.opportunity)}
        return self._body(out)

    def _rating_unset(self, current: object, mapping: M) -> bool:
        """Whether a record's rating *current* may be replaced under *mapping*."""
        table = self.rating_table(mapping) if self.rating_table is not None else {}
        return replaces_rating(
            mapping, current, table, null=self.dialect.is_null, unset=self.unset_ratings
        )

    def _amount_currency(
        self, values: Mapping[str, Any], read_ctx: Context, record: object
    ) -> str | None:
        """The currency an opportunity's amount is written in: the record's, else its own.

        A record read states its currency (or the mapping's stands in); without
        one, the amount's own currency is written when the mapping names none.
        """
        if record is not None or read_ctx.currency is not None:
            return read_ctx.currency
        amount = values.get("amount")
        return amount.currency if isinstance(amount, Money) else None

    def _changed(
        self,
        out: Mapping[str, Any],
        tabled: Mapping[str, Any],
        fields: Mapping[str, Any],
        values: Mapping[str, Any],
        ctx: Context,
    ) -> dict[str, Any]:
        """The fields of *out* that change what the record's *fields* say.

        A table row whose value the record already holds is left out, unless the
        outcome wrote something else there (a deal's close date becomes the time it
        closed): *tabled* is what the rows alone wrote.
        """
        unchanged: set[str] = set()
        for spec in self.opportunity_table:
            try:
                same = spec.read(fields, ctx) == values.get(spec.attr, EMPTY.get(spec.attr))
            except InvalidFieldError:
                same = False
            if same:
                unchanged.update(k for k in spec.owns if _same(out.get(k), tabled.get(k)))
        return {
            k: v
            for k, v in out.items()
            if k not in unchanged and not (k in fields and _same(v, self.write_form(fields[k])))
        }

    def import_opportunity(
        self,
        record: Mapping[str, Any],
        mapping: M,
        contact: Contact,
        policy: Policy | None,
    ) -> OpportunityStageValue:
        """Import an opportunity record; see each adapter's ``import_opportunity``."""
        found, fields, ctx = self._read_opportunity(record, mapping)
        values, errors = read_fields(fields, self.import_table, ctx)
        opened, closed_at = values.get("opened_at"), values.get("closed_at")
        closed = found.outcome is not FunnelStage.OPPORTUNITY
        paths = _paths(self.import_table)
        if opened is None:
            where = paths.get("opened_at", "opened_at")
            errors.append(InvalidFieldError(where, None, "an imported deal was opened"))
        if closed and closed_at is None and "closed_at" in paths:
            errors.append(
                InvalidFieldError(paths["closed_at"], None, f"a deal {found.outcome.value} closed")
            )
        if errors or opened is None:
            raise InvalidRecordError(
                [under(e, self.properties) for e in errors], self.opportunity.what
            )
        if closed and closed_at is not None and closed_at < opened:
            # A CRM that keeps the closing date alone: a deal opened and closed that day.
            closed_at = opened
        record_id = None if found.id is None else str(found.id)
        return import_opportunity(
            contact=contact,
            name=found.name or f"{self.crm} opportunity {record_id or ''}".strip(),
            source=self.crm.lower(),
            record_id=record_id,
            opened_at=opened,
            outcome=found.outcome,
            step=found.step,
            probability=None if closed else found.probability,
            estimated_value=found.amount,
            expected_close=found.expected_close,
            closed_at=closed_at if closed else None,
            won_value=found.amount if found.outcome is FunnelStage.CUSTOMER else None,
            owner=values.get("owner"),
            policy=policy,
        )

    def read_opportunity_fields(self, record: Mapping[str, Any], mapping: M) -> OpportunityFields:
        """Read an opportunity record; see each adapter's ``read_opportunity_fields``."""
        return self._read_opportunity(record, mapping)[0]

    def _read_opportunity(
        self, record: Mapping[str, Any], mapping: M
    ) -> tuple[OpportunityFields, Mapping[str, Any], Context]:
        """The record's opportunity fields, the fields they were read from, and the context."""
        _, fields, crm_id, ctx, errors = self._open(record, mapping, self.opportunity)
        table = [spec for spec in self.opportunity_table if spec.attr in OPPORTUNITY_ATTRIBUTES]
        values, found = read_fields(fields, table, ctx)
        stated: Errors = []
        more = self.read_outcome(fields, mapping, stated)
        errors.extend(under(e, self.properties) for e in (*found, *stated))
        if errors:
            raise InvalidRecordError(errors, self.opportunity.what)
        repairs = [attrs.evolve(r, field=_path(r.field, self.properties)) for r in ctx.repairs]
        return OpportunityFields(id=crm_id, **values, **more, repairs=repairs), fields, ctx


def linked_id(
    step: AccountStep | ContactStep, what: str, kind: type[str] | type[int]
) -> str | int | None:
    """The id of the record *step* links (``None`` unless it links one), of the CRM's type.

    A contact's id is text (:attr:`~leadflow.Contact.id`), so an int id may come as
    its digits (``"27"``).

    Raises:
        WrongTypeError: the id is not a *kind* (a Salesforce id is text, an Odoo id an int).
    """
    if step.step is not Step.LINK:
        return None
    if kind is int and isinstance(step.id, str) and step.id.isascii() and step.id.isdigit():
        return int(step.id)
    if isinstance(step.id, bool) or not isinstance(step.id, kind):
        raise WrongTypeError(f"{what}.id", step.id, f"expected a {kind.__name__} id")
    return step.id
