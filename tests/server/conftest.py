"""Server fixtures: a fresh database per test on SQLite and, where reachable, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from liaison_app.server.db import make_engine
from liaison_app.server.migrate import upgrade

PG_ADMIN_URL = os.environ.get("LIAISON_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return False


PG = _pg_available()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated server database: a temp SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    with scratch_pg() as url:
        eng = make_engine(url)
        try:
            upgrade(eng)
            yield eng
        finally:
            eng.dispose()


@contextmanager
def scratch_pg() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards (skips without one)."""
    if not PG:
        pytest.skip("no PostgreSQL reachable at " + PG_ADMIN_URL)
    import psycopg

    name = f"liaison_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def api(engine, tmp_path):
    """The HTTP API with two officers, a supervisor of 210102 and an admin."""
    from fastapi.testclient import TestClient

    from liaison_app.server import accounts
    from liaison_app.server.app import create_app
    from tests.server.support import PASSWORD

    accounts.add_user(engine, "wang", "officer", PASSWORD)
    accounts.add_user(engine, "li", "officer", PASSWORD)
    accounts.add_user(engine, "zhao", "supervisor", PASSWORD, district="210102")
    accounts.add_user(engine, "root", "admin", PASSWORD)
    return TestClient(create_app(engine, blob_dir=tmp_path / "blobs"))
