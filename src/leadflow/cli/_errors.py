"""Why the command stops: a usage error, a bad policy, ``--strict``."""

from __future__ import annotations


class _UsageError(Exception):
    """The command cannot run: bad arguments, an unreadable file, a bad policy."""


class _PolicyError(_UsageError):
    """A policy file was read but holds no valid policy (bad syntax or bad fields)."""


class _StrictStopError(Exception):
    """``--strict`` met a rejected row."""
