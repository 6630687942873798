"""``qualify --from CRM``: decide the records of a CRM's own export, through its adapter.

A CRM export is read as the CRM's API would send each record (see
:mod:`leadflow.adapters`): a JSON page, list or record, JSON Lines, or a CSV file
whose header holds the CRM's field names. CSV cells are text, so each is turned into
the value the API would send, by what the adapter's mapping knows of the field (a
count, an amount, an option code), never by guessing from the text.

Each record is read by the adapter's ``read_lead`` and decided as ``qualify`` decides
a row; with ``--write-back`` the adapter's ``write_lead`` gives each record's update.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any, Final, TextIO

import attrs

from leadflow.adapters import (
    CrmMapping,
    CustomFields,
    WriteRatings,
    dynamics,
    hubspot,
    odoo,
    records,
    salesforce,
)
from leadflow.adapters._codecs import Amount, Choice, Count, Percent
from leadflow.adapters._mapping import Field, currency_code
from leadflow.cli._config import read_text
from leadflow.cli._errors import _StrictStopError, _UsageError
from leadflow.cli._policies import _policy
from leadflow.cli._progress import _wanted
from leadflow.cli._report import (
    _PROG,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_STRICT,
    _err,
    _problems,
    _Tally,
    _warn,
)
from leadflow.cli._sources import _NOT_UTF8, _bad_text, _Row, _Source
from leadflow.cli._writers import _check_not_same, _output, _output_format, _Writer
from leadflow.contacts import PurchaseRole
from leadflow.errors import InvalidFieldError, LeadflowError
from leadflow.evidence import BudgetLevel, NeedLevel, PurchaseProcess, TimeframeLevel
from leadflow.policy import Policy
from leadflow.qualification import qualify
from leadflow.records import decision_fields, decision_row

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["CRMS", "qualify_crm"]

#: The CRMs ``--from`` reads, and each one's adapter module.
_ADAPTERS: Final[Mapping[str, ModuleType]] = {
    "salesforce": salesforce,
    "hubspot": hubspot,
    "dynamics": dynamics,
    "odoo": odoo,
}
CRMS: Final = tuple(_ADAPTERS)

#: Each CRM's mapping class.
_MAPPINGS: Final[Mapping[str, type[CrmMapping]]] = {
    "salesforce": salesforce.SalesforceMapping,
    "hubspot": hubspot.HubSpotMapping,
    "dynamics": dynamics.DynamicsMapping,
    "odoo": odoo.OdooMapping,
}

#: The keys a mapping file may hold, for every CRM; and those one CRM adds.
_COMMON_KEYS: Final = ("currency", "close_disqualified", "write_ratings", "read_only", "custom")
_MORE_KEYS: Final[Mapping[str, tuple[str, ...]]] = {"dynamics": ("currencies",)}

#: The members each custom-field value table maps to.
_VALUE_TABLES: Final[Mapping[str, type[Any]]] = {
    "need_values": NeedLevel,
    "budget_values": BudgetLevel,
    "timeframe_values": TimeframeLevel,
    "purchase_process_values": PurchaseProcess,
    "role_values": PurchaseRole,
}

_ROW_COLUMN: Final = "row"


# ----------------------------------------------------------------------------------------
# The mapping
# ----------------------------------------------------------------------------------------


def _load_document(path: str) -> Any:
    kind = Path(path).suffix.lower()
    if kind not in (".toml", ".json"):
        raise _UsageError(f"mapping {path}: a mapping file is .toml or .json")
    text = read_text(path, "mapping")
    try:
        return tomllib.loads(text) if kind == ".toml" else json.loads(text)
    except (ValueError, RecursionError) as error:
        language = "TOML" if kind == ".toml" else "JSON"
        raise _UsageError(f"mapping {path}: not valid {language}: {error}") from None


def _table_key(crm: str, key: str) -> object:
    """A value-table key as the CRM's API spells the value (TOML and JSON keys are text).

    ``"true"``/``"false"`` are booleans, as the JSON of a checkbox is, except for
    HubSpot, whose every property value is a string (its checkboxes too).
    """
    if crm == "hubspot":
        return key
    if key.strip().lower() in ("true", "false"):
        return key.strip().lower() == "true"
    if crm == "dynamics" and re.fullmatch(r"-?\d+", key.strip()):
        return int(key)  # Dynamics option sets are integer codes
    return key


def _custom(crm: str, where: str, raw: object) -> CustomFields:
    if not isinstance(raw, Mapping):
        raise _UsageError(f"{where}: custom: expected a table (got {raw!r})")
    known = [a.name for a in attrs.fields(CustomFields)]
    given: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise _UsageError(f"{where}: custom.{key}: unknown key (known: {', '.join(known)})")
        if key in _VALUE_TABLES:
            given[key] = _value_table(crm, f"{where}: custom.{key}", _VALUE_TABLES[key], value)
        else:
            given[key] = value
    try:
        return CustomFields(**given)
    except LeadflowError as error:
        raise _UsageError(f"{where}: custom.{_about(error)}") from None


def _value_table(crm: str, where: str, members: type[Any], raw: object) -> dict[object, Any]:
    if not isinstance(raw, Mapping) or not raw:
        raise _UsageError(f"{where}: expected a table of CRM values (got {raw!r})")
    names = [member.value for member in members]
    table: dict[object, Any] = {}
    for key, name in raw.items():
        try:
            table[_table_key(crm, key)] = members(name)
        except ValueError:
            raise _UsageError(
                f"{where}[{key!r}]: not a level name (got {name!r}; expected one of "
                f"{', '.join(names)})"
            ) from None
    return table


def _about(error: LeadflowError) -> str:
    if isinstance(error, InvalidFieldError):
        return f"{error.field}: {error.reason} (got {error.value!r})"
    return str(error)


def crm_mapping(args: argparse.Namespace) -> CrmMapping:
    """The ``--from`` CRM's mapping: ``--crm-mapping``'s file, then the flags over it.

    Raises:
        _UsageError: a key the CRM's mapping does not take, or a bad value, named.
    """
    crm: str = args.crm
    given: dict[str, Any] = {}
    where = "the mapping"
    if args.crm_mapping is not None:
        where = f"mapping {args.crm_mapping}"
        document = _load_document(args.crm_mapping)
        if not isinstance(document, Mapping):
            raise _UsageError(f"{where}: expected a table of settings")
        allowed = (*_COMMON_KEYS, *_MORE_KEYS.get(crm, ()))
        for key, value in document.items():
            if key not in allowed:
                raise _UsageError(
                    f"{where}: {key}: not a key of a {crm} mapping (known: {', '.join(allowed)})"
                )
            given[key] = _custom(crm, where, value) if key == "custom" else value
    if args.currency is not None:
        try:
            given["currency"] = currency_code(args.currency)
        except InvalidFieldError as error:
            raise _UsageError(f"--currency: {error.reason} (got {args.currency!r})") from None
    if args.close_disqualified:
        given["close_disqualified"] = True
    if args.write_ratings is not None:
        given["write_ratings"] = args.write_ratings
    modes = tuple(mode.value for mode in WriteRatings)
    if "write_ratings" in given and given["write_ratings"] not in modes:
        choices = ", ".join(modes)
        raise _UsageError(
            f"{where}: write_ratings: expected one of {choices} (got {given['write_ratings']!r})"
        )
    if isinstance(given.get("read_only"), str):
        raise _UsageError(
            f"{where}: read_only: expected a list of field names (got {given['read_only']!r})"
        )
    try:
        return _MAPPINGS[crm](**given)
    except LeadflowError as error:
        raise _UsageError(f"{where}: {_about(error)}") from None


# ----------------------------------------------------------------------------------------
# Reading the export
# ----------------------------------------------------------------------------------------


class _EveryName(Collection[str]):
    """Every column name: a CRM export's columns are all the record's, none is ignored."""

    def __contains__(self, name: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_NO_LINE: Final = 0


class _Export(_Source):
    """A CRM export: CSV rows, or JSON records (JSON Lines, or one JSON document).

    A JSON input is read line by line while each line holds a JSON value (a record, or
    a page of them); when its first line is not a whole JSON value, the input is read
    as one document (a pretty-printed page, list or record). Records of a document
    that spans several lines have no line number (``_NO_LINE``).
    """

    def __init__(self, path: str, format_: str | None, max_field_size: int) -> None:
        super().__init__(path, format_, _warn, _EveryName(), max_field_size=max_field_size)

    #: A page may be a JSON list as well as an object.
    _JSON_STARTS: tuple[str, ...] = ("{", "[")

    def records(self) -> Iterator[_Row]:
        """Each record, with its row number (from 1) and line."""
        if self.format == "csv":
            yield from self.rows()
            return
        try:
            yield from self._json_records()
        except OSError as error:
            raise _UsageError(f"cannot read {self.name}: {error.strerror or error}") from None

    def _json_records(self) -> Iterator[_Row]:
        lines = enumerate(self._lines, start=1)
        head: list[tuple[int, str]] = []
        for number, line in lines:
            head.append((number, line))
            if line.strip():
                break
        first = next((line for _, line in head if line.strip()), None)
        if first is None:
            return
        try:
            json.loads(first)
        except (ValueError, RecursionError):
            rest = list(lines)
            text = "".join(line for _, line in itertools.chain(head, rest))
            try:
                document = json.loads(text)
            except (ValueError, RecursionError):
                yield from self._json_lines(itertools.chain(head, rest))
                return
            if _bad_text(text):
                # Which record holds the bad bytes is not known: the document is unread.
                raise _UsageError(f"{self.name}: not UTF-8 text") from None
            for number, record in enumerate(records(document), start=1):
                yield _Row(number, _NO_LINE, record)
            return
        yield from self._json_lines(itertools.chain(head, lines))

    def _json_lines(self, lines: Iterator[tuple[int, str]]) -> Iterator[_Row]:
        number = 0
        for line_number, line in lines:
            text = line.strip()
            if not text:
                continue
            if _bad_text(text):
                number += 1
                yield _Row(number, line_number, None, _NOT_UTF8)
                continue
            try:
                value = json.loads(text)
            except (ValueError, RecursionError) as error:
                number += 1
                yield _Row(number, line_number, None, (("$", f"not valid JSON: {error}"),))
                continue
            for record in records(value):
                number += 1
                yield _Row(number, line_number, record)


# ----------------------------------------------------------------------------------------
# CSV cells as the CRM's API sends them
# ----------------------------------------------------------------------------------------

_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_WHOLE: Final = re.compile(r"-?[0-9]+")


class _CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _number(text: str) -> object:
    if _WHOLE.fullmatch(text):
        return int(text)
    if not _NUMBER.fullmatch(text):
        raise _CellError("not a number")
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise _CellError("not a number")
    return number


def _whole(text: str) -> object:
    if not _WHOLE.fullmatch(text):
        raise _CellError("not a whole number")
    return int(text)


def _boolean(text: str) -> object:
    word = text.lower()
    if word in ("true", "1"):
        return True
    if word in ("false", "0"):
        return False
    raise _CellError("expected true or false (or 1 or 0)")


def _record_id(text: str) -> object:
    if not re.fullmatch(r"[1-9][0-9]*", text):
        raise _CellError("not a record id (a whole number from 1)")
    return int(text)


Convert = Callable[[str], object]

#: Fields outside the lead table that a CRM's decision rules read (a lead's state, its
#: rating, whether it was converted), and how their cells are read. Their types are
#: the adapter modules' own: Dynamics' ``statecode``/``statuscode``/``leadqualitycode``
#: codes (:data:`leadflow.adapters.dynamics.LEAD_STATUS_CODES`, ``RATING_CODES``) are
#: ints, Salesforce's ``IsConverted`` and Odoo's ``active`` booleans, an Odoo id an int.
_STATE_CELLS: Final[Mapping[str, Mapping[str, Convert]]] = {
    "salesforce": {"IsConverted": _boolean},
    "dynamics": {
        "statecode": _whole,
        "statuscode": _whole,
        "leadqualitycode": _whole,
        "decisionmaker": _boolean,
    },
    "odoo": {"id": _record_id, "active": _boolean, "probability": _number},
    "hubspot": {},
}


#: The field of a lead record's id, per CRM (HubSpot's sits beside its properties).
_ID_FIELDS: Final[Mapping[str, str]] = {
    "salesforce": "Id",
    "hubspot": "id",
    "dynamics": "leadid",
    "odoo": "id",
}


def _codec_cell(field: Field) -> Convert | None:
    codec = field.codec
    if isinstance(codec, (Amount, Percent)):
        return _number
    if isinstance(codec, Count):
        return _whole
    if isinstance(codec, Choice):
        kinds = {type(key) for key in codec.table}
        if kinds == {int}:
            return _whole
        if kinds == {bool}:
            return _boolean
    return None


def _cell_types(crm: str, mapping: CrmMapping) -> dict[str, Convert]:
    """How each column's cell is read, by the adapter's own tables; others stay text."""
    cells: dict[str, Convert] = dict(_STATE_CELLS[crm])
    if crm == "hubspot":  # every HubSpot property value is a string
        return cells
    for spec in mapping.lead_table():
        if isinstance(spec, Field):
            convert = _codec_cell(spec)
            if convert is not None:
                cells[spec.name] = convert
    return cells


def _csv_record(
    crm: str, cells: Mapping[str, Convert], row: Mapping[str, str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A CSV row as the CRM's API sends the record, and the cells that could not be read."""
    null = _ADAPTERS[crm].DIALECT.null
    problems: list[tuple[str, str]] = []
    if crm == "hubspot":
        given = row.get("id", "").strip() or row.get("hs_object_id", "").strip()
        properties = {name: text for name, text in row.items() if name != "id"}
        return {"id": given or None, "properties": properties}, problems
    record: dict[str, Any] = {}
    for name, text in row.items():
        stripped = text.strip()
        if not stripped:
            if name != _ID_FIELDS[crm]:  # a blank id is a record still to be created
                record[name] = null
            continue
        convert = cells.get(name)
        if convert is None:
            record[name] = text
            continue
        try:
            record[name] = convert(stripped)
        except _CellError as error:
            problems.append((f"$.{name}", f"{error.reason} (got {text!r})"))
    return record, problems


