"""Hypothesis strategies for every public leadflow type.

Install with ``pip install "leadflow[hypothesis]"``; this module imports
Hypothesis, the rest of leadflow does not. Use it to property-test code that
consumes leadflow values::

    from hypothesis import given
    from leadflow import strategies as lfst

    @given(lfst.leads())
    def test_my_crm_export_keeps_the_contact(lead): ...

Every strategy draws from the widest valid input it can (no filtering), and
shrinks towards simple values. Times are timezone-aware with fixed offsets.
"""

from __future__ import annotations

import functools
import itertools
import string
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
from hypothesis import strategies as st

from leadflow.contacts import Contact, ContactId, LeadSource, Organisation, PurchaseRole
from leadflow.decisions import PromotionDecision, QualificationDecision
from leadflow.events import DisqualificationReason, LossReason
from leadflow.evidence import (
    AuthorityEvidence,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    Evidence,
    NeedEvidence,
    NeedLevel,
    OrderedLevel,
    PromotionSignals,
    PurchaseProcess,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
)
from leadflow.lifecycle import (
    Customer,
    DisqualifiedLead,
    Lead,
    LostOpportunity,
    NurturedLead,
    Opportunity,
    Stage,
    advance,
    disqualify,
    import_opportunity,
    lose,
    nurture,
    reassess,
    reopen,
    requalify,
    to_lead,
    win,
)
from leadflow.money import Money
from leadflow.policy import CriterionRule, Policy, PromotionRule
from leadflow.presets import DEFAULT_POLICY, PRESETS
from leadflow.promotion import can_promote, promote
from leadflow.qualification import qualify
from leadflow.signals import CategoricalSignal, NumericSignal, Signal, SignalObservation
from leadflow.stages import FunnelStage, OpportunityStage

__all__ = [
    "authority_evidence",
    "aware_datetimes",
    "budget_evidence",
    "categorical_signals",
    "contacts",
    "criterion_rules",
    "customers",
    "dates",
    "disqualified_leads",
    "emails",
    "evidence",
    "imported_opportunities",
    "lead_evidence",
    "leads",
    "lost_opportunities",
    "money",
    "need_evidence",
    "numeric_signals",
    "nurtured_leads",
    "opportunities",
    "organisations",
    "phones",
    "policies",
    "promotion_decisions",
    "promotion_rules",
    "promotion_signals",
    "qualification_decisions",
    "qualifying_signals",
    "signal_observations",
    "signal_values",
    "signals",
    "stages",
    "texts",
    "timeframe_evidence",
]

L = TypeVar("L", bound=OrderedLevel)

#: The earliest and latest instants the strategies produce (naive bounds for Hypothesis).
EARLIEST = datetime(2000, 1, 1)
LATEST = datetime(2099, 12, 31)
_FIRST_DAY = EARLIEST.date()
_LAST_DAY = LATEST.date()

_offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


# Strategies are immutable: build each once and share it (building is the slow part).
@functools.cache
def aware_datetimes(
    min_value: datetime = EARLIEST, max_value: datetime = LATEST
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes (fixed offsets from -14:00 to +14:00)."""
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=_offsets)


# Strategies are immutable: build each once and share it (building is the slow part).
@functools.cache
def dates(min_value: date = _FIRST_DAY, max_value: date = _LAST_DAY) -> st.SearchStrategy[date]:
    """Calendar dates."""
    return st.dates(min_value=min_value, max_value=max_value)


# Strategies are immutable: build each once and share it (building is the slow part).
@functools.cache
def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Non-blank text without surrounding whitespace (any Unicode letters)."""
    return (
        st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=max_size)
        .map(str.strip)
        .map(lambda s: s or "x")
    )


_LOCAL = string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-"
_LABEL = string.ascii_lowercase + string.digits


@functools.cache
@st.composite
def emails(draw: st.DrawFn) -> str:
    """Valid email addresses, as leadflow normalises them (lower-case domain)."""
    words = draw(st.lists(st.text(_LOCAL, min_size=1, max_size=10), min_size=1, max_size=3))
    labels = draw(st.lists(st.text(_LABEL, min_size=1, max_size=12), min_size=1, max_size=3))
    tld = draw(st.text(string.ascii_lowercase, min_size=2, max_size=6))
    return ".".join(words) + "@" + ".".join([*labels, tld])


@functools.cache
@st.composite
def phones(draw: st.DrawFn) -> str:
    """Valid phone numbers, normalised: an optional ``+`` and 7 to 15 digits."""
    digits = draw(st.text("0123456789", min_size=7, max_size=15))
    return ("+" if draw(st.booleans()) else "") + digits


