"""leadflow.learning and `leadflow learn` on the awkward histories real users have.

tests/test_learning.py checks the contract on well-behaved generated histories and
tests/test_learning_laws.py the statistical laws; this module feeds the fit the edge
cases a real export contains: constant or empty columns, extreme numbers and values on
the learned edges, one category spelled several ways, categories named like the reserved
keys, tiny histories cross-validated with many folds, stale and late evidence, bad
arguments, and the command line's usage errors.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(ROOT))

from benchmarks import histories  # noqa: E402  # needs the repository on the path

from leadflow import (  # noqa: E402
    DEFAULT_POLICY,
    CategoricalSignal,
    Contact,
    Criterion,
    Evidence,
    InvalidFieldError,
    NeedEvidence,
    NeedLevel,
    NumericSignal,
    Policy,
    PurchaseRole,
    QualificationDecision,
    SignalObservation,
    Verdict,
    qualify,
)
from leadflow.cli import main as cli_main  # noqa: E402
from leadflow.learning import (  # noqa: E402
    Example,
    Feature,
    FeatureReport,
    Fit,
    FixedThreshold,
    QualifyTop,
    TargetPrecision,
    learn,
)
from leadflow.presets import PRESETS  # noqa: E402
from leadflow.serialization import from_json, to_json  # noqa: E402

AS_OF = datetime(2026, 6, 1, tzinfo=timezone.utc)
CONTACT = Contact(
    name="Ada",
    email="ada@example.com",
    created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    role=PurchaseRole.UNKNOWN,
)
X = Feature(name="x", kind="number")
C = Feature(name="c", kind="category")
LEVELS = (NeedLevel.LATENT, NeedLevel.EXPRESSED, NeedLevel.STRONG)


def _example(
    outcome: bool,
    *,
    need: NeedLevel | None = None,
    x: object = None,
    c: str | None = None,
    need_seen: datetime | None = None,
    x_seen: datetime | None = None,
    as_of: datetime | None = None,
) -> Example:
    signals: dict[str, SignalObservation] = {}
    if x is not None:
        signals["x"] = SignalObservation(value=x, observed_at=x_seen)
    if c is not None:
        signals["c"] = SignalObservation(value=c)
    evidence = (
        Evidence(signals=signals)
        if need is None
        else Evidence(need=NeedEvidence(level=need, observed_at=need_seen), signals=signals)
    )
    return Example(evidence=evidence, outcome=outcome, as_of=as_of)


def _need_history(rows: int = 90, **kwargs: Any) -> list[Example]:
    """Strong need converts, other levels do not, one row in seven flipped; x is i % 5."""
    return [
        _example((i % 3 == 2) != (i % 7 == 0), need=LEVELS[i % 3], x=i % 5, **kwargs)
        for i in range(rows)
    ]


def _decide(policy: Policy, example: Example) -> QualificationDecision:
    return qualify(CONTACT, example.evidence, policy, as_of=example.as_of or AS_OF)


def _report(fit: Fit, name: str) -> FeatureReport:
    return next(f for f in fit.report.features if f.name == name)


def _rows_per_code(fit: Fit, name: str) -> dict[str, int]:
    """The report's rows per bin code of *name*, empty bins left out."""
    return {b.code: b.rows for b in _report(fit, name).bins if b.rows}


def _decided_codes(fit: Fit, history: Sequence[Example], signal: str) -> dict[str, int]:
    """How many training rows a decision under the learned policy codes with each bin."""
    return dict(Counter(_decide(fit.policy, e).signal(signal).code for e in history))


def _weights(fit: Fit) -> dict[str, int]:
    return {f.name: f.weight for f in fit.report.features}


# ----------------------------------------------------------------------------------------
# Numeric signals
# ----------------------------------------------------------------------------------------


