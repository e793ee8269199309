"""The HTTP API (FastAPI): health, hello, sign-in, reference data. JSON, gzip, versioned under /v1.

No `from __future__ import annotations` here: FastAPI reads the annotations of the nested
dependency functions at runtime.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
import orjson
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection, Engine

from liaison_app import __version__
from liaison_app.errors import InputError, LiaisonError, NotFoundError
from liaison_app.server import accounts, meta
from liaison_app.server.auth import AccessClaims
from liaison_app.server.blobs import BlobStore
from liaison_app.server.db import REQUEST_THREADS, reading, server_data_dir
from liaison_app.server.logs import RequestLog
from liaison_app.server.pull import CursorTooOld, pull
from liaison_app.server.push import Caller, SyncRefused, push
from liaison_app.server.review import Forbidden, list_conflicts, resolve_conflict, verify
from liaison_app.server.schema import (
    REFERENCE_TABLES,
    mutation_ledger,
    server_sequence,
)
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
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Endpoints run in anyio's worker threads: as many as the engine's pool holds.
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        yield

    app = FastAPI(title="Liaison sync server", version=__version__, lifespan=lifespan)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(RequestLog)
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

    with reading(engine) as conn:  # both are written on the first start and never change
        key = accounts.signing_key(conn)
        server_id = accounts.server_id(conn)

    # The token's signature and expiry are checked on the event loop (no I/O, so a missing or
    # bad token is a 401 before the body is even looked at); whether the device is still signed
    # in is read inside the endpoint's own worker thread, by signed_in: one thread hop a request.
    async def optional_claims(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> AccessClaims | None:
        if creds is None:
            return None
        claims = accounts.read_token(key, creds.credentials)
        request.state.user, request.state.client = claims.user, claims.client_id  # for the log
        return claims

    async def claims(
        token: Annotated[AccessClaims | None, Depends(optional_claims)],
    ) -> AccessClaims:
        if token is None:
            raise accounts.AuthError("credentials required")
        return token

    def signed_in(token: AccessClaims, conn: Connection | None = None) -> Caller:
        """The caller, read on the request's own connection when it has one."""
        if conn is not None:
            return _caller(accounts.identify(conn, token))
        with reading(engine) as own:
            return _caller(accounts.identify(own, token))

    Token = Annotated[AccessClaims, Depends(claims)]

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        with reading(engine) as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"ok": True, "version": __version__}

    @app.get("/v1/hello")
    def hello(
        token: Annotated[AccessClaims | None, Depends(optional_claims)],
        app_version: Annotated[str | None, Header(alias="X-Liaison-App-Version")] = None,
    ) -> JSONResponse:
        body: dict[str, Any] = {
            "protocol": PROTOCOL,
            "min_app_version": MIN_APP_VERSION,
            "server_id": server_id,
            "server_version": __version__,
        }
        if app_version is not None and _version(app_version) < _version(MIN_APP_VERSION):
            body["message"] = f"this server needs Liaison {MIN_APP_VERSION} or newer"
            return JSONResponse(body, status_code=426)
        if token is not None:
            with reading(engine) as conn:
                who = signed_in(token, conn)
                mark, now, reference = conn.execute(_MARK_AND_HEAD, {"client": who.client_id}).one()
            body.update(
                user=who.user,
                role=who.role,
                client_id=who.client_id,
                display_name=who.author,  # the server's name for the user: authorship
                unit=who.unit,
                # The highest mutation number of this client the ledger holds: lower than
                # the client's own means the server lost some (restored from a copy).
                high_water_mark=mark or 0,
                head=now,
                # Raised by every reference import: fetch /v1/reference?since=<yours> then.
                reference_version=int(reference or 0),
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
    def push_changes(body: PushBody, token: Token) -> Response:
        with engine.begin() as conn:
            answer, refused = push(conn, signed_in(token, conn), body.mutations)
        if refused is not None:  # raised after the commit: the mutations before it stand
            raise refused
        return _json(answer)

    @app.post("/v1/pull")
    def pull_changes(body: PullBody, token: Token) -> Response:
        with reading(engine) as conn:
            return _json(pull(conn, signed_in(token, conn), body.cursor, body.limit))

    @app.post("/v1/verify")
    def verify_scope(token: Token) -> Response:
        return _json(verify(engine, signed_in(token)))

    @app.get("/v1/conflicts")
    def conflicts_list(token: Token, resolved: bool = False) -> Response:
        return _json(list_conflicts(engine, signed_in(token), include_resolved=resolved))

    @app.post("/v1/conflicts/{conflict_id}/resolve")
    def conflicts_resolve(conflict_id: int, body: ResolveBody, token: Token) -> Response:
        return _json(resolve_conflict(engine, signed_in(token), conflict_id, body.note))

    store = BlobStore(engine, blob_dir or server_data_dir() / "blobs")

    @app.get("/v1/blobs/{sha}/status")
    def blob_status(sha: str, token: Token) -> Response:
        return _json(store.status(signed_in(token), sha))

    @app.put("/v1/blobs/{sha}")
    async def blob_upload(sha: str, request: Request, token: Token, offset: int = 0) -> Response:
        chunk = await request.body()
        who = await run_in_threadpool(signed_in, token)
        return _json(await run_in_threadpool(store.upload, who, sha, offset, chunk))

    @app.post("/v1/blobs/{sha}/commit")
    def blob_commit(sha: str, token: Token) -> Response:
        return _json(store.commit(signed_in(token), sha))

    @app.get("/v1/blobs/{sha}")
    def blob_download(sha: str, token: Token) -> FileResponse:
        return FileResponse(
            store.open(signed_in(token), sha), media_type="application/octet-stream"
        )

    @app.get("/v1/reference")
    def reference(
        token: Token, since: Annotated[int | None, Query(ge=0, le=2**62)] = None
    ) -> dict[str, Any]:
        """Categories, departments, districts and industries; with ``since``, only the rows
        added or renamed after that reference version (hello says the current one)."""
        out: dict[str, Any] = {}
        with reading(engine) as conn:
            signed_in(token, conn)
            out["version"] = int(meta.read(conn, meta.REFERENCE_VERSION) or 0)
            for kind, table in REFERENCE_TABLES.items():
                q = select(table).order_by(table.c.sort, table.c.code)
                if since is not None:
                    q = q.where(table.c.seq > since)
                out[kind] = [dict(r) for r in conn.execute(q).mappings()]
        return out

    return app


# Hello's one statement: the client's high-water mark, the head, the reference version.
_MARK_AND_HEAD = select(
    select(func.max(mutation_ledger.c.client_seq))
    .where(mutation_ledger.c.client_id == bindparam("client"))
    .scalar_subquery(),
    server_sequence.c.value,
    meta.value_of(meta.REFERENCE_VERSION),
).where(server_sequence.c.id == 1)


def _json(body: Any, status_code: int = 200) -> Response:
    """orjson straight to bytes: the sync answers skip FastAPI's generic encoder."""
    return Response(
        orjson.dumps(body, default=str, option=orjson.OPT_NON_STR_KEYS),
        status_code=status_code,
        media_type="application/json",
    )


def _caller(identity: accounts.Identity) -> Caller:
    c = identity.claims
    return Caller(
        c.user_id,
        c.user,
        c.role,
        identity.district,
        c.client_id,
        identity.display_name,
        identity.unit,
    )


def scopes_of(who: Caller) -> list[str]:
    """What a caller may read and write: their enterprises, a district, or everything."""
    if who.role == "admin":
        return ["all"]
    if who.role == "supervisor" and who.district:
        return [f"district:{who.district}"]
    return [f"officer:{who.user}"]
