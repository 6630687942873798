"""The qualification rules: laws that hold for any valid policy, and worked BANT examples."""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Criterion,
    Evidence,
    Grade,
    InvalidFieldError,
    InvalidRecordError,
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
    Signal,
    SignalObservation,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    authority_level,
    effective_timeframe,
    qualify,
    qualify_many,
)
from leadflow import strategies as lfst
from support import ada, evidence_at, examples

# --------------------------------------------------------------------------------------------
# Orders and oracles, stated here from the domain rather than read from the code under test
# --------------------------------------------------------------------------------------------

#: Worst to best. "Undetermined" (insufficient evidence) sits above "disqualified" (evidence
#: against) and below "nurture": learning more can move it either way.
VERDICT_ORDER = (Verdict.DISQUALIFIED, Verdict.UNDETERMINED, Verdict.NURTURE, Verdict.QUALIFIED)
GRADE_ORDER = (Grade.D, Grade.C, Grade.B, Grade.A)
RATING_ORDER = (Rating.COLD, Rating.WARM, Rating.HOT)

LEVEL_TYPES: dict[Criterion, Any] = {
    Criterion.NEED: NeedLevel,
    Criterion.BUDGET: BudgetLevel,
    Criterion.TIMEFRAME: TimeframeLevel,
    Criterion.AUTHORITY: AuthorityLevel,
}

ROLE_PROCESS_PAIRS = tuple(itertools.product(PurchaseRole, PurchaseProcess))

UTC = timezone.utc


# Drawing a policy, a contact and evidence from ``leadflow.strategies`` costs about 15 ms of
# CPU; the central laws keep a larger share of the profile's examples than the secondary ones.
#: The laws that define qualification (bounds, threshold law, monotonicity, explanation).
CORE = examples(1 / 3)
#: Laws that restate a narrower rule or are also covered by example tests.
SECONDARY = examples(1 / 6)


class Case(NamedTuple):
    """One call to qualify: everything it depends on."""

    contact: Contact
    evidence: Evidence
    policy: Policy
    as_of: datetime

    def decide(self) -> QualificationDecision:
        return qualify(self.contact, self.evidence, self.policy, as_of=self.as_of)


AS_OF = lfst.aware_datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2090, 1, 1))

# qualify reads only the contact's role (TestContact checks this on full lfst.contacts()), and
# a contact built once from the strategies' parts draws five times faster than lfst.contacts(),
# which builds its inner strategies anew on every draw.
CONTACTS = st.builds(
    Contact,
    name=lfst.texts(),
    email=lfst.emails(),
    created_at=lfst.aware_datetimes(max_value=datetime(2003, 12, 31)),
    organisation=st.none() | lfst.organisations(),
    role=st.sampled_from(PurchaseRole),
)

# lfst.evidence(as_of) also builds its strategies per call (about 8 ms a draw). Evidence drawn
# once relative to a fixed instant and then moved to a random "now" keeps what the rules look
# at -- how long before "now" each part was observed -- at a fifth of the cost.
REFERENCE = datetime(2050, 1, 1, tzinfo=UTC)
EVIDENCE_BEFORE_REFERENCE = lfst.evidence(REFERENCE)


def moved(evidence: Evidence, delta: timedelta) -> Evidence:
    """*evidence* with every observation time and the decision date moved by *delta*."""

    def move(part: Any) -> Any:
        if part.observed_at is None:
            return part
        return attrs.evolve(part, observed_at=part.observed_at + delta)

    timeframe = move(evidence.timeframe)
    if timeframe.decision_date is not None:
        timeframe = attrs.evolve(
            timeframe, decision_date=timeframe.decision_date + timedelta(days=delta.days)
        )
    return Evidence(
        need=move(evidence.need),
        budget=move(evidence.budget),
        timeframe=timeframe,
        authority=move(evidence.authority),
        signals={name: move(observation) for name, observation in evidence.signals},
    )


@st.composite
def cases(draw: st.DrawFn, policies: st.SearchStrategy[Policy] | None = None) -> Case:
    as_of = draw(AS_OF)
    evidence = moved(draw(EVIDENCE_BEFORE_REFERENCE), as_of - REFERENCE)
    # Decision dates drawn over a century rarely fall within a year of "now"; add some that do.
    days_ahead = draw(st.none() | st.integers(-40, 800))
    if days_ahead is not None:
        dated = attrs.evolve(
            evidence.timeframe,
            level=TimeframeLevel.UNKNOWN,
            decision_date=as_of.date() + timedelta(days=days_ahead),
        )
        evidence = attrs.evolve(evidence, timeframe=dated)
    policy = draw(lfst.policies() if policies is None else policies)
    # Values for most of the policy's own signals, seen up to a few half-lives ago.
    seen = dict(evidence.signals)
    for signal in policy.signals:
        if draw(st.integers(0, 3)):
            back = draw(st.none() | st.integers(0, 400 * 24 * 60))
            seen[signal.name] = SignalObservation(
                value=draw(lfst.signal_values(signal.name)),
                observed_at=None if back is None else as_of - timedelta(minutes=back),
            )
    return Case(
        contact=draw(CONTACTS),
        evidence=attrs.evolve(evidence, signals=seen),
        policy=policy,
        as_of=as_of,
    )


def stronger_or_equal(level: Any) -> st.SearchStrategy[Any]:
    """Levels of the same enum at least as strong as *level* (never empty: it is one)."""
    return st.sampled_from([m for m in type(level) if m.rank >= level.rank])


def weaker_than(level: Any) -> st.SearchStrategy[Any]:
    """Levels of the same enum strictly weaker than *level* (needs ``level.rank > 0``)."""
    return st.sampled_from([m for m in type(level) if m.rank < level.rank])


def stale(case: Case, criterion: Criterion) -> bool:
    """Whether the evidence for *criterion* is older than the policy's freshness window."""
    observed = getattr(case.evidence, criterion.value).observed_at
    window = case.policy.freshness
    return observed is not None and window is not None and case.as_of - observed > window


def expected_level(case: Case, criterion: Criterion) -> Any:
    """The level a criterion is scored at: what the evidence says, or unknown when stale."""
    if stale(case, criterion):
        return LEVEL_TYPES[criterion].UNKNOWN
    evidence = case.evidence
    if criterion is Criterion.NEED:
        return evidence.need.level
    if criterion is Criterion.BUDGET:
        return evidence.budget.level
    if criterion is Criterion.TIMEFRAME:
        return effective_timeframe(evidence.timeframe, case.as_of.date(), case.policy.horizon_days)
    return authority_level(case.contact.role, evidence.authority.process)


def requirements_are_met(case: Case) -> bool:
    """Whether every criterion the policy requires is at its minimum or stronger."""
    policy = case.policy
    return all(
        expected_level(case, c).rank >= policy.rule(c).minimum.rank
        for c in Criterion
        if policy.rule(c).required
    )


def points_at(policy: Policy, criterion: Criterion, level: Any) -> int:
    points: int = dict(policy.rule(criterion).points)[level]
    return points


def best_score(policy: Policy) -> int:
    criteria = sum(max(n for _, n in policy.rule(c).points) for c in Criterion)
    signals = 0
    for signal in policy.signals:
        if isinstance(signal, NumericSignal):
            signals += max(signal.unknown, *signal.points)
        else:
            signals += max([signal.default, signal.unknown, *(n for _, n in signal.points)])
    return criteria + signals


