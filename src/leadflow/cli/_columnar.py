"""``qualify --engine columns``: rows decided a block at a time by :mod:`leadflow.columnar`.

The input is read by the same reader as ``--engine rows`` (:class:`_Source`), which
numbers rows and lines and rejects what cannot be read, in blocks
(:meth:`_Source.blocks`). A block of plain CSV lines is split by pyarrow's CSV
reader (one with a line of another width than the header's is read again by
:meth:`_Source.reread`); other blocks are read row by row as always. Each block's records are then
decided together by :func:`leadflow.columnar.qualify_table` and written at once,
in input order. A record the table cannot hold as text (a JSON number, a key
spelt otherwise than its field) is decided by the rows engine's own function, and
a record the columnar path refuses is decided again by it too, for its reasons as
``--engine rows`` words them. So the output, the reports on standard error and the
exit status are those of ``--engine rows``, byte for byte.

With ``--jobs N`` (N > 1), blocks are decided in N worker processes, at most two per
worker in flight, and written in input order: memory stays that of a few blocks. Until
every worker is up, blocks are decided in this process.
"""

from __future__ import annotations

import concurrent.futures
import functools
import io
import itertools
import multiprocessing
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, Final, NamedTuple, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from leadflow.cli._policies import _Columns
from leadflow.cli._report import _problems, _Tally
from leadflow.cli._sources import _CleanLines, _ReadRows, _Row, _Source
from leadflow.cli._writers import (
    _Writer,
    csv_parts,
    csv_rows,
    encode_rows,
    json_parts,
    json_rows,
)
from leadflow.columnar import _dictionary_codes, qualify_table
from leadflow.errors import LeadflowError
from leadflow.policy import Policy
from leadflow.records import canonical_field

#: Lines (or rows) per block: large enough that a block's fixed costs do not weigh,
#: small enough that a few blocks in flight hold little memory.
BLOCK_ROWS: Final = 4_096

#: The name of the output column that numbers the rows (the rows engine's too).
ROW_COLUMN: Final = "row"


class _Context(NamedTuple):
    """What deciding a block needs, the same in every process of a run."""

    policy: Policy
    as_of: datetime
    zone: tzinfo | None
    format_: str
    columns: tuple[str, ...]
    #: The field each CSV header position is read as; None where it is not read.
    fields: tuple[str | None, ...]
    #: Whether every row is written and counted on its own (a progress bar counts them).
    each_row: bool = False


class _Work(NamedTuple):
    """One block to decide: CSV text, or records' text values by field; rows' numbers."""

    numbers: Sequence[int]
    text: bytes | None = None
    values: Mapping[str, list[str | None]] | None = None


class _Decided(NamedTuple):
    """A block's decisions: its output at once, or row for row.

    When every row was decided and the rows need not be written one by one, *text*
    is the whole block's output and *counts* the rows per verdict (one string and a
    few numbers to send back from a worker); otherwise *out* holds each row's
    output (the encoded row, or None where refused) and *verdicts* its verdict.
    """

    out: list[Any]
    verdicts: list[str | None]
    refused: int
    text: str | None = None
    counts: Mapping[str, int] | None = None
    #: A block of lines found not to be one row of the header's width per line: its
    #: rows are read and decided again, by the rows engine's reader and function.
    unread: bool = False


def _fields(header: Sequence[str], known: _Columns) -> tuple[str | None, ...] | None:
    """The field each header name is read as, as ``--engine rows`` reads a record.

    None when two names would be read as one field: then every row is refused, which
    the rows engine's function says best.
    """
    renamed = known.rename({name: name for name in header if name})
    exact = set(known)
    fields: dict[str, str] = {}
    for field_, name in renamed.items():
        target = field_ if field_ in exact else canonical_field(field_)
        if target not in exact:
            continue
        if target in fields:
            return None
        fields[target] = name
    by_name = {name: field_ for field_, name in fields.items()}
    return tuple(by_name.get(name) if name else None for name in header)


# ----------------------------------------------------------------------------------------
# Deciding a block: in this process, or in a worker
# ----------------------------------------------------------------------------------------

