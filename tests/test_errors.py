"""The error hierarchy: one base class, the fitting builtins, and structured fields."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import attrs
import pytest

import leadflow.errors
from leadflow import (
    Contact,
    CurrencyMismatchError,
    Evidence,
    IllegalTransitionError,
    InvalidEmailError,
    InvalidFieldError,
    InvalidPhoneError,
    InvalidPolicyError,
    InvalidRecordError,
    LeadflowError,
    Money,
    NaiveDatetimeError,
    NotQualifiedError,
    PromotionRefusedError,
    PromotionSignals,
    WrongTypeError,
    promote,
    to_lead,
    win,
)
from leadflow.presets import BANT
from support import NOW, ada, qualifying_evidence

UTC = timezone.utc

# The builtins each concrete error must also be, stated by hand: a caller written against
# the builtins (`except ValueError`) keeps working.
BUILTINS: dict[type[LeadflowError], tuple[type[Exception], ...]] = {
    InvalidFieldError: (ValueError,),
    WrongTypeError: (ValueError, TypeError),
    InvalidEmailError: (ValueError,),
    InvalidPhoneError: (ValueError,),
    NaiveDatetimeError: (ValueError,),
    InvalidPolicyError: (ValueError,),
    CurrencyMismatchError: (ValueError,),
    InvalidRecordError: (ValueError,),
    IllegalTransitionError: (ValueError,),
    NotQualifiedError: (ValueError,),
    PromotionRefusedError: (ValueError,),
}


class TestHierarchy:
    def test_every_public_error_is_listed_with_its_builtins(self) -> None:
        public = {getattr(leadflow.errors, name) for name in leadflow.errors.__all__}

        assert public - {LeadflowError} == set(BUILTINS)

    @pytest.mark.parametrize(("error", "builtins"), BUILTINS.items())
    def test_every_concrete_error_is_a_leadflow_error_and_the_builtin_that_fits(
        self, error: type[LeadflowError], builtins: tuple[type[Exception], ...]
    ) -> None:
        assert issubclass(error, LeadflowError)
        for builtin in builtins:
            assert issubclass(error, builtin)

    def test_a_wrong_type_is_both_a_value_error_and_a_type_error(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            Money(Decimal(1), 978)

        assert isinstance(caught.value, ValueError)
        assert isinstance(caught.value, TypeError)
        assert isinstance(caught.value, InvalidFieldError)

    def test_field_errors_share_one_base_that_carries_the_field(self) -> None:
        for error in (InvalidEmailError, InvalidPhoneError, NaiveDatetimeError, InvalidPolicyError):
            assert issubclass(error, InvalidFieldError)

    def test_refused_moves_are_illegal_transitions(self) -> None:
        assert issubclass(NotQualifiedError, IllegalTransitionError)
        assert issubclass(PromotionRefusedError, IllegalTransitionError)

    def test_leadflow_error_itself_is_not_a_value_error(self) -> None:
        # The base class only marks "raised on purpose"; the concrete classes pick a builtin.
        assert not issubclass(LeadflowError, ValueError)
        assert issubclass(LeadflowError, Exception)


class TestFieldErrors:
    def test_a_bad_email_names_the_field_the_value_and_the_reason(self) -> None:
        with pytest.raises(InvalidEmailError) as caught:
            Contact(name="Ada", email="ada at example", created_at=NOW)

        error = caught.value
        assert error.field == "email"
        assert error.value == "ada at example"
        assert error.reason
        assert error.path == "$.email"
        assert "email" in str(error)
        assert repr("ada at example") in str(error)
        assert error.reason in str(error)

    def test_a_bad_phone_names_the_field_and_the_value(self) -> None:
        with pytest.raises(InvalidPhoneError) as caught:
            Contact(name="Ada", phone="12", created_at=NOW)

        assert caught.value.field == "phone"
        assert caught.value.value == "12"
        assert "phone" in str(caught.value)
        assert "'12'" in str(caught.value)

    def test_an_error_moved_to_another_field_keeps_its_class_value_and_reason(self) -> None:
        error = InvalidEmailError("email", "ada at example", "no @")

        moved, nested = error.at("$row.contact_email"), error.under("contact")

        assert type(moved) is InvalidEmailError
        assert (moved.field, moved.value, moved.reason) == (
            "$row.contact_email",
            "ada at example",
            "no @",
        )
        assert nested.field == "contact.email"
        assert nested.path == "$.contact.email"
        assert str(nested) == "contact.email: no @ (got 'ada at example')"
        assert error.field == "email"  # the original is left as it was

    def test_a_naive_datetime_names_the_field(self) -> None:
        naive = datetime(2026, 3, 2, 9, 0)
        with pytest.raises(NaiveDatetimeError) as caught:
            Contact(name="Ada", email="ada@example.com", created_at=naive)

        assert caught.value.field == "created_at"
        assert caught.value.value == naive

    def test_a_wrong_type_names_the_field_and_the_type_given(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            Money(0.1, "EUR")

        assert caught.value.field == "amount"
        assert caught.value.value == 0.1
        assert "float" in caught.value.reason

    def test_a_field_without_a_name_is_the_root_path(self) -> None:
        assert InvalidFieldError("", 1, "bad").path == "$"

    def test_nesting_an_error_prefixes_its_path_and_keeps_its_type(self) -> None:
        error = InvalidEmailError("email", "x", "not an email address")

        nested = error.under("contact")

        assert type(nested) is InvalidEmailError
        assert nested.field == "contact.email"
        assert nested.path == "$.contact.email"
        assert (nested.value, nested.reason) == ("x", "not an email address")
        assert error.field == "email"  # the original is left as it was

    def test_nesting_a_root_error_gives_the_prefix_itself(self) -> None:
        assert WrongTypeError("", 3, "expected a mapping").under("organisation").path == (
            "$.organisation"
        )

    def test_long_values_are_shortened_in_the_message(self) -> None:
        error = InvalidFieldError("note", "x" * 500, "too long")

        assert len(str(error)) < 200
        assert "..." in str(error)
        assert error.value == "x" * 500  # the field itself keeps the whole value

    def test_a_policy_error_names_the_policy_field(self) -> None:
        with pytest.raises(InvalidPolicyError) as caught:
            attrs.evolve(BANT, threshold=101)

        assert caught.value.field == "threshold"
        assert caught.value.value == 101


class TestValuesTooDeepToShow:
    def test_a_value_too_deep_to_repr_is_named_by_its_type(self) -> None:
        # What repr() of JSON nested thousands of levels deep raises (how deep depends
        # on the Python version), without depending on one.
        class Nested:
            def __repr__(self) -> str:
                raise RecursionError("maximum recursion depth exceeded")

        deep = Nested()

        error = InvalidFieldError("name", deep, "expected a string")

        assert str(error) == "name: expected a string (got <Nested nested too deep to show>)"
        assert error.value is deep

    def test_a_deeply_nested_list_gives_a_message_whatever_the_depth(self) -> None:
        deep: list[object] = []
        inner = deep
        for _ in range(5000):
            nested: list[object] = []
            inner.append(nested)
            inner = nested

        message = str(InvalidFieldError("name", deep, "expected a string"))

        assert message.startswith("name: expected a string (got ")
        assert len(message) < 200


class TestCurrencyMismatch:
    def test_it_names_both_currencies(self) -> None:
        with pytest.raises(CurrencyMismatchError) as caught:
            Money(1, "EUR") + Money(1, "USD")

        assert (caught.value.left, caught.value.right) == ("EUR", "USD")
        assert "EUR" in str(caught.value)
        assert "USD" in str(caught.value)


class TestInvalidRecord:
    def test_it_lists_every_bad_field_with_its_path(self) -> None:
        errors = [
            InvalidEmailError("email", "nope", "not an email address"),
            NaiveDatetimeError("created_at", datetime(2026, 1, 1), "datetime has no timezone"),
        ]

        record = InvalidRecordError(errors, "contact")

        assert record.errors == tuple(errors)
        message = str(record)
        assert "invalid contact" in message
        assert "2 bad fields" in message
        assert "$.email: not an email address" in message
        assert "$.created_at: datetime has no timezone" in message

    def test_one_bad_field_is_singular(self) -> None:
        record = InvalidRecordError([InvalidFieldError("name", None, "is required")])

        assert "1 bad field\n" in str(record)


class TestTransitionErrors:
    def test_an_illegal_move_names_the_move_and_both_stages(self) -> None:
        lead, _ = to_lead(ada(), qualifying_evidence(), as_of=NOW)

        with pytest.raises(IllegalTransitionError) as caught:
            win(lead, as_of=NOW)  # type: ignore[arg-type]

        error = caught.value
        assert (error.transition, error.from_stage, error.to_stage) == ("win", "lead", "customer")
        assert "win" in str(error)
        assert "lead" in str(error)
        assert "customer" in str(error)

    def test_not_qualified_carries_the_decision_and_its_next_steps(self) -> None:
        with pytest.raises(NotQualifiedError) as caught:
            to_lead(ada(), Evidence(), as_of=NOW)

        error = caught.value
        assert (error.transition, error.from_stage, error.to_stage) == (
            "qualify",
            "contact",
            "lead",
        )
        assert not error.decision.qualified
        assert error.decision.score == 0
        assert error.decision.next_steps
        for step in error.decision.next_steps:
            assert step in str(error)

    def test_a_refused_promotion_carries_the_decision_and_its_next_steps(self) -> None:
        lead, _ = to_lead(ada(), qualifying_evidence(), as_of=NOW)

        with pytest.raises(PromotionRefusedError) as caught:
            promote(lead, PromotionSignals(), as_of=NOW)

        error = caught.value
        assert (error.transition, error.from_stage, error.to_stage) == (
            "promote",
            "lead",
            "opportunity",
        )
        assert not error.decision.promotable
        assert error.decision.next_steps
        for step in error.decision.next_steps:
            assert step in str(error)
