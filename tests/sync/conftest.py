"""Sync fixtures: one real server per database kind for the session, fresh users per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.conftest import scratch_pg
from tests.sync.harness import Folder, SyncServer, unique


def _serve(folder: Path, url: str) -> Iterator[SyncServer]:
    server = SyncServer(folder, url)
    server.admin("migrate")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncServer]:
    folder = tmp_path_factory.mktemp("sync-server-sqlite")
    yield from _serve(folder, f"sqlite+pysqlite:///{folder / 'server.sqlite3'}")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncServer]:
    folder = tmp_path_factory.mktemp("sync-server-pg")
    with scratch_pg() as url:
        yield from _serve(folder, url)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> SyncServer:
    """The running server, on SQLite and on PostgreSQL."""
    name = "sqlite_server" if request.param == "sqlite" else "pg_server"
    return request.getfixturevalue(name)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[SyncServer]:
    """A server of this test's own (SQLite), for tests that kill or restore it."""
    yield from _serve(tmp_path / "own-server", f"sqlite+pysqlite:///{tmp_path / 'own.sqlite3'}")


@pytest.fixture
def officer(server: SyncServer) -> str:
    return server.add_user(unique("wang"))


@pytest.fixture
def make_folder(tmp_path: Path, server: SyncServer) -> Iterator[object]:
    made: list[Folder] = []

    def make(name: str = "", srv: SyncServer | None = None, **kw: object) -> Folder:
        f = Folder(tmp_path / (name or f"folder{len(made)}"), srv or server, **kw)  # type: ignore[arg-type]
        made.append(f)
        return f

    yield make
    for f in made:
        f.close()
