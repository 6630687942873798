"""leadflow.learning and `leadflow learn`: what a fit builds, reports and refuses.

The statistical laws (recovery of the true model, calibration, determinism across hash
seeds ...) are in tests/test_learning_laws.py; this module checks the contract: the
learned policy scores every training row the way its report says, objectives choose the
thresholds they promise, missing and rare values get bins of their own, bad input is
refused naming the field and the value, and the command line round-trips.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(ROOT))

from benchmarks import histories  # noqa: E402  # needs the repository on the path

from leadflow import (  # noqa: E402
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Criterion,
    Evidence,
    InvalidFieldError,
    NeedEvidence,
    NeedLevel,
    NumericSignal,
    Policy,
    QualificationDecision,
    SignalObservation,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    qualify,
)
from leadflow.cli import main as cli_main  # noqa: E402
from leadflow.learning import (  # noqa: E402
    Example,
    Feature,
    Fit,
    FixedThreshold,
    QualifyTop,
    TargetPrecision,
    learn,
)
from leadflow.serialization import from_json, to_json  # noqa: E402

AS_OF = datetime(2026, 6, 1, tzinfo=timezone.utc)
CONTACT = Contact(
    name="Ada", email="ada@example.com", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)
)


def _history(rows: int = 600, seed: int = 3) -> tuple[list[Example], list[Feature]]:
    made = histories.generate(rows, seed=seed)
    return histories.to_examples(made.rows, made.truth), histories.features(made.truth)


@pytest.fixture(scope="module")
def fitted() -> tuple[list[Example], list[Feature], Fit]:
    examples, features = _history()
    return examples, features, learn(examples, features, folds=0)


def _decide(policy: Policy, example: Example) -> QualificationDecision:
    contact = example.contact if example.contact is not None else CONTACT
    return qualify(contact, example.evidence, policy, as_of=example.as_of or AS_OF)


class TestTheLearnedPolicy:
    def test_its_weights_add_up_to_100_and_each_weight_is_reached_by_a_bin(
        self, fitted: tuple[list[Example], list[Feature], Fit]
    ) -> None:
        _, _, fit = fitted
        policy = fit.policy
        weights = [policy.rule(c).weight for c in Criterion] + [s.weight for s in policy.signals]
        assert sum(weights) == 100
        for feature in fit.report.features:
            assert max(b.points for b in feature.bins) == feature.weight
            assert min(b.points for b in feature.bins) == 0 or feature.weight == 0

    def test_every_bins_rows_are_the_training_rows_a_decision_codes_with_it(
        self, fitted: tuple[list[Example], list[Feature], Fit]
    ) -> None:
        # The report's counts and the policy's placement agree row for row: the bins the
        # fit chose are exactly the bins the policy scores.
        examples, _, fit = fitted
        decided = [_decide(fit.policy, e) for e in examples]
        seen: Counter[str] = Counter()
        for decision in decided:
            seen.update(s.code for s in decision.signals)
        for feature in fit.report.features:
            if feature.kind == "criterion":
                continue
            for bin_ in feature.bins:
                assert seen[bin_.code] == bin_.rows, bin_.code

    def test_a_decision_is_explained_to_the_point_and_carries_its_probability(
        self, fitted: tuple[list[Example], list[Feature], Fit]
    ) -> None:
        examples, _, fit = fitted
        calibration = fit.policy.calibration
        assert calibration is not None
        for example in examples[:50]:
            decision = _decide(fit.policy, example)
            points = sum(r.points for r in decision.results) + sum(
                s.points for s in decision.signals
            )
            assert decision.score == points
            assert decision.probability == calibration.probability(points)
            assert f"probability {decision.probability:.0%}" in decision.explain()

    def test_it_reads_back_equal_from_its_policy_file(
        self, fitted: tuple[list[Example], list[Feature], Fit]
    ) -> None:
        _, _, fit = fitted
        assert from_json(to_json(fit.policy), Policy) == fit.policy

    def test_the_seeds_rule_still_holds(
        self, fitted: tuple[list[Example], list[Feature], Fit]
    ) -> None:
        _, _, fit = fitted
        assert {c.value for c in fit.policy.required} >= {"need", "budget", "timeframe"}
        assert fit.report.not_required == ()
        fresh = Evidence(signals={"total_visits": 25})
        assert _decide(fit.policy, Example(evidence=fresh, outcome=False)).verdict in (
            Verdict.UNDETERMINED,
            Verdict.DISQUALIFIED,
        )
        assert (
            _decide(fit.policy, Example(evidence=fresh, outcome=False)).verdict
            is Verdict.UNDETERMINED
        )


def _shared_history(rows: int = 400) -> list[Example]:
    """Need drives the outcome; visits are missing on a third of the rows."""
    examples: list[Example] = []
    levels = [NeedLevel.LATENT, NeedLevel.EXPRESSED, NeedLevel.STRONG]
    for i in range(rows):
        need = levels[i % 3]
        visits = None if i % 3 == 1 and i % 2 else i % 17
        signals: dict[str, int | str] = {} if visits is None else {"visits": visits}
        if i % 5 == 0:
            signals["origin"] = "Rare Origin" if i % 50 == 0 else "Web"
        evidence = Evidence(
            need=NeedEvidence(level=need),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE),
            timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
            signals=signals,
        )
        outcome = (i * 7919) % 10 < (2, 5, 8)[i % 3]
        examples.append(Example(evidence=evidence, outcome=outcome))
    return examples


VISITS = Feature(name="visits", kind="number")
ORIGIN = Feature(name="origin", kind="category")


class TestBins:
    def test_rows_without_a_value_get_a_bin_of_their_own(self) -> None:
        examples = _shared_history()
        missing = sum(1 for e in examples if e.evidence.signal("visits") is None)
        fit = learn(examples, [VISITS], folds=0)
        report = next(f for f in fit.report.features if f.name == "visits")
        unknown = next(b for b in report.bins if b.code == "signal.visits.unknown")
        assert unknown.rows == missing > 0
        assert sum(b.rows for b in report.bins) == len(examples)

    def test_rare_categories_are_pooled_into_other(self) -> None:
        examples = _shared_history()
        origins = [e.evidence.signal("origin") for e in examples]
        rare = sum(1 for o in origins if o is not None and o.value == "Rare Origin")
        fit = learn(examples, [ORIGIN], folds=0, min_category_share=0.05)
        report = next(f for f in fit.report.features if f.name == "origin")
        codes = {b.code: b.rows for b in report.bins}
        assert "signal.origin.rare_origin" not in codes
        assert codes["signal.origin.other"] == rare > 0

    def test_a_criterions_known_levels_never_lose_points_as_they_rise(self) -> None:
        fit = learn(_shared_history(), [VISITS], folds=0)
        rule = fit.policy.need
        known = sorted((lvl for lvl, _ in rule.points if lvl.rank > 0), key=lambda lvl: lvl.rank)
        points = [rule.points_for(lvl) for lvl in known]
        assert points == sorted(points)
        # Strong need converts most in this history: it earns the need's weight.
        assert rule.points_for(NeedLevel.STRONG) == rule.weight > 0

    def test_a_monotone_signal_never_loses_points_as_its_value_rises(self) -> None:
        # The outcome falls and rises with visits (a U); declared increasing, the points
        # may only rise, so the fit ties the bins that would break the order.
        examples = []
        for i in range(600):
            visits = i % 20
            outcome = (i * 31) % 100 < (70 if visits < 4 else 20 if visits < 12 else 80)
            examples.append(Example(evidence=Evidence(signals={"visits": visits}), outcome=outcome))
        rising = learn(
            examples,
            [Feature(name="visits", kind="number", monotone="increasing")],
            folds=0,
            required=(),
        )
        free = learn(examples, [VISITS], folds=0, required=())
        signal = rising.policy.signals[0]
        assert isinstance(signal, NumericSignal)
        assert list(signal.points) == sorted(signal.points)
        loose = free.policy.signals[0]
        assert isinstance(loose, NumericSignal)
        assert list(loose.points) != sorted(loose.points)


class TestObjectives:
    def test_qualify_top_qualifies_about_that_share(self) -> None:
        examples, features = _history(800, seed=4)
        fit = learn(examples, features, folds=0, objective=QualifyTop(0.1), required=())
        qualified = sum(1 for e in examples if _decide(fit.policy, e).verdict is Verdict.QUALIFIED)
        assert qualified / len(examples) == pytest.approx(fit.report.thresholds.qualified_share)
        # Whole points tie rows, so the share is near, not exact.
        assert abs(qualified / len(examples) - 0.1) < 0.04

    def test_target_precision_is_reached_on_the_training_rows(self) -> None:
        examples, features = _history(800, seed=4)
        fit = learn(examples, features, folds=0, objective=TargetPrecision(0.7), required=())
        chosen = [e for e in examples if _decide(fit.policy, e).verdict is Verdict.QUALIFIED]
        assert chosen
        assert sum(e.outcome for e in chosen) / len(chosen) >= 0.7
        # One point lower would have missed the target (or qualified no more rows).
        lower = learn(
            examples,
            features,
            folds=0,
            objective=FixedThreshold(fit.policy.threshold - 1),
            required=(),
        )
        more = [e for e in examples if _decide(lower.policy, e).verdict is Verdict.QUALIFIED]
        assert len(more) == len(chosen) or sum(e.outcome for e in more) / len(more) < 0.7

    def test_a_fixed_threshold_is_kept(self) -> None:
        examples, features = _history(300, seed=5)
        assert (
            learn(examples, features, folds=0, objective=FixedThreshold(40)).policy.threshold == 40
        )

    def test_learning_without_a_requirement_is_reported(self) -> None:
        examples, features = _history(300, seed=5)
        fit = learn(examples, features, folds=0, required=["need", "budget"])
        assert fit.report.not_required == ("timeframe",)
        assert not fit.policy.timeframe.required
        assert "Learned without requiring timeframe" in fit.report.to_text()


class TestTheReport:
    def test_cross_validation_reports_held_out_quality(self) -> None:
        examples, features = _history(400, seed=6)
        fit = learn(examples, features, folds=4)
        cv = fit.report.cross_validation
        assert cv is not None
        assert cv.folds == 4
        assert cv.auc is not None
        assert 0.5 < cv.auc < 1
        assert 0 < cv.brier < 0.25
        assert sum(row.rows for row in cv.reliability) == len(examples)
        assert fit.report.auc == cv.auc

    def test_its_json_is_plain_data_and_its_text_names_every_feature(
        self, fitted: tuple[list[Example], list[Feature], Fit]
    ) -> None:
        _, features, fit = fitted
        data = json.loads(json.dumps(fit.report.to_dict()))
        assert data["rows"] == fit.report.rows
        assert [f["name"] for f in data["features"]] == [f.name for f in fit.report.features]
        first = data["features"][0]["bins"][0]
        assert set(first) >= {"code", "label", "rows", "positives", "points", "rate"}
        text = fit.report.to_text()
        for feature in features:
            assert f"\n{feature.name} (" in text

    def test_a_signal_filled_in_after_the_outcome_is_flagged(self) -> None:
        examples, features = _history(400, seed=7)
        leaky = [
            Example(
                evidence=Evidence(
                    need=e.evidence.need,
                    budget=e.evidence.budget,
                    timeframe=e.evidence.timeframe,
                    signals={
                        **dict(e.evidence.signals),
                        "stage_reached": "won" if e.outcome else "lost",
                    },
                ),
                outcome=e.outcome,
                contact=e.contact,
                as_of=e.as_of,
            )
            for e in examples
        ]
        fit = learn(leaky, [*features, Feature(name="stage_reached", kind="category")], folds=0)
        assert any("stage_reached" in w and "leakage" in w for w in fit.report.warnings)
        clean = learn(examples, features, folds=0)
        assert not any("leakage" in w for w in clean.report.warnings)

    def test_naive_bayes_is_offered_too(self) -> None:
        examples, features = _history(400, seed=8)
        fit = learn(examples, features, method="naive_bayes", folds=0)
        assert fit.report.method == "naive_bayes"
        assert fit.policy.calibration is not None


class TestRefusals:
    def test_a_history_of_one_outcome(self) -> None:
        examples = [Example(evidence=Evidence(), outcome=True)] * 5
        with pytest.raises(InvalidFieldError) as caught:
            learn(examples, folds=0)
        assert caught.value.field == "history"

    def test_a_value_of_the_wrong_kind_names_the_row_and_the_signal(self) -> None:
        examples = _shared_history(30)
        bad = Example(evidence=Evidence(signals={"visits": "many"}), outcome=True)
        with pytest.raises(InvalidFieldError) as caught:
            learn([*examples[:3], bad, *examples[3:]], [VISITS], folds=0)
        assert caught.value.field == "history[3].evidence.signals.visits"
        assert caught.value.value == "many"

    def test_a_feature_named_as_a_criterion(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            learn(_shared_history(30), [Feature(name="need", kind="number")], folds=0)
        assert caught.value.field == "features[0].name"

    @pytest.mark.parametrize("folds", [1, -2])
    def test_folds_that_cannot_cross_validate(self, folds: int) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            learn(_shared_history(30), folds=folds)
        assert caught.value.field == "folds"

    def test_an_item_that_is_not_an_example(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            learn([*_shared_history(5), {"outcome": 1}], folds=0)  # type: ignore[list-item]
        assert caught.value.field == "history[5]"

    def test_an_unknown_method(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            learn(_shared_history(30), method="forest", folds=0)  # type: ignore[arg-type]
        assert caught.value.field == "method"


# ----------------------------------------------------------------------------------------
# The command line
# ----------------------------------------------------------------------------------------


def _write_history(
    path: Path, rows: Sequence[dict[str, str]], *, rename: dict[str, str] | None = None
) -> None:
    names = list(rows[0])
    header = [(rename or {}).get(n, n) for n in names]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[n] for n in names])


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli_main(argv)
    out, err = capsys.readouterr()
    return status, out, err


class TestTheCommandLine:
    def test_learn_then_qualify_with_probability(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        made = histories.generate(300, seed=9)
        history = tmp_path / "history.csv"
        _write_history(history, list(made.rows))
        learned = tmp_path / "learned.toml"
        report = tmp_path / "report.json"
        status, out, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--signal",
                "total_visits:number",
                "--signal",
                "lead_origin",
                "--qualify-top",
                "25%",
                "-o",
                str(learned),
                "--report",
                str(report),
                "--folds",
                "3",
            ],
            capsys,
        )
        assert status == 0, err
        assert "300 rows: 300 examples, 0 rejected" in err
        assert "Held out (3-fold cross-validation)" in out
        assert json.loads(report.read_text())["rows"] == 300
        status, out, err = _run(["policy", "show", str(learned), "--format", "json"], capsys)
        assert status == 0, err
        shown = from_json(out, Policy)
        assert shown.calibration is not None
        assert [s.name for s in shown.signals] == ["total_visits", "lead_origin"]
        status, out, err = _run(
            ["qualify", str(history), "--policy", str(learned), "--as-of", "2026-12-01T00:00:00Z"],
            capsys,
        )
        rows = [json.loads(line) for line in out.splitlines()]
        assert len(rows) == 300
        assert all(0 <= r["probability"] <= 1 for r in rows)

    def test_spreadsheet_headers_name_their_signals(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        made = histories.generate(200, seed=10)
        history = tmp_path / "history.csv"
        _write_history(history, list(made.rows), rename={"total_visits": "Total Visits"})
        learned = tmp_path / "learned.json"
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--signal",
                "Total Visits",
                "-o",
                str(learned),
                "--folds",
                "0",
            ],
            capsys,
        )
        assert status == 0, err
        policy = from_json(learned.read_text(), Policy)
        assert [s.name for s in policy.signals] == ["total_visits"]
        assert isinstance(policy.signals[0], NumericSignal)  # inferred from the values
        status, out, err = _run(
            ["qualify", str(history), "--policy", str(learned), "--as-of", "2026-12-01T00:00:00Z"],
            capsys,
        )
        assert "unknown columns" in err
        assert "converted" in err
        assert "Total Visits" not in err
        codes = Counter(json.loads(line)["total_visits_code"] for line in out.splitlines())
        blank = sum(1 for row in made.rows if not row["total_visits"].strip())
        assert codes["signal.total_visits.unknown"] == blank < 200

    def test_rows_with_a_bad_outcome_are_reported_and_the_rest_learned_from(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        rows = [dict(r) for r in histories.generate(120, seed=11).rows]
        rows[4]["converted"] = "maybe"
        rows[9]["converted"] = ""
        history = tmp_path / "history.csv"
        _write_history(history, rows)
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "-o",
                str(tmp_path / "p.toml"),
                "--folds",
                "0",
            ],
            capsys,
        )
        assert status == 1
        assert "row 5 (line 6): $.converted: expected 1/0" in err
        assert "row 10 (line 11): $.converted: the outcome is missing" in err
        assert "120 rows: 118 examples, 2 rejected" in err
        assert (tmp_path / "p.toml").exists()

    def test_a_history_needs_no_contact_identity(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # An export of leads with outcomes, without names, e-mails or creation times.
        history = tmp_path / "bare.csv"
        lines = ["Lead Origin,TotalVisits,Converted"]
        lines += [
            f"{'API' if i % 3 else 'Lead Add Form'},{i % 7},{int(i % 3 == 0 or i % 5 == 0)}"
            for i in range(60)
        ]
        history.write_text("\n".join(lines) + "\n", encoding="utf-8")
        learned = tmp_path / "bare.json"
        status, out, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "Converted",
                "--signal",
                "Lead Origin",
                "--signal",
                "TotalVisits",
                "--not-required",
                "need",
                "--not-required",
                "budget",
                "--not-required",
                "timeframe",
                "-o",
                str(learned),
                "--folds",
                "0",
            ],
            capsys,
        )
        assert status == 0, err
        assert "60 rows: 60 examples, 0 rejected" in err
        policy = from_json(learned.read_text(), Policy)
        assert [s.name for s in policy.signals] == ["lead_origin", "totalvisits"]
        assert policy.required == ()
        assert "Learned without requiring need, budget, timeframe" in out

    def test_plots_are_pictures_of_the_report(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        pytest.importorskip("matplotlib")
        history = tmp_path / "history.csv"
        _write_history(history, list(histories.generate(200, seed=12).rows))
        plots = tmp_path / "plots"
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "--signal",
                "total_visits",
                "-o",
                str(tmp_path / "p.toml"),
                "--folds",
                "3",
                "--plots",
                str(plots),
            ],
            capsys,
        )
        assert status == 0, err
        for name in ("reliability.png", "points.png"):
            assert (plots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    def test_plots_without_matplotlib_are_a_usage_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
        history = tmp_path / "history.csv"
        _write_history(history, list(histories.generate(60, seed=13).rows))
        status, _, err = _run(
            [
                "learn",
                str(history),
                "--outcome",
                "converted",
                "-o",
                str(tmp_path / "p.toml"),
                "--folds",
                "0",
                "--plots",
                str(tmp_path / "plots"),
            ],
            capsys,
        )
        assert status == 2
        assert 'pip install "leadflow[plots]"' in err

    def test_a_policy_file_must_be_toml_or_json(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        history = tmp_path / "history.csv"
        _write_history(history, list(histories.generate(20, seed=1).rows))
        status, _, err = _run(
            ["learn", str(history), "--outcome", "converted", "-o", str(tmp_path / "p.yaml")],
            capsys,
        )
        assert status == 2
        assert ".toml or .json" in err


def test_a_number_read_from_text_is_exact() -> None:
    # A signal value read from a record is an exact Decimal; the learned edges are values
    # of the data, so a value on an edge lands in the bin the edge opens.
    examples = [
        Example(evidence=Evidence(signals={"x": SignalObservation(value=Decimal(v))}), outcome=o)
        for v, o in [("0.1", False), ("0.2", True)] * 40
    ]
    fit = learn(
        examples, [Feature(name="x", kind="number")], folds=0, required=(), min_bin_share=0.1
    )
    signal = fit.policy.signals[0]
    assert isinstance(signal, NumericSignal)
    assert signal.edges == (Decimal("0.2"),)
    decision = qualify(CONTACT, examples[1].evidence, fit.policy, as_of=AS_OF)
    assert decision.signal("x").code == "signal.x.bin_2"
