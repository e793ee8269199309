"""Against a real `liaison-server serve` in a subprocess: a 1 GB body, with and without a token,
and a request head that never ends cost the server no more than a few MB and are answered at
once; concurrent sign-in attacks
over real HTTP check at most the limit."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

from liaison_app.server import auth
from liaison_app.server.db import make_engine
from liaison_app.server.schema import audit_log
from tests.server.support import PASSWORD
from tests.server.test_serve import admin, db_url, serving  # noqa: F401 - db_url is a fixture

GB, MB = 2**30, 2**20
SHA = "cd" * 32


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of a process, in KB, from /proc."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0])
    return out


class Sampler:
    """Watches a process's resident memory while something runs; keeps the highest seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, memory(self.pid)["VmRSS"])
            if self.stop.wait(0.02):  # a measuring interval, not a wait for anything
                return

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, memory(self.pid)["VmRSS"])


def read_answer(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        assert piece, "connection closed before an answer"
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(v) for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "content-length"
    )
    while len(rest) < length:
        rest += sock.recv(65536)
    return int(lines[0].split()[1]), rest[:length]


def stream(
    port: int, method: str, path: str, headers: dict[str, str], piece: bytes, total: int
) -> dict[str, float]:
    """Send ``total`` bytes of body (chunked: no length to refuse it by) while waiting for the
    answer; then end the body and ask /healthz on the same connection."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    sent = 0
    at_answer: dict[str, float] = {}
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"

    def send() -> None:
        nonlocal sent
        while sent < total:
            sock.sendall(frame)
            sent += len(piece)
        sock.sendall(b"0\r\n\r\n")

    t0 = time.perf_counter()
    sender = threading.Thread(target=send)
    sender.start()
    status, body = read_answer(sock)
    at_answer.update(status=status, seconds=time.perf_counter() - t0, sent_mb=sent / MB)
    sender.join()
    at_answer["total_s"] = time.perf_counter() - t0
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    at_answer["after"] = read_answer(sock)[0]
    sock.close()
    assert len(body) < 200 and b"error" in body
    return at_answer


def stream_head(port: int, start: bytes, piece: bytes, total: int) -> dict[str, float]:
    """Send a request head that never ends (``start``, then ``piece`` up to ``total`` bytes)
    while waiting for the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(start)
    sent = 0

    def send() -> None:
        nonlocal sent
        try:
            while sent < total:
                sock.sendall(piece)
                sent += len(piece)
        except OSError:  # the server closed the connection: what it should do
            pass

    t0 = time.perf_counter()
    sender = threading.Thread(target=send)
    sender.start()
    status, body = read_answer(sock)
    seconds = time.perf_counter() - t0
    sock.close()
    sender.join()
    assert len(body) < 200 and b"error" in body
    return {"status": status, "seconds": seconds, "sent_mb": sent / MB}