class TestNumericSignals:
    @pytest.mark.parametrize("monotone", [None, "increasing"])
    def test_a_single_distinct_value_earns_no_weight_and_keeps_one_edge(
        self, monotone: Any
    ) -> None:
        history = [
            _example(e.outcome, need=LEVELS[i % 3], x=7) for i, e in enumerate(_need_history())
        ]
        fit = learn(
            history, [Feature(name="x", kind="number", monotone=monotone)], as_of=AS_OF, folds=0
        )
        signal = fit.policy.signals[0]
        assert isinstance(signal, NumericSignal)
        assert signal.edges == (Decimal(7),)
        assert signal.weight == 0
        assert _weights(fit)["need"] == 100  # the only feature that separates
        assert _decided_codes(fit, history, "x") == {"signal.x.bin_2": len(history)}

    def test_a_signal_never_seen_earns_no_weight_and_every_row_is_unknown(self) -> None:
        history = [_example(e.outcome, need=LEVELS[i % 3]) for i, e in enumerate(_need_history())]
        fit = learn(history, [X], as_of=AS_OF, folds=0)
        signal = fit.policy.signals[0]
        assert signal.weight == 0
        assert _rows_per_code(fit, "x") == {"signal.x.unknown": len(history)}
        assert _decided_codes(fit, history, "x") == {"signal.x.unknown": len(history)}

    def test_negative_fractional_and_large_values_bin_as_the_policy_places_them(self) -> None:
        values = ["-1000000", "-0.5", "0", "0.25", "3.75", "1E+12", "987654321012.5"]
        history = [
            _example((i % 7 >= 3) != (i % 11 == 0), x=Decimal(values[i % 7])) for i in range(140)
        ]
        fit = learn(history, [X], as_of=AS_OF, folds=0, required=(), min_bin_share=0.01)
        signal = fit.policy.signals[0]
        assert isinstance(signal, NumericSignal)
        # Every distinct value but the lowest opens a bin of its own (20 rows each).
        assert signal.edges == tuple(sorted(Decimal(v) for v in values[1:]))
        assert _rows_per_code(fit, "x") == _decided_codes(fit, history, "x")

    def test_a_value_on_a_learned_edge_opens_the_bin_and_one_just_below_stays_out(
        self,
    ) -> None:
        history = [
            _example(i % 4 >= 2, x=Decimal(["-2.5", "-2.5", "10.125", "10.125"][i % 4]))
            for i in range(80)
        ]
        fit = learn(history, [X], as_of=AS_OF, folds=0, required=())
        signal = fit.policy.signals[0]
        assert isinstance(signal, NumericSignal)
        assert signal.edges == (Decimal("10.125"),)
        on = _decide(fit.policy, _example(True, x=Decimal("10.125"))).signal("x")
        below = _decide(fit.policy, _example(True, x=Decimal("10.124999"))).signal("x")
        assert (on.code, below.code) == ("signal.x.bin_2", "signal.x.bin_1")
        assert on.points == signal.weight > 0 == below.points

    def test_values_beyond_float_precision_bin_as_the_policy_places_them(self) -> None:
        # 12345678901234567 and ...568 are one float, two Decimals.
        values = [Decimal(1), Decimal(2), Decimal(12345678901234567), Decimal(12345678901234568)]
        history = [_example((i % 4 >= 2) != (i % 11 == 0), x=values[i % 4]) for i in range(80)]
        fit = learn(history, [X], as_of=AS_OF, folds=0, required=(), min_bin_share=0.01)
        assert _rows_per_code(fit, "x") == _decided_codes(fit, history, "x")

    def test_a_number_given_for_a_category_feature_names_the_row(self) -> None:
        history = _need_history()
        history[7] = Example(evidence=Evidence(signals={"c": 5}), outcome=True)
        with pytest.raises(InvalidFieldError) as raised:
            learn(history, [C], as_of=AS_OF, folds=0)
        assert raised.value.field == "history[7].evidence.signals.c"


# ----------------------------------------------------------------------------------------
# Categorical signals
# ----------------------------------------------------------------------------------------


