"""Stages are types: a type checker rejects a move from the wrong stage.

Each illegal call below carries a ``type: ignore[arg-type]``. mypy runs with
``--strict`` over the tests, which includes ``warn_unused_ignores``: if mypy ever
accepted one of these calls, the ignore would be unused and the type check would
fail. So this file is checked twice: by mypy (the type checker rejects the move)
and by pytest (at run time the same move raises, naming both stages).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadflow import (
    DisqualificationReason,
    IllegalTransitionError,
    LossReason,
    OpportunityStage,
    PromotionSignals,
    SupplierStatus,
    TermsLevel,
    advance,
    disqualify,
    lose,
    nurture,
    promote,
    requalify,
    to_lead,
    win,
)
from support import NOW, ada, qualifying_evidence, ready_signals

LATER = NOW + timedelta(days=1)


class TestTheTypeCheckerAndTheRuntimeAgree:
    def test_a_contact_cannot_be_promoted(self) -> None:
        with pytest.raises(IllegalTransitionError) as caught:
            promote(ada(), PromotionSignals(), as_of=NOW)  # type: ignore[arg-type]

        assert (caught.value.from_stage, caught.value.to_stage) == ("contact", "opportunity")

    def test_a_lead_cannot_be_won_or_lost_or_advanced(self) -> None:
        lead, _ = to_lead(ada(), qualifying_evidence(), as_of=NOW)

        with pytest.raises(IllegalTransitionError) as won:
            win(lead, as_of=LATER)  # type: ignore[arg-type]
        with pytest.raises(IllegalTransitionError) as lost:
            lose(lead, reason=LossReason.PRICE, as_of=LATER)  # type: ignore[arg-type]
        with pytest.raises(IllegalTransitionError) as advanced:
            advance(lead, OpportunityStage.CLOSE, as_of=LATER)  # type: ignore[arg-type]

        assert (won.value.from_stage, won.value.to_stage) == ("lead", "customer")
        assert (lost.value.from_stage, lost.value.to_stage) == ("lead", "lost")
        assert (advanced.value.from_stage, advanced.value.to_stage) == ("lead", "opportunity")

    def test_an_open_lead_cannot_be_requalified_and_a_contact_cannot_be_nurtured(self) -> None:
        lead, _ = to_lead(ada(), qualifying_evidence(), as_of=NOW)

        with pytest.raises(IllegalTransitionError) as requalified:
            requalify(lead, qualifying_evidence(), as_of=LATER)  # type: ignore[arg-type]
        with pytest.raises(IllegalTransitionError) as nurtured:
            nurture(ada(), as_of=LATER)  # type: ignore[arg-type]

        assert (requalified.value.from_stage, requalified.value.to_stage) == ("lead", "lead")
        assert (nurtured.value.from_stage, nurtured.value.to_stage) == ("contact", "nurtured")

    def test_a_customer_cannot_be_disqualified_or_won_again(self) -> None:
        lead, _ = to_lead(ada(), qualifying_evidence(), as_of=NOW)
        opportunity, _ = promote(
            lead,
            ready_signals(terms=TermsLevel.CONTRACT, supplier=SupplierStatus.NO_SUPPLIER),
            as_of=LATER,
        )
        customer, _ = win(opportunity, as_of=LATER)

        with pytest.raises(IllegalTransitionError) as disqualified:
            disqualify(customer, reason=DisqualificationReason.OTHER, as_of=LATER)  # type: ignore[arg-type]
        with pytest.raises(IllegalTransitionError) as won_again:
            win(customer, as_of=LATER)  # type: ignore[arg-type]

        assert disqualified.value.from_stage == "customer"
        assert won_again.value.from_stage == "customer"
