"""``leadflow qualify --engine columns`` and ``--jobs``: the same bytes as ``--engine rows``.

The rows engine decides each row by itself, with :func:`leadflow.records.parse_record`
and :func:`leadflow.qualify`; the columnar engine decides blocks of rows with
:func:`leadflow.columnar.qualify_table`. On generated messy files (blank cells,
spreadsheet spellings, quoted values over several lines, stray quotes, a byte-order
mark, CRLF line ends, blank lines, rows of the wrong width, bytes that are not
UTF-8, JSON values of every kind) both must write the same standard output and
standard error and exit with the same status, in every output format. The rows
engine is the independent path: nothing here is read back from the columnar one.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

from leadflow.cli import _columnar, main

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(ROOT))

from benchmarks import data  # noqa: E402  # the benchmark's generated records

AS_OF = "2026-11-30T09:00:00+00:00"

#: Header names as people write them, each for one field (or for none).
_HEADERS = {
    "id": ("id", "ID", "Id"),
    "name": ("name", "Name", " Name "),
    "email": ("email", "Email", "E-mail"),
    "phone": ("phone", "Phone"),
    "organisation": ("organisation", "Organisation"),
    "role": ("role", "Role"),
    "created_at": ("created_at", "Created At"),
    "need": ("need", "Need"),
    "need_observed_at": ("need_observed_at", "Need Observed At"),
    "budget": ("budget", "Budget"),
    "budget_amount": ("budget_amount", "Budget Amount"),
    "budget_currency": ("budget_currency",),
    "timeframe": ("timeframe", "Timeframe"),
    "decision_date": ("decision_date",),
    "purchase_process": ("purchase_process",),
    "employees": ("employees",),
    "favourite_colour": ("favourite_colour",),
}

_VALUES = {
    "id": ("c-1", "c-2", "", " c-3 ", "007"),
    "name": ("Ada Lovelace", "Grace Hopper", "", "N/A", "Zoë Ünïcode", "Hopper, Grace"),
    "email": ("ada@example.com", "grace@navy.example", "", "not an address", " a@b.example "),
    "phone": ("", "+44 20 7946 0958", "020 7946 0958 ext. 12", "12"),
    "organisation": ("Analytical Engines", "", 'Bletchley "Park"'),
    "role": ("decision_maker", "user", "", "Decision Maker", "wizard", "none"),
    "created_at": (
        "2026-10-01T09:00:00+00:00",
        "2026-10-01 09:00Z",
        "2026-10-01T09:00:00",
        "2027-01-01T00:00:00+00:00",
        "",
        "yesterday",
        "2026-02-30T09:00:00+00:00",
    ),
    "need": ("strong", "expressed", "latent", "none", "", "Strong", "huge"),
    "need_observed_at": ("", "2026-11-01T09:00:00+02:00", "2025-01-01T09:00:00+00:00", "soon"),
    "budget": ("approved", "available", "insufficient", "", "None", "lots"),
    "budget_amount": ("", "25000", "25000.50", "-3", "1e5"),
    "budget_currency": ("", "EUR", "usd", "EURO"),
    "timeframe": ("immediate", "this_quarter", "later", "", "This Quarter", "someday"),
    "decision_date": ("", "2026-12-24", "2027-06-01", "2026-13-01"),
    "purchase_process": ("", "individual", "committee", "mob"),
    "employees": ("", "12", "twelve", "1000000000000"),
    "favourite_colour": ("blue", ""),
}

_QUOTED_TRICKS = (
    '"multi\nline note"',
    '"with ""quotes"" inside"',
    '"a, b"',
    '"stray',
    'mid"dle',
    '"closed"then',
)


def _cell(rng: random.Random, field: str) -> str:
    value = rng.choice(_VALUES[field])
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _messy_csv(rng: random.Random, rows: int) -> bytes:
    fields = [f for f in _HEADERS if f in ("name", "created_at") or rng.random() < 0.7]
    rng.shuffle(fields)
    header = [rng.choice(_HEADERS[f]) for f in fields]
    if rng.random() < 0.2:
        header.append("")  # an unnamed column: a trailing comma on every line
        fields.append("")
    end = "\r\n" if rng.random() < 0.3 else "\n"
    lines = [",".join(header)]
    # Most files are plain: the tricks come in runs, so that some blocks are clean.
    tricky = rng.random() < 0.7
    for _ in range(rows):
        cells = [_cell(rng, f) if f else "" for f in fields]
        roll = rng.random()
        if tricky and roll < 0.08:
            cells[rng.randrange(len(cells))] = rng.choice(_QUOTED_TRICKS)
        elif tricky and roll < 0.1:
            cells = cells[:-1]  # a row of the wrong width
        elif tricky and roll < 0.12:
            lines.append("")  # a blank line is no row
        elif tricky and roll < 0.13:
            cells[0] = "\x00" + cells[0]
        lines.append(",".join(cells))
    text = end.join(lines) + (end if rng.random() < 0.8 else "")
    data = text.encode("utf-8")
    if rng.random() < 0.3:
        data = b"\xef\xbb\xbf" + data  # Excel's byte-order mark
    if tricky and rng.random() < 0.3:
        at = data.rfind(b"\n", 0, len(data) // 2) + 1
        data = data[:at] + b"caf\xe9 " + data[at:]  # a byte that is not UTF-8
    return data


def _json_value(rng: random.Random, field: str) -> object:
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.15 and field == "employees":
        return rng.choice((12, 0, 10**13, 12.5, True))
    if roll < 0.18:
        return rng.choice(([], {}, 3, 2.5))
    return rng.choice(_VALUES[field])


def _messy_jsonl(rng: random.Random, rows: int) -> bytes:
    lines = []
    for _ in range(rows):
        record: dict[str, object] = {}
        for field, names in _HEADERS.items():
            if field in ("name", "created_at") or rng.random() < 0.6:
                record[rng.choice(names) if rng.random() < 0.2 else field] = _json_value(rng, field)
        roll = rng.random()
        if roll < 0.03:
            lines.append("{not json")
        elif roll < 0.05:
            lines.append("[1, 2]")
        elif roll < 0.07:
            lines.append("   ")
        else:
            lines.append(json.dumps(record, ensure_ascii=rng.random() < 0.5))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["qualify", *args, "--as-of", AS_OF])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few rows, so that a small file has clean and messy blocks in turn."""
    monkeypatch.setattr(_columnar, "BLOCK_ROWS", 7)


