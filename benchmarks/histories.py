"""Generated lead histories whose true model is known: contacts, evidence, signals, outcomes.

A history is a list of flat records (text values, as a CSV file holds them, in the
shape :func:`leadflow.parse_record` reads) with an outcome column ``converted``
(``"1"`` or ``"0"``). Every row is drawn from a known logistic model:

    log-odds = intercept + sum of each feature's contribution of the row's value

so the true conversion probability of every row, and the true log-odds contribution
of every value of every feature, is known and exposed (:class:`Truth`). Learned
models are judged against it.

The features, in the spirit of a real B2B/B2C lead export (the shape of the public
"X Education" lead-scoring data: lead origin, lead source, visits, minutes on site,
pages per visit, last activity, country):

- the four criteria ``need``, ``budget``, ``timeframe`` and ``authority`` (derived,
  as leadflow derives it, from the ``role`` and ``purchase_process`` columns), each
  with a known effect per level that never falls as known levels rise, and an effect
  of its own when unknown (an unasked budget converts better than no budget);
- numeric signals with nonlinear effects: a step function of ``total_visits``, a
  saturating curve of ``minutes_on_site``, a hump in ``pages_per_visit``, a capped
  line in ``emails_opened`` and a decay in ``days_since_last_visit``;
- categorical signals with per-category effects and rare categories: ``lead_origin``,
  ``lead_source`` (with some values in another case, which leadflow reads as the
  same category), ``country``, ``last_activity`` and ``sector``;
- missing values in several columns; in ``total_visits``, ``minutes_on_site``,
  ``days_since_last_visit``, ``lead_source`` and ``country`` missingness has an
  effect of its own;
- pure-noise signals (``noise_01`` ...), numeric and categorical, with no effect.

Everything is deterministic given the seed (a local :class:`random.Random`, never the
global one). Rows are drawn one after the other, so the first *n* rows of a longer
history are the history of *n* rows; each noise column has a random stream of its own,
so adding a noise signal leaves every other column, and every outcome, as it was.

Write a history as CSV::

    python -m benchmarks.histories --rows 600 --seed 7 -o examples/history.csv
"""

from __future__ import annotations

import argparse
import csv
import functools
import math
import random
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal, TextIO

from leadflow import (
    AuthorityLevel,
    CategoricalSignal,
    NumericSignal,
    PurchaseProcess,
    PurchaseRole,
    Signal,
    authority_level,
)
from leadflow.records import parse_record
from leadflow.signals import signal_key

if TYPE_CHECKING:  # leadflow.learning is only needed to turn rows into examples
    from leadflow.learning import Example, Feature

__all__ = [
    "AS_OF",
    "SIGNAL_NAMES",
    "FeatureTruth",
    "History",
    "Spec",
    "Truth",
    "auc",
    "brier",
    "columns",
    "features",
    "generate",
    "log_loss",
    "main",
    "placeholder_signals",
    "to_examples",
    "truth",
    "write_csv",
]

#: "Now" for every history: every row was created before it.
AS_OF: Final = datetime(2026, 5, 4, 12, 0, tzinfo=timezone.utc)

Kind = Literal["criterion", "number", "category"]
Monotone = Literal["increasing", "decreasing"] | None


@dataclass(frozen=True)
class FeatureTruth:
    """One feature of the true model and its effect.

    Attributes:
        name: The feature: a criterion (``need``) or a signal, named as its column.
        kind: ``"criterion"``, ``"number"`` or ``"category"``.
        monotone: The direction of a numeric effect when it has one, else ``None``.
        effect: The log-odds contribution of a known value: a level or a category
            (matched as leadflow matches categories, see :func:`leadflow.signal_key`),
            or the number of a numeric signal.
        missing: The contribution of a missing value (a blank column, an unknown level).
        table: For criteria and categories, each value as written and its contribution.
        description: How the effect is shaped, for people.
    """

    name: str
    kind: Kind
    monotone: Monotone
    effect: Callable[[str | float], float]
    missing: float
    table: Mapping[str, float] = field(default_factory=dict)
    description: str = ""

    def contribution(self, raw: str) -> float:
        """The log-odds contribution of the column's text *raw* (blank: missing)."""
        text = raw.strip()
        if not text:
            return self.missing
        if self.kind == "number":
            return self.effect(float(text))
        return self.effect(text)

    @property
    def is_noise(self) -> bool:
        """Whether the feature has no effect at all."""
        return self.name.startswith("noise_")


