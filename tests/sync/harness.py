"""The sync test harness: the real server in a subprocess, client folders, a faulty network.

- ``SyncServer``: `liaison-server serve` on a free loopback port (SQLite or a scratch
  PostgreSQL database); can be killed with SIGKILL, restarted, and (SQLite) have its database
  put back to an older copy.
- ``FaultyTransport``: an httpx transport in front of the real one that drops requests, drops
  answers after the server acted, duplicates requests (at once or later, as a delayed copy
  would arrive), cuts answers short, or answers 500 / 503 / 429 with Retry-After itself.
- ``Folder``: one client data folder (a Store) whose sync goes through such a transport and
  whose waits are recorded instead of slept.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from liaison_app.services.store import Store, open_store

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]
_names = itertools.count(1)


def unique(prefix: str) -> str:
    """A user name no other test of this session uses (scopes stay apart on a shared server)."""
    return f"{prefix}{os.getpid()}x{next(_names)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SyncServer:
    """One `liaison-server serve` process over one database."""

    def __init__(self, folder: Path, db_url: str) -> None:
        self.folder = folder
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None
        self._log_file: Any = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        out = {**os.environ, "LIAISON_SERVER_DATA": str(self.folder / "srv")}
        out.pop("LIAISON_SERVER_DB", None)
        return out

    def admin(self, *args: str, stdin: str = "") -> str:
        """Run a `liaison-server` admin command against this database (exit 0 expected)."""
        done = subprocess.run(
            [sys.executable, "-m", "liaison_app.server.cli", "--db", self.db_url, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
        )
        assert done.returncode == 0, f"liaison-server {' '.join(args)}: {done.stderr}"
        return done.stdout

    def add_user(self, name: str, role: str = "officer", district: str | None = None) -> str:
        extra = ["--district", district] if district else []
        self.admin(
            "user", "add", name, "--role", role, *extra, "--password-stdin", stdin=PASSWORD + "\n"
        )
        return name

    def start(self) -> None:
        self._log_file = (self.folder / "serve.log").open("a")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "liaison_app.server.cli",
                "--db",
                self.db_url,
                "serve",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=self._log_file,
            stderr=self._log_file,
            text=True,
        )
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, (self.folder / "serve.log").read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not come up within 60 s"
                time.sleep(0.05)  # polling for readiness, not timing anything

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def kill(self) -> None:
        """SIGKILL: whatever the server was doing stops mid-way."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    # ---- restoring the server from an older copy ---------------------------------------------
    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite+pysqlite:///"
        return Path(self.db_url[len(prefix) :]) if self.db_url.startswith(prefix) else None

    def snapshot(self, name: str) -> Path:
        """A consistent copy of the database (SQLite), taken while the server runs."""
        import sqlite3

        path = self.sqlite_path
        assert path is not None, "snapshots are taken of SQLite servers"
        target = self.folder / f"{name}.sqlite3"
        src, dst = sqlite3.connect(path), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target

    def restore(self, copy: Path) -> None:
        """Stop, put the older copy in place (no admin step), start again."""
        path = self.sqlite_path
        assert path is not None
        self.stop()
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.copy(copy, path)
        self.start()

    # ---- what the server holds ---------------------------------------------------------------
    def query(self, sql: str, **params: Any) -> list[Any]:
        engine = create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(sql), params))
        finally:
            engine.dispose()


# ---- a network that misbehaves -------------------------------------------------------------

FAULTS = (
    "drop_request",  # never reaches the server
    "drop_response",  # the server acted; the answer is lost
    "duplicate",  # sent twice at once
    "late_duplicate",  # a delayed copy arrives after the next request
    "truncate",  # the answer is cut short
    "500",
    "503",
    "429",  # with Retry-After
)


@dataclass
class Fault:
    kind: str
    path: str = ""  # only requests whose path contains this
    times: int = 1