# ----------------------------------------------------------------------------------------
# Deciding
# ----------------------------------------------------------------------------------------


class _ExportTally(_Tally):
    """A tally whose rows may have no line (the records of a multi-line JSON document)."""

    def reject(self, row: _Row, problems: Iterable[tuple[str, str]]) -> None:
        if row.line != _NO_LINE:
            super().reject(row, problems)
            return
        self.rejected += 1
        for path, reason in problems:
            self.say(f"{self.source}: row {row.number}: {path}: {reason}")
        if self.strict:
            raise _StrictStopError


def _check_write_back(args: argparse.Namespace) -> None:
    """Refuse a ``--write-back`` over the input, or into the decisions' output."""
    target: str = args.write_back
    output: str | None = args.output
    if target == "-" and output in (None, "-"):
        raise _UsageError("--write-back - and the decisions would both go to stdout: use -o")
    if output is not None and output != "-" and target != "-":
        with contextlib.suppress(OSError):
            if os.path.abspath(output) == os.path.abspath(target) or os.path.samefile(
                output, target
            ):
                raise _UsageError(f"--write-back {target} is the --output file; choose another")
    if "-" in (args.input, target):
        return
    with contextlib.suppress(OSError):
        if os.path.samefile(args.input, target):
            raise _UsageError(f"--write-back {target} is the input file; choose another")


