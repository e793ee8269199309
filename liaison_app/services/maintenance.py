"""Integrity checks and backups of the local database."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from liaison_app.errors import InputError
from liaison_app.models.migrate import SCHEMA_HEAD, stored_revision
from liaison_app.services.base import Service

# Each query returns offending rows; a healthy database returns none.
_CHECKS = {
    "visit without live enterprise": (
        "SELECT v.id FROM visit v LEFT JOIN enterprise e ON e.id = v.enterprise_id "
        "WHERE v.deleted_at IS NULL AND (e.id IS NULL OR e.deleted_at IS NOT NULL)"
    ),
    "problem without live enterprise": (
        "SELECT p.id FROM problem p LEFT JOIN enterprise e ON e.id = p.enterprise_id "
        "WHERE p.deleted_at IS NULL AND (e.id IS NULL OR e.deleted_at IS NOT NULL)"
    ),
    "problem with unknown status": (
        "SELECT id FROM problem WHERE status NOT IN ('received','accepted','assigned',"
        "'in_progress','long_term','resolved','called_back','closed','rejected')"
    ),
    "problem whose status disagrees with its last action": (
        "SELECT p.id FROM problem p JOIN follow_up_action a ON a.problem_id = p.id "
        "WHERE a.rowid = (SELECT a2.rowid FROM follow_up_action a2 WHERE a2.problem_id = p.id "
        "AND a2.to_status IS NOT NULL ORDER BY a2.at DESC, a2.id DESC LIMIT 1) "
        "AND a.to_status <> p.status"
    ),
    "live record missing from the search index": (
        "SELECT id FROM (SELECT id FROM enterprise WHERE deleted_at IS NULL UNION ALL "
        "SELECT id FROM visit WHERE deleted_at IS NULL UNION ALL "
        "SELECT id FROM problem WHERE deleted_at IS NULL) r "
        "WHERE NOT EXISTS (SELECT 1 FROM search_doc d WHERE d.ref_id = r.id)"
    ),
    "search entry of a deleted or missing record": (
        "SELECT d.ref_id FROM search_doc d WHERE NOT EXISTS (SELECT 1 FROM ("
        "SELECT id FROM enterprise WHERE deleted_at IS NULL UNION ALL "
        "SELECT id FROM visit WHERE deleted_at IS NULL UNION ALL "
        "SELECT id FROM problem WHERE deleted_at IS NULL) r WHERE r.id = d.ref_id)"
    ),
}


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    sqlite: str
    schema: str | None
    issues: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "sqlite_integrity": self.sqlite,
            "schema_revision": self.schema,
            "issues": {k: {"count": len(v), "examples": v[:5]} for k, v in self.issues.items()},
        }


def _fresh_name(folder: Path) -> Path:
    """An automatic backup name that never collides with an earlier backup."""
    stem = f"liaison-backup-{dt.datetime.now():%Y%m%d-%H%M%S}"
    candidate = folder / f"{stem}.sqlite3"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}.sqlite3"
        n += 1
    return candidate


class MaintenanceService(Service):
    def check(self) -> CheckReport:
        issues: dict[str, list[str]] = {}
        with self._db.reading() as s:
            integrity = [r[0] for r in s.execute(text("PRAGMA integrity_check"))]
            fk = [f"{r[0]}:{r[1]}" for r in s.execute(text("PRAGMA foreign_key_check"))]
            fts = "ok"
            try:
                s.execute(
                    text("INSERT INTO search_fts(search_fts, rank) VALUES('integrity-check', 0)")
                )
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                fts = str(exc)
            if fk:
                issues["foreign key violations"] = fk
            if fts != "ok":
                issues["search index damaged"] = [fts]
            for name, sql in _CHECKS.items():
                rows = [str(r[0]) for r in s.execute(text(sql))]
                if rows:
                    issues[name] = rows
        revision = stored_revision(self._db.path)
        if revision != SCHEMA_HEAD:
            issues["schema not at head"] = [f"{revision} != {SCHEMA_HEAD}"]
        sqlite_state = "ok" if integrity == ["ok"] else "; ".join(integrity)
        return CheckReport(sqlite_state == "ok" and not issues, sqlite_state, revision, issues)

    def backup(self, target: Path | None, default_dir: Path) -> Path:
        """A consistent copy of the database (SQLite's online backup), safe while in use."""
        if target is None or target.is_dir():
            folder = default_dir if target is None else target
            folder.mkdir(parents=True, exist_ok=True)
            target = _fresh_name(folder)
        if target.exists():
            raise InputError(f"{target} exists already; choose another path")
        if not target.parent.exists():
            raise InputError(f"folder {target.parent} does not exist")
        partial = target.with_name(target.name + ".partial")
        src = sqlite3.connect(self._db.path)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        partial.replace(target)  # never leave a half-written backup under the real name
        return target
