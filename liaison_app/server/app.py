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
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection, Engine

from liaison_app import __version__
from liaison_app.server import accounts, answers, audit, meta
from liaison_app.server import api_docs as docs
from liaison_app.server.api_models import LoginBody, PullBody, PushBody, RefreshBody, ResolveBody
from liaison_app.server.auth import AccessClaims
from liaison_app.server.blobs import MAX_BLOB, SHA256, BlobStore
from liaison_app.server.db import REQUEST_THREADS, reading, server_data_dir
from liaison_app.server.limits import BodyLimits
from liaison_app.server.logs import RequestLog
from liaison_app.server.pull import pull
from liaison_app.server.push import Caller, push
from liaison_app.server.review import list_conflicts, resolve_conflict, verify
from liaison_app.server.schema import (
    REFERENCE_TABLES,
    mutation_ledger,
    server_sequence,
)
from liaison_app.server.strict_json import StrictJsonRoute

PROTOCOL = {"min": 1, "max": 1}
MIN_APP_VERSION = "0.1.0"


PUSH_SCHEMA = {"$ref": "#/components/schemas/PushRequest"}  # documented; judged by push.py


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in text.split(".")[:3])
    except ValueError:
        return (0,)


def create_app(engine: Engine, blob_dir: Path | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Endpoints run in anyio's worker threads: as many as the engine's pool holds.
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        yield

    app = FastAPI(title="Liaison sync server", version=__version__, lifespan=lifespan)
    app.router.route_class = StrictJsonRoute  # before any route: every JSON body parsed strictly
    docs.install(app)
    bearer = HTTPBearer(auto_error=False)

    answers.install(app)

    with reading(engine) as conn:  # both are written on the first start and never change
        key = accounts.signing_key(conn)
        server_id = accounts.server_id(conn)
    # Outermost first: the request log sees every answer, the limits run before any body is
    # read, and large answers are compressed.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimits, key=key, clock=audit.utcnow)
    app.add_middleware(RequestLog)

    # The token's signature and expiry are checked by BodyLimits before the body is read (no
    # I/O, so a missing or bad token is a 401 before the body is even looked at); whether the
    # device is still signed in is read inside the endpoint's own worker thread, by signed_in:
    # one thread hop a request.
    async def optional_claims(
        request: Request,
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> AccessClaims | None:
        if creds is None:
            return None
        checked = getattr(request.state, "claims", None)
        claims = checked if checked is not None else accounts.read_token(key, creds.credentials)
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

    @app.get("/healthz", response_model=None, responses=docs.responses(docs.Health))
    def healthz() -> dict[str, Any]:
        with reading(engine) as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"ok": True, "version": __version__}

    @app.get("/v1/hello", response_model=None, responses=docs.responses(docs.Hello, 401, 426))
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

    @app.post(
        "/v1/auth/login", response_model=None, responses=docs.responses(docs.Tokens, 401, 429)
    )
    def login(body: LoginBody, request: Request) -> dict[str, Any]:
        address = request.client.host if request.client is not None else ""
        return accounts.login(
            engine, body.user, body.password, body.client_id, body.device, address=address
        ).__dict__

    @app.post("/v1/auth/refresh", response_model=None, responses=docs.responses(docs.Tokens, 401))
    def refresh(body: RefreshBody) -> dict[str, Any]:
        return accounts.refresh(engine, body.refresh_token).__dict__

    @app.post(
        "/v1/push",
        response_model=None,
        responses=docs.responses(docs.PushAnswer, 400, 401, 409),
        openapi_extra={"requestBody": {"content": {"application/json": {"schema": PUSH_SCHEMA}}}},
    )
    def push_changes(body: PushBody, token: Token) -> Response:
        with engine.begin() as conn:
            answer, refused = push(conn, signed_in(token, conn), body.mutations)
        if refused is not None:  # raised after the commit: the mutations before it stand
            raise refused
        return _json(answer)

    @app.post(
        "/v1/pull", response_model=None, responses=docs.responses(docs.PullAnswer, 401, 409, 410)
    )
    def pull_changes(body: PullBody, token: Token) -> Response:
        with reading(engine) as conn:
            return _json(pull(conn, signed_in(token, conn), body.cursor, body.limit))

    @app.post("/v1/verify", response_model=None, responses=docs.responses(docs.VerifyAnswer, 401))
    def verify_scope(token: Token) -> Response:
        return _json(verify(engine, signed_in(token)))

    @app.get(
        "/v1/conflicts",
        response_model=None,
        responses=docs.responses(list[docs.ConflictRecord], 401),  # type: ignore[arg-type]
    )
    def conflicts_list(token: Token, resolved: bool = False) -> Response:
        return _json(list_conflicts(engine, signed_in(token), include_resolved=resolved))

    @app.post(
        "/v1/conflicts/{conflict_id}/resolve",
        response_model=None,
        responses=docs.responses(docs.ConflictRecord, 401, 403, 404),
    )
    def conflicts_resolve(
        conflict_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], body: ResolveBody, token: Token
    ) -> Response:
        return _json(resolve_conflict(engine, signed_in(token), conflict_id, body.note))

    store = BlobStore(engine, blob_dir or server_data_dir() / "blobs")

    Sha = Annotated[str, PathParam(pattern=SHA256, description="lowercase hex sha256 of the bytes")]

    @app.get(
        "/v1/blobs/{sha}/status",
        response_model=None,
        responses=docs.responses(docs.BlobStatus, 401),
    )
    def blob_status(sha: Sha, token: Token) -> Response:
        return _json(store.status(signed_in(token), sha))

    @app.put(
        "/v1/blobs/{sha}",
        response_model=None,
        responses=docs.responses(docs.BlobStatus, 400, 401, 409),
        openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}},
    )
    async def blob_upload(
        sha: Sha,
        request: Request,
        token: Token,
        offset: Annotated[int, Query(ge=0, le=MAX_BLOB)] = 0,
    ) -> Response:
        chunk = await request.body()  # at most CHUNK_LIMIT: BodyLimits read it
        who = await run_in_threadpool(signed_in, token)
        return _json(await run_in_threadpool(store.upload, who, sha, offset, chunk))

    @app.post(
        "/v1/blobs/{sha}/commit",
        response_model=None,
        responses=docs.responses(docs.BlobStatus, 400, 401, 404),
    )
    def blob_commit(sha: Sha, token: Token) -> Response:
        return _json(store.commit(signed_in(token), sha))

    @app.get(
        "/v1/blobs/{sha}",
        response_model=None,
        responses=docs.responses(None, 401, 404, media="application/octet-stream"),
    )
    def blob_download(sha: Sha, token: Token) -> FileResponse:
        return FileResponse(
            store.open(signed_in(token), sha), media_type="application/octet-stream"
        )

    @app.get(
        "/v1/reference", response_model=None, responses=docs.responses(docs.ReferenceAnswer, 401)
    )
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
