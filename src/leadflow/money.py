"""Money: a Decimal amount in one ISO 4217 currency."""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Final

import attrs

from leadflow._validate import type_name
from leadflow.errors import CurrencyMismatchError, InvalidFieldError, WrongTypeError

__all__ = ["Money"]

_CURRENCY: Final = re.compile(r"[A-Z]{3}")


def _to_decimal(value: object) -> Decimal:
    # Floats are refused: 0.1 has no exact binary form, and money must be exact.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise WrongTypeError(
            "amount", value, f"expected a Decimal, int or numeric string, not {type_name(value)}"
        )
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise InvalidFieldError("amount", value, "not a decimal number") from None
    if not amount.is_finite():
        raise InvalidFieldError("amount", value, "must be a finite number")
    return amount


def _to_currency(value: object) -> str:
    if not isinstance(value, str):
        raise WrongTypeError("currency", value, f"expected a string, not {type_name(value)}")
    code = value.strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise InvalidFieldError("currency", value, "not an ISO 4217 currency code")
    return code


# total_ordering derives <=, >, >= from __lt__, so every comparison checks currency.
@functools.total_ordering
@attrs.frozen(order=False)
class Money:
    """An exact amount of money in one currency.

    Amounts of different currencies never mix: comparing or adding them raises
    :class:`~leadflow.errors.CurrencyMismatchError`.

    Attributes:
        amount: The amount, a :class:`~decimal.Decimal` (ints and numeric strings are
            converted; floats are refused).
        currency: ISO 4217 code, upper-cased on the way in (``"EUR"``).

    >>> Money("1200.50", "eur") + Money(300, "EUR")
    Money(amount=Decimal('1500.50'), currency='EUR')
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
