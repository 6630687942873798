"""Events: what happened to a value in the funnel, in the past tense.

Every transition returns the next stage plus one event, and appends that event
to the stage's history. An event records when it happened, who did it (if
given), the stages it moved between and, where a rule decided, the decision
that justified it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import attrs

from leadflow import _validate as v
from leadflow.decisions import PromotionDecision, QualificationDecision
from leadflow.errors import InvalidFieldError, _a
from leadflow.money import Money
from leadflow.stages import FunnelStage, OpportunityStage

if TYPE_CHECKING:
    from leadflow.lifecycle import Stage

__all__ = [
    "DisqualificationReason",
    "Event",
    "LeadDisqualified",
    "LeadNurtured",
    "LeadPromoted",
    "LeadQualified",
    "LeadReassessed",
    "LeadReopened",
    "LeadRequalified",
    "LossReason",
    "OpportunityAdvanced",
    "OpportunityImported",
    "OpportunityLost",
    "OpportunityReopened",
    "OpportunityWon",
    "RecordsMerged",
]


class DisqualificationReason(Enum):
    """Why a lead was disqualified (after Dynamics 365's disqualified statuses)."""

    NO_NEED = "no_need"
    NO_BUDGET = "no_budget"
    NO_AUTHORITY = "no_authority"
    BAD_TIMING = "bad_timing"
    CANNOT_CONTACT = "cannot_contact"
    NO_LONGER_INTERESTED = "no_longer_interested"
    DUPLICATE = "duplicate"
    OTHER = "other"


class LossReason(Enum):
    """Why an opportunity was lost."""

    PRICE = "price"
    COMPETITOR = "competitor"  #: needs the competitor's name
    NO_BUDGET = "no_budget"
    NO_DECISION = "no_decision"
    TIMING = "timing"
    OTHER = "other"


S = FunnelStage
# Spelled out for the subclasses: Python 3.10 cannot resolve a bare ClassVar annotation.
_Moves: TypeAlias = frozenset[tuple[FunnelStage, FunnelStage]]


@attrs.frozen(kw_only=True)
class _Event:
    at: datetime = attrs.field(validator=v.aware)
    by: str | None = attrs.field(default=None, validator=v.optional_text)
    from_stage: FunnelStage = attrs.field(validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(validator=v.of_type(FunnelStage))

    moves: ClassVar[frozenset[tuple[FunnelStage, FunnelStage]]] = frozenset()

    def __attrs_post_init__(self) -> None:
        if (self.from_stage, self.to_stage) not in self.moves:
            raise InvalidFieldError(
                "to_stage",
                self.to_stage,
                f"{_a(type(self).__name__)} does not move from {self.from_stage.value}",
            )


def _of(kind: type) -> Any:
    return attrs.field(validator=v.of_type(kind))


@attrs.frozen(kw_only=True)
class LeadQualified(_Event):
    """A contact qualified and became a lead.

    Attributes:
        at: When it happened (aware). by: Who did it, if given.
        from_stage: ``contact``. to_stage: ``lead``.
        decision: The qualification that justified it.
    """

    moves: ClassVar[_Moves] = frozenset({(S.CONTACT, S.LEAD)})
    from_stage: FunnelStage = attrs.field(default=S.CONTACT, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    decision: QualificationDecision = _of(QualificationDecision)


@attrs.frozen(kw_only=True)
class LeadNurtured(_Event):
    """A lead was set aside to be nurtured and re-qualified later.

    Attributes:
        reason: Why, in the seller's words, if given.
        revisit_on: When to look at it again, if planned.
        decision: The qualification that led to it, if one did.
    """

    moves: ClassVar[_Moves] = frozenset({(S.LEAD, S.NURTURED)})
    from_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.NURTURED, validator=v.of_type(FunnelStage))
    reason: str | None = attrs.field(default=None, validator=v.optional_text)
    revisit_on: date | None = attrs.field(default=None, validator=v.optional_date)
    decision: QualificationDecision | None = attrs.field(
        default=None, validator=v.of_type(QualificationDecision, optional=True)
    )


@attrs.frozen(kw_only=True)
class LeadDisqualified(_Event):
    """A lead (open or nurtured) was disqualified.

    Attributes:
        reason: Why.
        note: Free text, if given.
    """

    moves: ClassVar[_Moves] = frozenset({(S.LEAD, S.DISQUALIFIED), (S.NURTURED, S.DISQUALIFIED)})
    from_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.DISQUALIFIED, validator=v.of_type(FunnelStage))
    reason: DisqualificationReason = _of(DisqualificationReason)
    note: str | None = attrs.field(default=None, validator=v.optional_text)


@attrs.frozen(kw_only=True)
class LeadRequalified(_Event):
    """A nurtured lead qualified again on fresh evidence.

    Attributes:
        decision: The qualification that justified it.
    """

    moves: ClassVar[_Moves] = frozenset({(S.NURTURED, S.LEAD)})
    from_stage: FunnelStage = attrs.field(default=S.NURTURED, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    decision: QualificationDecision = _of(QualificationDecision)


@attrs.frozen(kw_only=True)
class LeadReassessed(_Event):
    """New evidence was recorded on an open lead and the lead was re-qualified on it.

    The lead stays open whatever the verdict; the seller decides what follows.

    Attributes:
        decision: The qualification on the new evidence (it carries that evidence).
    """

    moves: ClassVar[_Moves] = frozenset({(S.LEAD, S.LEAD)})
    from_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    decision: QualificationDecision = _of(QualificationDecision)


@attrs.frozen(kw_only=True)
class LeadPromoted(_Event):
    """A lead was promoted to an opportunity.

    Attributes:
        decision: The promotion decision that justified it.
    """

    moves: ClassVar[_Moves] = frozenset({(S.LEAD, S.OPPORTUNITY)})
    from_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    decision: PromotionDecision = _of(PromotionDecision)


@attrs.frozen(kw_only=True)
class OpportunityAdvanced(_Event):
    """An open opportunity moved to another sales step.

    Attributes:
        from_step: The step it was at. to_step: The step it is at now.
        probability: The win probability the policy gives the new step.
    """

    moves: ClassVar[_Moves] = frozenset({(S.OPPORTUNITY, S.OPPORTUNITY)})
    from_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    from_step: OpportunityStage = _of(OpportunityStage)
    to_step: OpportunityStage = _of(OpportunityStage)
    probability: int = attrs.field(validator=v.in_range(0, 100))


@attrs.frozen(kw_only=True)
class OpportunityWon(_Event):
    """An opportunity was won: the party is now a customer.

    Attributes:
        value: The value of the sale, if known.
    """

    moves: ClassVar[_Moves] = frozenset({(S.OPPORTUNITY, S.CUSTOMER)})
    from_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.CUSTOMER, validator=v.of_type(FunnelStage))
    value: Money | None = attrs.field(default=None, validator=v.of_type(Money, optional=True))


@attrs.frozen(kw_only=True)
class OpportunityLost(_Event):
    """An opportunity was lost.

    Attributes:
        reason: Why.
        competitor: Who won instead (required when the reason is ``competitor``).
        note: Free text, if given.
    """

    moves: ClassVar[_Moves] = frozenset({(S.OPPORTUNITY, S.LOST)})
    from_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.LOST, validator=v.of_type(FunnelStage))
    reason: LossReason = _of(LossReason)
    competitor: str | None = attrs.field(default=None, validator=v.optional_text)
    note: str | None = attrs.field(default=None, validator=v.optional_text)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.reason is LossReason.COMPETITOR and self.competitor is None:
            raise InvalidFieldError("competitor", None, "name the competitor the deal was lost to")


