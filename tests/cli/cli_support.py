"""Helpers for the end-to-end tests of the `liaison` command: every call is a real subprocess.

The child runs with LANG=C and no PYTHONIOENCODING, its output is captured as bytes and
decoded strictly as UTF-8, so a test fails if the command ever prints in another encoding.
Subprocesses are slow (~0.5 s), so data sets other tests only read are built once.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TODAY = dt.date.today()
DB_FILENAME = "liaison.sqlite3"

if importlib.util.find_spec("liaison_app.cli.__main__") is not None:
    COMMAND = [sys.executable, "-m", "liaison_app.cli"]
else:  # pragma: no cover - the package may lack a __main__ module
    COMMAND = [
        sys.executable,
        "-c",
        "import sys; from liaison_app.cli import main; sys.exit(main())",
    ]

# A valid unified social credit code (check character and GB 11714 inner check both right).
USCC_DALIAN = "91210202MA0QCX3L77"
# The contract's example of a code whose 18th character is wrong (it should be 7).
USCC_BAD_CHECK = "91310115MA1H8R7C6D"
UNKNOWN_ID = "01a00000-0000-7000-8000-000000000000"
# Every command line run in this session (the terminal summary reports how many).
ALL_CALLS: list[list[str]] = []


def day(offset: int) -> str:
    """Today plus ``offset`` days, as the command takes dates (YYYY-MM-DD)."""
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def child_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONIOENCODING", "PYTHONUTF8", "PYTHONCOERCECLOCALE", "LANGUAGE")
        and not k.startswith("LC_")
    }
    env["LANG"] = "C"
    # Never the user's real data folder, even if a call forgot --data-dir.
    env["LIAISON_DATA_DIR"] = str(home / "default-data-folder")
    env.update(extra)
    return env


@dataclass
class Result:
    args: list[str]
    status: int
    out_bytes: bytes
    err_bytes: bytes
    out: str = ""
    err: str = ""

    def __post_init__(self) -> None:
        # Strict: output that is not UTF-8 fails the test here.
        self.out = self.out_bytes.decode("utf-8")
        self.err = self.err_bytes.decode("utf-8")


@dataclass
class Liaison:
    """The `liaison` command bound to one data folder."""

    data_dir: Path
    env: dict[str, str]
    calls: list[list[str]] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME

    def invoke(
        self, *args: str, data_dir: bool = True, env: dict[str, str] | None = None
    ) -> Result:
        """Run the command; ``--data-dir`` goes before the subcommand unless data_dir=False."""
        argv = [*(["--data-dir", str(self.data_dir)] if data_dir else []), *map(str, args)]
        self.calls.append(argv)
        ALL_CALLS.append(argv)
        proc = subprocess.run(
            [*COMMAND, *argv],
            capture_output=True,
            env=env or self.env,
            timeout=120,
            check=False,
        )
        return Result(argv, proc.returncode, proc.stdout, proc.stderr)

    def expect(self, *args: str, expect: int = 0, **kw: Any) -> Result:
        r = self.invoke(*args, **kw)
        assert r.status == expect, (
            f"liaison {' '.join(r.args)}: exit {r.status}, expected {expect}\n"
            f"--- stdout\n{r.out}\n--- stderr\n{r.err}"
        )
        if expect == 0:
            assert "Traceback" not in r.err, r.err
        return r

    def __call__(self, *args: str, expect: int = 0, **kw: Any) -> tuple[str, str]:
        r = self.expect(*args, expect=expect, **kw)
        return r.out, r.err

    def json(self, *args: str, expect: int = 0, **kw: Any) -> Any:
        """Run with --json after the subcommand and parse stdout as one JSON document."""
        r = self.expect(*args, "--json", expect=expect, **kw)
        assert b"\\u" not in r.out_bytes, "JSON output must not escape characters"
        return json.loads(r.out)

    def new_id(self, *args: str) -> str:
        """An `add` command without --json prints just the new id."""
        out, _ = self(*args)
        ident = out.strip()
        assert ident and "\n" not in ident and " " not in ident, out
        return ident


def db_snapshot(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (search index included): equal snapshots mean nothing written."""
    con = sqlite3.connect(db_path)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def row_count(db_path: Path, table: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()
