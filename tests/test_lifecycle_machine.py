"""A state machine walks the funnel with random legal and illegal moves.

It holds a set of funnel values, each the latest of a chain that started from a contact,
and a clock that only moves forward. Every rule checks the move it made against the
rules' own decision (``qualify``, ``can_promote``); the invariants check that history only
grows, that only the documented moves ever happen (so a closed stage leaves only through
``reopen``, and a nurtured lead only through re-qualification or disqualification), and
that the contact is the same all along a chain.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from leadflow import (
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
    LeadReopened,
    LossReason,
    LostOpportunity,
    Money,
    NotQualifiedError,
    NurturedLead,
    Opportunity,
    OpportunityReopened,
    OpportunityStage,
    Policy,
    PromotionRefusedError,
    PromotionSignals,
    Stage,
    advance,
    can_promote,
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
from leadflow.presets import BANT, PRESETS

S = FunnelStage
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

# The moves the domain documents, and no others.
DOCUMENTED = frozenset(
    {
        (S.CONTACT, S.LEAD),
        (S.LEAD, S.LEAD),
        (S.LEAD, S.NURTURED),
        (S.LEAD, S.DISQUALIFIED),
        (S.NURTURED, S.LEAD),
        (S.NURTURED, S.DISQUALIFIED),
        (S.LEAD, S.OPPORTUNITY),
        (S.OPPORTUNITY, S.OPPORTUNITY),
        (S.OPPORTUNITY, S.CUSTOMER),
        (S.OPPORTUNITY, S.LOST),
        # Reopening: a person's decision, with a reason.
        (S.DISQUALIFIED, S.LEAD),
        (S.DISQUALIFIED, S.NURTURED),
        (S.LOST, S.OPPORTUNITY),
        (S.CUSTOMER, S.OPPORTUNITY),
    }
)
CLOSED = (DisqualifiedLead, LostOpportunity, Customer)

# BANT's published win probability per sales step.
BANT_PROBABILITY = {
    OpportunityStage.QUALIFY: 20,
    OpportunityStage.DEVELOP: 40,
    OpportunityStage.PROPOSE: 60,
    OpportunityStage.CLOSE: 80,
}


def _other_step(value: Any) -> OpportunityStage:
    step = getattr(value, "step", OpportunityStage.QUALIFY)
    return (
        OpportunityStage.DEVELOP if step is not OpportunityStage.DEVELOP else OpportunityStage.CLOSE
    )


@attrs.frozen
class Move:
    """A move: the stages it accepts, where it leads, and a call with plausible input."""

    name: str
    accepts: tuple[type, ...]
    to_stage: FunnelStage
    call: Callable[[Any, datetime], object]
    # Where the move says it was going when refused on an opportunity, if not to_stage.
    from_opportunity: FunnelStage | None = None

    def target(self, value: object) -> FunnelStage:
        """The stage a refusal of this move on *value* names."""
        if self.from_opportunity is not None and isinstance(value, Opportunity):
            return self.from_opportunity
        return self.to_stage


MOVES = [
    Move("qualify", (Contact,), S.LEAD, lambda v, at: to_lead(v, Evidence(), as_of=at)),
    Move("nurture", (Lead,), S.NURTURED, lambda v, at: nurture(v, as_of=at)),
    Move("reassess", (Lead,), S.LEAD, lambda v, at: reassess(v, Evidence(), as_of=at)),
    Move(
        "disqualify",
        (Lead, NurturedLead),
        S.DISQUALIFIED,
        lambda v, at: disqualify(v, reason=DisqualificationReason.OTHER, as_of=at),
    ),
    Move("requalify", (NurturedLead,), S.LEAD, lambda v, at: requalify(v, Evidence(), as_of=at)),
    Move(
        "promote",
        (Lead,),
        S.OPPORTUNITY,
        lambda v, at: promote(v, PromotionSignals(), as_of=at),
    ),
    Move(
        "advance",
        (Opportunity,),
        S.OPPORTUNITY,
        lambda v, at: advance(v, _other_step(v), as_of=at),
    ),
    Move("win", (Opportunity,), S.CUSTOMER, lambda v, at: win(v, as_of=at)),
    Move(
        "lose",
        (Opportunity,),
        S.LOST,
        lambda v, at: lose(v, reason=LossReason.NO_DECISION, as_of=at),
    ),
    Move(
        "reopen",
        (DisqualifiedLead, LostOpportunity, Customer),
        S.LEAD,
        lambda v, at: reopen(v, reason="back in the market", as_of=at),
        from_opportunity=S.OPPORTUNITY,
    ),
]


def _last_time(value: Stage) -> datetime:
    return value.created_at if isinstance(value, Contact) else value.updated_at


def _history(value: Stage) -> tuple[Event, ...]:
    return () if isinstance(value, Contact) else value.history


@attrs.define
class Chain:
    """One contact's way through the funnel: the contact, and where it stands now."""

    contact: Contact
    value: Stage


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = START
        self.chains: list[Chain] = []
        self.seen: set[tuple[FunnelStage, FunnelStage]] = set()

    # --- helpers -------------------------------------------------------------------------

    def _any(self, *kinds: type) -> bool:
        return any(isinstance(chain.value, kinds) for chain in self.chains)

    def _pick(self, data: st.DataObject, *kinds: type) -> Chain:
        candidates = [chain for chain in self.chains if isinstance(chain.value, kinds)]
        return data.draw(st.sampled_from(candidates), label="value")

    def _moved(self, chain: Chain, after: Stage, event: Event) -> None:
        """Check one legal move and record it."""
        before = chain.value
        earlier, later = _history(before), _history(after)
        assert later[: len(earlier)] == earlier
        assert len(later) == len(earlier) + 1
        assert later[-1] is event
        assert event.at == self.clock
        assert (event.from_stage, event.to_stage) == (stage_of(before), stage_of(after))
        self.seen.add((stage_of(before), stage_of(after)))
        chain.value = after

    def _policy(self, data: st.DataObject) -> Policy:
        # Mostly the default, so that leads go on to be promoted under it.
        return data.draw(st.sampled_from([BANT, BANT, *PRESETS.values()]), label="policy")

    def _evidence(self, data: st.DataObject) -> Evidence:
        # Evidence that qualifies under BANT two times in three; anything at all otherwise.
        fresh = lfst.lead_evidence(self.clock)
        return data.draw(st.one_of(fresh, fresh, lfst.evidence(self.clock)), label="evidence")

    def _signals(self, data: st.DataObject) -> PromotionSignals:
        # Signals that pass the gate two times in three; any signals otherwise.
        passing = lfst.qualifying_signals(self.clock)
        signals = st.one_of(passing, passing, lfst.promotion_signals(self.clock))
        return data.draw(signals, label="signals")

    # --- time and new contacts -----------------------------------------------------------

    @rule(minutes=st.integers(min_value=1, max_value=30 * 24 * 60))
    def time_passes(self, minutes: int) -> None:
        self.clock += timedelta(minutes=minutes)

    @initialize(contacts=st.lists(lfst.contacts(created_before=START), min_size=1, max_size=4))
    def contacts_come_in(self, contacts: list[Contact]) -> None:
        for contact in contacts:
            assert contact.created_at <= self.clock
            self.chains.append(Chain(contact=contact, value=contact))

    # --- legal moves, checked against the decisions --------------------------------------

    @precondition(lambda self: self._any(Contact))
    @rule(data=st.data())
    def qualify_a_contact(self, data: st.DataObject) -> None:
        chain = self._pick(data, Contact)
        contact = chain.value
        assert isinstance(contact, Contact)
        evidence, policy = self._evidence(data), self._policy(data)
        expected = qualify(contact, evidence, policy, as_of=self.clock)

        if expected.qualified:
            lead, event = to_lead(contact, evidence, policy, as_of=self.clock)
            assert lead.qualification == expected
            assert lead.evidence == evidence
            self._moved(chain, lead, event)
        else:
            with pytest.raises(NotQualifiedError) as caught:
                to_lead(contact, evidence, policy, as_of=self.clock)
            assert caught.value.decision == expected

    @precondition(lambda self: self._any(Lead))
    @rule(data=st.data())
    def nurture_a_lead(self, data: st.DataObject) -> None:
        chain = self._pick(data, Lead)
        lead = chain.value
        assert isinstance(lead, Lead)
        reason = data.draw(st.none() | lfst.texts(), label="reason")

        nurtured, event = nurture(lead, as_of=self.clock, reason=reason)

        assert nurtured.reason == reason
        self._moved(chain, nurtured, event)

    @precondition(lambda self: self._any(Lead))
    @rule(data=st.data())
    def reassess_a_lead(self, data: st.DataObject) -> None:
        chain = self._pick(data, Lead)
        lead = chain.value
        assert isinstance(lead, Lead)
        evidence, policy = self._evidence(data), self._policy(data)
        expected = qualify(lead.contact, evidence, policy, as_of=self.clock)

        # The lead stays open whatever the verdict; the decision is recorded.
        reassessed, event = reassess(lead, evidence, policy, as_of=self.clock)

        assert (reassessed.evidence, reassessed.qualification) == (evidence, expected)
        self._moved(chain, reassessed, event)

    @precondition(lambda self: self._any(NurturedLead))
    @rule(data=st.data())
    def requalify_a_nurtured_lead(self, data: st.DataObject) -> None:
        chain = self._pick(data, NurturedLead)
        nurtured = chain.value
        assert isinstance(nurtured, NurturedLead)
        evidence, policy = self._evidence(data), self._policy(data)
        expected = qualify(nurtured.contact, evidence, policy, as_of=self.clock)

        if expected.qualified:
            lead, event = requalify(nurtured, evidence, policy, as_of=self.clock)
            assert (lead.evidence, lead.qualification) == (evidence, expected)
            self._moved(chain, lead, event)
        else:
            with pytest.raises(NotQualifiedError) as caught:
                requalify(nurtured, evidence, policy, as_of=self.clock)
            assert caught.value.decision == expected

    @precondition(lambda self: self._any(Lead, NurturedLead))
    @rule(data=st.data(), reason=st.sampled_from(DisqualificationReason))
    def disqualify_a_lead(self, data: st.DataObject, reason: DisqualificationReason) -> None:
        chain = self._pick(data, Lead, NurturedLead)
        lead = chain.value
        assert isinstance(lead, (Lead, NurturedLead))

        closed, event = disqualify(lead, reason=reason, as_of=self.clock)

        assert closed.reason is reason
        self._moved(chain, closed, event)

    @precondition(lambda self: self._any(Lead))
    @rule(data=st.data())
    def promote_a_lead(self, data: st.DataObject) -> None:
        chain = self._pick(data, Lead)
        lead = chain.value
        assert isinstance(lead, Lead)
        signals = self._signals(data)
        value = data.draw(st.none() | lfst.money(), label="estimated value")
        expected = can_promote(lead, signals, as_of=self.clock)

        if expected.promotable:
            opportunity, event = promote(lead, signals, as_of=self.clock, estimated_value=value)
            assert opportunity.promotion == expected
            assert opportunity.estimated_value == value
            assert opportunity.probability == BANT_PROBABILITY[OpportunityStage.QUALIFY]
            self._moved(chain, opportunity, event)
        else:
            with pytest.raises(PromotionRefusedError) as caught:
                promote(lead, signals, as_of=self.clock, estimated_value=value)
            assert caught.value.decision == expected

    @precondition(lambda self: self._any(Opportunity))
    @rule(data=st.data(), step=st.sampled_from(OpportunityStage))
    def advance_an_opportunity(self, data: st.DataObject, step: OpportunityStage) -> None:
        chain = self._pick(data, Opportunity)
        opportunity = chain.value
        assert isinstance(opportunity, Opportunity)

        if step is opportunity.step:
            with pytest.raises(IllegalTransitionError):
                advance(opportunity, step, as_of=self.clock)
            return
        advanced, event = advance(opportunity, step, as_of=self.clock)

        assert (advanced.step, advanced.probability) == (step, BANT_PROBABILITY[step])
        self._moved(chain, advanced, event)

    @precondition(lambda self: self._any(Opportunity))
    @rule(data=st.data())
    def win_an_opportunity(self, data: st.DataObject) -> None:
        chain = self._pick(data, Opportunity)
        opportunity = chain.value
        assert isinstance(opportunity, Opportunity)
        value: Money | None = data.draw(st.none() | lfst.money(), label="won value")

        customer, event = win(opportunity, as_of=self.clock, value=value)

        assert customer.won_value == (opportunity.estimated_value if value is None else value)
        assert customer.probability == 100
        self._moved(chain, customer, event)

    @precondition(lambda self: self._any(Opportunity))
    @rule(data=st.data(), reason=st.sampled_from(LossReason))
    def lose_an_opportunity(self, data: st.DataObject, reason: LossReason) -> None:
        chain = self._pick(data, Opportunity)
        opportunity = chain.value
        assert isinstance(opportunity, Opportunity)
        named = reason is LossReason.COMPETITOR
        competitor = data.draw(lfst.texts() if named else st.none(), label="competitor")

        lost, event = lose(opportunity, reason=reason, competitor=competitor, as_of=self.clock)

        assert (lost.reason, lost.competitor, lost.probability) == (reason, competitor, 0)
        self._moved(chain, lost, event)

    @precondition(lambda self: self._any(*CLOSED))
    @rule(data=st.data())
    def reopen_a_closed_value(self, data: st.DataObject) -> None:
        chain = self._pick(data, *CLOSED)
        closed = chain.value
        reason = data.draw(lfst.texts(), label="reason")

        opened: Lead | NurturedLead | Opportunity
        event: LeadReopened | OpportunityReopened
        if isinstance(closed, DisqualifiedLead):
            if data.draw(st.booleans(), label="to nurture"):
                opened, event = reopen(closed, reason=reason, as_of=self.clock, to=S.NURTURED)
                assert opened.reason == reason
            else:
                opened, event = reopen(closed, reason=reason, as_of=self.clock)
                assert type(opened) is Lead
            assert (opened.evidence, opened.qualification) == (
                closed.evidence,
                closed.qualification,
            )
        else:
            assert isinstance(closed, (LostOpportunity, Customer))
            step = data.draw(st.none() | st.sampled_from(OpportunityStage), label="step")
            opened, event = reopen(closed, reason=reason, as_of=self.clock, step=step)
            at = closed.step if step is None else step
            assert (opened.step, opened.probability) == (at, BANT_PROBABILITY[at])
            assert (opened.promotion, opened.estimated_value) == (
                closed.promotion,
                closed.estimated_value,
            )
        assert event.reason == reason
        self._moved(chain, opened, event)

    # --- illegal moves -------------------------------------------------------------------

    @precondition(lambda self: bool(self.chains))
    @rule(data=st.data())
    def illegal_move(self, data: st.DataObject) -> None:
        chain = data.draw(st.sampled_from(self.chains), label="value")
        value = chain.value
        wrong = [move for move in MOVES if not isinstance(value, move.accepts)]
        # A closed stage leaves only through reopen: every other move on it raises.
        tried = wrong if isinstance(value, CLOSED) else [data.draw(st.sampled_from(wrong))]

        for move in tried:
            with pytest.raises(IllegalTransitionError) as caught:
                move.call(value, self.clock)
            assert caught.value.transition == move.name
            assert caught.value.from_stage == stage_of(value).value
            assert caught.value.to_stage == move.target(value).value
        assert chain.value is value

    @precondition(lambda self: bool(self.chains))
    @rule(data=st.data(), back=st.integers(min_value=1, max_value=10**8))
    def a_move_into_the_past(self, data: st.DataObject, back: int) -> None:
        value = data.draw(st.sampled_from(self.chains), label="value").value
        legal = [move for move in MOVES if isinstance(value, move.accepts)]
        move = data.draw(st.sampled_from(legal), label="move")

        with pytest.raises(InvalidFieldError) as caught:
            move.call(value, _last_time(value) - timedelta(seconds=back))

        assert caught.value.field == "as_of"

    # --- invariants ----------------------------------------------------------------------

    @invariant()
    def only_documented_moves_happen(self) -> None:
        assert self.seen <= DOCUMENTED

    @invariant()
    def the_contact_is_the_same_all_along_a_chain(self) -> None:
        for chain in self.chains:
            current = chain.value
            contact = current if isinstance(current, Contact) else current.contact
            assert contact is chain.contact

    @invariant()
    def history_is_in_order_and_never_ahead_of_the_clock(self) -> None:
        for chain in self.chains:
            history = _history(chain.value)
            for earlier, later in itertools.pairwise(history):
                assert earlier.at <= later.at
                assert later.from_stage is earlier.to_stage
            if history:
                assert history[0].from_stage is S.CONTACT
                assert history[-1].to_stage is stage_of(chain.value)
                assert history[-1].at <= self.clock


# Walks of up to 30 steps, as many as the loaded profile's examples (tests/conftest.py):
# 50 in the default "dev" profile, a few seconds; 300 in "ci".
LifecycleMachine.TestCase.settings = settings(stateful_step_count=30, deadline=None)
TestLifecycle = LifecycleMachine.TestCase
