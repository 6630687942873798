"""Walk ten contacts through the leadflow funnel and print every decision.

Run it from a checkout with leadflow installed (nothing else is needed)::

    python examples/walkthrough.py

A seller of operations software reviews its contacts on Monday 2 March 2026 under the
default policy, BANT, and then works the ones that qualify over the following weeks. The
contacts come from different industries and play different parts in their purchase: a
decision maker who buys alone, decision makers on committees, influencers, an adviser and
an employee without a say. Between them they show every verdict: qualified; nurture (in
the market only later); undetermined (a required criterion not known yet, or known once
and gone stale); and disqualified (evidence against, whatever the score). One contact
starts with nothing known and qualifies as the evidence is found, one call at a time.
They also show a promotion refused and three granted, a nurtured lead, a disqualified
lead, a win, a loss to a named competitor and an opportunity still open.

Every decision is printed with its explanation and every move with its event; the funnel
summary comes last. All dates are fixed in the script, never read from a clock, so the
output is the same on every run.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date, datetime, timezone
from fractions import Fraction

import attrs

from leadflow import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Customer,
    DisqualificationReason,
    DisqualifiedLead,
    Event,
    Evidence,
    FunnelStage,
    FunnelSummary,
    Lead,
    LeadSource,
    LossReason,
    LostOpportunity,
    Money,
    NeedEvidence,
    NeedLevel,
    NotQualifiedError,
    NurturedLead,
    Opportunity,
    OpportunityStage,
    Organisation,
    PromotionDecision,
    PromotionRefusedError,
    PromotionSignals,
    PurchaseProcess,
    PurchaseRole,
    QualificationDecision,
    RelationshipLevel,
    RequirementsLevel,
    Stage,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    advance,
    can_promote,
    disqualify,
    lose,
    nurture,
    promote,
    qualify,
    stage_of,
    summarize,
    to_lead,
    win,
)

UTC = timezone.utc


def on(month: int, day: int, hour: int = 9) -> datetime:
    """A fixed moment in 2026 (UTC): the walkthrough's "now" is always explicit."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


#: The Monday pipeline review at which every contact is qualified.
REVIEW = on(3, 2)

#: A strong set of relationship signals: every part of the promotion gate is met.
READY = PromotionSignals(
    relationship=RelationshipLevel.ESTABLISHED,
    requirements=RequirementsLevel.SPECIFIED,
    supplier=SupplierStatus.DROPPED,
    terms=TermsLevel.PAYMENT_TERMS,
)


# --------------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------------


def introduce(number: int, contact: Contact) -> None:
    """Print a heading naming the contact, the buying party and the contact's role."""
    organisation = contact.organisation
    party = "private person" if organisation is None else organisation.name
    if organisation is not None and organisation.industry is not None:
        party += f" ({organisation.industry})"
    source = "unknown" if contact.source is None else contact.source.value.replace("_", " ")
    role = contact.role.value.replace("_", " ")
    print()
    print("=" * 92)
    print(f"{number}. {contact.name}, {contact.job_title or 'no title'} -- {party}")
    print(f"   role in the purchase: {role}; came from: {source}")
    print("=" * 92)


def show(decision: QualificationDecision | PromotionDecision) -> None:
    """Print a decision's explanation, indented under the current contact."""
    print(textwrap.indent(decision.explain(), "    "))


def moved(event: Event, value: Stage) -> None:
    """Print one move of the funnel: when, which event, and from which stage to which."""
    step = ""
    if isinstance(value, Opportunity):  # only an open opportunity has a live probability
        step = f" [step {value.step.value}, win probability {value.probability}%]"
    print(
        f"  -> {event.at:%Y-%m-%d} {type(event).__name__}: "
        f"{event.from_stage.value} -> {event.to_stage.value}{step}"
    )


def qualify_and_show(
    contact: Contact, evidence: Evidence, as_of: datetime = REVIEW
) -> QualificationDecision:
    """Qualify *contact* at *as_of* (the review by default) and print the explained decision."""
    decision = qualify(contact, evidence, as_of=as_of)
    print(f"  Qualification on {as_of:%Y-%m-%d}:")
    show(decision)
    return decision


