"""Pins for leadflow._engine: the compiled policy every qualify() call asks.

The expectations here are computed from the documented rule (docs/explanations.md,
docs/policies.md, the Policy and CriterionRule docstrings), never by asking the engine:
each criterion's level (unknown when older than the freshness window), the timeframe's
bucket from its decision date, authority from role and process, then points, the four-step
verdict with its reason, grade, rating and next steps.
"""

from __future__ import annotations

import itertools
import math
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    AuthorityEvidence,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    Calibration,
    Criterion,
    CriterionRule,
    Evidence,
    Grade,
    InvalidFieldError,
    LeadflowError,
    NaiveDatetimeError,
    NeedEvidence,
    NeedLevel,
    NumericSignal,
    Policy,
    PurchaseProcess,
    PurchaseRole,
    QualificationDecision,
    Rating,
    SignalObservation,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    _engine,
    effective_timeframe,
    qualify,
)
from leadflow import strategies as lfst
from leadflow._engine import Engine
from leadflow.explanation import CriterionResult, Status, build_result
from leadflow.signals import SignalResult
from support import NOW, SIGNAL_POLICY, ada, evidence_at, examples, pinned, qualifying_evidence

UTC = timezone.utc
MICRO = timedelta(microseconds=1)

LEVEL_TYPES: dict[Criterion, Any] = {
    Criterion.NEED: NeedLevel,
    Criterion.BUDGET: BudgetLevel,
    Criterion.TIMEFRAME: TimeframeLevel,
    Criterion.AUTHORITY: AuthorityLevel,
}

PROPERTY = examples(1 / 2)
BOUNDARY = examples(1 / 3)

# --------------------------------------------------------------------------------------------
# The rule, stated from the documentation (no Engine method is asked)
# --------------------------------------------------------------------------------------------


def rank(level: Any) -> int:
    """Position in the enum: unknown 0, then the known levels weakest first."""
    enum: Any = type(level)
    members: list[Any] = list(enum)
    return members.index(level)


def words(level: Any) -> str:
    return str(level.value).replace("_", " ")


def points_at(policy: Policy, criterion: Criterion, level: Any) -> int:
    points: int = dict(policy.rule(criterion).points)[level]
    return points


def authority_of(role: PurchaseRole, process: PurchaseProcess) -> AuthorityLevel:
    """The table of docs/policies.md, "Decision authority"."""
    if role is PurchaseRole.DECISION_MAKER:
        if process is PurchaseProcess.COMMITTEE:
            return AuthorityLevel.SHARED
        return AuthorityLevel.DECIDER
    return {
        PurchaseRole.UNKNOWN: AuthorityLevel.UNKNOWN,
        PurchaseRole.USER: AuthorityLevel.NONE,
        PurchaseRole.ADVISER: AuthorityLevel.ADVISER,
        PurchaseRole.INFLUENCER: AuthorityLevel.INFLUENCER,
    }[role]


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month + 2) // 3


def bucket(when: date, today: date, horizon_days: int) -> TimeframeLevel:
    """A decision date's timeframe: past unknown, beyond the horizon later, 30 days immediate,
    then this calendar quarter, the next one, this calendar year, else later."""
    ahead = when.toordinal() - today.toordinal()
    if ahead < 0:
        return TimeframeLevel.UNKNOWN
    if ahead > horizon_days:
        return TimeframeLevel.LATER
    if ahead <= 30:
        return TimeframeLevel.IMMEDIATE
    year, quarter = quarter_of(today)
    following = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    if quarter_of(when) == (year, quarter):
        return TimeframeLevel.THIS_QUARTER
    if quarter_of(when) == following:
        return TimeframeLevel.NEXT_QUARTER
    if when.year == today.year:
        return TimeframeLevel.THIS_YEAR
    return TimeframeLevel.LATER


class Refused(NamedTuple):
    criterion: Criterion
    observed: datetime


def seen(
    policy: Policy, role: PurchaseRole, evidence: Evidence, as_of: datetime
) -> list[tuple[Criterion, Any, bool]] | Refused:
    """Per criterion in policy order: the level scored and whether it went stale.

    Evidence observed after as_of refuses the whole decision, naming the first such
    criterion in policy order.
    """
    parts: dict[Criterion, Any] = {
        Criterion.NEED: evidence.need,
        Criterion.BUDGET: evidence.budget,
        Criterion.TIMEFRAME: evidence.timeframe,
        Criterion.AUTHORITY: evidence.authority,
    }
    for criterion in policy.order:
        observed = parts[criterion].observed_at
        if observed is not None and observed > as_of:
            return Refused(criterion, observed)
    levels: list[tuple[Criterion, Any, bool]] = []
    for criterion in policy.order:
        part: Any = parts[criterion]
        observed = part.observed_at
        window = policy.freshness
        if observed is not None and window is not None and as_of - observed > window:
            levels.append((criterion, LEVEL_TYPES[criterion].UNKNOWN, True))
            continue
        level: Any
        if criterion is Criterion.AUTHORITY:
            level = authority_of(role, part.process)
        elif criterion is Criterion.TIMEFRAME and part.decision_date is not None:
            level = bucket(part.decision_date, as_of.date(), policy.horizon_days)
        else:
            level = part.level
        levels.append((criterion, level, False))
    return levels


def status_of(level: Any, minimum: Any, stale: bool) -> Status:
    if rank(level) >= rank(minimum):
        return Status.MET
    if stale:
        return Status.STALE
    if rank(level) == 0:
        return Status.UNCONFIRMED
    return Status.BELOW_MINIMUM


def expected_result(
    policy: Policy, criterion: Criterion, level: Any, stale: bool
) -> CriterionResult:
    rule = policy.rule(criterion)
    result = build_result(
        criterion.value,
        level,
        rule.minimum,
        points=points_at(policy, criterion, level),
        weight=rule.weight,
        required=rule.required,
        stale=stale,
    )
    assert result.status is status_of(level, rule.minimum, stale)
    return result


def expected_results(
    policy: Policy, levels: list[tuple[Criterion, Any, bool]]
) -> tuple[CriterionResult, ...]:
    return tuple(expected_result(policy, c, level, stale) for c, level, stale in levels)


class Rule(NamedTuple):
    verdict: Verdict
    reason: str
    best_case: int | None


