"""Qualifying a contact as a lead: the four-criteria decision, explained.

:func:`qualify` is a pure function of the contact, the evidence, the policy and
"now" (``as_of``). It never raises because a criterion failed: a failed
criterion is part of the decision. It raises only for malformed input.

The rule itself lives in the policy's compiled form (:mod:`leadflow._engine`),
which :func:`qualify` and :func:`~leadflow.qualify_many` both ask.
"""

from __future__ import annotations

from datetime import datetime

from leadflow._engine import effective_timeframe
from leadflow._validate import check_type
from leadflow.contacts import Contact
from leadflow.decisions import QualificationDecision
from leadflow.evidence import Evidence
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY

__all__ = ["effective_timeframe", "qualify"]


def qualify(
    contact: Contact,
    evidence: Evidence,
    policy: Policy | None = None,
    *,
    as_of: datetime,
) -> QualificationDecision:
    """Decide whether *contact* qualifies as a lead on *evidence* under *policy*.

    The verdict is one of four (see :class:`~leadflow.Verdict`): *disqualified*
    takes evidence against; *undetermined* means a required criterion is still
    unknown; *nurture* is an open contact not ready now; *qualified* meets every
    requirement at or above the threshold.

    Args:
        contact: The contact; its role gives decision authority.
        evidence: What is known on the four criteria, and any signal values.
        policy: The rules; ``None`` (the default) means :data:`~leadflow.DEFAULT_POLICY`
            (BANT).
        as_of: "Now", timezone-aware. Evidence observed more than
            ``policy.freshness`` before it counts as unknown; decaying signals
            lose points with their age at ``as_of``.

    Returns:
        A decision, whatever the outcome.

    Raises:
        WrongTypeError: an argument is of the wrong type.
        NaiveDatetimeError: ``as_of`` has no timezone.
        InvalidFieldError: evidence was observed after ``as_of``, or a signal's
            value is of the wrong kind for the policy's signal.
    """
    policy = DEFAULT_POLICY if policy is None else policy
    if not isinstance(contact, Contact):
        check_type("contact", contact, Contact)
    if not isinstance(evidence, Evidence):
        check_type("evidence", evidence, Evidence)
    if not isinstance(policy, Policy):
        check_type("policy", policy, Policy)
    return policy._engine.decide(contact.role, evidence, as_of)
