"""Promoting a lead to an opportunity: the gate, its explanation, and what the opportunity keeps."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Criterion,
    Evidence,
    FunnelStage,
    IllegalTransitionError,
    InvalidFieldError,
    Lead,
    LeadflowError,
    LeadPromoted,
    Money,
    NeedEvidence,
    NeedLevel,
    Opportunity,
    OpportunityStage,
    Organisation,
    Policy,
    PromotionDecision,
    PromotionRefusedError,
    PromotionSignals,
    PurchaseRole,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    WrongTypeError,
    can_promote,
    promote,
    qualify,
    stage_of,
    to_lead,
)
from leadflow import strategies as lfst
from support import examples, ready_signals

UTC = timezone.utc

SIGNALS = ("relationship", "requirements", "supplier", "terms")
SIGNAL_TYPES: dict[str, Any] = {
    "relationship": RelationshipLevel,
    "requirements": RequirementsLevel,
    "supplier": SupplierStatus,
    "terms": TermsLevel,
}


# Every example draws a lead qualified through ``to_lead`` (about 12 ms of CPU), and the
# not-a-lead law draws opportunities and customers built through the whole funnel.
CORE = examples(1 / 5)
SECONDARY = examples(1 / 10)


class Case(NamedTuple):
    """One call to can_promote or promote."""

    lead: Lead
    signals: PromotionSignals
    policy: Policy
    as_of: datetime

    def decide(self) -> PromotionDecision:
        return can_promote(self.lead, self.signals, self.policy, as_of=self.as_of)


LATER = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))
SOON = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30))


@st.composite
def cases(draw: st.DrawFn, policies: st.SearchStrategy[Policy] | None = None) -> Case:
    """Any lead, any signals, any policy, some time after the lead's last event."""
    lead = draw(lfst.leads())
    as_of = lead.updated_at + draw(LATER)
    return Case(
        lead=lead,
        signals=draw(lfst.promotion_signals(as_of)),
        policy=draw(lfst.policies() if policies is None else policies),
        as_of=as_of,
    )


@st.composite
def bant_with_any_gate(draw: st.DrawFn) -> Policy:
    """BANT (under which every drawn lead qualifies) with any promotion gate and probabilities."""
    probabilities = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4)))
    return attrs.evolve(
        BANT,
        promotion=draw(lfst.promotion_rules()),
        stage_probabilities=dict(zip(OpportunityStage, probabilities, strict=True)),
    )


@st.composite
def passing_cases(draw: st.DrawFn, policies: st.SearchStrategy[Policy] | None = None) -> Case:
    """A lead promoted soon after it qualified, on fresh signals that pass the policy's gate."""
    lead = draw(lfst.leads())
    as_of = lead.updated_at + draw(SOON)
    policy = draw(st.just(BANT) if policies is None else policies)
    return Case(lead, draw(lfst.qualifying_signals(as_of, policy)), policy, as_of)


def gate_minimum(policy: Policy, name: str) -> Any:
    return getattr(policy.promotion, name)


def reaches(level: Any, minimum: Any) -> bool:
    """Whether *level* passes a gate *minimum* (``None``: the signal is not required)."""
    return minimum is None or bool(level.rank >= minimum.rank)