class TestCategoricalSignals:
    SPELLINGS = ("Landing Page", "landing-page", " LANDING_PAGE ", "Other", "unknown", "Web")

    def _history(self) -> list[Example]:
        # The three spellings of landing page and Web convert more; "Other" and "unknown"
        # are categories a CRM really writes, not missing values.
        return [
            _example((i % 6 in (0, 1, 2, 5)) != (i % 11 == 0), c=self.SPELLINGS[i % 6])
            for i in range(120)
        ]

    @pytest.mark.parametrize("method", ["scorecard", "naive_bayes"])
    def test_spellings_of_one_category_share_one_bin_named_as_first_written(
        self, method: Any
    ) -> None:
        history = self._history()
        fit = learn(history, [C], as_of=AS_OF, folds=0, required=(), method=method)
        signal = fit.policy.signals[0]
        assert isinstance(signal, CategoricalSignal)
        assert [name for name, _ in signal.points] == ["Landing Page", "Web"]
        landing = next(b for b in _report(fit, "c").bins if b.code == "signal.c.landing_page")
        assert (landing.label, landing.rows) == ("Landing Page", 60)
        assert _rows_per_code(fit, "c") == _decided_codes(fit, history, "c")

    def test_categories_named_other_or_unknown_are_pooled_not_taken_for_missing(self) -> None:
        history = self._history()
        fit = learn(history, [C], as_of=AS_OF, folds=0, required=())
        rows = _rows_per_code(fit, "c")
        # "Other" and "unknown" (20 rows each) are the pooled "other" bin; no row is missing.
        assert rows["signal.c.other"] == 40
        assert "signal.c.unknown" not in rows
        decision = _decide(fit.policy, _example(True, c="UNKNOWN"))
        assert decision.signal("c").code == "signal.c.other"
        # The policy file reads back: reserved keys never became listed categories.
        assert from_json(to_json(fit.policy), Policy) == fit.policy

    def test_a_category_of_punctuation_only_is_pooled_into_other(self) -> None:
        history = [
            _example(i % 3 == 0 or i % 5 == 0, c="???" if i % 3 else "Web") for i in range(60)
        ]
        fit = learn(history, [C], as_of=AS_OF, folds=0, required=())
        assert _rows_per_code(fit, "c")["signal.c.other"] == 40
        assert _rows_per_code(fit, "c") == _decided_codes(fit, history, "c")


# ----------------------------------------------------------------------------------------
# Criteria: unknown, stale, late evidence, rows judged at their own time
# ----------------------------------------------------------------------------------------


