"""Bins chosen from the data: what each learned criterion and signal scores by.

Every feature ends as a list of bins, and every row falls in exactly one:

- a criterion's bins are its levels (unknown among them, stale counted as unknown);
- a numeric signal's bins are cut at quantiles of its values, then merged until
  every bin holds enough rows and, where the signal is declared monotone, its
  outcome rates rise (or fall) from bin to bin; one more bin holds the rows
  without a value;
- a categorical signal's bins are its frequent categories; rare ones are pooled
  into "other", and rows without a value make a bin of their own.

Missing values are a bin of their own everywhere: never dropped, never imputed.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs

from leadflow.evidence import OrderedLevel
from leadflow.signals import NumericSignal, signal_key

__all__ = ["Bins", "categorical_bins", "level_bins", "numeric_bins"]

#: How a numeric signal's outcome rate must move as its value rises.
Direction = Literal["increasing", "decreasing"]


@attrs.frozen(kw_only=True)
class Bins:
    """One feature's bins, and the bin of every row.

    Attributes:
        codes: Per row, its bin (an index into ``labels``).
        labels: Per bin, its name for people.
        keys: Per bin, what the policy calls it: a level, a category key, a bin
            number (``"bin_2"``), ``"other"`` or ``"unknown"``.
        edges: A numeric signal's edges (empty for other features).
        categories: A categorical signal's category per listed bin, as first
            spelled in the data (empty for other features).
        ordered: The bins whose points must never fall, in order (a criterion's
            known levels, a monotone signal's value bins); empty when free.
    """

    codes: tuple[int, ...]
    labels: tuple[str, ...]
    keys: tuple[str, ...]
    edges: tuple[Decimal, ...] = ()
    categories: tuple[str, ...] = ()
    ordered: tuple[int, ...] = ()

    @property
    def size(self) -> int:
        """How many bins there are."""
        return len(self.labels)


def level_bins(levels: Sequence[OrderedLevel], level_type: type[OrderedLevel]) -> Bins:
    """A criterion's bins: one per level of *level_type*, known levels ordered by rank."""
    members = list(level_type)
    index = {level: n for n, level in enumerate(members)}
    ranked = sorted((m for m in members if m.rank > 0), key=lambda m: m.rank)
    return Bins(
        codes=tuple(index[level] for level in levels),
        labels=tuple(str(m.value).replace("_", " ") for m in members),
        keys=tuple(str(m.value) for m in members),
        ordered=tuple(index[m] for m in ranked),
    )


def numeric_bins(
    values: Sequence[Decimal | None],
    outcomes: Sequence[bool],
    *,
    max_bins: int,
    min_share: float,
    monotone: Direction | None,
) -> Bins:
    """A numeric signal's bins, chosen from *values* (``None``: no value)."""
    n = len(values)
    distinct = {v for v in values if v is not None}
    # Bins are chosen on floats, which compare much faster than Decimals and in the same
    # order whenever no two distinct values share a float (values written with fewer
    # than 16 significant digits); otherwise on the Decimals, as NumericSignal compares.
    as_float = {v: float(v) for v in distinct}
    faithful = len(set(as_float.values())) == len(distinct)
    keyed: list[Any] = [None if v is None else (as_float[v] if faithful else v) for v in values]
    back: dict[Any, Decimal] = {(as_float[v] if faithful else v): v for v in distinct}
    known = sorted(k for k in keyed if k is not None)
    cuts = _quantile_edges(known, max_bins)
    cuts = _merge_small(cuts, known, max(min_share * n, 1.0))
    if monotone is not None:
        cuts = _merge_unordered(cuts, keyed, outcomes, monotone)
    if not cuts and known:
        cuts = [known[0]]  # one bin of values; a signal needs an edge, so bin 1 stays empty
    edges = [back[c] for c in cuts] if cuts else [Decimal(0)]
    # A value's bin is how many edges it reaches (as NumericSignal places it); the
    # rows without a value come last.
    count = len(edges) + 1
    codes = tuple(count if k is None else bisect.bisect_right(cuts, k) for k in keyed)
    # The labels are the ones the learned signal will show.
    shape = NumericSignal(name="bins", weight=0, edges=edges, points=(0,) * count)
    ordered: tuple[int, ...] = ()
    if monotone == "increasing":
        ordered = tuple(range(count))
    elif monotone == "decreasing":
        ordered = tuple(reversed(range(count)))
    return Bins(
        codes=codes,
        labels=(*(shape.bin_label(k) for k in range(1, count + 1)), "not known"),
        keys=(*(f"bin_{k}" for k in range(1, count + 1)), "unknown"),
        edges=tuple(edges),
        ordered=ordered,
    )


def _quantile_edges(known: Sequence[Any], max_bins: int) -> list[Any]:
    """Edges at the quantiles of *known* (sorted): at most ``max_bins`` bins, none empty."""
    if not known:
        return []
    distinct = sorted(set(known))
    if len(distinct) <= max_bins:
        return distinct[1:]
    edges: list[Any] = []
    for step in range(1, max_bins):
        edge = known[len(known) * step // max_bins]
        if edge > known[0] and (not edges or edge > edges[-1]):
            edges.append(edge)
    return edges


def _counts(edges: Sequence[Any], known: Sequence[Any]) -> list[int]:
    """Rows per bin of *edges* among the sorted values *known*."""
    cuts = [bisect.bisect_left(known, e) for e in edges]
    bounds = [0, *cuts, len(known)]
    return [b - a for a, b in itertools.pairwise(bounds)]


def _merge_small(edges: list[Any], known: Sequence[Any], least: float) -> list[Any]:
    """Merge the smallest bin into its smaller neighbour until every bin has *least* rows."""
    edges = list(edges)
    while edges:
        counts = _counts(edges, known)
        smallest = min(range(len(counts)), key=lambda k: (counts[k], k))
        if counts[smallest] >= least:
            break
        if smallest == 0:
            drop = 0
        elif smallest == len(counts) - 1:
            drop = len(edges) - 1
        else:
            # The edge on the side of the smaller neighbour goes (the left on a tie).
            drop = smallest - 1 if counts[smallest - 1] <= counts[smallest + 1] else smallest
        del edges[drop]
    return edges


def _merge_unordered(
    edges: list[Any],
    keyed: Sequence[Any],
    outcomes: Sequence[bool],
    direction: Direction,
) -> list[Any]:
    """Merge neighbouring bins until outcome rates follow *direction* (pool adjacent violators)."""
    edges = list(edges)
    rows = [0] * (len(edges) + 1)
    won = [0] * (len(edges) + 1)
    for value, outcome in zip(keyed, outcomes, strict=True):
        if value is not None:
            code = bisect.bisect_right(edges, value)
            rows[code] += 1
            won[code] += 1 if outcome else 0
    sign = 1 if direction == "increasing" else -1
    while edges:
        rates = [sign * w / r if r else 0.0 for w, r in zip(won, rows, strict=True)]
        broken = next((k for k in range(len(rates) - 1) if rates[k] > rates[k + 1]), None)
        if broken is None:
            break
        del edges[broken]
        rows[broken : broken + 2] = [rows[broken] + rows[broken + 1]]
        won[broken : broken + 2] = [won[broken] + won[broken + 1]]
    return edges


def categorical_bins(values: Sequence[str | None], *, min_share: float) -> Bins:
    """A categorical signal's bins: categories with at least *min_share* of the rows.

    Categories match as the policy will match them (:func:`signal_key`); each is
    named as first spelled in the data. Listed categories come most frequent first
    (then by key); the rest, and any key the policy reserves, are "other".
    """
    n = len(values)
    # Each spelling is keyed once (a history repeats a few spellings many times).
    raw: Counter[str] = Counter(v for v in values if v is not None)
    key_of = {value: signal_key(value) for value in raw}
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for value in values:  # in row order, so that a key is named as first spelled
        if value is not None and key_of[value] not in spelling:
            spelling[key_of[value]] = value
    for value, count in raw.items():
        counts[key_of[value]] += count
    least = max(min_share * n, 1.0)
    listed = sorted(
        (k for k, c in counts.items() if c >= least and k and k not in ("other", "unknown")),
        key=lambda k: (-counts[k], k),
    )
    index = {key: number for number, key in enumerate(listed)}
    other, unknown = len(listed), len(listed) + 1
    code_of = {value: index.get(key, other) for value, key in key_of.items()}
    codes = tuple(unknown if v is None else code_of[v] for v in values)
    categories = tuple(spelling[k] for k in listed)
    return Bins(
        codes=codes,
        labels=(*categories, "any other category", "not known"),
        keys=(*listed, "other", "unknown"),
        categories=categories,
    )
