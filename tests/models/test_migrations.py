"""The local database: created at head, no model drift, pragmas, seeding, backups, locking."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from liaison_app import paths
from liaison_app.domain import reference
from liaison_app.errors import StorageError
from liaison_app.models import schema
from liaison_app.models.migrate import (
    KEEP_BACKUPS,
    SCHEMA_HEAD,
    alembic_config,
    backup_file,
    ensure_schema,
    stored_revision,
)
from liaison_app.services.store import Store, open_store


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """The same filter as liaison_app/models/migrations/env.py: FTS5 tables are SQLite's."""
    return not (type_ == "table" and name is not None and name.startswith("search_fts"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_created_at_head(tmp_path: Path) -> None:
    st = open_store(tmp_path / "data")
    try:
        assert st.schema_action == "created"
        with st.db.reading() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                SCHEMA_HEAD
            )
        assert stored_revision(st.db.path) == SCHEMA_HEAD
    finally:
        st.close()
    again = open_store(tmp_path / "data")
    try:
        assert again.schema_action == "current"
    finally:
        again.close()


def test_schema_head_constant_matches_the_alembic_scripts() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [SCHEMA_HEAD]
    assert script.get_current_head() == SCHEMA_HEAD


def test_autogenerate_finds_no_drift_between_models_and_migrations(store: Store) -> None:
    with store.db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_object": include_object,
                "compare_type": True,
                "compare_server_default": True,
            },
        )
        assert compare_metadata(ctx, schema.metadata) == []


def test_fts_table_exists_but_is_not_a_model(store: Store) -> None:
    with store.db.reading() as s:
        names = set(s.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars())
    assert "search_fts" in names
    assert "search_fts" not in schema.metadata.tables
    assert set(schema.metadata.tables) <= names


@pytest.mark.parametrize("mode", ["writing", "reading"])
def test_session_connections_have_the_pragmas(store: Store, mode: str) -> None:
    with getattr(store.db, mode)() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA busy_timeout")).scalar() > 0


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"), store.db.writing() as s:
        s.execute(
            text(
                "INSERT INTO visit (id, enterprise_id, visit_date, mode, officers, created_at, "
                "updated_at) VALUES ('v1', 'no-such-enterprise', '2026-11-01', 'onsite', '[]', "
                "'2026-11-01', '2026-11-01')"
            )
        )


@pytest.mark.parametrize(
    ("table", "kind"),
    [
        ("category", "categories"),
        ("department", "departments"),
        ("district", "districts"),
        ("industry", "industries"),
    ],
)
def test_reference_data_is_seeded(store: Store, table: str, kind: str) -> None:
    with store.db.reading() as s:
        rows = s.execute(text(f"SELECT code, name_zh, name_en, builtin, active FROM {table}")).all()
    expected = {i.code: (i.zh, i.en) for i in reference.builtin(kind)}
    assert {r[0]: (r[1], r[2]) for r in rows} == expected
    assert all(r[3] == 1 and r[4] == 1 for r in rows)


def test_seeded_districts_keep_their_city(store: Store) -> None:
    with store.db.reading() as s:
        row = s.execute(text("SELECT city_code, kind_zh FROM district WHERE code = '210224'")).one()
    assert row == ("210200", "县")
    assert len(store.reference.list("districts")) == 100
    assert len(store.reference.list("categories")) == 13


def test_ensure_schema_at_head_touches_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_store(data).close()
    db_path = paths.database_path(data)
    before = (sha(db_path), db_path.stat().st_mtime_ns)
    assert ensure_schema(db_path, paths.backups_dir(data)) == "current"
    assert (sha(db_path), db_path.stat().st_mtime_ns) == before
    assert not paths.backups_dir(data).exists()


def test_stored_revision_of_a_missing_or_empty_file_is_none(tmp_path: Path) -> None:
    assert stored_revision(tmp_path / "missing.sqlite3") is None
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert stored_revision(empty) is None


def test_stored_revision_refuses_a_foreign_sqlite_file(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="not a Liaison database"):
        stored_revision(other)


def test_stored_revision_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(StorageError, match="cannot be read"):
        stored_revision(junk)


def test_opening_a_folder_with_a_foreign_database_is_refused_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    con = sqlite3.connect(paths.database_path(data))
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO customers (name) VALUES ('keep me')")
    con.commit()
    con.close()
    before = sha(paths.database_path(data))
    with pytest.raises(StorageError):
        open_store(data)
    assert sha(paths.database_path(data)) == before


def test_backup_file_is_a_readable_consistent_copy(store: Store, tmp_path: Path) -> None:
    store.enterprises.create({"name": "沈阳华晨机械制造有限公司", "district_code": "210102"})
    backups = tmp_path / "backups"
    copy = backup_file(store.db.path, backups, "before-0001")
    assert copy.parent == backups
    assert copy.name.startswith("liaison-before-0001-")
    con = sqlite3.connect(copy)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT name FROM enterprise").fetchall() == [
            ("沈阳华晨机械制造有限公司",)
        ]
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    finally:
        con.close()


