"""The value every CRM adapter reads a lead into: CrmLead."""

from __future__ import annotations

from typing import Any

import pytest

from adapter_support import contact
from leadflow import (
    Evidence,
    InvalidFieldError,
    WrongTypeError,
)
from leadflow.adapters import (
    CrmLead,
)


class TestCrmLead:
    def test_extras_are_a_deep_copy_of_what_was_given(self) -> None:
        given_extras: dict[str, Any] = {"tags": ["vip"], "owner": {"name": "Ada"}}

        crm_lead = CrmLead(contact=contact(), extras=given_extras)
        given_extras["tags"].append("changed")
        given_extras["owner"]["name"] = "changed"
        given_extras["new"] = 1

        assert dict(crm_lead.extras) == {"tags": ["vip"], "owner": {"name": "Ada"}}

    def test_extras_cannot_be_replaced_in_place(self) -> None:
        crm_lead = CrmLead(contact=contact(), extras={"subject": "x"})

        with pytest.raises(TypeError):
            crm_lead.extras["subject"] = "y"  # type: ignore[index]

    def test_field_names_are_strings(self) -> None:
        with pytest.raises(WrongTypeError):
            CrmLead(contact=contact(), extras={1: "x"})

    @pytest.mark.parametrize("bad", [True, 1.5, "", " 42"])
    def test_a_record_id_is_a_non_blank_string_or_an_int(self, bad: object) -> None:
        with pytest.raises(InvalidFieldError):
            CrmLead(contact=contact(), id=bad)  # type: ignore[arg-type]

    def test_leads_with_equal_parts_are_equal_and_hash_alike(self) -> None:
        one = CrmLead(contact=contact(), id=7, extras={"a": [1]})
        two = CrmLead(contact=contact(), id=7, extras={"a": [1]})

        assert one == two
        assert hash(one) == hash(two)

    def test_the_evidence_defaults_to_knowing_nothing(self) -> None:
        assert CrmLead(contact=contact()).evidence == Evidence()