# A worker process's context, set once as it starts (ProcessPoolExecutor's
# initializer): each block then travels without it.
_WORKER: list[_Context] = []


def _start_worker(context: _Context) -> None:
    # Ctrl-C goes to the whole process group: the main process alone answers it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.append(context)


def _decide_in_worker(work: _Work) -> _Decided:
    return _decide(_WORKER[0], work)


def _table(context: _Context, work: _Work) -> pa.Table:
    if work.values is not None:
        return pa.table({name: pa.array(v, pa.string()) for name, v in work.values.items()})
    assert work.text is not None
    names = [f"\x00{position}" for position in range(len(context.fields))]
    read = {names[i]: field_ for i, field_ in enumerate(context.fields) if field_ is not None}
    table = pa_csv.read_csv(
        io.BytesIO(work.text),
        read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
        # The block holds no quote (see _Source.blocks): every comma splits.
        parse_options=pa_csv.ParseOptions(quote_char=False, newlines_in_values=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            include_columns=list(read) or names[:1],
            null_values=[""],
            strings_can_be_null=True,
        ),
    )
    return table.rename_columns([read.get(name, name) for name in table.column_names])


def _decide(context: _Context, work: _Work) -> _Decided:
    """Decide a block: each row's output as its format writes it, or None if refused."""
    try:
        table = _table(context, work)
    except pa.ArrowInvalid:  # a line of another width than the header's
        table = None
    if table is None or len(table) != len(work.numbers):
        return _Decided([], [], 0, unread=True)
    try:
        decided = qualify_table(table, context.policy, as_of=context.as_of, timezone=context.zone)
    except LeadflowError:
        # A record the columnar path cannot word a refusal for: every row of the block
        # is decided again, one by one, by the rows engine's function.
        nothing: list[Any] = [None] * len(work.numbers)
        return _Decided(nothing, list(nothing), len(nothing))
    errors = decided.column("error")
    refused = len(errors) - errors.null_count
    # A block of lines, every row decided and none written on its own, goes back whole;
    # a block of rows read one by one is written row by row, among those decided here.
    whole = work.text is not None and not refused and not context.each_row
    if whole and context.format_ != "table":
        return _whole_block(context, work, decided)
    values: dict[str, list[Any]] = {ROW_COLUMN: list(work.numbers)}
    for name in context.columns[1:]:
        values[name] = _pylist(decided.column(name))
    verdicts: list[str | None] = values["verdict"]
    out: list[Any]  # the rows as strings, or a table's as dicts; None where refused
    if context.format_ == "table":
        out = [dict(zip(values, row, strict=True)) for row in zip(*values.values(), strict=True)]
    else:
        encoded = encode_rows(context.format_, context.columns, values)
        if whole:
            return _Decided([], [], 0, "".join(encoded), _verdict_counts(decided))
        out = list(encoded)
    if refused:
        for position, error in enumerate(errors.to_pylist()):
            if error is not None:
                out[position] = None
    return _Decided(out, verdicts, refused)


def _whole_block(context: _Context, work: _Work, decided: pa.Table) -> _Decided:
    """A block of decisions, every row decided, as one text of JSON Lines or CSV.

    A column of few values (a verdict, a score, a reason) is encoded once per value
    and its rows take their value's text; the others (the row's number, its id) row
    by row. Either way by the rows engine's own encoding (:func:`json_parts`,
    :func:`csv_parts`), so the text is what ``--engine rows`` writes.
    """
    csv = context.format_ == "csv"

    def encoder(name: str) -> Callable[[list[Any]], list[str]]:
        return csv_parts if csv else functools.partial(json_parts, name)

    parts = [encoder(ROW_COLUMN)(list(work.numbers))]
    for name in context.columns[1:]:
        column = decided.column(name)
        if name == "id" or (pa.types.is_floating(column.type)):
            parts.append(encoder(name)(column.to_pylist()))
            continue
        if not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()
        parts.append(_per_value(column, encoder(name)))
    rows = csv_rows(parts) if csv else json_rows(parts, len(work.numbers))
    return _Decided([], [], 0, "".join(rows), _verdict_counts(decided))


