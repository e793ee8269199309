"""The sync commands of `liaison`, end to end: real subprocesses against the real server.

Every call is a child process under LANG=C (as in tests/cli), its output decoded strictly as
UTF-8. Separate runs share a sign-in through a test keyring in a JSON file
(tests/sync/filekeyring.py), one per simulated computer; keyring's fail backend stands for a
computer without a keyring. What is asserted is what a script or a person would see: the
exit status, stdout (JSON), the words on stderr, files, and what the server holds.
"""

from __future__ import annotations

import http.server
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.cli.cli_support import COMMAND, DB_FILENAME, Result, child_env, day, db_snapshot
from tests.sync.harness import PASSWORD, SyncServer, free_port, unique

ROOT = Path(__file__).resolve().parents[2]
FILE_KEYRING = "tests.sync.filekeyring.FileKeyring"
NO_KEYRING = "keyring.backends.fail.Keyring"
# A program calling the command's main() with argv as Python strings: the only way a NUL
# reaches an option (a real command line cannot carry one).
IN_PROCESS = [
    sys.executable,
    "-c",
    "import json, sys; from liaison_app.cli import main; sys.exit(main(json.loads(sys.argv[1])))",
]
UNKNOWN_ID = "01a00000-0000-7000-8000-000000000000"
CRASH_EXIT = 86
CRASH_POINTS = (
    "after_reference",
    "before_push",
    "after_push",
    "after_ack",
    "before_pull",
    "before_apply",
    "after_apply",
)
# Local tables and the entity the server calls their records.
TABLES = {
    "enterprise": "enterprise",
    "visit": "visit",
    "problem": "problem",
    "follow_up_action": "action",
    "attachment": "attachment",
}
Arg = str | bytes


# ---- the command, one folder ------------------------------------------------------------------


