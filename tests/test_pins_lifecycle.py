"""Pins for leadflow.lifecycle: every field every move sets, every refusal, every validator.

tests/test_lifecycle.py states the funnel's laws; this module pins the exact values
(each field of each returned stage and event, each error's class, field, value and
reason) so that a mutant of src/leadflow/lifecycle.py fails at least one test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from leadflow import (
    BudgetLevel,
    Contact,
    Customer,
    DisqualificationReason,
    DisqualifiedLead,
    Evidence,
    FunnelStage,
    IllegalTransitionError,
    InvalidFieldError,
    Lead,
    LeadDisqualified,
    LeadflowError,
    LeadNurtured,
    LeadPromoted,
    LeadQualified,
    LeadReassessed,
    LeadRequalified,
    LossReason,
    LostOpportunity,
    Money,
    NaiveDatetimeError,
    NeedLevel,
    NotQualifiedError,
    NurturedLead,
    Opportunity,
    OpportunityAdvanced,
    OpportunityLost,
    OpportunityStage,
    OpportunityWon,
    Organisation,
    PurchaseRole,
    QualificationDecision,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    advance,
    disqualify,
    lifecycle,
    lose,
    nurture,
    promote,
    qualify,
    reassess,
    requalify,
    stage_of,
    to_lead,
    win,
)
from leadflow.presets import BANT
from support import DAY, NOW, ada, evidence_at, pinned, qualifying_evidence, ready_signals

UTC = timezone.utc
BY = "ae@example.com"
S = FunnelStage
STEP = OpportunityStage

#: BANT with a name and win probabilities of its own, so that a move which drops the
#: policy it was given (and decides under BANT) shows.
MINE = attrs.evolve(
    BANT,
    name="Mine",
    stage_probabilities={STEP.QUALIFY: 10, STEP.DEVELOP: 25, STEP.PROPOSE: 50, STEP.CLOSE: 90},
)

ESTIMATE = Money("12345.67", "GBP")
CLOSE_BY = date(2026, 6, 30)
REVISIT = date(2026, 9, 1)

# When each builder's value last changed, written out by hand.
CONTACT_CREATED = datetime(2026, 1, 5, tzinfo=UTC)
ALL_EVENT_TYPES = (
    "LeadQualified or LeadNurtured or LeadDisqualified or LeadRequalified or "
    "LeadReassessed or LeadPromoted or OpportunityAdvanced or OpportunityWon or OpportunityLost or "
    "LeadReopened or OpportunityReopened or RecordsMerged or OpportunityImported"
)

# --- hand-built values ----------------------------------------------------------------------


def _contact() -> Contact:
    return ada(PurchaseRole.DECISION_MAKER)


def _weak_evidence() -> Evidence:
    # An insufficient budget is below BANT's "available": disqualified on 60 points.
    return evidence_at(NeedLevel.EXPRESSED, BudgetLevel.INSUFFICIENT, TimeframeLevel.THIS_YEAR)


def _fresh_evidence() -> Evidence:
    # Strong need, available budget, next quarter: qualified on 87 points with a decider.
    return evidence_at(NeedLevel.STRONG, BudgetLevel.AVAILABLE, TimeframeLevel.NEXT_QUARTER)


def _lead() -> Lead:
    """A lead qualified under MINE at NOW."""
    return to_lead(_contact(), qualifying_evidence(), MINE, as_of=NOW, by="sdr@example.com")[0]


def _nurtured() -> NurturedLead:
    """Nurtured at NOW + 1 day."""
    return nurture(_lead(), as_of=NOW + DAY, reason="budget next year", revisit_on=REVISIT)[0]


def _disqualified() -> DisqualifiedLead:
    return disqualify(_lead(), reason=DisqualificationReason.NO_BUDGET, as_of=NOW + DAY)[0]


def _opportunity(value: Money | None = ESTIMATE) -> Opportunity:
    """Promoted under MINE at NOW + 1 day: at the qualify step, 10 per cent."""
    return promote(
        _lead(),
        ready_signals(),
        MINE,
        as_of=NOW + DAY,
        estimated_value=value,
        expected_close=CLOSE_BY,
        name="Engines deal",
    )[0]


def _lost() -> LostOpportunity:
    return lose(_opportunity(), reason=LossReason.PRICE, as_of=NOW + 2 * DAY)[0]


def _customer() -> Customer:
    return win(_opportunity(), as_of=NOW + 2 * DAY)[0]


def _fields(value: object) -> dict[str, Any]:
    return attrs.asdict(value, recurse=False)  # type: ignore[arg-type]


#: How a message names a stage: the adjectives as their nouns.
_NOUNS = {
    "nurtured": "nurtured lead",
    "disqualified": "disqualified lead",
    "lost": "lost opportunity",
}


def _a(stage: str) -> str:
    noun = _NOUNS.get(stage, stage)
    return f"{'an' if noun[0].lower() in 'aeiou' else 'a'} {noun}"


def _carried(value: Any) -> dict[str, Any]:
    """The fields every stage from lead on carries, as *value* holds them."""
    return {
        "contact": value.contact,
        "evidence": value.evidence,
        "qualification": value.qualification,
    }


def _carried_opportunity(value: Opportunity) -> dict[str, Any]:
    return {
        **_carried(value),
        "signals": value.signals,
        "promotion": value.promotion,
        "name": "Engines deal",
        "estimated_value": ESTIMATE,
        "expected_close": CLOSE_BY,
        "owner": None,
        "product": None,
    }


GIVEN_BY = pytest.mark.parametrize(
    ("extra", "by"), [({}, None), ({"by": BY}, BY)], ids=["by-default", "by-given"]
)


# --- the module ------------------------------------------------------------------------------


class TestTheModule:
    def test_it_exports_the_stages_and_the_moves(self) -> None:
        assert sorted(lifecycle.__all__) == [
            "Customer",
            "DisqualifiedLead",
            "Lead",
            "LostOpportunity",
            "NurturedLead",
            "Opportunity",
            "Stage",
            "advance",
            "disqualify",
            "import_opportunity",
            "lose",
            "nurture",
            "reassess",
            "reopen",
            "requalify",
            "stage_of",
            "to_lead",
            "win",
        ]

    @pytest.mark.parametrize(
        ("kind", "stage"),
        [
            (Lead, S.LEAD),
            (NurturedLead, S.NURTURED),
            (DisqualifiedLead, S.DISQUALIFIED),
            (Opportunity, S.OPPORTUNITY),
            (LostOpportunity, S.LOST),
            (Customer, S.CUSTOMER),
        ],
    )
    def test_each_stage_class_names_its_stage(self, kind: Any, stage: FunnelStage) -> None:
        assert kind.stage is stage

    @pytest.mark.parametrize(
        ("kind", "names"),
        [
            (Lead, ["contact", "evidence", "qualification", "history"]),
            (
                NurturedLead,
                ["contact", "evidence", "qualification", "history", "reason", "revisit_on"],
            ),
            (
                DisqualifiedLead,
                ["contact", "evidence", "qualification", "history", "reason", "note"],
            ),
            (
                Opportunity,
                [
                    "contact",
                    "evidence",
                    "qualification",
                    "history",
                    "signals",
                    "promotion",
                    "name",
                    "step",
                    "probability",
                    "estimated_value",
                    "expected_close",
                    "owner",
                    "product",
                ],
            ),
        ],
    )
    def test_each_stage_class_has_exactly_these_fields(self, kind: type, names: list[str]) -> None:
        assert [f.name for f in attrs.fields(kind)] == names

    def test_a_stage_takes_keywords_only(self) -> None:
        lead = _lead()

        with pytest.raises(TypeError):
            Lead(lead.contact, lead.evidence, lead.qualification, lead.history)  # type: ignore[call-arg]

    def test_a_stage_is_frozen(self) -> None:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _lead().history = ()  # type: ignore[misc]


# --- the moves -------------------------------------------------------------------------------


class TestToLead:
    @GIVEN_BY
    def test_a_qualifying_contact_becomes_a_lead_with_every_field_set(
        self, extra: dict[str, Any], by: str | None
    ) -> None:
        contact, evidence = _contact(), qualifying_evidence()

        lead, event = to_lead(contact, evidence, MINE, as_of=NOW, **extra)

        assert type(lead) is Lead
        assert type(event) is LeadQualified
        decision = event.decision
        assert type(decision) is QualificationDecision
        assert (decision.verdict, decision.score, decision.policy) == (
            Verdict.QUALIFIED,
            100,
            "Mine",
        )
        assert decision.as_of == NOW
        assert decision.evidence is evidence
        assert _fields(event) == {
            "at": NOW,
            "by": by,
            "from_stage": S.CONTACT,
            "to_stage": S.LEAD,
            "decision": decision,
        }
        assert _fields(lead) == {
            "contact": contact,
            "evidence": evidence,
            "qualification": decision,
            "history": (event,),
        }
        assert lead.contact is contact
        assert lead.evidence is evidence
        assert lead.qualification is decision
        assert lead.history[0] is event
        assert lead.updated_at == NOW

    def test_without_a_policy_bant_decides(self) -> None:
        lead, event = to_lead(_contact(), qualifying_evidence(), as_of=NOW)

        assert event.decision.policy == "BANT"
        assert lead.qualification.policy == "BANT"

    def test_a_contact_may_qualify_at_the_instant_it_was_created(self) -> None:
        lead, event = to_lead(_contact(), qualifying_evidence(), as_of=CONTACT_CREATED)

        assert event.at == CONTACT_CREATED
        assert lead.updated_at == CONTACT_CREATED

    def test_a_contact_that_does_not_qualify_is_refused_with_the_decision(self) -> None:
        evidence = Evidence()

        with pytest.raises(LeadflowError) as caught:
            to_lead(_contact(), evidence, MINE, as_of=NOW)

        error = caught.value
        assert type(error) is NotQualifiedError
        assert (error.transition, error.from_stage, error.to_stage) == (
            "qualify",
            "contact",
            "lead",
        )
        assert str(error) == (
            "cannot qualify a contact into a lead: confirm budget; "
            "confirm what the party needs; confirm when the party will buy"
        )
        decision = error.decision
        assert (decision.verdict, decision.score, decision.policy) == (
            Verdict.UNDETERMINED,
            15,
            "Mine",
        )
        assert decision.evidence is evidence
        assert decision.as_of == NOW

    def test_a_backdated_qualification_is_refused_before_anything_is_decided(self) -> None:
        as_of = CONTACT_CREATED - timedelta(microseconds=1)

        with pytest.raises(LeadflowError) as caught:
            # Evidence that does not qualify: the time is checked first.
            to_lead(_contact(), Evidence(), as_of=as_of)

        pinned(
            caught.value,
            InvalidFieldError,
            "as_of",
            as_of,
            "precedes the last recorded time 2026-01-05T00:00:00+00:00",
        )

    def test_evidence_of_the_wrong_type_is_refused(self) -> None:
        with pytest.raises(LeadflowError) as caught:
            to_lead(_contact(), "strong", as_of=NOW)  # type: ignore[arg-type]

        pinned(caught.value, WrongTypeError, "evidence", "strong", "expected an Evidence, not str")

    def test_a_policy_of_the_wrong_type_is_refused(self) -> None:
        with pytest.raises(LeadflowError) as caught:
            to_lead(_contact(), qualifying_evidence(), "BANT", as_of=NOW)  # type: ignore[arg-type]

        pinned(caught.value, WrongTypeError, "policy", "BANT", "expected a Policy, not str")


class TestReassess:
    @GIVEN_BY
    def test_new_evidence_is_recorded_and_decided_on_whatever_the_verdict(
        self, extra: dict[str, Any], by: str | None
    ) -> None:
        lead, weak = _lead(), _weak_evidence()

        reassessed, event = reassess(lead, weak, MINE, as_of=NOW + DAY, **extra)

        assert type(reassessed) is Lead
        assert type(event) is LeadReassessed
        decision = event.decision
        assert (decision.verdict, decision.score, decision.policy) == (
            Verdict.DISQUALIFIED,
            60,
            "Mine",
        )
        assert decision.as_of == NOW + DAY
        assert decision.evidence is weak
        assert _fields(event) == {
            "at": NOW + DAY,
            "by": by,
            "from_stage": S.LEAD,
            "to_stage": S.LEAD,
            "decision": decision,
        }
        assert _fields(reassessed) == {
            "contact": lead.contact,
            "evidence": weak,
            "qualification": decision,
            "history": (lead.history[0], event),
        }
        assert reassessed.evidence is weak
        assert reassessed.qualification is decision
        assert reassessed.contact is lead.contact
        assert reassessed.updated_at == NOW + DAY
        # The lead it came from is untouched.
        assert lead.evidence == qualifying_evidence()
        assert len(lead.history) == 1

    def test_without_a_policy_bant_decides(self) -> None:
        reassessed, event = reassess(_lead(), _fresh_evidence(), as_of=NOW + DAY)

        assert event.decision.policy == "BANT"
        assert (event.decision.verdict, event.decision.score) == (Verdict.QUALIFIED, 87)
        assert reassessed.qualification.policy == "BANT"

    def test_evidence_of_the_wrong_type_is_refused(self) -> None:
        with pytest.raises(LeadflowError) as caught:
            reassess(_lead(), None, as_of=NOW + DAY)  # type: ignore[arg-type]

        pinned(caught.value, WrongTypeError, "evidence", None, "expected an Evidence, not NoneType")


class TestNurture:
    @pytest.mark.parametrize("by", [None, BY])
    def test_a_lead_is_set_aside_with_its_reason_revisit_date_and_decision(
        self, by: str | None
    ) -> None:
        lead = _lead()
        decision = qualify(lead.contact, _weak_evidence(), as_of=NOW + DAY)

        nurtured, event = nurture(
            lead,
            as_of=NOW + DAY,
            reason="budget next year",
            revisit_on=REVISIT,
            decision=decision,
            by=by,
        )

        assert type(nurtured) is NurturedLead
        assert type(event) is LeadNurtured
        assert _fields(event) == {
            "at": NOW + DAY,
            "by": by,
            "from_stage": S.LEAD,
            "to_stage": S.NURTURED,
            "reason": "budget next year",
            "revisit_on": REVISIT,
            "decision": decision,
        }
        assert event.decision is decision
        assert _fields(nurtured) == {
            **_carried(lead),
            "history": (*lead.history, event),
            "reason": "budget next year",
            "revisit_on": REVISIT,
        }
        # Nurturing keeps the decision that made it a lead.
        assert nurtured.qualification is lead.qualification
        assert nurtured.evidence is lead.evidence
        assert nurtured.updated_at == NOW + DAY

    def test_without_reason_revisit_date_decision_or_author_each_is_none(self) -> None:
        lead = _lead()

        nurtured, event = nurture(lead, as_of=NOW + DAY)

        assert _fields(event) == {
            "at": NOW + DAY,
            "by": None,
            "from_stage": S.LEAD,
            "to_stage": S.NURTURED,
            "reason": None,
            "revisit_on": None,
            "decision": None,
        }
        assert _fields(nurtured) == {
            **_carried(lead),
            "history": (*lead.history, event),
            "reason": None,
            "revisit_on": None,
        }

    @pytest.mark.parametrize(
        ("field", "bad", "kind", "reason"),
        [
            ("reason", "", InvalidFieldError, "must not be blank"),
            ("reason", " later ", InvalidFieldError, "must not have surrounding whitespace"),
            ("reason", 42, WrongTypeError, "expected a string, not int"),
            (
                "revisit_on",
                datetime(2026, 9, 1, tzinfo=UTC),
                WrongTypeError,
                "expected a date, not datetime",
            ),
            ("revisit_on", "2026-09-01", WrongTypeError, "expected a date, not str"),
            ("decision", "nurture", WrongTypeError, "expected QualificationDecision, not str"),
        ],
    )
    def test_a_bad_reason_revisit_date_or_decision_is_refused(
        self, field: str, bad: object, kind: type[InvalidFieldError], reason: str
    ) -> None:
        given: dict[str, Any] = {field: bad}

        with pytest.raises(LeadflowError) as caught:
            nurture(_lead(), as_of=NOW + DAY, **given)

        pinned(caught.value, kind, field, bad, reason)


class TestDisqualify:
    @pytest.mark.parametrize(
        ("start", "from_stage"),
        [(_lead, S.LEAD), (_nurtured, S.NURTURED)],
        ids=["open", "nurtured"],
    )
    @GIVEN_BY
    def test_a_lead_is_closed_with_its_reason_and_note(
        self,
        start: Callable[[], Lead | NurturedLead],
        from_stage: FunnelStage,
        extra: dict[str, Any],
        by: str | None,
    ) -> None:
        lead = start()

        closed, event = disqualify(
            lead,
            reason=DisqualificationReason.NO_NEED,
            as_of=NOW + 2 * DAY,
            note="bought in-house",
            **extra,
        )

        assert type(closed) is DisqualifiedLead
        assert type(event) is LeadDisqualified
        assert _fields(event) == {
            "at": NOW + 2 * DAY,
            "by": by,
            "from_stage": from_stage,
            "to_stage": S.DISQUALIFIED,
            "reason": DisqualificationReason.NO_NEED,
            "note": "bought in-house",
        }
        assert _fields(closed) == {
            **_carried(lead),
            "history": (*lead.history, event),
            "reason": DisqualificationReason.NO_NEED,
            "note": "bought in-house",
        }
        assert closed.updated_at == NOW + 2 * DAY
        assert stage_of(closed) is S.DISQUALIFIED

    def test_without_a_note_there_is_none(self) -> None:
        lead = _nurtured()

        closed, event = disqualify(lead, reason=DisqualificationReason.DUPLICATE, as_of=NOW + DAY)

        assert (event.note, event.by, closed.note) == (None, None, None)
        assert (event.reason, closed.reason) == (DisqualificationReason.DUPLICATE,) * 2
        assert event.from_stage is S.NURTURED

    @pytest.mark.parametrize(
        ("field", "bad", "kind", "reason"),
        [
            ("reason", "no_need", WrongTypeError, "expected DisqualificationReason, not str"),
            ("reason", None, WrongTypeError, "expected DisqualificationReason, not NoneType"),
            ("note", "", InvalidFieldError, "must not be blank"),
            ("note", 7, WrongTypeError, "expected a string, not int"),
        ],
    )
    def test_a_bad_reason_or_note_is_refused(
        self, field: str, bad: object, kind: type[InvalidFieldError], reason: str
    ) -> None:
        given: dict[str, Any] = {"reason": DisqualificationReason.OTHER, field: bad}

        with pytest.raises(LeadflowError) as caught:
            disqualify(_lead(), as_of=NOW + DAY, **given)

        pinned(caught.value, kind, field, bad, reason)


class TestRequalify:
    @GIVEN_BY
    def test_a_nurtured_lead_comes_back_on_fresh_evidence(
        self, extra: dict[str, Any], by: str | None
    ) -> None:
        nurtured, fresh = _nurtured(), _fresh_evidence()

        lead, event = requalify(nurtured, fresh, MINE, as_of=NOW + 2 * DAY, **extra)

        assert type(lead) is Lead
        assert type(event) is LeadRequalified
        decision = event.decision
        assert (decision.verdict, decision.score, decision.policy) == (
            Verdict.QUALIFIED,
            87,
            "Mine",
        )
        assert decision.as_of == NOW + 2 * DAY
        assert decision.evidence is fresh
        assert _fields(event) == {
            "at": NOW + 2 * DAY,
            "by": by,
            "from_stage": S.NURTURED,
            "to_stage": S.LEAD,
            "decision": decision,
        }
        assert _fields(lead) == {
            "contact": nurtured.contact,
            "evidence": fresh,
            "qualification": decision,
            "history": (*nurtured.history, event),
        }
        assert len(lead.history) == 3
        assert lead.evidence is fresh
        assert lead.qualification is decision
        assert lead.updated_at == NOW + 2 * DAY

    def test_without_a_policy_bant_decides(self) -> None:
        lead, event = requalify(_nurtured(), _fresh_evidence(), as_of=NOW + 2 * DAY)

        assert event.decision.policy == "BANT"
        assert lead.qualification.policy == "BANT"

    def test_a_nurtured_lead_that_does_not_qualify_is_refused_with_the_decision(self) -> None:
        weak = _weak_evidence()

        with pytest.raises(LeadflowError) as caught:
            requalify(_nurtured(), weak, MINE, as_of=NOW + 2 * DAY)

        error = caught.value
        assert type(error) is NotQualifiedError
        assert (error.transition, error.from_stage, error.to_stage) == (
            "requalify",
            "nurtured",
            "lead",
        )
        assert str(error) == (
            "cannot requalify a nurtured lead into a lead: "
            "secure a budget that is at least available"
        )
        decision = error.decision
        assert (decision.verdict, decision.score, decision.policy) == (
            Verdict.DISQUALIFIED,
            60,
            "Mine",
        )
        assert decision.evidence is weak
        assert decision.as_of == NOW + 2 * DAY

    def test_a_backdated_requalification_is_refused_before_anything_is_decided(self) -> None:
        as_of = NOW + DAY - timedelta(microseconds=1)

        with pytest.raises(LeadflowError) as caught:
            requalify(_nurtured(), Evidence(), as_of=as_of)

        pinned(
            caught.value,
            InvalidFieldError,
            "as_of",
            as_of,
            "precedes the last recorded time 2026-03-03T09:00:00+00:00",
        )


class TestAdvance:
    @GIVEN_BY
    def test_an_opportunity_moves_to_a_step_at_the_policys_probability(
        self, extra: dict[str, Any], by: str | None
    ) -> None:
        opportunity = _opportunity()

        advanced, event = advance(opportunity, STEP.DEVELOP, MINE, as_of=NOW + 2 * DAY, **extra)

        assert type(advanced) is Opportunity
        assert type(event) is OpportunityAdvanced
        assert _fields(event) == {
            "at": NOW + 2 * DAY,
            "by": by,
            "from_stage": S.OPPORTUNITY,
            "to_stage": S.OPPORTUNITY,
            "from_step": STEP.QUALIFY,
            "to_step": STEP.DEVELOP,
            "probability": 25,
        }
        assert _fields(advanced) == {
            **_carried_opportunity(opportunity),
            "history": (*opportunity.history, event),
            "step": STEP.DEVELOP,
            "probability": 25,
        }
        assert advanced.updated_at == NOW + 2 * DAY
        assert (opportunity.step, opportunity.probability) == (STEP.QUALIFY, 10)

    def test_without_a_policy_bants_probability_applies(self) -> None:
        advanced, event = advance(_opportunity(), STEP.CLOSE, as_of=NOW + 2 * DAY)

        assert (advanced.step, advanced.probability) == (STEP.CLOSE, 80)
        assert (event.to_step, event.probability) == (STEP.CLOSE, 80)

    def test_an_opportunity_may_step_back(self) -> None:
        at_close, _ = advance(_opportunity(), STEP.CLOSE, MINE, as_of=NOW + 2 * DAY)

        back, event = advance(at_close, STEP.PROPOSE, MINE, as_of=NOW + 3 * DAY)

        assert (back.step, back.probability) == (STEP.PROPOSE, 50)
        assert (event.from_step, event.to_step, event.probability) == (
            STEP.CLOSE,
            STEP.PROPOSE,
            50,
        )
        assert len(back.history) == 4

    @pytest.mark.parametrize("step", [STEP.QUALIFY, STEP.PROPOSE])
    def test_advancing_to_the_step_it_is_at_is_refused(self, step: OpportunityStage) -> None:
        opportunity = _opportunity()
        if step is not STEP.QUALIFY:
            opportunity, _ = advance(opportunity, step, as_of=NOW + 2 * DAY)

        with pytest.raises(LeadflowError) as caught:
            advance(opportunity, step, as_of=NOW + 5 * DAY)

        error = caught.value
        assert type(error) is IllegalTransitionError
        assert (error.transition, error.from_stage, error.to_stage) == (
            "advance",
            "opportunity",
            "opportunity",
        )
        assert str(error) == (
            f"cannot advance an opportunity into an opportunity: it is already at {step.value}"
        )

    @pytest.mark.parametrize("bad", ["develop", None, 2])
    def test_a_step_that_is_not_a_sales_step_is_refused(self, bad: object) -> None:
        with pytest.raises(LeadflowError) as caught:
            advance(_opportunity(), bad, as_of=NOW + 2 * DAY)  # type: ignore[arg-type]

        pinned(caught.value, WrongTypeError, "step", bad, "expected an OpportunityStage")


class TestWin:
    @GIVEN_BY
    def test_a_won_opportunity_becomes_a_customer_at_the_value_given(
        self, extra: dict[str, Any], by: str | None
    ) -> None:
        opportunity = _opportunity()
        value = Money("45500.00", "GBP")

        customer, event = win(opportunity, as_of=NOW + 2 * DAY, value=value, **extra)

        assert type(customer) is Customer
        assert type(event) is OpportunityWon
        assert _fields(event) == {
            "at": NOW + 2 * DAY,
            "by": by,
            "from_stage": S.OPPORTUNITY,
            "to_stage": S.CUSTOMER,
            "value": value,
        }
        assert _fields(customer) == {
            **_carried_opportunity(opportunity),
            "history": (*opportunity.history, event),
            "step": STEP.QUALIFY,
            "probability": 100,
            "won_value": value,
        }
        assert customer.customer_since == NOW + 2 * DAY
        assert customer.updated_at == NOW + 2 * DAY

    def test_the_value_defaults_to_the_estimate(self) -> None:
        customer, event = win(_opportunity(), as_of=NOW + 2 * DAY)

        assert event.value == ESTIMATE
        assert customer.won_value == ESTIMATE
        assert event.by is None

    def test_without_an_estimate_or_a_value_there_is_no_won_value(self) -> None:
        customer, event = win(_opportunity(None), as_of=NOW + 2 * DAY)

        assert (event.value, customer.won_value, customer.estimated_value) == (None, None, None)
        assert customer.probability == 100

    def test_a_value_of_the_wrong_type_is_refused(self) -> None:
        with pytest.raises(LeadflowError) as caught:
            win(_opportunity(), as_of=NOW + 2 * DAY, value="45500")  # type: ignore[arg-type]

        pinned(caught.value, WrongTypeError, "value", "45500", "expected Money, not str")


class TestLose:
    @GIVEN_BY
    def test_a_lost_opportunity_keeps_its_reason_competitor_and_note(
        self, extra: dict[str, Any], by: str | None
    ) -> None:
        opportunity = _opportunity()

        lost, event = lose(
            opportunity,
            reason=LossReason.COMPETITOR,
            as_of=NOW + 2 * DAY,
            competitor="Difference Engines plc",
            note="cheaper by a third",
            **extra,
        )

        assert type(lost) is LostOpportunity
        assert type(event) is OpportunityLost
        assert _fields(event) == {
            "at": NOW + 2 * DAY,
            "by": by,
            "from_stage": S.OPPORTUNITY,
            "to_stage": S.LOST,
            "reason": LossReason.COMPETITOR,
            "competitor": "Difference Engines plc",
            "note": "cheaper by a third",
        }
        assert _fields(lost) == {
            **_carried_opportunity(opportunity),
            "history": (*opportunity.history, event),
            "step": STEP.QUALIFY,
            "probability": 0,
            "reason": LossReason.COMPETITOR,
            "competitor": "Difference Engines plc",
            "note": "cheaper by a third",
        }
        assert lost.updated_at == NOW + 2 * DAY

    def test_without_competitor_or_note_each_is_none(self) -> None:
        lost, event = lose(_opportunity(), reason=LossReason.TIMING, as_of=NOW + 2 * DAY)

        assert (event.reason, event.competitor, event.note, event.by) == (
            LossReason.TIMING,
            None,
            None,
            None,
        )
        assert (lost.reason, lost.competitor, lost.note, lost.probability) == (
            LossReason.TIMING,
            None,
            None,
            0,
        )

    def test_a_deal_lost_to_a_competitor_must_name_it(self) -> None:
        with pytest.raises(LeadflowError) as caught:
            lose(_opportunity(), reason=LossReason.COMPETITOR, as_of=NOW + 2 * DAY)

        pinned(
            caught.value,
            InvalidFieldError,
            "competitor",
            None,
            "name the competitor the deal was lost to",
        )

    @pytest.mark.parametrize(
        ("field", "bad", "kind", "reason"),
        [
            ("reason", "price", WrongTypeError, "expected LossReason, not str"),
            ("competitor", " Babbage ", InvalidFieldError, "must not have surrounding whitespace"),
            ("note", 3, WrongTypeError, "expected a string, not int"),
        ],
    )
    def test_a_bad_reason_competitor_or_note_is_refused(
        self, field: str, bad: object, kind: type[InvalidFieldError], reason: str
    ) -> None:
        given: dict[str, Any] = {"reason": LossReason.OTHER, field: bad}

        with pytest.raises(LeadflowError) as caught:
            lose(_opportunity(), as_of=NOW + 2 * DAY, **given)

        pinned(caught.value, kind, field, bad, reason)


# --- refusals every move shares ------------------------------------------------------------


@attrs.frozen
class Move:
    name: str
    accepts: frozenset[str]
    to_stage: str
    reason: str
    call: Callable[[Any, datetime], tuple[Any, Any]]

    def __str__(self) -> str:
        return self.name


MOVES = [
    Move(
        "qualify",
        frozenset({"contact"}),
        "lead",
        "only a contact qualifies into a lead",
        lambda v, at: to_lead(v, qualifying_evidence(), as_of=at),
    ),
    Move(
        "reassess",
        frozenset({"lead"}),
        "lead",
        "only an open lead is reassessed",
        lambda v, at: reassess(v, _weak_evidence(), as_of=at),
    ),
    Move(
        "nurture",
        frozenset({"lead"}),
        "nurtured",
        "only an open lead is nurtured",
        lambda v, at: nurture(v, as_of=at),
    ),
    Move(
        "disqualify",
        frozenset({"lead", "nurtured"}),
        "disqualified",
        "only a lead is disqualified",
        lambda v, at: disqualify(v, reason=DisqualificationReason.OTHER, as_of=at),
    ),
    Move(
        "requalify",
        frozenset({"nurtured"}),
        "lead",
        "only a nurtured lead is re-qualified",
        lambda v, at: requalify(v, qualifying_evidence(), as_of=at),
    ),
    Move(
        "advance",
        frozenset({"opportunity"}),
        "opportunity",
        "only an open opportunity moves",
        lambda v, at: advance(v, STEP.CLOSE, as_of=at),
    ),
    Move(
        "win",
        frozenset({"opportunity"}),
        "customer",
        "only an open opportunity is won",
        lambda v, at: win(v, as_of=at),
    ),
    Move(
        "lose",
        frozenset({"opportunity"}),
        "lost",
        "only an open opportunity is lost",
        lambda v, at: lose(v, reason=LossReason.PRICE, as_of=at),
    ),
]

BUILDERS: dict[str, Callable[[], object]] = {
    "contact": _contact,
    "lead": _lead,
    "nurtured": _nurtured,
    "disqualified": _disqualified,
    "opportunity": _opportunity,
    "lost": _lost,
    "customer": _customer,
    "str": lambda: "Ada Lovelace",
    "int": lambda: 42,
    "NoneType": lambda: None,
}

#: When each value a move accepts last changed, in the ISO form the error gives.
LAST_TIME = {
    "contact": (CONTACT_CREATED, "2026-01-05T00:00:00+00:00"),
    "lead": (NOW, "2026-03-02T09:00:00+00:00"),
    "nurtured": (NOW + DAY, "2026-03-03T09:00:00+00:00"),
    "opportunity": (NOW + DAY, "2026-03-03T09:00:00+00:00"),
}

ILLEGAL = [(kind, move) for kind in BUILDERS for move in MOVES if kind not in move.accepts]
LEGAL = [(kind, move) for kind in BUILDERS for move in MOVES if kind in move.accepts]


class TestWrongStage:
    @pytest.mark.parametrize(("kind", "move"), ILLEGAL, ids=str)
    def test_a_move_from_the_wrong_stage_names_the_move_both_stages_and_why(
        self, kind: str, move: Move
    ) -> None:
        value = BUILDERS[kind]()

        with pytest.raises(LeadflowError) as caught:
            # Backdated and all: the stage is checked before anything else.
            move.call(value, datetime(2000, 1, 1, tzinfo=UTC))

        error = caught.value
        assert type(error) is IllegalTransitionError
        assert error.transition == move.name
        assert error.from_stage == kind
        assert error.to_stage == move.to_stage
        assert error.reason == move.reason
        assert str(error) == (
            f"cannot {move.name} {_a(kind)} into {_a(move.to_stage)}: {move.reason}"
        )

    def test_the_messages_read_as_written(self) -> None:
        with pytest.raises(IllegalTransitionError) as won:
            win(_lead(), as_of=NOW + DAY)  # type: ignore[arg-type]
        with pytest.raises(IllegalTransitionError) as qualified:
            to_lead(_opportunity(), qualifying_evidence(), as_of=NOW + DAY)  # type: ignore[arg-type]

        assert (
            str(won.value) == "cannot win a lead into a customer: only an open opportunity is won"
        )
        assert str(qualified.value) == (
            "cannot qualify an opportunity into a lead: only a contact qualifies into a lead"
        )

    def test_every_illegal_pair_is_listed(self) -> None:
        # 10 kinds of value times 8 moves, less the 9 legal pairs.
        assert (len(ILLEGAL), len(LEGAL)) == (71, 9)


class TestTime:
    @pytest.mark.parametrize(("kind", "move"), LEGAL, ids=str)
    def test_a_move_dated_before_the_last_event_is_refused(self, kind: str, move: Move) -> None:
        last, text = LAST_TIME[kind]
        as_of = last - timedelta(microseconds=1)

        with pytest.raises(LeadflowError) as caught:
            move.call(BUILDERS[kind](), as_of)

        pinned(
            caught.value,
            InvalidFieldError,
            "as_of",
            as_of,
            f"precedes the last recorded time {text}",
        )

    @pytest.mark.parametrize(("kind", "move"), LEGAL, ids=str)
    def test_a_move_at_exactly_the_last_events_time_is_allowed(self, kind: str, move: Move) -> None:
        last, _ = LAST_TIME[kind]

        after, event = move.call(BUILDERS[kind](), last)

        assert event.at == last
        assert after.updated_at == last
        assert after.history[-1] is event

    @pytest.mark.parametrize(("kind", "move"), LEGAL, ids=str)
    def test_a_move_at_the_same_instant_in_another_zone_is_allowed(
        self, kind: str, move: Move
    ) -> None:
        last, _ = LAST_TIME[kind]
        elsewhere = last.astimezone(timezone(timedelta(hours=-5)))

        _, event = move.call(BUILDERS[kind](), elsewhere)

        assert event.at == last

    @pytest.mark.parametrize(("kind", "move"), LEGAL, ids=str)
    def test_a_naive_as_of_is_refused(self, kind: str, move: Move) -> None:
        naive = datetime(2027, 1, 1)

        with pytest.raises(LeadflowError) as caught:
            move.call(BUILDERS[kind](), naive)

        pinned(caught.value, NaiveDatetimeError, "as_of", naive, "datetime has no timezone")

    @pytest.mark.parametrize(("kind", "move"), LEGAL, ids=str)
    def test_an_as_of_that_is_not_a_datetime_is_refused(self, kind: str, move: Move) -> None:
        with pytest.raises(LeadflowError) as caught:
            move.call(BUILDERS[kind](), "2027-01-01")  # type: ignore[arg-type]

        pinned(
            caught.value,
            WrongTypeError,
            "as_of",
            "2027-01-01",
            "expected an aware datetime, not str",
        )


class TestAuthor:
    @pytest.mark.parametrize(
        "call",
        [
            lambda by: to_lead(_contact(), qualifying_evidence(), as_of=NOW, by=by),
            lambda by: reassess(_lead(), _weak_evidence(), as_of=NOW, by=by),
            lambda by: nurture(_lead(), as_of=NOW, by=by),
            lambda by: disqualify(_lead(), reason=DisqualificationReason.OTHER, as_of=NOW, by=by),
            lambda by: requalify(_nurtured(), qualifying_evidence(), as_of=NOW + DAY, by=by),
            lambda by: advance(_opportunity(), STEP.CLOSE, as_of=NOW + DAY, by=by),
            lambda by: win(_opportunity(), as_of=NOW + DAY, by=by),
            lambda by: lose(_opportunity(), reason=LossReason.PRICE, as_of=NOW + DAY, by=by),
        ],
        ids=[m.name for m in MOVES],
    )
    @pytest.mark.parametrize(
        ("bad", "kind", "reason"),
        [
            (42, WrongTypeError, "expected a string, not int"),
            ("", InvalidFieldError, "must not be blank"),
            (" ada ", InvalidFieldError, "must not have surrounding whitespace"),
        ],
    )
    def test_an_author_that_is_not_a_name_is_refused(
        self,
        call: Callable[[object], object],
        bad: object,
        kind: type[InvalidFieldError],
        reason: str,
    ) -> None:
        with pytest.raises(LeadflowError) as caught:
            call(bad)

        pinned(caught.value, kind, "by", bad, reason)


# --- the stage classes themselves ------------------------------------------------------------


class TestHistory:
    def test_an_empty_history_is_refused(self) -> None:
        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(_lead(), history=())

        pinned(
            caught.value,
            InvalidFieldError,
            "history",
            (),
            "a lead's history starts when it qualifies or is imported",
        )

    def test_a_history_ending_at_another_stage_is_refused_naming_its_last_event(self) -> None:
        lead = _lead()
        reassessed = reassess(lead, qualifying_evidence(), as_of=NOW + DAY)[0]
        nurtured = nurture(reassessed, as_of=NOW + 2 * DAY)[0]
        # Of these three events the first two lead to a lead; only the last does not.
        last = nurtured.history[-1]

        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(lead, history=nurtured.history)

        pinned(
            caught.value,
            InvalidFieldError,
            "history",
            last,
            "the last event leads to nurtured, not lead",
        )
        assert isinstance(caught.value, InvalidFieldError)
        assert caught.value.value is last

    def test_an_opportunity_whose_history_ends_at_a_lead_is_refused(self) -> None:
        opportunity = _opportunity()
        reassessed = reassess(_lead(), qualifying_evidence(), as_of=NOW + DAY)[0]

        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(opportunity, history=reassessed.history)

        pinned(
            caught.value,
            InvalidFieldError,
            "history",
            reassessed.history[-1],
            "the last event leads to lead, not opportunity",
        )

    def test_events_going_back_in_time_are_refused(self) -> None:
        lead = _lead()
        nurtured, event = nurture(lead, as_of=NOW + DAY)
        early = attrs.evolve(event, at=NOW - timedelta(microseconds=1))

        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(nurtured, history=(*lead.history, early))

        pinned(caught.value, InvalidFieldError, "history", early, "events out of order")

    def test_events_whose_stages_do_not_chain_are_refused_even_in_time_order(self) -> None:
        lead = _lead()
        # A second qualification: it starts from a contact, but the lead is no contact.
        again = attrs.evolve(lead.history[0], at=NOW + DAY)

        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(lead, history=(lead.history[0], again))

        pinned(caught.value, InvalidFieldError, "history", again, "events out of order")

    def test_a_break_late_in_a_long_history_is_found(self) -> None:
        requalified = requalify(_nurtured(), qualifying_evidence(), as_of=NOW + 2 * DAY)[0]
        first, nurtured, back = requalified.history
        early = attrs.evolve(back, at=NOW)

        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(requalified, history=(first, nurtured, early))

        pinned(caught.value, InvalidFieldError, "history", early, "events out of order")

    def test_events_at_the_same_instant_are_in_order(self) -> None:
        lead = _lead()
        nurtured, event = nurture(lead, as_of=NOW)

        rebuilt = attrs.evolve(nurtured, history=(*lead.history, event))

        assert rebuilt.history == (lead.history[0], event)
        assert rebuilt.updated_at == NOW

    def test_a_history_given_as_a_list_is_kept_as_a_tuple(self) -> None:
        lead = _lead()

        rebuilt = attrs.evolve(lead, history=list(lead.history))

        assert type(rebuilt.history) is tuple
        assert rebuilt.history == lead.history

    @pytest.mark.parametrize(
        ("bad", "field", "value", "reason"),
        [
            ("LeadQualified", "history", "LeadQualified", "expected a tuple, not str"),
            ({"at": NOW}, "history", {"at": NOW}, "expected a tuple, not dict"),
            (("qualified",), "history[0]", "qualified", f"expected {ALL_EVENT_TYPES}, not str"),
        ],
    )
    def test_a_history_that_is_not_a_tuple_of_events_is_refused(
        self, bad: object, field: str, value: object, reason: str
    ) -> None:
        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(_lead(), history=bad)

        pinned(caught.value, WrongTypeError, field, value, reason)


def _bad_field_cases() -> list[tuple[str, str, object, type[InvalidFieldError], str]]:
    common = [
        ("contact", "Ada", WrongTypeError, "expected Contact, not str"),
        ("evidence", None, WrongTypeError, "expected Evidence, not NoneType"),
        ("qualification", "qualified", WrongTypeError, "expected QualificationDecision, not str"),
    ]
    opportunity = [
        ("signals", None, WrongTypeError, "expected PromotionSignals, not NoneType"),
        ("promotion", "yes", WrongTypeError, "expected PromotionDecision, not str"),
        ("name", 7, WrongTypeError, "expected a string, not int"),
        ("name", None, WrongTypeError, "expected a string, not NoneType"),
        ("name", " ", InvalidFieldError, "must not be blank"),
        ("name", " deal", InvalidFieldError, "must not have surrounding whitespace"),
        ("step", "develop", WrongTypeError, "expected OpportunityStage, not str"),
        ("probability", True, WrongTypeError, "expected an int, not bool"),
        ("probability", 50.0, WrongTypeError, "expected an int, not float"),
        ("probability", -1, InvalidFieldError, "must be between 0 and 100"),
        ("probability", 101, InvalidFieldError, "must be between 0 and 100"),
        ("estimated_value", "12345.67", WrongTypeError, "expected Money, not str"),
        ("estimated_value", False, WrongTypeError, "expected Money, not bool"),
        ("expected_close", NOW, WrongTypeError, "expected a date, not datetime"),
        ("expected_close", "2026-06-30", WrongTypeError, "expected a date, not str"),
    ]
    cases: list[tuple[str, str, object, type[InvalidFieldError], str]] = []
    for kind in ("lead", "nurtured", "disqualified", "opportunity", "lost", "customer"):
        cases += [(kind, *case) for case in common]
    for kind in ("opportunity", "lost", "customer"):
        cases += [(kind, *case) for case in opportunity]
    cases += [
        ("nurtured", "reason", 1, WrongTypeError, "expected a string, not int"),
        ("nurtured", "reason", "", InvalidFieldError, "must not be blank"),
        ("nurtured", "reason", "later ", InvalidFieldError, "must not have surrounding whitespace"),
        ("nurtured", "revisit_on", NOW, WrongTypeError, "expected a date, not datetime"),
        ("nurtured", "revisit_on", "2026-09-01", WrongTypeError, "expected a date, not str"),
        (
            "disqualified",
            "reason",
            "no_budget",
            WrongTypeError,
            "expected DisqualificationReason, not str",
        ),
        (
            "disqualified",
            "reason",
            None,
            WrongTypeError,
            "expected DisqualificationReason, not NoneType",
        ),
        ("disqualified", "note", 1, WrongTypeError, "expected a string, not int"),
        ("disqualified", "note", "", InvalidFieldError, "must not be blank"),
        ("lost", "reason", "price", WrongTypeError, "expected LossReason, not str"),
        ("lost", "reason", None, WrongTypeError, "expected LossReason, not NoneType"),
        ("lost", "competitor", 1, WrongTypeError, "expected a string, not int"),
        ("lost", "competitor", "", InvalidFieldError, "must not be blank"),
        ("lost", "note", 1, WrongTypeError, "expected a string, not int"),
        ("lost", "note", " x", InvalidFieldError, "must not have surrounding whitespace"),
        ("customer", "won_value", "45500", WrongTypeError, "expected Money, not str"),
        ("customer", "won_value", True, WrongTypeError, "expected Money, not bool"),
    ]
    return cases


class TestFieldValidators:
    @pytest.mark.parametrize(
        ("kind", "field", "bad", "error", "reason"), _bad_field_cases(), ids=str
    )
    def test_a_field_of_the_wrong_type_or_form_is_refused(
        self, kind: str, field: str, bad: object, error: type[InvalidFieldError], reason: str
    ) -> None:
        value: Any = BUILDERS[kind]()

        with pytest.raises(LeadflowError) as caught:
            attrs.evolve(value, **{field: bad})

        pinned(caught.value, error, field, bad, reason)

    @pytest.mark.parametrize("probability", [0, 100])
    def test_the_probability_bounds_are_included(self, probability: int) -> None:
        assert attrs.evolve(_opportunity(), probability=probability).probability == probability

    def test_optional_fields_default_to_none(self) -> None:
        nurtured, lost, customer = _nurtured(), _lost(), _customer()
        opportunity = _opportunity()

        assert NurturedLead(**_carried(nurtured), history=nurtured.history).reason is None
        assert NurturedLead(**_carried(nurtured), history=nurtured.history).revisit_on is None
        bare = Opportunity(
            **_carried(opportunity),
            history=opportunity.history,
            signals=opportunity.signals,
            promotion=opportunity.promotion,
            name="Engines deal",
            step=STEP.QUALIFY,
            probability=10,
        )
        assert (bare.estimated_value, bare.expected_close) == (None, None)
        short = LostOpportunity(
            **{k: v for k, v in _fields(lost).items() if k not in {"competitor", "note"}}
        )
        assert (short.competitor, short.note) == (None, None)
        plain = Customer(**{k: v for k, v in _fields(customer).items() if k != "won_value"})
        assert plain.won_value is None
        closed = _disqualified()
        assert (
            DisqualifiedLead(
                **_carried(closed), history=closed.history, reason=DisqualificationReason.OTHER
            ).note
            is None
        )


class TestProperties:
    def test_the_organisation_is_the_contacts(self) -> None:
        lead = _lead()

        assert lead.organisation is lead.contact.organisation
        assert lead.organisation == Organisation(name="Analytical Engines")

    def test_a_private_person_has_no_organisation(self) -> None:
        lead = to_lead(ada(organisation=None), qualifying_evidence(), as_of=NOW)[0]

        assert lead.organisation is None

    def test_updated_at_is_the_time_of_the_last_event(self) -> None:
        lead = _lead()
        reassessed = reassess(lead, qualifying_evidence(), as_of=NOW + 3 * DAY)[0]

        assert lead.updated_at == NOW
        assert reassessed.updated_at == NOW + 3 * DAY

    def test_a_customer_is_one_since_the_win(self) -> None:
        opportunity = advance(_opportunity(), STEP.CLOSE, as_of=NOW + 2 * DAY)[0]

        customer = win(opportunity, as_of=NOW + 5 * DAY)[0]

        assert customer.customer_since == NOW + 5 * DAY
        assert type(customer.customer_since) is datetime

    @pytest.mark.parametrize(
        ("build", "amount"),
        [
            (lambda: _opportunity(), Decimal("1234.567")),
            (
                lambda: advance(_opportunity(), STEP.DEVELOP, MINE, as_of=NOW + 2 * DAY)[0],
                Decimal("3086.4175"),
            ),
            (lambda: _lost(), Decimal("0")),
            (lambda: _customer(), Decimal("12345.67")),
        ],
        ids=["qualify-10", "develop-25", "lost-0", "customer-100"],
    )
    def test_the_weighted_value_is_the_estimate_times_the_probability(
        self, build: Callable[[], Opportunity], amount: Decimal
    ) -> None:
        weighted = build().weighted_value

        assert type(weighted) is Money
        assert weighted.amount == amount
        assert weighted.currency == "GBP"

    def test_without_an_estimate_there_is_no_weighted_value(self) -> None:
        assert _opportunity(None).weighted_value is None

    def test_the_promoting_event_is_kept_in_an_opportunitys_history(self) -> None:
        opportunity = _opportunity()

        assert [type(e) for e in opportunity.history] == [LeadQualified, LeadPromoted]
        assert stage_of(opportunity) is S.OPPORTUNITY
