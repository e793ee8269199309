"""What each `liaison` subcommand does: call one service, print the result."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from liaison_app import paths
from liaison_app.cli.output import emit_fields, emit_json, emit_table, to_data, warn
from liaison_app.domain.fields import ENTERPRISE_FIELDS, PROBLEM_FIELDS, VISIT_FIELDS
from liaison_app.domain.labels import format_rate, heading, label
from liaison_app.domain.records import Saved
from liaison_app.errors import InputError, ValidationError
from liaison_app.services.store import Store, open_store

# `problem add/edit` take these only to refuse them with the way to set them (assign / extend).
PROBLEM_OPTIONS = (*PROBLEM_FIELDS, "deadline", "lead_department")


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    """Only the options the user gave: an edit changes nothing else."""
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError.single(
            option, "bad_date", f"{value!r} is not a date (YYYY-MM-DD)"
        ) from None


def _saved(args: argparse.Namespace, saved: Saved, human: Callable[[Any], None]) -> int:
    warn(saved.warnings)
    if args.json:
        emit_json(saved.record)
    else:
        human(saved.record)
    return 0


def _print_id(args: argparse.Namespace, saved: Saved) -> int:
    warn(saved.warnings)
    if args.json:
        emit_json({"id": saved.record.id})
    else:
        print(saved.record.id)
    return 0


def ledger_filters(args: argparse.Namespace) -> dict[str, Any]:
    """The ledger's filters as the PDF report and the Excel export both take them."""
    return {
        "date_from": _date(args.date_from, "from"),
        "date_to": _date(args.date_to, "to"),
        "district": args.district,
        "department": args.department,
        "category": args.category,
        "status": args.status,
        "overdue": args.overdue,
    }


def _show_record(record: Any) -> None:
    data = to_data(record)
    data.pop("actions", None)
    emit_fields(data)


def _problem_rows(records: list[Any]) -> None:
    emit_table(
        [
            (
                r.number,
                r.raised_on,
                label("categories", r.category),
                label("status", r.status),
                "超期" if r.overdue else "",
                r.deadline or "",
                r.enterprise_name,
                r.id,
            )
            for r in records
        ],
        ("number", "raised", "category", "status", "overdue", "deadline", "enterprise", "id"),
    )


def _show_problem(record: Any) -> None:
    _show_record(record)
    if record.actions:
        print("\nfollow-up actions:")
        emit_table(
            [
                (
                    a.at.strftime("%Y-%m-%d %H:%M"),
                    label("action_kind", a.kind),
                    f"{a.from_status or ''} → {a.to_status or ''}",
                    a.actor,
                    a.text or "",
                )
                for a in record.actions
            ],
            ("when", "action", "status", "by", "text"),
        )
    if record.allowed_steps:
        print(f"\nnext steps: {', '.join(record.allowed_steps)}")


# ---- command handlers ---------------------------------------------------------------------


def cmd_demo(st: Store, args: argparse.Namespace) -> int:
    live = sys.stderr.isatty()  # in a log, plain lines rather than \r running together
    lead, end = ("\r", "") if live else ("", "\n")

    def progress(done: int, total: int) -> None:
        if not args.json and total > 1_000:
            print(f"{lead}{done:,}/{total:,} enterprises", end=end, file=sys.stderr, flush=True)

    result = st.demo.generate(args.size, args.seed, progress)
    if live and not args.json and result.enterprises > 1_000:
        print(file=sys.stderr)
    if args.json:
        emit_json(result)
    else:
        print(
            f"demo data ({args.size}): {result.enterprises} enterprises, {result.visits} visits, "
            f"{result.problems} problems, {result.actions} follow-up actions"
        )
    return 0


def cmd_officer(st: Store, args: argparse.Namespace) -> int:
    if args.name is not None:
        st.settings.set_officer_name(args.name)
    if args.unit is not None:
        st.settings.set_officer_unit(args.unit)
    name = st.settings.officer_name()
    unit = st.settings.officer_unit()
    if args.json:
        emit_json({"officer": name, "unit": unit})
    else:
        print(" ".join(filter(None, [name or "(not set)", f"({unit})" if unit else ""])))
    return 0


def _firm(st: Store, ref: str | None, *, deleted: bool = False) -> str | None:
    """An enterprise named by id or by USCC, as its id."""
    return None if ref is None else st.enterprises.resolve(ref, deleted=deleted)


def cmd_enterprise(st: Store, args: argparse.Namespace) -> int:
    svc = st.enterprises
    if getattr(args, "id", None) is not None:
        args.id = _firm(st, args.id, deleted=args.action == "restore")
    match args.action:
        case "add":
            return _print_id(args, svc.create(_given(args, ENTERPRISE_FIELDS)))
        case "edit":
            return _saved(args, svc.update(args.id, _given(args, ENTERPRISE_FIELDS)), _show_record)
        case "show":
            record = svc.get(args.id)
            emit_json(record) if args.json else _show_record(record)
        case "delete":
            return _saved(
                args,
                svc.delete(args.id),
                lambda r: print(f"deleted {r.id} (undo: liaison enterprise restore {r.id})"),
            )
        case "restore":
            return _saved(args, svc.restore(args.id), lambda r: print(f"restored {r.id}"))
        case "list":
            rows = svc.list(
                search=args.search,
                district=args.district,
                industry=args.industry,
                size=args.size,
                officer=args.officer,
                limit=args.limit,
                offset=args.offset,
            )
            if args.json:
                emit_json(rows)
            else:
                emit_table(
                    [
                        (r.name, r.uscc, label("districts", r.district_code), r.open_problems, r.id)
                        for r in rows
                    ],
                    ("name", "uscc", "district", "open", "id"),
                )
    return 0


