"""Pictures of a fit report: a reliability plot and a points chart (needs matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadflow.learning import FitReport

__all__ = ["save_plots"]


def save_plots(report: FitReport, folder: Path) -> tuple[Path, ...]:
    """Write ``reliability.png`` (when cross-validated) and ``points.png`` to *folder*.

    Returns the files written.

    Raises:
        ImportError: matplotlib is not installed (``pip install "leadflow[plots]"``).
    """
    # Imported here, so that the command (and a test run) works without matplotlib.
    import matplotlib

    matplotlib.use("Agg")  # files only: never open a window
    import matplotlib.pyplot as plt

    written: list[Path] = []
    cv = report.cross_validation
    if cv is not None and cv.reliability:
        figure, axes = plt.subplots(figsize=(5, 5))
        predicted = [row.predicted for row in cv.reliability]
        observed = [row.observed for row in cv.reliability]
        axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
        axes.plot(predicted, observed, marker="o", label="held-out deciles")
        axes.set_xlabel("predicted probability")
        axes.set_ylabel("observed rate")
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
        auc = "n/a" if cv.auc is None else f"{cv.auc:.3f}"
        axes.set_title(f"Reliability ({cv.folds}-fold, AUC {auc})")
        axes.legend(loc="upper left")
        path = folder / "reliability.png"
        figure.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(figure)
        written.append(path)
    features = [f for f in report.features if f.weight > 0]
    rows = sum(len(f.bins) for f in features)
    figure, axes = plt.subplots(figsize=(8, max(3.0, 0.28 * rows + 1)))
    labels: list[str] = []
    points: list[int] = []
    for feature in features:
        for bin_ in feature.bins:
            labels.append(f"{feature.name}: {bin_.label}")
            points.append(bin_.points)
    positions = list(range(len(labels)))
    axes.barh(positions, points)
    axes.set_yticks(positions, labels, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel("points")
    double = report.points_to_double_odds
    axes.set_title(f"Points per bin (every {double:.1f} points double the odds)")
    path = folder / "points.png"
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    written.append(path)
    return tuple(written)
