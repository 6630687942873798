"""Nothing lost under faults: the command line on a full disk, a closed pipe, Ctrl-C,
a closed standard input, NUL bytes, runaway CSV quotes and JSON nested too deep.

Each fault ends in a one-line message (or, for a closed pipe, silence), the count line
where rows were read, and an exit status of its own; every input row is accounted for,
as a decision or a reported rejection. Runs in-process (:func:`leadflow.cli.main`)
where the fault can be staged, else ``python -m leadflow`` in a subprocess.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import leadflow.cli._commands
import leadflow.qualification
from leadflow import cli
from leadflow.cli import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_REJECTED,
    EXIT_STRICT,
    EXIT_USAGE,
    main,
)
from leadflow.cli._report import _shown
from leadflow.cli._sources import MAX_FIELD_SIZE
from test_cli import environment

ROOT = Path(__file__).resolve().parent.parent
CONTACTS_CSV = ROOT / "examples" / "contacts.csv"
AS_OF = "2026-11-30T09:00:00+00:00"
HEADER = "name,email,created_at\n"
CREATED = "2026-11-01T09:00:00+00:00"
COUNT_LINE = re.compile(r"^(\d+) rows?: (\d+) decisions?, (\d+) rejected", re.MULTILINE)


def good(n: int) -> str:
    """The CSV line of a valid record, the *n*-th."""
    return f"Person {n},p{n}@example.com,{CREATED}\n"


def counts(stderr: str) -> tuple[int, int, int]:
    """Rows read, decisions and rejected rows, from the count line on *stderr*."""
    found = COUNT_LINE.findall(stderr)
    assert len(found) == 1, stderr
    rows, decided, rejected = map(int, found[0])
    return rows, decided, rejected


def rejections(stderr: str) -> list[str]:
    """The rejection lines on *stderr*."""
    return [line for line in stderr.splitlines() if re.search(r": row \d+ \(line \d+\): ", line)]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main([*map(str, args), "--as-of", AS_OF])
    out, err = capsys.readouterr()
    return status, out, err


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "leadflow", *map(str, args), "--as-of", AS_OF]


def no_noise(stderr: str) -> None:
    """No traceback and nothing Python says as it shuts down."""
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr


@pytest.fixture
def many_rows(tmp_path: Path) -> Path:
    """A CSV file of 2,000 valid records: more than a pipe's buffer holds."""
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(good(n) for n in range(2000)), encoding="utf-8")
    return path


