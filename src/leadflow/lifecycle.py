"""The funnel's stages as types, and the moves between them.

Each stage is its own immutable class, so a type checker rejects a move from
the wrong stage (winning a :class:`Lead`, promoting a :class:`Contact`); at run
time the same mistake raises :class:`~leadflow.errors.IllegalTransitionError`
naming both stages.

Every move is a plain function returning ``(next_stage, event)``. It never edits
its input, carries everything recorded so far into the next stage and appends
its event to the history::

    Contact --to_lead--> Lead --promote--> Opportunity --win--> Customer
                  reassess ( )                  ( ) advance
                          |  ^                   |
                 nurture  |  | requalify          +--lose--> LostOpportunity
                          v  |
                      NurturedLead
    Lead / NurturedLead --disqualify--> DisqualifiedLead
    DisqualifiedLead --reopen--> Lead or NurturedLead
    LostOpportunity / Customer --reopen--> Opportunity

:class:`DisqualifiedLead`, :class:`LostOpportunity` and :class:`Customer` are
closed: the one move out of them is :func:`reopen`, a person's decision with a reason,
which brings a disqualified lead back as an open or nurtured lead, and a lost or won
opportunity back to an open sales step. A nurtured lead comes back only through
:func:`requalify`.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias, overload

import attrs

from leadflow import _validate as v
from leadflow._moves import carry, check_time, refuse, stage_of
from leadflow.contacts import Contact, Organisation
from leadflow.decisions import PromotionDecision, QualificationDecision
from leadflow.errors import (
    InvalidFieldError,
    NotQualifiedError,
    WrongTypeError,
)
from leadflow.events import (
    EVENT_TYPES,
    DisqualificationReason,
    Event,
    LeadDisqualified,
    LeadNurtured,
    LeadQualified,
    LeadReassessed,
    LeadReopened,
    LeadRequalified,
    LossReason,
    OpportunityAdvanced,
    OpportunityImported,
    OpportunityLost,
    OpportunityReopened,
    OpportunityWon,
    RecordsMerged,
)
from leadflow.evidence import Evidence, PromotionSignals
from leadflow.money import Money
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY
from leadflow.qualification import qualify
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "Customer",
    "DisqualifiedLead",
    "Lead",
    "LostOpportunity",
    "NurturedLead",
    "Opportunity",
    "Stage",
    "advance",
    "disqualify",
    "import_opportunity",
    "lose",
    "nurture",
    "reassess",
    "reopen",
    "requalify",
    "stage_of",
    "to_lead",
    "win",
]


def _check_history(
    value: _LeadValue, attribute: attrs.Attribute[Any], history: tuple[Event, ...]
) -> None:
    """A history is not empty, in time order, each event from where the last led, to here."""
    if not history:
        raise InvalidFieldError(
            attribute.name, history, "a lead's history starts when it qualifies or is imported"
        )
    if history[-1].to_stage is not value.stage:
        raise InvalidFieldError(
            attribute.name,
            history[-1],
            f"the last event leads to {history[-1].to_stage.value}, not {value.stage.value}",
        )
    for earlier, later in itertools.pairwise(history):
        if later.at < earlier.at or later.from_stage is not earlier.to_stage:
            raise InvalidFieldError(attribute.name, later, "events out of order")


@attrs.frozen(kw_only=True)
class _LeadValue:
    """What every stage from lead onwards carries."""

    contact: Contact = attrs.field(validator=v.of_type(Contact))
    evidence: Evidence = attrs.field(validator=v.of_type(Evidence))

    stage: ClassVar[FunnelStage]
    if TYPE_CHECKING:
        # Declared by each kind below, after its decision, so fields keep their order.
        history: tuple[Event, ...]

    @property
    def organisation(self) -> Organisation | None:
        """The buying party, from the contact."""
        return self.contact.organisation

    @property
    def updated_at(self) -> datetime:
        """When the last event happened."""
        return self.history[-1].at


@attrs.frozen(kw_only=True)
class _QualifiedValue(_LeadValue):
    """What every lead carries: the decision that made it one."""

    qualification: QualificationDecision = attrs.field(validator=v.of_type(QualificationDecision))
    history: tuple[Event, ...] = attrs.field(
        converter=v.to_tuple, validator=[v.tuple_of(*EVENT_TYPES), _check_history]
    )


@attrs.frozen(kw_only=True)
class Lead(_QualifiedValue):
    """A contact that qualifies as a sales lead.

    Attributes:
        contact: The person.
        evidence: What is known on the four criteria.
        qualification: The decision that made (or last re-made) it a lead.
        history: Every event so far, oldest first.
    """

    stage: ClassVar[FunnelStage] = FunnelStage.LEAD


@attrs.frozen(kw_only=True)
class NurturedLead(_QualifiedValue):
    """A lead set aside to be nurtured; it can be re-qualified later.

    Attributes:
        reason: Why it is being nurtured, if given.
        revisit_on: When to look at it again, if planned.
    """

    stage: ClassVar[FunnelStage] = FunnelStage.NURTURED
    reason: str | None = attrs.field(default=None, validator=v.optional_text)
    revisit_on: date | None = attrs.field(default=None, validator=v.optional_date)


@attrs.frozen(kw_only=True)
class DisqualifiedLead(_QualifiedValue):
    """A lead that was disqualified (closed).

    Attributes:
        reason: Why.
        note: Free text, if given.
    """

    stage: ClassVar[FunnelStage] = FunnelStage.DISQUALIFIED
    reason: DisqualificationReason = attrs.field(validator=v.of_type(DisqualificationReason))
    note: str | None = attrs.field(default=None, validator=v.optional_text)


@attrs.frozen(kw_only=True)
class _OpportunityValue(_LeadValue):
    """What every stage from opportunity onwards carries."""

    # None only for an imported opportunity, whose qualification leadflow never saw.
    qualification: QualificationDecision | None = attrs.field(
        default=None, validator=v.of_type(QualificationDecision, optional=True)
    )
    history: tuple[Event, ...] = attrs.field(
        converter=v.to_tuple, validator=[v.tuple_of(*EVENT_TYPES), _check_history]
    )
    signals: PromotionSignals = attrs.field(
        factory=PromotionSignals, validator=v.of_type(PromotionSignals)
    )
    promotion: PromotionDecision | None = attrs.field(
        default=None, validator=v.of_type(PromotionDecision, optional=True)
    )
    name: str = attrs.field(validator=v.text)
    step: OpportunityStage = attrs.field(validator=v.of_type(OpportunityStage))
    probability: int = attrs.field(validator=v.in_range(0, 100))
    estimated_value: Money | None = attrs.field(
        default=None, validator=v.of_type(Money, optional=True)
    )
    expected_close: date | None = attrs.field(default=None, validator=v.optional_date)
    owner: str | None = attrs.field(default=None, validator=v.optional_text)
    product: str | None = attrs.field(default=None, validator=v.optional_text)

    def __attrs_post_init__(self) -> None:
        imported = isinstance(self.history[0], OpportunityImported)
        for name in ("qualification", "promotion"):
            if getattr(self, name) is None and not imported:
                raise InvalidFieldError(
                    name, None, "only an imported opportunity comes without its decisions"
                )

    @property
    def imported(self) -> bool:
        """Whether it was imported (its history starts with an OpportunityImported)."""
        return isinstance(self.history[0], OpportunityImported)

    @property
    def weighted_value(self) -> Money | None:
        """Estimated value times win probability, or ``None`` without a value."""
        if self.estimated_value is None:
            return None
        amount = self.estimated_value.amount * self.probability / 100
        return Money(amount, self.estimated_value.currency)


@attrs.frozen(kw_only=True)
class Opportunity(_OpportunityValue):
    """A lead with a high probability of becoming a sale.

    Attributes:
        qualification: The decision that made it a lead; ``None`` when imported.
        signals: The relationship signals it was promoted on (unknown when imported).
        promotion: The decision that promoted it; ``None`` when imported.
        name: The opportunity's name.
        step: The current sales step.
        probability: Win probability (0-100) the policy gives that step.
        estimated_value: What the sale is expected to be worth, if known.
        expected_close: When it is expected to close, if known.
        owner: Who owns the deal, if known (a name or the CRM's user id).
        product: What is being sold, if known.

    An opportunity already in a CRM comes in through :func:`import_opportunity`: its
    history starts with an :class:`~leadflow.OpportunityImported` event, and it has no
    qualification or promotion decision, rather than made-up ones.
    """

    stage: ClassVar[FunnelStage] = FunnelStage.OPPORTUNITY


@attrs.frozen(kw_only=True)
class LostOpportunity(_OpportunityValue):
    """An opportunity that was lost (closed; its probability is 0).

    Attributes:
        reason: Why.
        competitor: Who won instead, if a competitor did.
        note: Free text, if given.
    """

    stage: ClassVar[FunnelStage] = FunnelStage.LOST
    reason: LossReason = attrs.field(validator=v.of_type(LossReason))
    competitor: str | None = attrs.field(default=None, validator=v.optional_text)
    note: str | None = attrs.field(default=None, validator=v.optional_text)


@attrs.frozen(kw_only=True)
class Customer(_OpportunityValue):
    """A won opportunity: the party is now an account (closed; its probability is 100).

    Attributes:
        won_value: What the sale was worth, if known.
    """

    stage: ClassVar[FunnelStage] = FunnelStage.CUSTOMER
    won_value: Money | None = attrs.field(default=None, validator=v.of_type(Money, optional=True))

    @property
    def customer_since(self) -> datetime:
        """When the opportunity was won."""
        return self.history[-1].at


#: Any value in the funnel.
Stage: TypeAlias = (
    Contact | Lead | NurturedLead | DisqualifiedLead | Opportunity | LostOpportunity | Customer
)

# A merge keeps the records merged into a value whole, in its RecordsMerged event; the
# event's module cannot import the stages (they import it), so its types resolve here.
attrs.resolve_types(RecordsMerged, localns={"Stage": Stage})


def _qualified(
    transition: str,
    value: Contact | NurturedLead,
    evidence: Evidence,
    policy: Policy | None,
    as_of: datetime,
) -> QualificationDecision:
    contact = value if isinstance(value, Contact) else value.contact
    decision = qualify(contact, evidence, policy, as_of=as_of)
    if not decision.qualified:
        raise NotQualifiedError(transition, stage_of(value).value, decision)
    return decision


def to_lead(
    contact: Contact,
    evidence: Evidence,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    by: str | None = None,
) -> tuple[Lead, LeadQualified]:
    """Turn a qualifying contact into a lead under *policy*.

    *policy* ``None`` (the default) means :data:`~leadflow.DEFAULT_POLICY`.

    Returns:
        The new lead and the :class:`~leadflow.LeadQualified` event.

    Raises:
        NotQualifiedError: the contact does not qualify; the error carries the decision.
        IllegalTransitionError: *contact* is not a :class:`Contact`.
    """
    if not isinstance(contact, Contact):
        refuse("qualify", contact, FunnelStage.LEAD, "only a contact qualifies into a lead")
    check_time(contact, as_of)
    decision = _qualified("qualify", contact, evidence, policy, as_of)
    event = LeadQualified(at=as_of, by=by, decision=decision)
    lead = Lead(contact=contact, evidence=evidence, qualification=decision, history=(event,))
    return lead, event


def reassess(
    lead: Lead,
    evidence: Evidence,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    by: str | None = None,
) -> tuple[Lead, LeadReassessed]:
    """Record new evidence on an open lead and re-qualify it on that evidence.

    Evidence grows while a lead is worked (a need turns strong, a budget is
    approved); this keeps the lead's evidence and decision current. The lead stays
    open whatever the verdict -- the decision says whether to :func:`nurture` or
    :func:`disqualify` it -- and the earlier evidence stays in the history.
    *policy* ``None`` (the default) means :data:`~leadflow.DEFAULT_POLICY`.

    Returns:
        The lead with the new evidence and decision, and the
        :class:`~leadflow.LeadReassessed` event.

    Raises:
        IllegalTransitionError: *lead* is not an open :class:`Lead`.
    """
    if not isinstance(lead, Lead):
        refuse("reassess", lead, FunnelStage.LEAD, "only an open lead is reassessed")
    check_time(lead, as_of)
    decision = qualify(lead.contact, evidence, policy, as_of=as_of)
    event = LeadReassessed(at=as_of, by=by, decision=decision)
    return carry(lead, Lead, event, evidence=evidence, qualification=decision), event


def nurture(
    lead: Lead,
    *,
    as_of: datetime,
    reason: str | None = None,
    revisit_on: date | None = None,
    decision: QualificationDecision | None = None,
    by: str | None = None,
) -> tuple[NurturedLead, LeadNurtured]:
    """Set a lead aside to nurture it; it can come back through :func:`requalify`.

    Raises:
        IllegalTransitionError: *lead* is not an open :class:`Lead`.
    """
    if not isinstance(lead, Lead):
        refuse("nurture", lead, FunnelStage.NURTURED, "only an open lead is nurtured")
    check_time(lead, as_of)
    event = LeadNurtured(at=as_of, by=by, reason=reason, revisit_on=revisit_on, decision=decision)
    return carry(lead, NurturedLead, event, reason=reason, revisit_on=revisit_on), event


def disqualify(
    lead: Lead | NurturedLead,
    *,
    reason: DisqualificationReason,
    as_of: datetime,
    note: str | None = None,
    by: str | None = None,
) -> tuple[DisqualifiedLead, LeadDisqualified]:
    """Disqualify an open or nurtured lead (closed for good).

    Raises:
        IllegalTransitionError: *lead* is neither a :class:`Lead` nor a :class:`NurturedLead`.
    """
    if not isinstance(lead, (Lead, NurturedLead)):
        refuse("disqualify", lead, FunnelStage.DISQUALIFIED, "only a lead is disqualified")
    check_time(lead, as_of)
    event = LeadDisqualified(at=as_of, by=by, from_stage=lead.stage, reason=reason, note=note)
    return carry(lead, DisqualifiedLead, event, reason=reason, note=note), event


def requalify(
    lead: NurturedLead,
    evidence: Evidence,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    by: str | None = None,
) -> tuple[Lead, LeadRequalified]:
    """Bring a nurtured lead back as an open lead, if it qualifies on *evidence*.

    The new evidence and decision replace the current ones; the earlier ones stay
    in the history. *policy* ``None`` (the default) means
    :data:`~leadflow.DEFAULT_POLICY`.

    Raises:
        NotQualifiedError: it does not qualify; the error carries the decision.
        IllegalTransitionError: *lead* is not a :class:`NurturedLead`.
    """
    if not isinstance(lead, NurturedLead):
        refuse("requalify", lead, FunnelStage.LEAD, "only a nurtured lead is re-qualified")
    check_time(lead, as_of)
    decision = _qualified("requalify", lead, evidence, policy, as_of)
    event = LeadRequalified(at=as_of, by=by, decision=decision)
    return carry(lead, Lead, event, evidence=evidence, qualification=decision), event


def advance(
    opportunity: Opportunity,
    step: OpportunityStage,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    by: str | None = None,
) -> tuple[Opportunity, OpportunityAdvanced]:
    """Move an open opportunity to another sales step (forwards or back).

    The win probability becomes the policy's probability for *step* (*policy*
    ``None``, the default, means :data:`~leadflow.DEFAULT_POLICY`).

    Raises:
        IllegalTransitionError: *opportunity* is not open, or is already at *step*.
    """
    policy = DEFAULT_POLICY if policy is None else policy
    if not isinstance(opportunity, Opportunity):
        refuse("advance", opportunity, FunnelStage.OPPORTUNITY, "only an open opportunity moves")
    if not isinstance(step, OpportunityStage):
        raise WrongTypeError("step", step, "expected an OpportunityStage")
    if step is opportunity.step:
        refuse("advance", opportunity, FunnelStage.OPPORTUNITY, f"it is already at {step.value}")
    check_time(opportunity, as_of)
    probability = policy.probability(step)
    event = OpportunityAdvanced(
        at=as_of, by=by, from_step=opportunity.step, to_step=step, probability=probability
    )
    return carry(opportunity, Opportunity, event, step=step, probability=probability), event


def win(
    opportunity: Opportunity,
    *,
    as_of: datetime,
    value: Money | None = None,
    by: str | None = None,
) -> tuple[Customer, OpportunityWon]:
    """Win an opportunity: the party becomes a customer (an account).

    *value* defaults to the opportunity's estimated value.

    Raises:
        IllegalTransitionError: *opportunity* is not an open :class:`Opportunity`.
    """
    if not isinstance(opportunity, Opportunity):
        refuse("win", opportunity, FunnelStage.CUSTOMER, "only an open opportunity is won")
    check_time(opportunity, as_of)
    value = opportunity.estimated_value if value is None else value
    event = OpportunityWon(at=as_of, by=by, value=value)
    # A won deal is certain: the probability closes at 100 (and a lost one at 0).
    return carry(opportunity, Customer, event, won_value=value, probability=100), event


def lose(
    opportunity: Opportunity,
    *,
    reason: LossReason,
    as_of: datetime,
    competitor: str | None = None,
    note: str | None = None,
    by: str | None = None,
) -> tuple[LostOpportunity, OpportunityLost]:
    """Lose an opportunity (closed for good).

    Raises:
        IllegalTransitionError: *opportunity* is not an open :class:`Opportunity`.
        InvalidFieldError: the reason is ``competitor`` and no competitor is named.
    """
    if not isinstance(opportunity, Opportunity):
        refuse("lose", opportunity, FunnelStage.LOST, "only an open opportunity is lost")
    check_time(opportunity, as_of)
    event = OpportunityLost(at=as_of, by=by, reason=reason, competitor=competitor, note=note)
    lost = carry(
        opportunity,
        LostOpportunity,
        event,
        reason=reason,
        competitor=competitor,
        note=note,
        probability=0,
    )
    return lost, event


@overload
def reopen(
    value: DisqualifiedLead,
    *,
    reason: str,
    as_of: datetime,
    to: Literal[FunnelStage.LEAD] | None = None,
    by: str | None = None,
) -> tuple[Lead, LeadReopened]: ...


@overload
def reopen(
    value: DisqualifiedLead,
    *,
    reason: str,
    as_of: datetime,
    to: Literal[FunnelStage.NURTURED],
    by: str | None = None,
) -> tuple[NurturedLead, LeadReopened]: ...


@overload
def reopen(
    value: LostOpportunity | Customer,
    *,
    reason: str,
    as_of: datetime,
    to: Literal[FunnelStage.OPPORTUNITY] | None = None,
    step: OpportunityStage | None = None,
    policy: Policy | None = None,
    by: str | None = None,
) -> tuple[Opportunity, OpportunityReopened]: ...


def reopen(
    value: DisqualifiedLead | LostOpportunity | Customer,
    *,
    reason: str,
    as_of: datetime,
    to: FunnelStage | None = None,
    step: OpportunityStage | None = None,
    policy: Policy | None = None,
    by: str | None = None,
) -> tuple[Lead | NurturedLead | Opportunity, LeadReopened | OpportunityReopened]:
    """Bring a closed value back into the open funnel, for *reason*.

    As Dynamics 365's "Reactivate Lead" and "Reopen Opportunity" and Odoo's restore
    (``action_unarchive``, or a won lead moved back to an open stage) do:

    - a :class:`DisqualifiedLead` becomes an open :class:`Lead` (*to* ``lead`` or
      ``None``) or a :class:`NurturedLead` (*to* ``nurtured``, with *reason* as the
      reason it is nurtured). It keeps its evidence and its last qualification; the
      disqualification stays in the history, and :func:`reassess` decides it afresh;
    - a :class:`LostOpportunity` or a :class:`Customer` becomes an open
      :class:`Opportunity` at *step* (default: the step it closed at), with the
      policy's probability for that step (*policy* ``None`` means
      :data:`~leadflow.DEFAULT_POLICY`). The loss or the win stays in the history.

    Returns:
        The open value and the :class:`~leadflow.LeadReopened` or
        :class:`~leadflow.OpportunityReopened` event.

    Raises:
        IllegalTransitionError: *value* is not closed, or *to* is not a stage it
            reopens to (``lead`` or ``nurtured`` for a lead, ``opportunity`` for an
            opportunity).
        InvalidFieldError: a *step* is given for a lead, which has none.
        InvalidFieldError: *reason* is blank, or *as_of* precedes the last event.
    """
    if to is not None and not isinstance(to, FunnelStage):
        raise WrongTypeError("to", to, "expected a FunnelStage")
    if not isinstance(value, (DisqualifiedLead, LostOpportunity, Customer)):
        toward = FunnelStage.OPPORTUNITY if isinstance(value, Opportunity) else FunnelStage.LEAD
        refuse(
            "reopen",
            value,
            to or toward,
            "only a disqualified lead or a closed opportunity reopens",
        )
    if isinstance(value, DisqualifiedLead):
        to = FunnelStage.LEAD if to is None else to
        if to not in (FunnelStage.LEAD, FunnelStage.NURTURED):
            refuse("reopen", value, to, "a disqualified lead reopens as a lead or nurtured")
        if step is not None:
            raise InvalidFieldError("step", step, "a lead has no sales step to reopen at")
        check_time(value, as_of)
        event = LeadReopened(at=as_of, by=by, to_stage=to, reason=reason)
        if to is FunnelStage.NURTURED:
            return carry(value, NurturedLead, event, reason=reason, revisit_on=None), event
        return carry(value, Lead, event), event
    if to not in (None, FunnelStage.OPPORTUNITY):
        refuse("reopen", value, to, "a closed opportunity reopens as an opportunity")
    step = value.step if step is None else step
    if not isinstance(step, OpportunityStage):
        raise WrongTypeError("step", step, "expected an OpportunityStage")
    check_time(value, as_of)
    probability = (DEFAULT_POLICY if policy is None else policy).probability(step)
    opened = OpportunityReopened(
        at=as_of, by=by, from_stage=value.stage, reason=reason, step=step, probability=probability
    )
    return carry(value, Opportunity, opened, step=step, probability=probability), opened


def import_opportunity(
    *,
    contact: Contact,
    name: str,
    source: str,
    opened_at: datetime,
    outcome: FunnelStage = FunnelStage.OPPORTUNITY,
    step: OpportunityStage | None = None,
    probability: int | None = None,
    estimated_value: Money | None = None,
    expected_close: date | None = None,
    closed_at: datetime | None = None,
    won_value: Money | None = None,
    loss_reason: LossReason | None = None,
    competitor: str | None = None,
    owner: str | None = None,
    product: str | None = None,
    record_id: str | None = None,
    evidence: Evidence | None = None,
    policy: Policy | None = None,
) -> Opportunity | LostOpportunity | Customer:
    """An opportunity already in a CRM, as it stands: open, won or lost.

    Its history starts with an :class:`~leadflow.OpportunityImported` event at
    *opened_at* (when it was created there), naming *source* and *record_id*; a won or
    lost one then closes at *closed_at* with :class:`~leadflow.OpportunityWon` or
    :class:`~leadflow.OpportunityLost`. It has no qualification or promotion decision
    (leadflow saw neither) and its evidence is *evidence* or unknown: nothing is made
    up. The funnel counts it at its stage, and its sales cycle runs from *opened_at* to
    *closed_at*.

    Args:
        contact: The person the deal is with (its primary contact).
        name: The opportunity's name.
        source: Where it comes from (``salesforce``, a file name).
        opened_at: When it was opened there (aware).
        outcome: ``opportunity`` (open), ``customer`` (won) or ``lost``.
        step: Its sales step (default ``qualify``; for a closed deal, the step it
            closed at).
        probability: Its win probability; default the policy's for *step* while
            open (*policy* ``None`` means :data:`~leadflow.DEFAULT_POLICY`), 100 when
            won, 0 when lost.
        estimated_value: What it is expected to be worth, if known.
        expected_close: When it is expected to close, if known.
        closed_at: When it was won or lost (required then, aware, not before
            *opened_at*).
        won_value: What a won deal was worth (default *estimated_value*).
        loss_reason: Why a lost deal was lost (default ``other``).
        competitor: Who won a deal lost to a competitor.
        owner: Who owns the deal there.
        product: What it sells.
        record_id: Its id there.
        evidence: What is known of the four criteria, if anything.
        policy: The policy whose probability an open deal's step takes by default.

    Raises:
        InvalidFieldError: a value is invalid (the error names it), *outcome* is not an
            opportunity's, a closed deal has no *closed_at* or an open one has one.
    """
    if outcome not in (FunnelStage.OPPORTUNITY, FunnelStage.CUSTOMER, FunnelStage.LOST):
        raise InvalidFieldError("outcome", outcome, "an opportunity is open, won or lost")
    closed = outcome is not FunnelStage.OPPORTUNITY
    if closed and closed_at is None:
        raise InvalidFieldError("closed_at", None, f"a deal {outcome.value} was closed at a time")
    if not closed and closed_at is not None:
        raise InvalidFieldError("closed_at", closed_at, "an open deal has not closed")
    step = OpportunityStage.QUALIFY if step is None else step
    if not isinstance(step, OpportunityStage):
        raise WrongTypeError("step", step, "expected an OpportunityStage")
    if probability is None:
        policy = DEFAULT_POLICY if policy is None else policy
        probability = {FunnelStage.CUSTOMER: 100, FunnelStage.LOST: 0}.get(
            outcome, policy.probability(step)
        )
    opened = OpportunityImported(
        at=opened_at,
        by=owner,
        source=source,
        record_id=record_id,
        step=step,
        probability=probability,
    )
    deal: dict[str, Any] = {
        "contact": contact,
        "evidence": Evidence() if evidence is None else evidence,
        "name": name,
        "step": step,
        "estimated_value": estimated_value,
        "expected_close": expected_close,
        "owner": owner,
        "product": product,
    }
    if not closed:
        return Opportunity(**deal, probability=probability, history=(opened,))
    assert closed_at is not None
    if outcome is FunnelStage.CUSTOMER:
        value = estimated_value if won_value is None else won_value
        won = OpportunityWon(at=closed_at, by=owner, value=value)
        return Customer(**deal, probability=probability, won_value=value, history=(opened, won))
    reason = LossReason.OTHER if loss_reason is None else loss_reason
    lost = OpportunityLost(at=closed_at, by=owner, reason=reason, competitor=competitor)
    return LostOpportunity(
        **deal,
        probability=probability,
        reason=reason,
        competitor=competitor,
        history=(opened, lost),
    )