# Strategies are immutable: build each once and share it (building is the slow part).
@functools.cache
def money(
    currencies: st.SearchStrategy[str] | None = None, *, max_value: int = 10**9
) -> st.SearchStrategy[Money]:
    """Non-negative amounts with up to two decimal places."""
    amounts = st.decimals(
        min_value=0, max_value=max_value, places=2, allow_nan=False, allow_infinity=False
    )
    codes = currencies if currencies is not None else st.sampled_from(["EUR", "USD", "GBP", "JPY"])
    return st.builds(Money, amounts, codes)


# Strategies are immutable: build each once and share it (building is the slow part).
@functools.cache
def organisations() -> st.SearchStrategy[Organisation]:
    """Organisations, with or without the optional fields."""
    return st.builds(
        Organisation,
        name=texts(),
        industry=st.none() | texts(),
        employees=st.none() | st.integers(min_value=0, max_value=10**6),
        website=st.none() | texts(),
    )


@st.composite
def contacts(draw: st.DrawFn, created_before: datetime | None = None) -> Contact:
    """Contacts with at least one channel; created no later than *created_before*."""
    latest = LATEST if created_before is None else created_before.replace(tzinfo=None)
    channel = draw(st.sampled_from(["email", "phone", "both"]))
    return Contact(
        name=draw(texts()),
        created_at=draw(
            aware_datetimes(max_value=latest - timedelta(days=1))
            if created_before is not None
            else aware_datetimes()
        ),
        email=draw(emails()) if channel != "phone" else None,
        phone=draw(phones()) if channel != "email" else None,
        organisation=draw(st.none() | organisations()),
        job_title=draw(st.none() | texts()),
        role=draw(st.sampled_from(PurchaseRole)),
        source=draw(st.none() | st.sampled_from(LeadSource)),
        id=draw(st.none() | texts(20).map(ContactId)),
    )


# Up to about three years back, so a freshness window sometimes cuts and sometimes not.
_MINUTES_BACK = st.none() | st.integers(min_value=0, max_value=3 * 366 * 24 * 60)
# From three months past to three years ahead: every timeframe bucket, and past dates.
_DAYS_AHEAD = st.none() | st.integers(min_value=-92, max_value=3 * 366)


def _observed(as_of: datetime | None) -> st.SearchStrategy[datetime | None]:
    if as_of is None:
        return st.none() | aware_datetimes()
    return _MINUTES_BACK.map(
        lambda minutes: None if minutes is None else as_of - timedelta(minutes=minutes)
    )


def _decision_dates(as_of: datetime | None) -> st.SearchStrategy[date | None]:
    if as_of is None:
        return st.none() | dates()
    today = as_of.date()
    return _DAYS_AHEAD.map(lambda days: None if days is None else today + timedelta(days=days))


def need_evidence(as_of: datetime | None = None) -> st.SearchStrategy[NeedEvidence]:
    """Need evidence at any level, observed no later than *as_of* if given."""
    return st.builds(
        NeedEvidence,
        level=st.sampled_from(NeedLevel),
        observed_at=_observed(as_of),
        note=st.none() | texts(),
    )


def budget_evidence(as_of: datetime | None = None) -> st.SearchStrategy[BudgetEvidence]:
    """Budget evidence at any level, with or without an amount."""
    return st.builds(
        BudgetEvidence,
        level=st.sampled_from(BudgetLevel),
        amount=st.none() | money(),
        observed_at=_observed(as_of),
        note=st.none() | texts(),
    )


def timeframe_evidence(as_of: datetime | None = None) -> st.SearchStrategy[TimeframeEvidence]:
    """Timeframe evidence: a named level, or an expected decision date (never both)."""
    return st.builds(
        TimeframeEvidence,
        level=st.sampled_from(TimeframeLevel),
        observed_at=_observed(as_of),
        note=st.none() | texts(),
    ) | st.builds(
        TimeframeEvidence,
        decision_date=_decision_dates(as_of),
        observed_at=_observed(as_of),
        note=st.none() | texts(),
    )


def authority_evidence(as_of: datetime | None = None) -> st.SearchStrategy[AuthorityEvidence]:
    """Purchase-process evidence."""
    return st.builds(
        AuthorityEvidence,
        process=st.sampled_from(PurchaseProcess),
        observed_at=_observed(as_of),
        note=st.none() | texts(),
    )