def rule_of(results: tuple[CriterionResult, ...], score: int, policy: Policy) -> Rule:
    """The four steps of docs/explanations.md, "From evidence to verdict", with the reasons."""
    required = [r for r in results if r.required]
    against = [r for r in required if r.status is Status.BELOW_MINIMUM and r.name != "timeframe"]
    later = [r for r in required if r.status is Status.BELOW_MINIMUM and r.name == "timeframe"]
    open_ = [r for r in required if r.status in (Status.UNCONFIRMED, Status.STALE)]
    floor = policy.nurture_threshold
    if against:
        named = "; ".join(
            f"{r.name} is {words(r.level)} (the minimum is {words(r.minimum)})" for r in against
        )
        return Rule(Verdict.DISQUALIFIED, f"Disqualified on evidence against: {named}.", None)
    if open_:
        parts = []
        missing = [r.name for r in open_ if r.status is Status.UNCONFIRMED]
        stale = [r.name for r in open_ if r.status is Status.STALE]
        if missing:
            parts.append(", ".join(missing) + " not known yet")
        if stale:
            parts.append(", ".join(stale) + " gone stale")
        best = None
        if later:
            (timeframe,) = later
            best = score + sum(
                points_at(policy, Criterion(r.name), r.minimum) - r.points for r in open_
            )
            if best < floor:
                return Rule(
                    Verdict.DISQUALIFIED,
                    "Disqualified: in the market only later (timeframe "
                    f"{words(timeframe.level)}, the minimum is {words(timeframe.minimum)}), "
                    f"and even meeting {', '.join(r.name for r in open_)} would score {best}, "
                    f"below the nurture floor of {floor}.",
                    best,
                )
        return Rule(
            Verdict.UNDETERMINED, f"Insufficient evidence: {'; '.join(parts)} (required).", best
        )
    if later:
        (timeframe,) = later
        market = (
            f"in the market only later (timeframe {words(timeframe.level)}, "
            f"the minimum is {words(timeframe.minimum)})"
        )
        if score >= floor:
            return Rule(
                Verdict.NURTURE, f"Nurture: {market}; every other requirement is met.", None
            )
        return Rule(
            Verdict.DISQUALIFIED,
            f"Disqualified: {market}, and the score of {score} is below the nurture floor of "
            f"{floor}.",
            None,
        )
    if score >= policy.threshold:
        return Rule(
            Verdict.QUALIFIED,
            "Qualified: every requirement is met and the score reaches the threshold of "
            f"{policy.threshold}.",
            None,
        )
    return Rule(
        Verdict.NURTURE,
        f"Nurture: every requirement is met, but the score of {score} is below the threshold "
        f"of {policy.threshold}.",
        None,
    )


def grade_of(score: int, floors: tuple[int, int, int]) -> Grade:
    a, b, c = floors
    return Grade.A if score >= a else Grade.B if score >= b else Grade.C if score >= c else Grade.D


def rating_of(score: int, verdict: Verdict, policy: Policy) -> Rating:
    if verdict is Verdict.QUALIFIED and score >= policy.hot_score:
        return Rating.HOT
    if verdict is not Verdict.DISQUALIFIED and score >= policy.warm_score:
        return Rating.WARM
    return Rating.COLD


def steps_of(results: tuple[CriterionResult, ...], verdict: Verdict) -> tuple[str, ...]:
    """Policy order; for an undetermined contact the open requirements first, weightiest first."""
    ordered = list(results)
    if verdict is Verdict.UNDETERMINED:
        opens = [
            r for r in results if r.required and r.status in (Status.UNCONFIRMED, Status.STALE)
        ]
        opens = sorted(opens, key=lambda r: -r.weight)  # stable: policy order among equals
        ordered = opens + [r for r in results if r not in opens]
    steps: list[str] = []
    for result in ordered:
        if result.next_step is not None and result.next_step not in steps:
            steps.append(result.next_step)
    return tuple(steps)


def signals_of(policy: Policy, evidence: Evidence, as_of: datetime) -> tuple[SignalResult, ...]:
    return tuple(s.score(evidence.signal(s.name), as_of) for s in policy.signals)


def expected_decision(
    policy: Policy, role: PurchaseRole, evidence: Evidence, as_of: datetime
) -> QualificationDecision | Refused:
    levels = seen(policy, role, evidence, as_of)
    if isinstance(levels, Refused):
        return levels
    results = expected_results(policy, levels)
    signals = signals_of(policy, evidence, as_of)
    score = sum(r.points for r in results) + sum(s.points for s in signals)
    verdict, reason, _ = rule_of(results, score, policy)
    return QualificationDecision(
        verdict=verdict,
        score=score,
        grade=grade_of(score, policy.grade_floors),
        rating=rating_of(score, verdict, policy),
        results=results,
        next_steps=steps_of(results, verdict),
        policy=policy.name,
        threshold=policy.threshold,
        as_of=as_of,
        evidence=evidence,
        signals=signals,
        reason=reason,
        probability=None if policy.calibration is None else policy.calibration.probability(score),
    )


def check_decides_as_the_rule(
    policy: Policy, role: PurchaseRole, evidence: Evidence, as_of: datetime
) -> QualificationDecision | None:
    """Assert the engine (index -> results, and the whole decision) agrees with the rule."""
    expected = expected_decision(policy, role, evidence, as_of)
    engine = policy._engine
    now = engine.instant(as_of)
    index = engine.index(role, evidence, as_of, now)
    if isinstance(expected, Refused):
        assert index == -1
        with pytest.raises(LeadflowError) as caught:
            qualify(ada(role), evidence, policy, as_of=as_of)
        pinned(
            caught.value,
            InvalidFieldError,
            f"evidence.{expected.criterion.value}.observed_at",
            expected.observed,
            "observed after as_of",
        )
        return None
    assert index in range(len(engine.known))
    assert engine.results(index) == expected.results
    decision = qualify(ada(role), evidence, policy, as_of=as_of)
    assert decision == expected
    assert decision.as_of is as_of
    assert decision.evidence is evidence
    return decision


# --------------------------------------------------------------------------------------------
# Generated situations
# --------------------------------------------------------------------------------------------

AS_OF = lfst.aware_datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2090, 1, 1))
CALIBRATIONS = st.builds(
    Calibration,
    intercept=st.floats(-6, 6, allow_nan=False),
    slope=st.floats(0.01, 0.2, allow_nan=False),
)


class Situation(NamedTuple):
    policy: Policy
    role: PurchaseRole
    evidence: Evidence
    as_of: datetime


def observed_times(
    as_of: datetime, freshness: timedelta | None, future: bool
) -> st.SearchStrategy[datetime | None]:
    back = st.integers(0, 3 * 366 * 24 * 60).map(lambda m: as_of - timedelta(minutes=m))
    choices: list[st.SearchStrategy[datetime | None]] = [st.none(), back, st.just(as_of)]
    if freshness is not None:
        edge = as_of - freshness
        choices.append(st.sampled_from([edge, edge - MICRO, edge + MICRO]))
    if future:
        choices.append(st.integers(1, 10**12).map(lambda us: as_of + timedelta(microseconds=us)))
    return st.one_of(choices)


@st.composite
def situations(draw: st.DrawFn, policies: st.SearchStrategy[Policy] | None = None) -> Situation:
    policy = draw(lfst.policies() if policies is None else policies)
    calibration = draw(st.none() | CALIBRATIONS)
    if calibration is not None:
        policy = policy.evolve(calibration=calibration)
    as_of = draw(AS_OF)
    future = draw(st.integers(0, 4)) == 0
    when = observed_times(as_of, policy.freshness, future)
    ahead = draw(
        st.integers(-40, 800)
        | st.sampled_from([30, 31, policy.horizon_days, policy.horizon_days + 1])
    )
    if draw(st.booleans()):
        timeframe = TimeframeEvidence(
            decision_date=as_of.date() + timedelta(days=ahead), observed_at=draw(when)
        )
    else:
        timeframe = TimeframeEvidence(
            level=draw(st.sampled_from(TimeframeLevel)), observed_at=draw(when)
        )
    values: dict[str, SignalObservation] = {}
    for signal in policy.signals:
        if draw(st.integers(0, 3)):
            back = draw(st.none() | st.integers(0, 400 * 24 * 60))
            values[signal.name] = SignalObservation(
                value=draw(lfst.signal_values(signal.name)),
                observed_at=None if back is None else as_of - timedelta(minutes=back),
            )
    evidence = Evidence(
        need=NeedEvidence(level=draw(st.sampled_from(NeedLevel)), observed_at=draw(when)),
        budget=BudgetEvidence(level=draw(st.sampled_from(BudgetLevel)), observed_at=draw(when)),
        timeframe=timeframe,
        authority=AuthorityEvidence(
            process=draw(st.sampled_from(PurchaseProcess)), observed_at=draw(when)
        ),
        signals=values,
    )
    return Situation(policy, draw(st.sampled_from(PurchaseRole)), evidence, as_of)