class TestSameBytesAsTheRowsEngine:
    @pytest.mark.usefixtures("small_blocks")
    @pytest.mark.parametrize("seed", range(40))
    def test_messy_csv_reads_and_decides_alike(self, tmp_path: Path, seed: int) -> None:
        rng = random.Random(seed)
        path = tmp_path / "records.csv"
        path.write_bytes(_messy_csv(rng, rng.randrange(0, 60)))
        for output in ("jsonl", "csv", "table"):
            expected = _run(str(path), "--engine", "rows", "--output-format", output)
            got = _run(str(path), "--engine", "columns", "--output-format", output)
            assert got == expected, output

    @pytest.mark.usefixtures("small_blocks")
    @pytest.mark.parametrize("seed", range(40))
    def test_messy_json_lines_read_and_decide_alike(self, tmp_path: Path, seed: int) -> None:
        rng = random.Random(seed)
        path = tmp_path / "records.jsonl"
        path.write_bytes(_messy_jsonl(rng, rng.randrange(1, 60)))
        for output in ("jsonl", "csv"):
            expected = _run(str(path), "--engine", "rows", "--output-format", output)
            got = _run(str(path), "--engine", "columns", "--output-format", output)
            assert got == expected, output

    @pytest.mark.usefixtures("small_blocks")
    @pytest.mark.parametrize("seed", range(6))
    def test_strict_stops_at_the_same_row(self, tmp_path: Path, seed: int) -> None:
        rng = random.Random(1000 + seed)
        path = tmp_path / "records.csv"
        path.write_bytes(_messy_csv(rng, 40))
        expected = _run(str(path), "--engine", "rows", "--strict")
        assert _run(str(path), "--engine", "columns", "--strict") == expected

    def test_a_clean_file_is_decided_in_blocks_alike(self, tmp_path: Path) -> None:
        rng = random.Random(7)
        lines = ["id,name,email,created_at,need,budget,timeframe,role"]
        for i in range(3000):
            lines.append(
                ",".join(
                    (
                        f"c-{i}",
                        "Ada Lovelace",
                        rng.choice(("ada@example.com", "", "nope")),
                        rng.choice(("2026-10-01T09:00:00+00:00", "2026-12-01T09:00:00+00:00")),
                        rng.choice(_VALUES["need"]),
                        rng.choice(_VALUES["budget"]),
                        rng.choice(_VALUES["timeframe"]),
                        rng.choice(("decision_maker", "user", "")),
                    )
                )
            )
        path = tmp_path / "records.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        expected = _run(str(path), "--engine", "rows")
        assert expected[0] == 1  # some rows are refused: their reasons must match
        assert _run(str(path), "--engine", "columns") == expected


    @pytest.mark.parametrize("output", ["jsonl", "csv"])
    def test_blocks_decided_throughout_are_written_alike(
        self, tmp_path: Path, output: str
    ) -> None:
        path = tmp_path / "records.csv"
        data.write_csv(path, 9000)  # every row decided: whole blocks, written at once
        expected = _run(str(path), "--engine", "rows", "--output-format", output)
        assert expected[0] == 0
        assert _run(str(path), "--engine", "columns", "--output-format", output) == expected
        assert _run(str(path), "--jobs", "2", "--output-format", output) == expected


    @pytest.mark.usefixtures("small_blocks")
    @pytest.mark.parametrize("output", ["jsonl", "csv"])
    def test_blocks_read_row_by_row_and_decided_throughout_are_written_alike(
        self, tmp_path: Path, output: str
    ) -> None:
        path = tmp_path / "records.csv"
        data.write_csv(path, 60)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        # A quoted value (read row by row) every few lines; a JSON Lines file of the same.
        quoted = list(lines)
        for number in range(4, len(lines), 9):
            identifier, name, rest = lines[number].split(",", 2)
            quoted[number] = f'{identifier},"{name}",{rest}'
        assert quoted != lines
        (tmp_path / "quoted.csv").write_text("".join(quoted), encoding="utf-8")
        header = lines[0].strip().split(",")
        rows = [
            dict(zip(header, line.rstrip("\r\n").split(","), strict=True)) for line in lines[1:]
        ]
        jsonl = "".join(json.dumps({k: v for k, v in row.items() if v}) + "\n" for row in rows)
        (tmp_path / "records.jsonl").write_text(jsonl, encoding="utf-8")
        for name in ("quoted.csv", "records.jsonl"):
            source = str(tmp_path / name)
            expected = _run(source, "--engine", "rows", "--output-format", output)
            assert expected[0] == 0, name
            assert _run(source, "--engine", "columns", "--output-format", output) == expected
            assert _run(source, "--jobs", "2", "--output-format", output) == expected


class TestJobs:
    @pytest.mark.usefixtures("small_blocks")
    @pytest.mark.parametrize("seed", range(3))
    def test_two_processes_write_what_one_row_at_a_time_writes(
        self, tmp_path: Path, seed: int
    ) -> None:
        rng = random.Random(2000 + seed)
        csv_path = tmp_path / "records.csv"
        csv_path.write_bytes(_messy_csv(rng, 80))
        json_path = tmp_path / "records.jsonl"
        json_path.write_bytes(_messy_jsonl(rng, 80))
        for path in (csv_path, json_path):
            expected = _run(str(path), "--engine", "rows", "--output-format", "csv")
            got = _run(str(path), "--jobs", "2", "--output-format", "csv")
            assert got == expected

    def test_jobs_with_the_rows_engine_is_a_usage_error(self, tmp_path: Path) -> None:
        path = tmp_path / "records.csv"
        path.write_text("name,created_at\nAda,2026-10-01T09:00:00+00:00\n", encoding="utf-8")
        status, out, err = _run(str(path), "--engine", "rows", "--jobs", "2")
        assert (status, out) == (2, "")
        assert "--jobs needs the columnar engine" in err
