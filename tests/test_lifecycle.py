"""The funnel's stages and moves: every move, nothing lost, illegal moves refused."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow import (
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Customer,
    DisqualificationReason,
    DisqualifiedLead,
    Event,
    Evidence,
    FunnelStage,
    IllegalTransitionError,
    InvalidFieldError,
    Lead,
    LeadDisqualified,
    LeadNurtured,
    LeadPromoted,
    LeadQualified,
    LeadReassessed,
    LeadReopened,
    LeadRequalified,
    LossReason,
    LostOpportunity,
    Money,
    NaiveDatetimeError,
    NeedEvidence,
    NeedLevel,
    NotQualifiedError,
    NurturedLead,
    Opportunity,
    OpportunityAdvanced,
    OpportunityImported,
    OpportunityLost,
    OpportunityReopened,
    OpportunityStage,
    OpportunityWon,
    Organisation,
    PromotionSignals,
    PurchaseRole,
    Stage,
    TimeframeEvidence,
    TimeframeLevel,
    WrongTypeError,
    advance,
    disqualify,
    lose,
    nurture,
    promote,
    qualify,
    reassess,
    reopen,
    requalify,
    stage_of,
    to_lead,
    win,
)
from leadflow import strategies as lfst
from leadflow.presets import BANT
from support import DAY, NOW, ready_signals

UTC = timezone.utc

# BANT's win probability per sales step (the policy's published defaults).
BANT_PROBABILITY = {
    OpportunityStage.QUALIFY: 20,
    OpportunityStage.DEVELOP: 40,
    OpportunityStage.PROPOSE: 60,
    OpportunityStage.CLOSE: 80,
}

# Generated leads and opportunities are built through several moves each (tens of
# milliseconds per example); an eighth of the profile's examples keeps these properties
# inside the suite's time budget.
_BUILT = settings(max_examples=max(10, settings().max_examples // 8))


# --- hand-built values ----------------------------------------------------------------------


def _contact() -> Contact:
    return Contact(
        name="Ada Lovelace",
        email="ada@analytical-engines.example",
        created_at=NOW - 30 * DAY,
        organisation=Organisation(name="Analytical Engines Ltd", employees=42),
        role=PurchaseRole.DECISION_MAKER,
    )


def _strong_evidence() -> Evidence:
    return Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=NOW - DAY),
        budget=BudgetEvidence(
            level=BudgetLevel.APPROVED, amount=Money("50000", "EUR"), observed_at=NOW - DAY
        ),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER, observed_at=NOW - DAY),
    )


def _lead() -> Lead:
    return to_lead(_contact(), _strong_evidence(), as_of=NOW, by="sdr@example.com")[0]


def _nurtured() -> NurturedLead:
    return nurture(_lead(), as_of=NOW + DAY, reason="budget next year")[0]


def _opportunity(value: Money | None = None) -> Opportunity:
    estimated = Money("48000.00", "EUR") if value is None else value
    return promote(
        _lead(), ready_signals(observed_at=NOW), as_of=NOW + DAY, estimated_value=estimated
    )[0]


def _one_of_each() -> dict[FunnelStage, Stage]:
    opportunity = _opportunity()
    return {
        FunnelStage.CONTACT: _contact(),
        FunnelStage.LEAD: _lead(),
        FunnelStage.NURTURED: _nurtured(),
        FunnelStage.DISQUALIFIED: disqualify(
            _lead(), reason=DisqualificationReason.NO_BUDGET, as_of=NOW + DAY
        )[0],
        FunnelStage.OPPORTUNITY: opportunity,
        FunnelStage.LOST: lose(opportunity, reason=LossReason.PRICE, as_of=NOW + 2 * DAY)[0],
        FunnelStage.CUSTOMER: win(opportunity, as_of=NOW + 2 * DAY)[0],
    }


def _last_time(value: Stage) -> datetime:
    return value.created_at if isinstance(value, Contact) else value.updated_at


# --- the moves, as data ----------------------------------------------------------------------


@attrs.frozen
class Move:
    """A move, the stages it accepts, where it leads, and how to call it with some input."""

    name: str
    accepts: tuple[type, ...]
    to_stage: FunnelStage
    call: Callable[[Any, datetime], object]
    # Where the move says it was going when refused on an opportunity, if not to_stage.
    from_opportunity: FunnelStage | None = None

    def __str__(self) -> str:
        return self.name

    def target(self, value: object) -> FunnelStage:
        """The stage a refusal of this move on *value* names."""
        if self.from_opportunity is not None and isinstance(value, Opportunity):
            return self.from_opportunity
        return self.to_stage


def _other_step(opportunity: Any) -> OpportunityStage:
    step = getattr(opportunity, "step", OpportunityStage.QUALIFY)
    return (
        OpportunityStage.CLOSE if step is not OpportunityStage.CLOSE else OpportunityStage.QUALIFY
    )


MOVES = [
    Move("qualify", (Contact,), FunnelStage.LEAD, lambda v, at: to_lead(v, Evidence(), as_of=at)),
    Move("nurture", (Lead,), FunnelStage.NURTURED, lambda v, at: nurture(v, as_of=at)),
    Move("reassess", (Lead,), FunnelStage.LEAD, lambda v, at: reassess(v, Evidence(), as_of=at)),
    Move(
        "disqualify",
        (Lead, NurturedLead),
        FunnelStage.DISQUALIFIED,
        lambda v, at: disqualify(v, reason=DisqualificationReason.OTHER, as_of=at),
    ),
    Move(
        "requalify",
        (NurturedLead,),
        FunnelStage.LEAD,
        lambda v, at: requalify(v, Evidence(), as_of=at),
    ),
    Move(
        "promote",
        (Lead,),
        FunnelStage.OPPORTUNITY,
        lambda v, at: promote(v, PromotionSignals(), as_of=at),
    ),
    Move(
        "advance",
        (Opportunity,),
        FunnelStage.OPPORTUNITY,
        lambda v, at: advance(v, _other_step(v), as_of=at),
    ),
    Move("win", (Opportunity,), FunnelStage.CUSTOMER, lambda v, at: win(v, as_of=at)),
    Move(
        "lose",
        (Opportunity,),
        FunnelStage.LOST,
        lambda v, at: lose(v, reason=LossReason.PRICE, as_of=at),
    ),
    Move(
        "reopen",
        (DisqualifiedLead, LostOpportunity, Customer),
        FunnelStage.LEAD,
        lambda v, at: reopen(v, reason="back in the market", as_of=at),
        from_opportunity=FunnelStage.OPPORTUNITY,
    ),
]

STAGE_TYPES: dict[FunnelStage, type] = {
    FunnelStage.CONTACT: Contact,
    FunnelStage.LEAD: Lead,
    FunnelStage.NURTURED: NurturedLead,
    FunnelStage.DISQUALIFIED: DisqualifiedLead,
    FunnelStage.OPPORTUNITY: Opportunity,
    FunnelStage.LOST: LostOpportunity,
    FunnelStage.CUSTOMER: Customer,
}

ILLEGAL = [
    (stage, move)
    for stage, move in itertools.product(STAGE_TYPES, MOVES)
    if STAGE_TYPES[stage] not in move.accepts
]
LEGAL = [
    (stage, move)
    for stage, move in itertools.product(STAGE_TYPES, MOVES)
    if STAGE_TYPES[stage] in move.accepts
]


def _assert_nothing_lost(
    before: Any, after: Any, event: Event, *, set_by_move: Iterable[str] = ()
) -> None:
    """Every field *before* shares with *after* is equal, and history grew by *event*."""
    skipped = {"history", *set_by_move}
    later = attrs.fields_dict(type(after))
    for field in attrs.fields(type(before)):
        if field.init and field.name in later and field.name not in skipped:
            assert getattr(after, field.name) == getattr(before, field.name), field.name
    assert after.history[: len(before.history)] == before.history
    assert len(after.history) == len(before.history) + 1
    assert after.history[-1] is event


# --- tests ------------------------------------------------------------------------------------


class TestToLead:
    def test_a_qualifying_contact_becomes_a_lead_with_its_decision_and_event(self) -> None:
        contact, evidence = _contact(), _strong_evidence()

        lead, event = to_lead(contact, evidence, as_of=NOW, by="sdr@example.com")

        assert isinstance(event, LeadQualified)
        assert (event.at, event.by) == (NOW, "sdr@example.com")
        assert (event.from_stage, event.to_stage) == (FunnelStage.CONTACT, FunnelStage.LEAD)
        assert event.decision.qualified
        assert lead.contact == contact
        assert lead.evidence == evidence
        assert lead.qualification == event.decision
        assert lead.history == (event,)
        assert lead.updated_at == NOW

    def test_a_contact_that_does_not_qualify_stays_a_contact(self) -> None:
        with pytest.raises(NotQualifiedError) as caught:
            to_lead(_contact(), Evidence(), as_of=NOW)

        assert caught.value.decision.score == 15  # only authority: a decider earns 15 of 15
        assert not caught.value.decision.qualified

    @_BUILT
    @given(st.data())
    def test_the_lead_carries_the_contact_the_evidence_and_the_decision(
        self, data: st.DataObject
    ) -> None:
        as_of = data.draw(lfst.aware_datetimes(min_value=datetime(2004, 1, 1)))
        contact = data.draw(lfst.contacts(created_before=as_of))
        evidence = data.draw(lfst.lead_evidence(as_of))
        snapshot = copy.deepcopy((contact, evidence))

        lead, event = to_lead(contact, evidence, as_of=as_of)

        assert (contact, evidence) == snapshot
        assert lead.contact == contact
        assert lead.evidence == evidence
        assert lead.qualification == event.decision == qualify(contact, evidence, as_of=as_of)
        assert lead.history == (event,)


class TestNurture:
    def test_a_lead_is_set_aside_with_its_reason_and_revisit_date(self) -> None:
        lead = _lead()

        nurtured, event = nurture(
            lead, as_of=NOW + DAY, reason="budget next year", revisit_on=date(2026, 9, 1)
        )

        assert isinstance(event, LeadNurtured)
        assert (event.from_stage, event.to_stage) == (FunnelStage.LEAD, FunnelStage.NURTURED)
        assert (nurtured.reason, nurtured.revisit_on) == ("budget next year", date(2026, 9, 1))
        assert (event.reason, event.revisit_on) == ("budget next year", date(2026, 9, 1))
        assert nurtured.history == (*lead.history, event)

    @_BUILT
    @given(lfst.leads(), st.none() | lfst.texts(), st.none() | lfst.dates())
    def test_nothing_is_lost_when_a_lead_is_nurtured(
        self, lead: Lead, reason: str | None, revisit_on: date | None
    ) -> None:
        snapshot = copy.deepcopy(lead)

        nurtured, event = nurture(lead, as_of=lead.updated_at, reason=reason, revisit_on=revisit_on)

        assert lead == snapshot
        _assert_nothing_lost(lead, nurtured, event)
        assert (nurtured.reason, nurtured.revisit_on) == (reason, revisit_on)


class TestDisqualify:
    @pytest.mark.parametrize("start", [_lead, _nurtured], ids=["open", "nurtured"])
    def test_an_open_or_nurtured_lead_is_disqualified_with_a_reason(
        self, start: Callable[[], Lead | NurturedLead]
    ) -> None:
        lead = start()

        closed, event = disqualify(
            lead, reason=DisqualificationReason.NO_NEED, as_of=NOW + 2 * DAY, note="bought in-house"
        )

        assert isinstance(event, LeadDisqualified)
        assert event.from_stage is lead.stage
        assert event.to_stage is FunnelStage.DISQUALIFIED
        assert closed.reason is DisqualificationReason.NO_NEED
        assert closed.note == "bought in-house"
        assert stage_of(closed).closed

    @_BUILT
    @given(
        lfst.leads() | lfst.nurtured_leads(),
        st.sampled_from(DisqualificationReason),
        st.none() | lfst.texts(),
    )
    def test_nothing_is_lost_when_a_lead_is_disqualified(
        self, lead: Lead | NurturedLead, reason: DisqualificationReason, note: str | None
    ) -> None:
        snapshot = copy.deepcopy(lead)

        closed, event = disqualify(lead, reason=reason, as_of=lead.updated_at + DAY, note=note)

        assert lead == snapshot
        # `reason` names the disqualification here; a nurtured lead's own reason stays in
        # the history, in the event that nurtured it.
        _assert_nothing_lost(lead, closed, event, set_by_move={"reason", "note"})
        assert (closed.reason, closed.note) == (reason, note)
        if isinstance(lead, NurturedLead):
            # Nurtured, or reopened to be nurtured (which plans no revisit).
            nurtured_event = closed.history[-2]
            assert isinstance(nurtured_event, (LeadNurtured, LeadReopened))
            assert nurtured_event.reason == lead.reason
            revisit = getattr(nurtured_event, "revisit_on", None)
            assert revisit == lead.revisit_on


class TestRequalify:
    def test_a_nurtured_lead_comes_back_on_fresh_evidence(self) -> None:
        nurtured = _nurtured()
        fresh = attrs.evolve(
            _strong_evidence(),
            budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, observed_at=NOW + 2 * DAY),
        )

        lead, event = requalify(nurtured, fresh, as_of=NOW + 2 * DAY)

        assert isinstance(event, LeadRequalified)
        assert (event.from_stage, event.to_stage) == (FunnelStage.NURTURED, FunnelStage.LEAD)
        assert lead.evidence == fresh
        assert lead.qualification == event.decision
        assert lead.history == (*nurtured.history, event)

    def test_a_nurtured_lead_that_does_not_qualify_stays_nurtured(self) -> None:
        with pytest.raises(NotQualifiedError) as caught:
            requalify(_nurtured(), Evidence(), as_of=NOW + 2 * DAY)

        assert caught.value.transition == "requalify"
        assert caught.value.from_stage == "nurtured"

    @_BUILT
    @given(lfst.nurtured_leads(), st.data())
    def test_requalifying_replaces_evidence_and_decision_and_keeps_the_old_ones_in_history(
        self, nurtured: NurturedLead, data: st.DataObject
    ) -> None:
        as_of = nurtured.updated_at + DAY
        evidence = data.draw(lfst.lead_evidence(as_of))
        snapshot = copy.deepcopy(nurtured)

        lead, event = requalify(nurtured, evidence, as_of=as_of)

        assert nurtured == snapshot
        _assert_nothing_lost(nurtured, lead, event, set_by_move={"evidence", "qualification"})
        assert lead.evidence == evidence
        assert lead.qualification == event.decision
        qualifying = (LeadQualified, LeadReassessed, LeadRequalified)
        earlier = [e.decision for e in lead.history[:-1] if isinstance(e, qualifying)]
        assert nurtured.qualification in earlier
        assert nurtured.evidence in [decision.evidence for decision in earlier]


class TestReassess:
    def test_new_evidence_on_an_open_lead_is_recorded_and_decided_on(self) -> None:
        lead = _lead()
        # The budget was approved at first; now it is only "insufficient" (8 of 30 points
        # in BANT), below the required "available": the lead no longer qualifies.
        weaker = attrs.evolve(
            _strong_evidence(),
            budget=BudgetEvidence(level=BudgetLevel.INSUFFICIENT, observed_at=NOW + DAY),
        )

        reassessed, event = reassess(lead, weaker, as_of=NOW + DAY, by="ae@example.com")

        assert isinstance(event, LeadReassessed)
        assert (event.from_stage, event.to_stage) == (FunnelStage.LEAD, FunnelStage.LEAD)
        assert event.by == "ae@example.com"
        assert isinstance(reassessed, Lead)
        assert reassessed.evidence == weaker
        assert reassessed.qualification is event.decision
        assert not event.decision.qualified
        assert event.decision.result("budget").code == "budget.below_minimum"
        assert "secure a budget that is at least available" in event.decision.next_steps

    def test_a_need_that_turned_strong_opens_the_promotion_gate(self) -> None:
        expressed = attrs.evolve(
            _strong_evidence(), need=NeedEvidence(level=NeedLevel.EXPRESSED, observed_at=NOW)
        )
        lead = to_lead(_contact(), expressed, as_of=NOW)[0]
        # BANT's promotion gate needs a strong need.
        with pytest.raises(IllegalTransitionError):
            promote(lead, ready_signals(observed_at=NOW), as_of=NOW + DAY)

        stronger = attrs.evolve(
            expressed, need=NeedEvidence(level=NeedLevel.STRONG, observed_at=NOW + DAY)
        )
        reassessed, _ = reassess(lead, stronger, as_of=NOW + DAY)
        opportunity, _ = promote(reassessed, ready_signals(observed_at=NOW), as_of=NOW + 2 * DAY)

        assert opportunity.evidence == stronger

    @_BUILT
    @given(lfst.leads(), st.data())
    def test_reassessing_replaces_evidence_and_decision_and_keeps_the_old_ones_in_history(
        self, lead: Lead, data: st.DataObject
    ) -> None:
        as_of = lead.updated_at + DAY
        evidence = data.draw(lfst.evidence(as_of))
        snapshot = copy.deepcopy(lead)

        reassessed, event = reassess(lead, evidence, as_of=as_of)

        assert lead == snapshot
        _assert_nothing_lost(lead, reassessed, event, set_by_move={"evidence", "qualification"})
        assert reassessed.evidence == evidence
        assert reassessed.qualification == qualify(lead.contact, evidence, as_of=as_of)
        qualifying = (LeadQualified, LeadReassessed, LeadRequalified)
        earlier = [
            e.decision.evidence for e in reassessed.history[:-1] if isinstance(e, qualifying)
        ]
        assert lead.evidence in earlier


class TestPromote:
    @_BUILT
    @given(lfst.leads(), st.data())
    def test_nothing_is_lost_when_a_lead_is_promoted(self, lead: Lead, data: st.DataObject) -> None:
        as_of = lead.updated_at + DAY
        signals = data.draw(lfst.qualifying_signals(as_of))
        value = data.draw(st.none() | lfst.money())
        snapshot = copy.deepcopy((lead, signals))

        opportunity, event = promote(lead, signals, as_of=as_of, estimated_value=value)

        assert (lead, signals) == snapshot
        assert isinstance(event, LeadPromoted)
        _assert_nothing_lost(lead, opportunity, event)
        assert opportunity.signals == signals
        assert opportunity.promotion == event.decision
        assert opportunity.estimated_value == value
        assert opportunity.step is OpportunityStage.QUALIFY
        assert opportunity.probability == BANT_PROBABILITY[OpportunityStage.QUALIFY]

    def test_the_opportunity_is_named_after_the_buying_party(self) -> None:
        assert _opportunity().name == "Analytical Engines Ltd"


class TestAdvance:
    @pytest.mark.parametrize("step", list(OpportunityStage)[1:])
    def test_the_probability_comes_from_the_policy(self, step: OpportunityStage) -> None:
        advanced, event = advance(_opportunity(), step, as_of=NOW + 2 * DAY)

        assert isinstance(event, OpportunityAdvanced)
        assert advanced.step is step
        assert advanced.probability == BANT_PROBABILITY[step]
        assert (event.from_step, event.to_step) == (OpportunityStage.QUALIFY, step)
        assert event.probability == BANT_PROBABILITY[step]

    def test_a_policy_of_ones_own_sets_other_probabilities(self) -> None:
        mine = attrs.evolve(
            BANT,
            stage_probabilities={
                OpportunityStage.QUALIFY: 10,
                OpportunityStage.DEVELOP: 25,
                OpportunityStage.PROPOSE: 50,
                OpportunityStage.CLOSE: 90,
            },
        )

        advanced, _ = advance(_opportunity(), OpportunityStage.DEVELOP, mine, as_of=NOW + 2 * DAY)

        assert advanced.probability == 25

    def test_an_opportunity_may_step_back(self) -> None:
        at_close, _ = advance(_opportunity(), OpportunityStage.CLOSE, as_of=NOW + 2 * DAY)

        back, event = advance(at_close, OpportunityStage.DEVELOP, as_of=NOW + 3 * DAY)

        assert back.probability == 40
        assert (event.from_step, event.to_step) == (
            OpportunityStage.CLOSE,
            OpportunityStage.DEVELOP,
        )

    def test_advancing_to_the_same_step_is_refused(self) -> None:
        with pytest.raises(IllegalTransitionError) as caught:
            advance(_opportunity(), OpportunityStage.QUALIFY, as_of=NOW + 2 * DAY)

        assert (caught.value.from_stage, caught.value.to_stage) == ("opportunity", "opportunity")

    def test_a_step_must_be_a_sales_step(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            advance(_opportunity(), "close", as_of=NOW + 2 * DAY)  # type: ignore[arg-type]

        assert caught.value.field == "step"

    @_BUILT
    @given(lfst.opportunities(), st.data())
    def test_nothing_is_lost_when_an_opportunity_advances(
        self, opportunity: Opportunity, data: st.DataObject
    ) -> None:
        step = data.draw(
            st.sampled_from([s for s in OpportunityStage if s is not opportunity.step])
        )
        snapshot = copy.deepcopy(opportunity)

        advanced, event = advance(opportunity, step, as_of=opportunity.updated_at + DAY)

        assert opportunity == snapshot
        _assert_nothing_lost(opportunity, advanced, event, set_by_move={"step", "probability"})
        assert (advanced.step, advanced.probability) == (step, BANT_PROBABILITY[step])


class TestWin:
    def test_the_value_of_the_sale_defaults_to_the_estimated_value(self) -> None:
        customer, event = win(_opportunity(Money("48000.00", "EUR")), as_of=NOW + 2 * DAY)

        assert isinstance(event, OpportunityWon)
        assert customer.won_value == Money("48000.00", "EUR")
        assert event.value == Money("48000.00", "EUR")
        assert customer.customer_since == NOW + 2 * DAY
        assert customer.probability == 100

    def test_the_value_of_the_sale_may_differ_from_the_estimate(self) -> None:
        customer, _ = win(
            _opportunity(Money("48000.00", "EUR")),
            as_of=NOW + 2 * DAY,
            value=Money("45500.00", "EUR"),
        )

        assert customer.won_value == Money("45500.00", "EUR")
        assert customer.estimated_value == Money("48000.00", "EUR")

    @_BUILT
    @given(lfst.opportunities(), st.none() | lfst.money())
    def test_nothing_is_lost_when_an_opportunity_is_won(
        self, opportunity: Opportunity, value: Money | None
    ) -> None:
        snapshot = copy.deepcopy(opportunity)

        customer, event = win(opportunity, as_of=opportunity.updated_at + DAY, value=value)

        assert opportunity == snapshot
        # A won deal is certain: its probability closes at 100.
        _assert_nothing_lost(opportunity, customer, event, set_by_move={"probability"})
        assert customer.probability == 100
        expected = opportunity.estimated_value if value is None else value
        assert customer.won_value == expected
        assert event.value == expected

    @_BUILT
    @given(st.data())
    def test_a_customer_carries_the_contact_the_organisation_and_the_whole_history(
        self, data: st.DataObject
    ) -> None:
        clock = data.draw(lfst.aware_datetimes(datetime(2004, 1, 1), datetime(2080, 1, 1)))
        contact = data.draw(lfst.contacts(created_before=clock))
        lead, first = to_lead(contact, data.draw(lfst.lead_evidence(clock)), as_of=clock)
        events: list[Event] = [first]
        if data.draw(st.booleans(), label="nurtured on the way"):
            clock += timedelta(seconds=data.draw(st.integers(0, 10**6)))
            nurtured, set_aside = nurture(lead, as_of=clock)
            lead, back = requalify(nurtured, data.draw(lfst.lead_evidence(clock)), as_of=clock)
            events += [set_aside, back]
        signals = data.draw(lfst.qualifying_signals(clock))
        opportunity, promoted = promote(lead, signals, as_of=clock)
        events.append(promoted)
        for step in data.draw(st.lists(st.sampled_from(OpportunityStage), max_size=4)):
            if step is not opportunity.step:
                clock += DAY
                opportunity, moved = advance(opportunity, step, as_of=clock)
                events.append(moved)

        customer, won = win(opportunity, as_of=clock + DAY)
        events.append(won)

        assert customer.contact is contact
        assert customer.organisation == contact.organisation
        assert customer.history == tuple(events)
        assert customer.qualification == lead.qualification
        assert customer.evidence == lead.evidence


class TestLose:
    def test_a_lost_opportunity_keeps_its_reason(self) -> None:
        lost, event = lose(
            _opportunity(), reason=LossReason.TIMING, as_of=NOW + 2 * DAY, note="frozen budgets"
        )

        assert isinstance(event, OpportunityLost)
        assert (lost.reason, lost.note, lost.competitor, lost.probability) == (
            LossReason.TIMING,
            "frozen budgets",
            None,
            0,
        )
        assert stage_of(lost).closed

    def test_a_deal_lost_to_a_competitor_names_the_competitor(self) -> None:
        lost, _ = lose(
            _opportunity(),
            reason=LossReason.COMPETITOR,
            competitor="Difference Engines plc",
            as_of=NOW + 2 * DAY,
        )

        assert lost.competitor == "Difference Engines plc"

    def test_a_competitor_must_be_named_when_one_won(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            lose(_opportunity(), reason=LossReason.COMPETITOR, as_of=NOW + 2 * DAY)

        assert caught.value.field == "competitor"

    @_BUILT
    @given(lfst.opportunities(), st.sampled_from(LossReason), st.data())
    def test_nothing_is_lost_when_an_opportunity_is_lost(
        self, opportunity: Opportunity, reason: LossReason, data: st.DataObject
    ) -> None:
        named = LossReason.COMPETITOR
        competitor = data.draw(lfst.texts() if reason is named else st.none() | lfst.texts())
        snapshot = copy.deepcopy(opportunity)

        lost, event = lose(
            opportunity, reason=reason, competitor=competitor, as_of=opportunity.updated_at
        )

        assert opportunity == snapshot
        # A lost deal will not happen: its probability closes at 0.
        _assert_nothing_lost(opportunity, lost, event, set_by_move={"probability"})
        assert (lost.reason, lost.competitor, lost.probability) == (reason, competitor, 0)


class TestReopen:
    def _disqualified(self) -> DisqualifiedLead:
        return disqualify(
            _lead(), reason=DisqualificationReason.NO_BUDGET, as_of=NOW + DAY, note="frozen"
        )[0]

    def test_a_disqualified_lead_reopens_as_an_open_lead_with_its_evidence(self) -> None:
        closed = self._disqualified()

        lead, event = reopen(closed, reason="budget approved", as_of=NOW + 3 * DAY, by="ops")

        assert type(lead) is Lead
        assert type(event) is LeadReopened
        assert (event.from_stage, event.to_stage) == (FunnelStage.DISQUALIFIED, FunnelStage.LEAD)
        assert (event.reason, event.by, event.at) == ("budget approved", "ops", NOW + 3 * DAY)
        assert (lead.evidence, lead.qualification) == (closed.evidence, closed.qualification)
        # The disqualification, its reason and note stay in the history.
        assert isinstance(lead.history[-2], LeadDisqualified)
        assert lead.history[-2].reason is DisqualificationReason.NO_BUDGET
        assert lead.history[-2].note == "frozen"

    def test_a_disqualified_lead_reopens_to_be_nurtured_for_the_reason_given(self) -> None:
        nurtured, event = reopen(
            self._disqualified(),
            reason="call again in spring",
            as_of=NOW + 3 * DAY,
            to=FunnelStage.NURTURED,
        )

        assert type(nurtured) is NurturedLead
        assert event.to_stage is FunnelStage.NURTURED
        assert (nurtured.reason, nurtured.revisit_on) == ("call again in spring", None)

    def test_a_lost_opportunity_reopens_at_the_step_it_was_lost_at(self) -> None:
        opportunity = advance(_opportunity(), OpportunityStage.PROPOSE, as_of=NOW + 2 * DAY)[0]
        lost = lose(opportunity, reason=LossReason.PRICE, as_of=NOW + 3 * DAY)[0]

        reopened, event = reopen(lost, reason="they came back", as_of=NOW + 4 * DAY)

        assert type(reopened) is Opportunity
        assert type(event) is OpportunityReopened
        # BANT's published probability for "propose".
        assert (reopened.step, reopened.probability) == (OpportunityStage.PROPOSE, 60)
        assert (event.step, event.probability) == (OpportunityStage.PROPOSE, 60)
        assert reopened.estimated_value == Money("48000.00", "EUR")

    def test_a_won_opportunity_reopens_at_the_step_and_with_the_policy_given(self) -> None:
        customer = win(_opportunity(), as_of=NOW + 2 * DAY, value=Money("50000.00", "EUR"))[0]
        policy = attrs.evolve(
            BANT,
            stage_probabilities={
                OpportunityStage.QUALIFY: 5,
                OpportunityStage.DEVELOP: 30,
                OpportunityStage.PROPOSE: 55,
                OpportunityStage.CLOSE: 95,
            },
        )

        reopened, event = reopen(
            customer,
            reason="contract not signed",
            as_of=NOW + 3 * DAY,
            step=OpportunityStage.CLOSE,
            policy=policy,
        )

        assert event.from_stage is FunnelStage.CUSTOMER
        assert (reopened.step, reopened.probability) == (OpportunityStage.CLOSE, 95)
        # The win and its value stay in the history.
        won = reopened.history[-2]
        assert isinstance(won, OpportunityWon)
        assert won.value == Money("50000.00", "EUR")

    @pytest.mark.parametrize(
        "stage", [FunnelStage.CONTACT, FunnelStage.OPPORTUNITY, FunnelStage.CUSTOMER]
    )
    def test_a_disqualified_lead_reopens_only_as_a_lead_or_nurtured(
        self, stage: FunnelStage
    ) -> None:
        with pytest.raises(IllegalTransitionError) as caught:
            reopen(self._disqualified(), reason="r", as_of=NOW + 3 * DAY, to=stage)  # type: ignore[call-overload]

        assert (caught.value.from_stage, caught.value.to_stage) == ("disqualified", stage.value)

    def test_a_closed_opportunity_reopens_only_as_an_opportunity(self) -> None:
        lost = lose(_opportunity(), reason=LossReason.PRICE, as_of=NOW + 2 * DAY)[0]

        with pytest.raises(IllegalTransitionError) as caught:
            reopen(lost, reason="r", as_of=NOW + 3 * DAY, to=FunnelStage.LEAD)  # type: ignore[call-overload]

        assert (caught.value.from_stage, caught.value.to_stage) == ("lost", "lead")

    def test_a_lead_has_no_step_to_reopen_at(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            reopen(
                self._disqualified(), reason="r", as_of=NOW + 3 * DAY, step=OpportunityStage.CLOSE
            )  # type: ignore[call-overload]

        assert caught.value.field == "step"

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_reopening_takes_a_reason(self, reason: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            reopen(self._disqualified(), reason=reason, as_of=NOW + 3 * DAY)

        assert caught.value.field == "reason"

    def test_a_stage_that_is_not_a_funnel_stage_is_refused_by_type(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            reopen(self._disqualified(), reason="r", as_of=NOW + 3 * DAY, to="nurtured")  # type: ignore[call-overload]

        assert (caught.value.field, caught.value.value) == ("to", "nurtured")

    @_BUILT
    @given(
        st.one_of(lfst.disqualified_leads(), lfst.lost_opportunities(), lfst.customers()),
        lfst.texts(),
    )
    def test_nothing_is_lost_when_a_closed_value_reopens(
        self, closed: DisqualifiedLead | LostOpportunity | Customer, reason: str
    ) -> None:
        snapshot = copy.deepcopy(closed)

        opened, event = reopen(closed, reason=reason, as_of=_last_time(closed))

        assert closed == snapshot
        _assert_nothing_lost(closed, opened, event, set_by_move={"probability"})
        assert not stage_of(opened).closed
        assert event.reason == reason


class TestIllegalMoves:
    @pytest.mark.parametrize(("stage", "move"), ILLEGAL, ids=str)
    def test_a_move_from_the_wrong_stage_names_both_stages(
        self, stage: FunnelStage, move: Move
    ) -> None:
        value = _one_of_each()[stage]

        with pytest.raises(IllegalTransitionError) as caught:
            move.call(value, _last_time(value) + DAY)

        assert caught.value.transition == move.name
        assert caught.value.from_stage == stage.value
        assert caught.value.to_stage == move.target(value).value
        assert stage.value in str(caught.value)
        assert move.target(value).value in str(caught.value)

    @pytest.mark.parametrize("stage", [s for s in FunnelStage if s.closed])
    def test_closed_stages_leave_only_through_reopen(self, stage: FunnelStage) -> None:
        value = _one_of_each()[stage]

        for move in MOVES:
            if move.name == "reopen":
                continue
            with pytest.raises(IllegalTransitionError):
                move.call(value, _last_time(value) + DAY)

    @pytest.mark.parametrize("move", MOVES, ids=str)
    def test_something_that_is_not_a_funnel_value_is_named_by_its_type(self, move: Move) -> None:
        with pytest.raises(IllegalTransitionError) as caught:
            move.call("Ada Lovelace", NOW)

        assert caught.value.from_stage == "str"

    @_BUILT
    @given(lfst.stages())
    def test_every_move_from_the_wrong_stage_is_refused(self, value: Stage) -> None:
        at = _last_time(value) + DAY

        for move in MOVES:
            if isinstance(value, move.accepts):
                continue
            with pytest.raises(IllegalTransitionError) as caught:
                move.call(value, at)
            assert caught.value.from_stage == stage_of(value).value
            assert caught.value.to_stage == move.target(value).value


class TestTime:
    @pytest.mark.parametrize(("stage", "move"), LEGAL, ids=str)
    def test_a_move_dated_before_the_last_event_is_refused(
        self, stage: FunnelStage, move: Move
    ) -> None:
        value = _one_of_each()[stage]

        with pytest.raises(InvalidFieldError) as caught:
            move.call(value, _last_time(value) - timedelta(seconds=1))

        assert caught.value.field == "as_of"

    @pytest.mark.parametrize(("stage", "move"), LEGAL, ids=str)
    def test_a_naive_now_is_refused(self, stage: FunnelStage, move: Move) -> None:
        value = _one_of_each()[stage]

        with pytest.raises(NaiveDatetimeError) as caught:
            move.call(value, datetime(2027, 1, 1))

        assert caught.value.field == "as_of"

    def test_a_move_at_the_same_instant_as_the_last_event_is_allowed(self) -> None:
        lead = _lead()

        nurtured, _ = nurture(lead, as_of=lead.updated_at)

        assert nurtured.updated_at == lead.updated_at

    @_BUILT
    @given(
        lfst.stages(),
        st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3660)),
    )
    def test_every_legal_move_dated_in_the_past_is_refused(
        self, value: Stage, back: timedelta
    ) -> None:
        last = _last_time(value)

        for move in MOVES:
            if not isinstance(value, move.accepts):
                continue
            with pytest.raises(InvalidFieldError) as caught:
                move.call(value, last - back)
            assert caught.value.field == "as_of"

    @_BUILT
    @given(lfst.stages())
    def test_history_times_never_decrease_and_stages_chain(self, value: Stage) -> None:
        if isinstance(value, Contact):
            return  # a contact has no history yet
        history = value.history

        # A history starts when a contact qualified, or when a deal was imported.
        if isinstance(history[0], OpportunityImported):
            assert history[0].from_stage is FunnelStage.OPPORTUNITY
        else:
            assert history[0].from_stage is FunnelStage.CONTACT
        for earlier, later in itertools.pairwise(history):
            assert earlier.at <= later.at
            assert later.from_stage is earlier.to_stage
        assert history[-1].to_stage is stage_of(value)
        assert value.updated_at == history[-1].at

    def test_a_history_out_of_order_is_refused(self) -> None:
        lead = _lead()
        nurtured, event = nurture(lead, as_of=NOW + DAY)
        early = attrs.evolve(event, at=NOW - DAY)

        with pytest.raises(InvalidFieldError) as caught:
            attrs.evolve(nurtured, history=(*lead.history, early))

        assert caught.value.field == "history"

    def test_a_lead_without_history_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            attrs.evolve(_lead(), history=())

        assert caught.value.field == "history"

    def test_a_history_ending_at_another_stage_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Lead(
                contact=_contact(),
                evidence=Evidence(),
                qualification=_lead().qualification,
                history=_nurtured().history,
            )

        assert caught.value.field == "history"


class TestStages:
    @pytest.mark.parametrize("stage", list(FunnelStage))
    def test_every_value_knows_its_stage(self, stage: FunnelStage) -> None:
        assert stage_of(_one_of_each()[stage]) is stage

    @pytest.mark.parametrize("value", ["lead", 42, None, Evidence()])
    def test_something_else_has_no_stage(self, value: object) -> None:
        with pytest.raises(WrongTypeError) as caught:
            stage_of(value)

        assert caught.value.field == "value"

    def test_disqualified_lost_and_customer_are_the_closed_stages(self) -> None:
        assert {s for s in FunnelStage if s.closed} == {
            FunnelStage.DISQUALIFIED,
            FunnelStage.LOST,
            FunnelStage.CUSTOMER,
        }

    def test_a_stage_is_immutable(self) -> None:
        lead = _lead()

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            lead.evidence = Evidence()  # type: ignore[misc]

    def test_a_lead_shows_the_buying_party_of_its_contact(self) -> None:
        lead = _lead()

        assert lead.organisation == Organisation(name="Analytical Engines Ltd", employees=42)


class TestWeightedValue:
    def test_value_times_probability_is_exact(self) -> None:
        opportunity = _opportunity(Money("12345.67", "EUR"))
        developing, _ = advance(opportunity, OpportunityStage.DEVELOP, as_of=NOW + 2 * DAY)

        # 12345.67 x 40 / 100, by hand.
        assert developing.weighted_value == Money("4938.268", "EUR")
        assert opportunity.weighted_value == Money("2469.134", "EUR")

    def test_without_an_estimated_value_there_is_no_weighted_value(self) -> None:
        lead = _lead()
        opportunity, _ = promote(lead, ready_signals(observed_at=NOW), as_of=NOW + DAY)

        assert opportunity.weighted_value is None

    @_BUILT
    @given(lfst.opportunities())
    def test_weighted_value_is_value_times_probability_over_a_hundred(
        self, opportunity: Opportunity
    ) -> None:
        weighted = opportunity.weighted_value
        estimated = opportunity.estimated_value

        if estimated is None:
            assert weighted is None
        else:
            assert weighted is not None
            assert weighted.currency == estimated.currency
            assert isinstance(weighted.amount, Decimal)
            assert weighted.amount * 100 == estimated.amount * opportunity.probability
            assert weighted <= estimated
