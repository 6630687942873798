"""Reading labelled history: what a fit learns from, row by row.

An :class:`Example` is one row (evidence, outcome, contact); a :class:`Feature`
names a signal to learn and its kind. :func:`read_history` turns the examples into
columns: each row's four criterion levels read as a decision reads them (stale
evidence counts as unknown, a decision date is placed in its timeframe bucket),
whether its required criteria are met, and each feature's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal

import attrs

from leadflow import _validate as v
from leadflow._grammar import is_signal_name
from leadflow.contacts import Contact, PurchaseRole
from leadflow.decisions import Outcome
from leadflow.errors import InvalidFieldError
from leadflow.evidence import Criterion, Evidence, OrderedLevel
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY
from leadflow.signals import CategoricalSignal, NumericSignal, Signal

__all__ = [
    "UTC_EPOCH",
    "Example",
    "Feature",
    "Kind",
    "Method",
    "Table",
    "latest",
    "outcome_of",
    "read_history",
]

#: The kinds of signal a fit learns.
Kind = Literal["number", "category"]
Method = Literal["scorecard", "naive_bayes"]


def _check_name(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not is_signal_name(value):
        raise InvalidFieldError(
            attribute.name,
            value,
            "a signal name is lowercase letters, digits and underscores, starting with a letter",
        )


def _check_kind(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in ("number", "category"):
        raise InvalidFieldError(attribute.name, value, "expected 'number' or 'category'")


def _check_monotone(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in (None, "increasing", "decreasing"):
        raise InvalidFieldError(
            attribute.name, value, "expected 'increasing', 'decreasing' or None"
        )


@attrs.frozen(kw_only=True)
class Feature:
    """A signal to learn: its name (the evidence key and record column) and kind.

    Attributes:
        name: The signal's name (lowercase letters, digits and underscores).
        kind: ``"number"`` (binned at quantiles) or ``"category"``.
        monotone: For a number, ``"increasing"`` or ``"decreasing"`` when its
            points must only rise (or fall) with the value; ``None`` leaves the
            bins free.
    """

    name: str = attrs.field(validator=_check_name)
    kind: Kind = attrs.field(validator=_check_kind)
    monotone: Literal["increasing", "decreasing"] | None = attrs.field(
        default=None, validator=_check_monotone
    )

    def __attrs_post_init__(self) -> None:
        if self.monotone is not None and self.kind == "category":
            raise InvalidFieldError("monotone", self.monotone, "only a number can be monotone")

    @classmethod
    def of(cls, signal: Signal) -> Feature:
        """The feature that learns *signal* again: its name, of its kind."""
        return cls(
            name=signal.name, kind="number" if isinstance(signal, NumericSignal) else "category"
        )

    def reader(self) -> Signal:
        """A signal of weight 0 that reads this feature's column from records, scoring nothing."""
        if self.kind == "number":
            return NumericSignal(name=self.name, weight=0, edges=(0,), points=(0, 0))
        return CategoricalSignal(name=self.name, weight=0, points={})


@attrs.frozen(kw_only=True)
class Example:
    """One labelled row of history.

    Attributes:
        evidence: What was known (criteria and signal values).
        outcome: Whether it converted (or was won).
        contact: The contact, whose role gives decision authority; ``None`` reads
            authority from the purchase process alone.
        as_of: When it was judged (evidence older than the policy's freshness
            then counts as unknown, and decision dates are placed from it);
            ``None`` takes the fit's ``as_of``.
    """

    evidence: Evidence = attrs.field(validator=v.of_type(Evidence))
    outcome: bool = attrs.field(validator=v.of_type(bool))
    contact: Contact | None = attrs.field(default=None, validator=v.of_type(Contact, optional=True))
    as_of: datetime | None = attrs.field(default=None, validator=v.optional_aware)


# ----------------------------------------------------------------------------------------
# Reading the history
# ----------------------------------------------------------------------------------------