# ----------------------------------------------------------------------------------------
# The true model: distributions and effects
# ----------------------------------------------------------------------------------------

#: A categorical column: (value as written, relative frequency, log-odds contribution).
_Category = tuple[str, float, float]


def _table_effect(table: Mapping[str, float]) -> Callable[[str | float], float]:
    """The effect of a category, matched as leadflow matches it (see signal_key)."""
    keyed = {signal_key(value): effect for value, effect in table.items()}
    seen: dict[str, float] = {}  # text as written -> effect: rows repeat a few values

    def effect(value: str | float) -> float:
        text = str(value)
        found = seen.get(text)
        if found is None:
            found = seen[text] = keyed.get(signal_key(text), 0.0)
        return found

    return effect


def _number_effect(curve: Callable[[float], float]) -> Callable[[str | float], float]:
    def effect(value: str | float) -> float:
        return curve(float(value))

    return effect


# Criteria. Blank means unknown; the effects rise with the known levels (a leadflow
# CriterionRule's points never fall as levels rise), while unknown sits where it is.
_NEED: Final[tuple[_Category, ...]] = (
    ("none", 8, -1.5),
    ("latent", 27, -0.6),
    ("expressed", 32, 0.2),
    ("strong", 18, 0.9),
)
_NEED_UNKNOWN: Final = (15.0, -0.3)
_BUDGET: Final[tuple[_Category, ...]] = (
    ("none", 10, -1.2),
    ("insufficient", 18, -0.4),
    ("available", 32, 0.3),
    ("approved", 15, 0.8),
)
_BUDGET_UNKNOWN: Final = (25.0, 0.0)
_TIMEFRAME: Final[tuple[_Category, ...]] = (
    ("later", 15, -0.9),
    ("this_year", 25, -0.2),
    ("next_quarter", 20, 0.2),
    ("this_quarter", 13, 0.5),
    ("immediate", 7, 0.7),
)
_TIMEFRAME_UNKNOWN: Final = (20.0, -0.2)
_AUTHORITY: Final[dict[AuthorityLevel, float]] = {
    AuthorityLevel.UNKNOWN: -0.1,
    AuthorityLevel.NONE: -0.5,
    AuthorityLevel.ADVISER: -0.2,
    AuthorityLevel.INFLUENCER: 0.0,
    AuthorityLevel.SHARED: 0.3,
    AuthorityLevel.DECIDER: 0.5,
}
# Who the contact is, B2B: (role, weight); B2C contacts are private buyers deciding alone.
_ROLES: Final = (
    ("", 3.0),
    ("user", 3.0),
    ("adviser", 1.0),
    ("influencer", 3.0),
    ("decision_maker", 3.0),
)
_PROCESSES: Final = (("", 3.0), ("individual", 2.0), ("committee", 2.0))

_LEAD_ORIGIN: Final[tuple[_Category, ...]] = (
    ("Landing Page Submission", 50, 0.0),
    ("API", 30, -0.3),
    ("Lead Add Form", 12, 1.6),
    ("Lead Import", 6, -0.8),
    ("Quick Add Form", 2, 1.0),
)
_LEAD_SOURCE: Final[tuple[_Category, ...]] = (
    ("Google", 30, 0.1),
    ("Direct Traffic", 25, -0.2),
    ("Olark Chat", 15, -0.4),
    ("Organic Search", 12, 0.0),
    ("Reference", 6, 1.2),
    ("Welingak Website", 3, 1.8),
    ("Referral Sites", 2, 0.0),
    ("Facebook", 1, -0.3),
    ("Live Chat", 0.3, 0.5),
)
_LEAD_SOURCE_MISSING: Final = (6.0, -0.2)
_COUNTRY: Final[tuple[_Category, ...]] = (
    ("India", 55, 0.0),
    ("United States", 8, 0.2),
    ("United Arab Emirates", 5, 0.1),
    ("Singapore", 3, 0.2),
    ("Saudi Arabia", 2, -0.1),
    ("United Kingdom", 2, 0.3),
    ("Australia", 1.5, 0.2),
    ("Qatar", 1, -0.2),
    ("Germany", 0.5, 0.0),
    ("Kenya", 0.3, 0.0),
    ("Nigeria", 0.3, 0.0),
    ("Canada", 0.3, 0.0),
)
_COUNTRY_MISSING: Final = (21.0, -0.4)
_LAST_ACTIVITY: Final[tuple[_Category, ...]] = (
    ("Email Opened", 37, 0.2),
    ("SMS Sent", 30, 0.9),
    ("Olark Chat Conversation", 10, -0.8),
    ("Page Visited on Website", 7, -0.2),
    ("Converted to a Lead", 5, -0.6),
    ("Email Bounced", 4, -1.0),
    ("Email Link Clicked", 3, 0.1),
    ("Form Submitted on Website", 2, 0.3),
    ("Unreachable", 1, -0.4),
    ("Unsubscribed", 1, -0.6),
)
_SECTOR: Final[tuple[_Category, ...]] = (
    ("Finance", 20, 0.0),
    ("IT", 25, 0.1),
    ("Retail", 15, -0.2),
    ("Manufacturing", 12, 0.0),
    ("Healthcare", 10, 0.2),
    ("Education", 8, 0.3),
    ("Government", 5, -0.3),
    ("Media", 3, 0.0),
    ("Energy", 2, 0.4),
)


