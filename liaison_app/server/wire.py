"""What a pushed mutation may look like: its shape, and every field's type and bounds.

Checked before anything else reads the values, so no hostile value (a NUL, a lone surrogate,
an integer past 64 bits, a structure 300 deep, a size of 10^20) reaches the merge, the
database or an answer. A failure rejects that one mutation (InputError / ValidationError);
only a mutation whose id or number is unusable refuses the batch, since it cannot be recorded.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from liaison_app.domain.labels import ACTION_KINDS, SATISFACTION, STATUSES
from liaison_app.errors import FieldError, InputError, ValidationError
from liaison_app.sync.protocol import ENTITIES, MAX_PUSH, OPS, SYNCED_FIELDS

MAX_INT = 2**63 - 1  # a database BIGINT
MAX_CONFLICT_ID = 2**31 - 1  # the conflicts table's INTEGER key
MAX_DEPTH = 6  # nesting anywhere inside one mutation
MAX_NODES = 5_000  # values inside one mutation
MAX_BLOB = 200 * 2**20  # as blobs.MAX_BLOB
ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.:-]{7,35}")
SHA256 = re.compile(r"[0-9a-f]{64}")
CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,39}")
# The keys a mutation may carry; others are ignored (never stored).
KEYS = frozenset(
    {
        "id",
        "seq",
        "entity",
        "record_id",
        "op",
        "enterprise_id",
        "fields",
        "base_version",
        "base",
        "step",
        "transition",
        "lifecycle",
        "conflict_id",
        "resolution",
        "value",
    }
)


def check_batch(mutations: Any) -> None:
    """The batch as a whole: a list of objects with a usable id and sequence number.

    Anything else about a mutation is that mutation's rejection (``check_mutation``).
    """
    if not isinstance(mutations, list) or len(mutations) > MAX_PUSH:
        raise InputError(f"a push carries a list of at most {MAX_PUSH} mutations")
    for m in mutations:
        ok = (
            isinstance(m, dict)
            and isinstance(m.get("id"), str)
            and ID.fullmatch(m["id"]) is not None
            and _is_int(m.get("seq"))
            and 1 <= m["seq"] <= MAX_INT
        )
        if not ok:
            raise InputError(
                "malformed mutation: needs an id (8-36 letters, digits, - _ . :) and seq ≥ 1"
            )


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_json(value: Any, path: str = "mutation") -> None:
    """Every value inside: plain JSON, strings without NUL or lone surrogates, integers within
    64 bits, finite numbers, at most MAX_DEPTH deep and MAX_NODES values. Messages name the
    place, never the value."""
    budget = [MAX_NODES]

    def walk(v: Any, where: str, depth: int) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise InputError("the mutation holds too many values")
        if depth > MAX_DEPTH:
            raise InputError(f"{where}: nested too deep")
        if v is None or isinstance(v, bool):
            return
        if isinstance(v, int):
            if not -MAX_INT <= v <= MAX_INT:
                raise InputError(f"{where}: a number beyond 64 bits")
            return
        if isinstance(v, float):
            if not math.isfinite(v):
                raise InputError(f"{where}: not a finite number")
            return
        if isinstance(v, str):
            _check_text(v, where)
            return
        if isinstance(v, list):
            for i, item in enumerate(v):
                walk(item, f"{where}[{i}]", depth + 1)
            return
        if isinstance(v, dict):
            for key, item in v.items():
                if not isinstance(key, str):
                    raise InputError(f"{where}: a key that is not text")
                _check_text(key, where)
                walk(item, f"{where}.{key[:40]}", depth + 1)
            return
        raise InputError(f"{where}: not a JSON value")

    walk(value, path, 0)


def _check_text(text: str, where: str) -> None:
    if "\x00" in text:
        raise InputError(f"{where[:80]}: text with a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{where[:80]}: text with a lone surrogate") from None


def check_mutation(m: dict[str, Any]) -> None:
    """The envelope of one mutation (after ``check_batch``), strictly typed."""
    check_json({k: v for k, v in m.items() if k in KEYS})
    if m.get("entity") not in ENTITIES:
        raise InputError(f"unknown entity; entities are: {', '.join(ENTITIES)}")
    if m.get("op") not in OPS:
        raise InputError(f"unknown op; ops are: {', '.join(OPS)}")
    if not isinstance(m.get("record_id"), str) or not ID.fullmatch(m["record_id"]):
        raise InputError("record_id: must be an id of 8-36 letters, digits, - _ . :")
    enterprise_id = m.get("enterprise_id")
    if enterprise_id is not None and (
        not isinstance(enterprise_id, str) or not ID.fullmatch(enterprise_id)
    ):
        raise InputError("enterprise_id: must be an id")
    if not isinstance(m.get("fields", {}), dict):
        raise InputError("fields: must be an object")
    base_version = m.get("base_version", 0)
    if base_version is not None and (not _is_int(base_version) or base_version < 0):
        raise InputError("base_version: must be a whole number ≥ 0")
    if not isinstance(m.get("base") or {}, dict):
        raise InputError("base: must be an object")
    op = m["op"]
    if op == "transition" and (
        not isinstance(m.get("step"), str) or not isinstance(m.get("transition"), dict)
    ):
        raise InputError('a transition needs a step and {"from": S, "to": T}')
    if "lifecycle" in m and m["lifecycle"] is not None:
        if op != "create" or m["entity"] != "problem":
            raise InputError("lifecycle: only with a problem's create")
        if not isinstance(m["lifecycle"], dict):
            raise InputError("lifecycle: must be an object")
    if op == "resolve-conflict":
        cid = m.get("conflict_id")
        if not _is_int(cid) or not 1 <= cid <= MAX_CONFLICT_ID:
            raise InputError("unknown conflict")
        if m.get("resolution") not in ("value", "dismiss"):
            raise InputError('resolution: "value" or "dismiss"')


# ---- field types: what the domain's cleaners may then check for meaning ----------------------

_T = dict[str, tuple[Any, ...]]


def _text(n: int) -> tuple[Any, ...]:
    return ("text", n)


TEXT = _text(20_000)
NAME = _text(200)
FIELD_TYPES: dict[str, _T] = {
    "enterprise": {
        "name": NAME,
        "uscc": _text(40),
        "district_code": ("code",),
        "industry_code": ("code",),
        "size": ("code",),
        "ownership": ("code",),
        "address": _text(500),
        "legal_rep": NAME,
        "contact_name": NAME,
        "contact_title": NAME,
        "phone": _text(40),
        "park": NAME,
        "officer": NAME,
        "unit": NAME,
        "specialised": ("flag",),
        "notes": TEXT,
    },
    "visit": {
        "enterprise_id": ("id",),
        "visit_date": ("date",),
        "mode": ("code",),
        "officers": ("names",),
        "people_met": TEXT,
        "business_situation": TEXT,
        "output_value": ("number",),
        "revenue": ("number",),
        "staff": ("int", 0, MAX_INT),
        "capacity_use": ("number",),
        "policies": TEXT,
        "opinions": TEXT,
        "solved_on_site": TEXT,
        "summary": TEXT,
    },
    "problem": {
        "enterprise_id": ("id",),
        "visit_id": ("id",),
        "category": ("code",),
        "description": TEXT,
        "request": TEXT,
        "urgency": ("code",),
        "source": ("code",),
        "raised_on": ("date",),
        "shared": ("flag",),
        "co_departments": ("codes",),
    },
    "attachment": {
        "owner_kind": ("choice", ("enterprise", "visit", "problem", "action")),
        "owner_id": ("id",),
        "filename": _text(255),
        "mime_type": _text(100),
        "size": ("int", 0, MAX_BLOB),
        "sha256": ("sha",),
        "caption": _text(500),
    },
    "action": {
        "problem_id": ("id",),
        "at": ("datetime",),
        "actor": NAME,
        "kind": ("choice", tuple(ACTION_KINDS)),
        "text": TEXT,
        "from_status": ("choice", tuple(STATUSES)),
        "to_status": ("choice", tuple(STATUSES)),
        "department": ("code",),
        "deadline": ("date",),
        "satisfaction": ("choice", tuple(SATISFACTION)),
    },
}
assert all(set(FIELD_TYPES[e]) == set(SYNCED_FIELDS[e]) for e in ENTITIES)
# What a create of an entity the domain has no cleaner for must carry.
REQUIRED = {
    "attachment": ("owner_kind", "owner_id", "filename", "size", "sha256"),
    "action": ("problem_id", "at", "kind"),
}


def check_fields(entity: str, fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Each field of a plain create or update by its wire type and bounds; unknown fields are
    refused. Returns the values (flags as booleans, lists of names or codes as lists)."""
    types = FIELD_TYPES[entity]
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for name, value in fields.items():
        kind = types.get(name)
        if kind is None:
            errors.append(FieldError(name[:60], "unknown_field", "is not a field of this record"))
            continue
        problem = _type_error(kind, value)
        if problem is not None:
            errors.append(FieldError(name, problem[0], problem[1]))
            continue
        out[name] = _normalise(kind, value)
    if creating:
        for name in REQUIRED.get(entity, ()):
            if out.get(name) in (None, ""):
                errors.append(FieldError(name, "required", "is required"))
    if errors:
        raise ValidationError(errors)
    return out


