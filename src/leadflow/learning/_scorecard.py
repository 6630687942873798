"""Fitting a scorecard policy from labelled history.

The steps, each deterministic:

1. Read every row's four criterion levels the way a decision reads them (stale
   evidence counts as unknown) and its signal values.
2. Bin every feature (see :mod:`leadflow.learning._bins`).
3. Fit log-odds per bin: regularised logistic regression (``"scorecard"``) or naive
   Bayes. Where points must never fall (a criterion's known levels, a monotone
   signal), bins that break the order are tied and the fit repeated.
4. Scale to points: one factor for every feature, so that points stay additive in
   log-odds; the factor makes the best possible score 100, and each feature's
   weight is its most points (whole points, rounded so the weights add up to 100).
5. Calibrate: a logistic curve from the score to the probability, fitted on the
   training rows' scores.
6. Choose the thresholds from the objective.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from leadflow import _validate as v
from leadflow.errors import InvalidFieldError
from leadflow.evidence import LEVELS, Criterion
from leadflow.learning import _fit
from leadflow.learning._bins import Bins, categorical_bins, level_bins, numeric_bins
from leadflow.learning._history import (
    UTC_EPOCH,
    Example,
    Feature,
    Method,
    Table,
    latest,
    outcome_of,
    read_history,
)
from leadflow.learning._metrics import auc, brier, log_loss, reliability
from leadflow.learning._objectives import (
    FixedThreshold,
    Objective,
    QualifyTop,
    TargetPrecision,
    bands,
    choose_threshold,
    lowest_reaching,
)
from leadflow.learning._report import (
    BinReport,
    CrossValidation,
    FeatureReport,
    FitReport,
    Thresholds,
)
from leadflow.policy import Calibration, CriterionRule, Policy
from leadflow.presets import DEFAULT_POLICY
from leadflow.signals import CategoricalSignal, NumericSignal, Signal

__all__ = ["Fit", "learn"]


@attrs.frozen(kw_only=True)
class Fit:
    """A learned policy and its report.

    Attributes:
        policy: The learned policy: an ordinary :class:`~leadflow.Policy` with a
            :class:`~leadflow.Calibration`.
        report: What the fit found out.
    """

    policy: Policy
    report: FitReport


# ----------------------------------------------------------------------------------------
# Fitting
# ----------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Plan:
    """Everything a fit is asked to do, but the rows (see :func:`learn`)."""

    features: tuple[Feature, ...]
    base: Policy
    required: tuple[Criterion, ...]
    objective: Objective
    method: Method
    l2: float
    max_bins: int
    min_bin_share: float
    min_category_share: float


def _bin_all(table: Table, features: Sequence[Feature], settings: _Plan) -> list[tuple[str, Bins]]:
    binned: list[tuple[str, Bins]] = []
    for criterion, level_type in LEVELS.items():
        binned.append((criterion.value, level_bins(table.levels[criterion], level_type)))
    for feature in features:
        column = table.values[feature.name]
        if feature.kind == "number":
            bins = numeric_bins(
                column,
                table.outcomes,
                max_bins=settings.max_bins,
                min_share=settings.min_bin_share,
                monotone=feature.monotone,
            )
        else:
            bins = categorical_bins(column, min_share=settings.min_category_share)
        binned.append((feature.name, bins))
    return binned


def _blocks(
    ordered: Sequence[int], coefficients: Sequence[float], rows: Sequence[int]
) -> list[list[int]]:
    """Pool adjacent violators: the runs of *ordered* bins whose coefficients must be tied."""
    blocks: list[tuple[list[int], float, float]] = []  # bins, weighted sum, weight
    for b in ordered:
        weight = rows[b] + 1e-9
        blocks.append(([b], coefficients[b] * weight, weight))
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] > blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            before = blocks.pop()
            blocks.append((before[0] + last[0], before[1] + last[1], before[2] + last[2]))
    return [members for members, _, _ in blocks]


def _fit_bins(
    binned: Sequence[tuple[str, Bins]], outcomes: Sequence[bool], settings: _Plan
) -> list[list[float]]:
    """Log-odds per bin of every feature, ties added until every order holds."""
    # Per feature, the parameter each bin uses (tied bins share one).
    params = [list(range(bins.size)) for _, bins in binned]
    rows_per_bin = []
    for _, bins in binned:
        counts = [0] * bins.size
        for code in bins.codes:
            counts[code] += 1
        rows_per_bin.append(counts)
    # Ordered bins without rows say nothing: they take their neighbour's points.
    for (_, bins), param, counts in zip(binned, params, rows_per_bin, strict=True):
        ordered = list(bins.ordered)
        filled = [b for b in ordered if counts[b]]
        for position, b in enumerate(ordered):
            if counts[b] or not filled:
                continue
            lower = [c for c in ordered[:position] if counts[c]]
            param[b] = param[lower[-1] if lower else filled[0]]
    coefficients: list[list[float]] | None = None
    for _ in range(len(params) * 10):
        coefficients = _solve(binned, params, rows_per_bin, outcomes, settings, coefficients)
        tied = False
        for (_, bins), param, coefs, counts in zip(
            binned, params, coefficients, rows_per_bin, strict=True
        ):
            if not bins.ordered:
                continue
            per_bin = coefs
            for block in _blocks(bins.ordered, per_bin, counts):
                target = param[block[0]]
                for b in block[1:]:
                    if param[b] != target and per_bin[b] != per_bin[block[0]]:
                        tied = True
                    if param[b] != target:
                        old = param[b]
                        for k in range(bins.size):
                            if param[k] == old:
                                param[k] = target
        if not tied:
            return coefficients
    raise AssertionError("the monotone ties did not settle")  # pragma: no cover


def _solve(
    binned: Sequence[tuple[str, Bins]],
    params: Sequence[Sequence[int]],
    rows_per_bin: Sequence[Sequence[int]],
    outcomes: Sequence[bool],
    settings: _Plan,
    previous: Sequence[Sequence[float]] | None = None,
) -> list[list[float]]:
    """One fit with bins mapped to parameters; returns the coefficient of every bin.

    *previous* (every bin's coefficient from a fit with fewer ties) is where the
    scorecard's fit starts from.

    Only parameters some row holds are fitted. A bin no row holds (a category never
    seen, a level nobody had) says nothing about the outcome: it gets the average
    row's coefficient, the row-weighted mean of its feature's, so it moves no score
    up or down from the average.
    """
    codes: list[list[int]] = []
    sizes: list[int] = []
    held: list[list[int]] = []
    start: list[list[float]] | None = None if previous is None else []
    for index, ((_, bins), param) in enumerate(zip(binned, params, strict=True)):
        # Number the parameters rows hold 0..k-1, in their original order.
        present = sorted({param[c] for c in set(bins.codes)})
        number = {p: k for k, p in enumerate(present)}
        lookup = [number.get(param[b], -1) for b in range(bins.size)]
        codes.append([lookup[c] for c in bins.codes])
        sizes.append(len(present))
        held.append(present)
        if start is not None and previous is not None:
            counts = rows_per_bin[index]
            start.append(
                [
                    math.fsum(
                        previous[index][b] * counts[b] for b in range(bins.size) if param[b] == p
                    )
                    / sum(counts[b] for b in range(bins.size) if param[b] == p)
                    for p in present
                ]
            )
    if settings.method == "scorecard":
        _, coefficients = _fit.logistic(codes, sizes, outcomes, l2=settings.l2, start=start)
    else:
        _, coefficients = _fit.naive_bayes(codes, sizes, outcomes)
    result: list[list[float]] = []
    for (_, bins), param, present, coefs, counts in zip(
        binned, params, held, coefficients, rows_per_bin, strict=True
    ):
        by_param = dict(zip(present, coefs, strict=True))
        total = sum(counts)
        neutral = (
            math.fsum(by_param[param[b]] * counts[b] for b in range(bins.size) if counts[b]) / total
            if total
            else 0.0
        )
        result.append([by_param.get(param[b], neutral) for b in range(bins.size)])
    return result


def _points(coefficients: Sequence[Sequence[float]]) -> tuple[list[int], list[list[int]]]:
    """Whole points per bin from log-odds per bin; weights (most points) add up to 100."""
    ranges = [max(c) - min(c) for c in coefficients]
    total = math.fsum(ranges)
    if total <= 0:
        raise InvalidFieldError(
            "history", None, "no criterion or signal separates the outcomes: nothing to learn"
        )
    raw = [100 * r / total for r in ranges]
    weights = [math.floor(x) for x in raw]
    # Largest remainders get the points left over (ties: policy order).
    short = 100 - sum(weights)
    for k in sorted(range(len(raw)), key=lambda k: (-(raw[k] - weights[k]), k))[:short]:
        weights[k] += 1
    points = [
        [_fit.round_half_up(w * (c - min(coefs)) / r) if r > 0 else 0 for c in coefs]
        for coefs, w, r in zip(coefficients, weights, ranges, strict=True)
    ]
    return weights, points


# ----------------------------------------------------------------------------------------
# Building the policy
# ----------------------------------------------------------------------------------------


def _policy_parts(
    binned: Sequence[tuple[str, Bins]],
    weights: Sequence[int],
    points: Sequence[Sequence[int]],
    features: Sequence[Feature],
    base: Policy,
    required: tuple[Criterion, ...],
) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    criteria = len(LEVELS)
    for (name, _), weight, pts, (criterion, level_type) in zip(
        binned[:criteria], weights[:criteria], points[:criteria], LEVELS.items(), strict=True
    ):
        parts[name] = CriterionRule(
            weight=weight,
            required=criterion in required,
            minimum=base.rule(criterion).minimum,
            points=dict(zip(level_type, pts, strict=True)),
        )
    signals: list[Signal] = []
    declared = {s.name: s for s in base.signals}
    for feature, (_, bins), weight, pts in zip(
        features, binned[criteria:], weights[criteria:], points[criteria:], strict=True
    ):
        before = declared.get(feature.name)
        common: dict[str, Any] = {
            "name": feature.name,
            "weight": weight,
            "unknown": pts[-1],
            "half_life": None if before is None else before.half_life,
            "description": None if before is None else before.description,
        }
        if feature.kind == "number":
            signals.append(NumericSignal(edges=bins.edges, points=tuple(pts[:-1]), **common))
        else:
            listed = len(bins.categories)
            signals.append(
                CategoricalSignal(
                    points=dict(zip(bins.categories, pts[:listed], strict=True)),
                    default=pts[listed],
                    **common,
                )
            )
    parts["signals"] = tuple(signals)
    return parts


def _scores(binned: Sequence[tuple[str, Bins]], points: Sequence[Sequence[int]]) -> list[int]:
    """Each row's score: the sum of its bins' points (what the policy will give it)."""
    totals = [0] * len(binned[0][1].codes)
    for (_, bins), pts in zip(binned, points, strict=True):
        totals = [t + pts[c] for t, c in zip(totals, bins.codes, strict=True)]
    return totals


@attrs.frozen(kw_only=True)
class _Learned:
    policy: Policy
    binned: list[tuple[str, Bins]]
    points: list[list[int]]
    scores: list[int]


def _learn_once(table: Table, settings: _Plan, name: str) -> tuple[_Learned, list[str]]:
    features, base, required = settings.features, settings.base, settings.required
    objective = settings.objective
    warnings: list[str] = []
    outcomes = table.outcomes
    binned = _bin_all(table, features, settings)
    coefficients = _fit_bins(binned, outcomes, settings)
    weights, points = _points(coefficients)
    scores = _scores(binned, points)
    a, b = _fit.calibrate(scores, outcomes)
    if b <= 0:
        warnings.append(
            "the learned score does not rank the outcome on the training rows; "
            "its probabilities are flat"
        )
        b = 1e-6
    calibration = Calibration(intercept=a, slope=b)
    threshold, missed = choose_threshold(objective, scores, table.met, outcomes)
    if missed is not None:
        warnings.append(missed)
    base_rate = sum(outcomes) / len(outcomes)
    nurture = min(lowest_reaching(calibration, base_rate, threshold), threshold)
    parts = _policy_parts(binned, weights, points, features, base, required)
    policy = Policy(
        name=name,
        order=base.order,
        threshold=threshold,
        nurture_threshold=nurture,
        **bands(threshold, nurture, calibration, max(scores)),
        horizon_days=base.horizon_days,
        freshness=base.freshness,
        stage_probabilities=base.stage_probabilities,
        promotion=base.promotion,
        calibration=calibration,
        **parts,
    )
    return _Learned(policy=policy, binned=binned, points=points, scores=scores), warnings


def _information_value(rows: Sequence[int], won: Sequence[int], positives: int) -> float:
    negatives = sum(rows) - positives
    if not positives or not negatives:
        return 0.0
    total = 0.0
    for r, w in zip(rows, won, strict=True):
        if not r:
            continue
        good = (w + 0.5) / (positives + 0.5 * len(rows))
        bad = (r - w + 0.5) / (negatives + 0.5 * len(rows))
        total += (good - bad) * math.log(good / bad)
    return total


def _binned_auc(points: Sequence[int], rows: Sequence[int], won: Sequence[int]) -> float | None:
    """The AUC of a feature's points alone, from its bins' counts (ties count one half)."""
    positives = sum(won)
    negatives = sum(rows) - positives
    if not positives or not negatives:
        return None
    by_points: dict[int, list[int]] = {}
    for p, r, w in zip(points, rows, won, strict=True):
        counts = by_points.setdefault(p, [0, 0])
        counts[0] += w
        counts[1] += r - w
    below = 0  # negatives with fewer points so far
    total = 0.0
    for _, (pos, neg) in sorted(by_points.items()):
        total += pos * (below + neg / 2)
        below += neg
    return total / (positives * negatives)


def _codes(name: str, kind: str, bins: Bins) -> list[str]:
    """A signal's bins as decisions code them; a criterion's as ``<criterion>.<level>``."""
    prefix = name if kind == "criterion" else f"signal.{name}"
    return [f"{prefix}.{key}" for key in bins.keys]


def _feature_reports(
    learned: _Learned, features: Sequence[Feature], outcomes: Sequence[bool]
) -> tuple[list[FeatureReport], list[str]]:
    kinds = ["criterion"] * len(LEVELS) + [f.kind for f in features]
    positives = sum(outcomes)
    reports: list[FeatureReport] = []
    warnings: list[str] = []
    n = len(outcomes)
    for (name, bins), pts, kind in zip(learned.binned, learned.points, kinds, strict=True):
        rows = [0] * bins.size
        won = [0] * bins.size
        for code, outcome in zip(bins.codes, outcomes, strict=True):
            rows[code] += 1
            won[code] += 1 if outcome else 0
        iv = _information_value(rows, won, positives)
        codes = _codes(name, kind, bins)
        reports.append(
            FeatureReport(
                name=name,
                kind=kind,
                weight=max(pts),
                information_value=iv,
                bins=tuple(
                    BinReport(code=c, label=label, rows=r, positives=w, points=p)
                    for c, label, r, w, p in zip(codes, bins.labels, rows, won, pts, strict=True)
                ),
            )
        )
        alone = _binned_auc(pts, rows, won)
        if alone is not None and max(alone, 1 - alone) >= 0.95:
            warnings.append(
                f"{name} alone ranks the outcome almost perfectly (AUC {max(alone, 1 - alone):.3f})"
                ": was it filled in after the outcome was known (leakage)?"
            )
        for label, r, w in zip(bins.labels, rows, won, strict=True):
            if r >= max(10, 0.01 * n) and (w == 0 or w == r):
                share = "none" if w == 0 else "all"
                warnings.append(
                    f"{name} {label}: {share} of its {r:,} rows had the outcome; "
                    "its points rest on a bin with no contrast"
                )
    return reports, warnings


def _folds(outcomes: Sequence[bool], folds: int) -> list[list[int]]:
    """Stratified folds: each outcome's rows dealt round-robin, in row order."""
    assigned: list[list[int]] = [[] for _ in range(folds)]
    # One deal across both outcomes, so that the folds also come out near equal in size.
    order = [i for i, o in enumerate(outcomes) if o] + [i for i, o in enumerate(outcomes) if not o]
    for position, row in enumerate(order):
        assigned[position % folds].append(row)
    return [sorted(rows) for rows in assigned if rows]


def learn(
    history: Iterable[Example],
    features: Sequence[Feature] | None = None,
    *,
    base: Policy | None = None,
    method: Method = "scorecard",
    objective: Objective | None = None,
    required: Iterable[Criterion | str] | None = None,
    folds: int = 5,
    as_of: datetime | None = None,
    name: str = "learned",
    l2: float = 1e-3,
    max_bins: int = 10,
    min_bin_share: float = 0.05,
    min_category_share: float = 0.01,
) -> Fit:
    """Fit a scorecard policy from labelled *history*.

    Args:
        history: The labelled rows (:class:`Example`).
        features: The signals to learn; by default, the signals *base* declares
            (numeric ones as numbers, categorical ones as categories). The four
            criteria are always learned.
        base: The policy the learned one starts from (``None``, the default, means
            :data:`~leadflow.DEFAULT_POLICY`): its criteria's minimums,
            requirements, freshness, horizon, stage probabilities and promotion gate
            are kept; signals it declares keep their half-life and description.
        method: ``"scorecard"`` (L2-regularised logistic regression) or
            ``"naive_bayes"`` (weights of evidence, the Odoo baseline).
        objective: How to choose the threshold: :class:`QualifyTop` (default, the
            top 20%), :class:`TargetPrecision` or :class:`FixedThreshold`.
        required: The criteria required to qualify; by default *base*'s. Leaving
            out one the seed's rule requires (need, budget, timeframe) is
            reported.
        folds: Folds of cross-validation for the report (0 skips it).
        as_of: "Now" for reading the evidence of rows without their own
            ``as_of``; by default the latest time any evidence was observed.
        name: The learned policy's name.
        l2: The ridge penalty per row.
        max_bins: The most bins a numeric signal starts from (its quantiles).
        min_bin_share: The least share of the rows a numeric bin may hold.
        min_category_share: The least share of the rows a category needs to get
            points of its own; rarer ones are pooled into "other".

    Raises:
        InvalidFieldError: an argument is invalid, the history has rows of only
            one outcome, a signal's value is of the wrong kind, or nothing in the
            history separates the outcomes.
    """
    base = DEFAULT_POLICY if base is None else base
    examples = list(history)
    for index, example in enumerate(examples):
        if not isinstance(example, Example):
            v.check_type(f"history[{index}]", example, Example)
    if not isinstance(base, Policy):
        v.check_type("base", base, Policy)
    if method not in ("scorecard", "naive_bayes"):
        raise InvalidFieldError("method", method, "expected 'scorecard' or 'naive_bayes'")
    chosen = QualifyTop(0.2) if objective is None else objective
    if not isinstance(chosen, (QualifyTop, TargetPrecision, FixedThreshold)):
        raise InvalidFieldError(
            "objective", objective, "expected QualifyTop, TargetPrecision or FixedThreshold"
        )
    if isinstance(folds, bool) or not isinstance(folds, int) or folds == 1 or folds < 0:
        raise InvalidFieldError("folds", folds, "expected 0 (no cross-validation) or at least 2")
    _check_number("l2", l2, low=0.0, high=math.inf, low_included=False)
    _check_number("min_bin_share", min_bin_share, low=0.0, high=1.0, low_included=False)
    _check_number("min_category_share", min_category_share, low=0.0, high=1.0)
    if isinstance(max_bins, bool) or not isinstance(max_bins, int) or max_bins < 2:
        raise InvalidFieldError("max_bins", max_bins, "expected a whole number of at least 2")
    if features is None:
        features = tuple(Feature.of(s) for s in base.signals)
    features = tuple(features)
    names: set[str] = {c.value for c in Criterion}
    for index, feature in enumerate(features):
        if not isinstance(feature, Feature):
            v.check_type(f"features[{index}]", feature, Feature)
        if feature.name in names:
            raise InvalidFieldError(
                f"features[{index}].name", feature.name, "names a criterion or another feature"
            )
        names.add(feature.name)
    wanted = base.required if required is None else tuple(_criterion(c) for c in required)
    needed = tuple(c for c in base.order if c in wanted)
    positives = sum(1 for e in examples if e.outcome)
    if not positives or positives == len(examples):
        raise InvalidFieldError(
            "history", len(examples), "needs rows with the outcome and rows without it"
        )
    if as_of is not None:
        v.check_aware("as_of", as_of)
    if as_of is not None:
        now = as_of
    elif all(e.as_of is not None for e in examples):
        now = UTC_EPOCH  # never used: every example has its own
    else:
        now = latest(examples)
    settings = _Plan(
        features=features,
        base=base,
        required=needed,
        objective=chosen,
        method=method,
        l2=l2,
        max_bins=max_bins,
        min_bin_share=min_bin_share,
        min_category_share=min_category_share,
    )
    table = read_history(examples, features, base, needed, now)
    learned, warnings = _learn_once(table, settings, name)
    policy = learned.policy
    calibration = policy.calibration
    assert calibration is not None  # a learned policy always has one
    outcomes = table.outcomes
    training = [calibration.probability(s) for s in learned.scores]
    reports, feature_warnings = _feature_reports(learned, features, outcomes)
    warnings += feature_warnings
    if positives < 50 or len(examples) - positives < 50:
        warnings.insert(
            0,
            f"only {min(positives, len(examples) - positives)} rows of the rarer outcome: "
            "points and probabilities are rough",
        )
    seeds_rule = (Criterion.NEED, Criterion.BUDGET, Criterion.TIMEFRAME)
    not_required = tuple(c.value for c in seeds_rule if c not in needed)
    cross = None
    if folds:
        cross, fold_warnings = _cross_validate(examples, table, settings, folds, now)
        warnings += fold_warnings
    qualified = [
        s >= policy.threshold and ok for s, ok in zip(learned.scores, table.met, strict=True)
    ]
    count = sum(qualified)
    report = FitReport(
        method=method,
        rows=len(examples),
        positives=positives,
        required=tuple(c.value for c in needed),
        not_required=not_required,
        points_to_double_odds=calibration.points_to_double_odds,
        training_auc=auc(training, outcomes),
        cross_validation=cross,
        thresholds=Thresholds(
            objective=str(chosen),
            threshold=policy.threshold,
            nurture_threshold=policy.nurture_threshold,
            qualified_share=count / len(examples),
            precision=(
                sum(1 for q, o in zip(qualified, outcomes, strict=True) if q and o) / count
                if count
                else None
            ),
        ),
        features=tuple(reports),
        warnings=tuple(warnings),
    )
    return Fit(policy=policy, report=report)


def _check_number(
    field: str, value: object, *, low: float, high: float, low_included: bool = True
) -> None:
    """*value* is a finite number between *low* (included or not) and *high* (included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidFieldError(field, value, "expected a finite number")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        raise InvalidFieldError(field, value, "expected a finite number a float can hold")
    if value > high or value < low or (value == low and not low_included):
        above = "at least" if low_included else "above"
        most = "" if math.isinf(high) else f" and at most {high}"
        raise InvalidFieldError(field, value, f"expected a number {above} {low}{most}")


def _criterion(value: Criterion | str) -> Criterion:
    if isinstance(value, Criterion):
        return value
    try:
        return Criterion(value)
    except ValueError:
        raise InvalidFieldError("required", value, "not a criterion") from None


def _cross_validate(
    examples: Sequence[Example], table: Table, settings: _Plan, folds: int, as_of: datetime
) -> tuple[CrossValidation, list[str]]:
    """Each row's probability from a policy fitted on the other folds, and any warnings."""
    n = len(examples)
    held = [0.0] * n
    parts = _folds(table.outcomes, folds)
    unfitted = 0
    for part in parts:
        inside = set(part)
        training = [i for i in range(n) if i not in inside]
        inner = table.subset(training)
        try:
            if not training:
                raise InvalidFieldError("folds", folds, "a fold without training rows")
            learned, _ = _learn_once(inner, settings, "fold")
        except InvalidFieldError:
            # Too few rows: nothing in this fold's training rows separates the outcomes.
            # Its rows get that fold's base rate, which is what such a fit would know.
            rate = sum(inner.outcomes) / len(inner.outcomes) if inner.outcomes else 0.5
            for i in part:
                held[i] = rate
            unfitted += 1
            continue
        for i in part:
            probability = outcome_of(learned.policy, examples[i], as_of)[10]
            assert probability is not None  # a learned policy has a calibration
            held[i] = probability
    outcomes = table.outcomes
    warnings = []
    if unfitted:
        warnings.append(
            f"{unfitted} of {folds} folds had too few rows to fit; their held-out rows were "
            "predicted at the fold's base rate (use fewer folds)"
        )
    cross = CrossValidation(
        folds=folds,
        auc=auc(held, outcomes),
        brier=brier(held, outcomes),
        log_loss=log_loss(held, outcomes),
        reliability=reliability(held, outcomes),
    )
    return cross, warnings
