"""Money: a Decimal amount in one ISO 4217 currency."""

from __future__ import annotations

import functools
from decimal import Decimal

import attrs

from leadflow import _grammar as g
from leadflow._validate import type_name
from leadflow.errors import CurrencyMismatchError, InvalidFieldError, WrongTypeError

__all__ = ["Money"]


def _to_decimal(value: object) -> Decimal:
    # Text is read by the grammar's decimal rule (plain notation, bounded); an int or a
    # Decimal is taken as it is, for the results of arithmetic may grow past any bound
    # that input keeps to. Floats are refused: 0.1 has no exact binary form, and money
    # must be exact.
    if isinstance(value, str):
        return g.read_decimal("amount", value)
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise WrongTypeError(
            "amount", value, f"expected a Decimal, int or numeric string, not {type_name(value)}"
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidFieldError("amount", value, "must be a finite number")
    return amount


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
        return Money(self.amount + other.amount, self.currency)

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
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, (Decimal, int)):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

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