def _type_error(kind: tuple[Any, ...], v: Any) -> tuple[str, str] | None:
    if v is None:
        return None
    tag = kind[0]
    if tag == "text":
        if not isinstance(v, str):
            return ("not_text", "must be text")
        if len(v) > kind[1]:
            return ("too_long", f"is {len(v)} characters; at most {kind[1]}")
    elif tag in ("code", "choice"):
        if not isinstance(v, str) or not CODE.fullmatch(v.strip()):
            return ("unknown_code", "must be a code")
        if tag == "choice" and v.strip() not in kind[1]:
            return ("unknown", f"allowed: {', '.join(kind[1])}")
    elif tag == "id":
        if not isinstance(v, str) or not ID.fullmatch(v):
            return ("bad_id", "must be an id")
    elif tag == "sha":
        if not isinstance(v, str) or not SHA256.fullmatch(v):
            return ("bad_sha256", "must be the lowercase hex sha256 of the file")
    elif tag == "date":
        if not isinstance(v, str) or len(v) != 10:
            return ("bad_date", "must be a date YYYY-MM-DD")
        try:
            dt.date.fromisoformat(v)
        except ValueError:
            return ("bad_date", "must be a date YYYY-MM-DD")
    elif tag == "datetime":
        if not isinstance(v, str) or len(v) > 40:
            return ("bad_datetime", "must be an ISO date and time")
        try:
            dt.datetime.fromisoformat(v)
        except ValueError:
            return ("bad_datetime", "must be an ISO date and time")
    elif tag == "flag":
        if not (isinstance(v, bool) or (_is_int(v) and v in (0, 1))):
            return ("not_flag", "must be true or false")
    elif tag == "int":
        if not _is_int(v) or not kind[1] <= v <= kind[2]:
            return ("out_of_range", f"must be a whole number from {kind[1]} to {kind[2]}")
    elif tag == "number":
        if isinstance(v, bool) or not isinstance(v, int | float):
            return ("not_number", "must be a number")
        if not math.isfinite(v) or abs(v) > 1e15:
            return ("out_of_range", "must be a number of at most 10^15")
    elif tag in ("names", "codes"):
        items = [v] if isinstance(v, str) else v
        if not isinstance(items, list) or len(items) > 100:
            return ("not_list", "must be a list of at most 100 items")
        for item in items:
            if not isinstance(item, str) or len(item) > 200:
                return ("not_list", "must be a list of short texts")
    return None


def _normalise(kind: tuple[Any, ...], v: Any) -> Any:
    if v is None:
        return None
    if kind[0] == "flag":
        return bool(v)
    if kind[0] in ("code", "choice"):
        return v.strip()
    if kind[0] == "text":
        return v.strip() or None
    return v