def category_key(text: str) -> str:
    """Categories match ignoring case and how words are separated."""
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def expected_signal_points(case: Case, signal: Signal) -> int:
    """The points *signal* gives on *case*: its bin or category, halved per half-life of age."""
    observation = case.evidence.signal(signal.name)
    if observation is None:
        return signal.unknown
    value = observation.value
    if isinstance(signal, NumericSignal):
        assert isinstance(value, Decimal)
        full = signal.points[sum(1 for edge in signal.edges if value >= edge)]
    else:
        assert isinstance(value, str)
        listed = {category_key(c): n for c, n in signal.points}
        full = listed.get(category_key(value), signal.default)
    if signal.half_life is None or observation.observed_at is None:
        return full
    halvings = (case.as_of - observation.observed_at) / signal.half_life
    decayed: int = math.floor(full * 0.5**halvings + 0.5)
    return decayed


def expected_score(case: Case) -> int:
    criteria = sum(points_at(case.policy, c, expected_level(case, c)) for c in Criterion)
    return criteria + sum(expected_signal_points(case, s) for s in case.policy.signals)


def expected_verdict(case: Case, score: int) -> Verdict:
    """The verdict the domain asks for, stated independently of the code under test.

    Disqualified takes evidence against: a required criterion known and below its
    minimum (other than the timeframe, which only says "later"), or a later timeframe
    with too little else -- counting each unknown requirement as met at its minimum.
    A required criterion not known is "undetermined". Everything else is open:
    nurture, or qualified when every requirement is met at or above the threshold.
    """
    policy = case.policy
    against = later = False
    unknown: list[Criterion] = []
    for criterion in Criterion:
        rule = policy.rule(criterion)
        level = expected_level(case, criterion)
        if not rule.required or level.rank >= rule.minimum.rank:
            continue
        if level.rank == 0:
            unknown.append(criterion)
        elif criterion is Criterion.TIMEFRAME:
            later = True
        else:
            against = True
    if against:
        return Verdict.DISQUALIFIED
    if unknown:
        if later:
            at_minimums = score + sum(
                points_at(policy, c, policy.rule(c).minimum)
                - points_at(policy, c, expected_level(case, c))
                for c in unknown
            )
            if at_minimums < policy.nurture_threshold:
                return Verdict.DISQUALIFIED
        return Verdict.UNDETERMINED
    if later:
        return Verdict.NURTURE if score >= policy.nurture_threshold else Verdict.DISQUALIFIED
    return Verdict.QUALIFIED if score >= policy.threshold else Verdict.NURTURE


# --------------------------------------------------------------------------------------------
# Laws
# --------------------------------------------------------------------------------------------


class TestScoreBounds:
    @CORE
    @given(cases())
    def test_score_is_between_zero_and_the_best_the_policy_can_give(self, case: Case) -> None:
        score = case.decide().score

        assert 0 <= score <= best_score(case.policy) <= 100

    @CORE
    @given(cases())
    def test_score_is_the_points_of_the_levels_and_signal_values_seen(self, case: Case) -> None:
        assert case.decide().score == expected_score(case)


class TestExplanation:
    @CORE
    @given(cases())
    def test_one_result_per_criterion_and_signal_in_policy_order_and_points_sum_to_the_score(
        self, case: Case
    ) -> None:
        decision = case.decide()

        assert [r.name for r in decision.results] == [c.value for c in case.policy.order]
        assert [s.name for s in decision.signals] == [s.name for s in case.policy.signals]
        total = sum(r.points for r in decision.results) + sum(s.points for s in decision.signals)
        assert total == decision.score

    @CORE
    @given(cases())
    def test_each_signal_reports_its_value_points_and_a_stable_code(self, case: Case) -> None:
        decision = case.decide()

        for signal in case.policy.signals:
            result = decision.signal(signal.name)
            observation = case.evidence.signal(signal.name)
            assert result.points == expected_signal_points(case, signal)
            assert 0 <= result.points <= result.full_points <= signal.weight == result.weight
            assert result.value == (None if observation is None else observation.value)
            assert result.code.startswith(f"signal.{signal.name}.")
            if observation is None:
                assert result.code == f"signal.{signal.name}.unknown"
            elif isinstance(signal, NumericSignal):
                assert isinstance(result.value, Decimal)
                number = 1 + sum(1 for edge in signal.edges if result.value >= edge)
                assert result.code == f"signal.{signal.name}.bin_{number}"
            assert f"{result.points}/{signal.weight}" in result.sentence
        assert decision.codes[len(decision.results) :] == tuple(s.code for s in decision.signals)

    @CORE
    @given(cases())
    def test_each_result_reports_its_rule_the_level_seen_and_whether_it_is_met(
        self, case: Case
    ) -> None:
        decision = case.decide()

        for criterion in Criterion:
            rule = case.policy.rule(criterion)
            result = decision.result(criterion)
            level: Any = result.level
            assert result.weight == rule.weight
            assert result.required == rule.required
            assert result.minimum == rule.minimum
            assert result.level == expected_level(case, criterion)
            assert result.points == points_at(case.policy, criterion, result.level)
            assert result.met == level.at_least(rule.minimum)
            assert result.met == (level.rank >= rule.minimum.rank)
            assert result.code == f"{criterion.value}.{result.status.value}"
        criteria = tuple(r.code for r in decision.results)
        assert decision.codes == criteria + tuple(s.code for s in decision.signals)

    @CORE
    @given(cases())
    def test_next_steps_are_the_unmet_results_steps_without_repeats_most_valuable_first(
        self, case: Case
    ) -> None:
        decision = case.decide()
        results = list(decision.results)
        if decision.verdict is Verdict.UNDETERMINED:
            # What to find out first: the unknown requirements, weightiest first.
            def opens(r: Any) -> bool:
                return bool(r.required and r.status.value in ("unconfirmed", "stale"))

            first = sorted((r for r in results if opens(r)), key=lambda r: -r.weight)
            results = first + [r for r in results if not opens(r)]

        expected: list[str] = []
        for result in results:
            if result.met:
                assert result.next_step is None
            else:
                assert result.next_step
                if result.next_step not in expected:
                    expected.append(result.next_step)
        assert decision.next_steps == tuple(expected)

    @SECONDARY
    @given(cases())
    def test_explain_mentions_every_code_the_verdict_and_the_next_steps(self, case: Case) -> None:
        decision = case.decide()
        text = decision.explain()

        for code in decision.codes:
            assert code in text
        for signal in decision.signals:
            assert signal.sentence in text
        assert decision.verdict.value in text.lower()
        assert decision.reason
        assert decision.reason in text
        for step in decision.next_steps:
            assert step in text

    @SECONDARY
    @given(cases())
    def test_the_decision_records_what_it_was_made_on(self, case: Case) -> None:
        decision = case.decide()

        assert decision.evidence == case.evidence
        assert decision.as_of == case.as_of
        assert decision.policy == case.policy.name
        assert decision.threshold == case.policy.threshold


