"""Reads that the first window needs, in plain sqlite3: start-up never waits for the ORM.

Importing SQLAlchemy's ORM costs about a quarter of a second; the enterprise list, the reference
labels and the officer's name are read here instead, and the ORM loads in the background.
These are the only implementations of these reads (the services delegate to them).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from liaison_app.domain.lifecycle import OPEN_STATUSES
from liaison_app.domain.records import EnterpriseRecord, RefRecord
from liaison_app.domain.reference import REFERENCE_KINDS, is_city_code
from liaison_app.domain.search_text import match_expression
from liaison_app.errors import ValidationError
from liaison_app.models.search_sql import MATCHING_IDS

_TABLES = {
    "categories": "category",
    "departments": "department",
    "districts": "district",
    "industries": "industry",
}
_OPEN = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
_ENTERPRISE_COLUMNS = (
    "id, name, uscc, district_code, industry_code, size, ownership, address, legal_rep, "
    "contact_name, contact_title, phone, park, officer, unit, specialised, notes, created_at, "
    "updated_at, deleted_at"
)


def _stamp(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


class QuickReads:
    def __init__(self, path: Path) -> None:
        self._uri = f"{path.as_uri()}?mode=ro"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self._uri, uri=True, timeout=10)) as con:
            yield con

    def meta(self, key: str) -> str | None:
        with self._connect() as con:
            row = con.execute("SELECT value FROM app_meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def signed_in(self) -> bool:
        """Whether this folder is signed in to a sync server (its name then comes from it)."""
        with self._connect() as con:
            try:
                row = con.execute("SELECT value FROM sync_meta WHERE key = 'account_id'").fetchone()
            except sqlite3.OperationalError:  # a database from before sync
                return False
        return bool(row and row[0])

    def reference(self, kind: str, include_inactive: bool = False) -> list[RefRecord]:
        if kind not in _TABLES:
            raise ValidationError.single(
                "kind",
                "unknown",
                f"unknown reference list {kind!r}; lists: {', '.join(REFERENCE_KINDS)}",
            )
        parent = "city_code" if kind == "districts" else "NULL"
        sql = (
            f"SELECT code, name_zh, name_en, {parent}, builtin, active FROM {_TABLES[kind]}"
            + ("" if include_inactive else " WHERE active")
            + " ORDER BY sort, code"
        )
        with self._connect() as con:
            return [
                RefRecord(kind, c, zh, en, p, bool(b), bool(a))
                for c, zh, en, p, b, a in con.execute(sql)
            ]

    def enterprise_names(
        self,
        *,
        search: str | None = None,
        district: str | None = None,
        industry: str | None = None,
        size: str | None = None,
        officer: str | None = None,
    ) -> list[tuple[str, str]]:
        """(id, name) of every matching live enterprise: cheap enough for 20,000."""
        where, params = ["deleted_at IS NULL"], {}
        if search:
            expr = match_expression(search)
            if expr is None:
                return []
            where.append(f"id IN ({MATCHING_IDS})")
            params.update(sq=expr, sk="enterprise")
        if district:
            if is_city_code(district):  # a city code selects all its districts
                where.append("district_code LIKE :district")
                params["district"] = district[:4] + "%"
            else:
                where.append("district_code = :district")
                params["district"] = district
        if industry:
            where.append("industry_code LIKE :industry")
            params["industry"] = industry.upper() + "%"
        if size:
            where.append("size = :size")
            params["size"] = size
        if officer:
            where.append("officer = :officer")
            params["officer"] = officer
        sql = f"SELECT id, name FROM enterprise WHERE {' AND '.join(where)}"
        with self._connect() as con:
            return con.execute(sql, params).fetchall()

    def enterprise_summaries(self, ids: list[str]) -> list[EnterpriseRecord]:
        """Records for a page of ids, in the order given (deleted or missing ones skipped)."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        with self._connect() as con:
            counts = dict(
                con.execute(
                    f"SELECT enterprise_id, count(*) FROM problem WHERE enterprise_id IN ({marks}) "
                    f"AND deleted_at IS NULL AND status IN ({_OPEN}) GROUP BY enterprise_id",
                    ids,
                )
            )
            rows = {
                r[0]: r
                for r in con.execute(
                    f"SELECT {_ENTERPRISE_COLUMNS} FROM enterprise WHERE id IN ({marks}) "
                    "AND deleted_at IS NULL",
                    ids,
                )
            }
        out = []
        for ident in ids:
            r = rows.get(ident)
            if r is None:
                continue
            out.append(
                EnterpriseRecord(
                    *r[:15],
                    specialised=bool(r[15]),
                    notes=r[16],
                    created_at=_stamp(r[17]),
                    updated_at=_stamp(r[18]),
                    deleted_at=_stamp(r[19]),
                    open_problems=counts.get(ident, 0),
                )
            )
        return out
