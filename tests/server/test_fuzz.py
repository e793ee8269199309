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
    client = TestClient(create_app(engine), raise_server_exceptions=False)

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