def best_score(policy: Policy) -> int:
    best = sum(max(n for _, n in policy.rule(c).points) for c in Criterion)
    return best + sum(signal.best for signal in policy.signals)


@st.composite
def at_the_edges(draw: st.DrawFn) -> Situation:
    """A situation whose policy puts a threshold, floor or band at its score (or one above)."""
    case = draw(situations())
    expected = expected_decision(case.policy, case.role, case.evidence, case.as_of)
    if isinstance(expected, Refused):
        return case
    score = expected.score
    policy = case.policy
    edge = draw(st.sampled_from([score, score + 1]))
    knob = draw(st.sampled_from(["threshold", "nurture", "best_case", "grade", "hot", "warm"]))
    changes: dict[str, Any] = {}
    if knob == "threshold" and edge <= best_score(policy):
        changes = {"threshold": edge, "nurture_threshold": min(policy.nurture_threshold, edge)}
    elif knob == "nurture" and edge <= policy.threshold:
        changes = {"nurture_threshold": edge}
    elif knob == "best_case":
        best = rule_of(expected.results, score, policy).best_case
        if best is not None and 0 <= best + edge - score <= policy.threshold:
            changes = {"nurture_threshold": best + edge - score}
    elif knob == "grade":
        which = draw(st.integers(0, 2))
        floors = [edge + which, edge + which - 1, edge + which - 2]
        if all(0 <= f <= 100 for f in floors):
            changes = {"grade_floors": tuple(floors)}
    elif knob == "hot" and edge <= 100:
        changes = {"hot_score": edge, "warm_score": min(policy.warm_score, edge)}
    elif knob == "warm" and edge <= policy.hot_score:
        changes = {"warm_score": edge}
    if changes:
        policy = policy.evolve(**changes)
    return case._replace(policy=policy)


class TestTheEngineDecidesAsThePlainRule:
    @PROPERTY
    @given(case=situations())
    def test_the_index_decodes_to_the_rules_results_and_the_decision_is_the_rules(
        self, case: Situation
    ) -> None:
        check_decides_as_the_rule(*case)

    @BOUNDARY
    @given(case=at_the_edges())
    def test_scores_exactly_at_a_threshold_floor_or_band_decide_as_the_rule(
        self, case: Situation
    ) -> None:
        check_decides_as_the_rule(*case)

    @pytest.mark.parametrize(
        "policy",
        [BANT, SIGNAL_POLICY, BANT.evolve(name="reversed", order=tuple(reversed(BANT.order)))],
    )
    def test_every_level_role_and_process_combination_decodes_to_the_rules_results(
        self, policy: Policy
    ) -> None:
        engine = policy._engine
        as_of = NOW
        for need, budget, named, role, process in itertools.product(
            NeedLevel, BudgetLevel, TimeframeLevel, PurchaseRole, PurchaseProcess
        ):
            evidence = evidence_at(need, budget, named, process)
            levels = seen(policy, role, evidence, as_of)
            assert not isinstance(levels, Refused)
            index = engine.index(role, evidence, as_of, as_of)
            assert engine.results(index) == expected_results(policy, levels)

    @pytest.mark.parametrize("policy", [BANT, SIGNAL_POLICY])
    def test_every_mix_of_fresh_and_stale_criteria_decodes_to_the_rules_results(
        self, policy: Policy
    ) -> None:
        assert policy.freshness is not None
        fresh = NOW - policy.freshness
        old = fresh - MICRO
        engine = policy._engine
        for stale in itertools.product((False, True), repeat=4):
            for need, budget, named in [
                (NeedLevel.STRONG, BudgetLevel.APPROVED, TimeframeLevel.IMMEDIATE),
                (NeedLevel.NONE, BudgetLevel.INSUFFICIENT, TimeframeLevel.LATER),
                (NeedLevel.LATENT, BudgetLevel.UNKNOWN, TimeframeLevel.THIS_YEAR),
            ]:
                times = [old if s else fresh for s in stale]
                evidence = Evidence(
                    need=NeedEvidence(level=need, observed_at=times[0]),
                    budget=BudgetEvidence(level=budget, observed_at=times[1]),
                    timeframe=TimeframeEvidence(level=named, observed_at=times[2]),
                    authority=AuthorityEvidence(
                        process=PurchaseProcess.INDIVIDUAL, observed_at=times[3]
                    ),
                )
                role = PurchaseRole.DECISION_MAKER
                levels = seen(policy, role, evidence, NOW)
                assert not isinstance(levels, Refused)
                assert [s for _, _, s in levels] == [
                    stale[
                        [
                            Criterion.NEED,
                            Criterion.BUDGET,
                            Criterion.TIMEFRAME,
                            Criterion.AUTHORITY,
                        ].index(c)
                    ]
                    for c in policy.order
                ]
                index = engine.index(role, evidence, NOW, NOW)
                assert engine.results(index) == expected_results(policy, levels)
                check_decides_as_the_rule(policy, role, evidence, NOW)


# --------------------------------------------------------------------------------------------
# Worked examples: the rows of docs/explanations.md and the edges of each step
# --------------------------------------------------------------------------------------------


def known(need: str = "unknown", budget: str = "unknown", timeframe: str = "unknown") -> Evidence:
    return Evidence(
        need=NeedEvidence(level=NeedLevel(need)),
        budget=BudgetEvidence(level=BudgetLevel(budget)),
        timeframe=TimeframeEvidence(level=TimeframeLevel(timeframe)),
    )


FLOOR_55 = BANT.evolve(name="BANT, nurture from 55", nurture_threshold=55)
THRESHOLD_70 = BANT.evolve(name="BANT, threshold 70", threshold=70)
SEVEN_MONTHS_AGO = datetime(2025, 8, 1, tzinfo=UTC)
INES = PurchaseRole.INFLUENCER
OLE = PurchaseRole.USER


