"""Qualifying a contact as a lead: the four-criteria decision, explained.

:func:`qualify` is a pure function of the contact, the evidence, the policy and
"now" (``as_of``). It never raises because a criterion failed: a failed
criterion is part of the decision. It raises only for malformed input.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from leadflow import _validate as v
from leadflow.contacts import Contact
from leadflow.decisions import Grade, QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.evidence import (
    Criterion,
    Evidence,
    TimeframeEvidence,
    TimeframeLevel,
    authority_level,
)
from leadflow.explanation import CriterionResult
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY

__all__ = ["effective_timeframe", "qualify"]


def effective_timeframe(
    evidence: TimeframeEvidence, today: date, horizon_days: int
) -> TimeframeLevel:
    """The timeframe level that *evidence* stands for on *today*.

    A named level is taken as it is. An expected decision date is placed in a
    bucket: within 30 days is immediate, then this quarter, next quarter, this
    year; beyond that, or beyond *horizon_days*, it is "later". A date already
    past says nothing about the future and counts as unknown.

    >>> effective_timeframe(TimeframeEvidence(decision_date=date(2026, 8, 20)),
    ...                     date(2026, 5, 4), horizon_days=365)
    <TimeframeLevel.NEXT_QUARTER: 'next_quarter'>
    """
    when = evidence.decision_date
    if when is None:
        return evidence.level
    days = (when - today).days
    if days < 0:
        return TimeframeLevel.UNKNOWN
    if days > horizon_days:
        return TimeframeLevel.LATER
    if days <= 30:
        return TimeframeLevel.IMMEDIATE
    quarters = (when.year * 4 + (when.month - 1) // 3) - (today.year * 4 + (today.month - 1) // 3)
    if quarters == 0:
        return TimeframeLevel.THIS_QUARTER
    if quarters == 1:
        return TimeframeLevel.NEXT_QUARTER
    if when.year == today.year:
        return TimeframeLevel.THIS_YEAR
    return TimeframeLevel.LATER


def _grade(score: int, floors: tuple[int, int, int]) -> Grade:
    if score >= floors[0]:
        return Grade.A
    if score >= floors[1]:
        return Grade.B
    if score >= floors[2]:
        return Grade.C
    return Grade.D


def _check(field: str, value: object, kind: type) -> None:
    if not isinstance(value, kind):
        raise WrongTypeError(field, value, f"expected a {kind.__name__}, not {v.type_name(value)}")


def qualify(
    contact: Contact,
    evidence: Evidence,
    policy: Policy = DEFAULT_POLICY,
    *,
    as_of: datetime,
) -> QualificationDecision:
    """Decide whether *contact* qualifies as a lead on *evidence* under *policy*.

    Args:
        contact: The contact; its role gives decision authority.
        evidence: What is known on the four criteria.
        policy: The rules; BANT by default.
        as_of: "Now", timezone-aware. Evidence observed more than
            ``policy.freshness`` before it counts as unknown.

    Returns:
        A decision, whatever the outcome.

    Raises:
        WrongTypeError: an argument is of the wrong type.
        NaiveDatetimeError: ``as_of`` has no timezone.
        InvalidFieldError: evidence was observed after ``as_of``.
    """
    _check("contact", contact, Contact)
    _check("evidence", evidence, Evidence)
    _check("policy", policy, Policy)
    v.check_aware("as_of", as_of)
    levels: dict[Criterion, Any] = {
        Criterion.NEED: evidence.need.level,
        Criterion.BUDGET: evidence.budget.level,
        Criterion.TIMEFRAME: effective_timeframe(
            evidence.timeframe, as_of.date(), policy.horizon_days
        ),
        Criterion.AUTHORITY: authority_level(contact.role, evidence.authority.process),
    }
    results = []
    for criterion in policy.order:
        observed = evidence.observed(criterion)
        stale = False
        if observed is not None:
            if observed > as_of:
                raise InvalidFieldError(
                    f"evidence.{criterion.value}.observed_at", observed, "observed after as_of"
                )
            stale = policy.freshness is not None and as_of - observed > policy.freshness
        level = levels[criterion]
        if stale:
            level = type(level).UNKNOWN
        results.append(policy.result(criterion, level, stale=stale))
    return decide(tuple(results), policy, as_of, evidence)


def decide(
    results: tuple[CriterionResult, ...], policy: Policy, as_of: datetime, evidence: Evidence
) -> QualificationDecision:
    """Turn per-criterion results into the decision (the threshold law lives here)."""
    score = sum(r.points for r in results)
    requirements_met = all(r.met for r in results if r.required)
    if requirements_met and score >= policy.threshold:
        verdict = Verdict.QUALIFIED
    elif score >= policy.nurture_threshold:
        verdict = Verdict.NURTURE
    else:
        verdict = Verdict.DISQUALIFIED
    if score >= policy.hot_score and verdict is Verdict.QUALIFIED:
        rating = Rating.HOT
    elif score >= policy.warm_score:
        rating = Rating.WARM
    else:
        rating = Rating.COLD
    steps: list[str] = []
    for result in results:
        if result.next_step is not None and result.next_step not in steps:
            steps.append(result.next_step)
    return QualificationDecision(
        verdict=verdict,
        score=score,
        grade=_grade(score, policy.grade_floors),
        rating=rating,
        results=results,
        next_steps=tuple(steps),
        policy=policy.name,
        threshold=policy.threshold,
        as_of=as_of,
        evidence=evidence,
    )
