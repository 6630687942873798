"""How one criterion or signal scored, with a stable code and a human sentence.

A :class:`CriterionResult` depends only on the policy, the criterion, the level
seen and whether the evidence had gone stale, so a policy builds every possible
result once and decisions share them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Final

import attrs

from leadflow.signals import SignalResult

__all__ = ["CriterionResult", "Status", "lay_out"]


class Status(Enum):
    """The outcome of one criterion or signal; the second half of its code."""

    MET = "met"  #: the level meets the minimum
    UNCONFIRMED = "unconfirmed"  #: nothing is known yet
    STALE = "stale"  #: evidence exists but is older than the freshness window
    BELOW_MINIMUM = "below_minimum"  #: known, but weaker than the minimum


@attrs.frozen(kw_only=True)
class CriterionResult:
    """How one criterion (or promotion signal) scored.

    Attributes:
        name: The criterion or signal (``"budget"``, ``"relationship"``).
        code: Stable machine code, ``"<name>.<status>"`` (``"budget.unconfirmed"``).
        status: The outcome.
        level: The level used for scoring, after decay (a stale level is ``unknown``).
        minimum: The weakest level that meets it, or ``None`` when anything does.
        points: Points it gave (0 for promotion signals).
        weight: The most points it could give (0 for promotion signals).
        required: Whether it must be met.
        sentence: What happened, for people.
        next_step: What to do to move forward, or ``None`` when met.
    """

    name: str
    code: str
    status: Status
    level: Enum
    minimum: Enum | None
    points: int
    weight: int
    required: bool
    sentence: str
    next_step: str | None

    @property
    def met(self) -> bool:
        """Whether the level meets the minimum."""
        return self.status is Status.MET


_LABELS: Final = {
    "need": "Need",
    "budget": "Budget",
    "timeframe": "Market availability",
    "authority": "Decision authority",
    "relationship": "The relationship",
    "requirements": "Identification of specific needs",
    "terms": "Discussion of terms",
    "supplier": "Current supplier status",
}

# What to do when a criterion is not known, and when it is known but too weak.
_CONFIRM: Final = {
    "need": "confirm what the party needs",
    "budget": "confirm budget",
    "timeframe": "confirm when the party will buy",
    "authority": "identify the decision maker",
    "relationship": "build a relationship with the lead",
    "requirements": "identify the lead's specific needs and requirements",
    "terms": "start discussing payment terms",
    "supplier": "find out where the lead stands with its current supplier",
}
_IMPROVE: Final = {
    "need": "develop the need until it is at least {minimum}",
    "budget": "secure a budget that is at least {minimum}",
    "timeframe": "revisit when the purchase is {minimum} or sooner",
    "authority": "identify the decision maker",
    "relationship": "build the relationship until it is {minimum}",
    "requirements": "identify the lead's specific needs and requirements",
    "terms": "bring the lead to discussing {minimum}",
    "supplier": "wait until the lead drops its current supplier",
}


def _words(level: Enum) -> str:
    return str(level.value).replace("_", " ")


def build_result(
    name: str,
    level: Any,
    minimum: Any,
    *,
    points: int = 0,
    weight: int = 0,
    required: bool,
    stale: bool = False,
) -> CriterionResult:
    """Build the result for *name* at *level* (the effective level, after decay)."""
    label = _LABELS[name]
    scored = f" ({points}/{weight} points)" if weight else ""
    wanted = "optional" if not required else "required"
    if minimum is None or level.at_least(minimum):
        status = Status.MET
    elif stale:
        status = Status.STALE
    elif level.rank == 0:
        status = Status.UNCONFIRMED
    else:
        status = Status.BELOW_MINIMUM
    if status is Status.MET:
        sentence = f"{label} is {_words(level)}{scored}: met ({wanted})."
        step = None
    elif status is Status.STALE:
        sentence = (
            f"{label} evidence is older than the freshness window and counts as unknown"
            f"{scored} ({wanted})."
        )
        step = "re-" + _CONFIRM[name] if _CONFIRM[name].startswith("confirm") else _CONFIRM[name]
    elif status is Status.UNCONFIRMED:
        sentence = f"{label} is not known yet{scored} ({wanted})."
        step = _CONFIRM[name]
    else:
        sentence = (
            f"{label} is {_words(level)}{scored}, below the minimum of {_words(minimum)}"
            f" ({wanted})."
        )
        step = _IMPROVE[name].format(minimum=_words(minimum))
    return CriterionResult(
        name=name,
        code=f"{name}.{status.value}",
        status=status,
        level=level,
        minimum=minimum,
        points=points,
        weight=weight,
        required=required,
        sentence=sentence,
        next_step=step,
    )


def lay_out(
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
