"""Visits: record, edit, delete (undoable), list and show, with the problems raised."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_app.domain.fields import VISIT_FIELDS
from liaison_app.domain.ids import uuid7
from liaison_app.domain.records import Changes, Saved, VisitRecord
from liaison_app.domain.validation import clean_visit
from liaison_app.errors import NotFoundError
from liaison_app.models import search_index
from liaison_app.models.entities import Enterprise, Problem, Visit
from liaison_app.models.indexing import index_record
from liaison_app.services.base import Service, code_lookup, edited, get_live, get_meta
from liaison_app.services.convert import visit_record
from liaison_app.sync.capture import capture

EDITABLE = VISIT_FIELDS


class VisitService(Service):
    def _insert(
        self, s: Session, enterprise_id: str, fields: Mapping[str, Any]
    ) -> tuple[Visit, Enterprise]:
        """Validate and add a visit (the officer defaults to this folder's) inside ``s``."""
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        raw.setdefault("visit_date", None)
        e = get_live(s, Enterprise, enterprise_id, "enterprise")
        values = clean_visit(raw, code_lookup(s), creating=True, today=self._clock.today())
        if not values.get("officers"):
            me = get_meta(s, "officer_name")
            values["officers"] = [me] if me else []
        now = self._clock.now()
        v = Visit(id=uuid7(), enterprise_id=e.id, created_at=now, updated_at=now, **values)
        s.add(v)
        s.flush()
        index_record(s, "visit", v)
        capture(
            s, "visit", v.id, "create", fields={"enterprise_id": e.id, **values}, enterprise_id=e.id
        )
        return v, e

    def create(self, enterprise_id: str, fields: Mapping[str, Any]) -> Saved:
        with self._db.writing() as s:
            v, e = self._insert(s, enterprise_id, fields)
            record = visit_record(v, e.name)
        return Saved(record, Changes(frozenset({"visit"}), frozenset({v.id})))

    def record_with_problems(
        self, enterprise_id: str, fields: Mapping[str, Any], problems: list[Mapping[str, Any]]
    ) -> Saved:
        """A visit and the problems raised during it, in one transaction: all or nothing.

        Field errors of the problems are reported as ``problems[N].field``.
        """
        from liaison_app.errors import FieldError, ValidationError
        from liaison_app.services.problems import ProblemService

        writer = ProblemService(self._ctx)
        with self._db.writing() as s:
            v, e = self._insert(s, enterprise_id, fields)
            errors: list[FieldError] = []
            ids = [v.id]
            for n, problem in enumerate(problems):
                try:
                    ids.append(
                        writer._create(s, dict(problem), visit_id=v.id, enterprise_id=None).id
                    )
                except ValidationError as exc:
                    errors += [
                        FieldError(f"problems[{n}].{x.field}", x.code, x.message, x.params)
                        for x in exc.errors
                    ]
            if errors:
                raise ValidationError(errors)  # rolls the whole visit back
            record = visit_record(v, e.name)
        return Saved(record, Changes(frozenset({"visit", "problem"}), frozenset(ids)))

    def update(self, ident: str, fields: Mapping[str, Any], *, seen: Any = None) -> Saved:
        """Change what the person changed (``seen``: the record the form showed)."""
        raw = {k: v for k, v in fields.items() if k in EDITABLE}
        with self._db.writing() as s:
            v = get_live(s, Visit, ident, "visit")
            values = clean_visit(raw, code_lookup(s), creating=False, today=self._clock.today())
            changed, base, base_version = edited(values, v, seen)
            for key, value in changed.items():
                setattr(v, key, value)
            if changed:
                v.updated_at = self._clock.now()
                s.flush()
                index_record(s, "visit", v)
                capture(
                    s,
                    "visit",
                    v.id,
                    "update",
                    fields=changed,
                    base=base,
                    base_version=base_version,
                    enterprise_id=v.enterprise_id,
                )
            record = visit_record(v, s.get_one(Enterprise, v.enterprise_id).name)
        kinds = frozenset({"visit"}) if changed else frozenset()
        return Saved(record, Changes(kinds, frozenset({v.id}) if changed else frozenset()))

    def delete(self, ident: str) -> Saved:
        """Tombstone the visit and the problems raised during it; undo with restore()."""
        with self._db.writing() as s:
            v = get_live(s, Visit, ident, "visit")
            now = self._clock.now()
            v.deleted_at = v.updated_at = now
            capture(
                s,
                "visit",
                v.id,
                "delete",
                base_version=v.sync_version,
                enterprise_id=v.enterprise_id,
            )
            ids = []
            for p in s.scalars(
                select(Problem).where(Problem.visit_id == v.id, Problem.deleted_at.is_(None))
            ).all():
                p.deleted_at = p.updated_at = now
                p.deleted_with = v.id
                capture(
                    s,
                    "problem",
                    p.id,
                    "delete",
                    base_version=p.sync_version,
                    enterprise_id=p.enterprise_id,
                )
                ids.append(p.id)
            search_index.remove(s, [v.id, *ids])
            record = visit_record(v, s.get_one(Enterprise, v.enterprise_id).name)
        return Saved(record, Changes(frozenset({"visit", "problem"}), frozenset({v.id, *ids})))

    def restore(self, ident: str) -> Saved:
        """Undo a delete: the visit and the problems deleted with it come back."""
        with self._db.writing() as s:
            v = s.get(Visit, ident)
            if v is None:
                raise NotFoundError("visit", ident)
            get_live(s, Enterprise, v.enterprise_id, "enterprise")
            restored = [v.id]
            if v.deleted_at is not None:
                now = self._clock.now()
                v.deleted_at, v.deleted_with, v.updated_at = None, None, now
                index_record(s, "visit", v)
                capture(
                    s,
                    "visit",
                    v.id,
                    "restore",
                    base_version=v.sync_version,
                    enterprise_id=v.enterprise_id,
                )
                for p in s.scalars(
                    select(Problem).where(
                        Problem.visit_id == v.id,
                        Problem.deleted_with == v.id,
                        Problem.deleted_at.isnot(None),
                    )
                ).all():
                    p.deleted_at, p.deleted_with, p.updated_at = None, None, now
                    index_record(s, "problem", p)
                    capture(
                        s,
                        "problem",
                        p.id,
                        "restore",
                        base_version=p.sync_version,
                        enterprise_id=p.enterprise_id,
                    )
                    restored.append(p.id)
            record = visit_record(v, s.get_one(Enterprise, v.enterprise_id).name)
        return Saved(record, Changes(frozenset({"visit", "problem"}), frozenset(restored)))

    def get(self, ident: str) -> VisitRecord:
        with self._db.reading() as s:
            v = get_live(s, Visit, ident, "visit")
            return visit_record(v, s.get_one(Enterprise, v.enterprise_id).name)

    def list(
        self,
        *,
        enterprise_id: str | None = None,
        search: str | None = None,
        date_from: Any = None,
        date_to: Any = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[VisitRecord]:
        q = (
            select(Visit, Enterprise.name)
            .join(Enterprise, Enterprise.id == Visit.enterprise_id)
            .where(Visit.deleted_at.is_(None))
        )
        with self._db.reading() as s:
            if enterprise_id:
                get_live(s, Enterprise, enterprise_id, "enterprise")
                q = q.where(Visit.enterprise_id == enterprise_id)
            if search:
                sub = search_index.match_subquery(search, "visit")
                if sub is None:
                    return []
                q = q.where(Visit.id.in_(sub))
            if date_from:
                q = q.where(Visit.visit_date >= date_from)
            if date_to:
                q = q.where(Visit.visit_date <= date_to)
            q = q.order_by(Visit.visit_date.desc(), Visit.id.desc()).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [visit_record(v, name) for v, name in s.execute(q)]