class TestCriteria:
    def test_when_every_criterion_is_unknown_the_weights_are_all_on_signals(self) -> None:
        history = [_example((i % 10 >= 6) != (i % 13 == 0), x=i % 10) for i in range(80)]
        fit = learn(history, [X], as_of=AS_OF, folds=0)
        weights = _weights(fit)
        assert weights == {"need": 0, "budget": 0, "timeframe": 0, "authority": 0, "x": 100}
        # The default requirements are unknown on every row: none qualifies, whatever
        # its score.
        assert fit.report.thresholds.qualified_share == 0
        assert all(_decide(fit.policy, e).verdict is not Verdict.QUALIFIED for e in history)

    @pytest.mark.parametrize("method", ["scorecard", "naive_bayes"])
    def test_a_history_where_nothing_separates_the_outcomes_is_refused(self, method: Any) -> None:
        history = [_example(i % 2 == 0, need=NeedLevel.EXPRESSED, x=5) for i in range(40)]
        with pytest.raises(InvalidFieldError, match="separates the outcomes") as raised:
            learn(history, [X], as_of=AS_OF, folds=0, method=method)
        assert raised.value.field == "history"

    def test_stale_evidence_counts_as_unknown(self) -> None:
        year_ago = AS_OF - timedelta(days=365)
        history = _need_history(need_seen=year_ago)
        fit = learn(history, [X], as_of=AS_OF, folds=0, required=())  # freshness 180 days
        assert _rows_per_code(fit, "need") == {"need.unknown": 90}
        assert _weights(fit)["need"] == 0
        lasting = learn(
            history,
            [X],
            base=attrs.evolve(DEFAULT_POLICY, freshness=timedelta(days=400)),
            as_of=AS_OF,
            folds=0,
            required=(),
        )
        assert _rows_per_code(lasting, "need") == {
            "need.latent": 30,
            "need.expressed": 30,
            "need.strong": 30,
        }

    def test_a_row_is_judged_at_its_own_as_of(self) -> None:
        year_ago = AS_OF - timedelta(days=365)
        history = [
            attrs.evolve(e, as_of=year_ago + timedelta(days=1))
            for e in _need_history(need_seen=year_ago)
        ]
        fit = learn(history, [X], as_of=AS_OF, folds=0, required=())
        assert _rows_per_code(fit, "need")["need.strong"] == 30
        assert "need.unknown" not in _rows_per_code(fit, "need")

    @pytest.mark.parametrize("folds", [0, 3])
    def test_a_criterion_observed_after_as_of_names_its_row(self, folds: int) -> None:
        history = _need_history()
        history[4] = _example(True, need=NeedLevel.STRONG, need_seen=AS_OF + timedelta(days=1))
        with pytest.raises(InvalidFieldError, match="after as_of") as raised:
            learn(history, [X], as_of=AS_OF, folds=folds)
        assert raised.value.field.startswith("history[4]")

    def test_a_row_whose_own_as_of_precedes_its_evidence_names_its_row(self) -> None:
        history = _need_history(need_seen=AS_OF - timedelta(days=10))
        history[5] = attrs.evolve(history[5], as_of=AS_OF - timedelta(days=20))
        with pytest.raises(InvalidFieldError, match="after as_of") as raised:
            learn(history, [X], as_of=AS_OF, folds=0)
        assert raised.value.field.startswith("history[5]")

    @pytest.mark.parametrize("folds", [0, 3])
    def test_a_signal_observed_after_as_of_names_its_row(self, folds: int) -> None:
        history = _need_history()
        history[4] = _example(True, need=NeedLevel.STRONG, x=3, x_seen=AS_OF + timedelta(days=1))
        with pytest.raises(InvalidFieldError, match="after as_of") as raised:
            learn(history, [X], as_of=AS_OF, folds=folds)
        assert raised.value.field.startswith("history[4]")

    def test_a_base_policys_signals_are_learned_with_their_half_life_and_description(
        self,
    ) -> None:
        base = attrs.evolve(
            DEFAULT_POLICY,
            signals=(
                NumericSignal(
                    name="x",
                    weight=0,
                    edges=(1,),
                    points=(0, 0),
                    half_life=timedelta(days=30),
                    description="visits",
                ),
                CategoricalSignal(name="c", weight=0, points={}, half_life=timedelta(days=7)),
            ),
        )
        history = [
            _example(e.outcome, need=LEVELS[i % 3], x=i % 5, c=("A", "B")[i % 2])
            for i, e in enumerate(_need_history())
        ]
        fit = learn(history, base=base, as_of=AS_OF, folds=0)
        kept = [(type(s).__name__, s.name, s.half_life, s.description) for s in fit.policy.signals]
        assert kept == [
            ("NumericSignal", "x", timedelta(days=30), "visits"),
            ("CategoricalSignal", "c", timedelta(days=7), None),
        ]


# ----------------------------------------------------------------------------------------
# Small histories and cross-validation
# ----------------------------------------------------------------------------------------