class TestWorkedExamples:
    @pytest.mark.parametrize(
        ("role", "policy", "evidence", "verdict", "score", "reason"),
        [
            (
                INES,
                BANT,
                known(),
                Verdict.UNDETERMINED,
                8,
                "Insufficient evidence: budget, need, timeframe not known yet (required).",
            ),
            (
                INES,
                BANT,
                known("strong", "available"),
                Verdict.UNDETERMINED,
                62,
                "Insufficient evidence: timeframe not known yet (required).",
            ),
            (
                INES,
                BANT,
                attrs.evolve(
                    known("strong", "approved", "this_quarter"),
                    budget=BudgetEvidence(level=BudgetLevel.APPROVED, observed_at=SEVEN_MONTHS_AGO),
                ),
                Verdict.UNDETERMINED,
                61,
                "Insufficient evidence: budget gone stale (required).",
            ),
            (
                INES,
                BANT,
                known("none"),
                Verdict.DISQUALIFIED,
                8,
                "Disqualified on evidence against: need is none (the minimum is expressed).",
            ),
            (
                INES,
                BANT,
                known("strong", "insufficient", "immediate"),
                Verdict.DISQUALIFIED,
                72,
                "Disqualified on evidence against: budget is insufficient (the minimum is "
                "available).",
            ),
            (
                INES,
                BANT,
                known("none", "none"),
                Verdict.DISQUALIFIED,
                8,
                "Disqualified on evidence against: budget is none (the minimum is available); "
                "need is none (the minimum is expressed).",
            ),
            (
                INES,
                BANT,
                known("strong", "unknown", "later"),
                Verdict.UNDETERMINED,
                41,
                "Insufficient evidence: budget not known yet (required).",
            ),
            (
                OLE,
                FLOOR_55,
                known("unknown", "available", "later"),
                Verdict.DISQUALIFIED,
                27,
                "Disqualified: in the market only later (timeframe later, the minimum is this "
                "year), and even meeting need would score 50, below the nurture floor of 55.",
            ),
            (
                INES,
                BANT,
                known("expressed", "available", "later"),
                Verdict.NURTURE,
                58,
                "Nurture: in the market only later (timeframe later, the minimum is this year); "
                "every other requirement is met.",
            ),
            (
                OLE,
                FLOOR_55,
                known("expressed", "available", "later"),
                Verdict.DISQUALIFIED,
                50,
                "Disqualified: in the market only later (timeframe later, the minimum is this "
                "year), and the score of 50 is below the nurture floor of 55.",
            ),
            (
                INES,
                BANT,
                known("expressed", "available", "this_year"),
                Verdict.QUALIFIED,
                68,
                "Qualified: every requirement is met and the score reaches the threshold of 60.",
            ),
            (
                INES,
                THRESHOLD_70,
                known("expressed", "available", "this_year"),
                Verdict.NURTURE,
                68,
                "Nurture: every requirement is met, but the score of 68 is below the threshold "
                "of 70.",
            ),
        ],
    )
    def test_each_row_of_the_documented_table_decides_with_its_reason(
        self,
        role: PurchaseRole,
        policy: Policy,
        evidence: Evidence,
        verdict: Verdict,
        score: int,
        reason: str,
    ) -> None:
        as_of = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        decision = check_decides_as_the_rule(policy, role, evidence, as_of)
        assert decision is not None
        assert (decision.verdict, decision.score, decision.reason) == (verdict, score, reason)

    def test_a_stale_and_a_missing_requirement_are_both_named(self) -> None:
        evidence = attrs.evolve(
            known("strong", "approved"),
            budget=BudgetEvidence(level=BudgetLevel.APPROVED, observed_at=SEVEN_MONTHS_AGO),
            need=NeedEvidence(level=NeedLevel.STRONG, observed_at=SEVEN_MONTHS_AGO),
        )
        decision = check_decides_as_the_rule(BANT, INES, evidence, NOW)
        assert decision is not None
        assert decision.reason == (
            "Insufficient evidence: timeframe not known yet; budget, need gone stale (required)."
        )

    def test_meeting_the_open_requirements_exactly_at_the_floor_is_undetermined(self) -> None:
        # A user, available budget, buying later, need unknown: 27, and 50 with the need met.
        at_floor = BANT.evolve(name="floor 50", nurture_threshold=50)
        above = BANT.evolve(name="floor 51", nurture_threshold=51)
        evidence = known("unknown", "available", "later")
        kept = check_decides_as_the_rule(at_floor, OLE, evidence, NOW)
        dropped = check_decides_as_the_rule(above, OLE, evidence, NOW)
        assert kept is not None
        assert dropped is not None
        assert kept.verdict is Verdict.UNDETERMINED
        assert dropped.verdict is Verdict.DISQUALIFIED
        assert "would score 50, below the nurture floor of 51" in dropped.reason

    @pytest.mark.parametrize(
        ("floor", "verdict"), [(50, Verdict.UNDETERMINED), (51, Verdict.DISQUALIFIED)]
    )
    def test_the_best_case_adds_each_open_requirements_minimum_in_place_of_its_points(
        self, floor: int, verdict: Verdict
    ) -> None:
        # Unknown need earns 5 here; meeting it at "expressed" earns 23, the budget at
        # "available" 24: 5 + 3 (later) becomes 5 + 3 + (23 - 5) + (24 - 0) = 50.
        need = CriterionRule(
            weight=30,
            required=True,
            minimum=NeedLevel.EXPRESSED,
            points={
                NeedLevel.UNKNOWN: 5,
                NeedLevel.NONE: 0,
                NeedLevel.LATENT: 11,
                NeedLevel.EXPRESSED: 23,
                NeedLevel.STRONG: 30,
            },
        )
        policy = BANT.evolve(name=f"floor {floor}", need=need, nurture_threshold=floor)
        decision = check_decides_as_the_rule(policy, OLE, known("unknown", "unknown", "later"), NOW)
        assert decision is not None
        assert decision.score == 8
        assert decision.verdict is verdict
        if verdict is Verdict.DISQUALIFIED:
            assert decision.reason == (
                "Disqualified: in the market only later (timeframe later, the minimum is this "
                "year), and even meeting budget, need would score 50, below the nurture floor "
                "of 51."
            )
        else:
            assert decision.reason == (
                "Insufficient evidence: budget, need not known yet (required)."
            )

    def test_a_later_timeframe_at_the_nurture_floor_is_nurtured_one_below_disqualified(
        self,
    ) -> None:
        evidence = known("expressed", "available", "later")  # an influencer: 58
        at = check_decides_as_the_rule(
            BANT.evolve(name="58", nurture_threshold=58), INES, evidence, NOW
        )
        below = check_decides_as_the_rule(
            BANT.evolve(name="59", nurture_threshold=59), INES, evidence, NOW
        )
        assert at is not None
        assert below is not None
        assert at.verdict is Verdict.NURTURE
        assert below.verdict is Verdict.DISQUALIFIED

    @pytest.mark.parametrize(
        ("changes", "grade", "rating", "verdict"),
        [
            ({"grade_floors": (68, 67, 66)}, Grade.A, Rating.WARM, Verdict.QUALIFIED),
            ({"grade_floors": (69, 68, 67)}, Grade.B, Rating.WARM, Verdict.QUALIFIED),
            ({"grade_floors": (70, 69, 68)}, Grade.C, Rating.WARM, Verdict.QUALIFIED),
            ({"grade_floors": (71, 70, 69)}, Grade.D, Rating.WARM, Verdict.QUALIFIED),
            ({"hot_score": 68}, Grade.B, Rating.HOT, Verdict.QUALIFIED),
            ({"hot_score": 69}, Grade.B, Rating.WARM, Verdict.QUALIFIED),
            ({"warm_score": 68}, Grade.B, Rating.WARM, Verdict.QUALIFIED),
            ({"warm_score": 69, "hot_score": 70}, Grade.B, Rating.COLD, Verdict.QUALIFIED),
            ({"threshold": 68}, Grade.B, Rating.WARM, Verdict.QUALIFIED),
            ({"threshold": 69}, Grade.B, Rating.WARM, Verdict.NURTURE),
            ({"threshold": 69, "hot_score": 60}, Grade.B, Rating.WARM, Verdict.NURTURE),
        ],
    )
    def test_every_band_includes_its_floor(
        self, changes: dict[str, Any], grade: Grade, rating: Rating, verdict: Verdict
    ) -> None:
        policy = BANT.evolve(name="edges", **changes)
        decision = check_decides_as_the_rule(
            policy, INES, known("expressed", "available", "this_year"), NOW
        )
        assert decision is not None
        assert decision.score == 68
        assert (decision.grade, decision.rating, decision.verdict) == (grade, rating, verdict)

    def test_a_disqualified_contact_is_cold_whatever_its_score(self) -> None:
        decision = check_decides_as_the_rule(
            BANT, PurchaseRole.DECISION_MAKER, known("strong", "insufficient", "immediate"), NOW
        )
        assert decision is not None
        assert (decision.verdict, decision.score, decision.rating) == (
            Verdict.DISQUALIFIED,
            79,
            Rating.COLD,
        )

    def test_a_calibrated_policy_gives_the_logistic_probability_of_the_score(self) -> None:
        policy = BANT.evolve(name="calibrated", calibration=Calibration(intercept=-3, slope=0.06))
        decision = check_decides_as_the_rule(
            policy, INES, known("expressed", "available", "this_year"), NOW
        )
        assert decision is not None
        assert decision.probability == pytest.approx(1 / (1 + math.exp(-(-3 + 0.06 * 68))))
        plain = qualify(ada(INES), known("expressed", "available", "this_year"), BANT, as_of=NOW)
        assert plain.probability is None

    def test_an_undetermined_contact_finds_out_the_heaviest_open_requirements_first(
        self,
    ) -> None:
        # BANT order: budget (30), authority (15, optional), need (30), timeframe (25).
        decision = check_decides_as_the_rule(BANT, PurchaseRole.UNKNOWN, Evidence(), NOW)
        assert decision is not None
        assert decision.next_steps == (
            "confirm budget",
            "confirm what the party needs",
            "confirm when the party will buy",
            "identify the decision maker",
        )

    def test_an_open_requirement_of_no_weight_still_comes_before_the_other_steps(self) -> None:
        policy = Policy(
            name="weightless need",
            order=(Criterion.AUTHORITY, Criterion.BUDGET, Criterion.NEED, Criterion.TIMEFRAME),
            need=CriterionRule(
                weight=0,
                required=True,
                minimum=NeedLevel.LATENT,
                points=dict.fromkeys(NeedLevel, 0),
            ),
            budget=BANT.budget,
            timeframe=BANT.timeframe,
            authority=CriterionRule(
                weight=45,
                required=False,
                minimum=AuthorityLevel.DECIDER,
                points={level: 9 * rank(level) for level in AuthorityLevel},
            ),
        )
        evidence = known("unknown", "approved", "later")
        decision = check_decides_as_the_rule(policy, PurchaseRole.USER, evidence, NOW)
        assert decision is not None
        assert decision.verdict is Verdict.UNDETERMINED
        assert decision.next_steps == (
            "confirm what the party needs",
            "identify the decision maker",
            "revisit when the purchase is this year or sooner",
        )

    def test_the_decision_date_is_read_on_the_day_of_as_of_in_its_own_offset(self) -> None:
        # 23:30 on 31 March at -05:00 is already 1 April in UTC.
        as_of = datetime(2026, 3, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
        evidence = Evidence(timeframe=TimeframeEvidence(decision_date=date(2026, 6, 30)))
        decision = check_decides_as_the_rule(BANT, INES, evidence, as_of)
        assert decision is not None
        assert decision.result(Criterion.TIMEFRAME).level is TimeframeLevel.NEXT_QUARTER


# --------------------------------------------------------------------------------------------
# effective_timeframe
# --------------------------------------------------------------------------------------------


class TestEffectiveTimeframe:
    @PROPERTY
    @given(
        today=lfst.dates(max_value=date(2090, 1, 1)),
        ahead=st.integers(-100, 4000),
        horizon=st.integers(1, 3660),
    )
    def test_a_decision_date_falls_in_its_calendar_bucket(
        self, today: date, ahead: int, horizon: int
    ) -> None:
        when = today + timedelta(days=ahead)
        evidence = TimeframeEvidence(decision_date=when)
        assert effective_timeframe(evidence, today, horizon) is bucket(when, today, horizon)

    @pytest.mark.parametrize(
        ("today", "when", "horizon", "level"),
        [
            (date(2026, 5, 4), date(2026, 5, 3), 365, TimeframeLevel.UNKNOWN),
            (date(2026, 5, 4), date(2026, 5, 4), 365, TimeframeLevel.IMMEDIATE),
            (date(2026, 5, 4), date(2026, 6, 3), 365, TimeframeLevel.IMMEDIATE),
            (date(2026, 5, 4), date(2026, 6, 4), 365, TimeframeLevel.THIS_QUARTER),
            (date(2026, 5, 4), date(2026, 6, 30), 365, TimeframeLevel.THIS_QUARTER),
            (date(2026, 5, 4), date(2026, 7, 1), 365, TimeframeLevel.NEXT_QUARTER),
            (date(2026, 5, 4), date(2026, 8, 20), 365, TimeframeLevel.NEXT_QUARTER),
            (date(2026, 5, 4), date(2026, 9, 30), 365, TimeframeLevel.NEXT_QUARTER),
            (date(2026, 5, 4), date(2026, 10, 1), 365, TimeframeLevel.THIS_YEAR),
            (date(2026, 5, 4), date(2026, 12, 31), 365, TimeframeLevel.THIS_YEAR),
            (date(2026, 5, 4), date(2027, 1, 1), 365, TimeframeLevel.LATER),
            (date(2026, 11, 2), date(2027, 2, 1), 365, TimeframeLevel.NEXT_QUARTER),
            (date(2026, 11, 2), date(2027, 4, 1), 365, TimeframeLevel.LATER),
            (date(2026, 8, 3), date(2027, 1, 5), 365, TimeframeLevel.LATER),
            (date(2026, 1, 2), date(2026, 3, 31), 365, TimeframeLevel.THIS_QUARTER),
            (date(2026, 1, 2), date(2026, 4, 1), 365, TimeframeLevel.NEXT_QUARTER),
            (date(2026, 1, 2), date(2026, 7, 1), 365, TimeframeLevel.THIS_YEAR),
            (date(2026, 5, 4), date(2026, 5, 24), 20, TimeframeLevel.IMMEDIATE),
            (date(2026, 5, 4), date(2026, 5, 25), 20, TimeframeLevel.LATER),
            (date(2026, 5, 4), date(2026, 8, 20), 108, TimeframeLevel.NEXT_QUARTER),
            (date(2026, 5, 4), date(2026, 8, 20), 107, TimeframeLevel.LATER),
        ],
    )
    def test_calendar_edges(
        self, today: date, when: date, horizon: int, level: TimeframeLevel
    ) -> None:
        evidence = TimeframeEvidence(decision_date=when)
        assert bucket(when, today, horizon) is level
        assert effective_timeframe(evidence, today, horizon) is level

    @pytest.mark.parametrize("level", list(TimeframeLevel))
    def test_a_named_level_is_taken_as_it_is(self, level: TimeframeLevel) -> None:
        evidence = TimeframeEvidence(level=level)
        assert effective_timeframe(evidence, date(2026, 5, 4), 1) is level


# --------------------------------------------------------------------------------------------
# Freshness and evidence from the future
# --------------------------------------------------------------------------------------------


def only(criterion: Criterion, observed_at: datetime | None) -> Evidence:
    """Known, met-under-BANT evidence on every criterion; only *criterion* observed at a time."""
    when = {c: (observed_at if c is criterion else None) for c in Criterion}
    return Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=when[Criterion.NEED]),
        budget=BudgetEvidence(level=BudgetLevel.APPROVED, observed_at=when[Criterion.BUDGET]),
        timeframe=TimeframeEvidence(
            decision_date=date(2026, 3, 20), observed_at=when[Criterion.TIMEFRAME]
        ),
        authority=AuthorityEvidence(
            process=PurchaseProcess.INDIVIDUAL, observed_at=when[Criterion.AUTHORITY]
        ),
    )


