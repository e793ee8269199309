"""Apply pulled pages: base copies, then visible rows = base + pending local fields.

A page is applied in one short transaction with its cursor (the engine's part), with bulk Core
statements a table at a time, so a full office pull costs what the raw insert costs and a GUI
write never waits long. Nothing here is captured: it is the server's data coming in.

Rows come in (version, id) order, so a child may arrive before its parent: it is kept as a
base copy and materialised when the parent is there. Scope removes drop an enterprise only
when nothing local is pending for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, delete, select, text, update
from sqlalchemy import insert as core_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import Table
from sqlalchemy.types import JSON

from liaison_app.models import bulk, search_index
from liaison_app.models.base import utcnow
from liaison_app.models.entities import (
    AppMeta,
    Attachment,
    Enterprise,
    FollowUpAction,
    Problem,
    Visit,
)
from liaison_app.models.indexing import INDEXED, index_rows
from liaison_app.models.reference import REF_MODELS
from liaison_app.models.sync_tables import BaseCopy, OutboxEntry, SyncConflict
from liaison_app.sync.capture import applying
from liaison_app.sync.outbox import overlays, shown

log = logging.getLogger(__name__)

MODELS: dict[str, Any] = {
    "enterprise": Enterprise,
    "visit": Visit,
    "problem": Problem,
    "action": FollowUpAction,
    "attachment": Attachment,
}
ORDER = ("enterprise", "visit", "problem", "action", "attachment")
# Columns the server never sends: kept or made here.
LOCAL_ONLY = frozenset(
    {"id", "created_at", "updated_at", "deleted_at", "sync_version", "deleted_with", "local_no"}
)
# Reference codes a pulled row may name; a code this folder lacks gets a placeholder row.
CODES = {
    ("enterprise", "district_code"): "districts",
    ("problem", "category"): "categories",
    ("problem", "lead_department"): "departments",
}
_BASE = cast(Table, BaseCopy.__table__)
# The statements of a page, each given its ids as one JSON array (bulk.among).
_BASES = select(
    _BASE.c.record_id,
    _BASE.c.entity,
    _BASE.c.enterprise_id,
    _BASE.c.version,
    _BASE.c.deleted,
    _BASE.c.data,
).where(bulk.among(_BASE.c.record_id))
_MATERIALIZED = update(_BASE).where(bulk.among(_BASE.c.record_id)).values(materialized=True)
_EXISTING = {e: select(m.__table__).where(bulk.among(m.__table__.c.id)) for e, m in MODELS.items()}
_PRESENT = {
    m.__tablename__: f"SELECT id FROM {m.__tablename__} WHERE id IN (SELECT value FROM json_each(?))"
    for m in MODELS.values()
}


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    offset = parsed.utcoffset()
    if offset is None:
        return parsed
    # Stored as naive UTC; the server's stamps are UTC already (the subtraction is then free).
    return (parsed - offset).replace(tzinfo=None)


def _as_is(value: Any) -> Any:
    return value


def _converter(column: Any) -> Callable[[Any], Any]:
    kind = column.type
    if isinstance(kind, DateTime):
        return _datetime
    if isinstance(kind, Date):
        return _date
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    if isinstance(kind, Integer):
        return lambda v: None if v is None else int(v)
    if isinstance(kind, Float):
        return lambda v: None if v is None else float(v)
    return _as_is


@dataclass(frozen=True)
class _Shape:
    table: Table
    synced: dict[str, Callable[[Any], Any]]  # column → converter from the wire
    required: frozenset[str]
    # A new row's NOT NULL synced columns the server left out, and what fills them: False
    # for a flag, an empty list for a JSON column (a 0 there would be stored as the integer 0,
    # which no JSON reader takes back, and the row could not be read), else 0.
    fill: tuple[tuple[str, str], ...]
    local: frozenset[str]  # the local-only columns this table has
    plain: frozenset[str]  # synced columns taken from the wire as they are (text, JSON)
    converted: tuple[tuple[str, Callable[[Any], Any]], ...]  # the others, with their converter


def _shape(entity: str) -> _Shape:
    table: Table = MODELS[entity].__table__
    synced = {c.name: _converter(c) for c in table.columns if c.name not in LOCAL_ONLY}
    required = frozenset(
        c.name
        for c in table.columns
        if not c.nullable and c.name in synced and c.default is None and c.server_default is None
    )
    fill = tuple(
        (
            c.name,
            "flag" if isinstance(c.type, Boolean) else "list" if isinstance(c.type, JSON) else "0",
        )
        for c in table.columns
        if not c.nullable and c.name in synced
    )
    local = frozenset(c.name for c in table.columns if c.name in LOCAL_ONLY)
    plain = frozenset(name for name, convert in synced.items() if convert is _as_is)
    converted = tuple((name, convert) for name, convert in synced.items() if convert is not _as_is)
    return _Shape(table, synced, required, fill, local, plain, converted)


SHAPES = {entity: _shape(entity) for entity in ORDER}
_EMPTY = {"Boolean": False}


def visible(
    data: Mapping[str, Any], deleted: bool, version: int, entries: Iterable[OutboxEntry]
) -> tuple[dict[str, Any], bool]:
    """A record as this folder shows it: the server's base plus local changes not yet in it."""
    values = dict(data)
    for entry in entries:
        if not shown(entry, version):
            continue
        body = entry.body
        if entry.op in ("create", "update"):
            values.update(body.get("fields") or {})
            values.update(body.get("lifecycle") or {})
        elif entry.op == "transition":
            values.update(body.get("fields") or {})
            values["status"] = (body.get("transition") or {}).get("to", values.get("status"))
            if body.get("step") == "reopen":
                values["reopen_count"] = int(values.get("reopen_count") or 0) + 1
        elif entry.op == "delete":
            deleted = True
        elif entry.op == "restore":
            deleted = False
        elif entry.op == "resolve-conflict" and body.get("resolution") == "value":
            # The chosen value travels in ``value``; ``fields`` mirrors it as {field: value}.
            values.update(body.get("fields") or {})
    return values, deleted


