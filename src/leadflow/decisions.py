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
from leadflow.explanation import CriterionResult, Status
from leadflow.signals import SignalResult

__all__ = [
    "Grade",
    "PromotionDecision",
    "QualificationDecision",
    "Rating",
    "Verdict",
    "explain_decision",
]


class Verdict(Enum):
    """The outcome of a qualification.

    ``DISQUALIFIED`` takes evidence against the contact; ``UNDETERMINED`` means
    "insufficient evidence": nothing known rules the contact out, but some
    required criterion is still unknown (or its evidence went stale);
    ``NURTURE`` is a contact worth developing (in the market only later, or
    meeting every requirement below the threshold); ``QUALIFIED`` meets every
    requirement at or above the threshold. Only ``DISQUALIFIED`` ends a lead:
    the other three are open states.
    """

    DISQUALIFIED = "disqualified"
    UNDETERMINED = "undetermined"
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
        verdict: Qualified, nurture, undetermined or disqualified.
        score: 0-100, the sum of the criteria's and the signals' points.
        grade: Letter grade from the score.
        rating: Hot, warm or cold.
        results: One result per criterion, in policy order.
        next_steps: What to do to move forward, no repeats: for an undetermined
            contact the required criteria still to find out come first, weightiest
            first; otherwise in policy order.
        policy: Name of the policy that decided.
        threshold: The policy's qualification threshold.
        as_of: The "now" the decision was made at.
        evidence: The evidence the decision was made on.
        signals: One result per signal the policy declares, in policy order.
        reason: Why the verdict is what it is, in one sentence (the evidence
            against, for a disqualified contact).
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
    signals: tuple[SignalResult, ...] = ()
    reason: str = ""

    @property
    def qualified(self) -> bool:
        """Whether the verdict is "qualified"."""
        return self.verdict is Verdict.QUALIFIED

    @property
    def codes(self) -> tuple[str, ...]:
        """The machine codes of the criteria (policy order), then of the signals."""
        return tuple(r.code for r in self.results) + tuple(s.code for s in self.signals)

    @property
    def against(self) -> tuple[CriterionResult, ...]:
        """The evidence against, in policy order: required criteria known below their minimum.

        A timeframe below its minimum is not among them: it says the party is in the
        market later, not that it never will be.
        """
        return tuple(
            r
            for r in self.results
            if r.required and r.status is Status.BELOW_MINIMUM and r.name != "timeframe"
        )

    @property
    def missing(self) -> tuple[CriterionResult, ...]:
        """The required criteria not known (never asked, or gone stale), in policy order."""
        return tuple(
            r for r in self.results if r.required and r.status in (Status.UNCONFIRMED, Status.STALE)
        )

    def result(self, criterion: Criterion | str) -> CriterionResult:
        """The result for *criterion* (a :class:`Criterion` or its name)."""
        return _find(self.results, criterion)

    def signal(self, name: str) -> SignalResult:
        """The result for the signal *name*."""
        for result in self.signals:
            if result.name == name:
                return result
        raise InvalidFieldError("signal", name, "not reported by this decision")

    def explain(self) -> str:
        """The decision as readable text: verdict, one line per criterion and signal, steps."""
        return explain_decision(
            f"{self.verdict.value.upper()}: score {self.score}/100 "
            f"(threshold {self.threshold}), grade {self.grade.value}, {self.rating.value}",
            f"policy {self.policy}, as of {self.as_of.isoformat()}",
            self.results,
            self.next_steps,
            reason=self.reason,
            signals=self.signals,
        )


#: What a qualification decides from its criterion and signal results alone: verdict,
#: score, grade, rating, results, next steps, policy name, threshold, signals and reason.
Outcome: TypeAlias = tuple[
    Verdict,
    int,
    Grade,
    Rating,
    tuple[CriterionResult, ...],
    tuple[str, ...],
    str,
    int,
    tuple[SignalResult, ...],
    str,
]

# QualificationDecision has no validators or converters, so filling its slots directly
# builds exactly what its __init__ builds, without parsing twelve keyword arguments.
# Batches build one decision per record; this halves the cost of each.
_new = object.__new__
_slot = {
    a.name: getattr(QualificationDecision, a.name).__set__
    for a in attrs.fields(QualificationDecision)
}
_set_verdict = _slot["verdict"]
_set_score = _slot["score"]
_set_grade = _slot["grade"]
_set_rating = _slot["rating"]
_set_results = _slot["results"]
_set_next_steps = _slot["next_steps"]
_set_policy = _slot["policy"]
_set_threshold = _slot["threshold"]
_set_signals = _slot["signals"]
_set_reason = _slot["reason"]
_set_as_of = _slot["as_of"]
_set_evidence = _slot["evidence"]
if len(_slot) != 12:  # pragma: no cover - a new field must be filled in below too
    raise AssertionError("assemble() does not fill every field of QualificationDecision")


def assemble(outcome: Outcome, as_of: datetime, evidence: Evidence) -> QualificationDecision:
    """The decision made of *outcome* (see :data:`Outcome`) at *as_of* on *evidence*.

    Equal to ``QualificationDecision(verdict=outcome[0], ..., as_of=as_of,
    evidence=evidence)``, built faster. The caller vouches for the parts' types.
    """
    verdict, score, grade, rating, results, next_steps, policy, threshold, signals, reason = outcome
    decision: QualificationDecision = _new(QualificationDecision)
    _set_verdict(decision, verdict)
    _set_score(decision, score)
    _set_grade(decision, grade)
    _set_rating(decision, rating)
    _set_results(decision, results)
    _set_next_steps(decision, next_steps)
    _set_policy(decision, policy)
    _set_threshold(decision, threshold)
    _set_signals(decision, signals)
    _set_reason(decision, reason)
    _set_as_of(decision, as_of)
    _set_evidence(decision, evidence)
    return decision


def explain_decision(
    headline: str,
    context: str,
    results: tuple[CriterionResult, ...],
    next_steps: tuple[str, ...],
    *,
    reason: str = "",
    signals: tuple[SignalResult, ...] = (),
) -> str:
    """Lay out a decision as text (shared by qualification and promotion)."""
    names = [r.name for r in results] + [r.name for r in signals]
    width = max((len(name) for name in names), default=0)
    # Wide enough for "<name>.below_minimum", the longest criterion code.
    code_width = max([width + 14, *(len(r.code) for r in signals)])
    lines = [headline, f"  ({context})"]
    if reason:
        lines.append(f"  {reason}")
    lines += [f"  {r.name:<{width}}  {r.code:<{code_width}}  {r.sentence}" for r in results]
    lines += [f"  {r.name:<{width}}  {r.code:<{code_width}}  {r.sentence}" for r in signals]
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
