"""The compiled policy: the one place a verdict is computed from evidence.

A :class:`~leadflow.Policy` builds its :class:`Engine` once, when it is made. The
engine holds every result a criterion can give, numbered so that the four results
of a decision are found with a few dict lookups and additions (:meth:`Engine.index`),
and the rule that turns results and signals into a verdict (:func:`verdict_of`).
:func:`~leadflow.qualify`, :func:`~leadflow.qualify_many` and anything else that
decides ask the engine; nothing else computes a verdict.

The engine keeps two memos, which only it fills: what each combination of results
decides, and the last ``as_of`` it validated. A memo never changes a result (an
outcome is a pure function of the policy and the combination), and each item is
replaced in one step, so callers sharing a policy across threads only ever read a
complete, correct item.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Final

import attrs

from leadflow import _validate as v
from leadflow.contacts import PurchaseRole
from leadflow.decisions import Grade, Outcome, QualificationDecision, Rating, Verdict
from leadflow.errors import InvalidFieldError
from leadflow.evidence import (
    LEVELS,
    Criterion,
    Evidence,
    PurchaseProcess,
    TimeframeEvidence,
    TimeframeLevel,
    authority_level,
)
from leadflow.explanation import CriterionResult, Status, build_result
from leadflow.signals import SignalResult

if TYPE_CHECKING:
    from leadflow.policy import Policy

__all__ = ["Engine", "Tables", "effective_timeframe", "verdict_of"]


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


# ----------------------------------------------------------------------------------------
# The verdict
# ----------------------------------------------------------------------------------------


def verdict_of(
    results: tuple[CriterionResult, ...], score: int, policy: Policy
) -> tuple[Verdict, str]:
    """The verdict on *results* scoring *score* under *policy*, and the reason for it.

    The rule, in order:

    1. A required criterion known and below its minimum (need none, budget none or
       insufficient ...) is evidence against: **disqualified**. A timeframe below its
       minimum is not: the party is in the market, later.
    2. Otherwise, a required criterion unknown or stale: **undetermined**, unless a
       known later timeframe already makes even meeting every open requirement at
       its minimum score below the nurture floor (then **disqualified**).
    3. Otherwise, a required timeframe below its minimum (in the market later):
       **nurture** when the score reaches the nurture floor, else **disqualified**.
    4. Otherwise every requirement is met: **qualified** at or above the threshold,
       else **nurture**.

    Signals only add points: they never outweigh rules 1 and 2.
    """
    against: list[CriterionResult] = []
    unknown: list[CriterionResult] = []
    later: CriterionResult | None = None
    for result in results:
        if not result.required or result.status is Status.MET:
            continue
        if result.status is Status.BELOW_MINIMUM:
            if result.name == Criterion.TIMEFRAME.value:
                later = result
            else:
                against.append(result)
        else:
            unknown.append(result)
    floor = policy.nurture_threshold
    if against:
        named = "; ".join(_against(r) for r in against)
        return Verdict.DISQUALIFIED, f"Disqualified on evidence against: {named}."
    if unknown:
        missing = ", ".join(r.name for r in unknown if r.status is not Status.STALE)
        stale = ", ".join(r.name for r in unknown if r.status is Status.STALE)
        names = "; ".join(
            part
            for part in (missing and f"{missing} not known yet", stale and f"{stale} gone stale")
            if part
        )
        if later is not None:
            # Meeting every open requirement at its minimum scores at least this much.
            best_case = score + sum(
                policy.rule(Criterion(r.name)).points_for(r.minimum) - r.points for r in unknown
            )
            if best_case < floor:
                return Verdict.DISQUALIFIED, (
                    f"Disqualified: in the market only later ({_later(later)}), and even "
                    f"meeting {_names(unknown)} would score {best_case}, below the nurture "
                    f"floor of {floor}."
                )
        return Verdict.UNDETERMINED, f"Insufficient evidence: {names} (required)."
    if later is not None:
        if score >= floor:
            return Verdict.NURTURE, (
                f"Nurture: in the market only later ({_later(later)}); "
                "every other requirement is met."
            )
        return Verdict.DISQUALIFIED, (
            f"Disqualified: in the market only later ({_later(later)}), and the score "
            f"of {score} is below the nurture floor of {floor}."
        )
    if score >= policy.threshold:
        return Verdict.QUALIFIED, (
            f"Qualified: every requirement is met and the score reaches the threshold of "
            f"{policy.threshold}."
        )
    return Verdict.NURTURE, (
        f"Nurture: every requirement is met, but the score of {score} is below the "
        f"threshold of {policy.threshold}."
    )


def _names(results: list[CriterionResult]) -> str:
    return ", ".join(r.name for r in results)


def _words(level: Any) -> str:
    return str(level.value).replace("_", " ")


def _later(result: CriterionResult) -> str:
    return f"timeframe {_words(result.level)}, the minimum is {_words(result.minimum)}"


def _against(result: CriterionResult) -> str:
    return f"{result.name} is {_words(result.level)} (the minimum is {_words(result.minimum)})"


def _grade(score: int, floors: tuple[int, int, int]) -> Grade:
    if score >= floors[0]:
        return Grade.A
    if score >= floors[1]:
        return Grade.B
    if score >= floors[2]:
        return Grade.C
    return Grade.D


def _open_first(item: tuple[int, CriterionResult]) -> tuple[int, int, int]:
    """Sort key: required criteria still unknown first, weightiest first; then the rest."""
    position, result = item
    if result.required and result.status in (Status.UNCONFIRMED, Status.STALE):
        return (0, -result.weight, position)
    return (1, 0, position)


def outcome_of(
    results: tuple[CriterionResult, ...],
    policy: Policy,
    signals: tuple[SignalResult, ...] = (),
) -> Outcome:
    """Everything a decision on *results* and *signals* holds but the time and the evidence."""
    score = sum(r.points for r in results) + sum(s.points for s in signals)
    verdict, reason = verdict_of(results, score, policy)
    # Only a qualified contact is hot; a disqualified one is cold whatever its score.
    if score >= policy.hot_score and verdict is Verdict.QUALIFIED:
        rating = Rating.HOT
    elif score >= policy.warm_score and verdict is not Verdict.DISQUALIFIED:
        rating = Rating.WARM
    else:
        rating = Rating.COLD
    ordered = results
    if verdict is Verdict.UNDETERMINED:
        # What to find out first: the required criteria still unknown (each answer can
        # change the verdict), weightiest first; then the rest in policy order.
        ordered = tuple(r for _, r in sorted(enumerate(results), key=_open_first))
    steps: list[str] = []
    for result in ordered:
        if result.next_step is not None and result.next_step not in steps:
            steps.append(result.next_step)
    return (
        verdict,
        score,
        _grade(score, policy.grade_floors),
        rating,
        results,
        tuple(steps),
        policy.name,
        policy.threshold,
        signals,
        reason,
        None if policy.calibration is None else policy.calibration.probability(score),
    )


# ----------------------------------------------------------------------------------------
# Building a decision
# ----------------------------------------------------------------------------------------

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
_set_probability = _slot["probability"]
if len(_slot) != 13:  # pragma: no cover - a new field must be filled in below too
    raise AssertionError("assemble() does not fill every field of QualificationDecision")


def assemble(outcome: Outcome, as_of: datetime, evidence: Evidence) -> QualificationDecision:
    """The decision made of *outcome* (see :data:`Outcome`) at *as_of* on *evidence*.

    Equal to ``QualificationDecision(verdict=outcome[0], ..., as_of=as_of,
    evidence=evidence)``, built faster. The caller vouches for the parts' types.
    """
    (
        verdict,
        score,
        grade,
        rating,
        results,
        next_steps,
        policy,
        threshold,
        signals,
        reason,
        probability,
    ) = outcome
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
    _set_probability(decision, probability)
    return decision


# ----------------------------------------------------------------------------------------
# The compiled policy
# ----------------------------------------------------------------------------------------

_NO_TIME: Final = timedelta(0)
# Stands for "no as_of yet": no caller can pass this object.
_NEVER: Final[Any] = object()
# Signal points range over 0-100, so index * 101 + points numbers each pair once.
_POINTS: Final = 101
# What a policy without signals decides from: its outcomes need no evidence nor time.
_NO_EVIDENCE: Final = Evidence()
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)


@attrs.frozen(kw_only=True)
class Tables:
    """The codes of a compiled policy, by level value (see :meth:`Engine.tables`).

    Attributes:
        need, budget, timeframe: Each level's code, by the level's value.
        authority: The authority code of each contact role and purchase process
            (role value -> process value -> code).
        stale: The code of a stale result of need, budget, timeframe and authority.
        freshness: How old evidence may be before it is stale (``None``: never).
        horizon_days: Beyond how many days a decision date counts as "later".
    """

    need: dict[str, int]
    budget: dict[str, int]
    timeframe: dict[str, int]
    authority: dict[str, dict[str, int]]
    stale: tuple[int, int, int, int]
    freshness: timedelta | None
    horizon_days: int


class Engine:
    """A policy's criterion results, numbered so that a decision finds them fast.

    Every possible result of a criterion (one per level, and the stale one) gets a
    code; the codes are scaled so that adding one code per criterion gives a distinct
    index in ``range(size)`` for each combination of four results. Level enums hash
    in Python code, so the tables are keyed by the members' values (plain strings).
    """

    __slots__ = (
        "_authority",
        "_budget",
        "_decoders",
        "_freshness",
        "_horizon_days",
        "_last",
        "_memos",
        "_need",
        "_outcomes",
        "_plain",
        "_results",
        "_signal_outcomes",
        "_stale",
        "_timeframe",
        "policy",
    )

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        results: dict[tuple[Criterion, Any, bool], CriterionResult] = {}
        for criterion in Criterion:
            rule = policy.rule(criterion)
            for level in rule.level_type:
                for stale in (False, True):
                    results[criterion, level, stale] = build_result(
                        criterion.value,
                        level,
                        rule.minimum,
                        points=rule.points_for(level),
                        weight=rule.weight,
                        required=rule.required,
                        stale=stale,
                    )
        self._results: Mapping[tuple[Criterion, Any, bool], CriterionResult] = results
        codes: dict[Criterion, dict[str, int]] = {}
        stale_codes: dict[Criterion, int] = {}
        decoders: dict[Criterion, tuple[int, int, tuple[CriterionResult, ...]]] = {}
        scale = 1
        for criterion, level_type in LEVELS.items():
            levels = list(level_type)
            codes[criterion] = {level.value: n * scale for n, level in enumerate(levels)}
            stale_codes[criterion] = len(levels) * scale
            table = [results[criterion, level, False] for level in levels]
            table.append(results[criterion, level_type["UNKNOWN"], True])
            decoders[criterion] = (scale, len(table), tuple(table))
            scale *= len(table)
        authority = codes[Criterion.AUTHORITY]
        self._need = codes[Criterion.NEED]
        self._budget = codes[Criterion.BUDGET]
        self._timeframe = codes[Criterion.TIMEFRAME]
        # Contact role value -> purchase process value -> code (the authority level
        # follows from both).
        self._authority = {
            role.value: {
                process.value: authority[authority_level(role, process).value]
                for process in PurchaseProcess
            }
            for role in PurchaseRole
        }
        self._stale = (
            stale_codes[Criterion.NEED],
            stale_codes[Criterion.BUDGET],
            stale_codes[Criterion.TIMEFRAME],
            stale_codes[Criterion.AUTHORITY],
        )
        # Per criterion in policy order: (scale, count, results by code).
        self._decoders = tuple(decoders[criterion] for criterion in policy.order)
        self._horizon_days = policy.horizon_days
        self._freshness = timedelta.max if policy.freshness is None else policy.freshness
        self._outcomes: list[Outcome | None] = [None] * scale
        self._signal_outcomes: dict[int, Outcome] = {}
        self._plain = not policy.signals
        self._last: tuple[object, Any] = (_NEVER, None)
        self._memos: dict[str, dict[Any, Any]] = {}

    def result(self, criterion: Criterion, level: Any, *, stale: bool = False) -> CriterionResult:
        """The result *criterion* gives at *level* (``stale`` when it decayed to unknown)."""
        return self._results[criterion, level, stale]

    def instant(self, as_of: object) -> datetime:
        """Validate *as_of* (an aware datetime) and return it with a fixed offset.

        Callers deciding many contacts pass the same ``as_of`` again and again: the
        last one validated is kept, with its instant, as one item (so that threads
        sharing the policy never read half of an update).
        """
        last = self._last
        if last[0] is as_of:
            return last[1]  # type: ignore[no-any-return]
        now = v.instant(v.check_aware("as_of", as_of))
        self._last = (as_of, now)
        return now

    def index(self, role: PurchaseRole, evidence: Evidence, as_of: datetime, now: datetime) -> int:
        """Which combination of criterion results *evidence* comes to for *role*.

        *now* is *as_of* with a fixed offset (see :func:`_validate.instant`), against
        which ages are measured. Returns -1 when some evidence was observed after
        *as_of* (:meth:`refuse` then raises the error).
        """
        # One subtraction per observation answers both "stale?" and "after as_of?": a
        # datetime comparison across time zones costs as much as a subtraction.
        freshness = self._freshness
        stale = self._stale
        part: Any = evidence.need
        observed = part.observed_at
        if observed is None:
            index = self._need[part.level._value_]
        else:
            age = now - observed
            if age > freshness:
                index = stale[0]
            elif age < _NO_TIME:
                return -1
            else:
                index = self._need[part.level._value_]
        part = evidence.budget
        observed = part.observed_at
        if observed is None:
            index += self._budget[part.level._value_]
        else:
            age = now - observed
            if age > freshness:
                index += stale[1]
            elif age < _NO_TIME:
                return -1
            else:
                index += self._budget[part.level._value_]
        part = evidence.timeframe
        observed = part.observed_at
        age = _NO_TIME if observed is None else now - observed
        if age > freshness:
            index += stale[2]
        elif age < _NO_TIME:
            return -1
        elif part.decision_date is None:
            index += self._timeframe[part.level._value_]
        else:
            level = effective_timeframe(part, as_of.date(), self._horizon_days)
            index += self._timeframe[level._value_]
        part = evidence.authority
        observed = part.observed_at
        if observed is None:
            index += self._authority[role._value_][part.process._value_]
        else:
            age = now - observed
            if age > freshness:
                index += stale[3]
            elif age < _NO_TIME:
                return -1
            else:
                index += self._authority[role._value_][part.process._value_]
        return index

    def refuse(self, evidence: Evidence, now: datetime) -> None:
        """Raise the error for the first criterion (policy order) observed after *now*."""
        for criterion in self.policy.order:
            observed = evidence.observed(criterion)
            if observed is not None and now - observed < _NO_TIME:
                raise InvalidFieldError(
                    f"evidence.{criterion.value}.observed_at", observed, "observed after as_of"
                )

    def results(self, index: int) -> tuple[CriterionResult, ...]:
        """The four results (in policy order) that *index* stands for."""
        return tuple(table[index // scale % count] for scale, count, table in self._decoders)

    def signal_results(self, evidence: Evidence, now: datetime) -> tuple[SignalResult, ...]:
        """Score each declared signal on *evidence* at *now* (an instant), in policy order."""
        return tuple(
            signal.score(evidence.signal(signal.name), now) for signal in self.policy.signals
        )

    def outcome(self, index: int, evidence: Evidence, now: datetime) -> Outcome:
        """What combination *index*, with *evidence*'s signals, decides (memoised).

        The verdict, grade, rating and next steps depend on the signals only through
        the points they add, so outcomes are kept per (combination, points).
        """
        if self._plain:
            outcome = self._outcomes[index]
            if outcome is None:
                outcome = outcome_of(self.results(index), self.policy)
                self._outcomes[index] = outcome
            return outcome
        return self.settle(index, self.signal_results(evidence, now))

    def settle(self, index: int, signals: tuple[SignalResult, ...]) -> Outcome:
        """What combination *index* decides with the signal results *signals* (memoised).

        *signals* are the policy's signals scored in policy order (``()`` for a
        policy without any), as :meth:`signal_results` scores them.
        """
        if self._plain:
            return self.outcome(index, _NO_EVIDENCE, _EPOCH)
        points = 0
        for result in signals:
            points += result.points
        key = index * _POINTS + points
        known = self._signal_outcomes.get(key)
        if known is None:
            known = outcome_of(self.results(index), self.policy, signals)
            self._signal_outcomes[key] = known
        return (*known[:8], signals, known[9], known[10])

    def decide(
        self, role: PurchaseRole, evidence: Evidence, as_of: datetime
    ) -> QualificationDecision:
        """The decision on a contact of *role* and *evidence* at *as_of* (types checked).

        Raises:
            NaiveDatetimeError, WrongTypeError: *as_of* is not an aware datetime.
            InvalidFieldError: evidence was observed after *as_of*, or a signal's
                value is of the wrong kind.
        """
        now = self.instant(as_of)
        index = self.index(role, evidence, as_of, now)
        if index < 0:
            self.refuse(evidence, now)
        outcome = self._outcomes[index] if self._plain else None
        if outcome is None:
            outcome = self.outcome(index, evidence, now)
        return assemble(outcome, as_of, evidence)

    def memo(self, owner: str) -> dict[Any, Any]:
        """A memo of *owner*'s for values derived from this policy's outcomes alone.

        Code that turns outcomes into its own form (the columnar path's decision rows)
        keeps them here, so that they live as long as the policy and no longer.
        """
        return self._memos.setdefault(owner, {})

    def tables(self) -> Tables:
        """The codes that :meth:`index` adds up, for code that decides whole columns.

        Adding one code per criterion, as :meth:`index` does, gives the index of a
        combination; :meth:`settle` (or :meth:`outcome`) tells what it decides.
        """
        return Tables(
            need=dict(self._need),
            budget=dict(self._budget),
            timeframe=dict(self._timeframe),
            authority={role: dict(codes) for role, codes in self._authority.items()},
            stale=self._stale,
            freshness=None if self.policy.freshness is None else self._freshness,
            horizon_days=self._horizon_days,
        )

    @property
    def plain(self) -> bool:
        """Whether the policy declares no signals (each outcome then depends on the index)."""
        return self._plain

    @property
    def known(self) -> list[Outcome | None]:
        """The outcomes found so far, by index (``None`` where not yet): read, never write.

        Only for a policy without signals; :meth:`outcome` fills it.
        """
        return self._outcomes
