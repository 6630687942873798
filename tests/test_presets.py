"""The ready-made policies do what the presets module's table says they do."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import leadflow.presets
from leadflow import (
    ANUM,
    BANT,
    CHAMP,
    DEFAULT_POLICY,
    FAINT,
    PRESETS,
    AuthorityEvidence,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    Criterion,
    Evidence,
    NeedEvidence,
    NeedLevel,
    Policy,
    PurchaseProcess,
    PurchaseRole,
    QualificationDecision,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    authority_level,
    qualify,
)
from leadflow import strategies as lfst
from support import ada, evidence_at

N, B, T, A = Criterion.NEED, Criterion.BUDGET, Criterion.TIMEFRAME, Criterion.AUTHORITY

AS_OF = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)

# The module docstring's table, restated: the criteria each preset requires, at what minimum.
REQUIRED: dict[str, dict[Criterion, Any]] = {
    "BANT": {N: NeedLevel.EXPRESSED, B: BudgetLevel.AVAILABLE, T: TimeframeLevel.THIS_YEAR},
    "ANUM": {A: AuthorityLevel.INFLUENCER, N: NeedLevel.EXPRESSED, T: TimeframeLevel.NEXT_QUARTER},
    "CHAMP": {N: NeedLevel.EXPRESSED, A: AuthorityLevel.INFLUENCER, T: TimeframeLevel.NEXT_QUARTER},
    "FAINT": {
        B: BudgetLevel.INSUFFICIENT,
        A: AuthorityLevel.INFLUENCER,
        N: NeedLevel.LATENT,
        T: TimeframeLevel.THIS_YEAR,
    },
}

# The order of each framework's letters, mapped onto the four criteria.
ORDER = {
    "BANT": (B, A, N, T),  # Budget, Authority, Need, Timeline
    "ANUM": (A, N, T, B),  # Authority, Need, Urgency, Money
    "CHAMP": (N, A, B, T),  # CHallenges, Authority, Money, Prioritization
    "FAINT": (B, A, N, T),  # Funds, Authority, Interest + Need, Timing
}

# Meeting only the required minimums, from each preset's weights and the shared scale
# (points = (weight * share + 50) // 100):
#   BANT:  need 75% of 30 = 23, budget 80% of 30 = 24, timeframe 50% of 25 = 13      -> 60
#   ANUM:  authority 55% of 30 = 17, need 75% of 30 = 23, timeframe 70% of 25 = 18   -> 58
#   CHAMP: need 75% of 35 = 26, authority 55% of 25 = 14, timeframe 70% of 25 = 18  -> 58
#   FAINT: budget 30% of 30 = 9, authority 55% of 25 = 14, need 35% of 25 = 9,
#          timeframe 50% of 20 = 10                                                  -> 42
MINIMUM_SCORE = {"BANT": 60, "ANUM": 58, "CHAMP": 58, "FAINT": 42}

# BANT's published scale, worked out by hand from its weights and the shares.
BANT_POINTS: dict[Criterion, dict[Any, int]] = {
    N: {
        NeedLevel.UNKNOWN: 0,
        NeedLevel.NONE: 0,
        NeedLevel.LATENT: 11,
        NeedLevel.EXPRESSED: 23,
        NeedLevel.STRONG: 30,
    },
    B: {
        BudgetLevel.UNKNOWN: 0,
        BudgetLevel.NONE: 0,
        BudgetLevel.INSUFFICIENT: 9,
        BudgetLevel.AVAILABLE: 24,
        BudgetLevel.APPROVED: 30,
    },
    T: {
        TimeframeLevel.UNKNOWN: 0,
        TimeframeLevel.LATER: 3,
        TimeframeLevel.THIS_YEAR: 13,
        TimeframeLevel.NEXT_QUARTER: 18,
        TimeframeLevel.THIS_QUARTER: 23,
        TimeframeLevel.IMMEDIATE: 25,
    },
    A: {
        AuthorityLevel.UNKNOWN: 0,
        AuthorityLevel.NONE: 0,
        AuthorityLevel.ADVISER: 5,
        AuthorityLevel.INFLUENCER: 8,
        AuthorityLevel.SHARED: 12,
        AuthorityLevel.DECIDER: 15,
    },
}

ROLE_PROCESS_PAIRS = tuple(itertools.product(PurchaseRole, PurchaseProcess))
# The simplest role and process giving each authority level.
AUTHORITY_OF: dict[Any, tuple[PurchaseRole, PurchaseProcess]] = {}
for _role, _process in ROLE_PROCESS_PAIRS:
    AUTHORITY_OF.setdefault(authority_level(_role, _process), (_role, _process))


def docstring_table() -> dict[str, str]:
    """The presets module's table: preset name -> its "required (minimum level)" cell."""
    lines = (leadflow.presets.__doc__ or "").splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("======")]
    starts = [m.start() for m in re.finditer("=+", lines[rules[0]])]
    rows: dict[str, str] = {}
    name = ""
    for line in lines[rules[1] + 1 : rules[2]]:
        name = line[: starts[1]].strip() or name
        rows[name] = (rows.get(name, "") + " " + line[starts[2] :].strip()).strip()
    return rows


