"""The domain's sentences, one or more tests per fact of the domain description.

Expected scores are worked out by hand from BANT's published scale (``presets.py``): a
level earns ``(weight x share + 50) // 100`` points, i.e. its share of the criterion's
weight, rounded half up. For BANT (weights budget 30, authority 15, need 30, timeframe 25):

========== ======================================================================
need       unknown 0, none 0, latent 11 (10.5), expressed 23 (22.5), strong 30
budget     unknown 0, none 0, insufficient 9, available 24, approved 30
timeframe  unknown 0, later 3 (2.5), this year 13 (12.5), next quarter 18 (17.5),
           this quarter 23 (22.5), immediate 25
authority  unknown 0, none 0, adviser 5 (5.25), influencer 8 (8.25), shared 12,
           decider 15
========== ======================================================================

Threshold 60, nurture from 35, grades A >= 80 > B >= 60 > C >= 40 > D, hot >= 75 (and
qualified), warm >= 45, evidence fresh for 180 days.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow import (
    AuthorityLevel,
    BudgetLevel,
    Contact,
    Criterion,
    CriterionRule,
    Customer,
    Evidence,
    FunnelStage,
    Grade,
    Lead,
    LeadNurtured,
    LeadPromoted,
    LeadQualified,
    LeadRequalified,
    Money,
    NeedLevel,
    NotQualifiedError,
    NurturedLead,
    Opportunity,
    OpportunityAdvanced,
    OpportunityStage,
    OpportunityWon,
    Organisation,
    Policy,
    PromotionRefusedError,
    PromotionSignals,
    PurchaseProcess,
    PurchaseRole,
    QualificationDecision,
    Rating,
    RelationshipLevel,
    RequirementsLevel,
    Stage,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    advance,
    can_promote,
    nurture,
    promote,
    qualify,
    requalify,
    stage_of,
    summarize,
    to_lead,
    win,
)
from leadflow import strategies as lfst
from leadflow.presets import ANUM, BANT, FAINT, PRESETS
from support import DAY, NOW, evidence_at, ready_signals

UTC = timezone.utc

N, B, T = NeedLevel, BudgetLevel, TimeframeLevel
R, P = PurchaseRole, PurchaseProcess


def _contact(
    name: str,
    role: PurchaseRole = R.UNKNOWN,
    organisation: str | None = "Northwind Traders",
) -> Contact:
    handle = name.lower().replace(" ", ".")
    return Contact(
        name=name,
        email=f"{handle}@example.com",
        created_at=NOW - 30 * DAY,
        organisation=None if organisation is None else Organisation(name=organisation),
        role=role,
    )


def _ada() -> Lead:
    """A decision maker with a strong need, an approved budget, buying this quarter (98)."""
    contact = _contact("Ada Lovelace", R.DECISION_MAKER, "Analytical Engines Ltd")
    evidence = evidence_at(N.STRONG, B.APPROVED, T.THIS_QUARTER, P.INDIVIDUAL, NOW - DAY)
    return to_lead(contact, evidence, as_of=NOW)[0]


def _ben() -> Lead:
    """An adviser to the buyer: expressed need, budget available, buying this year (65)."""
    contact = _contact("Ben Okafor", R.ADVISER)
    return to_lead(contact, evidence_at(N.EXPRESSED, B.AVAILABLE, T.THIS_YEAR), as_of=NOW)[0]


# A realistic batch: who they are, what is known, and the score and verdict by hand.
BATCH: list[tuple[Contact, Evidence, int, Verdict]] = [
    # 30 + 30 + 23 + 15
    (
        _contact("Ada Lovelace", R.DECISION_MAKER),
        evidence_at(N.STRONG, B.APPROVED, T.THIS_QUARTER, P.INDIVIDUAL),
        98,
        Verdict.QUALIFIED,
    ),
    # 23 + 24 + 13 + 5
    (
        _contact("Ben Okafor", R.ADVISER),
        evidence_at(N.EXPRESSED, B.AVAILABLE, T.THIS_YEAR),
        65,
        Verdict.QUALIFIED,
    ),
    # signed up for the newsletter; nothing known yet, which is not a no
    (_contact("Cleo Park", organisation=None), evidence_at(), 0, Verdict.UNDETERMINED),
    # 11 + 0 + 3 + 0
    (
        _contact("Dan Reyes", R.USER),
        evidence_at(N.LATENT, B.UNKNOWN, T.LATER),
        14,
        Verdict.DISQUALIFIED,
    ),
    # 30 + 0 + 25 + 8, but no budget: evidence against a required criterion
    (
        _contact("Eve Martin", R.INFLUENCER),
        evidence_at(N.STRONG, B.NONE, T.IMMEDIATE, P.COMMITTEE),
        63,
        Verdict.DISQUALIFIED,
    ),
    # 23 + 9 + 18 + 0, budget known to be below "available"
    (
        _contact("Finn Walsh"),
        evidence_at(N.EXPRESSED, B.INSUFFICIENT, T.NEXT_QUARTER),
        50,
        Verdict.DISQUALIFIED,
    ),
    # 0 + 30 + 25 + 12 (a decision maker on a committee), but no need
    (
        _contact("Gus Ito", R.DECISION_MAKER),
        evidence_at(N.NONE, B.APPROVED, T.IMMEDIATE, P.COMMITTEE),
        67,
        Verdict.DISQUALIFIED,
    ),
    # visited the web site; only a rough timeframe known: need and budget to find out
    (_contact("Hana Novak"), evidence_at(timeframe=T.THIS_YEAR), 13, Verdict.UNDETERMINED),
    # 23 + 24 + 0 + 8, timeframe not known yet
    (
        _contact("Ivo Costa", R.INFLUENCER),
        evidence_at(N.EXPRESSED, B.AVAILABLE),
        55,
        Verdict.UNDETERMINED,
    ),
    # 11 + 9 + 3 + 5
    (
        _contact("Jo Lind", R.ADVISER),
        evidence_at(N.LATENT, B.INSUFFICIENT, T.LATER),
        28,
        Verdict.DISQUALIFIED,
    ),
]


class TestTheFunnel:
    def test_a_contact_is_a_private_person_or_a_point_of_contact_at_a_business(self) -> None:
        private = Contact(name="Grace Hopper", phone="+1 212 555 0100", created_at=NOW)
        business = _contact("Ada Lovelace", organisation="Analytical Engines Ltd")

        assert stage_of(private) is stage_of(business) is FunnelStage.CONTACT
        assert private.organisation is None
        assert business.organisation == Organisation(name="Analytical Engines Ltd")

    def test_most_contacts_never_become_leads(self) -> None:
        decisions = [qualify(contact, evidence, as_of=NOW) for contact, evidence, _, _ in BATCH]

        assert [d.score for d in decisions] == [score for _, _, score, _ in BATCH]
        assert [d.verdict for d in decisions] == [verdict for _, _, _, verdict in BATCH]
        assert sum(d.qualified for d in decisions) == 2

    def test_a_funnel_of_that_batch_converts_a_fifth_of_its_contacts(self) -> None:
        values: list[Stage] = []
        for contact, evidence, _, _ in BATCH:
            try:
                values.append(to_lead(contact, evidence, as_of=NOW)[0])
            except NotQualifiedError:
                values.append(contact)

        summary = summarize(values)

        assert summary.counts[FunnelStage.LEAD] == 2
        assert summary.counts[FunnelStage.CONTACT] == 8
        assert summary.contact_to_lead == Fraction(1, 5)

    def test_only_a_select_few_leads_become_opportunities(self) -> None:
        leads = [_ada(), _ben()]
        signals = ready_signals()
        later = NOW + 7 * DAY

        decisions = [can_promote(lead, signals, as_of=later) for lead in leads]

        assert [d.promotable for d in decisions] == [True, False]
        # Ben qualifies, but his party's need is expressed, not strong.
        assert decisions[1].qualification.qualified
        assert decisions[1].result("need").code == "need.below_minimum"

    @given(lfst.contacts(), st.sampled_from(sorted(PRESETS)))
    def test_a_contact_about_whom_nothing_is_known_never_becomes_a_lead(
        self, contact: Contact, preset: str
    ) -> None:
        as_of = contact.created_at + DAY

        decision = qualify(contact, Evidence(), PRESETS[preset], as_of=as_of)

        assert not decision.qualified
        with pytest.raises(NotQualifiedError):
            to_lead(contact, Evidence(), PRESETS[preset], as_of=as_of)

    def test_an_opportunity_is_a_lead_with_a_high_likelihood_of_a_sale(self) -> None:
        opportunity, _ = promote(_ada(), ready_signals(), as_of=NOW + 7 * DAY)

        assert stage_of(opportunity) is FunnelStage.OPPORTUNITY
        assert opportunity.probability == 20  # BANT's probability at the first step
        assert opportunity.promotion is not None
        assert opportunity.promotion.promotable

    def test_the_sales_team_works_the_opportunity_into_a_sale_and_an_account(self) -> None:
        opportunity, _ = promote(
            _ada(), ready_signals(), as_of=NOW + 7 * DAY, estimated_value=Money("48000", "EUR")
        )
        probabilities = [opportunity.probability]
        for days, step in enumerate(list(OpportunityStage)[1:], start=8):
            opportunity, _ = advance(opportunity, step, as_of=NOW + days * DAY)
            probabilities.append(opportunity.probability)

        customer, _ = win(opportunity, as_of=NOW + 30 * DAY)

        assert probabilities == [20, 40, 60, 80]
        assert isinstance(customer, Customer)
        assert stage_of(customer) is FunnelStage.CUSTOMER
        assert customer.organisation == Organisation(name="Analytical Engines Ltd")
        assert customer.won_value == Money("48000", "EUR")
        assert customer.customer_since == NOW + 30 * DAY


class TestWhoALeadIs:
    def test_the_lead_is_not_necessarily_the_buyer(self) -> None:
        lead = _ben()

        assert lead.qualification.qualified
        assert lead.contact.role is PurchaseRole.ADVISER
        assert lead.organisation == Organisation(name="Northwind Traders")
        assert isinstance(lead.contact, Contact)
        assert isinstance(lead.organisation, Organisation)
        assert lead.contact.name != lead.organisation.name
        authority = lead.qualification.result(Criterion.AUTHORITY)
        assert (authority.level, authority.points) == (AuthorityLevel.ADVISER, 5)

    def test_an_employee_without_a_say_can_still_be_the_lead(self) -> None:
        contact = _contact("Kim Berg", R.USER)

        decision = qualify(contact, evidence_at(N.EXPRESSED, B.AVAILABLE, T.THIS_YEAR), as_of=NOW)

        assert decision.qualified
        assert decision.score == 60  # 23 + 24 + 13 + 0
        assert decision.result(Criterion.AUTHORITY).level is AuthorityLevel.NONE

    def test_someone_who_can_influence_the_purchase_counts_for_that(self) -> None:
        contact = _contact("Lea Roth", R.INFLUENCER)

        decision = qualify(contact, evidence_at(N.EXPRESSED, B.AVAILABLE, T.THIS_YEAR), as_of=NOW)

        assert decision.score == 68  # 23 + 24 + 13 + 8
        assert decision.result(Criterion.AUTHORITY).code == "authority.met"

    def test_a_private_person_can_be_a_lead_without_an_organisation(self) -> None:
        contact = _contact("Max Vogel", R.DECISION_MAKER, organisation=None)

        lead, _ = to_lead(contact, evidence_at(N.STRONG, B.AVAILABLE, T.IMMEDIATE), as_of=NOW)

        assert lead.organisation is None
        assert lead.contact == contact


class TestQualifyingTheFourCriteria:
    @pytest.mark.parametrize(
        ("criterion", "level", "points"),
        [
            (Criterion.NEED, N.UNKNOWN, 0),
            (Criterion.NEED, N.NONE, 0),
            (Criterion.NEED, N.LATENT, 11),
            (Criterion.NEED, N.EXPRESSED, 23),
            (Criterion.NEED, N.STRONG, 30),
            (Criterion.BUDGET, B.NONE, 0),
            (Criterion.BUDGET, B.INSUFFICIENT, 9),
            (Criterion.BUDGET, B.AVAILABLE, 24),
            (Criterion.BUDGET, B.APPROVED, 30),
            (Criterion.TIMEFRAME, T.LATER, 3),
            (Criterion.TIMEFRAME, T.THIS_YEAR, 13),
            (Criterion.TIMEFRAME, T.NEXT_QUARTER, 18),
            (Criterion.TIMEFRAME, T.THIS_QUARTER, 23),
            (Criterion.TIMEFRAME, T.IMMEDIATE, 25),
        ],
    )
    def test_each_level_earns_its_share_of_the_criterions_weight(
        self, criterion: Criterion, level: Any, points: int
    ) -> None:
        evidence = evidence_at(**{criterion.value: level})

        decision = qualify(_contact("Nia Shah"), evidence, as_of=NOW)

        assert decision.result(criterion).points == points
        assert decision.score == points

    @pytest.mark.parametrize(
        ("role", "process", "points"),
        [
            (R.UNKNOWN, P.UNKNOWN, 0),
            (R.USER, P.INDIVIDUAL, 0),
            (R.ADVISER, P.UNKNOWN, 5),
            (R.INFLUENCER, P.COMMITTEE, 8),
            (R.DECISION_MAKER, P.COMMITTEE, 12),
            (R.DECISION_MAKER, P.INDIVIDUAL, 15),
        ],
    )
    def test_authority_points_follow_role_and_purchase_process(
        self, role: PurchaseRole, process: PurchaseProcess, points: int
    ) -> None:
        decision = qualify(_contact("Oli Dunn", role), evidence_at(process=process), as_of=NOW)

        assert decision.result(Criterion.AUTHORITY).points == points
        assert decision.score == points

    def test_need_budget_and_timeframe_met_qualify_without_authority(self) -> None:
        decision = qualify(
            _contact("Pia Kerr"), evidence_at(N.EXPRESSED, B.AVAILABLE, T.THIS_YEAR), as_of=NOW
        )

        assert decision.verdict is Verdict.QUALIFIED
        assert decision.score == 60  # 23 + 24 + 13: exactly the threshold
        assert decision.result(Criterion.AUTHORITY).code == "authority.unconfirmed"
        assert not decision.result(Criterion.AUTHORITY).required

    @pytest.mark.parametrize(
        ("missing", "unknown", "score"),
        [
            (Criterion.NEED, N.UNKNOWN, 70),  # 0 + 30 + 25 + 15
            (Criterion.BUDGET, B.UNKNOWN, 70),  # 30 + 0 + 25 + 15
            (Criterion.TIMEFRAME, T.UNKNOWN, 75),  # 30 + 30 + 0 + 15
        ],
    )
    def test_need_budget_and_timeframe_are_required(
        self, missing: Criterion, unknown: Any, score: int
    ) -> None:
        everything: dict[str, Any] = {
            "need": N.STRONG,
            "budget": B.APPROVED,
            "timeframe": T.IMMEDIATE,
        }
        everything[missing.value] = unknown
        contact = _contact("Quin Hale", R.DECISION_MAKER)

        decision = qualify(contact, evidence_at(**everything, process=P.INDIVIDUAL), as_of=NOW)

        # The score clears the threshold of 60, and still the contact does not qualify:
        # not knowing is not a no, so it is undetermined until the rest is found out.
        assert decision.score == score
        assert not decision.qualified
        assert decision.verdict is Verdict.UNDETERMINED
        assert decision.missing == (decision.result(missing),)
        assert decision.result(missing).code == f"{missing.value}.unconfirmed"
        assert decision.result(missing).required

    @pytest.mark.parametrize(
        ("weak", "level", "score", "verdict"),
        [
            # Known below the minimum: evidence against.
            (Criterion.NEED, N.LATENT, 81, Verdict.DISQUALIFIED),  # 11 + 30 + 25 + 15
            (Criterion.BUDGET, B.INSUFFICIENT, 79, Verdict.DISQUALIFIED),  # 30 + 9 + 25 + 15
            # In the market only later: nurtured, not dropped.
            (Criterion.TIMEFRAME, T.LATER, 78, Verdict.NURTURE),  # 30 + 30 + 3 + 15
        ],
    )
    def test_a_required_criterion_below_its_minimum_does_not_qualify(
        self, weak: Criterion, level: Any, score: int, verdict: Verdict
    ) -> None:
        levels: dict[str, Any] = {"need": N.STRONG, "budget": B.APPROVED, "timeframe": T.IMMEDIATE}
        levels[weak.value] = level
        contact = _contact("Rae Moss", R.DECISION_MAKER)

        decision = qualify(contact, evidence_at(**levels, process=P.INDIVIDUAL), as_of=NOW)

        assert decision.score == score
        assert decision.verdict is verdict
        assert decision.result(weak).code == f"{weak.value}.below_minimum"

    def test_authority_is_not_required_but_raises_confidence(self) -> None:
        evidence = evidence_at(N.EXPRESSED, B.AVAILABLE, T.THIS_YEAR, P.INDIVIDUAL)

        without = qualify(_contact("Sam Frey"), evidence, as_of=NOW)
        decider = qualify(_contact("Sam Frey", R.DECISION_MAKER), evidence, as_of=NOW)

        assert without.qualified
        assert decider.qualified
        assert (without.score, without.grade, without.rating) == (60, Grade.B, Rating.WARM)
        assert (decider.score, decider.grade, decider.rating) == (75, Grade.B, Rating.HOT)

    def test_more_say_in_the_purchase_never_lowers_the_score(self) -> None:
        evidence_by_process = {
            process: evidence_at(N.EXPRESSED, B.AVAILABLE, T.THIS_YEAR, process) for process in P
        }
        # From no say at all to deciding alone, by hand: 60, 60, 65, 68, 72, 75.
        ladder = [
            (R.UNKNOWN, P.UNKNOWN),
            (R.USER, P.UNKNOWN),
            (R.ADVISER, P.UNKNOWN),
            (R.INFLUENCER, P.UNKNOWN),
            (R.DECISION_MAKER, P.COMMITTEE),
            (R.DECISION_MAKER, P.INDIVIDUAL),
        ]

        scores = [
            qualify(_contact("Tom Hart", role), evidence_by_process[process], as_of=NOW).score
            for role, process in ladder
        ]

        assert scores == [60, 60, 65, 68, 72, 75]

    @pytest.mark.parametrize(
        ("today", "decision_date", "level", "qualified"),
        [
            (date(2026, 3, 2), date(2026, 3, 20), T.IMMEDIATE, True),  # 18 days
            (date(2026, 1, 5), date(2026, 3, 20), T.THIS_QUARTER, True),  # 74 days, Q1
            (date(2026, 3, 2), date(2026, 4, 15), T.NEXT_QUARTER, True),  # Q2
            (date(2026, 3, 2), date(2026, 11, 1), T.THIS_YEAR, True),  # Q4
            (date(2026, 3, 2), date(2027, 2, 1), T.LATER, False),  # next year
            (date(2026, 3, 2), date(2027, 6, 1), T.LATER, False),  # beyond 365 days
            (date(2026, 3, 2), date(2026, 2, 1), T.UNKNOWN, False),  # already past
        ],
    )
    def test_market_availability_is_a_reasonable_period_ahead(
        self, today: date, decision_date: date, level: TimeframeLevel, qualified: bool
    ) -> None:
        as_of = datetime(today.year, today.month, today.day, 12, 0, tzinfo=UTC)
        contact = attrs.evolve(_contact("Uma Bell"), created_at=as_of - DAY)
        evidence = attrs.evolve(
            evidence_at(N.EXPRESSED, B.AVAILABLE),
            timeframe=TimeframeEvidence(decision_date=decision_date),
        )

        decision = qualify(contact, evidence, as_of=as_of)

        assert decision.result(Criterion.TIMEFRAME).level is level
        assert decision.qualified is qualified

    def test_other_frameworks_weigh_the_same_signals_differently(self) -> None:
        contact = _contact("Vic Lowe", R.INFLUENCER)
        evidence = evidence_at(N.LATENT, B.INSUFFICIENT, T.THIS_QUARTER)

        bant = qualify(contact, evidence, BANT, as_of=NOW)
        faint = qualify(contact, evidence, FAINT, as_of=NOW)

        # BANT: 11 + 9 + 23 + 8, need and budget known to be below its minimums.
        assert (bant.score, bant.verdict) == (51, Verdict.DISQUALIFIED)
        # FAINT (budget 30, authority 25, need 25, timing 20): funds and interest are
        # enough; 9 + 14 + 9 + 18 against a threshold of 40.
        assert (faint.score, faint.verdict) == (50, Verdict.QUALIFIED)

    def test_a_framework_may_require_authority(self) -> None:
        contact = _contact("Wes Ford")
        evidence = evidence_at(N.EXPRESSED, B.AVAILABLE, T.NEXT_QUARTER)

        bant = qualify(contact, evidence, BANT, as_of=NOW)
        anum = qualify(contact, evidence, ANUM, as_of=NOW)

        assert (bant.score, bant.verdict) == (65, Verdict.QUALIFIED)  # 23 + 24 + 18 + 0
        # ANUM (authority 30, need 30, urgency 25, money 15): 0 + 23 + 18 + 12, and the
        # authority it requires is still to be found out.
        assert (anum.score, anum.verdict) == (53, Verdict.UNDETERMINED)
        assert anum.result(Criterion.AUTHORITY).required

    def test_weights_and_requirements_are_a_policy_not_constants(self) -> None:
        authority_required: Policy = attrs.evolve(
            BANT,
            name="BANT with authority",
            authority=CriterionRule(
                weight=15,
                required=True,
                minimum=AuthorityLevel.INFLUENCER,
                points={
                    AuthorityLevel.UNKNOWN: 0,
                    AuthorityLevel.NONE: 0,
                    AuthorityLevel.ADVISER: 5,
                    AuthorityLevel.INFLUENCER: 8,
                    AuthorityLevel.SHARED: 12,
                    AuthorityLevel.DECIDER: 15,
                },
            ),
        )
        ben = _ben()

        decision = qualify(ben.contact, ben.evidence, authority_required, as_of=NOW)

        assert ben.qualification.qualified
        assert decision.score == 65
        # Ben is an adviser: under this policy, evidence against him.
        assert decision.verdict is Verdict.DISQUALIFIED
        assert decision.policy == "BANT with authority"


class TestNotKnowingIsNotANo:
    def test_a_fresh_contact_with_no_evidence_is_not_disqualified(self) -> None:
        decision = qualify(_contact("Xia Moreau"), evidence_at(), as_of=NOW)

        assert decision.verdict is Verdict.UNDETERMINED
        # Its need, budget and timeframe are still to be found out.
        assert decision.next_steps[:3] == (
            "confirm budget",
            "confirm what the party needs",
            "confirm when the party will buy",
        )

    def test_a_budget_nobody_has_asked_about_is_not_a_missing_budget(self) -> None:
        unasked = qualify(
            _contact("Yan Berg"), evidence_at(N.STRONG, B.UNKNOWN, T.IMMEDIATE), as_of=NOW
        )
        none = qualify(_contact("Yan Berg"), evidence_at(N.STRONG, B.NONE, T.IMMEDIATE), as_of=NOW)

        assert unasked.verdict is Verdict.UNDETERMINED
        assert none.verdict is Verdict.DISQUALIFIED
        assert "budget is none" in none.explain()

    def test_disqualifying_takes_evidence_against(self) -> None:
        no_need = qualify(_contact("Zoe Hart"), evidence_at(need=N.NONE), as_of=NOW)

        assert no_need.verdict is Verdict.DISQUALIFIED
        assert [r.code for r in no_need.against] == ["need.below_minimum"]

    def test_with_everything_required_known_too_little_of_it_disqualifies(self) -> None:
        # In the market only later, with a floor no later contact of this kind reaches.
        strict = attrs.evolve(BANT, name="strict BANT", nurture_threshold=55)
        evidence = evidence_at(N.EXPRESSED, B.AVAILABLE, T.LATER)  # 23 + 24 + 3

        decision = qualify(_contact("Abe Quist"), evidence, strict, as_of=NOW)

        assert (decision.score, decision.verdict) == (50, Verdict.DISQUALIFIED)
        assert "below the nurture floor of 55" in decision.reason

    def test_a_contact_in_the_market_only_later_is_nurtured_not_dropped(self) -> None:
        evidence = evidence_at(N.STRONG, B.APPROVED, T.LATER)

        decision = qualify(_contact("Bea Solis"), evidence, as_of=NOW)

        assert decision.verdict is Verdict.NURTURE
        assert not decision.qualified


class TestPromotingALead:
    def test_a_lead_with_strong_need_dropped_supplier_and_payment_terms_becomes_an_opportunity(
        self,
    ) -> None:
        lead = _ada()

        opportunity, event = promote(
            lead,
            ready_signals(supplier=SupplierStatus.DROPPED, terms=TermsLevel.PAYMENT_TERMS),
            as_of=NOW + 7 * DAY,
            estimated_value=Money("48000", "EUR"),
            expected_close=date(2026, 6, 30),
        )

        assert isinstance(opportunity, Opportunity)
        assert isinstance(event, LeadPromoted)
        assert event.decision.promotable
        assert all(result.met for result in event.decision.results)
        assert opportunity.step is OpportunityStage.QUALIFY
        assert opportunity.estimated_value == Money("48000", "EUR")
        assert opportunity.expected_close == date(2026, 6, 30)

    def test_having_no_supplier_to_displace_is_as_good_as_having_dropped_one(self) -> None:
        decision = can_promote(
            _ada(), ready_signals(supplier=SupplierStatus.NO_SUPPLIER), as_of=NOW + 7 * DAY
        )

        assert decision.promotable

    def test_signing_contracts_is_further_along_than_payment_terms(self) -> None:
        decision = can_promote(
            _ada(), ready_signals(terms=TermsLevel.CONTRACT), as_of=NOW + 7 * DAY
        )

        assert decision.promotable

    @pytest.mark.parametrize(
        ("signals", "code"),
        [
            (ready_signals(relationship=RelationshipLevel.UNKNOWN), "relationship.unconfirmed"),
            (ready_signals(relationship=RelationshipLevel.NONE), "relationship.below_minimum"),
            (ready_signals(relationship=RelationshipLevel.CONTACTED), "relationship.below_minimum"),
            (ready_signals(requirements=RequirementsLevel.UNKNOWN), "requirements.unconfirmed"),
            (ready_signals(requirements=RequirementsLevel.GENERAL), "requirements.below_minimum"),
            (ready_signals(terms=TermsLevel.NOT_DISCUSSED), "terms.below_minimum"),
            (ready_signals(terms=TermsLevel.PRICING), "terms.below_minimum"),
            (ready_signals(supplier=SupplierStatus.RETAINED), "supplier.below_minimum"),
            (ready_signals(supplier=SupplierStatus.EVALUATING), "supplier.below_minimum"),
        ],
        ids=lambda value: value if isinstance(value, str) else "",
    )
    def test_promotion_needs_relationship_specific_needs_and_terms(
        self, signals: PromotionSignals, code: str
    ) -> None:
        lead = _ada()

        decision = can_promote(lead, signals, as_of=NOW + 7 * DAY)

        assert not decision.promotable
        assert decision.qualification.qualified  # the lead itself is fine
        assert [r.code for r in decision.results if not r.met] == [code]
        assert len(decision.next_steps) == 1
        with pytest.raises(PromotionRefusedError) as caught:
            promote(lead, signals, as_of=NOW + 7 * DAY)
        assert caught.value.decision == decision

    def test_a_lead_whose_need_is_not_strong_is_not_yet_an_opportunity(self) -> None:
        decision = can_promote(_ben(), ready_signals(), as_of=NOW + 7 * DAY)

        assert not decision.promotable
        assert decision.result("need").code == "need.below_minimum"

    def test_a_lead_that_no_longer_qualifies_is_not_promoted(self) -> None:
        # Ada's evidence was observed a day before she qualified; 200 days on it is stale.
        decision = can_promote(_ada(), ready_signals(), as_of=NOW + 200 * DAY)

        assert not decision.promotable
        assert not decision.qualification.qualified
        # Everything, the purchase process behind her authority included, decayed to unknown.
        assert decision.qualification.score == 0
        assert {"need.stale", "budget.stale", "timeframe.stale"} <= set(
            decision.qualification.codes
        )

    # Each generated lead is built through a qualification; a quarter of the profile's
    # examples keeps this inside the suite's time budget.
    @settings(max_examples=max(10, settings().max_examples // 4))
    @given(lfst.leads(), st.data())
    def test_a_promotable_lead_shows_every_sign_of_a_sale(
        self, lead: Lead, data: st.DataObject
    ) -> None:
        as_of = lead.updated_at + DAY
        signals = data.draw(lfst.promotion_signals(as_of) | lfst.qualifying_signals(as_of))

        decision = can_promote(lead, signals, as_of=as_of)

        if decision.promotable:
            assert decision.qualification.qualified
            assert decision.result("need").level is NeedLevel.STRONG
            assert signals.relationship is RelationshipLevel.ESTABLISHED
            assert signals.requirements is RequirementsLevel.SPECIFIED
            assert signals.terms in {TermsLevel.PAYMENT_TERMS, TermsLevel.CONTRACT}
            assert signals.supplier in {SupplierStatus.DROPPED, SupplierStatus.NO_SUPPLIER}
        else:
            assert decision.next_steps


class TestWhatFollowsForTheLibrary:
    def test_each_stage_is_immutable_and_moves_return_new_values(self) -> None:
        lead = _ada()
        before = attrs.asdict(lead, recurse=False)

        nurtured, event = nurture(lead, as_of=NOW + DAY, reason="waiting for the board")

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            lead.evidence = Evidence()  # type: ignore[misc]
        assert isinstance(nurtured, NurturedLead)
        assert stage_of(lead) is FunnelStage.LEAD
        assert attrs.asdict(lead, recurse=False) == before
        assert lead.history == nurtured.history[:1]
        assert nurtured.history[-1] is event

    def test_nothing_recorded_at_an_earlier_stage_is_lost(self) -> None:
        contact = _contact("Ada Lovelace", R.DECISION_MAKER, "Analytical Engines Ltd")
        first_evidence = evidence_at(N.STRONG, B.AVAILABLE, T.THIS_YEAR, P.INDIVIDUAL)
        lead, _ = to_lead(contact, first_evidence, as_of=NOW, by="sdr@example.com")
        nurtured, _ = nurture(lead, as_of=NOW + DAY, reason="budget round in April")
        fresh = evidence_at(N.STRONG, B.APPROVED, T.THIS_QUARTER, P.INDIVIDUAL)
        lead, _ = requalify(nurtured, fresh, as_of=NOW + 40 * DAY)
        signals = ready_signals()
        opportunity, _ = promote(
            lead, signals, as_of=NOW + 45 * DAY, estimated_value=Money("48000", "EUR")
        )
        opportunity, _ = advance(opportunity, OpportunityStage.PROPOSE, as_of=NOW + 50 * DAY)

        customer, _ = win(opportunity, as_of=NOW + 60 * DAY, value=Money("46000", "EUR"))

        assert customer.contact is contact
        assert customer.evidence == fresh
        assert customer.signals == signals
        assert customer.estimated_value == Money("48000", "EUR")
        assert customer.won_value == Money("46000", "EUR")
        assert [type(event) for event in customer.history] == [
            LeadQualified,
            LeadNurtured,
            LeadRequalified,
            LeadPromoted,
            OpportunityAdvanced,
            OpportunityWon,
        ]
        qualified, set_aside, back, promoted = customer.history[:4]
        assert isinstance(qualified, LeadQualified)
        assert qualified.decision.evidence == first_evidence
        assert qualified.by == "sdr@example.com"
        assert isinstance(set_aside, LeadNurtured)
        assert set_aside.reason == "budget round in April"
        assert isinstance(back, LeadRequalified)
        assert back.decision == customer.qualification
        assert isinstance(promoted, LeadPromoted)
        assert promoted.decision == customer.promotion

    def test_every_decision_explains_each_criterion_and_what_is_missing(self) -> None:
        decision = qualify(_contact("Finn Walsh"), evidence_at(need=N.EXPRESSED), as_of=NOW)

        assert decision.verdict is Verdict.UNDETERMINED
        assert decision.score == 23
        # One result per criterion, in BANT's order (budget, authority, need, timeline).
        assert [r.name for r in decision.results] == ["budget", "authority", "need", "timeframe"]
        assert decision.codes == (
            "budget.unconfirmed",
            "authority.unconfirmed",
            "need.met",
            "timeframe.unconfirmed",
        )
        assert [r.points for r in decision.results] == [0, 0, 23, 0]
        assert [r.weight for r in decision.results] == [30, 15, 30, 25]
        assert sum(r.points for r in decision.results) == decision.score
        assert decision.result(Criterion.NEED).next_step is None
        assert "confirm budget" in decision.next_steps
        assert "identify the decision maker" in decision.next_steps
        assert len(decision.next_steps) == 3  # one per criterion not met
        text = decision.explain()
        assert "UNDETERMINED" in text
        assert "budget, timeframe not known yet" in text
        assert "23/100" in text
        for result in decision.results:
            assert result.sentence in text
        for step in decision.next_steps:
            assert step in text

    def test_a_promotion_decision_explains_each_sign_and_what_is_missing(self) -> None:
        decision = can_promote(_ada(), ready_signals(terms=TermsLevel.PRICING), as_of=NOW + 7 * DAY)

        assert sorted(r.name for r in decision.results) == sorted(
            ["need", "relationship", "requirements", "supplier", "terms"]
        )
        assert decision.result("terms").next_step in decision.next_steps
        text = decision.explain()
        assert "NOT PROMOTABLE" in text
        for result in decision.results:
            assert result.sentence in text

    def test_rules_take_now_as_an_argument(self) -> None:
        lead = _ada()  # evidence observed one day before NOW
        fresh_until = NOW + 179 * DAY  # 180 days after the evidence: still fresh
        stale_from = NOW + 180 * DAY  # 181 days after: stale

        def decide(as_of: datetime) -> QualificationDecision:
            return qualify(lead.contact, lead.evidence, as_of=as_of)

        assert decide(NOW) == decide(NOW)
        assert (decide(NOW).score, decide(NOW).verdict) == (98, Verdict.QUALIFIED)
        assert (decide(fresh_until).score, decide(fresh_until).verdict) == (98, Verdict.QUALIFIED)
        # Every part of the evidence, the purchase process included, decays to unknown:
        # what was known is to be found out again, not held against the lead.
        assert (decide(stale_from).score, decide(stale_from).verdict) == (0, Verdict.UNDETERMINED)
        assert decide(stale_from) == decide(stale_from)
        assert decide(stale_from).as_of == stale_from

    def test_now_must_be_given_and_aware(self) -> None:
        lead = _ada()

        with pytest.raises(TypeError):
            qualify(lead.contact, lead.evidence)  # type: ignore[call-arg]
        with pytest.raises(ValueError, match="as_of"):
            qualify(lead.contact, lead.evidence, as_of=datetime(2026, 3, 2, 9, 0))