def weaker_than(level: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from([m for m in type(level) if m.rank < level.rank])


class TestPromotionImpliesQualification:
    @CORE
    @given(cases())
    def test_promotable_exactly_when_the_lead_still_qualifies_and_meets_every_required_signal(
        self, case: Case
    ) -> None:
        decision = case.decide()
        required_met = all(
            reaches(r.level, gate_minimum(case.policy, r.name)) for r in decision.results
        )

        assert decision.promotable == (decision.qualification.qualified and required_met)
        if decision.promotable:
            assert decision.qualification.qualified
            assert all(r.met for r in decision.results if r.required)

    @SECONDARY
    @given(cases())
    def test_the_lead_is_requalified_on_its_evidence_at_as_of(self, case: Case) -> None:
        decision = case.decide()

        assert decision.qualification == qualify(
            case.lead.contact, case.lead.evidence, case.policy, as_of=case.as_of
        )
        assert decision.policy == case.policy.name
        assert decision.as_of == case.as_of
        assert decision.signals == case.signals


class TestExplanation:
    @CORE
    @given(cases())
    def test_one_result_for_need_and_each_signal_met_when_at_the_gates_minimum(
        self, case: Case
    ) -> None:
        decision = case.decide()
        window = case.policy.freshness
        observed = case.signals.observed_at
        stale = observed is not None and window is not None and case.as_of - observed > window

        assert [r.name for r in decision.results] == ["need", *SIGNALS]
        assert decision.result("need").level == decision.qualification.result("need").level
        for name in SIGNALS:
            seen = SIGNAL_TYPES[name].UNKNOWN if stale else getattr(case.signals, name)
            assert decision.result(name).level == seen
        for result in decision.results:
            minimum = gate_minimum(case.policy, result.name)
            assert result.met == reaches(result.level, minimum)
            assert result.required == (minimum is not None)
            assert result.code == f"{result.name}.{result.status.value}"
            assert result.points == 0

    @CORE
    @given(cases())
    def test_next_steps_list_the_unmet_required_signals_then_the_qualifications_steps(
        self, case: Case
    ) -> None:
        decision = case.decide()

        expected: list[str] = []
        for result in decision.results:
            if result.required and not result.met:
                assert result.next_step
                expected.append(result.next_step)
        expected += decision.qualification.next_steps
        assert decision.next_steps == tuple(dict.fromkeys(expected))

    @SECONDARY
    @given(cases())
    def test_explain_mentions_every_code_and_every_next_step(self, case: Case) -> None:
        decision = case.decide()
        text = decision.explain()

        assert ("NOT PROMOTABLE" in text) != decision.promotable
        for code in decision.codes:
            assert code in text
        for step in decision.next_steps:
            assert step in text


class TestGate:
    @CORE
    @given(passing_cases(bant_with_any_gate()))
    def test_a_qualified_lead_with_signals_at_the_gate_is_promotable(self, case: Case) -> None:
        decision = case.decide()

        assert decision.promotable, decision.explain()
        assert all(r.met for r in decision.results if r.required)

    @CORE
    @given(case=passing_cases(), name=st.sampled_from(SIGNALS), data=st.data())
    def test_a_required_signal_below_its_minimum_blocks_promotion_and_says_what_to_do(
        self, case: Case, name: str, data: st.DataObject
    ) -> None:
        below = data.draw(weaker_than(gate_minimum(case.policy, name)))
        short = case._replace(signals=attrs.evolve(case.signals, **{name: below}))

        decision = short.decide()

        assert decision.qualification.qualified
        assert not decision.promotable
        result = decision.result(name)
        assert not result.met
        assert result.next_step in decision.next_steps
        with pytest.raises(PromotionRefusedError) as caught:
            promote(short.lead, short.signals, short.policy, as_of=short.as_of)
        assert caught.value.decision == decision
        assert isinstance(caught.value, IllegalTransitionError)
        assert (caught.value.transition, caught.value.from_stage, caught.value.to_stage) == (
            "promote",
            "lead",
            "opportunity",
        )
        assert str(result.next_step) in str(caught.value)

    @SECONDARY
    @given(passing_cases())
    def test_need_comes_from_the_leads_evidence_and_must_be_strong_by_default(
        self, case: Case
    ) -> None:
        # An expressed need still qualifies under BANT; only the promotion gate asks for more.
        evidence = case.lead.evidence
        need = attrs.evolve(evidence.need, level=NeedLevel.EXPRESSED)
        weaker = attrs.evolve(evidence, need=need)
        lead = attrs.evolve(case.lead, evidence=weaker)

        decision = case._replace(lead=lead).decide()

        assert BANT.promotion.need is NeedLevel.STRONG
        assert decision.qualification.qualified
        assert not decision.promotable
        assert decision.result("need").code == "need.below_minimum"
        assert decision.result("need").next_step in decision.next_steps

    @SECONDARY
    @given(case=passing_cases(), data=st.data())
    def test_a_lead_that_no_longer_qualifies_is_not_promotable(
        self, case: Case, data: st.DataObject
    ) -> None:
        evidence = case.lead.evidence
        budget = data.draw(weaker_than(BANT.budget.minimum))
        lead = attrs.evolve(
            case.lead,
            evidence=attrs.evolve(evidence, budget=attrs.evolve(evidence.budget, level=budget)),
        )

        decision = case._replace(lead=lead).decide()

        assert not decision.qualification.qualified
        assert not decision.promotable
        assert all(r.met for r in decision.results)
        assert set(decision.qualification.next_steps) <= set(decision.next_steps)


class TestStaleness:
    @CORE
    @given(
        case=passing_cases(bant_with_any_gate()),
        beyond=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=900)),
    )
    def test_signals_reviewed_before_the_freshness_window_count_as_unknown(
        self, case: Case, beyond: timedelta
    ) -> None:
        window = case.policy.freshness
        assert window is not None
        old = case._replace(
            signals=attrs.evolve(case.signals, observed_at=case.as_of - window - beyond)
        )

        decision = old.decide()

        for name in SIGNALS:
            result = decision.result(name)
            minimum = gate_minimum(case.policy, name)
            assert result.level is SIGNAL_TYPES[name].UNKNOWN
            assert result.met == (minimum is None or minimum.rank == 0)
            if not result.met:
                assert result.code == f"{name}.stale"
                assert result.next_step in decision.next_steps
        assert decision.promotable == all(r.met for r in decision.results if r.required)

    @SECONDARY
    @given(passing_cases())
    def test_signals_reviewed_exactly_at_the_window_are_still_fresh(self, case: Case) -> None:
        window = BANT.freshness
        assert window is not None
        edge = case._replace(signals=attrs.evolve(case.signals, observed_at=case.as_of - window))

        assert edge.decide().promotable

    @SECONDARY
    @given(
        case=passing_cases(),
        beyond=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=900)),
    )
    def test_a_need_observed_before_the_window_is_stale_and_blocks_promotion(
        self, case: Case, beyond: timedelta
    ) -> None:
        window = BANT.freshness
        assert window is not None
        evidence = case.lead.evidence
        # Promotion comes at most 30 days after qualifying, so this is before it, as it must be.
        observed = case.as_of - window - beyond
        old_need = attrs.evolve(evidence.need, observed_at=observed)
        lead = attrs.evolve(case.lead, evidence=attrs.evolve(evidence, need=old_need))

        decision = case._replace(lead=lead).decide()

        assert decision.result("need").code == "need.stale"
        assert decision.qualification.result(Criterion.NEED).code == "need.stale"
        assert not decision.promotable


