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


def qualified(crm_lead: CrmLead) -> QualificationDecision:
    """The default policy's own decision on *crm_lead* at AS_OF."""
    return qualify(crm_lead.contact, crm_lead.evidence, as_of=AS_OF)


def decided(crm_lead: CrmLead, verdict: Verdict, rating: Rating) -> QualificationDecision:
    """A real decision on *crm_lead*, set to the verdict and rating a test needs."""
    return attrs.evolve(qualified(crm_lead), verdict=verdict, rating=rating)


def rating_written(verdict: Verdict, rating: Rating) -> bool:
    """Whether a decision with *verdict* and *rating* writes its rating to a record.

    Written out from the rule, not taken from the code: a cold rating on an
    undetermined decision says only that little is known yet, and is not written.
    """
    return not (verdict is Verdict.UNDETERMINED and rating is Rating.COLD)


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
