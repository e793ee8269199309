"""The audit log: one row per administrative or sync action, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from liaison_app.server import logs
from liaison_app.server.schema import audit_log


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


_AUDIT = insert(audit_log)


def audit(conn: Connection, actor: str | None, action: str, **detail: Any) -> None:
    """A row in the audit table, in the caller's transaction, and a structured log line."""
    conn.execute(_AUDIT, {"at": utcnow(), "actor": actor, "action": action, "detail": detail})
    logs.event(logs.audit_log, action, actor=actor, **detail)
