"""Reference-data tables (categories, departments, districts, industries) and their seeding."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from liaison_app.domain import reference
from liaison_app.models.base import Base


class RefMixin:
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(RefMixin, Base):
    __tablename__ = "category"


class Department(RefMixin, Base):
    __tablename__ = "department"


class Industry(RefMixin, Base):
    __tablename__ = "industry"


class District(RefMixin, Base):
    __tablename__ = "district"

    city_code: Mapped[str | None] = mapped_column(String(6))
    kind_zh: Mapped[str | None] = mapped_column(String(20))


REF_MODELS: dict[str, type[RefMixin]] = {
    "categories": Category,
    "departments": Department,
    "districts": District,
    "industries": Industry,
}


def builtin_rows(kind: str) -> list[dict[str, object]]:
    """The built-in rows of one reference kind as plain dicts (for migrations and seeding)."""
    rows: list[dict[str, object]] = []
    for item in reference.builtin(kind):
        row: dict[str, object] = {
            "code": item.code,
            "name_zh": item.zh,
            "name_en": item.en,
            "sort": item.sort,
            "builtin": True,
            "active": True,
        }
        if kind == "districts":
            row.update(city_code=item.parent, kind_zh=item.kind)
        rows.append(row)
    return rows


def seed_reference(conn: Connection) -> int:
    """Insert the built-in reference rows that are missing; returns how many were added."""
    added = 0
    for kind, model in REF_MODELS.items():
        table = model.__table__  # type: ignore[attr-defined]
        have = set(conn.execute(select(table.c.code)).scalars())
        rows = [r for r in builtin_rows(kind) if r["code"] not in have]
        if rows:
            conn.execute(insert(table), rows)
            added += len(rows)
    return added