@dataclass
class Cli:
    """`liaison` over one data folder on one simulated computer (its own keyring file)."""

    home: Path
    backend: str = FILE_KEYRING

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def keyring_file(self) -> Path:
        return self.home / "keyring.json"

    def env(self, **extra: str) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = child_env(
            self.home,
            PYTHONPATH=path,
            PYTHON_KEYRING_BACKEND=self.backend,
            LIAISON_TEST_KEYRING=str(self.keyring_file),
        )
        env.pop("LIAISON_SYNC_CRASH_AT", None)
        env.update(extra)
        return env

    def argv(self, args: tuple[Arg, ...], in_process: bool = False) -> list[Any]:
        full = ["--data-dir", str(self.data_dir), *args]
        if in_process:
            return [*IN_PROCESS, json.dumps(full)]
        return [*COMMAND, *full]

    def run(
        self,
        *args: Arg,
        stdin: bytes = b"",
        in_process: bool = False,
        env: dict[str, str] | None = None,
        timeout: float = 180,
    ) -> Result:
        proc = subprocess.run(
            self.argv(args, in_process),
            input=stdin,
            capture_output=True,
            env=env or self.env(),
            cwd=self.home,  # a relative -o never lands in the repository
            timeout=timeout,
            check=False,
        )
        shown = [a if isinstance(a, str) else repr(a) for a in args]
        return Result([s[:200] for s in shown], proc.returncode, proc.stdout, proc.stderr)

    def expect(self, status: int, *args: Arg, **kw: Any) -> Result:
        r = self.run(*args, **kw)
        assert r.status == status, (
            f"liaison {' '.join(r.args)}: exit {r.status}, expected {status}\n"
            f"--- stdout\n{r.out[-3000:]}\n--- stderr\n{r.err[-3000:]}"
        )
        assert "Traceback" not in r.err, r.err
        return r

    def ok(self, *args: Arg, **kw: Any) -> Result:
        return self.expect(0, *args, **kw)

    def json(self, *args: Arg, **kw: Any) -> Any:
        r = self.ok(*args, "--json", **kw)
        return json.loads(r.out)

    def new_id(self, *args: Arg) -> str:
        ident = self.ok(*args).out.strip()
        assert ident and "\n" not in ident and " " not in ident, ident
        return ident

    def login(self, server: SyncServer, user: str, password: str = PASSWORD) -> dict[str, Any]:
        return self.json(
            "login",
            "--server",
            server.url,
            "--user",
            user,
            "--password-stdin",
            stdin=f"{password}\n".encode(),
        )

    def popen(self, *args: Arg, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.argv(args),
            env=env or self.env(),
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    # ---- what the folder holds (read as any program could read the SQLite file) --------------
    def counts(self) -> Counter[str]:
        con = sqlite3.connect(self.db_path)
        try:
            out: Counter[str] = Counter()
            for table, entity in TABLES.items():
                live = "" if table == "follow_up_action" else " WHERE deleted_at IS NULL"
                out[entity] = con.execute(f"SELECT count(*) FROM {table}{live}").fetchone()[0]
            return +out
        finally:
            con.close()

    def enterprise_ids(self) -> list[str]:
        con = sqlite3.connect(self.db_path)
        try:
            return [r[0] for r in con.execute("SELECT id FROM enterprise ORDER BY id")]
        finally:
            con.close()

    def state(self) -> tuple[Any, ...]:
        """Everything a failed command must leave as it was: the database, the keyring, files."""
        keys = self.keyring_file.read_text() if self.keyring_file.exists() else None
        blobs = self.data_dir / "blobs"
        files = (
            sorted(str(p.relative_to(blobs)) for p in blobs.rglob("*")) if blobs.exists() else []
        )
        return db_snapshot(self.db_path), keys, files


def poll(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Wait for a condition (never for a time): fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def kill_when(proc: subprocess.Popen[bytes], condition: Callable[[], bool]) -> bool:
    """SIGKILL the process as soon as ``condition`` holds; False if it ended first."""
    while proc.poll() is None:
        if condition():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    return False


def password_anywhere(root: Path) -> list[Path]:
    """Files under ``root`` holding the password (the database, its WAL, keyrings, logs)."""
    needle = PASSWORD.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


# ---- what the server holds --------------------------------------------------------------------


def server_counts(server: SyncServer, enterprise_ids: list[str]) -> Counter[str]:
    """Live records per entity on the server under these enterprises."""
    out: Counter[str] = Counter()
    for i in range(0, len(enterprise_ids), 400):
        chunk = enterprise_ids[i : i + 400]
        marks = ", ".join(f":e{n}" for n in range(len(chunk)))
        for entity, n in server.query(
            f"SELECT entity, count(*) FROM records WHERE enterprise_id IN ({marks}) "
            "AND NOT deleted GROUP BY entity",
            **{f"e{n}": e for n, e in enumerate(chunk)},
        ):
            out[entity] += int(n)
    return +out


def on_server(server: SyncServer, record_id: str) -> bool:
    return bool(server.query("SELECT id FROM records WHERE id = :i", i=record_id))


def ledger_count(server: SyncServer, client_id: str) -> int:
    rows = server.query("SELECT count(*) FROM mutation_ledger WHERE client_id = :c", c=client_id)
    return int(rows[0][0])


def same_data(a: Cli, b: Cli) -> None:
    """Two folders of one user show the same records (bookkeeping stamps aside)."""
    for kind in ("enterprise", "visit", "problem"):
        lists = [
            sorted(
                (
                    {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}
                    for row in c.json(kind, "list")
                ),
                key=lambda r: r["id"],
            )
            for c in (a, b)
        ]
        assert lists[0] == lists[1], f"{kind} lists differ between the two folders"


def firm_name(prefix: str = "沈阳君威新能科技有限公司") -> str:
    return f"{prefix}{unique('')}"  # the server flags firms of the same name as duplicates


def record_some_work(cli: Cli) -> dict[str, str]:
    e = cli.new_id("enterprise", "add", "--name", firm_name(), "--district", "210102")
    v = cli.new_id(
        "visit", "add", "--enterprise", e, "--date", day(-2), "--summary", "走访了解融资"
    )
    p = cli.new_id(
        "problem", "add", "--visit", v, "--category", "funding", "--description", "银行抽贷"
    )
    return {"enterprise": e, "visit": v, "problem": p}


# ---- login ------------------------------------------------------------------------------------


LOGIN_KEYS = {
    "server",
    "user",
    "display_name",
    "role",
    "client_id",
    "adopted",
    "others_pending",
    "session_only",
}


def test_login_adopts_earlier_work_and_the_sync_sends_exactly_it(sqlite_server, tmp_path):
    server = sqlite_server
    user = server.add_user(unique("wang"))
    a = Cli(tmp_path / "a")
    made = record_some_work(a)
    before = a.json("sync", "status")
    assert before["signed_in"] is False and before["server"] is None
    assert before["last_sync_at"] is None
    pending = before["pending"]
    assert pending >= 3

    got = a.login(server, user)
    assert set(got) == LOGIN_KEYS
    assert (got["server"], got["user"], got["role"]) == (server.url, user, "officer")
    assert got["display_name"] == user and got["client_id"]
    assert (got["adopted"], got["others_pending"], got["session_only"]) == (pending, 0, False)
    # The tokens are in the keyring (the test's file), under this folder's client id;
    # the password is nowhere.
    keys = json.loads(a.keyring_file.read_text())
    assert len(keys) == 2 and all(got["client_id"] in k for k in keys)
    assert password_anywhere(tmp_path) == []

    status = a.json("sync", "status")
    assert status["signed_in"] is True and status["pending"] == pending
    assert (status["server"], status["user"]) == (server.url, user)

    report = a.json("sync")
    for key in ("pushed", "pulled", "rejected", "conflicts"):
        assert type(report[key]) is int, key
    assert report["pushed"] == pending == len(report["lists"]["pushed"])
    assert (report["rejected"], report["conflicts"]) == (0, 0)
    assert report["lists"]["rejected"] == [] and report["lists"]["conflicts"] == []
    assert {m["record_id"] for m in report["lists"]["pushed"]} >= set(made.values())
    for record_id in made.values():
        assert on_server(server, record_id)

    status = a.json("sync", "status")
    assert status["pending"] == 0 and status["last_sync_at"] and status["last_error"] is None
    again = a.json("sync")
    assert (again["pushed"], again["pulled"], again["rejected"]) == (0, 0, 0)

    # In words: how many changes were adopted, and what the sync did.
    b = Cli(tmp_path / "b")
    b.new_id("enterprise", "add", "--name", firm_name(), "--district", "210102")
    out = b.ok(
        "login", "--server", server.url, "--user", user, "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    ).out  # fmt: skip
    assert f"signed in to {server.url}" in out
    assert "1 changes made in this folder before signing in" in out
    assert b.ok("sync").out.startswith("sent 1, received ")
    assert server_counts(server, b.enterprise_ids()) == b.counts()


def test_a_wrong_password_exits_2_and_changes_nothing(sqlite_server, tmp_path):
    server = sqlite_server
    user = server.add_user(unique("wang"))
    a = Cli(tmp_path / "a")
    record_some_work(a)
    pending = a.json("sync", "status")["pending"]
    before = a.state()
    r = a.expect(
        2, "login", "--server", server.url, "--user", user, "--password-stdin",
        stdin=b"not the password\n",
    )  # fmt: skip
    assert "wrong user name or password" in r.err and r.out == ""
    assert a.state() == before
    assert not a.keyring_file.exists()
    assert a.json("sync", "status")["signed_in"] is False
    # An unknown user reads the same (no way to learn who exists).
    r = a.expect(
        2, "login", "--server", server.url, "--user", unique("nobody"), "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    )  # fmt: skip
    assert "wrong user name or password" in r.err
    assert a.state() == before
    # Attempt after attempt, the server stops listening for a while and says so.
    for _ in range(4):
        a.expect(
            2, "login", "--server", server.url, "--user", user, "--password-stdin",
            stdin=b"guess\n",
        )  # fmt: skip
    r = a.expect(
        1, "login", "--server", server.url, "--user", user, "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    )  # fmt: skip
    assert "wait" in r.err
    assert a.state() == before
    # And the work made before is still there for whoever signs in (after the wait).
    other = server.add_user(unique("li"))
    assert a.login(server, other)["adopted"] == pending


def test_an_unreachable_server_fails_fast_with_exit_1_and_changes_nothing(tmp_path):
    a = Cli(tmp_path / "a")
    record_some_work(a)
    before = a.state()
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    r = a.expect(
        1, "login", "--server", closed, "--user", "wang", "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    )  # fmt: skip
    took = time.monotonic() - started
    assert "cannot reach the sync server" in r.err and closed in r.err
    # Retried with backoff (a server being restarted comes back), but never a hang.
    assert took < 30, f"an unreachable server took {took:.1f} s to report"
    assert a.state() == before


class _TooOld(http.server.BaseHTTPRequestHandler):
    """A server that needs a newer app: 426 to everything, as liaison-server answers."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps(
            {"error": "app_too_old", "message": "this server needs Liaison 9.9.9 or newer"}
        ).encode()
        self.send_response(426)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def too_old_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TooOld)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_server_that_needs_a_newer_app_says_update(too_old_server, tmp_path):
    a = Cli(tmp_path / "a")
    record_some_work(a)
    before = a.state()
    r = a.expect(
        1, "login", "--server", too_old_server, "--user", "wang", "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    )  # fmt: skip
    assert "9.9.9" in r.err and "update" in r.err
    assert a.state() == before


def test_without_a_keyring_login_warns_and_sync_password_stdin_works(sqlite_server, tmp_path):
    server = sqlite_server
    user = server.add_user(unique("wang"))
    a = Cli(tmp_path / "a", backend=NO_KEYRING)
    made = record_some_work(a)
    pending = a.json("sync", "status")["pending"]
    r = a.ok(
        "login", "--server", server.url, "--user", user, "--password-stdin", "--json",
        stdin=f"{PASSWORD}\n".encode(),
    )  # fmt: skip
    got = json.loads(r.out)  # stdout stays pure JSON; the warning goes to stderr
    assert got["session_only"] is True and got["adopted"] == pending
    assert "lasts only while this program runs" in r.err
    assert "liaison sync --password-stdin" in r.err
    # The next run has no sign-in, and is told the way that works.
    r = a.expect(1, "sync")
    assert "--password-stdin" in r.err
    assert a.json("sync", "status")["pending"] == pending
    # Signing in and syncing in one run does.
    r = a.expect(2, "sync", "--password-stdin", stdin=b"not the password\n")
    assert "wrong user name or password" in r.err
    report = a.json("sync", "--password-stdin", stdin=f"{PASSWORD}\n".encode())
    assert report["pushed"] == pending and report["rejected"] == 0
    assert all(on_server(server, i) for i in made.values())
    assert not a.keyring_file.exists()
    assert password_anywhere(tmp_path) == []


# ---- sync -------------------------------------------------------------------------------------


def test_sync_without_a_sign_in_exits_1_and_names_liaison_login(tmp_path):
    a = Cli(tmp_path / "a")
    record_some_work(a)
    for args in (("sync",), ("sync", "--json")):
        r = a.expect(1, *args)
        assert "liaison login" in r.err and r.out == ""
    assert "not signed in" in a.ok("sync", "status").out
    r = a.expect(2, "sync", "--password-stdin", stdin=f"{PASSWORD}\n".encode())
    assert "liaison login" in r.err


def test_a_sync_that_cannot_finish_exits_1_and_keeps_the_work(tmp_path):
    own = SyncServer(tmp_path / "srv", f"sqlite+pysqlite:///{tmp_path / 'own.sqlite3'}")
    own.admin("migrate")
    own.start()
    try:
        user = own.add_user(unique("wang"))
        a = Cli(tmp_path / "a")
        client = a.login(own, user)["client_id"]
        a.ok("sync")
        made = record_some_work(a)
        own.stop()
        r = a.expect(1, "sync", "--json")
        assert "cannot reach the sync server" in r.err and r.out == ""
        status = a.json("sync", "status")
        assert status["pending"] >= 3 and "cannot reach" in (status["last_error"] or "")
        own.start()
        assert a.json("sync")["pushed"] == status["pending"]
        assert a.json("sync", "status")["last_error"] is None
        assert all(on_server(own, i) for i in made.values())
        # An administrator signs the device out: the sync fails, saying to sign in again.
        a.new_id("enterprise", "add", "--name", firm_name(), "--district", "210102")
        own.admin("device", "revoke", client)
        r = a.expect(1, "sync")
        assert "sign in again" in r.err
        assert a.json("sync", "status")["pending"] == 1
    finally:
        own.stop()


# ---- conflicts --------------------------------------------------------------------------------


def test_conflicts_are_listed_and_resolved_from_the_command_line(sqlite_server, tmp_path):
    server = sqlite_server
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a, b = Cli(tmp_path / "a"), Cli(tmp_path / "b")
    a.login(server, wang)
    b.login(server, li)
    e = a.new_id("enterprise", "add", "--name", firm_name(), "--district", "210102")
    a.ok("sync")
    server.admin("assign", "--enterprise", e, "--to", li)
    b.ok("sync")
    a.ok("enterprise", "edit", e, "--address", "沈阳市和平区南京北街1号", "--contact", "张伟")
    b.ok("enterprise", "edit", e, "--address", "沈阳市和平区太原街2号", "--contact", "李娜")
    a.ok("sync")
    report = b.json("sync")
    assert report["conflicts"] == 2 == len(report["lists"]["conflicts"])
    open_b = b.json("conflicts", "list")
    assert isinstance(open_b, list) and len(open_b) == 2
    by_field = {c["field"]: c for c in open_b}
    assert set(by_field) == {"address", "contact_name"}
    addr = by_field["address"]
    assert type(addr["id"]) is int and addr["record_id"] == e and addr["entity"] == "enterprise"
    assert addr["record"].startswith("沈阳君威新能科技有限公司")
    assert (addr["mine"], addr["theirs"]) == ("沈阳市和平区太原街2号", "沈阳市和平区南京北街1号")
    a.ok("sync")
    open_a = {c["field"]: c for c in a.json("conflicts", "list")}
    assert (open_a["address"]["mine"], open_a["address"]["theirs"]) == (
        addr["theirs"],
        addr["mine"],
    )
    table = a.ok("conflicts", "list").out
    assert "address" in table and "南京北街1号" in table and "open" in table

    # Bad resolutions: exit 2, nothing written.
    before = b.state()
    for args, words in (
        (("conflicts", "resolve", "987654321", "--keep", "mine"), "987654321"),
        (
            ("conflicts", "resolve", str(addr["id"]), "--keep", "mine", "--value", "x"),
            "not allowed",
        ),
        (("conflicts", "resolve", str(addr["id"])), "--keep"),
        (
            ("conflicts", "resolve", str(by_field["contact_name"]["id"]), "--value", "x" * 600),
            "600",
        ),
    ):
        r = b.expect(2, *args)
        assert words in r.err
        assert b.state() == before

    b.json("conflicts", "resolve", str(addr["id"]), "--keep", "theirs")
    r = b.expect(2, "conflicts", "resolve", str(addr["id"]), "--keep", "mine")
    assert "already resolved" in r.err
    # wang settles the other with a value of his own, offline, at the same time.
    contact_a = open_a["contact_name"]["id"]
    view = a.json("conflicts", "resolve", str(contact_a), "--value", "王芳")
    assert view["resolved"] is True
    assert [c["field"] for c in b.json("conflicts", "list")] == ["contact_name"]
    assert {c["field"] for c in b.json("conflicts", "list", "--all")} == {"address", "contact_name"}
    for c in (b, a, b):
        c.ok("sync")
    for c in (a, b):
        assert c.json("conflicts", "list") == []
        shown = c.json("enterprise", "show", e)
        assert (shown["address"], shown["contact_name"]) == ("沈阳市和平区南京北街1号", "王芳")
        assert c.ok("check").status == 0


# ---- changes not accepted ---------------------------------------------------------------------


def test_a_refused_change_is_listed_resent_or_discarded_and_blocks_nothing(sqlite_server, tmp_path):
    server = sqlite_server
    boss = server.add_user(unique("zhao"), role="supervisor", district="210105")
    s = Cli(tmp_path / "s")
    s.login(server, boss)
    outside = s.new_id(
        "enterprise", "add", "--name", firm_name("大连港物流"), "--district", "210202"
    )
    inside = s.new_id("enterprise", "add", "--name", firm_name(), "--district", "210105")
    s.ok("enterprise", "edit", inside, "--phone", "13812345678")
    report = s.json("sync")  # completed: exit 0, with the refusal reported
    assert report["rejected"] == 1
    (refused,) = report["lists"]["rejected"]
    assert refused["record_id"] == outside and "district" in refused["reason"]
    assert report["pushed"] == 2  # the changes queued behind it went through
    assert on_server(server, inside) and not on_server(server, outside)
    assert "13812345678" in str(server.query("SELECT data FROM records WHERE id = :i", i=inside))
    (listed,) = s.json("rejected", "list")
    assert (listed["record_id"], listed["entity"], listed["op"]) == (
        outside,
        "enterprise",
        "create",
    )
    assert "district" in listed["reason"]
    assert "district" in s.ok("rejected", "list").out
    assert s.json("sync", "status")["not_accepted"] == 1
    assert s.json("sync")["rejected"] == 0  # listed, never sent again by itself

    # Fixed and sent again, it is accepted.
    s.ok("enterprise", "edit", outside, "--district", "210105")
    resent = s.json("rejected", "resend", listed["id"])
    assert resent["id"] == listed["id"] and resent["resent_as"]
    assert s.json("rejected", "list") == []
    assert s.json("sync")["rejected"] == 0
    assert on_server(server, outside)

    # Another refusal, given up: the record leaves the lists, nothing else changes.
    gone = s.new_id("enterprise", "add", "--name", firm_name("大连湾"), "--district", "210202")
    assert s.json("sync")["rejected"] == 1
    (listed,) = s.json("rejected", "list")
    out = s.ok("rejected", "discard", listed["id"]).out
    assert "discarded" in out
    r = s.expect(2, "rejected", "discard", listed["id"])
    assert "not accepted" in r.err
    assert gone not in {x["id"] for x in s.json("enterprise", "list")}
    assert s.json("rejected", "list") == [] and s.json("sync")["rejected"] == 0
    assert server_counts(server, s.enterprise_ids()) == s.counts()


# ---- attachments ------------------------------------------------------------------------------


def test_a_file_attached_in_one_folder_arrives_byte_identical_in_another(sqlite_server, tmp_path):
    server = sqlite_server
    user = server.add_user(unique("wang"))
    a, b = Cli(tmp_path / "a"), Cli(tmp_path / "b")
    a.login(server, user)
    made = record_some_work(a)
    photo = tmp_path / "走访照片（车间）.jpg"
    photo.write_bytes(random.Random(7).randbytes(5 * 2**20 + 123))  # three upload chunks
    added = a.json("attachment", "add", "--to", made["visit"], str(photo), "--caption", "车间")
    assert added["filename"] == photo.name and added["size"] == photo.stat().st_size
    (listed,) = a.json("attachment", "list", "--of", made["visit"])
    assert listed["id"] == added["id"] and listed["available"] is True
    assert a.json("sync")["blobs_sent"] == 1

    b.login(server, user)
    # Killed after the records arrived, before the file did: the record is there, "missing".
    r = b.run("sync", env=b.env(LIAISON_SYNC_CRASH_AT="after_apply"))
    assert r.status == CRASH_EXIT, r.err
    (there,) = b.json("attachment", "list", "--of", made["visit"])
    assert there["filename"] == photo.name and there["available"] is False
    assert b.json("sync", "status")["files_missing"] == 1
    target = tmp_path / "copy.jpg"
    before = b.state()
    r = b.expect(2, "attachment", "get", added["id"], "-o", str(target))
    assert "has not arrived" in r.err and "sync" in r.err
    assert not target.exists() and b.state() == before

    assert b.json("sync")["blobs_received"] == 1
    assert b.json("sync", "status")["files_missing"] == 0
    got = b.json("attachment", "get", added["id"], "-o", str(target))
    assert got["path"] == str(target)
    assert target.read_bytes() == photo.read_bytes()
    # Into a folder that does not exist, or onto a folder: exit 2, nothing written.
    before = b.state()
    for bad, words in ((tmp_path / "no" / "such" / "x.jpg", "does not exist"),
                       (tmp_path, "is a folder")):  # fmt: skip
        r = b.expect(2, "attachment", "get", added["id"], "-o", str(bad))
        assert words in r.err
    assert b.state() == before and not (tmp_path / "no").exists()
    # A name in another encoding (bytes that are not UTF-8) still attaches, shown readably.
    odd = tmp_path / os.fsdecode(b"\xd5\xd5\xc6\xac.jpg")  # 照片 in GBK
    odd.write_bytes(b"gbk")
    r = a.ok("attachment", "add", "--to", made["visit"], os.fsencode(odd), "--json")
    name = json.loads(r.out)["filename"]
    assert name.endswith(".jpg") and "\ufffd" in name
    assert a.json("sync")["rejected"] == 0


def test_attachment_mistakes_exit_2_and_write_nothing(sqlite_server, tmp_path):
    a = Cli(tmp_path / "a")
    made = record_some_work(a)
    before = a.state()
    big = tmp_path / "big.bin"
    with big.open("wb") as fh:
        fh.truncate(201 * 2**20)  # sparse: no disk used
    cases = (
        (("attachment", "add", "--to", made["visit"], str(tmp_path / "缺失.jpg")), "not a file"),
        (("attachment", "add", "--to", made["visit"], str(tmp_path)), "not a file"),
        (("attachment", "add", "--to", made["visit"], str(big)), "200 MB"),
        (("attachment", "add", "--to", UNKNOWN_ID, str(big)), UNKNOWN_ID),
        (("attachment", "list", "--of", UNKNOWN_ID), UNKNOWN_ID),
        (("attachment", "get", UNKNOWN_ID, "-o", "x.jpg"), UNKNOWN_ID),
    )
    for args, words in cases:
        r = a.expect(2, *args)
        assert words in r.err and r.out == "", args
        assert a.state() == before, args
    assert not (tmp_path / "a" / "x.jpg").exists()


# ---- logout and a second user -----------------------------------------------------------------


def test_logout_keeps_unsent_work_for_its_author_only(pg_server, tmp_path):
    server = pg_server
    wang, li = server.add_user(unique("wang")), server.add_user(unique("li"))
    a = Cli(tmp_path / "a")
    first = a.login(server, wang)
    a.new_id("enterprise", "add", "--name", firm_name(), "--district", "210102")
    a.ok("sync")
    sent_before = ledger_count(server, first["client_id"])
    unsent = a.new_id("enterprise", "add", "--name", firm_name(), "--district", "210102")
    out = a.json("logout")
    assert out == {"signed_in": False, "user": wang, "server": server.url, "pending": 1}
    assert a.keyring_file.read_text().strip() in ("{}", "")
    assert "not signed in" in a.ok("logout").out
    r = a.expect(1, "sync")
    assert "liaison login" in r.err

    second = a.login(server, li)
    assert (second["adopted"], second["others_pending"]) == (0, 1)
    assert second["client_id"] != first["client_id"]
    assert a.json("sync", "status")["pending"] == 0
    a.ok("sync")
    assert not on_server(server, unsent)
    assert ledger_count(server, second["client_id"]) == 0  # nothing went out under li
    a.ok("logout")

    text = a.ok(
        "login", "--server", server.url, "--user", wang, "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    ).out  # fmt: skip
    assert "changes made in this folder before signing in" not in text
    assert a.json("sync", "status")["client_id"] == first["client_id"]
    assert a.json("sync")["pushed"] == 1
    assert on_server(server, unsent)
    # It went out under wang's client, once; li's sign-in sent nothing at all.
    assert ledger_count(server, first["client_id"]) == sent_before + 1
    assert ledger_count(server, second["client_id"]) == 0


# ---- one sync at a time -----------------------------------------------------------------------


def _waiting_on(pid: int, lock_file: Path) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    want = os.path.realpath(lock_file)
    try:
        return any(os.path.realpath(fd) == want for fd in fds.iterdir())
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc to see the wait")
def test_a_second_sync_waits_for_the_lock_then_gives_up_clearly(sqlite_server, tmp_path):
    from liaison_app.sync.lock import LOCK_NAME, SyncLock

    server = sqlite_server
    user = server.add_user(unique("wang"))
    a = Cli(tmp_path / "a")
    a.login(server, user)
    record_some_work(a)
    pending = a.json("sync", "status")["pending"]
    lock_file = a.data_dir / LOCK_NAME
    held = SyncLock(a.data_dir)
    held.acquire()
    try:
        assert a.json("sync", "status")["sync_running"] is True
        before = a.state()
        proc = a.popen("sync")
        poll(lambda: _waiting_on(proc.pid, lock_file), "the second sync to wait on the lock")
        out, err = proc.communicate(timeout=120)  # it waits its time, then gives up
        assert proc.returncode == 1, err
        assert b"another sync" in err and b"Traceback" not in err
        assert a.state() == before
        # Started again, and the lock let go while it waits: it goes ahead.
        proc = a.popen("sync", "--json")
        poll(lambda: _waiting_on(proc.pid, lock_file), "the third sync to wait on the lock")
    finally:
        held.release()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert json.loads(out)["pushed"] == pending
    assert a.ok("check").status == 0


# ---- killed syncs -----------------------------------------------------------------------------


def test_a_sync_killed_at_every_crash_point_completes_on_the_next_run(sqlite_server, tmp_path):
    server = sqlite_server
    user = server.add_user(unique("wang"))
    a = Cli(tmp_path / "a")
    a.login(server, user)
    made = record_some_work(a)
    for point in (*CRASH_POINTS, "after_chunk"):
        if point == "after_chunk":
            photo = tmp_path / "扫描件.pdf"
            photo.write_bytes(random.Random(3).randbytes(3 * 2**20))  # two chunks
            a.ok("attachment", "add", "--to", made["problem"], str(photo))
        else:
            a.ok("enterprise", "add", "--name", firm_name(), "--district", "210102")
        r = a.run("sync", env=a.env(LIAISON_SYNC_CRASH_AT=point))
        assert r.status == CRASH_EXIT, f"{point}: exit {r.status}\n{r.err}"
        report = a.json("sync")
        assert report["rejected"] == 0, point
        assert a.ok("check").status == 0, point
        assert server_counts(server, a.enterprise_ids()) == a.counts(), point
    b = Cli(tmp_path / "b")
    b.login(server, user)
    b.ok("sync")
    same_data(a, b)
    assert b.counts() == a.counts()
    (att,) = b.json("attachment", "list", "--of", made["problem"])
    b.ok("attachment", "get", att["id"], "-o", "copy.pdf")
    assert (b.home / "copy.pdf").read_bytes() == (tmp_path / "扫描件.pdf").read_bytes()


def test_syncs_killed_with_sigkill_at_random_moments_lose_and_double_nothing(pg_server, tmp_path):
    server = pg_server
    user = server.add_user(unique("wang"))
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    a = Cli(tmp_path / "a")
    a.ok("demo", "--size", "small")
    got = a.login(server, user)
    total, client = got["adopted"], got["client_id"]
    assert total > 1500
    killed = 0
    for _ in range(3):
        # Killed once the server has taken a random number more of the changes (it takes
        # them 500 a push, so the kill lands anywhere from the commit to the next push).
        target = min(total, ledger_count(server, client) + rng.randint(1, 700))
        proc = a.popen("sync")
        hit = kill_when(proc, lambda t=target: ledger_count(server, client) >= t)
        killed += hit
        if not hit:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        assert ledger_count(server, client) <= total, f"seed {seed}"
    # Once more after every change is on the server: killed while it pulls.
    proc = a.popen("sync")
    killed += kill_when(proc, lambda: ledger_count(server, client) >= total)
    assert killed >= 2, f"the syncs ended before they could be killed (seed {seed})"
    report = a.json("sync")
    assert report["rejected"] == 0 and a.json("sync", "status")["pending"] == 0
    assert a.ok("check").status == 0
    assert ledger_count(server, client) == total  # each change taken once
    assert server_counts(server, a.enterprise_ids()) == a.counts(), f"seed {seed}"

    # A second folder, killed while pulling, then let finish, holds the same.
    b = Cli(tmp_path / "b")
    b.login(server, user)
    want = rng.randrange(1, a.counts()["problem"])

    def pulled_enough() -> bool:
        try:
            return b.counts().get("problem", 0) >= want
        except sqlite3.Error:
            return False

    proc = b.popen("sync")
    kill_when(proc, pulled_enough)
    b.ok("sync")
    assert b.ok("check").status == 0
    assert b.counts() == a.counts(), f"seed {seed}"
    same_data(a, b)


# ---- hostile input ----------------------------------------------------------------------------


@dataclass
class Scene:
    """A signed-in folder with an open conflict, a refused change and an attachment."""

    cli: Cli
    server: SyncServer
    user: str
    visit: str
    conflict: int
    refused: str
    attachment: str


@pytest.fixture(scope="module")
def scene(sqlite_server, tmp_path_factory) -> Scene:
    server = sqlite_server
    home = tmp_path_factory.mktemp("hostile")
    # A district no other test writes to, so the supervisor sees only this scene.
    boss = server.add_user(unique("zhao"), role="supervisor", district="210104")
    a, b = Cli(home / "a"), Cli(home / "b")  # two computers of one supervisor
    a.login(server, boss)
    b.login(server, boss)
    e = a.new_id("enterprise", "add", "--name", firm_name(), "--district", "210104")
    a.ok("sync")
    b.ok("sync")
    a.ok("enterprise", "edit", e, "--address", "沈阳市和平区南京北街1号")
    b.ok("enterprise", "edit", e, "--address", "沈阳市和平区太原街2号")
    outside = b.new_id(
        "enterprise", "add", "--name", firm_name("大连港物流"), "--district", "210202"
    )
    v = b.new_id("visit", "add", "--enterprise", e, "--date", day(-1), "--summary", "走访")
    photo = home / "照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(1000))
    att = b.new_id("attachment", "add", "--to", v, str(photo))
    a.ok("sync")
    b.ok("sync")
    (conflict,) = [c for c in b.json("conflicts", "list") if c["record_id"] == e]
    (refused,) = [r for r in b.json("rejected", "list") if r["record_id"] == outside]
    return Scene(b, server, boss, v, conflict["id"], refused["id"], att)


PW = f"{PASSWORD}\n".encode()
HOSTILE = [
    # (id, argv with {URL} {PORT} {U} {V} {C} {R} {A} {HOME}, words on stderr, stdin, in-process)
    ("login-no-scheme", ["login", "--server", "127.0.0.1:{PORT}"], ["http://"], PW, False),
    ("login-ftp", ["login", "--server", "ftp://127.0.0.1:{PORT}"], ["http://"], PW, False),
    ("login-no-host", ["login", "--server", "http://"], ["no host"], PW, False),
    ("login-port", ["login", "--server", "http://127.0.0.1:99999"], ["99999"], PW, False),
    ("login-space", ["login", "--server", "{URL}/a b"], ["spaces"], PW, False),
    ("login-url-nul", ["login", "--server", "{URL}\x00"], ["NUL"], PW, True),
    ("login-url-surrogate", ["login", "--server", b"{URL}\xff"], ["not valid text"], PW, False),
    ("login-user-nul", ["login", "--user", "wa\x00ng"], ["NUL"], PW, True),
    ("login-user-surrogate", ["login", "--user", b"\xe7\x8e\x8b\xff"], ["not valid"], PW, False),
    ("login-user-lone-surrogate", ["login", "--user", "王\ud800"], ["not valid"], PW, True),
    ("login-user-huge", ["login", "--user", "w" * 100_000], ["100000", "100"], PW, False),
    ("login-password-huge", ["login"], ["at most 200"], b"p" * 1_000_000 + b"\n", False),
    ("login-password-not-utf8", ["login"], ["password", "not valid"], b"\xff\xfe\n", False),
    ("login-password-empty", ["login"], ["password is required"], b"\n", False),
    ("login-password-wrong", ["login"], ["wrong user name or password"], b"guess\n", False),
    ("sync-password-wrong", ["sync", "--password-stdin"], ["wrong user"], b"guess\n", False),
    ("sync-password-not-utf8", ["sync", "--password-stdin"], ["not valid"], b"\xc3\n", False),
    ("resolve-beyond-64-bits", ["conflicts", "resolve", str(2**64), "--keep", "mine"],
     ["conflict", str(2**64)], b"", False),
    ("resolve-beyond-sqlite", ["conflicts", "resolve", str(2**63), "--keep", "mine"],
     ["conflict", str(2**63)], b"", False),
    ("resolve-negative", ["conflicts", "resolve", "-5", "--keep", "mine"], ["conflict"], b"",
     False),
    ("resolve-non-numeric", ["conflicts", "resolve", "abc", "--keep", "mine"],
     ["invalid int value"], b"", False),
    ("resolve-unknown", ["conflicts", "resolve", "987654", "--keep", "theirs"], ["987654"], b"",
     False),
    ("resolve-both", ["conflicts", "resolve", "{C}", "--keep", "mine", "--value", "x"],
     ["not allowed"], b"", False),
    ("resolve-neither", ["conflicts", "resolve", "{C}"], ["--keep"], b"", False),
    ("resolve-keep-what", ["conflicts", "resolve", "{C}", "--keep", "both"], ["invalid choice"],
     b"", False),
    ("resolve-value-nul", ["conflicts", "resolve", "{C}", "--value", "a\x00b"], ["NUL"], b"",
     True),
    ("resolve-value-surrogate", ["conflicts", "resolve", "{C}", "--value", b"a\xffb"],
     ["not valid"], b"", False),
    ("resolve-value-huge", ["conflicts", "resolve", "{C}", "--value", "x" * 100_000],
     ["address", "100000"], b"", False),
    ("discard-unknown", ["rejected", "discard", UNKNOWN_ID], [UNKNOWN_ID], b"", False),
    ("resend-unknown", ["rejected", "resend", UNKNOWN_ID], [UNKNOWN_ID], b"", False),
    ("discard-nul", ["rejected", "discard", "{R}\x00"], ["NUL"], b"", True),
    ("discard-surrogate", ["rejected", "discard", b"{R}\xff"], ["not valid"], b"", False),
    ("resend-huge", ["rejected", "resend", "r" * 100_000], ["too long"], b"", False),
    ("attach-to-surrogate", ["attachment", "add", "--to", b"\xff", "{HOME}/照片.jpg"],
     ["not valid"], b"", False),
    ("attach-missing-odd-name", ["attachment", "add", "--to", "{V}", b"{HOME}/\xff.jpg"],
     ["not a file", "\\udcff"], b"", False),
    ("attach-caption-nul", ["attachment", "add", "--to", "{V}", "{HOME}/照片.jpg", "--caption",
                            "a\x00b"], ["NUL"], b"", True),
    ("attach-caption-huge", ["attachment", "add", "--to", "{V}", "{HOME}/照片.jpg", "--caption",
                             "长" * 600], ["caption", "500"], b"", False),
    ("attach-list-surrogate", ["attachment", "list", "--of", b"{V}\xff"], ["not valid"], b"",
     False),
    ("attach-list-huge", ["attachment", "list", "--of", "v" * 100_000], ["too long"], b"",
     False),
    ("attach-get-surrogate", ["attachment", "get", b"{A}\xff", "-o", "x"], ["not valid"], b"",
     False),
    ("attach-get-dot", ["attachment", "get", "{A}", "-o", "."], ["is a folder"], b"", False),
    ("attach-get-missing-folder", ["attachment", "get", "{A}", "-o", "{HOME}/无/x.jpg"],
     ["does not exist"], b"", False),
]  # fmt: skip


def _fill(arg: Arg, values: dict[str, str]) -> Arg:
    for key, value in values.items():
        if isinstance(arg, bytes):
            arg = arg.replace(f"{{{key}}}".encode(), value.encode())
        else:
            arg = arg.replace(f"{{{key}}}", value)
    return arg


@pytest.mark.parametrize(
    ("argv", "words", "stdin", "in_process"),
    [c[1:] for c in HOSTILE],
    ids=[c[0] for c in HOSTILE],
)
def test_hostile_input_exits_2_with_a_message_and_writes_nothing(
    scene, argv, words, stdin, in_process
):
    cli = scene.cli
    values = {
        "URL": scene.server.url,
        "PORT": str(scene.server.port),
        "U": scene.user,
        "V": scene.visit,
        "C": str(scene.conflict),
        "R": scene.refused,
        "A": scene.attachment,
        "HOME": str(cli.home),
    }
    args = [_fill(a, values) for a in argv]
    if args[0] == "login":
        given = {a for a in args if isinstance(a, str) and a.startswith("--")}
        if "--server" not in given:
            args += ["--server", scene.server.url]
        if "--user" not in given:
            args += ["--user", scene.user]
        args.append("--password-stdin")
    before = cli.state()
    r = cli.expect(2, *args, stdin=stdin, in_process=in_process)
    assert r.out == ""
    assert r.err.strip(), "a refusal says why"
    for word in words:
        assert word in r.err, (word, r.err[-2000:])
    assert len(r.err) < 5000, "a message, not an echo of the input"
    assert cli.state() == before
    assert not (cli.home / "x").exists()
