"""The HTTP API (FastAPI): health, hello, sign-in, reference data. JSON, gzip, versioned under /v1.

No `from __future__ import annotations` here: FastAPI reads the annotations of the nested
dependency functions at runtime.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.engine import Engine

from liaison_app import __version__
from liaison_app.errors import InputError, LiaisonError
from liaison_app.server import accounts
from liaison_app.server.auth import AccessClaims
from liaison_app.server.pull import pull
from liaison_app.server.push import Caller, SyncRefused, push
from liaison_app.server.schema import REFERENCE_TABLES, users
from liaison_app.sync.protocol import MAX_PULL, MAX_PUSH

PROTOCOL = {"min": 1, "max": 1}
MIN_APP_VERSION = "0.1.0"


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in text.split(".")[:3])
    except ValueError:
        return (0,)


class LoginBody(BaseModel):
    user: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    client_id: str | None = Field(default=None, min_length=8, max_length=36)
    device: str | None = Field(default=None, max_length=200)


class RefreshBody(BaseModel):
    refresh_token: str = Field(min_length=10, max_length=200)


class PushBody(BaseModel):
    mutations: list[Any] = Field(max_length=MAX_PUSH)


class PullBody(BaseModel):
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=MAX_PULL, ge=1, le=MAX_PULL)


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(title="Liaison sync server", version=__version__)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    bearer = HTTPBearer(auto_error=False)

    @app.exception_handler(accounts.AuthError)
    async def _unauthorized(_request: Request, exc: accounts.AuthError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.code, "message": exc.message},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(accounts.RateLimited)
    async def _limited(_request: Request, exc: accounts.RateLimited) -> JSONResponse:
        seconds = int(accounts.auth.FAILURE_WINDOW.total_seconds())
        return JSONResponse(
            {"error": exc.code, "message": exc.message},
            status_code=429,
            headers={"Retry-After": str(seconds)},
        )

    @app.exception_handler(SyncRefused)
    async def _refused(_request: Request, exc: SyncRefused) -> JSONResponse:
        return JSONResponse(
            {"error": exc.code, "message": exc.message, **exc.detail}, status_code=409
        )

    @app.exception_handler(InputError)
    async def _bad_input(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=400)

    @app.exception_handler(LiaisonError)
    async def _failed(_request: Request, exc: LiaisonError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=500)

    def caller(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> AccessClaims:
        if creds is None:
            raise accounts.AuthError("credentials required")
        return accounts.authenticate(engine, creds.credentials)

    def optional_caller(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> AccessClaims | None:
        return accounts.authenticate(engine, creds.credentials) if creds is not None else None

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"ok": True, "version": __version__}

    @app.get("/v1/hello")
    def hello(
        who: Annotated[AccessClaims | None, Depends(optional_caller)],
        app_version: Annotated[str | None, Header(alias="X-Liaison-App-Version")] = None,
    ) -> JSONResponse:
        with engine.connect() as conn:
            body: dict[str, Any] = {
                "protocol": PROTOCOL,
                "min_app_version": MIN_APP_VERSION,
                "server_id": accounts.server_id(conn),
                "server_version": __version__,
            }
            if app_version is not None and _version(app_version) < _version(MIN_APP_VERSION):
                body["message"] = f"this server needs Liaison {MIN_APP_VERSION} or newer"
                return JSONResponse(body, status_code=426)
            if who is not None:
                row = conn.execute(
                    select(users.c.district).where(users.c.id == who.user_id)
                ).first()
                body.update(
                    user=who.user,
                    role=who.role,
                    client_id=who.client_id,
                    high_water_mark=0,
                    scopes=scopes_of(who, row.district if row else None),
                )
        return JSONResponse(body)

    @app.post("/v1/auth/login")
    def login(body: LoginBody) -> dict[str, Any]:
        return accounts.login(
            engine, body.user, body.password, body.client_id, body.device
        ).__dict__

    @app.post("/v1/auth/refresh")
    def refresh(body: RefreshBody) -> dict[str, Any]:
        return accounts.refresh(engine, body.refresh_token).__dict__

    def sync_caller(who: AccessClaims) -> Caller:
        with engine.connect() as conn:
            district = conn.execute(
                select(users.c.district).where(users.c.id == who.user_id)
            ).scalar()
        return Caller(who.user_id, who.user, who.role, district, who.client_id)

    @app.post("/v1/push")
    def push_changes(
        body: PushBody, who: Annotated[AccessClaims, Depends(caller)]
    ) -> dict[str, Any]:
        return push(engine, sync_caller(who), body.mutations)

    @app.post("/v1/pull")
    def pull_changes(
        body: PullBody, who: Annotated[AccessClaims, Depends(caller)]
    ) -> dict[str, Any]:
        return pull(engine, sync_caller(who), body.cursor, body.limit)

    @app.get("/v1/reference")
    def reference(_who: Annotated[AccessClaims, Depends(caller)]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        with engine.connect() as conn:
            for kind, table in REFERENCE_TABLES.items():
                rows = conn.execute(select(table).order_by(table.c.sort, table.c.code)).mappings()
                out[kind] = [dict(r) for r in rows]
        return out

    return app


def scopes_of(who: AccessClaims, district: str | None) -> list[str]:
    """What a caller may read and write: their enterprises, a district, or everything."""
    if who.role == "admin":
        return ["all"]
    if who.role == "supervisor" and district:
        return [f"district:{district}"]
    return [f"officer:{who.user}"]
