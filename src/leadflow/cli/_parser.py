"""The argparse tree of the ``leadflow`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, NoReturn

from leadflow._grammar import read_datetime
from leadflow.adapters import WriteRatings
from leadflow.cli._commands import (
    _cmd_explain,
    _cmd_funnel,
    _cmd_policy_show,
    _cmd_policy_validate,
    _cmd_promote,
    _cmd_qualify,
    _cmd_schema,
)
from leadflow.cli._config import parse_timezone
from leadflow.cli._crm import CRMS
from leadflow.cli._docs import SEE_DOCS as _SEE_DOCS
from leadflow.cli._docs import _cmd_docs
from leadflow.cli._learn import add_learn
from leadflow.cli._policies import _preset_name
from leadflow.cli._report import (
    _PROG,
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_REJECTED,
    EXIT_STRICT,
    EXIT_USAGE,
)
from leadflow.cli._sources import (
    _FORMATS,
    MAX_FIELD_SIZE,
)
from leadflow.cli._writers import OUTPUT_FORMATS
from leadflow.errors import (
    InvalidFieldError,
    NaiveDatetimeError,
)
from leadflow.presets import DEFAULT_POLICY, PRESETS

_EXIT_CODES: Final = f"""\
exit status:
  {EXIT_OK}  every row was decided (policy valid, schema printed, ...)
  {EXIT_REJECTED}  some rows were rejected (each is reported on stderr with its row
     number); for `explain`, the record was rejected; for `policy validate`,
     the policy is invalid
  {EXIT_USAGE}  usage error: bad arguments, unreadable input, bad --policy
  {EXIT_STRICT}  --strict stopped the run at the first rejected row
  {EXIT_OUTPUT}  the output could not be written (a full disk): decisions are missing
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); the count line says how far the run got
  {EXIT_BROKEN_PIPE}  the reader of stdout went away (| head): stopped quietly