class TestPromote:
    @CORE
    @given(
        case=passing_cases(bant_with_any_gate()),
        value=st.none() | lfst.money(),
        close=st.none() | lfst.dates(),
        name=st.none() | lfst.texts(),
        by=st.none() | lfst.texts(),
    )
    def test_the_opportunity_carries_everything_the_lead_had(
        self,
        case: Case,
        value: Money | None,
        close: date | None,
        name: str | None,
        by: str | None,
    ) -> None:
        lead = case.lead
        before = copy.deepcopy(lead)

        opportunity, event = promote(
            lead,
            case.signals,
            case.policy,
            as_of=case.as_of,
            estimated_value=value,
            expected_close=close,
            name=name,
            by=by,
        )

        assert lead == before
        assert isinstance(opportunity, Opportunity)
        assert stage_of(opportunity) is FunnelStage.OPPORTUNITY
        assert opportunity.contact == lead.contact
        assert opportunity.evidence == lead.evidence
        assert opportunity.qualification == lead.qualification
        assert opportunity.history == (*lead.history, event)
        assert opportunity.signals == case.signals
        assert opportunity.step is OpportunityStage.QUALIFY
        assert opportunity.probability == case.policy.probability(OpportunityStage.QUALIFY)
        assert opportunity.estimated_value == value
        assert opportunity.expected_close == close
        organisation = lead.contact.organisation
        default = organisation.name if organisation is not None else lead.contact.name
        assert opportunity.name == (default if name is None else name)
        assert isinstance(event, LeadPromoted)
        assert (event.at, event.by) == (case.as_of, by)
        assert (event.from_stage, event.to_stage) == (FunnelStage.LEAD, FunnelStage.OPPORTUNITY)
        assert event.decision == case.decide()
        assert opportunity.promotion == event.decision
        assert event.decision.promotable

    @SECONDARY
    @given(passing_cases())
    def test_promoting_twice_gives_equal_results(self, case: Case) -> None:
        first = promote(case.lead, case.signals, case.policy, as_of=case.as_of)
        second = promote(case.lead, case.signals, case.policy, as_of=case.as_of)

        assert first == second


