"""``op: resolve-conflict``: a person's decision on a conflict, pushed like any other change.

``value`` writes the chosen value to the conflict's field as this client's write (it *is* the
decision: no merge check) and marks the conflict resolved; ``dismiss`` marks it resolved and
changes no record. The first resolution stands: a later one is an applied no-op saying
``already_resolved``. Pulls carry every resolution, so both officers converge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison_app.domain.lifecycle import clean_lifecycle_state
from liaison_app.errors import InputError
from liaison_app.server.merge import PENDING, Decision, RecordState, apply
from liaison_app.sync.protocol import LIFECYCLE_FIELDS

if TYPE_CHECKING:
    from liaison_app.server.recorder import Recorder


def unknown_conflict() -> InputError:
    # The same words whether it does not exist or lies outside the caller's scope.
    return InputError("unknown conflict (or outside your scope)")


def resolve(r: Recorder, m: dict[str, Any]) -> dict[str, Any]:
    row = r.access.conflicts.get(m["conflict_id"])
    if row is None or row.entity != m["entity"] or row.record_id != m["record_id"]:
        raise unknown_conflict()
    if not r.access.may_write(r.rows.get(row.enterprise_id)):
        raise unknown_conflict()
    if row.other_enterprise_id and not r.access.sees(
        r.rows.get(row.other_enterprise_id) or {"id": "", "district": None, "created_by": None}
    ):
        raise unknown_conflict()
    earlier = r.resolved.get(row.id)
    if earlier is not None or row.resolved_at is not None or row.resolved_seq is not None:
        seq = earlier["seq"] if earlier is not None else (row.resolved_seq or row.seq)
        answer = {
            "id": m["id"],
            "status": "applied",
            "seq": seq,
            "noop": True,
            "already_resolved": True,
        }
        if seq == PENDING:
            r.writes.applied.append(answer)
        return answer
    value = None
    rec = None
    if m["resolution"] == "value":
        if row.kind != "field" or not row.field:
            raise InputError("only a field conflict is resolved with a value; dismiss this one")
        rec = r.rows.get(row.record_id)
        if rec is None:
            raise unknown_conflict()
        value = _clean_value(r, rec, row.field, m.get("value"))
    # Decided: from here on, only writes to the batch's state.
    if rec is not None:
        state = RecordState(rec["data"], rec["field_meta"], rec["version"], bool(rec["deleted"]))
        data, meta = apply(state, Decision({row.field: value}, state.deleted), r.caller.client_id)
        rec.update(data=data, field_meta=meta, version=PENDING)
        if rec["id"] not in r.writes.new:
            r.writes.dirty.add(rec["id"])
    r.writes.resolutions.append(
        {
            "cid": row.id,
            "resolved_by": r.caller.author,
            "resolution": {"resolution": m["resolution"], "value": value},
        }
    )
    answer = {"id": m["id"], "status": "applied", "seq": PENDING, "conflicts": []}
    r.resolved[row.id] = answer
    r.writes.applied.append(answer)
    return answer


def _clean_value(r: Recorder, rec: dict[str, Any], field: str, value: Any) -> Any:
    """The chosen value, validated like an update of that one field."""
    entity = rec["entity"]
    if entity == "problem" and field in LIFECYCLE_FIELDS:
        if field == "status":
            raise InputError("a status is settled by a lifecycle step; dismiss this one")
        state = {"status": rec["data"].get("status") or "received", field: value}
        cleaned = clean_lifecycle_state(
            state, department_codes=r.codes("departments"), latest_today=r.today
        )
        return cleaned[field]
    cleaned = r.clean(entity, {field: value}, creating=False, anchor_id=rec["enterprise_id"])
    return cleaned.get(field)
