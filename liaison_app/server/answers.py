"""Error answers: each exception the server raises mapped to its status and a short JSON body.

No answer ever echoes the request: a validation error names the field and the problem only.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from liaison_app.errors import InputError, LiaisonError, NotFoundError
from liaison_app.server import accounts
from liaison_app.server.blobs import OffsetMismatch
from liaison_app.server.pull import CursorTooOld
from liaison_app.server.push import SyncRefused
from liaison_app.server.review import Forbidden

log = logging.getLogger("liaison.server")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_encoding",
}
MAX_PROBLEMS = 10


def _where(loc: tuple[Any, ...]) -> str:
    """A field path from pydantic's location, keeping only names and positions: a key the
    client chose (a dict key in the body, say) could carry anything."""
    parts = []
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            parts.append(str(part))
        elif isinstance(part, str) and _NAME.fullmatch(part):
            parts.append(part)
        else:
            parts.append("*")
    return ".".join(parts) or "body"


def problems(exc: RequestValidationError) -> list[dict[str, str]]:
    out = []
    for error in exc.errors()[:MAX_PROBLEMS]:
        code = str(error.get("type", "invalid"))
        ctx = error.get("ctx") or {}
        # json_invalid carries the parser's own sentence (strict_json.py); the others are
        # pydantic's, which name constraints ("at most 100 characters"), never the input.
        message = str(ctx.get("error") if code == "json_invalid" else error.get("msg", ""))
        out.append(
            {"field": _where(tuple(error.get("loc", ()))), "code": code, "message": message[:200]}
        )
    return out


def install(app: FastAPI) -> None:
    def error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
        return JSONResponse({"error": code, "message": message, **extra}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        found = problems(exc)
        first = found[0] if found else {"field": "body", "message": "is not valid"}
        return error(422, "invalid_request", f"{first['field']}: {first['message']}", errors=found)

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        response = error(exc.status_code, code, str(exc.detail)[:200])
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(accounts.AuthError)
    async def _unauthorized(_request: Request, exc: accounts.AuthError) -> JSONResponse:
        response = error(401, exc.code, exc.message)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(accounts.RateLimited)
    async def _limited(_request: Request, exc: accounts.RateLimited) -> JSONResponse:
        response = error(429, exc.code, exc.message, retry_after=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(SyncRefused)
    async def _refused(_request: Request, exc: SyncRefused) -> JSONResponse:
        return error(409, exc.code, exc.message, **exc.detail)

    @app.exception_handler(OffsetMismatch)
    async def _offset(_request: Request, exc: OffsetMismatch) -> JSONResponse:
        return error(409, exc.code, exc.message, received=exc.received)

    @app.exception_handler(CursorTooOld)
    async def _gone(_request: Request, exc: CursorTooOld) -> JSONResponse:
        return error(410, exc.code, exc.message)

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return error(403, exc.code, exc.message)

    @app.exception_handler(NotFoundError)
    async def _not_found(_request: Request, exc: NotFoundError) -> JSONResponse:
        # The kind only: the id was the caller's own input.
        return error(404, exc.code, f"no such {exc.kind}")

    @app.exception_handler(InputError)
    async def _bad_input(_request: Request, exc: InputError) -> JSONResponse:
        return error(400, exc.code, exc.message)

    @app.exception_handler(LiaisonError)
    async def _failed(_request: Request, exc: LiaisonError) -> JSONResponse:
        log.error("server error", exc_info=exc)
        return error(500, exc.code, exc.message)
