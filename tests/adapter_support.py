"""What the CRM adapter tests share: the moment they decide at, and how they build values."""

from __future__ import annotations

from datetime import date, datetime, timezone

import attrs

from leadflow import (
    Contact,
    Evidence,
    Money,
    Opportunity,
    OpportunityStage,
    QualificationDecision,
    Rating,
    SupplierStatus,
    TermsLevel,
    Verdict,
    advance,
    promote,
    qualify,
    to_lead,
)
from leadflow.adapters import CrmLead
from leadflow.adapters._codecs import Context, Dialect
from support import DAY, ready_signals

AS_OF = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)
#: When the shared machinery's test contact was created (as a CRM record's "created" says).
CREATED = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
PLAIN = Dialect(name="plain", null=None)


def ctx(dialect: Dialect = PLAIN, currency: str | None = "EUR") -> Context:
    """The context a codec reads and writes one value in."""
    return Context(dialect, currency)


def contact() -> Contact:
    """A contact with a name, an email address and a creation time, and nothing else."""
    return Contact(name="Ada Lovelace", email="ada@analytical.example", created_at=CREATED)


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
    signals = ready_signals(terms=terms, supplier=supplier)
    opportunity, _ = promote(
        lead, signals, as_of=AS_OF + DAY, estimated_value=value, expected_close=close, name=name
    )
    if step is not None:
        opportunity, _ = advance(opportunity, step, as_of=AS_OF + 2 * DAY)
    return opportunity
