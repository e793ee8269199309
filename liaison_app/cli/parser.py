"""The argument grammar of the `liaison` command (calibredb is the model)."""

from __future__ import annotations

import argparse
from typing import Any

from liaison_app.cli.export_commands import add_export_commands
from liaison_app.cli.import_commands import add_import_commands
from liaison_app.domain.labels import SATISFACTION, URGENCIES, VISIT_MODES
from liaison_app.domain.lifecycle import FOLLOW_UP_KINDS, STEPS

CATEGORY_HELP = (
    "category code: funding, production, labour, sales, logistics, materials, tax, legal, "
    "ip_certification, permits, arrears, policy, other"
)


def _globals(suppress: bool) -> argparse.ArgumentParser:
    """--data-dir and --json, accepted before or after the subcommand."""
    p = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="data folder (default: the user data folder, or $LIAISON_DATA_DIR)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="machine-readable output: UTF-8 JSON on stdout",
    )
    return p


def _enterprise_fields(p: argparse.ArgumentParser, creating: bool) -> None:
    p.add_argument("--name", required=creating, help="registered name")
    p.add_argument("--uscc", metavar="CODE", help="unified social credit code (18 characters)")
    p.add_argument(
        "--district", metavar="CODE", dest="district_code", help="GB/T 2260 district code"
    )
    p.add_argument(
        "--industry", metavar="CODE", dest="industry_code", help="GB/T 4754 code, e.g. C3411"
    )
    p.add_argument("--size", choices=("large", "medium", "small", "micro"))
    p.add_argument(
        "--ownership",
        help="private, state, collective, foreign, hmt, joint_stock, individual, other",
    )
    p.add_argument("--address", metavar="TEXT")
    p.add_argument("--legal-rep", metavar="NAME", dest="legal_rep")
    p.add_argument("--contact", metavar="NAME", dest="contact_name")
    p.add_argument("--title", metavar="TEXT", dest="contact_title", help="the contact's title")
    p.add_argument("--phone", metavar="NUMBER")
    p.add_argument("--park", metavar="TEXT")
    p.add_argument("--officer", metavar="NAME", help="assigned liaison officer")
    p.add_argument("--unit", metavar="TEXT", help="the officer's unit")
    p.add_argument(
        "--specialised",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="specialised and innovative (专精特新)",
    )
    p.add_argument("--notes", metavar="TEXT")


def _visit_fields(p: argparse.ArgumentParser, creating: bool) -> None:
    p.add_argument("--date", metavar="YYYY-MM-DD", dest="visit_date", required=creating)
    p.add_argument("--mode", choices=tuple(VISIT_MODES))
    p.add_argument("--summary", metavar="TEXT")
    p.add_argument("--officers", metavar="NAMES", help="officers, separated by commas")
    p.add_argument("--people-met", metavar="TEXT", dest="people_met")
    p.add_argument(
        "--situation", metavar="TEXT", dest="business_situation", help="business situation"
    )
    p.add_argument("--policies", metavar="TEXT", help="policies explained")
    p.add_argument("--opinions", metavar="TEXT")
    p.add_argument("--solved-on-site", metavar="TEXT", dest="solved_on_site")
    p.add_argument("--revenue", metavar="N", help="revenue, 10k yuan")
    p.add_argument("--staff", metavar="N")
    p.add_argument("--capacity-use", metavar="PERCENT", dest="capacity_use")


def _problem_fields(p: argparse.ArgumentParser, creating: bool) -> None:
    p.add_argument("--category", metavar="CODE", required=creating, help=CATEGORY_HELP)
    p.add_argument("--description", metavar="TEXT", required=creating)
    p.add_argument("--urgency", choices=tuple(URGENCIES))
    p.add_argument("--request", metavar="TEXT", help="what the enterprise asks for")
    p.add_argument("--source", choices=("visit", "phone", "hotline", "meeting"))
    p.add_argument("--raised-on", metavar="YYYY-MM-DD", dest="raised_on")
    p.add_argument("--deadline", metavar="YYYY-MM-DD")
    p.add_argument(
        "--shared",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a problem shared by many firms (共性问题)",
    )
    p.add_argument("--department", metavar="CODE", dest="lead_department", help="lead department")
    p.add_argument("--co-departments", metavar="CODES", dest="co_departments")


def _period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", metavar="DATE", dest="date_from")
    p.add_argument("--to", metavar="DATE", dest="date_to")


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF to write")
    p.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN")
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a character cannot be printed (no bundled font has it)",
    )


