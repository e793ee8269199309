#!/usr/bin/env python3
"""Set up and run Liaison from a fresh checkout, with only Python >= 3.11 installed.

    python3 run.py app [--data-dir DIR]   launch the desktop app (first run offers demo data)
    python3 run.py test [pytest args]     run the whole test suite
    python3 run.py liaison ARGS           run the `liaison` command

Each creates ./.venv on first use and installs the pinned dependencies (constraints.txt).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".liaison-installed"


def _fingerprint(extras: str) -> str:
    digest = hashlib.sha256(extras.encode())
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an old Python
        sys.exit(f"Liaison needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = _fingerprint(extras)
    if STAMP.exists() and STAMP.read_text() == want:
        return
    print("installing dependencies (first run only) …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.check_call([*pip, "--upgrade", "pip"])
    subprocess.check_call([*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[{extras}]"])
    STAMP.write_text(want)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test", "liaison"):
        print(__doc__)
        return 2
    what, rest = argv[0], argv[1:]
    if what == "test":
        ensure_venv("server,test")
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    ensure_venv("server,test")
    module = "liaison_app" if what == "app" else "liaison_app.cli"
    return subprocess.call([str(PYTHON), "-m", module, *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
