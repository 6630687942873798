"""The numerical fits behind a learned policy, in plain Python.

The design is always the same: every row falls in exactly one bin of each group
(a criterion's levels, a signal's bins), so a row is a tuple of bin numbers and a
model is an intercept plus one coefficient per bin (log-odds).

- :func:`logistic` fits L2-regularised logistic regression by block coordinate
  Newton steps: the bins of one group hold disjoint rows, so the Newton step of a
  whole group is exact bin by bin, and one step costs one pass over the rows.
- :func:`naive_bayes` gives each bin its smoothed weight of evidence.
- :func:`calibrate` fits the logistic curve from a score to a probability.

Everything is deterministic: sums run in row order, and nothing depends on
hashing.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence

__all__ = ["calibrate", "logistic", "naive_bayes", "round_half_up"]

# A Newton step of one coefficient is never larger than this (log-odds), so that a
# bin whose rows all share one outcome converges instead of jumping.
_MAX_STEP = 4.0


def round_half_up(value: float) -> int:
    """Round half up (never to even): the same on every platform."""
    return math.floor(value + 0.5)


def _logit(rate: float) -> float:
    rate = min(max(rate, 1e-6), 1 - 1e-6)
    return math.log(rate / (1 - rate))


def logistic(
    codes: Sequence[Sequence[int]],
    sizes: Sequence[int],
    outcomes: Sequence[bool],
    *,
    l2: float,
    tolerance: float = 1e-3,
    max_sweeps: int = 200,
    start: Sequence[Sequence[float]] | None = None,
) -> tuple[float, list[list[float]]]:
    """Fit log-odds = intercept + the coefficients of each row's bins.

    Args:
        codes: Per group, the bin number of every row (``codes[g][i]``).
        sizes: Per group, how many bins it has.
        outcomes: Per row, the outcome.
        l2: The penalty on each coefficient's square, per row: the loss is the
            mean negative log-likelihood plus ``l2 / 2`` times the sum of squared
            coefficients, so copying every row changes nothing.
        tolerance: Stop when no coefficient moved more than this in a sweep.
        max_sweeps: Stop after this many sweeps over the groups in any case.
        start: Coefficients to start from (a fit of a close design), else zeros.

    Returns:
        The intercept, and per group the coefficient of each bin.
    """
    n = len(outcomes)
    positives = sum(1 for o in outcomes if o)
    intercept = _logit(positives / n) if n else 0.0
    penalty = l2 * n
    coefficients = [[0.0] * size for size in sizes] if start is None else [list(c) for c in start]
    wins = []
    for group, size in zip(codes, sizes, strict=True):
        counts = [0.0] * size
        for code, outcome in zip(group, outcomes, strict=True):
            if outcome:
                counts[code] += 1.0
        wins.append(counts)
    # Per group and bin, a function picking that bin's rows out of a per-row list.
    rows = [_pickers(group, size) for group, size in zip(codes, sizes, strict=True)]
    # The odds of each row, exp(log-odds), updated multiplicatively bin by bin.
    log_odds = [intercept] * n
    if start is not None:
        for group, beta in zip(codes, coefficients, strict=True):
            log_odds = [z + beta[code] for code, z in zip(group, log_odds, strict=True)]
    odds = [math.exp(z) for z in log_odds]
    for _ in range(max_sweeps):
        moved = 0.0
        # The intercept: a group of one bin holding every row, never penalised.
        total = weight = 0.0
        for o in odds:
            p = o / (1.0 + o)
            total += p
            weight += p / (1.0 + o)
        step = _clip((positives - total) / weight) if weight > 0 else 0.0
        if step:
            intercept += step
            factor = math.exp(step)
            odds = [o * factor for o in odds]
        moved = abs(step)
        spreads = [o / ((1.0 + o) * (1.0 + o)) for o in odds]  # p (1 - p) of each row
        for group, size, beta, won, members in zip(
            codes, sizes, coefficients, wins, rows, strict=True
        ):
            chances = [o / (1.0 + o) for o in odds]
            # math.fsum, not sum: sum() adds floats differently from Python 3.12 on, and a
            # learned policy must be the same on every supported Python.
            expected = [math.fsum(pick(chances)) for pick in members]
            # The curvature is taken at the start of the sweep: a Newton step only needs
            # it roughly (the gradient, exact, decides where the fit ends).
            curvature = [math.fsum(pick(spreads)) for pick in members]
            steps = [
                _clip((won[b] - expected[b] - penalty * beta[b]) / (curvature[b] + penalty))
                if curvature[b] + penalty > 0
                else 0.0
                for b in range(size)
            ]
            moved = max(moved, max(map(abs, steps), default=0.0))
            # Shifting a group's coefficients and the intercept in opposite directions
            # predicts the same; the shift to the group's mean lowers the penalty. Doing
            # it at once keeps the sweeps from crawling along that flat direction.
            for b in range(size):
                beta[b] += steps[b]
            centre = math.fsum(beta) / size
            for b in range(size):
                beta[b] -= centre
            intercept += centre
            factors = [math.exp(s) for s in steps]
            odds = [o * factors[code] for code, o in zip(group, odds, strict=False)]
        if moved < tolerance:
            break
    return intercept, coefficients


def _pickers(group: Sequence[int], size: int) -> list[Callable[[list[float]], Sequence[float]]]:
    """Per bin, a function taking a per-row list to the values of the bin's rows."""
    members: list[list[int]] = [[] for _ in range(size)]
    for row, code in enumerate(group):
        members[code].append(row)
    pickers: list[Callable[[list[float]], Sequence[float]]] = []
    for indices in members:
        if len(indices) >= 2:
            pickers.append(operator.itemgetter(*indices))
        else:
            # itemgetter of one index returns the item, not a tuple: slice instead.
            at = indices[0] if indices else 0
            pickers.append(operator.itemgetter(slice(at, at + len(indices))))
    return pickers