def _visits_curve(visits: float) -> float:
    """A step function: no visit is a bad sign, a few are good, more add little."""
    if visits < 1:
        return -0.8
    if visits < 3:
        return -0.2
    if visits < 6:
        return 0.3
    if visits < 11:
        return 0.7
    return 0.8


def _minutes_curve(minutes: float) -> float:
    """Saturating: the first quarter hour on the site says most of what time can say."""
    return 1.6 * (1.0 - math.exp(-minutes / 12.0)) - 0.6


def _pages_curve(pages: float) -> float:
    """A hump: a few pages per visit is engaged; one page, or very many, is not."""
    return 0.6 * math.exp(-(((pages - 4.0) / 2.5) ** 2)) - 0.3


def _emails_curve(opened: float) -> float:
    """Capped line: every opened e-mail helps, up to fifteen."""
    return 0.04 * min(opened, 15.0)


def _recency_curve(days: float) -> float:
    """Decay: a visit this week is a strong sign; one months ago is almost none."""
    return 0.7 * math.exp(-days / 30.0) - 0.2


def _categories(
    name: str, table: Sequence[_Category], missing: float, description: str
) -> FeatureTruth:
    effects = {value: effect for value, _, effect in table}
    return FeatureTruth(
        name=name,
        kind="category",
        monotone=None,
        effect=_table_effect(effects),
        missing=missing,
        table=effects,
        description=description,
    )


def _numbers(
    name: str,
    curve: Callable[[float], float],
    missing: float,
    monotone: Monotone,
    description: str,
) -> FeatureTruth:
    return FeatureTruth(
        name=name,
        kind="number",
        monotone=monotone,
        effect=_number_effect(curve),
        missing=missing,
        description=description,
    )


def _criterion(
    name: str, table: Mapping[str, float], unknown: float, description: str
) -> FeatureTruth:
    return FeatureTruth(
        name=name,
        kind="criterion",
        monotone="increasing",
        effect=_table_effect(table),
        missing=unknown,
        table=dict(table),
        description=description,
    )


_CRITERIA: Final = (
    _criterion("need", {v: e for v, _, e in _NEED}, _NEED_UNKNOWN[1], "per level"),
    _criterion("budget", {v: e for v, _, e in _BUDGET}, _BUDGET_UNKNOWN[1], "per level"),
    _criterion("timeframe", {v: e for v, _, e in _TIMEFRAME}, _TIMEFRAME_UNKNOWN[1], "per level"),
    _criterion(
        "authority",
        {level.value: e for level, e in _AUTHORITY.items() if level is not AuthorityLevel.UNKNOWN},
        _AUTHORITY[AuthorityLevel.UNKNOWN],
        "per level, from role and purchase process",
    ),
)

#: The signals with an effect, in the order a smaller history keeps them.
_SIGNALS: Final = (
    _numbers("total_visits", _visits_curve, -0.5, "increasing", "steps at 1, 3, 6 and 11"),
    _numbers("minutes_on_site", _minutes_curve, -0.3, "increasing", "saturating, scale 12 min"),
    _categories("lead_origin", _LEAD_ORIGIN, 0.0, "per origin; Quick Add Form is rare"),
    _categories("lead_source", _LEAD_SOURCE, _LEAD_SOURCE_MISSING[1], "per source"),
    _numbers("pages_per_visit", _pages_curve, 0.0, None, "a hump at 4 pages"),
    _categories("country", _COUNTRY, _COUNTRY_MISSING[1], "per country; many are rare"),
    _categories("last_activity", _LAST_ACTIVITY, 0.0, "per activity"),
    _categories("sector", _SECTOR, 0.0, "per sector; B2C contacts have none"),
    _numbers("emails_opened", _emails_curve, 0.0, "increasing", "linear, capped at 15"),
    _numbers("days_since_last_visit", _recency_curve, -0.3, "decreasing", "decay, 30 days"),
)

