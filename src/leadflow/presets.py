"""Ready-made policies: BANT (the default), ANUM, CHAMP and FAINT.

Every framework is mapped onto the same four signals; they differ in which
criteria are required, how much each weighs, how low a level still counts and
the order decisions report them in.

======  ==================================  =========================================
preset  letters -> leadflow criteria        required (minimum level)
======  ==================================  =========================================
BANT    Budget, Authority, Need, Timeline   need (expressed), budget (available),
                                            timeframe (this year); authority optional
ANUM    Authority, Need, Urgency, Money     authority (influencer), need (expressed),
                                            timeframe (next quarter); budget optional
CHAMP   CHallenges, Authority, Money,       need (expressed), authority (influencer),
        Prioritization                      timeframe (next quarter); budget optional
FAINT   Funds, Authority, Interest, Need,   budget (insufficient: funds exist),
        Timing                              authority (influencer), need (latent:
                                            interest is enough), timeframe (this year)
======  ==================================  =========================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypeVar

from leadflow.evidence import (
    AuthorityLevel,
    BudgetLevel,
    Criterion,
    NeedLevel,
    OrderedLevel,
    TimeframeLevel,
)
from leadflow.policy import CriterionRule, Policy

__all__ = ["ANUM", "BANT", "CHAMP", "DEFAULT_POLICY", "FAINT", "PRESETS"]

L = TypeVar("L", bound=OrderedLevel)

# Share of a criterion's weight (in percent) that each level earns. Presets
# differ in weights and minimums; the shape of each scale is shared.
_NEED_SHARE: Final = {
    NeedLevel.UNKNOWN: 0,
    NeedLevel.NONE: 0,
    NeedLevel.LATENT: 35,
    NeedLevel.EXPRESSED: 75,
    NeedLevel.STRONG: 100,
}
_BUDGET_SHARE: Final = {
    BudgetLevel.UNKNOWN: 0,
    BudgetLevel.NONE: 0,
    BudgetLevel.INSUFFICIENT: 30,
    BudgetLevel.AVAILABLE: 80,
    BudgetLevel.APPROVED: 100,
}
_TIMEFRAME_SHARE: Final = {
    TimeframeLevel.UNKNOWN: 0,
    TimeframeLevel.LATER: 10,
    TimeframeLevel.THIS_YEAR: 50,
    TimeframeLevel.NEXT_QUARTER: 70,
    TimeframeLevel.THIS_QUARTER: 90,
    TimeframeLevel.IMMEDIATE: 100,
}
_AUTHORITY_SHARE: Final = {
    AuthorityLevel.UNKNOWN: 0,
    AuthorityLevel.NONE: 0,
    AuthorityLevel.ADVISER: 35,
    AuthorityLevel.INFLUENCER: 55,
    AuthorityLevel.SHARED: 80,
    AuthorityLevel.DECIDER: 100,
}


def scaled_rule(
    share: Mapping[L, int], *, weight: int, required: bool, minimum: L
) -> CriterionRule[L]:
    """Build a rule whose points are *share* percent of *weight*, rounded half up."""
    points = {level: (weight * pct + 50) // 100 for level, pct in share.items()}
    return CriterionRule(weight=weight, required=required, minimum=minimum, points=points)


def _preset(
    name: str,
    order: tuple[Criterion, ...],
    weights: Mapping[Criterion, int],
    minimums: tuple[NeedLevel, BudgetLevel, TimeframeLevel, AuthorityLevel],
    required: frozenset[Criterion],
    threshold: int,
    nurture_threshold: int,
) -> Policy:
    need, budget, timeframe, authority = minimums
    return Policy(
        name=name,
        order=order,
        need=scaled_rule(
            _NEED_SHARE,
            weight=weights[Criterion.NEED],
            required=Criterion.NEED in required,
            minimum=need,
        ),
        budget=scaled_rule(
            _BUDGET_SHARE,
            weight=weights[Criterion.BUDGET],
            required=Criterion.BUDGET in required,
            minimum=budget,
        ),
        timeframe=scaled_rule(
            _TIMEFRAME_SHARE,
            weight=weights[Criterion.TIMEFRAME],
            required=Criterion.TIMEFRAME in required,
            minimum=timeframe,
        ),
        authority=scaled_rule(
            _AUTHORITY_SHARE,
            weight=weights[Criterion.AUTHORITY],
            required=Criterion.AUTHORITY in required,
            minimum=authority,
        ),
        threshold=threshold,
        nurture_threshold=nurture_threshold,
    )


N, B, T, A = Criterion.NEED, Criterion.BUDGET, Criterion.TIMEFRAME, Criterion.AUTHORITY

#: Budget, Authority, Need, Timeline: the seed's rule. Need, budget and market
#: availability are required; authority is optional but adds up to 15 points.
#: Meeting the three required minimums scores 60, exactly the threshold, so
#: qualification never depends on authority.
BANT: Final = _preset(
    "BANT",
    (B, A, N, T),
    {B: 30, A: 15, N: 30, T: 25},
    (
        NeedLevel.EXPRESSED,
        BudgetLevel.AVAILABLE,
        TimeframeLevel.THIS_YEAR,
        AuthorityLevel.INFLUENCER,
    ),
    frozenset({N, B, T}),
    threshold=60,
    nurture_threshold=35,
)

#: Authority, Need, Urgency, Money: talk to someone with a say first; money is
#: weighed but not required.
ANUM: Final = _preset(
    "ANUM",
    (A, N, T, B),
    {A: 30, N: 30, T: 25, B: 15},
    (
        NeedLevel.EXPRESSED,
        BudgetLevel.AVAILABLE,
        TimeframeLevel.NEXT_QUARTER,
        AuthorityLevel.INFLUENCER,
    ),
    frozenset({A, N, T}),
    threshold=55,
    nurture_threshold=30,
)

#: Challenges, Authority, Money, Prioritization: the party's challenges (need)
#: lead and weigh most; money is weighed but not required.
CHAMP: Final = _preset(
    "CHAMP",
    (N, A, B, T),
    {N: 35, A: 25, B: 15, T: 25},
    (
        NeedLevel.EXPRESSED,
        BudgetLevel.AVAILABLE,
        TimeframeLevel.NEXT_QUARTER,
        AuthorityLevel.INFLUENCER,
    ),
    frozenset({N, A, T}),
    threshold=55,
    nurture_threshold=30,
)

#: Funds, Authority, Interest, Need, Timing: for markets where budgets are not
#: allocated yet. Funds that exist are enough, and interest (a latent need)
#: counts as need.
FAINT: Final = _preset(
    "FAINT",
    (B, A, N, T),
    {B: 30, A: 25, N: 25, T: 20},
    (
        NeedLevel.LATENT,
        BudgetLevel.INSUFFICIENT,
        TimeframeLevel.THIS_YEAR,
        AuthorityLevel.INFLUENCER,
    ),
    frozenset({B, A, N, T}),
    threshold=40,
    nurture_threshold=25,
)

#: The policy used when none is given.
DEFAULT_POLICY: Final = BANT

#: Every preset by name.
PRESETS: Final[Mapping[str, Policy]] = {p.name: p for p in (BANT, ANUM, CHAMP, FAINT)}
