"""Fit and engagement signals: how each turns a value into explained points."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    CategoricalSignal,
    Contact,
    CriterionRule,
    Evidence,
    InvalidFieldError,
    InvalidPolicyError,
    NeedEvidence,
    NeedLevel,
    NumericSignal,
    Policy,
    SignalObservation,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    qualify,
    qualify_many,
)
from leadflow import strategies as lfst

UTC = timezone.utc
NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)

VISITS = NumericSignal(name="total_visits", weight=20, edges=(1, 5, 10), points=(0, 6, 14, 20))
ORIGIN = CategoricalSignal(
    name="lead_origin",
    weight=10,
    points={"Landing Page Submission": 6, "Lead Add Form": 10, "API": 2},
    default=1,
    unknown=0,
)


def seen(value: Any, days_ago: float | None = None) -> SignalObservation:
    observed = None if days_ago is None else NOW - timedelta(days=days_ago)
    return SignalObservation(value=value, observed_at=observed)


class TestNumericSignals:
    @pytest.mark.parametrize(
        ("value", "code", "points", "label"),
        [
            (0, "bin_1", 0, "below 1"),
            (1, "bin_2", 6, "1 to under 5"),
            (Decimal("4.99"), "bin_2", 6, "1 to under 5"),
            (5, "bin_3", 14, "5 to under 10"),
            (10, "bin_4", 20, "10 or more"),
            (250, "bin_4", 20, "10 or more"),
        ],
    )
    def test_a_value_falls_in_the_bin_whose_lower_edge_it_reaches(
        self, value: Any, code: str, points: int, label: str
    ) -> None:
        result = VISITS.score(seen(value), NOW)

        assert result.code == f"signal.total_visits.{code}"
        assert result.points == points
        assert result.label == label
        assert result.weight == 20
        assert f"{points}/20 points" in result.sentence

    def test_no_value_earns_the_unknown_points(self) -> None:
        signal = attrs.evolve(VISITS, unknown=3)

        result = signal.score(None, NOW)

        assert result.code == "signal.total_visits.unknown"
        assert (result.value, result.points) == (None, 3)

    def test_a_category_for_a_numeric_signal_is_refused_naming_the_signal(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            VISITS.score(seen("many"), NOW)

        assert caught.value.field == "evidence.signals.total_visits"
        assert caught.value.value == "many"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"edges": ()}, "edges"),
            ({"edges": (5, 1, 10)}, "edges"),
            ({"edges": (1, 1, 10)}, "edges"),
            ({"points": (0, 6, 14)}, "points"),
            ({"points": (0, 6, 14, 21)}, "points[3]"),
            ({"weight": 101}, "weight"),
            ({"name": "Total Visits"}, "name"),
            ({"half_life": timedelta(0)}, "half_life"),
            ({"unknown": -1}, "unknown"),
        ],
    )
    def test_a_broken_signal_is_refused_naming_the_field(
        self, changes: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(VISITS, **changes)

        assert caught.value.field == field

    @pytest.mark.parametrize(
        "edges",
        [5, True, None, 1.5, 10**400, NOW, "1 5 10", b"\x01\x05"],
        ids=lambda v: repr(v)[:12],
    )
    def test_edges_that_are_not_a_sequence_are_refused_naming_them(self, edges: object) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            NumericSignal(name="visits", weight=10, edges=edges, points=(0, 0))

        assert caught.value.field == "edges"
        assert caught.value.value is edges

    @pytest.mark.parametrize(
        "points", [5, True, None, 10**400, NOW, "06"], ids=lambda v: repr(v)[:12]
    )
    def test_points_that_are_not_a_sequence_are_refused_naming_them(self, points: object) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            NumericSignal(name="visits", weight=10, edges=(5,), points=points)

        assert caught.value.field == "points"
        assert caught.value.value is points


class TestCategoricalSignals:
    @pytest.mark.parametrize(
        ("value", "code", "points"),
        [
            ("Landing Page Submission", "landing_page_submission", 6),
            ("landing-page submission", "landing_page_submission", 6),
            ("LEAD ADD FORM", "lead_add_form", 10),
            ("Quick Add Form", "other", 1),
        ],
    )
    def test_categories_match_whatever_their_case_and_separators(
        self, value: str, code: str, points: int
    ) -> None:
        result = ORIGIN.score(seen(value), NOW)

        assert result.code == f"signal.lead_origin.{code}"
        assert result.points == points
        assert result.value == value

    def test_a_number_for_a_categorical_signal_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            ORIGIN.score(seen(3), NOW)

        assert caught.value.field == "evidence.signals.lead_origin"

    def test_two_spellings_of_one_category_are_refused(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            CategoricalSignal(name="origin", weight=5, points={"API": 1, "api": 2})

        assert caught.value.field == "points.api"

    def test_points_above_the_weight_are_refused(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(ORIGIN, default=11)

        assert caught.value.field == "default"

    @pytest.mark.parametrize(
        "points", [5, True, None, 10**400, NOW, "API"], ids=lambda v: repr(v)[:12]
    )
    def test_points_that_are_not_a_mapping_are_refused_naming_them(self, points: object) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            CategoricalSignal(name="lead_origin", weight=10, points=points)

        assert caught.value.field == "points"
        assert caught.value.value is points


class TestDecay:
    def test_an_observation_one_half_life_old_earns_half_its_points(self) -> None:
        fading = attrs.evolve(VISITS, half_life=timedelta(days=30))

        fresh = fading.score(seen(12, days_ago=0), NOW)
        month = fading.score(seen(12, days_ago=30), NOW)
        two = fading.score(seen(12, days_ago=60), NOW)

        assert (fresh.points, month.points, two.points) == (20, 10, 5)
        assert month.full_points == 20
        assert "decayed from 20 (half-life 30 days)" in month.sentence

    def test_without_a_half_life_or_a_date_nothing_decays(self) -> None:
        fading = attrs.evolve(VISITS, half_life=timedelta(days=30))

        assert VISITS.score(seen(12, days_ago=300), NOW).points == 20
        assert fading.score(seen(12), NOW).points == 20

    def test_an_observation_after_as_of_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            VISITS.score(seen(3, days_ago=-1), NOW)

        assert caught.value.field == "evidence.signals.total_visits.observed_at"

    @given(
        signal=st.integers(0, 100).flatmap(
            lambda w: lfst.numeric_signals(w) | lfst.categorical_signals(w)
        ),
        data=st.data(),
        days=st.floats(min_value=0, max_value=2000),
    )
    def test_points_halve_with_each_half_life_and_are_rounded_half_up(
        self, signal: Any, data: st.DataObject, days: float
    ) -> None:
        value = data.draw(lfst.signal_values(signal.name))
        observation = SignalObservation(value=value, observed_at=NOW - timedelta(days=days))

        result = signal.score(observation, NOW)

        full = signal.score(SignalObservation(value=value), NOW).points
        assert result.full_points == full
        if signal.half_life is None:
            assert result.points == full
        else:
            age = timedelta(days=days) / signal.half_life
            assert result.points == math.floor(full * 0.5**age + 0.5)
        assert 0 <= result.points <= full <= signal.weight


def rule(minimum: Any, weight: int, points: list[int], *, required: bool = True) -> Any:
    """A criterion rule giving *points* to the levels of *minimum*'s enum, in order."""
    enum: Any = type(minimum)
    levels = list(enum)
    return CriterionRule(
        weight=weight,
        required=required,
        minimum=minimum,
        points=dict(zip(levels, points, strict=True)),
    )