class TestThresholdLaw:
    @CORE
    @given(cases())
    def test_verdict_follows_the_evidence_requirements_and_thresholds(self, case: Case) -> None:
        decision = case.decide()

        assert decision.verdict is expected_verdict(case, decision.score)
        assert decision.qualified == (decision.verdict is Verdict.QUALIFIED)

    @CORE
    @given(cases())
    def test_qualified_exactly_when_every_requirement_is_met_at_or_above_the_threshold(
        self, case: Case
    ) -> None:
        decision = case.decide()

        assert decision.qualified == (
            requirements_are_met(case) and decision.score >= case.policy.threshold
        )

    @CORE
    @given(cases())
    def test_grade_follows_the_floors_and_only_a_qualified_contact_is_hot(self, case: Case) -> None:
        decision = case.decide()
        policy = case.policy
        score = decision.score
        a, b, c = policy.grade_floors

        if score >= a:
            assert decision.grade is Grade.A
        elif score >= b:
            assert decision.grade is Grade.B
        elif score >= c:
            assert decision.grade is Grade.C
        else:
            assert decision.grade is Grade.D
        if decision.qualified and score >= policy.hot_score:
            assert decision.rating is Rating.HOT
        elif score >= policy.warm_score and decision.verdict is not Verdict.DISQUALIFIED:
            assert decision.rating is Rating.WARM
        else:
            assert decision.rating is Rating.COLD

    @CORE
    @given(cases())
    def test_every_band_includes_its_floor(self, case: Case) -> None:
        score = case.decide().score
        requirements_met = requirements_are_met(case)
        floors = (score, score - 1, score - 2) if score >= 2 else (score + 2, score + 1, score)
        edge = case._replace(
            policy=attrs.evolve(
                case.policy,
                threshold=score,
                nurture_threshold=score,
                grade_floors=floors,
                hot_score=score,
                warm_score=score,
            )
        )

        decision = edge.decide()

        assert decision.score == score
        assert decision.verdict is expected_verdict(edge, score)
        assert decision.qualified == requirements_met
        if requirements_met:
            assert decision.rating is Rating.HOT
        elif decision.verdict is Verdict.DISQUALIFIED:
            assert decision.rating is Rating.COLD
        else:
            assert decision.rating is Rating.WARM
        assert decision.grade is (Grade.A if score >= 2 else Grade.C)


def with_authority(case: Case, role: PurchaseRole, process: PurchaseProcess) -> Case:
    authority = attrs.evolve(case.evidence.authority, process=process)
    return case._replace(
        contact=attrs.evolve(case.contact, role=role),
        evidence=attrs.evolve(case.evidence, authority=authority),
    )


def known_levels(level_type: Any) -> st.SearchStrategy[Any]:
    """Any level of *level_type* but unknown."""
    return st.sampled_from([m for m in level_type if m.rank > 0])


@st.composite
def improved(draw: st.DrawFn, case: Case, criterion: Criterion) -> tuple[Case, Case]:
    """A (base, better) pair differing only in *criterion*: both known, the better as strong.

    For the timeframe both use a named level, since a decision date would override it.
    """
    evidence = case.evidence
    if criterion is Criterion.AUTHORITY:
        known = [(r, p) for r, p in ROLE_PROCESS_PAIRS if authority_level(r, p).rank > 0]
        role, process = draw(st.sampled_from(known))
        current = authority_level(role, process)
        stronger_pair = draw(
            st.sampled_from(
                [(r, p) for r, p in known if authority_level(r, p).rank >= current.rank]
            )
        )
        return with_authority(case, role, process), with_authority(case, *stronger_pair)
    part = getattr(evidence, criterion.value)
    if criterion is Criterion.TIMEFRAME:
        part = attrs.evolve(part, decision_date=None)
    level = draw(known_levels(type(part.level)))
    stronger = draw(stronger_or_equal(level))
    base = attrs.evolve(evidence, **{criterion.value: attrs.evolve(part, level=level)})
    better = attrs.evolve(evidence, **{criterion.value: attrs.evolve(part, level=stronger)})
    return case._replace(evidence=base), case._replace(evidence=better)


class TestMonotonicity:
    @CORE
    @given(case=cases(), criterion=st.sampled_from(Criterion), data=st.data())
    def test_better_known_evidence_never_lowers_score_verdict_grade_or_rating(
        self, case: Case, criterion: Criterion, data: st.DataObject
    ) -> None:
        base, better = data.draw(improved(case, criterion))
        before, after = base.decide(), better.decide()

        assert after.score >= before.score
        assert VERDICT_ORDER.index(after.verdict) >= VERDICT_ORDER.index(before.verdict)
        assert GRADE_ORDER.index(after.grade) >= GRADE_ORDER.index(before.grade)
        assert RATING_ORDER.index(after.rating) >= RATING_ORDER.index(before.rating)

    @SECONDARY
    @given(case=cases(), data=st.data())
    def test_an_earlier_decision_date_never_lowers_the_score(
        self, case: Case, data: st.DataObject
    ) -> None:
        today = case.as_of.date()
        later = data.draw(lfst.dates(min_value=today, max_value=today + timedelta(days=4000)))
        sooner = data.draw(lfst.dates(min_value=today, max_value=later))

        def at(when: date) -> QualificationDecision:
            dated = attrs.evolve(
                case.evidence.timeframe, level=TimeframeLevel.UNKNOWN, decision_date=when
            )
            return case._replace(evidence=attrs.evolve(case.evidence, timeframe=dated)).decide()

        assert at(sooner).score >= at(later).score


@st.composite
def requiring(draw: st.DrawFn, criterion: Criterion, lowest: int = 1) -> Policy:
    """A valid policy in which *criterion* is required at a minimum of rank *lowest* or more."""
    policy = draw(lfst.policies())
    rule = policy.rule(criterion)
    minimum = draw(st.sampled_from([m for m in rule.level_type if m.rank >= lowest]))
    changes: dict[str, Any] = {criterion.value: attrs.evolve(rule, required=True, minimum=minimum)}
    return attrs.evolve(policy, **changes)


@st.composite
def falling_short(draw: st.DrawFn, case: Case, criterion: Criterion) -> Case:
    """*case* with the evidence for *criterion* below the policy's minimum."""
    minimum = case.policy.rule(criterion).minimum
    evidence = case.evidence
    if criterion is Criterion.AUTHORITY:
        weaker = [
            (r, p) for r, p in ROLE_PROCESS_PAIRS if authority_level(r, p).rank < minimum.rank
        ]
        return with_authority(case, *draw(st.sampled_from(weaker)))
    part = getattr(evidence, criterion.value)
    if criterion is Criterion.TIMEFRAME:
        part = attrs.evolve(part, decision_date=None)
    part = attrs.evolve(part, level=draw(weaker_than(minimum)))
    return case._replace(evidence=attrs.evolve(evidence, **{criterion.value: part}))


class TestRequiredCriteria:
    @CORE
    @given(criterion=st.sampled_from(Criterion), data=st.data())
    def test_a_required_criterion_below_its_minimum_never_qualifies(
        self, criterion: Criterion, data: st.DataObject
    ) -> None:
        case = data.draw(cases(policies=requiring(criterion)))
        short = data.draw(falling_short(case, criterion))

        decision = short.decide()

        assert not decision.qualified
        result = decision.result(criterion)
        assert not result.met
        assert result.next_step in decision.next_steps


def learned(case: Case, criterion: Criterion, level: Any) -> Case:
    """*case* once *criterion* is found to be at *level*, freshly (for authority: a role)."""
    if criterion is Criterion.AUTHORITY:
        pairs = [(r, p) for r, p in ROLE_PROCESS_PAIRS if authority_level(r, p) is level]
        case = with_observed(case, criterion, None)
        return with_authority(case, *pairs[0])
    part = getattr(case.evidence, criterion.value)
    if criterion is Criterion.TIMEFRAME:
        part = attrs.evolve(part, decision_date=None)
    part = attrs.evolve(part, level=level, observed_at=None)
    return case._replace(evidence=attrs.evolve(case.evidence, **{criterion.value: part}))


def best_signals(case: Case) -> Case:
    """*case* with every declared signal at a value earning the most points it can."""
    values: dict[str, Any] = dict(case.evidence.signals)
    for signal in case.policy.signals:
        options: list[Any]
        if isinstance(signal, NumericSignal):
            options = [None, signal.edges[0] - 1, *signal.edges]
            scores = [signal.unknown, *signal.points]
        else:
            options = [None, "not a listed category", *(c for c, _ in signal.points)]
            scores = [signal.unknown, signal.default, *(n for _, n in signal.points)]
        best = options[scores.index(max(scores))]
        if best is None:
            values.pop(signal.name, None)
        else:
            values[signal.name] = best
    return case._replace(evidence=attrs.evolve(case.evidence, signals=values))