@dataclass(frozen=True)
class Base:
    """A base copy as the applier needs it (no ORM object: pages are applied in bulk)."""

    record_id: str
    entity: str
    enterprise_id: str
    version: int
    deleted: bool
    data: dict[str, Any]


@dataclass
class PageResult:
    received: int = 0  # records in the page
    applied: int = 0
    conflicts: int = 0
    removed: list[str] = field(default_factory=list)
    waiting: int = 0  # rows kept until their parent arrives


# The columns naming a row's parents: a pulled row is written once they are all here.
PARENTS: dict[str, tuple[tuple[str, Any], ...]] = {
    "visit": (("enterprise_id", Enterprise),),
    "problem": (("enterprise_id", Enterprise), ("visit_id", Visit)),
    "action": (("problem_id", Problem),),
}


class Waiting:
    """Base copies whose parent has not arrived, indexed by the parents they wait for, so a
    parent's arrival finds its children without looking at any other waiting row (pages come
    in version order: after a firm is edited, its visits and problems all come before it)."""

    KEEP = 50_000  # base copies kept in memory for when their parent comes (the rest: re-read)

    def __init__(self) -> None:
        self.parents: dict[str, frozenset[str]] = {}
        self.children: dict[str, set[str]] = {}
        self.bases: dict[str, Base] = {}
        # Reference codes this pull found or made here (none is ever taken away): a page looks
        # up only codes it has not met yet.
        self.codes: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self.parents)

    def add(self, record_id: str, parents: Iterable[str], base: Base | None = None) -> None:
        self.discard(record_id)
        wanted = frozenset(parents)
        self.parents[record_id] = wanted
        for parent in wanted:
            self.children.setdefault(parent, set()).add(record_id)
        if base is not None and len(self.bases) < self.KEEP:
            self.bases[record_id] = base

    def discard(self, record_id: str) -> None:
        self.bases.pop(record_id, None)
        for parent in self.parents.pop(record_id, ()):
            kids = self.children.get(parent)
            if kids is not None:
                kids.discard(record_id)
                if not kids:
                    del self.children[parent]

    def forget(self, record_ids: Iterable[str]) -> None:
        """Base copies deleted (their firm left the scope): nothing of them waits any more."""
        for rid in record_ids:
            self.discard(rid)

    def waiting_on(self, arrived: Iterable[str]) -> list[str]:
        """The waiting rows that name any of these records as a parent."""
        out: set[str] = set()
        for rid in arrived:
            out |= self.children.get(rid, set())
        return sorted(out)


