"""The sync protocol's shared vocabulary: entities, synced fields, operations, batch limits.

Bookkeeping (updated_at, versions, derived flags such as overdue) is never a synced field: the
server keeps its own, derived values are computed (design.md §3).
"""

from __future__ import annotations

from liaison_app.domain.fields import ENTERPRISE_FIELDS, PROBLEM_FIELDS, VISIT_FIELDS

PROTOCOL_VERSION = 1
MAX_PUSH = 500  # mutations per push
MAX_PULL = 500  # rows per pull page

OPS = ("create", "update", "delete", "restore", "transition")

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
# Problem fields that change only through lifecycle transitions (never plain updates).
LIFECYCLE_FIELDS = (
    "status",
    "accepted_on",
    "assigned_on",
    "lead_department",
    "deadline",
    "result",
    "resolved_on",
    "callback_on",
    "callback_by",
    "satisfaction",
    "dissatisfied_reason",
    "closed_on",
    "reopen_count",
)