@st.composite
def bnt_met_evidence(draw: st.DrawFn, as_of: datetime) -> Evidence:
    """Fresh evidence meeting BANT's need, budget and timeframe minimums; any authority."""
    fresh = st.none() | st.integers(0, 179 * 24 * 60).map(
        lambda minutes: as_of - timedelta(minutes=minutes)
    )
    return Evidence(
        need=NeedEvidence(
            level=draw(stronger_or_equal(BANT.need.minimum)), observed_at=draw(fresh)
        ),
        budget=BudgetEvidence(
            level=draw(stronger_or_equal(BANT.budget.minimum)), observed_at=draw(fresh)
        ),
        timeframe=TimeframeEvidence(
            level=draw(stronger_or_equal(BANT.timeframe.minimum)), observed_at=draw(fresh)
        ),
        authority=draw(lfst.authority_evidence(as_of)),
    )


@st.composite
def bnt_met_cases(draw: st.DrawFn) -> Case:
    """BANT cases where need, budget and timeframe are met (lead evidence or wider)."""
    as_of = draw(AS_OF)
    evidence = draw(lfst.lead_evidence(as_of) | bnt_met_evidence(as_of))
    return Case(draw(CONTACTS), evidence, BANT, as_of)


class TestAuthorityIsOptionalByDefault:
    @SECONDARY
    @given(bnt_met_cases())
    def test_need_budget_and_timeframe_met_qualify_whatever_the_authority(self, case: Case) -> None:
        for role, process in ROLE_PROCESS_PAIRS:
            decision = with_authority(case, role, process).decide()

            assert decision.qualified, (role, process, decision.explain())

    @SECONDARY
    @given(case=bnt_met_cases(), data=st.data())
    def test_adding_authority_never_lowers_the_score(self, case: Case, data: st.DataObject) -> None:
        nobody = with_authority(case, PurchaseRole.UNKNOWN, PurchaseProcess.UNKNOWN)
        base, better = data.draw(improved(case, Criterion.AUTHORITY))

        assert nobody.decide().score <= base.decide().score <= better.decide().score
        assert better.decide().qualified

    @SECONDARY
    @given(cases(policies=st.just(BANT)))
    def test_the_default_policy_is_bant(self, case: Case) -> None:
        assert qualify(case.contact, case.evidence, as_of=case.as_of) == case.decide()


class TestContact:
    @SECONDARY
    @given(
        first=lfst.contacts(),
        second=lfst.contacts(),
        evidence=EVIDENCE_BEFORE_REFERENCE,
        policy=lfst.policies(),
    )
    def test_only_the_contacts_role_matters(
        self, first: Contact, second: Contact, evidence: Evidence, policy: Policy
    ) -> None:
        twin = attrs.evolve(second, role=first.role)

        assert qualify(first, evidence, policy, as_of=REFERENCE) == qualify(
            twin, evidence, policy, as_of=REFERENCE
        )


class TestDeterminism:
    @SECONDARY
    @given(case=cases(), other=cases())
    def test_the_same_inputs_give_equal_decisions_and_are_left_as_they_were(
        self, case: Case, other: Case
    ) -> None:
        before = copy.deepcopy(case)
        policy = case.policy

        first, second = case.decide(), case.decide()
        other_decision = qualify(other.contact, other.evidence, policy, as_of=other.as_of)

        # A policy rebuilt from the same data starts with nothing memoised, so it decides
        # from scratch: what the used policy remembered never changes a decision.
        rebuilt = attrs.evolve(policy)
        assert first == second == qualify(case.contact, case.evidence, rebuilt, as_of=case.as_of)
        assert other_decision == qualify(
            other.contact, other.evidence, attrs.evolve(policy), as_of=other.as_of
        )
        # Everything a caller can see of the inputs is as it was, field by field.
        assert case == before
        for field in attrs.fields(Policy):
            if field.init:
                assert getattr(policy, field.name) == getattr(before.policy, field.name)
        assert repr(policy) == repr(before.policy)
        assert hash(policy) == hash(before.policy)


def _zones(*keys: str) -> list[tzinfo]:
    """The time zones named, as far as the system's time zone database has them."""
    found: list[tzinfo] = []
    for key in keys:
        with contextlib.suppress(ZoneInfoNotFoundError):
            found.append(ZoneInfo(key))
    return found


#: Zones with daylight saving time (Chatham's offset is not a whole number of hours).
DST_ZONES = _zones("Europe/Berlin", "America/New_York", "Australia/Sydney", "Pacific/Chatham")


class TestTimeZones:
    @pytest.mark.skipif(not DST_ZONES, reason="no time zone database on this machine")
    @SECONDARY
    @given(case=cases(), zone=st.sampled_from(DST_ZONES))
    def test_a_named_zone_decides_like_its_fixed_offset_at_that_instant(
        self, case: Case, zone: tzinfo
    ) -> None:
        zoned = case.as_of.astimezone(zone)
        offset = zoned.utcoffset()
        assert offset is not None
        fixed = zoned.astimezone(timezone(offset))

        assert case._replace(as_of=zoned).decide() == case._replace(as_of=fixed).decide()

    @pytest.mark.skipif(not DST_ZONES, reason="no time zone database on this machine")
    def test_freshness_is_elapsed_time_across_a_change_to_summer_time(self) -> None:
        berlin = ZoneInfo("Europe/Berlin")
        # Clocks go forward on 29 March 2026 at 02:00: 11:30 the day before is 23.5 hours
        # before noon, although the wall clock shows 24.5.
        as_of = datetime(2026, 3, 29, 12, 0, tzinfo=berlin)
        observed = datetime(2026, 3, 28, 11, 30, tzinfo=berlin)
        policy = attrs.evolve(BANT, freshness=timedelta(days=1))
        evidence = Evidence(need=NeedEvidence(level=NeedLevel.STRONG, observed_at=observed))

        assert as_of.astimezone(UTC) - observed.astimezone(UTC) == timedelta(hours=23, minutes=30)
        result = qualify(ada(), evidence, policy, as_of=as_of).result(Criterion.NEED)
        assert result.code == "need.met"


@st.composite
def fresh_windows(draw: st.DrawFn) -> Policy:
    """Valid policies that always have a freshness window."""
    policy = draw(lfst.policies())
    days = draw(st.integers(1, 1000))
    return attrs.evolve(policy, freshness=timedelta(days=days))


def with_observed(case: Case, criterion: Criterion, observed: datetime | None) -> Case:
    part = attrs.evolve(getattr(case.evidence, criterion.value), observed_at=observed)
    return case._replace(evidence=attrs.evolve(case.evidence, **{criterion.value: part}))


def forgotten(case: Case, criterion: Criterion) -> Case:
    """*case* with nothing known on *criterion* (for authority: nor the contact's role)."""
    if criterion is Criterion.AUTHORITY:
        return with_authority(case, PurchaseRole.UNKNOWN, PurchaseProcess.UNKNOWN)
    unknown: Any = {
        Criterion.NEED: NeedEvidence(),
        Criterion.BUDGET: BudgetEvidence(),
        Criterion.TIMEFRAME: TimeframeEvidence(),
    }[criterion]
    return case._replace(evidence=attrs.evolve(case.evidence, **{criterion.value: unknown}))


BACK = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2000))