#: The names of the signals with an effect, in order.
SIGNAL_NAMES: Final = tuple(signal.name for signal in _SIGNALS)


def _noise(index: int) -> FeatureTruth:
    """The *index*-th noise signal (1-based): numeric when odd, categorical when even."""
    name = f"noise_{index:02d}"
    if index % 2:
        return _numbers(name, lambda _: 0.0, 0.0, None, "no effect")
    return _categories(name, tuple((f"Group {c}", 1.0, 0.0) for c in "ABCDE"), 0.0, "no effect")


# ----------------------------------------------------------------------------------------
# The model as a whole
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """What kind of history to generate.

    Attributes:
        signals: How many signals: the first ones with an effect (up to ten, see
            :data:`SIGNAL_NAMES`), then pure-noise signals.
        base_rate: The share of contacts that convert, on average over the population.
        b2b_share: The share of contacts that work for an organisation; the others are
            private buyers (no organisation, no sector, deciding alone).
        strength: A factor on every effect: 0 is a coin with the base rate, 1 the
            model as written here, larger a more predictable history.
    """

    signals: int = len(_SIGNALS)
    base_rate: float = 0.35
    b2b_share: float = 0.7
    strength: float = 1.0

    def __post_init__(self) -> None:
        if self.signals < 0:
            raise ValueError(f"signals must not be negative, got {self.signals}")
        if not 0.0 < self.base_rate < 1.0:
            raise ValueError(f"base_rate must be strictly between 0 and 1, got {self.base_rate}")
        if not 0.0 <= self.b2b_share <= 1.0:
            raise ValueError(f"b2b_share must be between 0 and 1, got {self.b2b_share}")
        if self.strength < 0:
            raise ValueError(f"strength must not be negative, got {self.strength}")


@dataclass(frozen=True)
class Truth:
    """The true model of a history.

    Attributes:
        spec: What it was generated from.
        intercept: The log-odds of a row whose every contribution is zero.
        features: Every feature: the criteria, then the signals in column order.
    """

    spec: Spec
    intercept: float
    features: tuple[FeatureTruth, ...]

    def feature(self, name: str) -> FeatureTruth:
        """The feature called *name*."""
        for candidate in self.features:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def signals(self) -> tuple[FeatureTruth, ...]:
        """The signals, in column order."""
        return tuple(f for f in self.features if f.kind != "criterion")

    def contributions(self, row: Mapping[str, str]) -> dict[str, float]:
        """Each feature's log-odds contribution on *row*."""
        strength = self.spec.strength
        return {
            f.name: strength
            * f.contribution(_authority(row) if f.name == "authority" else row.get(f.name, ""))
            for f in self.features
        }

    def log_odds(self, row: Mapping[str, str]) -> float:
        """The true log-odds that *row* converts."""
        return self.intercept + math.fsum(self.contributions(row).values())

    def probability(self, row: Mapping[str, str]) -> float:
        """The true probability that *row* converts."""
        return _sigmoid(self.log_odds(row))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _authority(row: Mapping[str, str]) -> str:
    """The row's authority level as leadflow derives it, blank when unknown."""
    role = PurchaseRole(row["role"].strip() or "unknown")
    process = PurchaseProcess(row["purchase_process"].strip() or "unknown")
    level = authority_level(role, process)
    return "" if level is AuthorityLevel.UNKNOWN else level.value


def _features(spec: Spec) -> tuple[FeatureTruth, ...]:
    kept = _SIGNALS[: spec.signals]
    noise = tuple(_noise(i) for i in range(1, spec.signals - len(kept) + 1))
    return _CRITERIA + kept + noise


#: Rows drawn once to set the intercept; the seed is fixed, so the truth is one.
_CALIBRATION_ROWS: Final = 4000
_CALIBRATION_SEED: Final = "leadflow-histories-calibration"