@attrs.frozen
class Table:
    """The history as columns: outcomes, criterion levels and signal values."""

    outcomes: tuple[bool, ...]
    levels: dict[Criterion, tuple[OrderedLevel, ...]]
    values: dict[str, tuple[Any, ...]]
    # Per row, whether its required criteria are met, and for the threshold
    # search, whether it is evidence against.
    met: tuple[bool, ...]

    def subset(self, rows: Sequence[int]) -> Table:
        return Table(
            outcomes=tuple(self.outcomes[i] for i in rows),
            levels={c: tuple(ls[i] for i in rows) for c, ls in self.levels.items()},
            values={n: tuple(vs[i] for i in rows) for n, vs in self.values.items()},
            met=tuple(self.met[i] for i in rows),
        )


UTC_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _reader(base: Policy) -> Policy:
    """A policy that reads levels as *base* does (same freshness and horizon)."""
    return attrs.evolve(DEFAULT_POLICY, freshness=base.freshness, horizon_days=base.horizon_days)


def latest(examples: Sequence[Example]) -> datetime:
    """The latest time any example's evidence was observed (the history's "now")."""
    latest: datetime | None = None
    for example in examples:
        evidence = example.evidence
        times = [evidence.observed(c) for c in Criterion]
        times += [o.observed_at for _, o in evidence.signals]
        for when in times:
            if when is not None and (latest is None or when > latest):
                latest = when
    return UTC_EPOCH if latest is None else latest


def outcome_of(policy: Policy, example: Example, as_of: datetime) -> Outcome:
    """What *policy* decides on *example* (its contact's role, else an unknown role)."""
    engine = policy._engine
    when = example.as_of or as_of
    role = PurchaseRole.UNKNOWN if example.contact is None else example.contact.role
    now = engine.instant(when)
    index = engine.index(role, example.evidence, when, now)
    if index < 0:
        engine.refuse(example.evidence, now)
    return engine.outcome(index, example.evidence, now)


def read_history(
    examples: Sequence[Example],
    features: Sequence[Feature],
    base: Policy,
    required: tuple[Criterion, ...],
    as_of: datetime,
) -> Table:
    deciding = _reader(base)
    levels: dict[Criterion, list[OrderedLevel]] = {c: [] for c in Criterion}
    values: dict[str, list[Any]] = {f.name: [] for f in features}
    met: list[bool] = []
    # The required criteria, each with the weakest level that meets it.
    minimums = {c: base.rule(c).minimum for c in required}
    for index, example in enumerate(examples):
        try:
            results = outcome_of(deciding, example, as_of)[4]
        except InvalidFieldError as error:
            raise error.under(f"history[{index}]") from None
        row_met = True
        for result in results:
            criterion = Criterion(result.name)
            level = result.level  # a stale result's level is unknown
            assert isinstance(level, OrderedLevel)  # every criterion's levels are ordered
            levels[criterion].append(level)
            minimum = minimums.get(criterion)
            if minimum is not None and (level.rank == 0 or not level.at_least(minimum)):
                row_met = False
        met.append(row_met)
        seen = dict(example.evidence.signals)
        when = example.as_of or as_of
        for feature in features:
            observation = seen.get(feature.name)
            value = None if observation is None else observation.value
            observed = None if observation is None else observation.observed_at
            if observed is not None and observed > when:
                raise InvalidFieldError(
                    f"history[{index}].evidence.signals.{feature.name}.observed_at",
                    observed,
                    "observed after as_of",
                )
            wanted = Decimal if feature.kind == "number" else str
            if value is not None and not isinstance(value, wanted):
                raise InvalidFieldError(
                    f"history[{index}].evidence.signals.{feature.name}",
                    value,
                    f"expected a {'number' if feature.kind == 'number' else 'category'}",
                )
            values[feature.name].append(value)
    return Table(
        outcomes=tuple(e.outcome for e in examples),
        levels={c: tuple(ls) for c, ls in levels.items()},
        values={n: tuple(vs) for n, vs in values.items()},
        met=tuple(met),
    )
