"""Reference data as stored locally: categories, departments, districts, industries."""

from __future__ import annotations

from liaison_app.domain.records import RefRecord
from liaison_app.services.quick import QuickReads


class ReferenceService:
    def __init__(self, quick: QuickReads) -> None:
        self._quick = quick

    def list(self, kind: str, include_inactive: bool = False) -> list[RefRecord]:
        return self._quick.reference(kind, include_inactive)

    def labels(self, kind: str, lang: str = "zh_CN") -> dict[str, str]:
        zh = lang.lower().startswith("zh")
        return {r.code: (r.name_zh if zh else r.name_en) for r in self.list(kind, True)}
