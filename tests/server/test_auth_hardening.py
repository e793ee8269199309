"""Sign-in under attack: atomic throttling per account and source, atomic refresh rotation,
equal work for unknown users, argon2 outside transactions, tokens dying with the password."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, select, text

from liaison_app.server import accounts, auth, logs
from liaison_app.server.schema import audit_log, login_failures
from tests.server.support import PASSWORD

WRONG = "not the password"


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """Every argon2 verification, by the hash it was checked against."""
    seen: list[str] = []

    class Counting(PasswordHasher):  # the same (default) parameters as auth's own
        def verify(self, stored: str | bytes, password: str | bytes) -> bool:
            seen.append(str(stored))
            return super().verify(stored, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    return seen


def attempt(engine, user: str, password: str, address: str = "10.0.0.1", **kw: Any) -> str:
    try:
        accounts.login(engine, user, password, None, "t", address=address, **kw)
        return "ok"
    except accounts.RateLimited as exc:
        assert exc.retry_after > 0
        return "limited"
    except accounts.AuthError:
        return "refused"


def together(n: int, work: Callable[[int], str]) -> list[str]:
    """Run ``work(i)`` in n threads released at once."""
    start = threading.Barrier(n)
    out: list[str] = [""] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait()
            out[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return out


@pytest.mark.parametrize("n", [50, 100])
def test_concurrent_wrong_passwords_check_at_most_the_limit(engine, verifications, n):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    results = together(n, lambda _i: attempt(engine, "wang", WRONG))
    assert results.count("refused") == auth.MAX_FAILURES
    assert results.count("limited") == n - auth.MAX_FAILURES
    assert len(verifications) == auth.MAX_FAILURES  # the throttled ones were never checked
    # Even the right password waits now, unchecked.
    assert attempt(engine, "wang", PASSWORD) == "limited"
    assert len(verifications) == auth.MAX_FAILURES


def test_the_wait_ends_with_the_window_and_refusals_do_not_extend_it(engine):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    t0 = accounts.utcnow()
    for i in range(auth.MAX_FAILURES):
        assert attempt(engine, "wang", WRONG, now=t0 + dt.timedelta(seconds=i)) == "refused"
    # Throttled attempts all the way through the window are not recorded: they do not renew it.
    for minute in range(1, 15):
        assert attempt(engine, "wang", WRONG, now=t0 + dt.timedelta(minutes=minute)) == "limited"
    try:
        accounts.login(
            engine,
            "wang",
            PASSWORD,
            None,
            "t",
            now=t0 + dt.timedelta(minutes=14),
            address="10.0.0.1",
        )
    except accounts.RateLimited as exc:
        assert 55 <= exc.retry_after <= 60  # the first failure leaves the window in about a minute
    later = t0 + auth.FAILURE_WINDOW + dt.timedelta(seconds=1)
    assert attempt(engine, "wang", PASSWORD, now=later) == "ok"


def test_an_attacker_elsewhere_cannot_lock_the_officer_out(engine):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    assert attempt(engine, "wang", PASSWORD, address="192.0.2.10") == "ok"  # Wang's office
    # Attackers at many addresses spend their five each, then the account-wide budget ...
    results = [attempt(engine, "wang", WRONG, address=f"198.51.100.{i}") for i in range(60)]
    results += [attempt(engine, "wang", WRONG, address=f"198.51.100.{i}") for i in range(3)]
    assert results.count("refused") == auth.MAX_ACCOUNT_FAILURES
    assert results[-3:] == ["limited"] * 3
    # ... and a new address is held up with them, but Wang at his own address is not.
    assert attempt(engine, "wang", PASSWORD, address="203.0.113.7") == "limited"
    assert attempt(engine, "wang", PASSWORD, address="192.0.2.10") == "ok"
    # Five failures at one address throttle that address only, Wang's own included.
    for _ in range(auth.MAX_FAILURES):
        assert attempt(engine, "wang", WRONG, address="192.0.2.10") == "refused"
    assert attempt(engine, "wang", PASSWORD, address="192.0.2.10") == "limited"


def test_one_address_spraying_many_accounts_is_throttled(engine):
    for i in range(3):
        accounts.add_user(engine, f"officer{i}", "officer", PASSWORD)
    assert attempt(engine, "officer0", PASSWORD, address="192.0.2.10") == "ok"
    names = [f"name{i}" for i in range(auth.MAX_SOURCE_FAILURES)]
    assert {attempt(engine, n, WRONG, address="198.51.100.1") for n in names} == {"refused"}
    assert attempt(engine, "officer1", PASSWORD, address="198.51.100.1") == "limited"
    # the same accounts from elsewhere are not affected
    assert attempt(engine, "officer1", PASSWORD, address="192.0.2.11") == "ok"


def test_rate_limited_answer_over_http(api):
    for _ in range(auth.MAX_FAILURES):
        assert (
            api.post("/v1/auth/login", json={"user": "wang", "password": WRONG}).status_code == 401
        )
    r = api.post("/v1/auth/login", json={"user": "wang", "password": PASSWORD})
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= auth.FAILURE_WINDOW.total_seconds()
    assert r.json()["error"] == "rate_limited" and r.json()["retry_after"] == int(
        r.headers["Retry-After"]
    )


def test_unknown_and_disabled_users_cost_one_verification_like_known_ones(engine, verifications):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    accounts.add_user(engine, "zhou", "officer", PASSWORD)
    accounts.disable_user(engine, "zhou")
    for user, password in (
        ("wang", WRONG),
        ("nobody", WRONG),
        ("zhou", PASSWORD),
        ("wang", PASSWORD),
    ):
        before = len(verifications)
        attempt(engine, user, password, address=f"10.1.0.{before}")
        assert len(verifications) == before + 1, user
    dummy = verifications[1]
    assert dummy != verifications[0] and not auth._hasher.check_needs_rehash(dummy)
    assert auth._hasher.check_needs_rehash(verifications[0]) is False  # the same parameters
    assert attempt(engine, "nobody", "") == "refused"


def test_concurrent_refreshes_of_one_token_give_one_rotation_and_one_grace(engine):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    token = accounts.login(engine, "wang", PASSWORD, None, "t").refresh_token

    def refresh(_i: int) -> str:
        try:
            return accounts.refresh(engine, token).refresh_token
        except accounts.AuthError:
            return ""

    issued = [t for t in together(20, refresh) if t]
    assert len(issued) == 2 and len(set(issued)) == 2  # one rotation, the one grace use
    with pytest.raises(accounts.AuthError):
        accounts.refresh(engine, token)
    for t in issued:  # each new chain works once more
        accounts.refresh(engine, t)


def test_password_change_and_disable_end_access_tokens_at_once(api, engine):
    def login(user: str) -> dict[str, str]:
        r = api.post("/v1/auth/login", json={"user": user, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    wang, zhao = login("wang"), login("zhao")
    assert api.get("/v1/reference", headers=wang).status_code == 200
    accounts.set_password(engine, "wang", "a new password")
    for path in ("/v1/reference", "/v1/hello"):
        r = api.get(path, headers=wang)
        assert r.status_code == 401 and "password changed" in r.json()["message"]
    r = api.post("/v1/pull", json={}, headers=wang)
    assert r.status_code == 401
    fresh = api.post("/v1/auth/login", json={"user": "wang", "password": "a new password"})
    assert (
        api.get(
            "/v1/reference", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"}
        ).status_code
        == 200
    )
    accounts.disable_user(engine, "zhao")
    assert api.post("/v1/push", json={"mutations": []}, headers=zhao).status_code == 401


def _usable(engine, tokens: accounts.Tokens) -> list[str]:
    """What of a sign-in still works: its access token, its refresh token."""
    out = []
    with engine.connect() as conn:
        try:
            accounts.identify(
                conn, accounts.read_token(accounts.signing_key(engine), tokens.access_token)
            )
            out.append("access")
        except accounts.AuthError:
            pass
    try:
        accounts.refresh(engine, tokens.refresh_token)
        out.append("refresh")
    except accounts.AuthError:
        pass
    return out


@pytest.mark.parametrize("change", ["passwd", "disable"])
def test_a_sign_in_racing_a_password_change_leaves_nothing_usable(engine, monkeypatch, change):
    """The password is checked against the hash read before argon2; an administrator changing
    it (or disabling the user) meanwhile must not leave the old password a working sign-in."""
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    checked = auth.password_ok

    def while_checking(stored: str | None, password: str) -> bool:
        if change == "passwd":
            accounts.set_password(engine, "wang", "a new password")
        else:
            accounts.disable_user(engine, "wang")
        return checked(stored, password)

    monkeypatch.setattr(auth, "password_ok", while_checking)
    try:
        tokens = accounts.login(engine, "wang", PASSWORD, None, "t", address="10.0.0.1")
    except accounts.AuthError:
        return  # refused: nothing was issued
    assert _usable(engine, tokens) == []


def test_a_refresh_racing_a_password_change_leaves_no_live_chain(engine):
    """A password change while a refresh is between rotating the token and issuing the next:
    once the change is done, nothing the refresh issued still works (on PostgreSQL the change
    deleted the old token but not the new one, whose refresh then gave a current token)."""
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    first = accounts.login(engine, "wang", PASSWORD, None, "t")
    changer: list[threading.Thread] = []

    def change_now(_conn, _cursor, statement: str, *_args: Any) -> None:
        if not changer and statement.lstrip().upper().startswith("UPDATE REFRESH_TOKENS"):
            thread = threading.Thread(
                target=accounts.set_password, args=(engine, "wang", "a new password")
            )
            changer.append(thread)
            thread.start()
            thread.join(timeout=1)  # done unless it waits for this refresh (which it should)

    event.listen(engine, "after_cursor_execute", change_now)
    try:
        try:
            issued = accounts.refresh(engine, first.refresh_token)
        except accounts.AuthError:
            issued = None
    finally:
        event.remove(engine, "after_cursor_execute", change_now)
    changer[0].join()
    if issued is not None:
        assert _usable(engine, issued) == []


def test_tokens_from_before_epochs_still_work_until_the_password_changes(engine):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    tokens = accounts.login(engine, "wang", PASSWORD, None, "t")
    key = accounts.signing_key(engine)
    claims = accounts.read_token(key, tokens.access_token)
    # a token as the previous version issued it: no epoch in it
    body = {"uid": claims.user_id, "sub": "wang", "role": "officer", "cid": claims.client_id}
    payload = auth._b64(json.dumps({**body, "exp": int(claims.expires.timestamp())}).encode())
    signature = auth._b64(hmac.new(bytes.fromhex(key), payload.encode(), hashlib.sha256).digest())
    old = f"{payload}.{signature}"
    with engine.connect() as conn:
        assert accounts.identify(conn, accounts.read_token(key, old)).claims.epoch == 0
    accounts.set_password(engine, "wang", "a new password")
    with engine.connect() as conn, pytest.raises(accounts.AuthError):
        accounts.identify(conn, accounts.read_token(key, old))


def _sqlite_writable_now(engine) -> bool:
    """Can another connection take SQLite's write lock at once (nobody holds it)?"""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA busy_timeout=0")
        try:
            cur.execute("BEGIN IMMEDIATE")
            cur.execute("ROLLBACK")
            return True
        except Exception:  # noqa: BLE001 - "database is locked"
            return False
        finally:
            cur.execute("PRAGMA busy_timeout=30000")
    finally:
        raw.close()


