"""`liaison import enterprises FILE` and `liaison import undo ID`: enterprise lists in.

Exit status as everywhere: 0 imported (with --skip-invalid even if rows were left out; a dry
run without invalid rows), 2 refused with nothing written (invalid rows without
--skip-invalid, a dry run with invalid rows, a file that cannot be read, an unknown or undone
import id), 1 anything else. With --json the report object is printed whatever the status.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from liaison_app.cli.output import emit_json, emit_table, row_progress
from liaison_app.errors import InputError, LiaisonError

if TYPE_CHECKING:
    from liaison_app.exchange.report import ImportReport
    from liaison_app.services.store import Store

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
_SHOW_PROGRESS = 5_000  # rows: smaller files finish before a counter is worth printing
_SHOW_ISSUES = 200  # human output lists this many errors, then says how many more


def add_import_commands(leaf: Any, group: Any) -> None:
    """The `import` group, built with build_parser's own leaf() and group() helpers."""
    imp = group("import", "import enterprise lists from Excel (.xlsx) or CSV (.csv); undo one")
    p = leaf(imp, "enterprises", "import an enterprise list: one row per firm below a header row")
    p.add_argument("file", help="the .xlsx or .csv file (CSV in UTF-8 or GB18030/GBK)")
    p.add_argument(
        "--dry-run", action="store_true", help="check every row and report; write nothing"
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows and report the others (default: import nothing then)",
    )
    p.add_argument(
        "--on-duplicate",
        choices=("update", "skip"),
        default="update",
        help="a firm already on record (same USCC, else name + district): update the fields "
        "the sheet gives (default) or leave it alone",
    )
    p.add_argument("--sheet", metavar="NAME", help="the sheet to read (default: the first)")
    p.add_argument(
        "--map",
        metavar="HEADER=FIELD",
        action="append",
        dest="mappings",
        help="read column HEADER as FIELD (e.g. '单位名称=name'; 'HEADER=' leaves it out); "
        "remembered for files with the same headers",
    )
    leaf(
        imp, "undo", "take an import back: its new firms deleted, its updates undone"
    ).add_argument("id")
    p = leaf(imp, "list", "recent imports, newest first (with the id to undo one)")
    p.add_argument("--limit", type=int, default=20)


def cmd_import(st: Store, args: argparse.Namespace) -> int:
    if args.action == "undo":
        return _undo(st, args)
    if args.action == "list":
        return _list(st, args)
    return _enterprises(st, args)


def _mapping(args: argparse.Namespace) -> dict[str, str | None] | None:
    if not args.mappings:
        return None
    out: dict[str, str | None] = {}
    for item in args.mappings:
        header, sep, target = item.partition("=")
        if not sep or not header.strip():
            raise InputError(f"--map {item!r}: write HEADER=FIELD (or HEADER= to leave it out)")
        out[header.strip()] = target.strip() or None
    return out


def _progress(args: argparse.Namespace) -> Callable[[int, int], None] | None:
    return row_progress(args.json, _SHOW_PROGRESS)


def _failed(args: argparse.Namespace, message: str, *, dry_run: bool) -> dict[str, Any]:
    """The report of an import that could not even start (the file cannot be read)."""
    return {
        "file": Path(args.file).name,
        "sheet": args.sheet,
        "dry_run": dry_run,
        "rows": 0,
        "imported": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "errors": [{"row": None, "column": None, "message": message}],
        "warnings": [],
        "id": None,
        "refused": True,
        "cancelled": False,
    }


def _enterprises(st: Store, args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        report = st.imports.enterprises(
            path,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            on_duplicate=args.on_duplicate,
            sheet=args.sheet,
            mapping=_mapping(args),
            progress=_progress(args),
        )
    except InputError as exc:
        if not args.json:
            raise
        emit_json(_failed(args, exc.message, dry_run=args.dry_run))
        print(f"liaison: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if not args.json:
            raise
        log.debug("import failed", exc_info=True)
        kind = "" if isinstance(exc, LiaisonError) else f"unexpected error: {type(exc).__name__}: "
        emit_json(_failed(args, f"{kind}{exc}", dry_run=args.dry_run))
        print(f"liaison: {kind}{exc}", file=sys.stderr)
        return EXIT_FAILURE
    status = _status(report)
    if args.json:
        emit_json(report)
    else:
        _print_report(report)
    if status == EXIT_BAD_INPUT:
        invalid = len({e.row for e in report.errors})
        why = (
            f"{invalid} row{'s' if invalid != 1 else ''} with errors"
            if any(e.row is not None for e in report.errors)
            else (report.errors[0].message if report.errors else "refused")
        )
        hint = "" if args.skip_invalid or args.dry_run else " (--skip-invalid imports the rest)"
        print(f"liaison: error: nothing imported: {why}{hint}", file=sys.stderr)
    return status


def _status(report: ImportReport) -> int:
    if report.refused or report.cancelled:
        return EXIT_BAD_INPUT
    if report.dry_run and report.errors:
        return EXIT_BAD_INPUT
    return EXIT_OK


def _print_report(r: ImportReport) -> None:
    where = f"sheet {r.sheet}, " if r.sheet else ""
    head = f"{r.file} ({where}header row {r.header_row}, {r.rows:,} rows)"
    verb = "would import" if r.dry_run else "imported"
    print(
        f"{head}: {verb} {r.imported:,}, updated {r.updated:,}, unchanged {r.unchanged:,}, "
        f"skipped {r.skipped:,}" + (" — dry run, nothing written" if r.dry_run else "")
    )
    for issue in r.errors[:_SHOW_ISSUES]:
        print(_issue_line(issue))
    if len(r.errors) > _SHOW_ISSUES:
        print(f"… and {len(r.errors) - _SHOW_ISSUES:,} more errors (all of them with --json)")
    if r.warnings:
        shown = r.warnings[:20]
        for w in shown:
            print(f"liaison: warning: {_issue_line(w)}", file=sys.stderr)
        if len(r.warnings) > len(shown):
            print(f"liaison: warning: … and {len(r.warnings) - len(shown):,} more", file=sys.stderr)
    if r.id:
        print(f"import {r.id} (undo: liaison import undo {r.id})")


def _issue_line(issue: Any) -> str:
    if issue.row is None:
        return str(issue.message)
    if issue.column is None:
        return f"row {issue.row}: {issue.message}"
    return f"row {issue.row}, column {issue.column}: {issue.message}"


def _undo(st: Store, args: argparse.Namespace) -> int:
    report, _ = st.imports.undo(args.id)
    if args.json:
        emit_json(report)
    else:
        print(
            f"undid import {report.id}: {report.removed:,} enterprises removed, "
            f"{report.restored:,} put back as they were"
        )
        for note in report.kept:
            print(f"liaison: warning: kept as it is now: {note}", file=sys.stderr)
    return EXIT_OK


def _list(st: Store, args: argparse.Namespace) -> int:
    rows = st.imports.list(args.limit)
    if args.json:
        emit_json(rows)
    else:
        emit_table(
            [
                (
                    f"{b.created_at:%Y-%m-%d %H:%M}",
                    b.file_name,
                    b.imported,
                    b.updated,
                    "undone" if b.undone_at else "",
                    b.id,
                )
                for b in rows
            ],
            ("when (UTC)", "file", "imported", "updated", "", "id"),
        )
    return EXIT_OK
