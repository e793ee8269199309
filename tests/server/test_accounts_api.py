"""The server's first slice: schema on SQLite and PostgreSQL, accounts, sign-in, hello, scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison_app.errors import InputError, ValidationError
from liaison_app.server import accounts, auth
from liaison_app.server.app import create_app
from liaison_app.server.migrate import HEAD, is_current, upgrade
from liaison_app.server.schema import audit_log, categories, districts, server_meta

PASSWORD = "correct horse battery"


@pytest.fixture
def api(engine, tmp_path):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    accounts.add_user(engine, "zhao", "supervisor", PASSWORD, district="210102")
    accounts.add_user(engine, "root", "admin", PASSWORD)
    return TestClient(create_app(engine, blob_dir=tmp_path / "blobs"))


def login(api, user="wang", client_id=None):
    r = api.post(
        "/v1/auth/login",
        json={"user": user, "password": PASSWORD, "client_id": client_id, "device": "laptop"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_schema_is_created_seeded_and_upgrade_is_idempotent(engine):
    from liaison_app.server import keys

    assert is_current(engine)
    with engine.connect() as conn:
        assert len(conn.execute(select(districts.c.code)).all()) == 100
        assert len(conn.execute(select(categories.c.code)).all()) == 13
    key = keys.key_file(engine.url).read_text()
    upgrade(engine)  # a second start keeps the key and adds nothing twice
    assert keys.key_file(engine.url).read_text() == key
    with engine.connect() as conn:
        assert len(conn.execute(select(categories.c.code)).all()) == 13
        stored = conn.execute(select(server_meta.c.key)).scalars().all()
        assert "signing_key" not in stored  # the key lives in its own file (keys.py)
    with engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT version_num FROM server_alembic_version").scalar() == HEAD
        )


def test_user_admin_rules(engine):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    with pytest.raises(InputError, match="exists already"):
        accounts.add_user(engine, "wang", "officer", PASSWORD)
    with pytest.raises(ValidationError) as bad:
        accounts.add_user(engine, "li", "boss", "short", None)
    assert {e.field for e in bad.value.errors} == {"role", "password"}
    with pytest.raises(ValidationError, match="district"):
        accounts.add_user(engine, "zhou", "supervisor", PASSWORD)
    assert [u.name for u in accounts.list_users(engine)] == ["wang"]


def test_public_endpoints_and_401_without_credentials(api):
    assert api.get("/healthz").json()["ok"] is True
    hello = api.get("/v1/hello").json()
    assert hello["protocol"] == {"min": 1, "max": 1} and "scopes" not in hello
    assert api.get("/openapi.json").status_code == 200
    r = api.get("/v1/reference")
    assert r.status_code == 401 and "districts" not in r.text
    assert (
        api.get("/v1/reference", headers={"Authorization": "Bearer forged.token"}).status_code
        == 401
    )


def test_too_old_app_gets_426(api):
    r = api.get("/v1/hello", headers={"X-Liaison-App-Version": "0.0.9"})
    assert r.status_code == 426 and "0.1.0" in r.json()["message"]


def test_sign_in_gives_scopes_and_reference_data(api):
    tokens = login(api)
    hello = api.get("/v1/hello", headers=bearer(tokens)).json()
    assert hello["user"] == "wang" and hello["scopes"] == ["officer:wang"]
    assert hello["client_id"] == tokens["client_id"]
    assert api.get("/v1/hello", headers=bearer(login(api, "zhao"))).json()["scopes"] == [
        "district:210102"
    ]
    assert api.get("/v1/hello", headers=bearer(login(api, "root"))).json()["scopes"] == ["all"]
    ref = api.get("/v1/reference", headers=bearer(tokens)).json()
    assert [c["code"] for c in ref["categories"]][:3] == ["funding", "production", "labour"]


def test_wrong_password_then_rate_limit(api, engine):
    for _ in range(auth.MAX_FAILURES):
        r = api.post("/v1/auth/login", json={"user": "wang", "password": "wrong password"})
        assert r.status_code == 401
    r = api.post("/v1/auth/login", json={"user": "wang", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0  # even the right one waits
    with engine.connect() as conn:
        actions = [a for (a,) in conn.execute(select(audit_log.c.action))]
    assert actions.count("login.failed") == auth.MAX_FAILURES and "login.rate_limited" in actions


def test_refresh_rotates_with_one_grace_use(api, engine):
    tokens = login(api)
    first = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    # The process died before saving the new token: the old one works once more, within the grace.
    again = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 200
    third = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert third.status_code == 401
    newest = again.json()
    assert api.get("/v1/hello", headers=bearer(newest)).json()["user"] == "wang"
    late = (
        dt.datetime.now(dt.UTC).replace(tzinfo=None) + auth.ROTATION_GRACE + dt.timedelta(minutes=1)
    )
    fresh = first.json()["refresh_token"]
    accounts.refresh(engine, fresh)  # rotate it now...
    with pytest.raises(accounts.AuthError):
        accounts.refresh(engine, fresh, now=late)  # ...and after the grace it is dead


def test_revoked_device_and_disabled_user_are_signed_out(api, engine):
    tokens = login(api)
    accounts.revoke_device(engine, tokens["client_id"])
    assert api.get("/v1/reference", headers=bearer(tokens)).status_code == 401
    assert (
        api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code
        == 401
    )
    other = login(api, "zhao")
    accounts.disable_user(engine, "zhao")
    assert api.get("/v1/reference", headers=bearer(other)).status_code == 401
    assert (
        api.post("/v1/auth/login", json={"user": "zhao", "password": PASSWORD}).status_code == 401
    )


def test_a_revoked_device_is_told_so_and_its_tokens_stay_refused(api, engine):
    """Every door a revoked client knocks at says "device_revoked" (not the general 401), its
    old tokens stay refused for good, even after the folder registered anew; a wrong password
    under its id stays the plain refusal (the code is no hint to someone guessing)."""
    tokens = login(api)
    accounts.revoke_device(engine, tokens["client_id"])
    for _ in range(2):  # a refused refresh does not use the token up: refused again, the same
        r = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert (r.status_code, r.json()["error"]) == (401, "device_revoked")
    r = api.get("/v1/reference", headers=bearer(tokens))
    assert (r.status_code, r.json()["error"]) == (401, "device_revoked")
    same = {"user": "wang", "client_id": tokens["client_id"]}
    r = api.post("/v1/auth/login", json={**same, "password": PASSWORD})
    assert (r.status_code, r.json()["error"]) == (401, "device_revoked")
    assert "administrator" in r.json()["message"]
    r = api.post("/v1/auth/login", json={**same, "password": "wrong password"})
    assert (r.status_code, r.json()["error"]) == (401, "unauthorized")
    anew = login(api, client_id="folder-registered-anew")
    assert api.get("/v1/hello", headers=bearer(anew)).json()["user"] == "wang"
    assert api.get("/v1/reference", headers=bearer(tokens)).status_code == 401
    r = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


def test_a_client_id_belongs_to_one_user(api):
    tokens = login(api, "wang")
    r = api.post(
        "/v1/auth/login",
        json={"user": "root", "password": PASSWORD, "client_id": tokens["client_id"]},
    )
    assert r.status_code == 401 and "another user" in r.json()["message"]


def test_tokens_are_signed_and_expire():
    key = "ab" * 32
    now = dt.datetime(2026, 11, 29, 8, 0)
    claims = auth.AccessClaims(1, "wang", "officer", "c1", now + dt.timedelta(minutes=15))
    token = auth.issue_access(key, claims)
    assert auth.read_access(key, token, now) == claims
    assert auth.read_access(key, token, now + dt.timedelta(minutes=16)) is None
    assert auth.read_access("cd" * 32, token, now) is None
    payload, sig = token.split(".")
    assert auth.read_access(key, payload[:-2] + "xx." + sig, now) is None


def test_server_migrations_match_the_tables(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from liaison_app.server.schema import metadata

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": "server_alembic_version"})
        diff = [
            d
            for d in compare_metadata(context, metadata)
            if not (
                isinstance(d, tuple)
                and d[0] == "remove_table"
                and d[1].name == "server_alembic_version"
            )
        ]
    assert diff == []


def test_built_ins_a_later_version_adds_reach_clients_of_an_existing_server(api, engine):
    from sqlalchemy import delete

    from liaison_app.models.reference import builtin_rows

    tokens = login(api)
    newest = builtin_rows("categories")[-1]["code"]
    with engine.begin() as conn:  # as if this server was set up by a version without it
        conn.execute(delete(categories).where(categories.c.code == newest))
    upgrade(engine)  # the next start of the newer version
    version = api.get("/v1/hello", headers=bearer(tokens)).json()["reference_version"]
    assert version > 0
    changed = api.get("/v1/reference", params={"since": 0}, headers=bearer(tokens)).json()
    assert [c["code"] for c in changed["categories"]] == [newest]
    assert changed["version"] == version and changed["departments"] == []
    upgrade(engine)  # nothing new: the version stays
    assert api.get("/v1/hello", headers=bearer(tokens)).json()["reference_version"] == version
