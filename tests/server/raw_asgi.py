"""Drive the ASGI app directly, one message at a time: what a request costs the server can be
counted exactly (how much of the body it asked for), without a network in between."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    pulled: int = 0  # body bytes the server asked for
    messages: int = 0  # receive() calls that returned body
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        return orjson.loads(self.body)


def endless(chunk: bytes, total: int) -> Iterator[bytes]:
    """``total`` bytes in pieces of ``chunk``, made as asked for (never all in memory)."""
    sent = 0
    while sent < total:
        piece = chunk[: total - sent]
        sent += len(piece)
        yield piece


def call(
    app: Any,
    method: str,
    path: str,
    body: Iterable[bytes] = (),
    headers: dict[str, str] | None = None,
    query: str = "",
    client: tuple[str, int] = ("127.0.0.1", 50000),
) -> Answer:
    return asyncio.run(_call(app, method, path, body, headers or {}, query, client))


async def _call(
    app: Any,
    method: str,
    path: str,
    body: Iterable[bytes],
    headers: dict[str, str],
    query: str,
    client: tuple[str, int],
) -> Answer:
    pieces = iter(body)
    pending = next(pieces, None)
    answer = Answer(0, {}, b"")
    chunks: list[bytes] = []
    done = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal pending
        if done.is_set() or pending is None and answer.messages:
            await done.wait()
            return {"type": "http.disconnect"}
        piece = pending or b""
        pending = next(pieces, None)
        answer.pulled += len(piece)
        answer.messages += 1
        return {"type": "http.request", "body": piece, "more_body": pending is not None}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": client,
        "server": ("127.0.0.1", 8765),
        "state": {},
    }
    await app(scope, receive, send)
    answer.body = b"".join(chunks)
    return answer
