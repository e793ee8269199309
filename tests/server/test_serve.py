"""`liaison-server serve` for real: one command on SQLite and PostgreSQL, one or two workers.

The server runs in a subprocess on a loopback port; admin commands run beside it from a shell,
and a signed-in device syncs over real HTTP.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.server.conftest import scratch_pg
from tests.server.support import PASSWORD, Device, firm


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: `serve` itself creates the schema."""
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}"
        return
    with scratch_pg() as url:
        yield url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(tmp_path: Path) -> dict[str, str]:
    out = {**os.environ, "LIAISON_SERVER_DATA": str(tmp_path / "srv")}
    out.pop("LIAISON_SERVER_DB", None)
    return out


def admin(tmp_path: Path, db: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "liaison_app.server.cli", "--db", db, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


@contextmanager
def serving(tmp_path: Path, db: str, *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `serve`, wait until /healthz answers, and stop it with SIGTERM afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "liaison_app.server.cli", "--db", db, "serve", "--port", str(port)]
        + list(extra),
        env=env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not come up within 60 s"
                time.sleep(0.1)  # polling for readiness, not timing anything
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_syncs_and_obeys_admin_commands_given_while_it_runs(tmp_path, db_url, workers):
    with serving(tmp_path, db_url, "--workers", str(workers)) as (base, proc):
        # An account made from a shell while the server runs can sign in at once.
        admin(tmp_path, db_url, "user", "add", "wang", "--role", "officer", "--password-stdin",
              stdin=PASSWORD + "\n")  # fmt: skip
        with httpx.Client(base_url=base, timeout=30) as client:
            wang = Device(client, "wang")  # type: ignore[arg-type]
            eid = firm(wang)
            assert [c["id"] for c in wang.pull()["changes"]] == [eid]
            # Fresh connections (spread over the workers) all see the same data.
            for _ in range(6):
                with httpx.Client(base_url=base, timeout=30) as other:
                    r = other.post("/v1/verify", headers=wang.headers)
                    assert r.status_code == 200, r.text
            # Disabling the user from a shell takes effect on the very next request.
            admin(tmp_path, db_url, "user", "disable", "wang")
            r = client.post("/v1/pull", json={"cursor": None}, headers=wang.headers)
            assert r.status_code == 401
    # Stopped cleanly on SIGTERM: exit 0, or (one process: uvicorn re-raises the signal after its
    # graceful shutdown, as service managers expect) killed by that same SIGTERM, nothing else.
    assert proc.returncode in (0, -signal.SIGTERM), proc.stderr.read() if proc.stderr else ""
    with socket.socket() as s:  # the port is free again: no worker was left behind
        s.bind(("127.0.0.1", int(base.rsplit(":", 1)[1])))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_refused_with_a_message(tmp_path, workers):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "liaison_app.server.cli", "serve", "--port", str(port)]
            + ["--workers", workers],
            capture_output=True,
            text=True,
            env=env(tmp_path),
            timeout=60,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
