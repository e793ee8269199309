"""Export benchmark: the problem ledger of 150,000 problems to .xlsx, time and memory.

    python bench/export_exchange.py [--data-dir DIR]

DIR (default bench/out/export_office) gets the office demo data set (20,000 enterprises,
~150,000 problems; ~1.5 min) unless it already holds data. Each export runs in a fresh child
process, so its peak resident memory (ru_maxrss) is its own; the resident size is also sampled
at every tenth of the rows. Figures: ~15,000 and ~150,000 problems to .xlsx (memory must not
grow with the rows: peak ratio far below the 10× rows ratio), 150,000 to .csv, all visits to
.xlsx, and the baseline: openpyxl's own write-only pass over the same number of rows (the
ledger's real values, without reading the database), with our time as a ratio to it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE / "out" / "export_office"
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def ensure_data(data_dir: Path) -> None:
    from liaison_app.services.store import open_store

    store = open_store(data_dir)
    try:
        if store.problems.count():
            return
        print(f"building the office data set in {data_dir} …", flush=True)
        t0 = time.perf_counter()
        result = store.demo.generate("office", 1)
        print(f"  {result.problems:,} problems in {time.perf_counter() - t0:.0f} s", flush=True)
    finally:
        store.close()


def date_for_newest(data_dir: Path, rows: int) -> str | None:
    """The date from which about ``rows`` problems were raised (None: all of them)."""
    con = sqlite3.connect(data_dir / "liaison.sqlite3")
    try:
        row = con.execute(
            "SELECT raised_on FROM problem WHERE deleted_at IS NULL "
            "ORDER BY raised_on DESC LIMIT 1 OFFSET ?",
            (rows,),
        ).fetchone()
        return row[0] if row else None
    finally:
        con.close()


# ---- the child: one export, measured ------------------------------------------------------


def child(kind: str, data_dir: Path, target: Path, date_from: str | None) -> dict[str, object]:
    import datetime as dt

    from liaison_app.services.store import open_store

    store = open_store(data_dir)
    exports = store.exports  # imports openpyxl and the ORM before the baseline is taken
    since = dt.date.fromisoformat(date_from) if date_from and kind == "ledger" else None
    base = rss_mib()
    samples: list[float] = []
    last = [0]

    def progress(done: int, total: int) -> None:
        if done * 10 // max(total, 1) > last[0]:
            last[0] = done * 10 // max(total, 1)
            samples.append(rss_mib())

    t0 = time.perf_counter()
    if kind == "visits":
        written = exports.visits(target, progress=progress)
    elif kind == "bare":
        rows, t0 = bare_openpyxl(exports, target, int(date_from or 0))
    else:
        written = exports.ledger(target, progress=progress, date_from=since)
    seconds = time.perf_counter() - t0
    if kind != "bare":
        rows = written.rows
    return {
        "seconds": seconds,
        "rows": rows,
        "base_mib": base,
        "peak_mib": maxrss_mib(),
        "samples": samples,
        "file_mib": target.stat().st_size / 2**20,
    }


def bare_openpyxl(exports, target: Path, rows: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """openpyxl alone: the ledger's first 1,000 rows of values, cycled to ``rows`` rows, into
    a write-only sheet (dates get openpyxl's own default format) — no database, no styling of
    ours, no summary. Returns the rows and the time the writing started."""
    from openpyxl import Workbook

    names = exports._reports.names("zh_CN")
    sample = list(itertools.islice(exports._ledger_rows({}, names), 1_000))
    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("bare")
    ws.append([f"c{i}" for i in range(len(sample[0]))])
    for row in itertools.islice(itertools.cycle(sample), rows):
        ws.append(row)
    wb.save(target)
    return rows, t0


# ---- the parent ---------------------------------------------------------------------------


def run_child(kind: str, data_dir: Path, target: Path, arg: str | None) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", kind, "--data-dir", str(data_dir)]
    cmd += ["--target", str(target)] + (["--arg", arg] if arg else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", default=str(DEFAULT_DIR))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--arg", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    if args.child:
        print(json.dumps(child(args.child, data_dir, Path(args.target), args.arg)))
        return 0

    ensure_data(data_dir)
    work = Path(tempfile.mkdtemp(prefix="export-bench-"))
    cases = [
        ("ledger ~15,000 → .xlsx", "ledger", "small.xlsx", date_for_newest(data_dir, 15_000)),
        ("ledger all → .xlsx", "ledger", "all.xlsx", None),
        ("ledger all → .csv", "ledger", "all.csv", None),
        ("visits all → .xlsx", "visits", "visits.xlsx", None),
    ]
    results = {}
    for name, kind, file, arg in cases:
        print(f"… {name}", flush=True)
        results[name] = run_child(kind, data_dir, work / file, arg)
        (work / file).unlink()
    full = results["ledger all → .xlsx"]
    print("… openpyxl alone, same row count", flush=True)
    bare = run_child("bare", data_dir, work / "bare.xlsx", str(full["rows"]))
    (work / "bare.xlsx").unlink()
    work.rmdir()

    print()
    print(
        f"{'measure':26} {'rows':>8} {'s':>7} {'rows/s':>7} {'base MiB':>8} "
        f"{'peak MiB':>8} {'growth':>7} {'file MiB':>8}"
    )
    for name, r in [*results.items(), ("openpyxl alone (baseline)", bare)]:
        rows, secs = int(r["rows"]), float(r["seconds"])  # type: ignore[call-overload]
        growth = float(r["peak_mib"]) - float(r["base_mib"])  # type: ignore[arg-type]
        print(
            f"{name:26} {rows:8,} {secs:7.1f} {rows / secs:7,.0f} {r['base_mib']:8.1f} "
            f"{r['peak_mib']:8.1f} {growth:7.1f} {r['file_mib']:8.1f}"
        )
    small = results["ledger ~15,000 → .xlsx"]
    print(
        "resident MiB at each tenth of the 150,000-row .xlsx:",
        ", ".join(f"{m:.0f}" for m in full["samples"]),  # type: ignore[attr-defined]
    )
    row_ratio = int(full["rows"]) / int(small["rows"])  # type: ignore[call-overload]
    peak_ratio = float(full["peak_mib"]) / float(small["peak_mib"])  # type: ignore[arg-type]
    flat = peak_ratio < 1.5
    print(
        f"rows ×{row_ratio:.1f} → peak memory ×{peak_ratio:.2f} (flat: {flat}); "
        f"time vs openpyxl alone: ×{float(full['seconds']) / float(bare['seconds']):.2f}"  # type: ignore[arg-type]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
