"""The peers' own virtual environment: found, or built on first use.

glsm 0.1.4 (the newest release) cannot be installed: it pins
``typing-extensions==4.7.0`` next to ``pydantic==2.4.0``, whose ``pydantic-core``
excludes exactly that release, so pip reports ResolutionImpossible. glsm 0.1.3 ships
the same code (the two differ in line endings only) with pins that agree: numpy
1.25.0, pandas 2.0.3 and pydantic 1.10.9, which have wheels for CPython 3.9 to
3.11 only. The environment is therefore built with the first CPython 3.9-3.11
found. Failures are reported, never raised: the rest of the suite runs without
the peers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final

#: What the peers' environment installs, each on its own so one failure spares the other.
REQUIREMENTS: Final = {"rule-engine": "rule-engine>=5,<6", "glsm": "glsm==0.1.3"}

_MARKER: Final = "leadflow-peers.json"


def _python_candidates() -> list[str]:
    found = []
    if (3, 9) <= sys.version_info[:2] <= (3, 11):
        found.append(sys.executable)
    for minor in (11, 10, 9):
        on_path = shutil.which(f"python3.{minor}")
        if on_path:
            found.append(on_path)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        for minor in (11, 10, 9):
            for version in sorted(pyenv.glob(f"3.{minor}.*"), reverse=True):
                candidate = version / "bin" / f"python3.{minor}"
                if candidate.exists():
                    found.append(str(candidate))
    return found


def ensure(root: Path, log: list[str]) -> tuple[Path | None, dict[str, str]]:
    """Return the environment's python and the peers installed in it (name -> version).

    Builds ``root/.bench/peers-venv`` when it is missing; notes what happened in *log*.
    """
    venv = root / ".bench" / "peers-venv"
    python = venv / "bin" / "python"
    marker = venv / _MARKER
    if marker.exists() and python.exists():
        installed: dict[str, str] = json.loads(marker.read_text())
        return python, installed
    candidates = _python_candidates()
    if not candidates:
        log.append("peers: no CPython 3.9-3.11 found (glsm's pinned numpy needs one)")
        return None, {}
    interpreter = candidates[0]
    log.append(f"peers: building {venv} with {interpreter} (once; takes a minute)")
    shutil.rmtree(venv, ignore_errors=True)
    made = subprocess.run(
        [interpreter, "-m", "venv", str(venv)], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        log.append(f"peers: could not create the environment: {made.stderr.strip()}")
        return None, {}
    installed = {}
    for name, requirement in REQUIREMENTS.items():
        pip = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                requirement,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if pip.returncode != 0:
            last = pip.stderr.strip().splitlines()[-1:] or ["(no message)"]
            log.append(f"peers: pip could not install {requirement}: {last[0]}")
            continue
        version = subprocess.run(
            [str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
            capture_output=True,
            text=True,
            check=False,
        )
        installed[name] = version.stdout.strip() or "?"
    marker.write_text(json.dumps(installed))
    return python, installed
