"""The `liaison` commands of sync: login, logout, sync, conflicts, rejected, attachment.

Exit status as everywhere: 0 done (a sync that completed, even with rejections or conflicts,
which it reports), 2 bad input (a wrong password, an unknown id), 1 anything else (the server
could not be reached, the sync failed).

``LIAISON_SYNC_CRASH_AT=point[:n]`` ends the process abruptly at the n-th pass through a named
crash point of the engine: the tests use it to kill a sync exactly there.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from liaison_app.cli.output import emit_json, emit_table, to_data
from liaison_app.credentials import NO_KEYRING
from liaison_app.errors import InputError
from liaison_app.services.store import Store
from liaison_app.sync.client import AppTooOld, SignInRequired, WrongPassword

CRASH_EXIT = 86
MAX_ID = 200  # longer is no id of a record, a change or an attachment
# The text options of these commands, by the name a message gives them.
_TEXT_OPTIONS = (
    ("server", "--server"),
    ("user", "--user"),
    ("id", "ID"),
    ("owner", "--to/--of"),
    ("value", "--value"),
    ("caption", "--caption"),
)


def _check_text(args: argparse.Namespace) -> None:
    """Refuse (exit 2, nothing written) text that no record or server could take: a NUL,
    a lone surrogate (bytes that are not UTF-8 on the command line), an id of any length."""
    for attr, label in _TEXT_OPTIONS:
        value = getattr(args, attr, None)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            raise InputError(f"{label}: contains a NUL character")
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            raise InputError(
                f"{label}: is not valid text (a lone surrogate, or bytes that are not UTF-8)"
            )
        if attr in ("id", "owner") and len(value) > MAX_ID:
            raise InputError(f"{label}: {len(value)} characters is too long for an id")


def _shown_path(path: Path) -> str:
    """A path for printing: a file name that is not UTF-8 is shown escaped, never a crash."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def _crash_hook() -> Any:
    spec = os.environ.get("LIAISON_SYNC_CRASH_AT")
    if not spec:
        return None
    point, _, nth = spec.partition(":")
    left = [int(nth or 1)]

    def crash(name: str) -> None:
        if name == point:
            left[0] -= 1
            if left[0] <= 0:
                sys.stdout.flush()
                os._exit(CRASH_EXIT)

    return crash


def _configure(st: Store) -> None:
    crash = _crash_hook()
    if crash is not None:
        st.sync.configure(crash=crash)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline(4096)  # a bound: an endless stream is no password
        return line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask for the password: give --password-stdin")
    return getpass.getpass("password: ")


def _too_old(exc: AppTooOld) -> AppTooOld:
    """The server's words (which version it needs) and what to do about it."""
    text = str(exc)
    return exc if "update" in text else AppTooOld(f"{text}: please update Liaison")


def _login(st: Store, server: str, user: str, password: str, args: argparse.Namespace) -> Any:
    try:
        return st.sync.login(server, user, password)
    except WrongPassword as exc:
        raise InputError(str(exc)) from exc
    except AppTooOld as exc:
        raise _too_old(exc) from exc


def cmd_login(st: Store, args: argparse.Namespace) -> int:
    _check_text(args)
    _configure(st)
    result = _login(st, args.server, args.user, _password(args), args)
    if result.session_only:
        print(f"liaison: warning: {NO_KEYRING}", file=sys.stderr)
        print(
            "liaison: warning: this sign-in ends with this command; sign in and sync in one "
            "run with `liaison sync --password-stdin`",
            file=sys.stderr,
        )
    if args.json:
        emit_json(result)
        return 0
    print(f"signed in to {result.server} as {result.display_name} ({result.user}, {result.role})")
    if result.adopted:
        print(
            f"{result.adopted} changes made in this folder before signing in are now "
            f"{result.display_name}'s and go out at the next sync"
        )
    if result.others_pending:
        print(
            f"{result.others_pending} unsent changes of another user stay here for them "
            "(they are never sent under this sign-in)"
        )
    return 0


def cmd_logout(st: Store, args: argparse.Namespace) -> int:
    result = st.sync.logout()
    if args.json:
        emit_json(result)
    elif result.get("user"):
        print(f"signed out {result['user']} from {result['server']}")
        if result["pending"]:
            print(
                f"{result['pending']} changes not yet sent stay in this folder and go out when "
                f"{result['user']} signs in again"
            )
    else:
        print("this folder was not signed in")
    return 0