class TestSmallHistories:
    @pytest.mark.parametrize("method", ["scorecard", "naive_bayes"])
    @pytest.mark.parametrize("folds", [5, 10])
    def test_six_rows_with_two_positives_cross_validate(self, method: Any, folds: int) -> None:
        needs = [NeedLevel.STRONG, NeedLevel.STRONG, NeedLevel.LATENT] + [NeedLevel.LATENT] * 2
        needs.append(NeedLevel.STRONG)
        history = [_example(i < 2, need=needs[i], x=[5, 3, 1, 2, 1, 4][i]) for i in range(6)]
        fit = learn(history, [X], as_of=AS_OF, folds=folds, method=method)
        cross = fit.report.cross_validation
        assert cross is not None
        assert cross.folds == folds
        assert cross.auc is not None
        assert 0 <= cross.auc <= 1
        assert 0 <= cross.brier <= 1
        assert sum(r.rows for r in cross.reliability) == 6
        assert fit.report.warnings[0].startswith("only 2 rows of the rarer outcome")

    def test_a_fold_trained_without_any_positive_still_predicts(self) -> None:
        # One positive: the fold holding it out trains on negatives alone.
        history = [
            _example(i == 0, need=NeedLevel.STRONG if i in (0, 3) else NeedLevel.LATENT)
            for i in range(6)
        ]
        fit = learn(history, as_of=AS_OF, folds=2)
        cross = fit.report.cross_validation
        assert cross is not None
        assert all(0 <= r.predicted <= 1 for r in cross.reliability)
        assert math.isfinite(cross.log_loss)

    @pytest.mark.parametrize("method", ["scorecard", "naive_bayes"])
    def test_a_history_that_fits_either_cross_validates_or_blames_the_folds(
        self, method: Any
    ) -> None:
        # Only row 0 is strong: the fold that holds it out trains on latent rows alone.
        history = [
            _example(outcome, need=need)
            for need, outcome in [
                (NeedLevel.STRONG, True),
                (NeedLevel.LATENT, True),
                (NeedLevel.LATENT, False),
                (NeedLevel.LATENT, False),
            ]
        ]
        fit = learn(history, as_of=AS_OF, folds=0, required=(), method=method)
        assert fit.report.training_auc == 0.75  # the strong row ranks first
        self._fits_or_blames_folds(history, method)

    def test_two_rows_either_cross_validate_or_blame_the_folds(self) -> None:
        pair = [_example(True, need=NeedLevel.STRONG), _example(False, need=NeedLevel.LATENT)]
        self._fits_or_blames_folds(pair, "scorecard")

    def _fits_or_blames_folds(self, history: list[Example], method: Any) -> None:
        blamed: str | None = None
        try:
            fit = learn(history, as_of=AS_OF, folds=2, required=(), method=method)
        except InvalidFieldError as error:
            blamed = error.field
        else:
            assert fit.report.cross_validation is not None
        assert blamed in (None, "folds")

    def test_a_history_of_two_rows_fits_and_refuses_one_outcome_only(self) -> None:
        pair = [_example(True, need=NeedLevel.STRONG), _example(False, need=NeedLevel.LATENT)]
        fit = learn(pair, as_of=AS_OF, folds=0, required=())
        assert _decide(fit.policy, pair[0]).score > _decide(fit.policy, pair[1]).score
        with pytest.raises(InvalidFieldError) as raised:
            learn(pair[:1] * 3, as_of=AS_OF, folds=0)
        assert (raised.value.field, raised.value.value) == ("history", 3)


# ----------------------------------------------------------------------------------------
# Objectives
# ----------------------------------------------------------------------------------------


class TestObjectives:
    def test_qualify_top_everything_qualifies_every_row_without_requirements(self) -> None:
        history = _need_history()
        fit = learn(history, [X], as_of=AS_OF, folds=0, required=(), objective=QualifyTop(1.0))
        assert fit.policy.threshold == 0
        assert fit.report.thresholds.qualified_share == 1.0
        assert all(_decide(fit.policy, e).verdict is Verdict.QUALIFIED for e in history)

    def test_qualify_top_everything_still_leaves_out_rows_failing_a_requirement(self) -> None:
        history = _need_history()  # need is required, minimum expressed: latent fails
        fit = learn(
            history, [X], as_of=AS_OF, folds=0, required=("need",), objective=QualifyTop(1.0)
        )
        qualified = [_decide(fit.policy, e).verdict is Verdict.QUALIFIED for e in history]
        assert fit.report.thresholds.qualified_share == sum(qualified) / len(history) == 2 / 3
        latent = [
            q
            for q, e in zip(qualified, history, strict=True)
            if e.evidence.need.level is NeedLevel.LATENT
        ]
        assert latent
        assert not any(latent)

    def _unreachable(self) -> list[Example]:
        # Half of the expressed and strong rows convert, no latent one does: no threshold
        # reaches 95% precision.
        return [_example((i % 3 != 0) and i % 2 == 0, need=LEVELS[i % 3]) for i in range(120)]

    def test_an_unreachable_target_precision_takes_the_most_precise_threshold(self) -> None:
        history = self._unreachable()
        fit = learn(history, as_of=AS_OF, folds=0, required=(), objective=TargetPrecision(0.95))
        scores = [_decide(fit.policy, e).score for e in history]
        assert fit.policy.threshold == max(scores)
        precision = fit.report.thresholds.precision
        assert precision == pytest.approx(0.5)

    def test_an_unreachable_target_precision_is_warned_about(self) -> None:
        fit = learn(
            self._unreachable(),
            as_of=AS_OF,
            folds=0,
            required=(),
            objective=TargetPrecision(0.95),
        )
        assert any("precision" in w or "95%" in w for w in fit.report.warnings)

    def test_a_fixed_threshold_is_kept_even_above_every_training_score(self) -> None:
        # Strong need and high x both convert but never meet on one row, so no training
        # row reaches the best possible score.
        history = [
            _example(
                i % 4 != 0,
                need=NeedLevel.STRONG if i % 4 == 1 else NeedLevel.LATENT,
                x=9 if i % 4 == 2 else 0,
            )
            for i in range(80)
        ]
        fit = learn(history, [X], as_of=AS_OF, folds=0, required=(), objective=FixedThreshold(95))
        assert max(_decide(fit.policy, e).score for e in history) < 95
        assert fit.policy.threshold == 95


