"""Evidence for the four qualification criteria: need, budget, timeframe, authority.

Every level enum lists its members from the weakest to the strongest evidence,
with ``UNKNOWN`` first. ``UNKNOWN`` is not a level on the scale, though: it says
nothing was learned yet, which is not the same as learning "none". Among the
known levels, the order is the strength order the rules rely on (see
:meth:`rank`): better known evidence never lowers a score or a verdict. An
unknown required criterion leaves a contact *undetermined*; a known one below
its minimum is evidence against it.

Level names follow Dynamics 365's lead fields where they fit: ``need``
(must have ... no need), ``budgetstatus``, ``purchasetimeframe`` and
``purchaseprocess``.

:class:`Evidence` also carries the values of fit and engagement signals
(:mod:`leadflow.signals`) by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, Final, TypeAlias, TypeVar

import attrs

from leadflow import _grammar as g
from leadflow import _validate as v
from leadflow.contacts import PurchaseRole
from leadflow.errors import InvalidFieldError, WrongTypeError
from leadflow.money import Money
from leadflow.signals import SignalObservation

__all__ = [
    "AuthorityEvidence",
    "AuthorityLevel",
    "BudgetEvidence",
    "BudgetLevel",
    "Criterion",
    "Evidence",
    "Level",
    "NeedEvidence",
    "NeedLevel",
    "OrderedLevel",
    "PromotionSignals",
    "PurchaseProcess",
    "RelationshipLevel",
    "RequirementsLevel",
    "SupplierStatus",
    "TermsLevel",
    "TimeframeEvidence",
    "TimeframeLevel",
    "authority_level",
]


class OrderedLevel(Enum):
    """The base of every level enum: its definition order is its strength order.

    ``UNKNOWN`` comes first (rank 0); then the known levels, weakest first.
    """

    @property
    def rank(self) -> int:
        """Position from ``UNKNOWN`` (0), then the weakest known level, to the strongest."""
        return _RANKS[self]

    def at_least(self, other: OrderedLevel) -> bool:
        """True when this level is as strong as *other* or stronger."""
        return _RANKS[self] >= _RANKS[other]


class Criterion(Enum):
    """The four criteria a contact is qualified on."""

    NEED = "need"
    BUDGET = "budget"
    TIMEFRAME = "timeframe"
    AUTHORITY = "authority"


class NeedLevel(OrderedLevel):
    """How much the party needs what is sold (Dynamics ``need``)."""

    UNKNOWN = "unknown"
    NONE = "none"  #: no need (Dynamics 3)
    LATENT = "latent"  #: good to have (Dynamics 2)
    EXPRESSED = "expressed"  #: should have (Dynamics 1)
    STRONG = "strong"  #: must have (Dynamics 0)


class BudgetLevel(OrderedLevel):
    """Whether the party can fund the purchase (after Dynamics ``budgetstatus``)."""

    UNKNOWN = "unknown"
    NONE = "none"  #: no committed budget
    INSUFFICIENT = "insufficient"  #: some budget, not enough; may buy
    AVAILABLE = "available"  #: can buy
    APPROVED = "approved"  #: budget approved; will buy


class TimeframeLevel(OrderedLevel):
    """When the party is in the market (Dynamics ``purchasetimeframe``)."""

    UNKNOWN = "unknown"
    LATER = "later"  #: beyond this year, or beyond the policy's horizon
    THIS_YEAR = "this_year"
    NEXT_QUARTER = "next_quarter"
    THIS_QUARTER = "this_quarter"
    IMMEDIATE = "immediate"


class AuthorityLevel(OrderedLevel):
    """How much say the contact has, from role and purchase process."""

    UNKNOWN = "unknown"
    NONE = "none"  #: a user or employee without a say
    ADVISER = "adviser"
    INFLUENCER = "influencer"
    SHARED = "shared"  #: a decision maker on a buying committee
    DECIDER = "decider"  #: the decision maker


class PurchaseProcess(Enum):
    """How the buying party decides (Dynamics ``purchaseprocess``)."""

    UNKNOWN = "unknown"
    INDIVIDUAL = "individual"
    COMMITTEE = "committee"


class RelationshipLevel(OrderedLevel):
    """How far the seller has built a relationship with the lead."""

    UNKNOWN = "unknown"
    NONE = "none"  #: no two-way contact yet
    CONTACTED = "contacted"  #: conversations have started
    ESTABLISHED = "established"  #: a working relationship: meetings, follow-ups, trust


class RequirementsLevel(OrderedLevel):
    """How well the lead's specific needs and requirements are identified."""

    UNKNOWN = "unknown"
    GENERAL = "general"  #: the broad need is known
    SPECIFIED = "specified"  #: specific needs and requirements are written down


