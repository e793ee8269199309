"""`liaison-server serve` for real: one command on SQLite and PostgreSQL, one or two workers.

The server runs in a subprocess on a loopback port; admin commands run beside it from a shell,
and a signed-in device syncs over real HTTP.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
def serving(
    tmp_path: Path, db: str, *extra: str, scheme: str = "http", verify: Any = True
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `serve`, wait until /healthz answers, and stop it with SIGTERM afterwards."""
    port = free_port()
    log = (tmp_path / "serve.log").open("w")  # a file: a pipe nobody reads could fill up
    proc = subprocess.Popen(
        [sys.executable, "-m", "liaison_app.server.cli", "--db", db, "serve", "--port", str(port)]
        + list(extra),
        env=env(tmp_path),
        stdout=log,
        stderr=log,
        text=True,
    )
    base = f"{scheme}://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=2, verify=verify).status_code == 200:
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
        finally:
            log.close()


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
    lines = (tmp_path / "serve.log").read_text().splitlines()
    assert proc.returncode in (0, -signal.SIGTERM), lines[-20:]
    # Structured logs: every line is a JSON object; requests carry who made them, and the
    # audit records (sign-in, push) appear as they are written.
    entries = [json.loads(line) for line in lines]
    assert all({"ts", "level", "logger", "event"} <= e.keys() for e in entries)
    pushes = [e for e in entries if e["event"] == "request" and e["path"] == "/v1/push"]
    assert pushes and pushes[0]["status"] == 200 and pushes[0]["user"] == "wang"
    assert any(e["event"] == "login" and e.get("actor") == "wang" for e in entries)
    assert any(e["event"] == "push" and e.get("applied") == 1 for e in entries)
    refused = [e for e in entries if e["event"] == "request" and e["status"] == 401]
    assert refused and refused[-1]["path"] == "/v1/pull"
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


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_over_tls_when_given_a_certificate(tmp_path, workers):
    import ssl

    cert, key = self_signed(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert))
    db = f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}"
    extra = ("--workers", workers, "--tls-cert", str(cert), "--tls-key", str(key))
    with serving(tmp_path, db, *extra, scheme="https", verify=trust) as (base, _proc):
        hello = httpx.get(f"{base}/v1/hello", verify=trust, timeout=10)
        assert hello.status_code == 200 and hello.json()["protocol"] == {"min": 1, "max": 1}
        with pytest.raises(httpx.TransportError):  # no plain HTTP on a TLS port
            httpx.get(base.replace("https://", "http://") + "/healthz", timeout=5)


def test_workers_stop_when_their_supervisor_is_killed(tmp_path):
    db = f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}"
    with serving(tmp_path, db, "--workers", "2") as (base, proc):
        proc.kill()  # SIGKILL: the supervisor cannot pass anything on
        proc.wait(timeout=30)
        port = int(base.rsplit(":", 1)[1])
        for _ in range(300):  # poll: the orphaned workers notice and shut down
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                    break
                except OSError:
                    pass
            time.sleep(0.1)
        else:
            raise AssertionError("workers kept the port 30 s after their supervisor died")
