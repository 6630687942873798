"""The rules every CRM adapter follows when writing a decision."""

from __future__ import annotations

import attrs
import pytest

from adapter_support import contact, decided
from leadflow import (
    Rating,
    Verdict,
)
from leadflow.adapters import (
    CrmLead,
)
from leadflow.adapters._skeleton import creates_open, written_rating


class TestDecisions:
    @pytest.mark.parametrize("verdict", list(Verdict))
    @pytest.mark.parametrize("rating", list(Rating))
    def test_only_an_undetermined_cold_rating_is_left_unwritten(
        self, verdict: Verdict, rating: Rating
    ) -> None:
        lead = CrmLead(contact=contact())

        written = written_rating(decided(lead, verdict, rating))

        if verdict is Verdict.UNDETERMINED and rating is Rating.COLD:
            assert written is None
        else:
            assert written is rating

    @pytest.mark.parametrize("verdict", list(Verdict))
    def test_a_new_lead_is_created_open_unless_disqualified(self, verdict: Verdict) -> None:
        new = CrmLead(contact=contact())
        existing = attrs.evolve(new, id="L-1")
        decision = decided(new, verdict, Rating.WARM)

        assert creates_open(new, decision) is (verdict is not Verdict.DISQUALIFIED)
        assert creates_open(existing, decision) is False
        assert creates_open(new, None) is False
