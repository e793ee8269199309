"""The request line and headers within bounds: uvicorn's httptools protocol keeps a URL and
each header whole in memory as they arrive, with no limit at all (a 256 MB header line cost the
server 500 MB, kept after the connection closed). Here at most ``HEAD_LIMIT`` bytes of a
request's head are handed to the parser; a head that has not ended by then is answered 431 and
the connection closed, before anything past the limit is kept. Bodies are limits.py's.

Nor did a head have to end at all: a connection that sent nothing, or half a head, stayed open
for good, so anyone could hold every file descriptor the server may open. A head now ends
within ``HEAD_TIMEOUT`` of the connection or of its first byte, or the connection is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# A request line and its headers: a token is ~300 bytes; nginx allows 4 × 8 KB by default.
HEAD_LIMIT = 32 * 1024
HEAD_TIMEOUT = 30.0  # seconds: a head is a few hundred bytes, even on a poor mobile link

_REFUSAL = orjson.dumps(
    {
        "error": "head_too_large",
        "message": f"the request line and headers are over {HEAD_LIMIT:,} bytes",
    }
)
_ANSWER = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/json\r\n"
    b"content-length: " + str(len(_REFUSAL)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _REFUSAL
)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request head over ``HEAD_LIMIT`` bytes and
    closing a connection whose head does not end within ``head_timeout`` seconds."""

    head_timeout = HEAD_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # between the end of a request (or the connection's start) and
        self._head = 0  # the end of the next one's headers: the bytes that came in so far
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.head_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if self._in_head and not busy and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if not self._in_head:
            super().data_received(data)
            return
        self._arm()  # from the head's first byte (a kept-alive connection's next request)
        room = HEAD_LIMIT - self._head
        self._head += min(len(data), room)
        if len(data) <= room:
            super().data_received(data)
            return
        super().data_received(data[:room])  # as much as the limit allows: it may end the head
        if self.parser is None or self.transport.is_closing():
            return
        if self._in_head:
            self._refuse()
            return
        super().data_received(data[room:])

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head = True, 0
        self._arm()  # bytes of the next head may have come with this request's last ones

    def _refuse(self) -> None:
        busy = self.cycle is not None and not self.cycle.response_complete
        if not busy:  # a response under way (a pipelined request before this one) is cut off
            self.transport.write(_ANSWER)
        self.transport.close()