DECIDER = PurchaseRole.DECISION_MAKER
FULL = {
    Criterion.NEED: NeedLevel.STRONG,
    Criterion.BUDGET: BudgetLevel.APPROVED,
    Criterion.TIMEFRAME: TimeframeLevel.IMMEDIATE,
    Criterion.AUTHORITY: AuthorityLevel.DECIDER,
}


class TestFreshness:
    @pytest.mark.parametrize("criterion", list(Criterion))
    def test_evidence_exactly_as_old_as_the_window_is_fresh(self, criterion: Criterion) -> None:
        assert BANT.freshness is not None
        evidence = only(criterion, NOW - BANT.freshness)
        decision = check_decides_as_the_rule(BANT, DECIDER, evidence, NOW)
        assert decision is not None
        assert decision.result(criterion).level is FULL[criterion]
        assert decision.result(criterion).status is Status.MET

    @pytest.mark.parametrize("criterion", list(Criterion))
    def test_one_microsecond_older_is_stale(self, criterion: Criterion) -> None:
        assert BANT.freshness is not None
        evidence = only(criterion, NOW - BANT.freshness - MICRO)
        decision = check_decides_as_the_rule(BANT, DECIDER, evidence, NOW)
        assert decision is not None
        result = decision.result(criterion)
        assert result.level is LEVEL_TYPES[criterion].UNKNOWN
        assert result.points == 0
        assert result.status is Status.STALE

    @pytest.mark.parametrize("criterion", list(Criterion))
    def test_without_a_window_nothing_goes_stale(self, criterion: Criterion) -> None:
        forever = BANT.evolve(name="forever", freshness=None)
        evidence = only(criterion, NOW - timedelta(days=20 * 366))
        decision = check_decides_as_the_rule(forever, DECIDER, evidence, NOW)
        assert decision is not None
        assert decision.result(criterion).level is FULL[criterion]

    @pytest.mark.parametrize("criterion", list(Criterion))
    def test_evidence_observed_a_moment_ago_is_fresh(self, criterion: Criterion) -> None:
        for ago in (MICRO, timedelta(hours=1), timedelta(days=1)):
            decision = check_decides_as_the_rule(BANT, DECIDER, only(criterion, NOW - ago), NOW)
            assert decision is not None
            assert decision.result(criterion).level is FULL[criterion]


