"""What the command line shows a person, and what it keeps for machines.

The output formats (a table at a terminal, JSON Lines when piped, CSV), the one column
order, ``--config`` and ``--timezone``, the progress bar and ``leadflow docs``. Runs
in-process (:func:`leadflow.cli.main`) so that a terminal can be pretended with
``isatty``. Expected scores are worked out by hand from BANT's published scale (weights
need 30, budget 30, timeframe 25, authority 15; threshold 60, nurture from 35).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.cli import EXIT_OK, EXIT_USAGE, main
from leadflow.cli._table import _TableWriter
from leadflow.cli._writers import _Writer, encode_rows
from leadflow.decisions import Verdict
from leadflow.records import RECORD_FIELDS, decision_fields

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SIGNALS_TOML = ROOT / "examples" / "signals.toml"
AS_OF = "2026-11-30T09:00:00+00:00"
SEE_DOCS = "See `leadflow docs cli`."

BASE = {
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


def record(**changes: str) -> dict[str, str]:
    return {**BASE, **changes}


#: A: every criterion at its best, 30 + 30 + 25 + 15 = 100, qualified.
#: B: no budget, known: evidence against, disqualified; 30 + 0 + 25 + 15 = 70.
#: C: budget never asked: undetermined; 30 + 0 + 25 + 15 = 70.
#: D: no budget again, and a need that is only latent: disqualified; latent earns 35% of
#: 30 = 10.5, rounded half up to 11: 11 + 0 + 25 + 15 = 51, grade C (floors 80/60/40).
FOUR = [
    record(id="A-1"),
    record(id="B-2", budget="none"),
    record(id="C-3", budget=""),
    record(id="D-4", budget="none", need="latent"),
]


def csv_text(records: Sequence[Mapping[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, RECORD_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


@pytest.fixture
def four(tmp_path: Path) -> Path:
    path = tmp_path / "four.csv"
    path.write_text(csv_text(FOUR), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return status, out, err


def terminal(monkeypatch: pytest.MonkeyPatch, stream: str) -> None:
    """Pretend *stream* (``stdout`` or ``stderr``) is a terminal 100 columns wide."""
    monkeypatch.setattr(getattr(sys, stream), "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")


# ----------------------------------------------------------------------------------------
# Output formats
# ----------------------------------------------------------------------------------------


class TestOutputFormats:
    def test_piped_output_is_still_json_lines_by_default(
        self, capsys: pytest.CaptureFixture[str], four: Path
    ) -> None:
        status, out, _ = run(capsys, "qualify", four, "--as-of", AS_OF)

        assert status == EXIT_OK
        rows = [json.loads(line) for line in out.splitlines()]
        assert [(r["id"], r["verdict"], r["score"]) for r in rows] == [
            ("A-1", "qualified", 100),
            ("B-2", "disqualified", 70),
            ("C-3", "undetermined", 70),
            ("D-4", "disqualified", 51),
        ]

    def test_a_terminal_gets_a_table_with_a_summary(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, four: Path
    ) -> None:
        terminal(monkeypatch, "stdout")

        status, out, err = run(capsys, "qualify", four, "--as-of", AS_OF)

        assert status == EXIT_OK
        lines = out.splitlines()
        assert lines[0].split() == ["row", "id", "verdict", "score", "grade", "next", "step"]
        assert lines[1].split()[:5] == ["1", "A-1", "qualified", "100", "A"]
        assert lines[2].split()[:5] == ["2", "B-2", "disqualified", "70", "B"]
        assert lines[3].split()[:5] == ["3", "C-3", "undetermined", "70", "B"]
        assert lines[4].split()[:5] == ["4", "D-4", "disqualified", "51", "C"]
        # Aligned: each column starts where its header does.
        starts = [lines[0].index(name) for name in ("verdict", "grade")]
        assert all(line[starts[0] - 1] == " " and line[starts[0]] != " " for line in lines[1:5])
        assert all(line[starts[1]] in "ABCD" for line in lines[1:5])
        assert all(len(line) <= 100 for line in lines)
        summary = out[out.index("\n\n") + 2 :]
        assert summary.splitlines()[:5] == [
            "4 decisions:",
            "  qualified     1   25.0%",
            "  nurture       0    0.0%",
            "  undetermined  1   25.0%",
            "  disqualified  2   50.0%",
        ]
        # Among B, C and D: budget known none twice, never asked once; D's need latent.
        assert "most common reasons among the 3 not qualified:" in summary
        assert "  budget.below_minimum  2  budget known, and below the minimum" in summary
        assert "  budget.unconfirmed    1  budget not known yet" in summary
        assert "  need.below_minimum    1  need known, and below the minimum" in summary
        # The count line on stderr is as it always was.
        assert err.splitlines()[-1] == (
            "4 rows: 4 decisions, 0 rejected; 1 qualified, 0 nurture, 1 undetermined, "
            "2 disqualified"
        )

    def test_an_output_file_gets_json_lines_even_from_a_terminal(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        four: Path,
        tmp_path: Path,
    ) -> None:
        terminal(monkeypatch, "stdout")
        out = tmp_path / "out.jsonl"

        assert run(capsys, "qualify", four, "--as-of", AS_OF, "-o", out)[0] == EXIT_OK

        assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == [
            "A-1",
            "B-2",
            "C-3",
            "D-4",
        ]

    def test_rejected_rows_still_go_to_stderr_beside_a_table(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "bad.csv"
        data.write_text(csv_text([record(id="A-1"), record(id="X-2", email="nope")]), "utf-8")

        status, out, err = run(
            capsys, "qualify", data, "--as-of", AS_OF, "--output-format", "table"
        )

        assert status == 1
        assert "X-2" not in out
        assert "row 2 (line 3): $.email: not an email address" in err
        assert "1 decision:" in out

    def test_a_crm_export_gets_the_same_table(self, capsys: pytest.CaptureFixture[str]) -> None:
        export = ROOT / "tests" / "golden" / "cli" / "salesforce_leads.json"

        status, out, _ = run(
            capsys, "qualify", "--from", "salesforce", export, "--as-of", AS_OF,
            "--crm-mapping", export.with_name("salesforce_mapping.toml"),
            "--output-format", "table",
        )  # fmt: skip

        assert status == EXIT_OK
        lines = out.splitlines()
        # Ada: strong 30 + approved 30 + immediate 25 + decision maker 15 = 100. Grace:
        # no need (against) + available 24 + this quarter 23 + influencer 8 = 55.
        assert lines[1].split()[:5] == ["1", "00Q5e00000A…", "qualified", "100", "A"]
        assert lines[2].split()[:5] == ["2", "00Q5e00000G…", "disqualified", "55", "C"]
        assert "  need.below_minimum  1  need known, and below the minimum" in out

    def test_promote_has_a_table_of_its_own(
        self, capsys: pytest.CaptureFixture[str], four: Path
    ) -> None:
        status, out, _ = run(capsys, "promote", four, "--as-of", AS_OF, "--output-format", "table")

        assert status == EXIT_OK
        lines = out.splitlines()
        assert lines[0].split()[:4] == ["row", "id", "promotable", "codes"]
        # A-1 qualifies, but no promotion signal is known: not promotable yet.
        assert lines[1].split()[:3] == ["1", "A-1", "no"]
        assert "4 decisions:" in out
        assert "  not promotable  4  100.0%" in out
        # B-2 and D-4 are disqualified, C-3 undetermined: no leads, so no candidates.
        assert "not a lead (disqualified)  2" in out

    def test_the_table_is_written_as_the_rows_are_read(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        text = csv_text([record(id=f"S-{n}") for n in range(1, 4)])
        seen: list[str] = []
        out = io.StringIO()

        class Stdin:
            """Standard input that notes what was written before its last line is read."""

            def __iter__(self) -> Iterator[str]:
                lines = text.splitlines(keepends=True)
                yield from lines[:-1]
                seen.append(out.getvalue())
                yield lines[-1]

        monkeypatch.setattr(sys, "stdin", Stdin())
        monkeypatch.setattr(sys, "stdout", out)

        assert main(["qualify", "-", "--as-of", AS_OF, "--output-format", "table"]) == 0

        (before_last,) = seen
        assert "S-1" in before_last
        assert "S-3" not in before_last
        assert "S-3" in out.getvalue()


class TestTableCells:
    def test_a_long_id_is_cut_and_the_columns_stay_aligned(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "long.csv"
        long_id = "CUSTOMER-2026-000000042"
        data.write_text(csv_text([record(id=long_id), record(id="S-1")]), "utf-8")

        out = run(capsys, "qualify", data, "--as-of", AS_OF, "--output-format", "table")[1]

        header, first, second = out.splitlines()[:3]
        assert long_id not in out
        assert "CUSTOMER-20…" in first  # 12 columns: 11 characters and the ellipsis
        at = header.index("verdict")
        assert first[at:].startswith("qualified")
        assert second[at:].startswith("qualified")


class TestColumnOrder:
    def test_json_keys_the_csv_header_and_the_table_come_in_one_order(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "one.csv"
        data.write_text(csv_text([record(id="A-1")]), encoding="utf-8")
        common: list[str | Path] = ["qualify", data, "--as-of", AS_OF, "--policy", SIGNALS_TOML]

        jsonl = run(capsys, *common, "--output-format", "jsonl")[1]
        header = run(capsys, *common, "--output-format", "csv")[1].splitlines()[0]
        table = run(capsys, *common, "--output-format", "table")[1].splitlines()[0]

        keys = list(json.loads(jsonl))
        assert keys == header.split(",")
        assert keys[:3] == ["row", "id", "verdict"]
        assert keys.index("score") < keys.index("grade") < keys.index("next_steps")
        shown = table.split()[:-2]  # then "next step"
        assert shown == [key for key in keys if key in shown]


class TestWriterLaws:
    @given(st.permutations(decision_fields()), st.sampled_from(["jsonl", "csv"]))
    def test_whatever_order_a_row_is_built_in_it_is_written_in_column_order(
        self, order: Sequence[str], format_: str
    ) -> None:
        columns = ("row", *decision_fields())
        row = {"row": 1, **{name: f"v-{name}" for name in order}}
        out = io.StringIO()

        writer = _Writer(out, format_, columns)
        writer.write(row)
        writer.close()

        if format_ == "jsonl":
            written = list(json.loads(out.getvalue()))
        else:
            header, line = out.getvalue().splitlines()
            written = header.split(",")
            assert line.split(",") == [str(row[name]) for name in columns]
        assert written == list(columns)

    @given(
        st.lists(
            st.lists(
                st.none() | st.booleans() | st.integers() | st.floats() | st.text(",\"\r\n x"),
                min_size=3,
                max_size=3,
            ),
            max_size=5,
        )
    )
    def test_rows_encoded_at_once_are_the_rows_the_writer_writes(
        self, rows: list[list[Any]]
    ) -> None:
        columns = ("row", "a", "b")
        one_by_one = io.StringIO()
        writer = _Writer(one_by_one, "csv", columns)
        for row in rows:
            writer.write(dict(zip(columns, row, strict=True)))
        by_column = {name: [row[i] for row in rows] for i, name in enumerate(columns)}

        at_once = encode_rows("csv", columns, by_column)

        assert one_by_one.getvalue().split("\n", 1)[1] == "".join(at_once)

    @given(st.lists(st.sampled_from([v.value for v in Verdict])))
    def test_the_summary_counts_every_verdict_and_adds_up(self, verdicts: list[str]) -> None:
        out = io.StringIO()
        table = _TableWriter(out, ("row", *decision_fields()), width=100)
        for number, verdict in enumerate(verdicts, start=1):
            table.write({"row": number, "id": f"R-{number}", "verdict": verdict})
        table.close()

        summary = out.getvalue().split("\n\n", 1)[1].splitlines()
        noun = "decision" if len(verdicts) == 1 else "decisions"
        assert summary[0] == f"{len(verdicts)} {noun}:"
        shown = {line.split()[0]: int(line.split()[1]) for line in summary[1:5]}
        assert shown == {v.value: verdicts.count(v.value) for v in Verdict}
        assert len(out.getvalue().split("\n\n", 1)[0].splitlines()) == 1 + len(verdicts)


# ----------------------------------------------------------------------------------------
# --config and --timezone
# ----------------------------------------------------------------------------------------


def naive_record(observed: str) -> dict[str, str]:
    """A record whose need was noted at the wall-clock time *observed*, without an offset."""
    return record(id="Z-1", need_observed_at=observed)


class TestConfigAndTimezone:
    def test_a_config_file_sets_as_of_and_a_policy_relative_to_itself(
        self, capsys: pytest.CaptureFixture[str], four: Path, tmp_path: Path
    ) -> None:
        folder = tmp_path / "settings"
        folder.mkdir()
        (folder / "p.toml").write_text(
            (ROOT / "examples" / "policy.toml").read_text("utf-8"), "utf-8"
        )
        config = folder / "leadflow.toml"
        config.write_text('as_of = 2026-11-30T10:00:00+01:00\npolicy = "p.toml"\n', "utf-8")

        status, out, err = run(capsys, "qualify", four, "--config", config)

        assert status == EXIT_OK, err
        first = json.loads(out.splitlines()[0])
        assert first["as_of"] == "2026-11-30T10:00:00+01:00"
        policy_name = (ROOT / "examples" / "policy.toml").read_text("utf-8")
        assert f'name = "{first["policy"]}"' in policy_name

    def test_flags_win_over_the_config_file(
        self, capsys: pytest.CaptureFixture[str], four: Path, tmp_path: Path
    ) -> None:
        config = tmp_path / "c.toml"
        config.write_text('as_of = "2026-11-30T09:00:00Z"\npreset = "anum"\n', "utf-8")

        later = "2026-12-01T09:00:00+00:00"
        status, out, _ = run(
            capsys, "qualify", four, "--config", config, "--as-of", later, "--preset", "BANT"
        )

        assert status == EXIT_OK
        first = json.loads(out.splitlines()[0])
        assert (first["as_of"], first["policy"]) == (later, "BANT")

    @pytest.mark.parametrize(
        ("text", "named"),
        [
            ('asof = "2026-11-30T09:00:00Z"\n', "asof: unknown key"),
            ("as_of = 2026-11-30T09:00:00\n", "as_of: needs a UTC offset"),
            ('as_of = "yesterday"\n', "'yesterday'"),
            ("as_of = 12\n", "as_of: expected a datetime with a UTC offset (got 12"),
            ('timezone = "Mars/Olympus"\n', "timezone: unknown time zone 'Mars/Olympus'"),
            ('preset = "nope"\n', "preset: unknown preset 'nope'"),
            ('policy = "a.toml"\npreset = "BANT"\n', "policy and preset: give one"),
            ("as_of = [\n", "not valid TOML"),
        ],
    )
    def test_a_bad_config_is_one_usage_error_naming_the_key_and_value(
        self,
        capsys: pytest.CaptureFixture[str],
        four: Path,
        tmp_path: Path,
        text: str,
        named: str,
    ) -> None:
        config = tmp_path / "bad.toml"
        config.write_text(text, "utf-8")

        status, out, err = run(capsys, "qualify", four, "--config", config)

        assert status == EXIT_USAGE
        assert out == ""
        (message, pointer) = err.splitlines()
        assert message.startswith(f"leadflow: error: config {config}: ")
        assert named in message
        assert pointer == SEE_DOCS

    def test_naive_timestamps_are_read_in_the_zone_given(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "naive.csv"
        # 09:30 in Berlin (UTC+1 in November) is 08:30 UTC, before as_of 09:00 UTC; in
        # New York (UTC-5) it is 14:30 UTC, after it, so the row is refused.
        data.write_text(csv_text([naive_record("2026-11-30 09:30")]), "utf-8")
        argv: list[str | Path] = ["qualify", data, "--as-of", AS_OF, "--timezone"]

        berlin = run(capsys, *argv, "Europe/Berlin")
        new_york = run(capsys, *argv, "America/New_York")
        without = run(capsys, "qualify", data, "--as-of", AS_OF)

        assert berlin[0] == EXIT_OK
        assert json.loads(berlin[1])["verdict"] == "qualified"
        assert new_york[0] == 1
        assert "$.need_observed_at" in new_york[2]
        assert without[0] == 1
        assert "--timezone" in without[2]

    def test_the_config_timezone_is_used_and_the_flag_wins(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "naive.csv"
        data.write_text(csv_text([naive_record("2026-11-30 09:30")]), "utf-8")
        config = tmp_path / "c.toml"
        config.write_text(f'as_of = "{AS_OF}"\ntimezone = "America/New_York"\n', "utf-8")

        assert run(capsys, "qualify", data, "--config", config)[0] == 1
        flag = run(capsys, "qualify", data, "--config", config, "--timezone", "Europe/Berlin")
        assert flag[0] == EXIT_OK

    def test_explain_takes_the_config_and_the_zone_too(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = tmp_path / "naive.csv"
        data.write_text(csv_text([naive_record("2026-11-30 09:30")]), "utf-8")
        config = tmp_path / "c.toml"
        config.write_text(f'as_of = "{AS_OF}"\ntimezone = "Europe/Berlin"\n', "utf-8")

        status, out, err = run(capsys, "explain", data, "--config", config)

        assert status == EXIT_OK, err
        assert "as of 2026-11-30T09:00:00+00:00" in out
        assert "QUALIFIED" in out.upper()

    def test_a_bad_zone_name_is_a_usage_error_naming_it(
        self, capsys: pytest.CaptureFixture[str], four: Path
    ) -> None:
        status, _, err = run(capsys, "qualify", four, "--timezone", "Europe/Atlantis")

        assert status == EXIT_USAGE
        assert "unknown time zone 'Europe/Atlantis'" in err
        assert err.rstrip().endswith(SEE_DOCS)
        assert err.count(SEE_DOCS) == 1

    def test_timezone_is_refused_for_a_crm_export(self, capsys: pytest.CaptureFixture[str]) -> None:
        export = ROOT / "tests" / "golden" / "cli" / "salesforce_leads.json"
        argv: list[str | Path] = ["qualify", "--from", "salesforce", export, "--as-of", AS_OF]

        status, _, err = run(capsys, *argv, "--timezone", "UTC")

        assert status == EXIT_USAGE
        assert "--timezone does not apply to --from CRM" in err

    def test_the_config_as_of_decides_a_crm_export_whatever_the_clock(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        export = ROOT / "tests" / "golden" / "cli" / "salesforce_leads.json"
        config = ROOT / "examples" / "leadflow.toml"

        def clock() -> Any:
            raise AssertionError("the clock was read despite the config's as_of")

        monkeypatch.setattr("leadflow.cli._commands._now", clock)
        status, out, err = run(
            capsys, "qualify", "--from", "salesforce", export, "--config", config
        )

        assert status == EXIT_OK, err
        assert {json.loads(line)["as_of"] for line in out.splitlines()} == {AS_OF}


# ----------------------------------------------------------------------------------------
# Progress
# ----------------------------------------------------------------------------------------


class TestProgress:
    def test_a_bar_on_a_terminal_only_and_the_data_unchanged(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, four: Path
    ) -> None:
        pytest.importorskip("tqdm")
        argv: list[str | Path] = ["qualify", four, "--as-of", AS_OF]

        plain = run(capsys, *argv)
        terminal(monkeypatch, "stderr")
        shown = run(capsys, *argv)

        assert shown[1] == plain[1]
        assert "B/s" not in plain[2]
        # tqdm's bar of bytes: the file's name, a percentage and the rate.
        assert f"{four.name}:" in shown[2]
        assert "%|" in shown[2]
        assert "B/s" in shown[2]
        assert shown[2].splitlines()[-1] == plain[2].splitlines()[-1]  # the count line

    def test_standard_input_counts_rows_with_no_total(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pytest.importorskip("tqdm")
        monkeypatch.setattr(sys, "stdin", io.StringIO(csv_text(FOUR)))
        terminal(monkeypatch, "stderr")

        status, _, err = run(capsys, "qualify", "-", "--as-of", AS_OF)

        assert status == EXIT_OK
        assert "rows" in err
        assert "%|" not in err  # no total, so no percentage

    def test_without_tqdm_a_plain_line_with_the_rate(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, four: Path
    ) -> None:
        monkeypatch.setattr("leadflow.cli._progress._tqdm", lambda: None)
        monkeypatch.setattr("leadflow.cli._report.PROGRESS_EVERY", 2)
        terminal(monkeypatch, "stderr")

        _, _, err = run(capsys, "qualify", four, "--as-of", AS_OF)

        lines = [line for line in err.splitlines() if "rows read" in line]
        assert [line.split(", ")[0] for line in lines] == [
            "leadflow: 2 rows read (0 rejected so far)",
            "leadflow: 4 rows read (0 rejected so far)",
        ]
        assert all(line.endswith(" rows/s") for line in lines)


# ----------------------------------------------------------------------------------------
# leadflow docs, and where help points
# ----------------------------------------------------------------------------------------


class TestDocs:
    def test_without_a_page_the_pages_are_listed(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "docs")

        assert status == EXIT_OK
        names = [line.split()[0] for line in out.splitlines()[1:-1]]
        assert {"cli", "index", "crm/salesforce", "crm/odoo"} <= set(names)
        assert "conf" not in names
        assert "  cli " in out
        assert "The command line" in out  # the page's title

    def test_a_page_is_printed_whole(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "docs", "crm/salesforce")

        assert status == EXIT_OK
        assert out == (DOCS / "crm" / "salesforce.md").read_text(encoding="utf-8")

    def test_path_prints_where_the_page_is(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "docs", "cli.md", "--path")

        assert status == EXIT_OK
        assert Path(out.strip()).read_text("utf-8") == (DOCS / "cli.md").read_text("utf-8")

    def test_an_unknown_page_is_a_usage_error_listing_the_pages(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, _, err = run(capsys, "docs", "nope")

        assert status == EXIT_USAGE
        assert "no documentation page 'nope' (pages: " in err
        assert "crm/hubspot" in err

    @pytest.mark.parametrize(
        "command",
        ["qualify", "promote", "explain", "funnel", "learn", "policy", "policy show",
         "policy validate", "schema", "docs"],
    )  # fmt: skip
    def test_every_commands_help_ends_with_the_pointer(
        self, capsys: pytest.CaptureFixture[str], command: str
    ) -> None:
        status, out, _ = run(capsys, *command.split(), "--help")

        assert status == EXIT_OK
        assert out.rstrip().endswith(SEE_DOCS)

    def test_help_and_argument_errors_point_to_the_docs_command(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(capsys, "--help")[1].rstrip().endswith(SEE_DOCS)
        assert run(capsys, "qualify", "--help")[1].rstrip().endswith(SEE_DOCS)
        status, _, err = run(capsys, "qualify", "x.csv", "--output-format", "xml")
        assert status == EXIT_USAGE
        assert err.rstrip().endswith(SEE_DOCS)
        assert err.count(SEE_DOCS) == 1
        assert "docs/cli.md" not in run(capsys, "--help")[1]
