"""Frozen records that services hand to the UI, the reports and the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def record_to_dict(record: Any) -> dict[str, Any]:
    """A record as JSON-ready data: dates as ISO strings, tuples as lists, ids as strings."""

    def conv(value: Any) -> Any:
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return record_to_dict(value)
        if isinstance(value, tuple | list):
            return [conv(v) for v in value]
        return value

    out = {f.name: conv(getattr(record, f.name)) for f in dataclasses.fields(record)}
    for name in getattr(record, "_derived", ()):
        out[name] = conv(getattr(record, name))
    return out


@dataclass(frozen=True)
class RefRecord:
    kind: str
    code: str
    name_zh: str
    name_en: str
    parent: str | None = None
    builtin: bool = True
    active: bool = True


@dataclass(frozen=True)
class EnterpriseRecord:
    id: str
    name: str
    uscc: str | None
    district_code: str | None
    industry_code: str | None
    size: str | None
    ownership: str | None
    address: str | None
    legal_rep: str | None
    contact_name: str | None
    contact_title: str | None
    phone: str | None
    park: str | None
    officer: str | None
    unit: str | None
    specialised: bool
    notes: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    open_problems: int = 0
    # The server version this record was built on (0: never synced): an editor hands the
    # record it showed back to the service, so the edit is a diff against what was seen.
    version: int = 0


@dataclass(frozen=True)
class VisitRecord:
    id: str
    enterprise_id: str
    enterprise_name: str
    visit_date: dt.date
    mode: str
    officers: tuple[str, ...]
    people_met: str | None
    business_situation: str | None
    output_value: float | None
    revenue: float | None
    staff: int | None
    capacity_use: float | None
    policies: str | None
    opinions: str | None
    solved_on_site: str | None
    summary: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    version: int = 0


@dataclass(frozen=True)
class ActionRecord:
    id: str
    problem_id: str
    at: dt.datetime
    actor: str | None
    kind: str
    text: str | None
    from_status: str | None
    to_status: str | None
    department: str | None
    deadline: dt.date | None
    satisfaction: str | None


@dataclass(frozen=True)
class ProblemRecord:
    id: str
    number: str
    enterprise_id: str
    enterprise_name: str
    visit_id: str | None
    source: str
    raised_on: dt.date
    category: str
    description: str
    request: str | None
    urgency: str
    shared: bool
    lead_department: str | None
    co_departments: tuple[str, ...]
    accepted_on: dt.date | None
    assigned_on: dt.date | None
    deadline: dt.date | None
    status: str
    result: str | None
    resolved_on: dt.date | None
    callback_on: dt.date | None
    callback_by: str | None
    satisfaction: str | None
    dissatisfied_reason: str | None
    closed_on: dt.date | None
    reopen_count: int
    officer: str | None
    overdue: bool
    district_code: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    actions: tuple[ActionRecord, ...] = ()
    allowed_steps: tuple[str, ...] = ()
    version: int = 0
    # True until the server gives the problem its number; lists and printed records say so.
    number_provisional: bool = False


@dataclass(frozen=True)
class SearchHit:
    kind: str  # enterprise | visit | problem
    id: str
    title: str
    detail: str


@dataclass(frozen=True)
class Changes:
    """What a write changed: the UI re-broadcasts it so each view decides whether to refresh."""

    kinds: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    # Brought in by a sync (views refresh; no new sync is scheduled for it).
    from_sync: bool = False


@dataclass(frozen=True)
class MergePlan:
    """What merging one enterprise into another moves: ``drop``'s live visits and problems
    (with their follow-ups and attachments) go to ``keep``, then ``drop`` is deleted."""

    keep_id: str
    keep_name: str
    keep_district: str | None
    drop_id: str
    drop_name: str
    drop_district: str | None
    visits: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    actions: int = 0
    attachments: int = 0
    # The liaison officer named on each (twins often share name and district: this tells
    # them apart).
    keep_officer: str | None = None
    drop_officer: str | None = None


@dataclass(frozen=True)
class Saved:
    """A write's result: the record as stored now, what changed and any warnings."""

    record: Any
    changes: Changes = field(default_factory=Changes)

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.changes.warnings


@dataclass(frozen=True)
class AttachmentRecord:
    id: str
    owner_kind: str  # visit | problem | action
    owner_id: str
    filename: str
    mime_type: str | None
    size: int
    sha256: str
    caption: str | None
    created_at: dt.datetime
    # Whether the file itself is in this folder ("missing" until it arrives from the server).
    available: bool
    deleted_at: dt.datetime | None = None
    # A photo attached shrunk whose full-size original this folder keeps (never sent).
    has_original: bool = False
