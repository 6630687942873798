"""Fit and engagement signals: evidence beside need, budget, timeframe and authority.

A policy may declare any number of named signals. Each one turns a value seen on
a contact into points, and every point is explained like a criterion's:

- a :class:`CategoricalSignal` gives points per category (lead source, lead
  origin, industry, country ...), with a default for categories it does not list;
- a :class:`NumericSignal` gives points per bin (visits, minutes on site, e-mails
  opened, employees ...), the bins cut at explicit edges.

Either may *decay*: with a ``half_life``, an observation loses half its points
each half-life between when it was observed and "now" (``as_of``), as engagement
scores do in CRMs. No clock is read: age is measured against ``as_of``.

Signals add evidence to the score. They never decide on their own: a required
criterion known to fail still disqualifies, and a contact whose required criteria
are unknown is never qualified by its signals.

>>> from datetime import datetime, timedelta, timezone
>>> visits = NumericSignal(name="total_visits", weight=20, edges=(1, 5, 10),
...                        points=(0, 6, 14, 20))
>>> now = datetime(2026, 5, 4, tzinfo=timezone.utc)
>>> visits.score(SignalObservation(value=7), now).code
'signal.total_visits.bin_3'
>>> fading = attrs.evolve(visits, half_life=timedelta(days=30))
>>> fading.score(SignalObservation(value=12, observed_at=now - timedelta(days=30)), now).points
10
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Final, TypeAlias

import attrs

from leadflow import _validate as v
from leadflow._grammar import is_signal_name
from leadflow.errors import InvalidFieldError, InvalidPolicyError, WrongTypeError

__all__ = [
    "CategoricalSignal",
    "NumericSignal",
    "Signal",
    "SignalObservation",
    "SignalResult",
    "SignalValue",
    "signal_key",
]

#: A signal's value: a category (text) or a number.
SignalValue: TypeAlias = str | Decimal

_SLUG: Final = re.compile(r"[^a-z0-9]+")


def signal_key(category: str) -> str:
    """How a category is matched and coded: case-folded, runs of other characters as ``_``.

    ``"Landing Page Submission"``, ``"landing-page submission"`` and
    ``"LANDING_PAGE_SUBMISSION"`` are one category:

    >>> signal_key("Landing Page Submission")
    'landing_page_submission'
    """
    return _SLUG.sub("_", category.casefold()).strip("_")


def _to_value(value: object) -> object:
    """Numbers become exact Decimals (a float through its shortest repr); text is stripped."""
    if isinstance(value, bool):
        return value  # refused by the validator
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    if isinstance(value, str):
        return value.strip()
    return value


def _check_value(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, str):
        if not value:
            raise InvalidFieldError(attribute.name, value, "must not be blank")
        return
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidFieldError(attribute.name, value, "must be a finite number")
        return
    raise WrongTypeError(
        attribute.name, value, f"expected a category (str) or a number, not {v.type_name(value)}"
    )


@attrs.frozen(kw_only=True)
class SignalObservation:
    """One signal's value as seen on a contact.

    Attributes:
        value: A category (text) or a number (an ``int``, ``float`` or
            ``Decimal``; kept as an exact ``Decimal``).
        observed_at: When it was seen (aware); ``None`` means it never decays.
    """

    value: SignalValue = attrs.field(converter=_to_value, validator=_check_value)
    observed_at: datetime | None = attrs.field(default=None, validator=v.optional_aware)


@attrs.frozen(kw_only=True)
class SignalResult:
    """How one signal scored on one contact.

    Attributes:
        name: The signal (``"total_visits"``).
        code: Stable machine code, ``"signal.<name>.<bin>"``:
            ``bin_1`` ... for numeric bins, the category's key for a listed
            category, ``other`` for an unlisted one, ``unknown`` when no value
            was seen.
        value: The value seen, or ``None``.
        label: The bin or category, for people (``"5 to under 10"``).
        points: Points it gave, after decay.
        weight: The most points it could give.
        full_points: Points before decay (equal to ``points`` without decay).
        sentence: What happened, for people.
    """

    name: str
    code: str
    value: SignalValue | None
    label: str
    points: int
    weight: int
    full_points: int
    sentence: str


def _check_name(field: str, name: object) -> str:
    if not is_signal_name(name):
        raise InvalidPolicyError(
            field,
            name,
            "a signal name is lowercase letters, digits and underscores, starting with a letter",
        )
    return name


def _check_points(field: str, value: object, weight: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPolicyError(field, value, f"expected an int, not {v.type_name(value)}")
    if not 0 <= value <= weight:
        raise InvalidPolicyError(field, value, f"must be between 0 and the weight, {weight}")
    return value


def _check_half_life(value: object) -> None:
    if value is not None and (not isinstance(value, timedelta) or value <= timedelta(0)):
        raise InvalidPolicyError("half_life", value, "must be a positive timedelta or None")


def _pairs(value: object) -> object:
    if isinstance(value, Mapping):
        return tuple(value.items())
    return v.to_tuple(value)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _decay(
    points: int,
    observed_at: datetime | None,
    now: datetime,
    half_life: timedelta | None,
    field: str,
) -> int:
    """*points* after decay at *now* (an instant, see :func:`_validate.instant`)."""
    if observed_at is None:
        return points
    age = now - observed_at
    if age < timedelta(0):
        raise InvalidFieldError(f"{field}.observed_at", observed_at, "observed after as_of")
    if half_life is None or points == 0:
        return points
    # Whole points, rounded half up; 2 ** -x is exact enough that ties never flip.
    factor: float = 0.5 ** (age / half_life)
    return math.floor(points * factor + 0.5)


def _decay_note(full: int, points: int, half_life: timedelta | None) -> str:
    if full == points or half_life is None:
        return ""
    return f", decayed from {full} (half-life {half_life.days} days)"


class _Scored:
    """What both kinds of signal do with a value: place it, decay it, explain it."""

    __slots__ = ()
    name: str
    weight: int
    unknown: int
    half_life: timedelta | None
    #: What the signal takes, for the error when a value is of the other kind.
    _wanted: ClassVar[str]

    def _place(self, value: SignalValue) -> tuple[str, str, int, str] | None:
        """(code, label, points, value as shown) for *value*; ``None`` if of the wrong kind."""
        raise NotImplementedError

    def score(
        self, observation: SignalObservation | None, now: datetime, *, field: str | None = None
    ) -> SignalResult:
        """Score *observation* (``None`` when no value is known) at *now*.

        *now* is an instant (a fixed UTC offset); *field* names the value in errors
        (``evidence.signals.<name>`` by default).

        Raises:
            InvalidFieldError: the value is of the wrong kind, or was observed after *now*.
        """
        name, weight = self.name, self.weight
        where = field or f"evidence.signals.{name}"
        if observation is None:
            return _unknown(name, self.unknown, weight)
        placed = self._place(observation.value)
        if placed is None:
            raise InvalidFieldError(where, observation.value, f"expected {self._wanted}")
        code, label, full, shown = placed
        points = _decay(full, observation.observed_at, now, self.half_life, where)
        return SignalResult(
            name=name,
            code=f"signal.{name}.{code}",
            value=observation.value,
            label=label,
            points=points,
            weight=weight,
            full_points=full,
            sentence=f"Signal {name} is {shown} ({label}): {points}/{weight} points"
            f"{_decay_note(full, points, self.half_life)}.",
        )


@attrs.frozen(kw_only=True)
class CategoricalSignal(_Scored):
    """A signal that gives points per category (lead source, origin, industry ...).

    Categories match case-insensitively, with spaces, hyphens and other
    punctuation alike (see :func:`signal_key`).

    Attributes:
        name: The signal's name: the record column and the key in
            :attr:`Evidence.signals <leadflow.Evidence.signals>`.
        weight: The most points it can give (weights of a policy's criteria and
            signals add up to 100).
        points: Points per category, as a mapping; kept as ``(category,
            points)`` pairs in the order given.
        default: Points for a category not listed.
        unknown: Points when no value is known.
        half_life: With a value, points halve every ``half_life`` after the
            observation; ``None`` never decays.
        description: What the signal measures, for people.
    """

    name: str
    weight: int
    points: tuple[tuple[str, int], ...] = attrs.field(converter=_pairs)
    default: int = 0
    unknown: int = 0
    half_life: timedelta | None = None
    description: str | None = None
    _table: dict[str, tuple[str, int]] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _wanted: ClassVar[str] = "a category (text), not a number"

    def __attrs_post_init__(self) -> None:
        _check_common(self)
        pairs = self.points
        if not isinstance(pairs, tuple) or not all(
            isinstance(p, tuple) and len(p) == 2 for p in pairs
        ):
            raise InvalidPolicyError("points", pairs, "expected a mapping of categories to ints")
        table: dict[str, tuple[str, int]] = {}
        for category, number in pairs:
            if not isinstance(category, str) or not signal_key(category):
                raise InvalidPolicyError("points", category, "a category is non-blank text")
            key = signal_key(category)
            if key in table or key in ("other", "unknown"):
                raise InvalidPolicyError(
                    f"points.{category}",
                    category,
                    "names the same category as another entry"
                    if key in table
                    else f"'{key}' is reserved",
                )
            table[key] = (category, _check_points(f"points.{category}", number, self.weight))
        _check_points("default", self.default, self.weight)
        object.__setattr__(self, "_table", table)

    @property
    def best(self) -> int:
        """The most points any value can give."""
        return max([self.default, self.unknown, *(n for _, n in self.points)])

    def _place(self, value: SignalValue) -> tuple[str, str, int, str] | None:
        if not isinstance(value, str):
            return None
        key = signal_key(value)
        listed = self._table.get(key)
        if listed is None:
            return "other", "not a listed category", self.default, repr(value)
        label, full = listed
        return key, label, full, repr(value)


def _edges(value: object) -> object:
    """Numbers become Decimals; anything else is left to validation."""
    items = _pairs(value)
    if not isinstance(items, tuple):
        return items
    return tuple(
        _to_value(e) if isinstance(e, (int, float)) and not isinstance(e, bool) else e
        for e in items
    )


@attrs.frozen(kw_only=True)
class NumericSignal(_Scored):
    """A signal that gives points per bin of a number (visits, minutes on site ...).

    ``edges`` cut the number line into ``len(edges) + 1`` bins: ``bin_1`` is
    below the first edge, ``bin_k`` from edge ``k - 1`` (included) to edge ``k``
    (excluded), the last bin from the last edge up.

    Attributes:
        name: The signal's name (record column, evidence key).
        weight: The most points it can give.
        edges: Rising bin edges (numbers; kept as Decimals).
        points: Points per bin, one more than there are edges.
        unknown: Points when no value is known.
        half_life: With a value, points halve every ``half_life`` after the
            observation; ``None`` never decays.
        description: What the signal measures, for people.
    """

    name: str
    weight: int
    edges: tuple[Decimal, ...] = attrs.field(converter=_edges)
    points: tuple[int, ...] = attrs.field(converter=v.to_tuple)
    unknown: int = 0
    half_life: timedelta | None = None
    description: str | None = None
    _wanted: ClassVar[str] = "a number, not a category"

    def __attrs_post_init__(self) -> None:
        _check_common(self)
        edges = self.edges
        if not isinstance(edges, tuple):
            raise InvalidPolicyError("edges", edges, "expected a sequence of rising numbers")
        for index, edge in enumerate(edges):
            if not isinstance(edge, Decimal) or not edge.is_finite():
                raise InvalidPolicyError(f"edges[{index}]", edge, "expected a finite number")
        if not edges:
            raise InvalidPolicyError("edges", edges, "a numeric signal needs at least one edge")
        if any(a >= b for a, b in itertools.pairwise(edges)):
            raise InvalidPolicyError("edges", edges, "edges must rise strictly")
        if not isinstance(self.points, tuple) or len(self.points) != len(edges) + 1:
            raise InvalidPolicyError(
                "points", self.points, f"expected {len(edges) + 1} points, one per bin"
            )
        for index, number in enumerate(self.points):
            _check_points(f"points[{index}]", number, self.weight)

    @property
    def best(self) -> int:
        """The most points any value can give."""
        return max(self.unknown, *self.points)

    def bin_label(self, number: int) -> str:
        """The bin numbered *number* (1-based), for people: ``"5 to under 10"``."""
        edges = self.edges
        if number == 1:
            return f"below {_number(edges[0])}"
        if number == len(edges) + 1:
            return f"{_number(edges[-1])} or more"
        return f"{_number(edges[number - 2])} to under {_number(edges[number - 1])}"

    def _place(self, value: SignalValue) -> tuple[str, str, int, str] | None:
        if not isinstance(value, Decimal):
            return None
        number = 1
        for edge in self.edges:
            if value >= edge:
                number += 1
            else:
                break
        return f"bin_{number}", self.bin_label(number), self.points[number - 1], _number(value)


#: Either kind of signal.
Signal: TypeAlias = CategoricalSignal | NumericSignal


def _check_weight(weight: object) -> None:
    if isinstance(weight, bool) or not isinstance(weight, int):
        raise InvalidPolicyError("weight", weight, f"expected an int, not {v.type_name(weight)}")
    if not 0 <= weight <= 100:
        raise InvalidPolicyError("weight", weight, "must be between 0 and 100")


def _check_common(signal: CategoricalSignal | NumericSignal) -> None:
    """What both kinds of signal check: name, weight, unknown points, half-life, text."""
    _check_name("name", signal.name)
    _check_weight(signal.weight)
    _check_points("unknown", signal.unknown, signal.weight)
    _check_half_life(signal.half_life)
    if signal.description is not None and not isinstance(signal.description, str):
        raise InvalidPolicyError("description", signal.description, "expected text or None")


def _unknown(name: str, points: int, weight: int) -> SignalResult:
    return SignalResult(
        name=name,
        code=f"signal.{name}.unknown",
        value=None,
        label="not known",
        points=points,
        weight=weight,
        full_points=points,
        sentence=f"Signal {name} is not known: {points}/{weight} points.",
    )