class TestDecay:
    @CORE
    @given(case=cases(), criterion=st.sampled_from(Criterion), back=BACK)
    def test_ageing_evidence_decides_as_it_did_until_it_goes_stale_then_as_unknown(
        self, case: Case, criterion: Criterion, back: timedelta
    ) -> None:
        observed = getattr(case.evidence, criterion.value).observed_at
        older = with_observed(case, criterion, (observed or case.as_of) - back)

        decision = older.decide()

        if stale(older, criterion):
            gone = forgotten(older, criterion).decide()
            assert decision.result(criterion).level is LEVEL_TYPES[criterion].UNKNOWN
            assert (decision.score, decision.verdict) == (gone.score, gone.verdict)
        else:
            assert decision.results == case.decide().results

    @CORE
    @given(case=cases(), data=st.data(), back=BACK)
    def test_an_older_signal_observation_never_earns_more_than_a_fresher_one(
        self, case: Case, data: st.DataObject, back: timedelta
    ) -> None:
        declared = case.policy.signals
        if not declared:
            return
        signal = data.draw(st.sampled_from(declared))
        value = data.draw(lfst.signal_values(signal.name))
        fresher = data.draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900)))

        def seen(ago: timedelta) -> Case:
            observation = SignalObservation(value=value, observed_at=case.as_of - ago)
            signals = {**dict(case.evidence.signals), signal.name: observation}
            return case._replace(evidence=attrs.evolve(case.evidence, signals=signals))

        new, old = seen(fresher).decide(), seen(fresher + back).decide()

        assert old.signal(signal.name).points <= new.signal(signal.name).points
        assert old.score <= new.score
        assert VERDICT_ORDER.index(old.verdict) <= VERDICT_ORDER.index(new.verdict)
        if signal.half_life is None:
            assert old.signal(signal.name).points == new.signal(signal.name).points

    @CORE
    @given(
        case=cases(policies=fresh_windows()),
        criterion=st.sampled_from(Criterion),
        beyond=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=900)),
    )
    def test_evidence_older_than_the_window_counts_as_unknown(
        self, case: Case, criterion: Criterion, beyond: timedelta
    ) -> None:
        window = case.policy.freshness
        assert window is not None
        old = with_observed(case, criterion, case.as_of - window - beyond)
        rule = case.policy.rule(criterion)

        decision = old.decide()
        result = decision.result(criterion)

        unknown = LEVEL_TYPES[criterion].UNKNOWN
        assert result.level is unknown
        assert result.points == points_at(case.policy, criterion, unknown)
        # A minimum of "unknown" is met by anything, stale evidence included.
        status = "met" if rule.minimum.rank == 0 else "stale"
        assert result.code == f"{criterion.value}.{status}"
        assert decision.score == forgotten(old, criterion).decide().score
        assert decision.verdict is forgotten(old, criterion).decide().verdict

    @SECONDARY
    @given(case=cases(policies=fresh_windows()))
    def test_evidence_exactly_as_old_as_the_window_is_still_fresh(self, case: Case) -> None:
        window = case.policy.freshness
        assert window is not None
        edge = timeless = case
        for criterion in Criterion:
            edge = with_observed(edge, criterion, case.as_of - window)
            timeless = with_observed(timeless, criterion, None)

        decision = edge.decide()

        assert not any(code.endswith(".stale") for code in decision.codes)
        assert decision.results == timeless.decide().results

    @SECONDARY
    @given(case=cases())
    def test_without_a_window_nothing_goes_stale(self, case: Case) -> None:
        forever = case._replace(policy=attrs.evolve(case.policy, freshness=None))
        timeless = forever
        for criterion in Criterion:
            timeless = with_observed(timeless, criterion, None)

        decision = forever.decide()

        assert not any(code.endswith(".stale") for code in decision.codes)
        assert decision.results == timeless.decide().results


class TestUnknownIsNotNo:
    @CORE
    @given(policy=lfst.policies(), as_of=AS_OF, contact=CONTACTS)
    def test_no_evidence_at_all_is_never_disqualified(
        self, policy: Policy, as_of: datetime, contact: Contact
    ) -> None:
        nobody = attrs.evolve(contact, role=PurchaseRole.UNKNOWN)

        decision = qualify(nobody, Evidence(), policy, as_of=as_of)

        assert decision.verdict is not Verdict.DISQUALIFIED
        open_requirements = [
            c for c in Criterion if policy.rule(c).required and policy.rule(c).minimum.rank > 0
        ]
        assert (decision.verdict is Verdict.UNDETERMINED) == bool(open_requirements)
        assert decision.missing == tuple(
            decision.result(c) for c in policy.order if c in open_requirements
        )

    @CORE
    @given(
        case=cases(policies=fresh_windows()),
        criterion=st.sampled_from(Criterion),
        beyond=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=900)),
    )
    def test_stale_evidence_is_never_worse_than_no_evidence(
        self, case: Case, criterion: Criterion, beyond: timedelta
    ) -> None:
        window = case.policy.freshness
        assert window is not None
        old = with_observed(case, criterion, case.as_of - window - beyond)

        stale_decision, none = old.decide(), forgotten(old, criterion).decide()

        assert stale_decision.score >= none.score
        assert VERDICT_ORDER.index(stale_decision.verdict) >= VERDICT_ORDER.index(none.verdict)

    @CORE
    @given(criterion=st.sampled_from(Criterion), data=st.data())
    def test_learning_a_required_criterion_is_met_never_moves_towards_disqualified(
        self, criterion: Criterion, data: st.DataObject
    ) -> None:
        case = forgotten(data.draw(cases(policies=requiring(criterion))), criterion)
        minimum = case.policy.rule(criterion).minimum
        met = learned(case, criterion, data.draw(stronger_or_equal(minimum)))

        before, after = case.decide(), met.decide()

        assert before.result(criterion).status.value in ("unconfirmed", "stale")
        assert after.result(criterion).met
        assert VERDICT_ORDER.index(after.verdict) >= VERDICT_ORDER.index(before.verdict)
        if before.verdict is not Verdict.DISQUALIFIED:
            assert after.verdict is not Verdict.DISQUALIFIED

    @CORE
    @given(criterion=st.sampled_from(Criterion), data=st.data())
    def test_learning_a_required_criterion_is_unmet_never_qualifies(
        self, criterion: Criterion, data: st.DataObject
    ) -> None:
        case = forgotten(data.draw(cases(policies=requiring(criterion, lowest=2))), criterion)
        minimum = case.policy.rule(criterion).minimum
        weaker = [m for m in type(minimum) if 0 < m.rank < minimum.rank]
        unmet = learned(case, criterion, data.draw(st.sampled_from(weaker)))

        decision = unmet.decide()

        assert not decision.qualified
        if criterion is not Criterion.TIMEFRAME:
            assert decision.verdict is Verdict.DISQUALIFIED
            assert decision.result(criterion) in decision.against
            assert criterion.value in decision.reason

    @CORE
    @given(cases())
    def test_signals_never_outweigh_a_failing_or_unknown_requirement(self, case: Case) -> None:
        decision, boosted = case.decide(), best_signals(case).decide()

        assert boosted.score >= decision.score
        if decision.against:
            assert boosted.verdict is Verdict.DISQUALIFIED
        if decision.missing:
            assert not boosted.qualified
        assert boosted.results == decision.results