def cmd_visit(st: Store, args: argparse.Namespace) -> int:
    svc = st.visits
    if getattr(args, "enterprise", None) is not None:
        args.enterprise = _firm(st, args.enterprise)
    match args.action:
        case "add":
            return _print_id(args, svc.create(args.enterprise, _given(args, VISIT_FIELDS)))
        case "edit":
            return _saved(args, svc.update(args.id, _given(args, VISIT_FIELDS)), _show_record)
        case "show":
            record = svc.get(args.id)
            problems = st.problems.list(visit_id=record.id, sort="raised")
            if args.json:
                data = to_data(record)
                data["problems"] = [
                    {k: v for k, v in to_data(p).items() if k != "actions"} for p in problems
                ]
                emit_json(data)
            else:
                _show_record(record)
                if problems:
                    print("\nproblems raised:")
                    _problem_rows(problems)
        case "delete":
            return _saved(
                args,
                svc.delete(args.id),
                lambda r: print(f"deleted {r.id} (undo: liaison visit restore {r.id})"),
            )
        case "restore":
            return _saved(args, svc.restore(args.id), lambda r: print(f"restored {r.id}"))
        case "list":
            rows = svc.list(
                enterprise_id=args.enterprise,
                search=args.search,
                date_from=_date(args.date_from, "from"),
                date_to=_date(args.date_to, "to"),
                limit=args.limit,
                offset=args.offset,
            )
            if args.json:
                emit_json(rows)
            else:
                emit_table(
                    [
                        (
                            r.visit_date,
                            label("visit_mode", r.mode),
                            r.enterprise_name,
                            "、".join(r.officers),
                            r.id,
                        )
                        for r in rows
                    ],
                    ("date", "mode", "enterprise", "officers", "id"),
                )
    return 0