@functools.cache
def _population(b2b_share: float) -> tuple[tuple[float, ...], ...]:
    """Each feature's contribution (at strength 1) on a fixed sample of the population.

    One row of contributions per sampled row, in the order of the criteria and then
    the signals with an effect; noise signals contribute nothing. The sample depends
    only on *b2b_share*, so every spec that shares it shares the sample.
    """
    full = Spec(signals=len(_SIGNALS), b2b_share=b2b_share)
    model = Truth(spec=full, intercept=0.0, features=_features(full))
    rng = random.Random(_CALIBRATION_SEED)
    sample = (model.contributions(_draw(rng, i, full, {})) for i in range(_CALIBRATION_ROWS))
    return tuple(tuple(row.values()) for row in sample)


@functools.lru_cache(maxsize=256)
def truth(spec: Spec = Spec()) -> Truth:
    """The true model of the histories generated with *spec*.

    The intercept is set, by Newton's method, so that the mean true probability over a fixed
    sample of the population is ``spec.base_rate``.
    """
    features = _features(spec)
    kept = len(_CRITERIA) + min(spec.signals, len(_SIGNALS))
    sums = [spec.strength * math.fsum(row[:kept]) for row in _population(spec.b2b_share)]
    # Newton's method on the mean probability, which rises with the intercept.
    intercept = math.log(spec.base_rate / (1 - spec.base_rate)) - math.fsum(sums) / len(sums)
    for _ in range(100):
        curve = [_sigmoid(intercept + s) for s in sums]
        mean = math.fsum(curve) / len(curve)
        slope = math.fsum(p * (1 - p) for p in curve) / len(curve)
        step = max(-1.0, min(1.0, (spec.base_rate - mean) / slope))
        intercept += step
        if abs(step) < 1e-12:
            break
    return Truth(spec=spec, intercept=intercept, features=features)


# ----------------------------------------------------------------------------------------
# Drawing rows
# ----------------------------------------------------------------------------------------

_FIRST: Final = (
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Ken",
    "Radia",
    "Tim",
    "Frances",
    "John",
    "Sophie",
    "Hedy",
    "Dennis",
    "Karen",
)
_LAST: Final = (
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Perlman",
    "Allen",
    "Wilson",
    "Lamarr",
    "Ritchie",
    "Jones",
)
_COMPANY: Final = (
    "Analytical",
    "Difference",
    "Harvard",
    "Bletchley",
    "Mercury",
    "Apollo",
    "Unix",
    "Arpa",
    "Colossus",
    "Zuse",
)
_SUFFIX: Final = ("Engines", "Systems", "Labs", "Works", "Logistics", "Partners")
_TITLES: Final = (
    "CTO",
    "Head of Operations",
    "Procurement Lead",
    "Engineer",
    "Consultant",
    "CFO",
    "Office Manager",
)