def _sync_commands(top: argparse._SubParsersAction, leaf: Any, group: Any) -> None:  # type: ignore[type-arg]
    p = leaf(top, "login", "sign this data folder in to a sync server")
    p.add_argument("--server", metavar="URL", required=True, help="http(s)://host:port")
    p.add_argument("--user", metavar="NAME", required=True)
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    leaf(top, "logout", "sign out (unsent changes stay and go out at the next sign-in)")
    p = leaf(top, "sync", "send this folder's changes and fetch the server's (or: sync status)")
    p.add_argument("what", nargs="?", choices=("status",), help="status: what is pending")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="sign in again first with the stored server and user (machines without a keyring)",
    )
    con = group("conflicts", "clashes between two people's edits")
    p = leaf(con, "list", "open conflicts")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p = leaf(con, "resolve", "settle a conflict: --keep mine|theirs, or --value TEXT")
    p.add_argument("id", type=int)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", choices=("mine", "theirs"))
    how.add_argument("--value", metavar="TEXT")
    rej = group("rejected", "changes the server did not accept")
    leaf(rej, "list", "changes not accepted, with the reason")
    leaf(rej, "discard", "give a change up (the record shows the server's values)").add_argument(
        "id"
    )
    leaf(rej, "resend", "send a change again with the record's current values").add_argument("id")
    att = group("attachment", "photos and documents on visits and problems")
    p = leaf(att, "add", "attach a file to a visit, a problem or a follow-up action")
    p.add_argument("--to", metavar="ID", required=True, dest="owner")
    p.add_argument("file")
    p.add_argument("--caption", metavar="TEXT")
    p = leaf(att, "list", "the files attached to a visit or problem")
    p.add_argument("--of", metavar="ID", required=True, dest="owner")
    p = leaf(att, "get", "save an attached file")
    p.add_argument("id")
    p.add_argument("-o", "--output", metavar="FILE", required=True)
    leaf(att, "delete", "remove an attachment").add_argument("id")