def _clip(step: float) -> float:
    return max(-_MAX_STEP, min(_MAX_STEP, step))


def naive_bayes(
    codes: Sequence[Sequence[int]],
    sizes: Sequence[int],
    outcomes: Sequence[bool],
    *,
    smoothing: float = 0.5,
) -> tuple[float, list[list[float]]]:
    """Naive Bayes: each bin's coefficient is its smoothed weight of evidence.

    The weight of evidence of a bin is ``log(P(bin | outcome) / P(bin | no
    outcome))``, each share smoothed by *smoothing* rows (Laplace); the intercept
    is the log of the prior odds. Bins are taken as independent, which is what
    the method assumes.
    """
    n = len(outcomes)
    positives = sum(1 for o in outcomes if o)
    negatives = n - positives
    coefficients: list[list[float]] = []
    for group, size in zip(codes, sizes, strict=True):
        won = [0] * size
        rows = [0] * size
        for code, outcome in zip(group, outcomes, strict=True):
            rows[code] += 1
            if outcome:
                won[code] += 1
        coefficients.append(
            [
                math.log((won[b] + smoothing) / (positives + smoothing * size))
                - math.log((rows[b] - won[b] + smoothing) / (negatives + smoothing * size))
                for b in range(size)
            ]
        )
    return _logit(positives / n) if n else 0.0, coefficients


def calibrate(
    scores: Sequence[int], outcomes: Sequence[bool], *, iterations: int = 100
) -> tuple[float, float]:
    """Fit ``P(outcome) = 1 / (1 + exp(-(a + b * score)))`` by maximum likelihood.

    Scores are whole points, so the rows are first counted per score; Newton's
    method then works on at most 101 groups. A tiny ridge keeps the fit finite when
    the scores separate the outcomes perfectly.

    Returns:
        ``(a, b)``; ``b`` may come out zero or negative when the scores do not rank
        the outcomes (the caller decides what to do then).
    """
    rows: dict[int, list[int]] = {}
    for score, outcome in zip(scores, outcomes, strict=True):
        counts = rows.setdefault(score, [0, 0])
        counts[0] += 1
        counts[1] += 1 if outcome else 0
    table = sorted(rows.items())
    n = len(scores)
    positives = sum(won for _, (_, won) in table)
    a, b = _logit(positives / n) if n else 0.0, 0.0
    ridge = 1e-6 * n
    for _ in range(iterations):
        ga = gb = haa = hab = hbb = 0.0
        for score, (count, won) in table:
            z = a + b * score
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            w = count * p * (1.0 - p)
            residual = won - count * p
            ga += residual
            gb += residual * score
            haa += w
            hab += w * score
            hbb += w * score * score
        gb -= ridge * b
        hbb += ridge
        haa += 1e-12
        determinant = haa * hbb - hab * hab
        if determinant <= 0:
            break
        da = (hbb * ga - hab * gb) / determinant
        db = (haa * gb - hab * ga) / determinant
        a += da
        b += db
        if abs(da) < 1e-10 and abs(db) < 1e-12:
            break
    return a, b
