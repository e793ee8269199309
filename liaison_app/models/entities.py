"""ORM models of the records: enterprises, visits, problems, follow-up actions, attachments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from liaison_app.models.base import Base, Code, Flag, LongText, Name, Stamp, UuidPk, utcnow


class Timestamps:
    created_at: Mapped[Stamp]
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Tombstone: synced tables never hard-delete, so sync can carry the delete.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The server version of the base copy the visible row was built on (0: never synced):
    # an edit sends the version the person was looking at (design.md §3).
    sync_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class CascadeMark:
    # The parent whose delete took this record with it, so undoing that delete brings back
    # exactly these (a tombstone's time cannot say: pulls set their own).
    deleted_with: Mapped[str | None] = mapped_column(String(36))


class Enterprise(Timestamps, Base):
    __tablename__ = "enterprise"

    id: Mapped[UuidPk]
    name: Mapped[Name]
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    district_code: Mapped[str | None] = mapped_column(
        String(6), ForeignKey("district.code"), index=True
    )
    industry_code: Mapped[str | None] = mapped_column(String(5))
    size: Mapped[Code | None]
    ownership: Mapped[Code | None]
    address: Mapped[str | None] = mapped_column(String(500))
    legal_rep: Mapped[Name | None]
    contact_name: Mapped[Name | None]
    contact_title: Mapped[Name | None]
    phone: Mapped[str | None] = mapped_column(String(40))
    park: Mapped[Name | None]
    officer: Mapped[Name | None] = mapped_column(index=True)
    unit: Mapped[Name | None]
    specialised: Mapped[Flag]
    notes: Mapped[LongText | None]


class Visit(Timestamps, CascadeMark, Base):
    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_enterprise_date", "enterprise_id", "visit_date"),)

    id: Mapped[UuidPk]
    enterprise_id: Mapped[str] = mapped_column(String(36), ForeignKey("enterprise.id"))
    visit_date: Mapped[dt.date] = mapped_column(Date, index=True)
    mode: Mapped[Code]
    officers: Mapped[list[str]] = mapped_column(JSON, default=list)
    people_met: Mapped[LongText | None]
    business_situation: Mapped[LongText | None]
    output_value: Mapped[float | None] = mapped_column(Float)
    revenue: Mapped[float | None] = mapped_column(Float)
    staff: Mapped[int | None] = mapped_column(Integer)
    capacity_use: Mapped[float | None] = mapped_column(Float)
    policies: Mapped[LongText | None]
    opinions: Mapped[LongText | None]
    solved_on_site: Mapped[LongText | None]
    summary: Mapped[LongText | None]


class Problem(Timestamps, CascadeMark, Base):
    __tablename__ = "problem"
    __table_args__ = (
        Index("ix_problem_status_deadline", "status", "deadline"),
        # Covers every column the figures read, so a year's statistics never visit the table.
        Index(
            "ix_problem_stats",
            "raised_on",
            "deleted_at",
            "status",
            "deadline",
            "resolved_on",
            "satisfaction",
            "lead_department",
            "category",
            "officer",
            "enterprise_id",
        ),
    )

    id: Mapped[UuidPk]
    # The human number the server gives when it first applies the create (SY-2026-000123);
    # until then lists show a provisional one made from local_no.
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    local_no: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[str] = mapped_column(String(36), ForeignKey("enterprise.id"), index=True)
    visit_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("visit.id"), index=True)
    source: Mapped[Code]
    raised_on: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(40), ForeignKey("category.code"))
    description: Mapped[LongText]
    request: Mapped[LongText | None]
    urgency: Mapped[Code]
    shared: Mapped[Flag]
    lead_department: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("department.code"), index=True
    )
    co_departments: Mapped[list[str]] = mapped_column(JSON, default=list)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    assigned_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[Code] = mapped_column(default="received")
    result: Mapped[LongText | None]
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    callback_on: Mapped[dt.date | None] = mapped_column(Date)
    callback_by: Mapped[Name | None]
    satisfaction: Mapped[Code | None]
    dissatisfied_reason: Mapped[LongText | None]
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    officer: Mapped[Name | None] = mapped_column(index=True)


# The ledger's "by deadline" order (open-ended deadlines last) read straight from an index.
Index(
    "ix_problem_deadline_sort",
    Problem.deadline.is_(None),
    Problem.deadline,
    Problem.id,
)


class FollowUpAction(Base):
    """One step in a problem's append-only log: lifecycle transitions and plain follow-ups."""

    __tablename__ = "follow_up_action"
    __table_args__ = (Index("ix_follow_up_action_problem_at", "problem_id", "at"),)

    id: Mapped[UuidPk]
    problem_id: Mapped[str] = mapped_column(String(36), ForeignKey("problem.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[Name | None]
    kind: Mapped[Code]
    text: Mapped[LongText | None]
    from_status: Mapped[Code | None]
    to_status: Mapped[Code | None]
    department: Mapped[Code | None]
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    satisfaction: Mapped[Code | None]
    created_at: Mapped[Stamp]


class Attachment(Timestamps, Base):
    """Metadata of a photo or document; the bytes live content-addressed beside the database."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id"),)

    id: Mapped[UuidPk]
    owner_kind: Mapped[Code]  # visit | problem | action
    owner_id: Mapped[str] = mapped_column(String(36))
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str | None] = mapped_column(String(500))


class AppMeta(Base):
    """Key/value facts about this data folder (officer name, counters)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class SearchDoc(Base):
    """Maps a record to its row in the FTS5 table ``search_fts`` (rowid = this id)."""

    __tablename__ = "search_doc"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[str] = mapped_column(String(36), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class ImportBatch(Base):
    """One import of a sheet, kept so it can be undone as one step (local: never synced).

    ``created_ids``: the records it created; ``previous``: for each record it updated, the
    fields it changed with their values before (``before``) and as imported (``after``), so
    undo puts back only what nobody has changed since.
    """

    __tablename__ = "import_batch"

    id: Mapped[UuidPk]
    kind: Mapped[Code]
    file_name: Mapped[str] = mapped_column(String(500))
    sheet: Mapped[Name | None]
    created_at: Mapped[Stamp]
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    created_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
