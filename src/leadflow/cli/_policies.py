"""Loading policies (a file, a preset or the default) and writing them as TOML."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import tomli_w

from leadflow.errors import (
    InvalidFieldError,
    InvalidRecordError,
)
from leadflow.policy import Policy
from leadflow.presets import DEFAULT_POLICY, PRESETS
from leadflow.records import (
    RECORD_FIELDS,
    signal_columns,
)
from leadflow.serialization import structure
from leadflow.signals import Signal, signal_key

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from leadflow.cli._errors import _PolicyError, _UsageError
from leadflow.cli._report import (
    _problems,
)


def _load_policy_file(path: str) -> Policy:
    """Read a policy from a TOML or JSON file; never executes anything in it."""
    kind = Path(path).suffix.lower()
    if kind not in (".toml", ".json"):
        raise _UsageError(f"policy {path}: a policy file is .toml or .json")
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise _UsageError(f"cannot read policy {path}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text) if kind == ".toml" else json.loads(text)
    except UnicodeDecodeError:
        raise _PolicyError(f"policy {path}: not UTF-8 text") from None
    except (ValueError, RecursionError) as error:  # TOMLDecodeError is a ValueError
        language = "TOML" if kind == ".toml" else "JSON"
        raise _PolicyError(f"policy {path}: not valid {language}: {error}") from None
    try:
        policy: Policy = structure(data, Policy)
    except InvalidRecordError as error:
        details = "\n".join(f"  {path_}: {reason}" for path_, reason in _problems(error))
        raise _PolicyError(f"policy {path} is invalid:\n{details}") from None
    return policy


def _preset_name(text: str) -> str:
    """``--preset``: a preset's name, in any case."""
    name = text.strip().upper()
    if name not in PRESETS:
        raise argparse.ArgumentTypeError(
            f"unknown preset {text!r} (choose from {', '.join(PRESETS)})"
        )
    return name


def _policy(args: argparse.Namespace) -> Policy:
    if getattr(args, "policy", None) is not None:
        return _load_policy_file(args.policy)
    if getattr(args, "preset", None) is not None:
        return PRESETS[args.preset]
    return DEFAULT_POLICY


class _Columns(Collection[str]):
    """The columns a record may have under a policy.

    The record fields and the signals' columns, and also a column named like a
    signal in a spreadsheet's way (``Total Visits`` or ``TotalVisits`` for
    ``total_visits``, matched as categories are, by :func:`signal_key`), which
    :meth:`rename` gives the signal's name.
    """

    def __init__(self, exact: Collection[str], signals: Collection[str]) -> None:
        self._exact = frozenset(exact)
        self._signals = frozenset(signals)

    def __contains__(self, name: object) -> bool:
        return name in self._exact or (
            bool(self._signals) and isinstance(name, str) and signal_key(name) in self._signals
        )

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._exact))

    def __len__(self) -> int:
        return len(self._exact)

    def rename(self, record: Mapping[str, Any]) -> Mapping[str, Any]:
        """*record* with each column named like a signal renamed to the signal's name.

        A column already named exactly as the signal wins over one named like it.
        """
        if not self._signals:
            return record
        exact = self._exact
        others = [key for key in record if key not in exact]
        if not others:
            return record
        renamed = dict(record)
        for key in others:
            name = signal_key(key)
            if name in self._signals and name not in record:
                renamed[name] = renamed.pop(key)
        return renamed


def _columns(signals: Sequence[Signal]) -> _Columns:
    """The columns of records read with *signals* (see :func:`signal_columns`)."""
    return _Columns((*RECORD_FIELDS, *signal_columns(signals)), [s.name for s in signals])


def _record_policy(args: argparse.Namespace) -> tuple[Policy, _Columns]:
    """The policy to decide records by, and the columns a record may have under it.

    A policy whose signals cannot be read from records (a signal named as a record
    field) is refused here, before any row is read, as a bad ``--policy``.
    """
    policy = _policy(args)
    try:
        columns = _columns(policy.signals)
    except InvalidFieldError as error:
        where = f"policy {args.policy}" if getattr(args, "policy", None) else "the policy"
        (path, reason), *_ = _problems(error)
        raise _PolicyError(f"{where} cannot be used with records: {path}: {reason}") from None
    return policy, columns


def _to_toml(data: Mapping[str, Any]) -> str:
    """Write the JSON-like *data* of a policy as TOML (with tomli-w).

    TOML has no null. One in an item of a list of tables (a signal's optional
    ``half_life``, say), or in a policy field whose default is null (a hand-set
    policy's ``calibration``), is left out, which reads back as that field's
    default; any other null is refused, named by its path (``promotion.signals``).

    Raises:
        _UsageError: *data* holds a null that TOML cannot write.
    """
    kept = {k: item for k, item in data.items() if item is not None or k not in _NULL_DEFAULTS}
    return tomli_w.dumps(_without_nulls(kept, ""))


#: The policy fields whose default is null.
_NULL_DEFAULTS: Final = frozenset(
    field.name for field in attrs.fields(Policy) if field.init and field.default is None
)


def _without_nulls(value: Any, where: str, *, in_table_array: bool = False) -> Any:
    if isinstance(value, Mapping):
        kept: dict[str, Any] = {}
        for key, item in value.items():
            at = f"{where}.{key}" if where else key
            if item is None and in_table_array:
                continue
            kept[key] = _without_nulls(item, at, in_table_array=in_table_array)
        return kept
    if isinstance(value, list):
        tables = bool(value) and all(isinstance(item, Mapping) for item in value)
        return [
            _without_nulls(item, f"{where}[{index}]", in_table_array=tables)
            for index, item in enumerate(value)
        ]
    if value is None:
        raise _UsageError(
            f"{where} is null, which TOML cannot write: use --format json for this policy"
        )
    return value
