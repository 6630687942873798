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
from leadflow.explanation import CriterionResult, Status, lay_out
from leadflow.signals import SignalResult

__all__ = [
    "Grade",
    "PromotionDecision",
    "QualificationDecision",
    "Rating",
    "Verdict",
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
        probability: The calibrated probability (0-1) of the outcome at this
            score, under a policy that has a
            :attr:`~leadflow.Policy.calibration` (a learned one); else ``None``.
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
    probability: float | None = None

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

    @property
    def unmet(self) -> tuple[CriterionResult, ...]:
        """The required criteria not met, with their results, in policy order.

        A required criterion is unmet whatever the reason, the same rule the verdict
        follows: known below its minimum (:attr:`against`, and a timeframe that is
        only later), not known yet, or gone stale (:attr:`missing`). Optional
        criteria are never unmet. So a contact qualifies exactly when nothing is
        unmet and the score reaches the threshold; with nothing unmet and a lower
        score it is nurtured.
        """
        return tuple(r for r in self.results if r.required and not r.met)

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
        chance = "" if self.probability is None else f", probability {self.probability:.0%}"
        return lay_out(
            f"{self.verdict.value.upper()}: score {self.score}/100 "
            f"(threshold {self.threshold}){chance}, grade {self.grade.value}, "
            f"{self.rating.value}",
            f"policy {self.policy}, as of {self.as_of.isoformat()}",
            self.results,
            self.next_steps,
            reason=self.reason,
            signals=self.signals,
        )


#: What a qualification decides from its criterion and signal results alone: verdict,
#: score, grade, rating, results, next steps, policy name, threshold, signals, reason and
#: probability.
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
    float | None,
]


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
        return lay_out(
            f"{verdict}: the lead {still} "
            f"(score {self.qualification.score}/100, {self.qualification.verdict.value})",
            f"policy {self.policy}, as of {self.as_of.isoformat()}",
            self.results,
            self.next_steps,
        )