def _verdict_counts(decided: pa.Table) -> dict[str, int]:
    """How many of *decided*'s rows have each verdict."""
    counts = pc.value_counts(decided.column("verdict").cast(pa.string())).to_pylist()
    return {str(count["values"]): count["counts"] for count in counts}


def _per_value(column: pa.ChunkedArray, made: Callable[[list[Any]], list[Any]]) -> list[Any]:
    """What *made* makes of each value of a dictionary *column*, once per value, per row.

    *made* gets the dictionary's values and a last ``None`` (a null row's).
    """
    found: list[Any] = []
    for chunk in column.chunks:
        each = np.array(made([*chunk.dictionary.to_pylist(), None]), dtype=object)
        found += each[_dictionary_codes(chunk, len(each) - 1)].tolist()
    return found


def _pylist(column: pa.ChunkedArray) -> list[Any]:
    """*column*'s values; a dictionary column's each made once, shared by its rows."""
    if not pa.types.is_dictionary(column.type):
        return column.to_pylist()  # type: ignore[no-any-return]
    return _per_value(column, list)


class _Inline:
    """Decides each block at once, in this process (``--jobs 1``)."""

    def __init__(self, context: _Context) -> None:
        self._context = context

    def submit(self, work: _Work) -> concurrent.futures.Future[_Decided]:
        done: concurrent.futures.Future[_Decided] = concurrent.futures.Future()
        done.set_result(_decide(self._context, work))
        return done


def _started() -> None:
    """Nothing: a worker that has done it is up, its context set."""


class _Workers:
    """Decides blocks in *jobs* worker processes (``--jobs N``) once they are up.

    Starting them takes a while (a fresh process imports leadflow and pyarrow): it
    is done in the background, and until every worker is up the blocks are decided
    in this process, as with ``--jobs 1``.
    """

    def __init__(
        self, pool: concurrent.futures.ProcessPoolExecutor, context: _Context, jobs: int
    ) -> None:
        self._pool = pool
        self._here = _Inline(context)
        self._up = threading.Event()
        self._starting = threading.Thread(target=self._start, args=(jobs,), daemon=True)
        self._starting.start()

    def _start(self, jobs: int) -> None:
        try:
            concurrent.futures.wait([self._pool.submit(_started) for _ in range(jobs)])
        except RuntimeError:  # the run ended first, and the pool with it
            return
        finally:
            self._up.set()

    def submit(self, work: _Work) -> concurrent.futures.Future[_Decided]:
        if not self._up.is_set():
            return self._here.submit(work)
        return self._pool.submit(_decide_in_worker, work)

    def close(self) -> None:
        """Wait for the workers' start to end (the pool is shut down after it)."""
        self._starting.join()


def _pool(context: _Context, jobs: int) -> concurrent.futures.ProcessPoolExecutor:
    """*jobs* worker processes, started fresh (never forked from a process with threads)."""
    if sys.platform == "win32":  # pragma: no cover - no forkserver on Windows
        method = multiprocessing.get_context("spawn")
    else:
        method = multiprocessing.get_context("forkserver")
        method.set_forkserver_preload([__name__])
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=method, initializer=_start_worker, initargs=(context,)
    )


# ----------------------------------------------------------------------------------------
# The run
# ----------------------------------------------------------------------------------------


class _Block(NamedTuple):
    """A block read, the records decided here, and its decisions to come."""

    read: _CleanLines | _ReadRows
    #: For a block of rows: each row's place in the work, or its output decided here
    #: (a dict), or its problems (a list).
    places: list[int | dict[str, Any] | list[tuple[str, str]] | None]
    decided: concurrent.futures.Future[_Decided] | None