def documented(cell: str) -> tuple[dict[Criterion, str], set[Criterion]]:
    """Parse a cell such as "need (expressed), ...; authority optional"."""
    required = {
        Criterion(criterion): level.replace(" ", "_")
        for criterion, level in re.findall(r"(\w+) \(([a-z ]+)(?::[^)]*)?\)", cell)
    }
    optional = {Criterion(c) for c in re.findall(r"(\w+) optional", cell)}
    return required, optional


def decide(policy: Policy, levels: dict[Criterion, Any]) -> QualificationDecision:
    """Qualify on named levels (fresh, undated), unknown where none is given."""
    role, process = AUTHORITY_OF[levels.get(A, AuthorityLevel.UNKNOWN)]
    evidence = evidence_at(
        levels.get(N, NeedLevel.UNKNOWN),
        levels.get(B, BudgetLevel.UNKNOWN),
        levels.get(T, TimeframeLevel.UNKNOWN),
        process,
    )
    return qualify(ada(role), evidence, policy, as_of=AS_OF)


NAMES = sorted(REQUIRED)


class TestTheTable:
    def test_the_docstring_lists_every_preset_and_nothing_else(self) -> None:
        assert sorted(docstring_table()) == NAMES == sorted(PRESETS)

    @pytest.mark.parametrize("name", NAMES)
    def test_the_docstring_states_each_presets_requirements(self, name: str) -> None:
        required, optional = documented(docstring_table()[name])

        assert required == {c: level.value for c, level in REQUIRED[name].items()}
        assert optional == set(Criterion) - set(REQUIRED[name])

    @pytest.mark.parametrize("name", NAMES)
    def test_each_preset_requires_what_the_table_says_at_the_minimum_it_says(
        self, name: str
    ) -> None:
        policy = PRESETS[name]

        assert set(policy.required) == set(REQUIRED[name])
        for criterion, minimum in REQUIRED[name].items():
            assert policy.rule(criterion).minimum is minimum
        for criterion in set(Criterion) - set(REQUIRED[name]):
            assert not policy.rule(criterion).required

    @pytest.mark.parametrize("name", NAMES)
    def test_each_preset_reports_the_criteria_in_the_order_of_its_letters(self, name: str) -> None:
        assert PRESETS[name].order == ORDER[name]
        assert PRESETS[name].name == name

    def test_presets_are_listed_by_name(self) -> None:
        assert PRESETS == {"BANT": BANT, "ANUM": ANUM, "CHAMP": CHAMP, "FAINT": FAINT}


