"""Laws of learning a policy from outcomes (leadflow.learning), judged against a known truth.

Every history here comes from benchmarks/histories.py, whose rows are drawn from a known
logistic model: the true probability of every row and the true log-odds contribution of
every value of every feature are known. A learned policy is judged on held-out rows
generated with another seed, with AUC (rank, Mann-Whitney), Brier score and calibration
computed by benchmarks/histories.py, never by leadflow's own report.

Statistical laws state their tolerance beside the assertion, with the reason for it; each
runs on fixed seeds, so a run is reproducible. The laws over many small histories use
Hypothesis. Tests of 5,000 rows or more are marked slow (run them with --run-slow).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import os
import subprocess
import sys
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(ROOT))

from benchmarks import histories  # noqa: E402  # needs the repository on the path
from benchmarks.histories import AS_OF, History, Spec, Truth  # noqa: E402

from leadflow import (  # noqa: E402
    DEFAULT_POLICY,
    CategoricalSignal,
    NumericSignal,
    Policy,
    SignalObservation,
    learning,
    qualify,
)
from leadflow.cli import main as cli_main  # noqa: E402
from leadflow.learning import Example  # noqa: E402
from leadflow.records import QualificationInput, parse_record  # noqa: E402
from leadflow.serialization import from_json, to_json  # noqa: E402

Method = Literal["scorecard", "naive_bayes"]
METHODS: tuple[Method, ...] = ("scorecard", "naive_bayes")

#: Seeds of the training and the held-out histories: never the same.
TRAIN_SEED = 11
TEST_SEED = 12


# ----------------------------------------------------------------------------------------
# Data, generated and parsed once per size (a module-wide cache keeps each test fast)
# ----------------------------------------------------------------------------------------


@functools.cache
def history(rows: int, seed: int, signals: int = 10) -> History:
    return histories.generate(rows, seed=seed, spec=Spec(signals=signals))


@functools.cache
def examples(rows: int, seed: int, signals: int = 10) -> tuple[Example, ...]:
    made = history(rows, seed, signals)
    return tuple(histories.to_examples(made.rows, made.truth))


@functools.cache
def inputs(rows: int, seed: int, signals: int = 10) -> tuple[QualificationInput, ...]:
    made = history(rows, seed, signals)
    read = histories.placeholder_signals(made.truth)
    return tuple(parse_record(row, signals=read) for row in made.rows)


def fit(
    train: Sequence[Example], model: Truth, *, method: Method = "scorecard", folds: int = 0
) -> learning.Fit:
    """The learner at its defaults, on every signal of *model*.

    Without cross-validation unless asked (it only fills the report: the policy is
    fitted on every row). Called through the module, so that a check of a law can
    stand a broken learner in.
    """
    return learning.learn(
        list(train),
        features=histories.features(model),
        base=DEFAULT_POLICY,
        method=method,
        objective=learning.QualifyTop(0.2),
        folds=folds,
    )


@functools.cache
def fitted(rows: int, seed: int, signals: int = 10, method: Method = "scorecard") -> Policy:
    """The policy learned from the first *rows* rows of a history (shared by the slow laws)."""
    return fit(
        examples(rows, seed, signals), history(rows, seed, signals).truth, method=method
    ).policy


def probabilities(policy: Policy, held_out: Sequence[QualificationInput]) -> list[float]:
    """Each held-out contact's probability under *policy*, as a decision gives it."""
    found: list[float] = []
    for row in held_out:
        probability = qualify(row.contact, row.evidence, policy, as_of=AS_OF).probability
        assert probability is not None, "a learned policy's decisions carry a probability"
        found.append(probability)
    return found


def held_out_auc(policy: Policy, rows: int, seed: int, signals: int = 10) -> float:
    made = history(rows, seed, signals)
    return histories.auc(made.outcomes, probabilities(policy, inputs(rows, seed, signals)))


