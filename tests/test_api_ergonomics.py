"""The API as a new user meets it: short signatures, Policy.evolve, sum() over Money,
decision.unmet, levels given by name and Evidence.of, parse_record at the front door.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import leadflow
from leadflow import (
    BANT,
    DEFAULT_POLICY,
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    CurrencyMismatchError,
    Evidence,
    InvalidFieldError,
    InvalidPolicyError,
    LeadflowError,
    LeadSource,
    Money,
    NeedEvidence,
    NeedLevel,
    OpportunityStage,
    Policy,
    PromotionRefusedError,
    PromotionSignals,
    PurchaseProcess,
    PurchaseRole,
    SignalObservation,
    Status,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    advance,
    can_promote,
    promote,
    qualify,
    qualify_many,
    reassess,
    requalify,
    to_lead,
)
from leadflow import strategies as lfst
from leadflow.learning import Example, learn

UTC = timezone.utc
AS_OF = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADA = Contact(name="Ada", email="ada@example.com", created_at=datetime(2026, 1, 5, tzinfo=UTC))


# ----------------------------------------------------------------------------------------
# 1. policy=None means the default policy, and the signature stays short
# ----------------------------------------------------------------------------------------

DEFAULTED: list[tuple[Callable[..., object], str]] = [
    (qualify, "policy"),
    (qualify_many, "policy"),
    (can_promote, "policy"),
    (promote, "policy"),
    (to_lead, "policy"),
    (reassess, "policy"),
    (requalify, "policy"),
    (advance, "policy"),
    (learn, "base"),
    (lfst.qualifying_signals, "policy"),
]


class TestDefaultPolicy:
    @pytest.mark.parametrize(
        ("function", "name"), DEFAULTED, ids=lambda x: getattr(x, "__name__", x)
    )
    def test_the_default_is_none_not_the_whole_policy(
        self, function: Callable[..., object], name: str
    ) -> None:
        signature = inspect.signature(function)

        assert signature.parameters[name].default is None
        assert len(str(signature.parameters[name])) < 40
        assert "Policy(" not in str(signature)

    @pytest.mark.parametrize(
        "function",
        [qualify, qualify_many, can_promote, to_lead, reassess, requalify, advance],
        ids=lambda f: f.__name__,
    )
    def test_a_signature_with_only_its_own_arguments_is_short(
        self, function: Callable[..., object]
    ) -> None:
        # promote and learn take many more arguments of their own; the test above
        # covers their policy parameter.
        assert len(str(inspect.signature(function))) < 200

    @given(lfst.aware_datetimes(min_value=datetime(2004, 1, 1)), st.data())
    def test_qualify_with_none_is_qualify_with_the_default_policy(
        self, as_of: datetime, data: st.DataObject
    ) -> None:
        contact = data.draw(lfst.contacts(created_before=as_of))
        evidence = data.draw(lfst.evidence(as_of))

        explicit = qualify(contact, evidence, DEFAULT_POLICY, as_of=as_of)

        assert qualify(contact, evidence, None, as_of=as_of) == explicit
        assert qualify(contact, evidence, as_of=as_of) == explicit

    @given(st.lists(lfst.evidence(AS_OF), max_size=4))
    def test_qualify_many_with_none_is_qualify_many_with_the_default_policy(
        self, many: list[Evidence]
    ) -> None:
        pairs = [(ADA, evidence) for evidence in many]

        defaulted = [r.decision() for r in qualify_many(pairs, None, as_of=AS_OF)]
        explicit = [r.decision() for r in qualify_many(pairs, DEFAULT_POLICY, as_of=AS_OF)]

        assert defaulted == explicit
        assert all(r.policy is DEFAULT_POLICY for r in qualify_many(pairs, as_of=AS_OF))

    @given(lfst.leads(), st.data())
    def test_the_lifecycle_moves_with_none_are_the_moves_with_the_default_policy(
        self, lead: leadflow.Lead, data: st.DataObject
    ) -> None:
        later = lead.updated_at + timedelta(days=1)
        evidence = data.draw(lfst.lead_evidence(later))

        assert to_lead(lead.contact, evidence, None, as_of=later) == to_lead(
            lead.contact, evidence, DEFAULT_POLICY, as_of=later
        )
        assert reassess(lead, evidence, None, as_of=later) == reassess(
            lead, evidence, DEFAULT_POLICY, as_of=later
        )
        nurtured, _ = leadflow.nurture(lead, as_of=later)
        assert requalify(nurtured, evidence, None, as_of=later) == requalify(
            nurtured, evidence, DEFAULT_POLICY, as_of=later
        )

    @given(lfst.leads(), st.data())
    def test_promotion_with_none_is_promotion_with_the_default_policy(
        self, lead: leadflow.Lead, data: st.DataObject
    ) -> None:
        later = lead.updated_at + timedelta(days=1)
        signals = data.draw(lfst.promotion_signals(later))

        def outcome(policy: Policy | None) -> object:
            try:
                return promote(lead, signals, policy, as_of=later)
            except PromotionRefusedError as refused:
                return refused.decision

        assert can_promote(lead, signals, None, as_of=later) == can_promote(
            lead, signals, DEFAULT_POLICY, as_of=later
        )
        assert outcome(None) == outcome(DEFAULT_POLICY)

    @given(lfst.opportunities())
    def test_advance_with_none_uses_the_default_policys_probabilities(
        self, opportunity: leadflow.Opportunity
    ) -> None:
        step = next(s for s in OpportunityStage if s is not opportunity.step)
        later = opportunity.updated_at + timedelta(days=1)

        moved, event = advance(opportunity, step, None, as_of=later)

        assert (moved, event) == advance(opportunity, step, DEFAULT_POLICY, as_of=later)
        assert (
            moved.probability
            == {
                OpportunityStage.QUALIFY: 20,
                OpportunityStage.DEVELOP: 40,
                OpportunityStage.PROPOSE: 60,
                OpportunityStage.CLOSE: 80,
            }[step]
        )

    def test_learn_without_a_base_starts_from_the_default_policy(self) -> None:
        history = [
            Example(evidence=Evidence.of(need=level, budget=budget), outcome=outcome)
            for level, budget, outcome in [
                ("strong", "approved", True),
                ("strong", "available", True),
                ("expressed", "available", True),
                ("latent", "none", False),
                ("none", "insufficient", False),
                ("expressed", "none", False),
            ]
            * 5
        ]

        assert (
            learn(history, folds=0, as_of=AS_OF).policy
            == learn(history, base=DEFAULT_POLICY, folds=0, as_of=AS_OF).policy
        )

    def test_a_policy_of_the_wrong_type_is_still_refused(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            qualify(ADA, Evidence(), "BANT", as_of=AS_OF)  # type: ignore[arg-type]

        assert caught.value.field == "policy"


# ----------------------------------------------------------------------------------------
# 2. Policy.evolve
# ----------------------------------------------------------------------------------------


class TestPolicyEvolve:
    def test_the_changes_are_made_and_the_rest_is_kept(self) -> None:
        strict = BANT.evolve(name="strict", threshold=70, horizon_days=180)

        assert (strict.name, strict.threshold, strict.horizon_days) == ("strict", 70, 180)
        assert strict.need == BANT.need
        assert strict.order == BANT.order
        assert (BANT.name, BANT.threshold, BANT.horizon_days) == ("BANT", 60, 365)

    def test_the_evolved_policy_decides_by_its_new_rules(self) -> None:
        # need expressed 23 + budget available 24 + timeframe this year 13 = 60 points.
        evidence = Evidence.of(need="expressed", budget="available", timeframe="this_year")

        assert qualify(ADA, evidence, as_of=AS_OF).verdict is Verdict.QUALIFIED
        stricter = qualify(ADA, evidence, BANT.evolve(threshold=61), as_of=AS_OF)
        assert stricter.verdict is Verdict.NURTURE
        assert stricter.threshold == 61

    def test_a_change_is_validated_like_a_new_policy(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            BANT.evolve(threshold=30, nurture_threshold=40)

        assert caught.value.field == "nurture_threshold"
        assert caught.value.value == 40

    def test_every_bad_change_is_listed(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            BANT.evolve(hot_score=101, horizon_days=0)

        assert {e.field for e in caught.value.errors} == {"hot_score", "horizon_days"}

    def test_an_unknown_name_is_a_policy_error_naming_it(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            BANT.evolve(treshold=70)

        assert caught.value.field == "treshold"
        assert caught.value.value == 70
        assert isinstance(caught.value, LeadflowError)
        assert "treshold" in str(caught.value)

    def test_every_unknown_name_is_listed(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            BANT.evolve(treshold=70, _engine=None, threshold=65)

        assert [e.field for e in caught.value.errors] == ["treshold", "_engine"]

    def test_the_compiled_parts_are_not_fields_to_change(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            BANT.evolve(_probabilities={})

        assert caught.value.field == "_probabilities"

    @given(lfst.policies())
    def test_evolving_with_no_changes_gives_an_equal_policy(self, policy: Policy) -> None:
        same = policy.evolve()

        assert same == policy
        assert qualify(ADA, Evidence(), same, as_of=AS_OF) == qualify(
            ADA, Evidence(), policy, as_of=AS_OF
        )

    @given(lfst.policies(), st.integers(min_value=0, max_value=100))
    def test_evolve_is_attrs_evolve_for_a_valid_change(self, policy: Policy, hot: int) -> None:
        warm = min(policy.warm_score, hot)

        assert policy.evolve(hot_score=hot, warm_score=warm) == attrs.evolve(
            policy, hot_score=hot, warm_score=warm
        )


# ----------------------------------------------------------------------------------------
# 3. sum() over Money
# ----------------------------------------------------------------------------------------

CODES = ["EUR", "USD", "GBP", "JPY"]


@st.composite
def same_currency(draw: st.DrawFn) -> list[Money]:
    code = draw(st.sampled_from(CODES))
    return draw(st.lists(lfst.money(st.just(code)), min_size=1, max_size=8))


class TestSumOfMoney:
    def test_a_sum_by_hand(self) -> None:
        assert sum([Money("1.10", "EUR"), Money(2, "EUR"), Money("0.05", "eur")]) == Money(
            "3.15", "EUR"
        )

    def test_zero_plus_money_is_the_money(self) -> None:
        assert 0 + Money("7.5", "USD") == Money("7.5", "USD")

    def test_the_sum_of_nothing_is_still_the_int_zero(self) -> None:
        total = sum([])

        assert total == 0
        assert type(total) is int
        assert sum([], Money.zero("EUR")) == Money(0, "EUR")

    @pytest.mark.parametrize("other", [1, -1, False, True, Decimal(0), 0.0], ids=repr)
    def test_only_the_int_zero_adds_to_money(self, other: object) -> None:
        with pytest.raises(TypeError):
            other + Money(1, "EUR")  # type: ignore[operator]

    def test_mixing_currencies_in_a_sum_is_refused(self) -> None:
        with pytest.raises(CurrencyMismatchError) as caught:
            sum([Money(1, "EUR"), Money(2, "EUR"), Money(3, "USD")])

        assert (caught.value.left, caught.value.right) == ("EUR", "USD")

    @given(same_currency())
    def test_the_sum_is_the_pairwise_sum(self, amounts: list[Money]) -> None:
        pairwise = amounts[0]
        for amount in amounts[1:]:
            pairwise = pairwise + amount

        total = sum(amounts)

        assert total == pairwise
        assert isinstance(total, Money)
        assert total.amount == sum(a.amount for a in amounts)

    @given(same_currency(), st.randoms(use_true_random=False))
    def test_the_order_of_a_sum_does_not_matter(self, amounts: list[Money], rng: Any) -> None:
        shuffled = list(amounts)
        rng.shuffle(shuffled)

        assert sum(shuffled) == sum(amounts)

    @given(same_currency(), same_currency(), st.data())
    def test_a_sum_over_two_currencies_always_raises(
        self, left: list[Money], right: list[Money], data: st.DataObject
    ) -> None:
        # Put the second list in another currency than the first.
        other = next(c for c in CODES if c != left[0].currency)
        moved = [Money(m.amount, other) for m in right]
        mixed = data.draw(st.permutations(left + moved))

        with pytest.raises(CurrencyMismatchError):
            sum(mixed)


# ----------------------------------------------------------------------------------------
# 4. decision.unmet
# ----------------------------------------------------------------------------------------


def _names(results: tuple[leadflow.CriterionResult, ...]) -> list[str]:
    return [r.name for r in results]


class TestUnmet:
    # BANT reports budget, authority, need, timeframe; need, budget and timeframe are
    # required (minimums expressed, available, this year); authority is optional.

    def test_nothing_known_leaves_every_required_criterion_unmet(self) -> None:
        decision = qualify(ADA, Evidence(), as_of=AS_OF)

        assert _names(decision.unmet) == ["budget", "need", "timeframe"]
        assert all(r.status is Status.UNCONFIRMED for r in decision.unmet)
        assert decision.verdict is Verdict.UNDETERMINED

    def test_evidence_against_and_a_later_timeframe_are_unmet(self) -> None:
        evidence = Evidence.of(need="strong", budget="none", timeframe="later")

        decision = qualify(ADA, evidence, as_of=AS_OF)

        assert _names(decision.unmet) == ["budget", "timeframe"]
        assert [r.status for r in decision.unmet] == [Status.BELOW_MINIMUM] * 2
        assert _names(decision.against) == ["budget"]  # a later timeframe is not against
        assert decision.verdict is Verdict.DISQUALIFIED

    def test_stale_evidence_is_unmet(self) -> None:
        old = AS_OF - timedelta(days=181)  # BANT keeps evidence 180 days
        evidence = Evidence(
            need=NeedEvidence(level="strong", observed_at=old),
            budget=BudgetEvidence(level="approved"),
            timeframe=TimeframeEvidence(level="immediate"),
        )

        decision = qualify(ADA, evidence, as_of=AS_OF)

        assert _names(decision.unmet) == ["need"]
        assert decision.unmet[0].status is Status.STALE
        assert decision.verdict is Verdict.UNDETERMINED

    def test_an_optional_criterion_below_its_minimum_is_never_unmet(self) -> None:
        user = attrs.evolve(ADA, role=PurchaseRole.USER)  # authority none, minimum influencer
        evidence = Evidence.of(need="strong", budget="approved", timeframe="immediate")

        decision = qualify(user, evidence, as_of=AS_OF)

        assert decision.result("authority").status is Status.BELOW_MINIMUM
        assert decision.unmet == ()
        assert decision.verdict is Verdict.QUALIFIED

    def test_nothing_unmet_below_the_threshold_is_nurture(self) -> None:
        # 23 + 24 + 13 = 60 points, under a threshold of 70.
        evidence = Evidence.of(need="expressed", budget="available", timeframe="this_year")

        decision = qualify(ADA, evidence, BANT.evolve(threshold=70), as_of=AS_OF)

        assert decision.unmet == ()
        assert decision.score == 60
        assert decision.verdict is Verdict.NURTURE

    @given(lfst.qualification_decisions())
    def test_qualified_exactly_when_nothing_is_unmet_and_the_score_reaches_the_threshold(
        self, decision: leadflow.QualificationDecision
    ) -> None:
        assert decision.qualified == (not decision.unmet and decision.score >= decision.threshold)

    @given(lfst.qualification_decisions())
    def test_unmet_is_the_required_results_not_met_in_decision_order(
        self, decision: leadflow.QualificationDecision
    ) -> None:
        required = [r for r in decision.results if r.required]

        assert list(decision.unmet) == [r for r in required if r.status is not Status.MET]
        assert set(decision.against) | set(decision.missing) <= set(decision.unmet)
        if decision.verdict is Verdict.UNDETERMINED:
            assert decision.missing

    @given(lfst.qualification_decisions())
    def test_something_unmet_never_qualifies(
        self, decision: leadflow.QualificationDecision
    ) -> None:
        if decision.unmet:
            assert decision.verdict is not Verdict.QUALIFIED
        else:
            assert decision.verdict in (Verdict.QUALIFIED, Verdict.NURTURE)


# ----------------------------------------------------------------------------------------
# 6. Levels by name, Evidence.of
# ----------------------------------------------------------------------------------------


class TestLevelsByName:
    @pytest.mark.parametrize(
        ("build", "expected"),
        [
            (lambda: NeedEvidence(level="strong").level, NeedLevel.STRONG),
            (lambda: BudgetEvidence(level="insufficient").level, BudgetLevel.INSUFFICIENT),
            (lambda: TimeframeEvidence(level="this_quarter").level, TimeframeLevel.THIS_QUARTER),
            (lambda: AuthorityEvidence(process="committee").process, PurchaseProcess.COMMITTEE),
            (lambda: PromotionSignals(terms="payment_terms").terms, TermsLevel.PAYMENT_TERMS),
            (lambda: PromotionSignals(supplier="dropped").supplier, SupplierStatus.DROPPED),
            (lambda: attrs.evolve(ADA, role="adviser").role, PurchaseRole.ADVISER),
            (lambda: attrs.evolve(ADA, source="trade_show").source, LeadSource.TRADE_SHOW),
        ],
        ids=["need", "budget", "timeframe", "process", "terms", "supplier", "role", "source"],
    )
    def test_a_level_given_by_its_value_is_the_member(
        self, build: Callable[[], object], expected: object
    ) -> None:
        assert build() is expected

    @pytest.mark.parametrize(
        ("build", "field", "value"),
        [
            (lambda: NeedEvidence(level="Strong!"), "level", "Strong!"),
            (lambda: BudgetEvidence(level="STRONG"), "level", "STRONG"),
            (lambda: AuthorityEvidence(process="alone"), "process", "alone"),
            (lambda: PromotionSignals(relationship="friends"), "relationship", "friends"),
            (lambda: attrs.evolve(ADA, role="boss"), "role", "boss"),
        ],
        ids=["need", "budget-of-need", "process", "relationship", "role"],
    )
    def test_a_name_that_is_no_level_is_refused_naming_the_field_and_value(
        self, build: Callable[[], object], field: str, value: str
    ) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            build()

        assert caught.value.field == field
        assert caught.value.value == value
        assert "expected one of" in caught.value.reason

    @given(lfst.need_evidence(), lfst.budget_evidence(), lfst.promotion_signals())
    def test_a_level_by_name_equals_the_level_by_member(
        self, need: NeedEvidence, budget: BudgetEvidence, signals: PromotionSignals
    ) -> None:
        assert attrs.evolve(need, level=need.level.value) == need
        assert attrs.evolve(budget, level=budget.level.value) == budget
        assert attrs.evolve(signals, terms=signals.terms.value) == signals


class TestEvidenceOf:
    def test_each_part_given_is_observed_at_the_one_time(self) -> None:
        seen = datetime(2026, 2, 26, tzinfo=UTC)

        evidence = Evidence.of(
            need="strong",
            budget="available",
            amount=Money("48000", "EUR"),
            decision_date=date(2026, 5, 15),
            process="committee",
            observed_at=seen,
        )

        assert evidence == Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG, observed_at=seen),
            budget=BudgetEvidence(
                level=BudgetLevel.AVAILABLE, amount=Money("48000", "EUR"), observed_at=seen
            ),
            timeframe=TimeframeEvidence(decision_date=date(2026, 5, 15), observed_at=seen),
            authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE, observed_at=seen),
        )

    def test_a_part_not_given_stays_unknown_with_no_time(self) -> None:
        evidence = Evidence.of(need=NeedLevel.LATENT, observed_at=AS_OF)

        assert evidence.need == NeedEvidence(level=NeedLevel.LATENT, observed_at=AS_OF)
        assert evidence.budget == BudgetEvidence()
        assert evidence.timeframe == TimeframeEvidence()
        assert evidence.authority == AuthorityEvidence()
        assert Evidence.of() == Evidence()

    def test_plain_signal_values_are_observed_at_the_time_too(self) -> None:
        kept = SignalObservation(value=3, observed_at=AS_OF - timedelta(days=9))

        evidence = Evidence.of(signals={"visits": 12, "pages": kept}, observed_at=AS_OF)

        assert evidence.signal("visits") == SignalObservation(value=12, observed_at=AS_OF)
        assert evidence.signal("pages") == kept

    @pytest.mark.parametrize(
        ("arguments", "field", "value"),
        [
            ({"need": "huge"}, "need", "huge"),
            ({"budget": "lots"}, "budget", "lots"),
            ({"timeframe": "soon"}, "timeframe", "soon"),
            ({"process": "vote"}, "process", "vote"),
            ({"amount": Money(-1, "EUR")}, "amount", Money(-1, "EUR")),
            ({"decision_date": "2026-05-15"}, "decision_date", "2026-05-15"),
            ({"need": "strong", "observed_at": datetime(2026, 1, 1)}, "observed_at", None),
            ({"signals": {"visits": [1]}}, "signals.visits", [1]),
        ],
        ids=["need", "budget", "timeframe", "process", "amount", "date", "naive", "signal"],
    )
    def test_a_bad_value_is_refused_naming_the_argument(
        self, arguments: dict[str, Any], field: str, value: object
    ) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Evidence.of(**arguments)

        assert caught.value.field == field
        if value is not None:
            assert caught.value.value == value

    def test_a_realistic_contact_qualifies_in_a_few_lines(self) -> None:
        lena = Contact(
            name="Lena Brandt",
            email="lena.brandt@nordlicht-logistik.example",
            role="influencer",
            created_at=datetime(2026, 2, 12, tzinfo=UTC),
        )
        evidence = Evidence.of(
            need="strong",
            budget="available",
            decision_date=date(2026, 5, 15),
            process="committee",
            observed_at=datetime(2026, 2, 26, tzinfo=UTC),
        )

        decision = qualify(lena, evidence, as_of=AS_OF)

        # budget available 24 + authority influencer 8 + need strong 30 + a decision in
        # May, next quarter on 2 March, 18 = 80.
        assert (decision.verdict, decision.score) == (Verdict.QUALIFIED, 80)


# ----------------------------------------------------------------------------------------
# 7. parse_record at the front door
# ----------------------------------------------------------------------------------------


class TestFrontDoor:
    def test_parse_record_is_exported(self) -> None:
        from leadflow.records import parse_record

        assert leadflow.parse_record is parse_record
        assert "parse_record" in leadflow.__all__

    def test_a_record_reads_into_a_contact_and_evidence(self) -> None:
        parsed = leadflow.parse_record(
            {
                "name": "Ada",
                "email": "ada@example.com",
                "created_at": "2026-01-05T00:00:00+00:00",
                "need": "strong",
            }
        )

        assert parsed.contact == ADA
        assert parsed.evidence.need == NeedEvidence(level=NeedLevel.STRONG)