class TestEffectiveTimeframe:
    @given(today=lfst.dates(), horizon=st.integers(1, 3660), data=st.data())
    def test_a_date_within_thirty_days_is_immediate(
        self, today: date, horizon: int, data: st.DataObject
    ) -> None:
        days = data.draw(st.integers(0, min(30, horizon)))
        evidence = TimeframeEvidence(decision_date=today + timedelta(days=days))

        assert effective_timeframe(evidence, today, horizon) is TimeframeLevel.IMMEDIATE

    @given(today=lfst.dates(), days=st.integers(1, 5000), horizon=st.integers(1, 3660))
    def test_a_date_in_the_past_is_unknown(self, today: date, days: int, horizon: int) -> None:
        evidence = TimeframeEvidence(decision_date=today - timedelta(days=days))

        assert effective_timeframe(evidence, today, horizon) is TimeframeLevel.UNKNOWN

    @given(today=lfst.dates(), horizon=st.integers(1, 3660), extra=st.integers(1, 1000))
    def test_a_date_beyond_the_horizon_is_later(
        self, today: date, horizon: int, extra: int
    ) -> None:
        evidence = TimeframeEvidence(decision_date=today + timedelta(days=horizon + extra))

        assert effective_timeframe(evidence, today, horizon) is TimeframeLevel.LATER

    @given(
        today=lfst.dates(),
        ahead=st.integers(0, 4000),
        further=st.integers(0, 4000),
        horizon=st.integers(1, 3660),
    )
    def test_a_later_date_never_gives_a_stronger_level(
        self, today: date, ahead: int, further: int, horizon: int
    ) -> None:
        sooner = today + timedelta(days=ahead)
        later = sooner + timedelta(days=further)

        def level(when: date) -> TimeframeLevel:
            return effective_timeframe(TimeframeEvidence(decision_date=when), today, horizon)

        assert level(later).rank <= level(sooner).rank

    @given(evidence=lfst.timeframe_evidence(), today=lfst.dates(), horizon=st.integers(1, 3660))
    def test_a_named_level_is_taken_as_it_is(
        self, evidence: TimeframeEvidence, today: date, horizon: int
    ) -> None:
        named = attrs.evolve(evidence, decision_date=None)

        assert effective_timeframe(named, today, horizon) is named.level

    @pytest.mark.parametrize(
        ("today", "decision_date", "expected"),
        [
            # 30 days ahead is the last immediate day; 31 is later in the same quarter.
            (date(2026, 5, 4), date(2026, 6, 3), TimeframeLevel.IMMEDIATE),
            (date(2026, 5, 4), date(2026, 6, 4), TimeframeLevel.THIS_QUARTER),
            # Q2 to Q3.
            (date(2026, 5, 4), date(2026, 8, 20), TimeframeLevel.NEXT_QUARTER),
            # First and last day of the same quarter (90 days apart).
            (date(2026, 4, 1), date(2026, 6, 30), TimeframeLevel.THIS_QUARTER),
            (date(2026, 4, 1), date(2026, 7, 1), TimeframeLevel.NEXT_QUARTER),
            # Q2 to Q4 of the same year.
            (date(2026, 4, 1), date(2026, 12, 31), TimeframeLevel.THIS_YEAR),
            (date(2026, 4, 1), date(2027, 1, 1), TimeframeLevel.LATER),
            # Q4 to Q1 of the next year is the next quarter, across the new year.
            (date(2026, 11, 15), date(2027, 2, 10), TimeframeLevel.NEXT_QUARTER),
            (date(2026, 12, 31), date(2027, 3, 31), TimeframeLevel.NEXT_QUARTER),
            # Q4 to Q2 of the next year: not this year.
            (date(2026, 11, 15), date(2027, 5, 10), TimeframeLevel.LATER),
            # Q1 to Q3 (this year), and to the next year's Q1 (later).
            (date(2026, 1, 10), date(2026, 9, 30), TimeframeLevel.THIS_YEAR),
            (date(2026, 1, 10), date(2027, 1, 10), TimeframeLevel.LATER),
            # A decision already past says nothing about when they will buy.
            (date(2026, 5, 4), date(2026, 5, 3), TimeframeLevel.UNKNOWN),
            (date(2026, 5, 4), date(2026, 5, 4), TimeframeLevel.IMMEDIATE),
        ],
    )
    def test_calendar_examples(
        self, today: date, decision_date: date, expected: TimeframeLevel
    ) -> None:
        evidence = TimeframeEvidence(decision_date=decision_date)

        assert effective_timeframe(evidence, today, horizon_days=365) is expected

    def test_the_horizon_is_inclusive(self) -> None:
        today = date(2026, 1, 10)
        sixty_days = TimeframeEvidence(decision_date=date(2026, 3, 11))
        sixty_one_days = TimeframeEvidence(decision_date=date(2026, 3, 12))

        assert effective_timeframe(sixty_days, today, 60) is TimeframeLevel.THIS_QUARTER
        assert effective_timeframe(sixty_one_days, today, 60) is TimeframeLevel.LATER

    @pytest.mark.parametrize("level", [lv for lv in TimeframeLevel if lv.value != "unknown"])
    def test_a_decision_date_beside_a_named_level_is_refused_naming_both(
        self, level: TimeframeLevel
    ) -> None:
        # The date would decide, and the level be silently ignored.
        with pytest.raises(InvalidFieldError) as raised:
            TimeframeEvidence(level=level, decision_date=date(2026, 12, 1))

        assert raised.value.field == "decision_date"
        assert raised.value.value == date(2026, 12, 1)
        assert repr(level.value) in raised.value.reason
        assert "level" in raised.value.reason

    def test_saved_evidence_with_a_level_and_a_date_is_refused_at_its_path(self) -> None:
        from leadflow.serialization import structure

        with pytest.raises(InvalidRecordError) as raised:
            structure({"level": "later", "decision_date": "2026-12-01"}, TimeframeEvidence)

        [error] = raised.value.errors
        assert error.path == "$.decision_date"
        assert "'later'" in error.reason

    def test_a_decision_date_alone_decides_the_level(self) -> None:
        evidence = TimeframeEvidence(decision_date=date(2026, 12, 1))

        assert evidence.level is TimeframeLevel.UNKNOWN
        assert effective_timeframe(evidence, date(2026, 5, 4), 365) is TimeframeLevel.THIS_YEAR

    def test_qualify_reads_the_decision_date_on_the_day_of_as_of_in_its_own_timezone(
        self,
    ) -> None:
        # 23:30 on 4 May in UTC is already 5 May at UTC+2: a decision date of 4 May is
        # today in UTC, and already past at UTC+2.
        evidence = Evidence(timeframe=TimeframeEvidence(decision_date=date(2026, 5, 4)))
        in_utc = datetime(2026, 5, 4, 23, 30, tzinfo=UTC)
        east = in_utc.astimezone(timezone(timedelta(hours=2)))

        utc = qualify(ada(), evidence, as_of=in_utc).result(Criterion.TIMEFRAME)
        later_day = qualify(ada(), evidence, as_of=east).result(Criterion.TIMEFRAME)

        assert utc.level is TimeframeLevel.IMMEDIATE
        assert later_day.level is TimeframeLevel.UNKNOWN


# --------------------------------------------------------------------------------------------
# Malformed input
# --------------------------------------------------------------------------------------------

JUNK: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.binary(max_size=10),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.lists(st.integers(), max_size=3),
    st.dates(),
    st.datetimes(),
    st.timedeltas(),
    st.sampled_from([NeedLevel.STRONG, Criterion.NEED, PurchaseRole.DECISION_MAKER, "BANT"]),
    st.builds(NeedEvidence),
    st.builds(TimeframeEvidence),
)
ARGUMENTS = ("contact", "evidence", "policy", "as_of")