class TestEvidenceFromTheFuture:
    @pytest.mark.parametrize("criterion", list(Criterion))
    def test_evidence_observed_after_as_of_gives_no_index_and_is_refused(
        self, criterion: Criterion
    ) -> None:
        observed = NOW + MICRO
        evidence = only(criterion, observed)
        engine = BANT._engine
        assert engine.index(DECIDER, evidence, NOW, NOW) == -1
        with pytest.raises(LeadflowError) as caught:
            engine.refuse(evidence, NOW)
        pinned(
            caught.value,
            InvalidFieldError,
            f"evidence.{criterion.value}.observed_at",
            observed,
            "observed after as_of",
        )
        with pytest.raises(LeadflowError) as caught:
            qualify(ada(DECIDER), evidence, BANT, as_of=NOW)
        pinned(
            caught.value,
            InvalidFieldError,
            f"evidence.{criterion.value}.observed_at",
            observed,
            "observed after as_of",
        )

    @pytest.mark.parametrize("criterion", list(Criterion))
    def test_evidence_observed_exactly_at_as_of_is_accepted(self, criterion: Criterion) -> None:
        evidence = only(criterion, NOW)
        assert BANT._engine.index(DECIDER, evidence, NOW, NOW) >= 0
        BANT._engine.refuse(evidence, NOW)  # raises nothing
        decision = check_decides_as_the_rule(BANT, DECIDER, evidence, NOW)
        assert decision is not None
        assert decision.verdict is Verdict.QUALIFIED

    @pytest.mark.parametrize(
        ("order", "future", "named"),
        [
            (BANT.order, set(Criterion), Criterion.BUDGET),
            (BANT.order, {Criterion.NEED, Criterion.TIMEFRAME}, Criterion.NEED),
            (BANT.order, {Criterion.TIMEFRAME, Criterion.AUTHORITY}, Criterion.AUTHORITY),
            (tuple(reversed(BANT.order)), set(Criterion), Criterion.TIMEFRAME),
            (
                tuple(reversed(BANT.order)),
                {Criterion.BUDGET, Criterion.AUTHORITY},
                Criterion.AUTHORITY,
            ),
        ],
    )
    def test_the_first_criterion_in_policy_order_observed_after_as_of_is_named(
        self, order: tuple[Criterion, ...], future: set[Criterion], named: Criterion
    ) -> None:
        policy = BANT if order == BANT.order else BANT.evolve(name="ordered", order=order)
        times = {
            c: (NOW + (1 + list(Criterion).index(c)) * MICRO if c in future else NOW)
            for c in Criterion
        }
        evidence = Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG, observed_at=times[Criterion.NEED]),
            budget=BudgetEvidence(level=BudgetLevel.NONE, observed_at=times[Criterion.BUDGET]),
            timeframe=TimeframeEvidence(observed_at=times[Criterion.TIMEFRAME]),
            authority=AuthorityEvidence(observed_at=times[Criterion.AUTHORITY]),
        )
        for refuse in (
            lambda: policy._engine.refuse(evidence, NOW),
            lambda: qualify(ada(), evidence, policy, as_of=NOW),
        ):
            with pytest.raises(LeadflowError) as caught:
                refuse()
            pinned(
                caught.value,
                InvalidFieldError,
                f"evidence.{named.value}.observed_at",
                times[named],
                "observed after as_of",
            )

    def test_stale_evidence_beside_evidence_from_the_future_is_still_refused(self) -> None:
        evidence = attrs.evolve(
            only(Criterion.AUTHORITY, NOW + MICRO),
            need=NeedEvidence(level=NeedLevel.STRONG, observed_at=NOW - timedelta(days=999)),
        )
        assert BANT._engine.index(DECIDER, evidence, NOW, NOW) == -1
        with pytest.raises(InvalidFieldError):
            qualify(ada(DECIDER), evidence, BANT, as_of=NOW)

    def test_refuse_raises_nothing_when_nothing_was_observed_after_as_of(self) -> None:
        evidence = evidence_at(NeedLevel.STRONG, observed_at=NOW)
        BANT._engine.refuse(evidence, NOW)  # raises nothing
        BANT._engine.refuse(Evidence(), NOW)  # raises nothing


