"""Evidence levels, decision authority from role and process, and evidence validation."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, timezone
from enum import Enum

import pytest

from leadflow import (
    AuthorityEvidence,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    Criterion,
    Evidence,
    InvalidFieldError,
    Money,
    NaiveDatetimeError,
    NeedEvidence,
    NeedLevel,
    PromotionSignals,
    PurchaseProcess,
    PurchaseRole,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    WrongTypeError,
    authority_level,
)

UTC = timezone.utc
SEEN = datetime(2026, 2, 10, 14, 30, tzinfo=UTC)
NAIVE = datetime(2026, 2, 10, 14, 30)

# Every level enum, weakest first, written out by hand from the domain: not knowing is the
# weakest, then the levels in rising strength.
STRENGTH_ORDER: dict[type[Enum], list[str]] = {
    NeedLevel: ["unknown", "none", "latent", "expressed", "strong"],
    BudgetLevel: ["unknown", "none", "insufficient", "available", "approved"],
    TimeframeLevel: [
        "unknown",
        "later",
        "this_year",
        "next_quarter",
        "this_quarter",
        "immediate",
    ],
    AuthorityLevel: ["unknown", "none", "adviser", "influencer", "shared", "decider"],
    RelationshipLevel: ["unknown", "none", "contacted", "established"],
    RequirementsLevel: ["unknown", "general", "specified"],
    TermsLevel: ["unknown", "not_discussed", "pricing", "payment_terms", "contract"],
    SupplierStatus: ["unknown", "retained", "evaluating", "no_supplier", "dropped"],
}

# Strength classes by hand: position in the order, except that having no supplier to
# displace is as good a sign as having dropped one.
STRENGTH: dict[type[Enum], list[int]] = {
    kind: list(range(len(order))) for kind, order in STRENGTH_ORDER.items()
}
STRENGTH[SupplierStatus] = [0, 1, 2, 3, 3]

LEVEL_PAIRS = [
    (kind, a, b) for kind in STRENGTH_ORDER for a, b in itertools.product(list(kind), repeat=2)
]

# Decision authority from the contact's role and the buying party's process, by hand.
R, P, A = PurchaseRole, PurchaseProcess, AuthorityLevel
AUTHORITY_TABLE = [
    (R.UNKNOWN, P.UNKNOWN, A.UNKNOWN),
    (R.UNKNOWN, P.INDIVIDUAL, A.UNKNOWN),
    (R.UNKNOWN, P.COMMITTEE, A.UNKNOWN),
    (R.USER, P.UNKNOWN, A.NONE),
    (R.USER, P.INDIVIDUAL, A.NONE),
    (R.USER, P.COMMITTEE, A.NONE),
    (R.ADVISER, P.UNKNOWN, A.ADVISER),
    (R.ADVISER, P.INDIVIDUAL, A.ADVISER),
    (R.ADVISER, P.COMMITTEE, A.ADVISER),
    (R.INFLUENCER, P.UNKNOWN, A.INFLUENCER),
    (R.INFLUENCER, P.INDIVIDUAL, A.INFLUENCER),
    (R.INFLUENCER, P.COMMITTEE, A.INFLUENCER),
    (R.DECISION_MAKER, P.UNKNOWN, A.DECIDER),
    (R.DECISION_MAKER, P.INDIVIDUAL, A.DECIDER),
    (R.DECISION_MAKER, P.COMMITTEE, A.SHARED),
]


class TestLevelOrder:
    @pytest.mark.parametrize(("kind", "order"), STRENGTH_ORDER.items())
    def test_levels_are_defined_from_the_weakest_to_the_strongest(
        self, kind: type[Enum], order: list[str]
    ) -> None:
        assert [member.value for member in kind] == order

    @pytest.mark.parametrize(("kind", "strength"), STRENGTH.items())
    def test_rank_rises_with_the_definition_order(
        self, kind: type[Enum], strength: list[int]
    ) -> None:
        ranks = [member.rank for member in kind]  # type: ignore[attr-defined]

        for (rank, weaker), (next_rank, stronger) in itertools.pairwise(
            zip(ranks, strength, strict=True)
        ):
            assert (rank < next_rank) == (weaker < stronger)
            assert (rank == next_rank) == (weaker == stronger)

    @pytest.mark.parametrize("kind", STRENGTH_ORDER)
    def test_unknown_is_the_weakest_level_everywhere(self, kind: type[Enum]) -> None:
        unknown = kind("unknown")

        assert unknown.rank == 0  # type: ignore[attr-defined]
        for member in kind:
            assert member.at_least(unknown)  # type: ignore[attr-defined]
            assert unknown.at_least(member) == (member is unknown)  # type: ignore[attr-defined]

    @pytest.mark.parametrize(("kind", "a", "b"), LEVEL_PAIRS)
    def test_at_least_agrees_with_rank(self, kind: type[Enum], a: Enum, b: Enum) -> None:
        strength = dict(zip(kind, STRENGTH[kind], strict=True))

        assert a.at_least(b) == (strength[a] >= strength[b])  # type: ignore[attr-defined]

    def test_no_supplier_to_displace_is_as_good_as_a_dropped_one(self) -> None:
        assert SupplierStatus.NO_SUPPLIER.rank == SupplierStatus.DROPPED.rank
        assert SupplierStatus.NO_SUPPLIER.at_least(SupplierStatus.DROPPED)
        assert SupplierStatus.DROPPED.at_least(SupplierStatus.NO_SUPPLIER)
        assert not SupplierStatus.EVALUATING.at_least(SupplierStatus.NO_SUPPLIER)

    def test_levels_of_a_criterion_are_not_comparable_with_the_builtin_operators(self) -> None:
        # Strength is asked for explicitly (at_least), never through `<` on enum members.
        with pytest.raises(TypeError):
            _ = NeedLevel.LATENT < NeedLevel.STRONG  # type: ignore[operator]


class TestAuthority:
    @pytest.mark.parametrize(("role", "process", "expected"), AUTHORITY_TABLE)
    def test_authority_comes_from_role_and_purchase_process(
        self, role: PurchaseRole, process: PurchaseProcess, expected: AuthorityLevel
    ) -> None:
        assert authority_level(role, process) is expected

    def test_the_table_covers_every_role_and_process(self) -> None:
        covered = {(role, process) for role, process, _ in AUTHORITY_TABLE}

        assert covered == set(itertools.product(PurchaseRole, PurchaseProcess))

    def test_a_decision_maker_on_a_committee_has_less_say_than_one_deciding_alone(self) -> None:
        alone = authority_level(R.DECISION_MAKER, P.INDIVIDUAL)
        committee = authority_level(R.DECISION_MAKER, P.COMMITTEE)

        assert alone.at_least(committee)
        assert not committee.at_least(alone)


class TestEvidenceValues:
    def test_empty_evidence_knows_nothing_on_every_criterion(self) -> None:
        evidence = Evidence()

        assert evidence.need.level is NeedLevel.UNKNOWN
        assert evidence.budget.level is BudgetLevel.UNKNOWN
        assert evidence.budget.amount is None
        assert evidence.timeframe.level is TimeframeLevel.UNKNOWN
        assert evidence.timeframe.decision_date is None
        assert evidence.authority.process is PurchaseProcess.UNKNOWN
        for criterion in Criterion:
            assert evidence.observed(criterion) is None

    def test_each_part_is_found_by_its_criterion(self) -> None:
        need = NeedEvidence(level=NeedLevel.STRONG, observed_at=SEEN)
        budget = BudgetEvidence(level=BudgetLevel.AVAILABLE)
        evidence = Evidence(need=need, budget=budget)

        assert evidence.part(Criterion.NEED) is need
        assert evidence.part(Criterion.BUDGET) is budget
        assert evidence.observed(Criterion.NEED) == SEEN
        assert evidence.observed(Criterion.BUDGET) is None

    def test_a_budget_may_be_zero(self) -> None:
        budget = BudgetEvidence(level=BudgetLevel.NONE, amount=Money(0, "EUR"))

        assert budget.amount == Money(0, "EUR")

    def test_a_budget_is_never_negative(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=Money("-0.01", "EUR"))

        assert caught.value.field == "amount"
        assert caught.value.value == Money("-0.01", "EUR")

    def test_a_budget_amount_must_be_money(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            BudgetEvidence(level=BudgetLevel.AVAILABLE, amount=5000)  # type: ignore[arg-type]

        assert caught.value.field == "amount"

    @pytest.mark.parametrize(
        "build",
        [
            lambda: NeedEvidence(level=NeedLevel.STRONG, observed_at=NAIVE),
            lambda: BudgetEvidence(level=BudgetLevel.APPROVED, observed_at=NAIVE),
            lambda: TimeframeEvidence(level=TimeframeLevel.IMMEDIATE, observed_at=NAIVE),
            lambda: AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL, observed_at=NAIVE),
            lambda: PromotionSignals(observed_at=NAIVE),
        ],
        ids=["need", "budget", "timeframe", "authority", "signals"],
    )
    def test_a_naive_observation_time_is_rejected(self, build: Callable[[], object]) -> None:
        with pytest.raises(NaiveDatetimeError) as caught:
            build()

        assert caught.value.field == "observed_at"
        assert caught.value.value == NAIVE

    def test_an_observation_time_must_be_a_datetime(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            NeedEvidence(level=NeedLevel.STRONG, observed_at=date(2026, 2, 10))  # type: ignore[arg-type]

        assert caught.value.field == "observed_at"

    def test_a_decision_date_is_a_date_not_a_datetime(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            TimeframeEvidence(decision_date=SEEN)

        assert caught.value.field == "decision_date"
        assert caught.value.value == SEEN

    def test_a_decision_date_is_kept_as_given(self) -> None:
        assert TimeframeEvidence(decision_date=date(2026, 8, 20)).decision_date == date(2026, 8, 20)

    @pytest.mark.parametrize(
        ("build", "field"),
        [
            (lambda: NeedEvidence(level=BudgetLevel.APPROVED), "level"),  # type: ignore[arg-type]
            (lambda: BudgetEvidence(level=NeedLevel.STRONG), "level"),  # type: ignore[arg-type]
            (lambda: PromotionSignals(terms=RelationshipLevel.ESTABLISHED), "terms"),  # type: ignore[arg-type]
            (lambda: Evidence(need=BudgetEvidence()), "need"),  # type: ignore[arg-type]
            (lambda: Evidence(timeframe=None), "timeframe"),  # type: ignore[arg-type]
        ],
        ids=[
            "need-level-of-budget",
            "budget-level-of-need",
            "terms-of-relationship",
            "need-part-of-budget",
            "missing-timeframe-part",
        ],
    )
    def test_a_level_of_the_wrong_kind_is_a_wrong_type(
        self, build: Callable[[], object], field: str
    ) -> None:
        with pytest.raises(WrongTypeError) as caught:
            build()

        assert caught.value.field == field

    def test_notes_must_not_be_blank(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            NeedEvidence(level=NeedLevel.LATENT, note="   ")

        assert caught.value.field == "note"

    def test_signals_default_to_unknown(self) -> None:
        signals = PromotionSignals()

        assert signals.relationship is RelationshipLevel.UNKNOWN
        assert signals.requirements is RequirementsLevel.UNKNOWN
        assert signals.terms is TermsLevel.UNKNOWN
        assert signals.supplier is SupplierStatus.UNKNOWN
        assert signals.observed_at is None
