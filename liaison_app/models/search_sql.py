"""The SQL of the bigram search index, in plain strings (usable without SQLAlchemy)."""

from __future__ import annotations

FTS_TABLE = "search_fts"
CREATE_FTS = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, "
    "tokenize='unicode61 remove_diacritics 0', prefix='1')"
)
# Ids of one kind whose text matches an FTS5 expression (see domain.search_text).
MATCHING_IDS = (
    f"SELECT d.ref_id FROM {FTS_TABLE} f JOIN search_doc d ON d.id = f.rowid "
    f"WHERE {FTS_TABLE} MATCH :sq AND d.kind = :sk"
)