def _problem_list_data(rows: list[Any]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        data = to_data(r)
        data.pop("actions", None)
        out.append(data)
    return out


def cmd_problem(st: Store, args: argparse.Namespace) -> int:
    from liaison_app.domain.lifecycle import STEPS, StepInput

    svc = st.problems
    action = args.action
    if getattr(args, "enterprise", None) is not None:
        args.enterprise = _firm(st, args.enterprise)
    if action in STEPS:
        inp = StepInput(
            department=args.department,
            deadline=_date(args.deadline, "deadline"),
            note=args.note,
            satisfaction=args.satisfaction,
        )
        saved = svc.step(args.id, action, inp)
        return _saved(
            args, saved, lambda r: print(f"{r.number}: {label('status', r.status)} ({r.status})")
        )
    match action:
        case "add":
            return _print_id(
                args,
                svc.create(
                    _given(args, PROBLEM_OPTIONS),
                    visit_id=args.visit,
                    enterprise_id=args.enterprise,
                ),
            )
        case "edit":
            return _saved(args, svc.update(args.id, _given(args, PROBLEM_OPTIONS)), _show_problem)
        case "show":
            record = svc.get(args.id)
            emit_json(record) if args.json else _show_problem(record)
        case "delete":
            return _saved(
                args,
                svc.delete(args.id),
                lambda r: print(f"deleted {r.id} (undo: liaison problem restore {r.id})"),
            )
        case "restore":
            return _saved(args, svc.restore(args.id), lambda r: print(f"restored {r.id}"))
        case "list":
            statuses = [s.strip() for v in args.status or () for s in v.split(",") if s.strip()]
            rows = svc.list(
                status=statuses or None,
                category=args.category,
                department=args.department,
                district=args.district,
                enterprise_id=args.enterprise,
                officer=args.officer,
                overdue=args.overdue,
                open_only=args.open_only,
                search=args.search,
                date_from=_date(args.date_from, "from"),
                date_to=_date(args.date_to, "to"),
                sort=args.sort,
                limit=args.limit,
                offset=args.offset,
            )
            emit_json(_problem_list_data(rows)) if args.json else _problem_rows(rows)
        case "due":
            rows = svc.due(args.days, officer=args.officer)
            emit_json(_problem_list_data(rows)) if args.json else _problem_rows(rows)
    return 0


def cmd_action(st: Store, args: argparse.Namespace) -> int:
    if args.action == "add":
        saved = st.problems.add_action(args.problem, args.kind, args.text)
        newest = saved.record.actions[-1]
        if args.json:
            emit_json({"id": newest.id, "problem_id": saved.record.id})
        else:
            print(newest.id)
        return 0
    record = st.problems.get(args.problem)
    if args.json:
        emit_json(list(record.actions))
    else:
        _show_problem(record)
    return 0


def cmd_reference(st: Store, args: argparse.Namespace) -> int:
    rows = st.reference.list(args.kind)
    if args.json:
        emit_json(rows)
    else:
        emit_table([(r.code, r.name_zh, r.name_en) for r in rows], ("code", "中文", "English"))
    return 0


def cmd_search(st: Store, args: argparse.Namespace) -> int:
    if not args.text.strip():
        raise ValidationError.single("text", "required", "search text may not be blank")
    hits = st.search.search(args.text, tuple(args.kind) if args.kind else None, args.limit)
    if args.json:
        emit_json(hits)
    else:
        emit_table(
            [(h.kind, h.title, h.detail, h.id) for h in hits], ("kind", "title", "detail", "id")
        )
    return 0


def cmd_stats(st: Store, args: argparse.Namespace) -> int:
    report = st.stats.figures(
        _date(args.date_from, "from"), _date(args.date_to, "to"), args.by, args.lang
    )
    if args.json:
        emit_json(report)
        return 0
    o, lang = report.overall, args.lang
    period = f"{report.date_from or '…'} – {report.date_to or '…'}"
    print(
        f"{period}: {heading('resolution_rate', lang)} {format_rate(o.resolution_rate)} "
        f"({o.resolved:,} / {o.received:,})"
    )
    keys = (
        "received",
        "resolved",
        "resolution_rate",
        "on_time_rate",
        "overdue",
        "callback_rate",
        "satisfaction_rate",
    )

    def cells(f: Any) -> list[str]:
        return [
            f"{f.received:,}",
            f"{f.resolved:,}",
            format_rate(f.resolution_rate),
            format_rate(f.on_time_rate),
            f"{f.overdue:,}",
            format_rate(f.callback_rate),
            format_rate(f.satisfaction_rate),
        ]

    rows = [[g.label or g.key or "—", *cells(g)] for g in report.groups]
    rows.append([heading("total", lang), *cells(o)])
    emit_table(rows, [args.by or "", *(heading(k, lang) for k in keys)])
    print(heading("satisfaction_note", lang))
    return 0


def cmd_report(st: Store, args: argparse.Namespace) -> int:
    target = Path(args.output).expanduser()
    if not target.parent.is_dir():
        raise InputError(f"folder {target.parent} does not exist")
    if args.action == "visit":
        report = st.reports.visit_record(args.id, args.lang)
    elif args.action == "ledger":
        report = st.reports.ledger(args.lang, **ledger_filters(args))
    elif args.action == "visits":
        report = st.reports.visit_records(
            _date(args.date_from, "from"), _date(args.date_to, "to"), args.lang
        )
    else:
        report = st.reports.statistics(
            _date(args.date_from, "from"), _date(args.date_to, "to"), args.lang
        )
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(report.pdf)
    partial.replace(target)
    warn(report.warnings)
    if args.json:
        emit_json(
            {
                "path": str(target),
                "pages": report.pages,
                "bytes": len(report.pdf),
                "warnings": list(report.warnings),
            }
        )
    else:
        print(target)
    if args.strict and report.missing:
        return 1
    return 0


def cmd_check(st: Store, args: argparse.Namespace) -> int:
    report = st.maintenance.check()
    if args.json:
        emit_json(report)
    else:
        print("ok" if report.ok else "problems found:")
        for name, ids in report.issues.items():
            print(f"  {name}: {len(ids)} (e.g. {', '.join(ids[:3])})")
    return 0 if report.ok else 1


def cmd_backup(st: Store, args: argparse.Namespace) -> int:
    target = Path(args.path).expanduser() if args.path else None
    written = st.maintenance.backup(target, paths.backups_dir(st.data_dir))
    if args.json:
        emit_json({"path": str(written), "bytes": written.stat().st_size})
    else:
        print(written)
    return 0


from liaison_app.cli import export_commands, import_commands, sync_commands  # noqa: E402

HANDLERS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "login": sync_commands.cmd_login,
    "logout": sync_commands.cmd_logout,
    "sync": sync_commands.cmd_sync,
    "conflicts": sync_commands.cmd_conflicts,
    "rejected": sync_commands.cmd_rejected,
    "attachment": sync_commands.cmd_attachment,
    "demo": cmd_demo,
    "officer": cmd_officer,
    "enterprise": cmd_enterprise,
    "visit": cmd_visit,
    "problem": cmd_problem,
    "action": cmd_action,
    "reference": cmd_reference,
    "search": cmd_search,
    "stats": cmd_stats,
    "report": cmd_report,
    "check": cmd_check,
    "backup": cmd_backup,
    "export": export_commands.cmd_export,
    "import": import_commands.cmd_import,
}


def run(args: argparse.Namespace) -> int:
    if getattr(args, "limit", None) is not None and args.limit < 0:
        raise InputError("--limit must be zero or more")
    st = open_store(paths.resolve_data_dir(args.data_dir))
    try:
        return HANDLERS[args.command](st, args)
    finally:
        st.close()