def make_lead(contact: Contact, evidence: Evidence, as_of: datetime = REVIEW) -> Lead:
    """Qualify *contact* at *as_of*, print the decision, and turn it into a lead."""
    qualify_and_show(contact, evidence, as_of)
    lead, event = to_lead(contact, evidence, as_of=as_of, by="sales review")
    moved(event, lead)
    return lead


def stays_a_contact(contact: Contact, evidence: Evidence) -> Contact:
    """Qualify *contact*, print why it is not a lead yet, and keep it as a contact."""
    qualify_and_show(contact, evidence)
    try:
        to_lead(contact, evidence, as_of=REVIEW)
    except NotQualifiedError as refusal:
        verdict = refusal.decision.verdict.value
        print(f"  -> to_lead refused ({type(refusal).__name__}): stays a contact, {verdict}")
    return contact


def make_opportunity(
    lead: Lead,
    signals: PromotionSignals,
    as_of: datetime,
    *,
    value: Money,
    close: date,
) -> Opportunity:
    """Check the promotion gate for *lead*, print the decision, and promote it."""
    print(f"  Promotion check on {as_of:%Y-%m-%d}:")
    show(can_promote(lead, signals, as_of=as_of))
    opportunity, event = promote(
        lead, signals, as_of=as_of, estimated_value=value, expected_close=close
    )
    moved(event, opportunity)
    print(f"     estimated value {opportunity.estimated_value}, expected close {close}")
    return opportunity


def work(opportunity: Opportunity, *steps: tuple[OpportunityStage, datetime]) -> Opportunity:
    """Advance *opportunity* through *steps* (each a sales step and when), printing each."""
    for step, when in steps:
        opportunity, event = advance(opportunity, step, as_of=when)
        moved(event, opportunity)
    return opportunity


# --------------------------------------------------------------------------------------------
# The contacts
# --------------------------------------------------------------------------------------------


def amara(number: int) -> Customer:
    """A decision maker who buys alone, with an approved budget: won."""
    contact = Contact(
        name="Amara Okafor",
        email="amara.okafor@harbourside-dental.example",
        phone="+44 161 496 0732",
        organisation=Organisation(
            name="Harbourside Dental Group", industry="Dental clinics", employees=610
        ),
        job_title="Chief Operating Officer",
        role=PurchaseRole.DECISION_MAKER,
        source=LeadSource.SEMINAR,
        created_at=on(2, 11, 14),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(
            level=NeedLevel.STRONG,
            observed_at=on(2, 18),
            note="38 clinics book patients on paper diaries",
        ),
        budget=BudgetEvidence(
            level=BudgetLevel.APPROVED, amount=Money("85000", "GBP"), observed_at=on(2, 18)
        ),
        # Given as a date: on 2 March, a decision on 10 April is next quarter.
        timeframe=TimeframeEvidence(decision_date=date(2026, 4, 10), observed_at=on(2, 25)),
        authority=AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL, observed_at=on(2, 25)),
    )
    lead = make_lead(contact, evidence)
    signals = PromotionSignals(
        relationship=RelationshipLevel.ESTABLISHED,
        requirements=RequirementsLevel.SPECIFIED,
        supplier=SupplierStatus.NO_SUPPLIER,
        terms=TermsLevel.CONTRACT,
        observed_at=on(3, 20),
    )
    opportunity = make_opportunity(
        lead, signals, on(3, 23), value=Money("82000", "GBP"), close=date(2026, 5, 29)
    )
    opportunity = work(
        opportunity,
        (OpportunityStage.DEVELOP, on(4, 6)),
        (OpportunityStage.PROPOSE, on(4, 20)),
        (OpportunityStage.CLOSE, on(5, 11)),
    )
    customer, event = win(opportunity, as_of=on(5, 27, 15), value=Money("80500", "GBP"))
    moved(event, customer)
    print(
        f"     won {customer.won_value}; the customer keeps {len(customer.history)} events, "
        f"the contact ({customer.contact.name}) and the organisation "
        f"({customer.organisation.name if customer.organisation else '-'})"
    )
    return customer


