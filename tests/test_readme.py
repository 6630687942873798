"""The README's examples run as they are written.

The README is not under ``docs/`` (whose ``>>>`` examples pytest collects itself), so its
``pycon`` blocks are run here, each as one doctest.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

_PYCON = re.compile(r"^```pycon\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _examples() -> list[str]:
    return _PYCON.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_a_python_example() -> None:
    assert _examples(), "README.md has no ```pycon block"


@pytest.mark.parametrize("block", _examples())
def test_each_readme_example_runs_as_written(block: str) -> None:
    test = doctest.DocTestParser().get_doctest(block, {}, "README.md", str(README), 0)
    assert test.examples, "a ```pycon block without a >>> example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, clear_globs=True)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted == len(test.examples)
    assert failed == 0, f"{failed} of {attempted} README examples failed (see above)"