#: The signal names the strategies use, each always of one kind, so that generated
#: evidence carries values of the kind a generated policy's signal of that name expects.
NUMERIC_SIGNAL_NAMES: Final = ("total_visits", "minutes_on_site", "emails_opened", "employees_n")
CATEGORICAL_SIGNAL_NAMES: Final = ("lead_origin", "lead_source", "country", "occupation")
#: Categories drawn for categorical signals; values also come in other cases and spacings.
CATEGORIES: Final = (
    "Landing Page Submission",
    "API",
    "Lead Add Form",
    "Google",
    "Direct Traffic",
    "Organic Search",
    "Reference",
    "Working Professional",
    "Unemployed",
    "India",
)

_NUMBERS = st.one_of(
    st.integers(0, 120).map(Decimal),
    st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False),
)


def _spelled(category: str) -> st.SearchStrategy[str]:
    """*category* as written, or in upper or lower case, or with hyphens for spaces."""
    return st.sampled_from(
        [category, category.upper(), category.lower(), category.replace(" ", "-")]
    )


def signal_values(name: str) -> st.SearchStrategy[Decimal | str]:
    """Values of the kind the strategies' signal *name* takes: numbers or categories."""
    if name in NUMERIC_SIGNAL_NAMES:
        return _NUMBERS
    return st.sampled_from(CATEGORIES).flatmap(_spelled) | texts(12).filter(str.strip)


def signal_observations(
    name: str, as_of: datetime | None = None
) -> st.SearchStrategy[SignalObservation]:
    """Observations of the signal *name*, dated no later than *as_of* if given."""
    return st.builds(SignalObservation, value=signal_values(name), observed_at=_observed(as_of))


@st.composite
def _signal_evidence(draw: st.DrawFn, as_of: datetime | None) -> dict[str, SignalObservation]:
    names = draw(
        st.lists(
            st.sampled_from(NUMERIC_SIGNAL_NAMES + CATEGORICAL_SIGNAL_NAMES),
            unique=True,
            max_size=4,
        )
    )
    return {name: draw(signal_observations(name, as_of)) for name in names}


def evidence(as_of: datetime | None = None) -> st.SearchStrategy[Evidence]:
    """Evidence on all four criteria and some signals, observed no later than *as_of*.

    Signal values use the names in :data:`NUMERIC_SIGNAL_NAMES` and
    :data:`CATEGORICAL_SIGNAL_NAMES`, each with values of its kind, so they fit the
    signals :func:`policies` declares.
    """
    return st.builds(
        Evidence,
        need=need_evidence(as_of),
        budget=budget_evidence(as_of),
        timeframe=timeframe_evidence(as_of),
        authority=authority_evidence(as_of),
        signals=_signal_evidence(as_of),
    )


@st.composite
def _non_decreasing(draw: st.DrawFn, count: int, high: int) -> list[int]:
    return sorted(draw(st.lists(st.integers(0, high), min_size=count, max_size=count)))


@st.composite
def criterion_rules(draw: st.DrawFn, level_type: type[L], weight: int) -> CriterionRule[L]:
    """Valid rules for *level_type* with the given *weight*.

    Points never fall as known levels rise; "unknown" earns anything up to the weight.
    """
    levels = list(level_type)
    known = draw(_non_decreasing(len(levels) - 1, weight))
    unknown = draw(st.integers(0, weight) | st.just(0))
    return CriterionRule(
        weight=weight,
        required=draw(st.booleans()),
        minimum=draw(st.sampled_from(levels)),
        points=dict(zip(levels, [unknown, *known], strict=True)),
    )


_HALF_LIVES = st.none() | st.integers(1, 400).map(lambda days: timedelta(days=days))


@st.composite
def numeric_signals(draw: st.DrawFn, weight: int, name: str | None = None) -> NumericSignal:
    """Numeric signals with the given *weight*: rising edges, points per bin, maybe decaying."""
    edges = sorted(draw(st.sets(_NUMBERS, min_size=1, max_size=5)))
    return NumericSignal(
        name=name or draw(st.sampled_from(NUMERIC_SIGNAL_NAMES)),
        weight=weight,
        edges=tuple(edges),
        points=draw(
            st.lists(st.integers(0, weight), min_size=len(edges) + 1, max_size=len(edges) + 1)
        ),
        unknown=draw(st.integers(0, weight)),
        half_life=draw(_HALF_LIVES),
    )