NOT_LEADS: st.SearchStrategy[Any] = st.one_of(
    lfst.contacts(),
    lfst.nurtured_leads(),
    lfst.disqualified_leads(),
    lfst.opportunities(),
    lfst.lost_opportunities(),
    lfst.customers(),
)


class TestOnlyALeadIsPromoted:
    @SECONDARY
    @given(value=NOT_LEADS, signals=lfst.promotion_signals())
    def test_promoting_any_other_stage_is_refused_naming_it(
        self, value: Any, signals: PromotionSignals
    ) -> None:
        as_of = datetime(2100, 1, 1, tzinfo=UTC)
        for attempt in (can_promote, promote):
            with pytest.raises(IllegalTransitionError) as caught:
                attempt(value, signals, as_of=as_of)

            assert caught.value.transition == "promote"
            assert caught.value.from_stage == stage_of(value).value
            assert caught.value.to_stage == "opportunity"

    @pytest.mark.parametrize("junk", [None, 42, "lead", {"contact": "Ada"}])
    def test_promoting_something_that_is_not_in_the_funnel_is_refused(self, junk: Any) -> None:
        with pytest.raises(IllegalTransitionError) as caught:
            promote(junk, PromotionSignals(), as_of=datetime(2026, 5, 4, tzinfo=UTC))

        assert caught.value.from_stage == type(junk).__name__
        assert isinstance(caught.value, LeadflowError)

    @SECONDARY
    @given(case=passing_cases(), junk=st.none() | st.integers() | st.text() | lfst.evidence())
    def test_signals_of_the_wrong_type_are_refused(self, case: Case, junk: Any) -> None:
        with pytest.raises(WrongTypeError) as caught:
            can_promote(case.lead, junk, as_of=case.as_of)

        assert caught.value.field == "signals"

    @SECONDARY
    @given(
        case=passing_cases(),
        ahead=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=900)),
    )
    def test_signals_reviewed_after_as_of_are_refused(self, case: Case, ahead: timedelta) -> None:
        future = attrs.evolve(case.signals, observed_at=case.as_of + ahead)

        with pytest.raises(InvalidFieldError) as caught:
            can_promote(case.lead, future, as_of=case.as_of)

        assert caught.value.field == "signals.observed_at"


# --------------------------------------------------------------------------------------------
# The domain's story: a lead becomes an opportunity when the relationship is built, its
# specific needs are identified, payment terms are being discussed, it has dropped its
# supplier (or has none) and its need is strong.
# --------------------------------------------------------------------------------------------

QUALIFIED_ON = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PROMOTED_ON = datetime(2026, 4, 15, 16, 0, tzinfo=UTC)

READY = ready_signals(observed_at=PROMOTED_ON)


def grace_lead(
    need: NeedLevel = NeedLevel.STRONG, organisation: Organisation | None = None
) -> Lead:
    contact = Contact(
        name="Grace Hopper",
        email="grace@navy.example",
        created_at=datetime(2026, 2, 1, tzinfo=UTC),
        role=PurchaseRole.DECISION_MAKER,
        organisation=organisation,
    )
    evidence = Evidence(
        need=NeedEvidence(level=need, observed_at=QUALIFIED_ON),
        budget=BudgetEvidence(level=BudgetLevel.APPROVED, amount=Money("120000", "USD")),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
    )
    lead, _ = to_lead(contact, evidence, as_of=QUALIFIED_ON)
    return lead