def test_a_1_gb_body_costs_the_server_a_few_mb(tmp_path, db_url, capsys):  # noqa: F811
    admin(
        tmp_path,
        db_url,
        "user",
        "add",
        "wang",
        "--role",
        "officer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    with serving(tmp_path, db_url) as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        with httpx.Client(base_url=base, timeout=30) as client:
            token = client.post(
                "/v1/auth/login", json={"user": "wang", "password": PASSWORD}
            ).json()["access_token"]
            bearer = {"Authorization": f"Bearer {token}"}
            # Warm up every path the streams take, so code loaded on first use is not counted.
            for _ in range(3):
                client.post("/v1/push", json={"mutations": []}, headers=bearer)
                client.put(f"/v1/blobs/{SHA}", content=b"x" * MB, headers=bearer)
                client.post("/v1/push", content=b"{" * (2 * MB), headers=bearer)
                client.put(f"/v1/blobs/{SHA}", content=b"x" * (5 * MB), headers=bearer)
                client.post("/v1/auth/login", content=b"{" * 8192)
        idle = memory(proc.pid)
        bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bomb.compress(b"0" * (16 * MB)) + bomb.flush()  # one gzip member: 16 MB of zeros
        json_piece = b"[" * MB
        cases = [
            ("POST", "/v1/push", {}, json_piece, GB, 401),
            ("POST", "/v1/push", bearer, json_piece, GB, 413),
            ("POST", "/v1/auth/login", {}, json_piece, GB, 413),
            ("PUT", f"/v1/blobs/{SHA}", {}, json_piece, GB, 401),
            ("PUT", f"/v1/blobs/{SHA}", bearer, json_piece, GB, 413),
            # 1 GB once decompressed, in about 1 MB of gzip members
            (
                "POST",
                "/v1/push",
                {**bearer, "Content-Encoding": "gzip"},
                zeros,
                64 * len(zeros),
                413,
            ),
        ]
        report = []
        for method, path, headers, piece, total, expect in cases:
            with Sampler(proc.pid) as sampler:
                result = stream(
                    port,
                    method,
                    path,
                    {**headers, "Content-Type": "application/json"},
                    piece,
                    total,
                )
            grew_mb = (sampler.peak - idle["VmRSS"]) / 1024
            what = f"{method} {path} {'token' if 'Authorization' in headers else 'no token'}"
            what += " gzip" if "Content-Encoding" in headers else ""
            report.append(
                f"{what}: {result['status']:.0f} after {result['seconds']:.2f} s and "
                f"{result['sent_mb']:.0f} MB sent; body streamed in {result['total_s']:.1f} s; "
                f"RSS peak {sampler.peak / 1024:.1f} MB (idle {idle['VmRSS'] / 1024:.1f}, +{grew_mb:.1f})"
            )
            assert result["status"] == expect, report[-1]
            assert result["after"] == 200, report[-1]  # the connection still serves
            assert result["seconds"] < 10 and result["sent_mb"] < 256, report[-1]
            assert grew_mb < 12, report[-1]
        # A head that never ends: one endless header line, endless headers, an endless URL.
        heads = [
            ("header line", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: ", b"a" * MB),
            ("headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"X-B: " + b"b" * 994 + b"\r\n"),
            ("URL", b"GET /healthz?q=", b"a" * MB),
            ("token", b"POST /v1/push HTTP/1.1\r\nAuthorization: Bearer ", b"a" * MB),
        ]
        for what, start, piece in heads:
            with Sampler(proc.pid) as sampler:
                result = stream_head(port, start, piece, GB)
            grew_mb = (sampler.peak - idle["VmRSS"]) / 1024
            report.append(
                f"endless {what}: {result['status']:.0f} after {result['seconds']:.2f} s and "
                f"{result['sent_mb']:.0f} MB sent; RSS peak {sampler.peak / 1024:.1f} MB "
                f"(+{grew_mb:.1f})"
            )
            assert result["status"] == 431, report[-1]
            assert result["seconds"] < 10 and result["sent_mb"] < 256, report[-1]
            assert grew_mb < 12, report[-1]
        peak = memory(proc.pid)["VmHWM"]
        report.append(f"VmHWM idle {idle['VmHWM'] / 1024:.1f} MB → after all {peak / 1024:.1f} MB")
        assert peak - max(idle["VmHWM"], idle["VmRSS"]) < 12 * 1024, report
        with capsys.disabled():
            print(f"\n[{db_url.split(':')[0]}] " + "\n  ".join(report))


def test_concurrent_attacks_over_http_check_at_most_the_limit(tmp_path, db_url, capsys):  # noqa: F811
    admin(
        tmp_path,
        db_url,
        "user",
        "add",
        "wang",
        "--role",
        "officer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    with serving(tmp_path, db_url, "--workers", "2") as (base, _proc):

        def wrong(_i: int) -> int:
            with httpx.Client(base_url=base, timeout=60) as c:
                return c.post(
                    "/v1/auth/login", json={"user": "wang", "password": "wrong password"}
                ).status_code

        with ThreadPoolExecutor(50) as pool:
            codes = list(pool.map(wrong, range(50)))
        with httpx.Client(base_url=base, timeout=60) as c:
            right = c.post(
                "/v1/auth/login",
                json={"user": "wang", "password": PASSWORD},
                headers={"X-Forwarded-For": "192.0.2.1"},
            )
        # (uvicorn trusts X-Forwarded-For from 127.0.0.1 only: a proxy on this host. Here it
        # stands for "another address", which the attacker's failures do not hold up.)
        assert right.status_code == 200, right.text
        refresh_token = right.json()["refresh_token"]

        def refresh(_i: int) -> int:
            with httpx.Client(base_url=base, timeout=60) as c:
                return c.post("/v1/auth/refresh", json={"refresh_token": refresh_token}).status_code

        with ThreadPoolExecutor(20) as pool:
            refreshed = list(pool.map(refresh, range(20)))
    engine = make_engine(db_url)
    with engine.connect() as conn:
        checked = conn.execute(
            select(func.count()).select_from(audit_log).where(audit_log.c.action == "login.failed")
        ).scalar_one()
    engine.dispose()
    with capsys.disabled():
        print(
            f"\n[{db_url.split(':')[0]}] 50 concurrent wrong logins: {codes.count(401)} × 401 "
            f"(passwords checked: {checked}), {codes.count(429)} × 429; "
            f"20 concurrent refreshes of one token: {refreshed.count(200)} × 200, {refreshed.count(401)} × 401"
        )
    assert codes.count(401) == auth.MAX_FAILURES and codes.count(429) == 50 - auth.MAX_FAILURES
    assert checked == auth.MAX_FAILURES
    assert refreshed.count(200) == 2 and refreshed.count(401) == 18
