"""Progress on standard error, for a person at a terminal (never for a pipe or a file).

With ``tqdm`` installed (the ``leadflow[progress]`` extra), a bar: for a file, bytes
read of the file's size, with the rate and the time left; for standard input, whose
size is not known, rows read and the rate. Without it, a line every
:data:`~leadflow.cli.PROGRESS_EVERY` rows with the rows read so far and the rate.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import time
from collections.abc import Callable
from typing import Any, Final

#: Rows between two updates of a bar (reading the position costs little, but not nothing).
_BAR_EVERY: Final = 64


def _wanted() -> bool:
    """Whether standard error is a terminal, where a person watches the run."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def _tqdm() -> Any:
    """Tqdm's bar class, if the optional ``progress`` extra is installed; else None."""
    try:
        module = importlib.import_module("tqdm")
    except ImportError:
        return None
    return module.tqdm


def _stderr_width() -> int:
    """The width of the terminal standard error is on; 0 if it says none."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


def _bytes_read(source: object) -> tuple[Callable[[], int], int] | None:
    """How far into its file *source* has read, and the file's size; None for a stream.

    The position is the binary buffer's under the text stream, which is ahead of the
    rows handed out by at most one read-ahead block: close enough for a time left.
    """
    stream = getattr(source, "_stream", None)
    if stream is None or stream is sys.stdin:
        return None
    buffer: Any = getattr(stream, "buffer", None)
    try:
        size = os.fstat(stream.fileno()).st_size
        buffer.tell()
    except (AttributeError, OSError, ValueError):
        return None
    if size <= 0:
        return None
    tell: Callable[[], int] = buffer.tell
    return tell, size


class _Progress:
    """Shows how a run advances, from :meth:`row` calls; :meth:`close` before the count line.

    *source* is the :class:`~leadflow.cli._sources._Source` being read (or None);
    *every* is the rows between two plain lines.
    """

    def __init__(self, name: str, source: object, every: int) -> None:
        self._every = every
        self._started = time.monotonic()
        self._rows = 0
        self._bar: Any = None
        self._tell: Callable[[], int] | None = None
        tqdm = _tqdm()
        if tqdm is None:
            return
        position = _bytes_read(source)
        name = os.path.basename(name) or name  # the terminal's width is for the bar
        # Follow the terminal's size as it changes, unless it reports none: a fresh
        # pseudo-terminal says 0 x 0, in which tqdm draws nothing at all.
        width = _stderr_width()
        shape: dict[str, Any] = {"dynamic_ncols": True} if width else {"ncols": 80, "nrows": 24}
        if position is None:
            self._bar = tqdm(desc=name, unit=" rows", file=sys.stderr, **shape)
        else:
            self._tell, size = position
            self._bar = tqdm(
                desc=name,
                total=size,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=sys.stderr,
                **shape,
            )

    def row(self, rows: int, rejected: int, prefix: str) -> None:
        """One more row read: *rows* so far, *rejected* of them."""
        self._rows = rows
        if self._bar is not None:
            if rows % _BAR_EVERY == 0:
                self._advance()
        elif rows % self._every == 0:
            seconds = max(time.monotonic() - self._started, 1e-9)
            sys.stderr.write(
                f"{prefix}: {rows:,} rows read ({rejected:,} rejected so far), "
                f"{rows / seconds:,.0f} rows/s\n"
            )

    def _advance(self) -> None:
        """Bring the bar up to the bytes (or, for standard input, the rows) read."""
        bar = self._bar
        done = self._tell() if self._tell is not None else self._rows
        if done > bar.n:
            bar.update(done - bar.n)

    def write(self, line: str) -> bool:
        """Write *line* above the bar; False if there is no bar (write it yourself)."""
        if self._bar is None:
            return False
        self._bar.write(line, file=sys.stderr)
        return True

    def close(self) -> None:
        """Finish the bar, at the position reached (call it before the file is closed)."""
        bar = self._bar
        if bar is None:
            return
        with contextlib.suppress(OSError, ValueError):  # ValueError: a closed file
            self._advance()
        bar.close()
        self._bar = None
