"""The rules every CRM adapter follows: decisions, ratings, closing, pages and metadata."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from adapter_support import contact, decided
from leadflow import (
    InvalidFieldError,
    InvalidRecordError,
    LeadflowError,
    Rating,
    Verdict,
    WrongTypeError,
)
from leadflow.adapters import CrmLead, CrmMapping, WriteRatings, records
from leadflow.adapters._skeleton import (
    as_mapping,
    closes,
    creates_open,
    rating_to_write,
    record_of,
    refused_fields,
    written_rating,
)

RATINGS = {"Hot": Rating.HOT, "Warm": Rating.WARM, "Cold": Rating.COLD}


def is_null(value: object) -> bool:
    return value is None


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
    @pytest.mark.parametrize("close", [False, True])
    def test_a_new_lead_is_created_open_unless_its_disqualification_closes_it(
        self, verdict: Verdict, close: bool
    ) -> None:
        mapping = CrmMapping(close_disqualified=close)
        new = CrmLead(contact=contact())
        existing = attrs.evolve(new, id="L-1")
        decision = decided(new, verdict, Rating.WARM)

        closed = close and verdict is Verdict.DISQUALIFIED
        assert creates_open(new, decision, mapping) is not closed
        assert creates_open(existing, decision, mapping) is False
        assert creates_open(new, None, mapping) is False

    @pytest.mark.parametrize("verdict", list(Verdict))
    def test_only_a_disqualified_verdict_closes_and_only_when_opted_in(
        self, verdict: Verdict
    ) -> None:
        decision = decided(CrmLead(contact=contact()), verdict, Rating.COLD)

        assert closes(CrmMapping(), decision) is False
        assert closes(CrmMapping(close_disqualified=True), decision) is (
            verdict is Verdict.DISQUALIFIED
        )
        assert closes(CrmMapping(close_disqualified=True), None) is False


class TestRatings:
    # Written out from the rule: never writes nothing; if_unset writes over no rating
    # or the CRM's default only; always writes over any rating the table lists, but
    # never over a person's value the table does not list.
    @pytest.mark.parametrize(
        ("mode", "current", "written"),
        [
            (WriteRatings.NEVER, None, False),
            (WriteRatings.NEVER, "Warm", False),
            (WriteRatings.IF_UNSET, None, True),
            (WriteRatings.IF_UNSET, "Default", True),
            (WriteRatings.IF_UNSET, "Hot", False),
            (WriteRatings.IF_UNSET, "Very Hot", False),
            (WriteRatings.ALWAYS, None, True),
            (WriteRatings.ALWAYS, "Hot", True),
            (WriteRatings.ALWAYS, "Default", True),
            (WriteRatings.ALWAYS, "Very Hot", False),
        ],
    )
    def test_a_rating_is_written_as_the_mapping_says(
        self, mode: WriteRatings, current: object, written: bool
    ) -> None:
        decision = decided(CrmLead(contact=contact()), Verdict.QUALIFIED, Rating.COLD)

        found = rating_to_write(
            decision,
            CrmMapping(write_ratings=mode),
            current,
            RATINGS,
            null=is_null,
            unset=("Default",),
        )

        assert found is (Rating.COLD if written else None)

    def test_a_cold_undetermined_rating_is_never_written_even_always(self) -> None:
        decision = decided(CrmLead(contact=contact()), Verdict.UNDETERMINED, Rating.COLD)
        mapping = CrmMapping(write_ratings=WriteRatings.ALWAYS)

        assert rating_to_write(decision, mapping, None, RATINGS, null=is_null) is None

    def test_a_rating_is_compared_by_type_as_well(self) -> None:
        # Dynamics' code 1 is not the JSON true a bad record may hold.
        decision = decided(CrmLead(contact=contact()), Verdict.QUALIFIED, Rating.HOT)
        mapping = CrmMapping(write_ratings=WriteRatings.ALWAYS)
        codes = {1: Rating.HOT, 2: Rating.WARM, 3: Rating.COLD}

        assert rating_to_write(decision, mapping, 2, codes, null=is_null) is Rating.HOT
        assert rating_to_write(decision, mapping, True, codes, null=is_null) is None


class TestMappingOptions:
    def test_the_defaults_close_nothing_and_keep_a_person_s_rating(self) -> None:
        mapping = CrmMapping()

        assert mapping.close_disqualified is False
        assert mapping.write_ratings is WriteRatings.IF_UNSET
        assert mapping.read_only == frozenset()

    def test_read_only_fields_come_as_any_collection_of_names(self) -> None:
        assert CrmMapping(read_only=["Score__c", "Score__c"]).read_only == {"Score__c"}
        assert CrmMapping(read_only={"a", "b"}).read_only == frozenset({"a", "b"})

    @pytest.mark.parametrize("bad", ["Score__c", [""], [3], None])
    def test_bad_read_only_fields_are_refused_by_name(self, bad: object) -> None:
        with pytest.raises(LeadflowError) as caught:
            CrmMapping(read_only=bad)

        assert "read_only" in str(caught.value)

    def test_the_ratings_mode_is_read_from_its_name(self) -> None:
        assert CrmMapping(write_ratings="always").write_ratings is WriteRatings.ALWAYS

    def test_an_unknown_ratings_mode_is_refused(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            CrmMapping(write_ratings="sometimes")

        assert caught.value.field == "write_ratings"
        assert caught.value.value == "sometimes"

    def test_closing_is_a_boolean(self) -> None:
        with pytest.raises(WrongTypeError):
            CrmMapping(close_disqualified="yes")  # type: ignore[arg-type]


@attrs.frozen
class Model:
    """A stand-in for an SDK's model object: its fields come from to_dict()."""

    fields: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.fields)


