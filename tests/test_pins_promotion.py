"""Pins on promotion.py (can_promote, promote) and qualification.py, line by line.

Hand-built leads and policies, expected values worked out from the rules as documented
(BANT: need 30, budget 30, timeframe 25, authority 15; freshness 180 days; the default gate
asks for an established relationship, specified requirements, payment terms, no supplier to
displace and a strong need), so that each change to either module fails a test here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

import leadflow._engine
import leadflow.promotion
import leadflow.qualification
from leadflow import (
    BANT,
    DEFAULT_POLICY,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Evidence,
    FunnelStage,
    IllegalTransitionError,
    InvalidFieldError,
    Lead,
    LeadflowError,
    LeadPromoted,
    Money,
    NaiveDatetimeError,
    NeedLevel,
    Opportunity,
    OpportunityStage,
    Policy,
    PromotionDecision,
    PromotionRefusedError,
    PromotionRule,
    PromotionSignals,
    PurchaseRole,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    can_promote,
    promote,
    qualify,
    to_lead,
)
from leadflow.explanation import Status
from support import DAY, NOW, ada, evidence_at, pinned, qualifying_evidence, ready_signals

UTC = timezone.utc
LATER = NOW + 3 * DAY
FRESHNESS = timedelta(days=180)  # BANT's, stated here rather than read from the policy

#: Unlike BANT in everything promotion reads: name, probabilities, freshness and gate.
CUSTOM = attrs.evolve(
    BANT,
    name="Custom",
    freshness=timedelta(days=30),
    stage_probabilities={
        OpportunityStage.QUALIFY: 35,
        OpportunityStage.DEVELOP: 50,
        OpportunityStage.PROPOSE: 70,
        OpportunityStage.CLOSE: 90,
    },
    promotion=PromotionRule(
        relationship=RelationshipLevel.CONTACTED,
        requirements=None,
        terms=TermsLevel.PRICING,
        supplier=SupplierStatus.EVALUATING,
        need=None,
    ),
)

#: Signals that pass the custom gate but not BANT's (relationship, requirements, terms,
#: supplier all short of the default minimums).
CUSTOM_SIGNALS = PromotionSignals(
    relationship=RelationshipLevel.CONTACTED,
    requirements=RequirementsLevel.UNKNOWN,
    terms=TermsLevel.PRICING,
    supplier=SupplierStatus.EVALUATING,
    observed_at=NOW + DAY,
)


def a_lead(
    evidence: Evidence | None = None,
    organisation: str | None = "Analytical Engines",
    role: PurchaseRole = PurchaseRole.DECISION_MAKER,
) -> Lead:
    """Ada, qualified under BANT at NOW (score 100 as a decision maker)."""
    lead, _ = to_lead(
        ada(role, organisation), qualifying_evidence() if evidence is None else evidence, as_of=NOW
    )
    return lead


def with_evidence(lead: Lead, evidence: Evidence) -> Lead:
    """*lead* holding *evidence* now (it qualified on other evidence before)."""
    return attrs.evolve(lead, evidence=evidence)


def no_budget(lead: Lead) -> Lead:
    """*lead* whose budget is no longer known: it no longer qualifies under BANT."""
    return with_evidence(lead, attrs.evolve(lead.evidence, budget=BudgetEvidence()))


def caught_by(call: Any, *args: Any, **kwargs: Any) -> BaseException:
    with pytest.raises(LeadflowError) as caught:
        call(*args, **kwargs)
    return caught.value


# --------------------------------------------------------------------------------------------
# can_promote
# --------------------------------------------------------------------------------------------


class TestTheDecisionsFields:
    def test_every_field_of_a_mixed_decision_is_as_the_rules_say(self) -> None:
        lead = a_lead()
        signals = ready_signals(
            relationship=RelationshipLevel.CONTACTED,
            supplier=SupplierStatus.NO_SUPPLIER,
            terms=TermsLevel.UNKNOWN,
            observed_at=LATER - 3 * DAY,
        )

        decision = can_promote(lead, signals, BANT, as_of=LATER)

        assert type(decision) is PromotionDecision
        assert decision.promotable is False
        assert type(decision.results) is tuple
        assert [r.name for r in decision.results] == [
            "need",
            "relationship",
            "requirements",
            "supplier",
            "terms",
        ]
        assert [(r.level, r.minimum, r.status) for r in decision.results] == [
            (NeedLevel.STRONG, NeedLevel.STRONG, Status.MET),
            (RelationshipLevel.CONTACTED, RelationshipLevel.ESTABLISHED, Status.BELOW_MINIMUM),
            (RequirementsLevel.SPECIFIED, RequirementsLevel.SPECIFIED, Status.MET),
            (SupplierStatus.NO_SUPPLIER, SupplierStatus.NO_SUPPLIER, Status.MET),
            (TermsLevel.UNKNOWN, TermsLevel.PAYMENT_TERMS, Status.UNCONFIRMED),
        ]
        assert all(r.required for r in decision.results)
        assert [(r.points, r.weight) for r in decision.results] == [(0, 0)] * 5
        assert type(decision.next_steps) is tuple
        assert decision.next_steps == (
            "build the relationship until it is established",
            "start discussing payment terms",
        )
        assert decision.policy == "BANT"
        assert decision.as_of == LATER
        assert decision.signals is signals

    def test_the_qualification_is_the_lead_requalified_at_as_of_under_the_policy(self) -> None:
        lead = a_lead()

        decision = can_promote(lead, CUSTOM_SIGNALS, CUSTOM, as_of=LATER)

        qualification = decision.qualification
        assert qualification.verdict is Verdict.QUALIFIED
        assert qualification.score == 100
        assert qualification.policy == "Custom"
        assert qualification.as_of == LATER
        assert qualification.evidence is lead.evidence
        assert decision.policy == "Custom"

    def test_no_policy_means_the_default_policy(self) -> None:
        assert DEFAULT_POLICY is BANT

        decision = can_promote(a_lead(), CUSTOM_SIGNALS, as_of=LATER)
        explicit = can_promote(a_lead(), CUSTOM_SIGNALS, None, as_of=LATER)

        assert decision.policy == explicit.policy == "BANT"
        assert decision.qualification.policy == "BANT"
        assert decision.promotable is False
        assert decision == explicit

    def test_a_given_policy_is_the_one_that_decides(self) -> None:
        decision = can_promote(a_lead(), CUSTOM_SIGNALS, CUSTOM, as_of=LATER)

        assert decision.promotable is True
        assert decision.policy == "Custom"
        assert decision.next_steps == ()
        assert decision.codes == (
            "need.met",
            "relationship.met",
            "requirements.met",
            "supplier.met",
            "terms.met",
        )
        assert [r.minimum for r in decision.results] == [
            None,
            RelationshipLevel.CONTACTED,
            None,
            SupplierStatus.EVALUATING,
            TermsLevel.PRICING,
        ]
        assert [r.required for r in decision.results] == [False, True, False, True, True]


class TestTheNeedResult:
    def test_a_need_the_gate_sets_is_required_and_read_from_the_qualification(self) -> None:
        expressed = evidence_at(NeedLevel.EXPRESSED, BudgetLevel.APPROVED, TimeframeLevel.IMMEDIATE)

        decision = can_promote(a_lead(expressed), ready_signals(), as_of=LATER)

        need = decision.result("need")
        assert decision.qualification.qualified
        assert (need.level, need.minimum, need.required) == (
            NeedLevel.EXPRESSED,
            NeedLevel.STRONG,
            True,
        )
        assert need.code == "need.below_minimum"
        assert need.next_step == "develop the need until it is at least strong"
        assert decision.next_steps == ("develop the need until it is at least strong",)
        assert decision.promotable is False

    def test_a_need_the_gate_does_not_set_is_optional_and_met(self) -> None:
        expressed = evidence_at(NeedLevel.EXPRESSED, BudgetLevel.APPROVED, TimeframeLevel.IMMEDIATE)

        decision = can_promote(a_lead(expressed), CUSTOM_SIGNALS, CUSTOM, as_of=LATER)

        need = decision.result("need")
        assert (need.level, need.minimum, need.required, need.code) == (
            NeedLevel.EXPRESSED,
            None,
            False,
            "need.met",
        )
        assert decision.promotable is True

    def test_a_need_that_decayed_is_stale_and_its_steps_come_once_in_order(self) -> None:
        observed = evidence_at(
            NeedLevel.STRONG, BudgetLevel.APPROVED, TimeframeLevel.IMMEDIATE, observed_at=NOW
        )
        as_of = NOW + FRESHNESS + DAY

        decision = can_promote(a_lead(observed), ready_signals(observed_at=as_of), as_of=as_of)

        need = decision.result("need")
        assert (need.level, need.minimum, need.status, need.required) == (
            NeedLevel.UNKNOWN,
            NeedLevel.STRONG,
            Status.STALE,
            True,
        )
        assert need.code == "need.stale"
        assert decision.qualification.verdict is Verdict.UNDETERMINED
        # The need's step first (from the results), then the qualification's in its own
        # order, the need's repeated there left out.
        assert decision.qualification.next_steps == (
            "re-confirm budget",
            "re-confirm what the party needs",
            "re-confirm when the party will buy",
            "identify the decision maker",
        )
        assert decision.next_steps == (
            "re-confirm what the party needs",
            "re-confirm budget",
            "re-confirm when the party will buy",
            "identify the decision maker",
        )
        assert decision.promotable is False

    def test_a_decayed_need_the_gate_does_not_set_is_met_at_unknown(self) -> None:
        observed = evidence_at(
            NeedLevel.STRONG, BudgetLevel.APPROVED, TimeframeLevel.IMMEDIATE, observed_at=NOW
        )
        policy = attrs.evolve(BANT, promotion=PromotionRule(need=None))
        as_of = NOW + FRESHNESS + DAY

        decision = can_promote(a_lead(observed), ready_signals(), policy, as_of=as_of)

        need = decision.result("need")
        assert (need.level, need.minimum, need.required, need.code) == (
            NeedLevel.UNKNOWN,
            None,
            False,
            "need.met",
        )
        assert "re-confirm what the party needs" in decision.next_steps


STALE_STEPS = (
    "build a relationship with the lead",
    "identify the lead's specific needs and requirements",
    "find out where the lead stands with its current supplier",
    "start discussing payment terms",
)


class TestSignalFreshness:
    def test_signals_older_than_the_window_count_as_unknown_and_say_stale(self) -> None:
        signals = ready_signals(observed_at=LATER - FRESHNESS - timedelta(microseconds=1))

        decision = can_promote(a_lead(), signals, as_of=LATER)

        assert decision.qualification.qualified
        assert decision.codes == (
            "need.met",
            "relationship.stale",
            "requirements.stale",
            "supplier.stale",
            "terms.stale",
        )
        assert [r.level for r in decision.results[1:]] == [
            RelationshipLevel.UNKNOWN,
            RequirementsLevel.UNKNOWN,
            SupplierStatus.UNKNOWN,
            TermsLevel.UNKNOWN,
        ]
        assert all(r.required for r in decision.results)
        assert decision.next_steps == STALE_STEPS
        assert decision.promotable is False
        assert decision.signals is signals

    def test_signals_exactly_at_the_window_are_fresh(self) -> None:
        signals = ready_signals(observed_at=LATER - FRESHNESS)

        decision = can_promote(a_lead(), signals, as_of=LATER)

        assert decision.codes == (
            "need.met",
            "relationship.met",
            "requirements.met",
            "supplier.met",
            "terms.met",
        )
        assert decision.results[1].level is RelationshipLevel.ESTABLISHED
        assert decision.promotable is True

    def test_stale_optional_signals_are_unknown_but_met(self) -> None:
        stale = attrs.evolve(
            CUSTOM_SIGNALS,
            requirements=RequirementsLevel.SPECIFIED,
            observed_at=LATER - timedelta(days=31),
        )

        decision = can_promote(a_lead(), stale, CUSTOM, as_of=LATER)

        requirements = decision.result("requirements")
        assert (requirements.level, requirements.code) == (
            RequirementsLevel.UNKNOWN,
            "requirements.met",
        )
        assert decision.result("terms").code == "terms.stale"
        assert decision.promotable is False

    def test_signals_never_go_stale_under_a_policy_without_a_window(self) -> None:
        forever = attrs.evolve(BANT, freshness=None)
        signals = ready_signals(observed_at=datetime(2016, 1, 1, tzinfo=UTC))

        decision = can_promote(a_lead(), signals, forever, as_of=LATER)

        assert decision.promotable is True
        assert decision.results[4].level is TermsLevel.PAYMENT_TERMS

    def test_undated_signals_are_never_stale(self) -> None:
        decision = can_promote(a_lead(), ready_signals(observed_at=None), as_of=LATER)

        assert decision.promotable is True
        assert decision.next_steps == ()

    def test_signals_reviewed_at_as_of_itself_are_accepted(self) -> None:
        decision = can_promote(a_lead(), ready_signals(observed_at=LATER), as_of=LATER)

        assert decision.promotable is True

    def test_signals_reviewed_after_as_of_are_refused_naming_the_field(self) -> None:
        ahead = LATER + timedelta(microseconds=1)
        signals = ready_signals(observed_at=ahead)

        error = caught_by(can_promote, a_lead(), signals, as_of=LATER)

        pinned(error, InvalidFieldError, "signals.observed_at", ahead, "observed after as_of")

    def test_age_is_real_elapsed_time_across_a_daylight_saving_change(self) -> None:
        zoneinfo = pytest.importorskip("zoneinfo")
        try:
            berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        except zoneinfo.ZoneInfoNotFoundError:  # pragma: no cover - no time zone data
            pytest.skip("no time zone database on this machine")
        as_of = datetime(2026, 7, 20, 12, 0, tzinfo=berlin)  # summer time, UTC+2
        # Exactly the window before in real time; an hour more by the wall clock (winter).
        observed = (as_of.astimezone(UTC) - FRESHNESS).astimezone(berlin)
        assert observed.hour == 11

        decision = can_promote(a_lead(), ready_signals(observed_at=observed), as_of=as_of)

        assert decision.promotable is True


class TestNextStepsAndTheGate:
    def test_the_signals_steps_come_first_then_the_qualifications(self) -> None:
        signals = ready_signals(relationship=RelationshipLevel.CONTACTED, terms=TermsLevel.UNKNOWN)

        decision = can_promote(no_budget(a_lead()), signals, as_of=LATER)

        assert decision.qualification.next_steps == ("confirm budget",)
        assert decision.next_steps == (
            "build the relationship until it is established",
            "start discussing payment terms",
            "confirm budget",
        )

    def test_met_results_add_no_step(self) -> None:
        decision = can_promote(a_lead(role=PurchaseRole.UNKNOWN), ready_signals(), as_of=LATER)

        # Authority is optional under BANT: the lead qualifies and is promotable, and the
        # only step is the qualification's.
        assert decision.qualification.score == 85
        assert decision.promotable is True
        assert decision.next_steps == ("identify the decision maker",)

    def test_a_qualified_lead_meeting_every_required_signal_is_promotable(self) -> None:
        assert can_promote(a_lead(), ready_signals(), as_of=LATER).promotable is True

    def test_one_required_signal_short_closes_the_gate(self) -> None:
        signals = ready_signals(requirements=RequirementsLevel.GENERAL)

        decision = can_promote(a_lead(), signals, as_of=LATER)

        assert decision.qualification.qualified
        assert decision.promotable is False
        assert decision.next_steps == ("identify the lead's specific needs and requirements",)

    def test_a_lead_that_no_longer_qualifies_is_not_promotable_on_any_signals(self) -> None:
        decision = can_promote(no_budget(a_lead()), ready_signals(), as_of=LATER)

        assert all(r.met for r in decision.results)
        assert decision.qualification.verdict is Verdict.UNDETERMINED
        assert decision.promotable is False
        assert decision.next_steps == ("confirm budget",)


class TestWhatCanPromoteRefuses:
    @pytest.mark.parametrize("junk", [None, 42, "established", attrs.asdict(ready_signals())])
    def test_signals_of_the_wrong_type_are_refused(self, junk: Any) -> None:
        error = caught_by(can_promote, a_lead(), junk, as_of=LATER)

        pinned(
            error,
            WrongTypeError,
            "signals",
            junk,
            f"expected PromotionSignals, not {type(junk).__name__}",
        )

    def test_evidence_instead_of_signals_is_named(self) -> None:
        evidence = qualifying_evidence()

        error = caught_by(can_promote, a_lead(), evidence, as_of=LATER)

        pinned(
            error, WrongTypeError, "signals", evidence, "expected PromotionSignals, not Evidence"
        )

    def test_a_policy_of_the_wrong_type_is_named(self) -> None:
        error = caught_by(can_promote, a_lead(), ready_signals(), "BANT", as_of=LATER)

        pinned(error, WrongTypeError, "policy", "BANT", "expected a Policy, not str")

    def test_a_contact_is_refused_as_not_a_lead(self) -> None:
        error = caught_by(can_promote, ada(), "not even signals", as_of=LATER)

        assert type(error) is IllegalTransitionError
        assert (error.transition, error.from_stage, error.to_stage) == (
            "promote",
            "contact",
            "opportunity",
        )
        assert str(error) == (
            "cannot promote a contact into an opportunity: only an open lead is promoted"
        )


# --------------------------------------------------------------------------------------------
# promote
# --------------------------------------------------------------------------------------------


class TestTheOpportunity:
    def test_every_field_comes_from_the_lead_the_arguments_and_the_policy(self) -> None:
        lead = a_lead()
        value = Money("95000", "USD")
        close = date(2026, 6, 30)

        opportunity, event = promote(
            lead,
            CUSTOM_SIGNALS,
            CUSTOM,
            as_of=LATER,
            estimated_value=value,
            expected_close=close,
            by="grace",
        )

        assert type(opportunity) is Opportunity
        assert opportunity.contact is lead.contact
        assert opportunity.evidence is lead.evidence
        assert opportunity.qualification is lead.qualification
        assert opportunity.history == (*lead.history, event)
        assert opportunity.signals is CUSTOM_SIGNALS
        assert opportunity.promotion is event.decision
        assert opportunity.name == "Analytical Engines"
        assert opportunity.step is OpportunityStage.QUALIFY
        assert opportunity.probability == 35
        assert opportunity.estimated_value is value
        assert opportunity.expected_close is close

    def test_the_default_policy_gives_its_own_first_step_probability(self) -> None:
        opportunity, event = promote(a_lead(), ready_signals(), as_of=LATER)

        assert opportunity.probability == 20
        assert opportunity.step is OpportunityStage.QUALIFY
        assert event.decision.policy == "BANT"
        assert opportunity.estimated_value is None
        assert opportunity.expected_close is None

    def test_no_policy_given_explicitly_is_the_default_policy(self) -> None:
        opportunity, _ = promote(a_lead(), ready_signals(), None, as_of=LATER)

        assert opportunity.probability == 20

    def test_an_organisations_opportunity_is_named_for_the_organisation(self) -> None:
        opportunity, _ = promote(a_lead(organisation="Babbage & Co"), ready_signals(), as_of=LATER)

        assert opportunity.name == "Babbage & Co"

    def test_a_private_persons_opportunity_is_named_for_the_person(self) -> None:
        opportunity, _ = promote(a_lead(organisation=None), ready_signals(), as_of=LATER)

        assert opportunity.name == "Ada Lovelace"

    @pytest.mark.parametrize("organisation", ["Analytical Engines", None])
    def test_a_given_name_wins(self, organisation: str | None) -> None:
        opportunity, _ = promote(
            a_lead(organisation=organisation),
            ready_signals(),
            as_of=LATER,
            name="Difference Engine No. 2",
        )

        assert opportunity.name == "Difference Engine No. 2"

    def test_a_zero_estimated_value_is_allowed(self) -> None:
        zero = Money(0, "EUR")

        opportunity, _ = promote(a_lead(), ready_signals(), as_of=LATER, estimated_value=zero)

        assert opportunity.estimated_value is zero


class TestTheEvent:
    def test_every_field_of_the_event(self) -> None:
        lead = a_lead()

        opportunity, event = promote(lead, CUSTOM_SIGNALS, CUSTOM, as_of=LATER, by="grace")

        assert type(event) is LeadPromoted
        assert event.at is LATER
        assert event.by == "grace"
        assert (event.from_stage, event.to_stage) == (FunnelStage.LEAD, FunnelStage.OPPORTUNITY)
        decision = event.decision
        assert decision == can_promote(lead, CUSTOM_SIGNALS, CUSTOM, as_of=LATER)
        assert decision.promotable is True
        assert decision.policy == "Custom"
        assert decision.as_of == LATER
        assert decision.signals is CUSTOM_SIGNALS
        assert decision.qualification.policy == "Custom"
        assert opportunity.history[-1] is event

    def test_no_promoter_given_is_recorded_as_none(self) -> None:
        _, event = promote(a_lead(), ready_signals(), as_of=LATER)

        assert event.by is None


class TestWhatPromoteRefuses:
    def test_a_closed_gate_raises_with_the_decision(self) -> None:
        signals = ready_signals(relationship=RelationshipLevel.CONTACTED, terms=TermsLevel.UNKNOWN)

        with pytest.raises(LeadflowError) as caught:
            promote(a_lead(), signals, as_of=LATER)

        error = caught.value
        assert type(error) is PromotionRefusedError
        assert error.decision.promotable is False
        assert error.decision.signals is signals
        assert error.decision.codes == (
            "need.met",
            "relationship.below_minimum",
            "requirements.met",
            "supplier.met",
            "terms.unconfirmed",
        )
        assert str(error) == (
            "cannot promote a lead into an opportunity: build the relationship until it is"
            " established; start discussing payment terms"
        )

    def test_an_estimated_value_that_is_not_money_is_refused(self) -> None:
        error = caught_by(promote, a_lead(), ready_signals(), as_of=LATER, estimated_value="95000")

        pinned(error, WrongTypeError, "estimated_value", "95000", "expected Money")

    def test_a_negative_estimated_value_is_refused(self) -> None:
        value = Money("-0.01", "USD")

        error = caught_by(promote, a_lead(), ready_signals(), as_of=LATER, estimated_value=value)

        pinned(error, InvalidFieldError, "estimated_value", value, "must not be negative")

    @pytest.mark.parametrize("value", ["95000", Money("-1", "USD")])
    def test_a_closed_gate_is_reported_before_a_bad_estimated_value(self, value: Any) -> None:
        error = caught_by(
            promote, no_budget(a_lead()), ready_signals(), as_of=LATER, estimated_value=value
        )

        assert type(error) is PromotionRefusedError

    def test_a_backdated_promotion_is_refused_before_anything_is_decided(self) -> None:
        lead = a_lead()
        before = NOW - timedelta(microseconds=1)
        reason = "precedes the last recorded time 2026-03-02T09:00:00+00:00"

        for signals in (ready_signals(), "not signals", ready_signals(terms=TermsLevel.UNKNOWN)):
            error = caught_by(promote, lead, signals, as_of=before)

            pinned(error, InvalidFieldError, "as_of", before, reason)

    def test_a_promotion_at_the_leads_last_event_is_on_time(self) -> None:
        opportunity, event = promote(a_lead(), ready_signals(), as_of=NOW)

        assert event.at == NOW
        assert opportunity.history[-1] is event

    def test_a_naive_as_of_is_refused(self) -> None:
        naive = datetime(2026, 3, 5, 9, 0)

        error = caught_by(promote, a_lead(), ready_signals(), as_of=naive)

        pinned(error, NaiveDatetimeError, "as_of", naive, "datetime has no timezone")

    @pytest.mark.parametrize("as_of", [datetime(2025, 1, 1, tzinfo=UTC), LATER])
    def test_a_contact_is_refused_as_not_a_lead_whatever_the_date(self, as_of: datetime) -> None:
        # 2025 is before Ada was created: the refusal is not about time.
        error = caught_by(promote, ada(), ready_signals(), as_of=as_of)

        assert type(error) is IllegalTransitionError
        assert (error.transition, error.from_stage, error.to_stage) == (
            "promote",
            "contact",
            "opportunity",
        )
        assert str(error) == (
            "cannot promote a contact into an opportunity: only an open lead is promoted"
        )

    def test_an_opportunity_is_refused_as_not_a_lead(self) -> None:
        opportunity, _ = promote(a_lead(), ready_signals(), as_of=LATER)

        for attempt in (can_promote, promote):
            error = caught_by(attempt, opportunity, ready_signals(), as_of=LATER + DAY)

            assert type(error) is IllegalTransitionError
            assert (error.transition, error.from_stage, error.to_stage) == (
                "promote",
                "opportunity",
                "opportunity",
            )
            assert str(error) == (
                "cannot promote an opportunity into an opportunity: only an open lead is promoted"
            )

    @pytest.mark.parametrize("junk", [None, 42, "lead"])
    def test_something_outside_the_funnel_is_refused_naming_its_type(self, junk: Any) -> None:
        error = caught_by(promote, junk, ready_signals(), as_of=LATER)

        assert type(error) is IllegalTransitionError
        assert (error.transition, error.from_stage, error.to_stage) == (
            "promote",
            type(junk).__name__,
            "opportunity",
        )


class TestPromotionModule:
    def test_it_exports_the_two_moves(self) -> None:
        assert leadflow.promotion.__all__ == ["can_promote", "promote"]


# --------------------------------------------------------------------------------------------
# qualification.py
# --------------------------------------------------------------------------------------------


class TestQualify:
    def test_a_contact_is_decided_on_its_evidence_at_as_of(self) -> None:
        evidence = qualifying_evidence()

        decision = qualify(ada(), evidence, BANT, as_of=LATER)

        # need strong 30 + budget approved 30 + timeframe immediate 25 + authority unknown 0.
        assert decision.score == 85
        assert decision.verdict is Verdict.QUALIFIED
        assert decision.evidence is evidence
        assert decision.as_of == LATER
        assert decision.policy == "BANT"
        assert decision.threshold == 60

    def test_no_policy_means_the_default_policy(self) -> None:
        implicit = qualify(ada(), qualifying_evidence(), as_of=LATER)
        explicit = qualify(ada(), qualifying_evidence(), None, as_of=LATER)

        assert implicit.policy == explicit.policy == "BANT"
        assert implicit.threshold == explicit.threshold == 60

    def test_a_given_policy_decides(self) -> None:
        strict = attrs.evolve(BANT, name="Strict", threshold=90, nurture_threshold=50)

        decision = qualify(ada(), qualifying_evidence(), strict, as_of=LATER)

        assert decision.policy == "Strict"
        assert decision.threshold == 90
        assert decision.score == 85
        assert decision.verdict is Verdict.NURTURE

    def test_a_contact_of_the_wrong_type_is_named(self) -> None:
        error = caught_by(qualify, 42, qualifying_evidence(), as_of=LATER)

        pinned(error, WrongTypeError, "contact", 42, "expected a Contact, not int")

    def test_evidence_of_the_wrong_type_is_named(self) -> None:
        error = caught_by(qualify, ada(), "strong need", as_of=LATER)

        pinned(error, WrongTypeError, "evidence", "strong need", "expected an Evidence, not str")

    def test_a_policy_of_the_wrong_type_is_named(self) -> None:
        error = caught_by(qualify, ada(), qualifying_evidence(), "BANT", as_of=LATER)

        pinned(error, WrongTypeError, "policy", "BANT", "expected a Policy, not str")

    def test_the_arguments_are_checked_in_order(self) -> None:
        first = caught_by(qualify, 42, "strong need", "BANT", as_of=LATER)
        second = caught_by(qualify, ada(), "strong need", "BANT", as_of=LATER)

        pinned(first, WrongTypeError, "contact", 42, "expected a Contact, not int")
        pinned(second, WrongTypeError, "evidence", "strong need", "expected an Evidence, not str")

    def test_a_lead_is_not_a_contact(self) -> None:
        lead = a_lead()

        error = caught_by(qualify, lead, qualifying_evidence(), as_of=LATER)

        pinned(error, WrongTypeError, "contact", lead, "expected a Contact, not Lead")
        assert isinstance(lead.contact, Contact)

    def test_a_policy_subclass_instance_is_a_policy(self) -> None:
        assert isinstance(BANT, Policy)
        assert qualify(ada(), Evidence(), BANT, as_of=LATER).verdict is Verdict.UNDETERMINED


class TestQualificationModule:
    def test_it_exports_qualify_and_the_effective_timeframe(self) -> None:
        assert leadflow.qualification.__all__ == ["effective_timeframe", "qualify"]
        assert leadflow.qualification.effective_timeframe is leadflow._engine.effective_timeframe

    def test_the_effective_timeframe_it_exports_places_a_date_in_its_quarter(self) -> None:
        evidence = TimeframeEvidence(decision_date=date(2026, 8, 20))

        level = leadflow.qualification.effective_timeframe(evidence, date(2026, 5, 4), 365)

        assert level is TimeframeLevel.NEXT_QUARTER