class TermsLevel(OrderedLevel):
    """How far the lead is into discussing terms."""

    UNKNOWN = "unknown"
    NOT_DISCUSSED = "not_discussed"
    PRICING = "pricing"  #: price is being discussed
    PAYMENT_TERMS = "payment_terms"  #: payment terms are being worked out
    CONTRACT = "contract"  #: contracts or agreements are being drawn up or signed


class SupplierStatus(OrderedLevel):
    """Where the lead stands with its current supplier."""

    UNKNOWN = "unknown"
    RETAINED = "retained"  #: keeps its current supplier
    EVALUATING = "evaluating"  #: looking at alternatives to its current supplier
    NO_SUPPLIER = "no_supplier"  #: none to displace
    DROPPED = "dropped"  #: has dropped its current supplier


_RANKS: dict[Any, int] = {
    member: index
    for enum in (
        NeedLevel,
        BudgetLevel,
        TimeframeLevel,
        AuthorityLevel,
        RelationshipLevel,
        RequirementsLevel,
        TermsLevel,
        SupplierStatus,
    )
    for index, member in enumerate(enum)
}
# Having no supplier to displace is as good a sign as having dropped one.
_RANKS[SupplierStatus.NO_SUPPLIER] = _RANKS[SupplierStatus.DROPPED]

Level: TypeAlias = NeedLevel | BudgetLevel | TimeframeLevel | AuthorityLevel

LEVELS: dict[Criterion, type[OrderedLevel]] = {
    Criterion.NEED: NeedLevel,
    Criterion.BUDGET: BudgetLevel,
    Criterion.TIMEFRAME: TimeframeLevel,
    Criterion.AUTHORITY: AuthorityLevel,
}

_ROLE_LEVEL = {
    PurchaseRole.UNKNOWN: AuthorityLevel.UNKNOWN,
    PurchaseRole.USER: AuthorityLevel.NONE,
    PurchaseRole.ADVISER: AuthorityLevel.ADVISER,
    PurchaseRole.INFLUENCER: AuthorityLevel.INFLUENCER,
    PurchaseRole.DECISION_MAKER: AuthorityLevel.DECIDER,
}


def authority_level(role: PurchaseRole, process: PurchaseProcess) -> AuthorityLevel:
    """Derive decision authority from the contact's role and the purchase process.

    A decision maker who decides with a committee shares the authority; one
    who decides alone (or whose process is unknown) is the decider.

    >>> authority_level(PurchaseRole.DECISION_MAKER, PurchaseProcess.COMMITTEE)
    <AuthorityLevel.SHARED: 'shared'>
    """
    level = _ROLE_LEVEL[role]
    if level is AuthorityLevel.DECIDER and process is PurchaseProcess.COMMITTEE:
        return AuthorityLevel.SHARED
    return level


def _level(enum: type[OrderedLevel]) -> v.Validator:
    return v.of_type(enum)


E = TypeVar("E", bound=Enum)


def _named(levels: g.Choices[E], field: str, value: E | str) -> E:
    """Text naming a member (its value, ``"strong"``) becomes it; the rest is left as given.

    Text is read by the one grammar for levels, so a value that names no member
    raises :class:`~leadflow.errors.InvalidFieldError` naming *field*, the value and
    the allowed values; anything else is left to the field's validator.
    """
    return levels.read(field, value) if isinstance(value, str) else value


# One named converter per field (the attrs mypy plugin reads the types of named
# functions only), each reading its enum's values.
_NEED_LEVELS: Final = g.choices(NeedLevel)


def _need_level(value: NeedLevel | str) -> NeedLevel:
    return _named(_NEED_LEVELS, "level", value)


_BUDGET_LEVELS: Final = g.choices(BudgetLevel)


def _budget_level(value: BudgetLevel | str) -> BudgetLevel:
    return _named(_BUDGET_LEVELS, "level", value)


_TIMEFRAME_LEVELS: Final = g.choices(TimeframeLevel)