def engagement_policy() -> Policy:
    """BANT's criteria scaled down to 70 points, beside 30 points of signals."""
    return attrs.evolve(
        BANT,
        need=rule(NeedLevel.EXPRESSED, 20, [0, 0, 7, 15, 20]),
        budget=rule(BudgetLevel.AVAILABLE, 20, [0, 0, 6, 16, 20]),
        authority=rule(AuthorityLevel.INFLUENCER, 5, [0, 0, 2, 3, 4, 5], required=False),
        threshold=40,
        nurture_threshold=20,
        signals=(VISITS, ORIGIN),
    )


def contact() -> Contact:
    return Contact(name="Grace Hopper", email="grace@example.com", created_at=NOW)


class TestSignalsInDecisions:
    def test_signals_add_their_points_to_the_score_and_appear_in_the_explanation(self) -> None:
        policy = engagement_policy()
        evidence = Evidence(signals={"total_visits": 7, "lead_origin": "Lead Add Form"})

        decision = qualify(contact(), evidence, policy, as_of=NOW)

        assert [s.code for s in decision.signals] == [
            "signal.total_visits.bin_3",
            "signal.lead_origin.lead_add_form",
        ]
        assert decision.score == sum(r.points for r in decision.results) + 14 + 10
        text = decision.explain()
        assert "signal.total_visits.bin_3" in text
        assert "Signal lead_origin is 'Lead Add Form'" in text

    def test_signals_never_qualify_a_contact_whose_requirements_are_unknown(self) -> None:
        policy = attrs.evolve(engagement_policy(), threshold=25)
        evidence = Evidence(signals={"total_visits": 40, "lead_origin": "Lead Add Form"})

        decision = qualify(contact(), evidence, policy, as_of=NOW)

        assert decision.score >= policy.threshold
        assert decision.verdict is Verdict.UNDETERMINED

    def test_signals_never_outweigh_a_budget_known_to_be_missing(self) -> None:
        policy = engagement_policy()
        evidence = Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG),
            budget=BudgetEvidence(level=BudgetLevel.NONE),
            timeframe=TimeframeEvidence(level=TimeframeLevel.IMMEDIATE),
            signals={"total_visits": 40, "lead_origin": "Lead Add Form"},
        )

        decision = qualify(contact(), evidence, policy, as_of=NOW)

        assert decision.verdict is Verdict.DISQUALIFIED
        assert [r.name for r in decision.against] == ["budget"]

    def test_engagement_can_lift_a_contact_meeting_the_requirements_over_the_threshold(
        self,
    ) -> None:
        policy = attrs.evolve(engagement_policy(), threshold=60)
        met = Evidence(
            need=NeedEvidence(level=NeedLevel.EXPRESSED),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
            timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_YEAR),
        )
        engaged = attrs.evolve(met, signals={"total_visits": 12, "lead_origin": "API"})

        quiet = qualify(contact(), met, policy, as_of=NOW)
        busy = qualify(contact(), engaged, policy, as_of=NOW)

        assert quiet.verdict is Verdict.NURTURE
        assert busy.verdict is Verdict.QUALIFIED
        assert busy.score == quiet.score + 20 + 2

    def test_signals_the_policy_does_not_declare_are_ignored(self) -> None:
        evidence = Evidence(signals={"favourite_colour": "blue"})

        decision = qualify(contact(), evidence, engagement_policy(), as_of=NOW)

        assert [s.name for s in decision.signals] == ["total_visits", "lead_origin"]
        assert all(s.code.endswith(".unknown") for s in decision.signals)

    def test_the_batch_path_decides_signals_as_qualify_does(self) -> None:
        policy = engagement_policy()
        pairs = [
            (contact(), Evidence(signals={"total_visits": n, "lead_origin": o}))
            for n in (0, 3, 7, 30)
            for o in ("API", "Lead Add Form", "Unheard Of")
        ]

        results = list(qualify_many(pairs, policy, as_of=NOW))

        for (person, evidence), result in zip(pairs, results, strict=True):
            decision = qualify(person, evidence, policy, as_of=NOW)
            assert (result.verdict, result.score) == (decision.verdict, decision.score)
            assert result.decision() == decision


