"""Bring a data folder's database to the current schema: create, back up, migrate, or skip."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from liaison_app.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The Alembic head of the client tree; a test checks it against the scripts.
SCHEMA_HEAD = "0004"
VERSION_TABLE = "alembic_version"
KEEP_BACKUPS = 5
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def stored_revision(path: Path) -> str | None:
    """The revision a database file is stamped with; None for a new or empty file.

    Plain sqlite3, so a start-up at head costs one tiny query and never imports Alembic.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    con = sqlite3.connect(path)
    try:
        has = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (VERSION_TABLE,)
        ).fetchone()
        if not has:
            tables = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table'"
            ).fetchone()[0]
            if tables:
                raise StorageError(f"{path} is not a Liaison database (it has no schema version)")
            return None
        row = con.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path} cannot be read as a database: {exc}") from exc
    finally:
        con.close()


def backup_file(path: Path, backups: Path, label: str) -> Path:
    """Copy the database (consistently, via SQLite's backup API) and keep the newest few."""
    backups.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backups / f"liaison-{label}-{stamp}.sqlite3"
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    old = sorted(backups.glob("liaison-before-*.sqlite3"))
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)
    return target


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(path: Path, revision: str = "head") -> None:
    from alembic import command

    from liaison_app.models.db import make_engine

    engine = make_engine(path)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def ensure_schema(path: Path, backups: Path) -> str:
    """Create or migrate as needed; returns what was done: 'current', 'created' or 'migrated'.

    At head this is one plain sqlite3 query: neither Alembic nor SQLAlchemy is imported.
    """
    current = stored_revision(path)
    if current == SCHEMA_HEAD:
        return "current"
    if current is None:
        upgrade(path)
        log.info("created database %s at %s", path, SCHEMA_HEAD)
        return "created"
    copy = backup_file(path, backups, f"before-{current}")
    log.info("backed up %s to %s before migrating from %s", path, copy, current)
    from alembic.util.exc import CommandError

    try:
        upgrade(path)
    except CommandError as exc:
        raise StorageError(
            f"{path} has schema revision {current!r}, which this version of Liaison does not "
            f"know (it knows up to {SCHEMA_HEAD!r}); it was probably written by a newer Liaison. "
            "Nothing was changed; please update the app."
        ) from exc
    return "migrated"
