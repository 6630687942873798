"""``--config FILE``: the settings of a run, in a TOML file; and ``--timezone``.

A configuration file pins what a run decides by, so that the same command gives the
same decisions in any year::

    as_of = 2026-11-30T09:00:00Z      # a TOML datetime with an offset, or ISO text
    timezone = "Europe/Berlin"        # naive timestamps in the input are read there
    policy = "policy.toml"            # relative to this file's directory
    # preset = "ANUM"                 # or a ready-made policy (not both)

A flag given on the command line wins over the file's key (``--policy`` and
``--preset`` both win over both ``policy`` and ``preset``: they are one choice).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadflow._grammar import read_datetime
from leadflow.cli._errors import _UsageError
from leadflow.errors import InvalidFieldError, NaiveDatetimeError
from leadflow.presets import PRESETS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: The keys a configuration file may hold, in the order the documentation lists them.
CONFIG_KEYS: Final = ("as_of", "timezone", "policy", "preset")


def _zone(text: object, where: str) -> tzinfo:
    """An IANA time zone (``Europe/Berlin``, ``UTC``) by name; *where* names the setting.

    Raises:
        _UsageError: not the name of a time zone this machine knows.
    """
    if not isinstance(text, str) or not text.strip():
        raise _UsageError(f"{where}: expected an IANA time zone name (got {text!r})")
    name = text.strip()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError: a name that is a path (`/etc/localtime`, `../x`); OSError: a directory.
        raise _UsageError(
            f"{where}: unknown time zone {text!r} (an IANA name such as Europe/Berlin or UTC)"
        ) from None


def parse_timezone(text: str) -> tzinfo:
    """``--timezone ZONE``, checked when the arguments are parsed."""
    try:
        return _zone(text, "--timezone")
    except _UsageError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("--timezone: ")) from None


def _as_of(value: object, where: str) -> datetime:
    if isinstance(value, (datetime, date, str)):
        try:
            as_of = read_datetime("as_of", value)
        except NaiveDatetimeError:
            reason = "needs a UTC offset"
        except InvalidFieldError as error:
            reason = error.reason
        else:
            return as_of
        raise _UsageError(f"{where}: as_of: {reason} (got {value!r}; e.g. 2026-11-30T09:00:00Z)")
    raise _UsageError(
        f"{where}: as_of: expected a datetime with a UTC offset (got {value!r}; "
        "e.g. 2026-11-30T09:00:00Z)"
    )


def read_text(path: str, what: str) -> str:
    """The UTF-8 text of the *what* file at *path* (a byte-order mark dropped).

    Raises:
        _UsageError: the file cannot be read, or is not UTF-8 text.
    """
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise _UsageError(f"cannot read {what} {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise _UsageError(f"{what} {path}: not UTF-8 text") from None


def _read(path: str) -> Mapping[str, object]:
    where = f"config {path}"
    text = read_text(path, "config")
    try:
        return tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError is a ValueError
        raise _UsageError(f"{where}: not valid TOML: {error}") from None


def apply_config(args: argparse.Namespace) -> None:
    """Fill the settings *args* leaves unset from its ``--config`` file, if any.

    Sets ``args.as_of``, ``args.timezone``, and ``args.policy`` (a path made relative
    to the configuration file's directory) or ``args.preset``.

    Raises:
        _UsageError: an unreadable file, a key the file may not hold or a bad value,
            named with the key and the value.
    """
    path: str | None = getattr(args, "config", None)
    if path is None:
        return
    where = f"config {path}"
    settings = _read(path)
    for key in settings:
        if key not in CONFIG_KEYS:
            raise _UsageError(f"{where}: {key}: unknown key (known: {', '.join(CONFIG_KEYS)})")
    if "policy" in settings and "preset" in settings:
        raise _UsageError(f"{where}: policy and preset: give one, not both")
    if "as_of" in settings:
        as_of = _as_of(settings["as_of"], where)
        if args.as_of is None:
            args.as_of = as_of
    if "timezone" in settings:
        zone = _zone(settings["timezone"], f"{where}: timezone")
        # A CRM export's timestamps carry their offsets: the file's zone is not for them.
        if getattr(args, "timezone", None) is None and getattr(args, "crm", None) is None:
            args.timezone = zone
    rules_given = args.policy is not None or args.preset is not None
    if "policy" in settings:
        policy = settings["policy"]
        if not isinstance(policy, str) or not policy.strip():
            raise _UsageError(f"{where}: policy: expected a file name (got {policy!r})")
        if not rules_given:
            args.policy = str(Path(path).parent / policy)
    if "preset" in settings:
        preset = settings["preset"]
        name = preset.strip().upper() if isinstance(preset, str) else None
        if name not in PRESETS:
            raise _UsageError(
                f"{where}: preset: unknown preset {preset!r} (choose from {', '.join(PRESETS)})"
            )
        if not rules_given:
            args.preset = name
