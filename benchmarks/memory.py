"""Memory: what one lead with full evidence and a history of three events costs.

Each lead is built through the real moves (contact -> ``to_lead`` -> ``nurture`` ->
``requalify``: three events) from values made for it alone: its own names, email
address, timestamps and budget amount. tracemalloc counts every block still
allocated once all the leads are built (garbage collected first), divided by the
number of leads. Values that every lead shares (the policy, its interned criterion
results and outcomes, enum members) are built before counting starts, as in a
real process.

The same count is taken for the contact and evidence alone, so the report splits
the cost into what the caller's values take and what leadflow adds (decisions,
events, history, the stage values).
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from leadflow import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    ContactId,
    Evidence,
    Lead,
    Money,
    NeedEvidence,
    NeedLevel,
    Organisation,
    PurchaseProcess,
    PurchaseRole,
    TimeframeEvidence,
    TimeframeLevel,
    nurture,
    requalify,
    to_lead,
)

_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def inputs(i: int) -> tuple[Contact, Evidence, datetime]:
    """The contact and full evidence of lead *i* (every criterion known and observed)."""
    created = _START + timedelta(minutes=i)
    observed = created + timedelta(hours=20)
    contact = Contact(
        id=ContactId(f"c-{i:07d}"),
        name=f"Ada Lovelace {i}",
        email=f"ada.lovelace.{i}@analytical-engines.example",
        organisation=Organisation(name=f"Analytical Engines {i % 1000}"),
        job_title="CTO",
        role=PurchaseRole.DECISION_MAKER,
        created_at=created,
    )
    evidence = Evidence(
        need=NeedEvidence(level=NeedLevel.STRONG, observed_at=observed),
        budget=BudgetEvidence(
            level=BudgetLevel.APPROVED,
            amount=Money(Decimal(25_000 + i), "EUR"),
            observed_at=observed + timedelta(minutes=1),
        ),
        timeframe=TimeframeEvidence(
            level=TimeframeLevel.THIS_QUARTER, observed_at=observed + timedelta(minutes=2)
        ),
        authority=AuthorityEvidence(
            process=PurchaseProcess.COMMITTEE, observed_at=observed + timedelta(minutes=3)
        ),
    )
    return contact, evidence, created


def lead(i: int) -> Lead:
    """Lead *i*, qualified, nurtured and re-qualified: three events in its history."""
    contact, evidence, created = inputs(i)
    first, _ = to_lead(contact, evidence, as_of=created + timedelta(days=1), by="sdr")
    nurtured, _ = nurture(first, as_of=created + timedelta(days=2), reason="budget cycle")
    again, _ = requalify(nurtured, evidence, as_of=created + timedelta(days=3), by="sdr")
    return again


def _bytes_each(build: Callable[[int], Any], n: int) -> float:
    build(-1)  # anything built once per process (memos, interned results) is not counted
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [build(i) for i in range(n)]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # The list holding the values is the benchmark's, not the values'.
    return (after - before - kept.__sizeof__()) / n


def measure(n: int = 100_000) -> dict[str, Any]:
    """Bytes per lead (and per contact + evidence alone) over *n* of them."""
    per_lead = _bytes_each(lead, n)
    per_input = _bytes_each(inputs, n)
    sample = lead(0)
    assert len(sample.history) == 3, "the lead must carry three events"
    return {
        "leads": n,
        "bytes_per_lead": round(per_lead),
        "bytes_contact_and_evidence": round(per_input),
        "bytes_added_by_leadflow": round(per_lead - per_input),
        "target_bytes": 1024,
        "met": per_lead <= 1024,
    }
