"""Generated input for every benchmark: flat records, as a CSV or JSON Lines file holds them.

One seeded generator feeds every path, so all of them decide the same contacts.
This module uses the standard library only: the peers' own virtual environment
(without leadflow) imports it too.

A record uses the field names of :data:`leadflow.records.RECORD_FIELDS` with string
values, as read from a file. :func:`ready` turns one into the plain Python values
(datetimes, dates, level strings) that hand-written code and the peers work on.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

#: "Now" for every benchmark decision.
AS_OF: Final = datetime(2026, 5, 4, 12, 0, tzinfo=timezone.utc)

#: The seed of every generated input.
SEED: Final = 20261127

#: The columns the generator fills (a subset of leadflow's record fields), CSV order.
COLUMNS: Final = (
    "id",
    "name",
    "email",
    "phone",
    "organisation",
    "job_title",
    "role",
    "source",
    "created_at",
    "need",
    "need_observed_at",
    "budget",
    "budget_amount",
    "budget_currency",
    "budget_observed_at",
    "timeframe",
    "decision_date",
    "timeframe_observed_at",
    "purchase_process",
    "authority_observed_at",
)

_FIRST = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Tim")
_LAST = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson")
_COMPANY = ("Analytical", "Difference", "Harvard", "Bletchley", "Mercury", "Apollo", "Unix", "Arpa")
_SUFFIX = ("Engines", "Systems", "Labs", "Works", "Logistics", "Partners")
_TITLES = ("CTO", "Head of Operations", "Procurement Lead", "Engineer", "Consultant", "CFO")
_SOURCES = ("web", "trade_show", "partner", "employee_referral", "seminar", "")

# Realistic spreads: much is unknown, strong evidence is rare. A blank string is
# what a CSV file holds for a field nobody filled in.
_ROLES = (("", 3), ("user", 3), ("adviser", 1), ("influencer", 3), ("decision_maker", 3))
_NEED = (("", 2), ("none", 1), ("latent", 3), ("expressed", 4), ("strong", 2))
_BUDGET = (("", 3), ("none", 1), ("insufficient", 2), ("available", 4), ("approved", 2))
_TIMEFRAME = (
    ("", 2),
    ("later", 2),
    ("this_year", 3),
    ("next_quarter", 3),
    ("this_quarter", 2),
    ("immediate", 1),
)
_PROCESS = (("", 3), ("individual", 2), ("committee", 2))
# Offsets of the CRM clocks: most UTC, some not, so time comparisons cross zones.
_OFFSETS = ("+00:00",) * 8 + ("+02:00", "-05:00")


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    values = [value for value, _ in weighted]
    weights = [weight for _, weight in weighted]
    return rng.choices(values, weights)[0]


def _moment(rng: random.Random, days_ago: float) -> str:
    """An ISO 8601 datetime *days_ago* before AS_OF, in one of the CRM offsets."""
    offset = rng.choice(_OFFSETS)
    zone = timezone(timedelta(hours=int(offset[:3]), minutes=int(offset[4:])))
    moment = (AS_OF - timedelta(days=days_ago)).astimezone(zone).replace(microsecond=0)
    return moment.isoformat()


def _observed(rng: random.Random) -> str:
    """When a piece of evidence was noted: mostly recent, some past the 180-day window."""
    roll = rng.random()
    if roll < 0.12:
        return ""
    if roll < 0.6:
        return _moment(rng, rng.uniform(0, 90))
    if roll < 0.85:
        return _moment(rng, rng.uniform(90, 240))
    return _moment(rng, rng.uniform(240, 700))


def records(n: int, seed: int = SEED) -> Iterator[dict[str, str]]:
    """*n* flat records (string values, blank where unknown), the same for the same seed."""
    rng = random.Random(seed)
    for i in range(n):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        company = f"{rng.choice(_COMPANY)} {rng.choice(_SUFFIX)}"
        domain = company.lower().replace(" ", "-") + ".example"
        channel = rng.random()
        email = f"{first}.{last}{i}@{domain}".lower() if channel < 0.9 else ""
        phone = f"+44 20 {rng.randrange(10**7, 10**8)}" if channel > 0.7 else ""
        budget = _pick(rng, _BUDGET)
        amount = budget in ("insufficient", "available", "approved") and rng.random() < 0.5
        dated = rng.random() < 0.25
        yield {
            "id": f"c-{i:07d}",
            "name": f"{first} {last}",
            "email": email,
            "phone": phone,
            "organisation": company if rng.random() < 0.9 else "",
            "job_title": rng.choice(_TITLES),
            "role": _pick(rng, _ROLES),
            "source": rng.choice(_SOURCES),
            "created_at": _moment(rng, rng.uniform(700, 1000)),
            "need": _pick(rng, _NEED),
            "need_observed_at": _observed(rng),
            "budget": budget,
            "budget_amount": f"{rng.randrange(1_000, 500_000)}.00" if amount else "",
            "budget_currency": rng.choice(("EUR", "USD", "GBP")) if amount else "",
            "budget_observed_at": _observed(rng),
            "timeframe": "" if dated else _pick(rng, _TIMEFRAME),
            "decision_date": (AS_OF.date() + timedelta(days=rng.randint(-60, 500))).isoformat()
            if dated
            else "",
            "timeframe_observed_at": _observed(rng),
            "purchase_process": _pick(rng, _PROCESS),
            "authority_observed_at": _observed(rng),
        }


def _datetime(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def ready(record: dict[str, str]) -> dict[str, Any]:
    """*record* with plain Python values, as hand-written code would work on it.

    Levels are strings ("unknown" when blank), datetimes and dates are parsed, and a
    missing time is ``None``.
    """
    return {
        "id": record["id"],
        "role": record["role"] or "unknown",
        "need": record["need"] or "unknown",
        "need_observed_at": _datetime(record["need_observed_at"]),
        "budget": record["budget"] or "unknown",
        "budget_observed_at": _datetime(record["budget_observed_at"]),
        "timeframe": record["timeframe"] or "unknown",
        "decision_date": date.fromisoformat(record["decision_date"])
        if record["decision_date"]
        else None,
        "timeframe_observed_at": _datetime(record["timeframe_observed_at"]),
        "purchase_process": record["purchase_process"] or "unknown",
        "authority_observed_at": _datetime(record["authority_observed_at"]),
    }


def write_csv(path: Path, n: int, seed: int = SEED) -> None:
    """Write *n* generated records to *path* as CSV, one row at a time."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        for record in records(n, seed):
            writer.writerow(record)