@st.composite
def categorical_signals(draw: st.DrawFn, weight: int, name: str | None = None) -> CategoricalSignal:
    """Categorical signals with the given *weight*: points for some categories, maybe decaying."""
    listed = draw(st.lists(st.sampled_from(CATEGORIES), unique=True, max_size=6))
    return CategoricalSignal(
        name=name or draw(st.sampled_from(CATEGORICAL_SIGNAL_NAMES)),
        weight=weight,
        points={category: draw(st.integers(0, weight)) for category in listed},
        default=draw(st.integers(0, weight)),
        unknown=draw(st.integers(0, weight)),
        half_life=draw(_HALF_LIVES),
    )


@st.composite
def signals(draw: st.DrawFn, weights: tuple[int, ...]) -> tuple[Signal, ...]:
    """One signal per weight in *weights*, of either kind, with distinct names."""
    names = draw(
        st.permutations(NUMERIC_SIGNAL_NAMES + CATEGORICAL_SIGNAL_NAMES).map(
            lambda all_names: all_names[: len(weights)]
        )
    )
    drawn: list[Signal] = []
    for name, weight in zip(names, weights, strict=True):
        if name in NUMERIC_SIGNAL_NAMES:
            drawn.append(draw(numeric_signals(weight, name)))
        else:
            drawn.append(draw(categorical_signals(weight, name)))
    return tuple(drawn)


def promotion_rules() -> st.SearchStrategy[PromotionRule]:
    """Promotion gates, each signal required at some level or not at all."""
    return st.builds(
        PromotionRule,
        relationship=st.none() | st.sampled_from(RelationshipLevel),
        requirements=st.none() | st.sampled_from(RequirementsLevel),
        terms=st.none() | st.sampled_from(TermsLevel),
        supplier=st.none() | st.sampled_from(SupplierStatus),
        need=st.none() | st.sampled_from(NeedLevel),
    )


@st.composite
def _random_policy(draw: st.DrawFn, with_signals: bool = True) -> Policy:
    # How many signals beside the four criteria.
    count = draw(st.integers(0, 3)) if with_signals else 0
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=3 + count, max_size=3 + count)))
    bounds = [0, *cuts, 100]
    weights = [high - low for low, high in itertools.pairwise(bounds)]
    need = draw(criterion_rules(NeedLevel, weights[0]))
    budget = draw(criterion_rules(BudgetLevel, weights[1]))
    timeframe = draw(criterion_rules(TimeframeLevel, weights[2]))
    authority = draw(criterion_rules(AuthorityLevel, weights[3]))
    declared = draw(signals(tuple(weights[4:])))
    rules: list[CriterionRule[Any]] = [need, budget, timeframe, authority]
    best = sum(max(points for _, points in rule.points) for rule in rules)
    best += sum(signal.best for signal in declared)
    threshold = draw(st.integers(0, best))
    floors = sorted(draw(st.sets(st.integers(0, 100), min_size=3, max_size=3)), reverse=True)
    hot = draw(st.integers(0, 100))
    probabilities = draw(_non_decreasing(len(OpportunityStage), 100))
    return Policy(
        name=draw(texts(12)),
        need=need,
        budget=budget,
        timeframe=timeframe,
        authority=authority,
        order=draw(st.permutations(list(DEFAULT_POLICY.order))),
        threshold=threshold,
        nurture_threshold=draw(st.integers(0, threshold)),
        grade_floors=(floors[0], floors[1], floors[2]),
        hot_score=hot,
        warm_score=draw(st.integers(0, hot)),
        horizon_days=draw(st.integers(1, 3660)),
        freshness=draw(st.none() | st.integers(1, 1000).map(lambda d: timedelta(days=d))),
        stage_probabilities=dict(zip(OpportunityStage, probabilities, strict=True)),
        promotion=draw(promotion_rules()),
        signals=declared,
    )


def policies(*, presets: bool = True, signals: bool = True) -> st.SearchStrategy[Policy]:
    """Valid policies: the presets (if *presets*) and arbitrary valid ones.

    Arbitrary policies declare up to three signals unless *signals* is false.
    """
    generated = _random_policy(signals)
    return st.sampled_from(list(PRESETS.values())) | generated if presets else generated


@st.composite
def qualification_decisions(draw: st.DrawFn) -> QualificationDecision:
    """Decisions made by :func:`~leadflow.qualify` on generated inputs."""
    as_of = draw(aware_datetimes(min_value=datetime(2004, 1, 1)))
    return qualify(
        draw(contacts(created_before=as_of)), draw(evidence(as_of)), draw(policies()), as_of=as_of
    )


