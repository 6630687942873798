"""leadflow: explainable lead qualification and funnel lifecycle.

Decide whether a contact qualifies as a sales lead on need, budget, market
availability (timeframe) and decision authority; whether a lead can be promoted
to an opportunity; and carry it on to a customer or a loss, keeping everything
that was known along the way.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from leadflow.batch import BatchResult, qualify_many
from leadflow.contacts import (
    Contact,
    ContactId,
    LeadSource,
    Organisation,
    PurchaseRole,
    normalise_email,
    normalise_phone,
)
from leadflow.decisions import (
    Grade,
    PromotionDecision,
    QualificationDecision,
    Rating,
    Verdict,
)
from leadflow.errors import (
    CurrencyMismatchError,
    IllegalTransitionError,
    InvalidEmailError,
    InvalidFieldError,
    InvalidPhoneError,
    InvalidPolicyError,
    InvalidRecordError,
    LeadflowError,
    NaiveDatetimeError,
    NotQualifiedError,
    PromotionRefusedError,
    WrongTypeError,
)
from leadflow.events import (
    DisqualificationReason,
    Event,
    LeadDisqualified,
    LeadNurtured,
    LeadPromoted,
    LeadQualified,
    LeadReassessed,
    LeadRequalified,
    LossReason,
    OpportunityAdvanced,
    OpportunityLost,
    OpportunityWon,
)
from leadflow.evidence import (
    AuthorityEvidence,
    AuthorityLevel,
    BudgetEvidence,
    BudgetLevel,
    Criterion,
    Evidence,
    NeedEvidence,
    NeedLevel,
    PromotionSignals,
    PurchaseProcess,
    RelationshipLevel,
    RequirementsLevel,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    authority_level,
)
from leadflow.explanation import CriterionResult, Status
from leadflow.funnel import FunnelSummary, summarize
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
    lose,
    nurture,
    reassess,
    requalify,
    stage_of,
    to_lead,
    win,
)
from leadflow.money import Money
from leadflow.policy import CriterionRule, Policy, PromotionRule
from leadflow.presets import ANUM, BANT, CHAMP, DEFAULT_POLICY, FAINT, PRESETS
from leadflow.promotion import can_promote, promote
from leadflow.qualification import effective_timeframe, qualify
from leadflow.signals import (
    CategoricalSignal,
    NumericSignal,
    Signal,
    SignalObservation,
    SignalResult,
)
from leadflow.stages import FunnelStage, OpportunityStage

try:
    __version__ = _version("leadflow")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
    __version__ = "0+unknown"

__all__ = [
    "ANUM",
    "BANT",
    "CHAMP",
    "DEFAULT_POLICY",
    "FAINT",
    "PRESETS",
    "AuthorityEvidence",
    "AuthorityLevel",
    "BatchResult",
    "BudgetEvidence",
    "BudgetLevel",
    "CategoricalSignal",
    "Contact",
    "ContactId",
    "Criterion",
    "CriterionResult",
    "CriterionRule",
    "CurrencyMismatchError",
    "Customer",
    "DisqualificationReason",
    "DisqualifiedLead",
    "Event",
    "Evidence",
    "FunnelStage",
    "FunnelSummary",
    "Grade",
    "IllegalTransitionError",
    "InvalidEmailError",
    "InvalidFieldError",
    "InvalidPhoneError",
    "InvalidPolicyError",
    "InvalidRecordError",
    "Lead",
    "LeadDisqualified",
    "LeadNurtured",
    "LeadPromoted",
    "LeadQualified",
    "LeadReassessed",
    "LeadRequalified",
    "LeadSource",
    "LeadflowError",
    "LossReason",
    "LostOpportunity",
    "Money",
    "NaiveDatetimeError",
    "NeedEvidence",
    "NeedLevel",
    "NotQualifiedError",
    "NumericSignal",
    "NurturedLead",
    "Opportunity",
    "OpportunityAdvanced",
    "OpportunityLost",
    "OpportunityStage",
    "OpportunityWon",
    "Organisation",
    "Policy",
    "PromotionDecision",
    "PromotionRefusedError",
    "PromotionRule",
    "PromotionSignals",
    "PurchaseProcess",
    "PurchaseRole",
    "QualificationDecision",
    "Rating",
    "RelationshipLevel",
    "RequirementsLevel",
    "Signal",
    "SignalObservation",
    "SignalResult",
    "Stage",
    "Status",
    "SupplierStatus",
    "TermsLevel",
    "TimeframeEvidence",
    "TimeframeLevel",
    "Verdict",
    "WrongTypeError",
    "__version__",
    "advance",
    "authority_level",
    "can_promote",
    "disqualify",
    "effective_timeframe",
    "lose",
    "normalise_email",
    "normalise_phone",
    "nurture",
    "promote",
    "qualify",
    "qualify_many",
    "reassess",
    "requalify",
    "stage_of",
    "summarize",
    "to_lead",
    "win",
]
