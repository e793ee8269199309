"""Reference data from the server (codes an office added, renamed labels) into this folder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from liaison_app.models.reference import REF_MODELS

_FIELDS = ("name_zh", "name_en", "sort", "active")


def apply_reference(s: Session, answer: Mapping[str, Any]) -> int:
    """Upsert the rows of a /v1/reference answer; returns how many rows were written."""
    n = 0
    for kind, model in REF_MODELS.items():
        rows = answer.get(kind)
        if not isinstance(rows, list):
            continue
        table = model.__table__  # type: ignore[attr-defined]
        values = []
        for r in rows:
            if not isinstance(r, dict) or not isinstance(r.get("code"), str) or not r["code"]:
                continue
            row = {
                "code": r["code"][:40],
                "name_zh": str(r.get("name_zh") or r["code"])[:200],
                "name_en": str(r.get("name_en") or r["code"])[:200],
                "sort": int(r["sort"]) if isinstance(r.get("sort"), int) else 0,
                "builtin": bool(r.get("builtin", False)),
                "active": bool(r.get("active", True)),
            }
            if kind == "districts":
                row["city_code"] = (
                    r.get("city_code") if isinstance(r.get("city_code"), str) else None
                )
                row["kind_zh"] = r.get("kind_zh") if isinstance(r.get("kind_zh"), str) else None
            values.append(row)
        if not values:
            continue
        stmt = insert(table)
        update = {k: stmt.excluded[k] for k in values[0] if k != "code"}
        s.execute(stmt.on_conflict_do_update(index_elements=[table.c.code], set_=update), values)
        n += len(values)
    return n