class Broken:
    def to_dict(self) -> dict[str, Any]:
        raise RuntimeError("no session")


LEAD = {"Id": "00Q1", "LastName": "Hopper"}


class TestPages:
    def test_a_list_is_its_records(self) -> None:
        assert list(records([LEAD, LEAD])) == [LEAD, LEAD]

    @pytest.mark.parametrize("field", ["records", "value", "results"])
    def test_a_page_gives_the_records_it_holds(self, field: str) -> None:
        page = {"totalSize": 2, "done": True, field: [LEAD, {"Id": "00Q2"}], "other": 1}

        assert list(records(page)) == [LEAD, {"Id": "00Q2"}]

    def test_an_ordered_dict_page_of_ordered_dicts_is_read_as_it_comes(self) -> None:
        record = OrderedDict(LEAD)
        page = OrderedDict([("totalSize", 1), ("done", True), ("records", [record])])

        assert list(records(page)) == [record]

    def test_an_sdk_page_is_read_through_to_dict(self) -> None:
        page = Model({"paging": None, "results": [LEAD]})

        assert list(records(page)) == [LEAD]

    def test_a_single_record_is_a_page_of_one(self) -> None:
        assert list(records(LEAD)) == [LEAD]

    def test_any_iterable_of_records_is_a_page(self) -> None:
        def generated() -> Iterator[dict[str, str]]:
            yield LEAD

        assert list(records(generated())) == [LEAD]

    @pytest.mark.parametrize("value", ["text", 3, None])
    def test_anything_else_is_one_record_for_read_lead_to_refuse(self, value: object) -> None:
        assert list(records(value)) == [value]


class TestSdkObjects:
    def test_an_sdk_model_is_read_as_its_fields(self) -> None:
        assert as_mapping(Model(LEAD)) == LEAD
        assert record_of(Model(LEAD), "lead") == LEAD

    def test_a_model_whose_to_dict_fails_is_a_bad_record(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            record_of(Broken(), "lead")

        assert "expected a JSON object" in str(caught.value)


class TestMetadata:
    def test_refused_fields_are_those_the_metadata_marks(self) -> None:
        metadata = {
            "fields": [
                {"name": "Email", "updateable": True},
                {"name": "Score__c", "updateable": False},
                Model({"name": "PhotoUrl", "updateable": False}),
            ]
        }

        found = refused_fields(
            metadata,
            "describe",
            items="fields",
            name="name",
            refused=lambda field: field.get("updateable") is False,
        )

        assert found == {"Score__c", "PhotoUrl"}

    def test_metadata_without_its_list_is_refused_naming_it(self) -> None:
        with pytest.raises(InvalidRecordError) as caught:
            refused_fields({"fieldz": []}, "describe", items="fields", name="name", refused=bool)

        assert [error.field for error in caught.value.errors] == ["fields"]

    def test_every_bad_description_is_reported(self) -> None:
        metadata = {"fields": [{"name": "Email"}, {"label": "no name"}, 7]}

        with pytest.raises(InvalidRecordError) as caught:
            refused_fields(metadata, "describe", items="fields", name="name", refused=bool)

        assert [error.field for error in caught.value.errors] == ["fields[1]", "fields[2]"]
        assert all(isinstance(error, InvalidFieldError) for error in caught.value.errors)
