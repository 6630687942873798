"""``leadflow qualify --from CRM``: a CRM's own export, decided through its adapter.

The command is called in-process (:func:`leadflow.cli.main`), its output captured.
The exports under ``tests/golden/cli/`` hold two leads per CRM, Ada Lovelace and
Grace Hopper, with the same evidence in every format of one CRM.

Expected decisions are worked out by hand from the BANT scale (a level earns a share
of its criterion's weight, rounded half up; weights need 30, budget 30, timeframe 25,
authority 15; threshold 60; grade floors 80/60/40; hot from 75 when qualified, warm
from 45; a disqualified contact is cold) and expected write-back bodies from the
adapters' documented rules (only what changed; a rating only over none; nothing
closed unless ``--close-disqualified``), never read back from leadflow.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from leadflow.adapters import salesforce
from leadflow.cli import EXIT_OK, EXIT_REJECTED, EXIT_STRICT, EXIT_USAGE, main
from leadflow.errors import InvalidFieldError, InvalidRecordError

GOLDEN = Path(__file__).resolve().parent / "golden" / "cli"
AS_OF = "2026-11-30T09:00:00+00:00"

MAPPINGS = {
    "salesforce": GOLDEN / "salesforce_mapping.toml",
    "hubspot": GOLDEN / "hubspot_mapping.toml",
    "dynamics": GOLDEN / "dynamics_mapping.toml",
    "odoo": GOLDEN / "odoo_mapping.toml",
}
PAGES = {
    "salesforce": GOLDEN / "salesforce_leads.json",
    "hubspot": GOLDEN / "hubspot_contacts.json",
    "dynamics": GOLDEN / "dynamics_leads.json",
    "odoo": GOLDEN / "odoo_leads.json",
}
CSVS = {
    "salesforce": GOLDEN / "salesforce_leads.csv",
    "hubspot": GOLDEN / "hubspot_contacts.csv",
    "dynamics": GOLDEN / "dynamics_leads.csv",
    "odoo": GOLDEN / "odoo_leads.csv",
}
IDS: dict[str, tuple[Any, Any]] = {
    "salesforce": ("00Q5e00000AdaLAAA", "00Q5e00000GraLAAA"),
    "hubspot": ("512", "513"),
    "dynamics": ("7a1c4f3e-2b9d-ef11-8a6a-000d3a4b5c6d", "8b2d5a4f-3c0e-ef11-8a6a-000d3a4b5c6d"),
    "odoo": (41, 42),
}

# (verdict, score, grade, rating) of Ada and of Grace, per CRM.
DECISIONS = {
    # Ada: strong 30 + approved 30 + immediate 25 + decision maker 15 = 100.
    # Grace: no need 0 (against) + available 80% of 30 = 24 + this quarter 90% of 25 =
    # 22.5 -> 23 + influencer 55% of 15 = 8.25 -> 8 = 55: disqualified, grade C.
    "salesforce": (("qualified", 100, "A", "hot"), ("disqualified", 55, "C", "cold")),
    # Ada: strong 30 + budget_confirmed "true" = approved 30 + this quarter 23 +
    # decision maker 15 = 98. Grace: none 0 + "false" = no budget 0 + this year 50% of
    # 25 = 12.5 -> 13 + influencer 8 = 21: disqualified, grade D.
    "hubspot": (("qualified", 98, "A", "hot"), ("disqualified", 21, "D", "cold")),
    # Ada: need 0 Must have 30 + budgetstatus 3 Will Buy 30 + purchasetimeframe 0
    # Immediate 25; no role column, so no authority: 85. Grace: need 3 No need 0 +
    # 2 Can Buy 24 + 1 This Quarter 23 = 47: disqualified, grade C.
    "dynamics": (("qualified", 85, "A", "hot"), ("disqualified", 47, "C", "cold")),
    # Ada: strong 30 + approved 30 + immediate 25, no role field: 85. Grace: none 0 +
    # available 24 + this quarter 23 = 47.
    "odoo": (("qualified", 85, "A", "hot"), ("disqualified", 47, "C", "cold")),
}

# The write-back bodies of Ada and Grace, without and with --close-disqualified.
BODIES: dict[str, tuple[Any, Any, Any]] = {
    # Rating is null on both: the decision's rating is written (Hot, Cold). Grace's
    # "Closed - Not Converted" only with the opt-in.
    "salesforce": (
        {"Rating": "Hot"},
        {"Rating": "Cold"},
        {"Rating": "Cold", "Status": "Closed - Not Converted"},
    ),
    # Ada's lifecyclestage moves forward from lead to salesqualifiedlead; HubSpot has no
    # rating leadflow writes, and a disqualified verdict moves no stage: Grace gets
    # nothing, or hs_lead_status UNQUALIFIED with the opt-in.
    "hubspot": (
        {"properties": {"lifecyclestage": "salesqualifiedlead"}},
        {},
        {"properties": {"hs_lead_status": "UNQUALIFIED"}},
    ),
    # leadqualitycode is null on both: 1 Hot, 3 Cold. The opt-in closes Grace with
    # statecode 2 Disqualified, statuscode 4 Lost.
    "dynamics": (
        {"leadqualitycode": 1},
        {"leadqualitycode": 3},
        {"leadqualitycode": 3, "statecode": 2, "statuscode": 4},
    ),
    # priority '0' is Odoo's default, no person's: Ada gets '2' (hot). Grace's cold is
    # '0', what she has: nothing to write, unless the opt-in archives her with
    # probability 0.
    "odoo": (
        {"priority": "2"},
        {},
        {"active": False, "probability": 0.0},
    ),
}


def run(
    capsys: pytest.CaptureFixture[str], *args: str | Path
) -> tuple[int, list[dict[str, Any]], str]:
    """``leadflow ARGS`` in-process: its exit status, JSON Lines output and stderr."""
    status = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()], err


def qualify_args(crm: str, source: str | Path, *more: str | Path) -> list[str | Path]:
    return [
        "qualify",
        "--from",
        crm,
        source,
        "--crm-mapping",
        MAPPINGS[crm],
        "--as-of",
        AS_OF,
        *more,
    ]


def page_records(crm: str) -> list[Any]:
    document = json.loads(PAGES[crm].read_text(encoding="utf-8"))
    if isinstance(document, list):
        return document
    key = {"salesforce": "records", "hubspot": "results", "dynamics": "value"}[crm]
    records: list[Any] = document[key]
    return records


def write_jsonl(path: Path, records: Sequence[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def last_line(stderr: str) -> str:
    return stderr.splitlines()[-1]


def read_back(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


CRM_NAMES = tuple(MAPPINGS)


class TestEachCrmInEachFormat:
    @pytest.mark.parametrize("crm", CRM_NAMES)
    @pytest.mark.parametrize("form", ["page", "jsonl", "csv"])
    def test_both_leads_get_the_decision_their_evidence_earns(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: str, form: str
    ) -> None:
        source = {
            "page": lambda: PAGES[crm],
            "jsonl": lambda: write_jsonl(tmp_path / "export.jsonl", page_records(crm)),
            "csv": lambda: CSVS[crm],
        }[form]()

        status, rows, err = run(capsys, *qualify_args(crm, source))

        assert status == EXIT_OK
        assert [row["row"] for row in rows] == [1, 2]
        # The decision's id is the CRM record's id, as text.
        assert [row["id"] for row in rows] == [str(i) for i in IDS[crm]]
        got = [(r["verdict"], r["score"], r["grade"], r["rating"]) for r in rows]
        assert got == list(DECISIONS[crm])
        assert last_line(err) == (
            "2 rows: 2 decisions, 0 rejected; 1 qualified, 0 nurture, 0 undetermined, "
            "1 disqualified"
        )

    @pytest.mark.parametrize("crm", CRM_NAMES)
    def test_the_decision_row_has_the_columns_qualify_writes(
        self, capsys: pytest.CaptureFixture[str], crm: str
    ) -> None:
        _, rows, _ = run(capsys, *qualify_args(crm, PAGES[crm]))
        _, plain, _ = run(
            capsys,
            "qualify",
            GOLDEN.parent.parent.parent / "examples" / "contacts.jsonl",
            "--as-of",
            AS_OF,
        )

        assert list(rows[0]) == list(plain[0])
        assert {row["policy"] for row in rows} == {"BANT"}
        assert {row["as_of"] for row in rows} == {AS_OF}

    def test_a_page_is_read_from_standard_input(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(PAGES["dynamics"].read_text("utf-8")))

        status, rows, _ = run(capsys, *qualify_args("dynamics", "-"))

        assert status == EXIT_OK
        assert [row["verdict"] for row in rows] == ["qualified", "disqualified"]

    def test_a_json_lines_line_may_hold_a_whole_page(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        page = json.loads(PAGES["salesforce"].read_text("utf-8"))
        source = write_jsonl(tmp_path / "pages.jsonl", [page, page])

        status, rows, _ = run(capsys, *qualify_args("salesforce", source))

        assert status == EXIT_OK
        assert [row["row"] for row in rows] == [1, 2, 3, 4]
        assert [row["score"] for row in rows] == [100, 55, 100, 55]

    def test_a_preset_decides_a_crm_export_as_it_decides_records(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, rows, _ = run(capsys, *qualify_args("odoo", PAGES["odoo"], "--preset", "anum"))

        assert status == EXIT_OK
        assert {row["policy"] for row in rows} == {"ANUM"}


class TestCsvCells:
    def test_dynamics_option_codes_and_money_as_text_become_numbers(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # Ada's row without its leadid: a lead to create, whose body holds every column.
        lines = CSVS["dynamics"].read_text("utf-8").splitlines()
        lines[1] = lines[1].removeprefix("7a1c4f3e-2b9d-ef11-8a6a-000d3a4b5c6d")
        source = tmp_path / "new.csv"
        source.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
        back = tmp_path / "back.jsonl"

        status, rows, _ = run(capsys, *qualify_args("dynamics", source, "--write-back", back))

        assert status == EXIT_OK
        assert rows[0]["id"] is None
        (line,) = read_back(back)
        assert line["id"] is None
        body = line["body"]
        # Option codes are ints, Money a JSON number, as the Web API sends them.
        for column, code in {"need": 0, "budgetstatus": 3, "purchasetimeframe": 0}.items():
            assert type(body[column]) is int
            assert body[column] == code
        assert body["budgetamount"] == 60000.5
        assert body["leadsourcecode"] == 8
        assert body["decisionmaker"] is True
        # A blank cell is the Web API's null.
        assert body["estimatedclosedate"] is None
        # A new lead: rated hot (1), created open (its open statuscode 1 kept), no statecode.
        assert body["leadqualitycode"] == 1
        assert body["statuscode"] == 1
        assert "statecode" not in body
        assert body["subject"] == "Interested in the Engine"

    def test_a_cell_that_is_not_its_fields_kind_rejects_its_row_alone(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        text = CSVS["dynamics"].read_text("utf-8")
        # Grace's need as the option's label instead of its code.
        text = text.replace(",7,3,2,,1,", ",7,No need,2,,1,")
        source = tmp_path / "labels.csv"
        source.write_text(text, encoding="utf-8")

        status, rows, err = run(capsys, *qualify_args("dynamics", source))

        assert status == EXIT_REJECTED
        assert [row["id"] for row in rows] == [IDS["dynamics"][0]]
        assert f"{source}: row 2 (line 3): $.need: not a whole number (got 'No need')" in err
        assert last_line(err).startswith("2 rows: 1 decision, 1 rejected")

    def test_a_salesforce_head_count_is_a_number_and_a_bad_one_is_named(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        text = (
            CSVS["salesforce"].read_text("utf-8").replace(",Technology,250,", ",Technology,lots,")
        )
        source = tmp_path / "leads.csv"
        source.write_text(text, encoding="utf-8")

        status, _, err = run(capsys, *qualify_args("salesforce", source))

        assert status == EXIT_REJECTED
        assert "row 1 (line 2): $.NumberOfEmployees: not a whole number (got 'lots')" in err

    def test_an_odoo_id_is_an_integer_and_blank_cells_are_false(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # Grace's row without its id: a lead to create, whose body holds every field.
        lines = CSVS["odoo"].read_text("utf-8").splitlines()
        source = tmp_path / "leads.csv"
        source.write_text("\n".join([*lines[:2], lines[2].removeprefix("42")]) + "\n", "utf-8")
        back = tmp_path / "back.jsonl"

        run(capsys, *qualify_args("odoo", source, "--write-back", back))

        ada, grace = read_back(back)
        assert (ada["id"], grace["id"]) == (41, None)
        # Blank cells are Odoo's false; "true" is a boolean, "5.0" a number.
        assert grace["body"]["phone"] is False
        assert grace["body"]["function"] is False
        assert grace["body"]["active"] is True
        assert grace["body"]["probability"] == 5.0
        assert grace["body"]["name"] == "Compiler licences"

    def test_a_json_line_that_is_not_utf8_is_rejected_alone(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        good, bad = (json.dumps(r).encode("utf-8") for r in page_records("odoo"))
        source = tmp_path / "leads.jsonl"
        source.write_bytes(good + b"\n" + bad.replace(b"Grace", b"Gr\xe2ce") + b"\n")

        status, rows, err = run(capsys, *qualify_args("odoo", source))

        assert status == EXIT_REJECTED
        assert [row["id"] for row in rows] == ["41"]
        assert f"{source}: row 2 (line 2): $: not UTF-8 text" in err

    def test_a_hubspot_row_takes_its_id_from_hs_object_id(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        back = tmp_path / "back.jsonl"

        run(capsys, *qualify_args("hubspot", CSVS["hubspot"], "--write-back", back))

        assert [line["id"] for line in read_back(back)] == ["512", "513"]


class TestRejectedRecords:
    def test_a_bad_record_is_rejected_with_its_path_and_the_others_decided(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        records = page_records("salesforce")
        bad = {**records[0], "Id": "00Q5e00000BadLAAA", "Email": "not-an-email", "Phone": None}
        source = write_jsonl(tmp_path / "leads.jsonl", [records[0], bad, records[1]])

        status, rows, err = run(capsys, *qualify_args("salesforce", source))

        assert status == EXIT_REJECTED
        assert [row["row"] for row in rows] == [1, 3]
        assert f"{source}: row 2 (line 2): $.Email: " in err
        assert "(got 'not-an-email')" in err
        assert last_line(err) == (
            "3 rows: 2 decisions, 1 rejected; 1 qualified, 0 nurture, 0 undetermined, "
            "1 disqualified"
        )

    def test_a_record_of_a_pretty_printed_page_is_named_by_its_row(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        document = json.loads(PAGES["hubspot"].read_text("utf-8"))
        del document["results"][1]["properties"]["createdate"]
        source = tmp_path / "page.json"
        source.write_text(json.dumps(document, indent=2), encoding="utf-8")

        status, rows, err = run(capsys, *qualify_args("hubspot", source))

        assert status == EXIT_REJECTED
        assert [row["id"] for row in rows] == ["512"]
        assert f"{source}: row 2: $.properties.createdate: " in err

    def test_strict_stops_at_the_first_rejected_record(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        records = page_records("odoo")
        source = write_jsonl(tmp_path / "leads.jsonl", [{**records[0], "id": "41"}, records[1]])

        status, rows, err = run(capsys, *qualify_args("odoo", source, "--strict"))

        assert status == EXIT_STRICT
        assert rows == []
        assert "row 1 (line 1): $.id: " in err

    def test_a_write_the_adapter_refuses_is_a_rejected_row(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> None:
        real = salesforce.write_lead

        def refuse_grace(crm_lead: Any, decision: Any = None, *, mapping: Any) -> Any:
            if crm_lead.id == IDS["salesforce"][1]:
                reason = "a converted lead takes no update"
                raise InvalidRecordError([InvalidFieldError("IsConverted", True, reason)])
            return real(crm_lead, decision, mapping=mapping)

        monkeypatch.setattr(salesforce, "write_lead", refuse_grace)
        back = tmp_path / "back.jsonl"

        status, rows, err = run(
            capsys, *qualify_args("salesforce", PAGES["salesforce"], "--write-back", back)
        )

        assert status == EXIT_REJECTED
        assert [row["row"] for row in rows] == [1]
        assert [line["row"] for line in read_back(back)] == [1]
        assert "row 2: $.IsConverted: a converted lead takes no update (got True)" in err


class TestRepairs:
    def test_each_repair_is_a_warning_naming_the_row_and_field(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, rows, err = run(capsys, *qualify_args("odoo", PAGES["odoo"]))

        assert status == EXIT_OK
        assert len(rows) == 2
        (warning,) = [line for line in err.splitlines() if "warning" in line]
        assert warning.startswith(f"leadflow: warning: {PAGES['odoo']}: row 2: email_from: ")
        assert "grace@compiler-works.example" in warning
        assert "g.hopper@compiler-works.example" in warning

    def test_an_option_code_the_table_does_not_list_is_warned_and_read_as_unknown(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        ada = {**page_records("dynamics")[0], "need": 100000000}
        source = write_jsonl(tmp_path / "leads.jsonl", [ada])
        back = tmp_path / "back.jsonl"

        status, rows, err = run(capsys, *qualify_args("dynamics", source, "--write-back", back))

        assert status == EXIT_OK
        assert f"leadflow: warning: {source}: row 1: need: " in err
        # Need unknown: approved 30 + immediate 25 = 55, a required criterion unknown:
        # undetermined, grade C, warm from 45; a warm rating is written (leadqualitycode 2).
        assert (rows[0]["verdict"], rows[0]["score"], rows[0]["rating"]) == (
            "undetermined",
            55,
            "warm",
        )
        assert read_back(back)[0]["body"] == {"leadqualitycode": 2}


class TestWriteBack:
    @pytest.mark.parametrize("crm", CRM_NAMES)
    def test_each_record_gets_its_minimal_update_and_nothing_is_closed(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: str
    ) -> None:
        back = tmp_path / "back.jsonl"

        status, _, _ = run(capsys, *qualify_args(crm, PAGES[crm], "--write-back", back))

        assert status == EXIT_OK
        ada, grace, _ = BODIES[crm]
        assert read_back(back) == [
            {"row": 1, "id": IDS[crm][0], "body": ada},
            {"row": 2, "id": IDS[crm][1], "body": grace},
        ]

    @pytest.mark.parametrize("crm", CRM_NAMES)
    def test_close_disqualified_closes_the_disqualified_record(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, crm: str
    ) -> None:
        back = tmp_path / "back.jsonl"

        run(capsys, *qualify_args(crm, PAGES[crm], "--write-back", back, "--close-disqualified"))

        ada, _, closed = BODIES[crm]
        assert [line["body"] for line in read_back(back)] == [ada, closed]

    def test_the_mapping_file_can_opt_in_to_closing(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        mapping = tmp_path / "mapping.toml"
        mapping.write_text(
            MAPPINGS["dynamics"]
            .read_text("utf-8")
            .replace('currency = "EUR"', 'currency = "EUR"\nclose_disqualified = true'),
            encoding="utf-8",
        )
        back = tmp_path / "back.jsonl"

        run(
            capsys,
            *qualify_args(
                "dynamics", PAGES["dynamics"], "--write-back", back, "--crm-mapping", mapping
            ),
        )

        assert read_back(back)[1]["body"] == BODIES["dynamics"][2]

    def test_a_record_that_already_has_the_decisions_rating_gets_an_empty_update(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        ada = {**page_records("dynamics")[0], "leadqualitycode": 1}  # already Hot
        source = write_jsonl(tmp_path / "leads.jsonl", [ada])
        back = tmp_path / "back.jsonl"

        for mode in ("if_unset", "always"):
            run(
                capsys,
                *qualify_args("dynamics", source, "--write-back", back, "--write-ratings", mode),
            )
            assert read_back(back) == [{"row": 1, "id": IDS["dynamics"][0], "body": {}}]

    def test_write_ratings_always_replaces_a_rating_a_person_set(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        ada = {**page_records("salesforce")[0], "Rating": "Cold"}
        source = write_jsonl(tmp_path / "leads.jsonl", [ada])
        back = tmp_path / "back.jsonl"

        run(capsys, *qualify_args("salesforce", source, "--write-back", back))
        assert read_back(back)[0]["body"] == {}
        run(
            capsys,
            *qualify_args("salesforce", source, "--write-back", back, "--write-ratings", "always"),
        )
        assert read_back(back)[0]["body"] == {"Rating": "Hot"}

    def test_a_dynamics_custom_role_table_takes_option_codes(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # The mapping file's keys are text ("1"); Dynamics sends the code 1.
        ada = {**page_records("dynamics")[0], "new_buyingrole": 1}
        source = write_jsonl(tmp_path / "leads.jsonl", [ada])

        _, rows, _ = run(capsys, *qualify_args("dynamics", source))

        # 85 + decision maker 15 (purchaseprocess 0: deciding alone) = 100.
        assert rows[0]["score"] == 100

    def test_write_back_to_standard_output_goes_beside_decisions_in_a_file(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        decisions = tmp_path / "decisions.csv"

        status, lines, _ = run(
            capsys,
            *qualify_args(
                "odoo",
                PAGES["odoo"],
                "--write-back",
                "-",
                "-o",
                decisions,
                "--output-format",
                "csv",
            ),
        )

        assert status == EXIT_OK
        assert [line["body"] for line in lines] == [BODIES["odoo"][0], BODIES["odoo"][1]]
        with decisions.open(encoding="utf-8", newline="") as stream:
            assert [row["id"] for row in csv.DictReader(stream)] == ["41", "42"]


class TestUsageErrors:
    def test_an_unknown_crm_is_refused(self, capsys: pytest.CaptureFixture[str]) -> None:
        status = main(["qualify", "--from", "zoho", str(PAGES["odoo"])])

        assert status == EXIT_USAGE
        assert "invalid choice: 'zoho'" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("crm", "text", "named"),
        [
            ("salesforce", 'colour = "red"\n', ["colour", "not a key of a salesforce mapping"]),
            # currencies is a Dynamics setting, not a Salesforce one.
            ("salesforce", '[currencies]\nabc = "EUR"\n', ["currencies"]),
            ("odoo", 'write_ratings = "sometimes"\n', ["write_ratings", "'sometimes'"]),
            ("hubspot", 'currency = "EURO"\n', ["currency", "'EURO'"]),
            ("odoo", 'close_disqualified = "yes"\n', ["close_disqualified", "'yes'"]),
            ("dynamics", 'read_only = "statecode"\n', ["read_only", "'statecode'"]),
            ("salesforce", '[custom]\nneeds = "Need__c"\n', ["custom.needs", "unknown key"]),
            (
                "salesforce",
                '[custom]\nneed = "Need__c"\n[custom.need_values]\nHigh = "very"\n',
                ["custom.need_values['High']", "'very'", "strong"],
            ),
        ],
    )
    def test_a_bad_mapping_is_a_usage_error_naming_the_key_and_value(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        crm: str,
        text: str,
        named: list[str],
    ) -> None:
        mapping = tmp_path / "mapping.toml"
        mapping.write_text(text, encoding="utf-8")

        status = main(["qualify", "--from", crm, str(PAGES[crm]), "--crm-mapping", str(mapping)])

        err = capsys.readouterr().err
        assert status == EXIT_USAGE
        for part in named:
            assert part in err

    def test_a_bad_currency_flag_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        status = main(["qualify", "--from", "odoo", str(PAGES["odoo"]), "--currency", "E1R"])

        err = capsys.readouterr().err
        assert status == EXIT_USAGE
        assert "--currency: " in err
        assert "'E1R'" in err

    @pytest.mark.parametrize(
        "flag",
        [
            ["--write-back", "out.jsonl"],
            ["--crm-mapping", "m.toml"],
            ["--close-disqualified"],
            ["--currency", "EUR"],
        ],
    )
    def test_crm_options_need_from(
        self, capsys: pytest.CaptureFixture[str], flag: list[str]
    ) -> None:
        source = GOLDEN.parent.parent.parent / "examples" / "contacts.csv"

        status = main(["qualify", str(source), "--as-of", AS_OF, *flag])

        out, err = capsys.readouterr()
        assert status == EXIT_USAGE
        assert out == ""
        assert f"{flag[0]} needs --from CRM" in err

    def test_write_back_over_the_input_is_refused(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        source = write_jsonl(tmp_path / "leads.jsonl", page_records("odoo"))

        status = main(["qualify", "--from", "odoo", str(source), "--write-back", str(source)])

        assert status == EXIT_USAGE
        assert "is the input file" in capsys.readouterr().err
        assert len(source.read_text("utf-8").splitlines()) == 2

    def test_write_back_and_decisions_cannot_share_standard_output(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status = main(["qualify", "--from", "odoo", str(PAGES["odoo"]), "--write-back", "-"])

        assert status == EXIT_USAGE
        assert "stdout" in capsys.readouterr().err

    def test_promote_does_not_take_from(self, capsys: pytest.CaptureFixture[str]) -> None:
        status = main(["promote", "--from", "odoo", str(PAGES["odoo"])])

        assert status == EXIT_USAGE
        assert "--from" in capsys.readouterr().err