def _timeframe_level(value: TimeframeLevel | str) -> TimeframeLevel:
    return _named(_TIMEFRAME_LEVELS, "level", value)


_PROCESSS: Final = g.choices(PurchaseProcess)


def _process(value: PurchaseProcess | str) -> PurchaseProcess:
    return _named(_PROCESSS, "process", value)


_RELATIONSHIPS: Final = g.choices(RelationshipLevel)


def _relationship(value: RelationshipLevel | str) -> RelationshipLevel:
    return _named(_RELATIONSHIPS, "relationship", value)


_REQUIREMENTSS: Final = g.choices(RequirementsLevel)


def _requirements(value: RequirementsLevel | str) -> RequirementsLevel:
    return _named(_REQUIREMENTSS, "requirements", value)


_TERMSS: Final = g.choices(TermsLevel)


def _terms(value: TermsLevel | str) -> TermsLevel:
    return _named(_TERMSS, "terms", value)


_SUPPLIERS: Final = g.choices(SupplierStatus)


def _supplier(value: SupplierStatus | str) -> SupplierStatus:
    return _named(_SUPPLIERS, "supplier", value)


@attrs.frozen(kw_only=True)
class NeedEvidence:
    """What is known of the party's need.

    Attributes:
        level: How strong the need is.
        observed_at: When it was observed (aware); ``None`` means "never goes stale".
        note: Free text from the seller.
    """

    level: NeedLevel = attrs.field(
        default=NeedLevel.UNKNOWN, converter=_need_level, validator=_level(NeedLevel)
    )
    observed_at: datetime | None = attrs.field(default=None, validator=v.optional_aware)
    note: str | None = attrs.field(default=None, validator=v.optional_text)


@attrs.frozen(kw_only=True)
class BudgetEvidence:
    """What is known of the party's budget.

    Attributes:
        level: Budget status.
        amount: The budget, if known (never negative).
        observed_at: When it was observed (aware).
        note: Free text from the seller.
    """

    level: BudgetLevel = attrs.field(
        default=BudgetLevel.UNKNOWN,
        converter=_budget_level,
        validator=_level(BudgetLevel),
    )
    amount: Money | None = attrs.field(default=None, validator=v.of_type(Money, optional=True))
    observed_at: datetime | None = attrs.field(default=None, validator=v.optional_aware)
    note: str | None = attrs.field(default=None, validator=v.optional_text)

    @amount.validator
    def _check_amount(self, attribute: attrs.Attribute[Any], value: Money | None) -> None:
        if value is not None and value.amount < 0:
            raise InvalidFieldError(attribute.name, value, "a budget is never negative")


@attrs.frozen(kw_only=True)
class TimeframeEvidence:
    """When the party is in the market to buy.

    Give a named ``level``, or an expected ``decision_date``, not both; with a date
    the rules work out the level against "now" (``as_of``) and the policy's horizon.

    >>> TimeframeEvidence(level="this_quarter", decision_date=date(2027, 1, 15))
    Traceback (most recent call last):
    ...
    leadflow.errors.InvalidFieldError: decision_date: is given with the named timeframe ...

    Attributes:
        level: Named timeframe; ``unknown`` when ``decision_date`` is set.
        decision_date: The expected decision date, if known.
        observed_at: When it was observed (aware).
        note: Free text from the seller.
    """

    level: TimeframeLevel = attrs.field(
        default=TimeframeLevel.UNKNOWN,
        converter=_timeframe_level,
        validator=_level(TimeframeLevel),
    )
    decision_date: date | None = attrs.field(default=None, validator=v.optional_date)

    def __attrs_post_init__(self) -> None:
        # A date decides the level, so a named level beside it would be silently ignored.
        if self.decision_date is not None and self.level is not TimeframeLevel.UNKNOWN:
            raise InvalidFieldError(
                "decision_date",
                self.decision_date,
                f"is given with the named timeframe {self.level.value!r} (level): "
                "give one or the other",
            )

    observed_at: datetime | None = attrs.field(default=None, validator=v.optional_aware)
    note: str | None = attrs.field(default=None, validator=v.optional_text)


