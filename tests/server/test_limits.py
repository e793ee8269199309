"""Request limits: credentials before a protected body, byte caps while it streams (gzip on its
decompressed size), strict JSON, and answers that never echo the request."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tracemalloc
import zlib

import pytest
from sqlalchemy import select

from liaison_app.server import accounts, auth, limits
from liaison_app.server.app import create_app
from liaison_app.server.schema import clients
from tests.server.raw_asgi import call, endless
from tests.server.support import PASSWORD, Device

MB = 2**20
SHA = "ab" * 32
# Every operation that takes a token, with a body where it takes one.
PROTECTED = [
    ("POST", "/v1/push"),
    ("POST", "/v1/pull"),
    ("POST", "/v1/verify"),
    ("GET", "/v1/conflicts"),
    ("POST", "/v1/conflicts/1/resolve"),
    ("GET", "/v1/reference"),
    ("GET", f"/v1/blobs/{SHA}/status"),
    ("PUT", f"/v1/blobs/{SHA}"),
    ("POST", f"/v1/blobs/{SHA}/commit"),
    ("GET", f"/v1/blobs/{SHA}"),
]
JSON_BODIES = {
    "/v1/auth/login": {"user": "wang", "password": PASSWORD},
    "/v1/auth/refresh": {"refresh_token": "x" * 43},
    "/v1/push": {"mutations": []},
    "/v1/pull": {"cursor": None, "limit": 10},
    "/v1/conflicts/1/resolve": {"note": "ok"},
}


@pytest.fixture
def app(engine, tmp_path):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    return create_app(engine, blob_dir=tmp_path / "blobs")


def bearer(engine, user="wang"):
    return {
        "Authorization": "Bearer " + accounts.login(engine, user, PASSWORD, None, "t").access_token
    }


def test_every_protected_operation_refuses_a_bad_token_before_reading_the_body(app, engine):
    key = accounts.signing_key(engine)
    past = accounts.utcnow() - dt.timedelta(hours=1)
    expired = auth.issue_access(key, auth.AccessClaims(1, "wang", "officer", "c", past))
    forged = auth.issue_access(
        "cd" * 32, auth.AccessClaims(1, "wang", "admin", "c", past.replace(year=2999))
    )
    for method, path in PROTECTED:
        for headers in ({}, {"Authorization": f"Bearer {expired}"}, {"Authorization": f"Bearer {forged}"},
                        {"Authorization": "Basic d2FuZzp4"}):  # fmt: skip
            r = call(app, method, path, endless(b"x" * 65536, 1024 * MB), headers)
            assert r.status == 401, (method, path, r.body)
            assert r.pulled == 0, (method, path, r.pulled)  # not one byte of the body was read
            assert r.json()["error"] == "unauthorized" and r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "path", "limit", "token"),
    [
        ("POST", "/v1/auth/login", limits.AUTH_LIMIT, False),
        ("POST", "/v1/auth/refresh", limits.AUTH_LIMIT, False),
        ("GET", "/v1/hello", limits.SMALL_LIMIT, False),
        ("POST", "/v1/push", limits.PUSH_LIMIT, True),
        ("POST", "/v1/pull", limits.SMALL_LIMIT, True),
        ("POST", "/v1/conflicts/1/resolve", limits.SMALL_LIMIT, True),
        ("PUT", f"/v1/blobs/{SHA}", limits.CHUNK_LIMIT, True),
        ("POST", f"/v1/blobs/{SHA}/commit", limits.SMALL_LIMIT, True),
        ("GET", "/healthz", limits.SMALL_LIMIT, False),
        ("POST", "/no/such/path", limits.SMALL_LIMIT, False),
    ],
)
def test_bodies_are_cut_off_at_their_routes_limit_while_streaming(
    app, engine, method, path, limit, token
):
    headers = bearer(engine) if token else {}
    piece = b"{" * 65536
    # Without a declared length: read until one piece past the limit, then 413.
    r = call(app, method, path, endless(piece, 1024 * MB), headers)
    assert r.status == 413, r.body
    assert r.pulled <= limit + len(piece)
    assert r.json()["error"] == "too_large" and len(r.body) < 200
    # A declared length over the limit: refused before reading anything.
    r = call(
        app, method, path, endless(piece, 1024 * MB), {**headers, "Content-Length": str(1024 * MB)}
    )
    assert r.status == 413 and r.pulled == 0
    # gzip is limited on what it decompresses to: a bomb is cut off as soon as it exceeds.
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = bomb.compress(b"0" * (16 * MB)) + bomb.flush()  # 16 MB of zeros in ~16 KB
    tracemalloc.start()
    r = call(
        app,
        method,
        path,
        endless(member, 64 * len(member)),
        {**headers, "Content-Encoding": "gzip"},
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert r.status == 413 and r.pulled <= len(member)
    assert peak < 3 * limit + 2 * MB, peak


def test_gzip_and_plain_bodies_within_the_limit_are_read_whole(api):
    wang = Device(api, "wang")
    body = json.dumps({"cursor": None, "limit": 5}).encode()
    for encoded, encoding in (
        (body, None),
        (gzip.compress(body), "gzip"),
        (gzip.compress(body[:10]) + gzip.compress(body[10:]), "gzip"),  # two gzip members
    ):
        headers = {**wang.headers, "Content-Type": "application/json"}
        if encoding:
            headers["Content-Encoding"] = encoding
        r = api.post("/v1/pull", content=encoded, headers=headers)
        assert r.status_code == 200, r.text
    headers = {**wang.headers, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    r = api.post("/v1/pull", content=gzip.compress(body)[:-6], headers=headers)
    assert r.status_code == 400 and r.json()["error"] == "bad_encoding"
    r = api.post("/v1/pull", content=b"not gzip at all", headers=headers)
    assert r.status_code == 400 and r.json()["error"] == "bad_encoding"
    r = api.post("/v1/pull", content=body, headers={**headers, "Content-Encoding": "br"})
    assert r.status_code == 415


def test_a_push_just_under_the_cap_is_accepted_and_just_over_is_413(api):
    wang = Device(api, "wang")
    filler = {"mutations": [], "pad": "x" * (limits.PUSH_LIMIT - 100)}
    assert api.post("/v1/push", json=filler, headers=wang.headers).status_code == 200
    filler["pad"] += "x" * 200
    assert api.post("/v1/push", json=filler, headers=wang.headers).status_code == 413


@pytest.mark.parametrize(
    "raw",
    ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "[" * 1500 + "]" * 1500, "9" * 4400],
)
def test_json_that_is_not_json_is_422_for_every_json_body(api, engine, raw):
    headers = {**bearer(engine), "Content-Type": "application/json"}
    for path, body in JSON_BODIES.items():
        text = json.dumps(body)
        # the value in every position: the whole body, and each field
        variants = [raw] + [json.dumps({**body, k: "@@"}).replace('"@@"', raw) for k in body]
        for variant in variants:
            r = api.post(path, content=variant.encode(), headers=headers)
            if len(variant) > limits.AUTH_LIMIT and path.startswith("/v1/auth/"):
                assert r.status_code == 413
                continue
            assert r.status_code == 422, (path, variant[:40], r.text)
            assert r.json()["errors"][0]["code"] == "json_invalid", r.text
        assert api.post(path, content=text.encode(), headers=headers).status_code < 422


def test_bad_text_in_login_fields_is_422_not_500(api, engine):
    """A lone surrogate, a NUL or a control character in any login or refresh field."""
    good = {
        "user": "wang",
        "password": PASSWORD,
        "client_id": "a1b2c3d4-0000-4000-8000-000000000001",
        "device": "pc",
    }
    for bad in ("\ud800", "x\x00y", "x\x07y", "\udfff\ud800"):
        for name in good:
            r = api.post(
                "/v1/auth/login",
                content=json.dumps({**good, name: bad}),
                headers={"Content-Type": "application/json"},
            )
            assert r.status_code == 422, (name, repr(bad), r.text)
            assert r.json()["errors"][0]["field"] == f"body.{name}"
        r = api.post(
            "/v1/auth/refresh",
            content=json.dumps({"refresh_token": "a" * 20 + bad}),
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 422
    with engine.connect() as conn:  # no client was made from any of them
        assert conn.execute(select(clients.c.id)).all() == []
    assert api.post("/v1/auth/login", json=good).status_code == 200


@pytest.mark.parametrize("limit", ["1e400", "1e300", "true", '"5"', "5.5", "0", "501", "-1"])
def test_out_of_range_pull_limits_are_422(api, engine, limit):
    r = api.post(
        "/v1/pull",
        content=f'{{"cursor": null, "limit": {limit}}}'.encode(),
        headers={**bearer(engine), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("conflict", ["0", "-1", str(2**31), str(2**63), str(2**70), "1e3", "x"])
def test_conflict_ids_beyond_the_column_are_422(api, engine, conflict):
    r = api.post(f"/v1/conflicts/{conflict}/resolve", json={}, headers=bearer(engine))
    assert r.status_code == 422, r.text


def test_no_answer_echoes_the_request(api, engine):
    marker = "ECHO-7f3a9c"
    headers = bearer(engine)
    sent = [
        ("/v1/auth/login", {"user": marker * 20, "password": marker}),
        ("/v1/auth/login", {"user": "wang", "password": marker, "client_id": marker + "\x00"}),
        ("/v1/auth/login", {"user": marker, "password": PASSWORD, "device": marker * 100}),
        ("/v1/auth/refresh", {"refresh_token": marker}),
        ("/v1/pull", {"cursor": marker, "limit": marker}),
        ("/v1/pull", {"cursor": marker * 30}),
        ("/v1/push", {"mutations": marker}),
        ("/v1/conflicts/5/resolve", {"note": marker * 500}),
        ("/v1/conflicts/5/resolve", {marker: 1, "note": {marker: marker}}),
    ]
    for path, body in sent:
        r = api.post(path, json=body, headers=headers)
        assert 400 <= r.status_code < 500, (path, r.text)
        assert marker not in r.text, (path, r.text)
        assert len(r.content) < 2000
    for path in (f"/v1/blobs/{marker}/status", f"/v1/conflicts/{marker}/resolve", f"/v1/{marker}"):
        r = api.post(path, headers=headers) if "resolve" in path else api.get(path, headers=headers)
        assert 400 <= r.status_code < 500 and marker not in r.text, (path, r.text)
    r = api.get("/v1/blobs/" + "0" * 64, headers=headers)
    assert r.status_code == 404 and "0" * 64 not in r.text
    # a 10 MB user name: refused by size, answered in a few bytes
    r = api.post("/v1/auth/login", json={"user": "x" * 10 * MB, "password": "p"})
    assert r.status_code == 413 and len(r.content) < 200


def test_a_stale_token_does_not_stop_a_sign_in(api):
    r = api.post(
        "/v1/auth/login",
        json={"user": "wang", "password": PASSWORD},
        headers={"Authorization": "Bearer expired.token"},
    )
    assert r.status_code == 200
    assert (
        api.get("/v1/hello", headers={"Authorization": "Bearer expired.token"}).status_code == 401
    )


def test_a_connection_whose_head_never_ends_is_closed(app):
    """A connection that sends nothing, half a request head, or half of its next one is closed
    once the head's time is up (they stayed open for good: anyone could hold every file
    descriptor); a complete request on the same kind of connection is served."""
    import socket
    import threading
    import time

    import uvicorn

    from liaison_app.server.http_head import BoundedHttpToolsProtocol

    class Quick(BoundedHttpToolsProtocol):
        head_timeout = 0.3

    sock = socket.create_server(("127.0.0.1", 0))
    # Idle kept-alive connections are uvicorn's to close (after 5 s): not within this test.
    config = uvicorn.Config(
        app, http=Quick, log_config=None, access_log=False, timeout_keep_alive=60
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    port = sock.getsockname()[1]
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)  # waiting for the server to listen, not timing anything
    health = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    try:
        openings = [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n", health + b"GET /healthz HTT"]
        for sent in openings:
            with socket.create_connection(("127.0.0.1", port), timeout=15) as conn:
                conn.sendall(sent)
                received = b""
                t0 = time.monotonic()
                while piece := conn.recv(65536):  # until the server closes the connection
                    received += piece
                assert time.monotonic() - t0 < 10, sent
                assert received.count(b"HTTP/1.1 200") == sent.count(b"\r\n\r\n"), received
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