# ----------------------------------------------------------------------------------------
# Arguments
# ----------------------------------------------------------------------------------------


class TestArguments:
    @pytest.mark.parametrize(
        ("argument", "value"),
        [
            ("l2", -1.0),
            ("l2", math.nan),
            ("l2", 10**400),
            ("min_bin_share", -(10**400)),
            ("max_bins", 0),
            ("min_bin_share", 1.5),
            ("min_category_share", -0.1),
        ],
    )
    def test_an_invalid_tuning_argument_is_named(self, argument: str, value: object) -> None:
        with pytest.raises(InvalidFieldError) as raised:
            learn(_need_history(), [X], as_of=AS_OF, folds=0, **{argument: value})  # type: ignore[arg-type]
        assert raised.value.field == argument

    def test_a_history_given_as_a_generator_learns_as_its_list(self) -> None:
        history = _need_history()
        fit = learn((e for e in history), [X], as_of=AS_OF, folds=3)
        assert fit == learn(history, [X], as_of=AS_OF, folds=3)
        assert fit.report.rows == 90

    def test_a_signal_named_twice_is_refused_at_its_second_place(self) -> None:
        with pytest.raises(InvalidFieldError) as raised:
            learn(_need_history(), [X, C, Feature(name="x", kind="category")], as_of=AS_OF)
        assert raised.value.field == "features[2].name"

    def test_a_naive_as_of_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as raised:
            learn(_need_history(), [X], as_of=datetime(2026, 6, 1), folds=0)
        assert raised.value.field == "as_of"

    def test_a_feature_name_that_is_no_signal_name_is_refused_at_once(self) -> None:
        with pytest.raises(InvalidFieldError) as raised:
            Feature(name="Total Visits", kind="number")
        assert raised.value.field == "name"

    def test_a_monotone_category_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as raised:
            Feature(name="c", kind="category", monotone="increasing")
        assert raised.value.field == "monotone"


# ----------------------------------------------------------------------------------------
# Naive Bayes on the same edges
# ----------------------------------------------------------------------------------------


class TestNaiveBayes:
    def test_it_bins_values_on_edges_as_the_scorecard_does(self) -> None:
        values = ["-1000000", "-0.5", "0", "0.25", "3.75", "1E+12", "987654321012.5"]
        history = [
            _example((i % 7 >= 3) != (i % 11 == 0), x=Decimal(values[i % 7])) for i in range(140)
        ]
        fit = learn(
            history,
            [X],
            as_of=AS_OF,
            folds=0,
            required=(),
            min_bin_share=0.01,
            method="naive_bayes",
        )
        assert _rows_per_code(fit, "x") == _decided_codes(fit, history, "x")

    @pytest.mark.parametrize("x", [7, None])
    def test_a_feature_without_contrast_earns_no_weight(self, x: object) -> None:
        history = [
            _example(e.outcome, need=LEVELS[i % 3], x=x) for i, e in enumerate(_need_history())
        ]
        fit = learn(history, [X], as_of=AS_OF, folds=0, method="naive_bayes")
        assert _weights(fit) == {
            "need": 100,
            "budget": 0,
            "timeframe": 0,
            "authority": 0,
            "x": 0,
        }

    def test_a_constant_feature_earns_no_weight_under_the_scorecard(self) -> None:
        # The same history as above, by logistic regression: the control.
        history = [
            _example(e.outcome, need=LEVELS[i % 3], x=7) for i, e in enumerate(_need_history())
        ]
        fit = learn(history, [X], as_of=AS_OF, folds=0)
        assert _weights(fit) == {
            "need": 100,
            "budget": 0,
            "timeframe": 0,
            "authority": 0,
            "x": 0,
        }


