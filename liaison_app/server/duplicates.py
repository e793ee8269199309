"""Duplicate candidates: a new enterprise whose natural key another live one already has.

Applied, with a duplicate-candidate conflict for a person to merge — never an automatic merge,
never a rejection that would orphan the records created under it (design.md §3).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from liaison_app.server.schema import records


def natural_key(data: dict[str, Any]) -> str:
    """USCC; else name + district identify a firm (domain.md)."""
    if data.get("uscc"):
        return f"uscc:{data['uscc']}"
    return f"name:{data.get('district_code') or ''}:{data.get('name') or ''}"


# Twins recorded per new enterprise, the first in id order: enough to flag it for merging.
# Every twin was recorded before, so 500 creates of one name in a push made 124,761 conflicts
# (and a pull of several hundred MB for the district's supervisor).
MAX_TWINS = 3

_SAME_KEY = (
    select(records.c.id, records.c.created_by, records.c.district)
    .where(
        records.c.natural_key == bindparam("key"),
        records.c.entity == "enterprise",
        records.c.deleted.is_(False),
        records.c.id != bindparam("rid"),
    )
    .order_by(records.c.id)
    .limit(MAX_TWINS)
)


def duplicates(
    conn: Connection, rid: str, data: dict[str, Any], in_batch: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The other live enterprises with this one's natural key, as {id, created_by, district}
    (those written earlier in the same push included): the first ``MAX_TWINS`` in id order."""
    key = natural_key(data)
    found = {
        r.id: {"id": r.id, "created_by": r.created_by, "district": r.district}
        for r in conn.execute(_SAME_KEY, {"key": key, "rid": rid})
    }
    for other, r in in_batch.items():
        if other != rid and r.get("natural_key") == key and not r["deleted"]:
            found[other] = {"id": other, "created_by": r["created_by"], "district": r["district"]}
    return [found[k] for k in sorted(found)[:MAX_TWINS]]