def parents_of(entity: str, row: Mapping[str, Any]) -> list[str]:
    return [str(row[name]) for name, _model in PARENTS.get(entity, ()) if row.get(name)]


def waiting_rows(s: Session) -> Waiting:
    """Base copies still waiting for their parent (read once when a pull starts)."""
    out = Waiting()
    for rid, entity, enterprise_id, data in s.execute(
        select(_BASE.c.record_id, _BASE.c.entity, _BASE.c.enterprise_id, _BASE.c.data).where(
            _BASE.c.materialized.is_(False)
        )
    ):
        row = {"enterprise_id": enterprise_id, **(data if isinstance(data, dict) else {})}
        out.add(rid, parents_of(entity, row))
    return out


class Applier:
    """Applies pulled changes inside the caller's write transaction.

    ``waiting`` is the set of base copies whose parent has not arrived: the engine keeps it
    across the pages of a pull, so no page scans the base copies for them.
    """

    def __init__(
        self,
        s: Session,
        generation: int,
        waiting: Waiting | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        self.s = s
        self.generation = generation
        self.waiting = waiting if waiting is not None else Waiting()
        self.arrived: list[str] = []  # rows written since the page looked for waiting children
        self._bases_unstored = False  # while a page's own rows are written before their bases
        self.now = now or utcnow()

    # ---- a page -------------------------------------------------------------------------------
    def page(self, page: Mapping[str, Any]) -> PageResult:
        out = PageResult()
        with applying(self.s):
            changes = [c for c in page.get("changes") or () if isinstance(c, dict)]
            removes = [c for c in changes if c.get("entity") == "scope_remove"]
            rows = [c for c in changes if c.get("entity") in MODELS]
            out.received = len(rows)
            bases, values = self._bases(rows)
            self._ensure_codes(rows)
            self.arrived = []
            # The page's rows are written before their base copies, so each base copy is
            # stored once, already saying whether its row is here or waits for its parent
            # (marking it afterwards rewrote every base copy: a tenth of an office pull).
            self._bases_unstored = True
            out.applied = self._materialise(bases)
            for v in values:
                v["materialized"] = v["record_id"] not in self.waiting.parents
            bulk.insert(self.s, _BASE, values, upsert_on="record_id")
            self._bases_unstored = False
            # Children that waited for a row of this page follow it (and theirs, them).
            while self.arrived and len(self.waiting):
                ready = self.waiting.waiting_on(self.arrived)
                self.arrived = []
                if ready:
                    out.applied += self.materialise(ready)
            out.waiting = len(self.waiting)
            out.conflicts = self.conflicts(page.get("conflicts") or ())
            for remove in removes:
                enterprise = str(remove.get("enterprise_id") or remove.get("id"))
                if self.drop_enterprise(enterprise):
                    out.removed.append(enterprise)
            moved = [
                c
                for c in changes
                if c.get("entity") == "record_remove" and isinstance(c.get("id"), str)
            ]
            # What hangs from a record goes before it (a problem names its visit).
            moved.sort(key=lambda c: _DROP_ORDER.get(str(c.get("record_entity")), 0))
            for gone in moved:
                if self.drop_record(gone["id"]):
                    out.removed.append(gone["id"])
        return out

    def _bases(self, rows: Sequence[Mapping[str, Any]]) -> tuple[list[Base], list[dict[str, Any]]]:
        """The page's base copies, and their rows for the table (stored by the caller)."""
        if not rows:
            return [], []
        values = [
            {
                "record_id": str(c["id"]),
                "entity": c["entity"],
                "enterprise_id": str(c.get("enterprise_id") or c["id"]),
                "version": int(c.get("version") or 0),
                "deleted": bool(c.get("deleted")),
                "data": c.get("data") if isinstance(c.get("data"), dict) else {},
                "generation": self.generation,
                "materialized": False,
            }
            for c in rows
        ]
        latest = {
            v["record_id"]: Base(
                v["record_id"],
                v["entity"],
                v["enterprise_id"],
                v["version"],
                v["deleted"],
                v["data"],
            )
            for v in values
        }
        return list(latest.values()), values

    def _ensure_codes(self, rows: Sequence[Mapping[str, Any]]) -> None:
        wanted: dict[str, set[str]] = {}
        for c in rows:
            data = c.get("data") or {}
            for (entity, name), kind in CODES.items():
                code = data.get(name) if c.get("entity") == entity else None
                if isinstance(code, str) and code:
                    wanted.setdefault(kind, set()).add(code)
        for kind, codes in wanted.items():
            known = self.waiting.codes.setdefault(kind, set())
            codes -= known
            if not codes:
                continue
            table = REF_MODELS[kind].__table__  # type: ignore[attr-defined]
            have = set(self.s.scalars(select(table.c.code).where(table.c.code.in_(codes))))
            known |= codes
            missing = sorted(codes - have)
            if missing:
                log.warning("pulled rows name unknown %s codes %s", kind, missing)
                self.s.execute(
                    core_insert(table),
                    [
                        {
                            "code": code,
                            "name_zh": code,
                            "name_en": code,
                            "sort": 9999,
                            "builtin": False,
                            "active": True,
                        }
                        for code in missing
                    ],
                )

    # ---- base → visible rows ------------------------------------------------------------------
    def materialise(self, ids: Sequence[str]) -> int:
        """Write the visible rows of these base copies; children without a parent wait."""
        bases: list[Base] = []
        ids = list(ids)
        kept = self.waiting.bases
        if kept:
            # A waiting row kept in memory is its base copy as this pull last wrote it (a
            # newer version of it replaces it there), so its data is not read again.
            bases.extend(kept[rid] for rid in ids if rid in kept)
            ids = [rid for rid in ids if rid not in kept]
        if ids:
            bases.extend(Base(*r) for r in self.s.execute(_BASES, {"ids": bulk.ids(ids)}))
        return self._materialise(bases)

    def _materialise(self, bases: Sequence[Base]) -> int:
        if not bases:
            return 0
        pending = overlays(self.s, [b.record_id for b in bases])
        groups: dict[str, list[Base]] = {}
        for b in bases:
            groups.setdefault(b.entity, []).append(b)
        done = 0
        for entity in ORDER:
            group = groups.get(entity)
            if group:
                done += self._write(entity, group, pending)
        return done

    def _write(
        self, entity: str, group: Sequence[Base], pending: Mapping[str, list[OutboxEntry]]
    ) -> int:
        shape = SHAPES[entity]
        table = shape.table
        shown: dict[str, tuple[Mapping[str, Any], bool]] = {}
        for b in group:
            entries = pending.get(b.record_id)
            shown[b.record_id] = (
                visible(b.data, b.deleted, b.version, entries) if entries else (b.data, b.deleted)
            )
        # Rows whose parents are not here yet wait as base copies, without being built.
        waits = self._without_parents(entity, group, shown)
        ready = [b for b in group if b.record_id not in waits]
        existing = {
            r["id"]: dict(r)
            for r in self.s.execute(
                _EXISTING[entity], {"ids": bulk.ids(b.record_id for b in ready)}
            ).mappings()
        }
        if entity == "problem":
            fresh = sum(1 for b in ready if b.record_id not in existing)
            self._local_nos = iter(range(self._reserve_local_nos(fresh), 1 << 62))
        plain, converted = shape.plain, shape.converted
        own_enterprise = entity != "enterprise" and "enterprise_id" in shape.synced
        inserts, updates = [], []
        for b in ready:
            values, deleted = shown[b.record_id]
            row: dict[str, Any] = {k: v for k, v in values.items() if k in plain}
            row["id"] = b.record_id
            for name, convert in converted:
                if name in values:
                    try:
                        row[name] = convert(values[name])
                    except (TypeError, ValueError):
                        log.warning("%s %s: bad %s %r", entity, b.record_id, name, values[name])
            if own_enterprise:
                row.setdefault("enterprise_id", b.enterprise_id)
            old = existing.get(b.record_id)
            if old is None:
                new = self._new_row(entity, shape, row, deleted, b.version)
                if new is not None:
                    inserts.append(new)
                continue
            merged = {**old, **row}
            if "sync_version" in old:
                merged["sync_version"] = b.version
            if "deleted_at" not in old:
                pass  # follow-up actions are append-only: never deleted
            elif deleted and old["deleted_at"] is None:
                merged["deleted_at"] = self.now
                if "deleted_with" in merged:
                    merged["deleted_with"] = self._deleted_parent(entity, merged)
            elif not deleted and old["deleted_at"] is not None:
                merged["deleted_at"] = None
                if "deleted_with" in merged:
                    merged["deleted_with"] = None
            if merged != old:
                if "updated_at" in merged:
                    merged["updated_at"] = self.now
                updates.append(merged)
        bulk.insert(self.s, table, inserts)
        bulk.update_by_id(self.s, table, updates)
        if entity in INDEXED and (inserts or updates):
            index_rows(self.s, entity, [*inserts, *updates])
        done = [b.record_id for b in ready]
        if done and not self._bases_unstored:  # (a page's own base copies are stored after)
            self.s.execute(_MATERIALIZED, {"ids": bulk.ids(done)})
        for rid in done:
            self.waiting.discard(rid)
        self.arrived.extend(done)
        return len(done)

    def _without_parents(
        self,
        entity: str,
        group: Sequence[Base],
        shown: Mapping[str, tuple[Mapping[str, Any], bool]],
    ) -> set[str]:
        """The rows of ``group`` naming a parent this folder does not have (they are added to
        the waiting rows); a row names its enterprise by its data or else by its envelope."""
        links = PARENTS.get(entity, ())
        if not links:
            return set()
        named: dict[str, list[Any]] = {}
        for b in group:
            values = shown[b.record_id][0]
            named[b.record_id] = [
                values.get(name, b.enterprise_id if name == "enterprise_id" else None)
                for name, _model in links
            ]
        waits: set[str] = set()
        for i, (_name, model) in enumerate(links):
            wanted = {str(p[i]) for p in named.values() if p[i]}
            if not wanted:
                continue
            have = {r[0] for r in bulk.rows_among(self.s, _PRESENT[model.__tablename__], wanted)}
            waits |= {rid for rid, p in named.items() if p[i] and p[i] not in have}
        by_id = {b.record_id: b for b in group}
        for rid in waits:
            self.waiting.add(rid, [str(p) for p in named[rid] if p], by_id[rid])
        return waits

    def _new_row(
        self, entity: str, shape: _Shape, row: dict[str, Any], deleted: bool, version: int
    ) -> dict[str, Any] | None:
        missing = [name for name in shape.required if row.get(name) is None]
        if missing:
            log.warning("%s %s lacks %s; kept as a base copy only", entity, row["id"], missing)
            return None
        full: dict[str, Any] = dict.fromkeys(shape.synced)
        full.update(row)
        for name, kind in shape.fill:
            if full[name] is None:
                full[name] = False if kind == "flag" else [] if kind == "list" else 0
        local = shape.local
        if "created_at" in local:
            full["created_at"] = self.now
        if "updated_at" in local:
            full["updated_at"] = self.now
        if "sync_version" in local:
            full["sync_version"] = version
        if "deleted_at" in local:
            full["deleted_at"] = self.now if deleted else None
        if entity in ("visit", "problem"):
            full["deleted_with"] = self._deleted_parent(entity, full) if deleted else None
        if entity == "problem":
            full["local_no"] = next(self._local_nos)
            if full.get("reopen_count") is None:
                full["reopen_count"] = 0
        if entity in ("visit",) and full.get("officers") is None:
            full["officers"] = []
        if entity == "problem" and full.get("co_departments") is None:
            full["co_departments"] = []
        return full

    def _deleted_parent(self, entity: str, row: Mapping[str, Any]) -> str | None:
        """A pulled delete of a child whose parent is deleted too went with the parent."""
        if entity == "problem" and row.get("visit_id"):
            gone = self.s.scalar(
                select(Visit.id).where(Visit.id == row["visit_id"], Visit.deleted_at.isnot(None))
            )
            if gone:
                return str(gone)
        gone = self.s.scalar(
            select(Enterprise.id).where(
                Enterprise.id == row.get("enterprise_id"), Enterprise.deleted_at.isnot(None)
            )
        )
        return str(gone) if gone else None

    def _reserve_local_nos(self, count: int) -> int:
        """Take ``count`` numbers for provisional problem numbers at once; returns the first."""
        row = self.s.get(AppMeta, "problem_local_no")
        first = int(row.value or 0) + 1 if row else 1
        if count:
            if row is None:
                self.s.add(AppMeta(key="problem_local_no", value=str(first + count - 1)))
            else:
                row.value = str(first + count - 1)
            self.s.flush()
        return first

    def refresh_records(self, record_ids: Sequence[str]) -> None:
        """Rebuild visible rows from base + overlays (after a discard, say)."""
        with applying(self.s):
            have = [
                r
                for r in record_ids
                if self.s.scalar(select(BaseCopy.record_id).where(BaseCopy.record_id == r))
            ]
            self.materialise(have)

    # ---- conflicts ------------------------------------------------------------------------------
    def conflicts(self, rows: Iterable[Any]) -> int:
        n = 0
        for c in rows:
            if not isinstance(c, dict) or not isinstance(c.get("id"), int):
                continue
            n += 1
            found = self.s.get(SyncConflict, c["id"])
            resolved = _datetime(c.get("resolved_at")) if c.get("resolved_at") else None
            if found is None:
                self.s.add(
                    SyncConflict(
                        id=c["id"],
                        kind=str(c.get("kind") or "field"),
                        entity=str(c.get("entity") or ""),
                        record_id=str(c.get("record_id") or ""),
                        enterprise_id=str(c.get("enterprise_id") or ""),
                        field=c.get("field"),
                        detail=c,
                        created_at=_datetime(c.get("created_at")) or self.now,
                        resolved_at=resolved,
                    )
                )
            else:
                found.detail = c
                if resolved is not None:
                    found.resolved_at = resolved
        self.s.flush()
        return n

    # ---- leaving the scope ----------------------------------------------------------------------
    def drop_enterprise(self, enterprise_id: str) -> bool:
        """Forget an enterprise that left this user's scope, unless something local is pending
        for it (then it stays until that is sent; the engine asks again)."""
        busy = self.s.scalar(
            select(OutboxEntry.id)
            .where(
                OutboxEntry.enterprise_id == enterprise_id,
                OutboxEntry.state.in_(("pending", "held", "rejected")),
            )
            .limit(1)
        )
        if busy is not None:
            waiting = _waiting_drops(self.s)
            waiting.add(enterprise_id)
            _save_waiting_drops(self.s, waiting)
            return False
        with applying(self.s):
            problems = list(
                self.s.scalars(select(Problem.id).where(Problem.enterprise_id == enterprise_id))
            )
            visits = list(
                self.s.scalars(select(Visit.id).where(Visit.enterprise_id == enterprise_id))
            )
            search_index.remove(self.s, [enterprise_id, *visits, *problems])
            if problems:
                owners = [*visits, *problems]
                self.s.execute(delete(Attachment).where(Attachment.owner_id.in_(owners)))
                self.s.execute(
                    delete(FollowUpAction).where(FollowUpAction.problem_id.in_(problems))
                )
            self.s.execute(delete(Problem).where(Problem.enterprise_id == enterprise_id))
            if visits:
                self.s.execute(delete(Attachment).where(Attachment.owner_id.in_(visits)))
            self.s.execute(delete(Visit).where(Visit.enterprise_id == enterprise_id))
            self.s.execute(delete(Enterprise).where(Enterprise.id == enterprise_id))
            gone = self.s.scalars(
                delete(_BASE)
                .where(_BASE.c.enterprise_id == enterprise_id)
                .returning(_BASE.c.record_id)
            )
            self.waiting.forget(gone)
            self.s.execute(delete(SyncConflict).where(SyncConflict.enterprise_id == enterprise_id))
        waiting = _waiting_drops(self.s)
        if enterprise_id in waiting:
            waiting.discard(enterprise_id)
            _save_waiting_drops(self.s, waiting)
        return True

    def leaving(self) -> set[str]:
        """The firms that left the scope and stay only for changes not sent yet."""
        return _waiting_drops(self.s)

    def waits_to_leave(self, enterprise_id: str) -> bool:
        return enterprise_id in self.leaving()

    def drop_record(self, record_id: str) -> bool:
        """Forget a record that moved to an enterprise outside this user's scope (a merge of
        duplicate firms made by someone else), with what hangs from it — unless something
        local is pending for it: then it stays until that is sent (the server still takes an
        edit made before the move was known), and the engine asks again."""
        base = self.s.get(BaseCopy, record_id)
        entity = base.entity if base is not None else None
        owners = [record_id]
        if entity == "problem" or self.s.get(Problem, record_id) is not None:
            owners += list(
                self.s.scalars(
                    select(FollowUpAction.id).where(FollowUpAction.problem_id == record_id)
                )
            )
        busy = self.s.scalar(
            select(OutboxEntry.id)
            .where(
                OutboxEntry.record_id.in_(owners),
                OutboxEntry.state.in_(("pending", "held", "rejected")),
            )
            .limit(1)
        )
        waiting = _waiting_drops(self.s, _RECORD_DROPS)
        if busy is not None:
            if record_id not in waiting:
                _save_waiting_drops(self.s, waiting | {record_id}, _RECORD_DROPS)
            return False
        if (
            self.s.scalar(select(Problem.id).where(Problem.visit_id == record_id).limit(1))
            is not None
        ):
            return False  # a visit a problem here still names stays (the problem's link)
        with applying(self.s):
            attachments = list(
                self.s.scalars(select(Attachment.id).where(Attachment.owner_id.in_(owners)))
            )
            search_index.remove(self.s, [record_id])
            self.s.execute(delete(Attachment).where(Attachment.owner_id.in_(owners)))
            self.s.execute(delete(FollowUpAction).where(FollowUpAction.problem_id == record_id))
            for model in (FollowUpAction, Attachment, Problem, Visit):
                self.s.execute(delete(model).where(model.id == record_id))
            self.s.execute(delete(_BASE).where(_BASE.c.record_id.in_([*owners, *attachments])))
            self.s.execute(delete(SyncConflict).where(SyncConflict.record_id == record_id))
            self.waiting.forget([*owners, *attachments])
        if record_id in waiting:
            _save_waiting_drops(self.s, waiting - {record_id}, _RECORD_DROPS)
        return True

    def retry_drops(self) -> list[str]:
        out = [e for e in sorted(_waiting_drops(self.s)) if self.drop_enterprise(e)]
        return out + [
            r for r in sorted(_waiting_drops(self.s, _RECORD_DROPS)) if self.drop_record(r)
        ]

    def unseen_enterprises(self) -> list[str]:
        """Enterprises whose base copy the last full pull did not see."""
        return list(
            self.s.scalars(
                select(BaseCopy.record_id).where(
                    BaseCopy.entity == "enterprise", BaseCopy.generation < self.generation
                )
            )
        )

    def unseen_records(self) -> list[BaseCopy]:
        return list(
            self.s.scalars(
                select(BaseCopy).where(
                    BaseCopy.entity != "enterprise", BaseCopy.generation < self.generation
                )
            )
        )


_DROPS = "waiting_drops"
_DROP_ORDER = {"attachment": 0, "action": 1, "problem": 2, "visit": 3}
_RECORD_DROPS = "waiting_record_drops"


def _waiting_drops(s: Session, key: str = _DROPS) -> set[str]:
    import json

    from liaison_app.models.sync_tables import SyncMeta

    row = s.get(SyncMeta, key)
    return set(json.loads(row.value)) if row and row.value else set()


def _save_waiting_drops(s: Session, drops: set[str], key: str = _DROPS) -> None:
    import json

    from liaison_app.models.sync_tables import SyncMeta

    row = s.get(SyncMeta, key)
    value = json.dumps(sorted(drops))
    if row is None:
        s.add(SyncMeta(key=key, value=value))
    else:
        row.value = value
    s.flush()


def count_rows(s: Session, table: str) -> int:
    return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