class TestMalformedInput:
    @SECONDARY
    @given(
        case=cases(),
        criterion=st.sampled_from(Criterion),
        ahead=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=900)),
    )
    def test_evidence_observed_after_as_of_is_refused_naming_the_field(
        self, case: Case, criterion: Criterion, ahead: timedelta
    ) -> None:
        future = with_observed(case, criterion, case.as_of + ahead)

        with pytest.raises(InvalidFieldError) as caught:
            future.decide()

        assert caught.value.field == f"evidence.{criterion.value}.observed_at"
        assert caught.value.value == case.as_of + ahead

    @pytest.mark.skipif(not DST_ZONES, reason="no time zone database on this machine")
    def test_an_as_of_with_no_instant_datetime_can_hold_is_refused_naming_as_of(self) -> None:
        # The last moment of year 9999 in New York is already year 10000 in UTC.
        as_of = datetime.max.replace(tzinfo=ZoneInfo("America/New_York"))

        with pytest.raises(InvalidFieldError) as caught:
            qualify(ada(), Evidence(), as_of=as_of)

        assert caught.value.field == "as_of"
        with pytest.raises(InvalidFieldError):
            list(qualify_many([(ada(), Evidence())], as_of=as_of))

    def test_budget_observed_after_as_of_names_the_budget(self) -> None:
        as_of = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
        budget = BudgetEvidence(level=BudgetLevel.APPROVED, observed_at=as_of + timedelta(hours=1))

        with pytest.raises(InvalidFieldError) as caught:
            qualify(ada(), Evidence(budget=budget), as_of=as_of)

        assert caught.value.field == "evidence.budget.observed_at"
        assert caught.value.path == "$.evidence.budget.observed_at"

    @SECONDARY
    @given(case=cases(), naive=st.datetimes())
    def test_a_naive_as_of_is_refused(self, case: Case, naive: datetime) -> None:
        with pytest.raises(NaiveDatetimeError) as caught:
            qualify(case.contact, case.evidence, case.policy, as_of=naive)

        assert caught.value.field == "as_of"

    @SECONDARY
    @given(case=cases(), argument=st.sampled_from(ARGUMENTS), junk=JUNK)
    def test_an_argument_of_the_wrong_type_is_named(
        self, case: Case, argument: str, junk: object
    ) -> None:
        # No policy (None) is the default policy, not junk.
        assume(argument != "policy" or junk is not None)
        arguments: dict[str, Any] = case._asdict()
        arguments[argument] = junk
        as_of = arguments.pop("as_of")

        with pytest.raises(InvalidFieldError) as caught:
            qualify(**arguments, as_of=as_of)

        assert caught.value.field == argument
        # A naive datetime given as as_of is the only junk of the right type.
        naive = argument == "as_of" and isinstance(junk, datetime)
        assert isinstance(caught.value, NaiveDatetimeError if naive else WrongTypeError)

    @SECONDARY
    @given(
        contact=JUNK | CONTACTS,
        evidence=JUNK | EVIDENCE_BEFORE_REFERENCE,
        policy=JUNK | lfst.policies(),
        as_of=JUNK | st.just(REFERENCE),
    )
    def test_only_leadflow_errors_come_out(
        self, contact: Any, evidence: Any, policy: Any, as_of: Any
    ) -> None:
        try:
            decision = qualify(contact, evidence, policy, as_of=as_of)
        except LeadflowError:
            return
        # Every argument was well-formed after all.
        assert isinstance(decision, QualificationDecision)
        assert isinstance(contact, Contact)
        assert isinstance(evidence, Evidence)
        assert isinstance(policy, Policy)


# --------------------------------------------------------------------------------------------
# Worked examples under BANT, from its published scale: points = (weight * share + 50) // 100
#
#   need (30):      unknown 0, none 0, latent 11, expressed 23, strong 30
#   budget (30):    unknown 0, none 0, insufficient 9, available 24, approved 30
#   timeframe (25): unknown 0, later 3, this year 13, next quarter 18, this quarter 23,
#                   immediate 25
#   authority (15): unknown 0, none 0, adviser 5, influencer 8, shared 12, decider 15
#
# Threshold 60, nurture from 35; grades A >= 80, B >= 60, C >= 40; hot >= 75, warm >= 45.
# --------------------------------------------------------------------------------------------

AS_OF_MAY = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def bant(
    need: NeedLevel = NeedLevel.UNKNOWN,
    budget: BudgetLevel = BudgetLevel.UNKNOWN,
    timeframe: TimeframeLevel = TimeframeLevel.UNKNOWN,
    role: PurchaseRole = PurchaseRole.UNKNOWN,
    process: PurchaseProcess = PurchaseProcess.UNKNOWN,
) -> QualificationDecision:
    evidence = evidence_at(need, budget, timeframe, process)
    return qualify(ada(role), evidence, BANT, as_of=AS_OF_MAY)