"""


_REJECTIONS: Final = """
rejected rows are reported on stderr as FILE: row N (line L): PATH: REASON,
one line per reason. Rows are data rows counted from 1 (a CSV header is not
a row, blank lines are skipped); lines count every line, the header too.
"""


def _parse_as_of(text: str) -> datetime:
    """``--as-of``: a datetime with a UTC offset, read as every datetime is."""
    try:
        return read_datetime("as_of", text)
    except NaiveDatetimeError:
        raise argparse.ArgumentTypeError(
            f"needs a UTC offset: {text!r} (e.g. 2026-11-30T09:00:00+00:00 or ...Z)"
        ) from None
    except InvalidFieldError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 datetime: {text!r} (e.g. 2026-11-30T09:00:00+00:00)"
        ) from None


# ----------------------------------------------------------------------------------------
# The parser
# ----------------------------------------------------------------------------------------


class _ArgumentParser(argparse.ArgumentParser):
    """A parser whose usage errors end with where the documentation is (its subparsers too)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n{_SEE_DOCS}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog=_PROG,
        description=(
            "Qualify contacts as sales leads, decide which leads can be promoted to\n"
            "opportunities, explain a decision, summarise a funnel and learn a policy\n"
            "from outcomes. Files are streamed row by row: decisions go to stdout,\n"
            "rejected rows and the final count line (N rows: X decisions, Y rejected;\n"
            "for qualify, then the decisions by verdict) to stderr. A --policy that\n"
            "declares fit and engagement signals reads each from the column of the\n"
            "signal's name."
        ),
        epilog=_EXIT_CODES + _REJECTIONS + "\n" + _SEE_DOCS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from leadflow import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    records = _ArgumentParser(add_help=False)
    records.add_argument(
        "input",
        metavar="INPUT",
        help="a CSV or JSON Lines file of records, or - for standard input",
    )
    records.add_argument(
        "--format",
        choices=_FORMATS,
        help="input format (default: from the file name: .csv, or .jsonl/.ndjson/.json; "
        "otherwise JSON Lines when the first line starts with '{', else CSV)",
    )
    records.add_argument(
        "--max-field-size",
        type=_field_size,
        metavar="CHARS",
        default=MAX_FIELD_SIZE,
        help="the longest CSV value read, in characters; a longer one (a stray quote?) "
        f"rejects its row (default: {MAX_FIELD_SIZE:,}, 1 MiB)",
    )
    decided = _ArgumentParser(add_help=False)
    rules = decided.add_mutually_exclusive_group()
    rules.add_argument(
        "--policy", metavar="FILE", help="a policy file (.toml or .json); see `policy show`"
    )
    rules.add_argument(
        "--preset",
        type=_preset_name,
        metavar="NAME",
        help=f"a ready-made policy: {', '.join(PRESETS)} (default: {DEFAULT_POLICY.name})",
    )
    decided.add_argument(
        "--as-of",
        type=_parse_as_of,
        metavar="DATETIME",
        help="decide as of this ISO 8601 datetime with a UTC offset "
        "(default: the --config file's as_of, else now, read once when the command starts)",
    )
    decided.add_argument(
        "--timezone",
        type=parse_timezone,
        metavar="ZONE",
        help="read timestamps without a UTC offset in the input as wall-clock times in "
        "this IANA time zone (Europe/Berlin); without it they are refused. Not for "
        "--from CRM: a CRM's export carries its offsets",
    )
    decided.add_argument(
        "--config",
        metavar="FILE",
        help="a TOML file of settings: as_of, timezone, and policy (a path relative to "
        "the file) or preset; a flag given here wins over the file's key",
    )
    batch = _ArgumentParser(add_help=False)
    batch.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        help="output format (default: table when stdout is a terminal and there is no "
        "--output, else jsonl)",
    )
    batch.add_argument(
        "-o", "--output", metavar="FILE", help="write decisions to FILE (default: stdout)"
    )
    batch.add_argument(
        "--strict",
        action="store_true",
        help=f"stop at the first rejected row (exit status {EXIT_STRICT})",
    )

    def add(name: str, help_: str, parents: list[_ArgumentParser]) -> Any:
        return commands.add_parser(
            name,
            help=help_,
            description=help_[0].upper() + help_[1:] + ".",
            parents=parents,
            epilog=_EXIT_CODES + _REJECTIONS + "\n" + _SEE_DOCS,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    qualify_ = add("qualify", "qualify each record as a lead, or not", [records, decided, batch])
    qualify_.add_argument(
        "--engine",
        choices=("auto", "rows", "columns"),
        default=None,
        help="how rows are decided: one at a time (rows), or a block at a time with "
        "leadflow.columnar (columns, needs pyarrow; auto: columns when pyarrow is "
        "installed); the output is the same (default: rows, columns with --jobs)",
    )
    qualify_.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        default=1,
        help="decide blocks of rows in N processes, written in input order "
        "(columnar engine; default: 1)",
    )
    _add_crm_options(qualify_)
    qualify_.set_defaults(handler=_cmd_qualify)

    promote = add(
        "promote",
        "decide for each record whether it can be promoted to an opportunity",
        [records, decided, batch],
    )
    promote.set_defaults(handler=_cmd_promote)
    promote.epilog = _NO_CRM.format("promote") + promote.epilog

    explain = add("explain", "explain the decision on one record, in words", [records, decided])
    which = explain.add_mutually_exclusive_group()
    which.add_argument("--id", help="the record with this id")
    which.add_argument("--row", type=_positive, metavar="N", help="the N-th data row (from 1)")
    explain.add_argument(
        "--promotion",
        action="store_true",
        help="also explain whether the lead can be promoted to an opportunity",
    )
    explain.set_defaults(handler=_cmd_explain)
    explain.epilog = _NO_CRM.format("explain") + explain.epilog

    funnel = add("funnel", "summarise a JSON Lines file of funnel values", [])
    funnel.add_argument(
        "input",
        metavar="INPUT",
        help="JSON Lines of contacts, leads, opportunities ... as leadflow.serialization "
        "writes them, or - for standard input",
    )
    funnel.add_argument(
        "--output-format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text)",
    )
    funnel.add_argument(
        "--strict",
        action="store_true",
        help=f"stop at the first rejected line (exit status {EXIT_STRICT})",
    )
    funnel.set_defaults(handler=_cmd_funnel)

    policy = add("policy", "show or validate a policy (policies are data, never code)", [])
    policy_commands = policy.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = policy_commands.add_parser(
        "show", help="print a policy (a preset, or one read from a file)", epilog=_SEE_DOCS
    )
    show.add_argument("file", nargs="?", metavar="FILE", help="a policy file (.toml or .json)")
    show.add_argument("--preset", type=_preset_name, metavar="NAME", help="a ready-made policy")
    show.add_argument("--format", choices=("json", "toml"), default="json", help="(default: json)")
    show.set_defaults(handler=_cmd_policy_show)
    validate = policy_commands.add_parser(
        "validate",
        help="check a policy file; every problem is named with its path",
        epilog=_SEE_DOCS,
    )
    validate.add_argument("file", metavar="FILE", help="a policy file (.toml or .json)")
    validate.set_defaults(handler=_cmd_policy_validate)

    add_learn(commands, [records], _EXIT_CODES + _REJECTIONS + "\n" + _SEE_DOCS)

    schema = add("schema", "print the JSON Schema (draft 2020-12) of records or policies", [])
    schema.add_argument("kind", choices=("record", "policy"))
    schema.set_defaults(handler=_cmd_schema)

    docs = commands.add_parser(
        "docs",
        help="read the documentation that comes with leadflow",
        description="Without PAGE, list the documentation pages and where they are; "
        "with PAGE (cli, crm/salesforce, ...), print the page (MyST markdown).",
        epilog=_SEE_DOCS,
    )
    docs.add_argument("page", nargs="?", metavar="PAGE", help="a page: cli, crm/salesforce, ...")
    docs.add_argument("--path", action="store_true", help="print the page's file path instead")
    docs.set_defaults(handler=_cmd_docs)
    return parser