class TestEvidenceSignals:
    def test_plain_values_become_observations_sorted_by_name(self) -> None:
        evidence = Evidence(signals={"total_visits": 3, "lead_origin": " API "})

        assert evidence.signals == (
            ("lead_origin", SignalObservation(value="API")),
            ("total_visits", SignalObservation(value=Decimal(3))),
        )
        assert evidence.signal("total_visits") == SignalObservation(value=Decimal("3"))
        assert evidence.signal("missing") is None

    def test_a_float_is_kept_as_the_decimal_it_prints_as(self) -> None:
        assert Evidence(signals={"minutes": 2.5}).signal("minutes") == seen(Decimal("2.5"))

    @pytest.mark.parametrize("bad", [True, float("nan"), [1], ""])
    def test_a_bad_value_is_refused_naming_the_signal(self, bad: object) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Evidence(signals={"total_visits": bad})

        assert caught.value.field == "signals.total_visits"

    def test_a_value_that_is_not_a_mapping_is_refused(self) -> None:
        with pytest.raises(WrongTypeError):
            Evidence(signals=3)

    def test_a_missing_value_means_nothing_is_known(self) -> None:
        assert Evidence(signals={"total_visits": None}).signals == ()


class TestPoliciesWithSignals:
    def test_criteria_and_signal_weights_must_add_up_to_100(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(BANT, signals=(VISITS,))

        assert caught.value.field == "weights"
        assert caught.value.value == 120

    def test_a_signal_may_not_take_a_criterions_name_or_another_signals(self) -> None:
        twin = attrs.evolve(ORIGIN, name="total_visits")

        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(engagement_policy(), signals=(VISITS, twin))

        assert caught.value.field == "signals[1].name"

    def test_the_presets_declare_no_signals(self) -> None:
        assert BANT.signals == ()
