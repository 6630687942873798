"""What several test modules share: fixed moments, hand-built values and example data.

A builder lives here once two or more test modules use it; one that a single module uses
stays in that module. The CRM adapter tests have their own ``adapter_support`` module,
which builds on this one.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import settings

from leadflow import (
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Evidence,
    Money,
    NeedEvidence,
    NeedLevel,
    Organisation,
    Policy,
    PromotionSignals,
    PurchaseProcess,
    PurchaseRole,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
)
from leadflow._grammar import is_blank, is_missing
from leadflow.errors import InvalidFieldError, InvalidRecordError
from leadflow.records import (
    ENUM_FIELDS,
    decision_fields,
    decision_row,
    parse_record,
    qualify_record,
)
from leadflow.serialization import structure

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# --------------------------------------------------------------------------------------------
# Moments
# --------------------------------------------------------------------------------------------

#: The moment the lifecycle, domain and error tests decide at.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def examples(share: float) -> settings:
    """Run *share* of the loaded profile's examples (at least ten).

    For properties whose examples are costly to draw (a generated policy, contact or
    lead costs 10 to 15 ms of CPU): the full ``ci`` count would take minutes on a
    two-core machine, so each module gives its laws a share of it.
    """
    return settings(max_examples=max(10, int(settings().max_examples * share)))


# --------------------------------------------------------------------------------------------
# Hand-built values
# --------------------------------------------------------------------------------------------


def ada(
    role: PurchaseRole = PurchaseRole.UNKNOWN, organisation: str | None = "Analytical Engines"
) -> Contact:
    """Ada Lovelace, created on 5 January 2026, in the *role* a test needs."""
    return Contact(
        name="Ada Lovelace",
        email="ada@analytical.example",
        created_at=datetime(2026, 1, 5, tzinfo=timezone.utc),
        role=role,
        organisation=None if organisation is None else Organisation(name=organisation),
    )


def evidence_at(
    need: NeedLevel = NeedLevel.UNKNOWN,
    budget: BudgetLevel = BudgetLevel.UNKNOWN,
    timeframe: TimeframeLevel = TimeframeLevel.UNKNOWN,
    process: PurchaseProcess = PurchaseProcess.UNKNOWN,
    observed_at: datetime | None = None,
) -> Evidence:
    """Evidence at the given levels, each observed at *observed_at* (never stale if None)."""
    return Evidence(
        need=NeedEvidence(level=need, observed_at=observed_at),
        budget=BudgetEvidence(level=budget, observed_at=observed_at),
        timeframe=TimeframeEvidence(level=timeframe, observed_at=observed_at),
        authority=AuthorityEvidence(process=process, observed_at=observed_at),
    )


def qualifying_evidence() -> Evidence:
    """A strong need, an approved budget and an immediate timeframe: qualified under BANT."""
    return evidence_at(NeedLevel.STRONG, BudgetLevel.APPROVED, TimeframeLevel.IMMEDIATE)


def ready_signals(
    relationship: RelationshipLevel = RelationshipLevel.ESTABLISHED,
    requirements: RequirementsLevel = RequirementsLevel.SPECIFIED,
    terms: TermsLevel = TermsLevel.PAYMENT_TERMS,
    supplier: SupplierStatus = SupplierStatus.DROPPED,
    observed_at: datetime | None = None,
) -> PromotionSignals:
    """Promotion signals that pass the default gate unless a test changes one."""
    return PromotionSignals(
        relationship=relationship,
        requirements=requirements,
        terms=terms,
        supplier=supplier,
        observed_at=observed_at,
    )


# --------------------------------------------------------------------------------------------
# Records and policies as files hold them
# --------------------------------------------------------------------------------------------

#: A full CSV record as a CRM export writes it (every value text, lower-case currency).
GOOD_CSV_ROW = {
    "id": "L-1001",
    "name": "Amira Haddad",
    "email": "Amira.Haddad@Northwind.example",
    "phone": "+44 20 7946 0101",
    "organisation": "Northwind Logistics",
    "industry": "logistics",
    "employees": "420",
    "website": "",
    "job_title": "Head of Operations",
    "role": "decision_maker",
    "source": "trade_show",
    "created_at": "2026-09-14T10:12:00+01:00",
    "need": "strong",
    "need_observed_at": "2026-10-02T14:30:00+01:00",
    "need_note": " Route planning lives in spreadsheets ",
    "budget": "approved",
    "budget_amount": "60000.50",
    "budget_currency": "gbp",
    "budget_observed_at": "",
    "budget_note": "",
    "timeframe": "",
    "decision_date": "2026-12-18",
    "timeframe_observed_at": "",
    "timeframe_note": "",
    "purchase_process": "committee",
    "authority_observed_at": "",
    "authority_note": "",
    "relationship": "established",
    "requirements": "",
    "terms": "payment_terms",
    "supplier": "dropped",
    "signals_observed_at": "2026-11-18T16:00:00Z",
    "estimated_value": "54000",
    "estimated_currency": "GBP",
    "expected_close": "2027-01-15",
    "a CRM column leadflow does not know": "kept out of the way",
}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def flatten(
    contact: Contact,
    evidence: Evidence,
    signals: PromotionSignals | None = None,
    estimated_value: Money | None = None,
    expected_close: date | None = None,
    *,
    as_csv: bool,
) -> dict[str, Any]:
    """Write leadflow values as one flat record, the way a CRM export would.

    As CSV every value is text and a missing one is blank; as JSON the head count
    is a number, a numeric signal's value a (decimal) number, and a missing value
    is left out. Each signal's value is in the column of its name, its time in
    ``<name>_observed_at``.
    """
    org = contact.organisation
    budget = evidence.budget.amount
    row: dict[str, object] = {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "organisation": org and org.name,
        "industry": org and org.industry,
        "employees": org and org.employees,
        "website": org and org.website,
        "job_title": contact.job_title,
        "role": contact.role,
        "source": contact.source,
        "created_at": contact.created_at,
        "need": evidence.need.level,
        "need_observed_at": evidence.need.observed_at,
        "need_note": evidence.need.note,
        "budget": evidence.budget.level,
        "budget_amount": budget and budget.amount,
        "budget_currency": budget and budget.currency,
        "budget_observed_at": evidence.budget.observed_at,
        "budget_note": evidence.budget.note,
        "timeframe": evidence.timeframe.level,
        "decision_date": evidence.timeframe.decision_date,
        "timeframe_observed_at": evidence.timeframe.observed_at,
        "timeframe_note": evidence.timeframe.note,
        "purchase_process": evidence.authority.process,
        "authority_observed_at": evidence.authority.observed_at,
        "authority_note": evidence.authority.note,
        "relationship": signals and signals.relationship,
        "requirements": signals and signals.requirements,
        "terms": signals and signals.terms,
        "supplier": signals and signals.supplier,
        "signals_observed_at": signals and signals.observed_at,
        "estimated_value": estimated_value and estimated_value.amount,
        "estimated_currency": estimated_value and estimated_value.currency,
        "expected_close": expected_close,
    }
    for name, seen in evidence.signals:
        row[name] = seen.value
        row[f"{name}_observed_at"] = seen.observed_at
    if as_csv:
        return {key: _text(value) or "" for key, value in row.items()}
    return {
        key: value if isinstance(value, (int, Decimal)) else _text(value)
        for key, value in row.items()
        if value is not None
    }


def reads_back(record: dict[str, Any]) -> bool:
    """Whether each value of *record* reads back as written.

    The one loss, by design (tests/test_spreadsheets.py): a text spreadsheets write
    for an empty cell (``"NaN"``, ``"None"``, ``"N/A"`` ...), generated as a name or a
    category, is no value to the parser and the schema alike, so a contact named
    ``"NULL"`` has no name. A level's ``"none"`` is that level.
    """
    return not any(
        key not in ENUM_FIELDS and is_missing(value) and not is_blank(value)
        for key, value in record.items()
    )


def expected_row(
    record: dict[str, Any], policy: Policy, as_of: datetime, zone: tzinfo | None
) -> dict[str, Any]:
    """The row of decision columns a batch path must give *record*: the record path's.

    :func:`~leadflow.records.decision_row` of :func:`~leadflow.records.qualify_record`
    and ``error`` None, or, for a record it refuses, every decision column None and
    ``error`` its reasons joined by ``"; "``.
    """
    names = decision_fields(policy.signals, probability=policy.calibration is not None)
    try:
        decision = qualify_record(record, policy, as_of=as_of, timezone=zone)
    except InvalidRecordError as error:
        return {**dict.fromkeys(names), "error": "; ".join(error.reasons())}
    parsed = parse_record(record, signals=policy.signals, timezone=zone)
    return {**decision_row(decision, record_id=parsed.contact.id), "error": None}


def signal_policy_data() -> dict[str, Any]:
    """The example policy file with fit and engagement signals, as a TOML parser reads it."""
    data: dict[str, Any] = tomllib.loads((EXAMPLES / "signals.toml").read_text(encoding="utf-8"))
    return data


SIGNAL_POLICY_DATA = signal_policy_data()
SIGNAL_POLICY = structure(SIGNAL_POLICY_DATA, Policy)


def pinned(
    error: BaseException, kind: type[InvalidFieldError], field: str, value: object, reason: str
) -> None:
    """Assert that *error* is exactly a *kind* naming *field*, *value* and *reason*.

    The promise every field error keeps: its class, the field, the value as given and
    the reason in words, each checked (``is`` for the value where equality could hide a
    copy), and the message built from them.
    """
    assert type(error) is kind, f"{type(error).__name__} is not {kind.__name__}: {error}"
    assert isinstance(error, InvalidFieldError)
    assert error.field == field
    assert error.value is value or (type(error.value) is type(value) and error.value == value)
    assert error.reason == reason
    assert str(error).startswith(f"{field}: {reason} (got ")