class ColumnarRun:
    """Decides the rows of *source* a block at a time and writes them in input order.

    *decide* is the rows engine's function from a record to its output row, for the
    records the columnar path does not take or refuses; *columns* the output's.
    """

    def __init__(
        self,
        source: _Source,
        known: _Columns,
        decide: Callable[[Mapping[str, Any]], dict[str, Any]],
        settings: tuple[Policy, datetime, tzinfo | None, str, Sequence[str]],
        jobs: int,
    ) -> None:
        self._source = source
        self._known = known
        self._decide = decide
        self._settings = settings
        self._jobs = jobs
        self._exact = frozenset(known)
        self._fields: tuple[str | None, ...] | None = ()

    def run(self, tally: _Tally, writer: _Writer, stream: TextIO) -> None:
        """Decide and write every row; reject those refused, as ``--engine rows`` does.

        Raises:
            _StrictStopError: ``--strict`` met a rejected row.
        """
        blocks = self._source.blocks(BLOCK_ROWS)
        first = next(blocks, None)  # the header is read by now
        if first is None:
            return
        header = getattr(self._source, "header", None)
        self._fields = _fields(header, self._known) if header is not None else ()
        policy, as_of, zone, format_, columns = self._settings
        context = _Context(
            policy,
            as_of,
            zone,
            format_,
            tuple(columns),
            self._fields or (),
            tally.counts_each_row,
        )
        self._format = format_
        everything = itertools.chain([first], blocks)
        if self._jobs > 1:
            with _pool(context, self._jobs) as pool:
                workers = _Workers(pool, context, self._jobs)
                try:
                    self._blocks(workers, everything, 2 * self._jobs, tally, writer, stream)
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
                finally:
                    workers.close()
        else:
            self._blocks(_Inline(context), everything, 0, tally, writer, stream)

    def _blocks(
        self,
        pool: _Inline | _Workers,
        blocks: Iterator[_CleanLines | _ReadRows],
        ahead: int,
        tally: _Tally,
        writer: _Writer,
        stream: TextIO,
    ) -> None:
        pending: deque[_Block] = deque()
        for read in blocks:
            if isinstance(read, _CleanLines):
                block = self._clean(pool, read)
            else:
                block = self._rows(pool, read)
            pending.append(block)
            while len(pending) > ahead:
                self._finish(pending.popleft(), tally, writer, stream)
        while pending:
            self._finish(pending.popleft(), tally, writer, stream)

    def _clean(self, pool: _Inline | _Workers, read: _CleanLines) -> _Block:
        if not read.rows or self._fields is None:
            return _Block(read, [], None)
        numbers = range(read.number, read.number + read.rows)
        work = _Work(numbers, text=read.data)
        return _Block(read, [], pool.submit(work))

    def _rows(self, pool: _Inline | _Workers, read: _ReadRows) -> _Block:
        places: list[int | dict[str, Any] | list[tuple[str, str]] | None] = []
        numbers: list[int] = []
        records: list[dict[str, str | None]] = []
        for row in read.rows:
            if row.problems:
                places.append(None)
                continue
            record = self._as_text(row.data)
            if record is None:  # not for a table of text: decided here, as by the rows engine
                places.append(self._here(row.data))
                continue
            places.append(len(numbers))
            records.append(record)
            numbers.append(row.number)
        if not numbers:
            return _Block(read, places, None)
        names = dict.fromkeys(name for record in records for name in record)
        values = {name: [record.get(name) for record in records] for name in names}
        return _Block(read, places, pool.submit(_Work(numbers, values=values)))

    def _as_text(self, record: Mapping[str, Any]) -> dict[str, str | None] | None:
        """*record*'s fields and text values, blanks as None; None if it is not all text.

        Only keys named exactly as fields are taken: another spelling (``"Name"``) may
        clash with the field's own in the same record, which the rows engine reports.
        """
        exact = self._exact
        text: dict[str, str | None] = {}
        for key, value in record.items():
            if key in exact:
                if value is not None and type(value) is not str:
                    return None
                text[key] = value or None
            elif not isinstance(key, str) or canonical_field(key) in exact or key in self._known:
                return None
        return text

    def _here(self, record: Mapping[str, Any]) -> dict[str, Any] | list[tuple[str, str]]:
        try:
            return self._decide(record)
        except LeadflowError as error:
            return _problems(error)

    # -- writing, in input order -----------------------------------------------------------

    def _finish(self, block: _Block, tally: _Tally, writer: _Writer, stream: TextIO) -> None:
        decided = block.decided.result() if block.decided is not None else None
        read = block.read
        if isinstance(read, _CleanLines):
            for line in read.warnings:
                self._source.warn(line)
            if decided is None or decided.unread:
                self._clean_rows_here(read, tally, writer, stream)
            elif decided.text is None:
                self._one_by_one(read, decided, tally, writer, stream)
            else:
                writer.write_encoded((decided.text,))
                stream.flush()
                tally.decided_counted(decided.counts or {})
            return
        pending: list[str] = []
        for index, (row, place) in enumerate(zip(read.rows, block.places, strict=True)):
            said = read.warnings.get(index)
            if said:
                self._flush(pending, writer, stream)
                for line in said:
                    self._source.warn(line)
            tally.row()
            if place is None:
                self._flush(pending, writer, stream)
                tally.reject(row, row.problems)
            elif isinstance(place, int):
                assert decided is not None
                out = decided.out[place]
                self._one(row, out, decided.verdicts[place], pending, tally, writer, stream)
            elif isinstance(place, list):
                self._flush(pending, writer, stream)
                tally.reject(row, place)
            else:
                self._flush(pending, writer, stream)
                self._write(row, place, tally, writer, stream)
        self._flush(pending, writer, stream)
        for line in read.warnings.get(len(read.rows), ()):
            self._source.warn(line)

    def _clean_rows_here(
        self, read: _CleanLines, tally: _Tally, writer: _Writer, stream: TextIO
    ) -> None:
        for row in self._source.reread(read):
            tally.row()
            if row.problems:
                tally.reject(row, row.problems)
                continue
            out = self._here(row.data)
            if isinstance(out, list):
                tally.reject(row, out)
            else:
                self._write(row, out, tally, writer, stream)

    def _one_by_one(
        self, read: _CleanLines, decided: _Decided, tally: _Tally, writer: _Writer, stream: TextIO
    ) -> None:
        pending: list[str] = []
        for index, out in enumerate(decided.out):
            tally.row()
            if out is None:
                self._flush(pending, writer, stream)
                row = read.row(self._source.header, index)
                self._refused(row, tally, writer, stream)
            else:
                self._one(None, out, decided.verdicts[index], pending, tally, writer, stream)
        self._flush(pending, writer, stream)

    def _one(
        self,
        row: _Row | None,
        out: Any,
        verdict: str | None,
        pending: list[str],
        tally: _Tally,
        writer: _Writer,
        stream: TextIO,
    ) -> None:
        """One row of a block's decisions: encoded (kept to write), a table's, or refused."""
        if out is None:
            assert row is not None
            self._flush(pending, writer, stream)
            self._refused(row, tally, writer, stream)
            return
        if isinstance(out, dict):
            writer.write(out)
        else:
            pending.append(out)
        tally.decided_as(verdict)

    def _refused(self, row: _Row, tally: _Tally, writer: _Writer, stream: TextIO) -> None:
        # The rows engine's own function words the reasons (and decides the row, should
        # the two paths ever disagree on it).
        out = self._here(row.data)
        if isinstance(out, list):
            tally.reject(row, out)
        else:
            self._write(row, out, tally, writer, stream)

    def _write(
        self,
        row: _Row,
        out: Mapping[str, Any],
        tally: _Tally,
        writer: _Writer,
        stream: TextIO,
    ) -> None:
        writer.write({ROW_COLUMN: row.number, **out})
        stream.flush()
        tally.decided_as(out.get("verdict"))

    def _flush(self, pending: list[str], writer: _Writer, stream: TextIO) -> None:
        """Write the rows kept so far, before anything goes to standard error."""
        if pending:
            writer.write_encoded(pending)
            pending.clear()
        stream.flush()


__all__ = ["BLOCK_ROWS", "ROW_COLUMN", "ColumnarRun"]