# ----------------------------------------------------------------------------------------
# The command line
# ----------------------------------------------------------------------------------------


def _write_jsonl(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _rows(count: int = 80, seed: int = 5) -> list[dict[str, str]]:
    return [dict(r) for r in histories.generate(count, seed=seed).rows]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli_main(argv)
    out, err = capsys.readouterr()
    return status, out, err


class TestTheCommandLine:
    def test_it_learns_from_json_lines(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = _write_jsonl(tmp_path / "history.jsonl", _rows())
        learned = tmp_path / "learned.json"
        status, out, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--signal",
                "total_visits",
                "--signal",
                "lead_origin",
                "--folds",
                "3",
                "-o",
                str(learned),
            ],
            capsys,
        )
        assert status == 0, err
        assert "80 rows: 80 examples, 0 rejected" in err
        assert "Held out (3-fold cross-validation)" in out
        policy = from_json(learned.read_text(encoding="utf-8"), Policy)
        kinds = [(type(s).__name__, s.name) for s in policy.signals]
        assert kinds == [("NumericSignal", "total_visits"), ("CategoricalSignal", "lead_origin")]

    def test_strict_stops_at_a_bad_row_and_writes_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        rows = _rows()
        rows[3]["converted"] = "maybe"
        history = _write_jsonl(tmp_path / "history.jsonl", rows)
        learned = tmp_path / "learned.toml"
        argv = ["learn", str(history), "--outcome", "converted", "--folds", "0", "-o"]
        status, _, err = _run([*argv, str(learned), "--strict"], capsys)
        assert status == 3
        assert "row 4 (line 4): $.converted: expected 1/0" in err
        assert "stopped at the first rejected row" in err
        assert not learned.exists()
        status, _, err = _run([*argv, str(learned)], capsys)
        assert status == 1
        assert "80 rows: 79 examples, 1 rejected" in err
        assert learned.exists()

    def test_a_preset_base_keeps_its_requirements_and_order(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = _write_jsonl(tmp_path / "history.jsonl", _rows())
        learned = tmp_path / "learned.json"
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--preset",
                "ANUM",
                "--folds",
                "0",
                "-o",
                str(learned),
            ],
            capsys,
        )
        assert status == 0, err
        policy = from_json(learned.read_text(encoding="utf-8"), Policy)
        anum = PRESETS["ANUM"]
        assert policy.order == anum.order
        assert policy.required == anum.required
        assert Criterion.BUDGET not in policy.required

    @pytest.mark.parametrize(
        "spec",
        [
            "industry",
            "Email",
            "need",
            "signals_observed_at",
            "x:category:increasing",
            "x:number:sideways",
            ":number",
        ],
    )
    def test_a_bad_signal_is_a_usage_error(
        self, spec: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = _write_jsonl(tmp_path / "history.jsonl", _rows(20))
        learned = tmp_path / "learned.toml"
        status, _, err = _run(
            ["learn", str(history), "--outcome", "converted", "--signal", spec, "-o", str(learned)],
            capsys,
        )
        assert status == 2
        assert "--signal" in err
        assert not learned.exists()

    @pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
    def test_an_empty_file_is_a_usage_error(
        self, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = tmp_path / f"empty{suffix}"
        history.write_text("", encoding="utf-8")
        status, _, err = _run(
            ["learn", str(history), "--outcome", "converted", "-o", str(tmp_path / "p.toml")],
            capsys,
        )
        assert status == 2
        assert "0 rows: 0 examples, 0 rejected" in err
        assert "needs rows with the outcome and rows without it" in err

    @pytest.mark.parametrize("threshold", ["150", "-5"])
    def test_a_threshold_off_the_scale_is_a_usage_error(
        self, threshold: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = _write_jsonl(tmp_path / "history.jsonl", _rows(20))
        learned = tmp_path / "p.toml"
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--threshold",
                threshold,
                "-o",
                str(learned),
            ],
            capsys,
        )
        assert status == 2
        assert f"--threshold: expected a score from 0 to 100, got {threshold}" in err
        assert not learned.exists()

    def test_an_outcome_column_no_row_has_rejects_every_row(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = _write_jsonl(tmp_path / "history.jsonl", _rows(10))
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "won",
                "--folds",
                "0",
                "-o",
                str(tmp_path / "p.toml"),
            ],
            capsys,
        )
        assert status == 2
        assert "10 rows: 0 examples, 10 rejected" in err
        assert "$.won: the outcome is missing" in err

    def test_the_outcome_column_cannot_be_a_signal(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = _write_jsonl(tmp_path / "history.jsonl", _rows())
        status, _, _ = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--signal",
                "converted",
                "--folds",
                "0",
                "-o",
                str(tmp_path / "p.toml"),
            ],
            capsys,
        )
        assert status == 2

    def test_a_signal_column_no_row_has_is_reported(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = _write_jsonl(tmp_path / "history.jsonl", _rows())
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--signal",
                "total_vists",
                "--folds",
                "0",
                "-o",
                str(tmp_path / "p.toml"),
            ],
            capsys,
        )
        assert status == 2 or "total_vists" in err

    def test_a_base_policys_signals_are_learned_when_no_signal_is_named(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        base = attrs.evolve(
            DEFAULT_POLICY,
            name="base",
            signals=(
                NumericSignal(
                    name="total_visits",
                    weight=0,
                    edges=(1,),
                    points=(0, 0),
                    half_life=timedelta(days=30),
                ),
            ),
        )
        base_file = tmp_path / "base.json"
        base_file.write_text(to_json(base), encoding="utf-8")
        history = _write_jsonl(tmp_path / "history.jsonl", _rows())
        learned = tmp_path / "learned.json"
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--policy",
                str(base_file),
                "--folds",
                "0",
                "-o",
                str(learned),
            ],
            capsys,
        )
        assert status == 0, err
        policy = from_json(learned.read_text(encoding="utf-8"), Policy)
        assert [(s.name, s.half_life) for s in policy.signals] == [
            ("total_visits", timedelta(days=30))
        ]


