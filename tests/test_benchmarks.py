"""The benchmark suite computes what it claims to: every path agrees with the hand-written one.

Correctness only: nothing here is timed. The benchmark itself is
``python -m benchmarks.run`` (see docs/performance.md).
"""

from __future__ import annotations

import itertools
import math
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(ROOT))

from benchmarks import data, duplicates, handwritten, imported  # noqa: E402  # needs the repository on the path
from benchmarks.paths import PATHS  # noqa: E402
from benchmarks.peers.runner import levels_as_of  # noqa: E402

from leadflow import BANT, AuthorityLevel, BudgetLevel, Criterion, NeedLevel, TimeframeLevel  # noqa: E402

SAMPLE = list(data.records(600, seed=7))


@pytest.fixture(scope="module")
def verdicts() -> dict[str, list[tuple[str, int]]]:
    return {path.key: path.verdicts(path.run(path.prepare(SAMPLE), data.AS_OF)) for path in PATHS}


class TestGeneratedInput:
    def test_the_same_seed_gives_the_same_records(self) -> None:
        assert list(data.records(50, seed=3)) == list(data.records(50, seed=3))
        assert list(data.records(50, seed=3)) != list(data.records(50, seed=4))

    def test_the_sample_reaches_every_verdict_stale_evidence_and_decision_dates(
        self, verdicts: dict[str, list[tuple[str, int]]]
    ) -> None:
        # Without these, agreement on the sample would prove little.
        assert set(Counter(verdict for verdict, _ in verdicts["a"])) == {
            "qualified",
            "nurture",
            "undetermined",
            "disqualified",
        }
        cutoff = data.AS_OF - handwritten.FRESHNESS
        ready = [data.ready(record) for record in SAMPLE]
        assert any(r["need_observed_at"] and r["need_observed_at"] < cutoff for r in ready)
        assert any(r["decision_date"] is not None for r in ready)
        assert any(r["need_observed_at"] and r["need_observed_at"].utcoffset() for r in ready)


class TestEveryPathAgreesWithTheHandWrittenOne:
    @pytest.mark.parametrize("key", [path.key for path in PATHS if path.key != "a"])
    def test_same_verdict_and_score_on_every_record(
        self, key: str, verdicts: dict[str, list[tuple[str, int]]]
    ) -> None:
        assert len(verdicts[key]) == len(SAMPLE)
        mismatches = [
            (index, mine, theirs)
            for index, (mine, theirs) in enumerate(zip(verdicts[key], verdicts["a"], strict=True))
            if mine != theirs
        ]
        assert mismatches == []


class TestHandWrittenTablesAreBant:
    @pytest.mark.parametrize(
        ("criterion", "table"),
        [
            (Criterion.NEED, handwritten.NEED_POINTS),
            (Criterion.BUDGET, handwritten.BUDGET_POINTS),
            (Criterion.TIMEFRAME, handwritten.TIMEFRAME_POINTS),
            (Criterion.AUTHORITY, handwritten.AUTHORITY_POINTS),
        ],
    )
    def test_each_level_earns_the_points_the_bant_preset_publishes(
        self, criterion: Criterion, table: dict[str, int]
    ) -> None:
        assert table == {level.value: points for level, points in BANT.rule(criterion).points}

    def test_the_met_levels_are_the_minimums_and_stronger(self) -> None:
        for met, minimum in (
            (handwritten.NEED_MET, BANT.need.minimum),
            (handwritten.BUDGET_MET, BANT.budget.minimum),
            (handwritten.TIMEFRAME_MET, BANT.timeframe.minimum),
        ):
            assert met == {level.value for level in type(minimum) if level.at_least(minimum)}
        assert (
            BANT.threshold,
            BANT.nurture_threshold,
        ) == (handwritten.THRESHOLD, handwritten.NURTURE_THRESHOLD)
        assert BANT.freshness == handwritten.FRESHNESS
        assert BANT.horizon_days == handwritten.HORIZON_DAYS


class TestPeerMappings:
    def test_glsm_weights_and_points_reproduce_bant_scores(self) -> None:
        # glsm scores sum(w_i**2 * p_i) / sum(w_j**2); the runner gives each criterion
        # w = sqrt(BANT weight) and each level p = 100 * points / weight.
        tables = {
            "need": (handwritten.NEED_POINTS, 30),
            "budget": (handwritten.BUDGET_POINTS, 30),
            "timeframe": (handwritten.TIMEFRAME_POINTS, 25),
            "authority": (handwritten.AUTHORITY_POINTS, 15),
        }
        magnitude = sum(math.sqrt(weight) ** 2 for _, weight in tables.values())
        for levels in itertools.product(*(table for table, _ in tables.values())):
            glsm = sum(
                (math.sqrt(weight) ** 2 / magnitude) * (100 * table[level] / weight)
                for level, (table, weight) in zip(levels, tables.values(), strict=True)
            )
            bant = sum(
                table[level] for level, (table, _) in zip(levels, tables.values(), strict=True)
            )
            assert round(round(glsm, 2)) == bant

    def test_the_glsm_glue_sees_the_levels_path_a_sees(self) -> None:
        cutoff, today = data.AS_OF - handwritten.FRESHNESS, data.AS_OF.date()
        for record in SAMPLE:
            ready = data.ready(record)
            levels = levels_as_of(ready, cutoff, today)
            score = sum(
                table[levels[name]]
                for name, table in (
                    ("need", handwritten.NEED_POINTS),
                    ("budget", handwritten.BUDGET_POINTS),
                    ("timeframe", handwritten.TIMEFRAME_POINTS),
                    ("authority", handwritten.AUTHORITY_POINTS),
                )
            )
            [(_, expected)] = handwritten.decide_all([ready], data.AS_OF)
            assert score == expected

    def test_levels_are_leadflows_level_values(self) -> None:
        for enum, table in (
            (NeedLevel, handwritten.NEED_POINTS),
            (BudgetLevel, handwritten.BUDGET_POINTS),
            (TimeframeLevel, handwritten.TIMEFRAME_POINTS),
            (AuthorityLevel, handwritten.AUTHORITY_POINTS),
        ):
            assert list(table) == [level.value for level in enum]


class TestDuplicatesBenchmark:
    def test_the_planted_duplicates_are_one_person_and_all_found(self) -> None:
        records, who = duplicates.contacts(2000, seed=11)
        found = duplicates.run((1000, 2000), repeat=1)

        assert len(records) == len(who) == 2000
        # The generator plants a second record of one person in five.
        assert 250 <= len(who) - len(set(who)) <= 450
        assert [r["contacts"] for r in found["runs"]] == [1000, 2000]
        assert all(r["recall"] == 1.0 for r in found["runs"])
        assert all(r["planted_pairs"] > 100 for r in found["runs"])


class TestImportedBenchmark:
    def test_both_pipelines_hold_the_same_deals_at_the_same_stages(self) -> None:
        import json
        import random

        rng = random.Random(3)
        deals = [imported._deal(rng, n) for n in range(60)]

        one, other = imported.imported(deals), imported.through_the_moves(deals)

        stages = [[json.loads(line)["stage"] for line in lines] for lines in (one, other)]
        assert stages[0] == stages[1] == [d["outcome"].value for d in deals]
        assert all(json.loads(line)["history"][0]["type"] == "OpportunityImported" for line in one)
        assert all(json.loads(line)["history"][0]["type"] == "LeadQualified" for line in other)