@attrs.frozen(kw_only=True)
class AuthorityEvidence:
    """What is known of how the purchase is decided.

    The contact's own role (:attr:`Contact.role <leadflow.Contact.role>`) and
    this purchase process together give the authority level.

    Attributes:
        process: How the buying party decides.
        observed_at: When it was observed (aware).
        note: Free text from the seller.
    """

    process: PurchaseProcess = attrs.field(
        default=PurchaseProcess.UNKNOWN,
        converter=_process,
        validator=v.of_type(PurchaseProcess),
    )
    observed_at: datetime | None = attrs.field(default=None, validator=v.optional_aware)
    note: str | None = attrs.field(default=None, validator=v.optional_text)


def _signals(value: object) -> object:
    """A mapping of signal values becomes sorted ``(name, SignalObservation)`` pairs.

    A plain value stands for an observation with no time; an observation is kept.
    """
    if isinstance(value, Mapping):
        value = tuple(value.items())
    if not isinstance(value, (tuple, list)):
        return value
    pairs: list[tuple[object, object]] = []
    for item in value:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            return value  # refused by the validator
        name, seen = item
        if seen is not None and not isinstance(seen, SignalObservation):
            try:
                seen = SignalObservation(value=seen)
            except InvalidFieldError as error:
                raise error.at(f"signals.{name}") from None
        pairs.append((name, seen))
    if not all(isinstance(name, str) for name, _ in pairs):
        return tuple(pairs)
    return tuple(sorted(((n, s) for n, s in pairs if s is not None), key=lambda p: str(p[0])))


def _check_signals(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise WrongTypeError(
            attribute.name,
            value,
            f"expected a mapping of signal names to values, not {type(value).__name__}",
        )
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, tuple) or len(item) != 2 or not isinstance(item[0], str):
            raise WrongTypeError(attribute.name, item, "expected (name, value) pairs")
        name, observation = item
        if not name.strip():
            raise InvalidFieldError(attribute.name, name, "a signal name must not be blank")
        if name in seen:
            raise InvalidFieldError(f"{attribute.name}.{name}", name, "given twice")
        seen.add(name)
        if not isinstance(observation, SignalObservation):
            raise WrongTypeError(
                f"{attribute.name}.{name}", observation, "expected a SignalObservation"
            )


def _observed(signals: object, observed_at: datetime | None) -> object:
    """Plain signal values of a mapping, observed at *observed_at*; others left to checks."""
    if not isinstance(signals, Mapping):
        return signals
    timed: dict[object, object] = {}
    for name, seen in signals.items():
        if seen is not None and not isinstance(seen, SignalObservation):
            try:
                seen = SignalObservation(value=seen, observed_at=observed_at)
            except InvalidFieldError as error:
                raise error.at(f"signals.{name}") from None
        timed[name] = seen
    return timed