class TestBant:
    def test_bant_is_the_default_policy(self) -> None:
        evidence = Evidence(need=NeedEvidence(level=NeedLevel.STRONG))

        assert DEFAULT_POLICY is BANT
        assert qualify(ada(), evidence, as_of=AS_OF) == qualify(ada(), evidence, BANT, as_of=AS_OF)

    def test_need_budget_and_timeframe_are_required_and_authority_is_not(self) -> None:
        assert set(BANT.required) == {N, B, T}
        assert not BANT.authority.required
        # Authority is optional but adds up to 15 points.
        assert BANT.authority.weight == 15

    def test_points_follow_the_published_scale(self) -> None:
        for criterion, points in BANT_POINTS.items():
            assert dict(BANT.rule(criterion).points) == points

    def test_meeting_exactly_the_required_minimums_scores_exactly_the_threshold(self) -> None:
        decision = decide(BANT, REQUIRED["BANT"])

        assert decision.score == 23 + 24 + 13 == BANT.threshold
        assert decision.qualified


class TestEveryPreset:
    @pytest.mark.parametrize("name", NAMES)
    def test_the_required_minimums_alone_qualify(self, name: str) -> None:
        decision = decide(PRESETS[name], REQUIRED[name])

        assert decision.score == MINIMUM_SCORE[name]
        assert decision.qualified

    @pytest.mark.parametrize(
        ("name", "criterion"),
        [(name, criterion) for name in NAMES for criterion in REQUIRED[name]],
    )
    def test_one_level_short_on_a_required_criterion_does_not_qualify(
        self, name: str, criterion: Criterion
    ) -> None:
        minimum = REQUIRED[name][criterion]
        below = next(m for m in type(minimum) if m.rank == minimum.rank - 1)
        strongest = {
            c: max((level for level in type(m)), key=lambda level: level.rank)
            for c, m in REQUIRED[name].items()
        }

        decision = decide(PRESETS[name], {**strongest, criterion: below})

        assert not decision.qualified
        assert decision.result(criterion).code == f"{criterion.value}.below_minimum"

    @pytest.mark.parametrize("name", NAMES)
    def test_every_preset_promotes_on_the_domains_signs(self, name: str) -> None:
        gate = PRESETS[name].promotion

        assert gate.relationship is RelationshipLevel.ESTABLISHED
        assert gate.requirements is RequirementsLevel.SPECIFIED
        assert gate.terms is TermsLevel.PAYMENT_TERMS
        assert gate.supplier is SupplierStatus.NO_SUPPLIER
        assert gate.need is NeedLevel.STRONG

    @pytest.mark.parametrize("name", NAMES)
    @given(data=st.data())
    def test_a_preset_asks_for_nothing_beyond_its_requirements(
        self, name: str, data: st.DataObject
    ) -> None:
        policy = PRESETS[name]
        levels: dict[Criterion, Any] = {}
        for criterion in (N, B, T):
            level_type = type(policy.rule(criterion).minimum)
            floor = REQUIRED[name].get(criterion, level_type.UNKNOWN)
            levels[criterion] = data.draw(
                st.sampled_from([m for m in level_type if m.rank >= floor.rank])
            )
        floor = REQUIRED[name].get(A, AuthorityLevel.UNKNOWN)
        role, process = data.draw(
            st.sampled_from(
                [(r, p) for r, p in ROLE_PROCESS_PAIRS if authority_level(r, p).rank >= floor.rank]
            )
        )
        evidence = Evidence(
            need=NeedEvidence(level=levels[N]),
            budget=BudgetEvidence(level=levels[B]),
            timeframe=TimeframeEvidence(level=levels[T]),
            authority=AuthorityEvidence(process=process),
        )
        as_of = data.draw(lfst.aware_datetimes(min_value=datetime(2026, 2, 1)))

        assert qualify(attrs.evolve(ada(), role=role), evidence, policy, as_of=as_of).qualified