# --------------------------------------------------------------------------------------------
# instant: validating as_of, with the last one kept
# --------------------------------------------------------------------------------------------


class PlusTwo(tzinfo):
    """A zone that is not a fixed-offset ``timezone`` (so its instant is converted to UTC)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=2)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return "+02"


def fresh_engine(name: str, policy: Policy = BANT) -> Engine:
    engine: Engine = policy.evolve(name=name)._engine
    return engine


class TestInstant:
    def test_a_fixed_offset_as_of_is_its_own_instant(self) -> None:
        engine = fresh_engine("instant fixed")
        as_of = datetime(2026, 3, 2, 11, 0, tzinfo=timezone(timedelta(hours=2)))
        assert engine.instant(as_of) is as_of

    def test_an_as_of_in_another_kind_of_zone_becomes_utc_and_is_kept_for_the_next_call(
        self,
    ) -> None:
        engine = fresh_engine("instant zone")
        as_of = datetime(2026, 3, 2, 11, 0, tzinfo=PlusTwo())
        now = engine.instant(as_of)
        assert now == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert now.tzinfo is UTC
        assert engine.instant(as_of) is now

    def test_a_different_as_of_is_validated_again(self) -> None:
        engine = fresh_engine("instant again")
        first = datetime(2026, 3, 2, 11, 0, tzinfo=PlusTwo())
        second = datetime(2026, 3, 2, 11, 0, tzinfo=PlusTwo())
        assert engine.instant(first) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        later = datetime(2026, 3, 3, 11, 0, tzinfo=PlusTwo())
        assert engine.instant(later) == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
        assert engine.instant(second) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert engine.instant(NOW) is NOW

    def test_a_naive_as_of_is_refused_even_after_a_valid_one(self) -> None:
        engine = fresh_engine("instant naive")
        naive = datetime(2026, 3, 2, 9, 0)
        for _ in range(2):
            with pytest.raises(LeadflowError) as caught:
                engine.instant(naive)
            pinned(caught.value, NaiveDatetimeError, "as_of", naive, "datetime has no timezone")
            assert engine.instant(NOW) is NOW

    @pytest.mark.parametrize("junk", [None, "2026-03-02T09:00:00Z", date(2026, 3, 2)])
    def test_an_as_of_that_is_no_datetime_is_refused_after_a_valid_one(self, junk: object) -> None:
        engine = fresh_engine(f"instant junk after {junk!r}")
        engine.instant(datetime(2026, 3, 2, 11, 0, tzinfo=PlusTwo()))
        for _ in range(2):
            with pytest.raises(LeadflowError) as caught:
                engine.instant(junk)
            pinned(
                caught.value,
                WrongTypeError,
                "as_of",
                junk,
                f"expected an aware datetime, not {type(junk).__name__}",
            )

    @pytest.mark.parametrize("junk", [None, "2026-03-02T09:00:00Z", date(2026, 3, 2)])
    def test_an_as_of_that_is_no_datetime_is_refused_by_a_fresh_engine(self, junk: object) -> None:
        engine = fresh_engine(f"instant junk {junk!r}")
        with pytest.raises(LeadflowError) as caught:
            engine.instant(junk)
        pinned(
            caught.value,
            WrongTypeError,
            "as_of",
            junk,
            f"expected an aware datetime, not {type(junk).__name__}",
        )

    def test_a_decision_at_an_as_of_in_another_zone_keeps_that_as_of(self) -> None:
        as_of = datetime(2026, 3, 2, 11, 0, tzinfo=PlusTwo())
        decision = qualify(ada(INES), qualifying_evidence(), BANT, as_of=as_of)
        assert decision.as_of is as_of
        assert decision.as_of.tzinfo is as_of.tzinfo


# --------------------------------------------------------------------------------------------
# The numbering: results(index), result(), known, plain, signals
# --------------------------------------------------------------------------------------------


def every_result(policy: Policy, criterion: Criterion) -> list[tuple[Any, bool]]:
    levels = list(LEVEL_TYPES[criterion])
    return [(level, False) for level in levels] + [(levels[0], True)]


class TestNumbering:
    @pytest.mark.parametrize(
        "policy",
        [
            BANT,
            SIGNAL_POLICY,
            BANT.evolve(
                name="reordered",
                order=(Criterion.TIMEFRAME, Criterion.NEED, Criterion.AUTHORITY, Criterion.BUDGET),
            ),
        ],
    )
    def test_every_index_decodes_to_a_distinct_combination_and_all_are_covered(
        self, policy: Policy
    ) -> None:
        # A policy built here, not at import: its engine is compiled as the test runs.
        policy = policy.evolve()
        engine = policy._engine
        size = math.prod(len(LEVEL_TYPES[c]) + 1 for c in Criterion)
        assert size == 6 * 6 * 7 * 7
        assert len(engine.known) == size
        decoded = [engine.results(index) for index in range(size)]
        assert all(result is not None for results in decoded for result in results)
        assert all(
            [r.name for r in results] == [c.value for c in policy.order] for results in decoded
        )
        assert len(set(decoded)) == size
        everything = set(
            itertools.product(
                *(
                    [
                        expected_result(policy, c, level, stale)
                        for level, stale in every_result(policy, c)
                    ]
                    for c in policy.order
                )
            )
        )
        assert set(decoded) == everything

    @pytest.mark.parametrize("criterion", list(Criterion))
    @pytest.mark.parametrize("policy", [BANT, SIGNAL_POLICY])
    def test_result_is_the_rule_at_each_level_and_stale_only_when_asked(
        self, policy: Policy, criterion: Criterion
    ) -> None:
        policy = policy.evolve()  # compiled as the test runs
        engine = policy._engine
        for level in LEVEL_TYPES[criterion]:
            assert engine.result(criterion, level) == expected_result(
                policy, criterion, level, False
            )
            assert engine.result(criterion, level, stale=False) == engine.result(criterion, level)
            assert engine.result(criterion, level, stale=True) == expected_result(
                policy, criterion, level, True
            )
        unknown = LEVEL_TYPES[criterion].UNKNOWN
        if policy.rule(criterion).required:
            assert engine.result(criterion, unknown).status is Status.UNCONFIRMED
            assert engine.result(criterion, unknown, stale=True).status is Status.STALE

    def test_plain_says_whether_the_policy_declares_signals(self) -> None:
        assert BANT._engine.plain is True
        assert SIGNAL_POLICY._engine.plain is False

    def test_the_module_exports_the_engine_the_timeframe_rule_and_the_verdict(self) -> None:
        assert _engine.__all__ == ["Engine", "Tables", "effective_timeframe", "verdict_of"]
        assert all(callable(getattr(_engine, name)) for name in _engine.__all__)

    def test_the_engine_belongs_to_its_policy(self) -> None:
        assert BANT._engine.policy is BANT


class TestMemo:
    def test_a_decision_fills_in_the_outcome_of_its_combination_and_only_that(self) -> None:
        policy = BANT.evolve(name="memo")
        engine = policy._engine
        assert all(outcome is None for outcome in engine.known)
        first = qualify(ada(INES), known("expressed", "available", "this_year"), policy, as_of=NOW)
        filled = [i for i, outcome in enumerate(engine.known) if outcome is not None]
        assert len(filled) == 1
        (index,) = filled
        assert engine.results(index) == first.results
        outcome = engine.known[index]
        assert outcome is not None
        assert outcome == (
            first.verdict,
            first.score,
            first.grade,
            first.rating,
            first.results,
            first.next_steps,
            first.policy,
            first.threshold,
            first.signals,
            first.reason,
            first.probability,
        )
        assert outcome[:8] == (
            Verdict.QUALIFIED,
            68,
            Grade.B,
            Rating.WARM,
            first.results,
            (),
            "memo",
            60,
        )
        again = qualify(
            ada(INES),
            known("expressed", "available", "this_year"),
            policy,
            as_of=NOW + timedelta(days=1),
        )
        assert again.results is first.results
        assert again.as_of == NOW + timedelta(days=1)
        assert [i for i, o in enumerate(engine.known) if o is not None] == [index]

    def test_outcome_of_an_index_is_memoised_when_asked_directly(self) -> None:
        policy = BANT.evolve(name="memo direct")
        engine = policy._engine
        outcome = engine.outcome(0, Evidence(), NOW)
        assert engine.known[0] is outcome
        assert engine.outcome(0, Evidence(), NOW) is outcome
        assert outcome[0] is Verdict.UNDETERMINED
        assert outcome[4] == engine.results(0)

    def test_a_policy_with_signals_keeps_outcomes_by_points(self) -> None:
        policy = SIGNAL_POLICY.evolve(name="signal memo")
        base = known("strong", "approved", "immediate")
        # lead_origin: "Lead Add Form" 8, "API" 3, "Lead Import" 1; lead_source "Reference" 7;
        # minutes_on_site 20 is the 15-to-30 bin: 6 points. minutes_on_site is reported last.
        cases = [
            {"lead_origin": "Lead Add Form", "minutes_on_site": 20},
            {"lead_origin": "API", "minutes_on_site": 20},
            {"lead_origin": "Lead Import", "lead_source": "Reference"},
            {"lead_origin": "Lead Add Form"},
            {},
        ]
        decisions = []
        for values in cases:
            evidence = attrs.evolve(base, signals=values)
            decision = check_decides_as_the_rule(policy, INES, evidence, NOW)
            assert decision is not None
            decisions.append(decision)
        criteria = 25 + 15 + 20 + 2
        assert [d.score for d in decisions] == [
            criteria + 14,
            criteria + 9,
            criteria + 8,
            criteria + 8,
            criteria,
        ]
        # Same points, different values: each decision reports its own signals.
        assert decisions[2].signals != decisions[3].signals
        assert [s.value for s in decisions[2].signals][:2] == ["Lead Import", "Reference"]
        assert all(outcome is None for outcome in policy._engine.known)

    def test_a_policy_with_signals_reuses_the_outcome_of_equal_points(self) -> None:
        # Two decisions whose combination and signal points are equal share one outcome:
        # its results are the very same tuple, not an equal one computed again.
        policy = SIGNAL_POLICY.evolve(name="signal reuse")
        base = known("strong", "approved", "immediate")
        first = qualify(
            ada(INES), attrs.evolve(base, signals={"lead_source": "Google"}), policy, as_of=NOW
        )
        again = qualify(
            ada(INES), attrs.evolve(base, signals={"lead_source": "Google"}), policy, as_of=NOW
        )
        other = qualify(ada(INES), attrs.evolve(base, signals={}), policy, as_of=NOW)
        assert first.results is again.results
        assert first.next_steps is again.next_steps
        assert other.results == first.results
        assert other.results is not first.results
        assert other.score < first.score

    def test_outcomes_of_neighbouring_combinations_never_share_a_key(self) -> None:
        # Criteria worth nothing and one signal worth everything: a combination's outcome
        # differs from its neighbour's only through the signal's points (0 to 100).
        nothing = {
            c: CriterionRule(
                weight=0,
                required=False,
                minimum=LEVEL_TYPES[c].UNKNOWN,
                points=dict.fromkeys(LEVEL_TYPES[c], 0),
            )
            for c in Criterion
        }
        policy = Policy(
            name="all signal",
            need=nothing[Criterion.NEED],
            budget=nothing[Criterion.BUDGET],
            timeframe=nothing[Criterion.TIMEFRAME],
            authority=nothing[Criterion.AUTHORITY],
            threshold=50,
            nurture_threshold=1,
            signals=(
                NumericSignal(
                    name="total_visits", weight=100, edges=(1, 2, 3), points=(0, 1, 2, 100)
                ),
            ),
        )
        old = NOW - timedelta(days=999)
        cases = [
            Evidence(need=NeedEvidence(level=NeedLevel.NONE), signals={"total_visits": 0}),
            Evidence(signals={"total_visits": 5}),
            Evidence(
                need=NeedEvidence(level=NeedLevel.STRONG, observed_at=old),
                budget=BudgetEvidence(level=BudgetLevel.APPROVED),
                timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_YEAR),
                signals={"total_visits": 0},
            ),
            Evidence(signals={"total_visits": 1}),
            Evidence(signals={"total_visits": 2}),
            Evidence(need=NeedEvidence(level=NeedLevel.LATENT), signals={"total_visits": 0}),
        ]
        decisions = [
            check_decides_as_the_rule(policy, PurchaseRole.UNKNOWN, evidence, NOW)
            for evidence in cases
        ]
        assert [d.score if d else None for d in decisions] == [0, 100, 0, 1, 2, 0]
        assert [d.verdict if d else None for d in decisions] == [
            Verdict.NURTURE,
            Verdict.QUALIFIED,
            Verdict.NURTURE,
            Verdict.NURTURE,
            Verdict.NURTURE,
            Verdict.NURTURE,
        ]

    def test_signal_results_are_in_policy_order(self) -> None:
        evidence = Evidence(
            signals={"total_visits": 4, "minutes_on_site": 40, "lead_source": "Google"}
        )
        results = SIGNAL_POLICY._engine.signal_results(evidence, NOW)
        assert [r.name for r in results] == [
            "lead_origin",
            "lead_source",
            "total_visits",
            "minutes_on_site",
        ]
        assert [r.points for r in results] == [0, 4, 6, 8]
        assert results == signals_of(SIGNAL_POLICY, evidence, NOW)
