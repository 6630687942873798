"""Pins for leadflow.policy: every error, boundary, default and method, value by value.

Each test here is written so that a mutant of src/leadflow/policy.py (a changed string,
number, comparison, boolean, default or return value) fails at least one of them. The
policies are hand-built so that each expected value is a literal, never recomputed by
the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

import leadflow.policy
from leadflow import (
    AuthorityLevel,
    BudgetLevel,
    Calibration,
    CategoricalSignal,
    Criterion,
    CriterionResult,
    CriterionRule,
    InvalidPolicyError,
    LeadflowError,
    NeedLevel,
    NumericSignal,
    OpportunityStage,
    Policy,
    PromotionRule,
    PurchaseProcess,
    RelationshipLevel,
    RequirementsLevel,
    Status,
    SupplierStatus,
    TermsLevel,
    TimeframeLevel,
)
from support import pinned

# --------------------------------------------------------------------------------------------
# Builders: four rules whose weights add up to 100 and whose best levels earn their weight.
# --------------------------------------------------------------------------------------------

NEED_POINTS: dict[NeedLevel, int] = {
    NeedLevel.UNKNOWN: 0,
    NeedLevel.NONE: 0,
    NeedLevel.LATENT: 10,
    NeedLevel.EXPRESSED: 20,
    NeedLevel.STRONG: 30,
}
BUDGET_POINTS: dict[BudgetLevel, int] = {
    BudgetLevel.UNKNOWN: 0,
    BudgetLevel.NONE: 0,
    BudgetLevel.INSUFFICIENT: 10,
    BudgetLevel.AVAILABLE: 20,
    BudgetLevel.APPROVED: 30,
}
TIMEFRAME_POINTS: dict[TimeframeLevel, int] = {
    TimeframeLevel.UNKNOWN: 0,
    TimeframeLevel.LATER: 2,
    TimeframeLevel.THIS_YEAR: 8,
    TimeframeLevel.NEXT_QUARTER: 12,
    TimeframeLevel.THIS_QUARTER: 16,
    TimeframeLevel.IMMEDIATE: 20,
}
AUTHORITY_POINTS: dict[AuthorityLevel, int] = {
    AuthorityLevel.UNKNOWN: 0,
    AuthorityLevel.NONE: 0,
    AuthorityLevel.ADVISER: 5,
    AuthorityLevel.INFLUENCER: 10,
    AuthorityLevel.SHARED: 15,
    AuthorityLevel.DECIDER: 20,
}

NEED_PAIRS = (
    (NeedLevel.UNKNOWN, 0),
    (NeedLevel.NONE, 0),
    (NeedLevel.LATENT, 10),
    (NeedLevel.EXPRESSED, 20),
    (NeedLevel.STRONG, 30),
)

DEFAULT_STAGES = (
    (OpportunityStage.QUALIFY, 20),
    (OpportunityStage.DEVELOP, 40),
    (OpportunityStage.PROPOSE, 60),
    (OpportunityStage.CLOSE, 80),
)


def need_rule(**overrides: Any) -> CriterionRule[Any]:
    fields: dict[str, Any] = {
        "weight": 30,
        "required": True,
        "minimum": NeedLevel.EXPRESSED,
        "points": dict(NEED_POINTS),
    }
    fields.update(overrides)
    return CriterionRule(**fields)


def budget_rule(**overrides: Any) -> CriterionRule[Any]:
    fields: dict[str, Any] = {
        "weight": 30,
        "required": True,
        "minimum": BudgetLevel.AVAILABLE,
        "points": dict(BUDGET_POINTS),
    }
    fields.update(overrides)
    return CriterionRule(**fields)


def timeframe_rule(**overrides: Any) -> CriterionRule[Any]:
    fields: dict[str, Any] = {
        "weight": 20,
        "required": True,
        "minimum": TimeframeLevel.THIS_YEAR,
        "points": dict(TIMEFRAME_POINTS),
    }
    fields.update(overrides)
    return CriterionRule(**fields)


def authority_rule(**overrides: Any) -> CriterionRule[Any]:
    fields: dict[str, Any] = {
        "weight": 20,
        "required": False,
        "minimum": AuthorityLevel.INFLUENCER,
        "points": dict(AUTHORITY_POINTS),
    }
    fields.update(overrides)
    return CriterionRule(**fields)


def zero_authority(weight: int) -> CriterionRule[Any]:
    """An authority rule of *weight* whose every level earns nothing."""
    return authority_rule(weight=weight, points=dict.fromkeys(AuthorityLevel, 0))


def capped_authority(weight: int) -> CriterionRule[Any]:
    """An authority rule of *weight* whose best level earns the weight, the others nothing."""
    points = dict.fromkeys(AuthorityLevel, 0)
    points[AuthorityLevel.DECIDER] = weight
    return authority_rule(weight=weight, points=points)


def industry(weight: int = 10, name: str = "industry") -> CategoricalSignal:
    return CategoricalSignal(name=name, weight=weight, points={"retail": weight})


def minimal(**overrides: Any) -> Policy:
    """A policy with the fewest arguments (name and rules), plus *overrides*."""
    fields: dict[str, Any] = {
        "name": "Minimal",
        "need": need_rule(),
        "budget": budget_rule(),
        "timeframe": timeframe_rule(),
        "authority": authority_rule(),
    }
    fields.update(overrides)
    return Policy(**fields)


def with_signal(**overrides: Any) -> Policy:
    """A policy whose criteria weigh 90 (authority 10, earning nothing) and a 10-point signal."""
    fields: dict[str, Any] = {"authority": zero_authority(10), "signals": (industry(),)}
    fields.update(overrides)
    return minimal(**fields)


def refused(build: Callable[[], object]) -> LeadflowError:
    with pytest.raises(LeadflowError) as caught:
        build()
    return caught.value


def pinned_all(error: BaseException, expected: list[tuple[str, object, str]]) -> None:
    """Assert *error* is one InvalidPolicyError listing exactly *expected*, in order."""
    assert type(error) is InvalidPolicyError
    assert isinstance(error, InvalidPolicyError)
    if len(expected) == 1:
        pinned(error, InvalidPolicyError, *expected[0])
        assert error.errors == (error,)
        return
    assert [e.field for e in error.errors] == [field for field, _, _ in expected]
    first_field, first_value, first_reason = expected[0]
    assert error.errors[0] is error
    assert error.field == first_field
    assert error.value is first_value or (
        type(error.value) is type(first_value) and error.value == first_value
    )
    assert error.reason == first_reason
    for sub, (field, value, reason) in zip(error.errors[1:], expected[1:], strict=True):
        pinned(sub, InvalidPolicyError, field, value, reason)
    lines = str(error).split("\n")
    assert lines[0] == f"invalid policy: {len(expected)} bad fields"
    assert len(lines) == len(expected) + 1
    for line, (field, _, reason) in zip(lines[1:], expected, strict=True):
        assert line.startswith(f"  $.{field}: {reason} (got ")


def one_error(build: Callable[[], object], field: str, value: object, reason: str) -> None:
    pinned_all(refused(build), [(field, value, reason)])


# --------------------------------------------------------------------------------------------
# The module
# --------------------------------------------------------------------------------------------


class TestTheModule:
    def test_the_module_exports_exactly_its_four_classes(self) -> None:
        assert leadflow.policy.__all__ == [
            "Calibration",
            "CriterionRule",
            "Policy",
            "PromotionRule",
        ]

    @pytest.mark.parametrize(
        "build",
        [
            lambda: CriterionRule(30, True, NeedLevel.EXPRESSED, NEED_POINTS),  # type: ignore[call-arg]
            lambda: PromotionRule(RelationshipLevel.ESTABLISHED),  # type: ignore[call-arg]
            lambda: Calibration(-3.0, 0.06),  # type: ignore[call-arg]
            lambda: Policy("P", need_rule(), budget_rule(), timeframe_rule(), authority_rule()),  # type: ignore[call-arg]
        ],
        ids=["CriterionRule", "PromotionRule", "Calibration", "Policy"],
    )
    def test_every_class_takes_keyword_arguments_only(self, build: Callable[[], object]) -> None:
        with pytest.raises(TypeError):
            build()


# --------------------------------------------------------------------------------------------
# CriterionRule
# --------------------------------------------------------------------------------------------


class TestCriterionRuleValues:
    def test_a_rule_keeps_what_it_is_given_and_its_points_as_pairs_in_level_order(self) -> None:
        rule = need_rule(points=dict(reversed(list(NEED_POINTS.items()))))

        assert rule.weight == 30
        assert rule.required is True
        assert rule.minimum is NeedLevel.EXPRESSED
        assert rule.points == NEED_PAIRS

    def test_points_given_as_pairs_in_any_order_are_kept_in_level_order(self) -> None:
        rule = need_rule(points=tuple(reversed(NEED_PAIRS)))

        assert rule.points == NEED_PAIRS

    def test_points_for_gives_each_level_its_points(self) -> None:
        rule = need_rule()

        assert [rule.points_for(level) for level in NeedLevel] == [0, 0, 10, 20, 30]

    def test_is_met_is_true_from_the_minimum_up_and_false_below(self) -> None:
        rule = need_rule()

        assert rule.is_met(NeedLevel.UNKNOWN) is False
        assert rule.is_met(NeedLevel.NONE) is False
        assert rule.is_met(NeedLevel.LATENT) is False
        assert rule.is_met(NeedLevel.EXPRESSED) is True
        assert rule.is_met(NeedLevel.STRONG) is True

    def test_the_level_type_is_the_enum_of_the_minimum(self) -> None:
        assert need_rule().level_type is NeedLevel
        assert budget_rule().level_type is BudgetLevel
        assert timeframe_rule().level_type is TimeframeLevel
        assert authority_rule().level_type is AuthorityLevel

    def test_rules_built_from_equal_data_are_equal_and_hash_alike(self) -> None:
        first = need_rule()
        second = need_rule(points=tuple(reversed(NEED_PAIRS)))

        assert first == second
        assert hash(first) == hash(second)
        assert len({first, second}) == 1
        assert first != need_rule(required=False)

    def test_the_repr_shows_the_fields_and_not_the_compiled_table(self) -> None:
        rule = need_rule(points=dict.fromkeys(NeedLevel, 0))

        assert repr(rule) == (
            "CriterionRule(weight=30, required=True, minimum=<NeedLevel.EXPRESSED: 'expressed'>, "
            "points=((<NeedLevel.UNKNOWN: 'unknown'>, 0), (<NeedLevel.NONE: 'none'>, 0), "
            "(<NeedLevel.LATENT: 'latent'>, 0), (<NeedLevel.EXPRESSED: 'expressed'>, 0), "
            "(<NeedLevel.STRONG: 'strong'>, 0)))"
        )


class TestCriterionRuleWeight:
    def test_a_weight_of_0_is_accepted(self) -> None:
        rule = need_rule(weight=0, points=dict.fromkeys(NeedLevel, 0))

        assert rule.weight == 0
        assert rule.points == tuple((level, 0) for level in NeedLevel)

    def test_a_weight_of_100_whose_best_level_earns_100_is_accepted(self) -> None:
        points = dict(NEED_POINTS)
        points[NeedLevel.STRONG] = 100

        rule = need_rule(weight=100, points=points)

        assert rule.weight == 100
        assert rule.points_for(NeedLevel.STRONG) == 100

    @pytest.mark.parametrize(
        ("weight", "reason"),
        [
            (-1, "must be between 0 and 100"),
            (101, "must be between 0 and 100"),
            (True, "expected an int, not bool"),
            (False, "expected an int, not bool"),
            ("30", "expected an int, not str"),
            (30.0, "expected an int, not float"),
            (None, "expected an int, not NoneType"),
        ],
    )
    def test_a_weight_out_of_range_or_not_an_int_is_refused(
        self, weight: object, reason: str
    ) -> None:
        one_error(lambda: need_rule(weight=weight), "weight", weight, reason)


class TestCriterionRuleRequiredAndMinimum:
    def test_required_false_is_kept(self) -> None:
        assert need_rule(required=False).required is False

    @pytest.mark.parametrize("required", [1, 0, "yes", None])
    def test_required_that_is_not_a_bool_is_refused(self, required: object) -> None:
        one_error(lambda: need_rule(required=required), "required", required, "expected a bool")

    @pytest.mark.parametrize("minimum", ["expressed", None, 3, PurchaseProcess.COMMITTEE])
    def test_a_minimum_that_is_not_a_level_is_refused(self, minimum: object) -> None:
        one_error(lambda: need_rule(minimum=minimum), "minimum", minimum, "expected a level")

    def test_the_weight_is_checked_before_required_and_minimum(self) -> None:
        one_error(
            lambda: need_rule(weight=101, required=None, minimum=None),
            "weight",
            101,
            "must be between 0 and 100",
        )

    def test_required_is_checked_before_the_minimum(self) -> None:
        one_error(
            lambda: need_rule(required=None, minimum=None), "required", None, "expected a bool"
        )


class TestCriterionRulePoints:
    @pytest.mark.parametrize(
        "points",
        [
            None,
            5,
            "strong",
            list(NEED_PAIRS),
            (1, 2),
            ((NeedLevel.UNKNOWN, 0, 1),),
            ("ab",),
            ((NeedLevel.UNKNOWN,),),
        ],
        ids=repr,
    )
    def test_points_that_are_not_a_mapping_of_levels_are_refused(self, points: object) -> None:
        one_error(
            lambda: need_rule(points=points),
            "points",
            points,
            "expected a mapping of levels to ints",
        )

    def test_a_level_of_another_enum_among_the_points_is_refused_naming_it(self) -> None:
        points: dict[Any, int] = dict(NEED_POINTS)
        points[BudgetLevel.NONE] = points.pop(NeedLevel.NONE)

        one_error(
            lambda: need_rule(points=points),
            "points.BudgetLevel.NONE",
            BudgetLevel.NONE,
            "not a NeedLevel",
        )

    def test_points_of_another_criterion_are_refused_naming_the_minimums_enum(self) -> None:
        one_error(
            lambda: need_rule(minimum=BudgetLevel.AVAILABLE),
            "points.NeedLevel.UNKNOWN",
            NeedLevel.UNKNOWN,
            "not a BudgetLevel",
        )

    def test_points_equal_to_the_weight_and_to_zero_are_accepted(self) -> None:
        points = dict.fromkeys(NeedLevel, 0)
        points[NeedLevel.STRONG] = 30

        assert need_rule(points=points).points[-1] == (NeedLevel.STRONG, 30)
        assert need_rule(points=points).points[0] == (NeedLevel.UNKNOWN, 0)

    @pytest.mark.parametrize(
        ("level", "number", "reason"),
        [
            (NeedLevel.STRONG, 31, "must be between 0 and 30"),
            (NeedLevel.UNKNOWN, -1, "must be between 0 and 30"),
            (NeedLevel.NONE, True, "expected an int, not bool"),
            (NeedLevel.LATENT, 10.0, "expected an int, not float"),
            (NeedLevel.EXPRESSED, "20", "expected an int, not str"),
        ],
    )
    def test_points_out_of_range_or_not_an_int_are_refused_naming_the_level(
        self, level: NeedLevel, number: object, reason: str
    ) -> None:
        points: dict[NeedLevel, object] = dict(NEED_POINTS)
        points[level] = number

        one_error(lambda: need_rule(points=points), f"points.{level.value}", number, reason)

    def test_points_above_a_smaller_weight_are_refused_with_that_weight(self) -> None:
        points = dict.fromkeys(NeedLevel, 0)
        points[NeedLevel.STRONG] = 8

        one_error(
            lambda: need_rule(weight=7, points=points),
            "points.strong",
            8,
            "must be between 0 and 7",
        )

    def test_a_missing_level_is_refused_naming_it(self) -> None:
        points = {k: n for k, n in NEED_POINTS.items() if k is not NeedLevel.LATENT}

        one_error(
            lambda: need_rule(points=points), "points", tuple(points.items()), "missing latent"
        )

    def test_several_missing_levels_are_named_in_level_order(self) -> None:
        points = {NeedLevel.EXPRESSED: 20, NeedLevel.NONE: 0}

        one_error(
            lambda: need_rule(points=points),
            "points",
            ((NeedLevel.EXPRESSED, 20), (NeedLevel.NONE, 0)),
            "missing unknown, latent, strong",
        )

    def test_no_points_at_all_name_every_level(self) -> None:
        one_error(
            lambda: need_rule(points={}),
            "points",
            (),
            "missing unknown, none, latent, expressed, strong",
        )

    def test_points_falling_from_none_to_latent_are_refused(self) -> None:
        points = dict(NEED_POINTS)
        points[NeedLevel.NONE] = 10
        points[NeedLevel.LATENT] = 5

        one_error(
            lambda: need_rule(points=points),
            "points.latent",
            5,
            "points must not fall as levels rise (none has 10)",
        )

    def test_points_falling_at_the_top_are_refused(self) -> None:
        points = dict(NEED_POINTS)
        points[NeedLevel.STRONG] = 19

        one_error(
            lambda: need_rule(points=points),
            "points.strong",
            19,
            "points must not fall as levels rise (expressed has 20)",
        )

    def test_the_first_fall_in_level_order_is_the_one_named(self) -> None:
        points = {
            NeedLevel.UNKNOWN: 0,
            NeedLevel.NONE: 30,
            NeedLevel.LATENT: 20,
            NeedLevel.EXPRESSED: 10,
            NeedLevel.STRONG: 0,
        }

        one_error(
            lambda: need_rule(points=points),
            "points.latent",
            20,
            "points must not fall as levels rise (none has 30)",
        )

    def test_equal_points_on_neighbouring_levels_are_accepted(self) -> None:
        points = dict(NEED_POINTS)
        points[NeedLevel.LATENT] = 20

        assert need_rule(points=points).points_for(NeedLevel.LATENT) == 20

    def test_unknown_may_earn_more_than_the_weakest_known_level(self) -> None:
        points = dict(NEED_POINTS)
        points[NeedLevel.UNKNOWN] = 30

        rule = need_rule(points=points)

        assert rule.points_for(NeedLevel.UNKNOWN) == 30
        assert rule.points_for(NeedLevel.NONE) == 0


# --------------------------------------------------------------------------------------------
# PromotionRule
# --------------------------------------------------------------------------------------------


class TestPromotionRule:
    def test_the_default_gate_asks_for_each_documented_level(self) -> None:
        gate = PromotionRule()

        assert gate.relationship is RelationshipLevel.ESTABLISHED
        assert gate.requirements is RequirementsLevel.SPECIFIED
        assert gate.terms is TermsLevel.PAYMENT_TERMS
        assert gate.supplier is SupplierStatus.NO_SUPPLIER
        assert gate.need is NeedLevel.STRONG

    def test_a_gate_can_leave_every_signal_open(self) -> None:
        gate = PromotionRule(
            relationship=None, requirements=None, terms=None, supplier=None, need=None
        )

        assert (gate.relationship, gate.requirements, gate.terms, gate.supplier, gate.need) == (
            None,
            None,
            None,
            None,
            None,
        )

    def test_a_gate_keeps_the_levels_it_is_given(self) -> None:
        gate = PromotionRule(
            relationship=RelationshipLevel.CONTACTED,
            requirements=RequirementsLevel.GENERAL,
            terms=TermsLevel.CONTRACT,
            supplier=SupplierStatus.EVALUATING,
            need=NeedLevel.LATENT,
        )

        assert gate.relationship is RelationshipLevel.CONTACTED
        assert gate.requirements is RequirementsLevel.GENERAL
        assert gate.terms is TermsLevel.CONTRACT
        assert gate.supplier is SupplierStatus.EVALUATING
        assert gate.need is NeedLevel.LATENT

    @pytest.mark.parametrize(
        ("field", "value", "reason"),
        [
            ("relationship", TermsLevel.CONTRACT, "expected a RelationshipLevel or None"),
            ("requirements", RelationshipLevel.ESTABLISHED, "expected a RequirementsLevel or None"),
            ("terms", SupplierStatus.DROPPED, "expected a TermsLevel or None"),
            ("supplier", RequirementsLevel.SPECIFIED, "expected a SupplierStatus or None"),
            ("need", BudgetLevel.APPROVED, "expected a NeedLevel or None"),
            ("need", "strong", "expected a NeedLevel or None"),
        ],
    )
    def test_a_signal_of_the_wrong_kind_is_refused_naming_it(
        self, field: str, value: object, reason: str
    ) -> None:
        changes: dict[str, Any] = {field: value}

        one_error(lambda: PromotionRule(**changes), field, value, reason)

    def test_the_first_wrong_signal_is_the_one_named(self) -> None:
        one_error(
            lambda: PromotionRule(terms=0, need=0),  # type: ignore[arg-type]
            "terms",
            0,
            "expected a TermsLevel or None",
        )


# --------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------


class TestCalibration:
    def test_ints_become_floats(self) -> None:
        curve = Calibration(intercept=-3, slope=2)

        assert curve.intercept == -3.0
        assert type(curve.intercept) is float
        assert curve.slope == 2.0
        assert type(curve.slope) is float

    def test_floats_are_kept_as_given(self) -> None:
        curve = Calibration(intercept=-3.5, slope=0.25)

        assert (curve.intercept, curve.slope) == (-3.5, 0.25)

    def test_probability_follows_the_logistic_curve(self) -> None:
        curve = Calibration(intercept=-3.0, slope=0.06)

        assert curve.probability(0) == pytest.approx(0.04742587317756678, rel=1e-12)
        assert curve.probability(100) == pytest.approx(0.9525741268224334, rel=1e-12)
        assert curve.probability(50) == pytest.approx(0.5, rel=1e-12)

    def test_probability_at_zero_log_odds_is_exactly_a_half(self) -> None:
        assert Calibration(intercept=-3.0, slope=0.5).probability(6) == 0.5

    def test_probability_at_extreme_log_odds_is_exactly_0_or_1_without_overflow(self) -> None:
        curve = Calibration(intercept=0.0, slope=1.0)

        assert curve.probability(800) == 1.0
        assert curve.probability(-800) == 0.0

    def test_probability_just_above_and_below_zero_log_odds(self) -> None:
        curve = Calibration(intercept=0.0, slope=0.5)

        assert curve.probability(1) == pytest.approx(0.6224593312018546, rel=1e-12)
        assert curve.probability(-1) == pytest.approx(0.3775406687981454, rel=1e-12)

    @pytest.mark.parametrize("odds", [0.03, 0.06, 0.11, 0.15, 0.5, 0.99])
    def test_probability_at_log_odds_from_0_to_1_is_the_documented_formula_to_the_bit(
        self, odds: float
    ) -> None:
        # At these log-odds the two algebraically equal forms of the curve round
        # differently; from 0 up the docstring's form is the one computed.
        assert Calibration(intercept=odds, slope=1.0).probability(0) == 1.0 / (
            1.0 + math.exp(-odds)
        )

    def test_points_to_double_the_odds_are_log_2_over_the_slope(self) -> None:
        assert Calibration(intercept=-3.0, slope=0.06).points_to_double_odds == pytest.approx(
            11.552453009332423, rel=1e-12
        )
        assert Calibration(intercept=0.0, slope=1.0).points_to_double_odds == pytest.approx(
            0.6931471805599453, rel=1e-12
        )

    @pytest.mark.parametrize("slope", [5e-324, 0.5, 1.0, 1e300])
    def test_any_positive_slope_is_accepted(self, slope: float) -> None:
        assert Calibration(intercept=0.0, slope=slope).slope == slope

    def test_any_finite_intercept_is_accepted(self) -> None:
        assert Calibration(intercept=-1e308, slope=1.0).intercept == -1e308
        assert Calibration(intercept=0.0, slope=1.0).intercept == 0.0

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            (True, "expected a number, not bool"),
            ("1", "expected a number, not str"),
            (None, "expected a number, not NoneType"),
            (10**400, "must be a finite number a float can hold"),
            (-(10**400), "must be a finite number a float can hold"),
            (math.nan, "must be a finite number a float can hold"),
            (math.inf, "must be a finite number a float can hold"),
            (-math.inf, "must be a finite number a float can hold"),
        ],
        ids=lambda v: repr(v)[:12],
    )
    def test_an_intercept_that_is_not_a_finite_number_is_refused(
        self, value: object, reason: str
    ) -> None:
        one_error(lambda: Calibration(intercept=value, slope=0.06), "intercept", value, reason)

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            (True, "expected a number, not bool"),
            ("1", "expected a number, not str"),
            (10**400, "must be a finite number a float can hold"),
            (math.nan, "must be a finite number a float can hold"),
            (math.inf, "must be a finite number a float can hold"),
            (0.0, "must be above 0"),
            (-0.0, "must be above 0"),
            (-1.0, "must be above 0"),
            (-math.inf, "must be a finite number a float can hold"),
        ],
        ids=lambda v: repr(v)[:12],
    )
    def test_a_slope_that_is_not_a_positive_finite_number_is_refused(
        self, value: object, reason: str
    ) -> None:
        one_error(lambda: Calibration(intercept=-3.0, slope=value), "slope", value, reason)

    def test_an_int_slope_of_0_is_refused_as_the_float_it_became(self) -> None:
        one_error(lambda: Calibration(intercept=-3.0, slope=0), "slope", 0.0, "must be above 0")

    def test_the_intercept_is_checked_before_the_slope(self) -> None:
        one_error(
            lambda: Calibration(intercept="x", slope=0),
            "intercept",
            "x",
            "expected a number, not str",
        )


# --------------------------------------------------------------------------------------------
# Policy: defaults and conversions
# --------------------------------------------------------------------------------------------


class TestPolicyDefaults:
    def test_a_policy_of_a_name_and_four_rules_has_the_documented_defaults(self) -> None:
        need, budget, timeframe, authority = (
            need_rule(),
            budget_rule(),
            timeframe_rule(),
            authority_rule(),
        )

        policy = Policy(
            name="Minimal", need=need, budget=budget, timeframe=timeframe, authority=authority
        )

        assert policy.name == "Minimal"
        assert policy.need is need
        assert policy.budget is budget
        assert policy.timeframe is timeframe
        assert policy.authority is authority
        assert policy.order == (
            Criterion.NEED,
            Criterion.BUDGET,
            Criterion.TIMEFRAME,
            Criterion.AUTHORITY,
        )
        assert policy.threshold == 60
        assert policy.nurture_threshold == 35
        assert policy.grade_floors == (80, 60, 40)
        assert policy.hot_score == 75
        assert policy.warm_score == 45
        assert policy.horizon_days == 365
        assert policy.freshness == timedelta(days=180)
        assert policy.stage_probabilities == DEFAULT_STAGES
        assert policy.signals == ()
        assert policy.calibration is None

    def test_the_default_promotion_gate_is_the_default_promotion_rule(self) -> None:
        gate = minimal().promotion

        assert type(gate) is PromotionRule
        assert (gate.relationship, gate.requirements, gate.terms, gate.supplier, gate.need) == (
            RelationshipLevel.ESTABLISHED,
            RequirementsLevel.SPECIFIED,
            TermsLevel.PAYMENT_TERMS,
            SupplierStatus.NO_SUPPLIER,
            NeedLevel.STRONG,
        )

    def test_the_default_stage_probabilities_are_20_40_60_and_80(self) -> None:
        policy = minimal()

        assert policy.probability(OpportunityStage.QUALIFY) == 20
        assert policy.probability(OpportunityStage.DEVELOP) == 40
        assert policy.probability(OpportunityStage.PROPOSE) == 60
        assert policy.probability(OpportunityStage.CLOSE) == 80


class TestPolicyConversions:
    def test_an_order_given_as_a_list_is_kept_as_a_tuple(self) -> None:
        order = [Criterion.AUTHORITY, Criterion.TIMEFRAME, Criterion.BUDGET, Criterion.NEED]

        assert minimal(order=order).order == (
            Criterion.AUTHORITY,
            Criterion.TIMEFRAME,
            Criterion.BUDGET,
            Criterion.NEED,
        )

    def test_grade_floors_given_as_a_list_are_kept_as_a_tuple(self) -> None:
        assert minimal(grade_floors=[90, 50, 10]).grade_floors == (90, 50, 10)

    def test_signals_given_as_a_list_are_kept_as_a_tuple(self) -> None:
        signal = industry()

        policy = with_signal(signals=[signal])

        assert policy.signals == (signal,)

    def test_stage_probabilities_given_as_a_mapping_in_any_order_are_kept_in_stage_order(
        self,
    ) -> None:
        policy = minimal(
            stage_probabilities={
                OpportunityStage.CLOSE: 90,
                OpportunityStage.QUALIFY: 10,
                OpportunityStage.PROPOSE: 70,
                OpportunityStage.DEVELOP: 30,
            }
        )

        assert policy.stage_probabilities == (
            (OpportunityStage.QUALIFY, 10),
            (OpportunityStage.DEVELOP, 30),
            (OpportunityStage.PROPOSE, 70),
            (OpportunityStage.CLOSE, 90),
        )
        assert [policy.probability(stage) for stage in OpportunityStage] == [10, 30, 70, 90]

    def test_stage_probabilities_given_as_pairs_in_any_order_are_kept_in_stage_order(
        self,
    ) -> None:
        policy = minimal(stage_probabilities=tuple(reversed(DEFAULT_STAGES)))

        assert policy.stage_probabilities == DEFAULT_STAGES


# --------------------------------------------------------------------------------------------
# Policy: each check, one bad field at a time
# --------------------------------------------------------------------------------------------


class TestPolicyName:
    @pytest.mark.parametrize("name", ["", "   ", "\t\n", None, 7])
    def test_a_blank_or_missing_name_is_refused(self, name: object) -> None:
        one_error(lambda: minimal(name=name), "name", name, "a policy needs a name")

    def test_a_name_with_surrounding_spaces_is_kept_as_given(self) -> None:
        assert minimal(name=" x ").name == " x "


class TestPolicyRules:
    @pytest.mark.parametrize("criterion", list(Criterion), ids=lambda c: c.value)
    @pytest.mark.parametrize("junk", [None, 30, {"weight": 30}], ids=repr)
    def test_a_rule_that_is_not_a_criterion_rule_is_refused(
        self, criterion: Criterion, junk: object
    ) -> None:
        changes: dict[str, Any] = {criterion.value: junk}

        one_error(lambda: minimal(**changes), criterion.value, junk, "expected a CriterionRule")

    @pytest.mark.parametrize(
        ("criterion", "rule", "minimum", "reason"),
        [
            (Criterion.NEED, budget_rule, BudgetLevel.AVAILABLE, "expected a NeedLevel"),
            (Criterion.BUDGET, need_rule, NeedLevel.EXPRESSED, "expected a BudgetLevel"),
            (
                Criterion.TIMEFRAME,
                authority_rule,
                AuthorityLevel.INFLUENCER,
                "expected a TimeframeLevel",
            ),
            (
                Criterion.AUTHORITY,
                timeframe_rule,
                TimeframeLevel.THIS_YEAR,
                "expected an AuthorityLevel",
            ),
        ],
        ids=lambda v: getattr(v, "value", "") if isinstance(v, Criterion) else "",
    )
    def test_a_rule_for_another_criterion_is_refused_naming_its_minimum(
        self,
        criterion: Criterion,
        rule: Callable[[], CriterionRule[Any]],
        minimum: object,
        reason: str,
    ) -> None:
        # The other rule keeps the weights at 100 (each swap is between equal weights,
        # or the weights error would come first; it does not: it waits for valid rules).
        changes: dict[str, Any] = {criterion.value: rule()}

        one_error(lambda: minimal(**changes), f"{criterion.value}.minimum", minimum, reason)

    def test_only_the_first_bad_rule_is_named(self) -> None:
        one_error(
            lambda: minimal(budget=None, authority=None), "budget", None, "expected a CriterionRule"
        )

    def test_rule_gives_the_very_rule_of_each_criterion(self) -> None:
        need, budget, timeframe, authority = (
            need_rule(),
            budget_rule(),
            timeframe_rule(),
            authority_rule(),
        )

        policy = minimal(need=need, budget=budget, timeframe=timeframe, authority=authority)

        assert policy.rule(Criterion.NEED) is need
        assert policy.rule(Criterion.BUDGET) is budget
        assert policy.rule(Criterion.TIMEFRAME) is timeframe
        assert policy.rule(Criterion.AUTHORITY) is authority


class TestPolicySignals:
    def test_signals_whose_weights_complete_the_hundred_are_accepted(self) -> None:
        signal = industry()

        assert with_signal(signals=(signal,)).signals == (signal,)

    @pytest.mark.parametrize("signals", [5, "abc", {"industry": 10}], ids=repr)
    def test_signals_that_are_not_a_sequence_are_refused(self, signals: object) -> None:
        one_error(
            lambda: minimal(signals=signals), "signals", signals, "expected a sequence of signals"
        )

    @pytest.mark.parametrize("junk", ["industry", None, 10, need_rule()], ids=repr)
    def test_something_not_a_signal_is_refused_naming_its_index(self, junk: object) -> None:
        one_error(
            lambda: with_signal(signals=(industry(), junk)),
            "signals[1]",
            junk,
            "expected a CategoricalSignal or NumericSignal",
        )

    def test_a_numeric_signal_is_accepted(self) -> None:
        visits = NumericSignal(name="visits", weight=10, edges=(5,), points=(0, 10))

        assert with_signal(signals=(visits,)).signals == (visits,)

    @pytest.mark.parametrize("name", [c.value for c in Criterion])
    def test_a_signal_named_like_a_criterion_is_refused(self, name: str) -> None:
        one_error(
            lambda: with_signal(signals=(industry(name=name),)),
            "signals[0].name",
            name,
            "names a criterion or another signal",
        )

    def test_two_signals_of_one_name_are_refused_naming_the_second(self) -> None:
        one_error(
            lambda: with_signal(signals=(industry(5), industry(5))),
            "signals[1].name",
            "industry",
            "names a criterion or another signal",
        )

    def test_two_signals_of_different_names_are_accepted(self) -> None:
        first, second = industry(5), industry(5, name="region")

        assert with_signal(signals=(first, second)).signals == (first, second)


class TestPolicyWeights:
    def test_criterion_weights_adding_up_to_101_are_refused_with_the_total(self) -> None:
        one_error(
            lambda: minimal(authority=capped_authority(21)),
            "weights",
            101,
            "criterion weights must add up to 100",
        )

    def test_criterion_weights_adding_up_to_99_are_refused_with_the_total(self) -> None:
        one_error(
            lambda: minimal(authority=capped_authority(19)),
            "weights",
            99,
            "criterion weights must add up to 100",
        )

    def test_criterion_and_signal_weights_are_added_together(self) -> None:
        one_error(
            lambda: with_signal(signals=(industry(20),)),
            "weights",
            110,
            "criterion and signal weights must add up to 100",
        )

    def test_criterion_weights_alone_that_add_up_to_100_are_refused_beside_a_signal(
        self,
    ) -> None:
        one_error(
            lambda: minimal(signals=(industry(1),)),
            "weights",
            101,
            "criterion and signal weights must add up to 100",
        )


class TestPolicyOrder:
    def test_each_criterion_once_in_any_order_is_accepted(self) -> None:
        order = (Criterion.BUDGET, Criterion.AUTHORITY, Criterion.NEED, Criterion.TIMEFRAME)

        assert minimal(order=order).order == order

    @pytest.mark.parametrize(
        "order",
        [
            5,
            "need",
            None,
            ("need", "budget", "timeframe", "authority"),
            (Criterion.NEED, Criterion.NEED, Criterion.BUDGET, Criterion.TIMEFRAME),
            (Criterion.NEED, Criterion.BUDGET, Criterion.TIMEFRAME),
            (
                Criterion.NEED,
                Criterion.BUDGET,
                Criterion.TIMEFRAME,
                Criterion.AUTHORITY,
                Criterion.NEED,
            ),
            (),
        ],
        ids=repr,
    )
    def test_an_order_not_listing_each_criterion_once_is_refused(self, order: object) -> None:
        one_error(
            lambda: minimal(order=order), "order", order, "must list each criterion exactly once"
        )


class TestPolicyThresholds:
    def test_a_threshold_of_0_with_a_nurture_threshold_of_0_is_accepted(self) -> None:
        policy = minimal(threshold=0, nurture_threshold=0)

        assert (policy.threshold, policy.nurture_threshold) == (0, 0)

    def test_a_threshold_of_100_is_accepted_when_100_can_be_scored(self) -> None:
        assert minimal(threshold=100).threshold == 100

    @pytest.mark.parametrize(
        ("threshold", "reason"),
        [
            (-1, "must be between 0 and 100"),
            (101, "must be between 0 and 100"),
            (True, "expected an int, not bool"),
            ("60", "expected an int, not str"),
            (60.0, "expected an int, not float"),
        ],
    )
    def test_a_threshold_out_of_range_or_not_an_int_is_refused_alone(
        self, threshold: object, reason: str
    ) -> None:
        # The nurture threshold and reachability wait for a valid threshold.
        one_error(
            lambda: minimal(threshold=threshold, nurture_threshold=500),
            "threshold",
            threshold,
            reason,
        )

    def test_a_nurture_threshold_equal_to_the_threshold_is_accepted(self) -> None:
        policy = minimal(threshold=70, nurture_threshold=70)

        assert (policy.threshold, policy.nurture_threshold) == (70, 70)

    @pytest.mark.parametrize(
        ("threshold", "nurture", "reason"),
        [
            (60, 61, "must be between 0 and 60"),
            (70, 71, "must be between 0 and 70"),
            (60, -1, "must be between 0 and 60"),
            (60, False, "expected an int, not bool"),
            (60, "35", "expected an int, not str"),
        ],
    )
    def test_a_nurture_threshold_outside_0_to_the_threshold_is_refused(
        self, threshold: int, nurture: object, reason: str
    ) -> None:
        one_error(
            lambda: minimal(threshold=threshold, nurture_threshold=nurture),
            "nurture_threshold",
            nurture,
            reason,
        )

    def test_a_threshold_equal_to_the_best_possible_score_is_accepted(self) -> None:
        # Best: need 30 + budget 30 + timeframe 20 + authority 0 = 80.
        assert minimal(authority=zero_authority(20), threshold=80).threshold == 80

    def test_a_threshold_one_above_the_best_possible_score_is_refused(self) -> None:
        one_error(
            lambda: minimal(authority=zero_authority(20), threshold=81),
            "threshold",
            81,
            "unreachable: the best possible score is 80",
        )

    def test_the_best_possible_score_counts_the_best_signal_points(self) -> None:
        # Best: 30 + 30 + 20 + 0 from the criteria, 10 from the signal.
        assert with_signal(threshold=90).threshold == 90
        one_error(
            lambda: with_signal(threshold=91),
            "threshold",
            91,
            "unreachable: the best possible score is 90",
        )

    def test_the_best_possible_score_takes_the_most_points_of_each_rule(self) -> None:
        # "Unknown" earns the most authority points here: the best is 30 + 30 + 20 + 7.
        points = dict.fromkeys(AuthorityLevel, 0)
        points[AuthorityLevel.UNKNOWN] = 7
        authority = authority_rule(points=points)

        assert minimal(authority=authority, threshold=87).threshold == 87
        one_error(
            lambda: minimal(authority=authority, threshold=88),
            "threshold",
            88,
            "unreachable: the best possible score is 87",
        )


class TestPolicyGrades:
    def test_floors_at_100_and_0_are_accepted(self) -> None:
        assert minimal(grade_floors=(100, 50, 0)).grade_floors == (100, 50, 0)

    @pytest.mark.parametrize(
        ("floors", "field", "value", "reason"),
        [
            ((101, 60, 40), "grade_floors[0]", 101, "must be between 0 and 100"),
            ((80, 60, -1), "grade_floors[2]", -1, "must be between 0 and 100"),
            ((80, True, 40), "grade_floors[1]", True, "expected an int, not bool"),
            ((80, 60, 40.0), "grade_floors[2]", 40.0, "expected an int, not float"),
        ],
    )
    def test_a_floor_out_of_range_or_not_an_int_is_refused_naming_its_index(
        self, floors: tuple[object, ...], field: str, value: object, reason: str
    ) -> None:
        one_error(lambda: minimal(grade_floors=floors), field, value, reason)

    @pytest.mark.parametrize("floors", [80, None, "abc", (80, 60), (80, 60, 40, 20), ()], ids=repr)
    def test_floors_that_are_not_three_are_refused(self, floors: object) -> None:
        one_error(
            lambda: minimal(grade_floors=floors),
            "grade_floors",
            floors,
            "expected floors for A, B and C",
        )

    @pytest.mark.parametrize(
        "floors",
        [(80, 80, 40), (80, 60, 60), (60, 80, 40), (80, 40, 60), (40, 60, 80), (50, 50, 50)],
    )
    def test_floors_that_do_not_fall_strictly_from_a_to_c_are_refused(
        self, floors: tuple[int, int, int]
    ) -> None:
        one_error(
            lambda: minimal(grade_floors=floors),
            "grade_floors",
            floors,
            "floors must fall from A to C",
        )

    def test_floors_one_apart_are_accepted(self) -> None:
        assert minimal(grade_floors=(3, 2, 1)).grade_floors == (3, 2, 1)


class TestPolicyRatings:
    def test_a_hot_score_of_100_and_of_0_are_accepted(self) -> None:
        assert minimal(hot_score=100).hot_score == 100
        policy = minimal(hot_score=0, warm_score=0)
        assert (policy.hot_score, policy.warm_score) == (0, 0)

    @pytest.mark.parametrize(
        ("hot", "reason"),
        [
            (101, "must be between 0 and 100"),
            (-1, "must be between 0 and 100"),
            (False, "expected an int, not bool"),
        ],
    )
    def test_a_hot_score_out_of_range_is_refused_alone(self, hot: object, reason: str) -> None:
        # The warm score waits for a valid hot score.
        one_error(lambda: minimal(hot_score=hot, warm_score=500), "hot_score", hot, reason)

    def test_a_warm_score_equal_to_the_hot_score_is_accepted(self) -> None:
        policy = minimal(hot_score=70, warm_score=70)

        assert (policy.hot_score, policy.warm_score) == (70, 70)

    @pytest.mark.parametrize(
        ("hot", "warm", "reason"),
        [
            (75, 76, "must be between 0 and 75"),
            (50, 51, "must be between 0 and 50"),
            (75, -1, "must be between 0 and 75"),
            (75, True, "expected an int, not bool"),
        ],
    )
    def test_a_warm_score_outside_0_to_the_hot_score_is_refused(
        self, hot: int, warm: object, reason: str
    ) -> None:
        one_error(lambda: minimal(hot_score=hot, warm_score=warm), "warm_score", warm, reason)


class TestPolicyHorizon:
    @pytest.mark.parametrize("days", [1, 3660])
    def test_a_horizon_at_either_limit_is_accepted(self, days: int) -> None:
        assert minimal(horizon_days=days).horizon_days == days

    @pytest.mark.parametrize(
        ("days", "reason"),
        [
            (0, "must be between 1 and 3660"),
            (3661, "must be between 1 and 3660"),
            (-30, "must be between 1 and 3660"),
            (True, "expected an int, not bool"),
            (365.0, "expected an int, not float"),
        ],
    )
    def test_a_horizon_outside_1_to_3660_days_is_refused(self, days: object, reason: str) -> None:
        one_error(lambda: minimal(horizon_days=days), "horizon_days", days, reason)


class TestPolicyFreshness:
    @pytest.mark.parametrize(
        "freshness",
        [
            None,
            timedelta(microseconds=1),
            timedelta(hours=1),
            timedelta(days=1),
            timedelta(days=9999),
        ],
        ids=repr,
    )
    def test_no_freshness_or_any_positive_timedelta_is_accepted(
        self, freshness: timedelta | None
    ) -> None:
        assert minimal(freshness=freshness).freshness == freshness

    @pytest.mark.parametrize(
        "freshness",
        [timedelta(0), timedelta(microseconds=-1), timedelta(days=-1), 180, "180d", 0],
        ids=repr,
    )
    def test_freshness_that_is_not_a_positive_timedelta_is_refused(self, freshness: object) -> None:
        one_error(
            lambda: minimal(freshness=freshness),
            "freshness",
            freshness,
            "must be a positive timedelta",
        )


class TestPolicyStageProbabilities:
    def test_probabilities_at_0_and_100_and_equal_neighbours_are_accepted(self) -> None:
        policy = minimal(
            stage_probabilities={
                OpportunityStage.QUALIFY: 0,
                OpportunityStage.DEVELOP: 0,
                OpportunityStage.PROPOSE: 100,
                OpportunityStage.CLOSE: 100,
            }
        )

        assert [policy.probability(stage) for stage in OpportunityStage] == [0, 0, 100, 100]

    @pytest.mark.parametrize(
        ("stage", "number", "reason"),
        [
            (OpportunityStage.CLOSE, 101, "must be between 0 and 100"),
            (OpportunityStage.QUALIFY, -1, "must be between 0 and 100"),
            (OpportunityStage.DEVELOP, True, "expected an int, not bool"),
            (OpportunityStage.PROPOSE, 0.5, "expected an int, not float"),
        ],
    )
    def test_a_probability_out_of_range_or_not_an_int_is_refused_naming_its_stage(
        self, stage: OpportunityStage, number: object, reason: str
    ) -> None:
        probabilities: dict[OpportunityStage, object] = dict(DEFAULT_STAGES)
        probabilities[stage] = number

        one_error(
            lambda: minimal(stage_probabilities=probabilities),
            f"stage_probabilities.{stage.value}",
            number,
            reason,
        )

    def test_a_probability_falling_from_stage_to_stage_is_refused(self) -> None:
        probabilities = dict(DEFAULT_STAGES)
        probabilities[OpportunityStage.PROPOSE] = 39

        one_error(
            lambda: minimal(stage_probabilities=probabilities),
            "stage_probabilities.propose",
            39,
            "probabilities must not fall as levels rise (develop has 40)",
        )

    def test_a_probability_falling_at_the_first_step_is_refused(self) -> None:
        probabilities = dict(DEFAULT_STAGES)
        probabilities[OpportunityStage.QUALIFY] = 41

        one_error(
            lambda: minimal(stage_probabilities=probabilities),
            "stage_probabilities.develop",
            40,
            "probabilities must not fall as levels rise (qualify has 41)",
        )

    def test_a_missing_stage_is_refused_naming_it(self) -> None:
        probabilities = {s: n for s, n in DEFAULT_STAGES if s is not OpportunityStage.CLOSE}

        one_error(
            lambda: minimal(stage_probabilities=probabilities),
            "stage_probabilities",
            tuple(probabilities.items()),
            "missing close",
        )

    def test_a_stage_named_by_text_is_refused(self) -> None:
        probabilities: dict[object, int] = {"qualify": 20, **dict(DEFAULT_STAGES[1:])}

        one_error(
            lambda: minimal(stage_probabilities=probabilities),
            "stage_probabilities.qualify",
            "qualify",
            "not an OpportunityStage",
        )

    @pytest.mark.parametrize("junk", [None, 20, [(OpportunityStage.QUALIFY, 20)]], ids=repr)
    def test_probabilities_that_are_not_a_mapping_are_refused(self, junk: object) -> None:
        one_error(
            lambda: minimal(stage_probabilities=junk),
            "stage_probabilities",
            junk,
            "expected a mapping of levels to ints",
        )


class TestPolicyPromotionAndCalibration:
    def test_a_promotion_rule_is_kept(self) -> None:
        gate = PromotionRule(terms=TermsLevel.CONTRACT)

        assert minimal(promotion=gate).promotion is gate

    @pytest.mark.parametrize("junk", [None, {"terms": TermsLevel.CONTRACT}, "strict"], ids=repr)
    def test_a_promotion_that_is_not_a_promotion_rule_is_refused(self, junk: object) -> None:
        one_error(lambda: minimal(promotion=junk), "promotion", junk, "expected a PromotionRule")

    def test_a_calibration_is_kept(self) -> None:
        curve = Calibration(intercept=-3.0, slope=0.06)

        assert minimal(calibration=curve).calibration is curve

    @pytest.mark.parametrize(
        "junk", ["logistic", 0.5, {"intercept": -3.0, "slope": 0.06}], ids=repr
    )
    def test_a_calibration_that_is_not_a_calibration_is_refused(self, junk: object) -> None:
        one_error(
            lambda: minimal(calibration=junk), "calibration", junk, "expected a Calibration or None"
        )


# --------------------------------------------------------------------------------------------
# Policy: several problems at once
# --------------------------------------------------------------------------------------------


class TestEveryProblemAtOnce:
    def test_a_policy_bad_everywhere_lists_each_problem_in_check_order(self) -> None:
        error = refused(
            lambda: minimal(
                name="",
                need=None,
                signals=("junk",),
                order=(Criterion.NEED,),
                threshold=50,
                nurture_threshold=51,
                grade_floors=(1, 2, 3),
                hot_score=101,
                warm_score=500,
                horizon_days=0,
                freshness=timedelta(0),
                stage_probabilities={},
                promotion=None,
                calibration="x",
            )
        )

        pinned_all(
            error,
            [
                ("name", "", "a policy needs a name"),
                ("need", None, "expected a CriterionRule"),
                ("signals[0]", "junk", "expected a CategoricalSignal or NumericSignal"),
                ("order", (Criterion.NEED,), "must list each criterion exactly once"),
                ("nurture_threshold", 51, "must be between 0 and 50"),
                ("grade_floors", (1, 2, 3), "floors must fall from A to C"),
                ("hot_score", 101, "must be between 0 and 100"),
                ("horizon_days", 0, "must be between 1 and 3660"),
                ("freshness", timedelta(0), "must be a positive timedelta"),
                (
                    "stage_probabilities",
                    (),
                    "missing qualify, develop, propose, close",
                ),
                ("promotion", None, "expected a PromotionRule"),
                ("calibration", "x", "expected a Calibration or None"),
            ],
        )

    def test_the_message_lists_every_problem_with_its_path_reason_and_value(self) -> None:
        error = refused(lambda: minimal(name=" ", horizon_days=0, warm_score=76))

        assert str(error) == (
            "invalid policy: 3 bad fields\n"
            "  $.name: a policy needs a name (got ' ')\n"
            "  $.warm_score: must be between 0 and 75 (got 76)\n"
            "  $.horizon_days: must be between 1 and 3660 (got 0)"
        )

    def test_a_bad_rule_and_bad_signals_are_both_listed_and_weights_wait(self) -> None:
        pinned_all(
            refused(lambda: minimal(need=None, signals=(7,), threshold=100)),
            [
                ("need", None, "expected a CriterionRule"),
                ("signals[0]", 7, "expected a CategoricalSignal or NumericSignal"),
            ],
        )

    def test_weights_and_reachability_wait_for_valid_rules(self) -> None:
        # Were they checked, the weights would add up to 70 and 100 would be unreachable.
        one_error(
            lambda: minimal(authority=None, threshold=100),
            "authority",
            None,
            "expected a CriterionRule",
        )

    def test_weights_and_reachability_wait_for_valid_signals(self) -> None:
        one_error(
            lambda: minimal(signals=("junk",), threshold=100),
            "signals[0]",
            "junk",
            "expected a CategoricalSignal or NumericSignal",
        )

    def test_wrong_weights_and_an_unreachable_threshold_are_both_listed(self) -> None:
        # Weights 30 + 30 + 20 + 30 = 110; authority earns nothing, so the best is 80.
        pinned_all(
            refused(lambda: minimal(authority=zero_authority(30), threshold=90)),
            [
                ("weights", 110, "criterion weights must add up to 100"),
                ("threshold", 90, "unreachable: the best possible score is 80"),
            ],
        )

    def test_an_unreachable_threshold_and_a_nurture_threshold_above_it_are_both_listed(
        self,
    ) -> None:
        pinned_all(
            refused(
                lambda: minimal(authority=zero_authority(20), threshold=90, nurture_threshold=91)
            ),
            [
                ("nurture_threshold", 91, "must be between 0 and 90"),
                ("threshold", 90, "unreachable: the best possible score is 80"),
            ],
        )

    def test_a_threshold_out_of_range_is_reported_once(self) -> None:
        # Not also as unreachable (the best is 100): a bad threshold stops the checks on it.
        one_error(lambda: minimal(threshold=101), "threshold", 101, "must be between 0 and 100")

    def test_checks_after_a_bad_threshold_and_a_bad_hot_score_still_run(self) -> None:
        pinned_all(
            refused(
                lambda: minimal(
                    threshold=-1, grade_floors=(1, 2, 3), hot_score=-1, horizon_days=3661
                )
            ),
            [
                ("threshold", -1, "must be between 0 and 100"),
                ("grade_floors", (1, 2, 3), "floors must fall from A to C"),
                ("hot_score", -1, "must be between 0 and 100"),
                ("horizon_days", 3661, "must be between 1 and 3660"),
            ],
        )

    def test_a_bad_nurture_threshold_and_a_bad_warm_score_are_both_listed(self) -> None:
        pinned_all(
            refused(lambda: minimal(nurture_threshold=61, warm_score=76)),
            [
                ("nurture_threshold", 61, "must be between 0 and 60"),
                ("warm_score", 76, "must be between 0 and 75"),
            ],
        )

    def test_a_bad_grade_floor_stops_the_grade_checks_but_no_other(self) -> None:
        pinned_all(
            refused(lambda: minimal(grade_floors=(101, 200, 300), freshness=0)),
            [
                ("grade_floors[0]", 101, "must be between 0 and 100"),
                ("freshness", 0, "must be a positive timedelta"),
            ],
        )


# --------------------------------------------------------------------------------------------
# Policy.evolve
# --------------------------------------------------------------------------------------------

POLICY_FIELDS = [
    "name",
    "need",
    "budget",
    "timeframe",
    "authority",
    "order",
    "threshold",
    "nurture_threshold",
    "grade_floors",
    "hot_score",
    "warm_score",
    "horizon_days",
    "freshness",
    "stage_probabilities",
    "promotion",
    "signals",
    "calibration",
]


class TestEvolve:
    def test_evolve_gives_the_policy_built_with_the_changes_and_leaves_the_original(
        self,
    ) -> None:
        original = minimal()

        strict = original.evolve(name="Strict", threshold=70)

        assert strict == minimal(name="Strict", threshold=70)
        assert (strict.name, strict.threshold) == ("Strict", 70)
        assert (original.name, original.threshold) == ("Minimal", 60)

    def test_an_evolved_policy_is_compiled_for_its_new_rules(self) -> None:
        evolved = minimal().evolve(authority=authority_rule(required=True))

        assert evolved.result(Criterion.AUTHORITY, AuthorityLevel.DECIDER).required is True
        assert evolved.required == (
            Criterion.NEED,
            Criterion.BUDGET,
            Criterion.TIMEFRAME,
            Criterion.AUTHORITY,
        )

    @pytest.mark.parametrize("field", POLICY_FIELDS)
    def test_every_field_of_a_policy_can_be_evolved(self, field: str) -> None:
        policy = minimal()
        changes: dict[str, Any] = {field: getattr(policy, field)}

        assert policy.evolve(**changes) == policy

    def test_an_unknown_name_is_refused(self) -> None:
        one_error(lambda: minimal().evolve(treshold=70), "treshold", 70, "not a field of Policy")

    @pytest.mark.parametrize("name", ["_engine", "_probabilities", "engine", "probabilities"])
    def test_the_compiled_parts_are_not_fields_to_evolve(self, name: str) -> None:
        changes: dict[str, Any] = {name: None}

        one_error(lambda: minimal().evolve(**changes), name, None, "not a field of Policy")

    def test_every_unknown_name_is_listed_in_the_order_given_and_known_ones_are_not(
        self,
    ) -> None:
        pinned_all(
            refused(lambda: minimal().evolve(treshold=70, name="X", nam="Y", hot=80)),
            [
                ("treshold", 70, "not a field of Policy"),
                ("nam", "Y", "not a field of Policy"),
                ("hot", 80, "not a field of Policy"),
            ],
        )

    def test_a_change_making_the_policy_invalid_is_refused(self) -> None:
        one_error(
            lambda: minimal().evolve(nurture_threshold=80),
            "nurture_threshold",
            80,
            "must be between 0 and 60",
        )

    def test_no_changes_give_an_equal_policy(self) -> None:
        policy = minimal()

        assert policy.evolve() == policy


# --------------------------------------------------------------------------------------------
# Policy.result, probability, required, equality
# --------------------------------------------------------------------------------------------


def met_need() -> CriterionResult:
    return CriterionResult(
        name="need",
        code="need.met",
        status=Status.MET,
        level=NeedLevel.STRONG,
        minimum=NeedLevel.EXPRESSED,
        points=30,
        weight=30,
        required=True,
        sentence="Need is strong (30/30 points): met (required).",
        next_step=None,
    )


class TestResult:
    def test_the_result_at_a_fresh_level_is_the_met_result_by_default(self) -> None:
        policy = minimal()

        assert policy.result(Criterion.NEED, NeedLevel.STRONG) == met_need()
        assert policy.result(Criterion.NEED, NeedLevel.STRONG, stale=False) == met_need()

    def test_the_default_result_at_unknown_is_unconfirmed_not_stale(self) -> None:
        policy = minimal()
        unconfirmed = CriterionResult(
            name="need",
            code="need.unconfirmed",
            status=Status.UNCONFIRMED,
            level=NeedLevel.UNKNOWN,
            minimum=NeedLevel.EXPRESSED,
            points=0,
            weight=30,
            required=True,
            sentence="Need is not known yet (0/30 points) (required).",
            next_step="confirm what the party needs",
        )

        assert policy.result(Criterion.NEED, NeedLevel.UNKNOWN) == unconfirmed
        assert policy.result(Criterion.NEED, NeedLevel.UNKNOWN, stale=False) == unconfirmed

    def test_the_stale_result_is_the_one_for_decayed_evidence(self) -> None:
        stale = minimal().result(Criterion.NEED, NeedLevel.UNKNOWN, stale=True)

        assert stale == CriterionResult(
            name="need",
            code="need.stale",
            status=Status.STALE,
            level=NeedLevel.UNKNOWN,
            minimum=NeedLevel.EXPRESSED,
            points=0,
            weight=30,
            required=True,
            sentence=(
                "Need evidence is older than the freshness window and counts as unknown "
                "(0/30 points) (required)."
            ),
            next_step="re-confirm what the party needs",
        )

    def test_a_result_below_the_minimum_of_an_optional_criterion(self) -> None:
        assert minimal().result(Criterion.AUTHORITY, AuthorityLevel.ADVISER) == CriterionResult(
            name="authority",
            code="authority.below_minimum",
            status=Status.BELOW_MINIMUM,
            level=AuthorityLevel.ADVISER,
            minimum=AuthorityLevel.INFLUENCER,
            points=5,
            weight=20,
            required=False,
            sentence=(
                "Decision authority is adviser (5/20 points), below the minimum of influencer "
                "(optional)."
            ),
            next_step="identify the decision maker",
        )

    def test_every_criterion_and_level_has_a_fresh_and_a_stale_result(self) -> None:
        policy = minimal()
        tables: dict[Criterion, dict[Any, int]] = {
            Criterion.NEED: dict(NEED_POINTS),
            Criterion.BUDGET: dict(BUDGET_POINTS),
            Criterion.TIMEFRAME: dict(TIMEFRAME_POINTS),
            Criterion.AUTHORITY: dict(AUTHORITY_POINTS),
        }
        weights = {
            Criterion.NEED: 30,
            Criterion.BUDGET: 30,
            Criterion.TIMEFRAME: 20,
            Criterion.AUTHORITY: 20,
        }
        for criterion, table in tables.items():
            for level, points in table.items():
                fresh = policy.result(criterion, level)
                stale = policy.result(criterion, level, stale=True)
                for result in (fresh, stale):
                    assert result is not None
                    assert result.name == criterion.value
                    assert result.level is level
                    assert result.points == points
                    assert result.weight == weights[criterion]
                    assert result.required is (criterion is not Criterion.AUTHORITY)
                assert fresh.status is not Status.STALE
                assert fresh == policy.result(criterion, level, stale=False)


class TestProbabilityRequiredAndEquality:
    def test_probability_gives_each_stage_its_own_number(self) -> None:
        policy = minimal(
            stage_probabilities={
                OpportunityStage.QUALIFY: 5,
                OpportunityStage.DEVELOP: 25,
                OpportunityStage.PROPOSE: 55,
                OpportunityStage.CLOSE: 95,
            }
        )

        assert policy.probability(OpportunityStage.QUALIFY) == 5
        assert policy.probability(OpportunityStage.DEVELOP) == 25
        assert policy.probability(OpportunityStage.PROPOSE) == 55
        assert policy.probability(OpportunityStage.CLOSE) == 95

    def test_required_lists_the_required_criteria_in_policy_order(self) -> None:
        policy = minimal(
            order=(Criterion.AUTHORITY, Criterion.TIMEFRAME, Criterion.BUDGET, Criterion.NEED),
            budget=budget_rule(required=False),
        )

        assert policy.required == (Criterion.TIMEFRAME, Criterion.NEED)

    def test_with_no_criterion_required_required_is_empty(self) -> None:
        policy = minimal(
            need=need_rule(required=False),
            budget=budget_rule(required=False),
            timeframe=timeframe_rule(required=False),
        )

        assert policy.required == ()

    def test_policies_built_from_equal_data_are_equal_and_hash_alike(self) -> None:
        first = minimal(calibration=Calibration(intercept=-3.0, slope=0.06))
        second = minimal(calibration=Calibration(intercept=-3, slope=0.06))

        assert first == second
        assert hash(first) == hash(second)
        assert len({first, second}) == 1

    def test_policies_differing_in_one_field_differ(self) -> None:
        assert minimal(threshold=61) != minimal()
        assert minimal(freshness=None) != minimal()

    def test_the_repr_leaves_out_the_compiled_parts(self) -> None:
        text = repr(minimal())

        assert text.startswith("Policy(name='Minimal', need=CriterionRule(weight=30, ")
        assert "_engine" not in text
        assert ", _probabilities=" not in text
        assert "Engine" not in text
        assert text.endswith("signals=(), calibration=None)")
