"""Suite-wide pytest configuration: Hypothesis settings profiles.

Profiles (choose one with ``HYPOTHESIS_PROFILE=<name>`` or ``--hypothesis-profile=<name>``):

``dev``
    Quick local runs: 50 examples per property. Loaded when nothing else is asked for.
``ci``
    300 examples per property, a fresh random seed on every run, and the reproduction blob
    printed for every failure. Loaded automatically when the ``CI`` environment variable is
    set. This replaces the ``ci`` profile Hypothesis registers (and auto-loads) itself.
``fuzz``
    Long runs of the fuzz suite: 2,000 examples per property
    (``HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py -p no:randomly``
    draws 180,000 hostile inputs; tests/test_fuzz.py says how they add up).
``mutation``
    For mutation testing (docs/mutation.md): 50 examples per property, the same ones on
    every run and no example database, so that a mutant is killed or not by the tests
    alone; mutmut runs the suite many times in one process, which Hypothesis would
    otherwise report as a ``differing_executors`` health check.
``default``
    Hypothesis's own defaults (100 examples) with the deadline switched off.

Every profile sets ``deadline=None``: the suite runs on small shared machines whose timing
noise would otherwise turn into flaky ``DeadlineExceeded`` failures.

Slow tests (marked ``@pytest.mark.slow``, such as the 100,000-row command-line run) are
skipped unless pytest is given ``--run-slow``; ``.ci/run`` passes it, so CI runs them.
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

# Build every profile on Hypothesis's built-in defaults, not on whatever profile happens to
# be loaded now (Hypothesis has already loaded its own "ci" profile if it detected CI).
_BASE = settings.get_profile("default")

settings.register_profile("default", parent=_BASE, deadline=None)
settings.register_profile("dev", parent=_BASE, max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    parent=_BASE,
    max_examples=300,
    deadline=None,
    # A new seed each run explores more of the input space over time; print_blob makes any
    # failure reproducible with @reproduce_failure.
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    parent=_BASE,
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "mutation",
    parent=_BASE,
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)


def _wanted_profile() -> str:
    """Return the profile named by HYPOTHESIS_PROFILE, else "ci" on CI, else "dev"."""
    explicit = os.environ.get("HYPOTHESIS_PROFILE", "").strip()
    if explicit:
        return explicit
    on_ci = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
    return "ci" if on_ci else "dev"


# An unknown name raises hypothesis.errors.InvalidArgument here, which is what we want.
settings.load_profile(_wanted_profile())


# --------------------------------------------------------------------------------------------
# Slow tests: skipped unless asked for with --run-slow (which .ci/run passes).
# --------------------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--run-slow``."""
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="also run the tests marked slow (skipped by default; CI runs them)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked slow unless ``--run-slow`` was given."""
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow test: run with --run-slow (CI does)")
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(skip)


# --------------------------------------------------------------------------------------------
# The fuzz suite's outcomes, after a run that included it (not from xdist workers' tallies).
# --------------------------------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After a run of tests/test_fuzz.py in this process, how its inputs ended."""
    fuzz = sys.modules.get("test_fuzz")
    tally: Counter[str] = getattr(fuzz, "TALLY", None) or Counter()
    if not tally:
        return
    terminalreporter.section("fuzz inputs by outcome")
    for outcome, count in sorted(tally.items(), key=lambda item: (-item[1], item[0])):
        terminalreporter.write_line(f"{count:>9,}  {outcome}")
    terminalreporter.write_line(f"{sum(tally.values()):>9,}  in all")
