"""Server load benchmark: N simulated officers syncing against PostgreSQL on loopback.

    python bench/server.py [--officers 50] [--seconds 60] [--workers 2] [--pg URL]

A scratch database is created and dropped. Users are made and signed in before the run; each
officer then loops hello + a push of 20 mutations + a pull at the head, from one asyncio load
generator speaking plain keep-alive HTTP/1.1 (httpx cost more CPU per request than the server). Prints throughput, p50/p99 latency per request kind and errors. Target (design.md
§5): 50 officers, no error, p99 under 1 s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import httpx
import orjson
import psycopg

PG = os.environ.get("LIAISON_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench password 1"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


class Connection:
    """A bare keep-alive HTTP/1.1 client: the load generator must not be what is measured
    (httpx spends more CPU per request than the server does)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, token: str, body: object | None = None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = orjson.dumps(body) if body is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        self.writer.write(head.encode() + payload)
        await self.writer.drain()
        assert self.reader is not None
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)


async def officer(host: str, port: int, token: str, deadline: float, stats: dict) -> None:
    conn = Connection(host, port)
    seq, cursor, eid = 0, None, str(uuid.uuid4())

    async def call(kind: str, method: str, path: str, body: dict | None = None) -> dict | None:
        t0 = time.perf_counter()
        try:
            status, data = await conn.request(method, path, token, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            stats["errors"].append(f"{kind} {type(exc).__name__}")
            conn.writer = None
            return None
        stats["lat"].setdefault(kind, []).append(time.perf_counter() - t0)
        if status != 200:
            stats["errors"].append(f"{kind} {status} {data[:120]!r}")
            return None
        return orjson.loads(data)

    seq += 1
    await call(
        "push",
        "POST",
        "/v1/push",
        {
            "mutations": [
                {
                    "id": str(uuid.uuid4()),
                    "seq": seq,
                    "entity": "enterprise",
                    "op": "create",
                    "record_id": eid,
                    "fields": {"name": f"压测企业{eid[:8]}", "district_code": "210102"},
                }
            ]
        },
    )
    while time.perf_counter() < deadline:
        await call("hello", "GET", "/v1/hello")
        batch = []
        for _ in range(20):
            seq += 1
            batch.append(
                {
                    "id": str(uuid.uuid4()),
                    "seq": seq,
                    "entity": "visit",
                    "op": "create",
                    "record_id": str(uuid.uuid4()),
                    "enterprise_id": eid,
                    "fields": {"visit_date": "2026-11-20", "summary": "压测走访"},
                }
            )
        if await call("push", "POST", "/v1/push", {"mutations": batch}) is not None:
            stats["mutations"] += 20
        page = await call("pull", "POST", "/v1/pull", {"cursor": cursor})
        if page is not None:
            cursor = page["cursor"]
        stats["loops"] += 1
    if conn.writer is not None:
        conn.writer.close()


async def load(port: int, tokens: list[str], seconds: float) -> dict:
    stats: dict = {"lat": {}, "errors": [], "mutations": 0, "loops": 0}
    deadline = time.perf_counter() + seconds
    await asyncio.gather(*(officer("127.0.0.1", port, t, deadline, stats) for t in tokens))
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--pg", default=PG)
    args = parser.parse_args()

    name = f"liaison_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = args.pg.rsplit("/", 1)[0] + f"/{name}"
    server = None
    server_log = tempfile.TemporaryFile()  # noqa: SIM115 - read after the server stops
    try:
        from liaison_app.server import accounts
        from liaison_app.server.db import make_engine
        from liaison_app.server.migrate import upgrade

        engine = make_engine(url)
        upgrade(engine)
        users = [f"officer{i:03d}" for i in range(args.officers)]
        for user in users:
            accounts.add_user(engine, user, "officer", PASSWORD)
        tokens = [accounts.login(engine, u, PASSWORD, None, "bench").access_token for u in users]
        engine.dispose()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "liaison_app.server.cli",
                "--db",
                url,
                "serve",
                "--port",
                str(args.port),
                "--workers",
                str(args.workers),
            ],
            stdout=subprocess.DEVNULL,
            stderr=server_log,  # a JSON line per request: a pipe nobody reads would fill up
        )
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        t0 = time.perf_counter()
        stats = asyncio.run(load(args.port, tokens, args.seconds))
        elapsed = time.perf_counter() - t0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    server_log.seek(0)
    logged = server_log.read().count(b"\n")
    everything = [x for v in stats["lat"].values() for x in v]
    print(f"{args.officers} officers, {args.workers} server workers, {elapsed:.1f} s")
    print(
        f"loops (hello + push 20 + pull): {stats['loops']:,}; mutations applied: {stats['mutations']:,} "
        f"({stats['mutations'] / elapsed:,.0f}/s); requests: {len(everything):,} ({len(everything) / elapsed:,.0f}/s)"
    )
    for kind, values in sorted(stats["lat"].items()):
        print(
            f"  {kind:6} n={len(values):6,}  p50 {statistics.median(values) * 1000:7.1f} ms  "
            f"p99 {percentile(values, 0.99) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
        )
    p99 = percentile(everything, 0.99)
    print(f"server log: {logged:,} JSON lines (one per request and per audit record)")
    print(
        f"errors: {len(stats['errors'])}"
        + (f" (first: {stats['errors'][0]})" if stats["errors"] else "")
    )
    ok = not stats["errors"] and p99 < 1.0
    print(
        f"summary: all requests p99 {p99 * 1000:.1f} ms; target no error and p99 < 1 s: {'PASS' if ok else 'FAIL'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