def jonas(number: int) -> Lead:
    """An influencer on a buying committee: qualifies, but the promotion is refused."""
    contact = Contact(
        name="Jonas Lindqvist",
        email="jonas.lindqvist@fjordvik-energi.example",
        organisation=Organisation(name="Fjordvik Energi AS", industry="Utilities", employees=2300),
        job_title="Enterprise Architect",
        role=PurchaseRole.INFLUENCER,
        source=LeadSource.WEB,
        created_at=on(2, 16, 10),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.EXPRESSED, observed_at=on(2, 24)),
        budget=BudgetEvidence(
            level=BudgetLevel.AVAILABLE, amount=Money("1200000", "NOK"), observed_at=on(2, 24)
        ),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_YEAR, observed_at=on(2, 24)),
        authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE, observed_at=on(2, 24)),
    )
    lead = make_lead(contact, evidence)
    early = PromotionSignals(
        relationship=RelationshipLevel.CONTACTED,
        requirements=RequirementsLevel.GENERAL,
        supplier=SupplierStatus.RETAINED,
        terms=TermsLevel.NOT_DISCUSSED,
        observed_at=on(3, 27),
        note="incumbent's contract runs until 2027",
    )
    print(f"  Promotion attempt on {on(3, 30):%Y-%m-%d}:")
    try:
        promote(lead, early, as_of=on(3, 30))
    except PromotionRefusedError as refusal:
        show(refusal.decision)
        steps = len(refusal.decision.next_steps)
        print(f"  -> promote refused ({type(refusal).__name__}): stays a lead, {steps} next steps")
    return lead


def sofia(number: int) -> LostOpportunity:
    """A decision maker on a committee: promoted, then lost to a named competitor."""
    contact = Contact(
        name="Sofia Haddad",
        email="s.haddad@atlas-civil.example",
        phone="+33 4 91 55 23 10",
        organisation=Organisation(
            name="Atlas Civil Engineering", industry="Construction", employees=880
        ),
        job_title="Head of Procurement",
        role=PurchaseRole.DECISION_MAKER,
        source=LeadSource.TRADE_SHOW,
        created_at=on(2, 5, 11),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=on(2, 20)),
        budget=BudgetEvidence(
            level=BudgetLevel.AVAILABLE, amount=Money("140000", "EUR"), observed_at=on(2, 20)
        ),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER, observed_at=on(2, 20)),
        authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE, observed_at=on(2, 20)),
    )
    lead = make_lead(contact, evidence)
    opportunity = make_opportunity(
        lead, READY, on(3, 16), value=Money("135000", "EUR"), close=date(2026, 5, 15)
    )
    opportunity = work(
        opportunity,
        (OpportunityStage.DEVELOP, on(3, 30)),
        (OpportunityStage.PROPOSE, on(4, 13)),
    )
    lost, event = lose(
        opportunity,
        reason=LossReason.COMPETITOR,
        competitor="BuildTrack",
        note="won on price after a second bid round",
        as_of=on(4, 28, 16),
    )
    moved(event, lost)
    print(f"     lost to {lost.competitor}: {lost.note}")
    return lost


def wei(number: int) -> Opportunity:
    """A decision maker who buys alone: promoted, still open at the proposal step."""
    contact = Contact(
        name="Wei Chen",
        email="wei.chen@meridian-biolabs.example",
        organisation=Organisation(name="Meridian Biolabs", industry="Biotechnology"),
        job_title="Head of Laboratory Operations",
        role=PurchaseRole.DECISION_MAKER,
        source=LeadSource.EXTERNAL_REFERRAL,
        created_at=on(2, 23, 16),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=on(2, 26)),
        budget=BudgetEvidence(
            level=BudgetLevel.APPROVED, amount=Money("250000", "USD"), observed_at=on(2, 26)
        ),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER, observed_at=on(2, 26)),
        authority=AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL, observed_at=on(2, 26)),
    )
    lead = make_lead(contact, evidence)
    opportunity = make_opportunity(
        lead, READY, on(3, 9), value=Money("240000", "USD"), close=date(2026, 6, 30)
    )
    opportunity = work(
        opportunity,
        (OpportunityStage.DEVELOP, on(3, 25)),
        (OpportunityStage.PROPOSE, on(4, 15)),
    )
    print(f"     still open; weighted value {opportunity.weighted_value}")
    return opportunity