def build_parser() -> argparse.ArgumentParser:
    g = _globals(suppress=True)
    parser = argparse.ArgumentParser(
        prog="liaison",
        description="Enterprise liaison records: enterprises, visits, problems, follow-ups.",
        parents=[_globals(suppress=False)],
    )
    from liaison_app import __version__

    parser.add_argument("--version", action="version", version=f"liaison {__version__}")
    top = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def leaf(sub: argparse._SubParsersAction, name: str, help: str) -> argparse.ArgumentParser:  # type: ignore[type-arg]
        return sub.add_parser(name, help=help, description=help, parents=[g])

    def group(name: str, help: str) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        p = top.add_parser(name, help=help, description=help)
        return p.add_subparsers(dest="action", required=True, metavar="ACTION")

    d = leaf(top, "demo", "fill an empty data folder with realistic demo data")
    d.add_argument("--size", choices=("small", "office"), default="small")
    d.add_argument("--seed", type=int, default=1)

    o = leaf(top, "officer", "show or set this data folder's officer name (and unit)")
    o.add_argument("name", nargs="?")
    o.add_argument("--unit", metavar="TEXT", help="the officer's unit, printed on the reports")

    ent = group("enterprise", "enterprises")
    p = leaf(ent, "add", "add an enterprise; prints its id")
    _enterprise_fields(p, creating=True)
    p = leaf(ent, "edit", "change an enterprise's fields (an empty value clears one)")
    p.add_argument("id", metavar="ID|USCC")
    _enterprise_fields(p, creating=False)
    p = leaf(ent, "list", "list enterprises")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--district", metavar="CODE")
    p.add_argument("--industry", metavar="CODE")
    p.add_argument("--size", choices=("large", "medium", "small", "micro"))
    p.add_argument("--officer", metavar="NAME")
    p.add_argument("--limit", type=int)
    p.add_argument("--offset", type=int, default=0)
    for name, text in (
        ("show", "show one enterprise"),
        ("delete", "delete an enterprise with its visits and problems (undo with restore)"),
        ("restore", "undo a delete"),
    ):
        leaf(ent, name, text).add_argument("id", metavar="ID|USCC")

    vis = group("visit", "visits")
    p = leaf(vis, "add", "record a visit; prints its id")
    p.add_argument("--enterprise", metavar="ID|USCC", required=True)
    _visit_fields(p, creating=True)
    p = leaf(vis, "edit", "change a visit's fields")
    p.add_argument("id")
    _visit_fields(p, creating=False)
    p = leaf(vis, "list", "list visits, newest first")
    p.add_argument("--enterprise", metavar="ID|USCC")
    p.add_argument("--search", metavar="TEXT")
    _period(p)
    p.add_argument("--limit", type=int)
    p.add_argument("--offset", type=int, default=0)
    for name, text in (
        ("show", "show one visit with its problems"),
        ("delete", "delete a visit and its problems (undo with restore)"),
        ("restore", "undo a delete"),
    ):
        leaf(vis, name, text).add_argument("id")

    prob = group("problem", "problems and their lifecycle")
    p = leaf(prob, "add", "record a problem raised during a visit; prints its id")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--visit", metavar="ID")
    src.add_argument("--enterprise", metavar="ID|USCC", help="for a problem raised outside a visit")
    _problem_fields(p, creating=True)
    p = leaf(prob, "edit", "change a problem's fields (status changes through the steps)")
    p.add_argument("id", metavar="ID|NUMBER")
    _problem_fields(p, creating=False)
    p = leaf(prob, "list", "list problems (all by default)")
    p.add_argument("--status", metavar="S", action="append", help="repeat or separate with commas")
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--open", action="store_true", dest="open_only", help="open problems only")
    p.add_argument("--category", metavar="CODE")
    p.add_argument("--department", metavar="CODE")
    p.add_argument("--district", metavar="CODE")
    p.add_argument("--enterprise", metavar="ID|USCC")
    p.add_argument("--officer", metavar="NAME")
    p.add_argument("--search", metavar="TEXT")
    _period(p)
    p.add_argument("--sort", choices=("raised", "deadline", "updated"), default="raised")
    p.add_argument("--limit", type=int)
    p.add_argument("--offset", type=int, default=0)
    p = leaf(prob, "due", "open problems overdue or due soon, most urgent first")
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--officer", metavar="NAME")
    for name, text in (
        ("show", "show a problem with its follow-up actions"),
        ("delete", "delete a problem (undo with restore)"),
        ("restore", "undo a delete"),
    ):
        leaf(prob, name, text).add_argument("id", metavar="ID|NUMBER")
    for step in STEPS:
        p = leaf(prob, step, f"lifecycle step: {step}")
        p.add_argument("id", metavar="ID|NUMBER")
        p.add_argument("--department", metavar="CODE")
        p.add_argument("--deadline", metavar="YYYY-MM-DD")
        p.add_argument("--note", metavar="TEXT", help="result, reason or remark")
        p.add_argument("--satisfaction", choices=tuple(SATISFACTION))

    act = group("action", "follow-up actions")
    p = leaf(act, "add", "log a follow-up on a problem")
    p.add_argument("--problem", metavar="ID", required=True)
    p.add_argument("--kind", required=True, metavar="KIND", help=", ".join(FOLLOW_UP_KINDS))
    p.add_argument("--text", required=True)
    p = leaf(act, "list", "a problem's follow-up actions, oldest first")
    p.add_argument("--problem", metavar="ID", required=True)

    ref = group("reference", "reference data")
    p = leaf(ref, "list", "list categories, departments, districts or industries")
    p.add_argument("kind", choices=("categories", "departments", "districts", "industries"))

    p = leaf(top, "search", "find enterprises, visits and problems containing TEXT")
    p.add_argument("text")
    p.add_argument("--kind", choices=("enterprise", "visit", "problem"), action="append")
    p.add_argument("--limit", type=int, default=50)

    p = leaf(top, "stats", "received, resolved, resolution rate and more")
    _period(p)
    p.add_argument("--by", choices=("category", "department", "district", "officer", "month"))
    p.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN")

    rep = group("report", "printable PDF reports")
    p = leaf(rep, "visit", "the visit record for the enterprise to sign")
    p.add_argument("id")
    _report_options(p)
    p = leaf(rep, "ledger", "the problem ledger (landscape table, summary on top)")
    _period(p)
    p.add_argument("--district", metavar="CODE")
    p.add_argument("--department", metavar="CODE")
    p.add_argument("--category", metavar="CODE")
    p.add_argument("--status", metavar="S")
    p.add_argument("--overdue", action="store_true")
    _report_options(p)
    p = leaf(rep, "stats", "figures for a period with charts by category, department, district")
    _period(p)
    _report_options(p)
    p = leaf(rep, "visits", "every visit record of a period in one document")
    p.add_argument("--from", metavar="DATE", dest="date_from", required=True)
    p.add_argument("--to", metavar="DATE", dest="date_to", required=True)
    _report_options(p)

    _sync_commands(top, leaf, group)
    add_export_commands(leaf, group)
    add_import_commands(leaf, group)

    leaf(top, "check", "check the database's integrity (exit 1 when damaged)")
    p = leaf(top, "backup", "copy the database to PATH (a file or a folder)")
    p.add_argument("path", nargs="?")
    return parser