def qualify_crm(args: argparse.Namespace, now: Callable[[], datetime]) -> int:
    """``qualify --from CRM``: decide each record of the export; the exit status."""
    crm: str = args.crm
    adapter = _ADAPTERS[crm]
    mapping = crm_mapping(args)
    policy: Policy = _policy(args)
    as_of: datetime = args.as_of if args.as_of is not None else now()
    if args.write_back is not None:
        _check_write_back(args)
    _check_not_same(args.input, args.output)
    source = _Export(args.input, args.format, args.max_field_size)
    cells = _cell_types(crm, mapping)
    tally = _ExportTally(
        source.name, strict=args.strict, progress=_wanted(), verdicts=True, reading=source
    )
    format_ = _output_format(args.output_format, args.output)
    columns = decision_fields(policy.signals, probability=policy.calibration is not None)
    status = EXIT_OK
    try:
        with contextlib.ExitStack() as stack:
            stream = stack.enter_context(_output(args.output))
            writer = _Writer(stream, format_, (_ROW_COLUMN, *columns))
            back: TextIO | None = None
            if args.write_back is not None:
                back = stack.enter_context(_output(args.write_back))
            try:
                for row in source.records():
                    tally.row()
                    if row.problems:
                        tally.reject(row, row.problems)
                        continue
                    record = row.data
                    if source.format == "csv":
                        record, problems = _csv_record(crm, cells, row.data)
                        if problems:
                            tally.reject(row, problems)
                            continue
                    try:
                        out, body, crm_id = _decide(
                            adapter,
                            mapping,
                            policy,
                            as_of,
                            record,
                            back is not None,
                            f"{source.name}: row {row.number}",
                        )
                    except LeadflowError as error:
                        tally.reject(row, _problems(error))
                        continue
                    writer.write({_ROW_COLUMN: row.number, **out})
                    if back is not None:
                        line = {_ROW_COLUMN: row.number, "id": crm_id, "body": body}
                        back.write(json.dumps(line, ensure_ascii=False) + "\n")
                    tally.decided_as(out.get("verdict"))
            except _StrictStopError:
                status = EXIT_STRICT
            tally.close()
            writer.close()
    finally:
        tally.close()
        source.close()
    if status == EXIT_STRICT:
        _err(f"{_PROG}: stopped at the first rejected row (--strict)")
    _err(tally.count_line())
    if status == EXIT_OK and tally.rejected:
        status = EXIT_REJECTED
    return status


