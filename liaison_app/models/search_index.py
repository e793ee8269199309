"""The bigram search index (FTS5), kept in step with each write in the same transaction."""

from __future__ import annotations

from sqlalchemy import column, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

from liaison_app.domain.search_text import index_tokens, match_expression
from liaison_app.models.search_sql import CREATE_FTS, FTS_TABLE, MATCHING_IDS

__all__ = ["CREATE_FTS", "FTS_TABLE", "find", "match_subquery", "remove", "upsert"]


def upsert(session: Session, kind: str, ref_id: str, *parts: str | None) -> None:
    """(Re)index one record's searchable text."""
    body = index_tokens(*parts)
    doc_id = session.execute(
        text("SELECT id FROM search_doc WHERE ref_id = :r"), {"r": ref_id}
    ).scalar()
    if doc_id is None:
        doc_id = session.execute(
            text("INSERT INTO search_doc (kind, ref_id, enabled) VALUES (:k, :r, 1) RETURNING id"),
            {"k": kind, "r": ref_id},
        ).scalar_one()
    else:
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :d"), {"d": doc_id})
    session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (:d, :b)"),
        {"d": doc_id, "b": body},
    )


def remove(session: Session, ref_ids: list[str]) -> None:
    """Drop records from the index (a tombstoned record is not found)."""
    for ref_id in ref_ids:
        doc_id = session.execute(
            text("DELETE FROM search_doc WHERE ref_id = :r RETURNING id"), {"r": ref_id}
        ).scalar()
        if doc_id is not None:
            session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :d"), {"d": doc_id})


def find(
    session: Session, query: str, kinds: tuple[str, ...] | None = None, limit: int = 50
) -> list[tuple[str, str]]:
    """(kind, ref_id) of records whose text contains ``query``, newest first."""
    expr = match_expression(query)
    if expr is None:
        return []
    params: dict[str, object] = {"q": expr, "n": limit}
    kind_filter = ""
    if kinds:
        kind_filter = " AND d.kind IN (" + ", ".join(f":k{i}" for i in range(len(kinds))) + ")"
        params.update({f"k{i}": k for i, k in enumerate(kinds)})
    sql = (
        f"SELECT d.kind, d.ref_id FROM {FTS_TABLE} f JOIN search_doc d ON d.id = f.rowid "
        f"WHERE {FTS_TABLE} MATCH :q{kind_filter} ORDER BY f.rowid DESC LIMIT :n"
    )
    return [(r[0], r[1]) for r in session.execute(text(sql), params)]


def match_subquery(query: str, kind: str) -> TextualSelect | None:
    """A subquery of the ids of one kind whose text contains ``query`` (for list filters)."""
    expr = match_expression(query)
    if expr is None:
        return None
    return text(MATCHING_IDS).bindparams(sq=expr, sk=kind).columns(column("ref_id"))


def count_matches(session: Session, query: str, kind: str) -> int:
    """How many live records of one kind contain ``query`` (the index holds live ones only)."""
    expr = match_expression(query)
    if expr is None:
        return 0
    sql = f"SELECT count(*) FROM ({MATCHING_IDS})"
    return int(session.execute(text(sql), {"sq": expr, "sk": kind}).scalar_one())


def matching_rowids(query: str) -> TextualSelect | None:
    """Index rowids (search_doc ids) matching ``query``, for joining through search_doc."""
    expr = match_expression(query)
    if expr is None:
        return None
    return (
        text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :rq")
        .bindparams(rq=expr)
        .columns(column("rowid"))
    )
