"""GUI benchmark on the office data set: start-up, opening each list, one search keystroke.

    python bench/gui.py --data-dir DIR     (DIR holds the office data set: `liaison demo --size office`)

Each start-up figure is a fresh process (median of --repeat runs), from interpreter start until the
main window is shown and the event queue is drained, and is printed as a ratio to the same for a
bare PySide6 window. Targets (design.md §5): start-up ≤ 4× bare; each list opens in < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents()
print(time.perf_counter())
"""

APP = """
import time, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from liaison_app.app import build_context, build_window, register_font
app = QApplication([])
register_font(app)
ctx = build_context(app, Path(sys.argv[1]), settings_path=sys.argv[2], language="zh_CN")
w = build_window(ctx); w.restore_state(); w.show(); app.processEvents()
print(time.perf_counter())
"""


def startup(code: str, *args: str) -> float:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    shown = float(out.stdout.strip().splitlines()[-1])
    # perf_counter is system-wide monotonic on Linux, so the child's reading is comparable.
    return shown - start


def median(fn, repeat: int) -> float:
    fn()  # warm-up (disk cache)
    return statistics.median(fn() for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = str(Path(tempfile.mkdtemp()) / "bench.ini")

    bare = median(lambda: startup(BARE), args.repeat)
    app = median(lambda: startup(APP, args.data_dir, settings), args.repeat)
    rows = [("start-up to interactive window", app, bare, app / bare, app / bare <= 4)]

    from PySide6.QtWidgets import QApplication

    from liaison_app.app import build_context, build_window, register_font
    from liaison_app.ui.main_window import PAGES

    qapp = QApplication([])
    register_font(qapp)
    ctx = build_context(qapp, Path(args.data_dir), settings_path=settings, language="zh_CN")
    window = build_window(ctx)
    window.show()
    qapp.processEvents()
    ctx.store.warm_up()  # what the app does in the background right after showing the window

    def settle() -> None:
        """Let background reads (detail panes, counts) finish outside the measured spans."""
        ctx.tasks.wait()
        qapp.processEvents()

    settle()
    for i, name in enumerate(PAGES):
        page = window.pages[name]
        if hasattr(page, "_loaded"):
            page._loaded = False  # measure the first opening, data load included
        t0 = time.perf_counter()
        window.show_page(i)
        qapp.processEvents()
        took = time.perf_counter() - t0
        rows.append((f"open {name}", took, bare, took / bare, took < 0.100))
        settle()
    window.show_page(PAGES.index("enterprises"))
    view = window.enterprises
    for text in ("沈", "沈阳", "机械"):
        view.search.setText(text)
        t0 = time.perf_counter()
        view.apply_filters()  # what the debounce timer runs after the keystroke
        qapp.processEvents()
        took = time.perf_counter() - t0
        rows.append(
            (
                f"search keystroke {text!r} ({view.model.rowCount()} rows)",
                took,
                bare,
                took / bare,
                took < 0.100,
            )
        )
    window.show_page(PAGES.index("ledger"))
    ledger = window.ledger
    for text in ("贷", "融资"):
        ledger.search.setText(text)
        t0 = time.perf_counter()
        ledger.apply_filters()
        qapp.processEvents()
        took = time.perf_counter() - t0
        rows.append((f"ledger search {text!r}", took, bare, took / bare, took < 0.100))
        settle()

    print(f"{'measure':45} {'ms':>9} {'bare ms':>9} {'ratio':>7}  target")
    for name, took, base, ratio, ok in rows:
        print(
            f"{name:45} {took * 1000:9.1f} {base * 1000:9.1f} {ratio:7.2f}  {'PASS' if ok else 'FAIL'}"
        )
    print(f"summary: {sum(r[4] for r in rows)}/{len(rows)} within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
