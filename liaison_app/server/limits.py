"""Request bodies within bounds: credentials checked before a protected body is read, size
limits enforced while it streams in (on the decompressed size for gzip), a 413 beyond.

A pure ASGI middleware in front of FastAPI: neither Starlette nor pydantic ever sees more than
the limit of the route, so a 1 GB body costs the server what the limit allows and no more.
A body refused before it was read is left to the server, which discards it as it arrives
(uvicorn keeps the connection usable; nothing of it is kept).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import orjson

from liaison_app.server import auth
from liaison_app.sync.protocol import MAX_PUSH_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A push is at most MAX_PUSH_BYTES of mutations; the envelope around them gets a little slack.
PUSH_LIMIT = MAX_PUSH_BYTES + 16 * 1024
AUTH_LIMIT = 4 * 1024  # a user name, a password, a client id, a device name
CHUNK_LIMIT = 4 * 2**20  # one blob chunk
SMALL_LIMIT = 32 * 1024  # everything else: a pull request, a conflict note
# Without a token, only these answer; everything else under /v1 is refused before its body.
PUBLIC = frozenset({"/v1/hello", "/v1/auth/login", "/v1/auth/refresh"})


@dataclass(frozen=True)
class Policy:
    limit: int
    protected: bool


def policy(method: str, path: str) -> Policy:
    """The byte limit of a route's body and whether it needs a token to be read at all."""
    protected = path.startswith("/v1/") and path not in PUBLIC
    if path == "/v1/push":
        return Policy(PUSH_LIMIT, protected)
    if path in ("/v1/auth/login", "/v1/auth/refresh"):
        return Policy(AUTH_LIMIT, protected)
    if method == "PUT" and path.startswith("/v1/blobs/"):
        return Policy(CHUNK_LIMIT, protected)
    return Policy(SMALL_LIMIT, protected)


class Refusal(Exception):
    """An answer given instead of reading (more of) the body."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def too_large(limit: int) -> Refusal:
    return Refusal(413, "too_large", f"the request body is over this endpoint's {limit:,} bytes")


class _Gunzip:
    """Incremental gzip decoding that never produces more than ``limit`` bytes in all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.produced = 0
        self.member = zlib.decompressobj(wbits=31)
        self.open = False  # inside a member whose end has not arrived

    def feed(self, data: bytes) -> bytes:
        out = []
        try:
            while data:
                self.open = True
                # max_length one past what is left: reaching it proves the body too large.
                piece = self.member.decompress(data, self.limit - self.produced + 1)
                self.produced += len(piece)
                if self.produced > self.limit:
                    raise too_large(self.limit)
                out.append(piece)
                if self.member.eof:  # gzip allows several members one after another
                    data = self.member.unused_data
                    self.member = zlib.decompressobj(wbits=31)
                    self.open = False
                else:
                    data = self.member.unconsumed_tail
        except zlib.error as exc:
            raise Refusal(400, "bad_encoding", "the body is not valid gzip") from exc
        return b"".join(out)

    def finish(self) -> None:
        if self.open:
            raise Refusal(400, "bad_encoding", "the gzip body ends before its end")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def _bearer(scope: Scope) -> str | None:
    value = _header(scope, b"authorization")
    if value is None:
        return None
    scheme, _, token = value.decode("latin-1").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def answer(send: Send, refusal: Refusal) -> None:
    body = orjson.dumps({"error": refusal.code, "message": refusal.message})
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in refusal.headers.items()),
    ]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class BodyLimits:
    """ASGI middleware: check the token (signature and expiry, no database), then read the
    body up to the route's limit and hand it on whole, decompressed and with its length."""

    def __init__(self, app: ASGIApp, key: str, clock: Callable[[], dt.datetime]) -> None:
        self.app, self.key, self.clock = app, key, clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = policy(scope["method"], scope["path"])
        try:
            self._check_token(scope, rule)
            decoder = self._decoder(scope, rule)
            body = await self._read(receive, rule.limit, decoder)
        except Refusal as refusal:
            await answer(send, refusal)
            return
        if body is None:  # the client went away while sending
            return
        if decoder is not None or _header(scope, b"content-length") is None:
            # Decompressed or chunked: the app sees a plain body of a known length.
            headers = [
                (k, v)
                for k, v in scope.get("headers", ())
                if k.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            scope = {**scope, "headers": headers}
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: only a disconnect can come

        await self.app(scope, replay, send)

    def _check_token(self, scope: Scope, rule: Policy) -> None:
        token = _bearer(scope)
        claims = None if token is None else auth.read_access(self.key, token, self.clock())
        if claims is not None:
            state = scope.setdefault("state", {})
            state["claims"] = claims
            state["user"], state["client"] = claims.user, claims.client_id  # for the log
        elif rule.protected:  # public routes ignore a stale token (hello checks its own)
            raise Refusal(
                401,
                "unauthorized",
                "missing, invalid or expired access token",
                {"WWW-Authenticate": "Bearer"},
            )

    def _decoder(self, scope: Scope, rule: Policy) -> _Gunzip | None:
        encoding = (_header(scope, b"content-encoding") or b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip", b"x-gzip"):
            raise Refusal(415, "unsupported_encoding", "request bodies may be gzip or plain")
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit():
            # gzip of incompressible bytes is a little larger than the bytes themselves.
            wire_limit = rule.limit if encoding == b"identity" else rule.limit + rule.limit // 64
            if int(declared) > wire_limit:
                raise too_large(rule.limit)
        return None if encoding == b"identity" else _Gunzip(rule.limit)

    async def _read(self, receive: Receive, limit: int, decoder: _Gunzip | None) -> bytes | None:
        chunks: list[bytes] = []
        size = wire = 0
        wire_limit = limit + limit // 64 + 1024
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            if chunk:
                wire += len(chunk)
                if wire > wire_limit:
                    raise too_large(limit)
                if decoder is not None:
                    chunk = decoder.feed(chunk)
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        if decoder is not None:
            decoder.finish()
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
