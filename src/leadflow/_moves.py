"""What every funnel move does the same way: refuse, check the time, carry the record.

:mod:`leadflow.lifecycle` and :mod:`leadflow.promotion` hold the moves; this module
holds the steps they share, so that each is written once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn, Protocol, TypeVar

import attrs

from leadflow import _validate as v
from leadflow.contacts import Contact
from leadflow.errors import IllegalTransitionError, InvalidFieldError, WrongTypeError
from leadflow.stages import FunnelStage

__all__ = ["carry", "check_time", "last_change", "refuse", "stage_of"]


class _Record(Protocol):
    """A stage from lead on: it carries a history and knows when it last changed."""

    @property
    def history(self) -> tuple[Any, ...]: ...

    @property
    def updated_at(self) -> datetime: ...


R = TypeVar("R")


def stage_of(value: object) -> FunnelStage:
    """The funnel stage of *value*.

    Raises:
        WrongTypeError: *value* is not a funnel value.
    """
    if isinstance(value, Contact):
        return FunnelStage.CONTACT
    stage = getattr(type(value), "stage", None)
    if isinstance(stage, FunnelStage) and attrs.has(type(value)):
        return stage
    raise WrongTypeError("value", value, f"not a funnel value: {v.type_name(value)}")


def _name(value: object) -> str:
    try:
        return stage_of(value).value
    except InvalidFieldError:
        return v.type_name(value)


def refuse(transition: str, value: object, to_stage: FunnelStage, reason: str = "") -> NoReturn:
    """Raise :class:`IllegalTransitionError` for *transition* from *value*'s stage."""
    raise IllegalTransitionError(transition, _name(value), to_stage.value, reason)


def last_change(value: _Record | Contact) -> datetime:
    """When *value* last changed: a contact's creation, a stage's last event."""
    return value.created_at if isinstance(value, Contact) else value.updated_at


def check_time(value: _Record | Contact, as_of: datetime) -> None:
    """Refuse a move dated before the last thing recorded on *value*."""
    v.check_aware("as_of", as_of)
    last = last_change(value)
    if as_of < last:
        raise InvalidFieldError(
            "as_of", as_of, f"precedes the last recorded time {last.isoformat()}"
        )


def carry(value: _Record, kind: type[R], event: Any, **fields: Any) -> R:
    """Build a *kind* from everything *value* carries, with *event* appended."""
    wanted = attrs.fields_dict(kind)  # type: ignore[arg-type]
    shared = {
        a.name: getattr(value, a.name)
        for a in attrs.fields(type(value))  # type: ignore[arg-type]
        if a.init and a.name in wanted and a.name not in fields
    }
    shared["history"] = (*value.history, event)
    return kind(**shared, **fields)