@attrs.frozen(kw_only=True)
class Evidence:
    """Everything known about a contact: the four criteria and any signals.

    Every part defaults to "unknown", so ``Evidence()`` is a valid, empty start.

    Attributes:
        need: Need evidence.
        budget: Budget evidence.
        timeframe: Market availability (timeframe) evidence.
        authority: Purchase-process evidence for decision authority.
        signals: Fit and engagement signal values by name (see
            :mod:`leadflow.signals`), given as a mapping of names to values
            (text, numbers) or :class:`~leadflow.SignalObservation`; kept as
            ``(name, observation)`` pairs sorted by name. A policy scores the
            signals it declares and ignores the others.
    """

    need: NeedEvidence = attrs.field(factory=NeedEvidence, validator=v.of_type(NeedEvidence))
    budget: BudgetEvidence = attrs.field(
        factory=BudgetEvidence, validator=v.of_type(BudgetEvidence)
    )
    timeframe: TimeframeEvidence = attrs.field(
        factory=TimeframeEvidence, validator=v.of_type(TimeframeEvidence)
    )
    authority: AuthorityEvidence = attrs.field(
        factory=AuthorityEvidence, validator=v.of_type(AuthorityEvidence)
    )
    signals: tuple[tuple[str, SignalObservation], ...] = attrs.field(
        default=(), converter=_signals, validator=_check_signals
    )

    @classmethod
    def of(
        cls,
        *,
        need: NeedLevel | str | None = None,
        budget: BudgetLevel | str | None = None,
        amount: Money | None = None,
        timeframe: TimeframeLevel | str | None = None,
        decision_date: date | None = None,
        process: PurchaseProcess | str | None = None,
        observed_at: datetime | None = None,
        signals: Mapping[str, object] | None = None,
    ) -> Evidence:
        """Evidence learned at one time, in one call: the levels by name.

        Each part given (a level or its value as text) is observed at
        *observed_at*; a part not given stays unknown, with no time. For notes, or
        parts observed at different times, build the parts themselves.

        >>> from datetime import date, datetime, timezone
        >>> evidence = Evidence.of(
        ...     need="strong", budget="available", decision_date=date(2026, 5, 15),
        ...     observed_at=datetime(2026, 2, 26, tzinfo=timezone.utc),
        ... )
        >>> evidence.need == NeedEvidence(level=NeedLevel.STRONG,
        ...                               observed_at=datetime(2026, 2, 26, tzinfo=timezone.utc))
        True
        >>> evidence.authority == AuthorityEvidence()
        True

        Args:
            need: The need level.
            budget: The budget status.
            amount: The budget, if known (it counts as budget evidence given).
            timeframe: A named timeframe level.
            decision_date: The expected decision date, instead of a named timeframe.
            process: How the buying party decides.
            observed_at: When all of it was observed (aware); ``None`` never goes stale.
            signals: Fit and engagement signal values by name; a plain value is
                observed at *observed_at* too (a :class:`~leadflow.SignalObservation`
                keeps its own time).

        Raises:
            InvalidFieldError: a value is invalid; the error names the argument
                (``need``, ``amount`` ...) and the value.
        """

        def made(name: str, kind: type[Any], **values: object) -> Any:
            given = {k: value for k, value in values.items() if value is not None}
            if not given:
                return kind()
            try:
                return kind(**given, observed_at=observed_at)
            except InvalidFieldError as error:
                # A keyword of this call names the value better than the part's field.
                field = {"level": name, "process": name}.get(error.field, error.field)
                raise error.at(field) from None

        return cls(
            need=made("need", NeedEvidence, level=need),
            budget=made("budget", BudgetEvidence, level=budget, amount=amount),
            timeframe=made(
                "timeframe", TimeframeEvidence, level=timeframe, decision_date=decision_date
            ),
            authority=made("process", AuthorityEvidence, process=process),
            signals={} if signals is None else _observed(signals, observed_at),
        )

    def signal(self, name: str) -> SignalObservation | None:
        """The observation of the signal *name*, or ``None`` when none was given."""
        for key, observation in self.signals:
            if key == name:
                return observation
        return None

    def observed(self, criterion: Criterion) -> datetime | None:
        """When the evidence for *criterion* was observed."""
        return self.part(criterion).observed_at

    def part(
        self, criterion: Criterion
    ) -> NeedEvidence | BudgetEvidence | TimeframeEvidence | AuthorityEvidence:
        """The evidence value for *criterion*."""
        part: NeedEvidence | BudgetEvidence | TimeframeEvidence | AuthorityEvidence = getattr(
            self, criterion.value
        )
        return part


@attrs.frozen(kw_only=True)
class PromotionSignals:
    """The relationship signals that show a lead is turning into a sale.

    Every signal defaults to "unknown". Need strength is not repeated here: it
    comes from the lead's need evidence.

    Attributes:
        relationship: How far the relationship with the lead has been built.
        requirements: How well its specific needs and requirements are identified.
        terms: How far payment terms and contracts are being discussed.
        supplier: Whether it has dropped its current supplier (or has none).
        observed_at: When the signals were last reviewed (aware).
        note: Free text from the seller.
    """

    relationship: RelationshipLevel = attrs.field(
        default=RelationshipLevel.UNKNOWN,
        converter=_relationship,
        validator=_level(RelationshipLevel),
    )
    requirements: RequirementsLevel = attrs.field(
        default=RequirementsLevel.UNKNOWN,
        converter=_requirements,
        validator=_level(RequirementsLevel),
    )
    terms: TermsLevel = attrs.field(
        default=TermsLevel.UNKNOWN,
        converter=_terms,
        validator=_level(TermsLevel),
    )
    supplier: SupplierStatus = attrs.field(
        default=SupplierStatus.UNKNOWN,
        converter=_supplier,
        validator=_level(SupplierStatus),
    )
    observed_at: datetime | None = attrs.field(default=None, validator=v.optional_aware)
    note: str | None = attrs.field(default=None, validator=v.optional_text)