_NO_CRM: Final = """\
{} reads leadflow records only: a CRM's own export is read by `qualify --from CRM`.

"""

_CRM_HELP: Final = """\
INPUT is the CRM's own export, read through its adapter
(leadflow.adapters): a JSON page (Salesforce {"records": [...]}, Dynamics
{"value": [...]}, HubSpot {"results": [...]}), a list (Odoo search_read) or one
record; JSON Lines, one record (or page) per line; or CSV with a header of the
CRM's field names. Each record's id is the decision's id; a repair made while
reading a record is a warning (FILE: row N: FIELD: NOTE). promote and explain
do not read CRM exports.
"""


def _add_crm_options(command: argparse.ArgumentParser) -> None:
    """``qualify``'s options for a CRM's own export (see :mod:`leadflow.cli._crm`)."""
    crm = command.add_argument_group("CRM exports", _CRM_HELP)
    crm.add_argument(
        "--from",
        dest="crm",
        choices=CRMS,
        metavar="CRM",
        help=f"INPUT is an export of this CRM: {', '.join(CRMS)}",
    )
    crm.add_argument(
        "--crm-mapping",
        metavar="FILE",
        help="the CRM mapping (.toml or .json): currency, close_disqualified, "
        "write_ratings, read_only and a [custom] table of custom fields",
    )
    crm.add_argument(
        "--currency", metavar="CODE", help="ISO 4217 code of amounts a record states none for"
    )
    crm.add_argument(
        "--close-disqualified",
        action="store_true",
        default=None,
        help="let a disqualified verdict close the record in the --write-back updates",
    )
    crm.add_argument(
        "--write-ratings",
        choices=tuple(mode.value for mode in WriteRatings),
        help="when a decision's rating is written back (default: if_unset)",
    )
    crm.add_argument(
        "--write-back",
        metavar="OUT",
        help='write each record\'s update as JSON Lines, {"row": N, "id": ID, "body": {...}}',
    )


def _from_one(what: str) -> Callable[[str], int]:
    """An argument type: a whole number from 1, of *what* (``"characters"``)."""

    def read(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = 0
        if number < 1:
            raise argparse.ArgumentTypeError(f"expected a {what} from 1, got {text!r}")
        return number

    return read


#: ``--max-field-size``: a number of characters; ``--row``: a data row's number.
_field_size: Final = _from_one("number of characters")
_positive: Final = _from_one("row number")
#: ``--jobs``: a number of processes.
_jobs: Final = _from_one("number of processes")
