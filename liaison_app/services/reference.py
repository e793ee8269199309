"""Reference data as stored locally: categories, departments, districts, industries."""

from __future__ import annotations

from sqlalchemy import select

from liaison_app.domain.records import RefRecord
from liaison_app.domain.reference import REFERENCE_KINDS
from liaison_app.errors import ValidationError
from liaison_app.models.reference import REF_MODELS, District
from liaison_app.services.base import Service


class ReferenceService(Service):
    def list(self, kind: str, include_inactive: bool = False) -> list[RefRecord]:
        if kind not in REF_MODELS:
            raise ValidationError.single(
                "kind",
                "unknown",
                f"unknown reference list {kind!r}; lists: {', '.join(REFERENCE_KINDS)}",
            )
        model = REF_MODELS[kind]
        q = select(model).order_by(model.sort, model.code)  # type: ignore[attr-defined]
        if not include_inactive:
            q = q.where(model.active.is_(True))  # type: ignore[attr-defined]
        with self._db.reading() as s:
            return [
                RefRecord(
                    kind=kind,
                    code=row.code,
                    name_zh=row.name_zh,
                    name_en=row.name_en,
                    parent=row.city_code if isinstance(row, District) else None,
                    builtin=bool(row.builtin),
                    active=bool(row.active),
                )
                for row in s.scalars(q)
            ]

    def labels(self, kind: str, lang: str = "zh_CN") -> dict[str, str]:
        zh = lang.lower().startswith("zh")
        return {r.code: (r.name_zh if zh else r.name_en) for r in self.list(kind, True)}
