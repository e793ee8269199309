"""Search across enterprises, visits and problems for Chinese (or any) substrings."""

from __future__ import annotations

from sqlalchemy import select

from liaison_app.domain.labels import label
from liaison_app.domain.records import SearchHit
from liaison_app.models import search_index
from liaison_app.models.entities import Enterprise, Problem, Visit
from liaison_app.services.base import Service
from liaison_app.services.convert import provisional_number

KINDS = ("enterprise", "visit", "problem")


def _clip(text: str | None, n: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


class SearchService(Service):
    def search(
        self, query: str, kinds: tuple[str, ...] | None = None, limit: int = 50, lang: str = "zh_CN"
    ) -> list[SearchHit]:
        """Records containing ``query`` (one character or more), newest first."""
        with self._db.reading() as s:
            found = search_index.find(s, query, kinds, limit)
            by_kind: dict[str, list[str]] = {}
            for kind, ident in found:
                by_kind.setdefault(kind, []).append(ident)
            hits: dict[str, SearchHit] = {}
            if by_kind.get("enterprise"):
                for e in s.scalars(
                    select(Enterprise).where(Enterprise.id.in_(by_kind["enterprise"]))
                ):
                    hits[e.id] = SearchHit(
                        "enterprise", e.id, e.name, " ".join(filter(None, [e.uscc, e.address]))
                    )
            if by_kind.get("visit"):
                rows = s.execute(
                    select(Visit, Enterprise.name)
                    .join(Enterprise, Enterprise.id == Visit.enterprise_id)
                    .where(Visit.id.in_(by_kind["visit"]))
                )
                for v, name in rows:
                    title = f"{v.visit_date.isoformat()} {name}"
                    hits[v.id] = SearchHit(
                        "visit", v.id, title, _clip(v.summary or v.business_situation)
                    )
            if by_kind.get("problem"):
                rows = s.execute(
                    select(Problem, Enterprise.name)
                    .join(Enterprise, Enterprise.id == Problem.enterprise_id)
                    .where(Problem.id.in_(by_kind["problem"]))
                )
                for p, name in rows:
                    number = p.number or provisional_number(p.raised_on, p.local_no)
                    title = f"{number} {name}"
                    detail = f"[{label('status', p.status, lang)}] {_clip(p.description)}"
                    hits[p.id] = SearchHit("problem", p.id, title, detail)
        return [hits[i] for _, i in found if i in hits]
