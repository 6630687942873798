"""Money: exact Decimal amounts in one currency, never mixed, never float."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow import CurrencyMismatchError, InvalidFieldError, LeadflowError, Money, WrongTypeError
from leadflow import strategies as lfst

CODES = ["EUR", "USD", "GBP", "JPY", "CHF"]

MIXING: dict[str, Callable[[Money, Money], object]] = {
    "+": operator.add,
    "-": operator.sub,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@st.composite
def different_currencies(draw: st.DrawFn) -> tuple[Money, Money]:
    """Two amounts whose currencies differ (drawn as a unique pair, not filtered)."""
    left, right = draw(st.lists(st.sampled_from(CODES), min_size=2, max_size=2, unique=True))
    return draw(lfst.money(st.just(left))), draw(lfst.money(st.just(right)))


@st.composite
def same_currency(draw: st.DrawFn, count: int) -> list[Money]:
    """*count* amounts in one currency."""
    code = draw(st.sampled_from(CODES))
    return draw(st.lists(lfst.money(st.just(code)), min_size=count, max_size=count))


class TestExactness:
    def test_tenths_add_up_exactly(self) -> None:
        # 0.1 + 0.2 != 0.3 in binary floating point; money must not drift.
        assert Money("0.10", "EUR") + Money("0.20", "EUR") == Money("0.30", "EUR")

    def test_ten_cents_ten_times_is_one_euro(self) -> None:
        total = Money.zero("EUR")
        for _ in range(10):
            total += Money("0.10", "EUR")

        assert total == Money(1, "EUR")
        assert total.amount == Decimal("1.00")

    def test_the_amount_is_always_a_decimal(self) -> None:
        assert isinstance(Money(12, "EUR").amount, Decimal)
        assert isinstance(Money("12.50", "EUR").amount, Decimal)
        assert Money(" 12.50 ", "EUR").amount == Decimal("12.50")

    def test_trailing_zeros_do_not_make_a_different_amount(self) -> None:
        assert Money("1.5", "EUR") == Money("1.50", "EUR")
        assert hash(Money("1.5", "EUR")) == hash(Money("1.50", "EUR"))

    def test_an_amount_times_an_integer_is_exact(self) -> None:
        assert Money("19.99", "GBP") * 3 == Money("59.97", "GBP")
        assert 3 * Money("19.99", "GBP") == Money("59.97", "GBP")

    def test_it_reads_as_amount_and_currency(self) -> None:
        assert str(Money("1200.50", "EUR")) == "1200.50 EUR"

    def test_money_is_immutable(self) -> None:
        amount = Money(1, "EUR")

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            amount.amount = Decimal(2)  # type: ignore[misc]


class TestCurrency:
    @pytest.mark.parametrize("given_code", ["eur", "EUR", " Eur ", "eUr"])
    def test_currency_codes_are_upper_cased_and_stripped(self, given_code: str) -> None:
        assert Money(1, given_code).currency == "EUR"

    @pytest.mark.parametrize("bad", ["EURO", "E", "", "12A", "€", "US D"])
    def test_anything_but_three_letters_is_refused(self, bad: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Money(1, bad)

        assert caught.value.field == "currency"
        assert caught.value.value == bad

    def test_a_currency_that_is_not_a_string_is_a_wrong_type(self) -> None:
        with pytest.raises(WrongTypeError) as caught:
            Money(1, 978)

        assert caught.value.field == "currency"

    def test_equal_amounts_in_different_currencies_are_not_equal(self) -> None:
        assert Money(1, "EUR") != Money(1, "USD")


class TestRefusedAmounts:
    @pytest.mark.parametrize("amount", [0.1, 1.0, float("nan"), float("inf")])
    def test_floats_are_refused(self, amount: float) -> None:
        with pytest.raises(WrongTypeError) as caught:
            Money(amount, "EUR")

        assert caught.value.field == "amount"
        assert isinstance(caught.value, TypeError)

    @pytest.mark.parametrize("amount", [True, False])
    def test_booleans_are_not_amounts(self, amount: bool) -> None:
        with pytest.raises(WrongTypeError):
            Money(amount, "EUR")

    @pytest.mark.parametrize(
        "amount",
        [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), "NaN", "inf"],
    )
    def test_not_a_number_and_infinity_are_refused(self, amount: Decimal | str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Money(amount, "EUR")

        assert caught.value.field == "amount"
        assert not isinstance(caught.value, TypeError)

    @pytest.mark.parametrize("amount", ["", "twelve", "1,50", "1.5.0", "0x10"])
    def test_text_that_is_not_a_number_is_refused(self, amount: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Money(amount, "EUR")

        assert caught.value.field == "amount"
        assert caught.value.value == amount


class TestAmountsFromText:
    # Text is read as every decimal leadflow reads: plain notation, at most 18 digits
    # before the point (so no sum of amounts read can overflow).
    @pytest.mark.parametrize(
        ("text", "amount"),
        [(" 1200.50 ", Decimal("1200.50")), ("-5", Decimal(-5)), ("9" * 18, Decimal("9" * 18))],
    )
    def test_plain_decimal_text_is_an_amount(self, text: str, amount: Decimal) -> None:
        assert Money(text, "EUR").amount == amount

    @pytest.mark.parametrize("text", ["1e3", "9E+999999", "1_000", ".5", "5.", "+5", "9" * 19])
    def test_exponents_separators_signs_and_huge_numbers_are_refused(self, text: str) -> None:
        with pytest.raises(InvalidFieldError) as caught:
            Money(text, "EUR")

        assert (caught.value.field, caught.value.value) == ("amount", text)

    def test_an_int_or_a_decimal_is_taken_up_to_the_amount_limit(self) -> None:
        # The results of arithmetic may grow past the bound that input keeps to (10**18),
        # up to Money's own (10**36).
        assert Money(10**30, "EUR") * 2 == Money(2 * 10**30, "EUR")


class TestMixingCurrencies:
    @given(different_currencies(), st.sampled_from(sorted(MIXING)))
    def test_combining_or_comparing_different_currencies_raises(
        self, pair: tuple[Money, Money], symbol: str
    ) -> None:
        left, right = pair

        with pytest.raises(CurrencyMismatchError) as caught:
            MIXING[symbol](left, right)

        assert (caught.value.left, caught.value.right) == (left.currency, right.currency)
        assert isinstance(caught.value, LeadflowError)

    def test_the_example_of_the_docs_raises_on_less_than(self) -> None:
        with pytest.raises(CurrencyMismatchError):
            _ = Money(1, "EUR") < Money(1, "USD")


class TestSameCurrencyLaws:
    @given(same_currency(2))
    def test_addition_is_commutative(self, amounts: list[Money]) -> None:
        a, b = amounts

        assert a + b == b + a

    @given(same_currency(3))
    def test_addition_is_associative(self, amounts: list[Money]) -> None:
        a, b, c = amounts

        assert (a + b) + c == a + (b + c)

    @given(lfst.money())
    def test_zero_is_the_identity(self, amount: Money) -> None:
        zero = Money.zero(amount.currency)

        assert amount + zero == amount
        assert zero + amount == amount
        assert amount - zero == amount
        assert amount - amount == zero

    @given(same_currency(2))
    def test_subtracting_what_was_added_gives_back_the_amount(self, amounts: list[Money]) -> None:
        a, b = amounts

        assert (a + b) - b == a

    @given(same_currency(2))
    def test_sums_keep_the_currency_and_add_the_amounts(self, amounts: list[Money]) -> None:
        a, b = amounts

        total = a + b

        assert total.currency == a.currency
        assert total.amount == a.amount + b.amount

    @given(same_currency(2))
    def test_amounts_of_one_currency_order_like_their_numbers(self, amounts: list[Money]) -> None:
        a, b = amounts

        assert (a < b) == (a.amount < b.amount)
        assert (a <= b) == (a.amount <= b.amount)
        assert (a > b) == (a.amount > b.amount)
        assert (a >= b) == (a.amount >= b.amount)

    @given(lfst.money(), st.integers(min_value=0, max_value=6))
    def test_multiplying_is_repeated_addition(self, amount: Money, times: int) -> None:
        total = Money.zero(amount.currency)
        for _ in range(times):
            total += amount

        assert amount * times == total
