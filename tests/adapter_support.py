"""What the CRM adapter tests share: the moment they decide at, and how they build values."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import attrs

from leadflow import (
    Contact,
    Evidence,
    Money,
    Opportunity,
    OpportunityStage,
    PromotionSignals,
    QualificationDecision,
    Rating,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    Verdict,
    advance,
    promote,
    qualify,
    to_lead,
)
from leadflow.adapters import CrmLead

AS_OF = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def decided(crm_lead: CrmLead, verdict: Verdict, rating: Rating) -> QualificationDecision:
    """A real decision on *crm_lead*, set to the verdict and rating a test needs."""
    decision = qualify(crm_lead.contact, crm_lead.evidence, as_of=AS_OF)
    return attrs.evolve(decision, verdict=verdict, rating=rating)


def promoted(
    contact: Contact,
    evidence: Evidence,
    *,
    terms: TermsLevel,
    supplier: SupplierStatus,
    value: Money,
    close: date,
    name: str,
    step: OpportunityStage | None = None,
) -> Opportunity:
    """*contact* qualified at AS_OF, promoted a day later and, if *step* is given,
    advanced to it the day after."""
    lead, _ = to_lead(contact, evidence, as_of=AS_OF)
    signals = PromotionSignals(
        relationship=RelationshipLevel.ESTABLISHED,
        requirements=RequirementsLevel.SPECIFIED,
        terms=terms,
        supplier=supplier,
    )
    opportunity, _ = promote(
        lead, signals, as_of=AS_OF + DAY, estimated_value=value, expected_close=close, name=name
    )
    if step is not None:
        opportunity, _ = advance(opportunity, step, as_of=AS_OF + 2 * DAY)
    return opportunity