def test_backup_file_keeps_only_the_newest_pre_migration_copies(
    store: Store, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    made = [backup_file(store.db.path, backups, "before-0001") for _ in range(KEEP_BACKUPS + 2)]
    kept = sorted(backups.glob("liaison-before-*.sqlite3"))
    assert kept == sorted(made)[-KEEP_BACKUPS:]
    assert made[-1].exists()


def test_database_at_another_revision_is_backed_up_before_migrating(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_store(data).close()
    db_path = paths.database_path(data)
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="does not know"):  # revision 0099 is unknown here
        ensure_schema(db_path, paths.backups_dir(data))
    copies = list(paths.backups_dir(data).glob("liaison-before-0099-*.sqlite3"))
    assert len(copies) == 1
    assert stored_revision(copies[0]) == "0099"


def test_database_from_a_newer_version_is_refused_with_a_storage_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_store(data).close()
    con = sqlite3.connect(paths.database_path(data))
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    with pytest.raises(StorageError):
        open_store(data)


def test_writes_take_the_write_lock_at_begin(store: Store) -> None:
    with store.db.writing() as s:
        s.execute(text("SELECT 1"))  # nothing written yet, but the transaction has begun
        other = sqlite3.connect(store.db.path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_readers_do_not_block_a_writer(store: Store) -> None:
    with store.db.reading() as s:
        s.execute(text("SELECT count(*) FROM enterprise"))
        other = sqlite3.connect(store.db.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_failed_write_is_rolled_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store.db.writing() as s:
        s.execute(text("INSERT INTO app_meta (key, value) VALUES ('probe', 'x')"))
        raise RuntimeError("boom")
    with store.db.reading() as s:
        assert s.execute(text("SELECT count(*) FROM app_meta WHERE key='probe'")).scalar() == 0


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_0001_database_is_backed_up_and_migrated_keeping_every_record(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    db_path = paths.database_path(data)
    shutil.copy(FIXTURES / "schema_0001.sqlite3", db_path)
    con = sqlite3.connect(db_path)
    before = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("enterprise", "visit", "problem", "follow_up_action", "search_doc")
    }
    con.close()
    store = open_store(data)
    try:
        assert store.schema_action == "migrated"
        assert stored_revision(db_path) == SCHEMA_HEAD
        copies = list(paths.backups_dir(data).glob("liaison-before-0001-*.sqlite3"))
        assert len(copies) == 1 and stored_revision(copies[0]) == "0001"
        con = sqlite3.connect(db_path)
        after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
        indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        con.close()
        assert after == before and before["problem"] > 100
        assert {"ix_problem_stats", "ix_problem_deadline_sort"} <= indexes
        assert "ix_problem_raised_category" not in indexes
        assert store.maintenance.check().ok
        assert store.stats.figures().overall.received == before["problem"]
    finally:
        store.close()
    assert open_store(data).schema_action == "current"


def test_a_0002_database_gets_sync_ready_keeping_every_record_and_old_undo(tmp_path: Path) -> None:
    """0003: the sync tables appear, and children deleted together with their parent (same
    tombstone time, as 0002 cascaded) still come back with it; one deleted earlier does not."""
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    db_path = paths.database_path(data)
    shutil.copy(FIXTURES / "schema_0002.sqlite3", db_path)
    store = open_store(data)
    try:
        assert store.schema_action == "migrated"
        assert stored_revision(db_path) == SCHEMA_HEAD
        con = sqlite3.connect(db_path)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        con.close()
        assert {"sync_outbox", "sync_base", "sync_meta", "sync_conflict", "sync_blob"} <= tables
        assert store.maintenance.check().ok
        assert len(store.problems.list()) == 2  # the two live ones of the fixture
        store.enterprises.restore("01a23b00-0000-7000-8000-0000000000e3")
        restored = {p.id for p in store.problems.list()}
        assert "01a23b00-0000-7000-8000-0000000000b3" in restored
        assert "01a23b00-0000-7000-8000-0000000000b4" not in restored  # deleted before
        assert store.visits.get("01a23b00-0000-7000-8000-0000000000a3").deleted_at is None
        # The undo is a change like any other: it is queued for the server.
        assert store.sync.status().pending == 3
    finally:
        store.close()


def test_pulled_pages_skip_the_disk_wait_and_every_other_write_waits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A pulled page can be fetched again, so its commit need not wait for the disk; a local
    edit must, even on the pooled connection a page used just before."""
    from liaison_app.models.db import Database

    db = Database(tmp_path / "x.sqlite3")
    try:
        for _ in range(2):
            with db.writing_refetchable() as s:
                assert s.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            with db.writing() as s:
                assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    finally:
        db.dispose()
