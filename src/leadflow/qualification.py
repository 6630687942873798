"""Qualifying a contact as a lead: the four-criteria decision, explained.

:func:`qualify` is a pure function of the contact, the evidence, the policy and
"now" (``as_of``). It never raises because a criterion failed: a failed
criterion is part of the decision. It raises only for malformed input.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Final

from leadflow import _validate as v
from leadflow.contacts import Contact, PurchaseRole
from leadflow.decisions import Grade, Outcome, QualificationDecision, Rating, Verdict, assemble
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.evidence import (
    Criterion,
    Evidence,
    TimeframeEvidence,
    TimeframeLevel,
    authority_level,
)
from leadflow.explanation import CriterionResult, Status
from leadflow.policy import Policy, _Compiled
from leadflow.presets import DEFAULT_POLICY
from leadflow.signals import SignalResult

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


def check_type(field: str, value: object, kind: type) -> None:
    """Raise :class:`WrongTypeError` unless *value* is a *kind*."""
    if not isinstance(value, kind):
        name = kind.__name__
        article = "an" if name[:1] in "AEIOU" else "a"
        raise WrongTypeError(field, value, f"expected {article} {name}, not {v.type_name(value)}")


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
    if not isinstance(contact, Contact):
        check_type("contact", contact, Contact)
    if not isinstance(evidence, Evidence):
        check_type("evidence", evidence, Evidence)
    if not isinstance(policy, Policy):
        check_type("policy", policy, Policy)
    compiled = policy._compiled
    # Callers deciding many contacts pass the same as_of again and again: the last
    # one validated is kept, and is not validated again.
    if compiled.last_as_of[0] is not as_of:
        v.check_aware("as_of", as_of)
        compiled.last_as_of[0] = as_of
    now = v.instant(as_of)
    index = outcome_index(contact.role, evidence, compiled, as_of, now)
    if index < 0:
        criterion_results(contact, evidence, policy, as_of)  # raises the error
    if policy.signals:
        return assemble(signal_outcome(policy, index, evidence, now), as_of, evidence)
    return assemble(compiled.outcomes[index] or outcome_at(policy, index), as_of, evidence)


def criterion_results(
    contact: Contact, evidence: Evidence, policy: Policy, as_of: datetime
) -> tuple[CriterionResult, ...]:
    """Score each criterion of *evidence* under *policy* at *as_of*, in policy order.

    This is the rule as written. :func:`qualify` takes a compiled shortcut to the
    same results (see :func:`outcome_index`) and comes here only to raise the error
    for evidence observed after ``as_of``.

    Raises:
        InvalidFieldError: evidence was observed after ``as_of``.
    """
    now = v.instant(as_of)
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
            age = now - observed
            if age < timedelta(0):
                raise InvalidFieldError(
                    f"evidence.{criterion.value}.observed_at", observed, "observed after as_of"
                )
            stale = policy.freshness is not None and age > policy.freshness
        level = levels[criterion]
        if stale:
            level = type(level).UNKNOWN
        results.append(policy.result(criterion, level, stale=stale))
    return tuple(results)


_NO_TIME: Final = timedelta(0)


def outcome_index(
    role: PurchaseRole, evidence: Evidence, compiled: _Compiled, as_of: datetime, now: datetime
) -> int:
    """Which combination of criterion results *evidence* comes to under a policy.

    The compiled form of :func:`criterion_results` (see ``Policy._compiled``) for a
    contact with *role*: the same tests on the same values, with the results found
    by number. *now* is *as_of* with a fixed offset (see :func:`_validate.instant`),
    against which ages are measured. Returns -1 when some evidence was observed
    after *as_of*:
    :func:`criterion_results` then raises the error, for the first such criterion
    in policy order.
    """
    # One subtraction per observation answers both "stale?" and "after as_of?": a
    # datetime comparison across time zones costs as much as a subtraction.
    freshness = compiled.freshness
    part: Any = evidence.need
    observed = part.observed_at
    if observed is None:
        index = compiled.need[part.level._value_]
    else:
        age = now - observed
        if age > freshness:
            index = compiled.stale[0]
        elif age < _NO_TIME:
            return -1
        else:
            index = compiled.need[part.level._value_]
    part = evidence.budget
    observed = part.observed_at
    if observed is None:
        index += compiled.budget[part.level._value_]
    else:
        age = now - observed
        if age > freshness:
            index += compiled.stale[1]
        elif age < _NO_TIME:
            return -1
        else:
            index += compiled.budget[part.level._value_]
    part = evidence.timeframe
    observed = part.observed_at
    age = _NO_TIME if observed is None else now - observed
    if age > freshness:
        index += compiled.stale[2]
    elif age < _NO_TIME:
        return -1
    elif part.decision_date is None:
        index += compiled.timeframe[part.level._value_]
    else:
        level = effective_timeframe(part, as_of.date(), compiled.horizon_days)
        index += compiled.timeframe[level._value_]
    part = evidence.authority
    observed = part.observed_at
    if observed is None:
        index += compiled.authority[role._value_][part.process._value_]
    else:
        age = now - observed
        if age > freshness:
            index += compiled.stale[3]
        elif age < _NO_TIME:
            return -1
        else:
            index += compiled.authority[role._value_][part.process._value_]
    return index


def outcome_at(policy: Policy, index: int) -> Outcome:
    """What the combination of results numbered *index* decides under *policy*."""
    compiled = policy._compiled
    outcome: Outcome | None = compiled.outcomes[index]
    if outcome is None:
        outcome = outcome_of(compiled.results(index), policy)
        compiled.outcomes[index] = outcome
    return outcome


def signal_results(
    policy: Policy, evidence: Evidence, as_of: datetime
) -> tuple[SignalResult, ...]:
    """Score each signal *policy* declares on *evidence* at *as_of*, in policy order.

    Raises:
        InvalidFieldError: a signal's value is of the wrong kind (a number for a
            categorical signal, text for a numeric one), or was observed after *now*.
    """
    now = v.instant(as_of)
    return tuple(signal.score(evidence.signal(signal.name), now) for signal in policy.signals)


def signal_outcome(policy: Policy, index: int, evidence: Evidence, now: datetime) -> Outcome:
    """What criteria combination *index* and *evidence*'s signals decide under *policy*.

    The verdict, grade, rating and next steps depend on the signals only through
    the points they add, so they are kept per (combination, points).
    """
    signals = signal_results(policy, evidence, now)
    points = 0
    for result in signals:
        points += result.points
    compiled = policy._compiled
    key = index * 101 + points
    known = compiled.signal_outcomes.get(key)
    if known is None:
        known = outcome_of(compiled.results(index), policy, signals)
        compiled.signal_outcomes[key] = known
    return (*known[:8], signals, known[9])


def decide(
    results: tuple[CriterionResult, ...],
    policy: Policy,
    as_of: datetime,
    evidence: Evidence,
    signals: tuple[SignalResult, ...] = (),
) -> QualificationDecision:
    """Turn per-criterion and signal results into the decision."""
    return assemble(outcome_of(results, policy, signals), as_of, evidence)


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
        names = ", ".join(
            f"{r.name} (stale)" if r.status is Status.STALE else r.name for r in unknown
        )
        if later is not None:
            # Meeting every open requirement at its minimum scores at least this much.
            best_case = score + sum(
                policy.rule(Criterion(r.name)).points_for(r.minimum) - r.points for r in unknown
            )
            if best_case < floor:
                return Verdict.DISQUALIFIED, (
                    f"Disqualified: in the market only later ({_later(later)}), and even "
                    f"meeting {names} would score {best_case}, below the nurture floor of "
                    f"{floor}."
                )
        return Verdict.UNDETERMINED, f"Insufficient evidence: {names} not known yet (required)."
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


def _words(level: Any) -> str:
    return str(level.value).replace("_", " ")


def _later(result: CriterionResult) -> str:
    return f"timeframe {_words(result.level)}, the minimum is {_words(result.minimum)}"


def _against(result: CriterionResult) -> str:
    return f"{result.name} is {_words(result.level)} (the minimum is {_words(result.minimum)})"


def outcome_of(
    results: tuple[CriterionResult, ...],
    policy: Policy,
    signals: tuple[SignalResult, ...] = (),
) -> Outcome:
    """Everything a decision on *results* and *signals* holds but the time and the evidence."""
    score = sum(r.points for r in results) + sum(s.points for s in signals)
    verdict, reason = verdict_of(results, score, policy)
    if score >= policy.hot_score and verdict is Verdict.QUALIFIED:
        rating = Rating.HOT
    elif score >= policy.warm_score:
        rating = Rating.WARM
    else:
        rating = Rating.COLD
    ordered = results
    if verdict is Verdict.UNDETERMINED:
        # What to find out first: the required criteria still unknown, weightiest
        # first (each one's answer can change the verdict), then the rest.
        def priority(item: tuple[int, CriterionResult]) -> tuple[int, int, int]:
            position, result = item
            open_requirement = (
                result.required and not result.met and (result.status is not Status.BELOW_MINIMUM)
            )
            return (
                0 if open_requirement else 1,
                -result.weight if open_requirement else 0,
                position,
            )

        ordered = tuple(r for _, r in sorted(enumerate(results), key=priority))
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
    )
