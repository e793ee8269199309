"""What each record puts in the search index, one at a time (services) or a page at a time
(the sync engine applying pulled rows): one definition, so both index the same text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from liaison_app.domain.search_text import index_tokens
from liaison_app.models import bulk, search_index
from liaison_app.models.search_sql import FTS_TABLE

Get = Callable[[str], Any]


def provisional_number(raised_on: dt.date | str, local_no: int | None) -> str:
    """Shown until the server gives the problem its number (design.md §3)."""
    year = raised_on.year if isinstance(raised_on, dt.date) else str(raised_on)[:4]
    return f"L-{year}-{(local_no or 0):06d}"


def _enterprise(get: Get) -> tuple[Any, ...]:
    return (
        get("name"),
        get("uscc"),
        get("address"),
        get("contact_name"),
        get("legal_rep"),
        get("park"),
    )


def _visit(get: Get) -> tuple[Any, ...]:
    return (
        get("summary"),
        get("people_met"),
        get("business_situation"),
        get("policies"),
        get("opinions"),
        get("solved_on_site"),
        " ".join(get("officers") or ()),
    )


def _problem(get: Get) -> tuple[Any, ...]:
    number = get("number") or provisional_number(get("raised_on"), get("local_no"))
    return (number, get("description"), get("request"), get("result"))


PARTS: dict[str, Callable[[Get], tuple[Any, ...]]] = {
    "enterprise": _enterprise,
    "visit": _visit,
    "problem": _problem,
}
INDEXED = tuple(PARTS)


def index_record(session: Session, kind: str, row: Any) -> None:
    """(Re)index one ORM row (or anything with the record's attributes)."""
    search_index.upsert(session, kind, row.id, *PARTS[kind](lambda name: getattr(row, name)))


def index_rows(session: Session, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """(Re)index many records given as column dicts: live ones indexed, deleted ones dropped.

    A few statements for the whole batch, so applying a pulled page costs what the raw insert
    costs (design.md §5).
    """
    live: dict[str, str] = {}
    gone: list[str] = []
    for row in rows:
        if row.get("deleted_at") is not None:
            gone.append(row["id"])
        else:
            live[row["id"]] = index_tokens(*PARTS[kind](row.get))
    if gone:
        search_index.remove(session, gone)
    if not live:
        return
    ids = list(live)
    existing: dict[str, int] = dict(
        bulk.rows_among(
            session,
            "SELECT ref_id, id FROM search_doc WHERE ref_id IN (SELECT value FROM json_each(?))",
            ids,
        )
    )
    bulk.executemany(
        session, f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", [(d,) for d in existing.values()]
    )
    fresh = [r for r in ids if r not in existing]
    if fresh:
        start = (session.execute(text("SELECT max(id) FROM search_doc")).scalar() or 0) + 1
        bulk.executemany(
            session,
            "INSERT INTO search_doc (id, kind, ref_id, enabled) VALUES (?, ?, ?, 1)",
            [(start + n, kind, r) for n, r in enumerate(fresh)],
        )
        existing.update({r: start + n for n, r in enumerate(fresh)})
    bulk.executemany(
        session,
        f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)",
        [(existing[r], body) for r, body in live.items()],
    )
