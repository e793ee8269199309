"""The `liaison-server` command: migrate, serve and administer the central server.

Every subcommand first brings the schema up to date. Exit 0 success, 2 bad input, 1 otherwise.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from liaison_app.errors import InputError, LiaisonError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="liaison-server", description=__doc__)
    p.add_argument(
        "--db", metavar="URL", help="database URL (default: $LIAISON_SERVER_DB or a SQLite file)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or update the schema, then exit")
    s = sub.add_parser("serve", help="serve the HTTP API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--tls-cert", metavar="FILE")
    s.add_argument("--tls-key", metavar="FILE")
    s.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    s.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default="info",
        help="JSON log lines on stderr from this level up (default info: every request)",
    )
    u = sub.add_parser("user", help="user accounts").add_subparsers(dest="action", required=True)
    a = u.add_parser("add", help="add a user")
    a.add_argument("name")
    a.add_argument("--role", choices=("officer", "supervisor", "admin"), required=True)
    a.add_argument("--district", metavar="CODE")
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    a.add_argument("--display-name", metavar="TEXT", help="name shown as author (default: NAME)")
    a.add_argument("--unit", metavar="TEXT", help="the user's unit")
    e = u.add_parser("edit", help="change a user's display name or unit")
    e.add_argument("name")
    e.add_argument("--display-name", metavar="TEXT")
    e.add_argument("--unit", metavar="TEXT", help="an empty text clears it")
    for name in ("passwd", "disable"):
        x = u.add_parser(name, help=f"{name} a user")
        x.add_argument("name")
        if name == "passwd":
            x.add_argument("--password-stdin", action="store_true")
    u.add_parser("list", help="list users")
    g = sub.add_parser("assign", help="give a user an enterprise or a supervisor a district")
    which = g.add_mutually_exclusive_group(required=True)
    which.add_argument("--enterprise", metavar="ID")
    which.add_argument("--district", metavar="CODE")
    g.add_argument("--to", metavar="USER", required=True)
    ref = sub.add_parser("reference", help="reference data").add_subparsers(
        dest="action", required=True
    )
    imp = ref.add_parser(
        "import", help="add or rename categories, departments, districts, industries"
    )
    imp.add_argument("file", help="CSV (kind,code,name_zh,name_en[,city_code]) or JSON")
    sub.add_parser("stats", help="figures across all officers")
    cl = sub.add_parser("cleanup", help="remove tombstones older than the horizon")
    cl.add_argument(
        "--days", type=int, default=180, help="keep deletes younger than this (default 180)"
    )
    un = sub.add_parser("unassign", help="withdraw a user's assignment to an enterprise")
    un.add_argument("--enterprise", metavar="ID", required=True)
    un.add_argument("--from", dest="user", metavar="USER", required=True)
    d = sub.add_parser("device", help="signed-in clients").add_subparsers(
        dest="action", required=True
    )
    d.add_parser("list", help="list devices")
    r = d.add_parser("revoke", help="sign a device out")
    r.add_argument("id")
    return p


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise InputError("the passwords differ")
    return first


def _print(args: argparse.Namespace, data: object, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, default=str, indent=2))
    else:
        print(text)


def run(args: argparse.Namespace) -> int:
    from liaison_app.server import accounts, scopes
    from liaison_app.server.db import database_url, make_engine
    from liaison_app.server.migrate import upgrade

    engine = make_engine(database_url(args.db))
    upgrade(engine)
    if args.command == "migrate":
        _print(args, {"ok": True}, "schema is up to date")
    elif args.command == "serve":
        from liaison_app.server.serving import serve

        if bool(args.tls_cert) != bool(args.tls_key):
            raise InputError("--tls-cert and --tls-key go together")
        for f in (args.tls_cert, args.tls_key):
            if f and not Path(f).is_file():
                raise InputError(f"{f} does not exist")
        engine.dispose()  # each serving process opens its own
        serve(
            database_url(args.db),
            args.host,
            args.port,
            workers=args.workers,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            log_level=args.log_level,
        )
    elif args.command == "user":
        if args.action == "add":
            row = accounts.add_user(
                engine,
                args.name,
                args.role,
                _password(args.password_stdin),
                args.district,
                display_name=args.display_name,
                unit=args.unit,
            )
            _print(args, row.__dict__, f"added {row.name} ({row.role})")
        elif args.action == "edit":
            row = accounts.edit_user(
                engine, args.name, display_name=args.display_name, unit=args.unit
            )
            _print(args, row.__dict__, f"{row.name}: {row.display_name}, {row.unit or '-'}")
        elif args.action == "passwd":
            accounts.set_password(engine, args.name, _password(args.password_stdin))
            _print(
                args,
                {"ok": True},
                f"password of {args.name} changed; its devices must sign in again",
            )
        elif args.action == "disable":
            accounts.disable_user(engine, args.name)
            _print(args, {"ok": True}, f"{args.name} disabled")
        else:
            rows = accounts.list_users(engine)
            _print(
                args,
                [r.__dict__ for r in rows],
                "\n".join(
                    f"{r.name}\t{r.role}\t{r.district or ''}\t{r.display_name or ''}"
                    f"\t{r.unit or ''}\t{'disabled' if r.disabled else ''}"
                    for r in rows
                ),
            )
    elif args.command == "assign":
        if args.enterprise:
            seq = scopes.assign_enterprise(engine, args.enterprise, args.to)
            _print(args, {"ok": True, "seq": seq}, f"{args.to} now looks after {args.enterprise}")
        else:
            scopes.assign_district(engine, args.district, args.to)
            _print(args, {"ok": True}, f"{args.to} supervises district {args.district}")
    elif args.command == "reference":
        from liaison_app.server.reference_import import import_reference

        counts = import_reference(engine, Path(args.file))
        _print(args, counts, f"{counts['added']} added, {counts['changed']} changed")
    elif args.command == "stats":
        from liaison_app.domain.labels import format_rate
        from liaison_app.server.review import figures

        f = figures(engine)
        _print(
            args,
            f.as_dict(),
            f"received {f.received:,}, resolved {f.resolved:,}, resolution rate "
            f"{format_rate(f.resolution_rate)}, overdue {f.overdue:,}, on time {format_rate(f.on_time_rate)}, "
            f"satisfaction {format_rate(f.satisfaction_rate)}",
        )
    elif args.command == "cleanup":
        import datetime as dt

        from liaison_app.server.cleanup import clean_tombstones

        if args.days < 0:
            raise InputError("--days may not be negative")
        done = clean_tombstones(engine, dt.timedelta(days=args.days))
        _print(
            args,
            done,
            f"{done['removed']} tombstones removed; horizon at sequence {done['horizon']}",
        )
    elif args.command == "unassign":
        seq = scopes.unassign_enterprise(engine, args.enterprise, args.user)
        _print(
            args, {"ok": True, "seq": seq}, f"{args.user} no longer looks after {args.enterprise}"
        )
    elif args.command == "device":
        if args.action == "revoke":
            accounts.revoke_device(engine, args.id)
            _print(args, {"ok": True}, f"device {args.id} signed out")
        else:
            devices = accounts.list_devices(engine)
            _print(
                args,
                devices,
                "\n".join(
                    f"{r['id']}\t{r['user']}\t{r['name'] or ''}\t{r['last_seen']}"
                    f"\t{'revoked' if r['revoked_at'] else ''}"
                    for r in devices
                ),
            )
    engine.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Whatever the server writes (database, key, blobs) is for its own user only; the code sets
    # each file's mode too, this covers anything a library creates (design.md §3, Auth).
    previous = os.umask(0o077)
    try:
        return run(args)
    except InputError as exc:
        print(f"liaison-server: error: {exc}", file=sys.stderr)
        return 2
    except LiaisonError as exc:
        print(f"liaison-server: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001
        print(f"liaison-server: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        os.umask(previous)


if __name__ == "__main__":
    sys.exit(main())
