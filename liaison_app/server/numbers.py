"""Human problem numbers (SY-2026-000123), given when the server first applies a create.

One counter row per city abbreviation and year. A push takes the numbers it needs at flush,
one statement per (city, year) in sorted order: on PostgreSQL the upsert locks that row until
the commit, so concurrent pushes queue on it (never two equal numbers) and, taking the rows
in one order, never deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from liaison_app.domain.reference import city_abbreviation, problem_number
from liaison_app.server.schema import problem_numbers


def number_key(district_code: Any, raised_on: Any, fallback_year: int) -> tuple[str, int]:
    """(city abbreviation, year) for a problem of an enterprise in ``district_code``."""
    city = city_abbreviation(district_code if isinstance(district_code, str) else None)
    year = fallback_year
    if isinstance(raised_on, str) and len(raised_on) == 10 and raised_on[:4].isdigit():
        year = int(raised_on[:4])
    return city, year


def _upsert(table: Table, dialect: str) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.city, table.c.year],
        set_={"last": table.c.last + stmt.excluded.last},
    ).returning(table.c.last)


_UPSERT = {d: _upsert(problem_numbers, d) for d in ("postgresql", "sqlite")}


def take_numbers(conn: Connection, wanted: list[tuple[str, tuple[str, int]]]) -> dict[str, str]:
    """Numbers for (record id, (city, year)) pairs, in the order given within each key."""
    by_key: dict[tuple[str, int], list[str]] = defaultdict(list)
    for rid, key in wanted:
        by_key[key].append(rid)
    out: dict[str, str] = {}
    stmt = _UPSERT["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    for (city, year), rids in sorted(by_key.items()):
        last = int(conn.execute(stmt, {"city": city, "year": year, "last": len(rids)}).scalar_one())
        first = last - len(rids) + 1
        for i, rid in enumerate(rids):
            out[rid] = problem_number(city, year, first + i)
    return out
