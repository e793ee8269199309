"""One mutation's decision inside a push: scope, validation, merge, and what to write.

Nothing shared is changed until the decision is complete, so a mutation refused halfway (or
failing unexpectedly) leaves the rest of the batch as it was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from liaison_app.domain import validation
from liaison_app.domain.dates import latest_today
from liaison_app.errors import FieldError, InputError, ValidationError
from liaison_app.server import blobs
from liaison_app.server.access import Access
from liaison_app.server.audit import utcnow
from liaison_app.server.duplicates import duplicates, natural_key
from liaison_app.server.merge import RecordState, apply, decide
from liaison_app.server.numbers import number_key
from liaison_app.server.resolve import resolve
from liaison_app.server.schema import REFERENCE_TABLES
from liaison_app.server.sequence import PENDING, head
from liaison_app.server.stamp import Writes
from liaison_app.server.sync_types import Caller
from liaison_app.server.transitions import created_state, plan_transition
from liaison_app.server.wire import check_fields
from liaison_app.sync.protocol import LIFECYCLE_FIELDS

# Problem fields a plain create or update may not carry: set through lifecycle steps or by the
# server. ``officer`` is the author: set from the token, whatever the payload says.
_SERVER_SET = {"problem": (*LIFECYCLE_FIELDS, "number")}
_IGNORED = {"problem": ("officer",), "action": ("actor",)}
# What may move to another enterprise (its actions and attachments follow it).
MOVABLE = ("visit", "problem")
# The fields naming another record, and its kind ("owner": the attachment's owner_kind).
_REFERENCES = {
    "problem": (("visit_id", "visit"),),
    "action": (("problem_id", "problem"),),
    "attachment": (("owner_id", "owner"),),
}


def unknown_record(rid: str) -> InputError:
    # The same words whether the record does not exist or lies outside the caller's scope.
    return InputError(f"unknown record {rid} (or outside your scope)")


def unknown_enterprise(eid: str) -> InputError:
    return InputError(f"unknown enterprise {eid} (or outside your scope)")


class Recorder:
    """Decides each mutation of one push against the rows ``Access`` read."""

    def __init__(self, conn: Connection, caller: Caller, access: Access, writes: Writes) -> None:
        self.conn, self.caller, self.access, self.writes = conn, caller, access, writes
        self.rows = access.rows
        self.today = latest_today()
        self._codes: dict[str, frozenset[str]] = {}
        self._head: int | None = None
        self.resolved: dict[int, dict[str, Any]] = {}  # conflicts resolved earlier in this push

    def codes(self, kind: str) -> frozenset[str]:
        if kind not in self._codes:
            table = REFERENCE_TABLES[kind]
            self._codes[kind] = frozenset(self.conn.execute(select(table.c.code)).scalars())
        return self._codes[kind]

    def head(self) -> int:
        if self._head is None:
            self._head = head(self.conn)
        return self._head

    # ---- validation ---------------------------------------------------------------------------
    def clean(
        self, entity: str, fields: dict[str, Any], *, creating: bool, anchor_id: str | None
    ) -> dict[str, Any]:
        """Wire types first (strict), then the domain's own rules, as on the client."""
        refused = [f for f in fields if f in _SERVER_SET.get(entity, ())]
        if refused:
            raise ValidationError(
                [
                    FieldError(f, "lifecycle_only", "changes only through lifecycle steps")
                    if f != "number"
                    else FieldError(f, "server_field", "is given by the server")
                    for f in refused
                ]
            )
        user = {k: v for k, v in fields.items() if k not in _IGNORED.get(entity, ())}
        typed = check_fields(entity, user, creating=creating)
        moved = typed.get("enterprise_id")
        if "enterprise_id" in typed and moved is None:
            # Stored, a null would override the record's enterprise in every folder that pulls it.
            raise ValidationError.single(
                "enterprise_id", "required", "a visit or problem stays in an enterprise"
            )
        if moved is not None and moved != anchor_id and (creating or entity not in MOVABLE):
            # A create is anchored by the mutation's enterprise_id; a visit or problem moves
            # by an update (merging duplicate firms, _check_move), nothing else moves.
            raise ValidationError.single(
                "enterprise_id", "moved", "a record does not move to another enterprise"
            )
        if entity == "enterprise":
            cleaned, _warnings = validation.clean_enterprise(typed, self.codes, creating=creating)
        elif entity == "visit":
            cleaned = validation.clean_visit(typed, self.codes, creating=creating, today=self.today)
        elif entity == "problem":
            cleaned = validation.clean_problem(
                typed, self.codes, creating=creating, today=self.today
            )
        else:
            cleaned = {}
            department = typed.get("department")
            if department is not None and department not in self.codes("departments"):
                raise ValidationError.single("department", "unknown_code", "unknown department")
        out = dict(typed)
        for key, value in cleaned.items():
            out[key] = value.isoformat() if hasattr(value, "isoformat") else value
        return out

    def _check_blob(self, data: dict[str, Any]) -> None:
        sha = data.get("sha256")
        if not sha:
            return
        held = blobs.possession(self.conn, self.caller, sha)
        if held == "unproven":
            raise ValidationError.single("sha256", "unknown_blob", "unknown blob")
        if held == "proven":
            blobs.hold(self.conn, self.caller, sha)

    # ---- decisions -------------------------------------------------------------------------
    def decide(self, m: dict[str, Any]) -> dict[str, Any]:
        if m["op"] == "resolve-conflict":
            return resolve(self, m)
        rec = self.rows.get(m["record_id"])
        if rec is None:
            return self._create(m)
        if not self.access.may_write(self.access.anchor(rec)) and not self.access.moved_away(rec):
            raise unknown_record(m["record_id"])
        if rec["entity"] != m["entity"]:
            raise InputError(f"record {rec['id']} is a {rec['entity']}, not a {m['entity']}")
        return self._change(m, rec)

    def _create(self, m: dict[str, Any]) -> dict[str, Any]:
        c, entity, op, rid = self.caller, m["entity"], m["op"], m["record_id"]
        if op not in ("create", "update"):
            raise unknown_record(rid)
        fields = m.get("fields") or {}
        anchor: dict[str, Any] | None = None
        if entity == "enterprise":
            anchor_id = rid
        else:
            anchor_id = m.get("enterprise_id") or ""
            if not anchor_id:
                raise InputError("a new visit, problem, action or attachment needs enterprise_id")
            anchor = self.rows.get(anchor_id)
            if not self.access.may_write(anchor):
                raise unknown_enterprise(anchor_id)
            followed = self._parent_anchor(entity, fields)
            if followed is not None and followed != anchor_id:
                # The parent moved (a merge) after this client last pulled: the new record
                # goes where its parent is, so the parent's people see it.
                anchor_id, anchor = followed, self.rows[followed]
        data = self.clean(entity, fields, creating=True, anchor_id=anchor_id)
        self._check_references(entity, data, anchor_id)
        if (
            entity == "enterprise"
            and c.role == "supervisor"
            and data.get("district_code") != (c.district)
        ):
            raise InputError("a supervisor creates enterprises in their own district only")
        found: list[dict[str, Any]] = []
        number = None
        if entity == "problem":
            if m.get("lifecycle") is not None:
                data.update(
                    created_state(
                        m["lifecycle"],
                        department_codes=self.codes("departments"),
                        today=self.today,
                        author=c.author,
                    )
                )
            data.setdefault("status", "received")
            data["officer"] = c.author
            assert anchor is not None
            number = number_key(
                anchor["data"].get("district_code"), data.get("raised_on"), utcnow().year
            )
        elif entity == "action":
            data["actor"] = c.author
        elif entity == "attachment":
            self._check_blob(data)
        elif entity == "enterprise":
            found += self._duplicates(rid, data)
        if anchor is not None and anchor["deleted"]:
            found.append(
                {
                    "kind": "deleted",
                    "field": None,
                    "base": None,
                    "applied": data,
                    "losing": {"enterprise_deleted": anchor_id},
                    "losing_client_id": _writer(anchor, "deleted"),
                }
            )
        # Decided: from here on, only writes to the batch's state.
        self.rows[rid] = {
            "id": rid,
            "entity": entity,
            "enterprise_id": anchor_id,
            "district": data.get("district_code") if entity == "enterprise" else None,
            "natural_key": natural_key(data) if entity == "enterprise" else None,
            "blob_sha256": data.get("sha256") if entity == "attachment" else None,
            "data": data,
            "field_meta": {f: [PENDING, c.client_id] for f in data if f != "number"},
            "version": PENDING,
            "deleted": False,
            "created_by": c.user_id,
        }
        self.writes.new.add(rid)
        result = self.result(m, found, anchor_id)
        if number is not None:
            self.writes.numbers.append((rid, number, result))
        return result

    def _change(self, m: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
        entity, op = m["entity"], m["op"]
        if entity == "action" and op != "create":
            raise InputError("follow-up actions are append-only")
        state = RecordState(
            rec["data"] if isinstance(rec["data"], dict) else {},
            rec["field_meta"] if isinstance(rec["field_meta"], dict) else {},
            rec["version"],
            bool(rec["deleted"]),
        )
        fields: dict[str, Any] = {}
        forced: dict[str, Any] | None = None
        found: list[dict[str, Any]] = []
        if op == "transition":
            if entity != "problem":
                raise InputError("only problems take lifecycle steps")
            plan = plan_transition(
                state.data,
                m,
                department_codes=self.codes("departments"),
                today=self.today,
                author=self.caller.author,
            )
            if plan is None and not state.deleted:
                move = m["transition"]
                found.append(
                    {
                        "kind": "lifecycle",
                        "field": "status",
                        "base": move.get("from"),
                        "applied": move.get("to"),
                        "losing": state.data.get("status"),
                        "losing_client_id": _writer(rec, "status"),
                    }
                )
            elif plan is not None:
                forced, fields = plan
        elif op in ("create", "update"):
            raw = m.get("fields") or {}
            fields = self.clean(entity, raw, creating=False, anchor_id=rec["enterprise_id"])
            target = fields.get("enterprise_id")
            if target is not None and target != rec["enterprise_id"]:
                self._check_move(target)
            changed = {k: v for k, v in fields.items() if v != state.data.get(k)}
            if changed.keys() & {"visit_id", "problem_id", "owner_id", "owner_kind"}:
                self._check_references(
                    entity, {**state.data, **fields}, target or rec["enterprise_id"]
                )
        decision = decide(
            state,
            op=op,
            fields=fields,
            forced=forced,
            base_version=int(m.get("base_version") or 0),
            base=m.get("base"),
            client_id=self.caller.client_id,
            head=self.head,
        )
        found += decision.conflicts
        if entity == "attachment" and "sha256" in decision.changes:
            self._check_blob(decision.changes)
        if decision.is_noop(state) and not found:
            noop = {"id": m["id"], "status": "applied", "seq": rec["version"], "noop": True}
            if rec["version"] == PENDING:  # written earlier in this push: stamped with it
                self.writes.applied.append(noop)
            return noop
        if decision.changes or decision.deleted != state.deleted:
            data, meta = apply(state, decision, self.caller.client_id)
            rec.update(data=data, field_meta=meta, deleted=decision.deleted, version=PENDING)
            if entity == "enterprise":
                rec.update(district=data.get("district_code"), natural_key=natural_key(data))
            if entity == "attachment":
                rec["blob_sha256"] = data.get("sha256")
            if rec["id"] not in self.writes.new:
                self.writes.dirty.add(rec["id"])
            if entity in MOVABLE and data.get("enterprise_id") not in (None, rec["enterprise_id"]):
                self._move(rec, str(data["enterprise_id"]))
        return self.result(m, found, rec["enterprise_id"])

    def _parent_anchor(self, entity: str, fields: dict[str, Any]) -> str | None:
        """The enterprise a new action's or attachment's parent now lives in, when the
        caller may write there."""
        if entity == "action":
            parent_id = fields.get("problem_id")
        elif entity == "attachment" and fields.get("owner_kind") in ("visit", "problem", "action"):
            parent_id = fields.get("owner_id")
        else:
            return None
        parent = self.rows.get(parent_id) if isinstance(parent_id, str) else None
        if parent is None or parent["entity"] == "enterprise":
            return None
        target = parent["enterprise_id"]
        return target if self.access.may_write(self.rows.get(target)) else None

    def _check_references(self, entity: str, data: dict[str, Any], anchor_id: str) -> None:
        """A visit, problem or action a record names is one of its own enterprise (deleted or
        not): anything else, missing or outside the caller's scope, is refused with the same
        words. Left dangling, it kept the record waiting for its parent in every folder."""
        for field, kind in _REFERENCES.get(entity, ()):
            if kind == "owner":
                kind = str(data.get("owner_kind") or "")
            target = data.get(field)
            if target is None:
                continue
            if kind == "enterprise":
                ok = target == anchor_id
            else:
                row = self.rows.get(target) or self.access.load(str(target))
                ok = row is not None and row["entity"] == kind and row["enterprise_id"] == anchor_id
            if not ok:
                raise ValidationError.single(
                    field, "unknown", f"unknown {kind or 'record'} (or outside your scope)"
                )

    def _check_move(self, target: str) -> None:
        """A record moves only onto a live enterprise the caller may write to; anything else
        answers as an unknown enterprise (the same words whether it exists or not)."""
        anchor = self.rows.get(target) or self.access.load(target)
        if not self.access.may_write(anchor):
            raise unknown_enterprise(target)
        assert anchor is not None
        if anchor["deleted"]:
            raise ValidationError.single(
                "enterprise_id", "deleted", "a record does not move onto a deleted enterprise"
            )

    def _move(self, rec: dict[str, Any], target: str) -> None:
        """Re-scope a visit or problem and the actions and attachments under it: the scope
        column follows the data, so the target's people pull them (stamp.record_moves)."""
        before = rec["enterprise_id"]
        moving = [rec, *self.access.children(rec)]
        for row in moving:
            row["enterprise_id"] = target
            if isinstance(row.get("data"), dict) and "enterprise_id" in row["data"]:
                row["data"]["enterprise_id"] = target
            if row is not rec:
                row["version"] = PENDING
                if row["id"] not in self.writes.new:
                    self.writes.dirty.add(row["id"])
            self.writes.relocations.append((row["id"], row["entity"], before, target))

    def _duplicates(self, rid: str, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Twins are recorded for people who see both; the caller hears only of those it sees."""
        out = []
        for other in duplicates(self.conn, rid, data, self.rows):
            visible = self.access.sees({**other, "entity": "enterprise"})
            out.append(
                {
                    "kind": "duplicate",
                    "field": None,
                    "base": None,
                    "applied": rid,
                    "losing": other["id"],
                    "losing_user_id": other["created_by"],
                    "other_enterprise_id": other["id"],
                    "hidden": not visible,
                }
            )
        return out

    def result(
        self, m: dict[str, Any], found: list[dict[str, Any]], enterprise_id: str
    ) -> dict[str, Any]:
        shown = [f for f in found if not f.get("hidden")]
        for f in found:
            self.writes.conflicts.append(
                {
                    **f,
                    "entity": m["entity"],
                    "record_id": m["record_id"],
                    "enterprise_id": enterprise_id,
                    "mutation_id": m["id"],
                    "client_id": self.caller.client_id,
                    "applied_by": self.caller.author,
                }
            )
        result = {
            "id": m["id"],
            "status": "conflict" if shown else "applied",
            "seq": PENDING,
            "conflicts": [{"kind": f["kind"], "field": f["field"]} for f in shown],
        }
        self.writes.applied.append(result)
        return result


def _writer(rec: dict[str, Any] | None, name: str) -> str | None:
    """The client that last wrote a field (or deleted the record), from its metadata."""
    meta = (rec or {}).get("field_meta")
    last = meta.get(name) if isinstance(meta, dict) else None
    return last[1] if isinstance(last, list) and len(last) == 2 else None
