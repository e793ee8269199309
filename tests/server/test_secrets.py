"""Secrets at rest: the server folder 0700 and its files 0600 whatever the umask; the signing
key in a file of its own, moved out of the database with tokens staying valid."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from liaison_app.server import accounts, auth, keys, meta
from liaison_app.server.db import database_url, make_engine
from liaison_app.server.migrate import upgrade
from liaison_app.server.schema import server_meta
from tests.server.conftest import scratch_pg
from tests.server.support import PASSWORD


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mode & 0o777 for p in folder.rglob("*")}


def meta_keys(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(server_meta.c.key)).scalars())


def test_default_server_folder_and_files_are_private_whatever_the_umask(tmp_path, monkeypatch):
    folder = tmp_path / "a" / "srv"
    monkeypatch.setenv("LIAISON_SERVER_DATA", str(folder))
    monkeypatch.delenv("LIAISON_SERVER_DB", raising=False)
    with umask(0o022):
        engine = make_engine(database_url())
        upgrade(engine)
        accounts.add_user(engine, "wang", "officer", PASSWORD)  # writes: WAL and SHM exist
        found = modes(folder)
        engine.dispose()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {"server.sqlite3", "server.sqlite3-wal", keys.KEY_FILE} <= found.keys()
    assert all(mode == 0o600 for mode in found.values()), found
    assert meta.SIGNING_KEY not in meta_keys(engine)  # the database never holds the key


def test_an_existing_loose_folder_and_database_are_tightened(tmp_path, monkeypatch):
    folder = tmp_path / "srv"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    db = folder / "server.sqlite3"
    db.touch()
    os.chmod(db, 0o644)
    monkeypatch.setenv("LIAISON_SERVER_DATA", str(folder))
    monkeypatch.delenv("LIAISON_SERVER_DB", raising=False)
    engine = make_engine(database_url())
    upgrade(engine)
    engine.dispose()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert all(mode == 0o600 for mode in modes(folder).values()), modes(folder)


def test_the_cli_writes_private_files_under_a_loose_umask(tmp_path):
    folder = tmp_path / "srv"
    env = {**os.environ, "LIAISON_SERVER_DATA": str(folder)}
    env.pop("LIAISON_SERVER_DB", None)
    with umask(0o000):
        done = subprocess.run(
            [sys.executable, "-m", "liaison_app.server.cli", "user", "add", "wang"]
            + ["--role", "officer", "--password-stdin"],
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert folder.stat().st_mode & 0o777 == 0o700
    assert all(mode == 0o600 for mode in modes(folder).values()), modes(folder)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("LIAISON_SERVER_DATA", str(tmp_path / "srv"))
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'db' / 'server.sqlite3'}"
        return
    with scratch_pg() as url:
        yield url


def test_a_key_kept_in_the_database_moves_to_a_private_file_and_its_tokens_stay_valid(
    fresh_url, tmp_path
):
    if "sqlite" in fresh_url:
        (tmp_path / "db").mkdir()
    engine = make_engine(fresh_url)
    upgrade(engine)
    accounts.add_user(engine, "wang", "officer", PASSWORD)
    path = keys.key_file(engine.url)
    # As a server before s0008 had it: the key in server_meta, no file.
    legacy = "5e" * 32
    path.unlink()
    keys._KEYS.pop(str(engine.url), None)
    with engine.begin() as conn:
        meta.write(conn, meta.SIGNING_KEY, legacy)
    claims = auth.AccessClaims(
        1, "wang", "officer", "c", accounts.utcnow().replace(year=2999, microsecond=0)
    )
    issued = auth.issue_access(legacy, claims)
    upgrade(engine)  # the next start
    assert path.read_text().strip() == legacy and path.stat().st_mode & 0o777 == 0o600
    assert meta.SIGNING_KEY not in meta_keys(engine)
    keys._KEYS.pop(str(engine.url), None)  # as a new process would read it
    assert accounts.read_token(accounts.signing_key(engine), issued) == claims
    # and the key stays as it is on every later start
    upgrade(engine)
    assert path.read_text().strip() == legacy
    engine.dispose()


def test_a_damaged_key_file_is_refused_not_replaced(fresh_url, tmp_path):
    if "sqlite" in fresh_url:
        (tmp_path / "db").mkdir()
    engine = make_engine(fresh_url)
    upgrade(engine)
    path = keys.key_file(engine.url)
    path.write_text("not a key\n")
    keys._KEYS.pop(str(engine.url), None)
    with pytest.raises(Exception, match="does not hold a signing key"):
        accounts.signing_key(engine)
    with pytest.raises(Exception, match="does not hold a signing key"):
        upgrade(engine)
    assert path.read_text() == "not a key\n"
    engine.dispose()
