"""More categories, departments, districts and industries from a CSV or JSON file."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from liaison_app.errors import InputError
from liaison_app.server import meta
from liaison_app.server.audit import audit
from liaison_app.server.schema import REFERENCE_TABLES
from liaison_app.server.sequence import next_seq


def read_rows(path: Path) -> list[dict[str, Any]]:
    """CSV with columns kind,code,name_zh,name_en[,city_code]; or JSON {kind: [{code,…}]}."""
    if not path.is_file():
        raise InputError(f"{path} does not exist")
    text = path.read_text("utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise InputError(
                "the JSON must map a kind (categories, departments…) to a list of items"
            )
        return [{**item, "kind": kind} for kind, items in data.items() for item in items]
    return list(csv.DictReader(text.splitlines()))


def import_reference(engine: Engine, path: Path, actor: str = "admin-cli") -> dict[str, int]:
    rows = read_rows(path)
    problems = []
    for n, row in enumerate(rows, start=1):
        kind = (row.get("kind") or "").strip()
        if kind not in REFERENCE_TABLES:
            problems.append(
                f"row {n}: unknown kind {kind!r} (categories, departments, districts, industries)"
            )
        elif not all((row.get(k) or "").strip() for k in ("code", "name_zh", "name_en")):
            problems.append(f"row {n}: code, name_zh and name_en are required")
    if problems:
        raise InputError("; ".join(problems[:10]))
    added = changed = 0
    with engine.begin() as conn:
        seq = next_seq(conn)
        for row in rows:
            table = REFERENCE_TABLES[row["kind"].strip()]
            values = {
                "name_zh": row["name_zh"].strip(),
                "name_en": row["name_en"].strip(),
                "seq": seq,
                "active": True,
            }
            if "city_code" in table.c and row.get("city_code"):
                values["city_code"] = row["city_code"].strip()
            code = row["code"].strip()
            if conn.execute(select(table.c.code).where(table.c.code == code)).first() is None:
                conn.execute(
                    insert(table).values(code=code, sort=1000 + added, builtin=False, **values)
                )
                added += 1
            else:
                conn.execute(update(table).where(table.c.code == code).values(**values))
                changed += 1
        meta.write(conn, meta.REFERENCE_VERSION, seq)  # hello tells clients to fetch
        audit(conn, actor, "reference.import", file=str(path), added=added, changed=changed)
    return {"added": added, "changed": changed}