class TestTheDomainsStory:
    def test_a_lead_with_every_sign_becomes_an_opportunity_named_for_its_organisation(
        self,
    ) -> None:
        lead = grace_lead(organisation=Organisation(name="Eckert-Mauchly"))

        opportunity, event = promote(
            lead, READY, as_of=PROMOTED_ON, estimated_value=Money("95000", "USD")
        )

        assert opportunity.name == "Eckert-Mauchly"
        assert opportunity.step is OpportunityStage.QUALIFY
        assert opportunity.estimated_value == Money("95000", "USD")
        assert [type(e).__name__ for e in opportunity.history] == ["LeadQualified", "LeadPromoted"]
        assert event.decision.next_steps == ()

    def test_a_private_persons_opportunity_is_named_for_the_person(self) -> None:
        opportunity, _ = promote(grace_lead(), READY, as_of=PROMOTED_ON)

        assert opportunity.name == "Grace Hopper"

    @pytest.mark.parametrize(
        ("supplier", "promotable"),
        [
            (SupplierStatus.DROPPED, True),
            (SupplierStatus.NO_SUPPLIER, True),
            (SupplierStatus.EVALUATING, False),
            (SupplierStatus.RETAINED, False),
            (SupplierStatus.UNKNOWN, False),
        ],
    )
    def test_the_supplier_must_be_dropped_or_there_must_be_none_to_displace(
        self, supplier: SupplierStatus, promotable: bool
    ) -> None:
        signals = attrs.evolve(READY, supplier=supplier)

        assert can_promote(grace_lead(), signals, as_of=PROMOTED_ON).promotable is promotable

    @pytest.mark.parametrize(
        ("terms", "promotable"),
        [
            (TermsLevel.CONTRACT, True),
            (TermsLevel.PAYMENT_TERMS, True),
            (TermsLevel.PRICING, False),
            (TermsLevel.NOT_DISCUSSED, False),
        ],
    )
    def test_the_lead_must_be_discussing_payment_terms_or_contracts(
        self, terms: TermsLevel, promotable: bool
    ) -> None:
        signals = attrs.evolve(READY, terms=terms)

        assert can_promote(grace_lead(), signals, as_of=PROMOTED_ON).promotable is promotable

    def test_a_relationship_only_just_started_is_not_enough(self) -> None:
        signals = attrs.evolve(READY, relationship=RelationshipLevel.CONTACTED)

        decision = can_promote(grace_lead(), signals, as_of=PROMOTED_ON)

        assert not decision.promotable
        assert decision.result("relationship").code == "relationship.below_minimum"
        assert decision.codes == (
            "need.met",
            "relationship.below_minimum",
            "requirements.met",
            "supplier.met",
            "terms.met",
        )
        assert len(decision.next_steps) == 1

    def test_only_a_general_idea_of_the_needs_is_not_enough(self) -> None:
        signals = attrs.evolve(READY, requirements=RequirementsLevel.GENERAL)

        decision = can_promote(grace_lead(), signals, as_of=PROMOTED_ON)

        assert not decision.promotable
        assert decision.result("requirements").code == "requirements.below_minimum"

    def test_nothing_known_yet_asks_for_every_step(self) -> None:
        decision = can_promote(grace_lead(), PromotionSignals(), as_of=PROMOTED_ON)

        assert not decision.promotable
        assert decision.codes == (
            "need.met",
            "relationship.unconfirmed",
            "requirements.unconfirmed",
            "supplier.unconfirmed",
            "terms.unconfirmed",
        )
        assert len(decision.next_steps) == 4

    def test_an_expressed_need_qualifies_but_is_not_strong_enough_to_promote(self) -> None:
        lead = grace_lead(need=NeedLevel.EXPRESSED)

        decision = can_promote(lead, READY, as_of=PROMOTED_ON)

        assert lead.qualification.qualified
        assert decision.qualification.qualified
        assert not decision.promotable
        assert decision.result("need").code == "need.below_minimum"

    def test_a_need_confirmed_seven_months_earlier_has_gone_stale(self) -> None:
        # BANT keeps evidence for 180 days; the need was observed on 2 March.
        late = datetime(2026, 9, 1, tzinfo=UTC)
        signals = attrs.evolve(READY, observed_at=late)

        decision = can_promote(grace_lead(), signals, as_of=late)

        assert decision.result("need").code == "need.stale"
        assert not decision.qualification.qualified
        assert not decision.promotable

    def test_promoting_before_the_lead_qualified_is_refused(self) -> None:
        lead = grace_lead()
        # No evidence part is dated after this, so only the move itself is out of time.
        undated = attrs.evolve(
            lead,
            evidence=attrs.evolve(
                lead.evidence, need=attrs.evolve(lead.evidence.need, observed_at=None)
            ),
        )
        signals = attrs.evolve(READY, observed_at=None)

        with pytest.raises(InvalidFieldError) as caught:
            promote(undated, signals, as_of=QUALIFIED_ON - timedelta(hours=1))

        assert caught.value.field == "as_of"
