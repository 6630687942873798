"""``leadflow docs [PAGE]``: the documentation pages that come with the package.

A wheel ships the pages of ``docs/`` (MyST markdown) as ``leadflow/_docs``; an
editable install (a checkout) reads the checkout's ``docs/`` instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

from leadflow.cli._errors import _UsageError

#: Where usage errors and ``--help`` send a reader for more.
SEE_DOCS: Final = "See `leadflow docs cli`."

_PACKAGE: Final = Path(__file__).resolve().parent.parent


def docs_dir() -> Path | None:
    """The directory of the documentation pages: the package's, else the checkout's."""
    shipped = _PACKAGE / "_docs"
    if (shipped / "cli.md").is_file():
        return shipped
    checkout = _PACKAGE.parent.parent / "docs"  # src/leadflow -> the checkout's docs/
    if (checkout / "cli.md").is_file():
        return checkout
    return None


def pages(root: Path) -> dict[str, Path]:
    """Each page by name (``cli``, ``crm/salesforce``), sorted; a Sphinx build is no page."""
    found = {
        path.relative_to(root).with_suffix("").as_posix(): path
        for path in root.rglob("*.md")
        if not any(part.startswith("_") for part in path.relative_to(root).parts)
    }
    return dict(sorted(found.items()))


def _title(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("# "):
                return line[2:].strip()
    return ""


def _page_name(text: str) -> str:
    name = text.strip().replace("\\", "/").removeprefix("docs/")
    return name.removesuffix(".md")


def _cmd_docs(args: argparse.Namespace) -> int:
    root = docs_dir()
    if root is None:
        raise _UsageError("the documentation pages are not installed with this copy of leadflow")
    found = pages(root)
    if args.page is None:
        if args.path:
            sys.stdout.write(f"{root}\n")
            return 0
        width = max(len(name) for name in found)
        lines = [f"Documentation pages, in {root}:"]
        lines += [f"  {name:<{width}}  {_title(path)}".rstrip() for name, path in found.items()]
        lines.append("Read one with `leadflow docs PAGE`; `--path` prints its file's path.")
        sys.stdout.write("\n".join(lines) + "\n")
        return 0
    name = _page_name(args.page)
    path = found.get(name)
    if path is None:
        raise _UsageError(f"no documentation page {args.page!r} (pages: {', '.join(found)})")
    if args.path:
        sys.stdout.write(f"{path}\n")
    else:
        text = path.read_text(encoding="utf-8")
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
