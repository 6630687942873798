"""The README's quick start gives the same decisions in any year.

The command is read from README.md (the first ``console`` block after the
``<!-- quick-start -->`` marker, the ``leadflow`` part after the last ``&&``) and run
in-process, once with the clock as it is and once with it two years ahead. The
examples' verdicts as of the moment ``examples/leadflow.toml`` declares,
2026-11-30 09:00 UTC, are worked out by hand in tests/test_examples.py (23 qualified,
4 nurture, 7 undetermined, 14 disqualified); a few are re-derived here.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from leadflow.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: The command the brief of the quick start promised, used until the README has the marker.
PROMISED = (
    "$ python3 -m venv .venv && . .venv/bin/activate && pip install . && "
    "leadflow qualify --config examples/leadflow.toml examples/contacts.csv"
)
DECLARED = "2026-11-30T09:00:00+00:00"


def quick_start_line() -> str:
    """The shell line of the README's quick start."""
    text = README.read_text(encoding="utf-8")
    marker = text.find("<!-- quick-start -->")
    if marker < 0:
        return PROMISED
    block = re.search(r"```console\n(.*?)```", text[marker:], re.DOTALL)
    assert block is not None, "no ```console block after <!-- quick-start -->"
    (line,) = [line for line in block.group(1).splitlines() if line.startswith("$ ")]
    return line


def quick_start_argv() -> list[str]:
    command = shlex.split(quick_start_line().rsplit("&& ", 1)[-1])
    assert command[0] == "leadflow"
    return command[1:]


def verdicts_at(
    now: datetime,
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, tuple[str, str]]:
    """Each row's (id, verdict, as_of) with the command's clock reading *now*."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("leadflow.cli._commands._now", lambda: now)
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 0, err
    rows = [json.loads(line) for line in out.splitlines()]  # piped: JSON Lines
    return {row["id"]: (row["verdict"], row["as_of"]) for row in rows}


class TestQuickStart:
    def test_the_readme_line_is_the_promised_command(self) -> None:
        assert quick_start_argv() == [
            "qualify",
            "--config",
            "examples/leadflow.toml",
            "examples/contacts.csv",
        ]

    def test_the_quick_start_decides_the_same_today_and_two_years_on(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        argv = quick_start_argv()
        today = datetime.now(timezone.utc)

        now = verdicts_at(today, argv, capsys, monkeypatch)
        later = verdicts_at(today + timedelta(days=2 * 365), argv, capsys, monkeypatch)

        assert now == later
        assert {as_of for _, as_of in now.values()} == {DECLARED}
        assert Counter(verdict for verdict, _ in now.values()) == {
            "qualified": 23,
            "nurture": 4,
            "undetermined": 7,
            "disqualified": 14,
        }
        # By hand, from the CSV: L-1001 strong need, approved budget, this quarter:
        # every requirement met. L-1019 meets all but the timeframe, later: nurture
        # (available 24 + influencer 8 + expressed 23 + later 3 = 58). L-1039's decision
        # date, 2026-11-10, is before 2026-11-30: not known any more. L-1031's budget is
        # known and insufficient: evidence against.
        assert now["L-1001"][0] == "qualified"
        assert now["L-1019"][0] == "nurture"
        assert now["L-1039"][0] == "undetermined"
        assert now["L-1031"][0] == "disqualified"

    def test_without_the_config_two_years_change_the_decisions(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # What the configuration guards against: "as of now", the evidence goes stale.
        argv = [arg for arg in quick_start_argv() if "leadflow.toml" not in arg]
        argv.remove("--config")
        declared = datetime.fromisoformat(DECLARED)

        pinned = verdicts_at(declared, argv, capsys, monkeypatch)
        later = verdicts_at(declared + timedelta(days=2 * 365), argv, capsys, monkeypatch)

        assert Counter(verdict for verdict, _ in pinned.values())["qualified"] == 23
        # Two years on, no evidence is fresh (BANT's window is 180 days): none qualifies.
        assert Counter(verdict for verdict, _ in later.values())["qualified"] == 0
