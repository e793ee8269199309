"""The sync protocol's shared vocabulary: entities, synced fields, operations, batch limits.

The wire format is described in docs/sync-protocol.md. Bookkeeping (updated_at, versions,
derived flags such as overdue) is never a synced field: the server keeps its own, derived values
are computed (design.md §3).
"""

from __future__ import annotations

from liaison_app.domain.fields import ENTERPRISE_FIELDS, PROBLEM_FIELDS, VISIT_FIELDS
from liaison_app.domain.lifecycle import LIFECYCLE_FIELDS, STEP_FIELDS

__all__ = [
    "ENTITIES",
    "LIFECYCLE_FIELDS",
    "MAX_PULL",
    "MAX_PULL_BYTES",
    "MAX_PUSH",
    "MAX_PUSH_BYTES",
    "OPS",
    "PROTOCOL_VERSION",
    "SERVER_FIELDS",
    "STEP_FIELDS",
    "SYNCED_FIELDS",
]

PROTOCOL_VERSION = 1
MAX_PUSH = 500  # mutations per push
MAX_PUSH_BYTES = 1_000_000  # of JSON, per push
MAX_PULL = 500  # rows per pull page
MAX_PULL_BYTES = 2_000_000  # of JSON, per pull page

OPS = ("create", "update", "delete", "restore", "transition", "resolve-conflict")
ENTITIES = ("enterprise", "visit", "problem", "action", "attachment")

SYNCED_FIELDS: dict[str, tuple[str, ...]] = {
    "enterprise": ENTERPRISE_FIELDS,
    "visit": ("enterprise_id", *VISIT_FIELDS),
    "problem": ("enterprise_id", "visit_id", *PROBLEM_FIELDS),
    "attachment": (
        "owner_kind",
        "owner_id",
        "filename",
        "mime_type",
        "size",
        "sha256",
        "caption",
    ),
    "action": (
        "problem_id",
        "at",
        "actor",
        "kind",
        "text",
        "from_status",
        "to_status",
        "department",
        "deadline",
        "satisfaction",
    ),
}
# Fields a record's data carries that the server sets, never a client's plain edit: a problem's
# number and author, its status and lifecycle fields (through transitions).
SERVER_FIELDS: dict[str, tuple[str, ...]] = {
    "problem": ("number", "officer", *LIFECYCLE_FIELDS),
}
