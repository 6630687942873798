"""The ``leadflow`` command line, run as users run it: a real process on real files.

Most tests run ``python -m leadflow`` in a subprocess on files written to a temporary
directory (or on the bundled examples); the console script itself is run too when it is
installed. A few call :func:`leadflow.cli.main` in-process, for argument errors.

Expected verdicts and scores are worked out by hand from the evidence in the files and
the published scale of each policy (BANT: a level earns a share of its criterion's
weight, rounded half up; weights budget 30, authority 15, need 30, timeframe 25;
threshold 60, nurture from 35; grade floors 80/60/40; hot from 75 when qualified, warm
from 45), never read back from leadflow. Every example decision is made as of
``AS_OF``, 2026-11-30 09:00 UTC.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter, deque
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest

from leadflow import (
    ANUM,
    BANT,
    PRESETS,
    AuthorityLevel,
    CategoricalSignal,
    CriterionRule,
    NumericSignal,
)
from leadflow.cli import PROGRESS_EVERY, main
from leadflow.policy import Policy
from leadflow.records import DECISION_FIELDS, PROMOTION_FIELDS, RECORD_FIELDS
from leadflow.serialization import structure

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CONTACTS_CSV = EXAMPLES / "contacts.csv"
CONTACTS_JSONL = EXAMPLES / "contacts.jsonl"
POLICY_TOML = EXAMPLES / "policy.toml"
SIGNALS_TOML = EXAMPLES / "signals.toml"
STAGES = EXAMPLES / "stages.jsonl"
AS_OF = "2026-11-30T09:00:00+00:00"

COUNT_LINE = re.compile(
    r"^(?P<rows>\d+) rows?: (?P<done>\d+) (?:decisions?|values?), (?P<rejected>\d+) rejected"
    r"(?:; (?P<verdicts>\d+ qualified, \d+ nurture, \d+ undetermined, \d+ disqualified))?$",
    re.MULTILINE,
)

# A record that meets every BANT criterion: strong need 30 + approved budget 30 +
# immediate 25 + decider (decision maker, deciding alone) 15 = 100.
GOOD = {
    "id": "T-1",
    "name": "Ada Lovelace",
    "email": "ada@analytical-engines.example",
    "organisation": "Analytical Engines",
    "role": "decision_maker",
    "created_at": "2026-10-01T09:00:00+00:00",
    "need": "strong",
    "budget": "approved",
    "timeframe": "immediate",
    "purchase_process": "individual",
}


# ----------------------------------------------------------------------------------------
# Running the command
# ----------------------------------------------------------------------------------------


def environment() -> dict[str, str]:
    """The environment of a user's shell, importing leadflow from this checkout."""
    env = dict(os.environ)
    paths = [str(ROOT / "src"), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def leadflow(
    *args: str | Path, stdin: str | bytes | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m leadflow ARGS`` and return its exit status, stdout and stderr."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    done = subprocess.run(
        [sys.executable, "-m", "leadflow", *map(str, args)],
        input=data,
        capture_output=True,
        env=environment(),
        cwd=cwd,
        check=False,
        timeout=300,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8"),
        done.stderr.decode("utf-8"),
    )


def count_line(stderr: str) -> re.Match[str]:
    """The one count line on stderr."""
    found = list(COUNT_LINE.finditer(stderr))
    assert len(found) == 1, stderr
    return found[0]


def counts(stderr: str) -> tuple[int, int, int]:
    """(rows, decisions, rejected) from the final count line on stderr."""
    line = count_line(stderr)
    return int(line["rows"]), int(line["done"]), int(line["rejected"])


def verdict_counts(stderr: str) -> dict[str, int]:
    """How many decisions of each verdict the count line reports (qualify only)."""
    verdicts = count_line(stderr)["verdicts"]
    assert verdicts is not None, stderr
    return {verdict: int(n) for n, verdict in (part.split() for part in verdicts.split(", "))}


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def by_id(rows: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(row["id"]): row for row in rows}


def csv_text(records: Sequence[Mapping[str, str]], header: Sequence[str] = RECORD_FIELDS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(record)
    return out.getvalue()


def record(**changes: str) -> dict[str, str]:
    return {**GOOD, **changes}


@pytest.fixture(scope="module")
def example_decisions() -> dict[str, Mapping[str, Any]]:
    run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF)
    assert run.returncode == 0, run.stderr
    return by_id(json_lines(run.stdout))


# ----------------------------------------------------------------------------------------
# qualify
# ----------------------------------------------------------------------------------------


class TestQualifyingTheExampleFile:
    def test_every_row_is_decided_and_the_run_exits_0(self) -> None:
        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        rows = json_lines(run.stdout)
        with CONTACTS_CSV.open(encoding="utf-8", newline="") as handle:
            ids = [r["id"] for r in csv.DictReader(handle)]
        assert 35 <= len(ids) <= 60
        assert [row["row"] for row in rows] == list(range(1, len(ids) + 1))
        assert [row["id"] for row in rows] == ids
        assert counts(run.stderr) == (len(ids), len(ids), 0)

    def test_the_readme_command_decides_every_row_as_of_now(self) -> None:
        # No --as-of: "now" is read from the clock. No example evidence lies in the future
        # of today, so no row is refused for evidence "observed after as_of".
        run = leadflow("qualify", "examples/contacts.csv")

        assert run.returncode == 0, run.stderr
        rows, decided, rejected = counts(run.stderr)
        assert rows == decided > 0
        assert rejected == 0

    def test_the_examples_cover_every_verdict_several_times(
        self, example_decisions: dict[str, Mapping[str, Any]]
    ) -> None:
        verdicts = Counter(row["verdict"] for row in example_decisions.values())

        assert set(verdicts) == {"qualified", "nurture", "undetermined", "disqualified"}
        # Not knowing is not a no: several contacts are still to be found out about,
        # several are ruled out by evidence against them, several are nurtured.
        assert min(verdicts.values()) >= 4
        # Most contacts never become leads.
        assert verdicts["qualified"] < len(example_decisions) / 2

    def test_the_count_line_counts_the_decisions_by_verdict(self) -> None:
        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        decided = Counter(row["verdict"] for row in json_lines(run.stdout))
        by_verdict = verdict_counts(run.stderr)
        assert list(by_verdict) == ["qualified", "nurture", "undetermined", "disqualified"]
        assert by_verdict == {verdict: decided[verdict] for verdict in by_verdict}
        assert sum(by_verdict.values()) == counts(run.stderr)[1]
        assert len(run.stderr.splitlines()) == 1

    def test_the_count_line_names_each_verdict_even_when_none_was_reached(
        self, tmp_path: Path
    ) -> None:
        rows = [
            record(id="V-1"),
            # Nothing known: undetermined, not disqualified.
            {
                "id": "V-2",
                "name": "Grace Hopper",
                "email": "grace@navy.example",
                "created_at": "2026-11-02T08:00:00+00:00",
            },
            # Evidence against: no need.
            record(id="V-3", need="none"),
            # Another contact still to be found out about, and a bad row.
            record(id="V-4", need="", budget="", timeframe=""),
            record(id="V-5", email="nope"),
        ]
        data = tmp_path / "verdicts.csv"
        data.write_text(csv_text(rows), encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 1
        assert run.stderr.splitlines()[-1] == (
            "5 rows: 4 decisions, 1 rejected; "
            "1 qualified, 0 nurture, 2 undetermined, 1 disqualified"
        )

    @pytest.mark.parametrize(
        ("record_id", "verdict", "score", "grade", "rating", "codes"),
        [
            # strong 30 + approved 30 + this quarter 90% of 25 = 22.5 -> 23 + decider 15.
            ("L-1001", "qualified", 98, "A", "hot", ("met", "met", "met", "met")),
            # expressed 75% of 30 = 22.5 -> 23 + insufficient 30% of 30 = 9 + this year
            # 50% of 25 = 12.5 -> 13 + decider 15 = 60: the threshold, but the budget is
            # required and known to be below "available": evidence against, so
            # disqualified whatever the score, and cold: a disqualified contact is never
            # rated warm or hot.
            ("L-1006", "disqualified", 60, "B", "cold", ("met", "below_minimum", "met", "met")),
            # Everything was observed on 2026-03-10, 265 days before AS_OF: older than
            # the 180-day freshness window, so all of it counts as unknown: nothing is
            # known against the contact, so it is undetermined, not disqualified.
            ("L-1015", "undetermined", 0, "D", "cold", ("stale", "stale", "stale", "stale")),
            # The decision date, 2026-11-10, has passed: the timeframe is unknown.
            # expressed 23 + available 80% of 30 = 24 + 0 + decider 15 = 62, at the
            # threshold, but a required criterion is still unknown: undetermined.
            ("L-1039", "undetermined", 62, "B", "warm", ("met", "met", "unconfirmed", "met")),
            # Decision date 2026-12-15, 15 days ahead: immediate 25. strong 30 +
            # available 24 + 25 + decider 15 = 94.
            ("L-1011", "qualified", 94, "A", "hot", ("met", "met", "met", "met")),
            # Decision date 2027-02-15: next quarter, 70% of 25 = 17.5 -> 18. expressed 23
            # + available 24 + 18 + influencer 55% of 15 = 8.25 -> 8 = 73.
            ("L-1002", "qualified", 73, "B", "warm", ("met", "met", "met", "met")),
            # A user has no authority (0), which BANT does not require: strong 30 +
            # approved 30 + this quarter 23 = 83.
            ("L-1020", "qualified", 83, "A", "hot", ("met", "met", "met", "below_minimum")),
            # Nothing known but the role: decider 15. Not knowing is not a no.
            (
                "L-1027",
                "undetermined",
                15,
                "D",
                "cold",
                ("unconfirmed", "unconfirmed", "unconfirmed", "met"),
            ),
            # strong 30 + available 24 + this year 13 + influencer 8 = 75: hot from 75.
            ("L-1044", "qualified", 75, "B", "hot", ("met", "met", "met", "met")),
            # latent 35% of 30 = 10.5 -> 11 + insufficient 9 + later 10% of 25 = 2.5 -> 3
            # + decider 15 = 38: above the nurture floor of 35, but need and budget are
            # known to fall short: disqualified; grade D below 40, cold below 45.
            (
                "L-1013",
                "disqualified",
                38,
                "D",
                "cold",
                ("below_minimum", "below_minimum", "below_minimum", "met"),
            ),
            # expressed 23 + available 24 + later 3 + influencer 8 = 58: every requirement
            # but the timeframe is met, and the party buys only later: nurture (from 35);
            # grade C, warm from 45.
            ("L-1019", "nurture", 58, "C", "warm", ("met", "met", "below_minimum", "met")),
        ],
    )
    def test_hand_checked_rows_get_the_decision_their_evidence_earns(
        self,
        example_decisions: dict[str, Mapping[str, Any]],
        record_id: str,
        verdict: str,
        score: int,
        grade: str,
        rating: str,
        codes: tuple[str, str, str, str],
    ) -> None:
        row = example_decisions[record_id]

        assert (row["verdict"], row["score"], row["grade"], row["rating"]) == (
            verdict,
            score,
            grade,
            rating,
        )
        criteria = ("need", "budget", "timeframe", "authority")
        assert tuple(row[f"{c}_code"] for c in criteria) == tuple(
            f"{c}.{status}" for c, status in zip(criteria, codes, strict=True)
        )
        assert sum(row[f"{c}_points"] for c in criteria) == score
        # The codes in the columns' order, whatever BANT's (budget, authority, need, timeframe).
        assert row["codes"] == ";".join(row[f"{c}_code"] for c in criteria)
        assert row["policy"] == "BANT"
        assert row["as_of"] == AS_OF

    def test_next_steps_say_what_is_missing(
        self, example_decisions: dict[str, Mapping[str, Any]]
    ) -> None:
        assert example_decisions["L-1001"]["next_steps"] == ""
        assert "budget" in example_decisions["L-1006"]["next_steps"]
        assert "confirm when the party will buy" in example_decisions["L-1039"]["next_steps"]

    def test_the_reason_names_the_evidence_against_or_what_is_not_known(
        self, example_decisions: dict[str, Mapping[str, Any]]
    ) -> None:
        assert example_decisions["L-1006"]["reason"].startswith("Disqualified")
        assert "budget is insufficient" in example_decisions["L-1006"]["reason"]
        assert example_decisions["L-1039"]["reason"].startswith("Insufficient evidence")
        assert "timeframe" in example_decisions["L-1039"]["reason"]
        assert "later" in example_decisions["L-1019"]["reason"]

    def test_csv_output_has_a_header_and_one_line_per_row(self) -> None:
        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--output-format", "csv")

        assert run.returncode == 0, run.stderr
        reader = csv.DictReader(io.StringIO(run.stdout))
        assert reader.fieldnames == ["row", *DECISION_FIELDS]
        rows = list(reader)
        assert len(rows) == counts(run.stderr)[1]
        first = rows[0]
        assert (first["id"], first["verdict"], first["score"]) == ("L-1001", "qualified", "98")

    def test_the_json_lines_example_holds_the_same_records_as_the_csv_one(
        self, example_decisions: dict[str, Mapping[str, Any]]
    ) -> None:
        run = leadflow("qualify", CONTACTS_JSONL, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert by_id(json_lines(run.stdout)) == example_decisions

    def test_output_goes_to_a_file_with_output(self, tmp_path: Path) -> None:
        out = tmp_path / "decisions.csv"

        run = leadflow(
            "qualify", CONTACTS_CSV, "--as-of", AS_OF, "--output-format", "csv", "-o", out
        )

        assert run.returncode == 0, run.stderr
        assert run.stdout == ""
        with out.open(encoding="utf-8", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == counts(run.stderr)[1]

    def test_output_never_overwrites_the_input(self, tmp_path: Path) -> None:
        data = tmp_path / "contacts.csv"
        data.write_text(csv_text([GOOD]), encoding="utf-8")

        run = leadflow("qualify", data, "-o", data, "--as-of", AS_OF)

        assert run.returncode == 2
        assert "is the input file" in run.stderr
        assert data.read_text(encoding="utf-8") == csv_text([GOOD])


class TestPolicies:
    def test_a_custom_toml_policy_changes_the_verdicts_its_rules_say(
        self, example_decisions: dict[str, Mapping[str, Any]]
    ) -> None:
        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--policy", POLICY_TOML)

        assert run.returncode == 0, run.stderr
        smb = by_id(json_lines(run.stdout))
        # Under examples/policy.toml (SMB), money set aside is enough: expressed 26 +
        # insufficient 10 + this quarter 27 + decider 15 = 78. BANT wants "available",
        # so under BANT the insufficient budget is evidence against.
        assert example_decisions["L-1031"]["verdict"] == "disqualified"
        assert (smb["L-1031"]["verdict"], smb["L-1031"]["score"]) == ("qualified", 78)
        assert smb["L-1031"]["rating"] == "hot"
        # SMB wants the purchase next quarter or sooner; "this year" is not enough:
        # strong 35 + available 16 + this year 10 + shared 12 = 73, but nurture.
        assert example_decisions["L-1021"]["verdict"] == "qualified"
        assert (smb["L-1021"]["verdict"], smb["L-1021"]["score"]) == ("nurture", 73)
        assert smb["L-1021"]["timeframe_code"] == "timeframe.below_minimum"
        assert smb["L-1021"]["policy"] == "SMB"
        # The codes in the columns' order (need, budget, timeframe ...), not SMB's own.
        assert smb["L-1021"]["codes"].split(";")[:3] == [
            "need.met",
            smb["L-1021"]["budget_code"],
            "timeframe.below_minimum",
        ]

    def test_a_json_policy_reads_like_the_same_policy_in_toml(self, tmp_path: Path) -> None:
        policy_json = tmp_path / "smb.json"
        policy_json.write_text(
            json.dumps(tomllib.loads(POLICY_TOML.read_text(encoding="utf-8"))), encoding="utf-8"
        )

        from_toml = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--policy", POLICY_TOML)
        from_json = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--policy", policy_json)

        assert from_json.returncode == 0, from_json.stderr
        assert from_json.stdout == from_toml.stdout

    def test_a_preset_is_chosen_by_name_in_any_case(self) -> None:
        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--preset", "anum")

        assert run.returncode == 0, run.stderr
        fatima = by_id(json_lines(run.stdout))["L-1020"]
        # ANUM requires authority (influencer), and a user has none. Weights authority
        # 30, need 30, timeframe 25, budget 15: 0 + strong 30 + this quarter 23 +
        # approved 15 = 68, above ANUM's threshold of 55, but a required criterion is
        # known to fall short: disqualified.
        assert (fatima["verdict"], fatima["score"]) == ("disqualified", 68)
        assert fatima["policy"] == ANUM.name

    def test_a_bad_policy_file_stops_the_run_and_names_the_field(self, tmp_path: Path) -> None:
        text = POLICY_TOML.read_text(encoding="utf-8").replace(
            'minimum = "insufficient"', 'minimum = "plenty"'
        )
        bad = tmp_path / "bad.toml"
        bad.write_text(text, encoding="utf-8")

        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--policy", bad)

        assert run.returncode == 2
        assert run.stdout == ""
        assert "$.budget.minimum" in run.stderr
        assert "plenty" in run.stderr

    def test_a_policy_whose_weights_do_not_add_up_is_refused(self, tmp_path: Path) -> None:
        text = POLICY_TOML.read_text(encoding="utf-8").replace("weight = 15", "weight = 14", 1)
        bad = tmp_path / "bad.toml"
        bad.write_text(text.replace("decider = 15", "decider = 14"), encoding="utf-8")

        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--policy", bad)

        assert run.returncode == 2
        assert "weights" in run.stderr
        assert "100" in run.stderr

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("broken.toml", "name = [", "not valid TOML"),
            ("broken.json", "{", "not valid JSON"),
            ("policy.yaml", "name: BANT", ".toml or .json"),
        ],
    )
    def test_an_unreadable_policy_file_is_a_usage_error(
        self, tmp_path: Path, name: str, content: str, message: str
    ) -> None:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")

        run = leadflow("qualify", CONTACTS_CSV, "--policy", path)

        assert run.returncode == 2
        assert message in run.stderr
        assert run.stdout == ""


# ----------------------------------------------------------------------------------------
# Rejected rows
# ----------------------------------------------------------------------------------------


def mixed_csv() -> str:
    """Eight data rows; rows 2, 4, 5, 6 and 7 are bad. Row 3 spans two lines."""
    header = ",".join(RECORD_FIELDS)
    rows = [
        record(id="T-1"),
        record(id="T-2", email="ada@", need="urgent"),
        record(id="T-3", need_note="Two lines:\nboth kept"),
        record(id="T-4", name="", created_at=""),
        None,  # a row with too many columns
        record(id="T-6", need_observed_at="2026-12-05T10:00:00+00:00"),
        record(id="T-7", created_at="2026-12-01T00:00:00+00:00"),
        record(id="T-8"),
    ]
    lines = [header]
    for row in rows:
        if row is None:
            lines.append(",".join(["x"] * (len(RECORD_FIELDS) + 2)))
        else:
            lines.append(csv_text([row]).split("\n", 1)[1].rstrip("\n"))
    return "\n".join(lines) + "\n"


class TestRejectedRows:
    def test_bad_rows_are_reported_with_every_reason_and_the_rest_decided(
        self, tmp_path: Path
    ) -> None:
        data = tmp_path / "mixed.csv"
        data.write_text(mixed_csv(), encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 1
        assert [row["id"] for row in json_lines(run.stdout)] == ["T-1", "T-3", "T-8"]
        assert [row["row"] for row in json_lines(run.stdout)] == [1, 3, 8]
        assert counts(run.stderr) == (8, 3, 5)
        reported = run.stderr
        # Row numbers count data rows; lines count the header, and row 3 spans lines 4-5.
        assert f"{data}: row 2 (line 3): $.email: not an email address" in reported
        assert f"{data}: row 2 (line 3): $.need: expected one of" in reported
        assert f"{data}: row 4 (line 6): $.name: is required" in reported
        assert f"{data}: row 4 (line 6): $.created_at: is required" in reported
        assert f"{data}: row 5 (line 7): $: expected {len(RECORD_FIELDS)} columns" in reported
        assert f"{data}: row 6 (line 8): $.need_observed_at: observed after as_of" in reported
        assert f"{data}: row 7 (line 9): $.created_at: is after as_of" in reported
        for good in ("row 1 ", "row 3 ", "row 8 "):
            assert good not in reported

    def test_rows_add_up_to_decisions_plus_rejections_in_csv_output_too(
        self, tmp_path: Path
    ) -> None:
        data = tmp_path / "mixed.csv"
        data.write_text(mixed_csv(), encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF, "--output-format", "csv")

        rows, decided, rejected = counts(run.stderr)
        assert rows == decided + rejected == 8
        assert len(list(csv.DictReader(io.StringIO(run.stdout)))) == decided

    def test_strict_stops_at_the_first_bad_row(self, tmp_path: Path) -> None:
        data = tmp_path / "mixed.csv"
        data.write_text(mixed_csv(), encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF, "--strict")

        assert run.returncode == 3
        assert [row["id"] for row in json_lines(run.stdout)] == ["T-1"]
        assert "row 2 (line 3)" in run.stderr
        assert "row 4" not in run.stderr
        assert "--strict" in run.stderr
        assert counts(run.stderr) == (2, 1, 1)

    def test_strict_changes_nothing_when_every_row_is_good(self) -> None:
        run = leadflow("qualify", CONTACTS_CSV, "--as-of", AS_OF, "--strict")

        assert run.returncode == 0, run.stderr

    def test_a_record_from_the_future_of_as_of_is_rejected_not_decided(
        self, tmp_path: Path
    ) -> None:
        data = tmp_path / "future.jsonl"
        data.write_text(
            json.dumps(record(signals_observed_at="2027-01-01T00:00:00+00:00", terms="pricing"))
            + "\n",
            encoding="utf-8",
        )

        run = leadflow("promote", data, "--as-of", AS_OF)

        assert run.returncode == 1
        assert "$.signals_observed_at: observed after as_of" in run.stderr
        assert counts(run.stderr) == (1, 0, 1)


class TestMalformedInput:
    def test_malformed_json_lines_are_rejected_rows_not_a_crash(self, tmp_path: Path) -> None:
        lines = [
            json.dumps(record(id="J-1")),
            '{"name": "Half a record",',
            "[1, 2, 3]",
            '"just text"',
            "",
            "   ",
            json.dumps({**record(id="J-5"), "employees": 12, "crm_owner": "dana"}),
        ]
        data = tmp_path / "records.jsonl"
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 1
        assert [row["id"] for row in json_lines(run.stdout)] == ["J-1", "J-5"]
        # Blank lines are not rows: rows 1-5 sit on lines 1-4 and 7.
        assert [row["row"] for row in json_lines(run.stdout)] == [1, 5]
        assert counts(run.stderr) == (5, 2, 3)
        assert "row 2 (line 2): $: not valid JSON" in run.stderr
        assert "row 3 (line 3): $: expected a JSON object, not an array" in run.stderr
        assert "row 4 (line 4): $: expected a JSON object, not a string" in run.stderr
        assert "ignoring unknown fields: crm_owner" in run.stderr

    def test_a_csv_row_with_broken_quoting_is_rejected_and_reading_goes_on(
        self, tmp_path: Path
    ) -> None:
        body = csv_text([record(id="C-1"), record(id="C-2"), record(id="C-3")])
        lines = body.splitlines()
        lines[2] = lines[2].replace("Ada Lovelace", '"Ada" Lovelace')
        data = tmp_path / "quotes.csv"
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 1
        assert [row["id"] for row in json_lines(run.stdout)] == ["C-1", "C-3"]
        assert "row 2 (line 3): $: malformed CSV" in run.stderr
        assert counts(run.stderr) == (3, 2, 1)

    def test_a_row_that_is_not_utf8_is_rejected_alone(self, tmp_path: Path) -> None:
        body = csv_text([record(id="U-1"), record(id="U-2", name="Zoë"), record(id="U-3")])
        data = tmp_path / "latin1.csv"
        data.write_bytes(body.encode("utf-8").replace("Zoë".encode(), "Zoë".encode("latin-1")))

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 1
        assert [row["id"] for row in json_lines(run.stdout)] == ["U-1", "U-3"]
        assert "row 2 (line 3): $: not UTF-8 text" in run.stderr

    def test_a_byte_order_mark_and_windows_line_ends_are_read(self, tmp_path: Path) -> None:
        body = csv_text([record(id="W-1", name="Zoë Ångström"), record(id="W-2")])
        data = tmp_path / "excel.csv"
        data.write_bytes(b"\xef\xbb\xbf" + body.replace("\n", "\r\n").encode("utf-8"))

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert [row["id"] for row in json_lines(run.stdout)] == ["W-1", "W-2"]

    def test_unknown_columns_are_ignored_with_one_warning(self, tmp_path: Path) -> None:
        header = [*RECORD_FIELDS, "owner", "region"]
        rows = [{**record(id=f"X-{n}"), "owner": "dana", "region": "EMEA"} for n in range(3)]
        data = tmp_path / "export.csv"
        data.write_text(csv_text(rows, header), encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert run.stderr.count("ignoring unknown columns: owner, region") == 1
        assert counts(run.stderr) == (3, 3, 0)

    def test_only_the_columns_a_file_has_are_needed(self, tmp_path: Path) -> None:
        data = tmp_path / "short.csv"
        data.write_text(
            "name,email,created_at\nGrace Hopper,grace@navy.example,2026-11-02T08:00:00Z\n",
            encoding="utf-8",
        )

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        (row,) = json_lines(run.stdout)
        # Nothing known: no points, but not knowing is not a no: undetermined, not
        # disqualified; the id column is empty.
        assert (row["id"], row["verdict"], row["score"]) == (None, "undetermined", 0)

    def test_unnamed_columns_from_trailing_commas_are_ignored_quietly(self, tmp_path: Path) -> None:
        lines = csv_text([record(id="T-1"), record(id="T-2")]).splitlines()
        data = tmp_path / "trailing.csv"
        data.write_text("".join(line + ",,\n" for line in lines), encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert "warning" not in run.stderr
        assert counts(run.stderr) == (2, 2, 0)

    def test_a_json_number_with_a_fraction_is_read_as_an_exact_amount(self, tmp_path: Path) -> None:
        # Read as a float, 25000.30 would be refused as inexact; it is read as a decimal.
        text = json.dumps(record(budget_currency="EUR")).replace(
            '"budget_currency"', '"budget_amount": 25000.30, "budget_currency"'
        )
        data = tmp_path / "amount.jsonl"
        data.write_text(text + "\n", encoding="utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert counts(run.stderr) == (1, 1, 0)

    def test_duplicate_columns_are_a_usage_error(self, tmp_path: Path) -> None:
        data = tmp_path / "dup.csv"
        data.write_text("name,email,email\nA,a@b.example,c@d.example\n", encoding="utf-8")

        run = leadflow("qualify", data)

        assert run.returncode == 2
        assert "duplicate columns: email" in run.stderr


class TestEmptyInput:
    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("header-only.csv", ",".join(RECORD_FIELDS) + "\n"),
            ("empty.csv", ""),
            ("blank-lines.csv", "\n\n" + ",".join(RECORD_FIELDS) + "\n\n"),
            ("empty.jsonl", ""),
            ("blank-lines.jsonl", "\n\n  \n"),
        ],
    )
    def test_a_file_without_records_decides_nothing_and_exits_0(
        self, tmp_path: Path, name: str, content: str
    ) -> None:
        data = tmp_path / name
        data.write_text(content, encoding="utf-8")

        run = leadflow("qualify", data)

        assert run.returncode == 0, run.stderr
        assert run.stdout == ""
        assert counts(run.stderr) == (0, 0, 0)

    def test_blank_lines_between_csv_rows_are_not_rows(self, tmp_path: Path) -> None:
        lines = csv_text([record(id="B-1"), record(id="B-2")]).splitlines()
        data = tmp_path / "gaps.csv"
        data.write_text("\n".join([lines[0], "", lines[1], "", "", lines[2], ""]), "utf-8")

        run = leadflow("qualify", data, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert [(row["row"], row["id"]) for row in json_lines(run.stdout)] == [
            (1, "B-1"),
            (2, "B-2"),
        ]
        assert counts(run.stderr) == (2, 2, 0)

    def test_csv_output_of_no_records_is_just_the_header(self, tmp_path: Path) -> None:
        data = tmp_path / "header-only.csv"
        data.write_text(",".join(RECORD_FIELDS) + "\n", encoding="utf-8")

        run = leadflow("promote", data, "--output-format", "csv")

        assert run.returncode == 0, run.stderr
        assert run.stdout == ",".join(["row", *PROMOTION_FIELDS]) + "\n"


class TestStandardInput:
    def test_csv_is_read_from_standard_input(self) -> None:
        run = leadflow(
            "qualify", "-", "--as-of", AS_OF, stdin=CONTACTS_CSV.read_text(encoding="utf-8")
        )

        assert run.returncode == 0, run.stderr
        assert by_id(json_lines(run.stdout))["L-1001"]["score"] == 98
        assert "<stdin>" not in run.stderr

    def test_json_lines_on_standard_input_are_recognised_by_their_first_brace(self) -> None:
        run = leadflow(
            "qualify", "-", "--as-of", AS_OF, stdin=CONTACTS_JSONL.read_text(encoding="utf-8")
        )

        assert run.returncode == 0, run.stderr
        assert by_id(json_lines(run.stdout))["L-1006"]["verdict"] == "disqualified"

    def test_bad_rows_on_standard_input_are_reported_as_stdin(self) -> None:
        text = json.dumps(record(id="S-1")) + "\n" + json.dumps(record(email="nope")) + "\n"

        run = leadflow("qualify", "-", "--format", "jsonl", "--as-of", AS_OF, stdin=text)

        assert run.returncode == 1
        assert "<stdin>: row 2 (line 2): $.email: not an email address" in run.stderr

    def test_decisions_are_written_while_the_input_is_still_arriving(self) -> None:
        # Streaming, shown without a clock: the decision on row 1 must come out while
        # row 2 has not been written yet. A reader thread with a generous deadline keeps
        # a broken implementation from hanging the suite.
        command = [sys.executable, "-u", "-m", "leadflow", "qualify", "-", "--format", "csv"]
        with subprocess.Popen(
            [*command, "--as-of", AS_OF],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(),
            text=True,
            encoding="utf-8",
        ) as process:
            assert process.stdin is not None
            assert process.stdout is not None
            lines = csv_text([record(id="P-1"), record(id="P-2")]).splitlines(keepends=True)
            process.stdin.write(lines[0] + lines[1])
            process.stdin.flush()
            first = read_line(process.stdout)
            process.stdin.write(lines[2])
            process.stdin.close()
            rest = process.stdout.read()
            assert process.wait(timeout=60) == 0
        assert json.loads(first)["id"] == "P-1"
        assert json_lines(rest)[0]["id"] == "P-2"


def read_line(stream: io.TextIOBase | Any, deadline: float = 60.0) -> str:
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(deadline)
    assert found, "no output before the input ended: rows are not streamed"
    return found[0]


# ----------------------------------------------------------------------------------------
# A large generated file
# ----------------------------------------------------------------------------------------

LARGE = 100_000
BAD_EVERY = 10_000


def generated_rows(count: int) -> Iterator[dict[str, str]]:
    """Rows made on the fly, one every BAD_EVERY with a broken email."""
    needs = ("strong", "expressed", "latent", "none", "")
    budgets = ("approved", "available", "insufficient", "none", "")
    for n in range(1, count + 1):
        yield record(
            id=f"G-{n}",
            email="not-an-email" if n % BAD_EVERY == 0 else f"buyer{n}@example.com",
            need=needs[n % 5],
            budget=budgets[(n // 5) % 5],
        )


class TestLargeInput:
    @pytest.mark.slow
    def test_a_hundred_thousand_generated_rows_are_streamed_and_add_up(
        self, tmp_path: Path
    ) -> None:
        data = tmp_path / "large.csv"
        with data.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, RECORD_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(generated_rows(LARGE))
        out = tmp_path / "decisions.jsonl"

        # Standard error is a terminal, as for a person at a shell: progress is shown.
        status, stderr = run_with_terminal_stderr(
            ["qualify", str(data), "--as-of", AS_OF, "-o", str(out)]
        )

        assert status == 1
        assert counts(stderr) == (LARGE, LARGE - LARGE // BAD_EVERY, LARGE // BAD_EVERY)
        with out.open(encoding="utf-8") as handle:
            # Read the output as it was written, a line at a time, keeping the last one.
            ((decided, line),) = deque(enumerate(handle, start=1), maxlen=1)
        assert decided == LARGE - LARGE // BAD_EVERY
        last = json.loads(line)
        assert (last["row"], last["id"]) == (LARGE - 1, f"G-{LARGE - 1}")
        for n in range(BAD_EVERY, LARGE + 1, BAD_EVERY):
            assert f"row {n} (line {n + 1}): $.email: not an email address" in stderr
        # A bar with the progress extra (tqdm), else a line every PROGRESS_EVERY rows.
        if importlib.util.find_spec("tqdm") is None:
            assert f"{PROGRESS_EVERY:,} rows read" in stderr
        else:
            assert "B/s" in stderr
            assert "100%" in stderr


def run_with_terminal_stderr(args: Sequence[str]) -> tuple[int, str]:
    """Run ``python -m leadflow ARGS`` with stderr on a pseudo-terminal, if there is one."""
    pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX only")
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
            while chunk := os.read(master, 65536):
                chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "leadflow", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=slave,
            env=environment(),
        ) as process:
            os.close(slave)
            status = process.wait(timeout=600)
        reader.join(60)
    finally:
        os.close(master)
    return status, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


# ----------------------------------------------------------------------------------------
# promote
# ----------------------------------------------------------------------------------------


class TestPromote:
    def test_only_leads_that_pass_every_gate_are_promotable(self) -> None:
        run = leadflow("promote", CONTACTS_CSV, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        rows = by_id(json_lines(run.stdout))
        promotable = {rid for rid, row in rows.items() if row["promotable"]}
        # BANT's gate: strong need, an established relationship, specified requirements,
        # payment terms (or a contract) under discussion, no supplier to displace (or one
        # dropped), signals no older than 180 days; and the lead still qualifies. Checked
        # by hand against the signal columns of examples/contacts.csv.
        assert promotable == {"L-1001", "L-1005", "L-1017", "L-1028", "L-1034", "L-1047"}

    def test_a_lead_short_of_the_gate_is_told_what_is_missing(self) -> None:
        run = leadflow("promote", CONTACTS_CSV, "--as-of", AS_OF, "--output-format", "csv")

        rows = by_id(list(csv.DictReader(io.StringIO(run.stdout))))
        # Hannah Lindqvist's company keeps its current supplier.
        hannah = rows["L-1008"]
        assert (hannah["promotable"], hannah["qualification_verdict"]) == ("false", "qualified")
        assert "supplier.below_minimum" in hannah["codes"].split(";")
        assert "current supplier" in hannah["next_steps"]
        # Pieter Jansen's signals were reviewed on 2026-04-02, 242 days ago: stale.
        assert "relationship.stale" in rows["L-1042"]["codes"].split(";")

    def test_a_contact_that_does_not_qualify_is_no_candidate(self) -> None:
        run = leadflow("promote", CONTACTS_CSV, "--as-of", AS_OF)

        sofia = by_id(json_lines(run.stdout))["L-1006"]
        assert sofia == {
            "row": 6,
            "id": "L-1006",
            "promotable": False,
            "codes": "",
            "next_steps": "secure a budget that is at least available",
            "qualification_verdict": "disqualified",
            "score": 60,
        }

    def test_promotion_rows_have_the_promotion_columns(self) -> None:
        run = leadflow("promote", CONTACTS_JSONL, "--as-of", AS_OF)

        for row in json_lines(run.stdout):
            assert list(row) == ["row", *PROMOTION_FIELDS]


# ----------------------------------------------------------------------------------------
# Fit and engagement signals
# ----------------------------------------------------------------------------------------

# BANT's criteria beside two signals; authority weighs nothing here, so the weights are
# need 30, budget 30, timeframe 25, visits 10, origin 5. Visits: below 1 earns 0, 1 to
# under 5 earns 4, 5 to under 10 earns 7, 10 or more earns 10, halving every 30 days.
SIGNAL_POLICY = attrs.evolve(
    BANT,
    name="BANT with signals",
    authority=CriterionRule(
        weight=0,
        required=False,
        minimum=AuthorityLevel.INFLUENCER,
        points=dict.fromkeys(AuthorityLevel, 0),
    ),
    signals=(
        NumericSignal(
            name="total_visits",
            weight=10,
            edges=(1, 5, 10),
            points=(0, 4, 7, 10),
            half_life=timedelta(days=30),
        ),
        CategoricalSignal(
            name="lead_origin", weight=5, points={"Landing Page Submission": 5, "API": 2}
        ),
    ),
)
SIGNAL_COLUMNS = [
    "total_visits",
    "total_visits_observed_at",
    "lead_origin",
    "lead_origin_observed_at",
]


def with_policy(monkeypatch: pytest.MonkeyPatch, policy: Policy) -> str:
    """Stand *policy*, built in Python, in for the --policy file this returns."""
    monkeypatch.setattr("leadflow.cli._policies._load_policy_file", lambda path: policy)
    return "built-in-python.toml"


def run_main(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run :func:`leadflow.cli.main` in-process: (exit status, stdout, stderr)."""
    status = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return status, out, err


class TestSignals:
    def test_the_example_signal_policy_file_reads_the_signal_columns(self, tmp_path: Path) -> None:
        header = [*RECORD_FIELDS, "lead_origin", "lead_source", "total_visits"]
        header += ["total_visits_observed_at", "minutes_on_site", "crm_owner"]
        rows = [
            record(
                id="A-1",
                lead_origin="Lead Add Form",
                lead_source="Reference",
                total_visits="12",
                total_visits_observed_at="2026-10-31T09:00:00+00:00",
                minutes_on_site="42.5",
                crm_owner="dana",
            ),
            {
                "id": "A-2",
                "name": "Grace Hopper",
                "email": "grace@example.com",
                "created_at": "2026-11-20T09:00:00+00:00",
                "lead_origin": "API",
                "total_visits": "4",
            },
            record(
                id="A-3",
                need="none",
                lead_origin="lead-add-form",
                lead_source="Google",
                total_visits="30",
                minutes_on_site="90",
            ),
        ]
        data = tmp_path / "engaged.csv"
        data.write_text(csv_text(rows, header), encoding="utf-8")

        run = leadflow("qualify", data, "--policy", SIGNALS_TOML, "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        ada, grace, alan = json_lines(run.stdout)
        # examples/signals.toml: need strong 25, budget approved 15, timeframe immediate
        # 20, decider 5; origin "Lead Add Form" 8, source "Reference" 7, 12 visits 10
        # but seen a half-life (30 days) ago, 5, and 42.5 minutes (30 to under 60) 8.
        assert (ada["verdict"], ada["score"]) == ("qualified", 65 + 8 + 7 + 5 + 8)
        assert (ada["total_visits_code"], ada["total_visits_points"]) == (
            "signal.total_visits.bin_5",
            5,
        )
        assert (ada["minutes_on_site_code"], ada["minutes_on_site_points"]) == (
            "signal.minutes_on_site.bin_4",
            8,
        )
        # Nothing known on the criteria: API 3 and 4 visits (3 to under 6) 6 do not
        # decide: undetermined.
        assert (grace["verdict"], grace["score"]) == ("undetermined", 3 + 6)
        # No need is evidence against, whatever the engagement: 0 + 15 + 20 + 5, origin 8,
        # Google 4, 30 visits 10, 90 minutes 10 = 72, above the threshold of 55.
        assert (alan["verdict"], alan["score"]) == ("disqualified", 40 + 8 + 4 + 10 + 10)
        assert list(ada)[-8:] == [
            "lead_origin_code",
            "lead_origin_points",
            "lead_source_code",
            "lead_source_points",
            "total_visits_code",
            "total_visits_points",
            "minutes_on_site_code",
            "minutes_on_site_points",
        ]
        assert run.stderr.splitlines() == [
            f"leadflow: warning: {data}: ignoring unknown columns: crm_owner",
            "3 rows: 3 decisions, 0 rejected; 1 qualified, 0 nurture, 1 undetermined, "
            "1 disqualified",
        ]

    def test_signal_columns_are_read_and_their_codes_and_points_written_last(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        rows = [
            record(id="S-1", total_visits=" 12 ", lead_origin="landing page submission"),
            record(id="S-2", total_visits="3", lead_origin=""),
        ]
        data = tmp_path / "signals.csv"
        data.write_text(csv_text(rows, [*RECORD_FIELDS, *SIGNAL_COLUMNS]), encoding="utf-8")
        policy = with_policy(monkeypatch, SIGNAL_POLICY)

        status, out, err = run_main(
            capsys, "qualify", data, "--policy", policy, "--as-of", AS_OF, "--output-format", "csv"
        )

        assert status == 0, err
        reader = csv.DictReader(io.StringIO(out))
        assert reader.fieldnames == [
            "row",
            *DECISION_FIELDS,
            "total_visits_code",
            "total_visits_points",
            "lead_origin_code",
            "lead_origin_points",
        ]
        first, second = reader
        # Strong need 30 + approved budget 30 + immediate 25 + authority 0, then 12 visits
        # (10 or more: 10) and a listed origin (5); 3 visits (1 to under 5: 4), no origin.
        assert (first["score"], second["score"]) == (str(85 + 10 + 5), str(85 + 4 + 0))
        assert first["codes"].split(";")[4:] == [
            "signal.total_visits.bin_4",
            "signal.lead_origin.landing_page_submission",
        ]
        assert (second["total_visits_code"], second["total_visits_points"]) == (
            "signal.total_visits.bin_2",
            "4",
        )
        assert (second["lead_origin_code"], second["lead_origin_points"]) == (
            "signal.lead_origin.unknown",
            "0",
        )
        assert first["reason"].startswith("Qualified")
        # The signals' columns are known columns: no warning, just the count line.
        assert err.splitlines() == [
            "2 rows: 2 decisions, 0 rejected; 2 qualified, 0 nurture, 0 undetermined, "
            "0 disqualified"
        ]

    def test_json_numbers_with_fractions_and_dated_values_that_decay(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        month_ago = (datetime.fromisoformat(AS_OF) - timedelta(days=30)).isoformat()
        lines = [
            # A JSON number with a fraction (an average, say): 5 to under 10, 7 points.
            json.dumps({**record(id="J-1", lead_origin="API"), "total_visits": 7.5}),
            # 12 visits earn 10, seen one half-life ago: 5.
            json.dumps(
                {**record(id="J-2", total_visits_observed_at=month_ago), "total_visits": 12}
            ),
        ]
        data = tmp_path / "signals.jsonl"
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        policy = with_policy(monkeypatch, SIGNAL_POLICY)

        status, out, err = run_main(capsys, "qualify", data, "--policy", policy, "--as-of", AS_OF)

        assert status == 0, err
        first, second = json_lines(out)
        assert (first["total_visits_code"], first["total_visits_points"]) == (
            "signal.total_visits.bin_3",
            7,
        )
        assert (first["lead_origin_points"], first["score"]) == (2, 85 + 7 + 2)
        assert (second["total_visits_code"], second["total_visits_points"]) == (
            "signal.total_visits.bin_4",
            5,
        )
        assert second["score"] == 85 + 5

    def test_bad_signal_values_are_rejected_with_every_column_named(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        rows = [
            record(
                id="B-1",
                email="ada@",
                total_visits="lots",
                lead_origin="API",
                lead_origin_observed_at="yesterday",
            ),
            record(id="B-2", total_visits="4", total_visits_observed_at="2026-12-24T09:00Z"),
            record(id="B-3", lead_origin_observed_at="2026-11-01T09:00:00+00:00"),
        ]
        data = tmp_path / "bad.csv"
        data.write_text(csv_text(rows, [*RECORD_FIELDS, *SIGNAL_COLUMNS]), encoding="utf-8")
        policy = with_policy(monkeypatch, SIGNAL_POLICY)

        status, out, err = run_main(capsys, "qualify", data, "--policy", policy, "--as-of", AS_OF)

        assert status == 1
        assert out == ""
        assert [line.split(" (got ")[0] for line in err.splitlines()] == [
            f"{data}: row 1 (line 2): $.email: not an email address",
            f"{data}: row 1 (line 2): $.total_visits: not a decimal number",
            f"{data}: row 1 (line 2): $.lead_origin_observed_at: not an ISO 8601 datetime",
            # Observed after --as-of: found by the rules, reported at the record's column.
            f"{data}: row 2 (line 3): $.total_visits_observed_at: observed after as_of",
            f"{data}: row 3 (line 4): $.lead_origin: is required with lead_origin_observed_at",
            "3 rows: 0 decisions, 3 rejected; 0 qualified, 0 nurture, 0 undetermined, "
            "0 disqualified",
        ]
        assert "(got 'lots')" in err

    def test_columns_that_are_neither_fields_nor_signals_are_still_reported(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        rows = [record(id="X-1", total_visits="2", owner="dana")]
        data = tmp_path / "export.csv"
        data.write_text(csv_text(rows, [*RECORD_FIELDS, "total_visits", "owner"]), "utf-8")
        jsonl = tmp_path / "export.jsonl"
        jsonl.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")

        # Under BANT, which declares no signals, total_visits is as unknown as owner.
        status, _, err = run_main(capsys, "qualify", data, "--as-of", AS_OF)
        assert status == 0, err
        assert "ignoring unknown columns: total_visits, owner" in err
        policy = with_policy(monkeypatch, SIGNAL_POLICY)
        for path, warning in ((data, "columns"), (jsonl, "fields")):
            status, out, err = run_main(
                capsys, "qualify", path, "--policy", policy, "--as-of", AS_OF
            )
            assert status == 0, err
            assert f"{path}: ignoring unknown {warning}: owner\n" in err
            assert json_lines(out)[0]["total_visits_points"] == 4

    @pytest.mark.parametrize("command", ["qualify", "promote", "explain"])
    @pytest.mark.parametrize(
        ("name", "column"), [("source", "source"), ("signals", "signals_observed_at")]
    )
    def test_a_policy_with_a_signal_named_as_a_record_field_is_refused(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        command: str,
        name: str,
        column: str,
    ) -> None:
        clash = CategoricalSignal(name=name, weight=5, points={"web": 5})
        visits = SIGNAL_POLICY.signals[0]
        policy = with_policy(monkeypatch, attrs.evolve(SIGNAL_POLICY, signals=(visits, clash)))
        data = tmp_path / "one.csv"
        data.write_text(csv_text([record(id="C-1")]), encoding="utf-8")

        status, out, err = run_main(capsys, command, data, "--policy", policy, "--as-of", AS_OF)

        assert status == 2
        assert out == ""
        assert err == (
            f"leadflow: error: policy {policy} cannot be used with records: $.signals[1].name: "
            f"is a record field ({column}): a signal read from records needs a name of its "
            f"own (got {name!r})\n"
            "See `leadflow docs cli`.\n"
        )

    def test_explain_shows_each_signal_and_the_reason(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        data = tmp_path / "one.jsonl"
        data.write_text(json.dumps(record(id="E-1", total_visits="12")) + "\n", "utf-8")
        policy = with_policy(monkeypatch, SIGNAL_POLICY)

        status, out, err = run_main(capsys, "explain", data, "--policy", policy, "--as-of", AS_OF)

        assert status == 0, err
        lines = [" ".join(line.split()) for line in out.splitlines()]
        assert lines[1] == "QUALIFIED: score 95/100 (threshold 60), grade A, hot"
        assert lines[3].startswith("Qualified:")
        signal_lines = [line for line in lines if line.startswith(("total_visits", "lead_origin"))]
        assert signal_lines == [
            "total_visits signal.total_visits.bin_4 Signal total_visits is 12 (10 or more): "
            "10/10 points.",
            "lead_origin signal.lead_origin.unknown Signal lead_origin is not known: 0/5 points.",
        ]

    def test_promote_qualifies_on_the_signal_columns_too(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        rows = [
            record(id="P-1", total_visits="12", lead_origin="API"),
            record(id="P-2", total_visits="", lead_origin=""),
        ]
        data = tmp_path / "promote.csv"
        data.write_text(csv_text(rows, [*RECORD_FIELDS, *SIGNAL_COLUMNS]), encoding="utf-8")
        policy = with_policy(monkeypatch, SIGNAL_POLICY)

        status, out, err = run_main(capsys, "promote", data, "--policy", policy, "--as-of", AS_OF)

        assert status == 0, err
        assert [row["score"] for row in json_lines(out)] == [85 + 10 + 2, 85]
        # promote's count line has no verdicts: its decisions are promotable or not.
        assert err.splitlines() == ["2 rows: 2 decisions, 0 rejected"]


# ----------------------------------------------------------------------------------------
# explain
# ----------------------------------------------------------------------------------------


class TestExplain:
    def test_one_record_is_explained_in_words(self) -> None:
        run = leadflow("explain", CONTACTS_CSV, "--id", "L-1006", "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        lines = [" ".join(line.split()) for line in run.stdout.splitlines()]
        assert lines[0] == "Sofia Marino (L-1006)"
        assert lines[1] == "DISQUALIFIED: score 60/100 (threshold 60), grade B, cold"
        # The reason comes first, under the policy line.
        assert lines[3] == (
            "Disqualified on evidence against: budget is insufficient (the minimum is available)."
        )
        assert any(
            line.startswith("budget budget.below_minimum Budget is insufficient") for line in lines
        )
        assert lines[-2:] == ["Next steps:", "- secure a budget that is at least available"]

    def test_a_record_is_chosen_by_its_row_number(self) -> None:
        run = leadflow("explain", CONTACTS_JSONL, "--row", "1", "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("Amira Haddad (L-1001)\nQUALIFIED: score 98/100")

    def test_the_only_record_on_standard_input_needs_no_choice(self) -> None:
        run = leadflow("explain", "-", "--as-of", AS_OF, stdin=json.dumps(GOOD) + "\n")

        assert run.returncode == 0, run.stderr
        assert "QUALIFIED: score 100/100" in run.stdout

    def test_promotion_is_explained_on_request(self) -> None:
        run = leadflow("explain", CONTACTS_CSV, "--id", "L-1008", "--promotion", "--as-of", AS_OF)

        assert run.returncode == 0, run.stderr
        assert "NOT PROMOTABLE: the lead still qualifies" in run.stdout
        assert "wait until the lead drops its current supplier" in run.stdout

    def test_several_records_need_a_choice(self) -> None:
        run = leadflow("explain", CONTACTS_CSV)

        assert run.returncode == 2
        assert "--id or --row" in run.stderr

    @pytest.mark.parametrize("choice", [["--id", "L-9999"], ["--row", "4000"]])
    def test_a_missing_record_is_a_usage_error(self, choice: list[str]) -> None:
        run = leadflow("explain", CONTACTS_CSV, *choice)

        assert run.returncode == 2
        assert "no r" in run.stderr

    def test_a_bad_record_is_rejected_with_its_reasons(self) -> None:
        bad = json.dumps(record(email="ada@", phone="12"))

        run = leadflow("explain", "-", stdin=bad + "\n")

        assert run.returncode == 1
        assert run.stdout == ""
        assert "row 1 (line 1): $.email: not an email address" in run.stderr
        assert "row 1 (line 1): $.phone:" in run.stderr


# ----------------------------------------------------------------------------------------
# funnel
# ----------------------------------------------------------------------------------------


def stage_of(line: Mapping[str, Any]) -> str:
    # A contact carries no "stage" tag; every later stage does.
    return str(line.get("stage", "contact"))


@pytest.fixture(scope="module")
def values() -> list[dict[str, Any]]:
    """The funnel values in examples/stages.jsonl, as plain JSON."""
    return json_lines(STAGES.read_text(encoding="utf-8"))


class TestFunnel:
    def test_the_json_summary_counts_what_the_file_holds(
        self, values: list[dict[str, Any]]
    ) -> None:
        run = leadflow("funnel", STAGES, "--output-format", "json")

        assert run.returncode == 0, run.stderr
        summary = json.loads(run.stdout)
        stages = Counter(stage_of(value) for value in values)
        assert summary["total"] == len(values)
        assert {k: v for k, v in summary["counts"].items() if v} == dict(stages)
        reached_lead = len(values) - stages["contact"]
        assert summary["reached_lead"] == reached_lead
        assert summary["rates"]["contact_to_lead"] == str(Fraction(reached_lead, len(values)))
        pipeline: dict[str, Decimal] = {}
        for value in values:
            if stage_of(value) == "opportunity" and value["estimated_value"] is not None:
                money = value["estimated_value"]
                pipeline[money["currency"]] = pipeline.get(money["currency"], Decimal(0)) + Decimal(
                    money["amount"]
                )
        assert {c: Decimal(m["amount"]) for c, m in summary["pipeline"].items()} == pipeline
        assert counts(run.stderr) == (len(values), len(values), 0)
        won, lost = stages["customer"], stages["lost"]
        assert summary["closed_opportunities"] == won + lost
        assert summary["rates"]["win_rate"] == str(Fraction(won, won + lost))

    def test_the_text_summary_is_for_people(self, values: list[dict[str, Any]]) -> None:
        run = leadflow("funnel", STAGES)

        assert run.returncode == 0, run.stderr
        lines = [" ".join(line.split()) for line in run.stdout.splitlines()]
        stages = Counter(stage_of(value) for value in values)
        assert lines[0] == f"{len(values)} values in the funnel"
        assert f"customer {stages['customer']}" in lines
        assert f"opportunity {stages['opportunity']}" in lines
        lost = [v for v in values if stage_of(v) == "lost"]
        assert f"lost to competitors: {lost[0]['competitor']} 1" in lines
        won = stages["customer"]
        rate = f"{100 * won / (won + len(lost)):.1f}%"
        assert f"win rate (closed deals) {rate} ({won} of {won + len(lost)})" in lines
        assert any(line.startswith("average sales cycle: ") for line in lines)

    def test_bad_lines_are_rejected_and_the_rest_summarised(self, tmp_path: Path) -> None:
        good = STAGES.read_text(encoding="utf-8").splitlines()[:3]
        data = tmp_path / "stages.jsonl"
        data.write_text(
            "\n".join([good[0], "{oops", good[1], '{"stage": "prospect"}', good[2]]) + "\n",
            encoding="utf-8",
        )

        run = leadflow("funnel", data, "--output-format", "json")

        assert run.returncode == 1
        assert json.loads(run.stdout)["total"] == 3
        assert "row 2 (line 2): $: not valid JSON" in run.stderr
        assert "row 4 (line 4): $.stage:" in run.stderr
        assert counts(run.stderr) == (5, 3, 2)

    def test_strict_stops_the_summary_at_the_first_bad_line(self, tmp_path: Path) -> None:
        data = tmp_path / "stages.jsonl"
        data.write_text("[]\n", encoding="utf-8")

        run = leadflow("funnel", data, "--strict")

        assert run.returncode == 3
        assert run.stdout == ""
        assert counts(run.stderr) == (1, 0, 1)


# ----------------------------------------------------------------------------------------
# policy and schema
# ----------------------------------------------------------------------------------------


class TestPolicyCommands:
    @pytest.mark.parametrize("name", sorted(PRESETS))
    def test_a_preset_shown_as_json_reads_back_as_the_same_policy(self, name: str) -> None:
        run = leadflow("policy", "show", "--preset", name)

        assert run.returncode == 0, run.stderr
        assert structure(json.loads(run.stdout), Policy) == PRESETS[name]

    @pytest.mark.parametrize("name", sorted(PRESETS))
    def test_a_preset_shown_as_toml_reads_back_as_the_same_policy(self, name: str) -> None:
        run = leadflow("policy", "show", "--preset", name, "--format", "toml")

        assert run.returncode == 0, run.stderr
        assert structure(tomllib.loads(run.stdout), Policy) == PRESETS[name]

    @pytest.mark.parametrize("output", ["json", "toml"])
    def test_a_policy_with_signals_is_shown_as_a_file_that_reads_back_the_same(
        self, tmp_path: Path, output: str
    ) -> None:
        run = leadflow("policy", "show", SIGNALS_TOML, "--format", output)

        assert run.returncode == 0, run.stderr
        shown = tmp_path / f"shown.{output}"
        shown.write_text(run.stdout, encoding="utf-8")
        original = structure(tomllib.loads(SIGNALS_TOML.read_text(encoding="utf-8")), Policy)
        assert [signal.name for signal in original.signals] == [
            "lead_origin",
            "lead_source",
            "total_visits",
            "minutes_on_site",
        ]
        data = tomllib.loads(run.stdout) if output == "toml" else json.loads(run.stdout)
        assert structure(data, Policy) == original
        assert leadflow("policy", "validate", shown).returncode == 0

    def test_a_policy_file_is_shown_as_it_reads(self) -> None:
        run = leadflow("policy", "show", POLICY_TOML)

        assert run.returncode == 0, run.stderr
        shown = json.loads(run.stdout)
        assert shown["name"] == "SMB"
        assert shown["freshness"] == "P90D"
        assert shown["budget"]["minimum"] == "insufficient"

    def test_a_policy_toml_cannot_hold_is_refused_as_toml(self, tmp_path: Path) -> None:
        shown = json.loads(leadflow("policy", "show", POLICY_TOML).stdout)
        forever = tmp_path / "forever.json"
        forever.write_text(json.dumps({**shown, "freshness": None}), encoding="utf-8")

        as_json = leadflow("policy", "show", forever)
        as_toml = leadflow("policy", "show", forever, "--format", "toml")

        assert json.loads(as_json.stdout)["freshness"] is None
        assert as_toml.returncode == 2
        assert "freshness" in as_toml.stderr

    def test_validate_accepts_the_example_policy(self) -> None:
        run = leadflow("policy", "validate", POLICY_TOML)

        assert run.returncode == 0, run.stderr
        assert "valid policy named 'SMB'" in run.stdout

    def test_validate_names_every_bad_field(self, tmp_path: Path) -> None:
        text = (
            POLICY_TOML.read_text(encoding="utf-8")
            .replace('minimum = "expressed"', 'minimum = "desperate"')
            .replace("horizon_days = 180", 'horizon_days = "half a year"')
        )
        bad = tmp_path / "bad.toml"
        bad.write_text(text, encoding="utf-8")

        run = leadflow("policy", "validate", bad)

        assert run.returncode == 1
        assert "$.need.minimum" in run.stderr
        assert "$.horizon_days" in run.stderr

    def test_validate_calls_a_file_that_is_not_toml_invalid(self, tmp_path: Path) -> None:
        broken = tmp_path / "broken.toml"
        broken.write_text("threshold = = 60\n", encoding="utf-8")

        run = leadflow("policy", "validate", broken)

        assert run.returncode == 1
        assert "not valid TOML" in run.stderr

    def test_validate_of_a_missing_file_is_a_usage_error(self, tmp_path: Path) -> None:
        run = leadflow("policy", "validate", tmp_path / "nowhere.toml")

        assert run.returncode == 2
        assert "cannot read policy" in run.stderr

    def test_validate_never_runs_what_a_policy_file_says(self, tmp_path: Path) -> None:
        marker = tmp_path / "ran"
        sneaky = tmp_path / "sneaky.toml"
        sneaky.write_text(
            f"name = \"__import__('pathlib').Path({str(marker)!r}).touch()\"\n",
            encoding="utf-8",
        )

        run = leadflow("policy", "validate", sneaky)

        assert run.returncode == 1
        assert not marker.exists()


class TestSchema:
    @pytest.mark.parametrize("kind", ["record", "policy"])
    def test_the_schema_is_json_schema_2020_12(self, kind: str) -> None:
        run = leadflow("schema", kind)

        assert run.returncode == 0, run.stderr
        schema = json.loads(run.stdout)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["type"] == "object"

    def test_the_record_schema_describes_every_record_field(self) -> None:
        schema = json.loads(leadflow("schema", "record").stdout)

        assert set(RECORD_FIELDS) <= set(schema["properties"])

    def test_the_example_records_are_valid_under_the_record_schema(self) -> None:
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(leadflow("schema", "record").stdout)
        validator = jsonschema.Draft202012Validator(schema)

        for line in CONTACTS_JSONL.read_text(encoding="utf-8").splitlines():
            validator.validate(json.loads(line))


# ----------------------------------------------------------------------------------------
# The console script and the in-process entry point
# ----------------------------------------------------------------------------------------


class TestConsoleScript:
    def test_the_installed_leadflow_command_qualifies_the_examples(self) -> None:
        script = shutil.which("leadflow", path=str(Path(sys.executable).parent))
        if script is None:
            pytest.skip("the leadflow console script is not installed next to this Python")

        run = subprocess.run(
            [script, "qualify", "examples/contacts.csv", "--as-of", AS_OF],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment(),
            cwd=ROOT,
            check=False,
            timeout=300,
        )

        assert run.returncode == 0, run.stderr
        rows, decided, rejected = counts(run.stderr)
        assert rows == decided > 0
        assert rejected == 0

    def test_python_dash_m_shows_help_with_the_exit_codes(self) -> None:
        run = leadflow("--help")

        assert run.returncode == 0
        for command in ("qualify", "promote", "explain", "funnel", "policy", "schema"):
            assert command in run.stdout
        assert "exit status:" in run.stdout
        assert "--strict stopped the run" in run.stdout


class TestArguments:
    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            ([], "required"),
            (["frobnicate"], "invalid choice"),
            (["qualify"], "INPUT"),
            (["qualify", "x.csv", "--as-of", "2026-11-30T09:00:00"], "needs a UTC offset"),
            (["qualify", "x.csv", "--as-of", "last tuesday"], "not an ISO 8601 datetime"),
            (["qualify", "x.csv", "--preset", "MEDDIC"], "unknown preset"),
            (["qualify", "x.csv", "--preset", "BANT", "--policy", "p.toml"], "not allowed"),
            (["qualify", "x.csv", "--output-format", "xml"], "invalid choice"),
            (["explain", "x.csv", "--row", "0"], "row number from 1"),
            (["explain", "x.csv", "--id", "a", "--row", "1"], "not allowed"),
            (["schema", "contact"], "invalid choice"),
            (["policy"], "required"),
        ],
    )
    def test_bad_arguments_exit_2_with_a_message(
        self, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
    ) -> None:
        assert main(argv) == 2
        assert message in capsys.readouterr().err

    def test_a_missing_input_file_exits_2(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        assert main(["qualify", str(tmp_path / "nowhere.csv")]) == 2
        assert "cannot read" in capsys.readouterr().err

    def test_an_unwritable_output_exits_2(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        out = tmp_path / "missing-dir" / "out.jsonl"

        assert main(["qualify", str(CONTACTS_CSV), "-o", str(out)]) == 2
        assert "cannot write" in capsys.readouterr().err

    def test_show_takes_a_file_or_a_preset_not_both(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["policy", "show", str(POLICY_TOML), "--preset", "BANT"]) == 2
        assert "not both" in capsys.readouterr().err

    def test_version_is_printed(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["--version"]) == 0
        assert capsys.readouterr().out.startswith("leadflow ")

    def test_main_decides_in_process_and_reports_on_stderr(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "two.csv"
        data.write_text(csv_text([record(id="I-1"), record(id="I-2", email="x")]), "utf-8")

        status = main(["qualify", str(data), "--as-of", AS_OF, "--output-format", "csv"])

        out, err = capsys.readouterr()
        assert status == 1
        (decided,) = csv.DictReader(io.StringIO(out))
        assert (decided["id"], decided["verdict"], decided["score"]) == ("I-1", "qualified", "100")
        assert counts(err) == (2, 1, 1)

    def test_progress_is_shown_only_on_a_terminal(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> None:
        data = tmp_path / "five.csv"
        data.write_text(csv_text([record(id=f"R-{n}") for n in range(5)]), "utf-8")
        monkeypatch.setattr("leadflow.cli._report.PROGRESS_EVERY", 2)
        argv = ["qualify", str(data), "--as-of", AS_OF, "-o", str(tmp_path / "out")]

        assert main(argv) == 0
        assert "rows read" not in capsys.readouterr().err

        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        # Without tqdm (the `progress` extra), a plain line every PROGRESS_EVERY rows.
        monkeypatch.setattr("leadflow.cli._progress._tqdm", lambda: None)
        assert main(argv) == 0
        progress = [line for line in capsys.readouterr().err.splitlines() if "rows read" in line]
        assert [line.split(", ")[0] for line in progress] == [
            "leadflow: 2 rows read (0 rejected so far)",
            "leadflow: 4 rows read (0 rejected so far)",
        ]
        assert all(re.search(r", [\d,]+ rows/s$", line) for line in progress), progress
