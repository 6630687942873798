"""Duplicates: explained matches found without comparing all pairs, and merges that lose nothing."""

from __future__ import annotations

import copy
import difflib
import itertools
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from leadflow import (
    BudgetEvidence,
    BudgetLevel,
    Contact,
    Criterion,
    Customer,
    DisqualificationReason,
    Evidence,
    FunnelStage,
    InvalidFieldError,
    Lead,
    LossReason,
    NeedEvidence,
    NeedLevel,
    Opportunity,
    Organisation,
    RecordsMerged,
    Stage,
    WrongTypeError,
    disqualify,
    lose,
    promote,
    stage_of,
    to_lead,
    win,
)
from leadflow import strategies as lfst
from leadflow.duplicates import (
    EMAIL_CONFIDENCE,
    PHONE_CONFIDENCE,
    SAME_NAME_CONFIDENCE,
    SIMILAR_NAME_RATIO,
    DuplicateMatch,
    MatchReason,
    find_duplicates,
    group_duplicates,
    history,
    merge,
    organisation_key,
)
from leadflow.serialization import structure, unstructure
from support import DAY, NOW, examples, qualifying_evidence, ready_signals

T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)


def person(
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    organisation: str | None = None,
    at: datetime = T0,
    **more: Any,
) -> Contact:
    return Contact(
        name=name,
        email=email,
        phone=phone,
        organisation=None if organisation is None else Organisation(name=organisation),
        created_at=at,
        **more,
    )


# A small world, so that generated contacts share addresses, numbers and employers.
_EMAILS = ["ada@example.com", "ADA@example.com", "grace@navy.example", "alan@bletchley.example"]
_PHONES = ["+442079460958", "02079460958", "+14155550100", "+442079460958;ext=12"]
_ORGS = ["Analytical Engines Ltd", "analytical engines", "Navy", "Bletchley Park plc"]
_NAMES = ["Ada Lovelace", "Lovelace, Ada", "Ada Lovelac", "Grace Hopper", "Alan Turing", "A. T."]


@st.composite
def small_world_contacts(draw: st.DrawFn) -> Contact:
    email = draw(st.none() | st.sampled_from(_EMAILS))
    phone = draw(
        st.sampled_from(_PHONES) if email is None else st.none() | st.sampled_from(_PHONES)
    )
    return person(
        draw(st.sampled_from(_NAMES)),
        email=email,
        phone=phone,
        organisation=draw(st.none() | st.sampled_from(_ORGS)),
    )


def _together(groups: tuple[tuple[int, ...], ...], one: int, other: int) -> bool:
    return any(one in group and other in group for group in groups)


