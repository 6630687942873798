"""Stage probabilities learned from closed opportunities: counts, exact rates, a monotone table."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from random import Random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow import (
    DEFAULT_POLICY,
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Customer,
    Evidence,
    InvalidFieldError,
    LeadSource,
    LossReason,
    LostOpportunity,
    NeedEvidence,
    NeedLevel,
    OpportunityStage,
    Policy,
    PromotionSignals,
    RelationshipLevel,
    RequirementsLevel,
    Stage,
    SupplierStatus,
    TermsLevel,
    TimeframeEvidence,
    TimeframeLevel,
    WrongTypeError,
    advance,
    lose,
    promote,
    summarize,
    to_lead,
    win,
)
from leadflow import strategies as lfst
from leadflow.learning import (
    StageHistory,
    furthest_step,
    learn_stage_probabilities,
    learn_stage_probabilities_by,
)
from leadflow.lifecycle import Opportunity

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
Q, D, P, C = OpportunityStage
STEPS = list(OpportunityStage)
Closed = LostOpportunity | Customer

_EVIDENCE = Evidence(
    need=NeedEvidence(level=NeedLevel.STRONG),
    budget=BudgetEvidence(level=BudgetLevel.APPROVED),
    timeframe=TimeframeEvidence(level=TimeframeLevel.THIS_QUARTER),
)
_SIGNALS = PromotionSignals(
    relationship=RelationshipLevel.ESTABLISHED,
    requirements=RequirementsLevel.SPECIFIED,
    terms=TermsLevel.CONTRACT,
    supplier=SupplierStatus.NO_SUPPLIER,
)


def _opening(name: str, source: LeadSource | None) -> Opportunity:
    """A new opportunity (at ``qualify``), promoted a day after its contact qualified."""
    contact = Contact(name=name, email="deal@example.com", created_at=NOW - DAY, source=source)
    lead, _ = to_lead(contact, _EVIDENCE, as_of=NOW)
    return promote(lead, _SIGNALS, as_of=NOW + DAY)[0]


# Promoting costs tens of milliseconds; advancing and closing cost little. Deals are
# walked from these few openings, so that a list of many deals stays cheap to draw.
OPENINGS = {
    source: _opening(f"From {source}", source)
    for source in (None, LeadSource.WEB, LeadSource.PARTNER)
}
OWNERS = ("ada", "grace", None)


def walk(
    steps: Sequence[OpportunityStage],
    *,
    won: bool,
    source: LeadSource | None = None,
    owner: str | None = None,
) -> Closed:
    """An opportunity moved through *steps* (a repeated step is stayed at), then closed."""
    deal = OPENINGS[source]
    at = NOW + 2 * DAY
    for step in steps:
        if step is not deal.step:
            deal, _ = advance(deal, step, as_of=at)
            at += DAY
    if won:
        return win(deal, as_of=at, by=owner)[0]
    return lose(deal, reason=LossReason.PRICE, as_of=at, by=owner)[0]


@st.composite
def walked(draw: st.DrawFn) -> tuple[Closed, OpportunityStage]:
    """A closed deal and the furthest step it was walked to (steps skipped and gone back)."""
    steps = draw(st.lists(st.sampled_from(OpportunityStage), max_size=4))
    deal = walk(
        steps,
        won=draw(st.booleans()),
        source=draw(st.sampled_from(list(OPENINGS))),
        owner=draw(st.sampled_from(OWNERS)),
    )
    furthest = max([Q, *steps], key=STEPS.index)
    return deal, furthest


walked_lists = st.lists(walked(), max_size=30)
policies = lfst.policies(signals=False)
# Generated open values and leads cost tens of milliseconds each (see test_funnel.py).
_SLOW = settings(max_examples=max(10, settings().max_examples // 10))


def learn(
    deals: Sequence[Stage], base: Policy = DEFAULT_POLICY, min_deals: int = 1
) -> StageHistory:
    return learn_stage_probabilities(deals, base=base, min_deals=min_deals)


def half_up(rate: Fraction) -> int:
    """Whole percent, halves up, by decimal arithmetic (not the code under test's way)."""
    exact = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def probabilities(history: StageHistory) -> list[int]:
    return [history.probabilities[step] for step in STEPS]


class TestWorkedExamples:
    def test_raw_rates_are_pooled_where_they_fall(self) -> None:
        # Three deals won straight from qualify, three lost after develop, one won and
        # one lost after propose, two won after close. Reached: qualify 6 won of 10,
        # develop 3 of 7, propose 3 of 4, close 2 of 2. Develop falls below qualify,
        # so the two pool: (6 + 3) / (10 + 7) = 9/17 = 52.9 %.
        deals = (
            [walk([Q], won=True)] * 3
            + [walk([D], won=False)] * 3
            + [walk([P], won=True), walk([P], won=False)]
            + [walk([C], won=True)] * 2
        )

        history = learn(deals)

        assert [(row.won, row.lost) for row in history.rows] == [(6, 4), (3, 4), (3, 1), (2, 0)]
        assert [row.rate for row in history.rows] == [
            Fraction(3, 5),
            Fraction(3, 7),
            Fraction(3, 4),
            Fraction(1),
        ]
        assert [row.fitted for row in history.rows] == [
            Fraction(9, 17),
            Fraction(9, 17),
            Fraction(3, 4),
            Fraction(1),
        ]
        assert probabilities(history) == [53, 53, 75, 100]
        assert history.closed == 10
        assert history.apply().stage_probabilities == ((Q, 53), (D, 53), (P, 75), (C, 100))

    def test_a_thin_stage_keeps_the_base_value_raised_to_stay_monotone(self) -> None:
        deals = (
            [walk([Q], won=True)] * 3
            + [walk([D], won=False)] * 3
            + [walk([P], won=True), walk([P], won=False)]
            + [walk([C], won=True)] * 2
        )

        # close has 2 closed deals, fewer than 3: the base policy's 80 stands.
        three = learn(deals, min_deals=3)
        # propose has 4, fewer than 5: the base's 60 stands too (above the pooled 53).
        five = learn(deals, min_deals=5)

        assert probabilities(three) == [53, 53, 75, 80]
        assert [row.learned for row in three.rows] == [True, True, True, False]
        assert three.row(C).fitted is None
        assert three.row(C).rate == 1  # the raw rate is still reported
        assert probabilities(five) == [53, 53, 60, 80]

    def test_a_base_value_below_a_learned_one_is_raised_to_it(self) -> None:
        deals = [walk([Q], won=True)] * 2 + [walk([Q], won=False)]  # 2 of 3 = 66.7 %

        history = learn(deals)

        # develop, propose and close have no closed deal; the base's 40 and 60 would
        # fall below qualify's 67, so they rise to it; the base's 80 stands.
        assert probabilities(history) == [67, 67, 67, 80]
        assert [row.reached for row in history.rows] == [3, 0, 0, 0]
        assert history.row(D).rate is None

    def test_halves_round_up(self) -> None:
        deals = [walk([Q], won=True)] + [walk([Q], won=False)] * 7  # 1 of 8 = 12.5 %

        assert probabilities(learn(deals)) == [13, 40, 60, 80]

    def test_a_skipped_stage_counts_as_reached(self) -> None:
        history = learn([walk([C], won=False)])

        assert [row.lost for row in history.rows] == [1, 1, 1, 1]

    def test_a_stage_gone_back_on_still_counts_as_reached(self) -> None:
        deal = walk([P, D], won=True)

        assert deal.step is D
        assert furthest_step(deal) is P
        assert [row.won for row in learn([deal]).rows] == [1, 1, 1, 0]

    def test_no_closed_deal_leaves_the_base_policy_as_it_is(self) -> None:
        history = learn([OPENINGS[None]])

        assert history.closed == 0
        assert all(row.rate is None and not row.learned for row in history.rows)
        assert history.apply() == DEFAULT_POLICY

    def test_the_table_can_be_written_into_another_policy(self) -> None:
        other = attrs.evolve(DEFAULT_POLICY, name="Mine", threshold=70)

        policy = learn([walk([C], won=True)]).apply(other)

        assert policy.name == "Mine"
        assert policy.threshold == 70
        assert [policy.probability(step) for step in STEPS] == [100, 100, 100, 100]

    def test_one_table_per_owner(self) -> None:
        deals = [
            walk([P], won=True, owner="ada"),
            walk([D], won=False, owner="grace"),
            walk([P], won=False, owner="ada"),
            walk([C], won=True, owner="grace"),
        ]

        tables = learn_stage_probabilities_by(
            deals, lambda deal: deal.history[-1].by, base=DEFAULT_POLICY
        )

        assert list(tables) == ["ada", "grace"]  # in the order they first appear
        assert [(row.won, row.lost) for row in tables["ada"].rows] == [(1, 1)] * 3 + [(0, 0)]
        assert probabilities(tables["ada"]) == [50, 50, 50, 80]
        assert [(row.won, row.lost) for row in tables["grace"].rows] == [
            (1, 1),
            (1, 1),
            (1, 0),
            (1, 0),
        ]
        assert probabilities(tables["grace"]) == [50, 50, 100, 100]

    def test_a_segment_may_be_an_attribute_path(self) -> None:
        deals = [walk([Q], won=True, source=LeadSource.WEB), walk([Q], won=False)]

        tables = learn_stage_probabilities_by(deals, "contact.source", base=DEFAULT_POLICY)

        assert {source: table.row(Q).rate for source, table in tables.items()} == {
            LeadSource.WEB: 1,
            None: 0,
        }

    def test_a_segment_table_may_fall_back_on_the_whole_team(self) -> None:
        deals = [walk([P], won=True, owner="ada")] * 3 + [walk([C], won=False, owner="grace")]
        # The team: 3 of 4 won at qualify, develop and propose, 0 of 1 at close. Close
        # falls, and pooling it back step by step pools everything: 9 won of 13 = 69 %.
        team = learn(deals)

        tables = learn_stage_probabilities_by(
            deals, lambda deal: deal.history[-1].by, base=team.apply(), min_deals=2
        )

        assert probabilities(team) == [69, 69, 69, 69]
        assert team.row(Q).fitted == Fraction(9, 13)
        assert probabilities(tables["ada"]) == [100, 100, 100, 100]
        assert probabilities(tables["grace"]) == [69, 69, 69, 69]  # one deal: the team's
        assert not any(row.learned for row in tables["grace"].rows)


class TestBadInput:
    def test_an_item_that_is_not_a_funnel_value_is_named_by_its_index(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            learn([walk([Q], won=True), "a deal"])  # type: ignore[list-item]

        assert caught.value.field == "values[1]"
        assert caught.value.value == "a deal"

    def test_values_must_be_iterable(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            learn(None)  # type: ignore[arg-type]

        assert caught.value.field == "values"

    @pytest.mark.parametrize("base", [None, "BANT", {"name": "BANT"}])
    def test_the_base_must_be_a_policy(self, base: object) -> None:
        with pytest.raises(WrongTypeError) as caught:
            learn_stage_probabilities([], base=base)  # type: ignore[arg-type]

        assert (caught.value.field, caught.value.value) == ("base", base)

    @pytest.mark.parametrize(
        ("min_deals", "error"),
        [
            (0, InvalidFieldError),
            (-3, InvalidFieldError),
            (True, WrongTypeError),
            (2.0, WrongTypeError),
        ],
    )
    def test_min_deals_is_a_positive_int(self, min_deals: object, error: type[Exception]) -> None:
        with pytest.raises(error) as caught:
            learn_stage_probabilities([], base=DEFAULT_POLICY, min_deals=min_deals)  # type: ignore[arg-type]

        assert isinstance(caught.value, InvalidFieldError)
        assert caught.value.field == "min_deals"

    @pytest.mark.parametrize(
        "by", [42, None, "_engine", "contact..source", "contact.__class__", ""]
    )
    def test_a_segment_is_a_callable_or_a_public_attribute_path(self, by: object) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            learn_stage_probabilities_by([], by, base=DEFAULT_POLICY)  # type: ignore[call-overload]

        assert (caught.value.field, caught.value.value) == ("by", by)

    def test_a_missing_attribute_is_named(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            learn_stage_probabilities_by([walk([Q], won=True)], "region", base=DEFAULT_POLICY)

        assert (caught.value.field, caught.value.value) == ("by", "region")
        assert "Customer has no such attribute" in caught.value.reason

    def test_a_segment_must_be_hashable(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            learn_stage_probabilities_by(  # type: ignore[type-var]  # unhashable on purpose
                [walk([Q], won=True)],
                lambda deal: [deal.name],
                base=DEFAULT_POLICY,
            )

        assert caught.value.field == "by"

    def test_furthest_step_wants_an_opportunity(self) -> None:
        with pytest.raises(WrongTypeError):
            furthest_step(OPENINGS[None].contact)  # type: ignore[arg-type]


class TestLaws:
    @given(walked_lists, policies, st.integers(1, 6))
    def test_counts_are_the_deals_that_reached_each_stage(
        self,
        walks: list[tuple[Closed, OpportunityStage]],
        base: Policy,
        min_deals: int,
    ) -> None:
        history = learn([deal for deal, _ in walks], base, min_deals)

        for rank, row in enumerate(history.rows):
            reached = [deal for deal, furthest in walks if STEPS.index(furthest) >= rank]
            assert row.won == sum(isinstance(deal, Customer) for deal in reached)
            assert row.lost == sum(isinstance(deal, LostOpportunity) for deal in reached)
            assert row.reached == len(reached)
        assert history.closed == len(walks)

    @given(walked_lists, policies, st.integers(1, 6))
    def test_rates_are_exact_shares_between_zero_and_one(
        self,
        walks: list[tuple[Closed, OpportunityStage]],
        base: Policy,
        min_deals: int,
    ) -> None:
        history = learn([deal for deal, _ in walks], base, min_deals)

        for row in history.rows:
            assert row.rate == (Fraction(row.won, row.reached) if row.reached else None)
            assert row.fitted is None or 0 <= row.fitted <= 1
            assert row.learned == (row.reached >= min_deals)
            if row.fitted is not None:
                assert row.probability == half_up(row.fitted)

    @given(walked_lists, policies, st.integers(1, 6))
    def test_the_table_never_falls_and_is_a_valid_policy(
        self,
        walks: list[tuple[Closed, OpportunityStage]],
        base: Policy,
        min_deals: int,
    ) -> None:
        history = learn([deal for deal, _ in walks], base, min_deals)

        table = probabilities(history)
        assert table == sorted(table)
        assert all(0 <= p <= 100 for p in table)
        policy = history.apply()
        assert [policy.probability(step) for step in STEPS] == table
        assert attrs.evolve(policy, stage_probabilities=base.stage_probabilities) == base

    @given(walked_lists, policies, st.integers(1, 6))
    def test_pooling_keeps_the_won_deals_and_changes_nothing_already_monotone(
        self,
        walks: list[tuple[Closed, OpportunityStage]],
        base: Policy,
        min_deals: int,
    ) -> None:
        history = learn([deal for deal, _ in walks], base, min_deals)

        learned = [row for row in history.rows if row.learned]
        fitted = [row.fitted for row in learned]
        raw = [row.rate for row in learned]
        assert fitted == sorted(fitted)  # type: ignore[type-var]
        # The isotonic fit of won/closed weighted by closed keeps the total won.
        assert sum(f * row.reached for f, row in zip(fitted, learned, strict=True)) == sum(  # type: ignore[operator, misc]
            row.won for row in learned
        )
        if raw == sorted(raw):  # type: ignore[type-var]
            assert fitted == raw

    @given(walked_lists, policies, st.integers(1, 6))
    def test_a_thin_stage_keeps_the_base_value_when_that_fits(
        self,
        walks: list[tuple[Closed, OpportunityStage]],
        base: Policy,
        min_deals: int,
    ) -> None:
        history = learn([deal for deal, _ in walks], base, min_deals)

        learned = [row.probability for row in history.rows if row.learned]
        for row in history.rows:
            if not row.learned:
                own = base.probability(row.stage)
                fits = not learned or own >= max(learned)  # thin stages come last
                assert row.probability == own or not fits
                assert row.probability == max([own, *learned])

    @given(walked_lists, st.lists(st.sampled_from(OpportunityStage), max_size=4), policies)
    def test_a_won_deal_never_lowers_a_stage_it_reached_and_a_lost_one_never_raises_it(
        self,
        walks: list[tuple[Closed, OpportunityStage]],
        steps: list[OpportunityStage],
        base: Policy,
    ) -> None:
        deals = [deal for deal, _ in walks]
        furthest = STEPS.index(max([Q, *steps], key=STEPS.index))
        before = learn(deals, base)
        with_won = learn([*deals, walk(steps, won=True)], base)
        with_lost = learn([*deals, walk(steps, won=False)], base)

        for rank, (old, won, lost) in enumerate(
            zip(before.rows, with_won.rows, with_lost.rows, strict=True)
        ):
            if rank > furthest:
                assert (won.won, won.lost) == (lost.won, lost.lost) == (old.won, old.lost)
            else:
                assert won.rate is not None
                assert lost.rate is not None
                assert lost.rate <= won.rate
                if old.rate is not None:
                    assert lost.rate <= old.rate <= won.rate

    @_SLOW
    @given(
        walked_lists,
        st.lists(lfst.opportunities() | lfst.leads() | lfst.contacts(), max_size=3),
        st.randoms(use_true_random=False),
    )
    def test_open_deals_leads_and_contacts_change_nothing(
        self,
        walks: list[tuple[Closed, OpportunityStage]],
        others: list[Stage],
        random: Random,
    ) -> None:
        deals: list[Stage] = [deal for deal, _ in walks]
        mixed = deals + others
        random.shuffle(mixed)

        assert learn(mixed) == learn(deals)

    @_SLOW
    @given(st.lists(lfst.customers() | lfst.lost_opportunities(), max_size=4))
    def test_generated_deals_reached_the_step_they_were_advanced_to(
        self, deals: list[Closed]
    ) -> None:
        # The shared strategies promote at qualify and advance at most once.
        history = learn(deals)

        for rank, row in enumerate(history.rows):
            reached = [deal for deal in deals if STEPS.index(deal.step) >= rank]
            assert row.reached == len(reached)
            assert row.won == sum(isinstance(deal, Customer) for deal in reached)

    @given(walked_lists)
    def test_the_first_stage_rate_is_the_funnel_win_rate(
        self, walks: list[tuple[Closed, OpportunityStage]]
    ) -> None:
        deals = [deal for deal, _ in walks]

        assert learn(deals).row(Q).rate == summarize(deals).win_rate

    @given(walked_lists, st.randoms(use_true_random=False))
    def test_order_does_not_matter(
        self, walks: list[tuple[Closed, OpportunityStage]], random: Random
    ) -> None:
        deals = [deal for deal, _ in walks]
        shuffled = list(deals)
        random.shuffle(shuffled)

        assert learn(shuffled) == learn(deals)
        by: Callable[[Closed], Hashable] = lambda deal: deal.contact.source  # noqa: E731
        assert dict(learn_stage_probabilities_by(shuffled, by, base=DEFAULT_POLICY)) == dict(
            learn_stage_probabilities_by(deals, by, base=DEFAULT_POLICY)
        )

    @given(walked_lists, st.sampled_from(["contact.source", "owner"]), st.integers(1, 4))
    def test_segments_add_up_to_the_whole_and_are_learned_alone(
        self, walks: list[tuple[Closed, OpportunityStage]], name: str, min_deals: int
    ) -> None:
        deals = [deal for deal, _ in walks]
        key: Callable[[Closed], Hashable] = (
            (lambda deal: deal.history[-1].by)
            if name == "owner"
            else (lambda deal: deal.contact.source)
        )

        tables = learn_stage_probabilities_by(deals, key, base=DEFAULT_POLICY, min_deals=min_deals)
        whole = learn(deals, min_deals=min_deals)

        assert set(tables) == {key(deal) for deal in deals}
        for rank, row in enumerate(whole.rows):
            assert sum(table.rows[rank].won for table in tables.values()) == row.won
            assert sum(table.rows[rank].lost for table in tables.values()) == row.lost
        for segment, table in tables.items():
            alone = [deal for deal in deals if key(deal) == segment]
            assert table == learn(alone, min_deals=min_deals)