def _decide(
    adapter: ModuleType,
    mapping: CrmMapping,
    policy: Policy,
    as_of: datetime,
    record: object,
    write_back: bool,
    where: str,
) -> tuple[dict[str, Any], dict[str, Any] | None, object]:
    """The decision row of one record, its write-back body (if wanted) and its id.

    Each repair reading the record made is a warning, *where* the record is
    (``FILE: row N``).
    """
    crm_lead = adapter.read_lead(record, mapping=mapping)
    for repair in crm_lead.repairs:
        _warn(f"{where}: {repair.field}: {repair.note}")
    created = crm_lead.contact.created_at
    if created > as_of:
        raise InvalidFieldError(
            _created_field(adapter, mapping),
            created.isoformat(),
            f"is after as_of ({as_of.isoformat()})",
        )
    decision = qualify(crm_lead.contact, crm_lead.evidence, policy, as_of=as_of)
    body = adapter.write_lead(crm_lead, decision, mapping=mapping) if write_back else None
    return decision_row(decision, record_id=crm_lead.contact.id), body, crm_lead.id


def _created_field(adapter: ModuleType, mapping: CrmMapping) -> str:
    """The CRM field of the record's creation time (``CreatedDate``, ``properties.createdate``)."""
    name = next(
        (spec.owns[-1] for spec in mapping.lead_table() if spec.attr == "contact.created_at"),
        "created_at",
    )
    return f"properties.{name}" if adapter is hubspot else name
