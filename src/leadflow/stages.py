"""The names of the funnel's stages and of an opportunity's sales steps.

Names only, so that every module may use them (events, policies, adapters). The
stages as types (:class:`~leadflow.Lead`, :class:`~leadflow.Opportunity` ...) and
the moves between them are :mod:`leadflow.lifecycle`.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["FunnelStage", "OpportunityStage"]


class FunnelStage(Enum):
    """Where a value stands in the funnel."""

    CONTACT = "contact"
    LEAD = "lead"
    NURTURED = "nurtured"
    DISQUALIFIED = "disqualified"
    OPPORTUNITY = "opportunity"
    LOST = "lost"
    CUSTOMER = "customer"

    @property
    def closed(self) -> bool:
        """True for the closed stages: the one move out of them is ``reopen``."""
        return self in _CLOSED


_CLOSED = frozenset({FunnelStage.DISQUALIFIED, FunnelStage.LOST, FunnelStage.CUSTOMER})


class OpportunityStage(Enum):
    """An open opportunity's sales step (Dynamics 365 ``salesstage``), in order."""

    QUALIFY = "qualify"
    DEVELOP = "develop"
    PROPOSE = "propose"
    CLOSE = "close"