def promotion_signals(as_of: datetime | None = None) -> st.SearchStrategy[PromotionSignals]:
    """Promotion signals at any level."""
    return st.builds(
        PromotionSignals,
        relationship=st.sampled_from(RelationshipLevel),
        requirements=st.sampled_from(RequirementsLevel),
        terms=st.sampled_from(TermsLevel),
        supplier=st.sampled_from(SupplierStatus),
        observed_at=_observed(as_of),
        note=st.none() | texts(),
    )


def _at_least(level: L) -> st.SearchStrategy[L]:
    return st.sampled_from([m for m in type(level) if m.at_least(level)])


def qualifying_signals(
    as_of: datetime, policy: Policy | None = None
) -> st.SearchStrategy[PromotionSignals]:
    """Fresh signals that pass *policy*'s promotion gate (``None``: the default policy's)."""
    gate = (DEFAULT_POLICY if policy is None else policy).promotion

    def pick(minimum: Any, kind: type[OrderedLevel]) -> st.SearchStrategy[Any]:
        return st.sampled_from(kind) if minimum is None else _at_least(minimum)

    return st.builds(
        PromotionSignals,
        relationship=pick(gate.relationship, RelationshipLevel),
        requirements=pick(gate.requirements, RequirementsLevel),
        terms=pick(gate.terms, TermsLevel),
        supplier=pick(gate.supplier, SupplierStatus),
        observed_at=st.none() | st.just(as_of),
        note=st.none() | texts(),
    )


@st.composite
def lead_evidence(draw: st.DrawFn, as_of: datetime) -> Evidence:
    """Fresh evidence on which any contact qualifies under the default policy.

    Budget and timeframe are at the policy's minimum or better, and need is
    ``strong`` so that the lead can also pass the promotion gate. The score
    threshold is met because the default policy's required minimums add up to
    its threshold.
    """
    policy = DEFAULT_POLICY
    observed = st.none() | st.just(as_of)
    return Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=draw(observed)),
        budget=BudgetEvidence(
            level=draw(_at_least(policy.budget.minimum)),
            amount=draw(st.none() | money()),
            observed_at=draw(observed),
        ),
        timeframe=TimeframeEvidence(
            level=draw(_at_least(policy.timeframe.minimum)), observed_at=draw(observed)
        ),
        authority=draw(authority_evidence(as_of)),
    )


_STEP = timedelta(days=1)


@st.composite
def leads(draw: st.DrawFn) -> Lead:
    """Open leads, qualified under the default policy.

    Some took a longer way: reassessed on new evidence, nurtured and re-qualified, or
    disqualified and reopened.
    """
    as_of = draw(aware_datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2090, 1, 1)))
    contact = draw(contacts(created_before=as_of))
    lead, _ = to_lead(
        contact, draw(lead_evidence(as_of)), as_of=as_of, by=draw(st.none() | texts())
    )
    way = draw(st.sampled_from(["direct", "reassessed", "requalified", "reopened"]))
    later = as_of + _STEP
    if way == "reopened":
        closed, _ = disqualify(
            lead, reason=draw(st.sampled_from(DisqualificationReason)), as_of=later
        )
        lead, _ = reopen(closed, reason=draw(texts()), as_of=later + _STEP)
    elif way == "reassessed":
        lead, _ = reassess(lead, draw(lead_evidence(later)), as_of=later)
    elif way == "requalified":
        nurtured, _ = nurture(
            lead, as_of=later, decision=draw(st.none() | st.just(lead.qualification))
        )
        lead, _ = requalify(nurtured, draw(lead_evidence(later + _STEP)), as_of=later + _STEP)
    return lead


@st.composite
def nurtured_leads(draw: st.DrawFn) -> NurturedLead:
    """Leads set aside to be nurtured, some of them reopened after a disqualification."""
    lead = draw(leads())
    if draw(st.booleans()):
        closed, _ = disqualify(
            lead, reason=draw(st.sampled_from(DisqualificationReason)), as_of=lead.updated_at
        )
        reopened, _ = reopen(
            closed, reason=draw(texts()), as_of=closed.updated_at + _STEP, to=FunnelStage.NURTURED
        )
        return reopened
    nurtured, _ = nurture(
        lead,
        as_of=lead.updated_at + _STEP,
        reason=draw(st.none() | texts()),
        revisit_on=draw(st.none() | dates()),
    )
    return nurtured


