"""Policies are validated values: every generated one is sound, every broken one is refused."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    AuthorityLevel,
    BudgetLevel,
    Calibration,
    Criterion,
    CriterionRule,
    InvalidFieldError,
    InvalidPolicyError,
    LeadflowError,
    NeedLevel,
    OpportunityStage,
    Policy,
    PromotionRule,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeLevel,
)
from leadflow import strategies as lfst
from support import examples

LEVEL_TYPES: dict[Criterion, Any] = {
    Criterion.NEED: NeedLevel,
    Criterion.BUDGET: BudgetLevel,
    Criterion.TIMEFRAME: TimeframeLevel,
    Criterion.AUTHORITY: AuthorityLevel,
}


def init_fields(value: Any) -> dict[str, Any]:
    """The arguments that rebuild *value* (public attrs fields only)."""
    return {a.name: getattr(value, a.name) for a in attrs.fields(type(value)) if a.init}


# Drawing an arbitrary policy costs about 10 ms of CPU, and the break-one-thing law runs
# once per kind of breakage, so each kind gets a small share of the profile's examples.
class TestGeneratedPolicies:
    @examples(1 / 4)
    @given(lfst.policies())
    def test_rules_keep_their_points_in_level_order_never_falling_nor_above_the_weight(
        self, policy: Policy
    ) -> None:
        for criterion in Criterion:
            rule = policy.rule(criterion)
            levels = [level for level, _ in rule.points]
            points = [number for _, number in rule.points]
            assert rule is getattr(policy, criterion.value)
            assert rule.level_type is LEVEL_TYPES[criterion]
            assert levels == list(LEVEL_TYPES[criterion])
            # Never falling among known levels; "unknown" (the first) may earn anything.
            assert points[1:] == sorted(points[1:])
            assert all(0 <= number <= rule.weight for number in points)
            for level, number in rule.points:
                assert rule.points_for(level) == number
                assert rule.is_met(level) == (level.rank >= rule.minimum.rank)

    @examples(1 / 4)
    @given(lfst.policies())
    def test_weights_add_up_and_thresholds_and_bands_are_in_order(self, policy: Policy) -> None:
        best = sum(max(n for _, n in policy.rule(c).points) for c in Criterion)
        best += sum(signal.best for signal in policy.signals)

        weights = sum(policy.rule(c).weight for c in Criterion)
        assert weights + sum(signal.weight for signal in policy.signals) == 100
        assert sorted(policy.order, key=lambda c: c.value) == sorted(
            Criterion, key=lambda c: c.value
        )
        assert 0 <= policy.nurture_threshold <= policy.threshold <= best <= 100
        assert 100 >= policy.grade_floors[0] > policy.grade_floors[1] > policy.grade_floors[2]
        assert policy.grade_floors[2] >= 0
        assert 0 <= policy.warm_score <= policy.hot_score <= 100
        assert 1 <= policy.horizon_days <= 3660
        assert policy.freshness is None or policy.freshness > timedelta(0)
        assert policy.required == tuple(c for c in policy.order if policy.rule(c).required)

    @examples(1 / 4)
    @given(lfst.policies())
    def test_stage_probabilities_cover_every_stage_in_order_without_falling(
        self, policy: Policy
    ) -> None:
        stages = [stage for stage, _ in policy.stage_probabilities]
        probabilities = [policy.probability(stage) for stage in OpportunityStage]

        assert stages == list(OpportunityStage)
        assert probabilities == [n for _, n in policy.stage_probabilities]
        assert probabilities == sorted(probabilities)
        assert all(0 <= p <= 100 for p in probabilities)

    @given(
        level_type=st.sampled_from(list(LEVEL_TYPES.values())),
        weight=st.integers(0, 100),
        data=st.data(),
    )
    def test_points_given_in_any_order_are_kept_in_level_order(
        self, level_type: Any, weight: int, data: st.DataObject
    ) -> None:
        rule: CriterionRule[Any] = data.draw(lfst.criterion_rules(level_type, weight))
        shuffled = data.draw(st.permutations(rule.points))

        rebuilt = CriterionRule(
            weight=rule.weight, required=rule.required, minimum=rule.minimum, points=dict(shuffled)
        )

        assert rebuilt == rule
        assert [level for level, _ in rebuilt.points] == list(level_type)


class TestPoliciesAreValues:
    @examples(1 / 4)
    @given(lfst.policies())
    def test_policies_built_from_equal_data_are_equal_and_hash_alike(self, policy: Policy) -> None:
        rebuilt = Policy(**init_fields(policy))

        assert rebuilt == policy
        assert hash(rebuilt) == hash(policy)
        assert len({policy, rebuilt}) == 1

    @examples(1 / 4)
    @given(lfst.policies())
    def test_mappings_and_pairs_in_any_order_build_the_same_policy(self, policy: Policy) -> None:
        fields = init_fields(policy)
        for criterion in Criterion:
            rule = policy.rule(criterion)
            fields[criterion.value] = CriterionRule(
                weight=rule.weight,
                required=rule.required,
                minimum=rule.minimum,
                points=dict(reversed(rule.points)),
            )
        fields["stage_probabilities"] = dict(reversed(policy.stage_probabilities))
        fields["order"] = list(policy.order)
        fields["grade_floors"] = list(policy.grade_floors)

        assert Policy(**fields) == policy

    @examples(1 / 6)
    @given(policy=lfst.policies(), name=lfst.texts(12))
    def test_evolve_changes_only_what_it_is_given(self, policy: Policy, name: str) -> None:
        renamed = attrs.evolve(policy, name=name)

        assert renamed.name == name
        assert attrs.evolve(renamed, name=policy.name) == policy
        for criterion in Criterion:
            assert renamed.rule(criterion) == policy.rule(criterion)

    def test_a_policy_cannot_be_edited_in_place(self) -> None:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            BANT.threshold = 10  # type: ignore[misc]

    def test_policies_with_different_thresholds_differ(self) -> None:
        assert attrs.evolve(BANT, threshold=59) != BANT


# --------------------------------------------------------------------------------------------
# Breaking a valid policy in one place. Each breaker returns how to build the broken value
# (a thunk, so the error is raised inside pytest.raises) and the field the error must name.
# --------------------------------------------------------------------------------------------

Breaker = Callable[[Policy, st.DataObject], tuple[Callable[[], object], str]]
BREAKERS: list[Breaker] = []


def breaker(function: Breaker) -> Breaker:
    BREAKERS.append(function)
    return function


def _criterion(data: st.DataObject) -> Criterion:
    criterion: Criterion = data.draw(st.sampled_from(Criterion))
    return criterion


def _with(policy: Policy, criterion: Criterion, rule: object) -> Callable[[], object]:
    changes: dict[str, Any] = {criterion.value: rule}
    return lambda: attrs.evolve(policy, **changes)


def _with_points(rule: CriterionRule[Any], points: object) -> Callable[[], object]:
    return lambda: attrs.evolve(rule, points=points)


@breaker
def weights_not_adding_up(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    # The lightest criterion weighs at most 25, so one more point is still a valid rule.
    lightest = min(Criterion, key=lambda c: policy.rule(c).weight)
    rule = policy.rule(lightest)
    return _with(policy, lightest, attrs.evolve(rule, weight=rule.weight + 1)), "weights"


@breaker
def weights_adding_up_to_less(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    # The heaviest criterion weighs at least 25; capping its points keeps it a valid rule.
    heaviest = max(Criterion, key=lambda c: policy.rule(c).weight)
    rule = policy.rule(heaviest)
    weight = rule.weight - data.draw(st.integers(1, rule.weight))
    lighter = attrs.evolve(rule, weight=weight, points={k: min(n, weight) for k, n in rule.points})
    return _with(policy, heaviest, lighter), "weights"


@breaker
def weight_out_of_range(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    weight = data.draw(st.sampled_from([-1, 101]))
    return lambda: attrs.evolve(rule, weight=weight), "weight"


@breaker
def weight_is_a_bool(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    return lambda: attrs.evolve(rule, weight=True), "weight"


@breaker
def required_is_not_a_bool(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    required: Any = data.draw(st.sampled_from([0, 1, "yes", None]))
    return lambda: attrs.evolve(rule, required=required), "required"


@breaker
def minimum_is_not_a_level(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    minimum: Any = data.draw(st.sampled_from([None, "strong", 3, Criterion.NEED]))
    return lambda: attrs.evolve(rule, minimum=minimum), "minimum"


@breaker
def points_above_the_weight(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    level = data.draw(st.sampled_from(rule.level_type))
    points = dict(rule.points)
    points[level] = rule.weight + 1
    return _with_points(rule, points), f"points.{level.value}"


@breaker
def negative_points(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    level = data.draw(st.sampled_from(rule.level_type))
    points = dict(rule.points)
    points[level] = -1
    return _with_points(rule, points), f"points.{level.value}"


@breaker
def points_that_are_a_bool(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    level = data.draw(st.sampled_from(rule.level_type))
    points: dict[Any, object] = dict(rule.points)
    points[level] = False
    return _with_points(rule, points), f"points.{level.value}"


@breaker
def points_falling_as_levels_rise(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    # The heaviest criterion weighs at least 25, so the weakest known level can earn more
    # than the next. ("Unknown" is not on that scale: it may earn anything.)
    heaviest = max(Criterion, key=lambda c: policy.rule(c).weight)
    rule = policy.rule(heaviest)
    weakest, next_weakest = [level for level, _ in rule.points][1:3]
    points = dict(rule.points)
    points[weakest] = rule.weight
    points[next_weakest] = 0
    return _with_points(rule, points), f"points.{next_weakest.value}"


@breaker
def a_level_missing(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    missing = data.draw(st.sampled_from(rule.level_type))
    return _with_points(rule, {k: n for k, n in rule.points if k is not missing}), "points"


@breaker
def points_not_a_mapping(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    rule = policy.rule(_criterion(data))
    return _with_points(rule, data.draw(st.sampled_from([None, 5, "strong", (1, 2)]))), "points"


@breaker
def a_rule_for_another_criterion(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    criterion = _criterion(data)
    other = data.draw(st.sampled_from([c for c in Criterion if c is not criterion]))
    return _with(policy, criterion, policy.rule(other)), f"{criterion.value}.minimum"


@breaker
def not_a_rule(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    criterion = _criterion(data)
    junk: Any = data.draw(st.sampled_from([None, 30, {"weight": 30}]))
    return _with(policy, criterion, junk), criterion.value


@breaker
def a_criterion_listed_twice(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    index = data.draw(st.integers(0, 3))
    order = list(policy.order)
    order[index] = order[(index + 1) % 4]
    return lambda: attrs.evolve(policy, order=tuple(order)), "order"


@breaker
def a_criterion_left_out(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    index = data.draw(st.integers(0, 3))
    order = policy.order[:index] + policy.order[index + 1 :]
    return lambda: attrs.evolve(policy, order=order), "order"


@breaker
def order_by_name(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    return lambda: attrs.evolve(policy, order=tuple(c.value for c in policy.order)), "order"


@breaker
def a_blank_name(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    name: Any = data.draw(st.sampled_from(["", "   ", None, 7]))
    return lambda: attrs.evolve(policy, name=name), "name"


@breaker
def threshold_out_of_range(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    threshold: Any = data.draw(st.sampled_from([-1, 101, 60.0, True, "60"]))
    return lambda: attrs.evolve(policy, threshold=threshold), "threshold"


@breaker
def threshold_unreachable(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    best = sum(max(n for _, n in policy.rule(c).points) for c in Criterion)
    return lambda: attrs.evolve(policy, threshold=best + 1), "threshold"


@breaker
def nurture_above_threshold(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    return lambda: attrs.evolve(policy, nurture_threshold=policy.threshold + 1), (
        "nurture_threshold"
    )


@breaker
def grade_floors_not_falling(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    floors = data.draw(st.permutations(policy.grade_floors))
    a, b, c = policy.grade_floors
    # The one falling arrangement is the valid one; tie two floors instead when drawn.
    broken = floors if floors != [a, b, c] else [a, a, c]
    return lambda: attrs.evolve(policy, grade_floors=tuple(broken)), "grade_floors"


@breaker
def grade_floors_not_three(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    floors = data.draw(st.sampled_from([policy.grade_floors[:2], (*policy.grade_floors, 0), 80]))
    return lambda: attrs.evolve(policy, grade_floors=floors), "grade_floors"


@breaker
def a_grade_floor_out_of_range(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    index = data.draw(st.integers(0, 2))
    floors = list(policy.grade_floors)
    floors[index] = data.draw(st.sampled_from([-1, 101, True]))
    return lambda: attrs.evolve(policy, grade_floors=tuple(floors)), f"grade_floors[{index}]"


@breaker
def hot_score_out_of_range(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    hot: Any = data.draw(st.sampled_from([-1, 101, False]))
    return lambda: attrs.evolve(policy, hot_score=hot), "hot_score"


@breaker
def warm_above_hot(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    return lambda: attrs.evolve(policy, warm_score=policy.hot_score + 1), "warm_score"


@breaker
def horizon_out_of_range(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    horizon: Any = data.draw(st.sampled_from([0, -30, 3661, True, 365.0]))
    return lambda: attrs.evolve(policy, horizon_days=horizon), "horizon_days"


@breaker
def freshness_not_positive(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    freshness: Any = data.draw(
        st.sampled_from([timedelta(0), timedelta(days=-1), timedelta(microseconds=-1), 180, "180d"])
    )
    return lambda: attrs.evolve(policy, freshness=freshness), "freshness"


@breaker
def probabilities_falling(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    stages = list(OpportunityStage)
    index = data.draw(st.integers(1, len(stages) - 1))
    probabilities = dict(policy.stage_probabilities)
    probabilities[stages[index - 1]] = 100
    for stage in stages[index:]:
        probabilities[stage] = 0
    for stage in stages[: index - 1]:
        probabilities[stage] = 0
    return lambda: attrs.evolve(policy, stage_probabilities=probabilities), (
        f"stage_probabilities.{stages[index].value}"
    )


@breaker
def a_probability_out_of_range(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    stage = data.draw(st.sampled_from(OpportunityStage))
    probabilities: dict[OpportunityStage, object] = dict(policy.stage_probabilities)
    probabilities[stage] = data.draw(st.sampled_from([-1, 101, True, 0.5]))
    return lambda: attrs.evolve(policy, stage_probabilities=probabilities), (
        f"stage_probabilities.{stage.value}"
    )


@breaker
def a_stage_missing(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    missing = data.draw(st.sampled_from(OpportunityStage))
    probabilities = {s: p for s, p in policy.stage_probabilities if s is not missing}
    return lambda: attrs.evolve(policy, stage_probabilities=probabilities), "stage_probabilities"


@breaker
def promotion_not_a_rule(policy: Policy, data: st.DataObject) -> tuple[Callable[[], object], str]:
    junk: Any = data.draw(st.sampled_from([None, {"terms": TermsLevel.CONTRACT}, "strict"]))
    return lambda: attrs.evolve(policy, promotion=junk), "promotion"


@breaker
def a_promotion_signal_of_the_wrong_kind(
    policy: Policy, data: st.DataObject
) -> tuple[Callable[[], object], str]:
    wrong = {
        "relationship": TermsLevel.CONTRACT,
        "requirements": RelationshipLevel.ESTABLISHED,
        "terms": SupplierStatus.DROPPED,
        "supplier": RequirementsLevel.SPECIFIED,
        "need": BudgetLevel.APPROVED,
    }
    signal = data.draw(st.sampled_from(sorted(wrong)))
    changes: dict[str, Any] = {signal: wrong[signal]}
    return lambda: attrs.evolve(policy.promotion, **changes), signal


class TestBrokenPolicies:
    @pytest.mark.parametrize("break_it", BREAKERS, ids=lambda b: b.__name__)
    @examples(1 / 20)
    # Without signals, so that the criteria carry every weight the breakers shift about.
    @given(policy=lfst.policies(signals=False), data=st.data())
    def test_breaking_one_thing_is_refused_naming_that_field(
        self, break_it: Breaker, policy: Policy, data: st.DataObject
    ) -> None:
        build, field = break_it(policy, data)

        with pytest.raises(InvalidPolicyError) as caught:
            build()

        assert caught.value.field == field
        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, InvalidFieldError)
        assert isinstance(caught.value, LeadflowError)


class TestEveryBadFieldAtOnce:
    def test_a_policy_with_several_bad_fields_names_every_one(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(BANT, name=" ", threshold=101, hot_score=50, warm_score=70, horizon_days=0)

        error = caught.value
        assert [e.field for e in error.errors] == [
            "name",
            "threshold",
            "warm_score",
            "horizon_days",
        ]
        assert error.field == "name"
        assert "4 bad fields" in str(error)
        for bad in error.errors:
            assert bad.path in str(error)

    @given(policy=lfst.policies(signals=False), data=st.data())
    def test_two_independent_breaks_are_both_reported(
        self, policy: Policy, data: st.DataObject
    ) -> None:
        horizon = data.draw(st.sampled_from([0, 3661]))
        freshness = data.draw(st.sampled_from([timedelta(0), timedelta(days=-1)]))

        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(policy, horizon_days=horizon, freshness=freshness)

        assert [e.field for e in caught.value.errors] == ["horizon_days", "freshness"]

    def test_one_bad_field_is_a_plain_error(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(BANT, horizon_days=0)

        assert caught.value.errors == (caught.value,)
        assert str(caught.value).startswith("horizon_days:")


def need_rule(**overrides: Any) -> CriterionRule[NeedLevel]:
    fields: dict[str, Any] = {
        "weight": 30,
        "required": True,
        "minimum": NeedLevel.EXPRESSED,
        "points": {
            NeedLevel.UNKNOWN: 0,
            NeedLevel.NONE: 0,
            NeedLevel.LATENT: 10,
            NeedLevel.EXPRESSED: 20,
            NeedLevel.STRONG: 30,
        },
    }
    fields.update(overrides)
    return CriterionRule(**fields)


class TestBrokenPolicyExamples:
    def test_a_rule_reads_its_points_from_a_mapping(self) -> None:
        rule = need_rule()

        assert rule.points_for(NeedLevel.LATENT) == 10
        assert rule.is_met(NeedLevel.STRONG)
        assert not rule.is_met(NeedLevel.LATENT)
        assert rule.level_type is NeedLevel

    def test_points_of_another_criterion_are_refused(self) -> None:
        # The minimum says which levels the rule scores: here budget levels, not need levels.
        with pytest.raises(InvalidPolicyError) as caught:
            need_rule(minimum=BudgetLevel.AVAILABLE)

        assert caught.value.field.startswith("points")
        assert "BudgetLevel" in str(caught.value)

    def test_a_level_of_another_enum_among_the_points_is_refused(self) -> None:
        points: dict[Any, int] = dict(need_rule().points)
        points[BudgetLevel.NONE] = points.pop(NeedLevel.NONE)

        with pytest.raises(InvalidPolicyError) as caught:
            need_rule(points=points)

        assert caught.value.field.startswith("points")
        assert caught.value.value is BudgetLevel.NONE

    def test_weights_that_add_up_to_a_hundred_and_ten_are_refused_with_the_total(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(BANT, need=attrs.evolve(BANT.need, weight=40))

        assert caught.value.field == "weights"
        assert caught.value.value == 110
        assert caught.value.path == "$.weights"

    def test_weights_that_add_up_to_ninety_are_refused_with_the_total(self) -> None:
        lighter = attrs.evolve(BANT.need, weight=20, points=dict.fromkeys(NeedLevel, 0))

        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(BANT, need=lighter)

        assert caught.value.field == "weights"
        assert caught.value.value == 90

    def test_a_threshold_above_the_best_possible_score_is_refused(self) -> None:
        # Every BANT scale tops out at its weight, and the weights add up to 100.
        weak = attrs.evolve(
            BANT, authority=attrs.evolve(BANT.authority, points=dict.fromkeys(AuthorityLevel, 0))
        )

        assert weak.threshold == 60
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(weak, threshold=86)
        assert caught.value.field == "threshold"
        assert attrs.evolve(weak, threshold=85).threshold == 85

    def test_a_promotion_gate_can_leave_every_signal_open(self) -> None:
        gate = PromotionRule(
            relationship=None, requirements=None, terms=None, supplier=None, need=None
        )

        assert attrs.evolve(BANT, promotion=gate).promotion == gate

    @pytest.mark.parametrize(
        ("field", "value"),
        list(
            itertools.chain(
                [("threshold", v) for v in (-1, 101, True)],
                [("nurture_threshold", v) for v in (61, -1, False)],
                [("hot_score", v) for v in (101, True)],
                [("warm_score", v) for v in (76, -5)],
                [("horizon_days", v) for v in (0, 3661)],
                [("freshness", v) for v in (timedelta(0), timedelta(seconds=-1))],
                [("grade_floors", v) for v in ((60, 60, 40), (40, 60, 80), (80, 60))],
            )
        ),
    )
    def test_bant_with_one_bad_setting_is_refused(self, field: str, value: object) -> None:
        changes: dict[str, Any] = {field: value}

        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(BANT, **changes)

        assert caught.value.field == field
        assert caught.value.value == value


class TestCalibration:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("intercept", 10**400),
            ("intercept", -(10**400)),
            ("intercept", math.nan),
            ("intercept", math.inf),
            ("slope", 10**400),
            ("slope", math.inf),
            ("slope", math.nan),
        ],
        ids=lambda v: repr(v)[:12],
    )
    def test_a_number_no_float_can_hold_is_refused_naming_it(
        self, field: str, value: object
    ) -> None:
        numbers: dict[str, object] = {"intercept": -3.0, "slope": 0.06, field: value}

        with pytest.raises(InvalidPolicyError) as caught:
            Calibration(**numbers)

        assert caught.value.field == field
        assert caught.value.value is value

    def test_ints_a_float_can_hold_become_floats(self) -> None:
        curve = Calibration(intercept=-3, slope=10**300)

        assert (curve.intercept, curve.slope) == (-3.0, 1e300)
        assert type(curve.intercept) is float
        assert type(curve.slope) is float