def both_outcomes(made: History) -> list[dict[str, str]]:
    """*made*'s rows, the first one's outcome flipped when every row has the same one.

    A small history can convert everyone or no one; learning needs both outcomes, and
    the laws checked on small histories do not depend on the truth.
    """
    rows = [dict(row) for row in made.rows]
    if len({row["converted"] for row in rows}) == 1:
        rows[0]["converted"] = "0" if rows[0]["converted"] == "1" else "1"
    return rows


@st.composite
def small_histories(draw: st.DrawFn) -> tuple[list[Example], Truth]:
    """Small histories of every shape: few or many signals, weak or strong, rare outcomes."""
    spec = Spec(
        signals=draw(st.integers(0, 12)),
        base_rate=draw(st.floats(0.1, 0.6)),
        # A few population mixes: histories calibrates its intercept once per mix.
        b2b_share=draw(st.sampled_from((0.0, 0.7, 1.0))),
        strength=draw(st.sampled_from((0.0, 0.5, 1.0, 2.0))),
    )
    made = histories.generate(
        draw(st.integers(40, 240)), seed=draw(st.integers(0, 2**32 - 1)), spec=spec
    )
    return histories.to_examples(both_outcomes(made), made.truth), made.truth


def learned_log_odds(
    policy: Policy, name: str, observation: SignalObservation | None
) -> tuple[str, float]:
    """(code, points x slope) of *observation* under the policy's signal *name*."""
    assert policy.calibration is not None
    (signal,) = [s for s in policy.signals if s.name == name]
    result = signal.score(observation, AS_OF)
    return result.code, result.points * policy.calibration.slope


def policy_without_calibration(policy: Policy) -> Policy:
    return attrs.evolve(policy, calibration=None)


# ----------------------------------------------------------------------------------------
# The judge: the metrics are themselves checked against their definitions
# ----------------------------------------------------------------------------------------


class TestMetrics:
    @given(
        st.lists(
            st.tuples(st.booleans(), st.integers(0, 6).map(float)), min_size=2, max_size=40
        ).filter(lambda pairs: len({y for y, _ in pairs}) == 2)
    )
    def test_rank_auc_is_the_pairwise_share_of_positives_above_negatives(
        self, pairs: list[tuple[bool, float]]
    ) -> None:
        outcomes = [y for y, _ in pairs]
        scores = [s for _, s in pairs]
        positives = [s for y, s in pairs if y]
        negatives = [s for y, s in pairs if not y]
        wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
        assert histories.auc(outcomes, scores) == pytest.approx(
            wins / (len(positives) * len(negatives)), abs=1e-12
        )

    def test_brier_of_a_sure_right_and_a_sure_wrong_answer(self) -> None:
        assert histories.brier([True, False], [1.0, 1.0]) == pytest.approx(0.5)


# ----------------------------------------------------------------------------------------
# A learned policy is a policy
# ----------------------------------------------------------------------------------------


class TestPolicyFile:
    def test_a_learned_policy_reads_back_equal_from_json_and_from_a_toml_policy_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        policy = fitted(1500, TRAIN_SEED)
        assert isinstance(policy, Policy)
        text = to_json(policy)
        assert from_json(text, Policy) == policy
        # The policy file: written as JSON, shown as TOML by the command line, read back.
        (tmp_path / "learned.json").write_text(text, encoding="utf-8")
        assert cli_main(["policy", "show", str(tmp_path / "learned.json"), "--format", "toml"]) == 0
        (tmp_path / "learned.toml").write_text(capsys.readouterr().out, encoding="utf-8")
        assert cli_main(["policy", "show", str(tmp_path / "learned.toml")]) == 0
        assert from_json(capsys.readouterr().out, Policy) == policy

    def test_a_learned_policy_reads_every_signal_it_learned_from_records(self) -> None:
        made = history(1500, TRAIN_SEED)
        policy = fitted(1500, TRAIN_SEED)
        learned = {signal.name for signal in policy.signals}
        assert learned <= {f.name for f in made.truth.signals}
        # Its signals read the history's own columns: a learned policy decides records.
        row = parse_record(made.rows[0], signals=policy.signals)
        assert qualify(row.contact, row.evidence, policy, as_of=AS_OF).probability is not None