def ruth(number: int) -> NurturedLead:
    """An influencer whose company freezes spending: qualified, then nurtured."""
    contact = Contact(
        name="Ruth Adeyemi",
        email="ruth.adeyemi@sahel-couriers.example",
        organisation=Organisation(name="Sahel Couriers Ltd", industry="Courier services"),
        job_title="Operations Manager",
        role=PurchaseRole.INFLUENCER,
        source=LeadSource.PARTNER,
        created_at=on(2, 9, 12),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.EXPRESSED, observed_at=on(2, 27)),
        budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, observed_at=on(2, 27)),
        timeframe=TimeframeEvidence(level=TimeframeLevel.NEXT_QUARTER, observed_at=on(2, 27)),
    )
    lead = make_lead(contact, evidence)
    nurtured, event = nurture(
        lead,
        as_of=on(4, 7),
        reason="spending frozen until the next fiscal year",
        revisit_on=date(2026, 7, 1),
    )
    moved(event, nurtured)
    print(f"     {nurtured.reason}; revisit on {nurtured.revisit_on}")
    return nurtured


def daniel(number: int) -> DisqualifiedLead:
    """An employee without a say: qualifies without authority, then loses the budget."""
    contact = Contact(
        name="Daniel Kowalski",
        email="d.kowalski@westerholt.example",
        organisation=Organisation(name="Municipality of Westerholt", industry="Public sector"),
        job_title="IT Coordinator",
        role=PurchaseRole.USER,
        source=LeadSource.PUBLIC_RELATIONS,
        created_at=on(2, 3, 9),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=on(2, 17)),
        budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, observed_at=on(2, 17)),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_YEAR, observed_at=on(2, 17)),
    )
    lead = make_lead(contact, evidence)
    closed, event = disqualify(
        lead,
        reason=DisqualificationReason.NO_BUDGET,
        note="the council cut the IT budget in its spring review",
        as_of=on(3, 20),
    )
    moved(event, closed)
    print(f"     {closed.reason.value}: {closed.note}")
    return closed


def marco(number: int) -> Contact:
    """A restaurant owner who wants it now but cannot pay for it: disqualified.

    Everything else speaks for him (79 points), but a budget known to be too small is
    evidence against, and no score makes up for it.
    """
    contact = Contact(
        name="Marco Bellini",
        phone="+39 055 212 4789",
        organisation=Organisation(name="Trattoria Bellini", industry="Hospitality", employees=14),
        job_title="Owner",
        role=PurchaseRole.DECISION_MAKER,
        source=LeadSource.WORD_OF_MOUTH,
        created_at=on(2, 26, 18),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=on(2, 27)),
        budget=BudgetEvidence(
            level=BudgetLevel.INSUFFICIENT, amount=Money("1500", "EUR"), observed_at=on(2, 27)
        ),
        timeframe=TimeframeEvidence(level=TimeframeLevel.IMMEDIATE, observed_at=on(2, 27)),
        authority=AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL, observed_at=on(2, 27)),
    )
    return stays_a_contact(contact, evidence)


def priya(number: int) -> Contact:
    """An outside adviser whose client will buy, but only next year: nurture."""
    contact = Contact(
        name="Priya Raman",
        email="priya@raman-foodsafety.example",
        organisation=Organisation(name="Kestrel Foods", industry="Food manufacturing"),
        job_title="Food-safety consultant",
        role=PurchaseRole.ADVISER,
        source=LeadSource.WEB,
        created_at=on(2, 28, 8),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.EXPRESSED, observed_at=on(2, 28)),
        budget=BudgetEvidence(level=BudgetLevel.AVAILABLE, observed_at=on(2, 28)),
        timeframe=TimeframeEvidence(
            level=TimeframeLevel.LATER,
            observed_at=on(2, 28),
            note="new traceability rules apply from next year; the plant buys after its merger",
        ),
    )
    return stays_a_contact(contact, evidence)


def henrik(number: int) -> Contact:
    """A decision maker on a committee whose budget evidence went stale: undetermined."""
    contact = Contact(
        name="Henrik Vos",
        email="h.vos@noordhaven-university.example",
        organisation=Organisation(
            name="Universiteit van Noordhaven", industry="Higher education", employees=5400
        ),
        job_title="Facilities Manager",
        role=PurchaseRole.DECISION_MAKER,
        source=LeadSource.ADVERTISEMENT,
        created_at=datetime(2025, 8, 4, 10, tzinfo=UTC),
    )
    introduce(number, contact)
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.EXPRESSED, observed_at=on(2, 19)),
        # Approved last August: older than BANT's 180-day freshness window by now.
        budget=BudgetEvidence(
            level=BudgetLevel.APPROVED,
            amount=Money("60000", "EUR"),
            observed_at=datetime(2025, 8, 15, tzinfo=UTC),
        ),
        timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER, observed_at=on(2, 19)),
        authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE, observed_at=on(2, 19)),
    )
    return stays_a_contact(contact, evidence)


