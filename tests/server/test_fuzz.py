"""Malformed requests never make the server fail (no 5xx), whatever the body."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison_app.server.app import create_app
from liaison_app.server.db import make_engine
from liaison_app.server.migrate import upgrade

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
BODIES = JSON | st.fixed_dictionaries(
    {"user": st.text(max_size=30), "password": st.text(max_size=30)},
    optional={"client_id": st.text(max_size=50), "refresh_token": st.text(max_size=250)},
)


def test_malformed_bodies_get_4xx_never_5xx(tmp_path_factory):
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path_factory.mktemp('fuzz') / 's.sqlite3'}")
    upgrade(engine)
    client = TestClient(
        create_app(engine, blob_dir=tmp_path_factory.mktemp("blobs")), raise_server_exceptions=False
    )

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        path=st.sampled_from(["/v1/auth/login", "/v1/auth/refresh"]), body=BODIES, raw=st.booleans()
    )
    def check(path, body, raw):
        if raw:
            response = client.post(
                path,
                content=json.dumps(body)[:-1] or "{",
                headers={"Content-Type": "application/json"},
            )
        else:
            response = client.post(path, json=body)
        assert response.status_code < 500, (path, body, response.text)

    check()
    headers = {"Authorization": "Bearer x.y"}
    assert client.get("/v1/reference", headers=headers).status_code == 401
    engine.dispose()


MUTATION = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=40),
        "seq": st.integers(-3, 10) | st.text(max_size=3),
        "entity": st.sampled_from(["enterprise", "visit", "problem", "action", "attachment", "x"]),
        "record_id": st.text(max_size=40),
        "op": st.sampled_from(["create", "update", "delete", "transition", "?"]),
        "fields": st.dictionaries(
            st.sampled_from(["name", "uscc", "visit_date", "category", "staff", "z"]),
            JSON,
            max_size=4,
        )
        | JSON,
        "base_version": st.integers(-5, 5) | st.text(max_size=3),
        "enterprise_id": JSON,
        "step": st.text(max_size=10),
        "transition": JSON,
    },
)


def test_malformed_push_and_pull_get_4xx_never_5xx(tmp_path_factory):
    from liaison_app.server import accounts

    engine = make_engine(f"sqlite+pysqlite:///{tmp_path_factory.mktemp('fuzz2') / 's.sqlite3'}")
    upgrade(engine)
    accounts.add_user(engine, "wang", "officer", "a long password")
    token = accounts.login(engine, "wang", "a long password", None, "fuzz").access_token
    client = TestClient(
        create_app(engine, blob_dir=tmp_path_factory.mktemp("blobs")), raise_server_exceptions=False
    )
    headers = {"Authorization": f"Bearer {token}"}

    @settings(
        max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        mutations=st.lists(MUTATION, max_size=3) | JSON,
        cursor=st.none() | st.text(max_size=60),
        limit=st.integers(-5, 600) | st.text(max_size=3),
    )
    def check(mutations, cursor, limit):
        r = client.post("/v1/push", json={"mutations": mutations}, headers=headers)
        assert r.status_code < 500, (mutations, r.text)
        r = client.post("/v1/pull", json={"cursor": cursor, "limit": limit}, headers=headers)
        assert r.status_code < 500, (cursor, limit, r.text)

    check()
    engine.dispose()
