"""Enterprises: create, edit, delete (undoable), list, show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison_app.domain import uscc
from liaison_app.domain.fields import ENTERPRISE_FIELDS
from liaison_app.domain.ids import uuid7
from liaison_app.domain.lifecycle import OPEN_STATUSES
from liaison_app.domain.records import Changes, EnterpriseRecord, MergePlan, Saved
from liaison_app.domain.validation import clean_enterprise
from liaison_app.errors import FieldError, InputError, NotFoundError, ValidationError
from liaison_app.models import search_index
from liaison_app.models.entities import Enterprise, Problem, Visit
from liaison_app.models.indexing import index_record
from liaison_app.services import merging
from liaison_app.services.base import (
    Service,
    code_lookup,
    district_filter,
    edited,
    get_live,
    get_meta,
)
from liaison_app.services.convert import enterprise_record
from liaison_app.sync.capture import capture

EDITABLE = ENTERPRISE_FIELDS


class EnterpriseService(Service):
    """A USCC names one legal entity: a second live enterprise with the same USCC is refused
    here (not by a unique index: two offline officers may still record the same firm, and
    sync stores both as a duplicate candidate until someone merges them)."""

    def _same_uscc(
        self, s: Session, code: str | None, own_id: str | None
    ) -> tuple[str, str] | None:
        if not code:
            return None
        q = select(Enterprise.id, Enterprise.name).where(
            Enterprise.uscc == code, Enterprise.deleted_at.is_(None)
        )
        if own_id:
            q = q.where(Enterprise.id != own_id)
        row = s.execute(q.order_by(Enterprise.created_at, Enterprise.id).limit(1)).first()
        return (row[0], row[1]) if row else None

    def _refuse_duplicate(self, s: Session, code: str | None, own_id: str | None) -> None:
        other = self._same_uscc(s, code, own_id)
        if other is not None:
            raise ValidationError(
                FieldError(
                    "uscc",
                    "duplicate_uscc",
                    f"another enterprise already has USCC {code}: {other[1]}",
                    {"value": code, "name": other[1], "id": other[0]},
                )
            )

    def resolve(self, ref: str, *, deleted: bool = False) -> str:
        """An enterprise's id from its id or its USCC (as people name firms; any case). With
        ``deleted``, a deleted firm's USCC names it too (to restore it)."""
        code = uscc.normalise(ref)
        with self._db.reading() as s:
            if len(code) != 18 or s.get(Enterprise, ref) is not None:
                return ref
            rows = s.execute(
                select(Enterprise.id, Enterprise.name, Enterprise.deleted_at)
                .where(Enterprise.uscc == code)
                .order_by(Enterprise.deleted_at.desc())
            ).all()
        live = [r for r in rows if r.deleted_at is None]
        found = live or ([rows[0]] if deleted and rows else [])
        if not found:
            raise NotFoundError("enterprise", ref)
        if len(found) > 1:  # twins two officers recorded offline, not merged yet
            names = "; ".join(f"{r.name} ({r.id})" for r in found)
            raise InputError(f"{len(found)} enterprises have USCC {code}: {names}; give the id")
        return str(found[0].id)

    def same_uscc(self, uscc: str, own_id: str | None = None) -> tuple[str, str] | None:
        """(id, name) of the live enterprise that already has this USCC (for inline forms)."""
        with self._db.reading() as s:
            return self._same_uscc(s, uscc, own_id)

    def create(self, fields: Mapping[str, Any]) -> Saved:
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        raw.setdefault("name", None)
        with self._db.writing() as s:
            values, warnings = clean_enterprise(raw, code_lookup(s), creating=True)
            self._refuse_duplicate(s, values.get("uscc"), None)
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
            index_record(s, "enterprise", e)
            capture(s, "enterprise", e.id, "create", fields=values, enterprise_id=e.id)
            record = enterprise_record(e)
        return Saved(record, Changes(frozenset({"enterprise"}), frozenset({e.id}), tuple(warnings)))

    def update(self, ident: str, fields: Mapping[str, Any], *, seen: Any = None) -> Saved:
        """Change the fields the person changed: ``seen`` is the record the form showed (its
        values and version), so a field they left alone is never sent back."""
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        with self._db.writing() as s:
            e = get_live(s, Enterprise, ident, "enterprise")
            values, warnings = clean_enterprise(raw, code_lookup(s), creating=False)
            changed, base, base_version = edited(values, e, seen)
            if "uscc" in changed:
                self._refuse_duplicate(s, changed["uscc"], e.id)
            for key, value in changed.items():
                setattr(e, key, value)
            if changed:
                e.updated_at = self._clock.now()
                s.flush()
                index_record(s, "enterprise", e)
                capture(
                    s,
                    "enterprise",
                    e.id,
                    "update",
                    fields=changed,
                    base=base,
                    base_version=base_version,
                    enterprise_id=e.id,
                )
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
            e.deleted_at = e.updated_at = now
            capture(
                s, "enterprise", e.id, "delete", base_version=e.sync_version, enterprise_id=e.id
            )
            child_ids: list[str] = [e.id]
            # Each child's delete is a change of its own, so sync carries every one of them.
            for model in (Visit, Problem):
                children = s.scalars(
                    select(model).where(model.enterprise_id == e.id, model.deleted_at.is_(None))
                ).all()
                for child in children:
                    child.deleted_at = child.updated_at = now
                    child.deleted_with = e.id
                    capture(
                        s,
                        model.__tablename__,
                        child.id,
                        "delete",
                        base_version=child.sync_version,
                        enterprise_id=e.id,
                    )
                    child_ids.append(child.id)
            search_index.remove(s, child_ids)
            record = enterprise_record(e)
        return Saved(
            record,
            Changes(frozenset({"enterprise", "visit", "problem"}), frozenset(child_ids)),
        )

    def restore(self, ident: str) -> Saved:
        """Undo a delete: the enterprise and the records deleted with it come back."""
        with self._db.writing() as s:
            e = s.get(Enterprise, ident)
            if e is None:
                raise NotFoundError("enterprise", ident)
            if e.deleted_at is None:
                return Saved(enterprise_record(e, self._open_count(s, e.id)))
            self._refuse_duplicate(s, e.uscc, e.id)  # another was recorded meanwhile
            now = self._clock.now()
            e.deleted_at = None
            e.updated_at = now
            restored = [e.id]
            index_record(s, "enterprise", e)
            capture(
                s, "enterprise", e.id, "restore", base_version=e.sync_version, enterprise_id=e.id
            )
            for model in (Visit, Problem):
                rows = s.scalars(
                    select(model).where(
                        model.enterprise_id == e.id,
                        model.deleted_with == e.id,
                        model.deleted_at.isnot(None),
                    )
                ).all()
                for row in rows:
                    row.deleted_at = None
                    row.deleted_with = None
                    row.updated_at = now
                    index_record(s, model.__tablename__, row)
                    capture(
                        s,
                        model.__tablename__,
                        row.id,
                        "restore",
                        base_version=row.sync_version,
                        enterprise_id=e.id,
                    )
                    restored.append(row.id)
            s.flush()
            record = enterprise_record(e, self._open_count(s, e.id))
        return Saved(
            record, Changes(frozenset({"enterprise", "visit", "problem"}), frozenset(restored))
        )

    def merge_plan(self, keep: str, drop: str) -> MergePlan:
        """What merging ``drop`` into ``keep`` would move (to show before asking)."""
        with self._db.reading() as s:
            return merging.plan(s, keep, drop)

    def merge(self, keep: str, drop: str) -> tuple[MergePlan, Changes]:
        """Move ``drop``'s visits and problems onto ``keep`` and delete ``drop``; undo with
        unmerge(plan)."""
        with self._db.writing() as s:
            return merging.merge(s, self._clock.now(), keep, drop)

    def unmerge(self, plan: MergePlan) -> Changes:
        with self._db.writing() as s:
            return merging.unmerge(s, self._clock.now(), plan)

    def officers(self) -> list[str]:
        """The liaison officers named on enterprises and problems here, for a filter."""
        with self._db.reading() as s:
            names = set(
                s.scalars(
                    select(Enterprise.officer).where(
                        Enterprise.deleted_at.is_(None), Enterprise.officer.isnot(None)
                    )
                )
            ) | set(
                s.scalars(
                    select(Problem.officer).where(
                        Problem.deleted_at.is_(None), Problem.officer.isnot(None)
                    )
                )
            )
        return sorted(n for n in names if n)

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
