"""Structured logs: one JSON object per line on stderr, for people and log shippers alike.

Every line has ``ts`` (UTC), ``level``, ``logger`` and ``event``, then the event's own fields:
a request line (method, path, status, ms, user) per HTTP request, and one line per audit
record (logins, pushes, rejections, conflict resolutions, admin commands), beside the audit
table that keeps them.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from typing import Any

import orjson

audit_log = logging.getLogger("liaison.audit")
request_log = logging.getLogger("liaison.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            out.update(fields)
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


def configure(level: str = "info") -> None:
    """Send the server's own and uvicorn's logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("liaison", "liaison_app", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # RequestLog writes these


def event(logger: logging.Logger, name: str, **fields: Any) -> None:
    if logger.isEnabledFor(logging.INFO):
        logger.info(name, extra={"fields": fields})


class RequestLog:
    """ASGI middleware: one line per request, with the signed-in user when there is one."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not request_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            state = scope.get("state") or {}
            event(
                request_log,
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - start) * 1000, 1),
                user=state.get("user"),
                client=state.get("client"),
            )