def test_argon2_runs_outside_any_transaction(engine, monkeypatch):
    """Login, user add and passwd: while argon2 works, no connection is checked out of the
    pool (so no transaction is open) and, on SQLite, the write lock is free."""
    checks: list[tuple[str, int, bool]] = []

    def observe(what: str) -> None:
        writable = _sqlite_writable_now(engine) if engine.dialect.name == "sqlite" else True
        checks.append((what, engine.pool.checkedout(), writable))

    class Observed(PasswordHasher):
        def hash(self, password: str | bytes, **kw: Any) -> str:
            observe("hash")
            return super().hash(password, **kw)

        def verify(self, stored: str | bytes, password: str | bytes) -> bool:
            observe("verify")
            return super().verify(stored, password)

    auth.password_ok(None, "warm up")  # the dummy hash is made once, on first use
    monkeypatch.setattr(auth, "_hasher", Observed())
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    accounts.set_password(engine, "wang", "another password")
    attempt(engine, "wang", "another password")
    attempt(engine, "wang", WRONG)
    attempt(engine, "nobody", WRONG)
    assert [c[0] for c in checks] == ["hash", "hash", "verify", "verify", "verify"]
    assert all(out == 0 and free for _, out, free in checks), checks


def test_unknown_user_names_are_never_stored_as_typed(engine):
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    typed = "hunter2-Sekret!"  # a password typed into the user field
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logs.audit_log.addHandler(handler)
    level = logs.audit_log.level
    logs.audit_log.setLevel(logging.INFO)
    try:
        for _ in range(auth.MAX_FAILURES + 2):
            attempt(engine, typed, WRONG)
        attempt(engine, "wang", WRONG)
    finally:
        logs.audit_log.removeHandler(handler)
        logs.audit_log.setLevel(level)
    with engine.connect() as conn:
        stored = [str(tuple(r)) for r in conn.execute(select(audit_log))]
        stored += [str(tuple(r)) for r in conn.execute(select(login_failures))]
        dump = "\n".join(stored)
    logged = stream.getvalue()
    assert typed not in dump and typed not in logged
    assert accounts.UNKNOWN_USER in dump and "login.rate_limited" in logged
    assert "'wang'" in dump  # a real user's name is fine to keep
    # and repeated attempts at one unknown name can still be told apart: the same name_key
    with engine.connect() as conn:
        keys = {
            r.detail.get("name_key")
            for r in conn.execute(
                select(audit_log).where(audit_log.c.actor == accounts.UNKNOWN_USER)
            )
        }
    assert len(keys) == 1 and None not in keys