# ----------------------------------------------------------------------------------------
# Determinism
# ----------------------------------------------------------------------------------------

_FIT_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{src!r}, {root!r}]
    from benchmarks import histories
    from leadflow import DEFAULT_POLICY
    from leadflow.learning import QualifyTop, learn
    from leadflow.serialization import to_json

    made = histories.generate(200, seed=5, spec=histories.Spec(signals=12))
    fit = learn(histories.to_examples(made.rows, made.truth),
                features=histories.features(made.truth), base=DEFAULT_POLICY,
                method={method!r}, objective=QualifyTop(0.2), folds=2)
    # One line each: the policy as leadflow writes it, then the report.
    sys.stdout.write(to_json(fit.policy) + "\\n")
    sys.stdout.write(repr(fit.report).replace("\\n", " ") + "\\n")
    """
)


def _fit_in_subprocess(hash_seed: str, method: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    script = _FIT_SCRIPT.format(src=str(ROOT / "src"), root=str(ROOT), method=method)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=env, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


class TestDeterminism:
    @pytest.mark.parametrize("method", ["scorecard", "naive_bayes"])
    def test_refitting_gives_the_same_policy_byte_for_byte_whatever_the_hash_seed(
        self, method: str
    ) -> None:
        # Category names and signal names are strings: iterating a set or dict of them
        # in hash order would make the policy depend on PYTHONHASHSEED.
        first = _fit_in_subprocess("1", method)
        policy, report = first.splitlines()
        assert json.loads(policy)["signals"], "the fit learned no signal at all"
        assert b"cross_validation=CrossValidation(" in report, "the fit was not cross-validated"
        assert _fit_in_subprocess("2", method) == first

    @settings(max_examples=4)
    @given(small_histories())
    def test_refitting_in_one_process_gives_an_equal_policy(
        self, case: tuple[list[Example], Truth]
    ) -> None:
        train, model = case
        first, second = fit(train, model, folds=2), fit(train, model, folds=2)
        assert second.policy == first.policy
        assert second.report == first.report


# ----------------------------------------------------------------------------------------
# Laws over small histories
# ----------------------------------------------------------------------------------------


class TestSmallHistories:
    @settings(max_examples=8)
    @given(small_histories())
    def test_duplicating_every_row_does_not_change_the_policy(
        self, case: tuple[list[Example], Truth]
    ) -> None:
        # Each row counts twice: the likelihood doubles at every parameter, so a penalty
        # that is scaled to the number of rows (a mean loss) has the same optimum, and
        # every bin edge at a quantile stays where it is. Points are whole numbers, so they
        # must be equal; the calibration's two floats may differ in the last few bits of
        # a sum over twice the rows (relative 1e-6 is far below anything a score shows).
        train, model = case
        once = fit(train, model, folds=0).policy
        twice = fit([example for example in train for _ in (0, 1)], model, folds=0).policy
        assert policy_without_calibration(twice) == policy_without_calibration(once)
        assert once.calibration is not None
        assert twice.calibration is not None
        assert twice.calibration.slope == pytest.approx(once.calibration.slope, rel=1e-6)
        assert twice.calibration.intercept == pytest.approx(
            once.calibration.intercept, rel=1e-6, abs=1e-9
        )

    @settings(max_examples=8)
    @given(small_histories(), st.sampled_from(METHODS))
    def test_probabilities_are_between_0_and_1_and_rise_with_the_score(
        self, case: tuple[list[Example], Truth], method: Method
    ) -> None:
        train, model = case
        calibration = fit(train, model, method=method, folds=0).policy.calibration
        assert calibration is not None
        assert calibration.slope > 0
        curve = [calibration.probability(score) for score in range(101)]
        assert all(0.0 <= p <= 1.0 for p in curve)
        # Strictly: with a positive slope every point raises the log-odds. A curve that
        # is flat (all 1.0 or all 0.0 in floats) would say nothing, so it must not be.
        assert all(a < b for a, b in itertools.pairwise(curve) if 1e-12 < a < 1 - 1e-12)
        assert curve[0] < curve[100]

    @settings(max_examples=5)
    @given(small_histories())
    def test_a_decision_s_probability_is_the_calibration_at_its_score(
        self, case: tuple[list[Example], Truth]
    ) -> None:
        train, model = case
        policy = fit(train, model, folds=0).policy
        assert policy.calibration is not None
        made = histories.generate(30, seed=TEST_SEED, spec=model.spec)
        read = histories.placeholder_signals(model)
        for row in made.rows:
            parsed = parse_record(row, signals=read)
            decision = qualify(parsed.contact, parsed.evidence, policy, as_of=AS_OF)
            assert 0 <= decision.score <= 100
            assert decision.probability == policy.calibration.probability(decision.score)


# ----------------------------------------------------------------------------------------
# Laws against the truth (large histories: slow)
# ----------------------------------------------------------------------------------------


@pytest.mark.slow
class TestAgainstTheTruth:
    def test_held_out_auc_is_close_to_the_true_model_s(self) -> None:
        # 10,000 training rows for about 60 free parameters: the estimation loss of a
        # well-regularised logistic model is well below 0.01 AUC, binning a smooth curve
        # costs a little more; 0.02 is the bound the learner promises. Both AUCs are on
        # the same 10,000 held-out rows, so their difference has little sampling noise.
        policy = fitted(10_000, TRAIN_SEED)
        test = history(10_000, TEST_SEED)
        true_auc = histories.auc(test.outcomes, test.probabilities)
        learned = held_out_auc(policy, 10_000, TEST_SEED)
        assert learned == pytest.approx(true_auc, abs=0.02)
        # Nothing outranks the truth except by noise (paired, same rows: 0.005).
        assert learned <= true_auc + 0.005

    def test_held_out_conversion_per_decile_matches_the_predicted_probability(self) -> None:
        # 10,000 held-out rows, sorted by predicted probability, make deciles of 1,000.
        # Observed against predicted: the binomial standard error of a decile's observed
        # rate is sqrt(p (1 - p) / 1000), at most 0.016; four of them (a false alarm in
        # one of ten deciles about once in 1,500 seeds) plus 0.01 for the binned model.
        # Predicted against the truth (the mean true probability of the same rows, which
        # has no outcome noise): within 0.02, the error of a 60-parameter model.
        policy = fitted(10_000, TRAIN_SEED)
        test = history(10_000, TEST_SEED)
        predicted = probabilities(policy, inputs(10_000, TEST_SEED))
        rows = sorted(
            zip(predicted, test.probabilities, test.outcomes, strict=True), key=lambda r: r[0]
        )
        size = len(rows) // 10
        for decile in range(10):
            chunk = rows[decile * size : (decile + 1) * size]
            mean_predicted = math.fsum(p for p, _, _ in chunk) / size
            mean_true = math.fsum(q for _, q, _ in chunk) / size
            observed = sum(y for _, _, y in chunk) / size
            noise = math.sqrt(mean_predicted * (1 - mean_predicted) / size)
            where = f"decile {decile + 1}"
            assert observed == pytest.approx(mean_predicted, abs=4 * noise + 0.01), where
            assert mean_true == pytest.approx(mean_predicted, abs=0.02), where
        # Over all rows, the mean prediction is the observed rate (standard error 0.005).
        assert math.fsum(predicted) / len(predicted) == pytest.approx(
            sum(test.outcomes) / len(rows), abs=0.02
        )
        # And the learned probabilities score close to the true ones (Brier within 0.01:
        # the true model's own Brier score is about 0.15).
        assert histories.brier(test.outcomes, predicted) == pytest.approx(
            histories.brier(test.outcomes, test.probabilities), abs=0.01
        )

    def test_a_pure_noise_signal_barely_changes_held_out_auc(self) -> None:
        # The same 3,000 rows and outcomes, once with an eleventh signal of pure noise
        # (histories keeps every other column as it was). A regularised fit gives noise
        # near-zero points; both AUCs are on the same 10,000 held-out rows, so sampling
        # noise cancels. Measured: a difference of 0.0015; 0.005 leaves room for a
        # learner that gives noise a few points, not for one that it misleads.
        plain = history(3000, TRAIN_SEED, 10)
        noisy = history(3000, TRAIN_SEED, 11)
        assert [row["converted"] for row in plain.rows] == [row["converted"] for row in noisy.rows]
        without = held_out_auc(fitted(3000, TRAIN_SEED, 10), 10_000, TEST_SEED, 10)
        with_noise = held_out_auc(fitted(3000, TRAIN_SEED, 11), 10_000, TEST_SEED, 11)
        assert with_noise == pytest.approx(without, abs=0.005)

    def test_more_rows_of_the_true_model_never_make_held_out_auc_worse(self) -> None:
        # Nested training sets (each is the first rows of the next), one held-out set.
        # Between 500 and 8,000 rows the learning curve should rise by a few hundredths;
        # a fall of more than 0.005 on the same 10,000 held-out rows is beyond the noise
        # of refitting a regularised model on a larger sample.
        made = history(8000, TRAIN_SEED)
        found = []
        for size in (500, 2000, 8000):
            policy = fit(examples(8000, TRAIN_SEED)[:size], made.truth).policy
            found.append(held_out_auc(policy, 10_000, TEST_SEED))
        assert all(b >= a - 0.005 for a, b in itertools.pairwise(found)), found
        assert found[-1] > found[0], found

    @pytest.mark.parametrize("name", ["total_visits", "lead_origin", "last_activity"])
    def test_the_fit_recovers_the_true_log_odds_between_bins(self, name: str) -> None:
        # On 20,000 rows, for each value the policy tells apart (a bin, a category, the
        # unknown value) seen on at least 400 rows: learned log-odds (points x slope)
        # against the true mean contribution of the rows in it, both relative to the most
        # common one. The standard error of such a difference is about
        # 1 / sqrt(400 x 0.35 x 0.65) = 0.10; rounding to whole points adds up to half a
        # point times the slope (about 0.05), shrinkage and within-bin spread a little
        # more: 0.3 is about three standard errors.
        made = history(20_000, TRAIN_SEED)
        policy = fitted(20_000, TRAIN_SEED)
        feature = made.truth.feature(name)
        learned: dict[str, float] = {}
        true: dict[str, list[float]] = defaultdict(list)
        for row, example in zip(made.rows, examples(20_000, TRAIN_SEED), strict=True):
            code, log_odds = learned_log_odds(policy, name, example.evidence.signal(name))
            learned[code] = log_odds
            true[code].append(feature.contribution(row[name]))
        common = [code for code, values in true.items() if len(values) >= 400]
        assert len(common) >= 3, f"the policy tells too few values of {name} apart: {common}"
        reference = max(common, key=lambda code: len(true[code]))
        mean = {code: math.fsum(true[code]) / len(true[code]) for code in common}
        for code in common:
            learned_difference = learned[code] - learned[reference]
            true_difference = mean[code] - mean[reference]
            assert learned_difference == pytest.approx(true_difference, abs=0.3), code


class TestNaiveBayes:
    def test_naive_bayes_yields_a_valid_policy(self) -> None:
        policy = fitted(1500, TRAIN_SEED, method="naive_bayes")
        assert isinstance(policy, Policy)
        assert from_json(to_json(policy), Policy) == policy
        assert policy.calibration is not None
        assert all(isinstance(s, (NumericSignal, CategoricalSignal)) for s in policy.signals)

    @pytest.mark.slow
    def test_naive_bayes_ranks_held_out_contacts_reasonably(self) -> None:
        # The history's features are drawn independently of each other, which is naive
        # Bayes' own assumption, though not given the outcome: within 0.04 of the true
        # model's AUC, and above chance by far, on 10,000 rows.
        policy = fitted(10_000, TRAIN_SEED, method="naive_bayes")
        test = history(10_000, TEST_SEED)
        true_auc = histories.auc(test.outcomes, test.probabilities)
        assert held_out_auc(policy, 10_000, TEST_SEED) == pytest.approx(true_auc, abs=0.04)
