"""Report benchmark: one visit record, a 500-row ledger, a 10,000-row ledger, a batch of visits.

    python bench/reports.py --data-dir DIR      (DIR holds the office data set)

Each figure is the median of --repeat warm runs with tracemalloc's peak, beside a bare reportlab
document with the same text (plain paragraphs, same font, no tables or footers) and the ratio.
The batch prints memory after every 50 records: it must stay flat. Targets (issue 14): one visit
record < 0.1 s warm; a 500-row ledger ≤ 2× bare reportlab with the same words; a 10,000-row
ledger < 20 s with peak memory < 250 MB (tracemalloc's peak, and the process's max RSS growth).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate

from liaison_app.reports.layout import styles
from liaison_app.reports.ledger import render_ledger, row_cells
from liaison_app.services.store import open_store


def bare(texts: list[str]) -> bytes:
    """The same words as plain reportlab paragraphs (CJK wrapping, the same font and size): what
    reportlab costs before our layout."""
    st = styles()["cell"]
    st.wordWrap = "CJK"
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build([Paragraph(escape(t), st) for t in texts])
    return buffer.getvalue()


def measure(fn, repeat: int) -> tuple[float, float]:
    """Median wall time (tracemalloc off: it slows Python 2–3×), then one traced run's peak."""
    fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def visit_texts(data) -> list[str]:  # type: ignore[no-untyped-def]
    v, e = data.visit, data.enterprise
    out = [
        e.name,
        e.uscc or "",
        e.address or "",
        v.business_situation or "",
        v.policies or "",
        v.summary or "",
    ]
    for p in data.problems:
        out += [p.number, p.description, p.request or "", p.result or ""]
        out += [a.text or a.kind for a in p.actions]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    store = open_store(Path(args.data_dir))
    reports = store.reports
    names = reports.names("zh_CN")
    rows = []

    visit = store.visits.list(limit=1)[0]
    data = reports._visit_data(visit)
    texts = visit_texts(data)
    ours = measure(lambda: reports.visit_record(visit.id), args.repeat)
    base = measure(lambda: bare(texts), args.repeat)
    rows.append(("one visit record (gather + render)", ours, base, ours[0] < 0.1))

    problems = store.problems.list(limit=500)
    figures = store.stats.figures_for()
    today = dt.date.today()
    ledger_texts = [  # every cell the ledger prints for the row
        " ".join(map(str, row_cells(i, p, names, today))) for i, p in enumerate(problems, 1)
    ]
    ours = measure(lambda: render_ledger(problems, figures, "", names), args.repeat)
    base = measure(lambda: bare(ledger_texts), args.repeat)
    rows.append(("500-row ledger (render)", ours, base, ours[0] <= 2 * base[0]))
    gather = measure(lambda: store.problems.list(limit=500), args.repeat)
    rows.append(("500-row ledger (gather rows)", gather, (0.0, 0.0), True))

    big = store.problems.list(limit=10_000)
    gc.collect()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    render_ledger(big, figures, "", names)
    big_time = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0
    gc.collect()
    tracemalloc.start()
    render_ledger(big, figures, "", names)
    big_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows.append(
        (
            f"{len(big):,}-row ledger (render)",
            (big_time, big_peak),
            (0.0, 0.0),
            big_time < 20 and big_peak < 250,
        )
    )
    print(f"{len(big):,}-row ledger: max RSS grew by {rss:.0f} MiB during the untraced run")

    visits = store.visits.list(limit=200)
    folder = Path(tempfile.mkdtemp())
    memory: list[float] = []
    done = 0
    traced = False

    def progress(d: int, _t: int) -> None:
        nonlocal done
        done = d
        if traced and d % 50 == 0:
            memory.append(tracemalloc.get_traced_memory()[0] / 2**20)

    date_from, date_to = min(v.visit_date for v in visits), max(v.visit_date for v in visits)
    gc.collect()
    t0 = time.perf_counter()
    written = reports.export_visits(
        date_from, date_to, folder, progress=progress, cancelled=lambda: done >= 200
    )
    batch_time = time.perf_counter() - t0
    traced, done = True, 0  # a second, traced pass for the memory curve
    tracemalloc.start()
    reports.export_visits(
        date_from,
        date_to,
        Path(tempfile.mkdtemp()),
        progress=progress,
        cancelled=lambda: done >= 200,
    )
    batch_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    t0 = time.perf_counter()
    for v in visits[: len(written)]:
        bare(visit_texts(reports._visit_data(v)))
    bare_batch = time.perf_counter() - t0
    rows.append(
        (
            f"batch of {len(written)} visit records",
            (batch_time, batch_peak),
            (bare_batch, 0.0),
            True,
        )
    )

    print(f"{'measure':38} {'s':>8} {'peak MiB':>9} {'bare s':>8} {'ratio':>6}  target")
    for name, (t, peak), (bt, _bp), ok in rows:
        ratio = f"{t / bt:6.2f}" if bt else "     -"
        print(f"{name:38} {t:8.3f} {peak:9.1f} {bt:8.3f} {ratio}  {'PASS' if ok else 'FAIL'}")
    print("batch memory after every 50 records (MiB):", ", ".join(f"{m:.1f}" for m in memory))
    flat = len(memory) < 2 or max(memory) - min(memory) < 5
    print(
        f"summary: {sum(r[3] for r in rows)}/{len(rows)} within target; batch memory flat: {flat}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