def test_migration_scrubs_names_typed_at_failed_sign_ins(engine):
    from alembic import command

    from liaison_app.server.migrate import _config

    accounts.add_user(engine, "wang", "officer", PASSWORD)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "s0006")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO audit_log (at, actor, action, detail) VALUES (:at, :a, :x, '{}')"),
            [
                {"at": dt.datetime(2026, 1, 1), "a": "hunter2-Sekret!", "x": "login.failed"},
                {"at": dt.datetime(2026, 1, 1), "a": "wang", "x": "login.failed"},
                {"at": dt.datetime(2026, 1, 1), "a": "hunter2-Sekret!", "x": "login.rate_limited"},
            ],
        )
        conn.execute(
            text("INSERT INTO login_failures (name, at) VALUES ('hunter2-Sekret!', :at)"),
            {"at": dt.datetime(2026, 1, 1)},
        )
    from liaison_app.server.migrate import upgrade

    upgrade(engine)
    with engine.connect() as conn:
        actors = [
            a
            for (a,) in conn.execute(
                select(audit_log.c.actor).where(audit_log.c.action.like("login.%"))
            )
        ]
        assert sorted(actors, key=str) == sorted([None, "wang", None], key=str)
        assert conn.execute(select(login_failures)).all() == []


@pytest.mark.parametrize(
    "client_id", ["abc\x00defgh", "short", "x" * 37, "a b c d e f", "\ud800" * 9]
)
def test_no_database_accepts_a_malformed_client_id(engine, client_id):
    from liaison_app.errors import ValidationError
    from liaison_app.server.schema import clients

    accounts.add_user(engine, "wang", "officer", PASSWORD)
    with pytest.raises(ValidationError):
        accounts.login(engine, "wang", PASSWORD, client_id, "t")
    with engine.connect() as conn:
        assert conn.execute(select(clients.c.id)).all() == []
