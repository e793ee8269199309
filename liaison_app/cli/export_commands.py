"""`liaison export ledger|visits FILE`: the problem ledger or visits to .xlsx or .csv.

The format follows FILE's extension. Exit status as everywhere: 0 written, 2 bad input (a bad
date or code, an unknown extension, a file that cannot be written) with nothing written, 1
anything else. With --json: the path, the rows written and the format.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from liaison_app.cli.output import emit_json, row_progress

if TYPE_CHECKING:
    from liaison_app.services.store import Store

ENCODINGS = ("utf-8-sig", "gb18030")
_SHOW_PROGRESS = 10_000  # rows: smaller exports finish before a counter is worth printing


def add_export_commands(leaf: Any, group: Any) -> None:
    """The `export` group, built with build_parser's own leaf() and group() helpers."""
    exp = group("export", "the problem ledger or visits to Excel (.xlsx) or CSV (.csv)")
    p = leaf(exp, "ledger", "the problem ledger (the filters of `report ledger`), one row each")
    p.add_argument("file", help="the file to write: .xlsx or .csv")
    p.add_argument("--from", metavar="DATE", dest="date_from", help="raised on or after")
    p.add_argument("--to", metavar="DATE", dest="date_to", help="raised on or before")
    p.add_argument("--district", metavar="CODE")
    p.add_argument("--department", metavar="CODE")
    p.add_argument("--category", metavar="CODE")
    p.add_argument("--status", metavar="S")
    p.add_argument("--overdue", action="store_true")
    _format_options(p)
    p = leaf(exp, "visits", "visits of a period (all by default), one row each")
    p.add_argument("file", help="the file to write: .xlsx or .csv")
    p.add_argument("--from", metavar="DATE", dest="date_from")
    p.add_argument("--to", metavar="DATE", dest="date_to")
    _format_options(p)


def _format_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN", help="labels for codes")
    p.add_argument(
        "--encoding",
        choices=ENCODINGS,
        help="for .csv: utf-8-sig (the default: Excel reads it right) or gb18030 (old software)",
    )


def _progress(args: argparse.Namespace) -> Callable[[int, int], None] | None:
    return row_progress(args.json, _SHOW_PROGRESS)


def cmd_export(st: Store, args: argparse.Namespace) -> int:
    from liaison_app.cli.commands import _date, ledger_filters  # what every command reads

    target = Path(args.file).expanduser()
    if args.action == "ledger":
        written = st.exports.ledger(
            target, args.lang, _progress(args), encoding=args.encoding, **ledger_filters(args)
        )
    else:
        date_from, date_to = _date(args.date_from, "from"), _date(args.date_to, "to")
        written = st.exports.visits(
            target, date_from, date_to, args.lang, _progress(args), encoding=args.encoding
        )
    if args.json:
        emit_json(
            {
                "path": str(written.path),
                "rows": written.rows,
                "format": written.format,
                "encoding": written.encoding,
            }
        )
    else:
        print(written.path)
    return 0
