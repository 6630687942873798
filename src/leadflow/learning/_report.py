"""What a fit reports: held-out quality, each feature's bins and points, warnings.

A :class:`FitReport` is plain data. :meth:`FitReport.to_text` lays it out for a
terminal and :meth:`FitReport.to_dict` gives JSON-ready data for machines.
"""

from __future__ import annotations

from typing import Any

import attrs

from leadflow.learning._metrics import ReliabilityRow

__all__ = ["BinReport", "CrossValidation", "FeatureReport", "FitReport", "Thresholds"]


@attrs.frozen(kw_only=True)
class BinReport:
    """One bin of a learned feature: the rows behind it and the points it gives.

    Attributes:
        code: A signal's bin as decisions code it (``"signal.total_visits.bin_3"``);
            a criterion's level as ``<criterion>.<level>`` (``"need.strong"``).
        label: The bin for people (``"5 to under 10"``, ``"strong"``).
        rows: Training rows in the bin.
        positives: Of them, rows with the outcome.
        points: Points the learned policy gives the bin.
    """

    code: str
    label: str
    rows: int
    positives: int
    points: int

    @property
    def rate(self) -> float | None:
        """The share of the bin's rows with the outcome; ``None`` for an empty bin."""
        return self.positives / self.rows if self.rows else None

    def sentence(self, outcome: str = "converted") -> str:
        """The bin in words: ``"5 to under 10: 47% converted (n=1,204), 12 points"``."""
        rate = "no rows" if self.rate is None else f"{self.rate:.0%} {outcome} (n={self.rows:,})"
        return f"{self.label}: {rate}, {self.points} point{'' if self.points == 1 else 's'}"


@attrs.frozen(kw_only=True)
class FeatureReport:
    """A learned criterion or signal.

    Attributes:
        name: The criterion or signal.
        kind: ``"criterion"``, ``"number"`` or ``"category"``.
        weight: The most points it gives.
        information_value: How well its bins alone separate the outcomes (the
            credit-scoring measure: below 0.02 useless, 0.1-0.3 medium, above 0.5
            suspiciously strong).
        bins: Its bins, in the order the policy lists them.
    """

    name: str
    kind: str
    weight: int
    information_value: float
    bins: tuple[BinReport, ...]


@attrs.frozen(kw_only=True)
class CrossValidation:
    """Held-out quality: every row predicted by a policy fitted without its fold.

    Attributes:
        folds: How many folds (each row held out once).
        auc: Area under the ROC curve of the held-out probabilities.
        brier: Mean squared error of the held-out probabilities.
        log_loss: Mean negative log-likelihood of the held-out probabilities.
        reliability: Predicted against observed, per decile of probability.
    """

    folds: int
    auc: float | None
    brier: float
    log_loss: float
    reliability: tuple[ReliabilityRow, ...]


@attrs.frozen(kw_only=True)
class Thresholds:
    """How the thresholds were chosen, and what they do on the training rows.

    Attributes:
        objective: The objective, in words (``"qualify the top 20%"``).
        threshold: The qualification threshold chosen.
        nurture_threshold: The nurture floor chosen.
        qualified_share: Share of training rows qualified at the threshold.
        precision: Share of the qualified training rows with the outcome
            (``None`` when none qualify).
    """

    objective: str
    threshold: int
    nurture_threshold: int
    qualified_share: float
    precision: float | None


@attrs.frozen(kw_only=True)
class FitReport:
    """Everything a fit found out, for people and machines.

    Attributes:
        method: ``"scorecard"`` (regularised logistic regression) or
            ``"naive_bayes"``.
        rows: Training rows.
        positives: Of them, rows with the outcome.
        required: The criteria the learned policy requires to qualify.
        not_required: The criteria the seed's rule requires that this fit was
            told to learn without (the report says so).
        points_to_double_odds: How many points double the odds of the outcome.
        training_auc: AUC of the learned policy's probabilities on its own
            training rows (optimistic; see ``cross_validation``).
        cross_validation: Held-out quality, or ``None`` when not asked for.
        thresholds: How the thresholds were chosen.
        features: Each criterion and signal, in policy order.
        warnings: What a careful analyst would want to know first.
    """

    method: str
    rows: int
    positives: int
    required: tuple[str, ...]
    not_required: tuple[str, ...]
    points_to_double_odds: float
    training_auc: float | None
    cross_validation: CrossValidation | None
    thresholds: Thresholds
    features: tuple[FeatureReport, ...]
    warnings: tuple[str, ...]

    @property
    def base_rate(self) -> float:
        """The share of training rows with the outcome."""
        return self.positives / self.rows

    @property
    def auc(self) -> float | None:
        """Held-out AUC when cross-validated, else the training AUC."""
        cv = self.cross_validation
        return self.training_auc if cv is None else cv.auc

    @property
    def brier(self) -> float | None:
        """Held-out Brier score, when cross-validated."""
        return None if self.cross_validation is None else self.cross_validation.brier

    @property
    def log_loss(self) -> float | None:
        """Held-out log loss, when cross-validated."""
        return None if self.cross_validation is None else self.cross_validation.log_loss

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (floats, ints, strings, lists, objects)."""
        data: dict[str, Any] = attrs.asdict(self, recurse=True)
        data["base_rate"] = self.base_rate
        for feature, bins in zip(data["features"], self.features, strict=True):
            for item, bin_ in zip(feature["bins"], bins.bins, strict=True):
                item["rate"] = bin_.rate
        return data

    def to_text(self) -> str:
        """The report laid out for a terminal."""
        lines = [
            f"Learned by {self.method.replace('_', ' ')} from {self.rows:,} rows, "
            f"{self.positives:,} with the outcome ({self.base_rate:.1%}).",
            f"Every {self.points_to_double_odds:.1f} points double the odds.",
        ]
        cv = self.cross_validation
        if cv is not None:
            auc = "n/a" if cv.auc is None else f"{cv.auc:.3f}"
            lines.append(
                f"Held out ({cv.folds}-fold cross-validation): AUC {auc}, "
                f"Brier {cv.brier:.4f}, log loss {cv.log_loss:.4f}."
            )
        elif self.training_auc is not None:
            lines.append(f"AUC on the training rows: {self.training_auc:.3f} (not held out).")
        t = self.thresholds
        precision = "" if t.precision is None else f", {t.precision:.0%} of them with the outcome"
        lines.append(
            f"Thresholds ({t.objective}): qualify at {t.threshold}, nurture from "
            f"{t.nurture_threshold}; {t.qualified_share:.0%} of the training rows qualify"
            f"{precision}."
        )
        lines.append(
            "Required to qualify: " + (", ".join(self.required) if self.required else "nothing")
        )
        if self.not_required:
            lines.append(
                "Learned without requiring "
                + ", ".join(self.not_required)
                + " (the seed's rule requires them)."
            )
        if self.warnings:
            lines.append("")
            lines.append("Warnings:")
            lines += [f"  ! {warning}" for warning in self.warnings]
        if cv is not None and cv.reliability:
            lines.append("")
            lines.append("Reliability (held out): decile  rows  predicted  observed")
            lines += [
                f"  {row.group:>6}  {row.rows:>5}  {row.predicted:>8.1%}  {row.observed:>8.1%}"
                for row in cv.reliability
            ]
        for feature in self.features:
            lines.append("")
            lines.append(
                f"{feature.name} ({feature.kind}): up to {feature.weight} points, "
                f"information value {feature.information_value:.3f}"
            )
            lines += [f"  {bin_.sentence()}" for bin_ in feature.bins]
        return "\n".join(lines)
