"""The merge decision for a mutation to a record the server holds (design.md §3). Pure.

Per-field metadata ([server seq, client id] of the last write) decides: a field the server has
not changed since ``base_version``, or last changed by this same client, is applied; an equal
value is a no-op; otherwise the later arrival wins and the overwritten value becomes a field
conflict. An edit to a deleted record is kept whole as a conflict and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A field written by a push that has not taken its sequence yet: at the record's own version.
PENDING = -1


@dataclass(frozen=True)
class RecordState:
    data: dict[str, Any]
    field_meta: dict[str, Any]
    version: int
    deleted: bool


@dataclass
class Decision:
    changes: dict[str, Any] = field(default_factory=dict)  # field → new value
    deleted: bool = False
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def is_noop(self, state: RecordState) -> bool:
        return not self.changes and self.deleted == state.deleted and not self.conflicts


def _last_write(state: RecordState, name: str) -> tuple[int, str | None] | None:
    last = state.field_meta.get(name)
    if not isinstance(last, list | tuple) or len(last) != 2:
        return None
    seq, client = last
    if not isinstance(seq, int):
        return None
    return (state.version if seq == PENDING else seq), client


def decide(
    state: RecordState,
    *,
    op: str,
    fields: dict[str, Any],
    forced: dict[str, Any] | None = None,
    base_version: int,
    base: dict[str, Any] | None,
    client_id: str,
    head: Callable[[], int],
) -> Decision:
    """The changes and conflicts of one mutation to an existing record.

    ``fields`` are the validated values to merge; ``forced`` values (a transition's status)
    apply as they are. ``head`` gives the server's sequence now (asked only when needed: a
    ``base_version`` beyond it counts as unchanged).
    """
    base = base or {}
    out = Decision(deleted=state.deleted)
    if op == "delete":
        out.deleted = True
    elif op == "restore":
        out.deleted = False
    elif state.deleted:
        out.conflicts.append(
            {
                "kind": "deleted",
                "field": None,
                "base": base or None,
                "applied": {**fields, **(forced or {})},
                "losing": None,
                "losing_client_id": _writer(state, "deleted"),
            }
        )
        return out
    for name, value in fields.items():
        last = _last_write(state, name)
        untouched = (
            last is None or last[1] == client_id or last[0] <= base_version or base_version > head()
        )
        if untouched:
            if state.data.get(name) != value or name not in state.data:
                out.changes[name] = value
        elif state.data.get(name) == value:
            continue
        else:
            out.conflicts.append(
                {
                    "kind": "field",
                    "field": name,
                    "base": base.get(name),
                    "applied": value,
                    "losing": state.data.get(name),
                    "losing_client_id": last[1] if last else None,
                }
            )
            out.changes[name] = value
    for name, value in (forced or {}).items():
        if state.data.get(name) != value or name not in state.data:
            out.changes[name] = value
    return out


def _writer(state: RecordState, name: str) -> str | None:
    last = _last_write(state, name)
    return last[1] if last else None


def apply(
    state: RecordState, decision: Decision, client_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record's data and field metadata after a decision (new dicts)."""
    data, meta = dict(state.data), dict(state.field_meta)
    for name, value in decision.changes.items():
        data[name] = value
        meta[name] = [PENDING, client_id]
    if decision.deleted != state.deleted:
        meta["deleted"] = [PENDING, client_id]  # who deleted or restored it (conflict authors)
    return data, meta