class TestExitStatuses:
    def test_every_exit_status_means_one_thing(self) -> None:
        codes = [
            EXIT_OK,
            EXIT_REJECTED,
            EXIT_USAGE,
            EXIT_STRICT,
            EXIT_OUTPUT,
            EXIT_INTERRUPTED,
            EXIT_BROKEN_PIPE,
        ]
        assert len(set(codes)) == len(codes)

    def test_the_guide_has_one_table_of_every_exit_status(self) -> None:
        text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
        rows = re.findall(r"^\| (\d+) \|", text, re.MULTILINE)
        exits = sorted(v for k, v in vars(cli).items() if k.startswith("EXIT_"))
        assert sorted(map(int, rows)) == exits


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
class TestFullDisk:
    def test_a_full_output_file_stops_with_one_message_and_its_own_status(self) -> None:
        done = subprocess.run(
            command("qualify", CONTACTS_CSV, "-o", "/dev/full"),
            capture_output=True,
            text=True,
            env=environment(),
            check=False,
        )
        assert done.returncode == EXIT_OUTPUT
        no_noise(done.stderr)
        lines = done.stderr.splitlines()
        assert lines[0] == (
            "leadflow: error: cannot write /dev/full: No space left on device; "
            "the output holds none of the decisions"
        )
        assert counts(done.stderr) == (1, 0, 0)

    def test_standard_output_on_a_full_disk_stops_alike(self) -> None:
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                command("qualify", CONTACTS_CSV),
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env=environment(),
                check=False,
            )
        assert done.returncode == EXIT_OUTPUT
        no_noise(done.stderr)
        assert "cannot write standard output: No space left on device" in done.stderr
        assert counts(done.stderr) == (1, 0, 0)

    def test_the_count_line_says_how_many_decisions_the_output_holds(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        class FillsUp(io.StringIO):
            """A disk with room for five lines."""

            def write(self, text: str) -> int:
                if self.getvalue().count("\n") + text.count("\n") > 5:
                    raise OSError(errno.ENOSPC, "No space left on device")
                return super().write(text)

        out = FillsUp()
        monkeypatch.setattr(sys, "stdout", out)
        status = main(["qualify", str(CONTACTS_CSV), "--as-of", AS_OF])
        err = capsys.readouterr().err
        assert status == EXIT_OUTPUT
        assert "the output holds only the first 5 decisions" in err
        assert counts(err) == (6, 5, 0)
        assert [json.loads(line)["row"] for line in out.getvalue().splitlines()] == [1, 2, 3, 4, 5]


class TestClosedPipe:
    def test_a_reader_that_goes_away_ends_the_run_quietly(self, many_rows: Path) -> None:
        process = subprocess.Popen(
            command("qualify", many_rows),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(),
        )
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # as `| head -1` does
        stderr = process.stderr.read().decode("utf-8")
        process.stderr.close()
        assert process.wait(timeout=300) == EXIT_BROKEN_PIPE
        assert json.loads(first)["row"] == 1
        assert stderr == ""


class TestInterrupt:
    def test_ctrl_c_prints_the_count_so_far_and_exits_130(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real = leadflow.qualification.qualify
        calls = 0

        def interrupted_at_the_fourth(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 4:
                raise KeyboardInterrupt
            return real(*args, **kwargs)

        monkeypatch.setattr(leadflow.cli._commands, "qualify", interrupted_at_the_fourth)
        status, out, err = run(capsys, "qualify", CONTACTS_CSV)
        assert status == EXIT_INTERRUPTED
        assert err.splitlines()[0] == "leadflow: interrupted"
        assert counts(err) == (4, 3, 0)
        assert len(out.splitlines()) == 3

    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
    def test_a_real_sigint_ends_with_the_count_line(self, many_rows: Path) -> None:
        process = subprocess.Popen(
            command("qualify", many_rows),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(),
            # Unbuffered: communicate() reads the pipe itself, so a buffered readline
            # would keep lines it read ahead from the count below.
            bufsize=0,
        )
        assert process.stdout is not None
        process.stdout.readline()  # it is deciding rows (and soon blocked on the pipe)
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=300)
        stderr = err.decode("utf-8")
        assert process.returncode == EXIT_INTERRUPTED
        no_noise(stderr)
        assert "leadflow: interrupted" in stderr
        rows, decided, rejected = counts(stderr)
        assert decided <= rows < 2000
        assert rejected == 0
        # The signal may come between writing a row and counting it, not otherwise.
        written = 1 + len(rest.decode("utf-8").splitlines())
        assert decided <= written <= decided + 1


class TestClosedStdin:
    def test_a_closed_standard_input_is_a_usage_error(self) -> None:
        done = subprocess.run(
            ["sh", "-c", 'exec "$@" <&-', "sh", *command("qualify", "-")],
            capture_output=True,
            text=True,
            env=environment(),
            check=False,
        )
        assert done.returncode == EXIT_USAGE
        no_noise(done.stderr)
        assert done.stderr.splitlines()[0] == (
            "leadflow: error: cannot read standard input: it is closed"
        )

    @pytest.mark.parametrize("closed", ["no_stream", "closed_stream"])
    def test_no_standard_input_in_process_alike(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, closed: str
    ) -> None:
        stdin = io.StringIO()
        stdin.close()
        monkeypatch.setattr(sys, "stdin", None if closed == "no_stream" else stdin)
        status, _, err = run(capsys, "qualify", "-")
        assert status == EXIT_USAGE
        assert "cannot read standard input: it is closed" in err


class TestNul:
    def test_a_row_with_a_nul_is_rejected_on_every_python(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "nul.csv"
        path.write_text(
            HEADER + good(1) + f"Ad\x00a,ada@example.com,{CREATED}\n" + good(3), encoding="utf-8"
        )
        status, out, err = run(capsys, "qualify", path)
        assert status == EXIT_REJECTED
        assert rejections(err) == [f"{path}: row 2 (line 3): $: a NUL character on line 3"]
        assert counts(err) == (3, 2, 1)
        assert [json.loads(line)["row"] for line in out.splitlines()] == [1, 3]

    def test_a_nul_inside_a_quoted_value_over_lines_rejects_that_row_only(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "nul.csv"
        path.write_text(
            HEADER + f'"Ada\nLove\x00lace",ada@example.com,{CREATED}\n' + good(2),
            encoding="utf-8",
        )
        status, out, err = run(capsys, "qualify", path)
        assert rejections(err) == [f"{path}: row 1 (line 2): $: a NUL character on line 3"]
        assert counts(err) == (2, 1, 1)
        assert [json.loads(line)["row"] for line in out.splitlines()] == [2]
        assert status == EXIT_REJECTED


class TestEscapedSurrogates:
    @pytest.mark.parametrize("command", ["qualify", "promote"])
    def test_a_json_line_escaping_a_lone_surrogate_is_rejected_and_a_pair_is_text(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
    ) -> None:
        # "\ud800" alone is no character, and no output could hold it; "\ud83d\ude00"
        # is one (an emoji), written as UTF-8.
        record = {"name": "Ada", "email": "ada@example.com", "created_at": CREATED}
        path = tmp_path / "escaped.jsonl"
        path.write_text(
            json.dumps({**record, "id": "\ud800"})
            + "\n"
            + json.dumps({**record, "id": "\U0001f600"})
            + "\n",
            encoding="utf-8",
        )
        assert "\\ud800" in path.read_text(encoding="utf-8")  # as json.dumps escapes it

        status, out, err = run(capsys, command, path)

        assert rejections(err) == [
            f"{path}: row 1 (line 1): $: a \\u escape of a lone surrogate, which is no text"
        ]
        assert counts(err)[:3] == (2, 1, 1)
        assert [json.loads(line)["id"] for line in out.splitlines()] == ["\U0001f600"]
        assert status == EXIT_REJECTED


class TestRunawayQuotes:
    def test_a_stray_quote_rejects_its_row_and_the_next_rows_are_read(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "stray.csv"
        path.write_text(HEADER + f'"Ada,ada@example.com,{CREATED}\n' + good(2), encoding="utf-8")
        status, out, err = run(capsys, "qualify", path)
        assert status == EXIT_REJECTED
        assert rejections(err) == [
            f"{path}: row 1 (line 2): $: a quote opened in this row is never closed "
            "(a stray quote?)"
        ]
        assert counts(err) == (2, 1, 1)
        assert [json.loads(line)["row"] for line in out.splitlines()] == [2]

    def test_a_stray_quote_that_a_later_quote_ends_loses_no_row(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # The quote opened on line 2 is ended by the first quote of line 3, mid-value:
        # line 3 is a row of its own, and a good one.
        path = tmp_path / "stray.csv"
        later = f'"Person 2",p2@example.com,{CREATED}\n'
        path.write_text(
            HEADER + f'"Ada,ada@example.com,{CREATED}\n' + later + good(3), encoding="utf-8"
        )
        status, out, err = run(capsys, "qualify", path)
        assert status == EXIT_REJECTED
        [rejected] = rejections(err)
        assert rejected.startswith(f"{path}: row 1 (line 2): $: malformed CSV: ")
        assert rejected.endswith("whose quote opened on line 2 and ran on past it (a stray quote?)")
        assert counts(err) == (3, 2, 1)
        assert [json.loads(line)["row"] for line in out.splitlines()] == [2, 3]
        assert [json.loads(line)["id"] for line in out.splitlines()] == [None, None]

    def test_a_quoted_value_over_lines_then_a_bad_quote_leaves_no_line_unread(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # A value over two lines whose quote closes and is followed by text: nothing
        # says which line was meant, so the first is rejected and the next is read on
        # its own (a quote inside an unquoted value is text): no line goes unread.
        path = tmp_path / "bad.csv"
        path.write_text(
            HEADER + f'"Ada\nLovelace"x,ada@example.com,{CREATED}\n' + good(2), encoding="utf-8"
        )
        status, out, err = run(capsys, "qualify", path, "--output-format", "jsonl")
        assert status == EXIT_REJECTED
        [rejected] = rejections(err)
        assert rejected.startswith(f"{path}: row 1 (line 2): $: malformed CSV: ")
        assert counts(err) == (3, 2, 1)
        assert [json.loads(line)["row"] for line in out.splitlines()] == [2, 3]

    def test_a_stray_quote_before_more_than_the_limit_loses_no_row(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "stray.csv"
        rest = "".join(good(n) for n in range(2, 302))
        path.write_text(HEADER + f'"Ada,ada@example.com,{CREATED}\n' + rest, encoding="utf-8")
        status, out, err = run(capsys, "qualify", path, "--max-field-size", "1000")
        assert status == EXIT_REJECTED
        [rejected] = rejections(err)
        assert rejected.startswith(f"{path}: row 1 (line 2): $: a quote opened in this row")
        assert "longer than 1,000 characters (--max-field-size)" in rejected
        assert counts(err) == (301, 300, 1)
        assert [json.loads(line)["row"] for line in out.splitlines()] == list(range(2, 302))

    def test_a_long_quoted_value_over_many_lines_is_one_rejected_row(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "long.csv"
        value = "x\n" * 5000  # lines 2 to 5002
        path.write_text(
            HEADER
            + f'"{value}",ada@example.com,{CREATED}\n'
            + f"Grace,grace@,{CREATED}\n"
            + good(3),
            encoding="utf-8",
        )
        status, out, err = run(capsys, "qualify", path, "--max-field-size", "1000")
        assert status == EXIT_REJECTED
        lines = rejections(err)
        assert lines[0] == (
            f"{path}: row 1 (line 2): $: a value longer than 1,000 characters "
            "(--max-field-size), on lines 2 to 5002"
        )
        # Reading goes on after the value: the next row is row 2, on line 5003.
        assert lines[1].startswith(f"{path}: row 2 (line 5003): $.email:")
        assert counts(err) == (3, 1, 2)
        assert [json.loads(line)["row"] for line in out.splitlines()] == [3]

    def test_a_value_longer_than_the_csv_modules_default_is_read(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # csv's own limit is 131,072 characters; leadflow's default is 1 MiB.
        path = tmp_path / "note.csv"
        note = "n" * 200_000
        path.write_text(
            "name,email,created_at,note\n" + f'Ada,ada@example.com,{CREATED},"{note}"\n',
            encoding="utf-8",
        )
        before = csv.field_size_limit()
        status, _, err = run(capsys, "qualify", path)
        assert status == EXIT_OK
        assert counts(err) == (1, 1, 0)
        assert csv.field_size_limit() == before  # the csv module's limit is put back
        assert MAX_FIELD_SIZE == 1 << 20
        status, _, err = run(capsys, "qualify", path, "--max-field-size", "100000")
        assert status == EXIT_REJECTED
        assert counts(err) == (1, 0, 1)

    @pytest.mark.parametrize("given", ["0", "-5", "lots"])
    def test_a_max_field_size_that_is_not_a_positive_number_is_a_usage_error(
        self, capsys: pytest.CaptureFixture[str], given: str
    ) -> None:
        status, _, err = run(capsys, "qualify", CONTACTS_CSV, "--max-field-size", given)
        assert status == EXIT_USAGE
        assert "--max-field-size" in err


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


class TestDeepJson:
    def test_a_line_nested_too_deep_is_one_rejected_row(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "deep.jsonl"
        record = {"name": "Bob", "email": "bob@example.com", "created_at": CREATED}
        path.write_text(
            '{"name": ' + deep(100_000) + "}\n" + json.dumps(record) + "\n", encoding="utf-8"
        )
        status, out, err = run(capsys, "qualify", path)
        assert status == EXIT_REJECTED
        [rejected] = rejections(err)
        assert rejected.startswith(f"{path}: row 1 (line 1): $: not valid JSON: ")
        assert "recursion" in rejected
        assert counts(err) == (2, 1, 1)
        assert [json.loads(line)["row"] for line in out.splitlines()] == [2]

    def test_a_policy_nested_too_deep_is_invalid_without_a_traceback(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "deep.json"
        path.write_text('{"name": ' + deep(100_000) + "}", encoding="utf-8")
        status = main(["policy", "validate", str(path)])
        err = capsys.readouterr().err
        assert status == EXIT_REJECTED
        assert err.startswith(f"leadflow: policy {path}: not valid JSON: ")
        assert len(err.splitlines()) == 1

    def test_a_toml_policy_nested_too_deep_is_invalid_without_a_traceback(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "deep.toml"
        path.write_text(
            'name = "Deep"\n[criteria.' + ".".join(["a"] * 1500) + "]\nb = 1\n",
            encoding="utf-8",
        )
        status = main(["policy", "validate", str(path)])
        err = capsys.readouterr().err
        assert status == EXIT_REJECTED
        # Python 3.10's tomli refuses a key of 1,000 parts; later tomllib reads it, and
        # the value is then shown short, by its outer levels, whatever the version.
        assert err.startswith(f"leadflow: policy {path}")
        assert "not valid TOML" in err or "$.criteria: unknown field (got {'a': {'a'" in err
        assert "Traceback" not in err
        assert max(map(len, err.splitlines())) < 200

    def test_a_value_too_deep_to_repr_is_shown_by_its_outer_levels(self) -> None:
        value: list[Any] = []
        for _ in range(100_000):
            value = [value]
        assert _shown(value) == "[" * 7 + "..." + "]" * 7