@st.composite
def disqualified_leads(draw: st.DrawFn) -> DisqualifiedLead:
    """Disqualified leads, from open or nurtured leads."""
    lead: Lead | NurturedLead = draw(leads() | nurtured_leads())
    disqualified, _ = disqualify(
        lead,
        reason=draw(st.sampled_from(DisqualificationReason)),
        as_of=lead.updated_at + _STEP,
        note=draw(st.none() | texts()),
    )
    return disqualified


@st.composite
def opportunities(draw: st.DrawFn) -> Opportunity:
    """Open opportunities, promoted under the default policy, at any sales step.

    Some were lost or won, then reopened.
    """
    lead = draw(leads())
    as_of = lead.updated_at + _STEP
    opportunity, _ = promote(
        lead,
        draw(qualifying_signals(as_of)),
        as_of=as_of,
        estimated_value=draw(st.none() | money()),
        expected_close=draw(st.none() | dates()),
        name=draw(st.none() | texts()),
    )
    step = draw(st.sampled_from(OpportunityStage))
    if step is not opportunity.step:
        opportunity, _ = advance(opportunity, step, as_of=as_of + _STEP)
    opportunity = attrs.evolve(
        opportunity, owner=draw(st.none() | texts(20)), product=draw(st.none() | texts(20))
    )
    way = draw(st.sampled_from(["open", "open", "lost", "won"]))
    if way != "open":
        at = opportunity.updated_at + _STEP
        closed: LostOpportunity | Customer = (
            lose(opportunity, reason=LossReason.TIMING, as_of=at)[0]
            if way == "lost"
            else win(opportunity, as_of=at)[0]
        )
        # At the step it closed at, so that its step is still the furthest it reached.
        opportunity, _ = reopen(closed, reason=draw(texts()), as_of=at + _STEP)
    return opportunity


@st.composite
def imported_opportunities(draw: st.DrawFn) -> Opportunity | LostOpportunity | Customer:
    """Opportunities brought in from a CRM as they stood: open, won or lost, no decisions."""
    opened = draw(aware_datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2090, 1, 1)))
    outcome = draw(
        st.sampled_from([FunnelStage.OPPORTUNITY, FunnelStage.CUSTOMER, FunnelStage.LOST])
    )
    closed = outcome is not FunnelStage.OPPORTUNITY
    reason = draw(st.sampled_from(LossReason))
    return import_opportunity(
        contact=draw(contacts(created_before=opened + _STEP)),
        name=draw(texts()),
        source=draw(st.sampled_from(["salesforce", "dynamics", "hubspot", "odoo", "deals.csv"])),
        opened_at=opened,
        outcome=outcome,
        step=draw(st.none() | st.sampled_from(OpportunityStage)),
        estimated_value=draw(st.none() | money()),
        expected_close=draw(st.none() | dates()),
        closed_at=opened + draw(st.integers(0, 400)) * _STEP if closed else None,
        loss_reason=reason,
        competitor=draw(texts()) if reason is LossReason.COMPETITOR else None,
        owner=draw(st.none() | texts(20)),
        product=draw(st.none() | texts(20)),
        record_id=draw(st.none() | texts(20)),
        evidence=draw(st.none() | evidence(opened)),
    )


@st.composite
def lost_opportunities(draw: st.DrawFn) -> LostOpportunity:
    """Lost opportunities, with a competitor named when that is the reason."""
    opportunity = draw(opportunities())
    reason = draw(st.sampled_from(LossReason))
    competitor = draw(texts() if reason is LossReason.COMPETITOR else st.none() | texts())
    lost, _ = lose(
        opportunity,
        reason=reason,
        as_of=opportunity.updated_at + _STEP,
        competitor=competitor,
        note=draw(st.none() | texts()),
    )
    return lost


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    """Won opportunities."""
    opportunity = draw(opportunities())
    customer, _ = win(
        opportunity, as_of=opportunity.updated_at + _STEP, value=draw(st.none() | money())
    )
    return customer


@st.composite
def promotion_decisions(draw: st.DrawFn) -> PromotionDecision:
    """Decisions made by :func:`~leadflow.can_promote` on generated leads and signals."""
    lead = draw(leads())
    as_of = lead.updated_at + _STEP
    return can_promote(lead, draw(promotion_signals(as_of)), as_of=as_of)


def stages() -> st.SearchStrategy[Stage]:
    """Any funnel value: contacts and every later stage."""
    return st.one_of(
        contacts(),
        leads(),
        nurtured_leads(),
        disqualified_leads(),
        opportunities(),
        lost_opportunities(),
        customers(),
        imported_opportunities(),
    )