class TestWorkedExamplesUnderBant:
    def test_strong_need_available_budget_this_quarter_and_an_influencer_is_a_hot_a_lead(
        self,
    ) -> None:
        decision = bant(
            NeedLevel.STRONG,
            BudgetLevel.AVAILABLE,
            TimeframeLevel.THIS_QUARTER,
            PurchaseRole.INFLUENCER,
        )

        assert decision.score == 30 + 24 + 23 + 8
        assert decision.verdict is Verdict.QUALIFIED
        assert decision.grade is Grade.A
        assert decision.rating is Rating.HOT
        assert decision.next_steps == ()
        assert all(r.met for r in decision.results)

    def test_meeting_exactly_the_minimums_without_authority_qualifies_at_the_threshold(
        self,
    ) -> None:
        decision = bant(NeedLevel.EXPRESSED, BudgetLevel.AVAILABLE, TimeframeLevel.THIS_YEAR)

        assert decision.score == 23 + 24 + 13 == 60
        assert decision.verdict is Verdict.QUALIFIED
        assert decision.grade is Grade.B
        assert decision.rating is Rating.WARM
        assert decision.result(Criterion.AUTHORITY).code == "authority.unconfirmed"
        assert "identify the decision maker" in decision.next_steps

    def test_a_fresh_contact_is_undetermined_and_the_next_steps_find_out_the_requirements(
        self,
    ) -> None:
        decision = bant()

        assert decision.score == 0
        assert decision.verdict is Verdict.UNDETERMINED
        assert not decision.qualified
        assert decision.grade is Grade.D
        assert decision.rating is Rating.COLD
        assert decision.codes == (
            "budget.unconfirmed",
            "authority.unconfirmed",
            "need.unconfirmed",
            "timeframe.unconfirmed",
        )
        # Budget and need weigh 30 each (budget comes first in BANT's order), the
        # timeframe 25; authority is not required, so it comes last.
        assert decision.next_steps == (
            "confirm budget",
            "confirm what the party needs",
            "confirm when the party will buy",
            "identify the decision maker",
        )
        assert [r.name for r in decision.missing] == ["budget", "need", "timeframe"]
        assert decision.against == ()
        assert "not known yet" in decision.reason

    def test_a_contact_with_no_budget_is_disqualified_and_the_explanation_says_so(self) -> None:
        decision = bant(budget=BudgetLevel.NONE)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert [r.code for r in decision.against] == ["budget.below_minimum"]
        text = decision.explain()
        assert text.startswith("DISQUALIFIED")
        assert "evidence against: budget is none" in text

    def test_no_need_is_disqualified_even_with_everything_else_unknown(self) -> None:
        decision = bant(need=NeedLevel.NONE)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert [r.name for r in decision.against] == ["need"]
        assert "need is none" in decision.reason

    def test_learning_need_budget_and_timeframe_one_by_one_goes_from_undetermined_to_qualified(
        self,
    ) -> None:
        steps = [
            bant(),
            bant(NeedLevel.STRONG),
            bant(NeedLevel.STRONG, BudgetLevel.AVAILABLE),
            bant(NeedLevel.STRONG, BudgetLevel.AVAILABLE, TimeframeLevel.THIS_QUARTER),
        ]

        assert [d.verdict for d in steps] == [Verdict.UNDETERMINED] * 3 + [Verdict.QUALIFIED]
        assert [d.next_steps[0] for d in steps[:3]] == [
            "confirm budget",
            "confirm budget",
            "confirm when the party will buy",
        ]

    def test_a_timeframe_beyond_the_horizon_is_nurtured_not_disqualified(self) -> None:
        evidence = Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
            timeframe=TimeframeEvidence(decision_date=date(2028, 5, 1)),
        )

        decision = qualify(ada(), evidence, as_of=AS_OF_MAY)

        assert decision.result(Criterion.TIMEFRAME).level is TimeframeLevel.LATER
        assert decision.score == 30 + 24 + 3 == 57
        assert decision.verdict is Verdict.NURTURE
        assert "later" in decision.reason
        assert "revisit when the purchase is this year or sooner" in decision.next_steps

    def test_a_later_timeframe_with_unknown_need_is_still_undetermined(self) -> None:
        decision = bant(budget=BudgetLevel.APPROVED, timeframe=TimeframeLevel.LATER)

        assert decision.verdict is Verdict.UNDETERMINED
        assert decision.next_steps[0] == "confirm what the party needs"

    def test_a_sole_decision_maker_scores_the_full_authority_weight(self) -> None:
        decision = bant(
            NeedLevel.EXPRESSED,
            BudgetLevel.AVAILABLE,
            TimeframeLevel.THIS_YEAR,
            PurchaseRole.DECISION_MAKER,
            PurchaseProcess.INDIVIDUAL,
        )

        assert decision.score == 23 + 24 + 13 + 15 == 75
        assert decision.result(Criterion.AUTHORITY).level is AuthorityLevel.DECIDER
        assert decision.rating is Rating.HOT
        assert decision.grade is Grade.B

    def test_a_decision_maker_on_a_committee_shares_the_authority(self) -> None:
        decision = bant(
            NeedLevel.EXPRESSED,
            BudgetLevel.AVAILABLE,
            TimeframeLevel.THIS_YEAR,
            PurchaseRole.DECISION_MAKER,
            PurchaseProcess.COMMITTEE,
        )

        assert decision.score == 23 + 24 + 13 + 12 == 72
        assert decision.result(Criterion.AUTHORITY).level is AuthorityLevel.SHARED
        assert decision.verdict is Verdict.QUALIFIED
        assert decision.rating is Rating.WARM

    def test_an_insufficient_budget_is_evidence_against_whatever_the_score(self) -> None:
        decision = bant(
            NeedLevel.STRONG,
            BudgetLevel.INSUFFICIENT,
            TimeframeLevel.IMMEDIATE,
            PurchaseRole.DECISION_MAKER,
        )

        assert decision.score == 30 + 9 + 25 + 15 == 79
        assert decision.verdict is Verdict.DISQUALIFIED
        assert decision.result(Criterion.BUDGET).code == "budget.below_minimum"
        assert "budget is insufficient" in decision.reason
        assert decision.grade is Grade.B
        assert decision.rating is Rating.COLD  # never warm when disqualified

    def test_an_approved_budget_does_not_make_up_for_a_latent_need(self) -> None:
        decision = bant(
            NeedLevel.LATENT,
            BudgetLevel.APPROVED,
            TimeframeLevel.IMMEDIATE,
            PurchaseRole.DECISION_MAKER,
        )

        assert decision.score == 11 + 30 + 25 + 15 == 81
        assert decision.verdict is Verdict.DISQUALIFIED
        assert decision.grade is Grade.A
        assert decision.result(Criterion.NEED).code == "need.below_minimum"

    def test_the_nurture_floor_decides_a_later_timeframe_and_includes_its_floor(self) -> None:
        # Meeting need and budget with a later timeframe scores 23 + 24 + 3 = 50 at least
        # under BANT, always above its floor of 35; a stricter floor decides it.
        policy = attrs.evolve(BANT, nurture_threshold=57)
        strong = Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
            timeframe=TimeframeEvidence(level=TimeframeLevel.LATER),
        )
        expressed = attrs.evolve(strong, need=NeedEvidence(level=NeedLevel.EXPRESSED))

        at_floor = qualify(ada(), strong, policy, as_of=AS_OF_MAY)
        below = qualify(ada(), expressed, policy, as_of=AS_OF_MAY)

        assert at_floor.score == 30 + 24 + 3 == 57
        assert at_floor.verdict is Verdict.NURTURE
        assert below.score == 23 + 24 + 3 == 50
        assert below.verdict is Verdict.DISQUALIFIED
        assert "below the nurture floor of 57" in below.reason

    def test_a_later_timeframe_too_weak_to_wait_for_is_disqualified_before_the_rest_is_known(
        self,
    ) -> None:
        # With need unknown, even an expressed need (its minimum, 23 points) would leave
        # 24 + 3 + 23 = 50 below a floor of 57: learning the need cannot save it, so the
        # contact is not left undetermined only to be disqualified once the need is known.
        policy = attrs.evolve(BANT, nurture_threshold=57)
        unknown_need = Evidence(
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
            timeframe=TimeframeEvidence(level=TimeframeLevel.LATER),
        )
        strong_need = attrs.evolve(unknown_need, need=NeedEvidence(level=NeedLevel.STRONG))

        before = qualify(ada(), unknown_need, policy, as_of=AS_OF_MAY)
        expressed = qualify(
            ada(),
            attrs.evolve(unknown_need, need=NeedEvidence(level=NeedLevel.EXPRESSED)),
            policy,
            as_of=AS_OF_MAY,
        )

        assert before.verdict is Verdict.DISQUALIFIED
        assert "would score 50, below the nurture floor of 57" in before.reason
        assert expressed.verdict is Verdict.DISQUALIFIED
        assert qualify(ada(), strong_need, policy, as_of=AS_OF_MAY).verdict is Verdict.NURTURE
        assert qualify(ada(), unknown_need, as_of=AS_OF_MAY).verdict is Verdict.UNDETERMINED

    def test_weak_evidence_everywhere_is_disqualified(self) -> None:
        decision = bant(
            NeedLevel.LATENT,
            BudgetLevel.INSUFFICIENT,
            TimeframeLevel.LATER,
            PurchaseRole.ADVISER,
        )

        assert decision.score == 11 + 9 + 3 + 5 == 28
        assert decision.verdict is Verdict.DISQUALIFIED
        assert decision.rating is Rating.COLD

    def test_a_decision_date_next_quarter_counts_as_next_quarter(self) -> None:
        evidence = Evidence(
            need=NeedEvidence(level=NeedLevel.EXPRESSED),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
            timeframe=TimeframeEvidence(decision_date=date(2026, 8, 20)),
        )

        decision = qualify(ada(), evidence, as_of=AS_OF_MAY)

        assert decision.result(Criterion.TIMEFRAME).level is TimeframeLevel.NEXT_QUARTER
        assert decision.score == 23 + 24 + 18 == 65
        assert decision.qualified

    def test_a_budget_confirmed_seven_months_ago_has_gone_stale(self) -> None:
        # BANT keeps evidence for 180 days.
        evidence = Evidence(
            need=NeedEvidence(level=NeedLevel.EXPRESSED, observed_at=AS_OF_MAY - timedelta(days=2)),
            budget=BudgetEvidence(
                level=BudgetLevel.APPROVED, observed_at=AS_OF_MAY - timedelta(days=181)
            ),
            timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_YEAR),
        )

        decision = qualify(ada(), evidence, as_of=AS_OF_MAY)
        a_day_earlier = qualify(ada(), evidence, as_of=AS_OF_MAY - timedelta(days=1))

        assert decision.result(Criterion.BUDGET).code == "budget.stale"
        assert decision.score == 23 + 0 + 13 == 36
        assert decision.verdict is Verdict.UNDETERMINED
        assert decision.next_steps[0] == "re-confirm budget"
        assert decision.reason == "Insufficient evidence: budget gone stale (required)."
        assert a_day_earlier.result(Criterion.BUDGET).code == "budget.met"
        assert a_day_earlier.score == 23 + 30 + 13 == 66
