"""Deciding many contacts at once: qualify_many agrees with qualify, pair by pair."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import (
    BANT,
    AuthorityEvidence,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Evidence,
    InvalidFieldError,
    NaiveDatetimeError,
    NeedEvidence,
    NeedLevel,
    Policy,
    PurchaseProcess,
    PurchaseRole,
    TimeframeEvidence,
    TimeframeLevel,
    Verdict,
    WrongTypeError,
    qualify,
)
from leadflow import strategies as lfst
from leadflow.batch import BatchResult, qualify_many
from support import ada, evidence_at

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=timezone.utc)


READY = evidence_at(NeedLevel.STRONG, BudgetLevel.APPROVED, TimeframeLevel.THIS_QUARTER)


@st.composite
def batches(
    draw: st.DrawFn,
) -> tuple[list[tuple[Contact, Evidence]], Policy, datetime]:
    """A batch as of one moment: several contacts, evidence observed up to then, a policy."""
    as_of = draw(lfst.aware_datetimes(min_value=datetime(2004, 1, 1)))
    pairs = draw(
        st.lists(
            st.tuples(lfst.contacts(created_before=as_of), lfst.evidence(as_of)),
            min_size=1,
            max_size=6,
        )
    )
    return pairs, draw(lfst.policies()), as_of


class TestAgreesWithQualify:
    @given(batches())
    def test_each_result_is_the_decision_qualify_makes_for_its_pair(
        self, batch: tuple[list[tuple[Contact, Evidence]], Policy, datetime]
    ) -> None:
        pairs, policy, as_of = batch
        results = list(qualify_many(pairs, policy, as_of=as_of))
        assert len(results) == len(pairs)
        for (contact_, evidence), result in zip(pairs, results, strict=True):
            expected = qualify(contact_, evidence, policy, as_of=as_of)
            assert result.contact is contact_
            assert result.evidence is evidence
            assert (result.verdict, result.score) == (expected.verdict, expected.score)
            assert result.qualified == expected.qualified
            assert result.decision() == expected
            assert result.explain() == expected.explain()

    @given(st.data())
    def test_stale_evidence_and_decision_dates_decide_as_in_qualify(
        self, data: st.DataObject
    ) -> None:
        # Evidence right at, just inside and just outside the freshness window, and
        # decision dates around the horizon, for the default and random policies.
        policy = data.draw(lfst.policies())
        as_of = data.draw(lfst.aware_datetimes(min_value=datetime(2004, 1, 1)))
        window = policy.freshness or timedelta(days=365)
        edge = st.sampled_from(
            [window - timedelta(microseconds=1), window, window + timedelta(microseconds=1)]
        )
        observed = as_of - data.draw(edge)
        day = as_of.date() + timedelta(days=data.draw(st.integers(-40, policy.horizon_days + 40)))
        evidence = Evidence(
            need=NeedEvidence(level=data.draw(st.sampled_from(NeedLevel)), observed_at=observed),
            budget=BudgetEvidence(
                level=data.draw(st.sampled_from(BudgetLevel)), observed_at=observed
            ),
            timeframe=TimeframeEvidence(
                decision_date=day, observed_at=data.draw(st.none() | st.just(observed))
            ),
            authority=AuthorityEvidence(
                process=data.draw(st.sampled_from(PurchaseProcess)), observed_at=observed
            ),
        )
        person = data.draw(lfst.contacts(created_before=as_of))
        [result] = qualify_many([(person, evidence)], policy, as_of=as_of)
        assert result.decision() == qualify(person, evidence, policy, as_of=as_of)

    def test_a_time_zone_with_summer_time_decides_as_qualify_does(self) -> None:
        # Berlin moves its clocks within the 180-day window before this as_of, so the
        # cutoff has another UTC offset than as_of: the batch must still agree.
        berlin = ZoneInfo("Europe/Berlin")
        as_of = datetime(2026, 5, 4, 12, 0, tzinfo=berlin)
        pairs = [
            (
                ada(),
                Evidence(
                    need=NeedEvidence(
                        level=NeedLevel.STRONG, observed_at=as_of - timedelta(days=180, hours=hours)
                    )
                ),
            )
            for hours in (-2, -1, 0, 1, 2)
        ] + [
            (
                ada(),
                Evidence(
                    need=NeedEvidence(
                        level=NeedLevel.STRONG,
                        observed_at=(as_of - timedelta(days=180, hours=hours)).astimezone(
                            timezone.utc
                        ),
                    )
                ),
            )
            for hours in (-2, -1, 0, 1, 2)
        ]
        for (person, evidence), result in zip(pairs, qualify_many(pairs, as_of=as_of), strict=True):
            assert result.decision() == qualify(person, evidence, as_of=as_of)


class TestWorkedExamples:
    def test_strong_need_approved_budget_this_quarter_qualifies_with_bants_points(self) -> None:
        # BANT: need 30 x 100% + budget 30 x 100% + timeframe 25 x 90% (22.5, rounded
        # half up to 23) + authority unknown 0 = 83, at least the threshold of 60.
        [result] = qualify_many([(ada(), READY)], as_of=NOW)
        assert (result.verdict, result.score) == (Verdict.QUALIFIED, 83)
        assert result.qualified

    def test_nothing_known_is_undetermined_with_no_points(self) -> None:
        [result] = qualify_many([(ada(), Evidence())], as_of=NOW)
        assert (result.verdict, result.score, result.qualified) == (Verdict.UNDETERMINED, 0, False)

    def test_evidence_older_than_the_window_counts_as_unknown(self) -> None:
        old = NOW - timedelta(days=181)
        stale = Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG, observed_at=old),
            budget=READY.budget,
            timeframe=READY.timeframe,
        )
        [result] = qualify_many([(ada(), stale)], as_of=NOW)
        # Need drops to unknown: 0 + 30 + 23 = 53, and a required criterion is not known.
        assert (result.verdict, result.score) == (Verdict.UNDETERMINED, 53)
        assert "need.stale" in result.decision().codes

    def test_a_decision_maker_on_a_committee_shares_the_authority(self) -> None:
        committee = Evidence(
            need=READY.need,
            budget=READY.budget,
            timeframe=READY.timeframe,
            authority=AuthorityEvidence(process=PurchaseProcess.COMMITTEE),
        )
        [result] = qualify_many([(ada(PurchaseRole.DECISION_MAKER), committee)], as_of=NOW)
        # Shared authority earns 80% of 15 = 12 on top of 83.
        assert result.score == 95

    def test_an_expected_decision_date_is_placed_in_its_quarter(self) -> None:
        dated = Evidence(
            need=READY.need,
            budget=READY.budget,
            timeframe=TimeframeEvidence(decision_date=date(2026, 8, 20)),
        )
        [result] = qualify_many([(ada(), dated)], as_of=NOW)
        # 2026-08-20 is next quarter seen from 2026-05-04: 70% of 25 = 17.5 -> 18.
        assert result.score == 30 + 30 + 18


class TestStreaming:
    def test_results_come_out_in_order_one_per_pair_from_a_generator(self) -> None:
        taken: list[int] = []

        def stream() -> Iterator[tuple[Contact, Evidence]]:
            for index, evidence in enumerate([READY, Evidence(), READY]):
                taken.append(index)
                yield ada(), evidence

        results = qualify_many(stream(), as_of=NOW)
        assert taken == []  # nothing is read before it is asked for
        assert next(results).verdict is Verdict.QUALIFIED
        assert taken == [0]
        assert [r.verdict for r in results] == [Verdict.UNDETERMINED, Verdict.QUALIFIED]

    def test_no_pairs_give_no_results(self) -> None:
        assert list(qualify_many([], as_of=NOW)) == []


class TestBatchResult:
    def test_equal_inputs_give_equal_results(self) -> None:
        first = list(qualify_many([(ada(), READY)], BANT, as_of=NOW))
        again = list(qualify_many([(ada(), READY)], BANT, as_of=NOW))
        assert first == again
        assert hash(first[0]) == hash(again[0])

    def test_a_result_cannot_be_changed(self) -> None:
        [result] = qualify_many([(ada(), READY)], as_of=NOW)
        with pytest.raises(AttributeError):
            result.score = 100  # type: ignore[misc]

    def test_it_records_the_policy_and_moment_of_the_batch(self) -> None:
        [result] = qualify_many([(ada(), READY)], BANT, as_of=NOW)
        assert result.policy is BANT
        assert result.as_of == NOW
        assert isinstance(result, BatchResult)


class TestBadInput:
    def test_a_policy_of_the_wrong_type_is_refused_at_once(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            qualify_many([], "BANT", as_of=NOW)  # type: ignore[arg-type]
        assert caught.value.field == "policy"

    def test_a_naive_as_of_is_refused_at_once(self) -> None:
        with pytest.raises(NaiveDatetimeError) as caught:
            qualify_many([], as_of=datetime(2026, 5, 4))
        assert caught.value.field == "as_of"

    @pytest.mark.parametrize("field", ["contact", "evidence"])
    def test_a_pair_with_the_wrong_types_raises_what_qualify_raises(self, field: str) -> None:
        pair: tuple[object, object] = ("Ada", READY) if field == "contact" else (ada(), {})
        with pytest.raises(WrongTypeError) as batch_error:
            list(qualify_many([pair], as_of=NOW))  # type: ignore[list-item]
        with pytest.raises(WrongTypeError) as single_error:
            qualify(*pair, as_of=NOW)  # type: ignore[arg-type]
        assert batch_error.value.field == single_error.value.field == field
        assert str(batch_error.value) == str(single_error.value)

    @pytest.mark.parametrize("item", [None, 42, (ada(),), (ada(), READY, READY)])
    def test_an_item_that_is_not_a_pair_is_refused(self, item: object) -> None:
        with pytest.raises(WrongTypeError) as caught:
            list(qualify_many([item], as_of=NOW))  # type: ignore[list-item]
        assert caught.value.field == "pair"

    @given(st.sampled_from(["need", "budget", "timeframe", "authority"]), st.integers(1, 10**6))
    def test_evidence_observed_after_as_of_raises_what_qualify_raises(
        self, criterion: str, microseconds: int
    ) -> None:
        later = NOW + timedelta(microseconds=microseconds)
        parts = {
            "need": NeedEvidence(observed_at=later),
            "budget": BudgetEvidence(observed_at=later),
            "timeframe": TimeframeEvidence(observed_at=later),
            "authority": AuthorityEvidence(observed_at=later),
        }
        evidence = Evidence(**{criterion: parts[criterion]})  # type: ignore[arg-type]
        with pytest.raises(InvalidFieldError) as batch_error:
            list(qualify_many([(ada(), evidence)], as_of=NOW))
        with pytest.raises(InvalidFieldError) as single_error:
            qualify(ada(), evidence, as_of=NOW)
        assert batch_error.value.field == single_error.value.field
        assert batch_error.value.field == f"evidence.{criterion}.observed_at"

    def test_good_pairs_before_a_bad_one_are_still_decided(self) -> None:
        results = qualify_many([(ada(), READY), ("not a contact", READY)], as_of=NOW)  # type: ignore[list-item]
        assert next(results).verdict is Verdict.QUALIFIED
        with pytest.raises(WrongTypeError):
            next(results)
