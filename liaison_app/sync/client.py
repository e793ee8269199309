"""The HTTP side of sync: one call per endpoint, errors sorted by what the engine does next.

Every call the engine makes is idempotent (mutations carry their ids, pulls their cursors, blob
chunks their offsets), so a call that fails in transit is retried with exponential backoff and
jitter, honouring Retry-After, before the sync gives up. The transport is injectable: tests
put a fault-injecting one in front of the real server.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from liaison_app import __version__
from liaison_app.errors import LiaisonError

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
RETRIES = 6  # attempts of one call before the sync gives up
BACKOFF_BASE = 0.5  # seconds, doubled each attempt
BACKOFF_CAP = 30.0  # never wait longer than this between attempts
RETRY_AFTER_CAP = 120.0  # a Retry-After beyond this ends the sync instead of waiting


class SyncError(LiaisonError):
    """A sync that could not finish (CLI exit 1): the message says why and what to do."""

    code = "sync_failed"


class Unreachable(SyncError):
    """The server could not be reached (no network, wrong address, server down)."""

    code = "unreachable"


class AppTooOld(SyncError):
    """The server needs a newer version of the app (HTTP 426)."""

    code = "app_too_old"


class SignInRequired(SyncError):
    """No valid sign-in for this folder: the tokens expired or were revoked."""

    code = "sign_in_required"


class WrongPassword(SignInRequired):
    code = "wrong_password"


class DeviceRevoked(SignInRequired):
    """An administrator revoked this folder's registration (a 401 ``device_revoked``): its
    tokens are dead; signing in again with the password registers the folder anew."""

    code = "device_revoked"


REVOKED = "device_revoked"  # the server's error code (docs/sync-protocol.md, Auth)


def _revoked() -> DeviceRevoked:
    return DeviceRevoked(
        "an administrator disabled this device on the sync server: sign in again with your "
        "password to register this computer anew; the changes not yet sent stay here and "
        "are sent then"
    )


class Throttled(SyncError):
    """The server asked to wait longer than a sync should (HTTP 429 with a long Retry-After)."""

    code = "throttled"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Refused(SyncError):
    """A 4xx answer the engine acts on (409 renumber / restore, 410 re-pull, 413 split…)."""

    code = "refused"

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body
        self.error = str(body.get("error") or status)
        super().__init__(f"{status} {self.error}: {body.get('message') or ''}".strip())


class ServerFailed(SyncError):
    """The server kept failing (5xx) after every retry."""

    code = "server_failed"


@dataclass
class Tokens:
    access: str
    refresh: str


@dataclass
class CallStats:
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    retries: int = 0


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        data = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError:
        return {"error": f"http_{response.status_code}", "message": response.text[:200]}
    return data if isinstance(data, dict) else {"data": data}


class ServerClient:
    """Talks to one sync server for one client; refreshes the access token when it expires."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        tokens: Tokens | None = None,
        on_tokens: Callable[[Tokens], None] | None = None,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
        retries: int = RETRIES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self._on_tokens = on_tokens
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._retries = retries
        self.stats = CallStats()
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=TIMEOUT,
            headers={
                "X-Liaison-App-Version": __version__,
                "User-Agent": f"Liaison/{__version__}",
                "Accept-Encoding": "gzip",
            },
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the calls ------------------------------------------------------------------------
    def hello(self) -> dict[str, Any]:
        return self._json("GET", "/v1/hello", auth=self.tokens is not None)

    def login(self, user: str, password: str, client_id: str, device: str) -> dict[str, Any]:
        body = {"user": user, "password": password, "client_id": client_id, "device": device}
        try:
            answer = self._json("POST", "/v1/auth/login", json=body, auth=False, retry_4xx=False)
        except Refused as exc:
            if exc.status == 401 and exc.error == REVOKED:
                raise _revoked() from exc
            if exc.status == 401:
                raise WrongPassword(
                    "the server refused the sign-in: wrong user name or password, a disabled "
                    "account, or this device was signed out by an administrator"
                ) from exc
            raise
        self._store_tokens(answer)
        return answer

    def push(self, mutations: list[dict[str, Any]]) -> dict[str, Any]:
        return self._json("POST", "/v1/push", content=encode({"mutations": mutations}))

    def pull(self, cursor: str | None, limit: int) -> dict[str, Any]:
        return self._json("POST", "/v1/pull", json={"cursor": cursor, "limit": limit})

    def reference(self, since: int | None) -> dict[str, Any]:
        params = {"since": since} if since is not None else None
        return self._json("GET", "/v1/reference", params=params)

    def blob_status(self, sha: str) -> dict[str, Any]:
        return self._json("GET", f"/v1/blobs/{sha}/status")

    def blob_upload(self, sha: str, offset: int, chunk: bytes) -> dict[str, Any]:
        return self._json(
            "PUT",
            f"/v1/blobs/{sha}",
            params={"offset": offset},
            content=chunk,
            headers={"Content-Type": "application/octet-stream"},
        )

    def blob_commit(self, sha: str) -> dict[str, Any]:
        return self._json("POST", f"/v1/blobs/{sha}/commit")

    def blob_download(self, sha: str, offset: int) -> Iterator[bytes]:
        """The blob's bytes from ``offset`` on (HTTP Range), streamed."""
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        response = self._send("GET", f"/v1/blobs/{sha}", headers=headers, stream=True)
        try:
            if offset and response.status_code == 200:
                # The server ignored the range: skip what we have.
                skip = offset
                for block in response.iter_bytes(2**16):
                    if skip >= len(block):
                        skip -= len(block)
                        continue
                    yield block[skip:]
                    skip = 0
                return
            yield from response.iter_bytes(2**16)
        finally:
            response.close()

    # ---- machinery ------------------------------------------------------------------------
    def _store_tokens(self, answer: dict[str, Any]) -> None:
        self.tokens = Tokens(str(answer["access_token"]), str(answer["refresh_token"]))
        if self._on_tokens is not None:
            self._on_tokens(self.tokens)

    def _refresh(self) -> None:
        if self.tokens is None:
            raise SignInRequired("this folder is not signed in")
        try:
            answer = self._json(
                "POST",
                "/v1/auth/refresh",
                json={"refresh_token": self.tokens.refresh},
                auth=False,
                retry_4xx=False,
            )
        except Refused as exc:
            if exc.status == 401 and exc.error == REVOKED:
                raise _revoked() from exc
            if exc.status in (400, 401, 422):
                raise SignInRequired(
                    "the sign-in is no longer valid (expired, the password changed, or the "
                    "device was signed out by an administrator): sign in again"
                ) from exc
            raise
        self._store_tokens(answer)

    def _json(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        for attempt in range(1, self._retries + 1):
            response = self._send(method, path, **kw)
            try:
                data = orjson.loads(response.content)
            except orjson.JSONDecodeError:
                # A cut-off answer: the call is idempotent, ask again.
                if attempt >= self._retries:
                    raise Unreachable(
                        f"the sync server at {self.base_url} keeps sending broken answers"
                    ) from None
                self._wait(attempt, None)
                continue
            if isinstance(data, dict):
                return data
            raise ServerFailed(f"the sync server sent an unexpected answer to {path}")
        raise AssertionError("unreachable")

    def _send(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        retry_4xx: bool = True,
        stream: bool = False,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> httpx.Response:
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            hdrs = dict(headers or {})
            if auth and self.tokens is not None:
                hdrs["Authorization"] = f"Bearer {self.tokens.access}"
            if "json" in kw:
                kw["content"] = encode(kw.pop("json"))
                hdrs["Content-Type"] = "application/json"
            elif "content" in kw and "Content-Type" not in hdrs:
                hdrs["Content-Type"] = "application/json"
            self.stats.requests += 1
            self.stats.bytes_sent += len(kw.get("content") or b"")
            try:
                request = self._http.build_request(method, path, headers=hdrs, **kw)
                response = self._http.send(request, stream=stream)
                if not stream:
                    self.stats.bytes_received += len(response.content)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                # Lost on the way (either way): resend, the call is idempotent.
                if attempt >= self._retries:
                    raise Unreachable(
                        f"cannot reach the sync server at {self.base_url} "
                        f"({type(exc).__name__}); the records stay here and sync later"
                    ) from exc
                self._wait(attempt, None)
                continue
            status = response.status_code
            if status < 400:
                return response
            if stream:
                response.read()
            if status == 426:
                raise AppTooOld(
                    str(_body(response).get("message") or "")
                    or "the sync server needs a newer version of Liaison: please update the app"
                )
            if status == 401 and _body(response).get("error") == REVOKED:
                raise _revoked()  # no refresh can help
            if status == 401 and auth and not refreshed and self.tokens is not None:
                refreshed = True
                self._refresh()
                continue
            if status == 401 and auth:
                raise SignInRequired(
                    "the server no longer accepts this sign-in: sign in again (`liaison login`)"
                )
            if status == 429 or status >= 500:
                wait = _retry_after(response)
                if status == 429 and wait is not None and wait > RETRY_AFTER_CAP:
                    raise Throttled(
                        f"the server asks to wait {wait:.0f} s before trying again", wait
                    )
                if attempt >= self._retries:
                    if status == 429:
                        raise Throttled("the server is busy; try again later", wait or 0.0)
                    raise ServerFailed(
                        f"the sync server failed ({status}) {attempt} times; try again later"
                    )
                self._wait(attempt, wait)
                continue
            raise Refused(status, _body(response))

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        """Exponential backoff with full jitter; a Retry-After is honoured as a floor."""
        self.stats.retries += 1
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
        delay = self._rng.uniform(0, ceiling)
        if retry_after is not None:
            delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
        log.info("sync: retrying in %.1f s (attempt %d)", delay, attempt)
        self._sleep(delay)


def encode(body: Any) -> bytes:
    return orjson.dumps(body)
