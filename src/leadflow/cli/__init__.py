"""The ``leadflow`` command: qualify, promote, explain, summarise a funnel, learn a policy.

Run ``leadflow --help`` (or ``python -m leadflow --help``) for the subcommands;
``leadflow docs cli`` prints the full guide (``docs/cli.md``, shipped with the package).
:func:`main` is the entry point; it takes the arguments as a list and returns the exit
status, so it can be called in-process.

Files are read and written one row at a time: memory does not grow with the input.
Decisions go to standard output (or ``--output``): a table for a person at a terminal,
else JSON Lines (``--output-format`` chooses); rejected rows, warnings, progress
(on a terminal only) and the final count line go to standard error. The count line reads
``N rows: X decisions, Y rejected``; for ``qualify`` it goes on with the decisions
by verdict, ``; A qualified, B nurture, C undetermined, D disqualified``.

A policy with fit and engagement signals (``--policy``) makes ``qualify``,
``promote`` and ``explain`` read each signal from the record column of its name
(and ``<name>_observed_at``; see :func:`leadflow.records.signal_columns`), and
``qualify`` write each signal's code and points after the fixed columns. A column
named like a signal in a spreadsheet's way (``Total Visits``) is read as it. A learned
policy (``leadflow learn``) also makes ``qualify`` write a ``probability``.

Exit status:

- 0: every row was decided (or: the policy is valid, the schema was printed);
- 1: some rows were rejected, or the record to explain was rejected, or
  ``policy validate`` found the policy invalid;
- 2: usage error: bad arguments, an unreadable file, a bad ``--policy``;
- 3: ``--strict`` stopped at the first rejected row;
- 4: the output could not be written (a full disk): the decisions are incomplete;
- 130: interrupted (Ctrl-C);
- 141: the reader of standard output went away (``leadflow qualify x.csv | head``).

``--config FILE`` (TOML: ``as_of``, ``timezone``, ``policy`` or ``preset``) pins what a
run decides by, so the same command decides the same in any year; flags win over it.

The command line is an edge: it reads the clock (the default ``--as-of`` is the time
the command started) and files, then hands plain values to the pure core.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from leadflow.cli._config import apply_config
from leadflow.cli._docs import SEE_DOCS
from leadflow.cli._errors import _UsageError
from leadflow.cli._parser import _parser
from leadflow.cli._report import (
    _PROG,
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_REJECTED,
    EXIT_STRICT,
    EXIT_USAGE,
    PROGRESS_EVERY,
    _err,
    _quiet_stdout,
)

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_REJECTED",
    "EXIT_STRICT",
    "EXIT_USAGE",
    "PROGRESS_EVERY",
    "main",
]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``leadflow`` command with *argv* (default: ``sys.argv[1:]``).

    Returns:
        The exit status (see the module documentation).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        apply_config(args)
        return handler(args)
    except _UsageError as error:
        _err(f"{_PROG}: error: {error}")
        _err(SEE_DOCS)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader of our output went away (`leadflow qualify big.csv | head`): stop
        # quietly, as Unix tools do.
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:  # reading errors are usage errors by now: this is writing
        _quiet_stdout()
        _err(f"{_PROG}: error: cannot write the output: {error.strerror or error}")
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        _err(f"{_PROG}: interrupted")
        return EXIT_INTERRUPTED
