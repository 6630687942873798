"""Money: a Decimal amount in one ISO 4217 currency."""

from __future__ import annotations

import functools
from decimal import Context, Decimal
from typing import Final

import attrs

from leadflow import _grammar as g
from leadflow._validate import type_name
from leadflow.errors import CurrencyMismatchError, InvalidFieldError, WrongTypeError

__all__ = ["AMOUNT_LIMIT", "MAX_AMOUNT_DIGITS", "MAX_AMOUNT_PLACES", "Money"]


#: Digits an amount may have before its point: 18 more than any decimal read from text
#: (the grammar's ``MAX_DIGITS``, 18), so that a total of up to 10**9 amounts read from
#: input, times a factor of up to 10**9 (a quantity, a rate), is still an amount.
MAX_AMOUNT_DIGITS: Final = g.MAX_DIGITS + 18
#: Every amount is smaller than this in size: 10**36.
AMOUNT_LIMIT: Final = Decimal(10**MAX_AMOUNT_DIGITS)
#: Digits an amount may have after its point, as any decimal read (400).
MAX_AMOUNT_PLACES: Final = g.MAX_PLACES

# The context Money adds and subtracts in: enough digits for the exact sum of any two
# amounts within the bounds (one more before the point than an amount may have), so no
# sum is rounded; a sum beyond the bounds is then refused by the converter. Exponents
# as wide as Decimal allows, so that no product overflows before it is refused.
_EXACT: Final = Context(
    prec=MAX_AMOUNT_DIGITS + 1 + MAX_AMOUNT_PLACES, Emax=999_999_999, Emin=-999_999_999
)
_TOO_LARGE: Final = f"too large: an amount has at most {MAX_AMOUNT_DIGITS} digits before the point"
_TOO_PRECISE: Final = (
    f"too precise: an amount has at most {MAX_AMOUNT_PLACES} digits after the point"
)


def _to_decimal(value: object) -> Decimal:
    # Text is read by the grammar's decimal rule (plain notation, at most 18 digits
    # before the point); an int or a Decimal may be larger, for totals grow past what
    # input keeps to, up to the bounds above. Floats are refused: 0.1 has no exact
    # binary form, and money must be exact.
    if isinstance(value, str):
        return g.read_decimal("amount", value)
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise WrongTypeError(
            "amount", value, f"expected a Decimal, int or numeric string, not {type_name(value)}"
        )
    if isinstance(value, int):
        if -AMOUNT_LIMIT < value < AMOUNT_LIMIT:
            return Decimal(value)
        raise InvalidFieldError("amount", value, _TOO_LARGE)
    if not value.is_finite():
        raise InvalidFieldError("amount", value, "must be a finite number")
    if value.copy_abs() >= AMOUNT_LIMIT:  # exact, where abs() rounds to the context
        raise InvalidFieldError("amount", value, _TOO_LARGE)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_AMOUNT_PLACES:
        raise InvalidFieldError("amount", value, _TOO_PRECISE)
    return value


def _to_currency(value: object) -> str:
    return g.read_currency("currency", value)


# total_ordering derives <=, >, >= from __lt__, so every comparison checks currency.
@functools.total_ordering
@attrs.frozen(order=False)
class Money:
    """An exact amount of money in one currency.

    Amounts of different currencies never mix: comparing or adding them raises
    :class:`~leadflow.errors.CurrencyMismatchError`. ``sum()`` adds amounts of one
    currency (``0 + money`` is ``money``); ``sum([])`` is still the int ``0``, for an
    empty list has no currency, so give a start for an empty total in a currency:
    ``sum(amounts, Money.zero("EUR"))``.

    Amounts are bounded, so that adding and comparing them is always exact: an amount
    is smaller than 10**36 in size (:data:`AMOUNT_LIMIT`, at most 36 digits before the
    point) and has at most 400 digits after it. Text holds at most 18 digits before the
    point, as every decimal read does, so a total of up to 10**9 amounts read from input,
    times a factor of up to 10**9, is still an amount; a sum or product beyond the bounds raises
    :class:`~leadflow.errors.InvalidFieldError` (field ``amount``), never a
    :mod:`decimal` signal, and no sum is ever rounded.

    Attributes:
        amount: The amount, a :class:`~decimal.Decimal` (ints are converted, and text
            in plain decimal notation, ``"1200.50"``, as every decimal is read; floats
            are refused).
        currency: ISO 4217 code, three letters, upper-cased on the way in (``"EUR"``).

    >>> Money("1200.50", "eur") + Money(300, "EUR")
    Money(amount=Decimal('1500.50'), currency='EUR')
    >>> sum([Money(1, "EUR"), Money("2.50", "EUR")])
    Money(amount=Decimal('3.50'), currency='EUR')
    >>> sum([], Money.zero("EUR"))
    Money(amount=Decimal('0'), currency='EUR')
    >>> Money(1, "EUR") < Money(1, "USD")
    Traceback (most recent call last):
    ...
    leadflow.errors.CurrencyMismatchError: cannot combine amounts in EUR and USD
    """

    amount: Decimal = attrs.field(converter=_to_decimal)
    currency: str = attrs.field(converter=_to_currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(_EXACT.add(self.amount, other.amount), self.currency)

    def __radd__(self, other: int) -> Money:
        # sum() starts from the int 0, so 0 + money is the money. Only that exact 0: any
        # other number (or False, which equals 0) has no currency and is refused.
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(_EXACT.subtract(self.amount, other.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, (Decimal, int)):
            return NotImplemented
        number = Decimal(factor)
        if not number.is_finite():
            raise InvalidFieldError("factor", factor, "must be a finite number")
        try:
            product = _EXACT.multiply(self.amount, number)
        except ArithmeticError:  # decimal.Overflow: beyond any exponent
            raise InvalidFieldError("amount", factor, _TOO_LARGE) from None
        return Money(product, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount < other.amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return no money in *currency*."""
        return cls(Decimal(0), currency)