class FaultyTransport(httpx.BaseTransport):
    """Injects faults planned in ``plan`` (in order) and, with ``rate``, random ones."""

    def __init__(self, rate: float = 0.0, seed: int = 0, kinds: tuple[str, ...] = FAULTS) -> None:
        self.inner = httpx.HTTPTransport()
        self.plan: list[Fault] = []
        self.rate = rate
        self.kinds = kinds
        self.rng = random.Random(seed)
        self.injected: list[tuple[str, str]] = []
        self.requests: list[tuple[str, str]] = []
        self._late: list[httpx.Request] = []
        self.offline = False
        # The network goes away after this many more requests (a sync cut off half-way:
        # after its push, in the middle of a pull or an upload), until set back.
        self.cut_after: int | None = None

    def _copy(self, request: httpx.Request) -> httpx.Request:
        return httpx.Request(
            request.method, request.url, headers=request.headers, content=request.content
        )

    def _send(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = b"".join(response.iter_raw())  # as they came (still gzip-encoded, if they were)
        response.close()
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    def _choose(self, request: httpx.Request) -> str | None:
        for fault in self.plan:
            if fault.times > 0 and fault.path in request.url.path:
                fault.times -= 1
                if fault.times == 0:
                    self.plan.remove(fault)
                return fault.kind
        if self.rate and self.rng.random() < self.rate:
            return self.rng.choice(self.kinds)
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append((request.method, request.url.path))
        if self.cut_after is not None:
            if self.cut_after <= 0:
                self.offline = True
            self.cut_after -= 1
        if self.offline:
            raise httpx.ConnectError("offline (test)", request=request)
        # A delayed copy of an earlier request arrives now, before this one.
        for late in self._late:
            self._send(late)
        self._late.clear()
        kind = self._choose(request)
        if kind is None:
            return self._send(request)
        self.injected.append((kind, request.url.path))
        if kind == "drop_request":
            raise httpx.ConnectError("dropped (test)", request=request)
        if kind in ("500", "503"):
            return httpx.Response(int(kind), json={"error": "test", "message": "injected"})
        if kind == "429":
            return httpx.Response(
                429, headers={"Retry-After": "3"}, json={"error": "rate_limited", "message": "x"}
            )
        if kind == "drop_response":
            self._send(request)
            raise httpx.ReadError("answer lost (test)", request=request)
        if kind == "duplicate":
            self._send(self._copy(request))
            return self._send(request)
        if kind == "late_duplicate":
            self._late.append(self._copy(request))
            return self._send(request)
        if kind == "truncate":
            whole = self._send(request)
            body = whole.read()  # decoded: the cut answer is sent plain
            cut = body[: max(0, len(body) // 2)]
            headers = {
                k: v
                for k, v in whole.headers.items()
                if k.lower() not in ("content-length", "content-encoding")
            }
            return httpx.Response(whole.status_code, headers=headers, content=cut)
        raise AssertionError(kind)

    def close(self) -> None:
        self.inner.close()


class SimulatedCrash(BaseException):
    """Raised at a named crash point: the process 'dies' there (nothing after it runs)."""


@dataclass
class Folder:
    """One client data folder with its own faulty network and a clock that never sleeps."""

    path: Path
    server: SyncServer
    transport: FaultyTransport = field(default_factory=FaultyTransport)
    store: Store = field(init=False)
    waits: list[float] = field(default_factory=list)
    crash_at: str | None = None
    crash_after: int = 1
    user: str | None = None

    def __post_init__(self) -> None:
        self.store = open_store(self.path)
        self._configure()

    def _configure(self) -> None:
        self.store.sync.configure(
            transport=self.transport, sleep=self.waits.append, crash=self._crash, lock_wait=5.0
        )

    def _crash(self, point: str) -> None:
        if self.crash_at == point:
            self.crash_after -= 1
            if self.crash_after <= 0:
                self.crash_at = None
                raise SimulatedCrash(point)

    def reopen(self) -> None:
        """Close and open the folder again, as a restarted app would."""
        self.store.close()
        self.store = open_store(self.path)
        self._configure()

    def login(self, user: str) -> Any:
        self.user = user
        return self.store.sync.login(self.server.url, user, PASSWORD)

    def sync(self) -> Any:
        return self.store.sync.sync()

    def sync_until_done(self, attempts: int = 10) -> Any:
        """Sync until a sync completes (crashes and faults may stop the first few)."""
        last: BaseException | None = None
        for _ in range(attempts):
            try:
                return self.sync()
            except SimulatedCrash as exc:
                last = exc
                self.reopen()
            except Exception as exc:  # noqa: BLE001 - a failed sync is retried like a user would
                last = exc
        raise AssertionError(f"sync never completed: {last!r}")

    def close(self) -> None:
        self.store.close()
        self.transport.close()


@contextmanager
def folders(server: SyncServer, root: Path, n: int, **kw: Any) -> Iterator[list[Folder]]:
    made = [Folder(root / f"client{i}", server, **kw) for i in range(n)]
    try:
        yield made
    finally:
        for f in made:
            f.close()


Check = Callable[[], None]