def cmd_sync(st: Store, args: argparse.Namespace) -> int:
    if args.what == "status":
        status = st.sync.status()
        if args.json:
            emit_json(status)
            return 0
        if status.signed_in:
            print(f"server      {status.server}")
            print(f"user        {status.display_name} ({status.user}, {status.role})")
        else:
            print("not signed in (liaison login --server URL --user NAME)")
        print(f"pending     {status.pending} changes not yet sent")
        if status.not_accepted:
            print(f"rejected    {status.not_accepted} not accepted (liaison rejected list)")
        if status.open_conflicts:
            print(f"conflicts   {status.open_conflicts} open (liaison conflicts list)")
        if status.files_missing:
            print(f"files       {status.files_missing} not downloaded yet")
        print(f"last sync   {status.last_sync_at or 'never'}")
        if status.last_error:
            print(f"last error  {status.last_error}")
        return 0
    _configure(st)
    if args.password_stdin:
        current = st.sync.status()
        if not current.signed_in or not current.server or not current.user:
            raise InputError("this folder is not signed in: use `liaison login` first")
        _login(st, current.server, current.user, _password(args), args)

    def progress(stage: str, done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(
                f"\r{stage} {done}{'/' + str(total) if total else ''}   ", end="", file=sys.stderr
            )

    try:
        report = st.sync.sync(progress)
    except AppTooOld as exc:
        raise _too_old(exc) from exc
    except SignInRequired as exc:
        if st.sync.session_only and not args.password_stdin and st.sync.signed_in():
            raise SignInRequired(
                f"{exc}; without a usable keyring a sign-in lasts one run: "
                "`liaison sync --password-stdin` signs in and syncs at once"
            ) from exc
        raise
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        emit_json(report)
        return 0
    print(
        f"sent {len(report.pushed)}, received {report.pulled}, not accepted "
        f"{len(report.rejected)}, open conflicts {len(report.conflicts)} "
        f"({report.requests} requests, {report.seconds:.1f} s)"
    )
    for line in report.repairs:
        print(f"repaired: {line}")
    for r in report.rejected:
        print(f"not accepted: {r['entity']} {r['record_id']} ({r['op']}): {r['reason']}")
    if report.blobs_missing:
        print(f"{report.blobs_missing} files are not on the server yet")
    return 0


def cmd_conflicts(st: Store, args: argparse.Namespace) -> int:
    _check_text(args)
    if args.action == "resolve":
        keep = args.keep
        view = st.sync.resolve_conflict(args.id, keep, args.value if keep is None else None)
        if args.json:
            emit_json(view)
        else:
            print(f"conflict {view['id']} resolved; the resolution goes out at the next sync")
        return 0
    rows = st.sync.conflicts(include_resolved=args.all)
    if args.json:
        emit_json(rows)
        return 0
    emit_table(
        [
            (
                c["id"],
                c["kind"],
                c["entity"],
                c["record"] or c["record_id"],
                c["field"] or "",
                _short(c["mine"]),
                _short(c["theirs"]),
                "resolved" if c["resolved"] else "open",
            )
            for c in rows
        ],
        ("id", "kind", "entity", "record", "field", "mine", "theirs", "state"),
    )
    return 0


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def cmd_rejected(st: Store, args: argparse.Namespace) -> int:
    _check_text(args)
    if args.action == "discard":
        result = st.sync.discard(args.id)
    elif args.action == "resend":
        result = st.sync.resend(args.id)
    else:
        rows = st.sync.not_accepted()
        if args.json:
            emit_json(rows)
        else:
            emit_table(
                [
                    (r.id, r.entity, r.record or r.record_id, r.op, r.reason or r.state)
                    for r in rows
                ],
                ("id", "entity", "record", "change", "reason"),
            )
        return 0
    if args.json:
        emit_json(result)
    elif "resent_as" in result:
        print(f"{result['id']} goes out again at the next sync (as {result['resent_as']})")
    else:
        print(f"{result['id']} discarded: {result['record_id']} shows the server's values again")
    return 0


def cmd_attachment(st: Store, args: argparse.Namespace) -> int:
    _check_text(args)
    svc = st.attachments
    if args.action == "add":
        saved = svc.add(args.owner, Path(args.file).expanduser(), args.caption)
        if args.json:
            emit_json(saved.record)
        else:
            print(saved.record.id)
    elif args.action == "list":
        rows = svc.list(args.owner)
        if args.json:
            emit_json(rows)
        else:
            emit_table(
                [
                    (r.id, r.filename, r.size, "here" if r.available else "missing", r.caption)
                    for r in rows
                ],
                ("id", "file", "bytes", "file", "caption"),
            )
    elif args.action == "get":
        target = Path(args.output).expanduser()
        written = _shown_path(svc.save_copy(args.id, target))
        emit_json({"path": written}) if args.json else print(written)
    else:
        saved = svc.delete(args.id)
        emit_json(to_data(saved.record)) if args.json else print(f"removed {saved.record.id}")
    return 0
