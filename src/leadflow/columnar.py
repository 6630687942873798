"""Decisions over columns: an Arrow table of records in, an Arrow table of decisions out.

The batch path for millions of records (``pip install "leadflow[arrow]"``).
:func:`qualify_table` takes a :class:`pyarrow.Table` or
:class:`~pyarrow.RecordBatch` whose columns are the flat record's
(:data:`~leadflow.records.RECORD_FIELDS`, and the policy's signal columns), or a
pandas or polars DataFrame, which it reads through Arrow, and returns one row of
decision columns per input row, in the same order (:func:`output_schema`): the
columns of :func:`~leadflow.records.decision_row`, then ``error``. A row that
cannot be decided keeps its place: its decision columns are null and ``error``
gives every reason, one ``$.path: reason (got value)`` per bad field, joined by
``"; "``. Bad rows never stop the batch.

Each row gets exactly the decision :func:`~leadflow.records.qualify_record`
gives it (the test suite checks this on generated tables):

- levels and other values of few distinct spellings (roles, sources, signal
  values, decision dates) are read once per distinct value, by the record
  grammar's own readers, and become dictionary codes;
- the compiled policy's code tables (:meth:`leadflow.Policy.rule` compiled once
  per policy) are looked up per column, freshness is array arithmetic on
  microseconds, and each distinct combination of results is decided once;
- datetimes written as ISO 8601 with an offset, dates, email addresses and
  phone numbers in their plain forms, amounts and counts are checked by patterns
  over whole columns.

A row holding anything the column patterns do not vouch for (a spreadsheet's
``N/A``, a blank around a value, a naive datetime read in *timezone*, a phone with
an extension, a bad value) is read by :func:`~leadflow.records.parse_record`
itself, as the per-record path reads it: the answer is the same, only slower.
In pandas, ``NaN`` and ``None`` are empty cells, as nulls are in Arrow.

>>> import pyarrow as pa
>>> from datetime import datetime, timezone
>>> table = pa.table({
...     "id": ["c-1", "c-2"],
...     "name": ["Ada Lovelace", "Alan Turing"],
...     "email": ["ada@example.com", "not an address"],
...     "created_at": ["2026-11-02T09:00:00+00:00", "2026-11-02T09:00:00+00:00"],
...     "need": ["strong", "strong"], "budget": ["approved", None],
...     "timeframe": ["this_quarter", None], "role": ["decision_maker", None],
... })
>>> decided = qualify_table(table, as_of=datetime(2026, 11, 30, tzinfo=timezone.utc))
>>> decided.column("verdict").to_pylist(), decided.column("score").to_pylist()
(['qualified', None], [98, None])
>>> decided.column("error").to_pylist()
[None, "$.email: not an email address (got 'not an address')"]

:func:`explain` gives any row's full decision, the one :func:`~leadflow.qualify`
gives, with every criterion's sentence.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, tzinfo
from datetime import timezone as _utc_zone
from typing import Any, Final

try:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError(
        'leadflow.columnar needs pyarrow and numpy: pip install "leadflow[arrow]"'
    ) from missing

from leadflow import _grammar as g
from leadflow._engine import Engine, assemble, effective_timeframe
from leadflow.contacts import PurchaseRole
from leadflow.decisions import QualificationDecision
from leadflow.errors import InvalidFieldError, InvalidRecordError, LeadflowError, WrongTypeError
from leadflow.evidence import (
    Criterion,
    Evidence,
    PurchaseProcess,
    TimeframeEvidence,
    TimeframeLevel,
)
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY
from leadflow.records import (
    DATE_FIELDS,
    DATETIME_FIELDS,
    ENUM_FIELDS,
    ORGANISATION_FIELDS,
    RECORD_FIELDS,
    _no_value,
    canonical_field,
    decision_fields,
    decision_row,
    read_and_qualify,
    signal_columns,
)
from leadflow.signals import NumericSignal, SignalObservation, SignalResult

__all__ = [
    "CATEGORY",
    "CheckedTable",
    "check_table",
    "explain", "input_schema", "output_schema", "qualify_batches", "qualify_table"]

# ----------------------------------------------------------------------------------------
# Schemas
# ----------------------------------------------------------------------------------------


def _chosen(policy: Policy | None) -> Policy:
    if policy is None:
        return DEFAULT_POLICY
    if not isinstance(policy, Policy):
        raise WrongTypeError("policy", policy, f"expected a Policy, not {type(policy).__name__}")
    return policy


def input_schema(policy: Policy | None = None) -> pa.Schema:
    """The input columns: every record field, then the policy's signal columns, as text.

    Text is what a CSV file holds and what :func:`qualify_table` reads fastest with
    the record's own rules. Typed columns are read too: timestamps with a time
    zone for the datetime fields, ``date32`` for the date fields, integers for
    ``id`` and ``employees``, integers and decimals for amounts, numbers for
    numeric signals. Any column may be missing (it is then empty on every row);
    columns of other names are ignored, and headers are read as
    :func:`~leadflow.records.canonical_field` reads them (``"Budget Amount"``).

    >>> input_schema().field("created_at")
    pyarrow.Field<created_at: string>
    """
    chosen = _chosen(policy)
    names = (*RECORD_FIELDS, *signal_columns(chosen.signals))
    return pa.schema([pa.field(name, pa.string()) for name in names])


#: The type of each text decision column: text, each distinct value stored once.
CATEGORY: Final = pa.dictionary(pa.int32(), pa.string())


def _output_type(name: str, categorical: bool) -> pa.DataType:
    if name == "score" or name.endswith("_points"):
        return pa.int64()
    if name == "probability":
        return pa.float64()
    return CATEGORY if categorical and name != "id" else pa.string()


def output_schema(policy: Policy | None = None, *, categorical: bool = True) -> pa.Schema:
    """The columns :func:`qualify_table` returns under *policy*, in order.

    Those of :func:`~leadflow.records.decision_fields` (``probability`` only for a
    policy with a calibration, such as a learned one), typed: ``score`` and each
    ``*_points`` are ``int64``, ``probability`` is ``float64``, ``id`` is text, and
    the other decision columns are text too, dictionary-encoded (:data:`CATEGORY`:
    a verdict, a grade or a reason has few distinct values, stored once; pandas
    reads them as ``category``, polars as ``Categorical``), or plain ``string``
    with *categorical* false; then ``error``, text, null on a decided row.

    >>> output_schema().names[:4], output_schema().names[-1]
    (['id', 'verdict', 'score', 'grade'], 'error')
    >>> output_schema().field("verdict").type
    DictionaryType(dictionary<values=string, indices=int32, ordered=0>)
    >>> output_schema(categorical=False).field("verdict").type
    DataType(string)
    """
    chosen = _chosen(policy)
    names = decision_fields(chosen.signals, probability=chosen.calibration is not None)
    fields = [pa.field(name, _output_type(name, categorical)) for name in names]
    return pa.schema([*fields, pa.field("error", pa.string())])


# ----------------------------------------------------------------------------------------
# Reading the input
# ----------------------------------------------------------------------------------------


def as_table(data: object) -> pa.Table:
    """*data* as a :class:`pyarrow.Table`: a table, a record batch, or a DataFrame.

    A pandas DataFrame is converted with its ``NaN`` and ``None`` as nulls and
    without its index; a polars DataFrame, or anything else that exports an Arrow
    stream (``__arrow_c_stream__``), without a copy where the library allows.

    Raises:
        WrongTypeError: *data* is none of these.
    """
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".", 1)[0]
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    if module == "polars" and hasattr(data, "to_arrow"):
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise WrongTypeError(
        "data", data, f"expected a pyarrow Table or RecordBatch, or a DataFrame, not {g.kind(data)}"
    )


def _is_text(kind: pa.DataType) -> bool:
    """Whether *kind* is text, or a dictionary of text."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
    )