@functools.cache
def _cumulative(table: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    values = [value for value, _ in table]
    running, total = [], 0.0
    for _, weight in table:
        total += weight
        running.append(total)
    return values, running


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    values, running = _cumulative(table)
    return rng.choices(values, cum_weights=running)[0]


@functools.cache
def _weighted(
    table: tuple[_Category, ...], missing: tuple[float, float] | None
) -> tuple[tuple[str, float], ...]:
    weighted = tuple((value, weight) for value, weight, _ in table)
    return (*weighted, ("", missing[0])) if missing is not None else weighted


def _category(
    rng: random.Random, table: tuple[_Category, ...], missing: tuple[float, float] | None = None
) -> str:
    return _pick(rng, _weighted(table, missing))


def _maybe(rng: random.Random, share: float, text: str) -> str:
    """*text*, or blank with probability *share* (drawn either way, so streams stay aligned)."""
    return "" if rng.random() < share else text


def _number(value: float, places: int) -> str:
    return f"{value:.{places}f}" if places else str(round(value))


def _draw(
    rng: random.Random, index: int, spec: Spec, noise: Mapping[str, random.Random]
) -> dict[str, str]:
    """One row's columns (no outcome). Every draw is made, whatever *spec* keeps."""
    b2b = rng.random() < spec.b2b_share
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    company = f"{rng.choice(_COMPANY)} {rng.choice(_SUFFIX)}"
    if b2b:
        domain = company.lower().replace(" ", "-") + ".example"
        role, process = _pick(rng, _ROLES), _pick(rng, _PROCESSES)
    else:
        domain = "mail.example"
        role, process = _pick(rng, (("", 1.0), ("decision_maker", 3.0))), "individual"
    created = AS_OF - timedelta(days=rng.uniform(30, 720), seconds=rng.randrange(86_400))
    row = {
        "id": f"h-{index:06d}",
        "name": f"{first} {last}",
        "email": f"{first}.{last}.{index}@{domain}".lower(),
        "organisation": company if b2b else "",
        "job_title": rng.choice(_TITLES) if b2b else "",
        "role": role,
        "created_at": created.replace(microsecond=0).isoformat(),
        "need": _category(rng, _NEED, _NEED_UNKNOWN),
        "budget": _category(rng, _BUDGET, _BUDGET_UNKNOWN),
        "timeframe": _category(rng, _TIMEFRAME, _TIMEFRAME_UNKNOWN),
        "purchase_process": process,
    }
    # Engagement: a fifth of contacts never visited; the others visit a geometric number
    # of times, stay a lognormal number of minutes and read a gamma number of pages.
    visits = 0 if rng.random() < 0.2 else 1 + min(int(rng.expovariate(1 / 5.0)), 250)
    values = {
        "total_visits": _maybe(rng, 0.08, str(visits)),
        "minutes_on_site": _maybe(rng, 0.10, _number(min(rng.lognormvariate(2.0, 1.1), 600), 1)),
        "lead_origin": _category(rng, _LEAD_ORIGIN),
        "lead_source": _category(rng, _LEAD_SOURCE, _LEAD_SOURCE_MISSING),
        "pages_per_visit": _maybe(rng, 0.05, _number(1 + rng.gammavariate(2.0, 1.6), 1)),
        "country": _category(rng, _COUNTRY, _COUNTRY_MISSING),
        "last_activity": _category(rng, _LAST_ACTIVITY),
        "sector": _category(rng, _SECTOR),
        "emails_opened": str(min(int(rng.expovariate(1 / 4.0)), 60)),
        "days_since_last_visit": _maybe(rng, 0.12, str(int(rng.expovariate(1 / 45.0)))),
    }
    # CRMs disagree on case: some sources arrive in lower case, one category for leadflow.
    if values["lead_source"] and rng.random() < 0.1:
        values["lead_source"] = values["lead_source"].lower()
    if not b2b:
        values["sector"] = ""
    for signal in _SIGNALS[: spec.signals]:
        row[signal.name] = values[signal.name]
    for name, stream in noise.items():
        if name.endswith(tuple("13579")):
            row[name] = _number(stream.uniform(0, 100), 2)
        else:
            row[name] = stream.choice(("Group A", "Group B", "Group C", "Group D", "Group E"))
    return row


@dataclass(frozen=True)
class History:
    """Generated rows, their outcomes and the truth behind them.

    Attributes:
        rows: Flat records (text values) with the outcome in ``converted`` (``"1"``/``"0"``).
        probabilities: The true conversion probability of each row.
        truth: The true model.
    """

    rows: tuple[dict[str, str], ...]
    probabilities: tuple[float, ...]
    truth: Truth

    @property
    def outcomes(self) -> tuple[bool, ...]:
        """Whether each row converted."""
        return tuple(row["converted"] == "1" for row in self.rows)


def generate(rows: int, *, seed: int, spec: Spec = Spec()) -> History:
    """A history of *rows* rows drawn from the true model of *spec*, the same for one *seed*."""
    model = truth(spec)
    rng = random.Random(seed)
    noise = {f.name: random.Random(f"{seed}:{f.name}") for f in model.features if f.is_noise}
    drawn: list[dict[str, str]] = []
    probabilities: list[float] = []
    for index in range(rows):
        row = _draw(rng, index, spec, noise)
        p = model.probability(row)
        row["converted"] = "1" if rng.random() < p else "0"
        drawn.append(row)
        probabilities.append(p)
    return History(rows=tuple(drawn), probabilities=tuple(probabilities), truth=model)


def columns(spec: Spec = Spec()) -> tuple[str, ...]:
    """The columns of a history's rows, in CSV order."""
    base = (
        "id",
        "name",
        "email",
        "organisation",
        "job_title",
        "role",
        "created_at",
        "need",
        "budget",
        "timeframe",
        "purchase_process",
    )
    return (*base, *(f.name for f in truth(spec).signals), "converted")


# ----------------------------------------------------------------------------------------
# Rows as leadflow values
# ----------------------------------------------------------------------------------------


def placeholder_signals(model: Truth) -> tuple[Signal, ...]:
    """Signals of weight 0 that only read *model*'s signal columns (for parse_record)."""
    signals: list[Signal] = []
    for f in model.signals:
        if f.kind == "number":
            signals.append(NumericSignal(name=f.name, weight=0, edges=(0,), points=(0, 0)))
        else:
            signals.append(CategoricalSignal(name=f.name, weight=0, points={}))
    return tuple(signals)


def to_examples(rows: Iterable[Mapping[str, str]], model: Truth) -> list[Example]:
    """Each row as a :class:`leadflow.learning.Example`: its contact, evidence and outcome.

    The contact comes along for its role (which, with the purchase process, gives
    decision authority); every example is judged as of :data:`AS_OF`.
    """
    from leadflow.learning import Example

    signals = placeholder_signals(model)
    examples: list[Example] = []
    for row in rows:
        parsed = parse_record(row, signals=signals)
        examples.append(
            Example(
                evidence=parsed.evidence,
                outcome=row["converted"] == "1",
                contact=parsed.contact,
                as_of=AS_OF,
            )
        )
    return examples


def features(model: Truth) -> list[Feature]:
    """A :class:`leadflow.learning.Feature` for each of *model*'s signals.

    A numeric signal whose true effect only rises (or only falls) is declared
    monotone; the others are left free.
    """
    from leadflow.learning import Feature

    made: list[Feature] = []
    for f in model.signals:
        kind: Literal["number", "category"] = "number" if f.kind == "number" else "category"
        made.append(Feature(name=f.name, kind=kind, monotone=f.monotone))
    return made


# ----------------------------------------------------------------------------------------
# Metrics, written here so that nothing judges a model with the model's own code
# ----------------------------------------------------------------------------------------


def auc(outcomes: Sequence[bool], scores: Sequence[float]) -> float:
    """The area under the ROC curve: the chance a positive outranks a negative (ties: half).

    Computed from ranks (Mann-Whitney U), ties given their average rank.
    """
    if len(outcomes) != len(scores):
        raise ValueError("outcomes and scores differ in length")
    order = sorted(range(len(scores)), key=scores.__getitem__)
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        average = (start + end) / 2 + 1
        for k in range(start, end + 1):
            ranks[order[k]] = average
        start = end + 1
    positives = sum(outcomes)
    negatives = len(outcomes) - positives
    if not positives or not negatives:
        raise ValueError("AUC needs both outcomes")
    rank_sum = math.fsum(r for r, y in zip(ranks, outcomes, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def brier(outcomes: Sequence[bool], probabilities: Sequence[float]) -> float:
    """The mean squared difference between probability and outcome."""
    pairs = zip(outcomes, probabilities, strict=True)
    return math.fsum((p - float(y)) ** 2 for y, p in pairs) / len(outcomes)


def log_loss(outcomes: Sequence[bool], probabilities: Sequence[float]) -> float:
    """The mean negative log-likelihood of the outcomes (probabilities clipped to 1e-15)."""
    total = 0.0
    for y, p in zip(outcomes, probabilities, strict=True):
        q = min(max(p, 1e-15), 1 - 1e-15)
        total -= math.log(q if y else 1 - q)
    return total / len(outcomes)


# ----------------------------------------------------------------------------------------
# The command line
# ----------------------------------------------------------------------------------------


def write_csv(history: History, out: TextIO) -> None:
    """Write *history*'s rows as CSV, header first."""
    writer = csv.DictWriter(out, fieldnames=columns(history.truth.spec), lineterminator="\n")
    writer.writeheader()
    writer.writerows(history.rows)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.histories``: write a generated history as CSV."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.histories", description=__doc__)
    parser.add_argument("--rows", type=int, default=600, help="how many rows (default 600)")
    parser.add_argument("--seed", type=int, default=7, help="the random seed (default 7)")
    parser.add_argument("--signals", type=int, default=len(_SIGNALS), help="how many signals")
    parser.add_argument("--base-rate", type=float, default=0.35, help="share that converts")
    parser.add_argument("-o", "--output", type=Path, help="the CSV file (default: stdout)")
    args = parser.parse_args(argv)
    spec = Spec(signals=args.signals, base_rate=args.base_rate)
    history = generate(args.rows, seed=args.seed, spec=spec)
    if args.output is None:
        write_csv(history, sys.stdout)
    else:
        with args.output.open("w", newline="", encoding="utf-8") as out:
            write_csv(history, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
