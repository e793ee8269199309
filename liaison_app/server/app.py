"""The HTTP API (FastAPI): health, hello, sign-in, reference data. JSON, gzip, versioned under /v1.

No `from __future__ import annotations` here: FastAPI reads the annotations of the nested
dependency functions at runtime.
"""

from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.engine import Engine

from liaison_app import __version__
from liaison_app.errors import InputError, LiaisonError, NotFoundError
from liaison_app.server import accounts
from liaison_app.server.blobs import BlobStore
from liaison_app.server.db import server_data_dir
from liaison_app.server.pull import CursorTooOld, pull
from liaison_app.server.push import Caller, SyncRefused, head, high_water_mark, push
from liaison_app.server.review import Forbidden, list_conflicts, resolve_conflict, verify
from liaison_app.server.schema import REFERENCE_TABLES
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


class ResolveBody(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class PullBody(BaseModel):
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=MAX_PULL, ge=1, le=MAX_PULL)


def create_app(engine: Engine, blob_dir: Path | None = None) -> FastAPI:
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

    @app.exception_handler(CursorTooOld)
    async def _gone(_request: Request, exc: CursorTooOld) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=410)

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=403)

    @app.exception_handler(NotFoundError)
    async def _not_found(_request: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=404)

    @app.exception_handler(InputError)
    async def _bad_input(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=400)

    @app.exception_handler(LiaisonError)
    async def _failed(_request: Request, exc: LiaisonError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=500)

    def optional_caller(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Caller | None:
        if creds is None:
            return None
        return _caller(accounts.authenticate(engine, creds.credentials))

    def caller(who: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
        if who is None:
            raise accounts.AuthError("credentials required")
        return who

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"ok": True, "version": __version__}

    server_id: list[str] = []  # read once: it never changes

    @app.get("/v1/hello")
    def hello(
        who: Annotated[Caller | None, Depends(optional_caller)],
        app_version: Annotated[str | None, Header(alias="X-Liaison-App-Version")] = None,
    ) -> JSONResponse:
        with engine.connect() as conn:
            if not server_id:
                server_id.append(accounts.server_id(conn))
            body: dict[str, Any] = {
                "protocol": PROTOCOL,
                "min_app_version": MIN_APP_VERSION,
                "server_id": server_id[0],
                "server_version": __version__,
            }
            if app_version is not None and _version(app_version) < _version(MIN_APP_VERSION):
                body["message"] = f"this server needs Liaison {MIN_APP_VERSION} or newer"
                return JSONResponse(body, status_code=426)
            if who is not None:
                body.update(
                    user=who.user,
                    role=who.role,
                    client_id=who.client_id,
                    # The highest mutation number of this client the ledger holds: lower than
                    # the client's own means the server lost some (restored from a copy).
                    high_water_mark=high_water_mark(conn, who.client_id),
                    head=head(conn),
                    scopes=scopes_of(who),
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

    @app.post("/v1/push")
    def push_changes(body: PushBody, who: Annotated[Caller, Depends(caller)]) -> Response:
        return _json(push(engine, who, body.mutations))

    @app.post("/v1/pull")
    def pull_changes(body: PullBody, who: Annotated[Caller, Depends(caller)]) -> Response:
        return _json(pull(engine, who, body.cursor, body.limit))

    @app.post("/v1/verify")
    def verify_scope(who: Annotated[Caller, Depends(caller)]) -> Response:
        return _json(verify(engine, who))

    @app.get("/v1/conflicts")
    def conflicts_list(who: Annotated[Caller, Depends(caller)], resolved: bool = False) -> Response:
        return _json(list_conflicts(engine, who, include_resolved=resolved))

    @app.post("/v1/conflicts/{conflict_id}/resolve")
    def conflicts_resolve(
        conflict_id: int, body: ResolveBody, who: Annotated[Caller, Depends(caller)]
    ) -> Response:
        return _json(resolve_conflict(engine, who, conflict_id, body.note))

    store = BlobStore(engine, blob_dir or server_data_dir() / "blobs")

    @app.get("/v1/blobs/{sha}/status")
    def blob_status(sha: str, who: Annotated[Caller, Depends(caller)]) -> Response:
        return _json(store.status(who, sha))

    @app.put("/v1/blobs/{sha}")
    async def blob_upload(
        sha: str, request: Request, who: Annotated[Caller, Depends(caller)], offset: int = 0
    ) -> Response:
        chunk = await request.body()
        return _json(await run_in_threadpool(store.upload, who, sha, offset, chunk))

    @app.post("/v1/blobs/{sha}/commit")
    def blob_commit(sha: str, who: Annotated[Caller, Depends(caller)]) -> Response:
        return _json(store.commit(who, sha))

    @app.get("/v1/blobs/{sha}")
    def blob_download(sha: str, who: Annotated[Caller, Depends(caller)]) -> FileResponse:
        return FileResponse(store.open(who, sha), media_type="application/octet-stream")

    @app.get("/v1/reference")
    def reference(_who: Annotated[Caller, Depends(caller)]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        with engine.connect() as conn:
            for kind, table in REFERENCE_TABLES.items():
                rows = conn.execute(select(table).order_by(table.c.sort, table.c.code)).mappings()
                out[kind] = [dict(r) for r in rows]
        return out

    return app


def _json(body: Any, status_code: int = 200) -> Response:
    """orjson straight to bytes: the sync answers skip FastAPI's generic encoder."""
    return Response(
        orjson.dumps(body, default=str, option=orjson.OPT_NON_STR_KEYS),
        status_code=status_code,
        media_type="application/json",
    )


def _caller(identity: accounts.Identity) -> Caller:
    c = identity.claims
    return Caller(c.user_id, c.user, c.role, identity.district, c.client_id)


def scopes_of(who: Caller) -> list[str]:
    """What a caller may read and write: their enterprises, a district, or everything."""
    if who.role == "admin":
        return ["all"]
    if who.role == "supervisor" and who.district:
        return [f"district:{who.district}"]
    return [f"officer:{who.user}"]
