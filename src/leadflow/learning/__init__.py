"""Learn a policy from outcomes: an explained scorecard fitted on won/lost history.

A learned model is an ordinary :class:`~leadflow.Policy`. :func:`learn` bins the
four criteria and the chosen signals, fits log-odds per bin (regularised logistic
regression, or naive Bayes), scales them to whole points that add up to a 0-100
score, and calibrates the score to a probability. Every point a learned policy
gives is explained like any other policy's, and the policy can be read, edited,
versioned and diffed as a policy file. Its decisions also carry a
:attr:`~leadflow.QualificationDecision.probability`.

The :class:`FitReport` says how good the fit is on held-out rows and what each
bin's points rest on.

:func:`learn_stage_probabilities` learns an opportunity stage's win probability
from closed deals (won / (won + lost) of the deals that reached it), to write
into a policy.
"""

from __future__ import annotations

from leadflow.learning._history import Example, Feature
from leadflow.learning._metrics import ReliabilityRow, auc, brier, log_loss, reliability
from leadflow.learning._objectives import FixedThreshold, Objective, QualifyTop, TargetPrecision
from leadflow.learning._report import (
    BinReport,
    CrossValidation,
    FeatureReport,
    FitReport,
    Thresholds,
)
from leadflow.learning._scorecard import Fit, learn
from leadflow.learning._stages import (
    StageHistory,
    StageRow,
    furthest_step,
    learn_stage_probabilities,
    learn_stage_probabilities_by,
)

__all__ = [
    "BinReport",
    "CrossValidation",
    "Example",
    "Feature",
    "FeatureReport",
    "Fit",
    "FitReport",
    "FixedThreshold",
    "Objective",
    "QualifyTop",
    "ReliabilityRow",
    "StageHistory",
    "StageRow",
    "TargetPrecision",
    "Thresholds",
    "auc",
    "brier",
    "furthest_step",
    "learn",
    "learn_stage_probabilities",
    "learn_stage_probabilities_by",
    "log_loss",
    "reliability",
]
