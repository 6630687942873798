"""The one exception hierarchy of leadflow.

Every exception leadflow raises on purpose derives from :class:`LeadflowError`.
Concrete errors also derive from the builtin that fits (``ValueError``,
``TypeError``), so code written against the builtins keeps working.

Errors carry structured fields -- which field, which value, which transition --
so a caller can act on them without parsing messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from leadflow.decisions import PromotionDecision, QualificationDecision

__all__ = [
    "CurrencyMismatchError",
    "IllegalTransitionError",
    "InvalidEmailError",
    "InvalidFieldError",
    "InvalidPhoneError",
    "InvalidPolicyError",
    "InvalidRecordError",
    "LeadflowError",
    "NaiveDatetimeError",
    "NotQualifiedError",
    "PromotionRefusedError",
    "WrongTypeError",
]


class LeadflowError(Exception):
    """Base class of every error leadflow raises on purpose."""


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


#: The stages named by an adjective, as the noun a message says ("a nurtured lead").
_STAGE_NOUNS: Final = {
    "nurtured": "nurtured lead",
    "disqualified": "disqualified lead",
    "lost": "lost opportunity",
}


def _noun(stage: str) -> str:
    return _STAGE_NOUNS.get(stage, stage)


def _short(value: object) -> str:
    if isinstance(value, (str, bytes)) and len(value) > 80:
        # Only the start is shown: no need to spell out megabytes of text first.
        value = value[:80]
        text = repr(value)
        return text[:77] + "..."
    try:
        text = repr(value)
    except (RecursionError, MemoryError):
        # A value nested too deep to show (JSON thousands of levels deep) is named by type.
        text = f"<{type(value).__name__} nested too deep to show>"
    return text if len(text) <= 80 else text[:77] + "..."


class InvalidFieldError(LeadflowError, ValueError):
    """A field holds a value leadflow cannot accept.

    Attributes:
        field: Dotted name of the field, e.g. ``"email"`` or ``"need.observed_at"``.
        value: The rejected value, as given.
        reason: Why it was rejected, in plain words.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {reason} (got {_short(value)})")

    @property
    def path(self) -> str:
        """The field as a JSON path, e.g. ``$.need.observed_at``."""
        if not self.field:
            return "$"
        # An index at the root ("[0].email") follows "$" directly: "$[0].email".
        return "$" + self.field if self.field.startswith("[") else "$." + self.field

    def at(self, field: str) -> InvalidFieldError:
        """A copy of this error (same class, value and reason) at *field*.

        The one way an error is moved to where its field sits in a larger value
        (a record's column, a path in a JSON document).
        """
        clone = type(self).__new__(type(self))
        InvalidFieldError.__init__(clone, field, self.value, self.reason)
        return clone

    def under(self, prefix: str) -> InvalidFieldError:
        """A copy of this error whose field is nested under *prefix*."""
        return self.at(f"{prefix}.{self.field}" if self.field else prefix)


class WrongTypeError(InvalidFieldError, TypeError):
    """A field holds a value of the wrong type."""


class InvalidEmailError(InvalidFieldError):
    """An email address is not usable."""


class InvalidPhoneError(InvalidFieldError):
    """A phone number is not usable."""


class NaiveDatetimeError(InvalidFieldError):
    """A datetime has no timezone; leadflow only accepts aware datetimes."""


class InvalidPolicyError(InvalidFieldError):
    """A policy is malformed: weights, levels, thresholds or bands do not add up.

    A policy is checked whole: when several fields are bad, the error names the
    first (``field``, ``value``, ``reason``) and lists every one in ``errors``.

    Attributes:
        errors: Every bad field found, this error's own first.
    """

    _others: tuple[InvalidPolicyError, ...] = ()

    @property
    def errors(self) -> tuple[InvalidPolicyError, ...]:
        """Every bad field found, this error's own first."""
        return (self, *self._others)

    @classmethod
    def of(cls, errors: Iterable[InvalidPolicyError]) -> InvalidPolicyError:
        """One error standing for all of *errors* (at least one), the first named."""
        found = [e for error in errors for e in error.errors]
        first = found[0]
        if len(found) == 1:
            return first
        combined = cls.__new__(type(first))
        InvalidFieldError.__init__(combined, first.field, first.value, first.reason)
        combined._others = tuple(found[1:])
        lines = "\n".join(f"  {e.path}: {e.reason} (got {_short(e.value)})" for e in found)
        combined.args = (f"invalid policy: {len(found)} bad fields\n{lines}",)
        return combined


class CurrencyMismatchError(LeadflowError, ValueError):
    """Two amounts in different currencies were compared or combined.

    Attributes:
        left: Currency code of the left operand.
        right: Currency code of the right operand.
    """

    def __init__(self, left: str, right: str) -> None:
        self.left = left
        self.right = right
        super().__init__(f"cannot combine amounts in {left} and {right}")


class InvalidRecordError(LeadflowError, ValueError):
    """Several fields of one record are bad; every one of them is listed.

    Attributes:
        errors: One :class:`InvalidFieldError` per bad field, in the order checked.
    """

    def __init__(self, errors: Iterable[InvalidFieldError], what: str = "record") -> None:
        self.errors = tuple(errors)
        lines = "\n".join(f"  {line}" for line in self.reasons())
        count = len(self.errors)
        super().__init__(f"invalid {what}: {count} bad field{'s' * (count != 1)}\n{lines}")

    def reasons(self) -> tuple[str, ...]:
        """One line per bad field: its path, why, and the value given.

        >>> InvalidRecordError([InvalidFieldError("email", "x", "not an email address")]).reasons()
        ("$.email: not an email address (got 'x')",)
        """
        return tuple(f"{e.path}: {e.reason} (got {_short(e.value)})" for e in self.errors)


class IllegalTransitionError(LeadflowError, ValueError):
    """A funnel move that is not allowed from the value's stage.

    Attributes:
        transition: The move attempted, e.g. ``"promote"``.
        from_stage: The stage the value is in (``"contact"`` ...), or its type name.
        to_stage: The stage the move leads to.
        reason: Why it is not allowed, in plain words (``""`` when none is given).
    """

    def __init__(self, transition: str, from_stage: str, to_stage: str, reason: str = "") -> None:
        self.transition = transition
        self.from_stage = from_stage
        self.to_stage = to_stage
        self.reason = reason
        message = f"cannot {transition} {_a(_noun(from_stage))} into {_a(_noun(to_stage))}"
        super().__init__(f"{message}: {reason}" if reason else message)


class NotQualifiedError(IllegalTransitionError):
    """A contact or nurtured lead was turned into a lead without qualifying.

    Attributes:
        decision: The :class:`~leadflow.QualificationDecision` that said no.
    """

    def __init__(self, transition: str, from_stage: str, decision: QualificationDecision) -> None:
        self.decision = decision
        reasons = "; ".join(decision.next_steps) or f"verdict is {decision.verdict.value}"
        super().__init__(transition, from_stage, "lead", reasons)


class PromotionRefusedError(IllegalTransitionError):
    """A lead was promoted while the promotion gate was closed.

    Attributes:
        decision: The :class:`~leadflow.PromotionDecision` that said no.
    """

    def __init__(self, decision: PromotionDecision) -> None:
        self.decision = decision
        super().__init__("promote", "lead", "opportunity", "; ".join(decision.next_steps))