def _native(row: dict[str, str]) -> dict[str, object]:
    """A row as a JSON exporter writes it: null for empty, true/false, JSON numbers."""
    native: dict[str, object] = {k: (None if v == "" else v) for k, v in row.items()}
    native["converted"] = row["converted"] == "1"
    for column in ("total_visits", "minutes_on_site"):
        if row[column]:
            native[column] = float(row[column]) if "." in row[column] else int(row[column])
    return native


def test_json_lines_with_native_values_learn_like_their_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows()
    text = _write_jsonl(tmp_path / "text.jsonl", rows)
    native = tmp_path / "native.jsonl"
    native.write_text("".join(json.dumps(_native(r)) + "\n" for r in rows), encoding="utf-8")
    learned = []
    for source in (text, native):
        target = tmp_path / f"{source.stem}.json"
        status, _, err = _run(
            [
                "learn",
                str(source),
                "--outcome",
                "converted",
                "--signal",
                "total_visits",
                "--signal",
                "minutes_on_site:number:increasing",
                "--folds",
                "0",
                "-o",
                str(target),
            ],
            capsys,
        )
        assert status == 0, err
        learned.append(from_json(target.read_text(encoding="utf-8"), Policy))
    assert learned[0] == learned[1]
    assert all(isinstance(s, NumericSignal) for s in learned[1].signals)
