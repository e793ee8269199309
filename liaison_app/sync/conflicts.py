"""Conflicts as this folder sees them (mine / theirs), and their resolution as a change.

A resolution is an ordinary captured mutation (``resolve-conflict``), so one made offline
syncs like anything else; the visible row takes the chosen value at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison_app.domain import validation
from liaison_app.domain.dates import latest_today
from liaison_app.errors import InputError, NotFoundError, ValidationError
from liaison_app.models.entities import Enterprise, Problem, Visit
from liaison_app.models.indexing import INDEXED, index_record
from liaison_app.models.reference import REF_MODELS
from liaison_app.models.sync_tables import SyncAccount, SyncConflict
from liaison_app.sync import state
from liaison_app.sync.apply import MODELS, SHAPES
from liaison_app.sync.capture import capture

KEEPS = ("mine", "theirs")


def _my_clients(s: Session) -> set[str]:
    return set(s.scalars(select(SyncAccount.client_id))) | set(state.former_clients(s))


def _label(s: Session, entity: str, record_id: str) -> str | None:
    if entity == "enterprise":
        return s.scalar(select(Enterprise.name).where(Enterprise.id == record_id))
    if entity == "problem":
        p = s.get(Problem, record_id)
        return (p.number or p.description[:40]) if p else None
    if entity == "visit":
        v = s.get(Visit, record_id)
        return f"{v.visit_date.isoformat()}" if v else None
    return None


def conflict_view(s: Session, c: SyncConflict) -> dict[str, Any]:
    """A conflict with the two competing values named from this folder's side."""
    d = c.detail or {}
    mine_applied = d.get("client_id") in _my_clients(s)
    applied, losing = d.get("applied"), d.get("losing")
    out = {
        "id": c.id,
        "kind": c.kind,
        "entity": c.entity,
        "record_id": c.record_id,
        "record": _label(s, c.entity, c.record_id),
        "enterprise_id": c.enterprise_id,
        "field": c.field,
        "base": d.get("base"),
        "mine": applied if mine_applied else losing,
        "theirs": losing if mine_applied else applied,
        "standing": applied,  # the value the server kept (the later arrival)
        "theirs_by": (d.get("losing_by") if mine_applied else d.get("applied_by")),
        "at": d.get("created_at"),
        "resolved": c.resolved_at is not None or c.pending_mutation is not None,
        "resolution": d.get("resolution"),
        "resolved_by": d.get("resolved_by"),
        "pending": c.pending_mutation is not None,
        "other_enterprise_id": d.get("other_enterprise_id"),  # a duplicate's twin
    }
    if c.kind == "duplicate":  # the twins' names, for lists (the values are their ids)
        for side in ("mine", "theirs"):
            twin = out[side]
            out[f"{side}_name"] = _label(s, "enterprise", twin) if isinstance(twin, str) else None
    return out


def _codes(s: Session):  # type: ignore[no-untyped-def]
    cache: dict[str, frozenset[str]] = {}

    def codes(kind: str) -> frozenset[str]:
        if kind not in cache:
            table = REF_MODELS[kind].__table__  # type: ignore[attr-defined]
            cache[kind] = frozenset(s.scalars(select(table.c.code)))
        return cache[kind]

    return codes


def _clean(s: Session, entity: str, field: str, value: Any) -> Any:
    """A typed value for one field, checked with the domain's own rules."""
    raw = {field: value}
    today = latest_today()
    if entity == "enterprise":
        out, _ = validation.clean_enterprise(raw, _codes(s), creating=False)
    elif entity == "visit":
        out = validation.clean_visit(raw, _codes(s), creating=False, today=today)
    elif entity == "problem":
        out = validation.clean_problem(raw, _codes(s), creating=False, today=today)
    else:
        raise InputError(f"a {entity} has no editable {field}")
    if field not in out:
        raise ValidationError.single(field, "not_editable", f"{field} cannot be set here")
    return out[field]


def resolve(
    s: Session, conflict_id: int, keep: str | None = None, value: Any = None, *, typed: bool = False
) -> dict[str, Any]:
    """Settle a conflict: keep mine, keep theirs, or a value of one's own (text, checked)."""
    c = s.get(SyncConflict, conflict_id)
    if c is None:
        raise NotFoundError("conflict", str(conflict_id))
    if c.resolved_at is not None or c.pending_mutation is not None:
        raise InputError(f"conflict {conflict_id} is already resolved")
    if keep is not None and keep not in KEEPS:
        raise InputError("--keep takes mine or theirs")
    if (keep is None) == (value is None):
        raise InputError("say which value to keep: --keep mine, --keep theirs or --value TEXT")
    view = conflict_view(s, c)
    model = MODELS.get(c.entity)
    row = s.get(model, c.record_id) if model is not None else None
    fields: dict[str, Any] = {}
    resolution = "dismiss"
    if c.kind == "field" and c.field:
        chosen = view[keep] if keep is not None else value
        if keep is None and not typed:
            chosen = _clean(s, c.entity, c.field, value)
        resolution = "value"
        if row is not None and c.field in SHAPES[c.entity].synced:
            try:
                typed_value = SHAPES[c.entity].synced[c.field](chosen)
            except (TypeError, ValueError) as exc:
                raise InputError(f"{chosen!r} does not fit {c.field}") from exc
            setattr(row, c.field, typed_value)
            if c.entity in INDEXED:
                s.flush()
                index_record(s, c.entity, row)
        from liaison_app.sync.capture import wire

        fields = {c.field: wire(chosen)}
    elif value is not None:
        raise InputError(f"a {c.kind} conflict is settled with --keep mine or --keep theirs")
    elif c.kind == "deleted" and keep == "mine" and row is not None:
        # Mine: the record comes back with the edit that met the delete.
        lost = view.get("mine") if isinstance(view.get("mine"), dict) else {}
        row.deleted_at = None
        capture(s, c.entity, c.record_id, "restore", enterprise_id=c.enterprise_id)
        editable = {k: v for k, v in (lost or {}).items() if k in SHAPES[c.entity].synced}
        for name, v in editable.items():
            setattr(row, name, SHAPES[c.entity].synced[name](v))
        if editable:
            capture(
                s, c.entity, c.record_id, "update", fields=editable, enterprise_id=c.enterprise_id
            )
        if c.entity in INDEXED:
            s.flush()
            index_record(s, c.entity, row)
    elif c.kind == "lifecycle" and keep == "mine":
        raise InputError(
            "a step taken from a status the problem no longer has cannot be kept as it was: "
            "take it again from the current status, then settle this with --keep theirs"
        )
    extra: dict[str, Any] = {"value": fields.get(c.field or "")} if resolution == "value" else {}
    mutation = capture(
        s,
        c.entity,
        c.record_id,
        "resolve-conflict",
        fields=fields,
        enterprise_id=c.enterprise_id,
        conflict_id=c.id,
        resolution=resolution,
        **extra,
    )
    c.pending_mutation = mutation
    s.flush()
    return conflict_view(s, c)