class TestFindDuplicates:
    def test_the_same_address_in_another_case_is_the_same_person(self) -> None:
        found = find_duplicates(
            [
                person("Ada Lovelace", email="ada@example.com"),
                person("Grace Hopper", email="grace@example.com"),
                person("A. Lovelace", email="ADA@Example.com"),
            ]
        )

        assert found == (
            DuplicateMatch(
                first=0,
                second=2,
                reason=MatchReason.EMAIL,
                confidence=EMAIL_CONFIDENCE,
                shared="ada@example.com",
            ),
        )
        assert found[0].explanation == (
            "records 0 and 2 have the same e-mail address (ada@example.com): 95% sure"
        )

    def test_a_national_number_is_the_international_one_with_the_country_code(self) -> None:
        records = [
            person("Ada Lovelace", phone="+44 20 7946 0958"),
            person("Ada L.", phone="020 7946 0958"),
        ]

        assert find_duplicates(records) == ()
        (match,) = find_duplicates(records, country_code="44")
        assert (match.reason, match.shared, match.confidence) == (
            MatchReason.PHONE,
            "+442079460958",
            PHONE_CONFIDENCE,
        )

    def test_another_extension_is_another_line(self) -> None:
        records = [
            person("Ada Lovelace", phone="+44 20 7946 0958 ext. 12"),
            person("Grace Hopper", phone="+44 20 7946 0958 ext. 13"),
        ]

        assert find_duplicates(records) == ()

    def test_one_organisation_and_one_name_in_another_order_and_form(self) -> None:
        records = [
            person("Ada Lovelace", email="ada@home.example", organisation="Analytical Engines"),
            person("LOVELACE, Ada", phone="+14155550100", organisation="Analytical Engines Ltd."),
            person("Ada Lovelace", email="ada@work.example", organisation="Difference Engines"),
        ]

        (match,) = find_duplicates(records)

        assert (match.first, match.second) == (0, 1)
        assert match.reason is MatchReason.ORGANISATION_AND_NAME
        assert (match.confidence, match.shared) == (SAME_NAME_CONFIDENCE, "analytical engines")

    def test_a_similar_name_is_as_sure_as_it_is_similar(self) -> None:
        records = [
            person("Ada Lovelace", email="a@x.example", organisation="Navy"),
            person("Ada Lovelac", email="b@x.example", organisation="Navy"),
            person("Grace Hopper", email="c@x.example", organisation="Navy"),
        ]
        ratio = difflib.SequenceMatcher(None, "ada lovelace", "ada lovelac").ratio()

        (match,) = find_duplicates(records)

        assert (match.first, match.second) == (0, 1)
        assert match.confidence == round(SAME_NAME_CONFIDENCE * ratio)
        assert match.confidence < SAME_NAME_CONFIDENCE

    def test_k_records_sharing_an_address_give_k_minus_one_matches_and_one_group(self) -> None:
        records = [person(f"Ada {n}", email="ada@example.com") for n in range(6)]

        found = find_duplicates(records)

        assert [(m.first, m.second) for m in found] == [(0, n) for n in range(1, 6)]
        assert group_duplicates(found) == (tuple(range(6)),)

    def test_stages_are_compared_by_their_contact(self) -> None:
        lead, _ = to_lead(
            person("Ada Lovelace", email="ada@example.com"), qualifying_evidence(), as_of=NOW
        )

        (match,) = find_duplicates(
            [person("Grace", email="g@example.com"), lead, person("A", email="Ada@example.com")]
        )

        assert (match.first, match.second) == (1, 2)

    def test_a_value_that_is_no_record_is_refused_by_type(self) -> None:
        with pytest.raises(WrongTypeError):
            find_duplicates([person("Ada", email="ada@example.com"), "ada@example.com"])  # type: ignore[list-item]

    @pytest.mark.parametrize("code", ["0", "1234", "+44", "x"])
    def test_a_country_code_is_one_to_three_digits(self, code: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            find_duplicates([], country_code=code)

        assert (caught.value.field, caught.value.value) == ("country_code", code)

    def test_a_legal_form_is_not_part_of_an_organisations_name(self) -> None:
        assert organisation_key("Bücher GmbH") == organisation_key("BUCHER")
        assert organisation_key("Ltd") == "ltd"

    @given(st.lists(small_world_contacts(), max_size=12))
    def test_every_match_is_explained_by_what_the_two_records_share(
        self, contacts: list[Contact]
    ) -> None:
        for match in find_duplicates(contacts, country_code="44"):
            one, other = contacts[match.first], contacts[match.second]
            assert match.first < match.second
            if match.reason is MatchReason.EMAIL:
                assert one.email is not None
                assert other.email is not None
                assert one.email.lower() == other.email.lower() == match.shared
            elif match.reason is MatchReason.PHONE:
                numbers = {one.phone, other.phone}
                assert numbers <= {match.shared, "0" + match.shared.removeprefix("+44")}
            else:
                assert one.organisation is not None
                assert other.organisation is not None
                ratio = difflib.SequenceMatcher(
                    None,
                    " ".join(sorted(one.name.lower().replace(",", "").replace(".", "").split())),
                    " ".join(sorted(other.name.lower().replace(",", "").replace(".", "").split())),
                    autojunk=False,
                ).ratio()
                assert ratio >= SIMILAR_NAME_RATIO
                assert 0 < match.confidence <= SAME_NAME_CONFIDENCE

    @given(st.lists(small_world_contacts(), max_size=12))
    def test_any_two_records_with_one_address_or_number_end_in_one_group(
        self, contacts: list[Contact]
    ) -> None:
        groups = group_duplicates(find_duplicates(contacts))

        # Checked against every pair, which find_duplicates itself never looks at.
        for (i, one), (j, other) in itertools.combinations(enumerate(contacts), 2):
            same_mail = one.email is not None and one.email.lower() == (other.email or "").lower()
            same_phone = one.phone is not None and one.phone == other.phone
            same_person = (
                one.organisation is not None
                and other.organisation is not None
                and organisation_key(one.organisation.name)
                == organisation_key(other.organisation.name)
                and sorted(one.name.lower().replace(",", "").split())
                == sorted(other.name.lower().replace(",", "").split())
            )
            if same_mail or same_phone or same_person:
                assert _together(groups, i, j), (i, j)

    @given(st.lists(small_world_contacts(), max_size=10), st.randoms())
    def test_the_groups_do_not_depend_on_the_order_of_the_records(
        self, contacts: list[Contact], random: Any
    ) -> None:
        order = list(range(len(contacts)))
        random.shuffle(order)
        shuffled = [contacts[n] for n in order]
        # The strict matches (e-mail, phone, the same name) link the same records
        # whatever their order; similar names are compared within a window.
        strict = [m for m in find_duplicates(contacts) if m.confidence >= PHONE_CONFIDENCE]
        again = [m for m in find_duplicates(shuffled) if m.confidence >= PHONE_CONFIDENCE]

        def linked(groups: tuple[tuple[int, ...], ...], back: list[int]) -> set[frozenset[int]]:
            """The groups, as sets of positions in *contacts*."""
            return {frozenset(back[n] for n in group) for group in groups}

        # shuffled[k] is contacts[order[k]].
        everyone = list(range(len(contacts)))
        assert linked(group_duplicates(strict), everyone) == linked(group_duplicates(again), order)


class TestGroupDuplicates:
    def test_a_chain_of_matches_is_one_group_and_confidence_can_cut_it(self) -> None:
        matches = [
            DuplicateMatch(first=1, second=4, reason=MatchReason.PHONE, confidence=80, shared="+1"),
            DuplicateMatch(
                first=0, second=4, reason=MatchReason.EMAIL, confidence=95, shared="a@b.c"
            ),
            DuplicateMatch(
                first=2, second=3, reason=MatchReason.EMAIL, confidence=95, shared="d@e.f"
            ),
        ]

        assert group_duplicates(matches) == ((0, 1, 4), (2, 3))
        assert group_duplicates(matches, min_confidence=90) == ((0, 4), (2, 3))

    def test_a_match_names_two_records_in_order(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            DuplicateMatch(first=3, second=3, reason=MatchReason.EMAIL, confidence=95, shared="x")

        assert caught.value.field == "second"


# --- merge -------------------------------------------------------------------------------------


def _lead(contact: Contact, evidence: Evidence, at: datetime = NOW) -> Lead:
    return to_lead(contact, evidence, as_of=at)[0]


class TestMerge:
    def test_the_most_advanced_stage_is_kept_and_empty_details_are_filled(self) -> None:
        older = _lead(
            person("Ada Lovelace", email="ada@example.com", job_title="Analyst"),
            qualifying_evidence(),
        )
        deal = promote(
            _lead(person("Ada Lovelace", phone="+442079460958"), qualifying_evidence()),
            ready_signals(observed_at=NOW),
            as_of=NOW + DAY,
        )[0]

        merged = merge([older, deal], as_of=NOW + 2 * DAY, by="ops")

        assert merged.kept == 1
        assert type(merged.value) is Opportunity
        assert merged.value.contact.phone == "+442079460958"
        assert merged.value.contact.email == "ada@example.com"
        assert merged.value.contact.job_title == "Analyst"
        assert merged.value.promotion == deal.promotion
        event = merged.value.history[-1]
        assert isinstance(event, RecordsMerged)
        assert (event.absorbed, event.by, event.from_stage) == (
            (older,),
            "ops",
            FunnelStage.OPPORTUNITY,
        )

    def test_a_detail_given_on_both_sides_is_never_overwritten_but_listed(self) -> None:
        mine = person("Ada Lovelace", email="ada@example.com", at=T0 + DAY)
        theirs = person("Ada King", email="ada@king.example", phone="+14155550100")

        merged = merge([theirs, mine], as_of=NOW)

        assert merged.kept == 1  # the contact changed last
        assert merged.value == attrs.evolve(mine, phone="+14155550100")
        assert [(c.field, c.kept, c.other, c.source) for c in merged.conflicts] == [
            ("contact.email", "ada@example.com", "ada@king.example", 0),
            ("contact.name", "Ada Lovelace", "Ada King", 0),
        ]

    def test_the_freshest_known_observation_wins_each_criterion(self) -> None:
        fresh = Evidence(
            need=NeedEvidence(level=NeedLevel.STRONG, observed_at=NOW),
            budget=BudgetEvidence(level=BudgetLevel.UNKNOWN),
        )
        stale = Evidence(
            need=NeedEvidence(level=NeedLevel.LATENT, observed_at=NOW - 30 * DAY),
            budget=BudgetEvidence(level=BudgetLevel.APPROVED, observed_at=NOW - 30 * DAY),
        )
        contact = person("Ada Lovelace", email="ada@example.com")
        one = disqualify(
            _lead(contact, qualifying_evidence()), reason=DisqualificationReason.OTHER, as_of=NOW
        )[0]
        kept = attrs.evolve(_lead(contact, qualifying_evidence(), at=NOW + DAY), evidence=fresh)
        other = attrs.evolve(one, evidence=stale)

        merged = merge([other, kept], as_of=NOW + 2 * DAY)

        assert merged.value.evidence.need.level is NeedLevel.STRONG  # type: ignore[union-attr]
        # An unknown budget never wins over a known one, however fresh.
        assert merged.value.evidence.budget.level is BudgetLevel.APPROVED  # type: ignore[union-attr]
        assert [c.field for c in merged.conflicts] == ["evidence.need"]

    def test_a_fresher_observation_on_a_less_advanced_record_wins_even_if_weaker(self) -> None:
        contact = person("Ada Lovelace", email="ada@example.com")
        stale = attrs.evolve(
            qualifying_evidence(),
            need=NeedEvidence(level=NeedLevel.STRONG, observed_at=NOW - 60 * DAY),
        )
        deal = promote(_lead(contact, stale), ready_signals(observed_at=NOW), as_of=NOW + DAY)[0]
        fresh = attrs.evolve(
            qualifying_evidence(),
            need=NeedEvidence(level=NeedLevel.EXPRESSED, observed_at=NOW + 2 * DAY, note="call"),
        )
        lead = _lead(contact, fresh, at=NOW + 2 * DAY)

        merged = merge([deal, lead], as_of=NOW + 3 * DAY)

        assert merged.kept == 0
        assert merged.value.evidence.need == fresh.need  # type: ignore[union-attr]
        (conflict,) = [c for c in merged.conflicts if c.field == "evidence.need"]
        assert (conflict.kept, conflict.other, conflict.source) == (fresh.need, stale.need, 0)

    @examples(0.25)
    @given(st.lists(lfst.leads() | lfst.opportunities(), min_size=2, max_size=3))
    def test_each_criterion_takes_the_freshest_observation_that_says_something(
        self, values: list[Lead | Opportunity]
    ) -> None:
        at = max(_changed(value) for value in values) + DAY

        merged = merge(values, as_of=at).value

        assert not isinstance(merged, Contact)
        for criterion in Criterion:
            parts = [value.evidence.part(criterion) for value in values]
            known = [part for part in parts if part != type(part)()]
            said = [
                p
                for p in known
                if any(
                    getattr(p, name) != getattr(type(p)(), name)
                    for name in ("level", "amount", "decision_date", "process")
                    if hasattr(p, name)
                )
            ]
            if not said:
                continue
            dated = [p.observed_at for p in said if p.observed_at is not None]
            got = merged.evidence.part(criterion)
            assert got in said
            if dated:
                assert got.observed_at == max(dated)

    def test_merging_a_record_with_itself_changes_nothing(self) -> None:
        lead = _lead(person("Ada", email="ada@example.com"), qualifying_evidence())

        assert merge([lead], as_of=NOW).value is lead
        same = merge([lead, copy.deepcopy(lead), lead], as_of=NOW)
        assert same.value is lead
        assert same.conflicts == ()

    def test_nothing_is_merged_into_the_past(self) -> None:
        lead = _lead(
            person("Ada", email="ada@example.com"), qualifying_evidence(), at=NOW + 5 * DAY
        )

        with pytest.raises(InvalidFieldError) as caught:
            merge([person("Ada", email="ada@example.com"), lead], as_of=NOW + DAY)

        assert caught.value.field == "as_of"

    def test_nothing_to_merge_is_refused(self) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            merge([], as_of=NOW)

        assert caught.value.field == "values"

    def test_the_history_of_a_merged_value_is_every_event_in_time_order(self) -> None:
        contact = person("Ada", email="ada@example.com")
        won = win(
            promote(
                _lead(contact, qualifying_evidence()),
                ready_signals(observed_at=NOW),
                as_of=NOW + DAY,
            )[0],
            as_of=NOW + 3 * DAY,
        )[0]
        lost = lose(
            promote(
                _lead(contact, qualifying_evidence(), at=NOW + DAY),
                ready_signals(observed_at=NOW),
                as_of=NOW + 2 * DAY,
            )[0],
            reason=LossReason.PRICE,
            as_of=NOW + 4 * DAY,
        )[0]

        merged = merge([lost, won], as_of=NOW + 5 * DAY).value

        assert type(merged) is Customer
        times = [event.at for event in history(merged)]
        assert times == sorted(times)
        assert [type(e).__name__ for e in history(merged)] == [
            "LeadQualified",
            "LeadPromoted",
            "LeadQualified",
            "LeadPromoted",
            "OpportunityWon",
            "OpportunityLost",
            "RecordsMerged",
        ]
        assert unstructure(structure(unstructure(merged), Customer)) == unstructure(merged)

    @examples(0.25)
    @given(st.lists(lfst.stages(), min_size=1, max_size=4), st.data())
    def test_merge_loses_nothing(self, values: list[Stage], data: st.DataObject) -> None:
        at = max(_changed(value) for value in values) + DAY
        snapshot = copy.deepcopy(values)

        merged = merge(values, as_of=at)

        assert values == snapshot
        result = merged.value
        assert result == values[merged.kept] or stage_of(result) is stage_of(values[merged.kept])
        if isinstance(result, Contact):
            for n, value in enumerate(values):
                for name in ("email", "phone", "organisation", "job_title", "source", "id", "name"):
                    mine, theirs = getattr(result, name), getattr(value, name)
                    listed = any(
                        c.source == n and c.field == f"contact.{name}" and c.other == theirs
                        for c in merged.conflicts
                    )
                    assert theirs is None or theirs == mine or listed
            return
        kept = values[merged.kept]
        assert result.history[: len(kept.history)] == kept.history  # type: ignore[union-attr]
        absorbed: tuple[Stage, ...] = ()
        if len(result.history) > len(kept.history):  # type: ignore[union-attr]
            event = result.history[-1]
            assert isinstance(event, RecordsMerged)
            absorbed = event.absorbed
        for value in values:
            assert value == kept or value in absorbed
        # Every event of every record is in the merged history.
        every = history(result)
        for value in values:
            for event in () if isinstance(value, Contact) else value.history:
                assert event in every

    @examples(0.25)
    @given(st.lists(lfst.stages(), min_size=2, max_size=4), st.randoms())
    def test_merge_does_not_depend_on_the_order_of_the_records(
        self, values: list[Stage], random: Any
    ) -> None:
        # The rule: it holds when no two records changed at the same instant.
        assume(len({_changed(v) for v in values}) == len(values))
        at = max(_changed(value) for value in values) + DAY
        shuffled = list(values)
        random.shuffle(shuffled)

        one, other = merge(values, as_of=at), merge(shuffled, as_of=at)

        assert one.value == other.value
        assert values[one.kept] == shuffled[other.kept]

    @examples(0.25)
    @given(lfst.stages())
    def test_the_most_advanced_record_is_kept(self, value: Stage) -> None:
        contact = value if isinstance(value, Contact) else value.contact
        at = _changed(value) + DAY

        merged = merge([contact, value], as_of=at)

        assert merged.value is value or stage_of(merged.value) is stage_of(value)
        assert merged.kept == (0 if isinstance(value, Contact) else 1)


def _changed(value: Stage) -> datetime:
    return value.created_at if isinstance(value, Contact) else value.updated_at
