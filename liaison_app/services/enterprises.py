"""Enterprises: create, edit, delete (undoable), list, show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from liaison_app.domain.fields import ENTERPRISE_FIELDS
from liaison_app.domain.ids import uuid7
from liaison_app.domain.lifecycle import OPEN_STATUSES
from liaison_app.domain.records import Changes, EnterpriseRecord, Saved
from liaison_app.domain.validation import clean_enterprise
from liaison_app.errors import NotFoundError
from liaison_app.models import search_index
from liaison_app.models.entities import Enterprise, Problem, Visit
from liaison_app.services.base import Service, code_lookup, district_filter, get_live, get_meta
from liaison_app.services.convert import enterprise_record

EDITABLE = ENTERPRISE_FIELDS


def index_enterprise(session: Session, e: Enterprise) -> None:
    search_index.upsert(
        session, "enterprise", e.id, e.name, e.uscc, e.address, e.contact_name, e.legal_rep, e.park
    )


class EnterpriseService(Service):
    def _duplicate_warnings(
        self, s: Session, values: Mapping[str, Any], own_id: str | None
    ) -> list[str]:
        code = values.get("uscc")
        if not code:
            return []
        q = select(Enterprise.id, Enterprise.name).where(
            Enterprise.uscc == code, Enterprise.deleted_at.is_(None)
        )
        if own_id:
            q = q.where(Enterprise.id != own_id)
        return [
            f"uscc: another enterprise already has USCC {code}: {name} ({ident})"
            for ident, name in s.execute(q)
        ]

    def check_duplicates(self, uscc: str, own_id: str | None = None) -> list[str]:
        """Warnings for an enterprise with this USCC already on record (for inline forms)."""
        with self._db.reading() as s:
            return self._duplicate_warnings(s, {"uscc": uscc}, own_id)

    def create(self, fields: Mapping[str, Any]) -> Saved:
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        raw.setdefault("name", None)
        with self._db.writing() as s:
            values, warnings = clean_enterprise(raw, code_lookup(s), creating=True)
            warnings += self._duplicate_warnings(s, values, None)
            if not values.get("uscc") and not values.get("district_code"):
                warnings.append(
                    "district_code: without a USCC, name and district identify the firm; "
                    "please give the district"
                )
            if "officer" not in values:
                values["officer"] = get_meta(s, "officer_name")
            now = self._clock.now()
            e = Enterprise(id=uuid7(), created_at=now, updated_at=now, **values)
            s.add(e)
            s.flush()
            index_enterprise(s, e)
            record = enterprise_record(e)
        return Saved(record, Changes(frozenset({"enterprise"}), frozenset({e.id}), tuple(warnings)))

    def update(self, ident: str, fields: Mapping[str, Any]) -> Saved:
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        with self._db.writing() as s:
            e = get_live(s, Enterprise, ident, "enterprise")
            values, warnings = clean_enterprise(raw, code_lookup(s), creating=False)
            if "uscc" in values:
                warnings += self._duplicate_warnings(s, values, e.id)
            changed = {k: v for k, v in values.items() if getattr(e, k) != v}
            for key, value in changed.items():
                setattr(e, key, value)
            if changed:
                e.updated_at = self._clock.now()
                s.flush()
                index_enterprise(s, e)
            record = enterprise_record(e, self._open_count(s, e.id))
        ids = frozenset({e.id}) if changed else frozenset()
        return Saved(
            record,
            Changes(frozenset({"enterprise"}) if changed else frozenset(), ids, tuple(warnings)),
        )

    def delete(self, ident: str) -> Saved:
        """Tombstone the enterprise and everything recorded under it; undo with restore()."""
        with self._db.writing() as s:
            e = get_live(s, Enterprise, ident, "enterprise")
            now = self._clock.now()
            e.deleted_at = now
            child_ids: list[str] = [e.id]
            for model in (Visit, Problem):
                ids = list(
                    s.scalars(
                        select(model.id).where(
                            model.enterprise_id == e.id, model.deleted_at.is_(None)
                        )
                    )
                )
                if ids:
                    s.execute(
                        update(model)
                        .where(model.id.in_(ids))
                        .values(deleted_at=now, updated_at=now)
                    )
                child_ids += ids
            search_index.remove(s, child_ids)
            record = enterprise_record(e)
        return Saved(
            record,
            Changes(frozenset({"enterprise", "visit", "problem"}), frozenset(child_ids)),
        )

    def restore(self, ident: str) -> Saved:
        """Undo a delete: the enterprise and the records deleted with it come back."""
        from liaison_app.services.problems import index_problem
        from liaison_app.services.visits import index_visit

        with self._db.writing() as s:
            e = s.get(Enterprise, ident)
            if e is None:
                raise NotFoundError("enterprise", ident)
            if e.deleted_at is None:
                return Saved(enterprise_record(e, self._open_count(s, e.id)))
            stamp = e.deleted_at
            now = self._clock.now()
            e.deleted_at = None
            e.updated_at = now
            restored = [e.id]
            index_enterprise(s, e)
            for model, indexer in ((Visit, index_visit), (Problem, index_problem)):
                rows = list(
                    s.scalars(
                        select(model).where(model.enterprise_id == e.id, model.deleted_at == stamp)
                    )
                )
                for row in rows:
                    row.deleted_at = None
                    row.updated_at = now
                    indexer(s, row)  # type: ignore[operator]
                    restored.append(row.id)
            s.flush()
            record = enterprise_record(e, self._open_count(s, e.id))
        return Saved(
            record, Changes(frozenset({"enterprise", "visit", "problem"}), frozenset(restored))
        )

    def _open_count(self, s: Session, ident: str) -> int:
        return (
            s.scalar(
                select(func.count()).where(
                    Problem.enterprise_id == ident,
                    Problem.deleted_at.is_(None),
                    Problem.status.in_(OPEN_STATUSES),
                )
            )
            or 0
        )

    def get(self, ident: str) -> EnterpriseRecord:
        with self._db.reading() as s:
            e = get_live(s, Enterprise, ident, "enterprise")
            return enterprise_record(e, self._open_count(s, e.id))

    def list(
        self,
        *,
        search: str | None = None,
        district: str | None = None,
        industry: str | None = None,
        size: str | None = None,
        officer: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[EnterpriseRecord]:
        open_counts = (
            select(Problem.enterprise_id, func.count().label("n"))
            .where(Problem.deleted_at.is_(None), Problem.status.in_(OPEN_STATUSES))
            .group_by(Problem.enterprise_id)
            .subquery()
        )
        q = (
            select(Enterprise, func.coalesce(open_counts.c.n, 0))
            .outerjoin(open_counts, open_counts.c.enterprise_id == Enterprise.id)
            .where(Enterprise.deleted_at.is_(None))
        )
        if search:
            sub = search_index.match_subquery(search, "enterprise")
            if sub is None:
                return []
            q = q.where(Enterprise.id.in_(sub))
        if district:
            q = q.where(district_filter(Enterprise.district_code, district))
        if industry:
            q = q.where(Enterprise.industry_code.like(industry.upper() + "%"))
        if size:
            q = q.where(Enterprise.size == size)
        if officer:
            q = q.where(Enterprise.officer == officer)
        q = q.order_by(Enterprise.name, Enterprise.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self._db.reading() as s:
            return [enterprise_record(e, n) for e, n in s.execute(q)]

    def count(self) -> int:
        with self._db.reading() as s:
            return s.scalar(select(func.count()).where(Enterprise.deleted_at.is_(None))) or 0
