"""Decisions: what the rules concluded, per criterion, and how to explain it.

Decisions are plain values. They are made by :func:`leadflow.qualify` and
:func:`leadflow.can_promote`, recorded in the events that moved a value along
the funnel, and explain themselves with ``explain()``.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TypeAlias

import attrs

from leadflow.errors import InvalidFieldError
from leadflow.evidence import Criterion, Evidence, PromotionSignals
from leadflow.explanation import CriterionResult

__all__ = [
    "Grade",
    "PromotionDecision",
    "QualificationDecision",
    "Rating",
    "Verdict",
    "explain_decision",
]


class Verdict(Enum):
    """The outcome of a qualification, from worst to best."""

    DISQUALIFIED = "disqualified"
    NURTURE = "nurture"
    QUALIFIED = "qualified"


class Grade(Enum):
    """Letter grade from the score (A best)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Rating(Enum):
    """Temperature of the contact (Dynamics ``leadqualitycode``, Salesforce ``Rating``)."""

    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


@attrs.frozen(kw_only=True)
class QualificationDecision:
    """Whether a contact qualifies as a lead, and why.

    Attributes:
        verdict: Qualified, nurture or disqualified.
        score: 0-100, the sum of the criteria's points.
        grade: Letter grade from the score.
        rating: Hot, warm or cold.
        results: One result per criterion, in policy order.
        next_steps: What to do to move forward, in policy order (no repeats).
        policy: Name of the policy that decided.
        threshold: The policy's qualification threshold.
        as_of: The "now" the decision was made at.
        evidence: The evidence the decision was made on.
    """

    verdict: Verdict
    score: int
    grade: Grade
    rating: Rating
    results: tuple[CriterionResult, ...]
    next_steps: tuple[str, ...]
    policy: str
    threshold: int
    as_of: datetime
    evidence: Evidence

    @property
    def qualified(self) -> bool:
        """Whether the verdict is "qualified"."""
        return self.verdict is Verdict.QUALIFIED

    @property
    def codes(self) -> tuple[str, ...]:
        """The results' machine codes, in policy order."""
        return tuple(r.code for r in self.results)

    def result(self, criterion: Criterion | str) -> CriterionResult:
        """The result for *criterion* (a :class:`Criterion` or its name)."""
        return _find(self.results, criterion)

    def explain(self) -> str:
        """The decision as readable text: verdict, one line per criterion, next steps."""
        return explain_decision(
            f"{self.verdict.value.upper()}: score {self.score}/100 "
            f"(threshold {self.threshold}), grade {self.grade.value}, {self.rating.value}",
            f"policy {self.policy}, as of {self.as_of.isoformat()}",
            self.results,
            self.next_steps,
        )


#: What a qualification decides from its criterion results alone: verdict, score,
#: grade, rating, results, next steps, policy name and threshold, in field order.
Outcome: TypeAlias = tuple[
    Verdict, int, Grade, Rating, tuple[CriterionResult, ...], tuple[str, ...], str, int
]

# QualificationDecision has no validators or converters, so filling its slots directly
# builds exactly what its __init__ builds, without parsing ten keyword arguments.
# Batches build one decision per record; this halves the cost of each.
_new = object.__new__
(
    _set_verdict,
    _set_score,
    _set_grade,
    _set_rating,
    _set_results,
    _set_next_steps,
    _set_policy,
    _set_threshold,
    _set_as_of,
    _set_evidence,
) = (getattr(QualificationDecision, a.name).__set__ for a in attrs.fields(QualificationDecision))


def assemble(outcome: Outcome, as_of: datetime, evidence: Evidence) -> QualificationDecision:
    """The decision made of *outcome* (see :data:`Outcome`) at *as_of* on *evidence*.

    Equal to ``QualificationDecision(verdict=outcome[0], ..., as_of=as_of,
    evidence=evidence)``, built faster. The caller vouches for the parts' types.
    """
    verdict, score, grade, rating, results, next_steps, policy, threshold = outcome
    decision: QualificationDecision = _new(QualificationDecision)
    _set_verdict(decision, verdict)
    _set_score(decision, score)
    _set_grade(decision, grade)
    _set_rating(decision, rating)
    _set_results(decision, results)
    _set_next_steps(decision, next_steps)
    _set_policy(decision, policy)
    _set_threshold(decision, threshold)
    _set_as_of(decision, as_of)
    _set_evidence(decision, evidence)
    return decision


def explain_decision(
    headline: str,
    context: str,
    results: tuple[CriterionResult, ...],
    next_steps: tuple[str, ...],
) -> str:
    """Lay out a decision as text (shared by qualification and promotion)."""
    width = max(len(r.name) for r in results) if results else 0
    lines = [headline, f"  ({context})"]
    lines += [f"  {r.name:<{width}}  {r.code:<{width + 14}}  {r.sentence}" for r in results]
    if next_steps:
        lines.append("Next steps:")
        lines += [f"  - {step}" for step in next_steps]
    return "\n".join(lines)


def _find(results: tuple[CriterionResult, ...], key: Criterion | str) -> CriterionResult:
    name = key.value if isinstance(key, Criterion) else key
    for result in results:
        if result.name == name:
            return result
    raise InvalidFieldError("criterion", key, "not reported by this decision")


@attrs.frozen(kw_only=True)
class PromotionDecision:
    """Whether a lead can be promoted to an opportunity, and why.

    Attributes:
        promotable: Whether every required signal is met and the lead still qualifies.
        results: One result per signal: need, relationship, requirements, supplier, terms.
        qualification: The lead re-qualified at ``as_of`` on its current evidence.
        next_steps: What to do to move forward (signals first, then qualification).
        policy: Name of the policy that decided.
        as_of: The "now" the decision was made at.
        signals: The signals the decision was made on.
    """

    promotable: bool
    results: tuple[CriterionResult, ...]
    qualification: QualificationDecision
    next_steps: tuple[str, ...]
    policy: str
    as_of: datetime
    signals: PromotionSignals

    @property
    def codes(self) -> tuple[str, ...]:
        """The signals' machine codes, in report order."""
        return tuple(r.code for r in self.results)

    def result(self, signal: str) -> CriterionResult:
        """The result for *signal* (``"relationship"``, ``"terms"`` ...)."""
        return _find(self.results, signal)

    def explain(self) -> str:
        """The decision as readable text."""
        verdict = "PROMOTABLE" if self.promotable else "NOT PROMOTABLE"
        still = "still qualifies" if self.qualification.qualified else "no longer qualifies"
        return explain_decision(
            f"{verdict}: the lead {still} "
            f"(score {self.qualification.score}/100, {self.qualification.verdict.value})",
            f"policy {self.policy}, as of {self.as_of.isoformat()}",
            self.results,
            self.next_steps,
        )