def lucia(number: int) -> Lead:
    """A fresh web sign-up: undetermined until the evidence is found, then qualified."""
    contact = Contact(
        name="Lucía Romero",
        email="lucia.romero@transportes-romero.example",
        organisation=Organisation(
            name="Transportes Romero", industry="Road haulage", employees=140
        ),
        job_title="Fleet Director",
        role=PurchaseRole.DECISION_MAKER,
        source=LeadSource.WEB,
        created_at=on(3, 1, 20),
    )
    introduce(number, contact)
    # Nothing is known yet beyond the sign-up form: not knowing is not a no.
    nothing_yet = Evidence()
    qualify_and_show(contact, nothing_yet)
    # The discovery call: fuel costs are out of hand and routes are planned by hand.
    need_known = attrs.evolve(
        nothing_yet,
        need=NeedEvidence(
            level=NeedLevel.STRONG, observed_at=on(3, 4), note="plans 90 routes a day by hand"
        ),
    )
    qualify_and_show(contact, need_known, on(3, 4, 16))
    # A week later: the budget is there, and she means to decide by the end of May.
    found = attrs.evolve(
        need_known,
        budget=BudgetEvidence(
            level=BudgetLevel.AVAILABLE, amount=Money("52000", "EUR"), observed_at=on(3, 11)
        ),
        timeframe=TimeframeEvidence(decision_date=date(2026, 5, 29), observed_at=on(3, 11)),
        authority=AuthorityEvidence(process=PurchaseProcess.INDIVIDUAL, observed_at=on(3, 11)),
    )
    return make_lead(contact, found, on(3, 11, 16))


# --------------------------------------------------------------------------------------------
# The funnel
# --------------------------------------------------------------------------------------------


def rate(part: int, whole: int) -> str:
    """*part* of *whole* with an exact, rounded percentage (no floats)."""
    if not whole:
        return f"{part} of {whole}"
    return f"{part} of {whole} ({round(Fraction(part, whole) * 100)}%)"


def report(summary: FunnelSummary) -> None:
    """Print the funnel summary."""
    print()
    print("=" * 92)
    print(f"Funnel summary over {summary.total} contacts")
    print("=" * 92)
    counts = ", ".join(f"{stage.value} {n}" for stage, n in summary.counts.items())
    print(f"  at each stage: {counts}")
    customers = summary.counts[FunnelStage.CUSTOMER]
    print(f"  contact -> lead:         {rate(summary.reached_lead, summary.total)}")
    print(f"  lead -> opportunity:     {rate(summary.reached_opportunity, summary.reached_lead)}")
    print(f"  opportunity -> customer: {rate(customers, summary.reached_opportunity)}")
    print(f"  contact -> customer:     {rate(customers, summary.total)}")
    for title, reasons in (
        ("disqualified", summary.disqualified_reasons),
        ("lost", summary.lost_reasons),
    ):
        listed = ", ".join(f"{reason.value} {n}" for reason, n in reasons.items())
        print(f"  {title} because: {listed or 'none'}")
    competitors = ", ".join(f"{name} {n}" for name, n in summary.lost_to_competitors.items())
    print(f"  lost to competitors: {competitors or 'none'}")
    for currency, amount in sorted(summary.pipeline.items()):
        print(
            f"  open pipeline ({currency}): {amount}, "
            f"weighted by win probability {summary.weighted_pipeline[currency]}"
        )


def main() -> None:
    """Walk every contact through the funnel, then summarise where they all ended up."""
    print("leadflow walkthrough: ten contacts, policy BANT, reviewed on 2026-03-02")
    stories: tuple[Callable[[int], Stage], ...] = (
        amara,
        jonas,
        sofia,
        wei,
        ruth,
        daniel,
        marco,
        priya,
        henrik,
        lucia,
    )
    values: list[Stage] = []
    for number, story in enumerate(stories, start=1):
        value = story(number)
        print(f"  ends as: {stage_of(value).value}")
        values.append(value)
    report(summarize(values))


if __name__ == "__main__":
    main()