def _whole(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """*column* as one array, dictionary-encoded if it was."""
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 1:
            return column.chunk(0)
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries()
        return column.combine_chunks()
    return column


def _plain(column: pa.Array) -> pa.Array:
    """*column* decoded from its dictionary, text as ``string``."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
        column = column.cast(pa.string())
    return column


def _flat(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return _plain(_whole(column))


def _dictionary_codes(column: pa.DictionaryArray, null: int) -> np.ndarray:
    """Each row's position in *column*'s dictionary as an ``int64`` array, *null* where null.

    Whatever the type of the indices (pandas and polars write ``int8`` to ``uint32``).
    """
    indices = column.indices.cast(pa.int64()).fill_null(null)
    codes: np.ndarray = indices.to_numpy(zero_copy_only=False)
    return codes


def _per_value(column: pa.Array, check: Callable[[pa.Array], np.ndarray]) -> np.ndarray:
    """*check* of each row of *column*, made once per distinct value of a dictionary.

    A null row gets what *check* says of a null.
    """
    if not pa.types.is_dictionary(column.type):
        return check(column)
    values = _plain(column.dictionary)
    once = check(pa.concat_arrays([values, pa.nulls(1, values.type)]))
    picked: np.ndarray = once[_dictionary_codes(column, len(once) - 1)]
    return picked


def _present(column: pa.Array) -> np.ndarray:
    return np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _matches(column: pa.Array, pattern: str, *, few: bool = False) -> np.ndarray:
    """Whether each text of *column* matches *pattern* (``False`` where null).

    *few*: the column holds few distinct texts (currency codes), so each is matched once.
    """
    if few:
        encoded = column.dictionary_encode()
        once = _matches(encoded.dictionary, pattern)
        picked: np.ndarray = np.append(once, False)[_dictionary_codes(encoded, len(once))]
        return picked
    found = pc.match_substring_regex(column, pattern).fill_null(False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


# What str.strip() strips, for pyarrow's utf8_trim.
_BLANKS: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# An empty cell's spelling (MISSING_TEXTS in any case): ASCII, so at most this many bytes.
_MISSING: Final = f"^(?:{g.MISSING_TEXT})$"
_MISSING_BYTES: Final = max(map(len, g.MISSING_TEXTS))
_OFFSET: Final = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
_DATE: Final = g.DATE.removeprefix("(?!0000)")
_DATETIME: Final = (
    f"^(?:{_DATE})[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{{1,6}})?)?{_OFFSET}$"
)
_DAY: Final = f"^(?:{_DATE})$"
_YEAR_ZERO: Final = "^0000"
# A subset of what the grammar reads as an email address: a dot-atom of common
# characters, labels of letters, digits and inner hyphens, an alphabetic top level.
_EMAIL: Final = (
    "^[A-Za-z0-9_+-]+(?:\\.[A-Za-z0-9_+-]+)*@"
    "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"
)
# Its local part of at most 64 characters and its domain of at most 253 (as lengths).
_EMAIL_LOCAL: Final = 64
_EMAIL_DOMAIN: Final = 253
# A subset of the grammar's phone numbers: an optional "+", 7 to 15 digits, single
# blanks, dots or hyphens between them; no trunk prefix, no extension.
_PHONE: Final = "^\\+?[0-9](?:[ .-]?[0-9]){6,14}$"
_COUNT: Final = f"^{g.COUNT}$"
_AMOUNT: Final = f"^{g.AMOUNT}$"
_CURRENCY: Final = f"^{g.CURRENCY}$"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=_utc_zone.utc)
_MICRO: Final = timedelta(microseconds=1)
_DAY_ZERO: Final = date(1970, 1, 1)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICRO


class _RefusedError(Exception):
    """A value the readers refuse: its row is read by parse_record, which says why."""


_MISSING_VALUE: Final[Any] = object()


def _distinct(
    column: pa.Array, read: Callable[[object], Any]
) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Read each distinct value of *column* once: (values, code per row, good per row).

    *read* returns the value, :data:`_MISSING_VALUE` for an empty cell, or raises
    :class:`_RefusedError`. A row's code is the position of its value in the list, -1 where
    empty; a row is good unless its value was refused.
    """
    encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
    indices = _dictionary_codes(encoded, -1)
    values: list[Any] = []
    codes = np.empty(len(encoded.dictionary) + 1, dtype=np.int64)
    good = np.ones(len(encoded.dictionary) + 1, dtype=bool)
    for position, raw in enumerate(encoded.dictionary.to_pylist()):
        try:
            value = read(raw)
        except _RefusedError:
            codes[position] = -1
            good[position] = False
            continue
        if value is _MISSING_VALUE:
            codes[position] = -1
        else:
            codes[position] = len(values)
            values.append(value)
    codes[-1] = -1  # null
    return values, codes[indices], good[indices]


def _reader(field: str, read: Callable[[str, object], Any]) -> Callable[[object], Any]:
    """A distinct value of *field* as the record readers read it (see :func:`_distinct`)."""

    def value(raw: object) -> Any:
        if raw is None or _no_value(field, raw) or g.is_blank(raw):
            return _MISSING_VALUE
        try:
            return read(field, raw)
        except InvalidFieldError:
            raise _RefusedError from None

    return value


def _text(column: pa.Array, *, numbers: bool = False) -> np.ndarray:
    """Good where empty, or text the per-record path keeps as it is (or a whole number)."""
    if column.null_count == len(column):
        return np.ones(len(column), dtype=bool)
    kind = column.type
    if numbers and pa.types.is_integer(kind):
        limit = g.DECIMAL_LIMIT - 1
        inside = pc.and_(pc.greater_equal(column, -limit), pc.less_equal(column, limit))
        return np.asarray(inside.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
    if not _is_text(kind):
        return ~_present(column)
    # Not empty, nothing str.strip() would strip, and (checked on the short texts
    # alone) not an empty cell's spelling.
    size = pc.binary_length(column)
    trimmed = pc.binary_length(pc.utf8_trim(column, _BLANKS))
    plain = pc.and_(pc.greater(size, 0), pc.equal(trimmed, size))
    good = np.asarray(plain.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
    short = np.flatnonzero(
        np.asarray(
            pc.less_equal(size, _MISSING_BYTES).fill_null(False).to_numpy(zero_copy_only=False),
            dtype=bool,
        )
    )
    if len(short):
        good[short] &= ~_matches(column.take(_int64(short)), _MISSING)
    return good


def _pattern(column: pa.Array, *patterns: str, few: bool = False) -> np.ndarray:
    """Good where empty, or text matching every one of *patterns* (*few*: see _matches)."""
    if column.null_count == len(column):
        return np.ones(len(column), dtype=bool)
    if not _is_text(column.type):
        return ~_present(column)
    good = ~_present(column)
    found = np.ones(len(column), dtype=bool)
    for pattern in patterns:
        found &= _matches(column, pattern, few=few)
    return good | found


def _emails(column: pa.Array) -> np.ndarray:
    """Good where empty, or an address of :data:`_EMAIL` within its lengths."""
    good = _pattern(column, _EMAIL)
    if not _is_text(column.type) or not good.any():
        return good
    # A matching address is ASCII with one "@": its byte offsets are its lengths, and
    # one of at most 64 bytes is within both.
    size = pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False)
    long = np.flatnonzero(size > _EMAIL_LOCAL)
    if len(long):
        at = pc.find_substring(column.take(_int64(long)), "@").to_numpy(zero_copy_only=False)
        within = (at <= _EMAIL_LOCAL) & (size[long] - at - 1 <= _EMAIL_DOMAIN)
        good[long] &= within
    return good


def _numbered_text(column: pa.Array) -> np.ndarray:
    return _text(column, numbers=True)


def _phones(column: pa.Array) -> np.ndarray:
    return _pattern(column, _PHONE)


def _currencies(column: pa.Array) -> np.ndarray:
    return _pattern(column, _CURRENCY, few=True)


def _instants(column: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(microseconds since the epoch, present, good) for a datetime column."""
    n = len(column)
    present = _present(column)
    kind = column.type
    if not present.any():
        return np.zeros(n, dtype=np.int64), present, np.ones(n, dtype=bool)
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        if kind.unit == "ns":
            nanos = column.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
            return nanos // 1000, present, nanos % 1000 == 0
        micros = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        return micros.fill_null(0).to_numpy(zero_copy_only=False), present, np.ones(n, dtype=bool)
    if not _is_text(kind):
        return np.zeros(n, dtype=np.int64), present, ~present
    good = _matches(column, _DATETIME) & ~_matches(column, _YEAR_ZERO)
    kept = pc.if_else(pa.array(good, pa.bool_()), column, pa.nulls(n, pa.string()))
    micros = kept.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    return micros.fill_null(0).to_numpy(zero_copy_only=False), present, good | ~present


def _days(column: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days since the epoch, present, good) for a date column."""
    n = len(column)
    present = _present(column)
    kind = column.type
    if not present.any():
        return np.zeros(n, dtype=np.int64), present, np.ones(n, dtype=bool)
    if pa.types.is_date32(kind):
        days = column.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
        return days.astype(np.int64), present, np.ones(n, dtype=bool)
    if not _is_text(kind):
        return np.zeros(n, dtype=np.int64), present, ~present
    good = _matches(column, _DAY) & ~_matches(column, _YEAR_ZERO)
    kept = pc.if_else(pa.array(good, pa.bool_()), column, pa.nulls(n, pa.string()))
    days = kept.cast(pa.date32()).cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
    return days.astype(np.int64), present, good | ~present


def _amounts(column: pa.Array) -> np.ndarray:
    """Good where empty, or an amount the per-record path reads (no float)."""
    kind = column.type
    if column.null_count == len(column):
        return np.ones(len(column), dtype=bool)
    if pa.types.is_integer(kind):
        inside = (
            pc.and_(
                pc.greater_equal(column, 0), pc.less(column, pa.scalar(g.DECIMAL_LIMIT, pa.int64()))
            )
            if g.DECIMAL_LIMIT < 2**63
            else pc.greater_equal(column, 0)
        )
        return np.asarray(inside.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
    return _pattern(column, _AMOUNT)


def _counts(column: pa.Array) -> np.ndarray:
    """Good where empty, or a head count: 1 to 12 digits, or a whole number below 10**12."""
    if column.null_count == len(column):
        return np.ones(len(column), dtype=bool)
    if pa.types.is_integer(column.type):
        inside = pc.and_(pc.greater_equal(column, 0), pc.less(column, g.COUNT_LIMIT))
        return np.asarray(inside.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
    return _pattern(column, _COUNT)


# ----------------------------------------------------------------------------------------
# Deciding
# ----------------------------------------------------------------------------------------

_TEXT_FIELDS: Final = (
    "name",
    "job_title",
    "need_note",
    "budget_note",
    "timeframe_note",
    "authority_note",
    "organisation",
    "industry",
    "website",
)


def _positions(members: Iterable[Any], values: list[Any]) -> np.ndarray:
    """Each of *values* (members of one enum) as its position among *members*."""
    where = {member: n for n, member in enumerate(members)}
    return np.array([where[value] for value in values] + [-1], dtype=np.int64)


def _int64(values: np.ndarray) -> pa.Array:
    """Whole numbers as an Arrow array, without a copy (and without guessing the type)."""
    return pa.array(values.astype(np.int64, copy=False), pa.int64())


def _group(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the distinct keys, a row holding each, each row's key as its place among them).

    Keys are whole numbers from 0; in a span not much wider than the rows they are
    grouped by array lookups, otherwise by sorting.
    """
    span = int(key.max()) + 1 if len(key) else 0
    if span > 4 * len(key) + 65536:
        keys, first, where = np.unique(key, return_index=True, return_inverse=True)
        return keys, first, where.reshape(-1)
    holder = np.full(span, -1, dtype=np.int64)
    holder[key] = np.arange(len(key))
    keys = np.flatnonzero(holder >= 0)
    place = np.zeros(span, dtype=np.intp)
    place[keys] = np.arange(len(keys), dtype=np.intp)
    return keys, holder[keys], place[key]


def _categories(values: list[Any], where: np.ndarray) -> pa.DictionaryArray:
    """``values[where]`` as a dictionary array of text, each distinct text once (None: null)."""
    texts: dict[Any, int] = {}
    codes = np.array(
        [-1 if v is None else texts.setdefault(v, len(texts)) for v in values], dtype=np.int32
    )
    dictionary = pa.array(list(texts), pa.string())
    # The codes are positions in the dictionary by construction: no check of each.
    if len(texts) == 1 and -1 not in codes:  # one value (the policy's name): no lookup
        indices = pa.array(np.zeros(len(where), dtype=np.int32), pa.int32())
        return pa.DictionaryArray.from_arrays(indices, dictionary, safe=False)
    picked = codes[where] if len(codes) else np.zeros(0, dtype=np.int32)
    if not (codes < 0).any():  # no None among the values: no row is null
        return pa.DictionaryArray.from_arrays(pa.array(picked, pa.int32()), dictionary, safe=False)
    missing = picked < 0
    return pa.DictionaryArray.from_arrays(
        np.where(missing, 0, picked).astype(np.int32), dictionary, mask=missing, safe=False
    )


class _Columns:
    """The input columns by record field, and a per-row mask of rows read here."""

    def __init__(self, table: pa.Table, wanted: Mapping[str, int]) -> None:
        self.rows = table.num_rows
        claimed: dict[str, list[str]] = {}
        for name in table.column_names:
            field = name if name in wanted else canonical_field(name)
            if field in wanted:
                claimed.setdefault(field, []).append(name)
        # Two headers of one field: every row is refused, by the per-record path.
        self.clash = any(len(names) > 1 for names in claimed.values())
        self.table = table
        self.wanted = wanted
        self._raw = {field: _whole(table.column(names[0])) for field, names in claimed.items()}
        self._plain: dict[str, pa.Array] = {}
        self._instants: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._days: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.levels: dict[str, np.ndarray] = {}
        self.good = np.full(self.rows, not self.clash, dtype=bool)

    def fork(self) -> _Columns:
        """The same columns, read once, with a mask of their own (for one decision)."""
        other = copy.copy(self)
        other.good = self.good.copy()
        return other

    def instants(self, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """:func:`_instants` of *field*'s column, read once (``None``: no column)."""
        column = self.get(field)
        if column is None:
            return None
        read = self._instants.get(field)
        if read is None:
            read = self._instants[field] = _instants(column)
        return read

    def days(self, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """:func:`_days` of *field*'s column, read once (``None``: no column)."""
        column = self.get(field)
        if column is None:
            return None
        read = self._days.get(field)
        if read is None:
            read = self._days[field] = _days(column)
        return read

    def raw(self, field: str) -> pa.Array | None:
        """The column of *field* as given (dictionary-encoded if it was)."""
        return self._raw.get(field)

    def get(self, field: str) -> pa.Array | None:
        """The column of *field*, decoded from its dictionary."""
        column = self._plain.get(field)
        if column is None and field in self._raw:
            column = self._plain[field] = _plain(self._raw[field])
        return column

    def present(self, field: str) -> np.ndarray:
        column = self.raw(field)
        return np.zeros(self.rows, dtype=bool) if column is None else _present(column)

    def keep(self, good: np.ndarray) -> None:
        self.good &= good


class _Plan:
    """Everything one policy at one moment needs to decide whole columns."""

    def __init__(
        self, policy: Policy, as_of: datetime, zone: tzinfo | None, categorical: bool = True
    ) -> None:
        self.policy = policy
        self.as_of = as_of
        self.zone = zone
        self.engine: Engine = policy._engine  # the one compiled form of the policy
        self.now = self.engine.instant(as_of)
        self.now_us = _micros(self.now)
        self.tables = self.engine.tables()
        self.signals = policy.signals
        self.wanted = {
            name: n for n, name in enumerate((*RECORD_FIELDS, *signal_columns(self.signals)))
        }
        self.schema = output_schema(policy)
        self.plain = output_schema(policy, categorical=False)
        self.categorical = categorical
        self.out = self.schema if categorical else self.plain
        # Each outcome's decision row (but its moment), made once for the policy.
        self._rows: dict[int, dict[str, Any]] = self.engine.memo(__name__)
        self._as_of = self.as_of.isoformat()

    # -- the parts of a row ------------------------------------------------------------

    def check(self, table: pa.Table) -> _Columns:
        """Read and check *table*'s columns: all that does not depend on the moment."""
        columns = _Columns(table, self.wanted)
        if columns.rows:
            columns.levels = self._levels(columns)
            self._contact(columns)
            for field in (*DATETIME_FIELDS, *(f"{s.name}_observed_at" for s in self.signals)):
                read = columns.instants(field)
                if read is not None:
                    columns.keep(read[2])
            read = columns.days("decision_date")
            if read is not None:
                columns.keep(read[2])
                # A date beside a named timeframe is refused by the per-record path
                # (give one or the other), which says so.
                unknown = list(ENUM_FIELDS["timeframe"]).index(TimeframeLevel.UNKNOWN)
                level = columns.levels["timeframe"]
                columns.keep(~(read[1] & (level >= 0) & (level != unknown)))
        return columns

    def _levels(self, columns: _Columns) -> dict[str, np.ndarray]:
        """Each level field's member position per row (-1: empty); refuses bad values."""
        positions: dict[str, np.ndarray] = {}
        for field, enum in ENUM_FIELDS.items():
            column = columns.raw(field)
            if column is None:
                positions[field] = np.full(columns.rows, -1, dtype=np.int64)
                continue
            if not _is_text(column.type) and column.null_count != len(column):
                columns.keep(~_present(column))
                positions[field] = np.full(columns.rows, -1, dtype=np.int64)
                continue
            read = g.choices(enum).read
            values, codes, good = _distinct(column, _reader(field, read))
            columns.keep(good)
            positions[field] = _positions(enum, values)[codes]
        return positions

    def _fresh(self, micros: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Whether each observation is stale (present and older than the freshness)."""
        freshness = self.tables.freshness
        if freshness is None:
            return np.zeros(len(micros), dtype=bool)
        return present & (self.now_us - micros > freshness // _MICRO)

    def _observed(self, columns: _Columns, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(microseconds, present) of a datetime column; refuses bad and future values."""
        read = columns.instants(field)
        if read is None:
            empty = np.zeros(columns.rows, dtype=bool)
            return np.zeros(columns.rows, dtype=np.int64), empty
        micros, present, good = read
        columns.keep(good & (~present | (micros <= self.now_us)))
        return micros, present

    def _contact(self, columns: _Columns) -> None:
        """Refuse (for the per-record path) rows whose contact this path cannot vouch for."""
        for field in _TEXT_FIELDS:
            column = columns.raw(field)
            if column is not None:
                columns.keep(_per_value(column, _text))
        identifier = columns.raw("id")
        if identifier is not None:
            columns.keep(_per_value(identifier, _numbered_text))
        columns.keep(columns.present("name"))
        email, phone = columns.raw("email"), columns.raw("phone")
        if email is not None:
            columns.keep(_per_value(email, _emails))
        if phone is not None:
            columns.keep(_per_value(phone, _phones))
        columns.keep(columns.present("email") | columns.present("phone"))
        employees = columns.get("employees")
        if employees is not None:
            columns.keep(_counts(employees))
        described = np.zeros(columns.rows, dtype=bool)
        for field in ORGANISATION_FIELDS:
            described |= columns.present(field)
        columns.keep(~described | columns.present("organisation"))
        columns.keep(columns.present("created_at"))
        for amount, currency in (
            ("budget_amount", "budget_currency"),
            ("estimated_value", "estimated_currency"),
        ):
            given = columns.present(amount)
            coded = columns.present(currency)
            columns.keep(given == coded)
            if given.any():
                columns.keep(_amounts(columns.get(amount)))
            if coded.any():
                columns.keep(_per_value(columns.raw(currency), _currencies))
        for field in DATE_FIELDS:
            read = columns.days(field)
            if read is not None:
                columns.keep(read[2])

    def _timeframes(self, columns: _Columns, levels: np.ndarray) -> np.ndarray:
        """The timeframe code per row: its level's, or its decision date's bucket."""
        timeframe = self.tables.timeframe
        members = list(ENUM_FIELDS["timeframe"])
        by_level = np.array([timeframe[m.value] for m in members] + [timeframe["unknown"]])
        codes: np.ndarray = by_level[levels]
        read = columns.days("decision_date")
        if read is None:
            return codes
        days, present, good = read
        dated = present & good
        if dated.any():
            today = self.as_of.date()
            # Each distinct day's bucket once (undated rows too: np.where leaves them be).
            first_day = int(days.min())
            offsets, _, where = _group(days - first_day)
            buckets = np.array(
                [
                    timeframe[
                        effective_timeframe(
                            TimeframeEvidence(
                                decision_date=_DAY_ZERO + timedelta(days=first_day + int(d))
                            ),
                            today,
                            self.tables.horizon_days,
                        ).value
                    ]
                    for d in offsets
                ],
                dtype=np.int64,
            )
            codes = np.where(dated, buckets[where], codes)
        return codes

    def _index(self, columns: _Columns, levels: dict[str, np.ndarray]) -> np.ndarray:
        """The engine's index of each row's four criterion results."""
        t = self.tables
        index = np.zeros(columns.rows, dtype=np.int64)
        parts = (
            ("need", t.need, 0),
            ("budget", t.budget, 1),
        )
        for field, table, stale in parts:
            members = list(ENUM_FIELDS[field])
            lookup = np.array([table[m.value] for m in members] + [table["unknown"]])
            micros, present = self._observed(columns, f"{field}_observed_at")
            codes = lookup[levels[field]]
            index += np.where(self._fresh(micros, present), t.stale[stale], codes)
        micros, present = self._observed(columns, "timeframe_observed_at")
        codes = self._timeframes(columns, levels["timeframe"])
        index += np.where(self._fresh(micros, present), t.stale[2], codes)
        # One flat lookup by (role, process), each with a last place for a row without
        # one (code -1), which is the unknown member's.
        roles = [*PurchaseRole, PurchaseRole.UNKNOWN]
        processes = [*PurchaseProcess, PurchaseProcess.UNKNOWN]
        grid = np.array(
            [t.authority[r.value][p.value] for r in roles for p in processes], dtype=np.int64
        )
        width = len(processes)
        role = levels["role"] % len(roles)
        process = levels["purchase_process"] % width
        micros, present = self._observed(columns, "authority_observed_at")
        index += np.where(self._fresh(micros, present), t.stale[3], grid[role * width + process])
        return index

    def _signals(
        self, columns: _Columns
    ) -> list[tuple[list[SignalResult], np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per signal: (results by distinct value, code per row, observed µs, present, points).

        Code -1 is the signal's unknown result (the last in the list).
        """
        scored = []
        now = self.now
        for signal in self.signals:
            numeric = isinstance(signal, NumericSignal)
            column = columns.raw(signal.name)
            micros, dated = self._observed(columns, f"{signal.name}_observed_at")
            unknown = signal.score(None, now)
            if column is None:
                columns.keep(~dated)
                codes = np.full(columns.rows, -1, dtype=np.int64)
                scored.append(
                    ([unknown], codes, micros, dated, np.full(columns.rows, unknown.points))
                )
                continue
            if not numeric and not _is_text(column.type) and column.null_count != len(column):
                columns.keep(~_present(column))
            read: Callable[[str, object], Any] = (
                (lambda field, raw: g.read_decimal(field, raw, floats="shortest"))
                if numeric
                else g.read_text
            )

            def place(
                raw: object, read: Callable[[str, object], Any] = read, signal: Any = signal
            ) -> Any:
                value = _reader(signal.name, read)(raw)
                if value is _MISSING_VALUE:
                    return value
                try:
                    return signal.score(SignalObservation(value=value), now)
                except (LeadflowError, TypeError):
                    raise _RefusedError from None

            results, codes, good = _distinct(column, place)
            columns.keep(good)
            valued = codes >= 0
            # A time without a value dates nothing: the per-record path says so.
            columns.keep(valued | ~dated)
            results.append(unknown)
            full = np.array([r.full_points for r in results], dtype=np.int64)[codes]
            points = full.copy()
            if signal.half_life is not None:
                # (A future observation's row is the per-record path's, which refuses it.)
                decays = valued & dated & (full != 0) & (micros <= self.now_us)
                if decays.any():
                    age = (self.now_us - micros[decays]).astype(np.float64)
                    life = float(signal.half_life // _MICRO)
                    factor = np.power(0.5, age / life)
                    points[decays] = np.floor(full[decays] * factor + 0.5).astype(np.int64)
            scored.append((results, codes, micros, dated, points))
        return scored

    # -- the whole table -----------------------------------------------------------------

    def decide_table(self, table: pa.Table) -> pa.Table:
        """The decisions on the rows of *table* at this moment."""
        return self.decide(self.check(table))

    def decide(self, checked: _Columns) -> pa.Table:
        """The decisions on the rows of *checked* (see :meth:`check`) at this moment."""
        n = checked.rows
        if n == 0:
            return self.out.empty_table()
        columns = checked.fork()
        for field in DATETIME_FIELDS:
            self._observed(columns, field)
        index = self._index(columns, columns.levels)
        signals = self._signals(columns)
        fast = np.flatnonzero(columns.good)
        slow = np.flatnonzero(~columns.good)
        parts = []
        if len(fast):
            parts.append(self._fast(columns, index, signals, fast))
        if len(slow):
            parts.append(self._slow(columns.table, slow))
        joined = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        if len(slow):
            order = np.empty(n, dtype=np.int64)
            order[fast] = np.arange(len(fast))
            order[slow] = len(fast) + np.arange(len(slow))
            joined = joined.take(_int64(order))
        return joined if self.categorical else joined.cast(self.plain)

    def _fast(
        self,
        columns: _Columns,
        index: np.ndarray,
        signals: list[tuple[list[SignalResult], np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
        rows: np.ndarray,
    ) -> pa.Table:
        """The decisions of *rows*, which every column vouched for."""
        every = len(rows) == columns.rows
        combination = index if every else index[rows]
        if signals:
            total = np.zeros(len(rows), dtype=np.int64)
            for _, _, _, _, points in signals:
                total += points if every else points[rows]
            # Points range over 0-100 per signal; one key per (combination, points).
            key = combination * (101 * len(signals)) + total
        else:
            key = combination
        keys, first, where = _group(key)
        decided: list[dict[str, Any]] = []
        for known, position in zip(keys.tolist(), first.tolist(), strict=True):
            made = self._rows.get(known)
            if made is None:
                row = rows[position]
                results = tuple(self._signal_result(part, row) for part in signals)
                outcome = self.engine.settle(int(index[row]), results)
                decision = _assemble(outcome, self.as_of)
                made = self._rows[known] = decision_row(decision, record_id=None)
            decided.append(made)
        names = self.schema.names
        signal_columns = {f"{s.name}_{part}" for s in self.signals for part in ("code", "points")}
        arrays: dict[str, pa.Array] = {}
        for name in names:
            if name in ("id", "error", "codes") or name in signal_columns:
                continue
            values = [self._as_of] if name == "as_of" else [row.get(name) for row in decided]
            kind = self.schema.field(name).type
            if pa.types.is_dictionary(kind):
                arrays[name] = _categories(values, where)
            else:
                arrays[name] = pa.array(np.asarray(values)[where] if values else [], kind)
        identifier = columns.get("id")
        if identifier is None:
            arrays["id"] = pa.nulls(len(rows), pa.string())
        else:
            arrays["id"] = (identifier if every else identifier.take(_int64(rows))).cast(
                pa.string()
            )
        criteria = [";".join(row[f"{c.value}_code"] for c in Criterion) for row in decided]
        if not signals:
            arrays["codes"] = _categories(criteria, where)
        else:
            codes = [_categories(criteria, where).cast(pa.string())]
            for signal, part in zip(self.signals, signals, strict=True):
                placed, signal_codes, _, _, points = part
                picked = signal_codes if every else signal_codes[rows]
                picked = np.where(picked < 0, len(placed) - 1, picked)
                code = _categories([r.code for r in placed], picked)
                arrays[f"{signal.name}_code"] = code
                arrays[f"{signal.name}_points"] = _int64(points if every else points[rows])
                codes.append(code.cast(pa.string()))
            arrays["codes"] = pc.binary_join_element_wise(*codes, ";").dictionary_encode()
        arrays["error"] = pa.nulls(len(rows), pa.string())
        return pa.Table.from_arrays([arrays[name] for name in names], schema=self.schema)

    def _signal_result(
        self,
        part: tuple[list[SignalResult], np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        row: int,
    ) -> SignalResult:
        """The signal's result on *row*, as :meth:`Signal.score` gives it (with decay)."""
        results, codes, micros, dated, _ = part
        code = int(codes[row])
        if code < 0:
            return results[-1]
        placed = results[code]
        if not dated[row]:
            return placed
        signal = self.policy.signals[[s.name for s in self.policy.signals].index(placed.name)]
        when = _EPOCH + timedelta(microseconds=int(micros[row]))
        return signal.score(SignalObservation(value=placed.value, observed_at=when), self.now)

    def _slow(self, table: pa.Table, rows: np.ndarray) -> pa.Table:
        """The decisions of *rows*, each read by the per-record path."""
        out: list[dict[str, Any]] = []
        for record in table.take(_int64(rows)).to_pylist():
            out.append(self.row(record))
        return pa.Table.from_pylist(out, schema=self.plain).cast(self.schema)

    def row(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """One record's decision row, or its error row, by the per-record path."""
        try:
            parsed, decision = read_and_qualify(record, self.policy, self.as_of, self.zone)
        except InvalidRecordError as error:
            return {"error": "; ".join(error.reasons())}
        return decision_row(decision, record_id=parsed.contact.id)


_NO_EVIDENCE: Final = Evidence()


def _assemble(outcome: Any, as_of: datetime) -> QualificationDecision:
    return assemble(outcome, as_of, _NO_EVIDENCE)


# ----------------------------------------------------------------------------------------
# The public calls
# ----------------------------------------------------------------------------------------


def qualify_table(
    data: object,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
    categorical: bool = True,
) -> pa.Table:
    """Decide every record of *data*: one row of :func:`output_schema` per input row.

    Args:
        data: A :class:`pyarrow.Table` or :class:`~pyarrow.RecordBatch` of flat
            records (:func:`input_schema`), a pandas or polars DataFrame, or a
            :class:`CheckedTable` (its columns are then not read again).
        policy: The policy to decide by; ``None`` for :data:`~leadflow.DEFAULT_POLICY`.
        as_of: The moment of the decisions ("now"), timezone-aware.
        timezone: The zone of datetimes written without a UTC offset, as for
            :func:`~leadflow.records.parse_record` (a checked table's own zone
            when ``None``).
        categorical: Text decision columns dictionary-encoded (the default), or
            plain ``string`` (see :func:`output_schema`).

    Returns:
        The decisions, row for row: each decided row as
        :func:`~leadflow.records.decision_row` writes it, each refused row with
        null decision columns and its reasons in ``error``.

    Raises:
        WrongTypeError: *data* is not a table or a DataFrame, or *policy* not a Policy.
        NaiveDatetimeError: *as_of* has no time zone.
        InvalidPolicyError: the policy's signals cannot be read from records.
        InvalidFieldError: *timezone* is not the zone *data* was checked in.
    """
    chosen = _chosen(policy)
    moment = g.read_datetime("as_of", as_of)
    if not isinstance(data, CheckedTable):
        return _Plan(chosen, moment, timezone, categorical).decide_table(as_table(data))
    if timezone is not None and timezone != data.timezone:
        raise InvalidFieldError(
            "timezone", timezone, f"the table was checked with timezone {data.timezone!r}"
        )
    plan = _Plan(chosen, moment, data.timezone, categorical)
    columns = data._columns
    if columns is None or plan.wanted != data._wanted:
        columns = plan.check(data.table)
    return plan.decide(columns)


class CheckedTable:
    """A table of records read and checked once, to be decided at any moment.

    What :func:`qualify_table` does before it decides (reading each level into
    its code, each datetime into microseconds, checking every contact value) does
    not depend on the moment or on the policy's points: :func:`check_table` does it
    once, and every :func:`qualify_table` of the checked table (under policies with
    the same signals, at any *as_of*) only decides. This is for scoring one table
    many times (each night, under several policies, or while a policy is being
    learned). The decisions are those of the table itself.

    Attributes:
        table: The records, as an Arrow table.
        timezone: The zone of datetimes written without a UTC offset.
    """

    __slots__ = ("_columns", "_wanted", "table", "timezone")

    def __init__(self, table: pa.Table, timezone: tzinfo | None, columns: _Columns) -> None:
        self.table = table
        self.timezone = timezone
        self._columns: _Columns | None = columns
        self._wanted = columns.wanted

    @property
    def num_rows(self) -> int:
        """How many records the table holds."""
        return int(self.table.num_rows)

    def __repr__(self) -> str:
        return f"CheckedTable({self.num_rows} rows, {self.table.num_columns} columns)"


def check_table(
    data: object, policy: Policy | None = None, *, timezone: tzinfo | None = None
) -> CheckedTable:
    """Read and check *data* once, for :func:`qualify_table` to decide again and again.

    *policy* names the signal columns to read (any policy with the same signals
    decides the checked table without reading it again; another is read afresh).

    >>> import pyarrow as pa
    >>> from datetime import datetime, timezone
    >>> checked = check_table(pa.table({
    ...     "id": ["c-1"], "name": ["Ada Lovelace"], "email": ["ada@example.com"],
    ...     "created_at": ["2026-11-02T09:00:00+00:00"], "need": ["strong"],
    ...     "budget": ["approved"], "timeframe": ["this_quarter"],
    ...     "role": ["decision_maker"], "need_observed_at": ["2026-11-02T09:00:00+00:00"],
    ... }))
    >>> for year in (2026, 2027):  # the need was observed in November 2026
    ...     moment = datetime(year, 11, 30, tzinfo=timezone.utc)
    ...     decided = qualify_table(checked, as_of=moment)
    ...     print(decided.column("verdict")[0], decided.column("need_code")[0])
    qualified need.met
    undetermined need.stale

    Raises:
        WrongTypeError: *data* is not a table or a DataFrame, or *policy* not a Policy.
        InvalidPolicyError: the policy's signals cannot be read from records.
    """
    chosen = _chosen(policy)
    table = as_table(data)
    plan = _Plan(chosen, _EPOCH, timezone)
    return CheckedTable(table, timezone, plan.check(table))


def qualify_batches(
    batches: Iterable[pa.RecordBatch],
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
    categorical: bool = True,
) -> Iterator[pa.RecordBatch]:
    """Decide a stream of record batches, one batch of decisions per batch read.

    Memory stays that of one batch; the policy is compiled once, and each outcome's
    decision row is made once for the whole stream. This is the shape Spark's
    ``mapInArrow`` calls (see :mod:`leadflow.spark`, which asks for plain text:
    *categorical* false). *categorical*: see :func:`qualify_table`.
    """
    chosen = _chosen(policy)
    plan = _Plan(chosen, g.read_datetime("as_of", as_of), timezone, categorical)
    for batch in batches:
        decided = plan.decide_table(as_table(batch))
        yield from decided.combine_chunks().to_batches() or [
            pa.RecordBatch.from_pylist([], schema=plan.out)
        ]


def explain(
    data: object,
    row: int,
    policy: Policy | None = None,
    *,
    as_of: datetime,
    timezone: tzinfo | None = None,
) -> QualificationDecision:
    """The full decision on row *row* of *data*: what :func:`~leadflow.qualify` gives.

    Its :meth:`~leadflow.QualificationDecision.explain` tells every criterion's
    points and why; its verdict and score are those of the row :func:`qualify_table`
    gives.

    Raises:
        InvalidRecordError: the row cannot be decided (its ``error``).
        InvalidFieldError: there is no row *row*.
    """
    chosen = _chosen(policy)
    moment = g.read_datetime("as_of", as_of)
    table = as_table(data)
    if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row < table.num_rows:
        raise InvalidFieldError("row", row, f"expected a row number from 0 to {table.num_rows - 1}")
    record = table.slice(row, 1).to_pylist()[0]
    return read_and_qualify(record, chosen, moment, timezone)[1]
