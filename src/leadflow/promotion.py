"""Promoting a lead to an opportunity on the seed's relationship signals.

A lead becomes an opportunity when the seller has built a relationship with it,
identified its specific needs and requirements and brought it to discussing
payment terms; when it has dropped its current supplier (or has none to
displace) and its need is strong -- and it still qualifies. The policy's
:class:`~leadflow.PromotionRule` says which of these are required and how far.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from leadflow import _validate as v
from leadflow._moves import carry, check_time, refuse
from leadflow.decisions import PromotionDecision
from leadflow.errors import InvalidFieldError, PromotionRefusedError, WrongTypeError
from leadflow.events import LeadPromoted
from leadflow.evidence import Criterion, PromotionSignals
from leadflow.explanation import CriterionResult, Status, build_result
from leadflow.lifecycle import Lead, Opportunity
from leadflow.money import Money
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY
from leadflow.qualification import qualify
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = ["can_promote", "promote"]

_SIGNALS = ("relationship", "requirements", "supplier", "terms")


def can_promote(
    lead: Lead,
    signals: PromotionSignals,
    policy: Policy | None = None,
    *,
    as_of: datetime,
) -> PromotionDecision:
    """Decide whether *lead* can be promoted to an opportunity, and explain why.

    The lead is re-qualified on its evidence at *as_of* (evidence may have gone
    stale since it qualified); it must still qualify. Signals reviewed longer ago
    than the policy's freshness window count as unknown. *policy* ``None`` (the
    default) means :data:`~leadflow.DEFAULT_POLICY`.

    Raises:
        IllegalTransitionError: *lead* is not an open :class:`~leadflow.Lead`.
        WrongTypeError: *signals* or *policy* is of the wrong type.
    """
    policy = DEFAULT_POLICY if policy is None else policy
    if not isinstance(lead, Lead):
        refuse("promote", lead, FunnelStage.OPPORTUNITY, "only an open lead is promoted")
    if not isinstance(signals, PromotionSignals):
        raise WrongTypeError(
            "signals", signals, f"expected PromotionSignals, not {v.type_name(signals)}"
        )
    qualification = qualify(lead.contact, lead.evidence, policy, as_of=as_of)
    stale = False
    if signals.observed_at is not None:
        age = v.instant(as_of) - signals.observed_at
        if age < timedelta(0):
            raise InvalidFieldError(
                "signals.observed_at", signals.observed_at, "observed after as_of"
            )
        stale = policy.freshness is not None and age > policy.freshness
    gate = policy.promotion
    need = qualification.result(Criterion.NEED)
    results: list[CriterionResult] = [
        build_result(
            "need",
            need.level,
            gate.need,
            required=gate.need is not None,
            stale=need.status is Status.STALE,
        )
    ]
    for name in _SIGNALS:
        level: Any = getattr(signals, name)
        if stale:
            level = type(level).UNKNOWN
        minimum = getattr(gate, name)
        results.append(
            build_result(name, level, minimum, required=minimum is not None, stale=stale)
        )
    steps: list[str] = []
    for step in [r.next_step for r in results if r.required] + list(qualification.next_steps):
        if step is not None and step not in steps:
            steps.append(step)
    promotable = qualification.qualified and all(r.met for r in results if r.required)
    return PromotionDecision(
        promotable=promotable,
        results=tuple(results),
        qualification=qualification,
        next_steps=tuple(steps),
        policy=policy.name,
        as_of=as_of,
        signals=signals,
    )


def promote(
    lead: Lead,
    signals: PromotionSignals,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    estimated_value: Money | None = None,
    expected_close: date | None = None,
    name: str | None = None,
    by: str | None = None,
) -> tuple[Opportunity, LeadPromoted]:
    """Promote *lead* to an opportunity at the policy's first sales step.

    Args:
        lead: An open lead.
        signals: The relationship signals seen so far.
        policy: The rules; ``None`` (the default) means :data:`~leadflow.DEFAULT_POLICY`
            (BANT).
        as_of: "Now", timezone-aware.
        estimated_value: What the sale is expected to be worth, if known.
        expected_close: When it is expected to close, if known.
        name: The opportunity's name; defaults to the organisation's name, or
            the contact's for a private person.
        by: Who promoted it, if given.

    Returns:
        The opportunity and the :class:`~leadflow.LeadPromoted` event.

    Raises:
        PromotionRefusedError: the gate is closed; the error carries the decision.
        IllegalTransitionError: *lead* is not an open :class:`~leadflow.Lead`.
    """
    policy = DEFAULT_POLICY if policy is None else policy
    if isinstance(lead, Lead):
        # Like every other move, refuse a backdated one before deciding anything.
        check_time(lead, as_of)
    decision = can_promote(lead, signals, policy, as_of=as_of)
    if not decision.promotable:
        raise PromotionRefusedError(decision)
    if estimated_value is not None and not isinstance(estimated_value, Money):
        raise WrongTypeError("estimated_value", estimated_value, "expected Money")
    if estimated_value is not None and estimated_value.amount < 0:
        raise InvalidFieldError("estimated_value", estimated_value, "must not be negative")
    organisation = lead.contact.organisation
    default_name = organisation.name if organisation is not None else lead.contact.name
    event = LeadPromoted(at=as_of, by=by, decision=decision)
    first = OpportunityStage.QUALIFY
    opportunity = carry(
        lead,
        Opportunity,
        event,
        signals=signals,
        promotion=decision,
        name=default_name if name is None else name,
        step=first,
        probability=policy.probability(first),
        estimated_value=estimated_value,
        expected_close=expected_close,
    )
    return opportunity, event