@attrs.frozen(kw_only=True)
class LeadReopened(_Event):
    """A disqualified lead was brought back, as an open lead or to be nurtured.

    Attributes:
        from_stage: ``disqualified``. to_stage: ``lead`` or ``nurtured``.
        reason: Why it was reopened (required: reopening is a person's decision).
    """

    moves: ClassVar[_Moves] = frozenset({(S.DISQUALIFIED, S.LEAD), (S.DISQUALIFIED, S.NURTURED)})
    from_stage: FunnelStage = attrs.field(default=S.DISQUALIFIED, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.LEAD, validator=v.of_type(FunnelStage))
    reason: str = attrs.field(validator=v.text)


@attrs.frozen(kw_only=True)
class OpportunityReopened(_Event):
    """A lost or won opportunity was brought back to an open sales step.

    Attributes:
        from_stage: ``lost`` or ``customer``. to_stage: ``opportunity``.
        reason: Why it was reopened (required: reopening is a person's decision).
        step: The open sales step it is back at.
        probability: The win probability the policy gives that step.
    """

    moves: ClassVar[_Moves] = frozenset({(S.LOST, S.OPPORTUNITY), (S.CUSTOMER, S.OPPORTUNITY)})
    from_stage: FunnelStage = attrs.field(default=S.LOST, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    reason: str = attrs.field(validator=v.text)
    step: OpportunityStage = _of(OpportunityStage)
    probability: int = attrs.field(validator=v.in_range(0, 100))


@attrs.frozen(kw_only=True)
class OpportunityImported(_Event):
    """An opportunity already in a CRM (or a file) was brought in as it stood.

    It starts the history of an imported opportunity: leadflow did not see it qualify
    or be promoted, so no decision is made up for it.

    Attributes:
        at: When the opportunity was opened where it came from (its created date).
        by: Its owner there, if known.
        source: Where it came from (``salesforce``, ``dynamics``, a file name).
        record_id: Its id there, if it has one.
        step: The sales step it was at. probability: Its win probability then.
    """

    moves: ClassVar[_Moves] = frozenset({(S.OPPORTUNITY, S.OPPORTUNITY)})
    from_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    to_stage: FunnelStage = attrs.field(default=S.OPPORTUNITY, validator=v.of_type(FunnelStage))
    source: str = attrs.field(validator=v.text)
    record_id: str | None = attrs.field(default=None, validator=v.optional_text)
    step: OpportunityStage = _of(OpportunityStage)
    probability: int = attrs.field(validator=v.in_range(0, 100))


def _funnel_values(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a non-empty tuple of funnel values (contacts and later stages)."""
    from leadflow._moves import stage_of  # imports the stages, which import this module

    if not isinstance(value, tuple) or not value:
        raise InvalidFieldError(attribute.name, value, "name at least one merged record")
    for item in value:
        stage_of(item)


@attrs.frozen(kw_only=True)
class RecordsMerged(_Event):
    """Duplicates of a value were merged into it (see :func:`leadflow.duplicates.merge`).

    It stays at its stage; the records merged into it are kept whole, histories and all.

    Attributes:
        from_stage, to_stage: The value's stage (any stage from lead on).
        absorbed: The records merged into it, as they were.
    """

    moves: ClassVar[_Moves] = frozenset((s, s) for s in FunnelStage if s is not S.CONTACT)
    absorbed: tuple[Stage, ...] = attrs.field(converter=v.to_tuple, validator=_funnel_values)


#: Any event of the funnel.
Event: TypeAlias = (
    LeadQualified
    | LeadNurtured
    | LeadDisqualified
    | LeadRequalified
    | LeadReassessed
    | LeadPromoted
    | OpportunityAdvanced
    | OpportunityWon
    | OpportunityLost
    | LeadReopened
    | OpportunityReopened
    | RecordsMerged
    | OpportunityImported
)

EVENT_TYPES: tuple[type, ...] = Event.__args__
