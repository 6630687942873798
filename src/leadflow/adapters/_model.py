"""The values the CRM adapters share: a lead read from a CRM, and an opportunity's summary.

:class:`CrmLead` and :class:`OpportunityFields` are what every adapter's
``read_lead`` and ``read_opportunity_fields`` return; :data:`OpportunityStageValue`
is what every ``write_opportunity`` takes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final, TypeAlias

import attrs

from leadflow._validate import of_type, type_name
from leadflow.contacts import Contact
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.evidence import Evidence
from leadflow.lifecycle import Customer, LostOpportunity, Opportunity
from leadflow.money import Money
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "CrmId",
    "CrmLead",
    "OpportunityFields",
    "OpportunityStageValue",
    "Repair",
    "frozen_table",
]

#: A record id as the CRM spells it: a string (Dynamics, Salesforce, HubSpot) or an
#: int (Odoo).
CrmId: TypeAlias = str | int

#: Any opportunity-level stage.
OpportunityStageValue: TypeAlias = Opportunity | Customer | LostOpportunity


def frozen_table(value: object) -> Any:
    """A read-only copy of a mapping (anything else is left to validation)."""
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


#: How deep a record's values may nest (an object in a list in an object ... is three
#: levels): far more than any CRM writes, and far below Python's recursion limit.
MAX_DEPTH: Final = 100


def _deep_copy(value: object, path: str, depth: int) -> object:
    """A deep copy of *value* (at *path*, *depth* levels down), refused beyond MAX_DEPTH."""
    if isinstance(value, (Mapping, list, tuple)) and depth >= MAX_DEPTH:
        raise InvalidFieldError(path, value, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        return {key: _deep_copy(item, f"{path}[{key!r}]", depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item, f"{path}[{at}]", depth + 1) for at, item in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(_deep_copy(item, f"{path}[{at}]", depth + 1) for at, item in enumerate(value))
    return copy.deepcopy(value)


def _frozen_mapping(field: str, value: object) -> object:
    """Copy a mapping deeply and freeze its top level; leave anything else to validation.

    A value nested deeper than :data:`MAX_DEPTH` raises :class:`InvalidFieldError`
    naming its path (``extras['x_custom'][0][0]...``), never ``RecursionError``.
    """
    if isinstance(value, Mapping):
        return MappingProxyType(
            {key: _deep_copy(item, f"{field}[{key!r}]", 1) for key, item in value.items()}
        )
    return value


def _frozen_extras(value: object) -> object:
    return _frozen_mapping("extras", value)


def _frozen_original(value: object) -> object:
    return _frozen_mapping("original", value)


def _string_keyed(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise WrongTypeError(attribute.name, value, f"expected a mapping, not {type_name(value)}")
    for key in value:
        if not isinstance(key, str):
            raise WrongTypeError(
                f"{attribute.name}[{key!r}]", key, f"field names are strings, not {type_name(key)}"
            )


def _crm_id(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise WrongTypeError(
            attribute.name, value, f"expected a str or int, not {type_name(value)}"
        )
    if isinstance(value, str) and (not value.strip() or value != value.strip()):
        raise InvalidFieldError(attribute.name, value, "must be a non-blank id")


@attrs.frozen
class Repair:
    """Something a reader did to make sense of a value as the CRM sent it.

    A real record holds what people typed: two addresses in one e-mail field, a
    trunk prefix in a phone, an option an administrator added. Rather than refuse
    the whole record, a reader takes what it can and says what it did here.

    Attributes:
        field: The field's path in the record (``email_from``, ``properties.phone``).
        value: The value as the CRM sent it.
        note: What was done, as a sentence (``kept ada@example.com; ...``).
    """

    field: str
    value: Any = attrs.field(hash=False)
    note: str

    def __str__(self) -> str:
        return f"{self.field}: {self.note} (got {self.value!r})"


def _repairs(value: object) -> tuple[Repair, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else value  # type: ignore[return-value]


def _check_repairs(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(item, Repair) for item in value):
        raise WrongTypeError(attribute.name, value, "expected a tuple of Repair")


@attrs.frozen(kw_only=True)
class CrmLead:
    """A CRM lead record, read into leadflow's terms, with nothing of it lost.

    Attributes:
        contact: The person, built from the record's contact fields.
        evidence: What the record says on need, budget, timeframe and authority.
            Fields the CRM has no column for are ``unknown`` unless a custom-field
            mapping names them. CRMs do not date each field, so no part has an
            ``observed_at``.
        id: The record's id in the CRM (``leadid``, ``Id``, ``id``), if it has one
            yet; ``None`` for a record still to be created.
        extras: Every field of the record leadflow does not model, verbatim and in
            the record's own shape, written back unchanged.
        original: The modelled fields exactly as the CRM sent them. A value left
            unchanged is written back from here, so reading and writing a record
            never reformats it. Empty for a lead built in code.
        repairs: What reading the record had to repair, one :class:`Repair` per
            field (several e-mail addresses, an unknown option value ...). Empty
            when the record was read as it came.

    Both mappings are deep copies, read-only at the top level.
    """

    contact: Contact = attrs.field(validator=of_type(Contact))
    evidence: Evidence = attrs.field(factory=Evidence, validator=of_type(Evidence))
    id: CrmId | None = attrs.field(default=None, validator=_crm_id)
    extras: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_frozen_extras, validator=_string_keyed, hash=False
    )
    original: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_frozen_original, validator=_string_keyed, hash=False
    )
    repairs: tuple[Repair, ...] = attrs.field(
        default=(), converter=_repairs, validator=_check_repairs
    )


@attrs.frozen(kw_only=True)
class OpportunityFields:
    """What a CRM opportunity record says, in leadflow's terms.

    A summary, not a funnel stage: a CRM record carries no qualification or
    promotion decision, so it cannot be turned into an
    :class:`~leadflow.Opportunity` by itself.

    Attributes:
        id: The record's id in the CRM, if present.
        name: The opportunity's name.
        outcome: ``opportunity`` while open, ``customer`` when won, ``lost`` when lost.
        step: The sales step, when the CRM's stage maps onto one.
        probability: Win probability, 0-100, if the record has one.
        amount: The (estimated or won) amount, if any.
        expected_close: The expected closing date, if any.
        repairs: What reading the record had to repair (see :class:`Repair`).
    """

    id: CrmId | None = None
    name: str | None = None
    outcome: FunnelStage = FunnelStage.OPPORTUNITY
    step: OpportunityStage | None = None
    probability: int | None = None
    amount: Money | None = None
    expected_close: date | None = None
    repairs: tuple[Repair, ...] = attrs.field(
        default=(), converter=_repairs, validator=_check_repairs
    )
